//! TLS settings: verification on by default, private CAs, and the explicit opt-out.

use crate::Error;

/// TLS options collected by the builder and applied once in `build()`.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsOptions {
    /// Skip certificate verification (Portainer's default self-signed certificate).
    pub(crate) accept_invalid_certs: bool,
    /// PEM bundles of extra trust anchors, parsed in `build()` so that the
    /// builder methods stay infallible and chainable.
    pub(crate) root_pems: Vec<Vec<u8>>,
}

impl TlsOptions {
    pub(crate) fn apply(
        &self,
        mut builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, Error> {
        // rustls with the platform verifier: system roots plus the ones added here.
        builder = builder.tls_backend_rustls();
        let mut certs = Vec::new();
        for (i, pem) in self.root_pems.iter().enumerate() {
            let parsed = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                Error::Config(format!("root certificate #{} is not valid PEM: {e}", i + 1))
            })?;
            if parsed.is_empty() {
                return Err(Error::Config(format!(
                    "root certificate #{} contains no PEM certificate",
                    i + 1
                )));
            }
            certs.extend(parsed);
        }
        if !certs.is_empty() {
            builder = builder.tls_certs_merge(certs);
        }
        if self.accept_invalid_certs {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        Ok(builder)
    }
}

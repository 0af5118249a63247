//! TLS settings: verification on by default, private CAs, and the explicit
//! opt-out, for the one provider the build compiled (feature `ring`,
//! `aws-lc-rs` or `native-tls`).

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::Error;

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs", feature = "native-tls")))]
compile_error!(
    "portainer-sdk needs a TLS provider: turn on one of its features `ring` (the default), `aws-lc-rs` or `native-tls`"
);

#[cfg(any(
    all(feature = "ring", feature = "aws-lc-rs"),
    all(feature = "native-tls", any(feature = "ring", feature = "aws-lc-rs"))
))]
compile_error!(
    "portainer-sdk compiles exactly one TLS provider, but several of its features `ring`, `aws-lc-rs`, `native-tls` are on: keep one (`default-features = false` turns off the default `ring`)"
);

/// Installs the crypto provider this build compiled (`ring` or `aws-lc-rs`) as
/// the process's default rustls provider, unless the program installed one.
///
/// The SDK itself needs no call to this: its clients carry their own TLS
/// configuration. It is for programs that also build plain `reqwest` clients
/// while giving reqwest no TLS feature of their own: reqwest, compiled here
/// with rustls but without a provider, panics in `ClientBuilder::build` when
/// no default is installed. With `native-tls` this does nothing.
///
/// ```
/// portainer_sdk::install_crypto_provider();
/// // Plain reqwest clients built from here on find a provider.
/// let http = reqwest::Client::new();
/// # let _ = http;
/// ```
pub fn install_crypto_provider() {
    #[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
    let _ = rustls_tls::compiled_provider().install_default();
}

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
        builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, Error> {
        let roots = self.roots()?;
        #[cfg(feature = "native-tls")]
        let builder = {
            let certs = roots
                .iter()
                .map(|der| reqwest::Certificate::from_der(der))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| Error::Config(format!("root certificate not usable: {e}")))?;
            builder
                .tls_backend_native()
                .tls_certs_merge(certs)
                .tls_danger_accept_invalid_certs(self.accept_invalid_certs)
        };
        #[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
        let builder = builder
            .tls_backend_preconfigured(rustls_tls::config(roots, self.accept_invalid_certs)?);
        Ok(builder)
    }

    /// The certificates of every PEM bundle, each bundle holding at least one.
    fn roots(&self) -> Result<Vec<CertificateDer<'static>>, Error> {
        let mut roots = Vec::new();
        for (i, pem) in self.root_pems.iter().enumerate() {
            let before = roots.len();
            for cert in CertificateDer::pem_slice_iter(pem) {
                roots.push(cert.map_err(|e| {
                    Error::Config(format!("root certificate #{} is not valid PEM: {e}", i + 1))
                })?);
            }
            if roots.len() == before {
                return Err(Error::Config(format!(
                    "root certificate #{} contains no PEM certificate",
                    i + 1
                )));
            }
        }
        Ok(roots)
    }
}

/// The rustls configuration, built here rather than by reqwest so that reqwest
/// compiles no crypto provider of its own. (The features exclude each other,
/// see the `compile_error!`s above, so `ring` or `aws-lc-rs` means rustls.)
#[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
mod rustls_tls {
    use std::sync::Arc;

    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::{
        CryptoProvider, WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature,
    };
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{DigitallySignedStruct, SignatureScheme};

    use crate::Error;

    /// The provider this build compiled.
    pub(super) fn compiled_provider() -> CryptoProvider {
        #[cfg(feature = "aws-lc-rs")]
        return rustls::crypto::aws_lc_rs::default_provider();
        #[cfg(not(feature = "aws-lc-rs"))]
        rustls::crypto::ring::default_provider()
    }

    pub(super) fn config(
        roots: Vec<CertificateDer<'static>>,
        accept_invalid_certs: bool,
    ) -> Result<rustls::ClientConfig, Error> {
        // The application's choice, when it installed one (as rustls asks of
        // libraries), else the provider this build compiled.
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(compiled_provider()));
        let verifier: Arc<dyn ServerCertVerifier> = if accept_invalid_certs {
            Arc::new(AnyCertificate(provider.signature_verification_algorithms))
        } else {
            // The system's roots, plus the private CAs.
            Arc::new(
                rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
                    .map_err(|e| Error::Config(format!("cannot set up TLS verification: {e}")))?,
            )
        };
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("cannot set up TLS: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        // reqwest offers HTTP/2 through ALPN only on configurations it builds itself.
        if cfg!(feature = "http2") {
            config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        }
        Ok(config)
    }

    /// `danger_accept_invalid_certs`: any certificate is accepted, though the
    /// handshake's signatures are still checked against it, with the
    /// provider's algorithms.
    #[derive(Debug)]
    struct AnyCertificate(WebPkiSupportedAlgorithms);

    impl ServerCertVerifier for AnyCertificate {
        fn verify_server_cert(
            &self,
            _: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls12_signature(message, cert, dss, &self.0)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls13_signature(message, cert, dss, &self.0)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.supported_schemes()
        }
    }
}

//! TLS against a real rustls server on 127.0.0.1 with a certificate from a
//! throwaway private CA: rejected by default, accepted with the opt-out,
//! accepted once the CA is added. `cargo xtask test` runs these under each
//! TLS provider of the client (`ring`, `aws-lc-rs`, `native-tls`); the
//! server always uses ring.

mod common;

use std::sync::Arc;

use portainer_sdk::{Client, Error, RetryPolicy, TransportKind};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::{self, pki_types::PrivateKeyDer};

struct TlsServer {
    url: String,
    ca_pem: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn tls_server() -> TlsServer {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "portainer-sdk test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let body = common::response("stack_inspect__mgm-mootse61.json");
    let task = tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let body = body.clone();
            tokio::spawn(async move {
                // A client that rejects the certificate aborts the handshake.
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return;
                };
                let mut buf = vec![0u8; 8192];
                if tls.read(&mut buf).await.unwrap_or(0) == 0 {
                    return;
                }
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(resp.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    TlsServer {
        url,
        ca_pem: ca_cert.pem(),
        task,
    }
}

#[tokio::test]
async fn untrusted_certificate_is_rejected_by_default() {
    let server = tls_server().await;
    let c = Client::builder(&server.url)
        .api_key(common::KEY)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = c.stacks().get(61).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportKind::Tls,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!format!("{e} {e:?}").contains(common::KEY));
    let text = e.to_string();
    // What each TLS library calls a certificate no trusted root vouches for.
    let cause = if cfg!(feature = "native-tls") {
        "certificate verify failed"
    } else {
        "UnknownIssuer"
    };
    assert!(
        text.contains(cause) && text.contains("add_root_certificate"),
        "{text}"
    );
}

#[tokio::test]
async fn accepted_with_the_explicit_opt_out() {
    let server = tls_server().await;
    let c = Client::builder(&server.url)
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    assert_eq!(c.stacks().get(61).await.unwrap().id, Some(61));
}

#[tokio::test]
async fn accepted_with_the_ca_added() {
    let server = tls_server().await;
    let c = Client::builder(&server.url)
        .add_root_certificate(&server.ca_pem)
        .build()
        .unwrap();
    assert_eq!(c.stacks().get(61).await.unwrap().id, Some(61));
}

#[tokio::test]
async fn ca_file_from_the_environment_is_trusted() {
    let server = tls_server().await;
    let path = std::env::temp_dir().join(format!("psdk-ca-{}.pem", std::process::id()));
    std::fs::write(&path, &server.ca_pem).unwrap();
    let url = server.url.clone();
    let path_text = path.display().to_string();
    let c = portainer_sdk::ClientBuilder::from_env_fn(|n| match n {
        "PORTAINER_URL" => Some(url.clone()),
        "PORTAINER_API_KEY" => Some(common::KEY.to_owned()),
        "PORTAINER_CA_FILE" => Some(path_text.clone()),
        _ => None,
    })
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(c.stacks().get(61).await.unwrap().id, Some(61));
    std::fs::remove_file(&path).ok();
}

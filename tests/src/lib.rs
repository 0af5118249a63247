//! Shared helpers of the workspace-level integration tests.
//!
//! The tests themselves live in `tests/tests/`; this library finds the shared
//! material they read and sets up what a program around the SDK sets up.

use std::path::PathBuf;

/// The directory of genuine Portainer response bodies: `PORTAINER_RESPONSES_DIR`,
/// or `../shared/portainer-responses` beside the workspace.
pub fn responses_dir() -> PathBuf {
    match std::env::var_os("PORTAINER_RESPONSES_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/portainer-responses"),
    }
}

/// The text of one genuine response body; panics with the path when missing,
/// because a test that cannot read its input must fail, not pass.
pub fn response(name: &str) -> String {
    let path = responses_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "reading {} (set PORTAINER_RESPONSES_DIR): {e}",
            path.display()
        )
    })
}

/// Installs ring as the process's rustls provider, as a program does that
/// builds reqwest clients of its own next to `portainer-sdk`: the SDK's
/// rustls features turn on reqwest's rustls without a provider, and reqwest
/// then refuses to build a client (it panics) until one is installed.
pub fn install_crypto_provider() {
    // Already installed (by another test of the same binary) is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

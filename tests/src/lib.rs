//! Shared helpers of the workspace-level integration tests.
//!
//! The tests themselves live in `tests/tests/`; this library only finds the
//! shared material they read.

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

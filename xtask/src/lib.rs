//! Workspace automation for portainer-rs, as a library so that tests and fuzz
//! targets reach the converter and the normalizer directly.

pub mod bench;
pub mod build_cost;
pub mod contract;
pub mod convert;
pub mod diff;
pub mod fuzz;
pub mod generate;
pub mod normalize;
pub mod pins;
pub mod pipeline;
pub mod source;
pub mod test_suite;

use std::path::{Path, PathBuf};

/// The workspace root: xtask lives one level below it.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

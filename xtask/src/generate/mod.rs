//! `cargo xtask generate`.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};

#[derive(clap::Args)]
pub struct Args {
    /// Fail, with a short diff summary, when the committed client differs.
    #[arg(long)]
    pub check: bool,
    /// Any Portainer spec file instead of the default pin.
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Write a standalone crate here instead of portainer-sdk-gen.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(_args: Args) -> Result<ExitCode> {
    bail!("generate is not written yet")
}

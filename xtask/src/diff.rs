//! `cargo xtask diff`.
use std::process::ExitCode;

use anyhow::{Result, bail};

#[derive(clap::Args)]
pub struct Args {
    pub old: String,
    pub new: String,
}

pub fn run(_args: Args) -> Result<ExitCode> {
    bail!("diff is not written yet")
}

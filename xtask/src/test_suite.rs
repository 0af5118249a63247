//! `cargo xtask test`: the whole test suite from a fresh clone, in one command.

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

/// npm projects the tests need (the swagger2openapi oracle, the Prism mock
/// server), each with a committed lockfile so that `npm ci` is reproducible.
const NPM_DIRS: [&str; 2] = ["tests/oracle", "tests/contract"];

#[derive(clap::Args)]
pub struct Args {
    /// Arguments passed on to `cargo test --workspace`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub cargo_args: Vec<String>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let root = crate::workspace_root();
    for dir in NPM_DIRS {
        install_npm(&root.join(dir))?;
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--workspace"])
        .args(&args.cargo_args)
        .current_dir(&root)
        .status()
        .context("running cargo test")?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn install_npm(dir: &Path) -> Result<()> {
    if !dir.join("package-lock.json").is_file() || dir.join("node_modules").is_dir() {
        return Ok(());
    }
    println!("installing {} from its lockfile (npm ci)", dir.display());
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(dir)
        .status()
        .context("running npm (the tests need Node.js and npm)")?;
    if !status.success() {
        bail!("npm ci --prefix {} failed", dir.display());
    }
    Ok(())
}

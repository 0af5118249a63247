//! `cargo xtask test`: the whole test suite from a fresh clone, in one command:
//! the workspace's tests, then the ones that need `portainer-sdk` built with
//! other features.

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

/// The runs after the workspace's, each building `portainer-sdk` with other
/// features: the TLS tests under the providers other than the default `ring`
/// (which the workspace run covers), and the JSON Schema of the generated types.
const FEATURE_RUNS: [(&str, &[&str]); 4] = [
    (
        "TLS tests with aws-lc-rs",
        &[
            "--no-default-features",
            "--features",
            "aws-lc-rs",
            "--test",
            "tls",
        ],
    ),
    (
        "TLS tests with native-tls",
        &[
            "--no-default-features",
            "--features",
            "native-tls",
            "--test",
            "tls",
        ],
    ),
    ("schemars", &["--features", "schemars", "--test", "schema"]),
    (
        "docker: the typed Docker calls, waiting and the README's examples",
        &["--features", "docker"],
    ),
];

pub fn run(args: Args) -> Result<ExitCode> {
    let root = crate::workspace_root();
    for dir in NPM_DIRS {
        install_npm(&root.join(dir))?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut failed = Vec::new();
    let status = Command::new(&cargo)
        .args(["test", "--workspace"])
        .args(&args.cargo_args)
        .current_dir(&root)
        .status()
        .context("running cargo test")?;
    if !status.success() {
        failed.push("the workspace");
    }
    for (name, flags) in FEATURE_RUNS {
        println!("\n=== portainer-sdk: {name}");
        let status = Command::new(&cargo)
            .args(["test", "-p", "portainer-sdk"])
            .args(flags)
            .current_dir(&root)
            .status()
            .with_context(|| format!("running cargo test for {name}"))?;
        if !status.success() {
            failed.push(name);
        }
    }
    if failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("failed: {}", failed.join(", "));
    Ok(ExitCode::FAILURE)
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

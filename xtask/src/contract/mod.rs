//! `cargo xtask contract`: every generated request checked by Prism, a
//! third-party mock server that validates requests against the spec.
//!
//! `spec` writes the document Prism serves (the normalized default pin),
//! `cases` emits the generated test cases (`tests/tests/contract/cases.rs`),
//! `run` does it all: spec, Prism, the contract test, the summary.

pub mod cases;
pub mod prism;
pub mod values;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::source::SpecSource;

/// The generated cases file, relative to the workspace root.
pub const CASES_FILE: &str = "tests/tests/contract/cases.rs";
/// The npm project that pins Prism, relative to the workspace root.
pub const NPM_DIR: &str = "tests/contract";
/// The environment variable that points the contract test at a running Prism
/// (`cargo xtask contract run` sets it); without it the test starts its own.
pub const ENV_PRISM_URL: &str = "PORTAINER_CONTRACT_PRISM_URL";
/// Where the contract test writes its full report (every case, every note),
/// relative to the target dir.
pub const REPORT_FILE: &str = "contract/report.txt";

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(clap::Subcommand)]
pub enum Sub {
    /// Write the spec Prism serves: the default pin, converted and normalized, as JSON.
    Spec {
        #[arg(long)]
        out: PathBuf,
    },
    /// Emit the generated test cases (tests/tests/contract/cases.rs).
    Cases {
        /// Fail when the committed file differs from what the spec generates.
        #[arg(long)]
        check: bool,
    },
    /// Write the spec, start Prism, run the contract test against it, stop Prism.
    Run,
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Sub::Spec { out } => {
            let n = write_spec(&out)?;
            println!("wrote {} ({n} operations)", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Sub::Cases { check } => run_cases(check),
        Sub::Run => run_all(),
    }
}

/// The document Prism serves: the default pin after every normalization rule,
/// `auth-alternatives` included (Prism checks that each required security
/// header is present, and the published spec requires `X-API-KEY` and
/// `Authorization` together on 152 operations).
pub fn prism_spec() -> Result<Value> {
    let source = SpecSource::default_pin()?;
    let (doc, report) = crate::pipeline::normalized(&source)?;
    if report.count("auth-alternatives").is_none() {
        bail!("the normalizer has no auth-alternatives rule; Prism would demand both credentials");
    }
    Ok(doc)
}

/// Writes [`prism_spec`] to `out` and returns its number of operations.
pub fn write_spec(out: &Path) -> Result<usize> {
    let doc = prism_spec()?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(out, serde_json::to_vec_pretty(&doc)?)
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(crate::generate::operations::count(&doc))
}

fn run_cases(check: bool) -> Result<ExitCode> {
    let root = crate::workspace_root();
    let text = cases::render(&prism_spec()?, &root)?;
    let path = root.join(CASES_FILE);
    if check {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            println!("contract cases --check: {CASES_FILE} is up to date");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "contract cases --check: {CASES_FILE} differs from what the spec and the generated client give; run `cargo xtask contract cases` and commit it"
        );
        return Ok(ExitCode::FAILURE);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {CASES_FILE} ({} lines)", text.lines().count());
    Ok(ExitCode::SUCCESS)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

fn run_all() -> Result<ExitCode> {
    let root = crate::workspace_root();
    let target = target_dir(&root);
    let spec = target.join("contract/spec.json");
    let started = std::time::Instant::now();
    let n = write_spec(&spec)?;
    println!("contract: wrote {} ({n} operations)", spec.display());
    let prism = prism::Prism::start(&root, &spec, &target.join("contract/prism.log"))?;
    println!(
        "contract: Prism ready at {} after {:.1} s",
        prism.url(),
        prism.startup().as_secs_f64()
    );
    let report = target.join(REPORT_FILE);
    let _ = std::fs::remove_file(&report);
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "-p", "portainer-tests", "--test", "contract"])
        .env(ENV_PRISM_URL, prism.url())
        .current_dir(&root)
        .status()
        .context("running cargo test")?;
    drop(prism);
    if report.is_file() {
        println!("contract: every case and note in {}", report.display());
    } else {
        eprintln!("contract: the test wrote no report ({})", report.display());
    }
    println!("contract: {:.1} s in all", started.elapsed().as_secs_f64());
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

//! `cargo xtask bench`: call overhead of the SDK's stack list.
//!
//! Sets up pyportainer (the Python baseline) in a venv under
//! `target/bench/pyportainer-venv` from the pinned
//! `bench/pyportainer/requirements.txt`, then runs the release-built bench
//! `portainer-sdk/benches/stacks.rs` (`cargo bench -p portainer-sdk --bench
//! stacks`), which starts the loopback server, measures the SDK, the raw
//! reqwest call and decoding, runs the pyportainer driver against the same
//! server, and prints the summary as its last lines. See PERFORMANCE.md.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::workspace_root;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A short run (a tenth of the calls) to check that everything works.
    #[arg(long)]
    pub quick: bool,
    /// Skip pyportainer (no venv, no Python baseline).
    #[arg(long)]
    pub no_python: bool,
    /// The Python interpreter the venv is made with.
    #[arg(long, default_value = "python3")]
    pub python: String,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let root = workspace_root();
    let driver = root.join("bench/pyportainer/drive.py");
    let python = if args.no_python {
        None
    } else {
        Some(pyportainer_venv(&root, &args.python)?)
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root).args([
        "bench",
        "--quiet",
        "-p",
        "portainer-sdk",
        "--bench",
        "stacks",
        "--",
    ]);
    if let Some(python) = &python {
        cmd.arg("--python").arg(python).arg("--driver").arg(&driver);
    }
    if args.quick {
        cmd.arg("--quick");
    }
    let status = cmd.status().context("running cargo bench")?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: the bench failed: {status}");
        ExitCode::FAILURE
    })
}

/// The venv's interpreter, with the pinned requirements installed (again
/// only when the requirements file changed).
fn pyportainer_venv(root: &Path, base_python: &str) -> Result<PathBuf> {
    let requirements = root.join("bench/pyportainer/requirements.txt");
    let venv = root.join("target/bench/pyportainer-venv");
    let python = venv.join("bin/python");
    let stamp = venv.join(".requirements.sha256");
    let wanted = hex(&Sha256::digest(
        fs::read(&requirements).with_context(|| format!("reading {}", requirements.display()))?,
    ));
    if python.is_file() && fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == wanted) {
        return Ok(python);
    }
    if !python.is_file() {
        eprintln!("bench: creating {}", venv.display());
        let st = Command::new(base_python)
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .with_context(|| format!("running {base_python} -m venv"))?;
        if !st.success() {
            bail!("{base_python} -m venv {} failed: {st}", venv.display());
        }
    }
    eprintln!("bench: installing {}", requirements.display());
    let st = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements)
        .status()
        .context("running pip")?;
    if !st.success() {
        bail!("pip install -r {} failed: {st}", requirements.display());
    }
    fs::write(&stamp, &wanted)?;
    Ok(python)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

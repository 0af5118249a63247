//! `cargo xtask`: the workspace's own automation. See the README for each command.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use xtask::{bench, build_cost};
use xtask::{contract, diff, generate, pins, test_suite};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "portainer-rs workspace automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Pinned upstream specifications.
    Spec {
        #[command(subcommand)]
        command: SpecCommand,
    },
    /// Regenerate the low-level client from a spec (the default pin unless --spec).
    Generate(generate::Args),
    /// What changed in the API between two releases (pinned versions or files).
    Diff(diff::Args),
    /// Install what the tests need (npm lockfiles), `cargo test --workspace`, then the
    /// SDK tests that need other features (TLS providers, schemars).
    Test(test_suite::Args),
    /// Run every fuzz target for --seconds S (installs cargo-fuzz if missing).
    Fuzz(xtask::fuzz::Args),
    /// Call overhead: SDK stack list against raw reqwest, decoding, pyportainer (PERFORMANCE.md).
    Bench(bench::Args),
    /// Build time, peak rustc memory and lines of portainer-sdk-gen per feature set.
    BuildCost(build_cost::Args),
    /// Every generated request checked by Prism (spec, cases, run).
    Contract(contract::Args),
}

#[derive(Subcommand)]
enum SpecCommand {
    /// List the pins and where each is found locally.
    List,
    /// Find or download a pinned spec and verify its SHA-256 (all pins when no VERSION).
    Fetch { version: Option<String> },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Spec {
            command: SpecCommand::List,
        } => spec_list(),
        Command::Spec {
            command: SpecCommand::Fetch { version },
        } => spec_fetch(version.as_deref()),
        Command::Generate(args) => generate::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Test(args) => test_suite::run(args),
        Command::Fuzz(args) => xtask::fuzz::run(args),
        Command::Bench(args) => bench::run(args),
        Command::BuildCost(args) => build_cost::run(args),
        Command::Contract(args) => contract::run(args),
    }
}

fn spec_list() -> Result<ExitCode> {
    let pins = pins::Pins::load()?;
    for pin in &pins.pins {
        let default = if pin.version == pins.default {
            " (default)"
        } else {
            ""
        };
        let location = match pin.locate()? {
            pins::Location::Verified(p) => format!("found, verified: {}", p.display()),
            pins::Location::Mismatch { path, .. } => {
                format!("found, SHA-256 MISMATCH: {}", path.display())
            }
            pins::Location::Missing => "not found locally (spec fetch downloads it)".to_owned(),
        };
        println!(
            "{} {}{default}  {}  {}\n    sha256 {}\n    {}\n    {location}",
            pin.edition, pin.version, pin.format, pin.file, pin.sha256, pin.url
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn spec_fetch(version: Option<&str>) -> Result<ExitCode> {
    let pins = pins::Pins::load()?;
    let selected: Vec<&pins::Pin> = match version {
        Some(v) => vec![pins.find(v).ok_or_else(|| {
            anyhow::anyhow!(
                "no pin for {v:?}; pinned versions: {}",
                pins.pins
                    .iter()
                    .map(|p| p.version.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?],
        None => pins.pins.iter().collect(),
    };
    for pin in selected {
        let path = pin.fetch()?;
        println!(
            "{}: {} (sha256 {} verified)",
            pin.label(),
            path.display(),
            pin.sha256
        );
    }
    Ok(ExitCode::SUCCESS)
}

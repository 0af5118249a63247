//! The application pair of `cargo xtask build-cost`: a user's first build.
//!
//! Two one-file programs, each its own workspace under `target/build-cost/app`:
//! one lists stacks with `portainer-sdk` (default features, a path
//! dependency), the other lists containers with bollard (the latest release).
//! Registry sources are fetched first; then each is built in one run, one
//! after the other, from an empty target directory, and the wall times are
//! compared. The SDK's application starts from the workspace's `Cargo.lock`
//! (the versions the SDK is tested with); bollard's resolves afresh.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::cargo_cmd;

/// Both programs use the runtime the README's quick start uses.
const TOKIO: &str = r#"tokio = { version = "1", features = ["macros", "rt-multi-thread"] }"#;

const SDK_MAIN: &str = r#"#[tokio::main]
async fn main() -> Result<(), portainer_sdk::Error> {
    let client = portainer_sdk::Client::from_env()?;
    for stack in client.stacks().list().send().await? {
        println!("{stack:?}");
    }
    Ok(())
}
"#;

const BOLLARD_MAIN: &str = r#"#[tokio::main]
async fn main() -> Result<(), bollard::errors::Error> {
    let docker = bollard::Docker::connect_with_local_defaults()?;
    for container in docker.list_containers(None).await? {
        println!("{container:?}");
    }
    Ok(())
}
"#;

/// What one application's build cost.
pub struct AppBuild {
    pub seconds: f64,
    /// User and system CPU time of cargo and everything it ran, where known:
    /// less sensitive than wall time to what else runs on the machine.
    pub cpu_seconds: Option<f64>,
    /// Packages compiled (each counted once, build script or not).
    pub crates: usize,
    /// `name version` of the package the application is about.
    pub subject: String,
}

/// Builds both applications and prints `build-cost: app: ...`.
pub fn run(cargo: &OsStr, root: &Path, sdk_dir: &Path, jobs: usize) -> Result<()> {
    let base = root.join("target").join("build-cost").join("app");
    let sdk_dir = sdk_dir
        .canonicalize()
        .with_context(|| format!("no portainer-sdk crate at {}", sdk_dir.display()))?;
    let sdk_dep = format!(
        "portainer-sdk = {{ path = {:?} }}",
        sdk_dir.display().to_string()
    );
    let sdk = write_app(&base.join("sdk"), "sdk", &sdk_dep, SDK_MAIN)?;
    // The versions the SDK is tested with, where the checkout has them.
    if let Some(lock) = sdk_dir.parent().map(|p| p.join("Cargo.lock"))
        && lock.is_file()
    {
        fs::copy(&lock, sdk.join("Cargo.lock")).context("copying Cargo.lock")?;
    }
    let bollard = write_app(
        &base.join("bollard"),
        "bollard",
        r#"bollard = "*""#,
        BOLLARD_MAIN,
    )?;
    for dir in [&sdk, &bollard] {
        // Downloads are not part of what is measured.
        let out = cargo_cmd(cargo, dir, &dir.join("target"))
            .args(["fetch", "--quiet"])
            .output()
            .context("cargo fetch")?;
        if !out.status.success() {
            bail!(
                "cargo fetch in {} failed:\n{}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let duplicates = duplicates(cargo, &sdk)?;
    eprintln!(
        "build-cost: app: duplicate crates in the sdk application (cargo tree -d -e normal): {}",
        if duplicates.is_empty() {
            "none".to_owned()
        } else {
            duplicates.join(", ")
        }
    );
    let s = build(cargo, &sdk, jobs, "portainer-sdk")?;
    let b = build(cargo, &bollard, jobs, "bollard")?;
    eprintln!(
        "build-cost: app: sdk compiled {} crates ({}), bollard {} crates ({})",
        s.crates, s.subject, b.crates, b.subject
    );
    if let (Some(sc), Some(bc)) = (s.cpu_seconds, b.cpu_seconds) {
        eprintln!(
            "build-cost: app: cpu time: sdk {sc:.1} s, bollard {bc:.1} s, ratio {:.2}",
            sc / bc
        );
    }
    println!("{}", app_line(s.seconds, b.seconds));
    Ok(())
}

pub fn app_line(sdk: f64, bollard: f64) -> String {
    format!(
        "build-cost: app: sdk {sdk:.1} s, bollard {bollard:.1} s, ratio {:.2}",
        sdk / bollard
    )
}

fn write_app(dir: &Path, name: &str, dependency: &str, main: &str) -> Result<PathBuf> {
    let _ = fs::remove_file(dir.join("Cargo.lock"));
    fs::create_dir_all(dir.join("src")).with_context(|| format!("creating {}", dir.display()))?;
    let manifest = format!(
        "[package]\nname = \"list-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         # Its own workspace, not the one around target/.\n[workspace]\n\n\
         [dependencies]\n{dependency}\n{TOKIO}\n"
    );
    fs::write(dir.join("Cargo.toml"), manifest)?;
    fs::write(dir.join("src").join("main.rs"), main)?;
    Ok(dir.to_path_buf())
}

/// The crates `cargo tree -d -e normal` lists at the top level (two versions of one crate).
fn duplicates(cargo: &OsStr, dir: &Path) -> Result<Vec<String>> {
    let out = cargo_cmd(cargo, dir, &dir.join("target"))
        .args(["tree", "-d", "-e", "normal", "--depth", "0", "--offline"])
        .output()
        .context("cargo tree")?;
    if !out.status.success() {
        bail!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

fn build(cargo: &OsStr, dir: &Path, jobs: usize, subject: &str) -> Result<AppBuild> {
    let target = dir.join("target");
    if target.exists() {
        fs::remove_dir_all(&target).with_context(|| format!("emptying {}", target.display()))?;
    }
    let cpu_before = children_cpu_seconds();
    let started = Instant::now();
    let out = cargo_cmd(cargo, dir, &target)
        .args(["build", "--offline", "--message-format=json", "-j"])
        .arg(jobs.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .context("cargo build")?;
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = children_cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    if !out.status.success() {
        bail!(
            "building {} failed:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (crates, found) = compiled_packages(&String::from_utf8_lossy(&out.stdout), subject);
    Ok(AppBuild {
        seconds,
        cpu_seconds,
        crates,
        subject: found.unwrap_or_else(|| subject.to_owned()),
    })
}

/// User plus system CPU seconds of this process's waited-for children and
/// their own (`cutime` and `cstime` of /proc/self/stat, in the 100 Hz ticks
/// Linux reports them in); `None` elsewhere.
fn children_cpu_seconds() -> Option<f64> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    cpu_from_stat(&stat)
}

fn cpu_from_stat(stat: &str) -> Option<f64> {
    // Fields after the command name, which may hold spaces, start at field 3.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |field: usize| fields.get(field - 3)?.parse::<u64>().ok();
    Some((ticks(16)? + ticks(17)?) as f64 / 100.0)
}

/// How many packages a JSON message stream shows compiled, and `name version`
/// of the one named `subject`.
pub fn compiled_packages(json_lines: &str, subject: &str) -> (usize, Option<String>) {
    let mut ids = BTreeSet::new();
    let mut found = None;
    for m in json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["fresh"] == false)
    {
        let Some(id) = m["package_id"].as_str() else {
            continue;
        };
        if let Some((name, version)) = name_version(id)
            && name == subject
        {
            found = Some(format!("{name} {version}"));
        }
        ids.insert(id.to_owned());
    }
    (ids.len(), found)
}

/// `registry+https://...#name@1.2.3`, or `path+file:///.../name#1.2.3` when
/// the directory is named after the package.
fn name_version(id: &str) -> Option<(&str, &str)> {
    let (url, fragment) = id.rsplit_once('#')?;
    match fragment.split_once('@') {
        Some(pair) => Some(pair),
        None => Some((url.rsplit('/').next()?, fragment)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_counted_once() {
        let json = r#"{"reason":"compiler-artifact","fresh":false,"package_id":"registry+https://github.com/rust-lang/crates.io-index#serde@1.0.228","target":{"name":"build_script_build"}}
{"reason":"compiler-artifact","fresh":false,"package_id":"registry+https://github.com/rust-lang/crates.io-index#serde@1.0.228","target":{"name":"serde"}}
{"reason":"compiler-artifact","fresh":false,"package_id":"registry+https://github.com/rust-lang/crates.io-index#bollard@0.21.1","target":{"name":"bollard"}}
{"reason":"compiler-artifact","fresh":false,"package_id":"path+file:///w/portainer-sdk#0.1.0","target":{"name":"portainer_sdk"}}
{"reason":"compiler-artifact","fresh":true,"package_id":"path+file:///w#x@0.0.0","target":{"name":"x"}}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            compiled_packages(json, "bollard"),
            (3, Some("bollard 0.21.1".to_owned()))
        );
        assert_eq!(
            compiled_packages(json, "portainer-sdk").1.as_deref(),
            Some("portainer-sdk 0.1.0")
        );
    }

    #[test]
    fn children_cpu_from_stat() {
        let stat = "4242 (x task) S 1 2 3 4 5 6 7 8 9 10 11 12 1234 66 0 0 20 0 1 0";
        assert_eq!(cpu_from_stat(stat), Some(13.0));
        assert_eq!(cpu_from_stat("garbage"), None);
    }

    #[test]
    fn line_format() {
        assert_eq!(
            app_line(20.0, 25.0),
            "build-cost: app: sdk 20.0 s, bollard 25.0 s, ratio 0.80"
        );
    }
}

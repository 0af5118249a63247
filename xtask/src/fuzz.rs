//! `cargo xtask fuzz --seconds S`: every fuzz target of `fuzz/` for S seconds.
//!
//! Installs cargo-fuzz when it is missing, lays out each target's corpus in
//! `fuzz/corpus/<target>/` (git-ignored) from the committed hand-made seeds in
//! `fuzz/seeds/<target>/` and, at run time, from the shared Portainer responses
//! and specs, builds the targets once, runs each fuzzer binary for S seconds
//! (`--jobs N` at a time), and ends with the line
//! `fuzz: T targets, E execs, C crashes`. Crash, timeout and out-of-memory
//! inputs land in `fuzz/artifacts/<target>/`; the exit status is 1 when C > 0.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The targets of `fuzz/Cargo.toml`, in the order they run.
pub const TARGETS: &[&str] = &[
    "decode_stacks",
    "decode_settings",
    "error_response",
    "convert",
    "normalize",
];

/// The statuses error-response seeds are made with.
const SEED_STATUSES: &[u16] = &[400, 401, 403, 404, 409, 429, 500, 502, 503];

/// The fragments cut from each spec for the spec targets' seeds.
const FRAGMENTS_PER_SPEC: usize = 40;

/// Inputs larger than this are not generated: whole specs take a second to
/// parse and would leave little time for mutations.
const SPEC_MAX_LEN: usize = 64 * 1024;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How long each target runs.
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,
    /// Run only these targets (repeatable; default: all).
    #[arg(long = "target", value_name = "TARGET")]
    pub targets: Vec<String>,
    /// How many targets run at the same time.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Where the shared Portainer responses and specs are (default `../shared`
    /// beside the workspace, or `PORTAINER_SHARED_DIR`).
    #[arg(long)]
    pub shared: Option<PathBuf>,
}

/// What one target's run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub target: String,
    pub execs: u64,
    pub crashes: usize,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let root = crate::workspace_root();
    let fuzz_dir = root.join("fuzz");
    let targets: Vec<&str> = if args.targets.is_empty() {
        TARGETS.to_vec()
    } else {
        for t in &args.targets {
            if !TARGETS.contains(&t.as_str()) {
                bail!("no fuzz target {t:?}; targets: {}", TARGETS.join(", "));
            }
        }
        TARGETS
            .iter()
            .copied()
            .filter(|t| args.targets.iter().any(|a| a == t))
            .collect()
    };
    ensure_cargo_fuzz()?;
    let shared = args
        .shared
        .clone()
        .or_else(|| std::env::var_os("PORTAINER_SHARED_DIR").map(PathBuf::from))
        .unwrap_or_else(|| root.join("../shared"));
    for target in &targets {
        let n = prepare_corpus(&fuzz_dir, target, &shared)?;
        println!("{target}: {n} seed inputs in fuzz/corpus/{target}");
    }
    build(&fuzz_dir)?;

    let bin_dir = fuzz_dir.join("target").join(host_triple()?).join("release");
    let seconds = args.seconds.max(1);
    let jobs = args.jobs.max(1);
    let mut outcomes = Vec::new();
    for chunk in targets.chunks(jobs) {
        let results: Vec<Result<Outcome>> = std::thread::scope(|s| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|t| {
                    let bin = bin_dir.join(t);
                    let fuzz_dir = &fuzz_dir;
                    s.spawn(move || run_target(fuzz_dir, &bin, t, seconds))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(anyhow::anyhow!("runner thread panicked")))
                })
                .collect()
        });
        for r in results {
            let o = r?;
            println!("{}: {} execs, {} crashes", o.target, o.execs, o.crashes);
            outcomes.push(o);
        }
    }
    let execs: u64 = outcomes.iter().map(|o| o.execs).sum();
    let crashes: usize = outcomes.iter().map(|o| o.crashes).sum();
    println!("{}", summary(outcomes.len(), execs, crashes));
    Ok(if crashes == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The closing line.
pub fn summary(targets: usize, execs: u64, crashes: usize) -> String {
    format!("fuzz: {targets} targets, {execs} execs, {crashes} crashes")
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn ensure_cargo_fuzz() -> Result<()> {
    let present = cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    println!("installing cargo-fuzz (cargo install cargo-fuzz --locked)");
    let status = cargo()
        .args(["install", "cargo-fuzz", "--locked"])
        .status()
        .context("running cargo install")?;
    if !status.success() {
        bail!("cargo install cargo-fuzz --locked failed");
    }
    Ok(())
}

/// cargo fuzz passes `-Z` flags (the sanitizer); on a stable toolchain they
/// need `RUSTC_BOOTSTRAP=1`, which only this build gets.
fn build(fuzz_dir: &Path) -> Result<()> {
    println!("building the fuzz targets (cargo fuzz build)");
    let mut cmd = cargo();
    cmd.args(["fuzz", "build"])
        .current_dir(fuzz_dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("CARGO_TARGET_DIR");
    // `cargo run` gives xtask its own package variables; build scripts that
    // watch them (ring's) would rebuild everything under them.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || matches!(
                &*name,
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_MANIFEST_LINKS"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
            )
        {
            cmd.env_remove(&*name);
        }
    }
    let status = cmd.status().context("running cargo fuzz build")?;
    if !status.success() {
        bail!("cargo fuzz build failed");
    }
    Ok(())
}

fn host_triple() -> Result<String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .context("running rustc -vV")?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV names no host")
}

/// Files in `dir` whose names libFuzzer gives to failing inputs.
fn failing_inputs(dir: &Path) -> BTreeSet<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeSet::new();
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                ["crash-", "timeout-", "oom-", "leak-"]
                    .iter()
                    .any(|prefix| n.starts_with(prefix))
            })
        })
        .collect()
}

fn run_target(fuzz_dir: &Path, bin: &Path, target: &str, seconds: u64) -> Result<Outcome> {
    let artifacts = fuzz_dir.join("artifacts").join(target);
    std::fs::create_dir_all(&artifacts)?;
    let before = failing_inputs(&artifacts);
    let log_path = fuzz_dir.join("artifacts").join(format!("{target}.log"));
    let log = std::fs::File::create(&log_path)
        .with_context(|| format!("creating {}", log_path.display()))?;
    let mut cmd = Command::new(bin);
    cmd.arg(fuzz_dir.join("corpus").join(target))
        .arg(format!("-max_total_time={seconds}"))
        .arg("-print_final_stats=1")
        .arg("-timeout=20")
        .arg("-rss_limit_mb=2048")
        .arg(format!("-artifact_prefix={}/", artifacts.display()));
    if matches!(target, "convert" | "normalize") {
        cmd.arg(format!("-max_len={SPEC_MAX_LEN}"));
    }
    let mut child = cmd
        .current_dir(fuzz_dir)
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {} (built?)", bin.display()))?;
    // libFuzzer stops itself; this bound only guards against a fuzzer that does not.
    let deadline = Instant::now() + Duration::from_secs(seconds + 120);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    let execs = text
        .lines()
        .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let new_failures = failing_inputs(&artifacts).difference(&before).count();
    // A fuzzer that failed without saving an input (a crash while loading the
    // corpus, a kill) still counts as one crash.
    let crashes = if status.success() {
        new_failures
    } else {
        new_failures.max(1)
    };
    if crashes > 0 {
        eprintln!(
            "{target}: fuzzer exited with {status}; log: {}, inputs: {}",
            log_path.display(),
            artifacts.display()
        );
    }
    Ok(Outcome {
        target: target.to_owned(),
        execs,
        crashes,
    })
}

/// Fills `fuzz/corpus/<target>` with the committed seeds and the ones made
/// from the shared files; returns how many inputs it holds.
fn prepare_corpus(fuzz_dir: &Path, target: &str, shared: &Path) -> Result<usize> {
    let corpus = fuzz_dir.join("corpus").join(target);
    std::fs::create_dir_all(&corpus)?;
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(fuzz_dir.join("seeds").join(target)) {
        for e in entries.flatten() {
            if e.path().is_file() {
                seeds.push(std::fs::read(e.path())?);
            }
        }
    }
    let responses = shared.join("portainer-responses");
    let specs = shared.join("portainer-spec");
    match target {
        "decode_stacks" | "decode_settings" => seeds.extend(json_files(&responses)?),
        "error_response" => {
            for body in json_files(&responses)? {
                for status in SEED_STATUSES {
                    seeds.push(error_seed(*status, 0, &body));
                }
            }
        }
        "convert" | "normalize" => {
            for path in spec_files(&specs)? {
                let swagger = path.to_string_lossy().contains("swagger");
                if target == "convert" && !swagger {
                    continue;
                }
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                let doc = crate::source::parse_document(&text)
                    .with_context(|| format!("parsing {}", path.display()))?;
                for fragment in fragments(&doc, FRAGMENTS_PER_SPEC) {
                    seeds.push(serde_json::to_vec(&fragment)?);
                }
            }
        }
        _ => {}
    }
    if seeds.is_empty() {
        eprintln!(
            "{target}: no seeds (shared files not found under {})",
            shared.display()
        );
    }
    for seed in seeds {
        let name = hex(&Sha256::digest(&seed)[..20]);
        std::fs::write(corpus.join(name), seed)?;
    }
    Ok(std::fs::read_dir(&corpus)?.count())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An `error_response` input: status (little-endian, minus 100), content type index, body.
pub fn error_seed(status: u16, content_type: u8, body: &[u8]) -> Vec<u8> {
    let mut v = (status - 100).to_le_bytes().to_vec();
    v.push(content_type);
    v.extend_from_slice(body);
    v
}

fn json_files(dir: &Path) -> Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.extension().is_some_and(|e| e == "json") {
            out.push(std::fs::read(&p)?);
        }
    }
    Ok(out)
}

fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Small documents cut from a spec: its header, up to `n` of its paths spread
/// over the whole document (one per fragment), and everything those paths
/// reference, transitively.
pub fn fragments(doc: &Value, n: usize) -> Vec<Value> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let step = (paths.len() / n.max(1)).max(1);
    let mut out = Vec::new();
    for (path, item) in paths.iter().step_by(step).take(n) {
        let mut frag = Map::new();
        for key in [
            "swagger",
            "openapi",
            "info",
            "host",
            "basePath",
            "schemes",
            "securityDefinitions",
            "security",
        ] {
            if let Some(v) = doc.get(key) {
                frag.insert(key.to_owned(), v.clone());
            }
        }
        let mut one = Map::new();
        one.insert(path.clone(), item.clone());
        frag.insert("paths".into(), Value::Object(one));
        if let Some(schemes) = doc.pointer("/components/securitySchemes") {
            insert_at(&mut frag, "/components/securitySchemes", schemes.clone());
        }
        let mut seen = BTreeSet::new();
        let mut todo = Vec::new();
        collect_refs(item, &mut todo);
        while let Some(r) = todo.pop() {
            if !seen.insert(r.clone()) {
                continue;
            }
            let Some(pointer) = r.strip_prefix('#') else {
                continue;
            };
            if let Some(target) = doc.pointer(pointer) {
                collect_refs(target, &mut todo);
                insert_at(&mut frag, pointer, target.clone());
            }
        }
        out.push(Value::Object(frag));
    }
    out
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "$ref"
                    && let Some(s) = v.as_str()
                {
                    out.push(s.to_owned());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Puts `value` at a JSON pointer below `root`, creating objects on the way.
fn insert_at(root: &mut Map<String, Value>, pointer: &str, value: Value) {
    let parts: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, parents)) = parts.split_last() else {
        return;
    };
    let mut cur = root;
    for p in parents {
        let next = cur
            .entry(p.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(m) = next else {
            return;
        };
        cur = m;
    }
    cur.insert(last.clone(), value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summary_line() {
        assert_eq!(
            summary(5, 1234, 0),
            "fuzz: 5 targets, 1234 execs, 0 crashes"
        );
    }

    #[test]
    fn error_seeds_encode_the_status() {
        let s = error_seed(404, 0, b"{}");
        assert_eq!(100 + u16::from_le_bytes([s[0], s[1]]) % 900, 404);
        assert_eq!(&s[3..], b"{}");
    }

    #[test]
    fn fragments_carry_their_references() {
        let doc = json!({
            "swagger": "2.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {"responses": {"200": {"schema": {"$ref": "#/definitions/A"}}}}},
                "/b": {"get": {"responses": {"200": {"description": "ok"}}}}
            },
            "definitions": {
                "A": {"properties": {"b": {"$ref": "#/definitions/B"}}},
                "B": {"type": "string"},
                "Unused": {"type": "integer"}
            }
        });
        let f = fragments(&doc, 10);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0]["swagger"], "2.0");
        assert!(f[0]["paths"].get("/a").is_some());
        assert!(f[0]["definitions"].get("A").is_some());
        assert!(f[0]["definitions"].get("B").is_some());
        assert!(f[0]["definitions"].get("Unused").is_none());
        assert!(f[1].get("definitions").is_none());
    }
}

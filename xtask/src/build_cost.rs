//! `cargo xtask build-cost`: what building `portainer-sdk-gen` costs, per feature set.
//!
//! For each feature set (default, `full`, and each other feature alone with
//! `--no-default-features`, read from the crate's `[features]`), the crate
//! alone is built from clean in a dedicated target directory whose
//! dependencies are already built: `cargo clean -p portainer-sdk-gen`, then
//! `cargo build -p portainer-sdk-gen -j JOBS`. If that build had to compile a
//! dependency (told by cargo's JSON messages), it is thrown away and measured
//! again. Measured: the wall time of that `cargo build`, the peak resident
//! memory (VmHWM) of the `rustc` compiling the crate (sampled from /proc, not
//! cargo's), and the lines of code that feature set compiles (the crate's
//! sources with modules inlined and items whose `#[cfg(feature = ..)]` is off
//! removed, as prettyplease prints them).
//!
//! Then (and alone with `--only app`) the application pair of [`app`]: a
//! small program on `portainer-sdk` against the same program on bollard.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::workspace_root;

pub mod app;

/// The name `--only` takes for the application pair.
const APP: &str = "app";

const CRATE: &str = "portainer-sdk-gen";
const CRATE_NAME: &str = "portainer_sdk_gen";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Parallel jobs given to cargo (`-j`).
    #[arg(long, default_value_t = 2)]
    pub jobs: usize,
    /// Only these feature sets (comma separated names as printed: default, full,
    /// a feature, `app` for the application pair).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// The `portainer-sdk` crate the application pair builds against (default:
    /// this workspace's), e.g. an older checkout's, for a before/after.
    #[arg(long)]
    pub sdk_dir: Option<PathBuf>,
    /// Build with `--release` instead of the debug profile.
    #[arg(long)]
    pub release: bool,
    /// Print the feature sets and their line counts without building.
    #[arg(long)]
    pub lines_only: bool,
}

/// One feature set: its name as printed, cargo's flags, and the features it turns on.
#[derive(Debug, Clone)]
pub struct FeatureSet {
    pub name: String,
    pub flags: Vec<String>,
    pub enabled: BTreeSet<String>,
}

/// Features that add to every type rather than compile more of them: alone
/// they say little, so each is also measured on top of the defaults, as
/// `default+NAME`.
const ON_TOP_OF_DEFAULT: [&str; 2] = ["serde-both", "schemars"];

/// The feature sets of a `[features]` table: default, `full` when it exists,
/// then every other feature alone without the defaults, then the defaults with
/// each feature of `ON_TOP_OF_DEFAULT` that exists.
pub fn feature_sets(features: &toml::Table) -> Vec<FeatureSet> {
    let mut sets = vec![FeatureSet {
        name: "default".into(),
        flags: Vec::new(),
        enabled: expand(features, ["default"]),
    }];
    if features.contains_key("full") {
        sets.push(FeatureSet {
            name: "full".into(),
            flags: vec!["--features".into(), "full".into()],
            enabled: expand(features, ["default", "full"]),
        });
    }
    for name in features.keys() {
        if name == "default" || name == "full" {
            continue;
        }
        sets.push(FeatureSet {
            name: name.clone(),
            flags: vec![
                "--no-default-features".into(),
                "--features".into(),
                name.clone(),
            ],
            enabled: expand(features, [name.as_str()]),
        });
    }
    for name in ON_TOP_OF_DEFAULT {
        if features.contains_key(name) {
            sets.push(FeatureSet {
                name: format!("default+{name}"),
                flags: vec!["--features".into(), name.into()],
                enabled: expand(features, ["default", name]),
            });
        }
    }
    sets
}

/// The features turned on by `roots`, following features that name features
/// (`dep:x` and `x/feature` entries are dependencies', not ours).
fn expand<'a>(
    features: &toml::Table,
    roots: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<String> {
    let mut on = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().map(str::to_owned).collect();
    while let Some(f) = todo.pop() {
        if !features.contains_key(&f) || !on.insert(f.clone()) {
            continue;
        }
        if let Some(list) = features.get(&f).and_then(|v| v.as_array()) {
            todo.extend(
                list.iter()
                    .filter_map(|v| v.as_str())
                    .filter(|s| !s.contains('/') && !s.starts_with("dep:"))
                    .map(str::to_owned),
            );
        }
    }
    on
}

pub fn run(args: Args) -> Result<ExitCode> {
    let root = workspace_root();
    let crate_dir = root.join(CRATE);
    let manifest: toml::Table = fs::read_to_string(crate_dir.join("Cargo.toml"))
        .context("reading portainer-sdk-gen/Cargo.toml")?
        .parse()
        .context("parsing portainer-sdk-gen/Cargo.toml")?;
    let features = manifest
        .get("features")
        .and_then(|f| f.as_table())
        .cloned()
        .unwrap_or_default();
    let mut sets = feature_sets(&features);
    let with_app = !args.lines_only && (args.only.is_empty() || args.only.iter().any(|o| o == APP));
    if !args.only.is_empty() {
        let unknown: Vec<&String> = args
            .only
            .iter()
            .filter(|o| *o != APP && !sets.iter().any(|s| &s.name == *o))
            .collect();
        if !unknown.is_empty() {
            bail!(
                "no feature set {unknown:?}; there are: {}, {APP}",
                sets.iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        sets.retain(|s| args.only.contains(&s.name));
    }

    let target = root.join("target").join("build-cost");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let profile = if args.release { "release" } else { "debug" };
    eprintln!(
        "build-cost: {} feature set(s), {profile}, -j {}, target dir {}",
        sets.len(),
        args.jobs,
        target.display()
    );
    let mut lines_out = Vec::new();
    for set in &sets {
        let lines = compiled_lines(&crate_dir, &set.enabled)
            .with_context(|| format!("counting lines for {}", set.name))?;
        if args.lines_only {
            lines_out.push(format!("build-cost: {}: {lines} lines", set.name));
            continue;
        }
        let m = measure(&cargo, &root, &target, set, args.jobs, args.release)?;
        println!(
            "build-cost: {}: {:.1} s, {} MB, {lines} lines",
            set.name,
            m.seconds,
            m.peak_kb.div_ceil(1024)
        );
    }
    for l in lines_out {
        println!("{l}");
    }
    if with_app {
        let sdk_dir = args.sdk_dir.unwrap_or_else(|| root.join("portainer-sdk"));
        app::run(&cargo, &root, &sdk_dir, args.jobs)?;
    }
    Ok(ExitCode::SUCCESS)
}

struct Measure {
    seconds: f64,
    peak_kb: u64,
}

pub(crate) fn cargo_cmd(cargo: &std::ffi::OsStr, root: &Path, target: &Path) -> Command {
    let mut c = Command::new(cargo);
    c.current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        // Measure the compiler, not a cache in front of it.
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_BUILD_RUSTC_WRAPPER")
        .env_remove("CARGO_INCREMENTAL");
    c
}

fn measure(
    cargo: &std::ffi::OsStr,
    root: &Path,
    target: &Path,
    set: &FeatureSet,
    jobs: usize,
    release: bool,
) -> Result<Measure> {
    // At most: one build that also compiled dependencies, then a clean measurement.
    for attempt in 0..2 {
        let status = cargo_cmd(cargo, root, target)
            .args(["clean", "--quiet", "-p", CRATE])
            .args(release.then_some("--release"))
            .status()
            .context("cargo clean")?;
        if !status.success() {
            bail!("cargo clean -p {CRATE} failed: {status}");
        }
        let mut cmd = cargo_cmd(cargo, root, target);
        cmd.args(["build", "-p", CRATE, "--message-format=json", "-j"])
            .arg(jobs.to_string())
            .args(release.then_some("--release"))
            .args(&set.flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let peak = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let sampler = {
            let (peak, stop) = (peak.clone(), stop.clone());
            let target = target.to_path_buf();
            std::thread::spawn(move || sample_rustc_peak(&target, &peak, &stop))
        };
        let started = Instant::now();
        let out = cmd.output().context("cargo build")?;
        let seconds = started.elapsed().as_secs_f64();
        stop.store(true, Ordering::Relaxed);
        let _ = sampler.join();
        if !out.status.success() {
            bail!(
                "cargo build -p {CRATE} {} failed: {}",
                set.flags.join(" "),
                out.status
            );
        }
        let rebuilt_deps = rebuilt_dependencies(&String::from_utf8_lossy(&out.stdout));
        if rebuilt_deps.is_empty() {
            return Ok(Measure {
                seconds,
                peak_kb: peak.load(Ordering::Relaxed),
            });
        }
        eprintln!(
            "build-cost: {}: {} dependencies were not built yet ({}...); measuring again",
            set.name,
            rebuilt_deps.len(),
            rebuilt_deps
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
        if attempt == 1 {
            bail!("dependencies rebuilt on every build of {}", set.name);
        }
    }
    unreachable!()
}

/// Packages other than ours that cargo compiled (`"fresh": false`) in a JSON message stream.
fn rebuilt_dependencies(json_lines: &str) -> Vec<String> {
    json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["fresh"] == false)
        .filter_map(|m| m["target"]["name"].as_str().map(str::to_owned))
        .filter(|name| name.replace('-', "_") != CRATE_NAME)
        .collect()
}

/// Until `stop`, polls /proc for `rustc` processes compiling our crate into
/// `target` (other builds of the crate on the machine are not ours) and
/// keeps the highest VmHWM (peak resident set, kB) seen.
fn sample_rustc_peak(target: &Path, peak: &AtomicU64, stop: &AtomicBool) {
    let needle = format!("--crate-name\0{CRATE_NAME}\0");
    let out_dir = target.as_os_str().as_encoded_bytes().to_vec();
    // Bounded: builds are far shorter than this.
    let deadline = Instant::now() + Duration::from_secs(3600);
    while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
        if let Ok(dir) = fs::read_dir("/proc") {
            for entry in dir.flatten() {
                let name = entry.file_name();
                let Some(pid) = name
                    .to_str()
                    .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
                else {
                    continue;
                };
                let Ok(cmdline) = fs::read(format!("/proc/{pid}/cmdline")) else {
                    continue;
                };
                if !contains(&cmdline, needle.as_bytes()) || !contains(&cmdline, &out_dir) {
                    continue;
                }
                if let Some(kb) = fs::read_to_string(format!("/proc/{pid}/status"))
                    .ok()
                    .and_then(|s| vm_hwm_kb(&s))
                {
                    peak.fetch_max(kb, Ordering::Relaxed);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn vm_hwm_kb(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

// ------------------------------------------------------------------ lines

/// Lines the crate compiles with `enabled` features: `src/lib.rs` with its
/// file modules inlined and every item whose `cfg` is off removed, printed
/// by prettyplease (the generator's formatting may differ slightly).
pub fn compiled_lines(crate_dir: &Path, enabled: &BTreeSet<String>) -> Result<usize> {
    let src = crate_dir.join("src");
    let file = load(&src.join("lib.rs"), &src, &|attrs| cfg_on(attrs, enabled))?;
    Ok(prettyplease::unparse(&file).lines().count())
}

/// The whole crate in `crate_dir` as one syntax tree: `src/lib.rs` with its
/// file modules inlined, whatever their `cfg`.
pub fn whole_crate(crate_dir: &Path) -> Result<syn::File> {
    let src = crate_dir.join("src");
    load(&src.join("lib.rs"), &src, &|_| true)
}

/// Which items to keep, from their attributes.
type Keep<'a> = &'a dyn Fn(&[syn::Attribute]) -> bool;

/// Parses `path`, inlining `mod x;` from `dir` and dropping what `keep` refuses.
fn load(path: &Path, dir: &Path, keep: Keep) -> Result<syn::File> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut file = syn::parse_file(&text).with_context(|| format!("parsing {}", path.display()))?;
    if !keep(&file.attrs) {
        file.items.clear();
        return Ok(file);
    }
    file.items = filter_items(std::mem::take(&mut file.items), dir, keep)?;
    Ok(file)
}

fn filter_items(items: Vec<syn::Item>, dir: &Path, keep: Keep) -> Result<Vec<syn::Item>> {
    let mut kept = Vec::with_capacity(items.len());
    for mut item in items {
        if !keep(item_attrs(&item)) {
            continue;
        }
        match &mut item {
            syn::Item::Mod(m) => {
                let sub_dir = dir.join(m.ident.to_string());
                match &mut m.content {
                    Some((_, inner)) => {
                        *inner = filter_items(std::mem::take(inner), &sub_dir, keep)?;
                    }
                    None => {
                        let explicit = m.attrs.iter().find_map(path_attr);
                        let candidates = match explicit {
                            Some(p) => vec![dir.join(p)],
                            None => {
                                vec![dir.join(format!("{}.rs", m.ident)), sub_dir.join("mod.rs")]
                            }
                        };
                        let Some(file) = candidates.into_iter().find(|p| p.is_file()) else {
                            bail!("module {} not found under {}", m.ident, dir.display());
                        };
                        let loaded = load(&file, &sub_dir, keep)?;
                        m.attrs.extend(loaded.attrs);
                        m.content = Some((Default::default(), loaded.items));
                        m.semi = None;
                    }
                }
            }
            syn::Item::Impl(i) => i.items.retain(|ii| keep(impl_item_attrs(ii))),
            syn::Item::Trait(t) => t.items.retain(|ti| keep(trait_item_attrs(ti))),
            syn::Item::Struct(s) => retain_fields(&mut s.fields, keep),
            syn::Item::Enum(e) => {
                e.variants = std::mem::take(&mut e.variants)
                    .into_iter()
                    .filter(|v| keep(&v.attrs))
                    .map(|mut v| {
                        retain_fields(&mut v.fields, keep);
                        v
                    })
                    .collect();
            }
            _ => {}
        }
        kept.push(item);
    }
    Ok(kept)
}

fn retain_fields(fields: &mut syn::Fields, keep: Keep) {
    let list = match fields {
        syn::Fields::Named(n) => &mut n.named,
        syn::Fields::Unnamed(u) => &mut u.unnamed,
        syn::Fields::Unit => return,
    };
    *list = std::mem::take(list)
        .into_iter()
        .filter(|f| keep(&f.attrs))
        .collect();
}

fn path_attr(a: &syn::Attribute) -> Option<String> {
    if !a.path().is_ident("path") {
        return None;
    }
    match &a.meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    use syn::Item::*;
    match item {
        Const(i) => &i.attrs,
        Enum(i) => &i.attrs,
        ExternCrate(i) => &i.attrs,
        Fn(i) => &i.attrs,
        ForeignMod(i) => &i.attrs,
        Impl(i) => &i.attrs,
        Macro(i) => &i.attrs,
        Mod(i) => &i.attrs,
        Static(i) => &i.attrs,
        Struct(i) => &i.attrs,
        Trait(i) => &i.attrs,
        TraitAlias(i) => &i.attrs,
        Type(i) => &i.attrs,
        Union(i) => &i.attrs,
        Use(i) => &i.attrs,
        _ => &[],
    }
}

fn impl_item_attrs(item: &syn::ImplItem) -> &[syn::Attribute] {
    match item {
        syn::ImplItem::Const(i) => &i.attrs,
        syn::ImplItem::Fn(i) => &i.attrs,
        syn::ImplItem::Type(i) => &i.attrs,
        syn::ImplItem::Macro(i) => &i.attrs,
        _ => &[],
    }
}

fn trait_item_attrs(item: &syn::TraitItem) -> &[syn::Attribute] {
    match item {
        syn::TraitItem::Const(i) => &i.attrs,
        syn::TraitItem::Fn(i) => &i.attrs,
        syn::TraitItem::Type(i) => &i.attrs,
        syn::TraitItem::Macro(i) => &i.attrs,
        _ => &[],
    }
}

/// Whether every `#[cfg(..)]` (outer or inner) among `attrs` holds.
fn cfg_on(attrs: &[syn::Attribute], enabled: &BTreeSet<String>) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .all(|a| match a.parse_args::<syn::Meta>() {
            Ok(m) => eval_cfg(&m, enabled),
            // A predicate we cannot read is counted as on.
            Err(_) => true,
        })
}

/// Evaluates a cfg predicate for a normal (not test, not doc) build; other
/// settings than features (target_os, ...) count as true.
fn eval_cfg(meta: &syn::Meta, enabled: &BTreeSet<String>) -> bool {
    match meta {
        syn::Meta::Path(p) => !(p.is_ident("test") || p.is_ident("doc") || p.is_ident("doctest")),
        syn::Meta::NameValue(nv) if nv.path.is_ident("feature") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => enabled.contains(&s.value()),
            _ => true,
        },
        syn::Meta::NameValue(_) => true,
        syn::Meta::List(list) => {
            let args = list.parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            );
            let Ok(args) = args else { return true };
            if list.path.is_ident("all") {
                args.iter().all(|m| eval_cfg(m, enabled))
            } else if list.path.is_ident("any") {
                args.iter().any(|m| eval_cfg(m, enabled))
            } else if list.path.is_ident("not") {
                !args.iter().all(|m| eval_cfg(m, enabled))
            } else {
                true
            }
        }
    }
}

/// The dedicated target directory, for README and PERFORMANCE.md.
pub fn target_dir() -> PathBuf {
    workspace_root().join("target").join("build-cost")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(fs: &[&str]) -> BTreeSet<String> {
        fs.iter().map(|s| s.to_string()).collect()
    }

    fn lines(src: &str, enabled: &[&str]) -> String {
        let mut file = syn::parse_file(src).unwrap();
        let enabled = on(enabled);
        let keep = |attrs: &[syn::Attribute]| cfg_on(attrs, &enabled);
        file.items = filter_items(file.items, Path::new("/nonexistent"), &keep).unwrap();
        prettyplease::unparse(&file)
    }

    #[test]
    fn the_whole_crate_is_read_with_its_file_modules_whatever_their_cfg() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("generated/types")).unwrap();
        std::fs::write(src.join("lib.rs"), "mod generated;\n").unwrap();
        std::fs::write(
            src.join("generated.rs"),
            "pub mod types { #[cfg(feature = \"stacks\")] mod stacks; }\n",
        )
        .unwrap();
        std::fs::write(src.join("generated/types/stacks.rs"), "pub struct Stack;\n").unwrap();
        let text = prettyplease::unparse(&whole_crate(dir.path()).unwrap());
        assert!(text.contains("mod stacks {"), "{text}");
        assert!(text.contains("pub struct Stack;"), "{text}");
    }

    #[test]
    fn cfg_predicates() {
        let src = r#"
            #[cfg(feature = "a")] struct A;
            #[cfg(any(feature = "a", feature = "b"))] struct AB;
            #[cfg(all(feature = "a", feature = "b"))] struct AandB;
            #[cfg(not(feature = "a"))] struct NotA;
            #[cfg(test)] mod tests {}
            struct Always { #[cfg(feature = "b")] b: u8, x: u8 }
            impl Always { #[cfg(feature = "b")] fn b() {} fn x() {} }
            mod inner { #[cfg(feature = "b")] struct B; struct C; }
        "#;
        let a = lines(src, &["a"]);
        assert!(a.contains("struct A;") && a.contains("struct AB;"));
        assert!(!a.contains("AandB") && !a.contains("NotA") && !a.contains("mod tests"));
        assert!(!a.contains("fn b()") && !a.contains("b: u8") && !a.contains("struct B;"));
        let b = lines(src, &["b"]);
        assert!(b.contains("NotA") && b.contains("fn b()") && b.contains("b: u8"));
        assert!(b.contains("struct B;") && !b.contains("struct A;"));
    }

    #[test]
    fn sets_from_features() {
        let t: toml::Table = r#"
            default = ["stacks", "rustls"]
            full = ["stacks", "users"]
            rustls = ["reqwest/rustls"]
            schemars = ["dep:schemars"]
            stacks = []
            users = ["dep:x", "stacks"]
        "#
        .parse()
        .unwrap();
        let sets = feature_sets(&t);
        let names: Vec<&str> = sets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "default",
                "full",
                "rustls",
                "schemars",
                "stacks",
                "users",
                "default+schemars"
            ]
        );
        assert_eq!(sets[6].flags, ["--features", "schemars"]);
        assert_eq!(
            sets[6].enabled,
            on(&["default", "rustls", "schemars", "stacks"])
        );
        assert_eq!(sets[0].enabled, on(&["default", "rustls", "stacks"]));
        assert_eq!(sets[1].flags, ["--features", "full"]);
        assert_eq!(sets[5].enabled, on(&["stacks", "users"]));
        assert_eq!(
            sets[5].flags,
            ["--no-default-features", "--features", "users"]
        );
    }

    #[test]
    fn rebuilt_deps_from_json() {
        let json = r#"{"reason":"compiler-artifact","fresh":true,"target":{"name":"serde"}}
{"reason":"compiler-artifact","fresh":false,"target":{"name":"reqwest"}}
{"reason":"compiler-artifact","fresh":false,"target":{"name":"portainer_sdk_gen"}}
{"reason":"build-finished","success":true}"#;
        assert_eq!(rebuilt_dependencies(json), ["reqwest"]);
    }

    #[test]
    fn hwm() {
        assert_eq!(
            vm_hwm_kb("Name:\trustc\nVmHWM:\t  123456 kB\nVmRSS: 1 kB\n"),
            Some(123456)
        );
    }
}

//! Stable names across the pinned releases: a Go type keeps its Rust name from
//! one pinned spec to the next, except where the name passes to another type
//! of the same name (an EE twin, a preferred package; spec/names.toml), and
//! the renamed package moves (`portainer.Stack` to `portaineree.Stack`) keep
//! the name.

use std::collections::BTreeMap;

use serde_json::Value;
use xtask::normalize::names::GO_NAME;
use xtask::source::SpecSource;

const PINS: [&str; 5] = ["2.14.2", "2.19.4", "2.27.1", "2.31.2", "2.44.0"];

/// Go name -> Rust name of every schema of a pinned spec, as generated.
fn names(version: &str) -> BTreeMap<String, String> {
    let source = SpecSource::resolve(version).expect("a pinned version");
    let (doc, _) = xtask::pipeline::normalized(&source).expect("normalizes");
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("schemas")
        .iter()
        .map(|(rust, schema)| {
            let go = schema.get(GO_NAME).and_then(Value::as_str).unwrap_or(rust);
            (go.to_owned(), rust.clone())
        })
        .collect()
}

#[test]
fn a_go_type_keeps_its_rust_name_unless_a_twin_takes_it() {
    let all: Vec<_> = PINS.iter().map(|v| names(v)).collect();
    let mut moved = Vec::new();
    for (i, pair) in all.windows(2).enumerate() {
        let (old, new) = (&pair[0], &pair[1]);
        let held_by = |names: &BTreeMap<String, String>, rust: &str| {
            names
                .iter()
                .find(|(_, r)| *r == rust)
                .map(|(g, _)| g.clone())
        };
        for (go, rust) in old {
            let Some(now) = new.get(go) else { continue };
            if now == rust {
                continue;
            }
            // Either the old name now names another Go type (a twin arrived),
            // or the new name named another type before (a twin left).
            let twin = held_by(new, rust).or_else(|| held_by(old, now));
            assert!(
                twin.is_some(),
                "{} -> {}: {go} went from {rust} to {now} with no other type holding either name",
                PINS[i],
                PINS[i + 1]
            );
            moved.push(format!("{go}: {rust} -> {now}"));
        }
    }
    // The Rust names SDK code is written against, in every pinned release.
    for (i, release) in all.iter().enumerate() {
        let stack = release
            .iter()
            .find(|(go, _)| go.ends_with(".Stack") && go.starts_with("portainer"))
            .map(|(_, r)| r.as_str());
        assert_eq!(stack, Some("Stack"), "{}", PINS[i]);
    }
    // Measured on the five pins; a new pin or rule that moves more names
    // should be looked at, then this number updated.
    assert_eq!(moved.len(), 9, "{moved:#?}");
}

#[test]
fn package_prefixes_go_and_twins_keep_a_prefix() {
    let latest = names("2.44.0");
    let rust = |go: &str| latest.get(go).map(String::as_str);
    assert_eq!(rust("portaineree.Stack"), Some("Stack"));
    assert_eq!(rust("portaineree.Settings"), Some("Settings"));
    assert_eq!(
        rust("stacks.stackGitRedeployPayload"),
        Some("StackGitRedeployPayload")
    );
    assert_eq!(rust("portainer.Registry"), Some("CeRegistry"));
    assert_eq!(rust("portaineree.Registry"), Some("Registry"));
    assert_eq!(
        rust("stacks.stackGitUpdatePayload"),
        Some("StackGitUpdatePayload")
    );
    assert_eq!(
        rust("edgestacks.stackGitUpdatePayload"),
        Some("EdgestacksStackGitUpdatePayload")
    );
    let older = names("2.14.2");
    assert_eq!(
        older.get("portainer.Stack").map(String::as_str),
        Some("Stack")
    );
}

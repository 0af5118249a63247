//! `cargo xtask diff OLD NEW`: what changed in Portainer's API between two
//! releases, and which of those changes break SDK users.
//!
//! Both sides go through the same conversion and normalization as `generate`,
//! so the diff shows what the generated SDK would see change, not differences
//! of spelling between Swagger 2.0 and OpenAPI 3.0. The comparison itself,
//! [`diff`], is a pure function of two OpenAPI 3.0 documents.
//!
//! What counts as breaking is documented on [`ChangeKind`]; how renamed
//! schemas are recognised is documented in [`rename`].

mod ops;
pub mod rename;
mod render;
pub mod report;
pub mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::{Map, Value};

pub use report::{
    Change, ChangeKind, DiffReport, OperationChange, SchemaChange, SchemaRename, Summary,
};

use crate::pipeline;
use crate::source::SpecSource;

#[derive(clap::Args)]
pub struct Args {
    /// The older side: a pinned version (`2.31.2`) or a spec file.
    pub old: String,
    /// The newer side: a pinned version (`2.44.0`) or a spec file.
    pub new: String,
    /// `human` groups changes by tag; `json` is for tools and CI.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with status 1 (after printing) when any change is breaking.
    #[arg(long)]
    pub fail_on_breaking: bool,
    /// Compare the documents as converted, before normalization: shows the
    /// spelling changes (such as camelCase to PascalCase properties) that the
    /// normalizer otherwise evens out.
    #[arg(long)]
    pub no_normalize: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let old_source = SpecSource::resolve(&args.old)?;
    let new_source = SpecSource::resolve(&args.new)?;
    let load = |source: &SpecSource| -> Result<Value> {
        if args.no_normalize {
            pipeline::openapi3(source)
        } else {
            Ok(pipeline::normalized(source)?.0)
        }
    };
    let (old, new) = (load(&old_source)?, load(&new_source)?);
    let report = diff(&old, &new);
    match args.format {
        Format::Human => print!(
            "{}",
            render::human(&report, &old_source.label, &new_source.label)
        ),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).context("writing the report as JSON")?
        ),
    }
    // A diff that found changes has still succeeded; only the opt-in gate
    // turns breaking changes into a failing status, for CI.
    if args.fail_on_breaking && report.breaking > 0 {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn component_schemas(doc: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

/// Orders `METHOD /path` keys by path, then method, which reads better than
/// listing every GET first.
fn path_order(key: &str) -> (&str, &str) {
    let (method, path) = key.split_once(' ').unwrap_or((key, ""));
    (path, method)
}

/// Everything that changed from `old` to `new`, both OpenAPI 3.0 documents.
pub fn diff(old: &Value, new: &Value) -> DiffReport {
    let mut report = DiffReport::default();

    // Schemas first: renames found here keep references that merely follow a
    // rename from showing up as type changes in operations.
    let old_schemas = component_schemas(old);
    let new_schemas = component_schemas(new);
    // Schema names are Rust type names (the `stable-names` rule); a Go type
    // found on both sides under two Rust names is a rename for SDK users,
    // whatever its content.
    let by_go = rename::same_go_type(old_schemas, new_schemas);
    let removed: Vec<String> = old_schemas
        .keys()
        .filter(|k| !new_schemas.contains_key(*k) && !by_go.iter().any(|p| &p.from == *k))
        .cloned()
        .collect();
    let added: Vec<String> = new_schemas
        .keys()
        .filter(|k| !old_schemas.contains_key(*k) && !by_go.iter().any(|p| &p.to == *k))
        .cloned()
        .collect();
    let evidence = rename::slot_evidence(
        &ops::slots(old),
        &ops::slots(new),
        &removed.iter().map(String::as_str).collect(),
        &added.iter().map(String::as_str).collect(),
    );
    let mut pairs = rename::detect(old_schemas, new_schemas, &removed, &added, &evidence);
    pairs.extend(by_go);
    let renames: schema::Renames = pairs
        .iter()
        .map(|p| (p.from.clone(), p.to.clone()))
        .collect();
    let renamed_to: BTreeSet<&str> = pairs.iter().map(|p| p.to.as_str()).collect();

    report.schemas.removed = removed
        .into_iter()
        .filter(|r| !renames.contains_key(r))
        .collect();
    report.schemas.added = added
        .into_iter()
        .filter(|a| !renamed_to.contains(a.as_str()))
        .collect();
    for (name, o) in old_schemas {
        let Some(n) = new_schemas.get(name) else {
            continue;
        };
        let mut changes = Vec::new();
        schema::compare(o, n, ChangeKind::TypeChanged, &renames, &mut changes);
        if !changes.is_empty() {
            report.schemas.changed.push(SchemaChange {
                schema: name.clone(),
                changes,
            });
        }
    }
    for p in &pairs {
        let mut changes = Vec::new();
        schema::compare(
            &old_schemas[&p.from],
            &new_schemas[&p.to],
            ChangeKind::TypeChanged,
            &renames,
            &mut changes,
        );
        let evidence = match (p.name >= rename::MIN_NAME, p.shared_slot) {
            _ if p.go_name.is_some() => "the same Go type",
            (true, true) => "close names, same place of use",
            (true, false) => "close names",
            (false, true) => "same place of use",
            (false, false) => "identical properties",
        };
        let go = |schemas: &Map<String, Value>, name: &str| {
            schemas
                .get(name)
                .and_then(|s| s.get(crate::normalize::names::GO_NAME))
                .and_then(Value::as_str)
                .map(|g| format!(" ({g})"))
                .unwrap_or_default()
        };
        report.schemas.renamed.push(SchemaRename {
            from: p.from.clone(),
            to: p.to.clone(),
            similarity: (p.content * 100.0).round() / 100.0,
            breaking: true,
            detail: format!(
                "Rust type {}{} renamed to {}{} (properties {:.0}% alike ignoring case; {evidence})",
                p.from,
                go(old_schemas, &p.from),
                p.to,
                go(new_schemas, &p.to),
                p.content * 100.0
            ),
            changes,
        });
    }

    let old_ops = ops::operations(old);
    let new_ops = ops::operations(new);
    let mut pairs: Vec<(String, String)> = old_ops
        .keys()
        .filter(|k| new_ops.contains_key(*k))
        .map(|k| (k.clone(), k.clone()))
        .collect();
    // Pair what is left by path shape, when exactly one operation on each side
    // has it, so a renamed placeholder is a change rather than remove + add.
    let mut shapes: BTreeMap<String, (Vec<&String>, Vec<&String>)> = BTreeMap::new();
    for (k, op) in old_ops.iter().filter(|(k, _)| !new_ops.contains_key(*k)) {
        shapes.entry(op.shape_key()).or_default().0.push(k);
    }
    for (k, op) in new_ops.iter().filter(|(k, _)| !old_ops.contains_key(*k)) {
        shapes.entry(op.shape_key()).or_default().1.push(k);
    }
    for (o, n) in shapes.values() {
        if let ([o], [n]) = (o.as_slice(), n.as_slice()) {
            pairs.push(((*o).clone(), (*n).clone()));
        }
    }
    let paired_old: BTreeSet<&str> = pairs.iter().map(|p| p.0.as_str()).collect();
    let paired_new: BTreeSet<&str> = pairs.iter().map(|p| p.1.as_str()).collect();
    for (k, op) in &old_ops {
        if !paired_old.contains(k.as_str()) {
            report.operations.removed.push(k.clone());
            report.tags.insert(k.clone(), op.tag());
        }
    }
    for (k, op) in &new_ops {
        if !paired_new.contains(k.as_str()) {
            report.operations.added.push(k.clone());
            report.tags.insert(k.clone(), op.tag());
        }
    }
    for (ok, nk) in &pairs {
        let changes = ops::compare(old, new, &old_ops[ok], &new_ops[nk], &renames);
        if !changes.is_empty() {
            report.operations.changed.push(OperationChange {
                operation: nk.clone(),
                changes,
            });
            report.tags.insert(nk.clone(), new_ops[nk].tag());
        }
    }
    report
        .operations
        .added
        .sort_by(|a, b| path_order(a).cmp(&path_order(b)));
    report
        .operations
        .removed
        .sort_by(|a, b| path_order(a).cmp(&path_order(b)));
    report
        .operations
        .changed
        .sort_by(|a, b| path_order(&a.operation).cmp(&path_order(&b.operation)));
    report.schemas.added.sort();
    report.schemas.removed.sort();
    report
        .schemas
        .changed
        .sort_by(|a, b| a.schema.cmp(&b.schema));
    report.count_breaking();
    report
}

//! Defects no rule handles: fail, naming the operation or schema, rather than
//! let progenitor panic or typify emit code that does not compile.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use serde_json::Value;

use crate::generate::operations::{METHODS, each};

const REQUEST_TYPES: [&str; 5] = [
    "application/json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
];

pub fn validate(doc: &Value) -> Result<()> {
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    for (path, method, op) in each(doc) {
        let name = format!("{} {path}", method.to_uppercase());
        match op.get("operationId").and_then(Value::as_str) {
            Some(id) if !ids.insert(id.to_owned()) => {
                problems.push(format!("{name}: duplicate operationId {id}"))
            }
            None => problems.push(format!("{name}: no operationId")),
            _ => {}
        }
        if let Some(content) = op
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
        {
            for ct in content.keys() {
                if !REQUEST_TYPES.contains(&ct.as_str()) {
                    problems.push(format!("{name}: request body type {ct} is not supported"));
                }
            }
            let non_multipart = content
                .keys()
                .filter(|k| *k != "multipart/form-data")
                .count();
            if non_multipart > 1 {
                problems.push(format!(
                    "{name}: {non_multipart} request body types besides multipart; progenitor takes one"
                ));
            }
        }
        let success: BTreeSet<String> = op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(c, _)| c.starts_with('2'))
            .map(|(_, r)| r.get("content").map(|c| c.to_string()).unwrap_or_default())
            .collect();
        if success.len() > 1 {
            problems.push(format!("{name}: 2xx responses of different types"));
        }
    }
    check_refs(doc, doc, "", &mut problems);
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for m in METHODS {
                let Some(op) = item.get(m) else { continue };
                for var in path.split('{').skip(1).filter_map(|s| s.split('}').next()) {
                    let declared =
                        op.get("parameters")
                            .and_then(Value::as_array)
                            .is_some_and(|ps| {
                                ps.iter().any(|p| {
                                    p.get("in").and_then(Value::as_str) == Some("path")
                                        && p.get("name").and_then(Value::as_str) == Some(var)
                                })
                            });
                    if !declared {
                        problems.push(format!(
                            "{} {path}: path parameter {var} not declared",
                            m.to_uppercase()
                        ));
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let shown: Vec<&String> = problems.iter().take(20).collect();
    bail!(
        "{} defect(s) no normalization rule handles:\n  {}{}",
        problems.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  "),
        if problems.len() > 20 { "\n  ..." } else { "" }
    )
}

fn check_refs(doc: &Value, v: &Value, at: &str, problems: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                let ok = r
                    .strip_prefix('#')
                    .is_some_and(|pointer| doc.pointer(pointer).is_some());
                if !ok {
                    problems.push(format!("{at}: $ref {r} does not resolve"));
                }
            }
            for (k, c) in m {
                check_refs(
                    doc,
                    c,
                    &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    problems,
                );
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                check_refs(doc, c, &format!("{at}/{i}"), problems);
            }
        }
        _ => {}
    }
}

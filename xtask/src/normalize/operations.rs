//! Rules on operations: ids, parameters, responses, security.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use serde_json::{Map, Value, json};

use crate::generate::operations::{METHODS, method_name};

fn ops_mut(
    doc: &mut Value,
) -> impl Iterator<Item = (String, &'static str, &mut Map<String, Value>)> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.iter_mut())
        .flat_map(|(path, item)| {
            let path = path.clone();
            item.as_object_mut()
                .into_iter()
                .flat_map(|item| item.iter_mut())
                .filter_map(move |(m, op)| {
                    let method = METHODS.iter().find(|x| **x == m.as_str())?;
                    Some((path.clone(), *method, op.as_object_mut()?))
                })
        })
}

/// `GET /stacks/{id}/file` -> `GetStacksIdFile`.
fn derived_id(method: &str, path: &str) -> String {
    let words: String = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_matches(|c| c == '{' || c == '}').to_pascal_case())
        .collect();
    format!("{}{}", method.to_pascal_case(), words)
}

pub fn operation_ids(doc: &mut Value) -> usize {
    // Unique as Rust method names, which is stricter than unique as strings
    // (`version` and `Version` are both `version`).
    let mut seen = BTreeSet::new();
    let mut changed = 0;
    for (path, method, op) in ops_mut(doc) {
        let current = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let base = match &current {
            Some(id) if !id.trim().is_empty() && !seen.contains(&method_name(id)) => {
                seen.insert(method_name(id));
                continue;
            }
            Some(id) if !id.trim().is_empty() => format!("{id}{}", method.to_pascal_case()),
            _ => derived_id(method, &path),
        };
        let mut id = base.clone();
        let mut n = 2;
        while seen.contains(&method_name(&id)) {
            id = format!("{base}{n}");
            n += 1;
        }
        seen.insert(method_name(&id));
        op.insert("operationId".into(), Value::String(id));
        changed += 1;
    }
    changed
}

fn template_vars(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    out
}

fn is_path_param(p: &Value) -> bool {
    p.get("in").and_then(Value::as_str) == Some("path")
}

fn param_name(p: &Value) -> &str {
    p.get("name").and_then(Value::as_str).unwrap_or("")
}

/// Every path variable declared exactly once, under the template's name.
/// Path-level parameters are first copied into each operation, so that each
/// operation stands alone.
pub fn path_parameters(doc: &mut Value) -> usize {
    let mut changed = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return 0;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let shared: Vec<Value> = item
            .remove("parameters")
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        let vars = template_vars(path);
        // A declared schema for a variable on any operation of this path, to
        // give an undeclared one the same type.
        let mut known: BTreeMap<String, Value> = BTreeMap::new();
        for (m, op) in item.iter() {
            if !METHODS.contains(&m.as_str()) {
                continue;
            }
            let declared: Vec<&Value> = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(&shared)
                .filter(|p| is_path_param(p))
                .collect();
            let missing: Vec<&String> = vars
                .iter()
                .filter(|v| !declared.iter().any(|p| param_name(p) == v.as_str()))
                .collect();
            let stray: Vec<&Value> = declared
                .iter()
                .copied()
                .filter(|p| !vars.iter().any(|v| v == param_name(p)))
                .collect();
            for p in &declared {
                // A lone variable declared under another name: its schema is that one's.
                let name = match (missing.as_slice(), stray.as_slice()) {
                    ([var], [only]) if std::ptr::eq(*only, *p) => var.as_str(),
                    _ => param_name(p),
                };
                if let Some(s) = p.get("schema") {
                    known.entry(name.to_owned()).or_insert_with(|| s.clone());
                }
            }
        }
        for (m, op) in item.iter_mut() {
            if !METHODS.contains(&m.as_str()) {
                continue;
            }
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            let mut params: Vec<Value> = op
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for s in &shared {
                let dup = params
                    .iter()
                    .any(|p| param_name(p) == param_name(s) && p.get("in") == s.get("in"));
                if !dup {
                    params.push(s.clone());
                }
            }
            let declared: Vec<String> = params
                .iter()
                .filter(|p| is_path_param(p))
                .map(|p| param_name(p).to_owned())
                .collect();
            let mut missing: Vec<&String> = vars.iter().filter(|v| !declared.contains(v)).collect();
            let mut stray: Vec<String> = declared
                .iter()
                .filter(|d| !vars.contains(d))
                .cloned()
                .collect();
            // Declared under another name: pair them up in order.
            while let (Some(var), Some(old)) = (missing.first().cloned(), stray.first().cloned()) {
                for p in params.iter_mut() {
                    if is_path_param(p) && param_name(p) == old {
                        p["name"] = Value::String(var.clone());
                        p["required"] = Value::Bool(true);
                    }
                }
                missing.remove(0);
                stray.remove(0);
                changed += 1;
            }
            for var in missing {
                let schema = known
                    .get(var)
                    .cloned()
                    .unwrap_or_else(|| json!({"type": "string"}));
                params.push(json!({"name": var, "in": "path", "required": true, "schema": schema}));
                changed += 1;
            }
            if !stray.is_empty() {
                params.retain(|p| !(is_path_param(p) && stray.iter().any(|s| s == param_name(p))));
                changed += stray.len();
            }
            for p in params.iter_mut() {
                if is_path_param(p) && p.get("required") != Some(&Value::Bool(true)) {
                    p["required"] = Value::Bool(true);
                    changed += 1;
                }
            }
            if params.is_empty() {
                op.remove("parameters");
            } else {
                op.insert("parameters".into(), Value::Array(params));
            }
        }
    }
    changed
}

fn response_kind(resp: &Value) -> Option<String> {
    resp.get("content")
        .and_then(Value::as_object)
        .and_then(|c| {
            c.values()
                .next()
                .map(|m| m.get("schema").map(|s| s.to_string()).unwrap_or_default())
        })
}

/// progenitor asserts when an operation's 2xx responses decode to different
/// types; keep the first one with a body (the data callers want).
pub fn single_success(doc: &mut Value) -> usize {
    let mut dropped = 0;
    for (_, _, op) in ops_mut(doc) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let mut success: Vec<String> = responses
            .keys()
            .filter(|c| c.starts_with('2'))
            .cloned()
            .collect();
        success.sort();
        let kinds: BTreeSet<Option<String>> = success
            .iter()
            .map(|c| response_kind(&responses[c]))
            .collect();
        if kinds.len() <= 1 {
            continue;
        }
        let keep = success
            .iter()
            .find(|c| response_kind(&responses[c.as_str()]).is_some())
            .cloned()
            .unwrap_or_else(|| success[0].clone());
        let keep_kind = response_kind(&responses[&keep]);
        for c in success {
            if response_kind(&responses[&c]) != keep_kind {
                responses.remove(&c);
                dropped += 1;
            }
        }
    }
    dropped
}

fn media_maps(op: &mut Map<String, Value>) -> Vec<&mut Map<String, Value>> {
    let mut out = Vec::new();
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        for r in responses.values_mut() {
            if let Some(Value::Object(c)) = r.get_mut("content") {
                out.push(c);
            }
        }
    }
    out
}

/// Portainer writes JSON for `*/*`; progenitor would hand it back as bytes.
pub fn wildcard_content(doc: &mut Value) -> usize {
    let mut changed = 0;
    for (_, _, op) in ops_mut(doc) {
        for content in media_maps(op) {
            if let Some(media) = content.get("*/*").cloned()
                && media.get("schema").is_some()
            {
                content.remove("*/*");
                content.entry("application/json").or_insert(media);
                changed += 1;
            }
        }
    }
    changed
}

fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "The body of a Portainer error response. Current servers send `message` and usually `details`; 1.x servers sent `err` instead of `message`.",
        "properties": {
            "message": {"type": "string", "description": "What went wrong."},
            "details": {"type": "string", "description": "The underlying cause, when the server gives one."},
            "err": {"type": "string", "description": "What went wrong, as Portainer 1.x named it."}
        }
    })
}

/// Without a schema progenitor discards error bodies, and with them the
/// server's explanation.
pub fn error_bodies(doc: &mut Value, name: &str) -> usize {
    let reference = format!("#/components/schemas/{name}");
    let want = json!({"application/json": {"schema": {"$ref": reference}}});
    let mut changed = 0;
    for (_, _, op) in ops_mut(doc) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        for (code, resp) in responses.iter_mut() {
            if !(code.starts_with('4') || code.starts_with('5')) {
                continue;
            }
            let Some(resp) = resp.as_object_mut() else {
                continue;
            };
            if resp.get("content") != Some(&want) {
                resp.insert("content".into(), want.clone());
                resp.entry("description")
                    .or_insert_with(|| Value::String("Error".into()));
                changed += 1;
            }
        }
    }
    if changed > 0 {
        let schemas = doc
            .as_object_mut()
            .map(|d| d.entry("components").or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut)
            .map(|c| c.entry("schemas").or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut);
        if let Some(schemas) = schemas {
            schemas.insert(name.to_owned(), error_schema());
        }
    }
    changed
}

/// `[{ApiKeyAuth: [], jwt: []}]` demands both headers; the server takes either.
pub fn auth_alternatives(doc: &mut Value) -> usize {
    let mut changed = 0;
    for (_, _, op) in ops_mut(doc) {
        let Some(Value::Array(reqs)) = op.get_mut("security") else {
            continue;
        };
        if !reqs
            .iter()
            .any(|r| r.as_object().is_some_and(|o| o.len() > 1))
        {
            continue;
        }
        let split: Vec<Value> = reqs
            .iter()
            .flat_map(|r| match r.as_object() {
                Some(o) if o.len() > 1 => o
                    .iter()
                    .map(|(k, v)| json!({ k.clone(): v.clone() }))
                    .collect::<Vec<_>>(),
                _ => vec![r.clone()],
            })
            .collect();
        *reqs = split;
        changed += 1;
    }
    changed
}

/// Portainer reads `type=1&type=2`, whatever style the spec declares.
pub fn query_arrays(doc: &mut Value) -> usize {
    let mut changed = 0;
    for (_, _, op) in ops_mut(doc) {
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            continue;
        };
        for p in params {
            let is_array_query = p.get("in").and_then(Value::as_str) == Some("query")
                && p.pointer("/schema/type").and_then(Value::as_str) == Some("array");
            if is_array_query
                && (p.get("style").and_then(Value::as_str) != Some("form")
                    || p.get("explode") != Some(&Value::Bool(true)))
            {
                p["style"] = Value::String("form".into());
                p["explode"] = Value::Bool(true);
                changed += 1;
            }
        }
    }
    changed
}

/// Request bodies, responses and parameters referenced from `components`
/// are copied in place, so that every later rule (and the multipart
/// generator) sees each operation whole.
pub fn inline_refs(doc: &mut Value) -> usize {
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    let lookup = |v: &Value, kind: &str| -> Option<Value> {
        let r = v.get("$ref")?.as_str()?;
        let name = r.strip_prefix(&format!("#/components/{kind}/"))?;
        components.get(kind)?.get(name).cloned()
    };
    let mut changed = 0;
    for (_, _, op) in ops_mut(doc) {
        if let Some(body) = op.get_mut("requestBody")
            && let Some(target) = lookup(body, "requestBodies")
        {
            *body = target;
            changed += 1;
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for r in responses.values_mut() {
                if let Some(target) = lookup(r, "responses") {
                    *r = target;
                    changed += 1;
                }
            }
        }
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            for p in params {
                if let Some(target) = lookup(p, "parameters") {
                    *p = target;
                    changed += 1;
                }
            }
        }
    }
    // Path-level parameters too.
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            if let Some(Value::Array(params)) = item.get_mut("parameters") {
                for p in params {
                    if let Some(target) = lookup(p, "parameters") {
                        *p = target;
                        changed += 1;
                    }
                }
            }
        }
    }
    changed
}

/// 204 means no body; a schema there makes the client fail to decode every
/// real success.
pub fn no_content_bodies(doc: &mut Value) -> usize {
    let mut changed = 0;
    for (_, _, op) in ops_mut(doc) {
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            continue;
        };
        if let Some(Value::Object(r)) = responses.get_mut("204")
            && r.remove("content").is_some()
        {
            changed += 1;
        }
    }
    changed
}

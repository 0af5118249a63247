//! Rules on schemas: what Go servers really put in JSON.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::RuleData;
use super::walk::{all_schema_roots, schema_ref_name, schemas_mut};

/// Go enums grow with every release, and the published ones carry duplicate
/// values, operator values (`>`) that cannot become Rust names, and `allOf`
/// siblings typify emits twice. A closed Rust enum would also fail to decode
/// a whole response over one new value (stack `Type` 4). So enums become their
/// base type, with the known values kept in the docs.
pub fn open_enums(doc: &mut Value) -> usize {
    let mut changed = 0;
    all_schema_roots(doc, &mut |root| {
        schemas_mut(root, &mut |s| {
            let Some(Value::Array(values)) = s.remove("enum") else {
                return;
            };
            for k in ["x-enum-varnames", "x-enum-comments", "x-enum-descriptions"] {
                s.remove(k);
            }
            if !s.contains_key("type") && !s.contains_key("allOf") && !s.contains_key("$ref") {
                let ty = if values.iter().all(Value::is_i64) {
                    "integer"
                } else if values.iter().all(Value::is_number) {
                    "number"
                } else if values.iter().all(Value::is_boolean) {
                    "boolean"
                } else {
                    "string"
                };
                s.insert("type".into(), Value::String(ty.into()));
            }
            let mut listed: Vec<String> = Vec::new();
            for v in &values {
                let text = match v {
                    Value::String(s) => format!("`{s}`"),
                    other => format!("`{other}`"),
                };
                if !listed.contains(&text) {
                    listed.push(text);
                }
            }
            let known = format!("Known values: {}.", listed.join(", "));
            let description = match s.get("description").and_then(Value::as_str) {
                Some(d) if !d.trim().is_empty() => format!("{}\n\n{known}", d.trim_end()),
                _ => known,
            };
            s.insert("description".into(), Value::String(description));
            changed += 1;
        });
    });
    changed
}

fn is_lower_camel(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Swagger 2.0 files up to 2.31 name Go fields without a json tag in
/// camelCase, but encoding/json sends the Go field name. Portainer's json tags
/// are PascalCase, so in a schema with any PascalCase property the camelCase
/// ones are untagged fields (exceptions are data in spec/normalize.toml).
/// (Go decodes names case-insensitively, so sending the Go name is safe too;
/// the generated types also accept either case when decoding.)
pub fn go_field_names(doc: &mut Value, data: &RuleData) -> usize {
    let mut changed = 0;
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return 0;
    };
    for (schema_name, schema) in schemas.iter_mut() {
        let keep = data.go_field_names_keep.get(schema_name);
        let Some(Value::Object(props)) = schema.get_mut("properties") else {
            continue;
        };
        let upper = props
            .keys()
            .filter(|k| k.starts_with(|c: char| c.is_ascii_uppercase()))
            .count();
        let lower = props.keys().filter(|k| is_lower_camel(k)).count();
        if upper == 0 || lower == 0 {
            continue;
        }
        let renames: Vec<(String, String)> = props
            .keys()
            .filter(|k| is_lower_camel(k))
            .filter(|k| !keep.is_some_and(|list| list.iter().any(|x| x == *k)))
            .map(|k| {
                let go = data.go_field_names.get(k).cloned().unwrap_or_else(|| {
                    let mut c = k.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                });
                (k.clone(), go)
            })
            .filter(|(_, go)| !props.contains_key(go))
            .collect();
        if renames.is_empty() {
            continue;
        }
        let old = std::mem::take(props);
        for (k, v) in old {
            let name = renames
                .iter()
                .find(|(from, _)| *from == k)
                .map(|(_, to)| to.clone())
                .unwrap_or(k);
            props.insert(name, v);
        }
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            for r in required.iter_mut() {
                if let Some((_, to)) = renames
                    .iter()
                    .find(|(from, _)| Some(from.as_str()) == r.as_str())
                {
                    *r = Value::String(to.clone());
                }
            }
        }
        changed += renames.len();
    }
    changed
}

fn is_collection(s: &Map<String, Value>) -> bool {
    match s.get("type").and_then(Value::as_str) {
        Some("array") => true,
        Some("object") => {
            !s.contains_key("properties")
                && s.get("additionalProperties")
                    .is_some_and(|a| a.is_object() || a == &Value::Bool(true))
        }
        _ => false,
    }
}

fn component_is_collection(doc: &Value, name: &str) -> bool {
    doc.pointer(&format!(
        "/components/schemas/{}",
        name.replace('~', "~0").replace('/', "~1")
    ))
    .and_then(Value::as_object)
    .is_some_and(is_collection)
}

/// A nil Go slice or map is encoded as `null`, which a Rust `Vec` or map
/// refuses; every array or map property may therefore be null.
pub fn nullable_collections(doc: &mut Value) -> usize {
    let collection_refs: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| {
            m.keys()
                .filter(|k| component_is_collection(doc, k))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut changed = 0;
    all_schema_roots(doc, &mut |root| {
        schemas_mut(root, &mut |s| {
            let Some(Value::Object(props)) = s.get_mut("properties") else {
                return;
            };
            for prop in props.values_mut() {
                let Value::Object(p) = prop else { continue };
                if let Some(r) = p.get("$ref").and_then(Value::as_str) {
                    if schema_ref_name(r).is_some_and(|n| collection_refs.contains(n)) {
                        let r = r.to_owned();
                        *prop = json!({"allOf": [{"$ref": r}], "nullable": true});
                        changed += 1;
                    }
                } else if is_collection(p) && p.get("nullable") != Some(&Value::Bool(true)) {
                    p.insert("nullable".into(), Value::Bool(true));
                    changed += 1;
                }
            }
        });
    });
    changed
}

/// Component schemas reachable from any response body, following `$ref`s.
fn response_schemas(doc: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut queue: Vec<String> = Vec::new();
    let collect = |v: &Value, queue: &mut Vec<String>| refs_in(v, queue);
    for item in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|i| i.values()) {
            for resp in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|r| r.values())
            {
                if let Some(c) = resp.get("content") {
                    collect(c, &mut queue);
                }
            }
        }
    }
    while let Some(name) = queue.pop() {
        if !found.insert(name.clone()) {
            continue;
        }
        if let Some(s) = doc
            .pointer("/components/schemas")
            .and_then(|s| s.get(&name))
        {
            collect(s, &mut queue);
        }
    }
    found
}

fn refs_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(name) = m
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(schema_ref_name)
            {
                out.push(name.to_owned());
            }
            m.values().for_each(|c| refs_in(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| refs_in(c, out)),
        _ => {}
    }
}

fn for_response_schemas(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    let names = response_schemas(doc);
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, s) in schemas.iter_mut() {
            if names.contains(name) {
                schemas_mut(s, f);
            }
        }
    }
}

/// Real responses omit properties the spec marks required (Go's omitempty,
/// older servers); a missing one must not fail the whole decode.
pub fn optional_response_fields(doc: &mut Value) -> usize {
    let mut changed = 0;
    for_response_schemas(doc, &mut |s| {
        if let Some(Value::Array(required)) = s.remove("required") {
            changed += required.len();
        }
    });
    changed
}

/// Servers send properties the spec lacks; keeping them lets callers read
/// them and send them back unchanged (settings round trips).
pub fn keep_unknown_fields(doc: &mut Value) -> usize {
    let mut changed = 0;
    let names = response_schemas(doc);
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, s) in schemas.iter_mut() {
            let Value::Object(s) = s else { continue };
            if names.contains(name)
                && s.contains_key("properties")
                && !s.contains_key("additionalProperties")
                && !s.contains_key("allOf")
                && !s
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| p.contains_key("extra"))
            {
                s.insert("additionalProperties".into(), json!({}));
                changed += 1;
            }
        }
    }
    changed
}

fn fits(example: &Value, ty: &str) -> bool {
    match ty {
        "string" => example.is_string(),
        "integer" => example.is_i64() || example.is_u64(),
        "number" => example.is_number(),
        "boolean" => example.is_boolean(),
        "array" => example.is_array(),
        "object" => example.is_object(),
        _ => true,
    }
}

/// Examples of another type than their schema (`StartTime: 1320`, a YAML 1.1
/// reading of `22:00`) are what mock servers answer with; drop them.
pub fn examples_of_their_type(doc: &mut Value) -> usize {
    let mut changed = 0;
    all_schema_roots(doc, &mut |root| {
        schemas_mut(root, &mut |s| {
            let Some(ty) = s.get("type").and_then(Value::as_str).map(str::to_owned) else {
                return;
            };
            if s.get("example").is_some_and(|e| !fits(e, &ty)) {
                s.remove("example");
                changed += 1;
            }
        });
    });
    changed
}

/// A `default` on an optional property is what the server assumes when the
/// property is absent (Go's struct tag `default:"0"`), but typify turns it into
/// a non-optional field filled with that value: a partial update built from
/// `Default` would then send it and change the setting (`KubeconfigExpiry: "0"`
/// in `PUT /settings`, whose handler reads the field as a `*string` and keeps
/// the stored value when it is absent: api/http/handler/settings/settings_update.go).
/// The default moves into the description and the property stays optional.
pub fn optional_defaults(doc: &mut Value) -> usize {
    let mut changed = 0;
    all_schema_roots(doc, &mut |root| {
        schemas_mut(root, &mut |s| {
            let required: Vec<String> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            let Some(Value::Object(props)) = s.get_mut("properties") else {
                return;
            };
            for (name, prop) in props.iter_mut() {
                let Value::Object(p) = prop else { continue };
                if required.contains(name) {
                    continue;
                }
                let Some(default) = p.remove("default") else {
                    continue;
                };
                let note = format!("Server default when absent: `{default}`.");
                let description = match p.get("description").and_then(Value::as_str) {
                    Some(d) if !d.is_empty() => format!("{d}\n\n{note}"),
                    _ => note,
                };
                p.insert("description".into(), Value::String(description));
                changed += 1;
            }
        });
    });
    changed
}

/// Drops from `required` the properties `spec/normalize.toml` lists as not
/// needed by the server: a required field is one the client always sends,
/// and sending an empty value for one the handler does not expect can change
/// what it does.
pub fn not_required(doc: &mut Value, data: &RuleData) -> usize {
    let mut changed = 0;
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return 0;
    };
    for (schema, props) in &data.not_required {
        let Some(Value::Array(required)) =
            schemas.get_mut(schema).and_then(|s| s.get_mut("required"))
        else {
            continue;
        };
        let before = required.len();
        required.retain(|r| !r.as_str().is_some_and(|r| props.iter().any(|p| p == r)));
        changed += before - required.len();
    }
    changed
}

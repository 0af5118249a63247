//! Swagger 2.0 Schema Objects to OpenAPI 3.0 Schema Objects.
//!
//! The two are nearly the same JSON Schema subset; the walk exists for the few
//! places that differ and for `$ref`s, which must move from `#/definitions/` to
//! `#/components/schemas/`. It only descends into keywords that hold schemas, so
//! a property that happens to be named `$ref` or an `example` value containing
//! one is never mistaken for a reference.

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};

use super::pointer::{Ptr, RefKind, rewrite_ref};

pub fn convert_schema(root: &Value, schema: &Value, at: &Ptr) -> Result<Value> {
    let Value::Object(src) = schema else {
        bail!("{at}: expected a schema object, found {}", kind_of(schema));
    };
    let mut out = Map::new();
    let mut nullable = None;
    for (key, value) in src {
        let here = at.push(key);
        let converted = match key.as_str() {
            "$ref" => match value {
                Value::String(r) => Value::String(rewrite_ref(root, r, RefKind::Schema, &here)?),
                other => bail!("{here}: $ref must be a string, found {}", kind_of(other)),
            },
            "x-nullable" => {
                match value {
                    Value::Bool(b) => nullable = Some(*b),
                    other => bail!(
                        "{here}: x-nullable must be a boolean, found {}",
                        kind_of(other)
                    ),
                }
                continue;
            }
            "properties" => Value::Object(convert_schema_map(root, value, &here)?),
            "items" => convert_items(root, value, &here)?,
            "additionalProperties" => match value {
                Value::Bool(_) => value.clone(),
                _ => convert_schema(root, value, &here)?,
            },
            "allOf" | "anyOf" | "oneOf" => Value::Array(convert_schema_list(root, value, &here)?),
            "not" => convert_schema(root, value, &here)?,
            // Swagger names the discriminating property; OpenAPI 3 wraps it in an
            // object that can also carry a mapping.
            "discriminator" => match value {
                Value::String(name) => json!({ "propertyName": name }),
                Value::Object(_) => value.clone(),
                other => bail!(
                    "{here}: discriminator must be a property name, found {}",
                    kind_of(other)
                ),
            },
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if out.get("type").and_then(Value::as_str) == Some("file") {
        out.insert("type".into(), "string".into());
        out.insert("format".into(), "binary".into());
    }
    // OpenAPI 3.0 requires `items` on arrays; Swagger tools tolerated its absence.
    if out.get("type").and_then(Value::as_str) == Some("array") && !out.contains_key("items") {
        out.insert("items".into(), json!({}));
    }
    Ok(match nullable {
        None => Value::Object(out),
        Some(flag) => apply_nullable(out, flag),
    })
}

/// OpenAPI 3.0 ignores every sibling of `$ref`, so `nullable` next to a reference
/// would be lost; the reference goes into a one-element `allOf` instead.
fn apply_nullable(mut schema: Map<String, Value>, flag: bool) -> Value {
    if flag && let Some(reference) = schema.remove("$ref") {
        let mut wrapper = Map::new();
        wrapper.insert("allOf".into(), json!([{ "$ref": reference }]));
        wrapper.extend(schema);
        wrapper.insert("nullable".into(), Value::Bool(true));
        return Value::Object(wrapper);
    }
    schema.insert("nullable".into(), Value::Bool(flag));
    Value::Object(schema)
}

/// `items` is one schema in both versions; a list (tuple validation, which
/// Swagger 2.0 forbids but some generators emit) becomes the nearest OpenAPI 3.0
/// equivalent.
fn convert_items(root: &Value, value: &Value, at: &Ptr) -> Result<Value> {
    match value {
        Value::Array(list) => {
            let mut items = convert_schema_list(root, value, at)?;
            Ok(match list.len() {
                0 => json!({}),
                1 => items.remove(0),
                _ => json!({ "anyOf": items }),
            })
        }
        _ => convert_schema(root, value, at),
    }
}

pub fn convert_schema_map(root: &Value, value: &Value, at: &Ptr) -> Result<Map<String, Value>> {
    let Value::Object(map) = value else {
        bail!(
            "{at}: expected a mapping of schemas, found {}",
            kind_of(value)
        );
    };
    map.iter()
        .map(|(name, s)| Ok((name.clone(), convert_schema(root, s, &at.push(name))?)))
        .collect()
}

fn convert_schema_list(root: &Value, value: &Value, at: &Ptr) -> Result<Vec<Value>> {
    let Value::Array(list) = value else {
        bail!("{at}: expected a list of schemas, found {}", kind_of(value));
    };
    list.iter()
        .enumerate()
        .map(|(i, s)| convert_schema(root, s, &at.index(i)))
        .collect()
}

/// The keywords a non-body parameter, a header or an `items` object shares with
/// a schema; everything else on them describes the parameter itself.
pub const SIMPLE_SCHEMA_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "enum",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
];

/// A schema from a parameter, header or items object (Swagger's "simple" types).
///
/// `collectionFormat` on nested `items` is dropped: OpenAPI 3.0 only has a style
/// for the outermost array, so a nested format cannot be carried over.
pub fn simple_schema(root: &Value, src: &Map<String, Value>, at: &Ptr) -> Result<Value> {
    let mut schema = Map::new();
    for &key in SIMPLE_SCHEMA_KEYWORDS {
        if let Some(v) = src.get(key) {
            let v = if key == "items" {
                strip_collection_formats(v)
            } else {
                v.clone()
            };
            schema.insert(key.to_owned(), v);
        }
    }
    convert_schema(root, &Value::Object(schema), at)
}

fn strip_collection_formats(items: &Value) -> Value {
    match items {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != "collectionFormat")
                .map(|(k, v)| {
                    let v = if k == "items" {
                        strip_collection_formats(v)
                    } else {
                        v.clone()
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

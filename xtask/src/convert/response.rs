//! Responses and response headers.

use anyhow::{Result, bail};
use serde_json::{Map, Value};

use super::pointer::{Ptr, RefKind, rewrite_ref};
use super::schema::{convert_schema, kind_of, simple_schema};

/// The `responses` of an operation; `produces` is the effective list for it.
pub fn convert_responses(
    root: &Value,
    responses: &Value,
    produces: &[String],
    at: &Ptr,
) -> Result<Value> {
    let Value::Object(src) = responses else {
        bail!(
            "{at}: expected a mapping of responses, found {}",
            kind_of(responses)
        );
    };
    if !src.keys().any(|k| !k.starts_with("x-")) {
        bail!("{at}: an operation needs at least one response");
    }
    let mut out = Map::new();
    for (code, response) in src {
        let here = at.push(code);
        let converted = if code.starts_with("x-") {
            response.clone()
        } else if code == "default" || is_status_code(code) {
            convert_response(root, response, produces, &here)?
        } else {
            bail!("{here}: {code:?} is neither a status code nor `default`");
        };
        out.insert(code.clone(), converted);
    }
    Ok(Value::Object(out))
}

fn is_status_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

pub fn convert_response(
    root: &Value,
    response: &Value,
    produces: &[String],
    at: &Ptr,
) -> Result<Value> {
    let Value::Object(src) = response else {
        bail!(
            "{at}: expected a response mapping, found {}",
            kind_of(response)
        );
    };
    if let Some(r) = src.get("$ref") {
        let here = at.push("$ref");
        let Value::String(r) = r else {
            bail!("{here}: $ref must be a string, found {}", kind_of(r));
        };
        let mut out = Map::new();
        out.insert(
            "$ref".into(),
            rewrite_ref(root, r, RefKind::Response, &here)?.into(),
        );
        return Ok(Value::Object(out));
    }
    let mut out = Map::new();
    // Required in both versions; an absent one is an upstream slip with one meaning.
    out.insert(
        "description".into(),
        src.get("description")
            .cloned()
            .unwrap_or_else(|| Value::String(String::new())),
    );
    if let Some(headers) = src.get("headers") {
        let here = at.push("headers");
        let Value::Object(headers) = headers else {
            bail!(
                "{here}: expected a mapping of headers, found {}",
                kind_of(headers)
            );
        };
        let mut converted = Map::new();
        for (name, header) in headers {
            converted.insert(
                name.clone(),
                convert_header(root, header, &here.push(name))?,
            );
        }
        out.insert("headers".into(), Value::Object(converted));
    }
    let mut content = Map::new();
    if let Some(schema) = src.get("schema") {
        let schema = convert_schema(root, schema, &at.push("schema"))?;
        for media_type in produces {
            let mut media = Map::new();
            media.insert("schema".into(), schema.clone());
            content.insert(media_type.clone(), Value::Object(media));
        }
    }
    if let Some(examples) = src.get("examples") {
        let Value::Object(examples) = examples else {
            bail!(
                "{}: expected a mapping of media types, found {}",
                at.push("examples"),
                kind_of(examples)
            );
        };
        for (media_type, example) in examples {
            let entry = content
                .entry(media_type.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            entry
                .as_object_mut()
                .expect("built as objects")
                .insert("example".into(), example.clone());
        }
    }
    if !content.is_empty() {
        out.insert("content".into(), Value::Object(content));
    }
    for (k, v) in src {
        match k.as_str() {
            "description" | "headers" | "schema" | "examples" => {}
            _ if k.starts_with("x-") => {
                out.insert(k.clone(), v.clone());
            }
            _ => bail!("{}: unexpected field in a response", at.push(k)),
        }
    }
    Ok(Value::Object(out))
}

fn convert_header(root: &Value, header: &Value, at: &Ptr) -> Result<Value> {
    let Value::Object(src) = header else {
        bail!("{at}: expected a header mapping, found {}", kind_of(header));
    };
    if !src.contains_key("type") {
        bail!("{}: a header needs a type", at.push("type"));
    }
    let mut out = Map::new();
    if let Some(d) = src.get("description") {
        out.insert("description".into(), d.clone());
    }
    if src.get("type").and_then(Value::as_str) == Some("array") {
        // OpenAPI 3.0 headers only have the comma-separated `simple` style.
        match src
            .get("collectionFormat")
            .and_then(Value::as_str)
            .unwrap_or("csv")
        {
            "csv" => {
                out.insert("style".into(), "simple".into());
            }
            other => bail!(
                "{}: collectionFormat {other:?} cannot be expressed for an OpenAPI 3.0 header",
                at.push("collectionFormat")
            ),
        }
    }
    out.insert("schema".into(), simple_schema(root, src, at)?);
    for (k, v) in src {
        if k.starts_with("x-") {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

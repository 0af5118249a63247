//! Helpers shared by the fuzz targets: a structure-aware generator of spec-like
//! JSON documents, and a way to turn an arbitrary HTTP response into a
//! `portainer_sdk::Error` without a socket.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Value};

/// Keys and strings that appear in Swagger 2.0 and OpenAPI 3.0 documents, so
/// that generated documents reach the converter's and normalizer's rules
/// instead of failing their first check.
pub const SPEC_WORDS: &[&str] = &[
    "swagger",
    "2.0",
    "openapi",
    "3.0.0",
    "3.0.3",
    "info",
    "title",
    "version",
    "host",
    "basePath",
    "/api",
    "schemes",
    "https",
    "consumes",
    "produces",
    "application/json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "text/plain",
    "*/*",
    "paths",
    "/stacks",
    "/stacks/{id}",
    "/stacks/{id}/file",
    "/endpoints/{endpointId}/docker/{path}",
    "get",
    "put",
    "post",
    "delete",
    "patch",
    "operationId",
    "StackList",
    "StackInspect",
    "summary",
    "description",
    "tags",
    "parameters",
    "name",
    "id",
    "in",
    "path",
    "query",
    "header",
    "body",
    "formData",
    "required",
    "type",
    "format",
    "int64",
    "binary",
    "file",
    "string",
    "integer",
    "number",
    "boolean",
    "array",
    "object",
    "items",
    "collectionFormat",
    "multi",
    "csv",
    "schema",
    "$ref",
    "#/definitions/portainer.Stack",
    "#/definitions/portainer.Pair",
    "#/components/schemas/portainer.Stack",
    "#/components/schemas/portainer.Pair",
    "#/components/parameters/id",
    "#/components/responses/NotFound",
    "#/components/requestBodies/body",
    "#/parameters/id",
    "#/responses/NotFound",
    "#/definitions/",
    "#/",
    "definitions",
    "portainer.Stack",
    "portainer.Pair",
    "components",
    "schemas",
    "requestBodies",
    "responses",
    "securitySchemes",
    "securityDefinitions",
    "security",
    "ApiKeyAuth",
    "jwt",
    "apiKey",
    "X-API-Key",
    "200",
    "204",
    "400",
    "404",
    "500",
    "default",
    "content",
    "properties",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "enum",
    "nullable",
    "x-nullable",
    "x-enum-varnames",
    "readOnly",
    "example",
    "Id",
    "Name",
    "Env",
    "endpointId",
    "EndpointID",
    "```json\n{}\n```",
    "",
];

/// An arbitrary JSON value whose keys and strings are mostly `words`, nested
/// at most `depth` levels.
pub fn json_value(u: &mut Unstructured<'_>, words: &[&str], depth: u32) -> Result<Value> {
    let kind = if depth == 0 {
        u.int_in_range(0..=4)?
    } else {
        u.int_in_range(0..=7)?
    };
    Ok(match kind {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => serde_json::Number::from_f64(u.arbitrary()?)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        4 => Value::String(word(u, words)?),
        5 => {
            let n = u.int_in_range(0..=4)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(json_value(u, words, depth - 1)?);
            }
            Value::Array(items)
        }
        _ => Value::Object(json_object(u, words, depth - 1)?),
    })
}

/// An arbitrary JSON object, as [`json_value`].
pub fn json_object(
    u: &mut Unstructured<'_>,
    words: &[&str],
    depth: u32,
) -> Result<Map<String, Value>> {
    let n = u.int_in_range(0..=6)?;
    let mut map = Map::new();
    for _ in 0..n {
        let key = word(u, words)?;
        map.insert(key, json_value(u, words, depth)?);
    }
    Ok(map)
}

fn word(u: &mut Unstructured<'_>, words: &[&str]) -> Result<String> {
    if u.ratio(1, 8)? {
        Ok(u.arbitrary::<String>()?)
    } else {
        Ok((*u.choose(words)?).to_owned())
    }
}

/// The document an input stands for: the input itself when it is a YAML or
/// JSON mapping (the seeds are real specs and fragments of them), otherwise a
/// spec-shaped document generated from its bytes, starting with `header`.
pub fn document(data: &[u8], header: &[(&str, &str)]) -> Option<Value> {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(doc @ Value::Object(_)) = xtask::source::parse_document(text)
    {
        return Some(doc);
    }
    let mut u = Unstructured::new(data);
    let mut map = Map::new();
    for (k, v) in header {
        map.insert((*k).to_owned(), Value::String((*v).to_owned()));
    }
    for (k, v) in json_object(&mut u, SPEC_WORDS, 6).ok()? {
        map.insert(k, v);
    }
    Some(Value::Object(map))
}

/// Runs a future that never waits on I/O (a response whose body is already in
/// memory) to completion. A future that stays pending is a bug: it panics.
pub fn ready<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..64 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("an in-memory response body did not complete");
}

/// The `portainer_sdk::Error` the SDK makes of a response of this status,
/// content type and body that the generated client did not expect, the
/// path every error response of a raw call takes.
pub fn error_from_response(
    status: u16,
    content_type: Option<&[u8]>,
    body: Vec<u8>,
) -> Option<portainer_sdk::Error> {
    let status = http::StatusCode::from_u16(status).ok()?;
    let mut builder = http::Response::builder().status(status);
    if let Some(ct) = content_type
        && let Ok(v) = http::HeaderValue::from_bytes(ct)
    {
        builder = builder.header(http::header::CONTENT_TYPE, v);
    }
    let response = reqwest::Response::from(builder.body(body).ok()?);
    let generated: portainer_sdk_gen::Error<()> =
        portainer_sdk_gen::Error::UnexpectedResponse(response);
    Some(ready(portainer_sdk::Error::from_generated(generated)))
}

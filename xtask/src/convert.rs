//! Swagger 2.0 to OpenAPI 3.0.
//!
//! Portainer publishes Swagger 2.0 and progenitor reads only OpenAPI 3.0, and no
//! Rust crate converts these files, so the converter lives here. It works on
//! plain JSON values because the job is moving and renaming fields, which typed
//! models of either version would make harder, not safer.
//!
//! It is checked against swagger2openapi 7.0.8 (`xtask/tests/convert_oracle.rs`)
//! and differs on purpose in a few places, each noted where it happens:
//! several body parameters become a `oneOf` rather than all but one being
//! dropped, a response without `produces` is `application/json` rather than
//! `*/*`, names are never sanitised, and request bodies are not hoisted into
//! shared components unless the Swagger file shared them.
//!
//! Anything that cannot be expressed faithfully is an error naming the JSON
//! pointer in the Swagger document, not a silent approximation.

mod operation;
mod pointer;
mod response;
mod schema;
mod security;

use anyhow::{Result, anyhow, bail};
use serde_json::{Map, Value};

use operation::{Param, read_param};
use pointer::Ptr;
use schema::kind_of;

/// The OpenAPI version written: the last 3.0 revision, which only clarified 3.0.0.
pub const OPENAPI_VERSION: &str = "3.0.3";

pub fn swagger2_to_openapi3(doc: &Value) -> Result<Value> {
    let Value::Object(src) = doc else {
        bail!("/: expected a mapping, found {}", kind_of(doc));
    };
    match src.get("swagger") {
        Some(Value::String(v)) if v == "2.0" => {}
        Some(other) => {
            bail!("/swagger: expected \"2.0\", found {other}: not a Swagger 2.0 document")
        }
        None if src.contains_key("openapi") => {
            bail!("/swagger: missing; this is already an OpenAPI document, not Swagger 2.0")
        }
        None => bail!("/swagger: missing; not a Swagger 2.0 document"),
    }
    for key in src.keys() {
        if !key.starts_with("x-") && !TOP_LEVEL.contains(&key.as_str()) {
            bail!("{}: unexpected top-level field", Ptr::root().push(key));
        }
    }
    let cx = Cx::new(doc, src)?;
    let root = Ptr::root();

    let mut out = Map::new();
    out.insert("openapi".into(), OPENAPI_VERSION.into());
    match src.get("info") {
        Some(info @ Value::Object(_)) => out.insert("info".into(), info.clone()),
        Some(other) => bail!("/info: expected a mapping, found {}", kind_of(other)),
        None => bail!("/info: missing"),
    };
    if let Some(servers) = cx.servers_for(&cx.schemes) {
        out.insert("servers".into(), servers);
    }
    for key in ["tags", "externalDocs"] {
        if let Some(v) = src.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(security) = src.get("security") {
        let checked =
            security::check_requirements(security, &cx.security_schemes, &root.push("security"))?;
        out.insert("security".into(), checked);
    }

    let Some(Value::Object(paths)) = src.get("paths") else {
        bail!("/paths: missing or not a mapping");
    };
    let paths_at = root.push("paths");
    let mut out_paths = Map::new();
    for (path, item) in paths {
        let here = paths_at.push(path);
        let converted = if path.starts_with("x-") {
            item.clone()
        } else if path.starts_with('/') {
            operation::convert_path_item(&cx, item, &here)?
        } else {
            bail!("{here}: a path must start with `/`");
        };
        out_paths.insert(path.clone(), converted);
    }
    out.insert("paths".into(), Value::Object(out_paths));

    let components = components(&cx, src)?;
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    for (k, v) in src {
        if k.starts_with("x-") {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

const TOP_LEVEL: &[&str] = &[
    "swagger",
    "info",
    "host",
    "basePath",
    "schemes",
    "consumes",
    "produces",
    "paths",
    "definitions",
    "parameters",
    "responses",
    "securityDefinitions",
    "security",
    "tags",
    "externalDocs",
];

/// What every operation inherits from the top of the document.
pub(crate) struct Cx<'a> {
    root: &'a Value,
    consumes: Vec<String>,
    produces: Vec<String>,
    schemes: Vec<String>,
    host: Option<String>,
    /// Without its trailing slash, so that `{base}{path}` has exactly one.
    base_path: Option<String>,
    /// The converted schemes, by name, for checking security requirements.
    security_schemes: Map<String, Value>,
}

impl<'a> Cx<'a> {
    fn new(root: &'a Value, src: &'a Map<String, Value>) -> Result<Cx<'a>> {
        let at = Ptr::root();
        let list = |key: &str| -> Result<Vec<String>> {
            src.get(key)
                .map(|v| media_types(v, &at.push(key)))
                .transpose()
                .map(Option::unwrap_or_default)
        };
        let string = |key: &str| -> Result<Option<String>> {
            match src.get(key) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => bail!(
                    "{}: expected a string, found {}",
                    at.push(key),
                    kind_of(other)
                ),
            }
        };
        let schemes = match src.get("schemes") {
            Some(v) => string_list(v, &at.push("schemes"))?,
            None => Vec::new(),
        };
        let base_path = string("basePath")?.map(|b| {
            if b.len() > 1 {
                b.trim_end_matches('/').to_owned()
            } else {
                b
            }
        });
        if let Some(b) = &base_path
            && !b.starts_with('/')
        {
            bail!("/basePath: {b:?} must start with `/`");
        }
        let mut security_schemes = Map::new();
        if let Some(defs) = src.get("securityDefinitions") {
            let here = at.push("securityDefinitions");
            let Value::Object(defs) = defs else {
                bail!("{here}: expected a mapping, found {}", kind_of(defs));
            };
            for (name, scheme) in defs {
                security_schemes.insert(
                    name.clone(),
                    security::convert_scheme(scheme, &here.push(name))?,
                );
            }
        }
        Ok(Cx {
            root,
            consumes: list("consumes")?,
            produces: list("produces")?,
            schemes,
            host: string("host")?,
            base_path,
            security_schemes,
        })
    }

    /// Server URLs for the given schemes. Swagger splits the URL into host,
    /// base path and schemes; OpenAPI 3.0 keeps whole URLs. Without a host the
    /// base path alone is a URL relative to wherever the spec was served, which
    /// is also what Swagger meant; the schemes cannot be expressed then.
    fn servers_for(&self, schemes: &[String]) -> Option<Value> {
        let base = self.base_path.as_deref().unwrap_or("");
        let base = if base == "/" && self.host.is_some() {
            ""
        } else {
            base
        };
        let urls: Vec<String> = match &self.host {
            Some(host) if schemes.is_empty() => vec![format!("//{host}{base}")],
            Some(host) => schemes
                .iter()
                .map(|s| format!("{s}://{host}{base}"))
                .collect(),
            None if base.is_empty() => return None,
            None => vec![base.to_owned()],
        };
        Some(Value::Array(
            urls.into_iter()
                .map(|url| serde_json::json!({ "url": url }))
                .collect(),
        ))
    }
}

/// A `consumes`/`produces` list: trimmed, without duplicates, in order.
///
/// Trimming matters in practice: Portainer EE 2.31.2 lists `" application/yaml"`.
fn media_types(value: &Value, at: &Ptr) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in string_list(value, at)? {
        let t = t.trim();
        if !t.is_empty() && !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    Ok(out)
}

fn string_list(value: &Value, at: &Ptr) -> Result<Vec<String>> {
    let Value::Array(list) = value else {
        bail!("{at}: expected a list of strings, found {}", kind_of(value));
    };
    list.iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| anyhow!("{}: expected a string, found {}", at.index(i), kind_of(v)))
        })
        .collect()
}

fn components(cx: &Cx, src: &Map<String, Value>) -> Result<Map<String, Value>> {
    let root = Ptr::root();
    let mut components = Map::new();
    if let Some(defs) = src.get("definitions") {
        let schemas = schema::convert_schema_map(cx.root, defs, &root.push("definitions"))?;
        components.insert("schemas".into(), Value::Object(schemas));
    }
    let mut parameters = Map::new();
    let mut request_bodies = Map::new();
    if let Some(params) = src.get("parameters") {
        let here = root.push("parameters");
        let Value::Object(params) = params else {
            bail!("{here}: expected a mapping, found {}", kind_of(params));
        };
        for (name, p) in params {
            let at = here.push(name);
            if p.get("$ref").is_some() {
                bail!("{at}: a parameter definition cannot be a reference");
            }
            // Shared body and form parameters become shared request bodies,
            // described with the document-wide media types.
            match read_param(cx, p, &at)? {
                Param::Plain { value, .. } => {
                    parameters.insert(name.clone(), value);
                }
                Param::Body(b) => {
                    request_bodies.insert(
                        name.clone(),
                        operation::request_body(&[&b], &[], &cx.consumes),
                    );
                }
                Param::Form(f) => {
                    request_bodies.insert(
                        name.clone(),
                        operation::request_body(&[], &[&f], &cx.consumes),
                    );
                }
            }
        }
    }
    if let Some(responses) = src.get("responses") {
        let here = root.push("responses");
        let Value::Object(responses) = responses else {
            bail!("{here}: expected a mapping, found {}", kind_of(responses));
        };
        let produces = if cx.produces.is_empty() {
            vec!["application/json".to_owned()]
        } else {
            cx.produces.clone()
        };
        let mut out = Map::new();
        for (name, r) in responses {
            let at = here.push(name);
            if r.get("$ref").is_some() {
                bail!("{at}: a response definition cannot be a reference");
            }
            out.insert(
                name.clone(),
                response::convert_response(cx.root, r, &produces, &at)?,
            );
        }
        if !out.is_empty() {
            components.insert("responses".into(), Value::Object(out));
        }
    }
    if !parameters.is_empty() {
        components.insert("parameters".into(), Value::Object(parameters));
    }
    if !request_bodies.is_empty() {
        components.insert("requestBodies".into(), Value::Object(request_bodies));
    }
    if !cx.security_schemes.is_empty() {
        components.insert(
            "securitySchemes".into(),
            Value::Object(cx.security_schemes.clone()),
        );
    }
    Ok(components)
}

//! Paths, operations, parameters and request bodies.
//!
//! The structural change between the versions is here: Swagger 2.0 puts the
//! request body among the parameters (`in: body`, or one `in: formData`
//! parameter per form field), OpenAPI 3.0 gives it its own `requestBody` with
//! one schema per media type.

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};

use super::Cx;
use super::pointer::{Ptr, component_ref, resolve_local};
use super::response::convert_responses;
use super::schema::{convert_schema, kind_of, simple_schema};
use super::security::check_requirements;

pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

const FORM_TYPES: &[&str] = &["multipart/form-data", "application/x-www-form-urlencoded"];

/// A Swagger parameter sorted by where it ends up in OpenAPI 3.0.
pub enum Param {
    /// Stays a parameter: `path`, `query` or `header`. `value` is the converted
    /// parameter or a reference to the converted component.
    Plain {
        name: String,
        location: String,
        value: Value,
    },
    Body(BodyPart),
    Form(FormField),
}

pub struct BodyPart {
    name: String,
    description: Option<Value>,
    required: bool,
    schema: Value,
    extensions: Map<String, Value>,
    /// The global parameter this came from, whose requestBody component can be
    /// referenced instead of repeating it.
    component: Option<String>,
}

pub struct FormField {
    name: String,
    required: bool,
    schema: Value,
    collection_format: Option<String>,
}

impl Param {
    /// Swagger identifies a parameter by name and location; an operation's
    /// parameter overrides a path-level one with the same pair.
    fn key(&self) -> (&str, &str) {
        match self {
            Param::Plain { name, location, .. } => (name, location),
            Param::Body(b) => (&b.name, "body"),
            Param::Form(f) => (&f.name, "formData"),
        }
    }
}

/// One entry of a `parameters` list, following a `$ref` to `#/parameters/`.
pub fn read_param(cx: &Cx, param: &Value, at: &Ptr) -> Result<Param> {
    let Some(reference) = param.get("$ref") else {
        return convert_param(cx, param, at);
    };
    let here = at.push("$ref");
    let Value::String(reference) = reference else {
        bail!(
            "{here}: $ref must be a string, found {}",
            kind_of(reference)
        );
    };
    let local = resolve_local(cx.root, reference, &here)?;
    if local.tokens.len() != 2 || local.tokens[0] != "parameters" {
        bail!("{here}: $ref {reference:?} should point to an entry of #/parameters/");
    }
    let name = &local.tokens[1];
    let target_at = Ptr::root().push("parameters").push(name);
    Ok(match convert_param(cx, local.target, &target_at)? {
        Param::Plain {
            name: pname,
            location,
            ..
        } => Param::Plain {
            name: pname,
            location,
            value: json!({ "$ref": component_ref("parameters", std::slice::from_ref(name)) }),
        },
        Param::Body(mut body) => {
            body.component = Some(name.clone());
            Param::Body(body)
        }
        form @ Param::Form(_) => form,
    })
}

/// Keys a parameter may have besides the shared schema keywords.
const PARAM_FIELDS: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "schema",
    "allowEmptyValue",
    "collectionFormat",
    "example",
];

fn convert_param(cx: &Cx, param: &Value, at: &Ptr) -> Result<Param> {
    let Value::Object(src) = param else {
        bail!(
            "{at}: expected a parameter mapping, found {}",
            kind_of(param)
        );
    };
    let string = |key: &str| -> Result<String> {
        match src.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => bail!(
                "{}: expected a string, found {}",
                at.push(key),
                kind_of(other)
            ),
            None => bail!("{}: a parameter needs `{key}`", at.push(key)),
        }
    };
    let name = string("name")?;
    let location = string("in")?;
    let required = match src.get("required") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => bail!(
            "{}: expected a boolean, found {}",
            at.push("required"),
            kind_of(other)
        ),
    };
    for key in src.keys() {
        if !key.starts_with("x-")
            && !PARAM_FIELDS.contains(&key.as_str())
            && !super::schema::SIMPLE_SCHEMA_KEYWORDS.contains(&key.as_str())
        {
            bail!("{}: unexpected field in a parameter", at.push(key));
        }
    }
    let extensions: Map<String, Value> = src
        .iter()
        .filter(|(k, _)| k.starts_with("x-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let ty = src.get("type").and_then(Value::as_str);

    match location.as_str() {
        "body" => {
            let Some(schema) = src.get("schema") else {
                bail!("{}: a body parameter needs a schema", at.push("schema"));
            };
            Ok(Param::Body(BodyPart {
                name,
                description: src.get("description").cloned(),
                required,
                schema: convert_schema(cx.root, schema, &at.push("schema"))?,
                extensions,
                component: None,
            }))
        }
        "formData" => {
            if ty.is_none() {
                bail!("{}: a formData parameter needs a type", at.push("type"));
            }
            let mut schema = Map::new();
            if let Some(d) = src.get("description") {
                schema.insert("description".into(), d.clone());
            }
            if let Value::Object(s) = simple_schema(cx.root, src, at)? {
                schema.extend(s);
            }
            // A form field has no parameter object left to carry its extensions.
            schema.extend(extensions);
            Ok(Param::Form(FormField {
                name,
                required,
                schema: Value::Object(schema),
                collection_format: src
                    .get("collectionFormat")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }))
        }
        "path" | "query" | "header" => {
            if src.contains_key("schema") {
                bail!("{}: only body parameters have a schema", at.push("schema"));
            }
            match ty {
                None => bail!("{}: a {location} parameter needs a type", at.push("type")),
                Some("file") => bail!(
                    "{}: type file is only allowed for formData",
                    at.push("type")
                ),
                Some(_) => {}
            }
            let mut out = Map::new();
            out.insert("name".into(), name.clone().into());
            out.insert("in".into(), location.clone().into());
            if let Some(d) = src.get("description") {
                out.insert("description".into(), d.clone());
            }
            // OpenAPI 3.0 insists on `required: true` for path parameters, and a
            // path parameter can only ever be required.
            if location == "path" || src.contains_key("required") {
                out.insert(
                    "required".into(),
                    Value::Bool(required || location == "path"),
                );
            }
            if location == "query"
                && let Some(v) = src.get("allowEmptyValue")
            {
                out.insert("allowEmptyValue".into(), v.clone());
            }
            if ty == Some("array") {
                let (style, explode) = style_for(&location, src, at)?;
                out.insert("style".into(), style.into());
                if let Some(explode) = explode {
                    out.insert("explode".into(), explode.into());
                }
            }
            out.insert("schema".into(), simple_schema(cx.root, src, at)?);
            if let Some(e) = src.get("example") {
                out.insert("example".into(), e.clone());
            }
            out.extend(extensions);
            Ok(Param::Plain {
                name,
                location,
                value: Value::Object(out),
            })
        }
        other => bail!("{}: unknown parameter location {other:?}", at.push("in")),
    }
}

/// `collectionFormat` to `style`/`explode`. Formats without an OpenAPI 3.0
/// counterpart are errors rather than silent changes to the wire format.
fn style_for(
    location: &str,
    src: &Map<String, Value>,
    at: &Ptr,
) -> Result<(&'static str, Option<bool>)> {
    let format = src
        .get("collectionFormat")
        .and_then(Value::as_str)
        .unwrap_or("csv");
    Ok(match (location, format) {
        ("query", "csv") => ("form", Some(false)),
        ("query", "multi") => ("form", Some(true)),
        ("query", "ssv") => ("spaceDelimited", Some(false)),
        ("query", "pipes") => ("pipeDelimited", Some(false)),
        ("path" | "header", "csv") => ("simple", None),
        _ => bail!(
            "{}: collectionFormat {format:?} has no OpenAPI 3.0 equivalent for a {location} parameter",
            at.push("collectionFormat")
        ),
    })
}

pub fn convert_path_item(cx: &Cx, item: &Value, at: &Ptr) -> Result<Value> {
    let Value::Object(src) = item else {
        bail!(
            "{at}: expected a path item mapping, found {}",
            kind_of(item)
        );
    };
    let mut shared = Vec::new();
    if let Some(params) = src.get("parameters") {
        let here = at.push("parameters");
        for (i, p) in as_list(params, &here)?.iter().enumerate() {
            shared.push(read_param(cx, p, &here.index(i))?);
        }
    }
    let mut out = Map::new();
    for (key, value) in src {
        let here = at.push(key);
        if METHODS.contains(&key.as_str()) {
            out.insert(key.clone(), convert_operation(cx, value, &shared, &here)?);
        } else if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        } else if key == "parameters" {
            // Body and form parameters were folded into each operation's request body.
            let plain: Vec<Value> = shared
                .iter()
                .filter_map(|p| match p {
                    Param::Plain { value, .. } => Some(value.clone()),
                    _ => None,
                })
                .collect();
            if !plain.is_empty() {
                out.insert(key.clone(), Value::Array(plain));
            }
        } else if key == "$ref" {
            bail!("{here}: path item references are not supported");
        } else {
            bail!("{here}: unexpected field in a path item");
        }
    }
    Ok(Value::Object(out))
}

fn as_list<'v>(value: &'v Value, at: &Ptr) -> Result<&'v Vec<Value>> {
    match value {
        Value::Array(list) => Ok(list),
        other => bail!("{at}: expected a list, found {}", kind_of(other)),
    }
}

const OPERATION_COPIED: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "deprecated",
];

fn convert_operation(cx: &Cx, op: &Value, shared: &[Param], at: &Ptr) -> Result<Value> {
    let Value::Object(src) = op else {
        bail!("{at}: expected an operation mapping, found {}", kind_of(op));
    };
    let consumes = match src.get("consumes") {
        Some(v) => super::media_types(v, &at.push("consumes"))?,
        None => cx.consumes.clone(),
    };
    let produces = match src.get("produces") {
        Some(v) => super::media_types(v, &at.push("produces"))?,
        None => cx.produces.clone(),
    };

    let mut own = Vec::new();
    if let Some(params) = src.get("parameters") {
        let here = at.push("parameters");
        for (i, p) in as_list(params, &here)?.iter().enumerate() {
            own.push(read_param(cx, p, &here.index(i))?);
        }
    }
    // Path-level plain parameters stay on the path item (OpenAPI 3.0 has the
    // same override rule); path-level body parts apply unless overridden here.
    let inherited = shared
        .iter()
        .filter(|p| !matches!(p, Param::Plain { .. }))
        .filter(|p| !own.iter().any(|o| o.key() == p.key()));
    let mut parameters = Vec::new();
    let mut bodies = Vec::new();
    let mut fields = Vec::new();
    for p in own.iter().chain(inherited) {
        match p {
            Param::Plain { value, .. } => parameters.push(value.clone()),
            Param::Body(b) => bodies.push(b),
            Param::Form(f) => fields.push(f),
        }
    }

    let mut out = Map::new();
    for &key in OPERATION_COPIED {
        if let Some(v) = src.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if !parameters.is_empty() {
        out.insert("parameters".into(), Value::Array(parameters));
    }
    if !bodies.is_empty() || !fields.is_empty() {
        let body = if let [single] = bodies.as_slice()
            && fields.is_empty()
            && let Some(component) = &single.component
            && consumes == cx.consumes
        {
            json!({ "$ref": component_ref("requestBodies", std::slice::from_ref(component)) })
        } else {
            request_body(&bodies, &fields, &consumes)
        };
        out.insert("requestBody".into(), body);
    }
    let Some(responses) = src.get("responses") else {
        bail!("{}: an operation needs responses", at.push("responses"));
    };
    let produces = if produces.is_empty() {
        vec!["application/json".to_owned()]
    } else {
        produces
    };
    out.insert(
        "responses".into(),
        convert_responses(cx.root, responses, &produces, &at.push("responses"))?,
    );
    if let Some(schemes) = src.get("schemes") {
        // Only a different set of schemes needs servers of its own, and without
        // a host there is no absolute URL to put the scheme on.
        let schemes = super::string_list(schemes, &at.push("schemes"))?;
        if schemes != cx.schemes
            && cx.host.is_some()
            && let Some(servers) = cx.servers_for(&schemes)
        {
            out.insert("servers".into(), servers);
        }
    }
    if let Some(security) = src.get("security") {
        out.insert(
            "security".into(),
            check_requirements(security, &cx.security_schemes, &at.push("security"))?,
        );
    }
    for (key, value) in src {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        } else if !OPERATION_COPIED.contains(&key.as_str())
            && !matches!(
                key.as_str(),
                "consumes" | "produces" | "parameters" | "responses" | "schemes" | "security"
            )
        {
            bail!("{}: unexpected field in an operation", at.push(key));
        }
    }
    Ok(Value::Object(out))
}

/// The request body for an operation's body and form parameters.
///
/// Form fields go under the form media types the operation consumes
/// (`multipart/form-data` when it names none); body parameters go under the
/// remaining media types (`application/json` when none remain). Where a
/// Swagger file lists several body parameters (Portainer documents each
/// payload variant of one endpoint that way), the schema is a `oneOf` of
/// them, so every variant stays reachable instead of all but one being dropped.
pub fn request_body(bodies: &[&BodyPart], fields: &[&FormField], consumes: &[String]) -> Value {
    let (form_types, other_types): (Vec<&String>, Vec<&String>) = consumes
        .iter()
        .partition(|t| FORM_TYPES.contains(&t.as_str()));
    let mut content = Map::new();
    let mut required = false;

    if !bodies.is_empty() {
        // Without form fields every consumed type carries the body, as in Swagger.
        let types: Vec<String> = if fields.is_empty() && !consumes.is_empty() {
            consumes.to_vec()
        } else if fields.is_empty() || other_types.is_empty() {
            vec!["application/json".into()]
        } else {
            other_types.iter().map(|s| (*s).clone()).collect()
        };
        let schema = match bodies {
            [single] => single.schema.clone(),
            many => json!({ "oneOf": many.iter().map(|b| b.schema.clone()).collect::<Vec<_>>() }),
        };
        for t in types {
            content.insert(t, json!({ "schema": schema }));
        }
        required |= bodies.iter().any(|b| b.required);
    }

    if !fields.is_empty() {
        let mut properties = Map::new();
        let mut names = Vec::new();
        for f in fields {
            properties.insert(f.name.clone(), f.schema.clone());
            if f.required {
                names.push(Value::String(f.name.clone()));
            }
        }
        let mut schema = Map::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Object(properties));
        if !names.is_empty() {
            schema.insert("required".into(), Value::Array(names));
            required = true;
        }
        let types: Vec<String> = if form_types.is_empty() {
            vec!["multipart/form-data".into()]
        } else {
            form_types.iter().map(|s| (*s).clone()).collect()
        };
        for t in types {
            let mut media = Map::new();
            media.insert("schema".into(), Value::Object(schema.clone()));
            // Only url-encoded forms honour `style`; multipart repeats the part.
            if t == "application/x-www-form-urlencoded" {
                let encoding = form_encoding(fields);
                if !encoding.is_empty() {
                    media.insert("encoding".into(), Value::Object(encoding));
                }
            }
            content.insert(t, Value::Object(media));
        }
    }

    let mut out = Map::new();
    match bodies {
        [] => {}
        [single] => {
            if let Some(d) = &single.description {
                out.insert("description".into(), d.clone());
            }
        }
        many => {
            // The parameter names are all that tells the variants apart.
            let text: Vec<String> = many
                .iter()
                .map(|b| match b.description.as_ref().and_then(Value::as_str) {
                    Some(d) => format!("`{}`: {d}", b.name),
                    None => format!("`{}`", b.name),
                })
                .collect();
            out.insert(
                "description".into(),
                format!("One of:\n\n{}", text.join("\n\n")).into(),
            );
        }
    }
    out.insert("content".into(), Value::Object(content));
    if required {
        out.insert("required".into(), Value::Bool(true));
    }
    for b in bodies {
        out.extend(b.extensions.clone());
    }
    Value::Object(out)
}

fn form_encoding(fields: &[&FormField]) -> Map<String, Value> {
    let mut encoding = Map::new();
    for f in fields {
        if f.schema.get("type").and_then(Value::as_str) != Some("array") {
            continue;
        }
        let (style, explode) = match f.collection_format.as_deref().unwrap_or("csv") {
            "multi" => ("form", true),
            "ssv" => ("spaceDelimited", false),
            "pipes" => ("pipeDelimited", false),
            _ => ("form", false),
        };
        encoding.insert(
            f.name.clone(),
            json!({ "style": style, "explode": explode }),
        );
    }
    encoding
}

//! Security definitions and requirements.

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};

use super::pointer::Ptr;
use super::schema::kind_of;

pub fn convert_scheme(scheme: &Value, at: &Ptr) -> Result<Value> {
    let Value::Object(src) = scheme else {
        bail!(
            "{at}: expected a security scheme mapping, found {}",
            kind_of(scheme)
        );
    };
    let field = |name: &str| -> Result<&str> {
        match src.get(name) {
            Some(Value::String(s)) => Ok(s),
            Some(other) => bail!(
                "{}: expected a string, found {}",
                at.push(name),
                kind_of(other)
            ),
            None => bail!("{}: missing", at.push(name)),
        }
    };
    let mut out = Map::new();
    match field("type")? {
        "apiKey" => {
            let location = field("in")?;
            if !matches!(location, "header" | "query") {
                bail!(
                    "{}: apiKey must be in header or query, not {location:?}",
                    at.push("in")
                );
            }
            out.insert("type".into(), "apiKey".into());
            out.insert("name".into(), field("name")?.into());
            out.insert("in".into(), location.into());
        }
        "basic" => {
            out.insert("type".into(), "http".into());
            out.insert("scheme".into(), "basic".into());
        }
        "oauth2" => {
            let scopes = src.get("scopes").cloned().unwrap_or_else(|| json!({}));
            let mut flow = Map::new();
            // Swagger 2.0 names two of the flows differently from OpenAPI 3.0.
            let (name, needs_auth_url, needs_token_url) = match field("flow")? {
                "implicit" => ("implicit", true, false),
                "password" => ("password", false, true),
                "application" => ("clientCredentials", false, true),
                "accessCode" => ("authorizationCode", true, true),
                other => bail!("{}: unknown oauth2 flow {other:?}", at.push("flow")),
            };
            if needs_auth_url {
                flow.insert("authorizationUrl".into(), field("authorizationUrl")?.into());
            }
            if needs_token_url {
                flow.insert("tokenUrl".into(), field("tokenUrl")?.into());
            }
            flow.insert("scopes".into(), scopes);
            out.insert("type".into(), "oauth2".into());
            out.insert("flows".into(), json!({ name: flow }));
        }
        other => bail!(
            "{}: unknown security scheme type {other:?}",
            at.push("type")
        ),
    }
    for (k, v) in src {
        if k == "description" || k.starts_with("x-") {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

/// Requirements keep their shape; the names are checked because a typo there
/// would silently make an operation unauthenticated in generated clients.
pub fn check_requirements(value: &Value, schemes: &Map<String, Value>, at: &Ptr) -> Result<Value> {
    let Value::Array(list) = value else {
        bail!(
            "{at}: expected a list of security requirements, found {}",
            kind_of(value)
        );
    };
    for (i, requirement) in list.iter().enumerate() {
        let Value::Object(req) = requirement else {
            bail!(
                "{}: expected a mapping, found {}",
                at.index(i),
                kind_of(requirement)
            );
        };
        for name in req.keys() {
            if !schemes.contains_key(name) {
                bail!(
                    "{}: no security definition named {name:?}",
                    at.index(i).push(name)
                );
            }
        }
    }
    Ok(value.clone())
}

//! Valid values for schemas of the normalized spec: the schema's own example
//! or default when it has the schema's type, else the first of the "Known
//! values" the normalizer kept from an enum, else a value of the type.

use serde_json::{Map, Value, json};

/// Optional properties are filled down to this depth; deeper, only required ones.
const OPTIONAL_DEPTH: usize = 4;
/// Below this depth nothing is filled (a guard against required cycles).
const MAX_DEPTH: usize = 12;

/// Makes values from the schemas of one document.
pub struct Values<'a> {
    components: &'a Value,
    /// Places where the spec's example or default contradicts its own schema.
    pub notes: Vec<String>,
}

impl<'a> Values<'a> {
    pub fn new(doc: &'a Value) -> Values<'a> {
        Values {
            components: doc.get("components").unwrap_or(&Value::Null),
            notes: Vec::new(),
        }
    }

    /// A valid value for `schema`; `what` names it in notes.
    pub fn value(&mut self, schema: &Value, what: &str) -> Value {
        let mut stack = Vec::new();
        self.make(schema, what, &mut stack, 0)
            .unwrap_or_else(|| json!({}))
    }

    fn lookup(&self, reference: &str) -> Option<&'a Value> {
        let rest = reference.strip_prefix("#/components/")?;
        let (kind, name) = rest.split_once('/')?;
        self.components.get(kind)?.get(name)
    }

    /// `None` when the schema leads back into itself (only reachable for
    /// optional properties, which are then left out).
    fn make(
        &mut self,
        schema: &Value,
        what: &str,
        stack: &mut Vec<String>,
        depth: usize,
    ) -> Option<Value> {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            if stack.iter().any(|s| s == r) || depth > MAX_DEPTH {
                return None;
            }
            let target = self.lookup(r)?;
            stack.push(r.to_owned());
            let v = self.make(target, what, stack, depth);
            stack.pop();
            return v;
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let merged = self.merge_all_of(schema, parts);
            let refs: Vec<String> = parts
                .iter()
                .filter_map(|p| p.get("$ref").and_then(Value::as_str).map(str::to_owned))
                .collect();
            if refs.iter().any(|r| stack.contains(r)) {
                return None;
            }
            let n = stack.len();
            stack.extend(refs);
            let v = self.make(&merged, what, stack, depth);
            stack.truncate(n);
            return v;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = schema
                .get(key)
                .and_then(Value::as_array)
                .and_then(|a| a.first())
            {
                return self.make(first, what, stack, depth);
            }
        }
        let ty = schema_type(schema);
        for key in ["example", "default"] {
            if let Some(v) = schema.get(key) {
                if ty != "object" && fits(self, schema, v) {
                    return Some(v.clone());
                }
                if ty != "object" {
                    self.notes.push(format!(
                        "{what}: the spec's {key} {v} is not a valid {ty}; sent a {ty} instead"
                    ));
                }
            }
        }
        if let Some(v) = known_value(schema, ty) {
            return Some(v);
        }
        Some(match ty {
            "string" => match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => json!("2024-01-02T03:04:05Z"),
                Some("date") => json!("2024-01-02"),
                Some("byte") => json!("ZXhhbXBsZQ=="),
                _ => json!("example"),
            },
            "integer" => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1)),
            "number" => json!(schema.get("minimum").and_then(Value::as_f64).unwrap_or(1.5)),
            "boolean" => json!(true),
            "array" => {
                let items = schema.get("items").unwrap_or(&Value::Null);
                match self.make(items, &format!("{what}[]"), stack, depth + 1) {
                    Some(v) => json!([v]),
                    None => json!([]),
                }
            }
            _ => self.object(schema, what, stack, depth)?,
        })
    }

    fn object(
        &mut self,
        schema: &Value,
        what: &str,
        stack: &mut Vec<String>,
        depth: usize,
    ) -> Option<Value> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut out = Map::new();
        let props = schema.get("properties").and_then(Value::as_object);
        for (name, prop) in props.into_iter().flatten() {
            let is_required = required.contains(&name.as_str());
            if !is_required && (depth >= OPTIONAL_DEPTH || self.read_only(prop)) {
                continue;
            }
            let inner = format!("{what}.{name}");
            match self.make(prop, &inner, stack, depth + 1) {
                Some(v) => {
                    out.insert(name.clone(), v);
                }
                None if is_required => return None,
                None => {}
            }
        }
        if props.is_none_or(|p| p.is_empty())
            && let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object())
            && depth < OPTIONAL_DEPTH
            && let Some(v) = self.make(extra, &format!("{what}.key"), stack, depth + 1)
        {
            out.insert("key".into(), v);
        }
        Some(Value::Object(out))
    }

    fn read_only(&self, prop: &Value) -> bool {
        let resolved = match prop.get("$ref").and_then(Value::as_str) {
            Some(r) => self.lookup(r).unwrap_or(prop),
            None => prop,
        };
        prop.get("readOnly") == Some(&Value::Bool(true))
            || resolved.get("readOnly") == Some(&Value::Bool(true))
    }

    /// One object schema from `allOf` parts and the schema's own properties.
    fn merge_all_of(&self, schema: &Value, parts: &[Value]) -> Value {
        let mut merged = schema.as_object().cloned().unwrap_or_default();
        merged.remove("allOf");
        let mut props = Map::new();
        let mut required: Vec<Value> = Vec::new();
        let mut ty: Option<Value> = merged.get("type").cloned();
        let mut scalar_part: Option<Value> = None;
        for part in parts {
            let resolved = match part.get("$ref").and_then(Value::as_str) {
                Some(r) => self.lookup(r).unwrap_or(part),
                None => part,
            };
            if ty.is_none() {
                ty = resolved.get("type").cloned();
            }
            if let Some(p) = resolved.get("properties").and_then(Value::as_object) {
                props.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
            } else if schema_type(resolved) != "object" {
                scalar_part = Some(resolved.clone());
            }
            for r in resolved
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !required.contains(r) {
                    required.push(r.clone());
                }
            }
        }
        if props.is_empty()
            && merged.get("properties").is_none()
            && let Some(mut s) = scalar_part
        {
            // `allOf: [{$ref: SomeEnum}]` with a description: the referenced scalar.
            if let (Some(o), Some(e)) = (s.as_object_mut(), merged.get("example")) {
                o.insert("example".into(), e.clone());
            }
            return s;
        }
        if let Some(p) = merged.get("properties").and_then(Value::as_object) {
            props.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        merged.insert("properties".into(), Value::Object(props));
        merged.insert("required".into(), Value::Array(required));
        merged.insert("type".into(), ty.unwrap_or_else(|| json!("object")));
        Value::Object(merged)
    }
}

/// The schema's type, reading `properties` as an object and nothing as any.
pub fn schema_type(schema: &Value) -> &str {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t,
        None if schema.get("properties").is_some()
            || schema.get("additionalProperties").is_some() =>
        {
            "object"
        }
        None => "any",
    }
}

/// Whether `v` is a valid instance of a scalar or array `schema`.
fn fits(values: &Values<'_>, schema: &Value, v: &Value) -> bool {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => values.lookup(r).unwrap_or(schema),
        None => schema,
    };
    if v.is_null() {
        return schema.get("nullable") == Some(&Value::Bool(true));
    }
    match schema_type(schema) {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.as_array().is_some_and(|items| {
            let item_schema = schema.get("items").unwrap_or(&Value::Null);
            let scalar_items = !matches!(schema_type(item_schema), "object" | "any")
                || item_schema.get("$ref").is_some();
            !items.is_empty() && scalar_items && items.iter().all(|i| fits(values, item_schema, i))
        }),
        "any" => true,
        _ => false,
    }
}

/// The first value of the normalizer's "Known values: `a`, `b`." note.
fn known_value(schema: &Value, ty: &str) -> Option<Value> {
    let description = schema.get("description")?.as_str()?;
    let list = description.rsplit_once("Known values: ")?.1;
    let first = list.split('`').nth(1)?;
    match ty {
        "string" => Some(Value::String(first.to_owned())),
        "integer" => first.parse::<i64>().ok().map(Value::from),
        "number" => first.parse::<f64>().ok().map(|f| json!(f)),
        "boolean" => first.parse::<bool>().ok().map(Value::from),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "Node": {"type": "object", "required": ["Name"], "properties": {
                "Name": {"type": "string", "example": "web"},
                "Port": {"type": "integer", "example": "80"},
                "Kind": {"type": "integer", "description": "Kind.\n\nKnown values: `2`, `3`."},
                "Child": {"$ref": "#/components/schemas/Node"},
                "Tags": {"type": "array", "items": {"type": "string"}, "example": "a,b"},
                "When": {"type": "string", "format": "date-time"},
                "Id": {"type": "integer", "readOnly": true}
            }},
            "Wrapped": {"allOf": [{"$ref": "#/components/schemas/Node"}], "properties": {"Extra": {"type": "boolean"}}},
            "Labels": {"type": "object", "additionalProperties": {"type": "string"}}
        }}})
    }

    #[test]
    fn examples_known_values_cycles_and_read_only() {
        let d = doc();
        let mut v = Values::new(&d);
        let node = v.value(&json!({"$ref": "#/components/schemas/Node"}), "body");
        assert_eq!(
            node,
            json!({"Name": "web", "Port": 1, "Kind": 2, "Tags": ["example"], "When": "2024-01-02T03:04:05Z"})
        );
        assert_eq!(v.notes.len(), 2, "{:?}", v.notes);
        assert!(v.notes[0].contains("body.Port"), "{:?}", v.notes);
    }

    #[test]
    fn all_of_merges_and_maps_get_a_key() {
        let d = doc();
        let mut v = Values::new(&d);
        let w = v.value(&json!({"$ref": "#/components/schemas/Wrapped"}), "body");
        assert_eq!(w["Name"], "web");
        assert_eq!(w["Extra"], true);
        let l = v.value(&json!({"$ref": "#/components/schemas/Labels"}), "body");
        assert_eq!(l, json!({"key": "example"}));
    }
}

//! Visiting the schemas of a document, wherever they are nested.

use serde_json::Value;

/// Calls `f` on every schema object under `value`, children before parents'
/// later siblings, descending through properties, items, composition and
/// additionalProperties. `value` itself is treated as a schema.
pub fn schemas_mut(value: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    let Value::Object(map) = value else { return };
    f(map);
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            schemas_mut(child, f);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(children)) = map.get_mut(key) {
            for child in children {
                schemas_mut(child, f);
            }
        }
    }
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for child in props.values_mut() {
            schemas_mut(child, f);
        }
    }
}

/// Every schema root of a document: components, parameters, bodies, responses.
pub fn all_schema_roots(doc: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for s in schemas.values_mut() {
            f(s);
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            for (key, op) in item.iter_mut() {
                if key == "parameters" {
                    params(op, f);
                    continue;
                }
                let Value::Object(op) = op else { continue };
                if let Some(p) = op.get_mut("parameters") {
                    params(p, f);
                }
                if let Some(Value::Object(content)) =
                    op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
                {
                    for media in content.values_mut() {
                        if let Some(s) = media.get_mut("schema") {
                            f(s);
                        }
                    }
                }
                if let Some(Value::Object(responses)) = op.get_mut("responses") {
                    for r in responses.values_mut() {
                        if let Some(Value::Object(content)) = r.get_mut("content") {
                            for media in content.values_mut() {
                                if let Some(s) = media.get_mut("schema") {
                                    f(s);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn params(list: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Value::Array(list) = list {
        for p in list {
            if let Some(s) = p.get_mut("schema") {
                f(s);
            }
        }
    }
}

/// The component name a `$ref` points at, for `#/components/schemas/NAME`.
pub fn schema_ref_name(r: &str) -> Option<&str> {
    r.strip_prefix("#/components/schemas/")
}

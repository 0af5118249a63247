//! Request bodies decoded the way Go's `encoding/json` decodes them into a
//! handler's payload struct: field names match case-insensitively, unknown
//! fields are ignored, `null` leaves the zero value, and a wrong type is an
//! error naming the struct field (pkg/libhttp/request/payload.go:
//! `DecodeAndValidateJSONPayload`).

use serde_json::{Map, Value};

/// A JSON object body, with the Go struct name for error texts.
pub(crate) struct Payload {
    fields: Map<String, Value>,
    go_type: &'static str,
}

impl Payload {
    /// Decodes `body` as the payload struct `go_type` (e.g.
    /// `stacks.composeStackFromFileContentPayload`). The error is Go's text.
    pub fn decode(body: &[u8], go_type: &'static str) -> Result<Self, String> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err("EOF".into());
        }
        let value: Value = serde_json::from_slice(body).map_err(|e| syntax_error(body, &e))?;
        match value {
            Value::Object(fields) => Ok(Self { fields, go_type }),
            // A JSON null leaves the struct untouched.
            Value::Null => Ok(Self {
                fields: Map::new(),
                go_type,
            }),
            other => Err(format!(
                "json: cannot unmarshal {} into Go value of type {go_type}",
                kind(&other)
            )),
        }
    }

    /// Go matches keys case-insensitively and a later duplicate wins.
    fn field(&self, name: &str) -> Option<&Value> {
        self.fields
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .next_back()
            .filter(|v| !v.is_null())
    }

    fn type_error(&self, name: &str, got: &Value, want: &str) -> String {
        let short = self.go_type.rsplit('.').next().unwrap_or(self.go_type);
        format!(
            "json: cannot unmarshal {} into Go struct field {short}.{name} of type {want}",
            kind(got)
        )
    }

    pub fn string(&self, name: &str) -> Result<String, String> {
        match self.field(name) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(v) => Err(self.type_error(name, v, "string")),
        }
    }

    pub fn boolean(&self, name: &str) -> Result<bool, String> {
        match self.field(name) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(self.type_error(name, v, "bool")),
        }
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.field(name) {
            None => Ok(None),
            Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
            Some(v) => Err(self.type_error(name, v, "int")),
        }
    }

    pub fn present(&self, name: &str) -> bool {
        self.field(name).is_some()
    }

    pub fn strings(&self, name: &str) -> Result<Option<Vec<String>>, String> {
        match self.field(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s.clone()),
                    Value::Null => Ok(String::new()),
                    v => Err(self.type_error(name, v, "string")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(v) => Err(self.type_error(name, v, "[]string")),
        }
    }

    /// `[]portainer.Pair`: objects with `name` and `value`.
    pub fn pairs(&self, name: &str) -> Result<Option<Vec<(String, String)>>, String> {
        match self.field(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| pair(i).ok_or_else(|| self.type_error(name, i, "portainer.Pair")))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(v) => Err(self.type_error(name, v, "[]portainer.Pair")),
        }
    }

    /// A nested object, kept as JSON.
    pub fn object(&self, name: &str, go_type: &str) -> Result<Option<Map<String, Value>>, String> {
        match self.field(name) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m.clone())),
            Some(v) => Err(self.type_error(name, v, go_type)),
        }
    }
}

fn pair(v: &Value) -> Option<(String, String)> {
    let obj = match v {
        Value::Object(o) => o,
        Value::Null => return Some((String::new(), String::new())),
        _ => return None,
    };
    let get = |key: &str| -> Option<String> {
        match obj
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
            .next_back()
        {
            None | Some(Value::Null) => Some(String::new()),
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => None,
        }
    };
    Some((get("name")?, get("value")?))
}

/// Go's name for a JSON value's kind in unmarshal errors.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Go's syntax error texts for the common cases; others keep serde's
/// description (the fake documents that their wording differs).
fn syntax_error(body: &[u8], e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "unexpected EOF".into();
    }
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    match first {
        Some(b)
            if !matches!(
                b,
                b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
            ) =>
        {
            format!(
                "invalid character '{}' looking for beginning of value",
                char::from(b)
            )
        }
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_case_insensitively_last_wins() {
        let p = Payload::decode(br#"{"name":"a","NAME":"b"}"#, "x.t").unwrap();
        assert_eq!(p.string("Name").unwrap(), "b");
    }

    #[test]
    fn errors_read_like_go() {
        assert_eq!(Payload::decode(b"", "x.t").err().unwrap(), "EOF");
        assert_eq!(
            Payload::decode(b"[1]", "stacks.p").err().unwrap(),
            "json: cannot unmarshal array into Go value of type stacks.p"
        );
        let p = Payload::decode(br#"{"Name":5}"#, "stacks.p").unwrap();
        assert_eq!(
            p.string("Name").unwrap_err(),
            "json: cannot unmarshal number into Go struct field p.Name of type string"
        );
        assert_eq!(
            Payload::decode(b"x", "t").err().unwrap(),
            "invalid character 'x' looking for beginning of value"
        );
    }
}

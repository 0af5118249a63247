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
            .last()
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
        Some(b) if !matches!(b, b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => {
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

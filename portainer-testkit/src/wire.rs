//! What goes on the wire: JSON bodies and error bodies as Portainer writes
//! them, and query parameters as Go reads them.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use crate::version::Version;

/// A handler's failure, written as Portainer's `{"message", "details"}`
/// (pkg/libhttp/error/error.go: `writeErrorResponse`).
#[derive(Debug, Clone)]
pub(crate) struct HandlerError {
    pub status: StatusCode,
    pub message: String,
    /// The wrapped Go error's text; `None` when the handler passed a nil
    /// error, in which case Portainer writes the message again.
    pub details: Option<String>,
}

impl HandlerError {
    pub fn new(status: StatusCode, message: impl Into<String>, details: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            details: Some(details.into()),
        }
    }

    /// A handler error whose Go error was nil (`httperror.BadRequest(msg, nil)`).
    pub fn bare(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            details: None,
        }
    }

    pub fn bad_request(message: impl Into<String>, details: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message, details)
    }

    pub fn not_found(message: impl Into<String>, details: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message, details)
    }

    pub fn forbidden(message: impl Into<String>, details: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message, details)
    }

    pub fn conflict(message: impl Into<String>, details: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message, details)
    }

    pub fn internal(message: impl Into<String>, details: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message, details)
    }

    /// Boltdb's "not found" error text, which handlers wrap on a missing object
    /// (api/dataservices/errors/errors.go: `ErrObjectNotFound`).
    pub fn object_not_found(message: impl Into<String>) -> Self {
        Self::not_found(message, "object not found inside the database")
    }
}

/// A successful answer, rendered for the emulated version.
#[derive(Debug)]
pub(crate) enum Reply {
    /// `response.JSON` with status 200.
    Json(Value),
    /// `response.Empty`: 204 without a body.
    Empty,
    /// JSON with extra headers (the environment list's `X-Total-Count`).
    JsonWithHeaders(Value, Vec<(&'static str, String)>),
    /// A body written as is, for the Docker proxy.
    Raw {
        status: StatusCode,
        content_type: &'static str,
        body: Vec<u8>,
    },
}

pub(crate) type HandlerResult = Result<Reply, HandlerError>;

/// Renders a handler's outcome as the emulated version writes it.
pub(crate) fn render(version: Version, outcome: HandlerResult) -> Response {
    match outcome {
        Ok(Reply::Json(v)) => json_response(version, StatusCode::OK, &v, Vec::new()),
        Ok(Reply::JsonWithHeaders(v, headers)) => {
            json_response(version, StatusCode::OK, &v, headers)
        }
        Ok(Reply::Empty) => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NO_CONTENT;
            r
        }
        Ok(Reply::Raw {
            status,
            content_type,
            body,
        }) => {
            let mut r = Response::new(Body::from(body));
            *r.status_mut() = status;
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            r
        }
        Err(e) => error_response(version, &e),
    }
}

fn json_response(
    version: Version,
    status: StatusCode,
    v: &Value,
    headers: Vec<(&'static str, String)>,
) -> Response {
    let mut body = serde_json::to_vec(v).unwrap_or_else(|_| b"null".to_vec());
    if version.json_trailing_newline() {
        body.push(b'\n');
    }
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            r.headers_mut().insert(name, v);
        }
    }
    r
}

/// pkg/libhttp/error/error.go: a nil error becomes the (capitalized) message;
/// both fields are `omitempty`; details are capitalized from 2.22.
pub(crate) fn error_response(version: Version, e: &HandlerError) -> Response {
    let details = match &e.details {
        Some(d) => d.clone(),
        None if version.capitalizes_details() => capitalize(&e.message),
        None => e.message.clone(),
    };
    let details = if version.capitalizes_details() {
        capitalize(&details)
    } else {
        details
    };
    let mut obj = serde_json::Map::new();
    if !e.message.is_empty() {
        obj.insert("message".into(), Value::String(e.message.clone()));
    }
    if !details.is_empty() {
        obj.insert("details".into(), Value::String(details));
    }
    json_response(version, e.status, &Value::Object(obj), Vec::new())
}

/// Go's `capitalize`: the first byte, upper-cased when it is ASCII.
fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The query parameters of a request, read like Go's `url.Values`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Self { pairs }
    }

    /// `r.FormValue(name)`: the first value, or "".
    pub fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.pairs.iter().map(|(k, _)| k.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// pkg/libhttp/request/request.go: `RetrieveNumericQueryParameter`. The
    /// error is the text of Go's error ("Missing query parameter" or
    /// strconv's).
    pub fn numeric(&self, name: &str, optional: bool) -> Result<i64, String> {
        let v = self.get(name);
        if v.is_empty() {
            return if optional {
                Ok(0)
            } else {
                Err("Missing query parameter".into())
            };
        }
        atoi(v)
    }

    /// `RetrieveQueryParameter`.
    pub fn required(&self, name: &str) -> Result<&str, String> {
        let v = self.get(name);
        if v.is_empty() {
            Err("Missing query parameter".into())
        } else {
            Ok(v)
        }
    }

    /// `RetrieveBooleanQueryParameter`: true only for the text "true".
    pub fn boolean(&self, name: &str) -> bool {
        self.get(name) == "true"
    }
}

/// Go's `strconv.Atoi`, with its error text.
pub(crate) fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            go_quote(s)
        ));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", go_quote(s)))
}

/// Go's `%q` for the strings a client can send.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_errors_read_like_go() {
        assert_eq!(atoi("12"), Ok(12));
        assert_eq!(
            atoi("x1").unwrap_err(),
            "strconv.Atoi: parsing \"x1\": invalid syntax"
        );
        assert_eq!(
            atoi("99999999999999999999").unwrap_err(),
            "strconv.Atoi: parsing \"99999999999999999999\": value out of range"
        );
    }

    #[test]
    fn capitalize_only_the_first_letter() {
        assert_eq!(capitalize("api key x"), "Api key x");
        assert_eq!(capitalize(""), "");
    }
}

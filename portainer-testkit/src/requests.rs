//! What the fake was asked: one record per request, for assertions.

/// Which credential a request carried (whether or not it was valid).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// None.
    None,
    /// An access token, in `X-API-Key` or the `x-api-key` query parameter.
    ApiKey,
    /// A JWT, as `Authorization: Bearer` or the `token` query parameter.
    Jwt,
    /// Both an access token and a JWT.
    Both,
}

/// One request the fake received, from [`crate::FakePortainer::requests`].
///
/// Credentials are recorded by kind only; the query string has the values of
/// `x-api-key` and `token` replaced.
///
/// ```
/// use portainer_testkit::{Credential, RecordedRequest};
/// # fn check(r: &RecordedRequest) {
/// assert_eq!(r.credential, Credential::ApiKey);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, e.g. `/api/stacks/1`.
    pub path: String,
    /// The query string without credentials, e.g. `endpointId=1`.
    pub query: String,
    /// Which credential was sent.
    pub credential: Credential,
    /// The user the credential belongs to, when it was valid.
    pub user: Option<String>,
    /// The status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
}

/// The query string with credential values replaced by `<redacted>`.
pub(crate) fn redact_query(raw: Option<&str>) -> String {
    let Some(raw) = raw else {
        return String::new();
    };
    raw.split('&')
        .map(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            let decoded: String = form_urlencoded::parse(key.as_bytes())
                .map(|(k, _)| k.into_owned())
                .next()
                .unwrap_or_default();
            if decoded.eq_ignore_ascii_case("x-api-key") || decoded == "token" {
                format!("{key}=<redacted>")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_redacted() {
        assert_eq!(
            redact_query(Some("a=1&X-API-KEY=ptr_x&token=t")),
            "a=1&X-API-KEY=<redacted>&token=<redacted>"
        );
        assert_eq!(redact_query(None), "");
    }
}

//! Authentication: access tokens, JWTs from `POST /api/auth`, and the
//! bouncer's 401 and 403 answers (api/http/security/bouncer.go,
//! api/http/handler/auth/authenticate.go).

use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use serde_json::json;

use crate::payload::Payload;
use crate::requests::Credential;
use crate::state::{Session, State};
use crate::users::StoredUser;
use crate::version::Version;
use crate::wire::{HandlerError, HandlerResult, Query, Reply};

/// Who may call a route (the bouncer's access levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Public,
    Authenticated,
    Administrator,
}

/// The credentials of a request, as the bouncer extracts them.
pub(crate) struct Credentials {
    api_key: Option<String>,
    jwt: Option<String>,
    api_key_header: bool,
    auth_header: bool,
}

impl Credentials {
    /// bouncer.go: `extractAPIKey` (header `X-API-KEY`, else a query
    /// parameter named so in any case) and `extractBearerToken` (query
    /// parameter `token`, else `Authorization` without its `Bearer ` prefix).
    pub fn extract(headers: &HeaderMap, query: &Query) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .filter(|v| !v.is_empty())
        };
        let api_key_header = header("x-api-key");
        let api_key = api_key_header.clone().or_else(|| {
            query
                .names()
                .find(|n| n.eq_ignore_ascii_case("x-api-key"))
                .map(|n| query.get(n).to_owned())
        });
        let auth_header = header("authorization");
        let jwt = Some(query.get("token").to_owned())
            .filter(|t| !t.is_empty())
            .or_else(|| {
                auth_header
                    .as_deref()
                    .map(|t| t.strip_prefix("Bearer ").unwrap_or(t).to_owned())
            });
        Self {
            api_key,
            jwt,
            api_key_header: api_key_header.is_some(),
            auth_header: auth_header.is_some(),
        }
    }

    pub fn kind(&self) -> Credential {
        match (self.api_key.is_some(), self.jwt.is_some()) {
            (false, false) => Credential::None,
            (true, false) => Credential::ApiKey,
            (false, true) => Credential::Jwt,
            (true, true) => Credential::Both,
        }
    }

    /// csrf.go `withSkipCSRF`: from 2.20 both headers at once are refused
    /// before any route runs, public ones included.
    pub fn csrf_check(&self, version: Version) -> Result<(), HandlerError> {
        if version.refuses_both_credentials() && self.api_key_header && self.auth_header {
            let msg = "api key and auth header are not allowed at the same time";
            return Err(HandlerError::forbidden(msg, msg));
        }
        Ok(())
    }

    /// The user a valid credential belongs to, without judging the route.
    pub fn resolve(&self, state: &State) -> Option<StoredUser> {
        self.lookup(state).ok().flatten()
    }

    /// bouncer.go `mwAuthenticateFirst`: the key first, then the JWT. From
    /// 2.20 an invalid one stops the lookup ("Invalid JWT token"); before, it
    /// counts as missing.
    fn lookup(&self, state: &State) -> Result<Option<StoredUser>, ()> {
        if let Some(key) = &self.api_key {
            match state
                .users
                .iter()
                .find(|u| u.spec.api_keys.iter().any(|k| k.expose() == key))
            {
                Some(u) => return Ok(Some(u.clone())),
                None => return Err(()),
            }
        }
        if let Some(token) = &self.jwt {
            let user = state
                .sessions
                .get(token)
                .filter(|s| s.expires > (state.clock)())
                .and_then(|s| state.user(s.user_id));
            return match user {
                Some(u) => Ok(Some(u.clone())),
                None => Err(()),
            };
        }
        Ok(None)
    }

    /// The bouncer's verdict for a route.
    pub fn authorize(
        &self,
        state: &State,
        version: Version,
        access: Access,
    ) -> Result<Option<StoredUser>, HandlerError> {
        if access == Access::Public {
            return Ok(self.resolve(state));
        }
        let user = match self.lookup(state) {
            Ok(u) => u,
            Err(()) if version.tells_invalid_token() => {
                return Err(HandlerError::new(
                    StatusCode::UNAUTHORIZED,
                    "Invalid JWT token",
                    "Unauthorized",
                ));
            }
            Err(()) => None,
        };
        let Some(user) = user else {
            let msg = if version.tells_invalid_token() {
                "A valid authorization token is missing"
            } else {
                "A valid authorisation token is missing"
            };
            return Err(HandlerError::new(
                StatusCode::UNAUTHORIZED,
                msg,
                "Unauthorized",
            ));
        };
        // bouncer.go `mwCheckPortainerAuthorizations(h, true)`.
        if access == Access::Administrator && !user.is_admin() {
            return Err(HandlerError::forbidden("Access denied", "Unauthorized"));
        }
        Ok(Some(user))
    }
}

/// `POST /api/auth` with internal authentication (authenticate.go):
/// `Username` and `Password` are required ("Invalid username", "Invalid
/// password"), a wrong pair and an unknown user are both 422 "Invalid
/// credentials". The JWT carries the claims of api/jwt/jwt.go and lives for
/// the settings' `UserSessionTimeout` (8h by default); the fake checks it by
/// lookup, so its signature is random.
pub(crate) fn authenticate(state: &mut State, body: &[u8]) -> HandlerResult {
    let invalid = |e: String| HandlerError::bad_request("Invalid request payload", e);
    let p = Payload::decode(body, "auth.authenticatePayload").map_err(invalid)?;
    let username = p.string("Username").map_err(invalid)?;
    let password = p.string("Password").map_err(invalid)?;
    if username.is_empty() {
        return Err(invalid("Invalid username".into()));
    }
    if password.is_empty() {
        return Err(invalid("Invalid password".into()));
    }
    let user = state
        .users
        .iter()
        .find(|u| {
            u.spec.username == username
                && u.spec.password == password
                && !u.spec.password.is_empty()
        })
        .cloned()
        .ok_or_else(|| {
            HandlerError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid credentials",
                "Unauthorized",
            )
        })?;
    let lifetime = state
        .settings
        .get("UserSessionTimeout")
        .and_then(|v| v.as_str())
        .and_then(parse_go_duration)
        .unwrap_or(8 * 3600);
    let issued = (state.clock)();
    let expires = issued + lifetime;
    let token = jwt(&user, issued, expires);
    state.sessions.insert(
        token.clone(),
        Session {
            user_id: user.id,
            expires,
        },
    );
    Ok(Reply::Json(json!({ "jwt": token })))
}

fn jwt(user: &StoredUser, issued: i64, expires: i64) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let jti = crate::docker::containers::random_id();
    let claims = json!({
        "id": user.id,
        "username": user.spec.username,
        "role": user.spec.role.wire(),
        "scope": "default",
        "forceChangePassword": false,
        "jti": jti,
        "iat": issued,
        "exp": expires,
    });
    let payload = b64.encode(claims.to_string());
    let signature: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
    format!("{header}.{payload}.{}", b64.encode(signature))
}

/// The `h`, `m` and `s` units of Go's `time.ParseDuration`, in seconds.
fn parse_go_duration(s: &str) -> Option<i64> {
    let mut total = 0i64;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            let n: i64 = num.parse().ok()?;
            num.clear();
            total += n * match c {
                'h' => 3600,
                'm' => 60,
                's' => 1,
                _ => return None,
            };
        }
    }
    num.is_empty().then_some(total)
}

/// A non-admin caller's view of an environment (bouncer.go
/// `AuthorizedEndpointOperation`).
pub(crate) fn check_environment_access(
    user: &StoredUser,
    endpoint_id: i64,
    message: &str,
) -> Result<(), HandlerError> {
    if user.can_use_environment(endpoint_id) {
        Ok(())
    } else {
        Err(HandlerError::forbidden(
            message,
            "Access denied to environment",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("8h"), Some(28800));
        assert_eq!(parse_go_duration("1h30m"), Some(5400));
        assert_eq!(parse_go_duration("5x"), None);
    }
}

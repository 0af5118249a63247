//! How a command ends: the exit codes, and messages a person can act on
//! made from the SDK's errors.

use std::error::Error as StdError;
use std::process::ExitCode;

use portainer_sdk::{ApiError, Error, TransportKind};

/// The exit codes listed under `--help` ([`crate::cli::EXIT_CODES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Failed = 1,
    Usage = 2,
    OutcomeUnknown = 3,
    NotRunning = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Why a command failed: the exit code and what to print on stderr.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    /// The failure may mean that the URL is not Portainer's API: worth
    /// asking `/api/system/status` before reporting it.
    pub check_server: bool,
}

impl Failure {
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Failed,
            message: message.into(),
            check_server: false,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Usage,
            message: message.into(),
            check_server: false,
        }
    }
}

/// `?` on the SDK's results, with the messages of [`from_sdk`].
pub trait OrFail<T> {
    fn or_fail(self, ctx: &Context) -> Result<T, Failure>;
}

impl<T> OrFail<T> for Result<T, Error> {
    fn or_fail(self, ctx: &Context) -> Result<T, Failure> {
        self.map_err(|e| from_sdk(e, ctx))
    }
}

/// What the messages need to know about the invocation.
#[derive(Debug, Clone)]
pub struct Context {
    /// The URL as given.
    pub url: String,
    /// The variable the API key came from.
    pub key_var: String,
}

/// The SDK's error as a [`Failure`].
pub fn from_sdk(err: Error, ctx: &Context) -> Failure {
    let mut failure = describe(&err, ctx);
    failure.check_server = may_be_foreign(&err);
    failure
}

fn describe(err: &Error, ctx: &Context) -> Failure {
    if err.outcome_unknown() {
        return Failure {
            check_server: false,
            exit: Exit::OutcomeUnknown,
            message: format!(
                "the connection broke after {} was sent, so whether it took effect is unknown ({}). \
                 Run the same command again: deploy finds the stack by name and updates it \
                 rather than creating a second one",
                operation_label(operation_of(err)),
                causes(err)
            ),
        };
    }
    let message = match err {
        Error::Unauthorized(api) => format!(
            "Portainer did not accept the API key ({}): the key in {} is missing or invalid. \
             Create an access token in Portainer (My account > Access tokens) and put it in {}",
            status_and_message(api),
            ctx.key_var,
            ctx.key_var
        ),
        Error::Forbidden(api) => format!(
            "permission denied: Portainer refused {} ({}): the token's user lacks the \
             permission for it",
            operation_label(api.operation),
            status_and_message(api)
        ),
        Error::Transport {
            kind: TransportKind::Tls,
            ..
        } => format!(
            "TLS failure talking to {}: {}. If Portainer uses its self-signed certificate, \
             trust it with --ca-file PATH (its certificate or CA in PEM), or skip the check \
             with --insecure",
            ctx.url,
            causes(err)
        ),
        Error::Transport {
            kind: TransportKind::Connect,
            ..
        } => format!(
            "cannot connect to {}: {}. Check --url (or PORTAINER_URL)",
            ctx.url,
            causes(err)
        ),
        Error::Transport {
            kind: TransportKind::Timeout,
            operation,
            ..
        } => format!("{} timed out: {}", operation_label(*operation), causes(err)),
        Error::Transport { operation, .. } => {
            format!("{} failed: {}", operation_label(*operation), causes(err))
        }
        Error::Config(m) => {
            return Failure::usage(m.clone());
        }
        Error::WaitTimedOut {
            stack,
            timeout,
            services,
        } => {
            let states: Vec<String> = services.iter().map(ToString::to_string).collect();
            return Failure {
                exit: Exit::NotRunning,
                message: format!(
                    "stack {stack:?} was not running after {}: {}",
                    humantime::format_duration(*timeout),
                    states.join("; ")
                ),
                check_server: false,
            };
        }
        Error::ContainerFailed(failure) => {
            return Failure {
                exit: Exit::NotRunning,
                message: format!("the stack failed to start: {failure}"),
                check_server: false,
            };
        }
        Error::InvalidInput(m) => m.clone(),
        Error::Api(api) | Error::NotFound(api) | Error::Conflict(api) => format!(
            "{} failed ({})",
            operation_label(api.operation),
            status_and_message(api)
        ),
        other => other.to_string(),
    };
    Failure::failed(message)
}

/// Whether an error may mean that the URL is not Portainer's API at all:
/// a success that did not decode, or an error status whose body is not
/// Portainer's JSON (an HTML page, a proxy's text).
pub fn may_be_foreign(err: &Error) -> bool {
    match err {
        Error::Decode { .. } => true,
        Error::NotFound(api) => api.message.is_none(),
        other => other
            .api_error()
            .is_some_and(|api| api.message.is_none() && api.body_snippet.is_some()),
    }
}

/// The failure for a server whose `/api/system/status` (and `/api/status`)
/// failed with `err`, when that says the URL is not Portainer's API.
pub fn foreign(err: &Error, ctx: &Context) -> Option<Failure> {
    let what = match err {
        Error::NotFound(_) => "404 Not Found".to_owned(),
        Error::Decode { snippet, .. } => format!("a body that is not Portainer's ({})", {
            describe_body(snippet)
        }),
        other => {
            let api = other.api_error()?;
            let snippet = api.body_snippet.as_deref()?;
            if api.message.is_some() {
                return None;
            }
            format!("HTTP {} with {}", api.status, describe_body(snippet))
        }
    };
    Some(Failure::failed(format!(
        "{} is not a Portainer API: GET /api/system/status answered {what}. Check --url \
         (or PORTAINER_URL): Portainer's address as typed in a browser, e.g. \
         https://portainer.example.com:9443",
        ctx.url
    )))
}

fn describe_body(snippet: &str) -> String {
    let start = snippet.trim_start().to_ascii_lowercase();
    if start.starts_with("<!doctype html") || start.starts_with("<html") || start.contains("<body")
    {
        "an HTML page".into()
    } else {
        let short: String = snippet.chars().take(80).collect();
        format!("{short:?}")
    }
}

/// The operation an error names, if any.
fn operation_of(err: &Error) -> Option<&'static str> {
    match err {
        Error::Transport { operation, .. } => *operation,
        other => other.api_error().and_then(|a| a.operation),
    }
}

/// `StackList (GET /api/stacks)`, or `the request` when unknown.
pub fn operation_label(operation: Option<&str>) -> String {
    let Some(id) = operation else {
        return "the request".into();
    };
    match portainer_sdk::generated::operation(id) {
        Some(op) => format!("{} ({} /api{})", op.id, op.method, op.path),
        None => id.to_owned(),
    }
}

/// `HTTP 403 Forbidden: Access denied (Unauthorized)`.
fn status_and_message(api: &ApiError) -> String {
    let mut text = format!("HTTP {}", api.status);
    if let Some(reason) = reason_phrase(api.status) {
        text.push(' ');
        text.push_str(reason);
    }
    match (&api.message, &api.details) {
        (Some(m), Some(d)) if m != d => text.push_str(&format!(": {m} ({d})")),
        (Some(m), _) => text.push_str(&format!(": {m}")),
        (None, Some(d)) => text.push_str(&format!(": {d}")),
        (None, None) => {}
    }
    if api.message.is_none()
        && let Some(s) = &api.body_snippet
    {
        text.push_str(&format!("; body starts: {s:?}"));
    }
    text
}

fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// The messages of a transport error's causes, without the SDK's own
/// advice (which names SDK methods, not flags).
fn causes(err: &Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn StdError + 'static)> = err.source();
    while let Some(e) = cur {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
    }
    if parts.is_empty() {
        err.to_string()
    } else {
        parts.join(": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context {
            url: "https://p.example.com".into(),
            key_var: "PORTAINER_API_KEY".into(),
        }
    }

    fn api(status: u16, operation: &'static str, message: Option<&str>) -> ApiError {
        ApiError {
            status,
            operation: Some(operation),
            message: message.map(str::to_owned),
            details: None,
            body_snippet: None,
        }
    }

    #[test]
    fn a_403_names_the_operation_and_the_missing_permission() {
        let f = from_sdk(
            Error::Forbidden(api(403, "SettingsInspect", Some("Access denied"))),
            &ctx(),
        );
        assert_eq!(f.exit, Exit::Failed);
        assert!(
            f.message.contains(
                "SettingsInspect (GET /api/settings) (HTTP 403 Forbidden: Access denied)"
            ),
            "{}",
            f.message
        );
        assert!(f.message.contains("the token's user lacks the permission"));
    }

    #[test]
    fn a_401_names_the_variable() {
        let f = from_sdk(
            Error::Unauthorized(api(401, "StackList", Some("Invalid JWT token"))),
            &ctx(),
        );
        assert!(
            f.message
                .contains("the key in PORTAINER_API_KEY is missing or invalid")
        );
    }

    #[test]
    fn html_bodies_are_foreign() {
        let mut page = api(404, "SystemStatus", None);
        page.body_snippet = Some("<!DOCTYPE html><html><body>nginx</body></html>".into());
        let err = Error::Api(ApiError {
            status: 502,
            ..page.clone()
        });
        assert!(may_be_foreign(&err));
        let f = foreign(&err, &ctx()).unwrap();
        assert!(
            f.message.contains("is not a Portainer API"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("HTTP 502 with an HTML page"),
            "{}",
            f.message
        );
        // Portainer's own JSON errors are Portainer's.
        let own = Error::Api(api(500, "StackList", Some("boom")));
        assert!(!may_be_foreign(&own));
        assert!(foreign(&own, &ctx()).is_none());
    }
}

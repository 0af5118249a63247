//! The one error type of the crate, and the one function that builds it.

use std::error::Error as StdError;
use std::fmt;

/// How many bytes of a response body an error keeps: enough to read a proxy's
/// HTML error page title or a truncated JSON message, small enough for a log line.
pub(crate) const SNIPPET_LIMIT: usize = 512;

/// Everything that can go wrong talking to Portainer.
///
/// Match on the variant to react to a class of failure, or use the accessors
/// [`status`](Error::status), [`message`](Error::message) and
/// [`details`](Error::details) for logging. No variant ever contains the API
/// key, JWT or password.
///
/// ```
/// # async fn run(client: portainer_sdk::Client) {
/// match client.stacks().get(42).await {
///     Ok(stack) => println!("{:?}", stack.name),
///     Err(portainer_sdk::Error::NotFound(e)) => println!("no such stack: {e}"),
///     Err(e) => eprintln!("status {:?}: {e}", e.status()),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401: the API key or JWT is missing, invalid or expired.
    #[error("unauthorized (check the API key or JWT): {0}")]
    Unauthorized(ApiError),
    /// 403: the user is authenticated but lacks permission (Portainer's `Access denied`).
    #[error("forbidden: {0}")]
    Forbidden(ApiError),
    /// 404: the resource (or the environment it belongs to) does not exist.
    #[error("not found: {0}")]
    NotFound(ApiError),
    /// 409: a conflict, e.g. a stack name already taken or an update still running.
    #[error("conflict: {0}")]
    Conflict(ApiError),
    /// Any other 4xx or 5xx response.
    #[error("{0}")]
    Api(ApiError),
    /// The request did not get a complete response: connect, TLS, timeout or I/O failure.
    ///
    /// When [`outcome_unknown`](Error::outcome_unknown) is true the request
    /// was not a `GET` and may have reached the server: a stack create may
    /// have created the stack. Look before sending it again (or use
    /// [`Stacks::deploy`](crate::Stacks::deploy), which does).
    #[error("{kind} error{}: {}{}{}", op_suffix(*.operation), chain(&**.source), hint(*.kind), unknown(*.outcome_unknown))]
    #[non_exhaustive]
    Transport {
        /// What failed.
        kind: TransportKind,
        /// The operation being sent, when known.
        operation: Option<&'static str>,
        /// The request may have been carried out by the server; it was not retried.
        outcome_unknown: bool,
        /// The underlying error (a `reqwest::Error` except for redirect problems).
        #[source]
        source: Box<dyn StdError + Send + Sync + 'static>,
    },
    /// A success response whose body is longer than the client's maximum
    /// ([`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size)).
    /// Reading stopped at the limit.
    #[error(
        "the {operation} response (HTTP {status}) is larger than the maximum body size of {limit} bytes"
    )]
    ResponseTooLarge {
        /// The operation whose response this was.
        operation: &'static str,
        /// The HTTP status of the response.
        status: u16,
        /// The maximum body size in force.
        limit: usize,
    },
    /// A successful response whose body is not what the operation returns.
    #[error(
        "cannot decode the {operation} response (HTTP {status}): {source}; body starts: {snippet:?}"
    )]
    Decode {
        /// The HTTP status of the response (0 when unknown: the generated client does not report it).
        status: u16,
        /// The operation whose response this was.
        operation: &'static str,
        /// The beginning of the body, at most a few hundred bytes.
        snippet: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The call was refused before anything was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The client could not be configured (bad URL, unreadable CA file, missing variable).
    #[error("configuration: {0}")]
    Config(String),
    /// A wait for a stack (`Stacks::wait`, feature `docker`) ran out
    /// of time before every service ran.
    #[error(
        "stack {stack:?} was not running after {timeout:?}: {}",
        services.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    WaitTimedOut {
        /// The stack's name.
        stack: String,
        /// The wait's timeout.
        timeout: std::time::Duration,
        /// Each service's last state.
        services: Vec<ServiceState>,
    },
    /// A container of a stack being waited for exited with an error or
    /// keeps restarting: which one, its exit code and its last log lines.
    #[error("{0}")]
    ContainerFailed(Box<ContainerFailure>),
}

/// The messages of an error and its causes, so that "error sending request"
/// is followed by what actually failed (refused, certificate, timeout).
fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for text in sources(e).map(ToString::to_string) {
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

fn hint(kind: TransportKind) -> &'static str {
    match kind {
        TransportKind::Tls => {
            " (if Portainer uses its self-signed certificate, trust it with add_root_certificate or PORTAINER_CA_FILE, or opt out with danger_accept_invalid_certs)"
        }
        _ => "",
    }
}

fn unknown(outcome_unknown: bool) -> &'static str {
    if outcome_unknown {
        "; the request may have reached the server, so its outcome is unknown (it was not retried): check before sending it again"
    } else {
        ""
    }
}

fn op_suffix(op: Option<&'static str>) -> String {
    op.map(|o| format!(" in {o}")).unwrap_or_default()
}

/// Where one service of a stack stands, as last seen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceState {
    /// The service name (compose) or the swarm service name.
    pub service: String,
    /// Running, and healthy where it has a healthcheck.
    pub ready: bool,
    /// What was seen, e.g. `running (health: starting)` or `1/3 tasks running`.
    pub state: String,
}

impl fmt::Display for ServiceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.service, self.state)
    }
}

/// The container that ended a wait; see [`Error::ContainerFailed`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContainerFailure {
    /// The stack's name.
    pub stack: String,
    /// The service the container belongs to.
    pub service: String,
    /// The container's name (`<service>.<slot>` for a swarm task).
    pub container: String,
    /// What happened: `exited`, `keeps restarting`, or swarm's task error.
    pub reason: String,
    /// The container's exit code.
    pub exit_code: i64,
    /// How often it was restarted (swarm: how many of its tasks failed).
    pub restarts: i64,
    /// Its last 20 log lines (or why they could not be read).
    pub logs: Vec<String>,
}

impl fmt::Display for ContainerFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stack {:?}: container {} of service {} {} (exit code {}, {} restarts); last logs:",
            self.stack, self.container, self.service, self.reason, self.exit_code, self.restarts
        )?;
        for line in &self.logs {
            write!(f, "\n{line}")?;
        }
        Ok(())
    }
}

/// What kind of transport failure an [`Error::Transport`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// TCP connection refused, DNS failure, unreachable host.
    Connect,
    /// The TLS handshake failed, usually an untrusted or mismatched certificate.
    Tls,
    /// The connect or total timeout expired.
    Timeout,
    /// Too many redirects, or a redirect without a usable `Location`.
    Redirect,
    /// The connection broke while sending or reading.
    Io,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "connect",
            TransportKind::Tls => "TLS",
            TransportKind::Timeout => "timeout",
            TransportKind::Redirect => "redirect",
            TransportKind::Io => "transport",
        })
    }
}

/// An error response from Portainer: status, operation and the decoded body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The operation id (e.g. `StackUpdate`), when known.
    pub operation: Option<&'static str>,
    /// Portainer's `message` (`err` on 1.x servers).
    pub message: Option<String>,
    /// Portainer's `details`, often the underlying Docker or Kubernetes error.
    pub details: Option<String>,
    /// The start of the body when it was not Portainer's JSON (e.g. a proxy's HTML page).
    pub body_snippet: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = self.operation {
            write!(f, "{op}: ")?;
        }
        write!(f, "HTTP {}", self.status)?;
        if let Some(reason) = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
        {
            write!(f, " {reason}")?;
        }
        match (&self.message, &self.details) {
            (Some(m), Some(d)) if m != d => write!(f, ": {m} ({d})")?,
            (Some(m), _) => write!(f, ": {m}")?,
            (None, Some(d)) => write!(f, ": {d}")?,
            (None, None) => {}
        }
        if let Some(s) = &self.body_snippet {
            write!(f, "; body starts: {s:?}")?;
        }
        Ok(())
    }
}

impl Error {
    /// The HTTP status, for errors that came with a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Decode { status, .. } => Some(*status).filter(|s| *s != 0),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => self.api_error().map(|e| e.status),
        }
    }

    /// Portainer's error `message`, or this crate's own for errors raised locally.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::InvalidInput(m) | Error::Config(m) => Some(m),
            _ => self.api_error().and_then(|e| e.message.as_deref()),
        }
    }

    /// Portainer's error `details`, when the server sent them.
    pub fn details(&self) -> Option<&str> {
        self.api_error().and_then(|e| e.details.as_deref())
    }

    /// The API error behind any of the status variants.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Unauthorized(e)
            | Error::Forbidden(e)
            | Error::NotFound(e)
            | Error::Conflict(e)
            | Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether a request that may change something (not a `GET`) may have
    /// reached the server although no response came back: its effect is
    /// unknown, and it was not retried.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                outcome_unknown: true,
                ..
            }
        )
    }

    /// Whether this is a timeout (connect or total).
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        )
    }
}

/// What went wrong, before it becomes an [`Error`]: the input of [`build`].
pub(crate) enum Cause<'a> {
    /// A non-success response: its status and body.
    Status(u16, &'a [u8]),
    /// reqwest failed to send or receive.
    Transport(reqwest::Error),
    /// The redirect chain was too long or broken.
    Redirect(String),
    /// A success body over the maximum body size: status and limit.
    TooLarge(u16, usize),
    /// A success response whose body did not decode: status, body, error.
    Decode(u16, &'a [u8], serde_json::Error),
}

/// The one place an [`Error`] is made from a failed exchange, so every path
/// (SDK methods and the generated client alike) classifies the same way.
pub(crate) fn build(operation: Option<&'static str>, cause: Cause<'_>) -> Error {
    match cause {
        Cause::Status(status, body) => {
            let variant = match status {
                401 => Error::Unauthorized,
                403 => Error::Forbidden,
                404 => Error::NotFound,
                409 => Error::Conflict,
                _ => Error::Api,
            };
            variant(parse_error_body(status, operation, body))
        }
        Cause::Transport(source) => Error::Transport {
            kind: transport_kind(&source),
            operation,
            outcome_unknown: false,
            source: Box::new(without_url_query(source)),
        },
        Cause::Redirect(message) => Error::Transport {
            kind: TransportKind::Redirect,
            operation,
            outcome_unknown: false,
            source: message.into(),
        },
        Cause::TooLarge(status, limit) => Error::ResponseTooLarge {
            operation: operation.unwrap_or("unknown operation"),
            status,
            limit,
        },
        Cause::Decode(status, body, source) => Error::Decode {
            status,
            operation: operation.unwrap_or("unknown operation"),
            snippet: snippet(body),
            source,
        },
    }
}

/// Marks a transport failure of a request that may change something (its
/// `method` is not `GET` or `HEAD`): unless the connection never opened, the
/// server may have acted on it.
pub(crate) fn mark_outcome(mut err: Error, method: &str) -> Error {
    if let Error::Transport {
        kind,
        outcome_unknown,
        ..
    } = &mut err
        && !matches!(method, "GET" | "HEAD")
        && !matches!(kind, TransportKind::Connect | TransportKind::Tls)
    {
        *outcome_unknown = true;
    }
    err
}

/// Secrets shorter than this are not scrubbed: replacing every `abc` in a
/// message would garble it, and real API keys and JWTs are far longer.
const SCRUB_MIN_LEN: usize = 8;

/// Replaces `secret` in the text an error carries from the server (message,
/// details, body snippet). Some proxies and debug handlers echo the request's
/// headers or body in their error pages, which would put the API key, the JWT
/// or a password into logs. A secret cut by the snippet's length limit is
/// scrubbed too.
pub(crate) fn scrub(mut err: Error, secret: &str) -> Error {
    if secret.len() < SCRUB_MIN_LEN {
        return err;
    }
    let fix = |text: &mut String| scrub_text(text, secret);
    match &mut err {
        Error::Unauthorized(e)
        | Error::Forbidden(e)
        | Error::NotFound(e)
        | Error::Conflict(e)
        | Error::Api(e) => [&mut e.message, &mut e.details, &mut e.body_snippet]
            .into_iter()
            .flatten()
            .for_each(fix),
        Error::Decode { snippet, .. } => fix(snippet),
        _ => {}
    }
    err
}

/// Replaces `secret` in a body, for the generated client's error responses.
pub(crate) fn scrub_bytes(body: Vec<u8>, secret: &str) -> Vec<u8> {
    let needle = secret.as_bytes();
    if needle.len() < SCRUB_MIN_LEN || !body.windows(needle.len()).any(|w| w == needle) {
        return body;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut rest = &body[..];
    while let Some(i) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(b"***");
        rest = &rest[i + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

fn scrub_text(text: &mut String, secret: &str) {
    if text.contains(secret) {
        *text = text.replace(secret, "***");
    }
    // A snippet may end inside the secret (before the ellipsis of a cut).
    let body_end = text.strip_suffix('…').map_or(text.len(), str::len);
    let body = &text[..body_end];
    let longest = (SCRUB_MIN_LEN / 2..secret.len())
        .rev()
        .filter(|k| secret.is_char_boundary(*k))
        .find(|k| body.ends_with(&secret[..*k]));
    if let Some(k) = longest {
        text.replace_range(body_end - k..body_end, "***");
    }
}

// Query strings carry no secret today, but user-supplied filters may be
// long; the path is enough to tell which call failed.
fn without_url_query(mut e: reqwest::Error) -> reqwest::Error {
    if let Some(url) = e.url_mut() {
        url.set_query(None);
        let _ = url.set_password(None);
        let _ = url.set_username("");
    }
    e
}

fn transport_kind(e: &reqwest::Error) -> TransportKind {
    if e.is_timeout() {
        return TransportKind::Timeout;
    }
    if is_tls_error(e) {
        return TransportKind::Tls;
    }
    if e.is_connect() {
        return TransportKind::Connect;
    }
    if e.is_redirect() {
        return TransportKind::Redirect;
    }
    TransportKind::Io
}

/// Walks the source chain for an error of the TLS library: reqwest reports
/// handshake failures as plain connect errors, which would hide the usual
/// cause (an untrusted self-signed certificate).
pub(crate) fn is_tls_error(e: &reqwest::Error) -> bool {
    #[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
    if find_source::<rustls::Error>(e).is_some() {
        return true;
    }
    #[cfg(feature = "native-tls")]
    if find_source::<native_tls::Error>(e).is_some() {
        return true;
    }
    false
}

/// The first error of type `T` in `e`'s source chain, `e` included.
pub(crate) fn find_source<'e, T: StdError + 'static>(
    e: &'e (dyn StdError + 'static),
) -> Option<&'e T> {
    sources(e).find_map(|err| err.downcast_ref::<T>())
}

/// `e` and its causes. `io::Error::source` skips the error it wraps, so that
/// one is stepped into by hand.
fn sources<'e>(
    e: &'e (dyn StdError + 'static),
) -> impl Iterator<Item = &'e (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |&err| match err.downcast_ref::<std::io::Error>() {
        Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
        None => err.source(),
    })
}

/// Reads Portainer's error body: `{"message","details"}` (2.x), `{"err","details"}` (1.x),
/// and keeps a snippet of anything else.
fn parse_error_body(status: u16, operation: Option<&'static str>, body: &[u8]) -> ApiError {
    let mut api = ApiError {
        status,
        operation,
        message: None,
        details: None,
        body_snippet: None,
    };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()).filter(|s| !s.is_empty()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    };
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => {
            api.message = map.get("message").or_else(|| map.get("err")).and_then(text);
            api.details = map.get("details").and_then(text);
            if api.message.is_none() && api.details.is_none() && !map.is_empty() {
                api.body_snippet = Some(snippet(body));
            }
        }
        // JSON's whitespace only: a form feed is not, and is shown.
        _ if is_blank(body) => {}
        _ => api.body_snippet = Some(snippet(body)),
    }
    api
}

pub(crate) use portainer_sdk_gen::json_body::is_blank;

/// The first [`SNIPPET_LIMIT`] bytes of a body as text, cut on a character boundary.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SNIPPET_LIMIT)]);
    let mut s = text.trim().to_owned();
    // A body of whitespace JSON does not take (a form feed, say) would leave
    // nothing to show; show it escaped instead.
    if s.is_empty() && !body.is_empty() {
        s = text.escape_debug().take(SNIPPET_LIMIT).collect();
    }
    // A multi-byte character cut by the byte limit decodes as U+FFFD; drop it.
    if body.len() > SNIPPET_LIMIT {
        if s.ends_with('\u{FFFD}') {
            s.pop();
        }
        s.push('…');
    }
    s
}

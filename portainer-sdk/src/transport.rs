//! The one path every request takes: credentials, timeouts, redirects,
//! retries and tracing. The SDK's own methods and the generated client (through
//! its `Executor` hook) both send here, so they behave identically.

use std::pin::Pin;
use std::sync::RwLock;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, Request, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

use crate::retry::{self, RetryPolicy};

/// The header Portainer reads access tokens from.
pub(crate) const X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");

/// What the transport knows about the operation it sends: enough for
/// tracing and for picking the timeout, never the request's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpInfo {
    /// The spec's `operationId`.
    pub(crate) id: &'static str,
    /// The HTTP method, upper case.
    pub(crate) method: &'static str,
    /// The path template below `/api`.
    pub(crate) path: &'static str,
}

/// The credential attached to requests.
#[derive(Debug, Clone, Default)]
pub(crate) enum Auth {
    #[default]
    None,
    ApiKey(SecretString),
    Jwt(SecretString),
}

impl Auth {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Auth::None => "none",
            Auth::ApiKey(_) => "api key",
            Auth::Jwt(_) => "jwt",
        }
    }

    fn header(&self) -> Option<(HeaderName, HeaderValue)> {
        let (name, mut value) = match self {
            Auth::None => return None,
            Auth::ApiKey(k) => (X_API_KEY, HeaderValue::from_str(k.expose_secret()).ok()?),
            Auth::Jwt(t) => (
                AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {}", t.expose_secret())).ok()?,
            ),
        };
        // Marked sensitive so that hyper and reqwest never print it.
        value.set_sensitive(true);
        Some((name, value))
    }
}

/// Per-call choices made by the SDK's methods.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CallOpts {
    /// Overrides the default (total) timeout of this call.
    pub(crate) timeout: Option<Duration>,
    /// Send no credentials (public endpoints, login).
    pub(crate) anonymous: bool,
}

/// The operations that deploy: they pull images and start containers before
/// answering, so they get the long timeout. A short one makes users retry
/// a deploy that is still running and end up with two stacks.
pub(crate) fn is_deploy(op_id: &str) -> bool {
    op_id.starts_with("StackCreate")
        || matches!(op_id, "StackUpdate" | "StackGitRedeploy" | "StackMigrate")
}

pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) auth: RwLock<Auth>,
    pub(crate) retry: RetryPolicy,
    /// The timeouts of a call for which the caller sets none.
    pub(crate) timeout: Duration,
    pub(crate) deploy_timeout: Duration,
    pub(crate) max_redirects: usize,
    /// The longest success body read ([`Transport::buffered`]).
    pub(crate) max_body_size: usize,
    /// Bounds the exchanges in flight, and so the connections open at once
    /// (no limit is the semaphore's maximum).
    pub(crate) permits: tokio::sync::Semaphore,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("auth", &self.auth_kind())
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("deploy_timeout", &self.deploy_timeout)
            .field("max_redirects", &self.max_redirects)
            .field("max_body_size", &self.max_body_size)
            .field("available_permits", &self.permits.available_permits())
            .finish()
    }
}

impl Transport {
    pub(crate) fn auth_kind(&self) -> &'static str {
        self.auth.read().unwrap_or_else(|e| e.into_inner()).kind()
    }

    /// The credential in use, for scrubbing it out of what servers send back.
    pub(crate) fn credential(&self) -> Option<SecretString> {
        match &*self.auth.read().unwrap_or_else(|e| e.into_inner()) {
            Auth::None => None,
            Auth::ApiKey(s) | Auth::Jwt(s) => Some(s.clone()),
        }
    }

    pub(crate) fn set_auth(&self, auth: Auth) {
        *self.auth.write().unwrap_or_else(|e| e.into_inner()) = auth;
    }

    /// Sends `request` with credentials, timeout, redirects and retries, in a
    /// tracing span that names the operation but never the credential, and
    /// reads the response's body into memory ([`Self::buffered`]). A body cut short
    /// or reset on a request that may be resent (a `GET`) is retried like a
    /// failure to get the response.
    pub(crate) async fn exchange(
        &self,
        mut request: Request,
        op: OpInfo,
        opts: CallOpts,
    ) -> reqwest::Result<Response> {
        let span = tracing::info_span!(
            "portainer.request",
            operation = op.id,
            method = op.method,
            path = op.path,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        let started = Instant::now();
        if let Some(t) = opts.timeout {
            *request.timeout_mut() = Some(t);
        } else if request.timeout().is_none() {
            *request.timeout_mut() = Some(if is_deploy(op.id) {
                self.deploy_timeout
            } else {
                self.timeout
            });
        }
        if !opts.anonymous {
            let auth = self.auth.read().unwrap_or_else(|e| e.into_inner()).header();
            if let Some((name, value)) = auth {
                request.headers_mut().entry(name).or_insert(value);
            }
        }
        let (result, attempts, status) = self
            .send_with_retries(request)
            .instrument(span.clone())
            .await;
        span.record("attempts", attempts);
        span.record(
            "duration_ms",
            u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        span.record("status", status);
        match &result {
            Ok(_) => span.in_scope(|| tracing::debug!(status, "response")),
            Err(e) => {
                span.in_scope(|| tracing::debug!(error = %without_url_ref(e), "request failed"))
            }
        }
        result
    }

    /// The exchange with retries: the result, the number of attempts, and the
    /// status of the last response received.
    async fn send_with_retries(
        &self,
        mut request: Request,
    ) -> (reqwest::Result<Response>, u32, Option<u16>) {
        let resend_ok = self.retry.may_resend(request.method());
        let mut retries = 0u32;
        let mut last_status = None;
        loop {
            // A body that is a stream cannot be cloned; such requests get one attempt.
            let spare = (retries < self.retry.max_retries)
                .then(|| request.try_clone())
                .flatten();
            // Held while this attempt is on the wire and its body is read, not while waiting to retry.
            let permit = self.permits.acquire().await.ok();
            let result = self.follow_redirects(request).await;
            if let Ok(resp) = &result {
                last_status = Some(resp.status().as_u16());
            }
            let delay = match &result {
                _ if spare.is_none() => None,
                Ok(resp) if resend_ok && retry::retryable_status(resp.status().as_u16()) => {
                    match retry::retry_after(resp.headers(), SystemTime::now()) {
                        Some(d) if d > self.retry.max_retry_after => None,
                        Some(d) => Some(d),
                        None => Some(self.retry.backoff(retries)),
                    }
                }
                Err(e) if retryable_error(e, resend_ok) => Some(self.retry.backoff(retries)),
                _ => None,
            };
            let (reason, delay, next) = match (delay, result, spare) {
                (Some(d), Ok(r), Some(next)) => (r.status().to_string(), d, next),
                (Some(d), Err(e), Some(next)) => (without_url_ref(&e), d, next),
                (_, Err(e), _) => return (Err(e), retries + 1, last_status),
                (_, Ok(resp), spare) => match (self.buffered(resp).await, spare) {
                    (Err(e), Some(next)) if resend_ok && broken_body(&e) => {
                        (without_url_ref(&e), self.retry.backoff(retries), next)
                    }
                    (done, _) => return (done, retries + 1, last_status),
                },
            };
            drop(permit);
            tracing::debug!(
                retry = retries + 1,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                reason = %reason,
                "retrying"
            );
            tokio::time::sleep(delay).await;
            retries += 1;
            request = next;
        }
    }

    /// Follows redirects itself (reqwest's own following is off) so that the
    /// API key, which reqwest would forward as an ordinary header, is dropped
    /// as soon as a hop leaves the original scheme, host and port.
    async fn follow_redirects(&self, mut request: Request) -> reqwest::Result<Response> {
        let home = request.url().origin();
        let mut hops = 0usize;
        loop {
            let method = request.method().clone();
            let get_like = method == Method::GET || method == Method::HEAD;
            let replay = if get_like { None } else { request.try_clone() };
            let headers = request.headers().clone();
            let timeout = request.timeout().copied();
            let resp = self.http.execute(request).await?;
            let status = resp.status();
            if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) || hops >= self.max_redirects
            {
                return Ok(resp);
            }
            let Some(target) = resp
                .headers()
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| resp.url().join(l).ok())
            else {
                return Ok(resp);
            };
            let resend = matches!(
                status,
                StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
            ) && !get_like;
            let mut next = if resend {
                // A streamed body cannot be sent twice: hand back the redirect.
                let Some(mut r) = replay else {
                    return Ok(resp);
                };
                *r.url_mut() = target.clone();
                r
            } else {
                // GET and HEAD keep their method; after a POST or PUT, 301/302/303
                // fetch the target with GET, without the body.
                let mut r =
                    Request::new(if get_like { method } else { Method::GET }, target.clone());
                *r.headers_mut() = headers;
                if !get_like {
                    r.headers_mut().remove(reqwest::header::CONTENT_TYPE);
                    r.headers_mut().remove(reqwest::header::CONTENT_LENGTH);
                }
                r
            };
            if target.origin() != home {
                let h = next.headers_mut();
                h.remove(X_API_KEY);
                h.remove(AUTHORIZATION);
                h.remove(COOKIE);
            }
            *next.timeout_mut() = timeout;
            tracing::debug!(status = status.as_u16(), to = %target.path(), "following redirect");
            request = next;
            hops += 1;
        }
    }

    /// The response with its body read here, so that a body cut short is
    /// retried like any broken exchange (for methods that may be resent) and a
    /// body over the maximum body size is refused after reading at most that. An
    /// error body is cut at [`ERROR_BODY_LIMIT`] and has the credential scrubbed
    /// out (some proxies echo request headers in their error pages); the
    /// credential is only looked at then. Callers then decode from memory.
    async fn buffered(&self, mut resp: Response) -> reqwest::Result<Response> {
        let status = resp.status();
        let body = if status.is_client_error() || status.is_server_error() {
            let mut body = read_prefix(&mut resp, ERROR_BODY_LIMIT).await?;
            if let Some(s) = self.credential() {
                body = crate::error::scrub_bytes(body, s.expose_secret());
            }
            reqwest::Body::from(body)
        } else {
            match read_limited(&mut resp, self.max_body_size).await? {
                Some(body) => reqwest::Body::from(body),
                None => reqwest::Body::wrap(Refused(Some(BodyTooLarge {
                    status: status.as_u16(),
                    limit: self.max_body_size,
                }))),
            }
        };
        let mut out = http::Response::from(resp).map(|_| body);
        // The body is whole now, and an error body may have changed length.
        out.headers_mut().remove(reqwest::header::CONTENT_LENGTH);
        out.headers_mut().remove(reqwest::header::TRANSFER_ENCODING);
        Ok(Response::from(out))
    }
}

/// Connection failures are retried for any method only when the connection
/// never opened; broken connections are retried only when the method allows
/// resending. TLS failures and total timeouts are not transient.
fn retryable_error(e: &reqwest::Error, resend_ok: bool) -> bool {
    if crate::error::is_tls_error(e) {
        return false;
    }
    if e.is_connect() {
        return true;
    }
    resend_ok && !e.is_timeout() && (e.is_request() || e.is_body())
}

/// A response body that broke off (reset, cut short) rather than one that
/// took too long: worth another attempt when the request may be resent.
fn broken_body(e: &reqwest::Error) -> bool {
    (e.is_decode() || e.is_body()) && !e.is_timeout()
}

/// The marker error a body over the limit fails with when the generated code
/// reads it; `raw::body_error` turns it into [`Error::ResponseTooLarge`].
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("HTTP {status} response body larger than {limit} bytes")]
pub(crate) struct BodyTooLarge {
    pub(crate) status: u16,
    pub(crate) limit: usize,
}

/// A body whose first read fails with [`BodyTooLarge`].
struct Refused(Option<BodyTooLarge>);

impl http_body::Body for Refused {
    type Data = Bytes;
    type Error = BodyTooLarge;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BodyTooLarge>>> {
        Poll::Ready(self.get_mut().0.take().map(Err))
    }
}

/// How much of an error body is read: enough for Portainer's
/// `{"message","details"}` and the start of a proxy's page.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The whole body, or `None` once it is known to pass `limit` (from its
/// announced length, before reading, or from what arrived), read chunk by
/// chunk so that memory stays bounded whatever the server sends (at most
/// twice `limit`, while the chunks are joined). The chunks are kept as they
/// arrive and joined once at the end: copying each into one buffer as it
/// came made calls slower when many run at once (PERFORMANCE.md).
async fn read_limited(resp: &mut Response, limit: usize) -> reqwest::Result<Option<Bytes>> {
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Ok(None);
    }
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = resp.chunk().await? {
        total = total.saturating_add(chunk.len());
        if total > limit {
            return Ok(None);
        }
        chunks.push(chunk);
    }
    if chunks.len() < 2 {
        // One chunk (most bodies on a local network): no copy.
        return Ok(Some(chunks.pop().unwrap_or_default()));
    }
    let mut body = Vec::with_capacity(total);
    for chunk in &chunks {
        body.extend_from_slice(chunk);
    }
    Ok(Some(Bytes::from(body)))
}

/// The first `cap` bytes of a body; the rest is not read.
async fn read_prefix(resp: &mut Response, cap: usize) -> reqwest::Result<Vec<u8>> {
    let mut body = Vec::new();
    while body.len() < cap {
        let Some(chunk) = resp.chunk().await? else {
            break;
        };
        let n = chunk.len().min(cap - body.len());
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(body)
}

/// Error text for logs: reqwest appends the URL, whose query we keep out of logs.
fn without_url_ref(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(url) = e.url()
        && let Some(q) = url.query()
    {
        s = s.replace(&format!("?{q}"), "");
    }
    s
}

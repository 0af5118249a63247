//! When to send a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How failed requests are retried.
///
/// Retried: connection failures, and the statuses 429, 502, 503 and 504 that
/// proxies and a busy Portainer return while it restarts. The wait grows
/// exponentially from [`initial_backoff`](Self::initial_backoff) up to
/// [`max_backoff`](Self::max_backoff), with random jitter so that many clients
/// do not retry in lockstep, and follows `Retry-After` when the server sends it.
///
/// Only `GET` and `HEAD` are retried after a response or a broken connection.
/// Any other method is retried only when the connection could not be opened,
/// because then nothing reached the server; a `POST` that created a stack and
/// then lost its response would otherwise create a second stack. Opt in with
/// [`retry_non_idempotent`](Self::retry_non_idempotent) if your calls are safe
/// to repeat.
///
/// ```
/// use std::time::Duration;
/// use portainer_sdk::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(5)
///     .initial_backoff(Duration::from_millis(500));
/// let off = RetryPolicy::none();
/// # let _ = (patient, off);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// Three retries, 200 ms doubling to at most 10 s, `Retry-After` up to 60 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    /// How many times a request is sent again after the first attempt.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The wait before the first retry; each further retry doubles it.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// The longest wait between two attempts (before jitter).
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The longest `Retry-After` honoured; a server asking for more gets its
    /// response returned to the caller instead of a long silent wait.
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Also retry non-`GET` requests after a response or a broken connection.
    ///
    /// Only safe when repeating the call cannot do harm twice.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.non_idempotent = yes;
        self
    }

    /// The delay before retry number `retry` (0-based), with jitter: a
    /// uniformly random value in the upper half of the exponential step, so
    /// waits still grow but clients spread out.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(16));
        let step = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let half = step / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// Whether a request with this method may be resent after a response or
    /// after its bytes may have been written.
    pub(crate) fn may_resend(&self, method: &reqwest::Method) -> bool {
        self.non_idempotent || *method == reqwest::Method::GET || *method == reqwest::Method::HEAD
    }
}

/// Whether a status is one the server sends for a transient condition.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

// Backoff and `Retry-After` parsing are unit-tested because their effect
// through the public API is only a duration; which methods are resent is
// tested over HTTP (tests/faults.rs, tests/transport.rs).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let ms = Duration::from_millis;
        let p = RetryPolicy::default()
            .initial_backoff(ms(100))
            .max_backoff(ms(400));
        for _ in 0..50 {
            assert!((ms(50)..=ms(100)).contains(&p.backoff(0)));
            assert!((ms(200)..=ms(400)).contains(&p.backoff(2)));
            assert!(p.backoff(30) <= ms(400));
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let parse = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(RETRY_AFTER, v.parse().unwrap());
            retry_after(&h, now)
        };
        assert_eq!(parse("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse(&later), Some(Duration::from_secs(30)));
        assert_eq!(parse("soon"), None);
    }
}

//! Faults to inject: a slow route, a dropped connection, server errors.

use std::time::Duration;

/// A fault on the requests that match a method and a path pattern, given to
/// [`crate::FakePortainer::inject`].
///
/// A pattern is a path such as `/api/stacks/1` or a template such as
/// `/api/stacks/{id}`, where `{...}` matches one segment. A fault applies to
/// every matching request, or to the next `n` with [`Fault::times`].
///
/// ```
/// use std::time::Duration;
/// use portainer_testkit::Fault;
/// let slow = Fault::delay(Duration::from_millis(300)).on("GET", "/api/stacks");
/// let flaky = Fault::status(503).on("GET", "/api/stacks/{id}").times(2);
/// let lost = Fault::drop_connection().on("POST", "/api/stacks/create/standalone/string").times(1);
/// # let _ = (slow, flaky, lost);
/// ```
#[derive(Debug, Clone)]
pub struct Fault {
    pub(crate) kind: FaultKind,
    pub(crate) method: String,
    pub(crate) pattern: String,
    pub(crate) remaining: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FaultKind {
    Delay(Duration),
    /// Read the request, then close the connection without handling it.
    Drop,
    /// Handle the request, then close the connection instead of answering.
    DropAfterHandling,
    Status(u16),
}

impl Fault {
    /// Wait this long before handling the request.
    pub fn delay(d: Duration) -> Self {
        Self::new(FaultKind::Delay(d))
    }

    /// Read the whole request, then close the connection without handling it:
    /// the client cannot know whether anything happened (nothing did).
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::Drop)
    }

    /// Handle the request, then close the connection instead of answering:
    /// the change is made but the client never hears of it.
    pub fn drop_after_handling() -> Self {
        Self::new(FaultKind::DropAfterHandling)
    }

    /// Answer with this status (e.g. 502, 503) without handling the request,
    /// with a `text/plain` body as a proxy in front of Portainer would.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status(status))
    }

    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            method: "*".into(),
            pattern: "*".into(),
            remaining: None,
        }
    }

    /// Only requests with this method (`*` for any) and path pattern.
    pub fn on(mut self, method: &str, pattern: &str) -> Self {
        self.method = method.to_ascii_uppercase();
        self.pattern = pattern.to_owned();
        self
    }

    /// Only the next `n` matching requests.
    pub fn times(mut self, n: usize) -> Self {
        self.remaining = Some(n);
        self
    }

    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        (self.method == "*" || self.method == method)
            && (self.pattern == "*" || path_matches(&self.pattern, path))
    }
}

/// Whether `path` is an instance of `template` (`{x}` is one non-empty segment).
pub(crate) fn path_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_one_segment() {
        assert!(path_matches("/api/stacks/{id}", "/api/stacks/3"));
        assert!(!path_matches("/api/stacks/{id}", "/api/stacks/3/file"));
        assert!(path_matches("/api/stacks", "/api/stacks/"));
        assert!(!path_matches("/api/stacks/{id}", "/api/stacks/"));
    }
}

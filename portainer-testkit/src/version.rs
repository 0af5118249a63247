//! The Portainer version the fake emulates, and which of the server's rules
//! change with it.

use std::fmt;

/// A Portainer release such as `2.19.4`, as the fake reports and emulates it.
///
/// The routes served follow the pinned specification of the newest pinned
/// release not newer than this one ([`Version::spec_pin`]); the behaviour
/// changes listed on each method follow the exact version.
///
/// ```
/// use portainer_testkit::Version;
/// let v = Version::new(2, 19, 4);
/// assert_eq!(v.to_string(), "2.19.4");
/// assert_eq!(v.spec_pin(), "2.19.4");
/// assert_eq!(Version::new(2, 24, 0).spec_pin(), "2.19.4");
/// assert_eq!(Version::new(2, 10, 0).spec_pin(), "2.14.2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
}

/// The releases whose specification this workspace pins (`spec/pins.toml`).
pub const SPEC_PINS: [&str; 5] = ["2.14.2", "2.19.4", "2.27.1", "2.31.2", "2.44.0"];

impl Version {
    /// A version from its numbers.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self {
            major,
            minor,
            patch,
        }
    }

    /// The release the generated client is built from; the fake's default.
    pub const LATEST: Version = Version::new(2, 44, 0);

    /// Parses `2.19.4` (a `v` prefix and a `-suffix` are ignored); `None` when
    /// the three numbers are not there.
    pub fn parse(text: &str) -> Option<Self> {
        let core = text.trim().trim_start_matches(['v', 'V']);
        let core = core.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u32>().ok());
        let v = Version::new(parts.next()??, parts.next()??, parts.next()??);
        match parts.next() {
            None => Some(v),
            Some(_) => None,
        }
    }

    /// The pinned release whose specification gives this version's routes.
    pub fn spec_pin(self) -> &'static str {
        let mut pin = SPEC_PINS[0];
        for p in SPEC_PINS {
            if Version::parse(p).is_some_and(|pv| pv <= self) {
                pin = p;
            }
        }
        pin
    }

    /// Whether the route table of `pin` (one of [`SPEC_PINS`]) applies.
    pub(crate) fn at_least_pin(self, pin: &str) -> bool {
        Version::parse(self.spec_pin()) >= Version::parse(pin)
    }

    /// Up to 2.19 every JSON body ends with the newline of Go's
    /// `json.Encoder`; from 2.20 Portainer encodes with segmentio's encoder
    /// and `SetAppendNewline(false)` (pkg/libhttp/response/response.go,
    /// pkg/libhttp/error/error.go, commit "performance optimizations EE-6042").
    pub(crate) fn json_trailing_newline(self) -> bool {
        self < Version::new(2, 20, 0)
    }

    /// From 2.22 the `details` of an error start with a capital letter
    /// (pkg/libhttp/error/error.go: `capitalize(err.Err.Error())`, EE-6698).
    pub(crate) fn capitalizes_details(self) -> bool {
        self >= Version::new(2, 22, 0)
    }

    /// From 2.20 an invalid key or token is told apart from a missing one and
    /// the missing one is spelled "authorization"
    /// (api/http/security/bouncer.go: `mwAuthenticateFirst`, EE-5864).
    pub(crate) fn tells_invalid_token(self) -> bool {
        self >= Version::new(2, 20, 0)
    }

    /// From 2.20 a request carrying both `X-API-Key` and `Authorization` is
    /// refused by the CSRF middleware (api/http/csrf/csrf.go,
    /// api/http/security/bouncer.go: `ShouldSkipCSRFCheck`).
    pub(crate) fn refuses_both_credentials(self) -> bool {
        self >= Version::new(2, 20, 0)
    }

    /// Before 2.20 Kubernetes stack names are unique per environment; 2.20
    /// removed the check (api/http/handler/stacks/create_kubernetes_stack.go,
    /// "remove unique check from kubernetes stacks", EE-6170).
    pub(crate) fn kubernetes_names_unique(self) -> bool {
        self < Version::new(2, 20, 0)
    }

    /// From 2.19 the Kubernetes create routes refuse a non-Kubernetes
    /// environment (api/http/handler/stacks/create_kubernetes_stack.go:
    /// "Environment type does not match", EE-5381).
    pub(crate) fn kubernetes_checks_environment_type(self) -> bool {
        self >= Version::new(2, 19, 0)
    }

    /// From 2.36 the update and redeploy payloads carry
    /// `RepullImageAndRedeploy`, and `PullImage` is its deprecated alias
    /// (pinned EE 2.44.0 spec, `stacks.updateStackPayload`: "Deprecated(2.36)").
    pub(crate) fn has_repull_flag(self) -> bool {
        self >= Version::new(2, 36, 0)
    }

    /// From 2.19 `endpointId` is required on stack update, start and stop;
    /// before, update took it as optional and start/stop used the stack's own
    /// environment (api/http/handler/stacks/stack_update.go, stack_start.go,
    /// stack_stop.go at 2.18 and 2.19).
    pub(crate) fn stack_routes_require_endpoint_id(self) -> bool {
        self >= Version::new(2, 19, 0)
    }

    /// EE's update payload has `Webhook` (pinned EE 2.19.4 to 2.44.0 specs,
    /// `stacks.updateStackPayload`); CE 2.14.2's has not.
    pub(crate) fn update_assigns_webhook(self) -> bool {
        self.at_least_pin("2.19.4")
    }
}

impl Default for Version {
    fn default() -> Self {
        Version::LATEST
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(Version::parse("v2.19.4-rc1"), Some(Version::new(2, 19, 4)));
        assert_eq!(Version::parse("2.19"), None);
        assert_eq!(Version::parse("2.19.4.1"), None);
        assert_eq!(Version::parse("x"), None);
    }

    #[test]
    fn pins_pick_the_newest_not_newer() {
        assert_eq!(Version::new(2, 44, 1).spec_pin(), "2.44.0");
        assert_eq!(Version::new(2, 43, 9).spec_pin(), "2.31.2");
        assert_eq!(Version::new(2, 27, 0).spec_pin(), "2.19.4");
        assert_eq!(Version::new(2, 27, 1).spec_pin(), "2.27.1");
    }
}

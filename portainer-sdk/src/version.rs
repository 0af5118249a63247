//! The server's version, as `GET /api/system/status` reports it.

use std::cmp::Ordering;
use std::fmt;

/// A Portainer server version such as `2.19.4`.
///
/// Compares numerically; the original text (which may carry a suffix like
/// `-rc1`) is kept for messages.
///
/// ```
/// use portainer_sdk::ServerVersion;
/// let v = ServerVersion::parse("2.18.4");
/// assert!(v < ServerVersion::new(2, 19, 0));
/// assert_eq!(v.to_string(), "2.18.4");
/// ```
#[derive(Debug, Clone, Eq)]
pub struct ServerVersion {
    /// Major version.
    pub major: u64,
    /// Minor version.
    pub minor: u64,
    /// Patch version.
    pub patch: u64,
    raw: String,
}

impl ServerVersion {
    /// A version from its numbers.
    pub fn new(major: u64, minor: u64, patch: u64) -> Self {
        Self {
            major,
            minor,
            patch,
            raw: format!("{major}.{minor}.{patch}"),
        }
    }

    /// Parses `2.19.4`, `v2.19`, `2.20.0-rc1`; missing or unreadable numbers count as 0.
    pub fn parse(text: &str) -> Self {
        let trimmed = text.trim();
        let core = trimmed.trim_start_matches(['v', 'V']);
        let mut nums = core
            .split(['.', '-', '+', ' '])
            .map(|p| p.parse::<u64>().ok());
        let mut next = || nums.next().flatten().unwrap_or(0);
        let (major, minor, patch) = (next(), next(), next());
        Self {
            major,
            minor,
            patch,
            raw: trimmed.to_owned(),
        }
    }

    /// The version as the server wrote it.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether this server has the `/stacks/create/{kind}/{method}` routes (2.19 and later).
    pub fn has_split_stack_create(&self) -> bool {
        *self >= ServerVersion::new(2, 19, 0)
    }

    /// Whether this server reads the image-pull flag of a stack update or
    /// git redeploy as `RepullImageAndRedeploy` (2.36 and later; `PullImage`
    /// before, deprecated since).
    pub fn reads_repull_flag(&self) -> bool {
        *self >= ServerVersion::new(2, 36, 0)
    }
}

impl PartialEq for ServerVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl PartialOrd for ServerVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ServerVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let key = |v: &Self| (v.major, v.minor, v.patch);
        key(self).cmp(&key(other))
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

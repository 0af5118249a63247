//! Users of the fake, their roles and access tokens.

use std::fmt;

/// A Portainer user role (api/portainer.go: `UserRole`, 1 and 2 on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `AdministratorRole` (1): every environment, every stack, settings.
    Administrator,
    /// `StandardUserRole` (2): the environments given with
    /// [`User::environments`], and the stacks it created.
    StandardUser,
}

impl Role {
    pub(crate) fn wire(self) -> i64 {
        match self {
            Role::Administrator => 1,
            Role::StandardUser => 2,
        }
    }
}

/// An access token's text, kept out of `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// A key with this text (Portainer's start with `ptr_`).
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// A random key shaped like Portainer's: `ptr_` and 32 random bytes in base64.
    pub fn random() -> Self {
        use base64::Engine;
        let bytes: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
        Self(format!(
            "ptr_{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ))
    }

    /// The key's text, to put in a client's configuration.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// A user the fake knows, given to [`crate::FakePortainerBuilder::user`].
///
/// ```
/// use portainer_testkit::{Role, User};
/// let bob = User::new("bob", Role::StandardUser)
///     .password("hunter22hunter22")
///     .api_key("ptr_bob")
///     .environments([1]);
/// assert!(!format!("{bob:?}").contains("ptr_bob"));
/// ```
#[derive(Clone)]
pub struct User {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) role: Role,
    pub(crate) api_keys: Vec<ApiKey>,
    pub(crate) environments: Vec<i64>,
}

impl User {
    /// A user with no password (it cannot log in) and no key.
    pub fn new(username: impl Into<String>, role: Role) -> Self {
        Self {
            username: username.into(),
            password: String::new(),
            role,
            api_keys: Vec::new(),
            environments: Vec::new(),
        }
    }

    /// The password `POST /api/auth` accepts.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = password.into();
        self
    }

    /// An access token of this user, sent as `X-API-Key`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_keys.push(ApiKey::new(key));
        self
    }

    /// The environments a standard user may use (an administrator uses all).
    pub fn environments(mut self, ids: impl IntoIterator<Item = i64>) -> Self {
        self.environments.extend(ids);
        self
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("password", &"<redacted>")
            .field("api_keys", &self.api_keys)
            .field("environments", &self.environments)
            .finish()
    }
}

/// A user inside the fake's state.
#[derive(Clone)]
pub(crate) struct StoredUser {
    pub id: i64,
    pub spec: User,
}

impl StoredUser {
    pub fn is_admin(&self) -> bool {
        self.spec.role == Role::Administrator
    }

    pub fn can_use_environment(&self, id: i64) -> bool {
        self.is_admin() || self.spec.environments.contains(&id)
    }
}

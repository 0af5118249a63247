//! Portainer settings: `client.settings()`.
//!
//! Settings differ between CE, EE and releases, and a field a client does not
//! know must survive a read-modify-write. So [`PortainerSettings`] keeps the
//! server's JSON object as it came and offers typed accessors on top, and
//! [`SettingsPatch`] holds exactly the fields to send, `false`, `0` and `""`
//! included.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ops;
use crate::stack::open_int_enum;
use crate::transport::CallOpts;
use crate::{Client, Error};

open_int_enum! {
    /// How users log in.
    AuthenticationMethod {
        /// Portainer's own users.
        Internal = 1,
        /// LDAP.
        Ldap = 2,
        /// OAuth.
        OAuth = 3,
    }
}

/// Declares typed getters over the JSON map.
macro_rules! getters {
    ($($(#[$m:meta])* $fn:ident: $key:literal => $kind:ident;)*) => {
        $(
            $(#[$m])*
            pub fn $fn(&self) -> getters!(@ty $kind) {
                getters!(@get self.fields.get($key), $kind)
            }
        )*
    };
    (@ty str) => { Option<&str> };
    (@ty bool) => { Option<bool> };
    (@ty i64) => { Option<i64> };
    (@get $v:expr, str) => { $v.and_then(Value::as_str) };
    (@get $v:expr, bool) => { $v.and_then(Value::as_bool) };
    (@get $v:expr, i64) => { $v.and_then(Value::as_i64) };
}

/// Declares typed setters that record a field in the patch.
macro_rules! setters {
    ($($(#[$m:meta])* $fn:ident: $key:literal => $ty:ty;)*) => {
        $(
            $(#[$m])*
            pub fn $fn(self, value: $ty) -> Self {
                self.set($key, value)
            }
        )*
    };
}

/// The settings object of `GET /api/settings`, every field kept.
///
/// Serializes to exactly the JSON the server sent (field names, unknown
/// fields and `null`s included).
///
/// ```
/// let s: portainer_sdk::PortainerSettings =
///     serde_json::from_str(r#"{"LogoURL":"","EnableTelemetry":false,"FutureField":{"a":1}}"#).unwrap();
/// assert_eq!(s.logo_url(), Some(""));
/// assert_eq!(s.get("FutureField").unwrap()["a"], 1);
/// assert_eq!(serde_json::to_value(&s).unwrap()["FutureField"]["a"], 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PortainerSettings {
    fields: Map<String, Value>,
}

impl PortainerSettings {
    getters! {
        /// `LogoURL`: the logo shown in the UI.
        logo_url: "LogoURL" => str;
        /// `SnapshotInterval`, e.g. `5m`.
        snapshot_interval: "SnapshotInterval" => str;
        /// `TemplatesURL`: the app templates source.
        templates_url: "TemplatesURL" => str;
        /// `UserSessionTimeout`, e.g. `8h`.
        user_session_timeout: "UserSessionTimeout" => str;
        /// `KubeconfigExpiry`, e.g. `0` for never.
        kubeconfig_expiry: "KubeconfigExpiry" => str;
        /// `HelmRepositoryURL`.
        helm_repository_url: "HelmRepositoryURL" => str;
        /// `CustomLoginBanner`.
        custom_login_banner: "CustomLoginBanner" => str;
        /// `EnableTelemetry` (CE).
        enable_telemetry: "EnableTelemetry" => bool;
        /// `EnableEdgeComputeFeatures`.
        enable_edge_compute_features: "EnableEdgeComputeFeatures" => bool;
        /// `TrustOnFirstConnect` (Edge agents).
        trust_on_first_connect: "TrustOnFirstConnect" => bool;
        /// `EnforceEdgeID`.
        enforce_edge_id: "EnforceEdgeID" => bool;
        /// `DisableKubeShell`.
        disable_kube_shell: "DisableKubeShell" => bool;
        /// `EdgeAgentCheckinInterval`, seconds.
        edge_agent_checkin_interval: "EdgeAgentCheckinInterval" => i64;
    }

    /// `AuthenticationMethod` as a typed value.
    pub fn authentication_method(&self) -> Option<AuthenticationMethod> {
        self.fields
            .get("AuthenticationMethod")
            .and_then(Value::as_i64)
            .map(AuthenticationMethod::from)
    }

    /// Any field by its JSON name.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }

    /// Changes a field locally, by its JSON name (send it with
    /// [`SettingsPatch::changes`] or [`SettingsPatch::from`]).
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.fields.insert(key.into(), value.into());
    }

    /// The whole object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.fields
    }
}

/// The public settings of `GET /api/settings/public` (no credentials needed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PublicSettings {
    fields: Map<String, Value>,
}

impl PublicSettings {
    getters! {
        /// `LogoURL`.
        logo_url: "LogoURL" => str;
        /// `OAuthLoginURI`: where to send users for OAuth login.
        oauth_login_uri: "OAuthLoginURI" => str;
        /// `CustomLoginBanner`.
        custom_login_banner: "CustomLoginBanner" => str;
        /// `EnableTelemetry` (CE).
        enable_telemetry: "EnableTelemetry" => bool;
        /// `EnableEdgeComputeFeatures`.
        enable_edge_compute_features: "EnableEdgeComputeFeatures" => bool;
        /// `RequiredPasswordLength`.
        required_password_length: "RequiredPasswordLength" => i64;
    }

    /// `AuthenticationMethod` as a typed value.
    pub fn authentication_method(&self) -> Option<AuthenticationMethod> {
        self.fields
            .get("AuthenticationMethod")
            .and_then(Value::as_i64)
            .map(AuthenticationMethod::from)
    }

    /// Any field by its JSON name.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }
}

/// The fields of a settings update: only what is set here is sent, and what
/// is set is sent even when it is `false`, `0` or `""`.
///
/// ```
/// let patch = portainer_sdk::SettingsPatch::new()
///     .enable_telemetry(false)
///     .logo_url("")
///     .snapshot_interval("5m");
/// assert_eq!(
///     serde_json::to_string(&patch).unwrap(),
///     r#"{"EnableTelemetry":false,"LogoURL":"","SnapshotInterval":"5m"}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct SettingsPatch {
    fields: Map<String, Value>,
}

impl SettingsPatch {
    /// An empty patch.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// `LogoURL`.
        logo_url: "LogoURL" => &str;
        /// `SnapshotInterval`, e.g. `5m`.
        snapshot_interval: "SnapshotInterval" => &str;
        /// `TemplatesURL`.
        templates_url: "TemplatesURL" => &str;
        /// `UserSessionTimeout`, e.g. `8h`.
        user_session_timeout: "UserSessionTimeout" => &str;
        /// `KubeconfigExpiry`.
        kubeconfig_expiry: "KubeconfigExpiry" => &str;
        /// `HelmRepositoryURL`.
        helm_repository_url: "HelmRepositoryURL" => &str;
        /// `CustomLoginBanner`.
        custom_login_banner: "CustomLoginBanner" => &str;
        /// `EnableTelemetry` (CE).
        enable_telemetry: "EnableTelemetry" => bool;
        /// `EnableEdgeComputeFeatures`.
        enable_edge_compute_features: "EnableEdgeComputeFeatures" => bool;
        /// `TrustOnFirstConnect`.
        trust_on_first_connect: "TrustOnFirstConnect" => bool;
        /// `EnforceEdgeID`.
        enforce_edge_id: "EnforceEdgeID" => bool;
        /// `DisableKubeShell`.
        disable_kube_shell: "DisableKubeShell" => bool;
        /// `EdgeAgentCheckinInterval`, seconds.
        edge_agent_checkin_interval: "EdgeAgentCheckinInterval" => i64;
    }

    /// `AuthenticationMethod`.
    pub fn authentication_method(self, method: AuthenticationMethod) -> Self {
        self.set("AuthenticationMethod", method.as_i64())
    }

    /// Any field by its JSON name, for fields without a typed setter.
    pub fn set(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.insert(key.into(), value.into());
        self
    }

    /// The top-level fields whose values differ between `before` and `after`
    /// (or that `after` adds): a read-modify-write that sends only the edit.
    ///
    /// ```
    /// # use portainer_sdk::{PortainerSettings, SettingsPatch};
    /// let before: PortainerSettings = serde_json::from_str(r#"{"LogoURL":"a","SnapshotInterval":"5m"}"#).unwrap();
    /// let mut after = before.clone();
    /// after.set("LogoURL", "");
    /// assert_eq!(serde_json::to_string(&SettingsPatch::changes(&before, &after)).unwrap(), r#"{"LogoURL":""}"#);
    /// ```
    pub fn changes(before: &PortainerSettings, after: &PortainerSettings) -> Self {
        let fields = after
            .fields
            .iter()
            .filter(|(k, v)| before.fields.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Self { fields }
    }

    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

impl From<PortainerSettings> for SettingsPatch {
    /// Every field of `settings`, for a full write-back.
    fn from(settings: PortainerSettings) -> Self {
        Self {
            fields: settings.fields,
        }
    }
}

/// Settings operations, from [`Client::settings`].
#[derive(Debug, Clone, Copy)]
pub struct Settings<'c> {
    client: &'c Client,
}

impl<'c> Settings<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// All settings (`GET /api/settings`, administrators only).
    pub async fn get(&self) -> Result<PortainerSettings, Error> {
        let req = self.client.request(Method::GET, &["settings"]);
        self.client
            .json(ops::SETTINGS_INSPECT, req, CallOpts::default())
            .await
    }

    /// The public settings (`GET /api/settings/public`), sent without credentials.
    pub async fn public(&self) -> Result<PublicSettings, Error> {
        let req = self.client.request(Method::GET, &["settings", "public"]);
        let opts = CallOpts {
            anonymous: true,
            ..CallOpts::default()
        };
        self.client.json(ops::SETTINGS_PUBLIC, req, opts).await
    }

    /// Sends the patch (`PUT /api/settings`) and returns the settings after it.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// use portainer_sdk::SettingsPatch;
    /// let after = client
    ///     .settings()
    ///     .update(SettingsPatch::new().snapshot_interval("15m"))
    ///     .await?;
    /// assert_eq!(after.snapshot_interval(), Some("15m"));
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, patch: SettingsPatch) -> Result<PortainerSettings, Error> {
        if patch.is_empty() {
            return Err(Error::InvalidInput("the settings patch is empty".into()));
        }
        let req = self.client.request(Method::PUT, &["settings"]).json(&patch);
        self.client
            .json(ops::SETTINGS_UPDATE, req, CallOpts::default())
            .await
    }
}

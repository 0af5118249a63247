//! The stack as Portainer returns it, with typed enums and no lost fields.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Declares an integer enum with an `Unknown` fallback, so a value added by a
/// newer server decodes instead of failing the whole response.
macro_rules! open_int_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the SDK does not know.
            Unknown(i64),
        }

        impl $name {
            /// The number Portainer uses.
            pub fn as_i64(self) -> i64 {
                match self {
                    $($name::$variant => $value,)*
                    $name::Unknown(v) => v,
                }
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                match v {
                    $($value => $name::$variant,)*
                    other => $name::Unknown(other),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.as_i64())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // null (a zero value Go may omit) reads as Unknown(0).
                Ok(<Option<i64> as ::serde::Deserialize>::deserialize(d)?.unwrap_or(0).into())
            }
        }
    };
}
pub(crate) use open_int_enum;

open_int_enum! {
    /// What a stack deploys to.
    ///
    /// ```
    /// use portainer_sdk::StackType;
    /// assert_eq!(StackType::from(2), StackType::Compose);
    /// assert_eq!(StackType::from(9), StackType::Unknown(9));
    /// ```
    StackType {
        /// A Docker Swarm stack (`docker stack deploy`).
        Swarm = 1,
        /// A Docker Compose stack on a standalone engine.
        Compose = 2,
        /// Kubernetes manifests.
        Kubernetes = 3,
    }
}

open_int_enum! {
    /// Whether a stack is running.
    StackStatus {
        /// Deployed and running.
        Active = 1,
        /// Stopped.
        Inactive = 2,
        /// A deployment is in progress.
        Deploying = 3,
        /// The last deployment failed.
        Error = 4,
    }
}

/// One environment variable of a stack (`{"name","value"}` on the wire).
///
/// ```
/// let v = portainer_sdk::EnvVar::new("TAG", "1.2");
/// assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"name":"TAG","value":"1.2"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// Its value.
    #[serde(default)]
    pub value: String,
}

impl EnvVar {
    /// A variable.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// The git source of a stack deployed from a repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GitConfig {
    /// Repository URL.
    #[serde(rename = "URL", default)]
    pub url: String,
    /// The reference deployed, e.g. `refs/heads/main`.
    #[serde(rename = "ReferenceName", default)]
    pub reference_name: String,
    /// The compose file or manifest path inside the repository.
    #[serde(rename = "ConfigFilePath", default)]
    pub config_file_path: String,
    /// The commit last deployed.
    #[serde(rename = "ConfigHash", default)]
    pub config_hash: String,
    /// Credentials, when the repository needs them.
    #[serde(rename = "Authentication", default)]
    pub authentication: Option<GitAuthentication>,
    /// Skip TLS verification of the git server.
    #[serde(rename = "TLSSkipVerify", default)]
    pub tls_skip_verify: bool,
    /// Fields this SDK does not model, kept so the value serializes back whole.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Git credentials stored with a stack. Portainer blanks the password in responses.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct GitAuthentication {
    /// User name.
    #[serde(rename = "Username", default)]
    pub username: String,
    /// Password or token (usually empty in responses).
    #[serde(rename = "Password", default)]
    pub password: String,
    /// Fields this SDK does not model.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl fmt::Debug for GitAuthentication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitAuthentication")
            .field("username", &self.username)
            .field(
                "password",
                &if self.password.is_empty() { "" } else { "***" },
            )
            .finish_non_exhaustive()
    }
}

/// Automatic updates of a git stack: polling interval and/or webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoUpdate {
    /// Polling interval such as `5m`; empty for webhook-only.
    #[serde(rename = "Interval", default, skip_serializing_if = "String::is_empty")]
    pub interval: String,
    /// Webhook id (a UUID) that triggers an update.
    #[serde(rename = "Webhook", default, skip_serializing_if = "String::is_empty")]
    pub webhook: String,
    /// Redeploy even when the repository did not change.
    #[serde(rename = "ForceUpdate", default)]
    pub force_update: bool,
    /// Pull images on every update.
    #[serde(rename = "ForcePullImage", default)]
    pub force_pull_image: bool,
}

impl AutoUpdate {
    /// Poll the repository every `interval` (e.g. `"5m"`).
    pub fn interval(interval: impl Into<String>) -> Self {
        Self {
            interval: interval.into(),
            ..Self::default()
        }
    }
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A stack, as `GET /api/stacks/{id}` returns it.
///
/// Serializes back to Portainer's field names; fields this SDK does not model
/// (they vary between CE, EE and versions) are kept in [`extra`](Self::extra).
///
/// ```
/// let json = r#"{"Id":1,"Name":"web","Type":2,"EndpointId":3,"Env":null,"Webhook":""}"#;
/// let stack: portainer_sdk::Stack = serde_json::from_str(json).unwrap();
/// assert_eq!(stack.stack_type, portainer_sdk::StackType::Compose);
/// assert!(stack.env.is_empty());
/// assert_eq!(serde_json::to_value(&stack).unwrap()["Webhook"], "");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stack {
    /// Identifier.
    #[serde(rename = "Id")]
    pub id: i64,
    /// Name (empty for some Kubernetes stacks).
    #[serde(rename = "Name", default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Swarm, compose or Kubernetes.
    #[serde(rename = "Type", default = "unknown_type")]
    pub stack_type: StackType,
    /// The environment (endpoint) the stack runs on.
    #[serde(rename = "EndpointId", default)]
    pub endpoint_id: i64,
    /// The swarm cluster id, for swarm stacks.
    #[serde(rename = "SwarmId", default, deserialize_with = "null_as_default")]
    pub swarm_id: String,
    /// The entry compose file or manifest.
    #[serde(rename = "EntryPoint", default, deserialize_with = "null_as_default")]
    pub entry_point: String,
    /// Environment variables (`null` on the wire reads as empty).
    #[serde(rename = "Env", default, deserialize_with = "null_as_default")]
    pub env: Vec<EnvVar>,
    /// Running or stopped.
    #[serde(rename = "Status", default = "unknown_status")]
    pub status: StackStatus,
    /// Where Portainer keeps the stack's files on its volume.
    #[serde(rename = "ProjectPath", default, deserialize_with = "null_as_default")]
    pub project_path: String,
    /// Unix time of creation.
    #[serde(rename = "CreationDate", default)]
    pub creation_date: i64,
    /// Who created it.
    #[serde(rename = "CreatedBy", default, deserialize_with = "null_as_default")]
    pub created_by: String,
    /// Unix time of the last update (0 when never updated).
    #[serde(rename = "UpdateDate", default)]
    pub update_date: i64,
    /// Who updated it last.
    #[serde(rename = "UpdatedBy", default, deserialize_with = "null_as_default")]
    pub updated_by: String,
    /// Extra compose files.
    #[serde(rename = "AdditionalFiles", default)]
    pub additional_files: Option<Vec<String>>,
    /// Automatic update settings of a git stack.
    #[serde(rename = "AutoUpdate", default)]
    pub auto_update: Option<AutoUpdate>,
    /// The git source, for stacks deployed from a repository.
    #[serde(rename = "GitConfig", default)]
    pub git_config: Option<GitConfig>,
    /// Kubernetes namespace.
    #[serde(rename = "Namespace", default, deserialize_with = "null_as_default")]
    pub namespace: String,
    /// Whether a Kubernetes stack was written in compose format.
    #[serde(rename = "IsComposeFormat", default)]
    pub is_compose_format: bool,
    /// Whether it was created from an app template.
    #[serde(rename = "FromAppTemplate", default)]
    pub from_app_template: bool,
    /// Access control; kept as JSON because its shape differs across versions.
    #[serde(rename = "ResourceControl", default)]
    pub resource_control: Option<serde_json::Value>,
    /// Every other field the server sent, kept for serialization.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn unknown_type() -> StackType {
    StackType::Unknown(0)
}

fn unknown_status() -> StackStatus {
    StackStatus::Unknown(0)
}

impl Stack {
    /// The value of an environment variable of the stack.
    pub fn env_var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.value.as_str())
    }
}

//! The stack as Portainer returns it, with typed enums and no lost fields.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::decode::deserialize_keeping_unknown;
use crate::text::Text;

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

        impl Default for $name {
            /// `Unknown(0)`: the zero value Go sends for an unset field.
            fn default() -> Self {
                $name::Unknown(0)
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

        impl $crate::go_json::GoJson for $name {
            fn read(r: &mut $crate::go_json::Reader<'_>) -> $crate::go_json::Read<Self> {
                Ok(r.field::<i64>()?.into())
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
    pub name: Text,
    /// Its value.
    #[serde(default)]
    pub value: Text,
}

impl crate::go_json::GoJson for EnvVar {
    /// As the derive reads it: `name` required, unknown keys ignored, a key
    /// given twice refused (here: left to serde to refuse).
    fn read(r: &mut crate::go_json::Reader<'_>) -> crate::go_json::Read<Self> {
        let (mut name, mut value) = (None, None);
        r.object(|r, key| {
            let slot = match key {
                "name" => &mut name,
                "value" => &mut value,
                _ => return r.skip(),
            };
            if slot.is_some() {
                return Err(crate::go_json::GiveUp);
            }
            *slot = Some(r.string()?);
            Ok(())
        })?;
        Ok(EnvVar {
            name: name.ok_or(crate::go_json::GiveUp)?,
            value: value.unwrap_or_default(),
        })
    }
}

impl EnvVar {
    /// A variable.
    pub fn new(name: impl Into<Text>, value: impl Into<Text>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// The git source of a stack deployed from a repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GitConfig {
    /// Repository URL.
    #[serde(rename = "URL")]
    pub url: Text,
    /// The reference deployed, e.g. `refs/heads/main`.
    #[serde(rename = "ReferenceName")]
    pub reference_name: Text,
    /// The compose file or manifest path inside the repository.
    #[serde(rename = "ConfigFilePath")]
    pub config_file_path: Text,
    /// The commit last deployed.
    #[serde(rename = "ConfigHash")]
    pub config_hash: Text,
    /// Credentials, when the repository needs them.
    #[serde(rename = "Authentication")]
    pub authentication: Option<GitAuthentication>,
    /// Skip TLS verification of the git server.
    #[serde(rename = "TLSSkipVerify")]
    pub tls_skip_verify: bool,
    /// Fields this SDK does not model, kept so the value serializes back whole.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

deserialize_keeping_unknown!(GitConfig, "a stack's git configuration",
    required {}
    optional {
        url: "URL",
        reference_name: "ReferenceName",
        config_file_path: "ConfigFilePath",
        config_hash: "ConfigHash",
        authentication: "Authentication",
        tls_skip_verify: "TLSSkipVerify",
    }
);

/// Git credentials stored with a stack. Portainer blanks the password in responses.
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct GitAuthentication {
    /// User name.
    #[serde(rename = "Username")]
    pub username: Text,
    /// Password or token (usually empty in responses).
    #[serde(rename = "Password")]
    pub password: Text,
    /// Fields this SDK does not model (e.g. `GitCredentialID`).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

deserialize_keeping_unknown!(GitAuthentication, "git credentials",
    required {}
    optional { username: "Username", password: "Password" }
);

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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AutoUpdate {
    /// Polling interval such as `5m`; empty for webhook-only.
    #[serde(rename = "Interval", skip_serializing_if = "str::is_empty")]
    pub interval: Text,
    /// Webhook id (a UUID) that triggers an update.
    #[serde(rename = "Webhook", skip_serializing_if = "str::is_empty")]
    pub webhook: Text,
    /// Redeploy even when the repository did not change.
    #[serde(rename = "ForceUpdate")]
    pub force_update: bool,
    /// Pull images on every update.
    #[serde(rename = "ForcePullImage")]
    pub force_pull_image: bool,
    /// The server's polling job; assigned by Portainer, never needed in requests.
    #[serde(rename = "JobID", skip_serializing_if = "str::is_empty")]
    pub job_id: Text,
    /// Fields this SDK does not model.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

deserialize_keeping_unknown!(AutoUpdate, "a stack's auto-update settings",
    required {}
    optional {
        interval: "Interval",
        webhook: "Webhook",
        force_update: "ForceUpdate",
        force_pull_image: "ForcePullImage",
        job_id: "JobID",
    }
);

impl AutoUpdate {
    /// Poll the repository every `interval` (e.g. `"5m"`).
    pub fn interval(interval: impl Into<Text>) -> Self {
        Self {
            interval: interval.into(),
            ..Self::default()
        }
    }
}

/// Deployment options of a swarm stack (`Option` on the wire).
///
/// ```
/// let o: portainer_sdk::StackOption = serde_json::from_str(r#"{"Prune":true}"#).unwrap();
/// assert!(o.prune);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StackOption {
    /// Remove services no longer in the stack file on update.
    #[serde(rename = "Prune")]
    pub prune: bool,
    /// Fields this SDK does not model.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

deserialize_keeping_unknown!(StackOption, "a stack's options",
    required {}
    optional { prune: "Prune" }
);

open_int_enum! {
    /// What kind of resource an access control applies to.
    ResourceControlType {
        /// A container.
        Container = 1,
        /// A swarm service.
        Service = 2,
        /// A volume.
        Volume = 3,
        /// A network.
        Network = 4,
        /// A secret.
        Secret = 5,
        /// A stack.
        Stack = 6,
        /// A swarm config.
        Config = 7,
        /// A custom template.
        CustomTemplate = 8,
        /// An Azure container group.
        ContainerGroup = 9,
    }
}

/// Who may use a resource: Portainer's access control attached to a stack.
///
/// ```
/// let json = r#"{"Id":6,"ResourceId":"2_proxy","SubResourceIds":null,"Type":6,
///     "UserAccesses":[{"UserId":3,"AccessLevel":1}],"TeamAccesses":[],
///     "Public":false,"AdministratorsOnly":false,"System":false}"#;
/// let rc: portainer_sdk::ResourceControl = serde_json::from_str(json).unwrap();
/// assert_eq!(rc.resource_type, portainer_sdk::ResourceControlType::Stack);
/// assert_eq!(rc.user_accesses[0].user_id, 3);
/// assert!(rc.sub_resource_ids.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResourceControl {
    /// Identifier of the access control.
    #[serde(rename = "Id")]
    pub id: i64,
    /// The resource it protects (for a stack, `<endpoint>_<name>`).
    #[serde(rename = "ResourceId")]
    pub resource_id: Text,
    /// Resources covered with it (a stack's services, for example).
    #[serde(rename = "SubResourceIds")]
    pub sub_resource_ids: Vec<Text>,
    /// The kind of resource.
    #[serde(rename = "Type")]
    pub resource_type: ResourceControlType,
    /// Users given access.
    #[serde(rename = "UserAccesses")]
    pub user_accesses: Vec<UserAccess>,
    /// Teams given access.
    #[serde(rename = "TeamAccesses")]
    pub team_accesses: Vec<TeamAccess>,
    /// Open to every user.
    #[serde(rename = "Public")]
    pub public: bool,
    /// Restricted to administrators.
    #[serde(rename = "AdministratorsOnly")]
    pub administrators_only: bool,
    /// Created by Portainer itself.
    #[serde(rename = "System")]
    pub system: bool,
    /// Fields this SDK does not model (older servers' `Users`/`Teams` lists).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

deserialize_keeping_unknown!(ResourceControl, "a resource control",
    required {}
    optional {
        id: "Id",
        resource_id: "ResourceId",
        sub_resource_ids: "SubResourceIds",
        resource_type: "Type",
        user_accesses: "UserAccesses",
        team_accesses: "TeamAccesses",
        public: "Public",
        administrators_only: "AdministratorsOnly",
        system: "System",
    }
);

/// A user's access to a resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UserAccess {
    /// The user.
    #[serde(rename = "UserId")]
    pub user_id: i64,
    /// The level granted (1: read-write, the only level CE has).
    #[serde(rename = "AccessLevel")]
    pub access_level: i64,
    /// Fields this SDK does not model.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

deserialize_keeping_unknown!(UserAccess, "a user access",
    required {}
    optional { user_id: "UserId", access_level: "AccessLevel" }
);

/// A team's access to a resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TeamAccess {
    /// The team.
    #[serde(rename = "TeamId")]
    pub team_id: i64,
    /// The level granted (1: read-write, the only level CE has).
    #[serde(rename = "AccessLevel")]
    pub access_level: i64,
    /// Fields this SDK does not model.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

deserialize_keeping_unknown!(TeamAccess, "a team access",
    required {}
    optional { team_id: "TeamId", access_level: "AccessLevel" }
);

/// A stack, as `GET /api/stacks/{id}` returns it.
///
/// Serializes back to Portainer's field names; fields this SDK does not model
/// (they vary between CE, EE and versions) are kept in [`extra`](Self::extra).
/// `null` reads as the empty value for strings, lists and numbers.
///
/// ```
/// let json = r#"{"Id":1,"Name":"web","Type":2,"EndpointId":3,"Env":null,"Webhook":"","Edition":"x"}"#;
/// let stack: portainer_sdk::Stack = serde_json::from_str(json).unwrap();
/// assert_eq!(stack.stack_type, portainer_sdk::StackType::Compose);
/// assert!(stack.env.is_empty());
/// assert_eq!(stack.extra["Edition"], "x");
/// assert_eq!(serde_json::to_value(&stack).unwrap()["Edition"], "x");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stack {
    /// Identifier.
    #[serde(rename = "Id")]
    pub id: i64,
    /// Name (empty for some Kubernetes stacks).
    #[serde(rename = "Name")]
    pub name: Text,
    /// Swarm, compose or Kubernetes.
    #[serde(rename = "Type")]
    pub stack_type: StackType,
    /// The environment (endpoint) the stack runs on.
    #[serde(rename = "EndpointId")]
    pub endpoint_id: i64,
    /// The swarm cluster id, for swarm stacks.
    #[serde(rename = "SwarmId")]
    pub swarm_id: Text,
    /// The entry compose file or manifest.
    #[serde(rename = "EntryPoint")]
    pub entry_point: Text,
    /// Environment variables (`null` on the wire reads as empty).
    #[serde(rename = "Env")]
    pub env: Vec<EnvVar>,
    /// Who may use the stack; `None` when the server sent none.
    #[serde(rename = "ResourceControl")]
    pub resource_control: Option<ResourceControl>,
    /// Running or stopped.
    #[serde(rename = "Status")]
    pub status: StackStatus,
    /// Where Portainer keeps the stack's files on its volume.
    #[serde(rename = "ProjectPath")]
    pub project_path: Text,
    /// Unix time of creation.
    #[serde(rename = "CreationDate")]
    pub creation_date: i64,
    /// Who created it.
    #[serde(rename = "CreatedBy")]
    pub created_by: Text,
    /// Unix time of the last update (0 when never updated).
    #[serde(rename = "UpdateDate")]
    pub update_date: i64,
    /// Who updated it last.
    #[serde(rename = "UpdatedBy")]
    pub updated_by: Text,
    /// Extra compose files.
    #[serde(rename = "AdditionalFiles")]
    pub additional_files: Option<Vec<Text>>,
    /// Automatic update settings of a git stack. Boxed, like `git_config`:
    /// most stacks have none, and a list of stacks is a third smaller and
    /// faster to decode when they take a pointer's room.
    #[serde(rename = "AutoUpdate")]
    pub auto_update: Option<Box<AutoUpdate>>,
    /// Swarm deployment options.
    #[serde(rename = "Option")]
    pub option: Option<StackOption>,
    /// The git source, for stacks deployed from a repository (boxed: see
    /// `auto_update`).
    #[serde(rename = "GitConfig")]
    pub git_config: Option<Box<GitConfig>>,
    /// Whether it was created from an app template.
    #[serde(rename = "FromAppTemplate")]
    pub from_app_template: bool,
    /// Kubernetes namespace.
    #[serde(rename = "Namespace")]
    pub namespace: Text,
    /// Whether a Kubernetes stack was written in compose format.
    #[serde(rename = "IsComposeFormat")]
    pub is_compose_format: bool,
    /// The webhook id that redeploys the stack (empty when none).
    #[serde(rename = "Webhook")]
    pub webhook: Text,
    /// Whether relative paths in the stack file resolve against `filesystem_path`.
    #[serde(rename = "SupportRelativePath")]
    pub support_relative_path: bool,
    /// The host path relative paths resolve against.
    #[serde(rename = "FilesystemPath")]
    pub filesystem_path: Text,
    /// Every other field the server sent, kept for serialization.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

deserialize_keeping_unknown!(Stack, "a stack",
    required { id: "Id" }
    optional {
        name: "Name",
        stack_type: "Type",
        endpoint_id: "EndpointId",
        swarm_id: "SwarmId",
        entry_point: "EntryPoint",
        env: "Env",
        resource_control: "ResourceControl",
        status: "Status",
        project_path: "ProjectPath",
        creation_date: "CreationDate",
        created_by: "CreatedBy",
        update_date: "UpdateDate",
        updated_by: "UpdatedBy",
        additional_files: "AdditionalFiles",
        auto_update: "AutoUpdate",
        option: "Option",
        git_config: "GitConfig",
        from_app_template: "FromAppTemplate",
        namespace: "Namespace",
        is_compose_format: "IsComposeFormat",
        webhook: "Webhook",
        support_relative_path: "SupportRelativePath",
        filesystem_path: "FilesystemPath",
    }
);

impl Stack {
    /// Decodes a body of `GET /api/stacks` as [`ListStacks::send`](crate::ListStacks::send)
    /// does: `null` or an empty body is an empty list.
    ///
    /// ```
    /// use portainer_sdk::Stack;
    /// let stacks = Stack::list_from_json(br#"[{"Id":1,"Name":"web","Env":null}]"#).unwrap();
    /// assert_eq!(stacks[0].name, "web");
    /// assert!(Stack::list_from_json(b"null").unwrap().is_empty());
    /// let err = Stack::list_from_json(b"{").unwrap_err();
    /// assert!(matches!(err, portainer_sdk::Error::Decode { .. }), "{err}");
    /// ```
    pub fn list_from_json(body: &[u8]) -> Result<Vec<Stack>, crate::Error> {
        Self::list_from_response(reqwest::StatusCode::OK, body)
    }

    /// The same, with the status the body came with for errors.
    pub(crate) fn list_from_response(
        status: reqwest::StatusCode,
        body: &[u8],
    ) -> Result<Vec<Stack>, crate::Error> {
        crate::stack_list::StackListReader::decode_whole(status, body)
    }

    /// A stack list decoded by serde, for what the direct reader gives up on:
    /// `null` or a blank body is no stacks.
    pub(crate) fn list_from_serde(
        status: reqwest::StatusCode,
        body: &[u8],
    ) -> Result<Vec<Stack>, crate::Error> {
        if crate::go_json::is_blank(body) {
            return Ok(Vec::new());
        }
        let stacks: Option<Vec<Stack>> =
            crate::client::decode(crate::ops::STACK_LIST, status, body)?;
        Ok(stacks.unwrap_or_default())
    }

    /// The value of an environment variable of the stack.
    pub fn env_var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.value.as_str())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_kept_at_every_level_and_sent_back() {
        let wire = json!({
            "Id": 7, "Name": "web", "Edition": "EE",
            "ResourceControl": {"Id": 1, "Users": [3], "UserAccesses": [{"UserId": 3, "AccessLevel": 1, "Scope": "x"}]},
            "GitConfig": {"URL": "https://git.example/r", "Depth": 1,
                "Authentication": {"Username": "u", "Password": "", "GitCredentialID": 4}},
            "AutoUpdate": {"Interval": "5m", "JobID": "12", "Jitter": true},
            "Option": {"Prune": true, "Force": false}
        });
        let s: Stack = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(s.extra["Edition"], "EE");
        let rc = s.resource_control.as_ref().unwrap();
        assert_eq!(rc.extra["Users"], json!([3]));
        assert_eq!(rc.user_accesses[0].extra["Scope"], "x");
        let git = s.git_config.as_ref().unwrap();
        assert_eq!(git.extra["Depth"], 1);
        assert_eq!(
            git.authentication.as_ref().unwrap().extra["GitCredentialID"],
            4
        );
        assert_eq!(s.auto_update.as_ref().unwrap().job_id, "12");
        assert_eq!(s.auto_update.as_ref().unwrap().extra["Jitter"], true);
        assert!(s.option.as_ref().unwrap().prune);
        let back = serde_json::to_value(&s).unwrap();
        for pointer in [
            "/Edition",
            "/ResourceControl/Users",
            "/ResourceControl/UserAccesses/0/Scope",
            "/GitConfig/Depth",
            "/GitConfig/Authentication/GitCredentialID",
            "/AutoUpdate/JobID",
            "/AutoUpdate/Jitter",
            "/Option/Force",
        ] {
            assert_eq!(back.pointer(pointer), wire.pointer(pointer), "{pointer}");
        }
        assert_eq!(serde_json::from_value::<Stack>(back).unwrap(), s);
    }

    #[test]
    fn auto_update_leaves_empty_strings_out_of_requests() {
        // What a caller builds: no JobID (the server assigns it), no webhook.
        let built = serde_json::to_value(AutoUpdate::interval("5m")).unwrap();
        assert_eq!(
            built,
            json!({"Interval": "5m", "ForceUpdate": false, "ForcePullImage": false})
        );
        // A JobID read from the server goes back as it came.
        let read: AutoUpdate =
            serde_json::from_value(json!({"JobID": "9", "Webhook": "w"})).unwrap();
        let back = serde_json::to_value(&read).unwrap();
        assert_eq!(back["JobID"], "9");
        assert_eq!(back.get("Interval"), None);
    }

    #[test]
    fn null_reads_as_the_zero_value_for_every_optional_field() {
        let mut wire = serde_json::Map::new();
        wire.insert("Id".into(), json!(1));
        for name in [
            "Name",
            "Type",
            "EndpointId",
            "SwarmId",
            "EntryPoint",
            "Env",
            "ResourceControl",
            "Status",
            "ProjectPath",
            "CreationDate",
            "CreatedBy",
            "UpdateDate",
            "UpdatedBy",
            "AdditionalFiles",
            "AutoUpdate",
            "Option",
            "GitConfig",
            "FromAppTemplate",
            "Namespace",
            "IsComposeFormat",
            "Webhook",
            "SupportRelativePath",
            "FilesystemPath",
        ] {
            wire.insert(name.into(), serde_json::Value::Null);
        }
        let s: Stack = serde_json::from_value(wire.into()).unwrap();
        assert_eq!(
            s,
            Stack {
                id: 1,
                ..Stack::default()
            }
        );
        let rc: ResourceControl = serde_json::from_str(
            r#"{"SubResourceIds":null,"UserAccesses":null,"TeamAccesses":null,"Type":null}"#,
        )
        .unwrap();
        assert_eq!(rc, ResourceControl::default());
    }

    #[test]
    fn a_stack_without_an_id_or_of_the_wrong_shape_is_an_error_naming_it() {
        let e = serde_json::from_str::<Stack>(r#"{"Name":"web"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `Id`"), "{e}");
        let e = serde_json::from_str::<Stack>(r#"{"Id":null}"#).unwrap_err();
        assert!(e.to_string().contains("invalid type: null"), "{e}");
        let e = serde_json::from_str::<Stack>(r#"{"Id":1,"Env":"x"}"#).unwrap_err();
        assert!(e.to_string().contains("invalid type: string"), "{e}");
        let e = serde_json::from_str::<Stack>("[1]").unwrap_err();
        assert!(e.to_string().contains("expected a stack"), "{e}");
    }

    #[test]
    fn a_blank_list_body_is_no_stacks_but_a_form_feed_is_not_json() {
        for blank in ["", " ", "\r\n\t "] {
            let stacks = Stack::list_from_json(blank.as_bytes()).unwrap();
            assert!(stacks.is_empty(), "{blank:?}");
        }
        // `u8::is_ascii_whitespace` takes a form feed; JSON does not.
        for not_json in ["\u{c}", " \u{c} ", "[]\u{c}"] {
            let e = Stack::list_from_json(not_json.as_bytes()).unwrap_err();
            assert!(
                matches!(e, crate::Error::Decode { .. }),
                "{not_json:?}: {e}"
            );
        }
    }

    /// The genuine stack lists in the shared responses.
    pub(crate) const GENUINE_STACK_LISTS: [&str; 2] = [
        "stacks_list__mgm-mootse.json",
        "stacks_list_k8s_git__portainer-docs-access.json",
    ];

    /// A genuine response body, from `PORTAINER_RESPONSES_DIR` or the shared
    /// directory beside the workspace.
    pub(crate) fn genuine_response(name: &str) -> String {
        let dir = match std::env::var_os("PORTAINER_RESPONSES_DIR") {
            Some(dir) => std::path::PathBuf::from(dir),
            None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/portainer-responses"),
        };
        std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("{name} (set PORTAINER_RESPONSES_DIR): {e}"))
    }

    /// Decodes `text` both ways; returns whether the direct reader took it.
    /// Whenever it does, serde must decode the same stacks.
    fn both_ways(text: &str) -> bool {
        let serde = serde_json::from_str::<Option<Vec<Stack>>>(text).map(Option::unwrap_or_default);
        match crate::stack_list::StackListReader::default().take(text.as_bytes()) {
            Some(direct) => {
                let serde = serde
                    .unwrap_or_else(|e| panic!("serde refused what the reader took ({e}): {text}"));
                assert_eq!(direct, serde, "the two decoders disagree on {text}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn the_direct_reader_takes_genuine_bodies_and_agrees_with_serde() {
        for name in GENUINE_STACK_LISTS {
            let text = genuine_response(name);
            assert!(both_ways(&text), "the reader gave up on {name}");
            let one = genuine_response("stack_inspect__mgm-mootse61.json");
            assert!(both_ways(&format!("[{one},{one}]")));
        }
    }

    #[test]
    fn the_direct_reader_takes_what_servers_send() {
        let taken = [
            " [ ] ",
            "[]\n",
            r#"[{"Id":1}]"#,
            // Nulls for every kind of field, and whitespace anywhere.
            r#"[ { "Id" : 1 , "Name" : null , "Env" : null , "ResourceControl" : null , "Type" : null ,
                "AdditionalFiles" : null , "GitConfig" : null , "IsComposeFormat" : null } ]"#,
            r#"[{"Id":1,"AdditionalFiles":[],"Env":[]},{"Id":2,"AdditionalFiles":["a.yml"]}]"#,
            // Escapes Go writes (<, > and & as \u00XX), non-ASCII text.
            r#"[{"Id":1,"Name":"a\u0026b","Env":[{"name":"X","value":"<\u003e \"q\" é"}]}]"#,
            // Unknown fields at every level, of every JSON type.
            r#"[{"Id":1,"Edition":"EE","N":2.5,"L":[1,{"a":null}],"O":{"x":true},
                "ResourceControl":{"Id":3,"Users":[3],"UserAccesses":[{"UserId":3,"AccessLevel":1,"S":"x"}],"TeamAccesses":null},
                "GitConfig":{"URL":"u","Depth":1,"Authentication":{"Username":"u","Password":"","GitCredentialID":4}},
                "AutoUpdate":{"Interval":"5m","Jitter":false},"Option":{"Prune":true,"Force":null},
                "Env":[{"name":"A","value":"1","extra":[null]}]}]"#,
            // A key given twice keeps its last value.
            r#"[{"Id":1,"Name":"a","Name":"b","Id":2,"X":1,"X":2}]"#,
            // Unknown enum values, negative and large integers.
            r#"[{"Id":-9223372036854775808,"Type":9,"Status":-1,"CreationDate":9223372036854775807}]"#,
            // An env variable without a value.
            r#"[{"Id":1,"Env":[{"name":"A"}]}]"#,
        ];
        for text in taken {
            assert!(both_ways(text), "the reader gave up on {text}");
        }
        let given_up = [
            // serde refuses these: the error must come from it.
            "{",
            "[",
            "[{}]",
            r#"[{"Id":null}]"#,
            r#"[{"Id":1.0}]"#,
            r#"[{"Id":"1"}]"#,
            r#"[{"Id":1,"Env":"x"}]"#,
            r#"[{"Id":1,"Env":[null]}]"#,
            r#"[{"Id":1,"Env":[{"value":"v"}]}]"#,
            r#"[{"Id":1,"Env":[{"name":"A","name":"B"}]}]"#,
            r#"[{"Id":1,"Env":[{"name":null}]}]"#,
            r#"[{"Id":1,"AdditionalFiles":[null]}]"#,
            r#"[{"Id":1,"Name":1}]"#,
            r#"[{"Id":1}] x"#,
            r#"[{"Id":1},]"#,
            "[1]",
            r#"{"Id":1}"#,
            r#"[{"Id":1,"ResourceControl":[]}]"#,
            r#"[{"Id":18446744073709551616}]"#,
            "[{\"Id\":1,\"Name\":\"a\u{1}\"}]",
            // These serde takes, the reader leaves to it.
            "null",
            r#"[{"I\u0064":1}]"#,
            r#"[{"Id":1e0}]"#,
        ];
        for text in given_up {
            assert!(!both_ways(text), "the reader took {text}");
        }
    }

    #[test]
    fn escaped_and_repeated_keys_decode_like_serde_json_value() {
        let s: Stack =
            serde_json::from_str(r#"{"Id":1,"N\u0061me":"a","Name":"b","X\"":1}"#).unwrap();
        assert_eq!(s.name, "b");
        assert_eq!(s.extra["X\""], 1);
    }
}

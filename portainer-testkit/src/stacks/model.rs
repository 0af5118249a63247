//! A stack as the fake stores it, and as Portainer writes it.

use serde_json::{Map, Value, json};

use crate::version::Version;

/// api/portainer.go: `StackType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackKind {
    /// `DockerSwarmStack` (1).
    Swarm,
    /// `DockerComposeStack` (2).
    Compose,
    /// `KubernetesStack` (3).
    Kubernetes,
}

impl StackKind {
    pub(crate) fn wire(self) -> i64 {
        match self {
            StackKind::Swarm => 1,
            StackKind::Compose => 2,
            StackKind::Kubernetes => 3,
        }
    }
}

/// api/portainer.go: `StackStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackStatus {
    /// `StackStatusActive` (1).
    Active,
    /// `StackStatusInactive` (2).
    Inactive,
}

impl StackStatus {
    pub(crate) fn wire(self) -> i64 {
        match self {
            StackStatus::Active => 1,
            StackStatus::Inactive => 2,
        }
    }
}

/// A git-backed stack's repository settings (api/git/types: `RepoConfig`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitSource {
    /// Repository URL, without a trailing `/`.
    pub url: String,
    /// Reference such as `refs/heads/main`; may be empty.
    pub reference_name: String,
    /// Path of the stack file in the repository.
    pub config_file_path: String,
    /// Commit the stack was last deployed from.
    pub config_hash: String,
    /// Basic authentication user, when set.
    pub username: Option<String>,
    pub(crate) password: Option<String>,
    /// Whether TLS verification is skipped when cloning.
    pub tls_skip_verify: bool,
}

/// Who may act on a stack (api/internal/authorization: the stack's resource
/// control is administrators-only when an administrator created it, private
/// to its creator otherwise; api/http/handler/stacks/stack_create.go:
/// `decorateStackResponse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    Administrators,
    User(i64),
}

/// A stack in the fake's state.
#[derive(Debug, Clone)]
pub(crate) struct StoredStack {
    pub id: i64,
    pub name: String,
    pub kind: StackKind,
    pub endpoint_id: i64,
    pub swarm_id: String,
    pub entry_point: String,
    pub env: Option<Vec<(String, String)>>,
    pub rc_id: i64,
    pub owner: Owner,
    pub status: StackStatus,
    pub creation_date: i64,
    pub created_by: String,
    pub created_by_user_id: i64,
    pub update_date: i64,
    pub updated_by: String,
    pub additional_files: Option<Vec<String>>,
    pub auto_update: Option<Map<String, Value>>,
    pub prune: Option<bool>,
    pub git: Option<GitSource>,
    pub from_app_template: bool,
    pub namespace: String,
    pub is_compose_format: bool,
    pub webhook: String,
    pub file_content: String,
}

impl StoredStack {
    /// The resource control's `ResourceId` (api/stacks/stackutils:
    /// `ResourceControlID`: `<endpoint>_<name>`).
    fn resource_id(&self) -> String {
        format!("{}_{}", self.endpoint_id, self.name)
    }

    /// The stack as Portainer encodes `portainer.Stack`: Go field names, nil
    /// slices and pointers as `null`, the git password blanked
    /// (stack_inspect.go: "sanitize password in the http response"). The field
    /// set follows the pinned spec of the emulated version's pin.
    pub fn to_json(&self, version: Version) -> Value {
        let env = self.env.as_ref().map(|pairs| {
            pairs
                .iter()
                .map(|(n, v)| json!({"name": n, "value": v}))
                .collect::<Vec<_>>()
        });
        // api/portainer.go: ResourceControl; StackResourceControl = 6.
        let (admins_only, users) = match self.owner {
            Owner::Administrators => (true, json!([])),
            Owner::User(id) => (false, json!([{"UserId": id, "AccessLevel": 1}])),
        };
        let rc = json!({
            "Id": self.rc_id,
            "ResourceId": self.resource_id(),
            "SubResourceIds": [],
            "Type": 6,
            "UserAccesses": users,
            "TeamAccesses": [],
            "Public": false,
            "AdministratorsOnly": admins_only,
            "System": false,
        });
        let git = self.git.as_ref().map(|g| {
            let auth = g
                .username
                .as_ref()
                .map(|u| json!({"Username": u, "Password": "", "GitCredentialID": 0}));
            json!({
                "URL": g.url,
                "ReferenceName": g.reference_name,
                "ConfigFilePath": g.config_file_path,
                "Authentication": auth,
                "ConfigHash": g.config_hash,
                "TLSSkipVerify": g.tls_skip_verify,
            })
        });
        let option = self.prune.map(|p| json!({"Prune": p}));
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_owned(), v);
        };
        put("Id", json!(self.id));
        put("Name", json!(self.name));
        put("Type", json!(self.kind.wire()));
        put("EndpointId", json!(self.endpoint_id));
        put("SwarmId", json!(self.swarm_id));
        put("EntryPoint", json!(self.entry_point));
        put("Env", json!(env));
        put("ResourceControl", rc);
        put("Status", json!(self.status.wire()));
        put("ProjectPath", json!(format!("/data/compose/{}", self.id)));
        put("CreationDate", json!(self.creation_date));
        put("CreatedBy", json!(self.created_by));
        if version.at_least_pin("2.27.1") {
            put(
                "CreatedByUserId",
                json!(self.created_by_user_id.to_string()),
            );
        }
        put("UpdateDate", json!(self.update_date));
        put("UpdatedBy", json!(self.updated_by));
        put("AdditionalFiles", json!(self.additional_files));
        put("AutoUpdate", json!(self.auto_update));
        if version.at_least_pin("2.19.4") {
            put("Option", json!(option));
        }
        put("GitConfig", json!(git));
        put("FromAppTemplate", json!(self.from_app_template));
        put("Namespace", json!(self.namespace));
        if !version.at_least_pin("2.27.1") {
            put("IsComposeFormat", json!(self.is_compose_format));
        }
        if version.at_least_pin("2.19.4") {
            // EE fields of the pinned specs (portaineree.Stack).
            put("Webhook", json!(self.webhook));
            put("SupportRelativePath", json!(false));
            put("FilesystemPath", json!(""));
            put("StackFileVersion", json!(1));
            put("PreviousDeploymentInfo", Value::Null);
            put("IsDetachedFromGit", json!(false));
        }
        Value::Object(m)
    }

    /// The public snapshot.
    pub fn snapshot(&self) -> Stack {
        Stack {
            id: self.id,
            name: self.name.clone(),
            kind: self.kind,
            environment_id: self.endpoint_id,
            swarm_id: (!self.swarm_id.is_empty()).then(|| self.swarm_id.clone()),
            env: self.env.clone().unwrap_or_default(),
            status: self.status,
            file_content: self.file_content.clone(),
            webhook: self.webhook.clone(),
            git: self.git.clone(),
            namespace: self.namespace.clone(),
            created_by: self.created_by.clone(),
            updated_by: self.updated_by.clone(),
            prune: self.prune.unwrap_or(false),
            auto_update: self.auto_update.clone().map(Value::Object),
        }
    }
}

/// A stack as the fake holds it, from [`crate::FakePortainer::stacks`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Stack {
    /// Identifier.
    pub id: i64,
    /// Name, after the server's normalization.
    pub name: String,
    /// Swarm, Compose or Kubernetes.
    pub kind: StackKind,
    /// The environment it is deployed to.
    pub environment_id: i64,
    /// The swarm cluster id of a swarm stack.
    pub swarm_id: Option<String>,
    /// Environment variables, in order.
    pub env: Vec<(String, String)>,
    /// Started or stopped.
    pub status: StackStatus,
    /// The stack file's content.
    pub file_content: String,
    /// The webhook id (EE), empty when none.
    pub webhook: String,
    /// The repository of a git stack.
    pub git: Option<GitSource>,
    /// Kubernetes namespace.
    pub namespace: String,
    /// Who created it.
    pub created_by: String,
    /// Who last updated it.
    pub updated_by: String,
    /// The swarm stack's prune option.
    pub prune: bool,
    /// The GitOps automatic update settings, as sent.
    pub auto_update: Option<Value>,
}

//! Stack operations: `client.stacks()`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};

use crate::ops;
use crate::stack::{AutoUpdate, EnvVar, Stack, StackType};
use crate::stack_list::StackListReader;
use crate::transport::{CallOpts, OpInfo};
use crate::{Client, Error};

/// Stack operations, from [`Client::stacks`].
///
/// ```no_run
/// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
/// for stack in client.stacks().list().endpoint(2).send().await? {
///     println!("{} {:?} {:?}", stack.name, stack.stack_type, stack.status);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Stacks<'c> {
    client: &'c Client,
}

/// Edits to a stack's environment variables. Portainer replaces the whole
/// list with what an update sends, so the SDK starts from the stack's
/// current variables unless the caller replaces them.
#[derive(Debug, Clone, Default)]
struct EnvEdits {
    replace: Option<Vec<EnvVar>>,
    edits: Vec<(String, Option<String>)>,
}

impl EnvEdits {
    fn apply(&self, current: &[EnvVar]) -> Vec<EnvVar> {
        let mut env = self.replace.clone().unwrap_or_else(|| current.to_vec());
        for (name, value) in &self.edits {
            match value {
                Some(v) => match env.iter_mut().find(|e| e.name == *name) {
                    Some(e) => e.value = v.into(),
                    None => env.push(EnvVar::new(name, v)),
                },
                None => env.retain(|e| e.name != *name),
            }
        }
        env
    }
}

/// Where a new stack's content comes from.
#[derive(Debug, Clone)]
enum Source {
    Content(String),
    File(PathBuf),
    // Boxed: a git source is several times the size of the other variants.
    Git(Box<GitSource>),
    Url(String),
}

/// A git repository to deploy a stack from.
///
/// ```
/// use portainer_sdk::{AutoUpdate, GitSource};
/// let src = GitSource::new("https://github.com/acme/ops")
///     .reference("refs/heads/main")
///     .path("web/compose.yml")
///     .credentials("deploy-bot", "ghp_token")
///     .auto_update(AutoUpdate::interval("5m"));
/// assert!(!format!("{src:?}").contains("ghp_token"));
/// ```
#[derive(Debug, Clone)]
pub struct GitSource {
    url: String,
    reference: Option<String>,
    path: Option<String>,
    additional_files: Vec<String>,
    credentials: Option<(String, SecretString)>,
    auto_update: Option<AutoUpdate>,
    tls_skip_verify: bool,
}

impl GitSource {
    /// A repository by URL; the default branch and `docker-compose.yml` unless set.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            reference: None,
            path: None,
            additional_files: Vec::new(),
            credentials: None,
            auto_update: None,
            tls_skip_verify: false,
        }
    }

    /// The reference to deploy, e.g. `refs/heads/main` or `refs/tags/v1`.
    pub fn reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// The compose file or manifest path inside the repository.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Another compose file or manifest to include.
    pub fn additional_file(mut self, path: impl Into<String>) -> Self {
        self.additional_files.push(path.into());
        self
    }

    /// User name and password (or token) for a private repository.
    pub fn credentials(
        mut self,
        username: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        self.credentials = Some((username.into(), password.into()));
        self
    }

    /// Redeploy automatically on a polling interval and/or a webhook.
    pub fn auto_update(mut self, auto_update: AutoUpdate) -> Self {
        self.auto_update = Some(auto_update);
        self
    }

    /// Skip TLS verification of the git server.
    pub fn tls_skip_verify(mut self, skip: bool) -> Self {
        self.tls_skip_verify = skip;
        self
    }

    fn auth_fields(&self, body: &mut Map<String, Value>) {
        match &self.credentials {
            Some((user, pass)) => {
                body.insert("RepositoryAuthentication".into(), json!(true));
                body.insert("RepositoryUsername".into(), json!(user));
                body.insert("RepositoryPassword".into(), json!(pass.expose_secret()));
            }
            None => {
                body.insert("RepositoryAuthentication".into(), json!(false));
            }
        }
    }
}

fn opts(timeout: Option<Duration>) -> CallOpts {
    CallOpts {
        timeout,
        anonymous: false,
    }
}

/// Lists stacks; from [`Stacks::list`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct ListStacks<'c> {
    client: &'c Client,
    endpoint: Option<i64>,
    swarm_id: Option<String>,
}

impl ListStacks<'_> {
    /// Only stacks of this environment (endpoint).
    pub fn endpoint(mut self, endpoint_id: i64) -> Self {
        self.endpoint = Some(endpoint_id);
        self
    }

    /// Only stacks of this swarm cluster.
    pub fn swarm_id(mut self, swarm_id: impl Into<String>) -> Self {
        self.swarm_id = Some(swarm_id.into());
        self
    }

    /// Sends `GET /api/stacks`. A `204 No Content` or a `null` body is an empty list.
    pub async fn send(self) -> Result<Vec<Stack>, Error> {
        let mut filters = Map::new();
        if let Some(e) = self.endpoint {
            filters.insert("EndpointID".into(), json!(e));
        }
        if let Some(s) = &self.swarm_id {
            filters.insert("SwarmID".into(), json!(s));
        }
        let mut req = self.client.request(Method::GET, &["stacks"]);
        if !filters.is_empty() {
            req = req.query(&[("filters", Value::Object(filters).to_string())]);
        }
        // Stacks are decoded while the body arrives (see `stack_list`).
        let (status, list) = self
            .client
            .send_with(ops::STACK_LIST, req, opts(None), StackListReader::default)
            .await?;
        if status == StatusCode::NO_CONTENT {
            return Ok(Vec::new());
        }
        let mut stacks = list.finish(status).map_err(|e| self.client.scrub(e))?;
        // Old servers ignore filters they do not know; filter here too so that
        // `deploy` never matches a stack of another environment.
        if let Some(e) = self.endpoint {
            stacks.retain(|s| s.endpoint_id == e);
        }
        if let Some(sw) = &self.swarm_id {
            stacks.retain(|s| &s.swarm_id == sw);
        }
        Ok(stacks)
    }
}

/// Creates a stack; from [`Stacks::create_compose`], [`Stacks::create_swarm`]
/// or [`Stacks::create_kubernetes`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct CreateStack<'c> {
    client: &'c Client,
    kind: StackType,
    endpoint_id: i64,
    name: String,
    source: Option<Source>,
    env: Vec<EnvVar>,
    swarm_id: Option<String>,
    namespace: Option<String>,
    compose_format: bool,
    timeout: Option<Duration>,
}

impl<'c> CreateStack<'c> {
    /// The compose file or manifest as text.
    pub fn content(mut self, content: impl Into<String>) -> Self {
        self.source = Some(Source::Content(content.into()));
        self
    }

    /// Upload a compose file from disk (multipart). Kubernetes manifests are read and sent as text.
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        self.source = Some(Source::File(path.as_ref().to_path_buf()));
        self
    }

    /// Deploy from a git repository.
    pub fn git(mut self, source: GitSource) -> Self {
        self.source = Some(Source::Git(Box::new(source)));
        self
    }

    /// Kubernetes only: a manifest Portainer downloads from `url`.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.source = Some(Source::Url(url.into()));
        self
    }

    /// All environment variables (compose and swarm stacks).
    pub fn env(mut self, env: impl IntoIterator<Item = EnvVar>) -> Self {
        self.env = env.into_iter().collect();
        self
    }

    /// One environment variable (compose and swarm stacks).
    pub fn env_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push(EnvVar::new(name.into(), value.into()));
        self
    }

    /// Swarm stacks: the swarm cluster id. Looked up from the environment
    /// (`GET /endpoints/{id}/docker/swarm`) when not given.
    pub fn swarm_id(mut self, swarm_id: impl Into<String>) -> Self {
        self.swarm_id = Some(swarm_id.into());
        self
    }

    /// Kubernetes stacks: the namespace.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Kubernetes stacks: the content is a compose file for Portainer to convert.
    pub fn compose_format(mut self, yes: bool) -> Self {
        self.compose_format = yes;
        self
    }

    /// Overrides the deploy timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    fn validate(&self) -> Result<(), Error> {
        if self.name.trim().is_empty() {
            return Err(Error::InvalidInput("a stack needs a name".into()));
        }
        if self.endpoint_id <= 0 {
            return Err(Error::InvalidInput(format!(
                "environment id must be positive, not {}",
                self.endpoint_id
            )));
        }
        let Some(source) = &self.source else {
            return Err(Error::InvalidInput(format!(
                "stack {:?}: give its content, a file, a git repository or (Kubernetes) a URL",
                self.name
            )));
        };
        let kube = self.kind == StackType::Kubernetes;
        if matches!(source, Source::Url(_)) && !kube {
            return Err(Error::InvalidInput(
                "only Kubernetes stacks can be created from a URL".into(),
            ));
        }
        if kube && !self.env.is_empty() {
            return Err(Error::InvalidInput(
                "Kubernetes stacks take no environment variables".into(),
            ));
        }
        if let Source::Content(c) = source
            && c.trim().is_empty()
        {
            return Err(Error::InvalidInput(format!(
                "stack {:?}: the content is empty",
                self.name
            )));
        }
        if let Source::Git(g) = source
            && g.url.trim().is_empty()
        {
            return Err(Error::InvalidInput(
                "the git repository URL is empty".into(),
            ));
        }
        Ok(())
    }

    /// Creates the stack and returns it.
    pub async fn send(mut self) -> Result<Stack, Error> {
        self.validate()?;
        let client = self.client;
        let version = client.cached_version().await?;
        let modern = version.has_split_stack_create();
        // Kubernetes has no upload route: send the file's text.
        if self.kind == StackType::Kubernetes
            && let Some(Source::File(path)) = &self.source
        {
            let text = read_file(path).await?;
            self.source = Some(Source::Content(text));
        }
        if self.kind == StackType::Swarm && self.swarm_id.is_none() {
            self.swarm_id = Some(swarm_id_of(client, self.endpoint_id).await?);
        }
        let source = self
            .source
            .take()
            .ok_or_else(|| Error::InvalidInput("stack source missing".into()))?;
        let (kind_segment, type_num) = match self.kind {
            StackType::Swarm => ("swarm", 1),
            StackType::Kubernetes => ("kubernetes", 3),
            _ => ("standalone", 2),
        };
        let (method_segment, legacy_method) = match &source {
            Source::Content(_) => ("string", "string"),
            Source::File(_) => ("file", "file"),
            Source::Git(_) => ("repository", "repository"),
            Source::Url(_) => ("url", "url"),
        };
        let op = if modern {
            modern_create_op(self.kind, &source)
        } else {
            ops::LEGACY_STACK_CREATE
        };
        let mut req = if modern {
            client.request(
                Method::POST,
                &["stacks", "create", kind_segment, method_segment],
            )
        } else {
            client.request(Method::POST, &["stacks"]).query(&[
                ("type", type_num.to_string()),
                ("method", legacy_method.to_owned()),
            ])
        };
        req = req.query(&[("endpointId", self.endpoint_id)]);
        req = match source {
            Source::File(path) => req.multipart(self.multipart(&path).await?),
            other => req.json(&self.json_body(&other)),
        };
        let (status, body) = client.send(op, req, opts(self.timeout)).await?;
        let value: Value = if crate::go_json::is_blank(&body) {
            Value::Null
        } else {
            client.decode(op, status, &body)?
        };
        // Docker creates answer with the stack; Kubernetes ones with `{"Output"}`
        // only, so the new stack is looked up by name.
        if value.get("Id").is_some() {
            return client.decode(op, status, &body);
        }
        let found = client
            .stacks()
            .list()
            .endpoint(self.endpoint_id)
            .send()
            .await?
            .into_iter()
            .find(|s| s.name == self.name);
        found.ok_or_else(|| {
            Error::Api(crate::ApiError {
                status: status.as_u16(),
                operation: Some(op.id),
                message: Some(format!(
                    "stack {:?} was created but is not listed on environment {}",
                    self.name, self.endpoint_id
                )),
                details: value
                    .get("Output")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                body_snippet: None,
            })
        })
    }

    fn json_body(&self, source: &Source) -> Value {
        let mut b = Map::new();
        let kube = self.kind == StackType::Kubernetes;
        b.insert(
            if kube { "StackName" } else { "Name" }.into(),
            json!(self.name),
        );
        if kube {
            b.insert(
                "Namespace".into(),
                json!(self.namespace.clone().unwrap_or_default()),
            );
            b.insert("ComposeFormat".into(), json!(self.compose_format));
        } else {
            b.insert("Env".into(), json!(self.env));
        }
        if let Some(s) = &self.swarm_id {
            b.insert("SwarmID".into(), json!(s));
        }
        match source {
            Source::Content(c) => {
                b.insert("StackFileContent".into(), json!(c));
            }
            Source::Url(u) => {
                b.insert("ManifestURL".into(), json!(u));
            }
            Source::Git(g) => {
                b.insert("RepositoryURL".into(), json!(g.url));
                if let Some(r) = &g.reference {
                    b.insert("RepositoryReferenceName".into(), json!(r));
                }
                let path = g
                    .path
                    .clone()
                    .unwrap_or_else(|| "docker-compose.yml".into());
                b.insert(
                    if kube { "ManifestFile" } else { "ComposeFile" }.into(),
                    json!(path),
                );
                b.insert("AdditionalFiles".into(), json!(g.additional_files));
                g.auth_fields(&mut b);
                if let Some(a) = &g.auto_update {
                    b.insert("AutoUpdate".into(), json!(a));
                }
                b.insert("TLSSkipVerify".into(), json!(g.tls_skip_verify));
            }
            Source::File(_) => {}
        }
        Value::Object(b)
    }

    async fn multipart(&self, path: &Path) -> Result<reqwest::multipart::Form, Error> {
        let bytes = tokio::fs::read(path).await.map_err(|e| {
            Error::InvalidInput(format!(
                "cannot read the stack file {}: {e}",
                path.display()
            ))
        })?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "docker-compose.yml".into());
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name)
            .mime_str("application/octet-stream")
            .map_err(|e| Error::InvalidInput(format!("bad MIME type: {e}")))?;
        let mut form = reqwest::multipart::Form::new()
            .text("Name", self.name.clone())
            .text("Env", json!(self.env).to_string());
        if let Some(s) = &self.swarm_id {
            form = form.text("SwarmID", s.clone());
        }
        Ok(form.part("file", part))
    }
}

fn modern_create_op(kind: StackType, source: &Source) -> OpInfo {
    match (kind, source) {
        (StackType::Swarm, Source::File(_)) => ops::CREATE_SWARM_FILE,
        (StackType::Swarm, Source::Git(_)) => ops::CREATE_SWARM_GIT,
        (StackType::Swarm, _) => ops::CREATE_SWARM_STRING,
        (StackType::Kubernetes, Source::Git(_)) => ops::CREATE_KUBE_GIT,
        (StackType::Kubernetes, Source::Url(_)) => ops::CREATE_KUBE_URL,
        (StackType::Kubernetes, _) => ops::CREATE_KUBE_STRING,
        (_, Source::File(_)) => ops::CREATE_STANDALONE_FILE,
        (_, Source::Git(_)) => ops::CREATE_STANDALONE_GIT,
        _ => ops::CREATE_STANDALONE_STRING,
    }
}

async fn read_file(path: &Path) -> Result<String, Error> {
    tokio::fs::read_to_string(path).await.map_err(|e| {
        Error::InvalidInput(format!(
            "cannot read the stack file {}: {e}",
            path.display()
        ))
    })
}

/// The swarm cluster id of an environment, from the Docker API behind Portainer.
async fn swarm_id_of(client: &Client, endpoint_id: i64) -> Result<String, Error> {
    #[derive(serde::Deserialize)]
    struct Swarm {
        #[serde(rename = "ID", default)]
        id: String,
    }
    let req = client.request(
        Method::GET,
        &["endpoints", &endpoint_id.to_string(), "docker", "swarm"],
    );
    let swarm: Swarm = client
        .json(ops::DOCKER_SWARM_INSPECT, req, opts(None))
        .await?;
    if swarm.id.is_empty() {
        return Err(Error::InvalidInput(format!(
            "environment {endpoint_id} reports no swarm id; is it a swarm manager?"
        )));
    }
    Ok(swarm.id)
}

/// Updates a stack's file and/or env; from [`Stacks::update`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct UpdateStack<'c> {
    client: &'c Client,
    id: i64,
    content: Option<Source>,
    env: EnvEdits,
    prune: bool,
    pull_image: bool,
    timeout: Option<Duration>,
}

impl UpdateStack<'_> {
    /// New compose file or manifest text. Without it the current file is kept.
    pub fn content(mut self, content: impl Into<String>) -> Self {
        self.content = Some(Source::Content(content.into()));
        self
    }

    /// New file content read from disk.
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        self.content = Some(Source::File(path.as_ref().to_path_buf()));
        self
    }

    /// Replace all environment variables.
    pub fn env(mut self, env: impl IntoIterator<Item = EnvVar>) -> Self {
        self.env.replace = Some(env.into_iter().collect());
        self.env.edits.clear();
        self
    }

    /// Set one variable, keeping the others.
    pub fn set_env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.edits.push((name.into(), Some(value.into())));
        self
    }

    /// Remove one variable, keeping the others.
    pub fn remove_env(mut self, name: impl Into<String>) -> Self {
        self.env.edits.push((name.into(), None));
        self
    }

    /// Remove services no longer in the file.
    pub fn prune(mut self, yes: bool) -> Self {
        self.prune = yes;
        self
    }

    /// Pull images before redeploying.
    pub fn pull_image(mut self, yes: bool) -> Self {
        self.pull_image = yes;
        self
    }

    /// Overrides the deploy timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Reads the stack (for its environment id and current env), then sends
    /// `PUT /api/stacks/{id}?endpointId=`.
    pub async fn send(self) -> Result<Stack, Error> {
        let stacks = self.client.stacks();
        let current = stacks.get(self.id).await?;
        self.send_with(&current).await
    }

    async fn send_with(self, current: &Stack) -> Result<Stack, Error> {
        let content = match &self.content {
            Some(Source::Content(c)) => c.clone(),
            Some(Source::File(p)) => read_file(p).await?,
            // The server requires the file in every update; resend the current one.
            _ => self.client.stacks().file(self.id).await?,
        };
        if content.trim().is_empty() {
            return Err(Error::InvalidInput(format!(
                "stack {}: the new content is empty",
                self.id
            )));
        }
        let body = json!({
            "StackFileContent": content,
            "Env": self.env.apply(&current.env),
            "Prune": self.prune,
            "PullImage": self.pull_image,
        });
        let req = self
            .client
            .request(Method::PUT, &["stacks", &self.id.to_string()])
            .query(&[("endpointId", current.endpoint_id)])
            .json(&body);
        self.client
            .json(ops::STACK_UPDATE, req, opts(self.timeout))
            .await
    }
}

/// Fields shared by the two git calls: reference, credentials, env.
fn git_common(
    body: &mut Map<String, Value>,
    current: &Stack,
    reference: &Option<String>,
    credentials: &Option<(String, SecretString)>,
    env: &EnvEdits,
) -> Result<(), Error> {
    let Some(git) = &current.git_config else {
        return Err(Error::InvalidInput(format!(
            "stack {} ({:?}) is not deployed from git",
            current.id, current.name
        )));
    };
    let reference = reference
        .clone()
        .unwrap_or_else(|| git.reference_name.to_string());
    body.insert("RepositoryReferenceName".into(), json!(reference));
    match (credentials, &git.authentication) {
        (Some((user, pass)), _) => {
            body.insert("RepositoryAuthentication".into(), json!(true));
            body.insert("RepositoryUsername".into(), json!(user));
            body.insert("RepositoryPassword".into(), json!(pass.expose_secret()));
        }
        // Keep the stored credentials: Portainer reuses the saved password when
        // authentication is on and the password sent is empty.
        (None, Some(auth)) if !auth.username.is_empty() => {
            body.insert("RepositoryAuthentication".into(), json!(true));
            body.insert("RepositoryUsername".into(), json!(auth.username));
            body.insert("RepositoryPassword".into(), json!(""));
        }
        (None, _) => {
            body.insert("RepositoryAuthentication".into(), json!(false));
        }
    }
    body.insert("Env".into(), json!(env.apply(&current.env)));
    Ok(())
}

/// Pulls the repository and redeploys a git stack; from [`Stacks::redeploy_git`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct RedeployGit<'c> {
    client: &'c Client,
    id: i64,
    reference: Option<String>,
    credentials: Option<(String, SecretString)>,
    env: EnvEdits,
    prune: bool,
    pull_image: bool,
    timeout: Option<Duration>,
}

impl RedeployGit<'_> {
    /// Deploy this reference instead of the stack's current one.
    pub fn reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// New repository credentials (the stored ones are kept otherwise).
    pub fn credentials(
        mut self,
        username: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        self.credentials = Some((username.into(), password.into()));
        self
    }

    /// Replace all environment variables.
    pub fn env(mut self, env: impl IntoIterator<Item = EnvVar>) -> Self {
        self.env.replace = Some(env.into_iter().collect());
        self.env.edits.clear();
        self
    }

    /// Set one variable, keeping the others.
    pub fn set_env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.edits.push((name.into(), Some(value.into())));
        self
    }

    /// Remove services no longer in the file.
    pub fn prune(mut self, yes: bool) -> Self {
        self.prune = yes;
        self
    }

    /// Pull images before redeploying.
    pub fn pull_image(mut self, yes: bool) -> Self {
        self.pull_image = yes;
        self
    }

    /// Overrides the deploy timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Reads the stack, then sends `PUT /api/stacks/{id}/git/redeploy?endpointId=`.
    pub async fn send(self) -> Result<Stack, Error> {
        let current = self.client.stacks().get(self.id).await?;
        let mut body = Map::new();
        git_common(
            &mut body,
            &current,
            &self.reference,
            &self.credentials,
            &self.env,
        )?;
        body.insert("Prune".into(), json!(self.prune));
        body.insert("PullImage".into(), json!(self.pull_image));
        let req = self
            .client
            .request(
                Method::PUT,
                &["stacks", &self.id.to_string(), "git", "redeploy"],
            )
            .query(&[("endpointId", current.endpoint_id)])
            .json(&Value::Object(body));
        self.client
            .json(ops::STACK_GIT_REDEPLOY, req, opts(self.timeout))
            .await
    }
}

/// Changes a git stack's settings without redeploying; from [`Stacks::update_git_settings`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct UpdateGitSettings<'c> {
    client: &'c Client,
    id: i64,
    reference: Option<String>,
    credentials: Option<(String, SecretString)>,
    env: EnvEdits,
    auto_update: Option<Option<AutoUpdate>>,
    prune: Option<bool>,
    tls_skip_verify: Option<bool>,
}

impl UpdateGitSettings<'_> {
    /// Track this reference from now on.
    pub fn reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// New repository credentials (the stored ones are kept otherwise).
    pub fn credentials(
        mut self,
        username: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        self.credentials = Some((username.into(), password.into()));
        self
    }

    /// Set one variable, keeping the others.
    pub fn set_env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.edits.push((name.into(), Some(value.into())));
        self
    }

    /// Replace all environment variables.
    pub fn env(mut self, env: impl IntoIterator<Item = EnvVar>) -> Self {
        self.env.replace = Some(env.into_iter().collect());
        self.env.edits.clear();
        self
    }

    /// Turn automatic updates on with these settings.
    pub fn auto_update(mut self, auto_update: AutoUpdate) -> Self {
        self.auto_update = Some(Some(auto_update));
        self
    }

    /// Turn automatic updates off.
    pub fn disable_auto_update(mut self) -> Self {
        self.auto_update = Some(None);
        self
    }

    /// Whether later redeploys prune services no longer in the file.
    pub fn prune(mut self, yes: bool) -> Self {
        self.prune = Some(yes);
        self
    }

    /// Skip TLS verification of the git server.
    pub fn tls_skip_verify(mut self, yes: bool) -> Self {
        self.tls_skip_verify = Some(yes);
        self
    }

    /// Reads the stack, then sends `POST /api/stacks/{id}/git?endpointId=`;
    /// everything not set here keeps its current value.
    pub async fn send(self) -> Result<Stack, Error> {
        let current = self.client.stacks().get(self.id).await?;
        let mut body = Map::new();
        git_common(
            &mut body,
            &current,
            &self.reference,
            &self.credentials,
            &self.env,
        )?;
        let auto_update = match &self.auto_update {
            Some(a) => a.clone(),
            None => current.auto_update.as_deref().cloned(),
        };
        body.insert("AutoUpdate".into(), json!(auto_update));
        let current_prune = current.option.as_ref().is_some_and(|o| o.prune);
        body.insert("Prune".into(), json!(self.prune.unwrap_or(current_prune)));
        let current_skip = current
            .git_config
            .as_ref()
            .is_some_and(|g| g.tls_skip_verify);
        body.insert(
            "TLSSkipVerify".into(),
            json!(self.tls_skip_verify.unwrap_or(current_skip)),
        );
        let req = self
            .client
            .request(Method::POST, &["stacks", &self.id.to_string(), "git"])
            .query(&[("endpointId", current.endpoint_id)])
            .json(&Value::Object(body));
        self.client
            .json(ops::STACK_GIT_UPDATE, req, opts(None))
            .await
    }
}

/// Deletes a stack; from [`Stacks::delete`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct DeleteStack<'c> {
    client: &'c Client,
    id: i64,
    endpoint: Option<i64>,
    remove_volumes: bool,
}

impl DeleteStack<'_> {
    /// The stack's environment, saving the lookup.
    pub fn endpoint(mut self, endpoint_id: i64) -> Self {
        self.endpoint = Some(endpoint_id);
        self
    }

    /// Also delete the stack's volumes (compose stacks).
    pub fn remove_volumes(mut self, yes: bool) -> Self {
        self.remove_volumes = yes;
        self
    }

    /// Sends `DELETE /api/stacks/{id}?endpointId=`.
    pub async fn send(self) -> Result<(), Error> {
        let endpoint = match self.endpoint {
            Some(e) => e,
            None => self.client.stacks().get(self.id).await?.endpoint_id,
        };
        let mut req = self
            .client
            .request(Method::DELETE, &["stacks", &self.id.to_string()])
            .query(&[("endpointId", endpoint)]);
        if self.remove_volumes {
            req = req.query(&[("removeVolumes", "true")]);
        }
        self.client.send(ops::STACK_DELETE, req, opts(None)).await?;
        Ok(())
    }
}

/// What [`DeployStack::send`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Deployed {
    /// No stack had the name on the environment; this one was created.
    Created(Stack),
    /// The existing stack was updated.
    Updated(Stack),
}

impl Deployed {
    /// The stack, created or updated.
    pub fn stack(&self) -> &Stack {
        match self {
            Deployed::Created(s) | Deployed::Updated(s) => s,
        }
    }

    /// Whether the stack was created by this call.
    pub fn was_created(&self) -> bool {
        matches!(self, Deployed::Created(_))
    }
}

/// Creates a stack, or updates the one with the same name on the same
/// environment; from [`Stacks::deploy`]. Running it twice gives one stack.
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct DeployStack<'c> {
    client: &'c Client,
    kind: StackType,
    endpoint_id: i64,
    name: String,
    source: Option<Source>,
    env: Option<Vec<EnvVar>>,
    prune: bool,
    pull_image: bool,
    swarm_id: Option<String>,
    timeout: Option<Duration>,
}

impl DeployStack<'_> {
    /// Deploy as a swarm stack (default: compose).
    pub fn swarm(mut self) -> Self {
        self.kind = StackType::Swarm;
        self
    }

    /// Deploy as a Kubernetes stack (default: compose).
    pub fn kubernetes(mut self) -> Self {
        self.kind = StackType::Kubernetes;
        self
    }

    /// The compose file or manifest text.
    pub fn content(mut self, content: impl Into<String>) -> Self {
        self.source = Some(Source::Content(content.into()));
        self
    }

    /// The compose file or manifest, read from disk.
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        self.source = Some(Source::File(path.as_ref().to_path_buf()));
        self
    }

    /// The environment variables. Without this an update keeps the stack's current ones.
    pub fn env(mut self, env: impl IntoIterator<Item = EnvVar>) -> Self {
        self.env = Some(env.into_iter().collect());
        self
    }

    /// On update: remove services no longer in the file.
    pub fn prune(mut self, yes: bool) -> Self {
        self.prune = yes;
        self
    }

    /// On update: pull images before redeploying.
    pub fn pull_image(mut self, yes: bool) -> Self {
        self.pull_image = yes;
        self
    }

    /// Swarm stacks: the swarm id (looked up when not given).
    pub fn swarm_id(mut self, swarm_id: impl Into<String>) -> Self {
        self.swarm_id = Some(swarm_id.into());
        self
    }

    /// Overrides the deploy timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Lists the environment's stacks, then updates the one named so or creates it.
    pub async fn send(self) -> Result<Deployed, Error> {
        let content = match &self.source {
            Some(Source::Content(c)) => c.clone(),
            Some(Source::File(p)) => read_file(p).await?,
            _ => {
                return Err(Error::InvalidInput(format!(
                    "deploy {:?}: give the content or a file",
                    self.name
                )));
            }
        };
        if self.name.trim().is_empty() {
            return Err(Error::InvalidInput("a stack needs a name".into()));
        }
        let stacks = self.client.stacks();
        let existing = stacks
            .list()
            .endpoint(self.endpoint_id)
            .send()
            .await?
            .into_iter()
            .find(|s| s.name == self.name);
        if let Some(current) = existing {
            let mut update = stacks
                .update(current.id)
                .content(content)
                .prune(self.prune)
                .pull_image(self.pull_image);
            if let Some(env) = self.env {
                update = update.env(env);
            }
            update.timeout = self.timeout;
            return Ok(Deployed::Updated(update.send_with(&current).await?));
        }
        let mut create = CreateStack {
            client: self.client,
            kind: self.kind,
            endpoint_id: self.endpoint_id,
            name: self.name,
            source: Some(Source::Content(content)),
            env: self.env.unwrap_or_default(),
            swarm_id: self.swarm_id,
            namespace: None,
            compose_format: false,
            timeout: self.timeout,
        };
        if create.kind == StackType::Kubernetes {
            create.env.clear();
        }
        Ok(Deployed::Created(create.send().await?))
    }
}

impl<'c> Stacks<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists stacks the user can see; narrow with `.endpoint(id)` or `.swarm_id(..)`.
    pub fn list(&self) -> ListStacks<'c> {
        ListStacks {
            client: self.client,
            endpoint: None,
            swarm_id: None,
        }
    }

    /// One stack by id (`GET /api/stacks/{id}`).
    pub async fn get(&self, id: i64) -> Result<Stack, Error> {
        let req = self
            .client
            .request(Method::GET, &["stacks", &id.to_string()]);
        self.client.json(ops::STACK_INSPECT, req, opts(None)).await
    }

    /// The stack's compose file or manifest text (`GET /api/stacks/{id}/file`).
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let yaml = client.stacks().file(61).await?;
    /// # Ok(()) }
    /// ```
    pub async fn file(&self, id: i64) -> Result<String, Error> {
        #[derive(serde::Deserialize)]
        struct FileResponse {
            #[serde(rename = "StackFileContent", default)]
            content: Option<String>,
        }
        let req = self
            .client
            .request(Method::GET, &["stacks", &id.to_string(), "file"]);
        let r: FileResponse = self.client.json(ops::STACK_FILE, req, opts(None)).await?;
        Ok(r.content.unwrap_or_default())
    }

    fn create(&self, kind: StackType, endpoint_id: i64, name: String) -> CreateStack<'c> {
        CreateStack {
            client: self.client,
            kind,
            endpoint_id,
            name,
            source: None,
            env: Vec::new(),
            swarm_id: None,
            namespace: None,
            compose_format: false,
            timeout: None,
        }
    }

    /// Creates a compose stack on a standalone Docker environment.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let stack = client
    ///     .stacks()
    ///     .create_compose(2, "web")
    ///     .content("services:\n  web:\n    image: nginx\n")
    ///     .env_var("TAG", "1.27")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn create_compose(&self, endpoint_id: i64, name: impl Into<String>) -> CreateStack<'c> {
        self.create(StackType::Compose, endpoint_id, name.into())
    }

    /// Creates a swarm stack; the swarm id is looked up unless given.
    pub fn create_swarm(&self, endpoint_id: i64, name: impl Into<String>) -> CreateStack<'c> {
        self.create(StackType::Swarm, endpoint_id, name.into())
    }

    /// Creates a Kubernetes stack from text, git or a URL.
    pub fn create_kubernetes(&self, endpoint_id: i64, name: impl Into<String>) -> CreateStack<'c> {
        self.create(StackType::Kubernetes, endpoint_id, name.into())
    }

    /// Updates a stack's file and/or env. The environment id is taken from the
    /// stack, and the current env is kept unless changed.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// client.stacks().update(5).set_env("TAG", "1.28").pull_image(true).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: i64) -> UpdateStack<'c> {
        UpdateStack {
            client: self.client,
            id,
            content: None,
            env: EnvEdits::default(),
            prune: false,
            pull_image: false,
            timeout: None,
        }
    }

    /// Pulls a git stack's repository and redeploys it.
    pub fn redeploy_git(&self, id: i64) -> RedeployGit<'c> {
        RedeployGit {
            client: self.client,
            id,
            reference: None,
            credentials: None,
            env: EnvEdits::default(),
            prune: false,
            pull_image: false,
            timeout: None,
        }
    }

    /// Changes a git stack's reference, credentials, env or auto-update settings.
    pub fn update_git_settings(&self, id: i64) -> UpdateGitSettings<'c> {
        UpdateGitSettings {
            client: self.client,
            id,
            reference: None,
            credentials: None,
            env: EnvEdits::default(),
            auto_update: None,
            prune: None,
            tls_skip_verify: None,
        }
    }

    async fn start_stop(&self, id: i64, op: OpInfo, action: &str) -> Result<Stack, Error> {
        let endpoint = self.get(id).await?.endpoint_id;
        let req = self
            .client
            .request(Method::POST, &["stacks", &id.to_string(), action])
            .query(&[("endpointId", endpoint)]);
        self.client.json(op, req, opts(None)).await
    }

    /// Starts a stopped stack.
    pub async fn start(&self, id: i64) -> Result<Stack, Error> {
        self.start_stop(id, ops::STACK_START, "start").await
    }

    /// Stops a running stack.
    pub async fn stop(&self, id: i64) -> Result<Stack, Error> {
        self.start_stop(id, ops::STACK_STOP, "stop").await
    }

    /// Deletes a stack.
    pub fn delete(&self, id: i64) -> DeleteStack<'c> {
        DeleteStack {
            client: self.client,
            id,
            endpoint: None,
            remove_volumes: false,
        }
    }

    /// Creates or updates the stack `name` on `endpoint_id`: running it twice gives one stack.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let outcome = client.stacks().deploy(2, "web").file("compose.yml").send().await?;
    /// println!("{} stack {}", if outcome.was_created() { "created" } else { "updated" }, outcome.stack().id);
    /// # Ok(()) }
    /// ```
    pub fn deploy(&self, endpoint_id: i64, name: impl Into<String>) -> DeployStack<'c> {
        DeployStack {
            client: self.client,
            kind: StackType::Compose,
            endpoint_id,
            name: name.into(),
            source: None,
            env: None,
            prune: false,
            pull_image: false,
            swarm_id: None,
            timeout: None,
        }
    }
}

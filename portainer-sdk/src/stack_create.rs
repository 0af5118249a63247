//! Creating stacks: `client.stacks().create_*(..)`, and the sources a stack
//! is made from.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Method;

use crate::models::{self, AutoUpdateSettings, Pair, Stack};
use crate::stacks::{Kind, pair, read_file};
use crate::transport::{CallOpts, OpInfo};
use crate::{Client, Error, Text};
use secrecy::{ExposeSecret, SecretString};

/// Where a stack's content comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Content(String),
    File(PathBuf),
    // Boxed: a git source is several times the size of the other variants.
    Git(Box<GitSource>),
    Url(String),
}

/// `content` and `file`, for the calls that take a stack file.
macro_rules! file_setters {
    () => {
        /// The compose file or manifest as text.
        pub fn content(mut self, content: impl Into<String>) -> Self {
            self.source = Some(Source::Content(content.into()));
            self
        }

        /// The compose file or manifest, read from disk. A new compose or
        /// swarm stack gets it as an upload (multipart), the rest as text.
        pub fn file(mut self, path: impl AsRef<Path>) -> Self {
            self.source = Some(Source::File(path.as_ref().to_path_buf()));
            self
        }
    };
}
pub(crate) use file_setters;

/// A git repository to deploy a stack from.
///
/// ```
/// use portainer_sdk::GitSource;
/// use portainer_sdk::models::AutoUpdateSettings;
/// let src = GitSource::new("https://github.com/acme/ops")
///     .reference("refs/heads/main")
///     .path("web/compose.yml")
///     .credentials("deploy-bot", "ghp_token")
///     .auto_update(AutoUpdateSettings { interval: Some("5m".into()), ..Default::default() });
/// assert!(!format!("{src:?}").contains("ghp_token"));
/// ```
#[derive(Debug, Clone)]
pub struct GitSource {
    pub(crate) url: String,
    pub(crate) reference: Option<String>,
    pub(crate) path: Option<String>,
    pub(crate) additional_files: Vec<String>,
    pub(crate) credentials: Option<(String, SecretString)>,
    pub(crate) auto_update: Option<AutoUpdateSettings>,
    pub(crate) tls_skip_verify: bool,
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
    pub fn auto_update(mut self, auto_update: AutoUpdateSettings) -> Self {
        self.auto_update = Some(auto_update);
        self
    }

    /// Skip TLS verification of the git server.
    pub fn tls_skip_verify(mut self, skip: bool) -> Self {
        self.tls_skip_verify = skip;
        self
    }

    fn file(&self) -> Text {
        self.path.as_deref().unwrap_or("docker-compose.yml").into()
    }
}

/// Creates a stack; from [`Stacks::create_compose`](crate::Stacks::create_compose),
/// [`create_swarm`](crate::Stacks::create_swarm) or
/// [`create_kubernetes`](crate::Stacks::create_kubernetes).
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct CreateStack<'c> {
    client: &'c Client,
    pub(crate) kind: Kind,
    environment_id: i64,
    name: String,
    pub(crate) source: Option<Source>,
    pub(crate) env: Vec<Pair>,
    pub(crate) swarm_id: Option<String>,
    namespace: Option<String>,
    compose_format: bool,
    pub(crate) timeout: Option<Duration>,
}

impl<'c> CreateStack<'c> {
    pub(crate) fn new(client: &'c Client, kind: Kind, environment_id: i64, name: String) -> Self {
        Self {
            client,
            kind,
            environment_id,
            name,
            source: None,
            env: Vec::new(),
            swarm_id: None,
            namespace: None,
            compose_format: false,
            timeout: None,
        }
    }

    file_setters!();

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
    pub fn env<K: Into<String>, V: Into<String>>(
        mut self,
        env: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.env = env.into_iter().map(|(k, v)| pair(k, v)).collect();
        self
    }

    /// One environment variable (compose and swarm stacks).
    pub fn env_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push(pair(name, value));
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

    /// The source to create from, once the input is known to be valid.
    fn checked_source(&mut self) -> Result<Source, Error> {
        if self.name.trim().is_empty() {
            return Err(Error::InvalidInput("a stack needs a name".into()));
        }
        if self.environment_id <= 0 {
            return Err(Error::InvalidInput(format!(
                "environment id must be positive, not {}",
                self.environment_id
            )));
        }
        let kube = self.kind == Kind::Kubernetes;
        match self.source.take() {
            None => Err(Error::InvalidInput(format!(
                "stack {:?}: give its content, a file, a git repository or (Kubernetes) a URL",
                self.name
            ))),
            Some(Source::Url(_)) if !kube => Err(Error::InvalidInput(
                "only Kubernetes stacks can be created from a URL".into(),
            )),
            _ if kube && !self.env.is_empty() => Err(Error::InvalidInput(
                "Kubernetes stacks take no environment variables".into(),
            )),
            Some(Source::Content(c)) if c.trim().is_empty() => Err(Error::InvalidInput(format!(
                "stack {:?}: the content is empty",
                self.name
            ))),
            Some(Source::Git(g)) if g.url.trim().is_empty() => Err(Error::InvalidInput(
                "the git repository URL is empty".into(),
            )),
            Some(source) => Ok(source),
        }
    }

    /// Creates the stack and returns it.
    pub async fn send(mut self) -> Result<Stack, Error> {
        let mut source = self.checked_source()?;
        // Kubernetes has no upload route: send the file's text.
        if let (Kind::Kubernetes, Source::File(path)) = (self.kind, &source) {
            source = Source::Content(read_file(path).await?);
        }
        if self.kind == Kind::Swarm && self.swarm_id.is_none() {
            self.swarm_id = Some(swarm_id_of(self.client, self.environment_id).await?);
        }
        let legacy = !self.client.cached_version().await?.has_split_stack_create();
        let created = match source {
            Source::File(path) => self.upload(&path, legacy).await?,
            source => self.create(source, legacy).await?,
        };
        match created {
            Some(stack) => Ok(stack),
            None => self.look_up().await,
        }
    }

    /// A create with a JSON body, on the split routes of 2.19 and later or
    /// else on the legacy route, which takes the same bodies.
    async fn create(&self, source: Source, legacy: bool) -> Result<Option<Stack>, Error> {
        let raw = self.client.raw_for(self.timeout);
        let env = Some(self.env.clone());
        let name = Text::from(&self.name);
        let swarm_id = Text::from(self.swarm_id.as_deref().unwrap_or_default());
        let namespace = self.namespace.as_deref().map(Text::from);
        let compose_format = Some(self.compose_format);
        // The legacy route's name for the same create.
        let method = match &source {
            Source::Git(_) => "repository",
            Source::Url(_) => "url",
            _ => "string",
        };
        // Each route is its own generated builder (`$route` is its method),
        // answered with a stack or, on Kubernetes, `{"Output"}` (`$answer`).
        macro_rules! send {
            ($answer:ident, $route:ident, $body:ident) => {{
                if legacy {
                    return self.create_legacy(method, |req| req.json(&$body)).await;
                }
                let sent = raw.$route().endpoint_id(self.environment_id);
                self.$answer(stringify!($route), sent.body(&$body).send())
                    .await
            }};
        }
        // The repository fields, named alike in the three git payloads.
        macro_rules! from_git {
            ($model:ident, $g:expr, { $($field:ident $(: $value:expr)?),* $(,)? }) => {
                models::$model {
                    $($field $(: $value)?,)*
                    repository_url: Some($g.url.as_str().into()),
                    repository_reference_name: $g.reference.as_deref().map(Text::from),
                    additional_files: Some($g.additional_files.iter().map(Text::from).collect()),
                    repository_authentication: Some($g.credentials.is_some()),
                    repository_username: $g.credentials.as_ref().map(|(u, _)| u.into()),
                    repository_password: $g.credentials.as_ref()
                        .map(|(_, p)| p.expose_secret().into()),
                    auto_update: $g.auto_update.clone().map(Box::new),
                    tls_skip_verify: Some($g.tls_skip_verify),
                    ..Default::default()
                }
            };
        }
        match (self.kind, source) {
            (Kind::Kubernetes, Source::Git(g)) => {
                let body = from_git!(KubernetesGitDeploymentPayload, g, {
                    stack_name: Some(name),
                    namespace,
                    compose_format,
                    manifest_file: Some(g.file()),
                });
                send!(kubernetes_created, stack_create_kubernetes_git, body)
            }
            (Kind::Kubernetes, Source::Url(url)) => {
                let body = models::KubernetesManifestUrlDeploymentPayload {
                    stack_name: Some(name),
                    namespace,
                    compose_format,
                    manifest_url: Some(url.into()),
                };
                send!(kubernetes_created, stack_create_kubernetes_url, body)
            }
            (Kind::Kubernetes, source) => {
                let body = models::KubernetesStringDeploymentPayload {
                    stack_name: Some(name),
                    namespace,
                    compose_format,
                    stack_file_content: content_of(source),
                    ..Default::default()
                };
                send!(kubernetes_created, stack_create_kubernetes_file, body)
            }
            (Kind::Swarm, Source::Git(g)) => {
                let body = from_git!(SwarmStackFromGitRepositoryPayload, g, {
                    name,
                    swarm_id,
                    env,
                    compose_file: Some(g.file()),
                });
                send!(created, stack_create_docker_swarm_repository, body)
            }
            (Kind::Swarm, source) => {
                let body = models::SwarmStackFromFileContentPayload {
                    name,
                    swarm_id,
                    env,
                    stack_file_content: content_of(source).unwrap_or_default(),
                    ..Default::default()
                };
                send!(created, stack_create_docker_swarm_string, body)
            }
            (Kind::Compose, Source::Git(g)) => {
                let body = from_git!(ComposeStackFromGitRepositoryPayload, g, {
                    name,
                    env,
                    compose_file: Some(g.file()),
                });
                send!(created, stack_create_docker_standalone_repository, body)
            }
            (Kind::Compose, source) => {
                let body = models::ComposeStackFromFileContentPayload {
                    name,
                    env,
                    stack_file_content: content_of(source).unwrap_or_default(),
                    ..Default::default()
                };
                send!(created, stack_create_docker_standalone_string, body)
            }
        }
    }

    /// The stack a compose or swarm create answers with.
    async fn created(
        &self,
        op: &'static str,
        sent: impl Future<Output = Sent<Stack>>,
    ) -> Result<Option<Stack>, Error> {
        self.client.value(op, sent).await.map(Some)
    }

    /// Kubernetes creates answer with `{"Output"}` only, which some servers
    /// leave blank (JSON whitespace; a form feed, which JSON does not allow,
    /// stays a decode error): either way the stack is looked up next.
    async fn kubernetes_created(
        &self,
        op: &'static str,
        sent: impl Future<Output = Sent<models::CreateKubernetesStackResponse>>,
    ) -> Result<Option<Stack>, Error> {
        match crate::raw::with_status(sent).await {
            (Err(portainer_sdk_gen::Error::InvalidResponsePayload(body, _)), status)
                if status < 300 && crate::error::is_blank(&body) => {}
            (other, status) => {
                self.client.finish(op, other, status).await?;
            }
        }
        Ok(None)
    }

    /// A compose or swarm file uploaded as a multipart form.
    async fn upload(&self, path: &Path, legacy: bool) -> Result<Option<Stack>, Error> {
        use portainer_sdk_gen::multipart::{
            FilePart, StackCreateDockerStandaloneFileForm, StackCreateDockerSwarmFileForm,
        };
        let (file_name, bytes) = read_upload(path).await?;
        // The `Env` form field: the variables as a JSON array.
        let env = serde_json::to_string(&self.env).unwrap_or_else(|_| "[]".into());
        if legacy {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(file_name)
                .mime_str("application/octet-stream")
                .map_err(|e| Error::InvalidInput(format!("bad MIME type: {e}")))?;
            let mut form = reqwest::multipart::Form::new()
                .text("Name", self.name.clone())
                .text("Env", env);
            if let Some(s) = &self.swarm_id {
                form = form.text("SwarmID", s.clone());
            }
            let form = form.part("file", part);
            return self.create_legacy("file", |req| req.multipart(form)).await;
        }
        let file = Some(FilePart::new(file_name, bytes));
        let raw = self.client.raw_for(self.timeout);
        if self.kind == Kind::Swarm {
            let form = StackCreateDockerSwarmFileForm {
                name: Some(self.name.clone()),
                swarm_id: self.swarm_id.clone(),
                env: Some(env),
                file,
            };
            let sent = raw.stack_create_docker_swarm_file();
            let sent = sent.endpoint_id(self.environment_id).body(form).send();
            return self.created("stack_create_docker_swarm_file", sent).await;
        }
        let form = StackCreateDockerStandaloneFileForm {
            name: self.name.clone(),
            env: Some(env),
            file,
        };
        let sent = raw.stack_create_docker_standalone_file();
        let sent = sent.endpoint_id(self.environment_id).body(form).send();
        self.created("stack_create_docker_standalone_file", sent)
            .await
    }

    /// Servers before 2.19 create every stack through `POST /stacks?type=&method=`,
    /// a route the pinned (2.44.0) spec no longer has, so this request is
    /// built here. Its bodies are the payloads of the split routes that
    /// replaced it (api/http/handler/stacks/stack_create.go dispatched on
    /// `type` and `method` to the same payload types).
    async fn create_legacy(
        &self,
        method: &str,
        body: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<Option<Stack>, Error> {
        const OP: OpInfo = OpInfo {
            id: "StackCreate",
            method: "POST",
            path: "/stacks",
        };
        let type_num = match self.kind {
            Kind::Swarm => 1,
            Kind::Compose => 2,
            Kind::Kubernetes => 3,
        };
        let req = self.client.request(Method::POST, &["stacks"]).query(&[
            ("type", type_num.to_string()),
            ("method", method.to_owned()),
            ("endpointId", self.environment_id.to_string()),
        ]);
        let opts = CallOpts {
            timeout: self.timeout,
            anonymous: false,
        };
        let (status, body) = self.client.send(OP, body(req), opts).await?;
        if crate::error::is_blank(&body) {
            return Ok(None);
        }
        // Kubernetes creates answer `{"Output"}`, which reads as a stack
        // without an id (every field of the model is optional).
        let stack: Stack = self.client.decode(OP, status, &body)?;
        Ok(stack.id.is_some().then_some(stack))
    }

    /// The stack just created, by name, for the routes that do not return it.
    async fn look_up(&self) -> Result<Stack, Error> {
        let stacks = self.client.stacks();
        let found = stacks.list().endpoint(self.environment_id).send().await?;
        found
            .into_iter()
            .find(|s| s.name.as_deref() == Some(self.name.as_str()))
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "stack {:?} was created but is not listed on environment {}",
                    self.name, self.environment_id
                ))
            })
    }
}

/// What a generated create's `send` resolves to.
type Sent<T> =
    Result<portainer_sdk_gen::ResponseValue<T>, portainer_sdk_gen::Error<models::ErrorResponse>>;

fn content_of(source: Source) -> Option<Text> {
    match source {
        Source::Content(c) => Some(c.into()),
        _ => None,
    }
}

async fn read_upload(path: &Path) -> Result<(String, Vec<u8>), Error> {
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
    Ok((file_name, bytes))
}

/// The swarm cluster id of an environment, from the Docker API that
/// Portainer proxies (`GET /endpoints/{id}/docker/swarm`).
async fn swarm_id_of(client: &Client, environment_id: i64) -> Result<String, Error> {
    let swarm: serde_json::Value = client
        .docker(environment_id)
        .typed(
            "DockerSwarmInspect",
            "/endpoints/{id}/docker/swarm",
            "/swarm",
        )
        .await?;
    match swarm.get("ID").and_then(serde_json::Value::as_str) {
        Some(id) if !id.is_empty() => Ok(id.to_owned()),
        _ => Err(Error::InvalidInput(format!(
            "environment {environment_id} reports no swarm id; is it a swarm manager?"
        ))),
    }
}

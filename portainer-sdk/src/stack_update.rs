//! Changing stacks: update, git redeploy and settings, and `deploy`
//! (create or update by name). Every change starts from the stack as the
//! server has it and sends back everything the payload carries that the
//! caller did not change, because Portainer's handlers assign the payload's
//! fields to the stack whether they were sent or not.

use std::path::Path;
use std::time::Duration;

use crate::models::{self, AutoUpdateSettings, Stack};
use crate::stack_create::{CreateStack, GitSource, Source, file_setters};
use crate::stacks::{Deploying, EnvEdits, Kind, environment_of, pair, read_file};
use crate::{Client, EnvironmentKind, Error, Text};
use secrecy::{ExposeSecret, SecretString};

/// `env` and `set_env`, for the calls that edit a stack's variables.
macro_rules! env_setters {
    () => {
        /// Replace all environment variables. Without this (or `set_env`)
        /// the stack's current ones are kept.
        pub fn env<K: Into<String>, V: Into<String>>(
            mut self,
            env: impl IntoIterator<Item = (K, V)>,
        ) -> Self {
            self.env.replace = Some(env.into_iter().map(|(k, v)| pair(k, v)).collect());
            self.env.edits.clear();
            self
        }

        /// Set one variable, keeping the others.
        pub fn set_env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.env.edits.push((name.into(), Some(value.into())));
            self
        }
    };
}

/// The env setters and the [`Deploying`] options, for the calls that deploy.
macro_rules! deploy_setters {
    () => {
        env_setters!();

        /// Remove services no longer in the file (default: the existing
        /// stack's setting).
        pub fn prune(mut self, yes: bool) -> Self {
            self.deploying.prune = Some(yes);
            self
        }

        /// Pull images again when redeploying an existing stack.
        pub fn pull_image(mut self, yes: bool) -> Self {
            self.deploying.pull_image = yes;
            self
        }

        /// Overrides the deploy timeout for this call.
        pub fn timeout(mut self, timeout: Duration) -> Self {
            self.deploying.timeout = Some(timeout);
            self
        }
    };
}

/// `reference` and `credentials`, for the calls on a git stack.
macro_rules! git_setters {
    () => {
        /// Use this reference instead of the stack's current one (from now
        /// on: it is stored).
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
    };
}

/// Updates a stack's file and/or env; from [`Stacks::update`](crate::Stacks::update).
///
/// `PUT /api/stacks/{id}` replaces the stack's `Env` and `Webhook` (and on
/// EE its `Registries`) with what it is sent
/// (api/http/handler/stacks/stack_update.go: `stack.Env = payload.Env`; the
/// webhook and registries per the 2.44.0 spec's updateStackPayload), so the
/// SDK sends the current values (the file too) of everything not changed here.
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct UpdateStack<'c> {
    client: &'c Client,
    id: i64,
    source: Option<Source>,
    env: EnvEdits,
    deploying: Deploying,
}

impl<'c> UpdateStack<'c> {
    pub(crate) fn new(client: &'c Client, id: i64) -> Self {
        Self {
            client,
            id,
            source: None,
            env: EnvEdits::default(),
            deploying: Deploying::default(),
        }
    }

    file_setters!();
    deploy_setters!();

    /// Remove one variable, keeping the others.
    pub fn remove_env(mut self, name: impl Into<String>) -> Self {
        self.env.edits.push((name.into(), None));
        self
    }

    /// Reads the stack, then sends `PUT /api/stacks/{id}?endpointId=`.
    ///
    /// A stack deployed from git is refused with [`Error::InvalidInput`]
    /// before anything changes: Portainer answers 400 (older servers) or
    /// detaches the stack from its repository (api/http/handler/stacks/
    /// stack_update.go sets `stack.GitConfig = nil`); use
    /// [`redeploy_git`](crate::Stacks::redeploy_git) to change its env and
    /// redeploy it.
    pub async fn send(self) -> Result<Stack, Error> {
        let current = self.client.stacks().get(self.id).await?;
        self.send_with(&current).await
    }

    pub(crate) async fn send_with(mut self, current: &Stack) -> Result<Stack, Error> {
        if current.git_config.is_some() {
            return Err(Error::InvalidInput(format!(
                "stack {:?} ({}) is deployed from git: an update with a file would detach it \
                 from its repository; use stacks().redeploy_git({}) to change its env and redeploy",
                current.name.as_deref().unwrap_or_default(),
                self.id,
                self.id
            )));
        }
        let environment = environment_of(current)?;
        let content = match self.source.take() {
            Some(Source::Content(c)) => c,
            Some(Source::File(p)) => read_file(&p).await?,
            // The server requires the file in every update; resend the current one.
            _ => self.client.stacks().file(self.id).await?,
        };
        if content.trim().is_empty() {
            return Err(Error::InvalidInput(format!(
                "stack {}: the new content is empty",
                self.id
            )));
        }
        let (pull_image, repull) = self.deploying.pull_flags(self.client).await?;
        let body = models::UpdateStackPayload {
            stack_file_content: Some(content.into()),
            env: Some(self.env.apply(current.env.as_ref())),
            webhook: current.webhook.clone(),
            registries: current.registries.clone(),
            prune: Some(self.deploying.prune.unwrap_or_else(|| prune_of(current))),
            pull_image,
            repull_image_and_redeploy: repull,
            rollback_to: None,
        };
        let raw = self.client.raw_for(self.deploying.timeout);
        let sent = raw.stack_update().id(self.id).endpoint_id(environment);
        let sent = sent.body(&body).send();
        self.client.value("stack_update", sent).await
    }
}

/// The stack's prune setting, which later deploys keep.
fn prune_of(stack: &Stack) -> bool {
    stack.option.as_ref().and_then(|o| o.prune).unwrap_or(false)
}

/// The git fields both git calls send: reference and credentials, each the
/// stack's current one unless changed. Portainer reuses the stored password
/// when authentication is on and the password sent is empty
/// (api/http/handler/stacks/stack_update_git_redeploy.go), and assigns the
/// reference it is sent, so an empty one would blank it.
struct GitFields {
    reference: Option<Text>,
    username: Option<Text>,
    password: Option<Text>,
}

fn git_fields(
    current: &Stack,
    reference: &Option<String>,
    credentials: &Option<(String, SecretString)>,
) -> Result<GitFields, Error> {
    let Some(git) = &current.git_config else {
        return Err(Error::InvalidInput(format!(
            "stack {} ({:?}) is not deployed from git",
            current.id.unwrap_or_default(),
            current.name.as_deref().unwrap_or_default()
        )));
    };
    let reference = reference
        .as_deref()
        .map(Text::from)
        .or_else(|| git.reference_name.clone());
    let stored_user = git
        .authentication
        .as_ref()
        .and_then(|a| a.username.clone())
        .filter(|u| !u.is_empty());
    let (username, password) = match (credentials, stored_user) {
        (Some((user, pass)), _) => (Some(user.into()), Some(pass.expose_secret().into())),
        (None, Some(user)) => (Some(user), Some(Text::default())),
        (None, None) => (None, None),
    };
    Ok(GitFields {
        reference,
        username,
        password,
    })
}

/// Pulls the repository and redeploys a git stack; from
/// [`Stacks::redeploy_git`](crate::Stacks::redeploy_git).
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct RedeployGit<'c> {
    client: &'c Client,
    id: i64,
    reference: Option<String>,
    credentials: Option<(String, SecretString)>,
    env: EnvEdits,
    deploying: Deploying,
}

impl<'c> RedeployGit<'c> {
    pub(crate) fn new(client: &'c Client, id: i64) -> Self {
        Self {
            client,
            id,
            reference: None,
            credentials: None,
            env: EnvEdits::default(),
            deploying: Deploying::default(),
        }
    }

    git_setters!();
    deploy_setters!();

    /// Reads the stack, then sends `PUT /api/stacks/{id}/git/redeploy?endpointId=`.
    pub async fn send(self) -> Result<Stack, Error> {
        let current = self.client.stacks().get(self.id).await?;
        self.send_with(&current).await
    }

    pub(crate) async fn send_with(self, current: &Stack) -> Result<Stack, Error> {
        let git = git_fields(current, &self.reference, &self.credentials)?;
        let endpoint = environment_of(current)?;
        let (pull_image, repull) = self.deploying.pull_flags(self.client).await?;
        let body = models::StackGitRedeployPayload {
            repository_reference_name: git.reference,
            repository_authentication: Some(git.username.is_some()),
            repository_username: git.username,
            repository_password: git.password,
            env: Some(self.env.apply(current.env.as_ref())),
            prune: Some(self.deploying.prune.unwrap_or_else(|| prune_of(current))),
            pull_image,
            repull_image_and_redeploy: repull,
            ..Default::default()
        };
        let raw = self.client.raw_for(self.deploying.timeout);
        let sent = raw.stack_git_redeploy().id(self.id).endpoint_id(endpoint);
        let sent = sent.body(&body).send();
        self.client.value("stack_git_redeploy", sent).await
    }
}

/// Changes a git stack's settings without redeploying; from
/// [`Stacks::update_git_settings`](crate::Stacks::update_git_settings).
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct UpdateGitSettings<'c> {
    client: &'c Client,
    id: i64,
    reference: Option<String>,
    credentials: Option<(String, SecretString)>,
    env: EnvEdits,
    auto_update: Option<Option<AutoUpdateSettings>>,
    prune: Option<bool>,
    tls_skip_verify: Option<bool>,
}

impl<'c> UpdateGitSettings<'c> {
    pub(crate) fn new(client: &'c Client, id: i64) -> Self {
        Self {
            client,
            id,
            reference: None,
            credentials: None,
            env: EnvEdits::default(),
            auto_update: None,
            prune: None,
            tls_skip_verify: None,
        }
    }

    git_setters!();
    env_setters!();

    /// Turn automatic updates on with these settings.
    pub fn auto_update(mut self, auto_update: AutoUpdateSettings) -> Self {
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
    /// everything not set here keeps its current value
    /// (api/http/handler/stacks/stack_update_git.go assigns the reference,
    /// TLS setting, env, auto-update and prune it is sent).
    pub async fn send(self) -> Result<Stack, Error> {
        let current = self.client.stacks().get(self.id).await?;
        let git = git_fields(&current, &self.reference, &self.credentials)?;
        let environment = environment_of(&current)?;
        let current_skip = current.git_config.as_ref().and_then(|g| g.tls_skip_verify);
        let body = models::StackGitUpdatePayload {
            repository_reference_name: git.reference,
            repository_authentication: Some(git.username.is_some()),
            repository_username: git.username,
            repository_password: git.password,
            env: Some(self.env.apply(current.env.as_ref())),
            auto_update: match self.auto_update {
                Some(a) => a.map(Box::new),
                None => current.auto_update.clone(),
            },
            prune: Some(self.prune.unwrap_or_else(|| prune_of(&current))),
            tls_skip_verify: Some(self.tls_skip_verify.or(current_skip).unwrap_or(false)),
            registries: current.registries.clone(),
            ..Default::default()
        };
        let sent = self.client.raw().stack_update_git().id(self.id);
        let sent = sent.endpoint_id(environment).body(&body).send();
        let updated = self.client.value("stack_update_git", sent).await?;
        // The route answers with a wider view of the stack; same wire names.
        serde_json::to_value(&updated)
            .and_then(serde_json::from_value)
            .map_err(|e| Error::InvalidInput(format!("StackUpdateGit: unreadable stack: {e}")))
    }
}

/// What [`DeployStack::send`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Deployed {
    /// No stack had the name on the environment; this one was created.
    Created(Stack),
    /// The existing stack was updated (or, for a git stack, redeployed).
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

/// Creates a stack, or updates the one of the same name on the same
/// environment; from [`Stacks::deploy`](crate::Stacks::deploy). Running it
/// twice gives one stack.
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct DeployStack<'c> {
    client: &'c Client,
    kind: Option<Kind>,
    environment_id: i64,
    name: String,
    source: Option<Source>,
    env: EnvEdits,
    swarm_id: Option<String>,
    deploying: Deploying,
    #[cfg(feature = "docker")]
    wait: Option<crate::WaitOptions>,
}

impl<'c> DeployStack<'c> {
    pub(crate) fn new(client: &'c Client, environment_id: i64, name: String) -> Self {
        Self {
            client,
            kind: None,
            environment_id,
            name,
            source: None,
            env: EnvEdits::default(),
            swarm_id: None,
            deploying: Deploying::default(),
            #[cfg(feature = "docker")]
            wait: None,
        }
    }

    /// Create a swarm stack, whatever the environment says it is.
    pub fn swarm(mut self) -> Self {
        self.kind = Some(Kind::Swarm);
        self
    }

    /// Create a Kubernetes stack, whatever the environment says it is.
    pub fn kubernetes(mut self) -> Self {
        self.kind = Some(Kind::Kubernetes);
        self
    }

    /// After deploying, wait until the stack runs ([`Stacks::wait`](crate::Stacks::wait),
    /// with the default [`WaitOptions`](crate::WaitOptions)).
    #[cfg(feature = "docker")]
    pub fn wait(mut self, yes: bool) -> Self {
        self.wait = yes.then(crate::WaitOptions::default);
        self
    }

    /// After deploying, wait until the stack runs, with these options.
    #[cfg(feature = "docker")]
    pub fn wait_with(mut self, options: crate::WaitOptions) -> Self {
        self.wait = Some(options);
        self
    }

    file_setters!();

    /// Deploy from a git repository: created from it, or, when the stack
    /// exists and is deployed from git, redeployed (at this source's
    /// reference, with its credentials, when given).
    pub fn git(mut self, source: GitSource) -> Self {
        self.source = Some(Source::Git(Box::new(source)));
        self
    }

    deploy_setters!();

    /// Swarm stacks: the swarm id (looked up when not given).
    pub fn swarm_id(mut self, swarm_id: impl Into<String>) -> Self {
        self.swarm_id = Some(swarm_id.into());
        self
    }

    /// Lists the environment's stacks, then updates the one of this name or
    /// creates it. The name matches exactly, or else in Portainer's
    /// normalized form ([`normalized_name`]), which servers before the
    /// identity normalizer stored instead of the name given. A new stack is
    /// a Kubernetes, swarm or compose stack as the environment is
    /// ([`EnvironmentKind`](crate::EnvironmentKind)) unless
    /// [`swarm`](Self::swarm) or [`kubernetes`](Self::kubernetes) says.
    /// With `wait` (feature `docker`), returns once the stack runs.
    pub async fn send(self) -> Result<Deployed, Error> {
        #[cfg(feature = "docker")]
        if let Some(options) = self.wait {
            let client = self.client;
            let deployed = self.deploy().await?;
            crate::wait::wait_for(client, deployed.stack(), options).await?;
            return Ok(deployed);
        }
        self.deploy().await
    }

    async fn deploy(mut self) -> Result<Deployed, Error> {
        if self.name.trim().is_empty() {
            return Err(Error::InvalidInput("a stack needs a name".into()));
        }
        let Some(source) = self.source.take() else {
            return Err(Error::InvalidInput(format!(
                "deploy {:?}: give the content, a file or a git repository",
                self.name
            )));
        };
        let stacks = self.client.stacks();
        let listed = stacks.list().endpoint(self.environment_id).send().await?;
        let named = |name: &str| listed.iter().find(|s| s.name.as_deref() == Some(name));
        let existing = named(&self.name).or_else(|| named(&normalized_name(&self.name)));
        let Some(current) = existing else {
            return self.create(source).await.map(Deployed::Created);
        };
        let id = current.id.unwrap_or_default();
        let updated = match (source, current.git_config.is_some()) {
            (Source::Git(git), true) => {
                let mut redeploy = stacks.redeploy_git(id);
                redeploy.reference = git.reference;
                redeploy.credentials = git.credentials;
                redeploy.env = self.env;
                redeploy.deploying = self.deploying;
                redeploy.send_with(current).await?
            }
            (Source::Git(_), false) => {
                return Err(Error::InvalidInput(format!(
                    "stack {:?} exists on environment {} and is not deployed from git; \
                     delete it first to deploy it from a repository",
                    self.name, self.environment_id
                )));
            }
            (source, _) => {
                let mut update = stacks.update(id);
                update.source = Some(source);
                update.env = self.env;
                update.deploying = self.deploying;
                update.send_with(current).await?
            }
        };
        Ok(Deployed::Updated(updated))
    }

    async fn create(self, source: Source) -> Result<Stack, Error> {
        let kind = match self.kind {
            Some(kind) => kind,
            None => {
                let env = self.client.environments().get(self.environment_id).await?;
                match EnvironmentKind::from(&env) {
                    k if k.is_kubernetes() => Kind::Kubernetes,
                    k if k.is_swarm() => Kind::Swarm,
                    _ => Kind::Compose,
                }
            }
        };
        let mut create = CreateStack::new(self.client, kind, self.environment_id, self.name);
        create.source = Some(source);
        create.env = self.env.apply(None);
        create.swarm_id = self.swarm_id;
        create.timeout = self.deploying.timeout;
        if create.kind == Kind::Kubernetes {
            create.env.clear();
        }
        create.send().await
    }
}

/// A stack name as Portainer stores it: lower case, with every character
/// outside `[-_a-z0-9]` removed (`NormalizeStackName` in api/exec/compose_stack.go
/// and api/exec/swarm_stack.go, with the pattern of api/exec/common.go).
///
/// ```
/// assert_eq!(portainer_sdk::normalized_name("My.App"), "myapp");
/// assert_eq!(portainer_sdk::normalized_name("web_1-x"), "web_1-x");
/// ```
pub fn normalized_name(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| matches!(c, '-' | '_' | 'a'..='z' | '0'..='9'))
        .collect()
}

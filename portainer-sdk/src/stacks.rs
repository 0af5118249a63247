//! Stack operations: `client.stacks()`. Reading and lifecycle calls live
//! here; creating in `stack_create.rs`, changing in `stack_update.rs`.

use std::path::Path;
use std::time::Duration;

use crate::models::{Pair, Stack};
use crate::{Client, Error};

pub use crate::stack_create::{CreateStack, GitSource};
pub use crate::stack_update::{DeployStack, Deployed, RedeployGit, UpdateGitSettings, UpdateStack};

/// Stack operations, from [`Client::stacks`].
///
/// ```no_run
/// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
/// for stack in client.stacks().list().endpoint(2).send().await? {
///     println!("{:?} {:?} {:?}", stack.name, stack.type_, stack.status);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Stacks<'c> {
    pub(crate) client: &'c Client,
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
    /// Only stacks of this environment.
    pub fn endpoint(mut self, environment_id: i64) -> Self {
        self.endpoint = Some(environment_id);
        self
    }

    /// Only stacks of this swarm cluster.
    pub fn swarm_id(mut self, swarm_id: impl Into<String>) -> Self {
        self.swarm_id = Some(swarm_id.into());
        self
    }

    /// Sends `GET /api/stacks`. A `204 No Content` or a `null` body is an
    /// empty list.
    pub async fn send(self) -> Result<Vec<Stack>, Error> {
        // The environment is not sent: with `EndpointID` the server keeps
        // only the compose stacks of that environment, dropping its swarm
        // stacks (kept only for a matching `SwarmID`) and every Kubernetes
        // stack (`filterStacks` in api/http/handler/stacks/stack_list.go),
        // which would make `deploy` create those again. It is filtered below.
        let mut call = self.client.raw().stack_list();
        let filters;
        if let Some(s) = &self.swarm_id {
            filters = serde_json::json!({ "SwarmID": s }).to_string();
            call = call.filters(&filters);
        }
        let mut stacks = match crate::raw::with_status(call.send()).await {
            // api/http/handler/stacks/stack_list.go answers 204 when the user sees no stack.
            (Err(portainer_sdk_gen::Error::UnexpectedResponse(r)), _)
                if r.status().as_u16() == 204 =>
            {
                Vec::new()
            }
            (other, status) => self.client.finish("stack_list", other, status).await?,
        };
        // Old servers ignore filters they do not know; filter here too.
        if let Some(e) = self.endpoint {
            stacks.retain(|s| s.endpoint_id == Some(e));
        }
        if let Some(sw) = &self.swarm_id {
            stacks.retain(|s| s.swarm_id.as_deref() == Some(sw.as_str()));
        }
        Ok(stacks)
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
    pub fn endpoint(mut self, environment_id: i64) -> Self {
        self.endpoint = Some(environment_id);
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
            None => environment_of(&self.client.stacks().get(self.id).await?)?,
        };
        let raw = self.client.raw();
        let mut call = raw.stack_delete().id(self.id).endpoint_id(endpoint);
        if self.remove_volumes {
            call = call.remove_volumes(true);
        }
        self.client.value("stack_delete", call.send()).await
    }
}

impl<'c> Stacks<'c> {
    /// Lists stacks the user can see; narrow with `.endpoint(id)` or `.swarm_id(..)`.
    pub fn list(&self) -> ListStacks<'c> {
        ListStacks {
            client: self.client,
            endpoint: None,
            swarm_id: None,
        }
    }

    /// One stack by id (`GET /api/stacks/{id}`).
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let stack = client.stacks().get(61).await?;
    /// println!("{:?} on environment {:?}", stack.name, stack.endpoint_id);
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: i64) -> Result<Stack, Error> {
        let sent = self.client.raw().stack_inspect().id(id).send();
        self.client.value("stack_inspect", sent).await
    }

    /// The stack's compose file or manifest text (`GET /api/stacks/{id}/file`).
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let yaml = client.stacks().file(61).await?;
    /// # Ok(()) }
    /// ```
    pub async fn file(&self, id: i64) -> Result<String, Error> {
        let sent = self.client.raw().stack_file_inspect().id(id).send();
        let file = self.client.value("stack_file_inspect", sent).await?;
        Ok(file.stack_file_content.unwrap_or_default().into())
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
    pub fn create_compose(&self, environment_id: i64, name: impl Into<String>) -> CreateStack<'c> {
        CreateStack::new(self.client, Kind::Compose, environment_id, name.into())
    }

    /// Creates a swarm stack; the swarm id is looked up unless given.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let stack = client.stacks().create_swarm(3, "web").file("stack.yml").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create_swarm(&self, environment_id: i64, name: impl Into<String>) -> CreateStack<'c> {
        CreateStack::new(self.client, Kind::Swarm, environment_id, name.into())
    }

    /// Creates a Kubernetes stack from text, git or a URL.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let stack = client
    ///     .stacks()
    ///     .create_kubernetes(4, "web")
    ///     .namespace("default")
    ///     .url("https://example.com/web.yaml")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn create_kubernetes(
        &self,
        environment_id: i64,
        name: impl Into<String>,
    ) -> CreateStack<'c> {
        CreateStack::new(self.client, Kind::Kubernetes, environment_id, name.into())
    }

    /// Updates a stack's file and/or env, keeping everything else it has
    /// (webhook, registries, prune; see [`UpdateStack`]).
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// client.stacks().update(5).set_env("TAG", "1.28").pull_image(true).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: i64) -> UpdateStack<'c> {
        UpdateStack::new(self.client, id)
    }

    /// Pulls a git stack's repository and redeploys it.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// client.stacks().redeploy_git(5).reference("refs/tags/v2").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn redeploy_git(&self, id: i64) -> RedeployGit<'c> {
        RedeployGit::new(self.client, id)
    }

    /// Changes a git stack's reference, credentials, env or auto-update
    /// settings without redeploying.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// client.stacks().update_git_settings(5).disable_auto_update().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update_git_settings(&self, id: i64) -> UpdateGitSettings<'c> {
        UpdateGitSettings::new(self.client, id)
    }

    /// Starts a stopped stack.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// client.stacks().start(5).await?;
    /// # Ok(()) }
    /// ```
    pub async fn start(&self, id: i64) -> Result<Stack, Error> {
        let endpoint = environment_of(&self.get(id).await?)?;
        let sent = self.client.raw().stack_start().id(id).endpoint_id(endpoint);
        self.client.value("stack_start", sent.send()).await
    }

    /// Stops a running stack.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// client.stacks().stop(5).await?;
    /// # Ok(()) }
    /// ```
    pub async fn stop(&self, id: i64) -> Result<Stack, Error> {
        let endpoint = environment_of(&self.get(id).await?)?;
        let sent = self.client.raw().stack_stop().id(id).endpoint_id(endpoint);
        self.client.value("stack_stop", sent.send()).await
    }

    /// Deletes a stack.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// client.stacks().delete(5).remove_volumes(true).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn delete(&self, id: i64) -> DeleteStack<'c> {
        DeleteStack {
            client: self.client,
            id,
            endpoint: None,
            remove_volumes: false,
        }
    }

    /// Creates or updates the stack `name` on `environment_id`: running it
    /// twice gives one stack.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let outcome = client.stacks().deploy(2, "web").file("compose.yml").send().await?;
    /// println!(
    ///     "{} stack {:?}",
    ///     if outcome.was_created() { "created" } else { "updated" },
    ///     outcome.stack().id
    /// );
    /// # Ok(()) }
    /// ```
    pub fn deploy(&self, environment_id: i64, name: impl Into<String>) -> DeployStack<'c> {
        DeployStack::new(self.client, environment_id, name.into())
    }
}

/// The kind of stack a create or deploy makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Compose,
    Swarm,
    Kubernetes,
}

/// Edits to a stack's environment variables. Portainer replaces the whole
/// list with what an update sends (`stack.Env = payload.Env` in
/// api/http/handler/stacks/stack_update.go and stack_update_git_redeploy.go),
/// so the SDK starts from the stack's current variables unless the caller
/// replaces them.
#[derive(Debug, Clone, Default)]
pub(crate) struct EnvEdits {
    pub(crate) replace: Option<Vec<Pair>>,
    pub(crate) edits: Vec<(String, Option<String>)>,
}

impl EnvEdits {
    pub(crate) fn apply(&self, current: Option<&Vec<Pair>>) -> Vec<Pair> {
        let mut env = match &self.replace {
            Some(r) => r.clone(),
            None => current.cloned().unwrap_or_default(),
        };
        for (name, value) in &self.edits {
            let at = env.iter().position(|e| e.name.as_deref() == Some(name));
            match (value, at) {
                (Some(v), Some(i)) => env[i].value = Some(v.into()),
                (Some(v), None) => env.push(pair(name, v)),
                (None, _) => env.retain(|e| e.name.as_deref() != Some(name)),
            }
        }
        env
    }
}

/// An environment variable as the models carry it.
pub(crate) fn pair(name: impl Into<String>, value: impl Into<String>) -> Pair {
    Pair {
        name: Some(name.into().into()),
        value: Some(value.into().into()),
        extra: Default::default(),
    }
}

/// The environment a stack belongs to, which every change names.
pub(crate) fn environment_of(stack: &Stack) -> Result<i64, Error> {
    stack.endpoint_id.filter(|e| *e > 0).ok_or_else(|| {
        Error::InvalidInput(format!(
            "stack {:?} ({}) has no environment id; stacks created before Portainer 1.18 \
             must be associated with an environment first",
            stack.name.as_deref().unwrap_or_default(),
            stack.id.unwrap_or_default()
        ))
    })
}

pub(crate) async fn read_file(path: &Path) -> Result<String, Error> {
    tokio::fs::read_to_string(path).await.map_err(|e| {
        Error::InvalidInput(format!(
            "cannot read the stack file {}: {e}",
            path.display()
        ))
    })
}

/// The options of every call that deploys.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Deploying {
    pub(crate) prune: Option<bool>,
    pub(crate) pull_image: bool,
    pub(crate) timeout: Option<Duration>,
}

impl Deploying {
    /// The image-pull flag as (`PullImage`, `RepullImageAndRedeploy`), set
    /// under the name the server reads: the second from 2.36 (where the first
    /// is deprecated, per the 2.44.0 spec's stacks.updateStackPayload).
    pub(crate) async fn pull_flags(
        &self,
        client: &Client,
    ) -> Result<(Option<bool>, Option<bool>), Error> {
        if !self.pull_image {
            return Ok((None, None));
        }
        let repull = client.cached_version().await?.reads_repull_flag();
        Ok(((!repull).then_some(true), repull.then_some(true)))
    }
}

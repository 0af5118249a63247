//! Environments (Portainer's "endpoints"): `client.environments()`, and
//! what kind each one is.

use crate::models::{DockerSnapshot, Endpoint, EndpointResponse, EndpointType};
use crate::{Client, Error};

/// How many environments one `GET /api/endpoints` asks for.
const PAGE: i64 = 100;

/// What an environment runs, from its `Type` (Go's `portainer.EndpointType`,
/// api/portainer.go) and, for Docker, whether its last snapshot found a
/// swarm manager (`snapshot.Swarm = info.Swarm.ControlAvailable` in
/// api/docker/snapshot.go).
///
/// ```
/// use portainer_sdk::EnvironmentKind;
/// assert_eq!(EnvironmentKind::from_type(2, true), EnvironmentKind::DockerSwarm);
/// assert_eq!(EnvironmentKind::from_type(7, false), EnvironmentKind::EdgeKubernetes);
/// assert_eq!(EnvironmentKind::from_type(42, false), EnvironmentKind::Unknown(42));
/// assert!(EnvironmentKind::EdgeDockerSwarm.is_swarm());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EnvironmentKind {
    /// A Docker engine outside swarm mode, reached directly (type 1) or
    /// through the Portainer agent (type 2).
    DockerStandalone,
    /// A Docker swarm manager, reached directly or through the agent.
    DockerSwarm,
    /// A standalone Docker engine behind an Edge agent (type 4).
    EdgeDockerStandalone,
    /// A Docker swarm behind an Edge agent (type 4).
    EdgeDockerSwarm,
    /// A Kubernetes cluster: the one Portainer runs in (type 5) or one
    /// reached through the agent (type 6).
    Kubernetes,
    /// A Kubernetes cluster behind an Edge agent (type 7).
    EdgeKubernetes,
    /// Azure Container Instances (type 3).
    Azure,
    /// A type this SDK does not know (0 when the server sent none).
    Unknown(i64),
}

impl EnvironmentKind {
    /// The kind of an environment of `type_` whose Docker snapshot says
    /// `swarm` (ignored for other than Docker types).
    pub fn from_type(type_: i64, swarm: bool) -> Self {
        // api/portainer.go: DockerEnvironment = 1, AgentOnDockerEnvironment,
        // AzureEnvironment, EdgeAgentOnDockerEnvironment,
        // KubernetesLocalEnvironment, AgentOnKubernetesEnvironment,
        // EdgeAgentOnKubernetesEnvironment = 7 (the 2.44.0 spec's
        // x-enum-varnames of portainer.EndpointType).
        match (type_, swarm) {
            (1 | 2, false) => Self::DockerStandalone,
            (1 | 2, true) => Self::DockerSwarm,
            (3, _) => Self::Azure,
            (4, false) => Self::EdgeDockerStandalone,
            (4, true) => Self::EdgeDockerSwarm,
            (5 | 6, _) => Self::Kubernetes,
            (7, _) => Self::EdgeKubernetes,
            (other, _) => Self::Unknown(other),
        }
    }

    fn of(type_: Option<&EndpointType>, snapshots: Option<&Vec<DockerSnapshot>>) -> Self {
        // The list and inspect handlers put the one current snapshot in
        // `Snapshots` (FillSnapshotData in api/internal/snapshot/snapshot.go).
        let swarm = snapshots
            .and_then(|s| s.last())
            .and_then(|s| s.swarm)
            .unwrap_or(false);
        Self::from_type(type_.map_or(0, |t| t.0), swarm)
    }

    /// A Docker engine or swarm, direct, agent or Edge.
    pub fn is_docker(self) -> bool {
        matches!(
            self,
            Self::DockerStandalone
                | Self::DockerSwarm
                | Self::EdgeDockerStandalone
                | Self::EdgeDockerSwarm
        )
    }

    /// A Docker swarm manager: stacks there are swarm stacks.
    pub fn is_swarm(self) -> bool {
        matches!(self, Self::DockerSwarm | Self::EdgeDockerSwarm)
    }

    /// A Kubernetes cluster, direct, agent or Edge.
    pub fn is_kubernetes(self) -> bool {
        matches!(self, Self::Kubernetes | Self::EdgeKubernetes)
    }

    /// Behind an Edge agent.
    pub fn is_edge(self) -> bool {
        matches!(
            self,
            Self::EdgeDockerStandalone | Self::EdgeDockerSwarm | Self::EdgeKubernetes
        )
    }
}

impl From<&Endpoint> for EnvironmentKind {
    fn from(e: &Endpoint) -> Self {
        Self::of(e.type_.as_ref(), e.snapshots.as_ref())
    }
}

impl From<&EndpointResponse> for EnvironmentKind {
    fn from(e: &EndpointResponse) -> Self {
        Self::of(e.type_.as_ref(), e.snapshots.as_ref())
    }
}

impl Client {
    /// Environment operations.
    pub fn environments(&self) -> Environments<'_> {
        Environments { client: self }
    }
}

/// Environment operations, from [`Client::environments`].
///
/// ```no_run
/// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
/// use portainer_sdk::EnvironmentKind;
/// for env in client.environments().list().send().await? {
///     println!("{:?} {:?} {:?}", env.id, env.name, EnvironmentKind::from(&env));
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Environments<'c> {
    client: &'c Client,
}

impl<'c> Environments<'c> {
    /// Lists the environments the user can use, every page of them.
    pub fn list(&self) -> ListEnvironments<'c> {
        ListEnvironments {
            client: self.client,
            search: None,
            name: None,
            kinds: Vec::new(),
            group: None,
            tags: Vec::new(),
        }
    }

    /// One environment by id (`GET /api/endpoints/{id}`).
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let env = client.environments().get(2).await?;
    /// println!("{:?}", portainer_sdk::EnvironmentKind::from(&env));
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: i64) -> Result<Endpoint, Error> {
        let sent = self.client.raw().endpoint_inspect().id(id).send();
        self.client.value("endpoint_inspect", sent).await
    }

    /// The environment named exactly `name`, `Ok(None)` when there is none,
    /// and [`Error::InvalidInput`] naming the candidates when several have
    /// that name.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// match client.environments().find("production").await? {
    ///     Some(env) => println!("production is environment {:?}", env.id),
    ///     None => println!("no environment is called production"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn find(&self, name: &str) -> Result<Option<EndpointResponse>, Error> {
        let mut found = self.list().name(name).send().await?;
        if found.len() > 1 {
            let ids: Vec<String> = found
                .iter()
                .map(|e| e.id.unwrap_or_default().to_string())
                .collect();
            return Err(Error::InvalidInput(format!(
                "{} environments are named {name:?} (ids {}): use an id",
                found.len(),
                ids.join(", ")
            )));
        }
        Ok(found.pop())
    }
}

/// Lists environments; from [`Environments::list`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct ListEnvironments<'c> {
    client: &'c Client,
    search: Option<String>,
    name: Option<String>,
    kinds: Vec<EnvironmentKind>,
    group: Option<i64>,
    tags: Vec<i64>,
}

impl ListEnvironments<'_> {
    /// Only environments whose name, URL, group, tags or Edge groups contain
    /// `text`, ignoring case (the server's `search`).
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.search = Some(text.into());
        self
    }

    /// Only the environments named exactly `name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Only environments of this kind (repeat for several).
    pub fn kind(mut self, kind: EnvironmentKind) -> Self {
        self.kinds.push(kind);
        self
    }

    /// Only environments of this group.
    pub fn group(mut self, group_id: i64) -> Self {
        self.group = Some(group_id);
        self
    }

    /// Only environments that carry this tag themselves (repeat: all of them).
    pub fn tag(mut self, tag_id: i64) -> Self {
        self.tags.push(tag_id);
        self
    }

    /// Sends `GET /api/endpoints` page after page until the server's total
    /// is reached.
    ///
    /// Kind, group and tag are checked here on each environment: the
    /// handler reads array filters as `types[]=1`
    /// (api/http/handler/endpoints/filter.go, `getArrayQueryParameter`),
    /// a form the spec, and so the generated client, does not send; a tag
    /// of the environment's group does not count, as it does on the server.
    pub async fn send(self) -> Result<Vec<EndpointResponse>, Error> {
        let mut all = Vec::new();
        loop {
            // api/http/handler/endpoints/endpoint_list.go: `start` is one
            // past the offset (`start--` unless 0), `limit` 0 means all, and
            // `X-Total-Count` is the count after filtering.
            let mut call = self.client.raw().endpoint_list();
            call = call.start(all.len() as i64 + 1).limit(PAGE);
            if let Some(s) = &self.search {
                call = call.search(s);
            }
            // `name` is exact (filter.go, `filterEndpointsByName`); servers
            // before 2.14 ignore it and are filtered below.
            if let Some(n) = &self.name {
                call = call.name(n);
            }
            let (result, status) = crate::raw::with_status(call.send()).await;
            let total = (result.as_ref().ok())
                .and_then(|v| v.headers().get("x-total-count"))
                .and_then(|h| h.to_str().ok())
                .and_then(|h| h.trim().parse::<usize>().ok());
            let page = self.client.finish("endpoint_list", result, status).await?;
            let got = page.len();
            all.extend(page);
            // A server without paging (or a total) answered everything at once.
            if got == 0 || total.is_none_or(|t| all.len() >= t) {
                break;
            }
        }
        all.retain(|e| self.keeps(e));
        Ok(all)
    }

    fn keeps(&self, e: &EndpointResponse) -> bool {
        let tags = e.tag_ids.as_deref().unwrap_or_default();
        self.name
            .as_ref()
            .is_none_or(|n| e.name.as_deref() == Some(n.as_str()))
            && (self.kinds.is_empty() || self.kinds.contains(&EnvironmentKind::from(e)))
            && self.group.is_none_or(|g| e.group_id == Some(g))
            && self.tags.iter().all(|t| tags.contains(t))
    }
}

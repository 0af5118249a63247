//! Waiting until a stack really runs: `client.stacks().wait(id)` and
//! `stacks().deploy(..).wait(true)`. Portainer answers a deploy once
//! `docker compose up` or `docker stack deploy` has returned, while the
//! containers may still be starting, crash-looping or unhealthy.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use bollard_stubs::models::{ContainerStateStatusEnum as Status, HealthStatusEnum as Health};
use bollard_stubs::models::{Task, TaskState};
use tokio::time::Instant;

use crate::models::Stack;
use crate::{Client, ContainerFailure, Docker, Error, ServiceState, Stacks, normalized_name};

/// How long a wait lasts by default before [`Error::WaitTimedOut`].
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(300);
/// How often a wait looks at the containers by default.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(2);
/// A container restarted this often and not running fails the wait.
const RESTART_LIMIT: i64 = 3;
/// How many of a failed container's last log lines the error carries.
const LOG_LINES: usize = 20;

/// How a wait polls: a timeout and the interval between looks.
///
/// ```
/// use std::time::Duration;
/// let w = portainer_sdk::WaitOptions::default().timeout(Duration::from_secs(60));
/// assert_eq!(w.poll_interval, portainer_sdk::DEFAULT_POLL_INTERVAL);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// When to give up (default [`DEFAULT_WAIT_TIMEOUT`]).
    pub timeout: Duration,
    /// The pause between two looks (default [`DEFAULT_POLL_INTERVAL`]); the
    /// first look is immediate.
    pub poll_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_WAIT_TIMEOUT,
            poll_interval: DEFAULT_POLL_INTERVAL,
        }
    }
}

impl WaitOptions {
    /// Sets the timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the poll interval.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }
}

/// Waits for a stack; from [`Stacks::wait`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct WaitStack<'c> {
    client: &'c Client,
    id: i64,
    options: WaitOptions,
}

impl<'c> Stacks<'c> {
    /// Waits until every service of the stack runs (healthy where it has a
    /// healthcheck) on two looks in a row, or fails: [`Error::WaitTimedOut`] with each service's
    /// last state, or [`Error::ContainerFailed`] as soon as a container
    /// exits with an error or keeps restarting. Compose stacks are their
    /// containers labelled `com.docker.compose.project=<name>`, swarm stacks
    /// the tasks of the services labelled `com.docker.stack.namespace=<name>`;
    /// Kubernetes stacks are not supported. Each change of a service's
    /// state is a `tracing` event at info level.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// use std::time::Duration;
    /// let services = client.stacks().wait(61).timeout(Duration::from_secs(120)).send().await?;
    /// for s in services {
    ///     println!("{s}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn wait(&self, id: i64) -> WaitStack<'c> {
        WaitStack {
            client: self.client,
            id,
            options: WaitOptions::default(),
        }
    }
}

impl WaitStack<'_> {
    /// When to give up (default [`DEFAULT_WAIT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// The pause between looks (default [`DEFAULT_POLL_INTERVAL`]).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.options.poll_interval = interval;
        self
    }

    /// Reads the stack, then polls until it runs; returns the services' states.
    pub async fn send(self) -> Result<Vec<ServiceState>, Error> {
        let stack = self.client.stacks().get(self.id).await?;
        wait_for(self.client, &stack, self.options).await
    }
}

/// Polls `stack` until it runs, fails, or `options.timeout` passes.
pub(crate) async fn wait_for(
    client: &Client,
    stack: &Stack,
    options: WaitOptions,
) -> Result<Vec<ServiceState>, Error> {
    let name = stack.name.clone().unwrap_or_default();
    let environment = crate::stacks::environment_of(stack)?;
    // api/portainer.go: DockerSwarmStack = 1, DockerComposeStack = 2, KubernetesStack = 3.
    let swarm = match stack.type_.as_ref().map(|t| t.0) {
        Some(1) => true,
        Some(2) => false,
        other => {
            return Err(Error::InvalidInput(format!(
                "stack {name:?} is of type {other:?}: only compose and swarm stacks can be waited for"
            )));
        }
    };
    let mut poll = Poll {
        docker: client.docker(environment),
        stack: name.into(),
        seen_failed: None,
    };
    let mut last = BTreeMap::new();
    let deadline = Instant::now() + options.timeout;
    let mut ready_before = false;
    loop {
        let states = if swarm {
            poll.swarm().await?
        } else {
            poll.compose().await?
        };
        for s in &states {
            if last.insert(s.service.clone(), s.state.clone()).as_ref() != Some(&s.state) {
                tracing::info!(stack = %poll.stack, service = %s.service, state = %s.state, ready = s.ready, "stack service");
            }
        }
        // Ready on two looks in a row: a container that crashes right after
        // starting is running on one look only.
        let ready = !states.is_empty() && states.iter().all(|s| s.ready);
        let now = Instant::now();
        if ready && (ready_before || now >= deadline) {
            return Ok(states);
        }
        ready_before = ready;
        if now >= deadline {
            return Err(Error::WaitTimedOut {
                stack: poll.stack,
                timeout: options.timeout,
                services: states,
            });
        }
        tokio::time::sleep(options.poll_interval.min(deadline - now)).await;
    }
}

struct Poll<'c> {
    docker: Docker<'c>,
    stack: String,
    /// Swarm tasks already failed at the first look, from earlier deploys.
    seen_failed: Option<HashSet<String>>,
}

impl Poll<'_> {
    /// The stack's compose containers, grouped by service.
    async fn compose(&mut self) -> Result<Vec<ServiceState>, Error> {
        // Portainer runs compose with the stack's name as project name
        // (api/exec/compose_stack.go), which compose normalizes as Portainer does.
        let project = normalized_name(&self.stack);
        let label = format!("com.docker.compose.project={project}");
        let listed = self.docker.containers().label(&label).send().await?;
        if listed.is_empty() {
            return Ok(vec![not_yet(&label)]);
        }
        let mut services: BTreeMap<String, (bool, Vec<String>)> = BTreeMap::new();
        for summary in listed {
            let Some(id) = summary.id else { continue };
            let c = self.docker.container(&id).await?;
            let labels = c.config.as_ref().and_then(|c| c.labels.as_ref());
            let service = labels
                .and_then(|l| l.get("com.docker.compose.service"))
                .cloned()
                .unwrap_or_else(|| id.clone());
            let state = c.state.unwrap_or_default();
            let status = state.status.unwrap_or(Status::EMPTY);
            let health = state.health.and_then(|h| h.status);
            let exit = state.exit_code.unwrap_or(0);
            let restarts = c.restart_count.unwrap_or(0);
            let running = status == Status::RUNNING;
            let healthy = matches!(
                health,
                None | Some(Health::HEALTHY | Health::NONE | Health::EMPTY)
            );
            let exited =
                matches!(status, Status::EXITED | Status::DEAD) && state.restarting != Some(true);
            let container = c.name.unwrap_or(id.clone());
            let container = container.trim_start_matches('/');
            let crashed = exited && exit != 0;
            if crashed || restarts >= RESTART_LIMIT && !(running && healthy) {
                let reason = if crashed {
                    "exited"
                } else {
                    "keeps restarting"
                };
                return Err(self
                    .failed(&service, container, &id, reason, exit, restarts)
                    .await);
            }
            // A one-shot container (a migration, say) that exited 0 is done.
            let ready = running && healthy || exited;
            let mut text = match health {
                _ if exited => format!("exited ({exit})"),
                Some(Health::STARTING) => format!("{status} (health: starting)"),
                Some(Health::HEALTHY) => format!("{status} (healthy)"),
                Some(Health::UNHEALTHY) => format!("{status} (unhealthy)"),
                _ => status.to_string(),
            };
            if restarts > 0 {
                text.push_str(&format!(", {restarts} restarts"));
            }
            // Ready when each of its containers is.
            let entry = services.entry(service).or_insert((true, Vec::new()));
            entry.0 &= ready;
            entry.1.push(format!("{container}: {text}"));
        }
        Ok(services
            .into_iter()
            .map(|(service, (ready, states))| ServiceState {
                service,
                ready,
                state: states.join("; "),
            })
            .collect())
    }

    /// The stack's swarm services and their tasks.
    async fn swarm(&mut self) -> Result<Vec<ServiceState>, Error> {
        // `docker stack deploy <stack.Name>` (api/exec/swarm_stack.go) labels
        // services with the stack (api/docker/consts/labels.go).
        let label = format!("com.docker.stack.namespace={}", self.stack);
        let services = self.docker.services().label(&label).send().await?;
        if services.is_empty() {
            return Ok(vec![not_yet(&label)]);
        }
        let mut list = self.docker.tasks();
        for s in &services {
            list = list.filter("service", s.id.clone().unwrap_or_default());
        }
        let tasks = list.send().await?;
        let baseline = self.seen_failed.get_or_insert_with(|| {
            let old = tasks.iter().filter(|t| failed(t));
            old.filter_map(|t| t.id.clone()).collect()
        });
        let mut out = Vec::new();
        for s in services {
            let spec = s.spec.unwrap_or_default();
            let name = spec.name.unwrap_or_default();
            let mine: Vec<_> = tasks.iter().filter(|t| t.service_id == s.id).collect();
            let running = mine
                .iter()
                .filter(|t| {
                    current(t)
                        && t.status.as_ref().and_then(|s| s.state) == Some(TaskState::RUNNING)
                })
                .count();
            // Swarm replaces a failed task: one failure still wanted running,
            // or two new ones, is a crash loop.
            let new_failures: Vec<_> = mine
                .iter()
                .filter(|t| failed(t))
                .filter(|t| current(t) || !t.id.as_ref().is_some_and(|id| baseline.contains(id)))
                .collect();
            if let Some(t) = new_failures.first()
                && (new_failures.len() >= 2 || current(t))
            {
                let status = t.status.clone().unwrap_or_default();
                let cs = status.container_status.unwrap_or_default();
                let container = cs.container_id.unwrap_or_default();
                let exit = cs.exit_code.unwrap_or(0);
                let reason = status
                    .err
                    .filter(|e| !e.is_empty())
                    .unwrap_or_else(|| "failed".into());
                let shown = format!("{name}.{}", t.slot.unwrap_or_default());
                let restarts = new_failures.len() as i64;
                return Err(self
                    .failed(&name, &shown, &container, &reason, exit, restarts)
                    .await);
            }
            let wanted = match spec.mode.and_then(|m| m.replicated) {
                Some(r) => r.replicas.unwrap_or(1).max(0) as usize,
                None => mine.iter().filter(|t| current(t)).count().max(1),
            };
            out.push(ServiceState {
                service: name,
                ready: running >= wanted,
                state: format!("{running}/{wanted} tasks running"),
            });
        }
        Ok(out)
    }

    /// The error for a failed container, with its last log lines.
    async fn failed(
        &self,
        service: &str,
        container: &str,
        id: &str,
        reason: &str,
        exit_code: i64,
        restarts: i64,
    ) -> Error {
        let logs = match self.docker.logs(id).tail(LOG_LINES).send().await {
            Ok(lines) => lines.into_iter().map(|l| l.text).collect(),
            Err(e) => vec![format!("(logs unavailable: {e})")],
        };
        tracing::info!(stack = %self.stack, service, container, reason, exit_code, "stack container failed");
        Error::ContainerFailed(Box::new(ContainerFailure {
            stack: self.stack.clone(),
            service: service.to_owned(),
            container: container.to_owned(),
            reason: reason.to_owned(),
            exit_code,
            restarts,
            logs,
        }))
    }
}

fn failed(t: &Task) -> bool {
    let state = t.status.as_ref().and_then(|s| s.state);
    matches!(state, Some(TaskState::FAILED | TaskState::REJECTED))
}

/// A task the orchestrator still wants running (not one it replaced).
fn current(t: &Task) -> bool {
    t.desired_state == Some(TaskState::RUNNING)
}

fn not_yet(label: &str) -> ServiceState {
    ServiceState {
        service: String::new(),
        ready: false,
        state: format!("nothing labelled {label} yet"),
    }
}

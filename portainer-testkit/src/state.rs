//! Everything the fake remembers.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::compose;
use crate::docker::containers::{Container, Progression, ServiceBehaviour, random_id};
use crate::environments::{Environment, EnvironmentKind};
use crate::faults::Fault;
use crate::requests::RecordedRequest;
use crate::stacks::model::{StackKind, StoredStack};
use crate::users::StoredUser;

/// A git repository the fake can clone.
#[derive(Debug, Clone)]
pub(crate) struct GitRepo {
    pub files: HashMap<String, String>,
    pub commit: String,
}

/// A JWT issued by `POST /api/auth`.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub user_id: i64,
    pub expires: i64,
}

pub(crate) struct State {
    pub users: Vec<StoredUser>,
    pub environments: Vec<Environment>,
    pub stacks: BTreeMap<i64, StoredStack>,
    pub next_rc_id: i64,
    pub settings: Map<String, Value>,
    pub containers: Vec<Container>,
    pub behaviours: HashMap<(String, String), ServiceBehaviour>,
    pub deploy_failures: HashMap<String, String>,
    pub progression: Progression,
    pub git_repos: HashMap<String, GitRepo>,
    pub sessions: HashMap<String, Session>,
    pub faults: Vec<Fault>,
    pub requests: Vec<RecordedRequest>,
    /// Seconds since the Unix epoch, as handlers stamp dates.
    pub clock: fn() -> i64,
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl State {
    pub fn environment(&self, id: i64) -> Option<&Environment> {
        self.environments.iter().find(|e| e.id == id)
    }

    pub fn user(&self, id: i64) -> Option<&StoredUser> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn behaviour(&self, project: &str, service: &str) -> ServiceBehaviour {
        self.behaviours
            .get(&(project.to_owned(), service.to_owned()))
            .cloned()
            .unwrap_or_default()
    }

    /// Starts the containers (and for swarm, the services' tasks) of a stack,
    /// as `docker compose up -d` / `docker stack deploy` would. Services whose
    /// definition is unchanged keep their containers unless `force`
    /// (a re-pull and redeploy) is asked. The error is the deploy's output.
    pub fn deploy(&mut self, stack: &StoredStack, force: bool) -> Result<(), String> {
        if let Some(output) = self.deploy_failures.get(&stack.name) {
            return Err(output.clone());
        }
        if stack.kind == StackKind::Kubernetes {
            return Ok(());
        }
        let services = compose::services(&stack.name, &stack.file_content)?;
        let swarm = stack.kind == StackKind::Swarm;
        let project_label = if swarm {
            "com.docker.stack.namespace"
        } else {
            "com.docker.compose.project"
        };
        let env_sig = format!("{:?}", stack.env);
        // Drop containers of services that are gone or changed.
        self.containers.retain(|c| {
            if c.endpoint_id != stack.endpoint_id || c.project != stack.name {
                return true;
            }
            !force
                && services.iter().any(|s| {
                    s.name == c.service
                        && c.labels.iter().any(|(k, v)| {
                            k == "io.portainer.testkit.definition"
                                && *v == definition_hash(&s.definition, &env_sig)
                        })
                })
        });
        for service in &services {
            let hash = definition_hash(&service.definition, &env_sig);
            let existing = self
                .containers
                .iter()
                .filter(|c| {
                    c.endpoint_id == stack.endpoint_id
                        && c.project == stack.name
                        && c.service == service.name
                })
                .count() as u32;
            let wanted = if swarm { service.replicas } else { 1 };
            let swarm_service_id = swarm.then(|| swarm_service_id(stack, &service.name));
            for slot in existing + 1..=wanted {
                let mut labels = vec![
                    (project_label.to_owned(), stack.name.clone()),
                    ("io.portainer.testkit.definition".to_owned(), hash.clone()),
                ];
                let (name, task_id) = if swarm {
                    let task = random_id()[..25].to_owned();
                    labels.push((
                        "com.docker.swarm.service.name".into(),
                        format!("{}_{}", stack.name, service.name),
                    ));
                    labels.push((
                        "com.docker.swarm.service.id".into(),
                        swarm_service_id.clone().unwrap_or_default(),
                    ));
                    labels.push(("com.docker.swarm.task.id".into(), task.clone()));
                    (
                        format!("{}_{}.{}.{}", stack.name, service.name, slot, task),
                        Some(task),
                    )
                } else {
                    labels.push(("com.docker.compose.service".into(), service.name.clone()));
                    labels.push((
                        "com.docker.compose.container-number".into(),
                        slot.to_string(),
                    ));
                    labels.push(("com.docker.compose.oneoff".into(), "False".into()));
                    (format!("{}-{}-{}", stack.name, service.name, slot), None)
                };
                self.containers.push(Container {
                    id: random_id(),
                    name,
                    endpoint_id: stack.endpoint_id,
                    project: stack.name.clone(),
                    service: service.name.clone(),
                    image: service.image.clone(),
                    labels,
                    healthcheck: service.healthcheck,
                    tty: service.tty,
                    created: (self.clock)(),
                    polls: 0,
                    stopped: false,
                    restarts: 0,
                    task_id,
                    swarm_service_id: swarm_service_id.clone(),
                    slot,
                });
            }
        }
        Ok(())
    }

    /// Removes a stack's containers (`docker compose down`, `docker stack rm`).
    pub fn undeploy(&mut self, endpoint_id: i64, name: &str) {
        self.containers
            .retain(|c| !(c.endpoint_id == endpoint_id && c.project == name));
    }

    /// Whether containers (or swarm services) labelled with this project run
    /// on the environment (api/http/handler/stacks/handler.go:
    /// `checkUniqueStackNameInDocker` lists all containers, and services in
    /// swarm mode).
    pub fn docker_has_project(&self, endpoint_id: i64, name: &str, swarm: bool) -> bool {
        self.containers.iter().any(|c| {
            c.endpoint_id == endpoint_id
                && c.labels.iter().any(|(k, v)| {
                    v == name
                        && (k == "com.docker.compose.project"
                            || (swarm && k == "com.docker.stack.namespace"))
                })
        })
    }

    pub fn swarm_id_of(&self, endpoint_id: i64) -> Option<String> {
        self.environment(endpoint_id)
            .filter(|e| e.kind == EnvironmentKind::DockerSwarm)
            .and_then(|e| e.swarm_id.clone())
    }
}

/// The id of a swarm service, stable for a stack and service.
pub(crate) fn swarm_service_id(stack: &StoredStack, service: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{}/{}/{}", stack.endpoint_id, stack.name, service).bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}{:09x}", h >> 28)[..25].to_owned()
}

fn definition_hash(definition: &str, env: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in definition.bytes().chain(env.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

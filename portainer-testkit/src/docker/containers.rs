//! Containers of deployed stacks, and how their state moves on as a client
//! polls them.

use serde_json::{Value, json};

/// How a service of a stack behaves, set with
/// [`crate::FakePortainer::fail_service`] and friends.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServiceBehaviour {
    /// The container exits with this code once it has been seen running.
    pub exit_code: Option<i64>,
    /// Its healthcheck never passes.
    pub unhealthy: bool,
    /// What it writes to stdout.
    pub stdout: String,
    /// What it writes to stderr.
    pub stderr: String,
}

/// The number of polls after which a new container is running, and healthy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Progression {
    pub running_after: u32,
    pub healthy_after: u32,
}

impl Default for Progression {
    fn default() -> Self {
        Self {
            running_after: 1,
            healthy_after: 2,
        }
    }
}

/// A container of a deployed stack.
#[derive(Debug, Clone)]
pub(crate) struct Container {
    pub id: String,
    pub name: String,
    pub endpoint_id: i64,
    pub project: String,
    pub service: String,
    pub image: String,
    pub labels: Vec<(String, String)>,
    pub healthcheck: bool,
    pub tty: bool,
    pub created: i64,
    /// How often a client has looked at it.
    pub polls: u32,
    /// Stopped through the Docker API.
    pub stopped: bool,
    /// Number of restarts through the Docker API.
    pub restarts: u32,
    /// The swarm task it runs, for swarm stacks.
    pub task_id: Option<String>,
    /// The swarm service it belongs to (`<stack>_<service>`).
    pub swarm_service_id: Option<String>,
    pub slot: u32,
}

/// What a container is doing at one poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Created,
    Running { health: Option<Health> },
    Exited(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Health {
    Starting,
    Healthy,
    Unhealthy,
}

impl Health {
    fn wire(self) -> &'static str {
        match self {
            Health::Starting => "starting",
            Health::Healthy => "healthy",
            Health::Unhealthy => "unhealthy",
        }
    }
}

impl Container {
    /// The state at the current poll: created, then running (health
    /// `starting`), then healthy, or exited with the failure's code one poll
    /// after it was seen running.
    pub fn phase(&self, behaviour: &ServiceBehaviour, progression: Progression) -> Phase {
        if self.stopped {
            return Phase::Exited(0);
        }
        let running_after = progression.running_after;
        if self.polls < running_after {
            return Phase::Created;
        }
        if let Some(code) = behaviour.exit_code
            && self.polls > running_after
        {
            return Phase::Exited(code);
        }
        if !self.healthcheck {
            return Phase::Running { health: None };
        }
        let healthy_after = progression.healthy_after.max(running_after);
        let health = if self.polls < healthy_after {
            Health::Starting
        } else if behaviour.unhealthy {
            Health::Unhealthy
        } else {
            Health::Healthy
        };
        Phase::Running {
            health: Some(health),
        }
    }

    fn labels_json(&self) -> Value {
        Value::Object(
            self.labels
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )
    }

    /// An entry of `GET /containers/json` (Docker Engine API: `ContainerSummary`).
    pub fn summary(&self, phase: Phase) -> Value {
        let (state, status) = match phase {
            Phase::Created => ("created", "Created".to_owned()),
            Phase::Running { health } => (
                "running",
                match health {
                    Some(h) => format!("Up 1 second ({})", summary_health(h)),
                    None => "Up 1 second".to_owned(),
                },
            ),
            Phase::Exited(code) => ("exited", format!("Exited ({code}) 1 second ago")),
        };
        json!({
            "Id": self.id,
            "Names": [format!("/{}", self.name)],
            "Image": self.image,
            "ImageID": format!("sha256:{}", "0".repeat(64)),
            "Command": "",
            "Created": self.created,
            "Ports": [],
            "Labels": self.labels_json(),
            "State": state,
            "Status": status,
            "HostConfig": {"NetworkMode": format!("{}_default", self.project)},
            "NetworkSettings": {"Networks": {}},
            "Mounts": [],
        })
    }

    /// `GET /containers/{id}/json` (Docker Engine API: `ContainerInspectResponse`),
    /// with `State.Health` only when the service has a healthcheck.
    pub fn inspect(&self, phase: Phase, behaviour: &ServiceBehaviour) -> Value {
        let zero = "0001-01-01T00:00:00Z";
        let started = "2024-01-01T00:00:01Z";
        let (status, running, exit_code, started_at, finished_at) = match phase {
            Phase::Created => ("created", false, 0, zero, zero),
            Phase::Running { .. } => ("running", true, 0, started, zero),
            Phase::Exited(code) => ("exited", false, code, started, "2024-01-01T00:00:02Z"),
        };
        let mut state = json!({
            "Status": status,
            "Running": running,
            "Paused": false,
            "Restarting": false,
            "OOMKilled": false,
            "Dead": false,
            "Pid": if running { 4242 } else { 0 },
            "ExitCode": exit_code,
            "Error": "",
            "StartedAt": started_at,
            "FinishedAt": finished_at,
        });
        if self.healthcheck {
            let (health, streak) = match phase {
                Phase::Running { health: Some(h) } => (
                    h,
                    if h == Health::Unhealthy {
                        self.polls
                    } else {
                        0
                    },
                ),
                Phase::Created => (Health::Starting, 0),
                _ if behaviour.unhealthy => (Health::Unhealthy, self.polls),
                _ => (Health::Starting, 0),
            };
            state["Health"] = json!({
                "Status": health.wire(),
                "FailingStreak": streak,
                "Log": [],
            });
        }
        json!({
            "Id": self.id,
            "Created": "2024-01-01T00:00:00Z",
            "Path": "",
            "Args": [],
            "State": state,
            "Image": format!("sha256:{}", "0".repeat(64)),
            "Name": format!("/{}", self.name),
            "RestartCount": self.restarts,
            "Config": {
                "Hostname": &self.id[..12],
                "Image": self.image,
                "Tty": self.tty,
                "Labels": self.labels_json(),
                "Env": [],
            },
            "HostConfig": {"NetworkMode": format!("{}_default", self.project)},
            "Mounts": [],
            "NetworkSettings": {"Networks": {}},
        })
    }
}

fn summary_health(h: Health) -> &'static str {
    match h {
        Health::Starting => "health: starting",
        Health::Healthy => "healthy",
        Health::Unhealthy => "unhealthy",
    }
}

/// A random 64-hex-digit id, as Docker makes.
pub(crate) fn random_id() -> String {
    (0..32)
        .map(|_| format!("{:02x}", fastrand::u8(..)))
        .collect()
}

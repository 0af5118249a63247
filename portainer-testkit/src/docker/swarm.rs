//! Swarm stacks on the Docker proxy: `GET /swarm`, `/services`, `/tasks`.
//! Services and tasks of a stack carry `com.docker.stack.namespace=<name>`,
//! as `docker stack deploy` labels them.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::docker::containers::Phase;
use crate::docker::{engine_error, engine_json, filters, label_matches};
use crate::handler::Call;
use crate::state::State;
use crate::wire::Reply;

/// The engine's answer on a node outside a swarm (Docker's
/// `errNoSwarm` text).
pub(crate) const NOT_A_MANAGER: &str = "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.";

/// `GET /swarm`: the cluster id the SDK puts in swarm stack creates.
pub(crate) fn inspect(state: &State, endpoint_id: i64) -> Reply {
    match state.swarm_id_of(endpoint_id) {
        Some(id) => engine_json(json!({
            "ID": id,
            "Version": {"Index": 10},
            "CreatedAt": "2024-01-01T00:00:00Z",
            "UpdatedAt": "2024-01-01T00:00:00Z",
            "Spec": {"Name": "default", "Labels": {}},
        })),
        None => engine_error(StatusCode::SERVICE_UNAVAILABLE, NOT_A_MANAGER),
    }
}

struct ServiceView {
    id: String,
    name: String,
    stack: String,
    image: String,
    replicas: usize,
}

fn service_views(state: &State, endpoint_id: i64) -> Vec<ServiceView> {
    let mut out: Vec<ServiceView> = Vec::new();
    for c in state
        .containers
        .iter()
        .filter(|c| c.endpoint_id == endpoint_id)
    {
        let Some(id) = &c.swarm_service_id else {
            continue;
        };
        match out.iter_mut().find(|s| &s.id == id) {
            Some(s) => s.replicas += 1,
            None => out.push(ServiceView {
                id: id.clone(),
                name: format!("{}_{}", c.project, c.service),
                stack: c.project.clone(),
                image: c.image.clone(),
                replicas: 1,
            }),
        }
    }
    out
}

fn service_json(s: &ServiceView) -> Value {
    let labels = json!({"com.docker.stack.namespace": s.stack, "com.docker.stack.image": s.image});
    json!({
        "ID": s.id,
        "Version": {"Index": 11},
        "CreatedAt": "2024-01-01T00:00:00Z",
        "UpdatedAt": "2024-01-01T00:00:00Z",
        "Spec": {
            "Name": s.name,
            "Labels": labels,
            "TaskTemplate": {"ContainerSpec": {"Image": s.image, "Labels": {"com.docker.stack.namespace": s.stack}}},
            "Mode": {"Replicated": {"Replicas": s.replicas}},
        },
        "Endpoint": {"Spec": {}},
    })
}

/// `GET /services` with `label`, `name` and `id` filters.
pub(crate) fn services(state: &State, call: &Call, endpoint_id: i64) -> Reply {
    let filters = match filters(call.query) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let mut out = Vec::new();
    for s in service_views(state, endpoint_id) {
        let labels = vec![
            ("com.docker.stack.namespace".to_owned(), s.stack.clone()),
            ("com.docker.stack.image".to_owned(), s.image.clone()),
        ];
        let keep = filters.iter().all(|(k, values)| match k.as_str() {
            "label" => values.iter().all(|v| label_matches(&labels, v)),
            "name" => values.is_empty() || values.iter().any(|v| s.name.starts_with(v.as_str())),
            "id" => values.is_empty() || values.iter().any(|v| s.id.starts_with(v.as_str())),
            _ => false,
        });
        if keep {
            out.push(service_json(&s));
        }
    }
    engine_json(Value::Array(out))
}

/// `GET /services/{id}` by id or name.
pub(crate) fn service(state: &State, endpoint_id: i64, key: &str) -> Reply {
    match service_views(state, endpoint_id)
        .into_iter()
        .find(|s| s.id == key || s.name == key)
    {
        Some(s) => engine_json(service_json(&s)),
        None => engine_error(StatusCode::NOT_FOUND, format!("service {key} not found")),
    }
}

/// `GET /tasks` with `service`, `label` and `desired-state` filters; a task's
/// state follows its container: `starting`, `running`, then `failed` (with the
/// exit code) or `complete`. Each listed task counts as a poll.
pub(crate) fn tasks(state: &mut State, call: &Call, endpoint_id: i64) -> Reply {
    let filters = match filters(call.query) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let progression = state.progression;
    let mut out = Vec::new();
    let services = service_views(state, endpoint_id);
    for i in 0..state.containers.len() {
        let c = &state.containers[i];
        if c.endpoint_id != endpoint_id {
            continue;
        }
        let (Some(task_id), Some(service_id)) = (c.task_id.clone(), c.swarm_service_id.clone())
        else {
            continue;
        };
        let service_name = services
            .iter()
            .find(|s| s.id == service_id)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let labels = vec![("com.docker.stack.namespace".to_owned(), c.project.clone())];
        let keep = filters.iter().all(|(k, values)| match k.as_str() {
            "service" => values
                .iter()
                .any(|v| *v == service_id || *v == service_name),
            "label" => values.iter().all(|v| label_matches(&labels, v)),
            "desired-state" => values.iter().any(|v| v == "running"),
            _ => false,
        });
        if !keep {
            continue;
        }
        let behaviour = state.behaviour(&c.project, &c.service);
        let (task_state, message, err, exit) = match c.phase(&behaviour, progression) {
            Phase::Created => ("starting", "starting", "", 0),
            Phase::Running { .. } => ("running", "started", "", 0),
            Phase::Exited(0) => ("complete", "finished", "", 0),
            Phase::Exited(code) => ("failed", "started", "task: non-zero exit", code),
        };
        let error = if err.is_empty() {
            String::new()
        } else {
            format!("{err} ({exit})")
        };
        out.push(json!({
            "ID": task_id,
            "Version": {"Index": 12},
            "Labels": {"com.docker.stack.namespace": c.project},
            "Spec": {"ContainerSpec": {"Image": c.image, "Labels": {"com.docker.stack.namespace": c.project}}},
            "ServiceID": service_id,
            "Slot": c.slot,
            "NodeID": "node1",
            "Status": {
                "Timestamp": "2024-01-01T00:00:01Z",
                "State": task_state,
                "Message": message,
                "Err": error,
                "ContainerStatus": {"ContainerID": c.id, "PID": 0, "ExitCode": exit},
            },
            "DesiredState": "running",
        }));
        state.containers[i].polls += 1;
    }
    engine_json(Value::Array(out))
}

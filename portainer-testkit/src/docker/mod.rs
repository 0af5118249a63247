//! The Docker Engine API behind `/api/endpoints/{id}/docker/...`: what the
//! fake's stacks run (api/http/handler/endpointproxy/proxy_docker.go finds
//! the environment, checks access, and strips the prefix).

pub(crate) mod containers;
mod logs;
mod swarm;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::environments::EnvironmentKind;
use crate::handler::Call;
use crate::stacks::model::Owner;
use crate::state::State;
use crate::wire::{HandlerError, HandlerResult, Query, Reply, atoi};
use containers::Phase;

/// A Docker Engine error: `{"message": ...}` with its status.
pub(crate) fn engine_error(status: StatusCode, message: impl Into<String>) -> Reply {
    let body = serde_json::to_vec(&json!({ "message": message.into() })).unwrap_or_default();
    Reply::Raw {
        status,
        content_type: "application/json",
        body,
    }
}

pub(crate) fn engine_json(v: Value) -> Reply {
    let mut body = serde_json::to_vec(&v).unwrap_or_default();
    // The Docker engine's encoder ends bodies with a newline.
    body.push(b'\n');
    Reply::Raw {
        status: StatusCode::OK,
        content_type: "application/json",
        body,
    }
}

fn empty(status: StatusCode) -> Reply {
    Reply::Raw {
        status,
        content_type: "text/plain",
        body: Vec::new(),
    }
}

/// `/api/endpoints/{id}/docker/{rest}`.
pub(crate) fn proxy(state: &mut State, call: &Call, raw_id: &str, rest: &str) -> HandlerResult {
    let endpoint_id = atoi(raw_id).map_err(|e| {
        HandlerError::bad_request("Invalid environment identifier route variable", e)
    })?;
    let env_kind = state
        .environment(endpoint_id)
        .map(|e| e.kind)
        .ok_or_else(|| {
            HandlerError::object_not_found(
                "Unable to find an environment with the specified identifier inside the database",
            )
        })?;
    crate::auth::check_environment_access(
        call.user,
        endpoint_id,
        "Permission denied to access environment",
    )?;
    if env_kind == EnvironmentKind::Kubernetes {
        return Err(crate::unimplemented::not_emulated(
            "the Docker proxy",
            "Docker requests to a Kubernetes environment",
        ));
    }
    // An API version prefix (`/v1.41/containers/json`) is optional.
    let mut segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    if segments
        .first()
        .is_some_and(|s| s.starts_with('v') && s[1..].contains('.'))
    {
        segments.remove(0);
    }
    let swarm = env_kind == EnvironmentKind::DockerSwarm;
    let m = call.method.clone();
    match (m, segments.as_slice()) {
        (Method::GET, ["containers", "json"]) => Ok(list_containers(state, call, endpoint_id)),
        (Method::GET, ["containers", id, "json"]) => {
            Ok(inspect_container(state, call, endpoint_id, id))
        }
        (Method::GET, ["containers", id, "logs"]) => Ok(logs::logs(state, call, endpoint_id, id)),
        (Method::POST, ["containers", id, action @ ("start" | "stop" | "restart")]) => {
            Ok(container_action(state, call, endpoint_id, id, action))
        }
        (Method::GET, ["swarm"]) => Ok(swarm::inspect(state, endpoint_id)),
        (Method::GET, ["info"]) => Ok(info(state, endpoint_id, swarm)),
        (Method::GET, ["services"]) if swarm => Ok(swarm::services(state, call, endpoint_id)),
        (Method::GET, ["services", id]) if swarm => Ok(swarm::service(state, endpoint_id, id)),
        (Method::GET, ["tasks"]) if swarm => Ok(swarm::tasks(state, call, endpoint_id)),
        (Method::GET, ["services" | "tasks", ..]) => Ok(engine_error(
            StatusCode::SERVICE_UNAVAILABLE,
            swarm::NOT_A_MANAGER,
        )),
        _ => Err(crate::unimplemented::not_emulated(
            "the Docker proxy",
            &format!("{} /{}", call.method, segments.join("/")),
        )),
    }
}

/// Containers a standard user may see: those of stacks it owns (the Docker
/// proxy filters by resource control, api/http/proxy/factory/docker).
fn visible(state: &State, call: &Call, c: &containers::Container) -> bool {
    if call.user.is_admin() {
        return true;
    }
    state.stacks.values().any(|s| {
        s.endpoint_id == c.endpoint_id
            && s.name == c.project
            && s.owner == Owner::User(call.user.id)
    })
}

/// Docker's `filters` query parameter: `{"label": ["k=v"], "status": [...]}`
/// or the older `{"label": {"k=v": true}}`.
pub(crate) fn filters(q: &Query) -> Result<Vec<(String, Vec<String>)>, Reply> {
    let raw = q.get("filters");
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    let v: Value = serde_json::from_str(raw)
        .map_err(|e| engine_error(StatusCode::BAD_REQUEST, format!("invalid filter: {e}")))?;
    let Value::Object(map) = v else {
        return Err(engine_error(StatusCode::BAD_REQUEST, "invalid filter"));
    };
    Ok(map
        .into_iter()
        .map(|(k, v)| {
            let values = match v {
                Value::Array(a) => a
                    .into_iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect(),
                Value::Object(o) => o
                    .into_iter()
                    .filter(|(_, b)| b.as_bool() == Some(true))
                    .map(|(k, _)| k)
                    .collect(),
                Value::String(s) => vec![s],
                _ => Vec::new(),
            };
            (k, values)
        })
        .collect())
}

pub(crate) fn label_matches(labels: &[(String, String)], wanted: &str) -> bool {
    match wanted.split_once('=') {
        Some((k, v)) => labels.iter().any(|(lk, lv)| lk == k && lv == v),
        None => labels.iter().any(|(lk, _)| lk == wanted),
    }
}

/// `GET /containers/json`: `all` (default only running ones), filters
/// `label`, `status`, `name`, `id`; each listed container counts as polled.
fn list_containers(state: &mut State, call: &Call, endpoint_id: i64) -> Reply {
    let filters = match filters(call.query) {
        Ok(f) => f,
        Err(r) => return r,
    };
    for (k, _) in &filters {
        if !["label", "status", "name", "id"].contains(&k.as_str()) {
            let known = [
                "ancestor",
                "before",
                "expose",
                "exited",
                "health",
                "isolation",
                "is-task",
                "network",
                "publish",
                "since",
                "volume",
            ];
            return if known.contains(&k.as_str()) {
                engine_error(
                    StatusCode::NOT_IMPLEMENTED,
                    format!("portainer-testkit does not emulate the Docker container filter {k:?}"),
                )
            } else {
                engine_error(StatusCode::BAD_REQUEST, format!("invalid filter '{k}'"))
            };
        }
    }
    let all = matches!(call.query.get("all"), "1" | "true" | "True");
    let progression = state.progression;
    let mut out = Vec::new();
    let ids: Vec<usize> = (0..state.containers.len())
        .filter(|&i| {
            state.containers[i].endpoint_id == endpoint_id
                && visible(state, call, &state.containers[i])
        })
        .collect();
    for i in ids {
        let behaviour = {
            let c = &state.containers[i];
            state.behaviour(&c.project, &c.service)
        };
        let c = &state.containers[i];
        let phase = c.phase(&behaviour, progression);
        let status = match phase {
            Phase::Created => "created",
            Phase::Running { .. } => "running",
            Phase::Exited(_) => "exited",
        };
        if !all && status != "running" {
            continue;
        }
        let keep = filters.iter().all(|(k, values)| match k.as_str() {
            "label" => values.iter().all(|v| label_matches(&c.labels, v)),
            "status" => values.is_empty() || values.iter().any(|v| v == status),
            "name" => {
                values.is_empty()
                    || values
                        .iter()
                        .any(|v| c.name.contains(v.trim_start_matches('/')))
            }
            "id" => values.is_empty() || values.iter().any(|v| c.id.starts_with(v.as_str())),
            _ => true,
        });
        if keep {
            out.push(c.summary(phase));
            state.containers[i].polls += 1;
        }
    }
    engine_json(Value::Array(out))
}

/// A container by full id, unique id prefix or name, as the engine resolves it.
pub(crate) fn find_container(
    state: &State,
    call: &Call,
    endpoint_id: i64,
    key: &str,
) -> Option<usize> {
    let key = key.trim_start_matches('/');
    let candidates: Vec<usize> = (0..state.containers.len())
        .filter(|&i| {
            let c = &state.containers[i];
            c.endpoint_id == endpoint_id && visible(state, call, c)
        })
        .collect();
    candidates
        .iter()
        .copied()
        .find(|&i| state.containers[i].id == key || state.containers[i].name == key)
        .or_else(|| {
            let by_prefix: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| !key.is_empty() && state.containers[i].id.starts_with(key))
                .collect();
            (by_prefix.len() == 1).then(|| by_prefix[0])
        })
}

pub(crate) fn no_such_container(key: &str) -> Reply {
    engine_error(StatusCode::NOT_FOUND, format!("No such container: {key}"))
}

/// `GET /containers/{id}/json`; counts as a poll.
fn inspect_container(state: &mut State, call: &Call, endpoint_id: i64, key: &str) -> Reply {
    let Some(i) = find_container(state, call, endpoint_id, key) else {
        return no_such_container(key);
    };
    let behaviour = state.behaviour(&state.containers[i].project, &state.containers[i].service);
    let c = &state.containers[i];
    let body = c.inspect(c.phase(&behaviour, state.progression), &behaviour);
    state.containers[i].polls += 1;
    engine_json(body)
}

/// `POST /containers/{id}/start|stop|restart`: 204, or 304 when already in
/// that state (Docker Engine API).
fn container_action(
    state: &mut State,
    call: &Call,
    endpoint_id: i64,
    key: &str,
    action: &str,
) -> Reply {
    let Some(i) = find_container(state, call, endpoint_id, key) else {
        return no_such_container(key);
    };
    let behaviour = state.behaviour(&state.containers[i].project, &state.containers[i].service);
    let phase = state.containers[i].phase(&behaviour, state.progression);
    let running = matches!(phase, Phase::Running { .. });
    let c = &mut state.containers[i];
    match action {
        "start" if running => empty(StatusCode::NOT_MODIFIED),
        "stop" if !running => empty(StatusCode::NOT_MODIFIED),
        "stop" => {
            c.stopped = true;
            empty(StatusCode::NO_CONTENT)
        }
        _ => {
            if action == "restart" {
                c.restarts += 1;
            }
            // A (re)started container goes through its progression again.
            c.stopped = false;
            c.polls = 0;
            empty(StatusCode::NO_CONTENT)
        }
    }
}

/// `GET /info`, the fields a client checks.
fn info(state: &State, endpoint_id: i64, swarm: bool) -> Reply {
    let count = state
        .containers
        .iter()
        .filter(|c| c.endpoint_id == endpoint_id)
        .count();
    let node = if swarm {
        json!({"NodeID": "node1", "LocalNodeState": "active", "ControlAvailable": true,
               "Cluster": {"ID": state.swarm_id_of(endpoint_id)}})
    } else {
        json!({"NodeID": "", "LocalNodeState": "inactive", "ControlAvailable": false})
    };
    engine_json(json!({
        "ID": format!("fake-engine-{endpoint_id}"),
        "Containers": count,
        "ServerVersion": "24.0.7",
        "OperatingSystem": "portainer-testkit",
        "Swarm": node,
    }))
}

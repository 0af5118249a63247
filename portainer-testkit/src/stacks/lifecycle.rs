//! Start, stop and delete (api/http/handler/stacks/stack_start.go,
//! stack_stop.go, stack_delete.go).

use crate::auth::check_environment_access;
use crate::handler::Call;
use crate::stacks::create::deploy;
use crate::stacks::model::{StackKind, StackStatus};
use crate::stacks::{can_access, check_access, load, names};
use crate::state::State;
use crate::wire::{HandlerError, HandlerResult, Reply};

/// The environment a start or stop acts on: `endpointId` from 2.19, the
/// stack's own before.
fn target_environment(call: &Call, stack_endpoint: i64) -> Result<i64, HandlerError> {
    if call.version.stack_routes_require_endpoint_id() {
        call.query
            .numeric("endpointId", false)
            .map_err(|e| HandlerError::bad_request("Invalid query parameter: endpointId", e))
    } else {
        Ok(stack_endpoint)
    }
}

/// `POST /stacks/{id}/start`: refuses Kubernetes stacks, then a name that
/// runs already (409 "A stack with the name '...' is already running", as
/// `checkUniqueStackNameInDocker` comes before the status check), then an
/// active stack (400 "Stack is already active"); deploys and marks it active.
pub(crate) fn start(state: &mut State, call: &Call, raw_id: &str) -> HandlerResult {
    let stack = load(state, raw_id)?.clone();
    if stack.kind == StackKind::Kubernetes {
        let msg = "Starting a kubernetes stack is not supported";
        return Err(HandlerError::bad_request(msg, msg));
    }
    let endpoint_id = target_environment(call, stack.endpoint_id)?;
    if state.environment(endpoint_id).is_none() {
        return Err(HandlerError::object_not_found(
            "Unable to find an endpoint with the specified identifier inside the database",
        ));
    }
    check_environment_access(
        call.user,
        endpoint_id,
        "Permission denied to access endpoint",
    )?;
    let swarm = !stack.swarm_id.is_empty();
    if !names::unique_in_docker(state, endpoint_id, &stack.name, stack.id, swarm) {
        let msg = format!("A stack with the name '{}' is already running", stack.name);
        return Err(HandlerError::conflict(msg.clone(), msg));
    }
    if !can_access(call.user, &stack) {
        return Err(HandlerError::forbidden(
            "Access denied to resource",
            "Access denied to resource",
        ));
    }
    if stack.status == StackStatus::Active {
        let msg = "Stack is already active";
        return Err(HandlerError::bad_request(msg, msg));
    }
    let mut stack = stack;
    stack.name = names::normalize(&stack.name);
    deploy(state, &stack, false).map_err(|e| {
        HandlerError::internal("Unable to start stack", e.details.unwrap_or_default())
    })?;
    stack.status = StackStatus::Active;
    let json = stack.to_json(call.version);
    state.stacks.insert(stack.id, stack);
    Ok(Reply::Json(json))
}

/// `POST /stacks/{id}/stop`: `docker compose down` / `docker stack rm`, and
/// the stack becomes inactive; stopping an inactive one is 400 "Stack is
/// already inactive".
pub(crate) fn stop(state: &mut State, call: &Call, raw_id: &str) -> HandlerResult {
    let stack = load(state, raw_id)?.clone();
    if stack.kind == StackKind::Kubernetes {
        let msg = "Stopping a kubernetes stack is not supported";
        return Err(HandlerError::bad_request(msg, msg));
    }
    let endpoint_id = target_environment(call, stack.endpoint_id)?;
    if state.environment(endpoint_id).is_none() {
        return Err(HandlerError::object_not_found(
            "Unable to find an environment with the specified identifier inside the database",
        ));
    }
    check_environment_access(
        call.user,
        endpoint_id,
        "Permission denied to access environment",
    )?;
    if !can_access(call.user, &stack) {
        return Err(HandlerError::forbidden(
            "Access denied to resource",
            "Access denied to resource",
        ));
    }
    if stack.status == StackStatus::Inactive {
        let msg = "Stack is already inactive";
        return Err(HandlerError::bad_request(msg, msg));
    }
    let mut stack = stack;
    state.undeploy(endpoint_id, &stack.name);
    stack.status = StackStatus::Inactive;
    if let Some(au) = stack.auto_update.as_mut() {
        // stack_stop.go: the auto-update job is stopped.
        au.insert("JobID".into(), serde_json::json!(""));
    }
    let json = stack.to_json(call.version);
    state.stacks.insert(stack.id, stack);
    Ok(Reply::Json(json))
}

/// `DELETE /stacks/{id}?endpointId=`: a stack whose `endpointId` differs
/// from its own counts as orphaned (administrators only); the environment
/// named by `endpointId` must exist; the stack is undeployed there and
/// removed; 204.
pub(crate) fn delete(state: &mut State, call: &Call, raw_id: &str) -> HandlerResult {
    if call.query.boolean("external") {
        return Err(crate::unimplemented::not_emulated(
            "StackDelete",
            "deleting an external stack (`external=true`)",
        ));
    }
    let stack = load(state, raw_id)?.clone();
    let endpoint_id = call
        .query
        .numeric("endpointId", true)
        .map_err(|e| HandlerError::bad_request("Invalid query parameter: endpointId", e))?;
    let orphaned = endpoint_id != stack.endpoint_id;
    if orphaned && !call.user.is_admin() {
        let msg = "Permission denied to remove orphaned stack";
        return Err(HandlerError::forbidden(msg, msg));
    }
    if state.environment(endpoint_id).is_none() {
        return Err(HandlerError::object_not_found(
            "Unable to find the endpoint associated to the stack inside the database",
        ));
    }
    if !orphaned {
        check_environment_access(
            call.user,
            endpoint_id,
            "Permission denied to access endpoint",
        )?;
        check_access(call.user, &stack)?;
    }
    state.undeploy(endpoint_id, &names::normalize(&stack.name));
    state.stacks.remove(&stack.id);
    Ok(Reply::Empty)
}

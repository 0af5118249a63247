//! Reading stacks: list with filters, inspect, file
//! (api/http/handler/stacks/stack_list.go, stack_inspect.go, stack_file.go).

use serde_json::{Value, json};

use crate::handler::Call;
use crate::payload::Payload;
use crate::stacks::model::{StackKind, StoredStack};
use crate::stacks::{can_access, check_access, load};
use crate::state::State;
use crate::wire::{HandlerError, HandlerResult, Reply};

/// `GET /stacks` (stack_list.go): `filters` is a JSON object with
/// `EndpointID`, `SwarmID` and `IncludeOrphanedStacks`. With an `EndpointID`
/// or `SwarmID` only Compose stacks of that environment and swarm stacks of
/// that swarm are kept (`filterStacks`: Kubernetes stacks drop out), plus,
/// when asked, orphaned stacks of the matching kind whose name is not taken.
/// A standard user sees the stacks its resource controls allow, and may not
/// ask for orphaned ones.
pub(crate) fn list(state: &State, call: &Call) -> HandlerResult {
    let raw = call.query.get("filters");
    let (mut endpoint_id, mut swarm_id, mut orphaned) = (0, String::new(), false);
    if !raw.is_empty() {
        let bad = |e: String| HandlerError::bad_request("Invalid query parameter: filters", e);
        let p = Payload::decode(raw.as_bytes(), "stacks.stackListOperationFilters").map_err(bad)?;
        endpoint_id = p.int("EndpointID").map_err(bad)?.unwrap_or(0);
        swarm_id = p.string("SwarmID").map_err(bad)?;
        orphaned = p.boolean("IncludeOrphanedStacks").map_err(bad)?;
    }
    let all: Vec<&StoredStack> = state.stacks.values().collect();
    let mut stacks: Vec<&StoredStack> = if endpoint_id == 0 && swarm_id.is_empty() {
        all.clone()
    } else {
        let mut kept: Vec<&StoredStack> = all
            .iter()
            .copied()
            .filter(|s| {
                (s.kind == StackKind::Compose && s.endpoint_id == endpoint_id)
                    || (s.kind == StackKind::Swarm && s.swarm_id == swarm_id)
            })
            .collect();
        let taken: Vec<String> = kept.iter().map(|s| s.name.clone()).collect();
        for s in &all {
            let is_orphan = state.environment(s.endpoint_id).is_none();
            let kind_fits = (s.kind == StackKind::Compose && swarm_id.is_empty())
                || (s.kind == StackKind::Swarm && !swarm_id.is_empty());
            if orphaned && is_orphan && kind_fits && !taken.contains(&s.name) {
                kept.push(s);
            }
        }
        kept
    };
    if !call.user.is_admin() {
        if orphaned {
            return Err(HandlerError::forbidden(
                "Permission denied to access orphaned stacks",
                "Unauthorized",
            ));
        }
        stacks.retain(|s| can_access(call.user, s));
    }
    Ok(Reply::Json(Value::Array(
        stacks.iter().map(|s| s.to_json(call.version)).collect(),
    )))
}

/// The checks inspect and file share (stack_inspect.go, stack_file.go): a
/// stack whose environment is gone is visible to administrators only.
fn readable<'s>(
    state: &'s State,
    call: &Call,
    raw_id: &str,
) -> Result<&'s StoredStack, HandlerError> {
    let stack = load(state, raw_id)?;
    match state.environment(stack.endpoint_id) {
        None if !call.user.is_admin() => {
            return Err(HandlerError::object_not_found(
                "Unable to find an environment with the specified identifier inside the database",
            ));
        }
        None => {}
        Some(env) => {
            crate::auth::check_environment_access(
                call.user,
                env.id,
                "Permission denied to access environment",
            )?;
            check_access(call.user, stack)?;
        }
    }
    Ok(stack)
}

/// `GET /stacks/{id}`.
pub(crate) fn inspect(state: &State, call: &Call, raw_id: &str) -> HandlerResult {
    let stack = readable(state, call, raw_id)?;
    Ok(Reply::Json(stack.to_json(call.version)))
}

/// `GET /stacks/{id}/file`: `{"StackFileContent": ...}`.
pub(crate) fn file(state: &State, call: &Call, raw_id: &str) -> HandlerResult {
    let stack = readable(state, call, raw_id)?;
    Ok(Reply::Json(
        json!({ "StackFileContent": stack.file_content }),
    ))
}

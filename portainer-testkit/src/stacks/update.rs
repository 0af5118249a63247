//! Updating stacks: `PUT /stacks/{id}` and `PUT /stacks/{id}/git/redeploy`
//! (api/http/handler/stacks/stack_update.go, stack_update_git_redeploy.go).

use crate::auth::check_environment_access;
use crate::handler::Call;
use crate::payload::Payload;
use crate::stacks::create::{clone, deploy};
use crate::stacks::model::{StackKind, StackStatus, StoredStack};
use crate::stacks::{check_access, load, names};
use crate::state::State;
use crate::wire::{HandlerError, HandlerResult, Reply};

fn invalid(e: String) -> HandlerError {
    HandlerError::bad_request("Invalid request payload", e)
}

/// The environment checks update and redeploy share: an `endpointId` that
/// differs from the stack's re-associates the stack with it (the handlers'
/// "work-around for stacks created with Portainer version >= 1.17.1").
fn environment_checks(
    state: &State,
    call: &Call,
    stack: &mut StoredStack,
    required: bool,
) -> Result<(), HandlerError> {
    let endpoint_id = call
        .query
        .numeric("endpointId", !required)
        .map_err(|e| HandlerError::bad_request("Invalid query parameter: endpointId", e))?;
    if endpoint_id != 0 && endpoint_id != stack.endpoint_id {
        stack.endpoint_id = endpoint_id;
    }
    if state.environment(stack.endpoint_id).is_none() {
        return Err(HandlerError::object_not_found(
            "Unable to find the environment associated to the stack inside the database",
        ));
    }
    check_environment_access(
        call.user,
        stack.endpoint_id,
        "Permission denied to access environment",
    )?;
    check_access(call.user, stack)
}

/// `PUT /stacks/{id}`: replaces the file and `Env` (absent `Env` clears it),
/// detaches a git stack from its repository (`GitConfig` nil, `AutoUpdate`
/// nil, `FromAppTemplate` true), redeploys, and stamps `UpdatedBy`,
/// `UpdateDate` and an active status. `Webhook` is assigned from the payload
/// on EE (pinned EE specs' `stacks.updateStackPayload`; the EE handler is not
/// public, so the assignment follows the payload like `Env`). `PullImage`, and
/// from 2.36 `RepullImageAndRedeploy`, recreate every container; otherwise
/// only changed services are. From 2.36 `Prune` is kept in `Option` for both
/// stack kinds (current CE stack_update.go); before, the swarm deploy uses it
/// without storing it.
pub(crate) fn update(state: &mut State, call: &Call, raw_id: &str) -> HandlerResult {
    let mut stack = load(state, raw_id)?.clone();
    let required = call.version.stack_routes_require_endpoint_id();
    environment_checks(state, call, &mut stack, required)?;
    if stack.kind == StackKind::Kubernetes {
        return Err(crate::unimplemented::not_emulated(
            "StackUpdate",
            "updating a Kubernetes stack",
        ));
    }
    let old_name = stack.name.clone();
    stack.name = names::normalize(&stack.name);
    stack.auto_update = None;
    if stack.git.is_some() {
        stack.from_app_template = true;
    }
    let go_type = if stack.kind == StackKind::Swarm {
        "stacks.updateSwarmStackPayload"
    } else {
        "stacks.updateComposeStackPayload"
    };
    let p = Payload::decode(call.body, go_type).map_err(invalid)?;
    let content = p.string("StackFileContent").map_err(invalid)?;
    let env = p.pairs("Env").map_err(invalid)?;
    let prune = p.boolean("Prune").map_err(invalid)?;
    let mut pull = p.boolean("PullImage").map_err(invalid)?;
    if call.version.has_repull_flag() {
        pull |= p.boolean("RepullImageAndRedeploy").map_err(invalid)?;
    }
    let webhook = p.string("Webhook").map_err(invalid)?;
    if call.version.update_assigns_webhook() && p.int("RollbackTo").map_err(invalid)?.is_some() {
        return Err(crate::unimplemented::not_emulated(
            "StackUpdate",
            "`RollbackTo`",
        ));
    }
    if content.is_empty() {
        return Err(invalid("Invalid stack file content".into()));
    }
    stack.env = env;
    stack.git = None;
    stack.file_content = content;
    if call.version.has_repull_flag() {
        stack.prune = Some(prune);
    }
    if call.version.update_assigns_webhook() {
        stack.webhook = webhook;
    }
    if old_name != stack.name {
        state.undeploy(stack.endpoint_id, &old_name);
    }
    deploy(state, &stack, pull)?;
    stack.updated_by = call.user.spec.username.clone();
    stack.update_date = (state.clock)();
    stack.status = StackStatus::Active;
    let json = stack.to_json(call.version);
    state.stacks.insert(stack.id, stack);
    Ok(Reply::Json(json))
}

/// `PUT /stacks/{id}/git/redeploy`: 400 "Stack is not created from git" for
/// other stacks; assigns `ReferenceName` (an absent one becomes empty) and
/// `Env` from the payload, `Option.Prune` for swarm stacks, the name for
/// Kubernetes stacks; clones, redeploys, records the commit as `ConfigHash`.
pub(crate) fn git_redeploy(state: &mut State, call: &Call, raw_id: &str) -> HandlerResult {
    let mut stack = load(state, raw_id)?.clone();
    if stack.git.is_none() {
        return Err(HandlerError::bare(
            axum::http::StatusCode::BAD_REQUEST,
            "Stack is not created from git",
        ));
    }
    environment_checks(state, call, &mut stack, false)?;
    let go_type = if call.version >= crate::Version::new(2, 44, 0) {
        "stacks.stackGitRedeployPayload"
    } else {
        "stacks.stackGitRedployPayload"
    };
    let p = Payload::decode(call.body, go_type).map_err(invalid)?;
    let reference = p.string("RepositoryReferenceName").map_err(invalid)?;
    let env = p.pairs("Env").map_err(invalid)?;
    let prune = p.boolean("Prune").map_err(invalid)?;
    let mut pull = p.boolean("PullImage").map_err(invalid)?;
    if call.version.has_repull_flag() {
        pull |= p.boolean("RepullImageAndRedeploy").map_err(invalid)?;
    }
    let stack_name = p.string("StackName").map_err(invalid)?;
    let with_auth = p.boolean("RepositoryAuthentication").map_err(invalid)?;
    let username = p.string("RepositoryUsername").map_err(invalid)?;
    let password = p.string("RepositoryPassword").map_err(invalid)?;
    stack.env = env;
    if stack.kind == StackKind::Swarm {
        stack.prune = Some(prune);
    }
    if stack.kind == StackKind::Kubernetes {
        stack.name = stack_name;
    }
    let Some(git) = stack.git.as_mut() else {
        return Err(HandlerError::bare(
            axum::http::StatusCode::BAD_REQUEST,
            "Stack is not created from git",
        ));
    };
    git.reference_name = reference;
    // An empty password keeps the stored one; the username comes from the
    // payload. The clone's credentials are not stored.
    let _credentials = with_auth.then(|| {
        let pw = if password.is_empty() {
            git.password.clone().unwrap_or_default()
        } else {
            password
        };
        (username, pw)
    });
    let (url, file) = (git.url.clone(), git.config_file_path.clone());
    let (content, commit) = clone(state, &url, &file).map_err(|e| {
        HandlerError::internal(
            "Unable to clone git repository directory",
            e.details.unwrap_or_default(),
        )
    })?;
    stack.file_content = content;
    deploy(state, &stack, pull)?;
    if let Some(git) = stack.git.as_mut() {
        git.config_hash = commit;
    }
    stack.updated_by = call.user.spec.username.clone();
    stack.update_date = (state.clock)();
    stack.status = StackStatus::Active;
    let json = stack.to_json(call.version);
    state.stacks.insert(stack.id, stack);
    Ok(Reply::Json(json))
}

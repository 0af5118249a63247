//! Stack name rules: normalization and uniqueness.

use crate::stacks::model::StackKind;
use crate::state::State;
use crate::wire::HandlerError;

/// api/exec/compose_stack.go and swarm_stack.go `NormalizeStackName`:
/// lower-cased, every character outside `[-_a-z0-9]` removed
/// (api/exec/common.go: `stackNameNormalizeRegex`). Docker stacks only;
/// Kubernetes stack names are kept as sent.
pub(crate) fn normalize(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_')
        .collect()
}

/// handler.go `stackExistsError`: 409 with the normalized name.
pub(crate) fn exists_error(name: &str) -> HandlerError {
    let msg = format!("A stack with the normalized name '{name}' already exists");
    HandlerError::conflict(msg.clone(), msg)
}

/// handler.go `checkUniqueStackName`: no other stack of the environment has
/// this name, compared without case.
pub(crate) fn unique_in_database(state: &State, endpoint_id: i64, name: &str, except: i64) -> bool {
    !state.stacks.values().any(|s| {
        s.name.eq_ignore_ascii_case(name)
            && (except == 0 || except != s.id)
            && s.endpoint_id == endpoint_id
    })
}

/// handler.go `checkUniqueStackNameInDocker`: unique in the database and no
/// container (nor, in swarm mode, service) carries the name as its project.
pub(crate) fn unique_in_docker(
    state: &State,
    endpoint_id: i64,
    name: &str,
    except: i64,
    swarm: bool,
) -> bool {
    unique_in_database(state, endpoint_id, name, except)
        && !state.docker_has_project(endpoint_id, name, swarm)
}

/// create_compose_stack.go: a clash with a non-Compose stack of the same
/// environment removes that stack's record (`checkAndCleanStackDupFromSwarm`);
/// any other stack of that exact name is a 409.
pub(crate) fn ensure_compose_name_free(
    state: &mut State,
    endpoint_id: i64,
    name: &str,
) -> Result<(), HandlerError> {
    if unique_in_docker(state, endpoint_id, name, 0, false) {
        return Ok(());
    }
    let same: Vec<(i64, StackKind, i64)> = state
        .stacks
        .values()
        .filter(|s| s.name == name)
        .map(|s| (s.id, s.kind, s.endpoint_id))
        .collect();
    for (id, kind, env) in same {
        if kind != StackKind::Compose && env == endpoint_id {
            state.stacks.remove(&id);
        } else {
            return Err(exists_error(name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_follows_the_regex() {
        assert_eq!(normalize("My Web-App_2!"), "myweb-app_2");
        assert_eq!(normalize("ÄBC"), "bc");
        assert_eq!(normalize("web.prod"), "webprod");
    }
}

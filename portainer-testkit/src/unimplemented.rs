//! Requests the fake does not emulate: a 501 that names the operation of the
//! spec, never a made-up success.

use axum::http::StatusCode;
use portainer_sdk_gen::{OPERATIONS, Operation};

use crate::wire::HandlerError;

/// The operation of the pinned EE 2.44.0 spec (`portainer_sdk_gen::OPERATIONS`)
/// a request is for: the template with the most literal segments among those
/// the path is an instance of.
pub(crate) fn operation_for(method: &str, api_path: &str) -> Option<&'static Operation> {
    OPERATIONS
        .iter()
        .filter(|op| {
            op.method.eq_ignore_ascii_case(method) && crate::faults::path_matches(op.path, api_path)
        })
        .max_by_key(|op| op.path.split('/').filter(|s| !s.starts_with('{')).count())
}

/// 501 for an operation, or a part of one, that the fake leaves out.
pub(crate) fn not_emulated(operation: &str, what: &str) -> HandlerError {
    HandlerError::new(
        StatusCode::NOT_IMPLEMENTED,
        format!("portainer-testkit does not emulate {what} of {operation}"),
        "Not implemented by the fake Portainer server",
    )
}

/// 501 for a whole operation.
pub(crate) fn operation_not_emulated(op: &Operation) -> HandlerError {
    HandlerError::new(
        StatusCode::NOT_IMPLEMENTED,
        format!(
            "portainer-testkit does not emulate {} ({} /api{})",
            op.id, op.method, op.path
        ),
        "Not implemented by the fake Portainer server",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win() {
        let op = operation_for("POST", "/stacks/create/swarm/string").unwrap();
        assert_eq!(op.id, "StackCreateDockerSwarmString");
        assert_eq!(
            operation_for("POST", "/stacks/3/git").unwrap().id,
            "StackUpdateGit"
        );
        assert!(operation_for("GET", "/nothing/here").is_none());
    }
}

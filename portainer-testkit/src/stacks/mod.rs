//! Stacks: creation, listing, inspection, update, start/stop, deletion and
//! git redeploy (api/http/handler/stacks/).

pub(crate) mod create;
pub(crate) mod lifecycle;
pub(crate) mod model;
pub(crate) mod names;
pub(crate) mod read;
pub(crate) mod update;

use crate::state::State;
use crate::users::StoredUser;
use crate::wire::{HandlerError, atoi};
use model::{Owner, StackKind, StoredStack};

/// `RetrieveNumericRouteVariableValue(r, "id")` and `Stack().Read`.
pub(crate) fn load<'s>(state: &'s State, raw_id: &str) -> Result<&'s StoredStack, HandlerError> {
    let id = atoi(raw_id)
        .map_err(|e| HandlerError::bad_request("Invalid stack identifier route variable", e))?;
    state.stacks.get(&id).ok_or_else(|| {
        HandlerError::object_not_found(
            "Unable to find a stack with the specified identifier inside the database",
        )
    })
}

/// handler.go `userCanAccessStack`: the stack's resource control lets the
/// user in, or the user is an administrator (CE's
/// `UserIsAdminOrEndpointAdmin` is the administrator role).
pub(crate) fn can_access(user: &StoredUser, stack: &StoredStack) -> bool {
    user.is_admin() || stack.owner == Owner::User(user.id)
}

/// The resource-control check of inspect, file, update, stop, delete and
/// redeploy, which only Docker stacks have.
pub(crate) fn check_access(user: &StoredUser, stack: &StoredStack) -> Result<(), HandlerError> {
    if matches!(stack.kind, StackKind::Swarm | StackKind::Compose) && !can_access(user, stack) {
        return Err(HandlerError::forbidden(
            "Access denied to resource",
            "Access denied to resource",
        ));
    }
    Ok(())
}

/// A `multipart/form-data` body, read before the handler runs.
#[derive(Debug, Default, Clone)]
pub(crate) struct Form {
    pub fields: Vec<FormField>,
}

#[derive(Debug, Clone)]
pub(crate) struct FormField {
    pub name: String,
    pub file_name: Option<String>,
    pub data: Vec<u8>,
}

impl Form {
    /// `r.FormValue(name)`: the first value of a non-file field, or "".
    pub fn value(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.name == name && f.file_name.is_none())
            .map(|f| String::from_utf8_lossy(&f.data).into_owned())
            .unwrap_or_default()
    }

    /// `r.FormFile(name)`.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|f| f.name == name && f.file_name.is_some())
            .map(|f| f.data.as_slice())
    }
}

//! The diff's result, shaped so that `serde_json` writes the documented
//! `--format json` layout directly and nothing has to be reassembled by hand.

use std::collections::BTreeMap;

use serde::Serialize;

/// One difference inside an operation or a schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// Whether code written against the SDK generated from the old spec may
    /// need changing, or may stop working, with the SDK generated from the new
    /// one. The rule for each kind is on [`ChangeKind`].
    pub breaking: bool,
    /// One line, meant for people; tools should use the other fields.
    pub detail: String,
    /// What the change is about: `query endpointId`, `Env`, `200 application/json`.
    pub subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

/// Every kind of change the diff reports, with when each counts as breaking.
///
/// The yardstick is the generated Rust SDK: a change is breaking when a program
/// built against the client generated from the old spec may need editing, or
/// may misbehave, once built against the client generated from the new one.
/// Relaxations (something becoming optional, a new optional input, a new
/// response) are not breaking: the server accepts everything the old client
/// sent. Renames that only change letter case are not breaking either: the
/// generated identifiers are snake_case, so `createdBy` and `CreatedBy` both
/// become `created_by` and the serde attribute absorbs the difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A new parameter: breaking when required, since old calls do not set it.
    ParameterAdded,
    /// Always breaking: the operation's builder loses a setter.
    ParameterRemoved,
    /// Breaking only from optional to required.
    ParameterRequiredChanged,
    /// Always breaking: the setter's Rust type changes.
    ParameterTypeChanged,
    /// Letter case only (query, header or cookie): not breaking, same identifier.
    ParameterRenamedCase,
    /// A path placeholder renamed (`{id}` to `{stackId}`): the URL on the wire is
    /// the same, but the builder's setter is named after the placeholder
    /// (`.id(..)` to `.stack_id(..)`), so breaking unless only the case changed.
    PathParameterRenamed,
    /// Breaking when the new body is required.
    RequestBodyAdded,
    /// Always breaking: old calls send a body the server no longer documents.
    RequestBodyRemoved,
    /// Breaking only from optional to required.
    RequestBodyRequiredChanged,
    /// A new way to send the body: not breaking.
    RequestContentTypeAdded,
    /// Breaking: old clients may be sending exactly that media type.
    RequestContentTypeRemoved,
    /// Always breaking: the body's Rust type changes.
    RequestBodyTypeChanged,
    /// A new documented status code: not breaking.
    ResponseAdded,
    /// Breaking for 2xx codes (the client's success type changes); an error
    /// code going undocumented is not breaking.
    ResponseRemoved,
    /// Not breaking.
    ResponseContentTypeAdded,
    /// Breaking for 2xx codes, as for [`ChangeKind::ResponseRemoved`].
    ResponseContentTypeRemoved,
    /// Breaking for 2xx codes: the value the SDK hands back changes type.
    ResponseTypeChanged,
    /// A whole schema changed shape (object to string, `integer` to `string`):
    /// always breaking.
    TypeChanged,
    /// Breaking when the new property is required, not breaking otherwise.
    PropertyAdded,
    /// Always breaking: the generated field disappears.
    PropertyRemoved,
    /// Always breaking: the generated field changes type.
    PropertyTypeChanged,
    /// Letter case only: not breaking (see the type's documentation).
    PropertyRenamedCase,
    /// Breaking only from optional to required.
    PropertyRequiredChanged,
    /// Not breaking: old values are all still valid.
    EnumValueAdded,
    /// Breaking: a value old code may send or match on is gone.
    EnumValueRemoved,
}

/// An operation present on both sides, with what differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationChange {
    /// `METHOD /path` as in the new spec.
    pub operation: String,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaChange {
    pub schema: String,
    pub changes: Vec<Change>,
}

/// A removed schema paired with an added one by [`super::rename`]'s rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemaRename {
    pub from: String,
    pub to: String,
    /// Content similarity in 0..=1 (see [`super::rename`]).
    pub similarity: f64,
    /// Always true: every generated reference to the type changes name.
    pub breaking: bool,
    pub detail: String,
    /// Differences between the two bodies, as for a changed schema.
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OperationsDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<OperationChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SchemasDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<SchemaChange>,
    pub renamed: Vec<SchemaRename>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DiffReport {
    pub operations: OperationsDiff,
    pub schemas: SchemasDiff,
    /// Removed operations, removed and renamed schemas, and every breaking
    /// change, each counted once.
    pub breaking: usize,
    /// Each reported operation's first tag, for grouping the human output;
    /// kept out of the JSON so that its shape stays the documented one.
    #[serde(skip)]
    pub tags: BTreeMap<String, String>,
}

impl DiffReport {
    /// Recomputes [`DiffReport::breaking`]; the builder calls it last so the
    /// count can never disagree with the flags.
    pub(crate) fn count_breaking(&mut self) {
        let flagged = |changes: &[Change]| changes.iter().filter(|c| c.breaking).count();
        self.breaking = self.operations.removed.len()
            + self.schemas.removed.len()
            + self.schemas.renamed.iter().filter(|r| r.breaking).count()
            + self
                .operations
                .changed
                .iter()
                .map(|c| flagged(&c.changes))
                .sum::<usize>()
            + self
                .schemas
                .changed
                .iter()
                .map(|c| flagged(&c.changes))
                .sum::<usize>()
            + self
                .schemas
                .renamed
                .iter()
                .map(|r| flagged(&r.changes))
                .sum::<usize>();
    }

    /// Everything the diff found, for assertions and for the summary line.
    pub fn summary(&self) -> Summary {
        Summary {
            operations_added: self.operations.added.len(),
            operations_removed: self.operations.removed.len(),
            operations_changed: self.operations.changed.len(),
            schemas_added: self.schemas.added.len(),
            schemas_removed: self.schemas.removed.len(),
            schemas_changed: self.schemas.changed.len(),
            schemas_renamed: self.schemas.renamed.len(),
            breaking: self.breaking,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub operations_added: usize,
    pub operations_removed: usize,
    pub operations_changed: usize,
    pub schemas_added: usize,
    pub schemas_removed: usize,
    pub schemas_changed: usize,
    pub schemas_renamed: usize,
    pub breaking: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "operations: {} added, {} removed, {} changed; \
             schemas: {} added, {} removed, {} changed, {} renamed; \
             breaking changes: {}",
            self.operations_added,
            self.operations_removed,
            self.operations_changed,
            self.schemas_added,
            self.schemas_removed,
            self.schemas_changed,
            self.schemas_renamed,
            self.breaking
        )
    }
}

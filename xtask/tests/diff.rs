//! `cargo xtask diff`: the comparison over hand-written pairs whose every
//! difference is commented in the fixtures, the JSON contract, the CLI's exit
//! status, and the counts over Portainer's own releases.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use xtask::diff::{Change, ChangeKind, DiffReport, Summary, diff};
use xtask::source::{SpecSource, parse_document};

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(name)
}

fn fixture(name: &str) -> Value {
    let path = fixture_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_document(&text).unwrap_or_else(|e| panic!("{}: {e:#}", path.display()))
}

/// The kinds pair, compared as written (no conversion, no normalization), so
/// that each assertion below maps onto one commented line of the fixtures.
fn kinds() -> DiffReport {
    diff(&fixture("kinds-old.yaml"), &fixture("kinds-new.yaml"))
}

fn op_changes<'a>(report: &'a DiffReport, key: &str) -> &'a [Change] {
    report
        .operations
        .changed
        .iter()
        .find(|c| c.operation == key)
        .unwrap_or_else(|| panic!("{key} not among the changed operations"))
        .changes
        .as_slice()
}

fn schema_changes<'a>(report: &'a DiffReport, name: &str) -> &'a [Change] {
    report
        .schemas
        .changed
        .iter()
        .find(|c| c.schema == name)
        .unwrap_or_else(|| panic!("{name} not among the changed schemas"))
        .changes
        .as_slice()
}

/// (kind, subject, breaking) of each change, as a set: the order is a
/// presentation matter, the content is what the tests pin.
fn facts(changes: &[Change]) -> BTreeSet<(ChangeKind, String, bool)> {
    changes
        .iter()
        .map(|c| (c.kind, c.subject.clone(), c.breaking))
        .collect()
}

fn set(items: &[(ChangeKind, &str, bool)]) -> BTreeSet<(ChangeKind, String, bool)> {
    items
        .iter()
        .map(|(k, s, b)| (*k, (*s).to_owned(), *b))
        .collect()
}

#[test]
fn operations_are_added_removed_or_paired_even_when_a_placeholder_is_renamed() {
    let r = kinds();
    assert_eq!(r.operations.added, ["POST /fresh"]);
    assert_eq!(r.operations.removed, ["GET /gone"]);
    let changed: Vec<&str> = r
        .operations
        .changed
        .iter()
        .map(|c| c.operation.as_str())
        .collect();
    assert_eq!(
        changed,
        [
            "GET /items",
            "POST /items",
            "DELETE /items/{id}",
            "PUT /items/{id}",
            "GET /things/{id}",
            "POST /upload"
        ]
    );
    assert_eq!(
        facts(op_changes(&r, "GET /things/{id}")),
        // `{thingId}` -> `{id}`: the setter `.thing_id(..)` becomes `.id(..)`.
        set(&[(ChangeKind::PathParameterRenamed, "path", true)])
    );
    assert_eq!(r.tags["GET /gone"], "gone");
    assert_eq!(r.tags["POST /fresh"], "fresh");
}

#[test]
fn parameter_changes_and_their_breaking_flags() {
    let r = kinds();
    assert_eq!(
        facts(op_changes(&r, "GET /items")),
        set(&[
            (ChangeKind::ParameterRemoved, "query legacy", true),
            (ChangeKind::ParameterRequiredChanged, "query filter", true),
            (ChangeKind::ParameterRequiredChanged, "query sort", false),
            (ChangeKind::ParameterTypeChanged, "query page", true),
            (ChangeKind::ParameterRenamedCase, "query endpointID", false),
            (ChangeKind::ParameterAdded, "query limit", false),
            (ChangeKind::ParameterAdded, "query tenant", true),
            // Error codes come and go without breaking anyone.
            (ChangeKind::ResponseRemoved, "response 500", false),
            (ChangeKind::ResponseAdded, "response 404", false),
            // No header change (case-insensitive) and no response type change
            // (the array's items follow a renamed schema).
        ])
    );
    let page = op_changes(&r, "GET /items")
        .iter()
        .find(|c| c.kind == ChangeKind::ParameterTypeChanged)
        .expect("page retyped");
    assert_eq!(
        (page.old.as_deref(), page.new.as_deref()),
        (Some("integer"), Some("string"))
    );
}

#[test]
fn request_and_response_body_changes() {
    let r = kinds();
    assert_eq!(
        facts(op_changes(&r, "POST /items")),
        set(&[
            (ChangeKind::RequestBodyRemoved, "request body", true),
            (
                ChangeKind::ResponseContentTypeRemoved,
                "response 200 text/plain",
                true
            ),
            (
                ChangeKind::ResponseTypeChanged,
                "response 200 text/plain",
                true
            ),
        ])
    );
    assert_eq!(
        facts(op_changes(&r, "PUT /items/{id}")),
        set(&[
            (ChangeKind::RequestBodyRequiredChanged, "request body", true),
            (
                ChangeKind::RequestContentTypeAdded,
                "request multipart/form-data",
                false
            ),
            (
                ChangeKind::RequestBodyTypeChanged,
                "request application/json",
                true
            ),
            (ChangeKind::ResponseRemoved, "response 201", true),
            (ChangeKind::ResponseAdded, "response 200", false),
            (
                ChangeKind::ResponseTypeChanged,
                "response 400 application/json",
                false
            ),
        ])
    );
    let retyped = op_changes(&r, "PUT /items/{id}")
        .iter()
        .find(|c| c.kind == ChangeKind::RequestBodyTypeChanged)
        .expect("body retyped");
    // A $ref counts as the name of the schema it points to.
    assert_eq!(
        (retyped.old.as_deref(), retyped.new.as_deref()),
        (Some("Item"), Some("Shape"))
    );
    assert_eq!(
        facts(op_changes(&r, "DELETE /items/{id}")),
        set(&[(ChangeKind::RequestBodyAdded, "request body", true)])
    );
    // Inline multipart bodies are compared property by property.
    assert_eq!(
        facts(op_changes(&r, "POST /upload")),
        set(&[
            (
                ChangeKind::RequestContentTypeRemoved,
                "request application/x-www-form-urlencoded",
                true
            ),
            (
                ChangeKind::PropertyAdded,
                "request multipart/form-data: note",
                false
            ),
        ])
    );
}

#[test]
fn schema_property_changes_including_case_only_renames() {
    let r = kinds();
    assert_eq!(
        facts(schema_changes(&r, "Item")),
        set(&[
            (ChangeKind::PropertyRenamedCase, "CreatedBy", false),
            (ChangeKind::PropertyTypeChanged, "size", true),
            (ChangeKind::PropertyRemoved, "owner", true),
            (ChangeKind::PropertyRequiredChanged, "name", true),
            (ChangeKind::PropertyRequiredChanged, "note", false),
            (ChangeKind::PropertyAdded, "color", false),
            (ChangeKind::PropertyAdded, "tag", true),
            (ChangeKind::PropertyTypeChanged, "parts[].weight", true),
        ])
    );
    assert_eq!(
        facts(schema_changes(&r, "Status")),
        set(&[
            (ChangeKind::EnumValueRemoved, "(whole value)", true),
            (ChangeKind::EnumValueAdded, "(whole value)", false),
        ])
    );
    assert_eq!(
        facts(schema_changes(&r, "Shape")),
        set(&[(ChangeKind::TypeChanged, "(whole value)", true)])
    );
    let changed: Vec<&str> = r
        .schemas
        .changed
        .iter()
        .map(|c| c.schema.as_str())
        .collect();
    assert_eq!(changed, ["Item", "Shape", "Status"]);
}

#[test]
fn renamed_schemas_follow_the_documented_rule() {
    let r = kinds();
    let renamed: Vec<(&str, &str)> = r
        .schemas
        .renamed
        .iter()
        .map(|p| (p.from.as_str(), p.to.as_str()))
        .collect();
    assert_eq!(
        renamed,
        [
            // Shared slot: GET /things/{id} answered Reply and now ThingView.
            ("Reply", "ThingView"),
            // Identical content with enough properties, names unlike.
            ("pkg.Widget", "other.Gadget"),
            // Close names, 9 of 11 properties shared ignoring case.
            ("stackGitRedployPayload", "stackGitRedeployPayload"),
        ]
    );
    // Not renames: nothing shared (Unrelated/Different, Removed/Added), or
    // identical but too small to tell (Tiny/Small).
    assert_eq!(r.schemas.removed, ["Removed", "Tiny", "Unrelated"]);
    assert_eq!(r.schemas.added, ["Added", "Different", "Small"]);

    let redeploy = &r.schemas.renamed[2];
    assert!(redeploy.breaking);
    assert_eq!(redeploy.similarity, 0.82);
    let case_renames = redeploy
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::PropertyRenamedCase)
        .count();
    assert_eq!(case_renames, 9);
    assert!(
        redeploy.changes.iter().all(|c| !c.breaking),
        "a case flip plus optional additions breaks nothing: {:?}",
        redeploy.changes
    );
    assert_eq!(
        facts(&r.schemas.renamed[0].changes),
        set(&[(ChangeKind::PropertyRemoved, "hint", true)])
    );
}

#[test]
fn breaking_count_is_every_flag_once() {
    let r = kinds();
    // 14 in operations (1 removed + 13 flagged changes) and 14 in schemas
    // (3 removed, 3 renamed, 8 flagged changes), counted by hand from the
    // fixtures' comments.
    assert_eq!(r.breaking, 28);
    assert_eq!(
        r.summary(),
        Summary {
            operations_added: 1,
            operations_removed: 1,
            operations_changed: 6,
            schemas_added: 3,
            schemas_removed: 3,
            schemas_changed: 3,
            schemas_renamed: 3,
            breaking: 28,
        }
    );
}

#[test]
fn a_document_against_itself_has_no_changes_and_reversing_swaps_sides() {
    let old = fixture("kinds-old.yaml");
    let new = fixture("kinds-new.yaml");
    assert_eq!(diff(&old, &old), DiffReport::default());
    assert_eq!(diff(&new, &new), DiffReport::default());
    let back = diff(&new, &old);
    assert_eq!(back.operations.added, ["GET /gone"]);
    assert_eq!(back.operations.removed, ["POST /fresh"]);
    let renamed: Vec<(&str, &str)> = back
        .schemas
        .renamed
        .iter()
        .map(|p| (p.from.as_str(), p.to.as_str()))
        .collect();
    assert!(
        renamed.contains(&("stackGitRedeployPayload", "stackGitRedployPayload")),
        "{renamed:?}"
    );
}

#[test]
fn json_has_exactly_the_documented_shape() {
    let json = serde_json::to_value(kinds()).unwrap();
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(&json), ["operations", "schemas", "breaking"]);
    assert_eq!(keys(&json["operations"]), ["added", "removed", "changed"]);
    assert_eq!(
        keys(&json["schemas"]),
        ["added", "removed", "changed", "renamed"]
    );
    assert_eq!(json["breaking"], 28);
    assert_eq!(
        json["operations"]["added"],
        serde_json::json!(["POST /fresh"])
    );

    let mut changes = Vec::new();
    for c in json["operations"]["changed"].as_array().unwrap() {
        assert!(c["operation"].is_string());
        changes.extend(c["changes"].as_array().unwrap());
    }
    for c in json["schemas"]["changed"].as_array().unwrap() {
        assert!(c["schema"].is_string());
        changes.extend(c["changes"].as_array().unwrap());
    }
    for r in json["schemas"]["renamed"].as_array().unwrap() {
        assert!(r["from"].is_string() && r["to"].is_string() && r["breaking"].is_boolean());
        changes.extend(r["changes"].as_array().unwrap());
    }
    assert!(!changes.is_empty());
    for c in &changes {
        assert!(c["kind"].is_string(), "{c}");
        assert!(c["breaking"].is_boolean(), "{c}");
        assert!(c["detail"].as_str().is_some_and(|d| !d.is_empty()), "{c}");
    }
    let kinds: BTreeSet<&str> = changes.iter().filter_map(|c| c["kind"].as_str()).collect();
    assert!(kinds.contains("property_renamed_case") && kinds.contains("request_body_type_changed"));

    // The count can be recomputed from the JSON alone.
    let flagged = changes.iter().filter(|c| c["breaking"] == true).count();
    let whole = json["operations"]["removed"].as_array().unwrap().len()
        + json["schemas"]["removed"].as_array().unwrap().len()
        + json["schemas"]["renamed"].as_array().unwrap().len();
    assert_eq!(flagged + whole, 28);
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("run xtask")
}

fn diff_cli(old: &str, new: &str, extra: &[&str]) -> Output {
    let (old, new) = (fixture_path(old), fixture_path(new));
    let mut args = vec!["diff", old.to_str().unwrap(), new.to_str().unwrap()];
    args.extend_from_slice(extra);
    xtask(&args)
}

#[test]
fn cli_exits_zero_on_breaking_changes_unless_asked_to_fail() {
    let out = diff_cli("cli-base.yaml", "cli-breaking.yaml", &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("## stacks\n  - ! DELETE /stacks/{id}\n"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("breaking changes: 1"), "{text}");

    let out = diff_cli(
        "cli-base.yaml",
        "cli-breaking.yaml",
        &["--fail-on-breaking"],
    );
    assert_eq!(out.status.code(), Some(1));
    // The report is printed before the failing status, so CI logs show why.
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("breaking changes: 1")
    );
}

#[test]
fn cli_passes_the_gate_when_nothing_breaks() {
    let out = diff_cli(
        "cli-base.yaml",
        "cli-additive.yaml",
        &["--fail-on-breaking"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("+   GET /stacks"), "{text}");
    assert!(
        text.contains("optional query parameter verbose added"),
        "{text}"
    );
}

#[test]
fn cli_json_output_parses_and_gates_the_same_way() {
    let out = diff_cli(
        "cli-base.yaml",
        "cli-breaking.yaml",
        &["--format", "json", "--fail-on-breaking"],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(
        json["operations"]["removed"],
        serde_json::json!(["DELETE /stacks/{id}"])
    );
    assert_eq!(json["breaking"], 1);

    let out = diff_cli("cli-base.yaml", "cli-additive.yaml", &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["breaking"], 0);
    assert_eq!(
        json["operations"]["added"],
        serde_json::json!(["GET /stacks"])
    );
}

#[test]
fn cli_reports_an_unreadable_side_as_an_error() {
    let out = xtask(&["diff", "no-such-version-or-file", "also-missing"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a file nor a pinned version"));
}

#[test]
fn swagger_2_sides_are_compared_after_conversion() {
    let out = diff_cli(
        "swagger-old.yaml",
        "swagger-new.yaml",
        &["--format", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["operations"]["removed"],
        serde_json::json!(["POST /stacks/{id}/migrate"])
    );
    let renamed = &json["schemas"]["renamed"][0];
    // Schemas carry their Rust names; the Go names are in the detail.
    assert_eq!(renamed["from"], "StackGitRedployPayload");
    assert_eq!(renamed["to"], "StackGitRedeployPayload");
    assert!(
        renamed["detail"]
            .as_str()
            .unwrap()
            .contains("(stacks.stackGitRedeployPayload)"),
        "{renamed}"
    );
    let changed = &json["operations"]["changed"][0];
    assert_eq!(changed["operation"], "PUT /stacks/{id}/git/redeploy");
    let kinds: Vec<&str> = changed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    // The body's $ref follows the rename, so the parameter is the only change.
    assert_eq!(kinds, ["parameter_required_changed"]);
    assert_eq!(json["breaking"], 3);
}

fn shared_spec(file: &str) -> SpecSource {
    let dir = std::env::var_os("PORTAINER_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/portainer-spec")
        });
    let path = dir.join(file);
    assert!(
        path.is_file(),
        "{} missing: set PORTAINER_SPEC_DIR",
        path.display()
    );
    SpecSource::from_path(&path)
}

fn shared_diff(old: &str, new: &str) -> DiffReport {
    let (old, _) = xtask::pipeline::normalized(&shared_spec(old)).expect("old side");
    let (new, _) = xtask::pipeline::normalized(&shared_spec(new)).expect("new side");
    diff(&old, &new)
}

#[test]
fn shared_2_44_0_against_itself_is_empty() {
    let (doc, _) =
        xtask::pipeline::normalized(&shared_spec("portainer-ee-2.44.0.openapi.yaml")).unwrap();
    assert_eq!(diff(&doc, &doc).summary(), DiffReport::default().summary());
}

/// Measured with the converter and normalizer of this commit; a change to
/// either that moves these numbers should be looked at, then the numbers
/// updated (and the README's copy with them).
#[test]
fn shared_2_31_2_to_2_44_0_counts() {
    let r = shared_diff(
        "portainer-ee-2.31.2.swagger.yaml",
        "portainer-ee-2.44.0.openapi.yaml",
    );
    assert_eq!(
        r.summary(),
        Summary {
            operations_added: 128,
            operations_removed: 39,
            operations_changed: 41,
            schemas_added: 340,
            schemas_removed: 65,
            schemas_changed: 195,
            schemas_renamed: 7,
            breaking: 355,
        }
    );
    let redeploy = r
        .schemas
        .renamed
        .iter()
        .find(|p| p.from == "StackGitRedployPayload")
        .expect("the redeploy payload's typo fix is a rename");
    assert_eq!(redeploy.to, "StackGitRedeployPayload");
    // A Go type whose Rust name changed (2.44 dropped the `kubernetes` twin
    // that kept `K8sDashboard` in 2.31) is a rename too, found by its Go name.
    let dashboard = r
        .schemas
        .renamed
        .iter()
        .find(|p| p.from == "ModelsK8sDashboard")
        .expect("found by its Go name");
    assert_eq!(dashboard.to, "K8sDashboard");
    assert!(dashboard.breaking);
    // Package moves that keep the Rust name (`portainer.X` to `portaineree.X`)
    // are no renames at all.
    assert!(!r.schemas.renamed.iter().any(|p| p.from == p.to));
    // The placeholder rename {name} -> {release} pairs the Helm operation.
    assert!(r.operations.changed.iter().any(|c| {
        c.operation == "GET /endpoints/{id}/kubernetes/helm/{release}"
            && c.changes
                .iter()
                .any(|x| x.kind == ChangeKind::PathParameterRenamed)
    }));
}

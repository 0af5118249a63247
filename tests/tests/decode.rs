//! Genuine Portainer bodies decode through the generated types, nulls,
//! unknown enum values and error bodies included.

use portainer_sdk_gen::types::{PortainerErrorResponse, PortainereeStack};
use portainer_tests::response;
use serde_json::json;

#[test]
fn stack_inspect_with_nulls_decodes() {
    let stack: PortainereeStack =
        serde_json::from_str(&response("stack_inspect__mgm-mootse61.json")).unwrap();
    assert_eq!(stack.id, Some(61));
    assert_eq!(stack.name.as_deref(), Some("mootse-stack-test-2"));
    assert_eq!(stack.env, None, "Env: null is no env");
    assert_eq!(stack.additional_files, None);
    assert!(stack.git_config.is_none());
    assert_eq!(stack.created_by.as_deref(), Some("lucas"));
    let rc = stack.resource_control.expect("ResourceControl is set");
    assert_eq!(rc.resource_id.as_deref(), Some("2_mootse-stack-test-2"));
    assert_eq!(rc.user_accesses.as_deref(), Some(&[][..]));
}

#[test]
fn stack_list_mixing_null_and_empty_env_decodes() {
    let stacks: Vec<PortainereeStack> =
        serde_json::from_str(&response("stacks_list__mgm-mootse.json")).unwrap();
    assert_eq!(stacks.len(), 4);
    assert_eq!(
        stacks[0].env.as_ref().map(Vec::len),
        Some(0),
        "Env: [] stays an empty list"
    );
    let env = stacks[1].env.as_ref().expect("Env set");
    assert_eq!(env[0].name.as_deref(), Some("API_KEY"));
    assert_eq!(stacks[2].env, None, "Env: null");
    assert_eq!(stacks[1].update_date, Some(1659484011));
}

#[test]
fn kubernetes_git_stack_from_the_docs_decodes() {
    let stacks: Vec<PortainereeStack> =
        serde_json::from_str(&response("stacks_list_k8s_git__portainer-docs-access.json")).unwrap();
    let s = &stacks[0];
    assert_eq!(s.type_.as_ref().map(|t| t.0), Some(3));
    assert_eq!(s.namespace.as_deref(), Some("my-namespace"));
    let git = s.git_config.as_ref().expect("GitConfig");
    assert_eq!(git.reference_name.as_deref(), Some("refs/heads/master"));
    assert_eq!(
        git.config_hash.as_deref(),
        Some("2e71920bf1ee1bbac976d320f8f274411fba3bad")
    );
}

#[test]
fn unknown_enum_value_and_unknown_fields_survive() {
    // A newer server: a stack type this client has never heard of, and a field
    // the spec lacks. Neither may fail the decode, and the field is kept.
    let body = json!({"Id": 9, "Type": 4, "Status": 7, "BrandNewField": {"a": 1}});
    let stack: PortainereeStack = serde_json::from_value(body).unwrap();
    assert_eq!(stack.type_.as_ref().map(|t| t.0), Some(4));
    assert_eq!(stack.status.as_ref().map(|t| t.0), Some(7));
    assert_eq!(stack.extra.get("BrandNewField"), Some(&json!({"a": 1})));
    let back = serde_json::to_value(&stack).unwrap();
    assert_eq!(
        back["BrandNewField"],
        json!({"a": 1}),
        "sent back unchanged"
    );
    assert_eq!(back["Type"], json!(4));
}

#[test]
fn camel_case_names_from_older_specs_also_decode() {
    // Swagger files up to 2.31 list `createdBy` where the server sends
    // `CreatedBy`; generated fields accept both spellings.
    let stack: PortainereeStack =
        serde_json::from_value(json!({"id": 3, "createdBy": "admin", "Name": "web"})).unwrap();
    assert_eq!(stack.id, Some(3));
    assert_eq!(stack.created_by.as_deref(), Some("admin"));
    assert_eq!(stack.name.as_deref(), Some("web"));
}

#[test]
fn error_bodies_of_every_server_generation_decode() {
    let current: PortainerErrorResponse = serde_json::from_str(&response(
        "error_403_access_denied__portainer-docs-access.json",
    ))
    .unwrap();
    assert_eq!(current.message.as_deref(), Some("Access denied"));
    assert_eq!(current.details.as_deref(), Some("Unauthorized"));

    let message_only: PortainerErrorResponse =
        serde_json::from_value(json!({"message": "Stack not found"})).unwrap();
    assert_eq!(message_only.message.as_deref(), Some("Stack not found"));
    assert_eq!(message_only.details, None);

    let v1: PortainerErrorResponse =
        serde_json::from_value(json!({"err": "Invalid credentials", "details": "x"})).unwrap();
    assert_eq!(v1.err.as_deref(), Some("Invalid credentials"));
    assert_eq!(v1.message, None);
}

#[test]
fn stack_serializes_back_to_portainer_names() {
    let stack: PortainereeStack =
        serde_json::from_str(&response("stack_inspect__mgm-mootse61.json")).unwrap();
    let back = serde_json::to_value(&stack).unwrap();
    for key in [
        "Id",
        "Name",
        "EndpointId",
        "CreatedBy",
        "ResourceControl",
        "ProjectPath",
    ] {
        assert!(back.get(key).is_some(), "{key} missing from {back}");
    }
}

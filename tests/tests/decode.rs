//! Genuine Portainer bodies decode through the generated types, nulls,
//! unknown enum values and error bodies included.

use portainer_sdk_gen::types::{
    ComposeStackFromFileContentPayload, ComposeStackFromGitRepositoryPayload, ErrorResponse,
    RestorePayload, Stack,
};
use portainer_sdk_gen::{ExtraFields, json_body};
use portainer_tests::response;
use serde_json::{Value, json};

#[test]
fn stack_inspect_with_nulls_decodes() {
    let stack: Stack = serde_json::from_str(&response("stack_inspect__mgm-mootse61.json")).unwrap();
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
    let stacks: Vec<Stack> =
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
    let stacks: Vec<Stack> =
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
    let stack: Stack = serde_json::from_value(body).unwrap();
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
    let stack: Stack =
        serde_json::from_value(json!({"id": 3, "createdBy": "admin", "Name": "web"})).unwrap();
    assert_eq!(stack.id, Some(3));
    assert_eq!(stack.created_by.as_deref(), Some("admin"));
    assert_eq!(stack.name.as_deref(), Some("web"));
}

#[test]
fn error_bodies_of_every_server_generation_decode() {
    let current: ErrorResponse = serde_json::from_str(&response(
        "error_403_access_denied__portainer-docs-access.json",
    ))
    .unwrap();
    assert_eq!(current.message.as_deref(), Some("Access denied"));
    assert_eq!(current.details.as_deref(), Some("Unauthorized"));

    let message_only: ErrorResponse =
        serde_json::from_value(json!({"message": "Stack not found"})).unwrap();
    assert_eq!(message_only.message.as_deref(), Some("Stack not found"));
    assert_eq!(message_only.details, None);

    let v1: ErrorResponse =
        serde_json::from_value(json!({"err": "Invalid credentials", "details": "x"})).unwrap();
    assert_eq!(v1.err.as_deref(), Some("Invalid credentials"));
    assert_eq!(v1.message, None);
}

#[test]
fn stack_serializes_back_to_portainer_names() {
    let stack: Stack = serde_json::from_str(&response("stack_inspect__mgm-mootse61.json")).unwrap();
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

// The generated types decode through a written-out `visit_map`
// (xtask/src/generate/deserialize.rs), not serde's derive; these pin what
// that decoder does beyond the genuine bodies above.

#[test]
fn a_key_given_twice_keeps_the_last_value_as_go_does() {
    let stack: Stack =
        serde_json::from_str(r#"{"Id": 1, "Name": "a", "name": "b", "Id": 2}"#).unwrap();
    assert_eq!(stack.id, Some(2));
    assert_eq!(
        stack.name.as_deref(),
        Some("b"),
        "an alias counts as the same key"
    );
}

#[test]
fn escaped_keys_match_fields_and_unknown_ones_are_kept_unescaped() {
    // Escaped keys cannot be borrowed from the input: the owned-key path.
    let stack: Stack =
        serde_json::from_str(r#"{"\u0049d": 5, "N\u0061me": "web", "Odd\"Key": [1]}"#).unwrap();
    assert_eq!(stack.id, Some(5));
    assert_eq!(stack.name.as_deref(), Some("web"));
    assert_eq!(stack.extra.get("Odd\"Key"), Some(&json!([1])));
    // Read from a reader, no key can be borrowed at all.
    let stack: Stack = serde_json::from_reader(&br#"{"Id": 6, "Extra": null}"#[..]).unwrap();
    assert_eq!(stack.id, Some(6));
    assert_eq!(stack.extra.get("Extra"), Some(&json!(null)));
}

#[test]
fn a_missing_required_field_is_named_by_its_wire_name() {
    let err = serde_json::from_value::<ComposeStackFromFileContentPayload>(json!({"name": "web"}))
        .unwrap_err()
        .to_string();
    assert_eq!(err, "missing field `StackFileContent`");
    let ok: ComposeStackFromFileContentPayload =
        serde_json::from_value(json!({"Name": "web", "stackFileContent": "services: {}"})).unwrap();
    assert_eq!(ok.stack_file_content, "services: {}");
}

#[test]
fn required_nullable_fields_take_null_but_not_absence() {
    let with_null: RestorePayload =
        serde_json::from_value(json!({"FileContent": null, "FileName": "b.tar.gz"})).unwrap();
    assert_eq!(with_null.file_content, None);
    let err = serde_json::from_value::<RestorePayload>(json!({"FileName": "b.tar.gz"}))
        .unwrap_err()
        .to_string();
    assert_eq!(err, "missing field `FileContent`");
}

/// A spec default is the server's value for an absent field (the
/// `optional-defaults` rule): the model leaves it absent rather than sending it.
#[test]
fn spec_defaults_are_left_to_the_server() {
    let p: ComposeStackFromGitRepositoryPayload =
        serde_json::from_value(json!({"Name": "web", "RepositoryURL": "https://git.example"}))
            .unwrap();
    assert_eq!(p.compose_file, None);
    let sent = serde_json::to_value(&p).unwrap();
    assert_eq!(sent.get("ComposeFile"), None, "{sent}");
}

#[test]
fn wrong_shapes_are_errors_that_name_the_type() {
    for body in ["[1, 2]", "null", "\"stack\"", "7"] {
        let err = serde_json::from_str::<Stack>(body).unwrap_err().to_string();
        assert!(err.contains("struct Stack"), "{body}: {err}");
    }
    let err = serde_json::from_str::<Stack>(r#"{"Id": "seven"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("invalid type: string \"seven\""), "{err}");
    let err = serde_json::from_str::<Vec<Stack>>(r#"[{"Id": 1}, {"Id": 2"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("EOF"), "{err}");
}

/// Object members whose value is `null` removed at every depth: the
/// generated types write no `None` back.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(list) => Value::Array(list.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

#[test]
fn genuine_bodies_decode_as_the_client_does_and_lose_nothing() {
    for file in [
        "stacks_list__mgm-mootse.json",
        "stacks_list_k8s_git__portainer-docs-access.json",
    ] {
        let text = response(file);
        let stacks: Vec<Stack> = json_body::decode_list(text.as_bytes()).unwrap();
        assert_eq!(
            stacks,
            serde_json::from_str::<Vec<Stack>>(&text).unwrap(),
            "{file}: the client's decoding and serde's agree"
        );
        let sent: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            serde_json::to_value(&stacks).unwrap(),
            without_nulls(sent),
            "{file}: every member comes back with its value"
        );
    }
    let text = response("stack_inspect__mgm-mootse61.json");
    let stack: Stack = json_body::decode(text.as_bytes()).unwrap();
    let sent: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_value(&stack).unwrap(), without_nulls(sent));
    let text = response("error_403_access_denied__portainer-docs-access.json");
    let error: ErrorResponse = json_body::decode(text.as_bytes()).unwrap();
    let sent: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_value(&error).unwrap(), sent);
}

#[test]
fn only_null_and_json_whitespace_are_empty_lists_and_maps() {
    for body in [&b"null"[..], b"", b" \t\r\n", b"\n null \n"] {
        let stacks = json_body::decode_list::<Stack>(body).unwrap();
        assert!(stacks.is_empty(), "{body:?}");
        let map: serde_json::Map<String, Value> = json_body::decode_map(body).unwrap();
        assert!(map.is_empty(), "{body:?}");
    }
    // A form feed is not JSON whitespace; a single value is not a list.
    for body in [&b"\x0c"[..], b"{}", b"[] []", b"nul"] {
        assert!(json_body::decode_list::<Stack>(body).is_err(), "{body:?}");
    }
    assert!(
        json_body::decode::<Stack>(b"null").is_err(),
        "only lists and maps take null as empty"
    );
}

#[test]
fn a_body_that_is_not_utf8_is_refused_saying_where() {
    let err = json_body::decode::<Stack>(b"{\"Id\": 1, \"Name\": \"\xff\"}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 1 column"), "{err}");
    // Even in a member the type does not model.
    assert!(json_body::decode::<Stack>(b"{\"Odd\": \"\xc3\"}").is_err());
}

#[test]
fn unknown_members_keep_their_order_and_a_repeated_one_its_last_value() {
    let stack: Stack = serde_json::from_str(
        r#"{"Zeta": 1, "Id": 3, "Alpha": [2], "Zeta": {"b": 4}, "Mid": null, "Alpha": 5}"#,
    )
    .unwrap();
    assert_eq!(stack.id, Some(3));
    let members: Vec<(&str, &Value)> = stack.extra.iter().map(|(k, v)| (k.as_str(), v)).collect();
    assert_eq!(
        members,
        [
            ("Zeta", &json!({"b": 4})),
            ("Alpha", &json!(5)),
            ("Mid", &Value::Null)
        ]
    );
    assert_eq!(
        serde_json::to_string(&stack.extra).unwrap(),
        r#"{"Zeta":{"b":4},"Alpha":5,"Mid":null}"#
    );
    // Many members, repeated: every key once, with its last value.
    let body = format!(
        "{{{}}}",
        (0..3000)
            .map(|i| format!("\"k{}\": {i}", i % 1000))
            .collect::<Vec<_>>()
            .join(",")
    );
    let stack: Stack = serde_json::from_str(&body).unwrap();
    assert_eq!(stack.extra.len(), 1000);
    assert_eq!(stack.extra.keys().next().map(String::as_str), Some("k0"));
    assert_eq!(stack.extra["k7"], json!(2007));
}

#[test]
fn extra_fields_work_as_a_small_ordered_map() {
    let mut extra = ExtraFields::new();
    assert!(extra.is_empty());
    assert_eq!(extra.insert("B".into(), json!(1)), None);
    assert_eq!(extra.insert("A".into(), json!(2)), None);
    assert_eq!(extra.insert("B".into(), json!(3)), Some(json!(1)));
    assert_eq!(extra.keys().collect::<Vec<_>>(), ["B", "A"]);
    assert_eq!(extra.values().collect::<Vec<_>>(), [&json!(3), &json!(2)]);
    assert_eq!((extra.len(), extra["B"].clone()), (2, json!(3)));
    assert_eq!(extra["C"], Value::Null, "a missing member reads as null");
    assert!(extra.contains_key("A") && !extra.contains_key("C"));
    *extra.get_mut("A").unwrap() = json!("two");
    assert_eq!(extra.remove("B"), Some(json!(3)));
    assert_eq!(extra.remove("B"), None);
    assert_eq!(serde_json::to_value(&extra).unwrap(), json!({"A": "two"}));

    let one: ExtraFields = [("x".to_owned(), json!(1)), ("y".to_owned(), json!(2))]
        .into_iter()
        .collect();
    let other: ExtraFields = [("y".to_owned(), json!(2)), ("x".to_owned(), json!(1))]
        .into_iter()
        .collect();
    assert_eq!(one, other, "compared as maps");
    assert_ne!(one, ExtraFields::new());
    let map: serde_json::Map<String, Value> = one.clone().into();
    assert_eq!(ExtraFields::from(map), one);
    let read: ExtraFields = serde_json::from_str(r#"{"a": 1, "b": 2, "a": 3}"#).unwrap();
    assert_eq!(
        read.into_iter().collect::<Vec<_>>(),
        [("a".to_owned(), json!(3)), ("b".to_owned(), json!(2))]
    );
}

#[test]
fn large_optional_nested_structs_are_boxed_and_still_decode_in_place() {
    let stack: Stack = serde_json::from_value(json!({
        "Id": 1,
        "GitConfig": {"URL": "https://git.example/ops", "Authentication": null},
        "ResourceControl": null
    }))
    .unwrap();
    let git: &portainer_sdk_gen::types::RepoConfig =
        stack.git_config.as_deref().expect("GitConfig");
    assert_eq!(git.url.as_deref(), Some("https://git.example/ops"));
    assert!(stack.resource_control.is_none());
}

//! Each normalization rule on a small document, the failure for defects no
//! rule handles, and the whole pipeline on every shared spec.

use serde_json::{Value, json};
use xtask::normalize::{Report, RuleData, normalize_with};

fn data() -> RuleData {
    RuleData {
        error_schema: "portainer.ErrorResponse".into(),
        go_field_names: [("url".to_owned(), "URL".to_owned())].into(),
        go_field_names_keep: [("keep.Me".to_owned(), vec!["lower".to_owned()])].into(),
        not_required: Default::default(),
    }
}

fn doc(paths: Value, schemas: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths,
           "components": {"schemas": schemas}})
}

fn run(mut d: Value) -> (Value, Report) {
    let report = normalize_with(&mut d, &data()).expect("normalizes");
    (d, report)
}

fn ok(schema: Value) -> Value {
    json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}})
}

#[test]
fn operation_ids_are_derived_and_unique_as_rust_names() {
    let (d, r) = run(doc(
        json!({
            "/stacks/{id}/file": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {}}},
            "/a": {"get": {"operationId": "version", "responses": {}}},
            "/b": {"get": {"operationId": "Version", "responses": {}}}
        }),
        json!({}),
    ));
    assert_eq!(
        d.pointer("/paths/~1stacks~1{id}~1file/get/operationId"),
        Some(&json!("GetStacksIdFile"))
    );
    assert_eq!(
        d.pointer("/paths/~1b/get/operationId"),
        Some(&json!("VersionGet"))
    );
    assert_eq!(r.count("operation-ids"), Some(2));
}

#[test]
fn path_parameters_are_declared_renamed_and_pruned() {
    let (d, r) = run(doc(
        json!({
            "/stacks/{id}": {
                "get": {"operationId": "A", "parameters": [{"name": "stackId", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {}},
                "delete": {"operationId": "B", "responses": {}}
            },
            "/x": {"get": {"operationId": "C", "parameters": [{"name": "gone", "in": "path", "schema": {"type": "string"}}], "responses": {}}}
        }),
        json!({}),
    ));
    let get = d.pointer("/paths/~1stacks~1{id}/get/parameters/0").unwrap();
    assert_eq!(get["name"], "id");
    let del = d
        .pointer("/paths/~1stacks~1{id}/delete/parameters/0")
        .unwrap();
    assert_eq!(
        (
            del["name"].clone(),
            del["in"].clone(),
            del["schema"]["type"].clone()
        ),
        (json!("id"), json!("path"), json!("integer"))
    );
    assert_eq!(d.pointer("/paths/~1x/get/parameters"), None);
    assert_eq!(r.count("path-parameters"), Some(3));
}

#[test]
fn mixed_success_responses_keep_the_one_with_a_body() {
    let mut responses = ok(json!({"type": "array", "items": {"type": "string"}}));
    responses["204"] = json!({"description": "none"});
    let (d, r) = run(doc(
        json!({"/stacks": {"get": {"operationId": "StackList", "responses": responses}}}),
        json!({}),
    ));
    let kept = d.pointer("/paths/~1stacks/get/responses").unwrap();
    assert!(
        kept.get("200").is_some() && kept.get("204").is_none(),
        "{kept}"
    );
    assert_eq!(r.count("single-success"), Some(1));
}

#[test]
fn wildcard_and_error_bodies_and_auth_and_query_arrays() {
    let (d, r) = run(doc(
        json!({"/s": {"get": {
            "operationId": "S",
            "security": [{"ApiKeyAuth": [], "jwt": []}],
            "parameters": [{"name": "type", "in": "query", "schema": {"type": "array", "items": {"type": "integer"}}, "style": "form", "explode": false}],
            "responses": {
                "200": {"description": "ok", "content": {"*/*": {"schema": {"type": "string"}}}},
                "404": {"description": "not found"},
                "500": {"description": "err"}
            }
        }}}),
        json!({}),
    ));
    let op = d.pointer("/paths/~1s/get").unwrap();
    assert!(
        op.pointer("/responses/200/content/application~1json/schema")
            .is_some()
    );
    assert_eq!(
        op.pointer("/responses/404/content/application~1json/schema/$ref"),
        Some(&json!("#/components/schemas/portainer.ErrorResponse"))
    );
    assert!(
        d.pointer("/components/schemas/portainer.ErrorResponse/properties/err")
            .is_some()
    );
    assert_eq!(op["security"], json!([{"ApiKeyAuth": []}, {"jwt": []}]));
    assert_eq!(op.pointer("/parameters/0/explode"), Some(&json!(true)));
    assert_eq!(
        [
            r.count("wildcard-content"),
            r.count("error-bodies"),
            r.count("auth-alternatives"),
            r.count("query-arrays")
        ],
        [Some(1), Some(2), Some(1), Some(1)]
    );
}

#[test]
fn enums_open_to_their_base_type() {
    let (d, r) = run(doc(
        json!({}),
        json!({
            "dup": {"type": "integer", "enum": [1, 2, 2]},
            "ops": {"type": "string", "enum": [">", "<", "="], "x-enum-varnames": ["Gt", "Lt", "Eq"]},
            "kind": {"type": "integer"},
            "holder": {"type": "object", "properties": {"k": {"allOf": [{"$ref": "#/components/schemas/kind"}], "enum": [1]}}}
        }),
    ));
    let s = d.pointer("/components/schemas").unwrap();
    assert!(s["dup"].get("enum").is_none());
    assert_eq!(s["dup"]["description"], "Known values: `1`, `2`.");
    assert!(s["ops"].get("x-enum-varnames").is_none());
    assert!(s["holder"]["properties"]["k"].get("enum").is_none());
    assert_eq!(r.count("open-enums"), Some(3));
}

#[test]
fn go_field_names_follow_the_server() {
    let (d, r) = run(doc(
        json!({}),
        json!({
            "portainer.Stack": {"type": "object", "required": ["createdBy"], "properties": {"Id": {"type": "integer"}, "createdBy": {"type": "string"}, "url": {"type": "string"}}},
            "payload": {"type": "object", "properties": {"name": {"type": "string"}, "env": {"type": "string"}}},
            "keep.Me": {"type": "object", "properties": {"Name": {"type": "string"}, "lower": {"type": "string"}}}
        }),
    ));
    let stack = d.pointer("/components/schemas/portainer.Stack").unwrap();
    let names: Vec<&String> = stack["properties"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["Id", "CreatedBy", "URL"]);
    assert_eq!(stack["required"], json!(["CreatedBy"]));
    assert!(
        d.pointer("/components/schemas/payload/properties/name")
            .is_some(),
        "all-camelCase payloads keep their names"
    );
    assert!(
        d.pointer("/components/schemas/keep.Me/properties/lower")
            .is_some(),
        "data exceptions"
    );
    assert_eq!(r.count("go-field-names"), Some(2));
}

#[test]
fn response_schemas_tolerate_nulls_missing_and_unknown_fields() {
    let (d, r) = run(doc(
        json!({
            "/stacks": {"get": {"operationId": "L", "responses": ok(json!({"$ref": "#/components/schemas/Stack"}))}},
            "/p": {"post": {"operationId": "P",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Payload"}}}},
                "responses": {"204": {"description": "ok"}}}}
        }),
        json!({
            "Stack": {"type": "object", "required": ["Id"], "properties": {
                "Id": {"type": "integer"},
                "Env": {"type": "array", "items": {"type": "string"}},
                "Labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "Files": {"$ref": "#/components/schemas/Files"}}},
            "Files": {"type": "array", "items": {"type": "string"}},
            "Payload": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
        }),
    ));
    let stack = d.pointer("/components/schemas/Stack").unwrap();
    assert_eq!(
        stack.pointer("/properties/Env/nullable"),
        Some(&json!(true))
    );
    assert_eq!(
        stack.pointer("/properties/Labels/nullable"),
        Some(&json!(true))
    );
    assert_eq!(
        stack.pointer("/properties/Files"),
        Some(&json!({"allOf": [{"$ref": "#/components/schemas/Files"}], "nullable": true}))
    );
    assert!(
        stack.get("required").is_none(),
        "response schema: nothing required"
    );
    assert_eq!(stack.get("additionalProperties"), Some(&json!({})));
    let payload = d.pointer("/components/schemas/Payload").unwrap();
    assert_eq!(
        payload["required"],
        json!(["name"]),
        "request-only schema keeps required"
    );
    assert!(payload.get("additionalProperties").is_none());
    assert_eq!(
        [
            r.count("nullable-collections"),
            r.count("optional-response-fields"),
            r.count("keep-unknown-fields")
        ],
        [Some(3), Some(1), Some(1)]
    );
}

#[test]
fn code_fences_in_descriptions_become_text() {
    let mut d = doc(json!({}), json!({}));
    d["info"]["description"] = json!("Example:\n\n```\nBearer x\n```\n");
    let (d, r) = run(d);
    assert!(
        d["info"]["description"]
            .as_str()
            .unwrap()
            .contains("```text")
    );
    assert_eq!(r.count("doc-code-fences"), Some(1));
}

#[test]
fn unhandled_defects_fail_naming_the_operation_or_schema() {
    let mut d = doc(
        json!({"/upload": {"post": {"operationId": "Up",
            "requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Missing"}}}}}}}}),
        json!({}),
    );
    let err = normalize_with(&mut d, &data()).unwrap_err().to_string();
    assert!(
        err.contains("POST /upload: request body type application/xml is not supported"),
        "{err}"
    );
    assert!(
        err.contains("#/components/schemas/Missing does not resolve"),
        "{err}"
    );
}

#[test]
fn every_shared_spec_generates() {
    let dir = std::env::var_os("PORTAINER_SPEC_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| xtask::workspace_root().join("../shared/portainer-spec"));
    let expected = [
        (
            "portainer-ce-2.14.2.swagger.yaml",
            "operations: 153 in spec, 149 generated (2 multipart), 4 skipped (websocket)",
        ),
        (
            "portainer-ee-2.19.4.swagger.yaml",
            "operations: 296 in spec, 291 generated (12 multipart), 5 skipped (websocket)",
        ),
        (
            "portainer-ee-2.27.1.swagger.yaml",
            "operations: 325 in spec, 320 generated (13 multipart), 5 skipped (websocket)",
        ),
        (
            "portainer-ee-2.31.2.swagger.yaml",
            "operations: 339 in spec, 334 generated (13 multipart), 5 skipped (websocket)",
        ),
        (
            "portainer-ee-2.44.0.openapi.yaml",
            "operations: 428 in spec, 428 generated (13 multipart), 0 skipped (websocket)",
        ),
    ];
    for (file, coverage) in expected {
        let path = dir.join(file);
        assert!(
            path.is_file(),
            "{} missing (set PORTAINER_SPEC_DIR)",
            path.display()
        );
        let g = xtask::generate::generate(&xtask::source::SpecSource::from_path(&path))
            .unwrap_or_else(|e| panic!("{file}: {e:#}"));
        assert_eq!(g.coverage_line(), coverage, "{file}");
        assert!(g.report.count("error-bodies").unwrap() > 0, "{file}");
    }
}

#[test]
fn defaults_of_optional_properties_go_to_the_docs() {
    let (d, r) = run(doc(
        json!({}),
        json!({"payload": {"type": "object", "required": ["Kept"], "properties": {
            "KubeconfigExpiry": {"type": "string", "default": "0", "description": "The expiry"},
            "Kept": {"type": "string", "default": "x"}
        }}}),
    ));
    let props = d.pointer("/components/schemas/payload/properties").unwrap();
    assert_eq!(props["KubeconfigExpiry"].get("default"), None);
    assert_eq!(
        props["KubeconfigExpiry"]["description"],
        "The expiry\n\nServer default when absent: `\"0\"`."
    );
    // A required property's default is the value to send: left alone.
    assert_eq!(props["Kept"]["default"], "x");
    assert_eq!(r.count("optional-defaults"), Some(1));
}

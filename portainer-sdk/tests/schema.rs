//! With the `schemars` feature, the generated types describe themselves in
//! JSON Schema under the names Portainer's JSON uses. `cargo xtask test` runs
//! this with the feature on.
#![cfg(feature = "schemars")]

use portainer_sdk::generated::schemars::schema_for;
use portainer_sdk::generated::types::Stack;

#[test]
fn stack_schema_names_properties_as_the_wire_does() {
    let schema = serde_json::to_value(schema_for!(Stack)).unwrap();
    let properties = schema["properties"].as_object().expect("properties");
    for wire in [
        "Id",
        "Name",
        "Type",
        "EndpointId",
        "Env",
        "GitConfig",
        "AutoUpdate",
    ] {
        assert!(properties.contains_key(wire), "no {wire}: {schema:#}");
    }
    assert!(
        properties
            .keys()
            .all(|k| k.chars().next().is_some_and(|c| c.is_ascii_uppercase())),
        "{:?}",
        properties.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        properties["Id"]["type"],
        serde_json::json!(["integer", "null"])
    );
    // `Text` fields are plain strings on the wire.
    assert_eq!(
        properties["Name"]["type"],
        serde_json::json!(["string", "null"])
    );
    assert_eq!(properties["AdditionalFiles"]["items"]["type"], "string");
    // Every field of a response may be missing, and unknown ones are kept.
    assert!(schema.get("required").is_none(), "{schema:#}");
    assert_eq!(schema["additionalProperties"], serde_json::json!(true));
    // Nested types are named as the generated types are.
    assert!(
        schema["$defs"]
            .as_object()
            .is_some_and(|d| d.contains_key("AutoUpdateSettings")),
        "{schema:#}"
    );
}

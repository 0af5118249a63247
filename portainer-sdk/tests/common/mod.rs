//! Shared test helpers: the genuine Portainer bodies and mockito-backed clients.
#![allow(dead_code)]

use std::path::PathBuf;

use portainer_sdk::{Client, RetryPolicy};

pub const KEY: &str = "ptr_test_key_5ecret";

/// `../shared/portainer-responses` beside the workspace, or `PORTAINER_RESPONSES_DIR`.
/// A missing directory fails the test: these bodies are the point of it.
pub fn responses_dir() -> PathBuf {
    let dir = match std::env::var_os("PORTAINER_RESPONSES_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/portainer-responses"),
    };
    assert!(
        dir.join("SOURCES.md").is_file(),
        "genuine Portainer responses not found at {} (set PORTAINER_RESPONSES_DIR)",
        dir.display()
    );
    dir
}

/// The text of one genuine response body.
pub fn response(name: &str) -> String {
    let path = responses_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A client for a mockito server, with the test key and fast retries.
pub fn client(server: &mockito::ServerGuard) -> Client {
    Client::builder(server.url())
        .api_key(KEY)
        .retry(fast_retries())
        .build()
        .expect("client builds")
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(std::time::Duration::from_millis(1))
        .max_backoff(std::time::Duration::from_millis(5))
}

/// Mocks the public version endpoint, as stack creation asks it once per client.
pub async fn mock_version(server: &mut mockito::ServerGuard, version: &str) -> mockito::Mock {
    server
        .mock("GET", "/api/system/status")
        .match_header("x-api-key", mockito::Matcher::Missing)
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(format!(
            r#"{{"Version":"{version}","InstanceID":"299ab403-70a8-4c05-92f7-bf7a994d50df"}}"#
        ))
        .create_async()
        .await
}

/// A stack body in Portainer's field order, for tests that need custom values.
pub fn stack_json(id: i64, name: &str, endpoint: i64, env: serde_json::Value) -> String {
    serde_json::json!({
        "Id": id, "Name": name, "Type": 2, "EndpointId": endpoint, "SwarmId": "",
        "EntryPoint": "docker-compose.yml", "Env": env, "ResourceControl": null,
        "Status": 1, "ProjectPath": format!("/data/compose/{id}"), "CreationDate": 1692121299,
        "CreatedBy": "admin", "UpdateDate": 0, "UpdatedBy": "", "AdditionalFiles": null,
        "AutoUpdate": null, "Option": null, "GitConfig": null, "FromAppTemplate": false,
        "Namespace": "", "IsComposeFormat": false
    })
    .to_string()
}

//! Settings: get, public, and patches that send exactly what was set.

mod common;

use common::{KEY, client};
use mockito::Matcher;
use portainer_sdk::{AuthenticationMethod, Error, PortainerSettings, SettingsPatch};
use serde_json::json;

fn settings_body() -> serde_json::Value {
    json!({
        "LogoURL": "https://example.com/logo.png",
        "BlackListedLabels": [],
        "AuthenticationMethod": 1,
        "InternalAuthSettings": {"RequiredPasswordLength": 12},
        "LDAPSettings": {"AnonymousMode": true, "URL": ""},
        "SnapshotInterval": "5m",
        "TemplatesURL": "https://raw.githubusercontent.com/portainer/templates/v3/templates.json",
        "EdgeAgentCheckinInterval": 5,
        "EnableEdgeComputeFeatures": false,
        "UserSessionTimeout": "8h",
        "KubeconfigExpiry": "0",
        "EnableTelemetry": true,
        "HelmRepositoryURL": "",
        "TrustOnFirstConnect": false,
        "EnforceEdgeID": false,
        "AgentSecret": "",
        "Edge": {"PingInterval": 0, "SnapshotInterval": 0, "CommandInterval": 0, "AsyncMode": false},
        "NotInAnySpec": {"nested": [1, 2, 3]},
        "NullField": null
    })
}

#[tokio::test]
async fn get_decodes_typed_accessors_and_keeps_everything() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("GET", "/api/settings")
        .match_header("x-api-key", KEY)
        .with_status(200)
        .with_body(settings_body().to_string())
        .create_async()
        .await;
    let s = client(&server).settings().get().await.unwrap();
    m.assert_async().await;
    assert_eq!(
        s.authentication_method(),
        Some(AuthenticationMethod::Internal)
    );
    assert_eq!(s.snapshot_interval(), Some("5m"));
    assert_eq!(s.enable_telemetry(), Some(true));
    assert_eq!(s.edge_agent_checkin_interval(), Some(5));
    assert_eq!(serde_json::to_value(&s).unwrap(), settings_body());
}

#[tokio::test]
async fn get_as_non_admin_is_forbidden() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/settings")
        .with_status(403)
        .with_body(common::response(
            "error_403_access_denied__portainer-docs-access.json",
        ))
        .create_async()
        .await;
    let e = client(&server).settings().get().await.unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)));
    assert_eq!(e.message(), Some("Access denied"));
}

#[tokio::test]
async fn public_settings_need_no_credentials() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("GET", "/api/settings/public")
        .match_header("x-api-key", Matcher::Missing)
        .match_header("authorization", Matcher::Missing)
        .with_status(200)
        .with_body(r#"{"AuthenticationMethod":3,"LogoURL":"","OAuthLoginURI":"https://idp.example.com/auth","RequiredPasswordLength":12,"EnableTelemetry":false}"#)
        .create_async()
        .await;
    let p = client(&server).settings().public().await.unwrap();
    m.assert_async().await;
    assert_eq!(p.authentication_method(), Some(AuthenticationMethod::OAuth));
    assert_eq!(p.oauth_login_uri(), Some("https://idp.example.com/auth"));
    assert_eq!(p.required_password_length(), Some(12));
    assert_eq!(p.enable_telemetry(), Some(false));
}

#[tokio::test]
async fn update_sends_only_set_fields_including_false_zero_and_empty() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("PUT", "/api/settings")
        .match_header("x-api-key", KEY)
        .match_header("content-type", "application/json")
        .match_body(Matcher::Json(json!({
            "EnableTelemetry": false,
            "EdgeAgentCheckinInterval": 0,
            "LogoURL": "",
            "AuthenticationMethod": 2,
            "Custom": {"a": 1}
        })))
        .with_status(200)
        .with_body(settings_body().to_string())
        .create_async()
        .await;
    let after = client(&server)
        .settings()
        .update(
            SettingsPatch::new()
                .enable_telemetry(false)
                .edge_agent_checkin_interval(0)
                .logo_url("")
                .authentication_method(AuthenticationMethod::Ldap)
                .set("Custom", json!({"a": 1})),
        )
        .await
        .unwrap();
    m.assert_async().await;
    assert_eq!(after.snapshot_interval(), Some("5m"));
}

#[tokio::test]
async fn get_modify_update_round_trip_loses_nothing() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/settings")
        .with_status(200)
        .with_body(settings_body().to_string())
        .create_async()
        .await;
    let mut expected_full = settings_body();
    expected_full["SnapshotInterval"] = json!("15m");
    let full = server
        .mock("PUT", "/api/settings")
        .match_body(Matcher::Json(expected_full.clone()))
        .with_status(200)
        .with_body(expected_full.to_string())
        .expect(1)
        .create_async()
        .await;
    let c = client(&server);
    let before = c.settings().get().await.unwrap();
    let mut edited = before.clone();
    edited.set("SnapshotInterval", "15m");
    // Full write-back: every field, the unknown and null ones included.
    let after = c
        .settings()
        .update(SettingsPatch::from(edited.clone()))
        .await
        .unwrap();
    full.assert_async().await;
    assert_eq!(after, edited);
    // Or only the change.
    full.remove_async().await;
    let diff = server
        .mock("PUT", "/api/settings")
        .match_body(Matcher::Json(json!({"SnapshotInterval": "15m"})))
        .with_status(200)
        .with_body(expected_full.to_string())
        .create_async()
        .await;
    c.settings()
        .update(SettingsPatch::changes(&before, &edited))
        .await
        .unwrap();
    diff.assert_async().await;
}

#[test]
fn settings_serialize_to_portainer_names() {
    let s: PortainerSettings = serde_json::from_value(settings_body()).unwrap();
    let text = serde_json::to_string(&s).unwrap();
    assert!(text.contains(r#""LogoURL":"https://example.com/logo.png""#));
    assert!(text.contains(r#""NullField":null"#));
}

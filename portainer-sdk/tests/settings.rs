//! Settings: get, public, and partial updates that send exactly what was set.

mod common;

use common::{KEY, client};
use mockito::Matcher;
use portainer_sdk::Error;
use portainer_sdk::models::{Settings, SettingsUpdatePayload};
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
async fn get_decodes_and_keeps_everything() {
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
    assert_eq!(s.authentication_method.as_deref(), Some(&1));
    assert_eq!(s.snapshot_interval.as_deref(), Some("5m"));
    assert_eq!(s.trust_on_first_connect, Some(false));
    // Telemetry left the EE 2.44.0 model: kept as it came.
    assert_eq!(s.extra["EnableTelemetry"], json!(true));
    assert_eq!(s.edge_agent_checkin_interval, Some(5));
    // Fields no spec has are kept as they came, `null` included, and
    // everything serializes back.
    assert_eq!(s.extra["NotInAnySpec"], json!({"nested": [1, 2, 3]}));
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
    assert_eq!(p.authentication_method.as_deref(), Some(&3));
    assert_eq!(
        p.o_auth_login_uri.as_deref(),
        Some("https://idp.example.com/auth")
    );
    assert_eq!(p.required_password_length, Some(12));
    // Not in the 2.44.0 model of this response: kept.
    assert_eq!(p.extra["EnableTelemetry"], json!(false));
}

#[tokio::test]
async fn update_sends_only_set_fields_including_false_zero_and_empty() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("PUT", "/api/settings")
        .match_header("x-api-key", KEY)
        .match_body(Matcher::Json(json!({
            "TrustOnFirstConnect": false,
            "EdgeAgentCheckinInterval": 0,
            "LogoURL": ""
        })))
        .with_status(200)
        .with_body(settings_body().to_string())
        .create_async()
        .await;
    client(&server)
        .settings()
        .update(SettingsUpdatePayload {
            trust_on_first_connect: Some(false),
            edge_agent_checkin_interval: Some(0),
            logo_url: Some(Default::default()),
            ..Default::default()
        })
        .await
        .unwrap();
    m.assert_async().await;
}

/// The payload's `KubeconfigExpiry` has a server default (`"0"`): left out
/// unless set, so a partial update does not reset it.
#[tokio::test]
async fn update_leaves_kubeconfig_expiry_alone() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("PUT", "/api/settings")
        .match_body(Matcher::Json(json!({"SnapshotInterval": "10m"})))
        .with_status(200)
        .with_body(settings_body().to_string())
        .create_async()
        .await;
    client(&server)
        .settings()
        .update(SettingsUpdatePayload {
            snapshot_interval: Some("10m".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    m.assert_async().await;
}

#[test]
fn settings_serialize_to_portainer_names() {
    let s: Settings = serde_json::from_value(settings_body()).unwrap();
    let back = serde_json::to_value(&s).unwrap();
    assert_eq!(back["LDAPSettings"]["AnonymousMode"], true);
    assert_eq!(back["InternalAuthSettings"]["RequiredPasswordLength"], 12);
    assert_eq!(serde_json::from_value::<Settings>(back).unwrap(), s);
}

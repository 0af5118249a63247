//! Stack operations on the wire: paths, queries, bodies, decoding of genuine responses.

mod common;

use common::{KEY, client, mock_version, response, stack_json};
use mockito::Matcher;
use portainer_sdk::models::{AutoUpdateSettings, Stack, StackStatus, StackType};
use portainer_sdk::{Error, GitSource};
use serde_json::json;

/// The value of one environment variable of a stack.
fn env_var<'s>(stack: &'s Stack, name: &str) -> Option<&'s str> {
    stack
        .env
        .iter()
        .flatten()
        .find(|p| p.name.as_deref() == Some(name))
        .and_then(|p| p.value.as_deref())
}

#[tokio::test]
async fn list_decodes_genuine_bodies() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::Missing)
        .match_header("x-api-key", KEY)
        .with_status(200)
        .with_body(response("stacks_list__mgm-mootse.json"))
        .create_async()
        .await;
    let stacks = client(&server).stacks().list().send().await.unwrap();
    m.assert_async().await;
    assert_eq!(stacks.len(), 4);
    assert_eq!(stacks[0].name.as_deref(), Some("proxy"));
    assert_eq!(stacks[0].env, Some(vec![])); // Env: []
    assert_eq!(stacks[2].env, None); // Env: null
    assert_eq!(env_var(&stacks[1], "API_ZONE"), Some("test.fr"));
    assert_eq!(stacks[1].update_date, Some(1659484011));
    assert_eq!(stacks[1].type_, Some(StackType(2)));
    assert_eq!(stacks[1].status, Some(StackStatus(1)));
    assert_eq!(stacks[3].support_relative_path, Some(false));
    // Every field these servers send is modelled but one the 2.44.0 model
    // no longer has, which is kept as it came.
    for s in &stacks {
        assert_eq!(s.extra.len(), 1);
        assert_eq!(s.extra["IsComposeFormat"], json!(false));
    }
    let rc = stacks[0].resource_control.as_ref().unwrap();
    assert_eq!(
        (rc.id, rc.resource_id.as_deref()),
        (Some(6), Some("2_proxy"))
    );
    assert_eq!(rc.type_.as_deref(), Some(&6));
    assert_eq!(
        (rc.administrators_only, rc.public),
        (Some(true), Some(false))
    );
}

#[tokio::test]
async fn list_decodes_a_kubernetes_git_stack() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks")
        .with_status(200)
        .with_body(response("stacks_list_k8s_git__portainer-docs-access.json"))
        .create_async()
        .await;
    let stacks = client(&server).stacks().list().send().await.unwrap();
    let s = &stacks[0];
    assert_eq!(s.type_, Some(StackType(3)));
    assert_eq!(s.name.as_deref(), Some(""));
    assert_eq!(s.namespace.as_deref(), Some("my-namespace"));
    let git = s.git_config.as_ref().unwrap();
    assert_eq!(git.reference_name.as_deref(), Some("refs/heads/master"));
    assert_eq!(
        git.config_hash.as_deref(),
        Some("2e71920bf1ee1bbac976d320f8f274411fba3bad")
    );
    assert!(git.authentication.is_none());
}

#[tokio::test]
async fn list_for_one_environment_filters_the_whole_list() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::Missing)
        .with_status(200)
        .with_body(response("stacks_list__mgm-mootse.json"))
        .create_async()
        .await;
    let stacks = client(&server)
        .stacks()
        .list()
        .endpoint(2)
        .send()
        .await
        .unwrap();
    assert_eq!(stacks.len(), 4);
    m.assert_async().await;
    // Only that environment's stacks, of every kind.
    let none = client(&server)
        .stacks()
        .list()
        .endpoint(2)
        .send()
        .await
        .unwrap();
    assert!(none.iter().all(|s| s.endpoint_id == Some(2)));
}

#[tokio::test]
async fn list_filters_client_side_too() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::Any)
        .with_status(200)
        .with_body(response("stacks_list__mgm-mootse.json"))
        .create_async()
        .await;
    let stacks = client(&server)
        .stacks()
        .list()
        .endpoint(9)
        .send()
        .await
        .unwrap();
    assert!(stacks.is_empty());
}

#[tokio::test]
async fn list_204_and_null_are_empty() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("GET", "/api/stacks")
        .with_status(204)
        .create_async()
        .await;
    assert!(
        client(&server)
            .stacks()
            .list()
            .send()
            .await
            .unwrap()
            .is_empty()
    );
    m.assert_async().await;
    m.remove_async().await;
    server
        .mock("GET", "/api/stacks")
        .with_status(200)
        .with_body("null\n")
        .create_async()
        .await;
    assert!(
        client(&server)
            .stacks()
            .list()
            .send()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn get_and_file_decode_genuine_bodies() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks/61")
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    server
        .mock("GET", "/api/stacks/61/file")
        .with_status(200)
        .with_body(response("stack_file__mgm-mootse61.json"))
        .create_async()
        .await;
    let c = client(&server);
    let s = c.stacks().get(61).await.unwrap();
    assert_eq!(
        (s.id, s.endpoint_id, s.name.as_deref()),
        (Some(61), Some(2), Some("mootse-stack-test-2"))
    );
    assert_eq!(s.created_by.as_deref(), Some("lucas"));
    assert!(s.resource_control.is_some());
    let file = c.stacks().file(61).await.unwrap();
    assert!(file.starts_with("version: '2'\nservices:\n"));
    assert!(file.contains("V9m?Qk"));
}

#[test]
fn stack_serializes_back_to_portainer_names_losing_nothing() {
    let original: serde_json::Value =
        serde_json::from_str(&response("stack_inspect__mgm-mootse61.json")).unwrap();
    let stack: Stack = serde_json::from_value(original.clone()).unwrap();
    let back = serde_json::to_value(&stack).unwrap();
    // The one normalization: a `null` (Go's nil) is left out.
    assert_eq!(back, without_nulls(&original));
    assert_eq!(serde_json::from_value::<Stack>(back).unwrap(), stack);
    // And the 2.9 CE body, with its different field set.
    let original: serde_json::Value =
        serde_json::from_str(&response("stacks_list_k8s_git__portainer-docs-access.json")).unwrap();
    let stacks: Vec<Stack> = serde_json::from_value(original.clone()).unwrap();
    let back = serde_json::to_value(&stacks).unwrap();
    assert_eq!(back, without_nulls(&original));
}

/// `value` with every `null` member of an object left out, recursively.
fn without_nulls(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), without_nulls(v)))
            .collect(),
        serde_json::Value::Array(a) => a.iter().map(without_nulls).collect(),
        other => other.clone(),
    }
}

#[tokio::test]
async fn create_compose_from_string() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.44.0").await;
    let m = server
        .mock("POST", "/api/stacks/create/standalone/string")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "2".into()))
        .match_header("x-api-key", KEY)
        .match_body(Matcher::Json(json!({
            "Name": "web",
            "StackFileContent": "services:\n  web:\n    image: nginx\n",
            "Env": [{"name": "TAG", "value": "1.27"}, {"name": "EMPTY", "value": ""}]
        })))
        .with_status(200)
        .with_body(stack_json(
            70,
            "web",
            2,
            json!([{"name": "TAG", "value": "1.27"}]),
        ))
        .create_async()
        .await;
    let s = client(&server)
        .stacks()
        .create_compose(2, "web")
        .content("services:\n  web:\n    image: nginx\n")
        .env_var("TAG", "1.27")
        .env_var("EMPTY", "")
        .send()
        .await
        .unwrap();
    m.assert_async().await;
    assert_eq!(s.id, Some(70));
}

#[tokio::test]
async fn create_compose_from_file_uploads_multipart() {
    let dir = std::env::temp_dir().join(format!("psdk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("compose.yml");
    std::fs::write(&path, "services:\n  db:\n    image: postgres:16\n").unwrap();
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.44.0").await;
    let m = server
        .mock("POST", "/api/stacks/create/standalone/file")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "3".into()))
        .match_header(
            "content-type",
            Matcher::Regex("^multipart/form-data; boundary=".into()),
        )
        .match_body(Matcher::AllOf(vec![
            Matcher::Regex(r#"name="Name"\r\n\r\ndb\r\n"#.into()),
            Matcher::Regex(r#"name="Env"\r\n\r\n\[\{"name":"A","value":"1"\}\]\r\n"#.into()),
            Matcher::Regex(r#"name="file"; filename="compose.yml""#.into()),
            Matcher::Regex("image: postgres:16".into()),
        ]))
        .with_status(200)
        .with_body(stack_json(
            71,
            "db",
            3,
            json!([{"name": "A", "value": "1"}]),
        ))
        .create_async()
        .await;
    let s = client(&server)
        .stacks()
        .create_compose(3, "db")
        .file(&path)
        .env([("A", "1")])
        .send()
        .await
        .unwrap();
    m.assert_async().await;
    assert_eq!(s.id, Some(71));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn create_compose_from_git_sends_repository_fields() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.44.0").await;
    let m = server
        .mock("POST", "/api/stacks/create/standalone/repository")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "2".into()))
        .match_body(Matcher::Json(json!({
            "Name": "ops",
            "Env": [],
            "RepositoryURL": "https://git.example.com/acme/ops",
            "RepositoryReferenceName": "refs/heads/main",
            "ComposeFile": "web/compose.yml",
            "AdditionalFiles": ["web/override.yml"],
            "RepositoryAuthentication": true,
            "RepositoryUsername": "bot",
            "RepositoryPassword": "tok",
            "AutoUpdate": {"Interval": "5m"},
            "TLSSkipVerify": false
        })))
        .with_status(200)
        .with_body(stack_json(72, "ops", 2, json!(null)))
        .create_async()
        .await;
    client(&server)
        .stacks()
        .create_compose(2, "ops")
        .git(
            GitSource::new("https://git.example.com/acme/ops")
                .reference("refs/heads/main")
                .path("web/compose.yml")
                .additional_file("web/override.yml")
                .credentials("bot", "tok")
                .auto_update(AutoUpdateSettings {
                    interval: Some("5m".into()),
                    ..Default::default()
                }),
        )
        .send()
        .await
        .unwrap();
    m.assert_async().await;
}

#[tokio::test]
async fn create_swarm_looks_up_the_swarm_id() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.44.0").await;
    let swarm = server
        .mock("GET", "/api/endpoints/4/docker/swarm")
        .match_header("x-api-key", KEY)
        .with_status(200)
        .with_body(r#"{"ID":"jpofkc0i9uo9wtx1zesuk649w","Version":{"Index":10}}"#)
        .create_async()
        .await;
    let m = server
        .mock("POST", "/api/stacks/create/swarm/string")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "4".into()))
        .match_body(Matcher::PartialJson(json!({
            "Name": "svc", "SwarmID": "jpofkc0i9uo9wtx1zesuk649w",
            "StackFileContent": "version: '3'\n"
        })))
        .with_status(200)
        .with_body(stack_json(73, "svc", 4, json!(null)).replace(r#""Type":2"#, r#""Type":1"#))
        .create_async()
        .await;
    let s = client(&server)
        .stacks()
        .create_swarm(4, "svc")
        .content("version: '3'\n")
        .send()
        .await
        .unwrap();
    swarm.assert_async().await;
    m.assert_async().await;
    assert_eq!(s.type_, Some(StackType(1)));
}

#[tokio::test]
async fn create_swarm_with_given_id_skips_the_lookup() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.44.0").await;
    let swarm = server
        .mock("GET", "/api/endpoints/4/docker/swarm")
        .expect(0)
        .create_async()
        .await;
    let m = server
        .mock("POST", "/api/stacks/create/swarm/repository")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "4".into()))
        .match_body(Matcher::PartialJson(json!({"SwarmID": "abc", "ComposeFile": "docker-compose.yml", "RepositoryAuthentication": false})))
        .with_status(200)
        .with_body(stack_json(74, "svc", 4, json!(null)))
        .create_async()
        .await;
    client(&server)
        .stacks()
        .create_swarm(4, "svc")
        .swarm_id("abc")
        .git(GitSource::new("https://git.example.com/x"))
        .send()
        .await
        .unwrap();
    swarm.assert_async().await;
    m.assert_async().await;
}

#[tokio::test]
async fn create_kubernetes_from_string_git_and_url() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.44.0").await;
    let string = server
        .mock("POST", "/api/stacks/create/kubernetes/string")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "5".into()))
        .match_body(Matcher::Json(json!({
            "StackName": "k1", "Namespace": "apps", "ComposeFormat": false,
            "StackFileContent": "apiVersion: v1\nkind: Namespace\n"
        })))
        .with_status(200)
        .with_body(r#"{"Output":"namespace/apps created"}"#)
        .create_async()
        .await;
    let git = server
        .mock("POST", "/api/stacks/create/kubernetes/repository")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "5".into()))
        .match_body(Matcher::PartialJson(json!({
            "StackName": "k2", "ManifestFile": "k8s/app.yaml", "RepositoryURL": "https://git.example.com/k"
        })))
        .with_status(200)
        .with_body(r#"{"Output":"ok"}"#)
        .create_async()
        .await;
    let url = server
        .mock("POST", "/api/stacks/create/kubernetes/url")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "5".into()))
        .match_body(Matcher::Json(json!({
            "StackName": "k3", "ComposeFormat": false,
            "ManifestURL": "https://example.com/app.yaml"
        })))
        .with_status(200)
        .with_body(r#"{"Output":"ok"}"#)
        .create_async()
        .await;
    let k = |id: i64, name: &str| json!({"Id": id, "Name": name, "Type": 3, "EndpointId": 5, "Namespace": "apps"});
    server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::Missing)
        .with_status(200)
        .with_body(json!([k(80, "k1"), k(81, "k2"), k(82, "k3")]).to_string())
        .create_async()
        .await;
    let c = client(&server);
    let s1 = c
        .stacks()
        .create_kubernetes(5, "k1")
        .namespace("apps")
        .content("apiVersion: v1\nkind: Namespace\n")
        .send()
        .await
        .unwrap();
    let s2 = c
        .stacks()
        .create_kubernetes(5, "k2")
        .git(GitSource::new("https://git.example.com/k").path("k8s/app.yaml"))
        .send()
        .await
        .unwrap();
    let s3 = c
        .stacks()
        .create_kubernetes(5, "k3")
        .url("https://example.com/app.yaml")
        .send()
        .await
        .unwrap();
    string.assert_async().await;
    git.assert_async().await;
    url.assert_async().await;
    assert_eq!((s1.id, s2.id, s3.id), (Some(80), Some(81), Some(82)));
}

/// A create answered with a blank body looks the stack up by name; one
/// answered with a form feed (whitespace to ASCII, not to JSON) is a decode
/// error, and nothing is looked up.
#[tokio::test]
async fn create_with_a_blank_answer_looks_up_but_a_form_feed_is_an_error() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.44.0").await;
    let mut blank_and_form_feed = Vec::new();
    for (name, body) in [("k1", " \r\n\t"), ("k2", "\u{c}")] {
        let m = server
            .mock("POST", "/api/stacks/create/kubernetes/string")
            .match_query(Matcher::Any)
            .match_body(Matcher::PartialJson(json!({ "StackName": name })))
            .with_status(200)
            .with_body(body)
            .create_async()
            .await;
        blank_and_form_feed.push(m);
    }
    let lookup = server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::Any)
        .with_status(200)
        .with_body(json!([{"Id": 80, "Name": "k1", "Type": 3, "EndpointId": 5}]).to_string())
        .expect(1)
        .create_async()
        .await;
    let c = client(&server);
    let create_k = |name: &'static str| {
        c.stacks()
            .create_kubernetes(5, name)
            .content("apiVersion: v1\n")
            .send()
    };
    assert_eq!(create_k("k1").await.unwrap().id, Some(80));
    let e = create_k("k2").await.unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e}");
    for m in &blank_and_form_feed {
        m.assert_async().await;
    }
    lookup.assert_async().await;
}

#[tokio::test]
async fn servers_before_2_19_use_the_legacy_create_route() {
    let mut server = mockito::Server::new_async().await;
    let version = mock_version(&mut server, "2.18.4").await;
    let m = server
        .mock("POST", "/api/stacks")
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("type".into(), "2".into()),
            Matcher::UrlEncoded("method".into(), "string".into()),
            Matcher::UrlEncoded("endpointId".into(), "2".into()),
        ]))
        .match_body(Matcher::PartialJson(
            json!({"Name": "old", "StackFileContent": "x: 1\n"}),
        ))
        .with_status(200)
        .with_body(stack_json(90, "old", 2, json!(null)))
        .expect(2)
        .create_async()
        .await;
    let c = client(&server);
    for _ in 0..2 {
        c.stacks()
            .create_compose(2, "old")
            .content("x: 1\n")
            .send()
            .await
            .unwrap();
    }
    m.assert_async().await;
    // The version is asked once per client.
    version.expect(1).assert_async().await;
}

/// Before 2.19 a Kubernetes create also took the legacy route, and answered
/// `{"Output"}` rather than the stack: the stack is looked up by name.
#[tokio::test]
async fn a_legacy_kubernetes_create_looks_the_stack_up() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.18.4").await;
    let create = server
        .mock("POST", "/api/stacks")
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("type".into(), "3".into()),
            Matcher::UrlEncoded("method".into(), "url".into()),
            Matcher::UrlEncoded("endpointId".into(), "5".into()),
        ]))
        .with_status(200)
        .with_body(r#"{"Output":"deployment.apps/web created"}"#)
        .create_async()
        .await;
    let listed = json!([{"Id": 91, "Name": "web", "Type": 3, "EndpointId": 5}]);
    let lookup = server
        .mock("GET", "/api/stacks")
        .with_status(200)
        .with_body(listed.to_string())
        .create_async()
        .await;
    let stack = client(&server)
        .stacks()
        .create_kubernetes(5, "web")
        .url("https://example.com/web.yaml")
        .send()
        .await
        .unwrap();
    assert_eq!(stack.id, Some(91));
    create.assert_async().await;
    lookup.assert_async().await;
}

#[tokio::test]
async fn invalid_create_input_is_refused_before_sending() {
    let server = mockito::Server::new_async().await;
    let c = client(&server);
    let cases = [
        c.stacks().create_compose(2, "").content("x: 1"),
        c.stacks().create_compose(2, "a"),
        c.stacks().create_compose(2, "a").content("   "),
        c.stacks()
            .create_compose(2, "a")
            .url("https://example.com/x.yml"),
        c.stacks()
            .create_kubernetes(2, "a")
            .content("x: 1")
            .env_var("A", "1"),
        c.stacks().create_compose(0, "a").content("x: 1"),
    ];
    for case in cases {
        let e = case.send().await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    }
    // Nothing reached the server (an unmatched request would get mockito's 501).
}

/// GET /api/stacks/5 answers with the genuine `ddns-cloud` stack (three env vars).
async fn update_fixture_mocks(server: &mut mockito::ServerGuard) {
    let list: serde_json::Value =
        serde_json::from_str(&response("stacks_list__mgm-mootse.json")).unwrap();
    server
        .mock("GET", "/api/stacks/5")
        .with_status(200)
        .with_body(list[1].to_string())
        .create_async()
        .await;
}

#[tokio::test]
async fn update_keeps_env_fills_endpoint_and_resends_the_file() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.44.0").await;
    update_fixture_mocks(&mut server).await;
    let file = server
        .mock("GET", "/api/stacks/5/file")
        .with_status(200)
        .with_body(r#"{"StackFileContent":"services: {}\n"}"#)
        .create_async()
        .await;
    let m = server
        .mock("PUT", "/api/stacks/5")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "2".into()))
        .match_body(Matcher::Json(json!({
            "StackFileContent": "services: {}\n",
            "Env": [
                {"name": "API_KEY", "value": "KqWFqihzce8VmyqUpJ6qr0GXaVvolPgyjAXrlLYg"},
                {"name": "API_ZONE", "value": "example.org"},
                {"name": "NEW", "value": "1"}
            ],
            "Webhook": "",
            "Prune": false,
            "RepullImageAndRedeploy": true
        })))
        .with_status(200)
        .with_body(stack_json(5, "ddns-cloud", 2, json!([])))
        .create_async()
        .await;
    client(&server)
        .stacks()
        .update(5)
        .set_env("API_ZONE", "example.org")
        .remove_env("API_SUBDOMAIN")
        .set_env("NEW", "1")
        .pull_image(true)
        .send()
        .await
        .unwrap();
    file.assert_async().await;
    m.assert_async().await;
}

#[tokio::test]
async fn update_with_content_and_replaced_env() {
    let mut server = mockito::Server::new_async().await;
    update_fixture_mocks(&mut server).await;
    let file = server
        .mock("GET", "/api/stacks/5/file")
        .expect(0)
        .create_async()
        .await;
    let m = server
        .mock("PUT", "/api/stacks/5")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "2".into()))
        .match_body(Matcher::Json(json!({
            "StackFileContent": "new: 1\n", "Env": [], "Webhook": "", "Prune": true
        })))
        .with_status(200)
        .with_body(stack_json(5, "ddns-cloud", 2, json!([])))
        .create_async()
        .await;
    client(&server)
        .stacks()
        .update(5)
        .content("new: 1\n")
        .env(Vec::<(String, String)>::new())
        .prune(true)
        .send()
        .await
        .unwrap();
    file.assert_async().await;
    m.assert_async().await;
}

#[tokio::test]
async fn update_in_progress_is_a_conflict() {
    let mut server = mockito::Server::new_async().await;
    update_fixture_mocks(&mut server).await;
    server
        .mock("PUT", "/api/stacks/5")
        .match_query(Matcher::Any)
        .with_status(409)
        .with_body(
            r#"{"message":"Stack is being updated","details":"another operation is in progress"}"#,
        )
        .create_async()
        .await;
    let e = client(&server)
        .stacks()
        .update(5)
        .content("a: 1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict(_)), "{e:?}");
    assert_eq!(e.details(), Some("another operation is in progress"));
    assert!(e.to_string().contains("StackUpdate"), "{e}");
}

fn git_stack() -> String {
    json!({
        "Id": 9, "Name": "gitops", "Type": 2, "EndpointId": 3,
        "Env": [{"name": "A", "value": "1"}],
        "AutoUpdate": {"Interval": "1m", "Webhook": "", "ForceUpdate": false, "ForcePullImage": false},
        "Option": {"Prune": true},
        "GitConfig": {
            "URL": "https://git.example.com/ops", "ReferenceName": "refs/heads/main",
            "ConfigFilePath": "docker-compose.yml", "ConfigHash": "abc",
            "Authentication": {"Username": "bot", "Password": ""}, "TLSSkipVerify": false
        }
    })
    .to_string()
}

#[tokio::test]
async fn redeploy_git_keeps_reference_env_and_stored_credentials() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.44.0").await;
    server
        .mock("GET", "/api/stacks/9")
        .with_status(200)
        .with_body(git_stack())
        .create_async()
        .await;
    let m = server
        .mock("PUT", "/api/stacks/9/git/redeploy")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "3".into()))
        .match_body(Matcher::Json(json!({
            "RepositoryReferenceName": "refs/heads/main",
            "RepositoryAuthentication": true,
            "RepositoryUsername": "bot",
            "RepositoryPassword": "",
            "Env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            "Prune": true,
            "RepullImageAndRedeploy": true
        })))
        .with_status(200)
        .with_body(git_stack())
        .create_async()
        .await;
    client(&server)
        .stacks()
        .redeploy_git(9)
        .set_env("B", "2")
        .pull_image(true)
        .send()
        .await
        .unwrap();
    m.assert_async().await;
}

#[tokio::test]
async fn git_settings_update_changes_only_what_is_set() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks/9")
        .with_status(200)
        .with_body(git_stack())
        .create_async()
        .await;
    let m = server
        .mock("POST", "/api/stacks/9/git")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "3".into()))
        .match_body(Matcher::Json(json!({
            "RepositoryReferenceName": "refs/tags/v2",
            "RepositoryAuthentication": true,
            "RepositoryUsername": "bot2",
            "RepositoryPassword": "newtok",
            "Env": [{"name": "A", "value": "1"}],
            "Prune": true,
            "TLSSkipVerify": false
        })))
        .with_status(200)
        .with_body(git_stack())
        .create_async()
        .await;
    client(&server)
        .stacks()
        .update_git_settings(9)
        .reference("refs/tags/v2")
        .credentials("bot2", "newtok")
        .disable_auto_update()
        .send()
        .await
        .unwrap();
    m.assert_async().await;
}

#[tokio::test]
async fn git_calls_on_a_non_git_stack_are_invalid_input() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks/61")
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    let e = client(&server)
        .stacks()
        .redeploy_git(61)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
}

#[tokio::test]
async fn start_stop_delete_use_the_stacks_environment() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks/61")
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    let start = server
        .mock("POST", "/api/stacks/61/start")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "2".into()))
        .match_header("x-api-key", KEY)
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    let stop = server
        .mock("POST", "/api/stacks/61/stop")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "2".into()))
        .with_status(200)
        .with_body(
            response("stack_inspect__mgm-mootse61.json").replace(r#""Status":1"#, r#""Status":2"#),
        )
        .create_async()
        .await;
    let delete = server
        .mock("DELETE", "/api/stacks/61")
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("endpointId".into(), "2".into()),
            Matcher::UrlEncoded("removeVolumes".into(), "true".into()),
        ]))
        .with_status(204)
        .create_async()
        .await;
    let delete_given = server
        .mock("DELETE", "/api/stacks/62")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "7".into()))
        .with_status(204)
        .create_async()
        .await;
    let c = client(&server);
    assert_eq!(
        c.stacks().start(61).await.unwrap().status,
        Some(StackStatus(1))
    );
    assert_eq!(
        c.stacks().stop(61).await.unwrap().status,
        Some(StackStatus(2))
    );
    c.stacks()
        .delete(61)
        .remove_volumes(true)
        .send()
        .await
        .unwrap();
    c.stacks().delete(62).endpoint(7).send().await.unwrap();
    for m in [start, stop, delete, delete_given] {
        m.assert_async().await;
    }
}

#[tokio::test]
async fn deploy_twice_gives_one_stack() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.44.0").await;
    let content = "services:\n  web:\n    image: nginx\n";
    let list_empty = server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::Missing)
        .with_status(200)
        .with_body("[]")
        .expect(1)
        .create_async()
        .await;
    let create = server
        .mock("POST", "/api/stacks/create/standalone/string")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "2".into()))
        .match_body(Matcher::PartialJson(
            json!({"Name": "web", "StackFileContent": content}),
        ))
        .with_status(200)
        .with_body(stack_json(
            100,
            "web",
            2,
            json!([{"name": "TAG", "value": "1"}]),
        ))
        .expect(1)
        .create_async()
        .await;
    // A standalone Docker environment, so a new stack is a compose stack.
    server
        .mock("GET", "/api/endpoints/2")
        .with_body(r#"{"Id":2,"Name":"local","Type":1,"Snapshots":[{"Swarm":false}]}"#)
        .expect(1)
        .create_async()
        .await;
    let c = client(&server);
    let first = c
        .stacks()
        .deploy(2, "web")
        .content(content)
        .env([("TAG", "1")])
        .send()
        .await
        .unwrap();
    assert!(first.was_created());
    list_empty.assert_async().await;
    create.assert_async().await;
    list_empty.remove_async().await;

    server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::Missing)
        .with_status(200)
        .with_body(format!(
            "[{}]",
            stack_json(100, "web", 2, json!([{"name": "TAG", "value": "1"}]))
        ))
        .create_async()
        .await;
    let update = server
        .mock("PUT", "/api/stacks/100")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "2".into()))
        .match_body(Matcher::Json(json!({
            "StackFileContent": content,
            "Env": [{"name": "TAG", "value": "1"}],
            "Prune": false
        })))
        .with_status(200)
        .with_body(stack_json(
            100,
            "web",
            2,
            json!([{"name": "TAG", "value": "1"}]),
        ))
        .create_async()
        .await;
    let second = c
        .stacks()
        .deploy(2, "web")
        .content(content)
        .send()
        .await
        .unwrap();
    assert!(!second.was_created());
    assert_eq!(second.stack().id, first.stack().id);
    update.assert_async().await;
    create.assert_async().await; // still exactly one create
}

/// A stack with a webhook, registries and the prune option, as a 2.3x EE
/// server lists it.
fn webhook_stack(id: i64, name: &str) -> serde_json::Value {
    let mut stack: serde_json::Value = serde_json::from_str(&stack_json(
        id,
        name,
        2,
        json!([{"name": "TAG", "value": "1"}]),
    ))
    .unwrap();
    stack["Webhook"] = json!("c11fdf23-183e-428a-9bb6-16db01032174");
    stack["Registries"] = json!([3]);
    stack["Option"] = json!({"Prune": true});
    stack
}

#[tokio::test]
async fn an_update_of_the_file_alone_keeps_webhook_env_registries_and_prune() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks/5")
        .with_status(200)
        .with_body(webhook_stack(5, "web").to_string())
        .create_async()
        .await;
    let put = server
        .mock("PUT", "/api/stacks/5")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "2".into()))
        .match_body(Matcher::Json(json!({
            "StackFileContent": "services: {}\n",
            "Env": [{"name": "TAG", "value": "1"}],
            "Webhook": "c11fdf23-183e-428a-9bb6-16db01032174",
            "Registries": [3],
            "Prune": true
        })))
        .with_status(200)
        .with_body(webhook_stack(5, "web").to_string())
        .create_async()
        .await;
    let updated = client(&server)
        .stacks()
        .update(5)
        .content("services: {}\n")
        .send()
        .await
        .unwrap();
    put.assert_async().await;
    assert_eq!(
        updated.webhook.as_deref(),
        Some("c11fdf23-183e-428a-9bb6-16db01032174")
    );
}

#[tokio::test]
async fn deploy_finds_the_stack_under_its_normalized_name() {
    let mut server = mockito::Server::new_async().await;
    let list = server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::Any)
        .with_status(200)
        .with_body(json!([webhook_stack(7, "myapp")]).to_string())
        .create_async()
        .await;
    let create = server
        .mock("POST", Matcher::Regex("^/api/stacks".into()))
        .expect(0)
        .create_async()
        .await;
    let put = server
        .mock("PUT", "/api/stacks/7")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "2".into()))
        .match_body(Matcher::PartialJson(json!({
            "StackFileContent": "services: {}\n",
            "Webhook": "c11fdf23-183e-428a-9bb6-16db01032174"
        })))
        .with_status(200)
        .with_body(webhook_stack(7, "myapp").to_string())
        .create_async()
        .await;
    let deployed = client(&server)
        .stacks()
        .deploy(2, "My.App")
        .content("services: {}\n")
        .send()
        .await
        .unwrap();
    assert!(!deployed.was_created());
    assert_eq!(deployed.stack().id, Some(7));
    list.assert_async().await;
    put.assert_async().await;
    create.assert_async().await;
}

#[tokio::test]
async fn an_update_of_a_git_stack_with_content_is_refused_before_any_change() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks/9")
        .with_status(200)
        .with_body(git_stack())
        .create_async()
        .await;
    let put = server
        .mock("PUT", Matcher::Any)
        .expect(0)
        .create_async()
        .await;
    let file = server
        .mock("GET", "/api/stacks/9/file")
        .expect(0)
        .create_async()
        .await;
    let e = client(&server)
        .stacks()
        .update(9)
        .content("services: {}\n")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    assert!(e.to_string().contains("redeploy_git"), "{e}");
    put.assert_async().await;
    file.assert_async().await;
}

#[tokio::test]
async fn deploy_of_an_existing_git_stack_redeploys_it_from_git() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.44.0").await;
    let gitops: serde_json::Value = serde_json::from_str(&git_stack()).unwrap();
    server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::Any)
        .with_status(200)
        .with_body(json!([gitops]).to_string())
        .create_async()
        .await;
    let redeploy = server
        .mock("PUT", "/api/stacks/9/git/redeploy")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "3".into()))
        .match_body(Matcher::PartialJson(json!({
            "RepositoryReferenceName": "refs/tags/v2",
            "Env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
        })))
        .with_status(200)
        .with_body(git_stack())
        .create_async()
        .await;
    let c = client(&server);
    let deployed = c
        .stacks()
        .deploy(3, "gitops")
        .git(GitSource::new("https://git.example.com/ops").reference("refs/tags/v2"))
        .set_env("B", "2")
        .send()
        .await
        .unwrap();
    assert!(!deployed.was_created());
    redeploy.assert_async().await;
    // A file for a stack that follows git would detach it: refused.
    let e = c
        .stacks()
        .deploy(3, "gitops")
        .content("services: {}\n")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
}

#[tokio::test]
async fn the_pull_flag_is_sent_under_the_name_the_server_reads() {
    for (version, flag) in [
        ("2.36.0", "RepullImageAndRedeploy"),
        ("2.44.0", "RepullImageAndRedeploy"),
        ("2.35.1", "PullImage"),
        ("2.19.4", "PullImage"),
    ] {
        let mut server = mockito::Server::new_async().await;
        mock_version(&mut server, version).await;
        server
            .mock("GET", "/api/stacks/5")
            .with_status(200)
            .with_body(webhook_stack(5, "web").to_string())
            .create_async()
            .await;
        let other = if flag == "PullImage" {
            "RepullImageAndRedeploy"
        } else {
            "PullImage"
        };
        let put = server
            .mock("PUT", "/api/stacks/5")
            .match_query(Matcher::Any)
            .match_request(move |req| {
                let body: serde_json::Value = serde_json::from_slice(req.body().unwrap()).unwrap();
                body[flag] == json!(true) && body.get(other).is_none()
            })
            .with_status(200)
            .with_body(webhook_stack(5, "web").to_string())
            .create_async()
            .await;
        client(&server)
            .stacks()
            .update(5)
            .content("a: 1\n")
            .pull_image(true)
            .send()
            .await
            .unwrap();
        put.assert_async().await;
    }
}

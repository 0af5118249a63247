//! List, inspect, file, update, start/stop, delete and git redeploy.

mod common;

use common::{COMPOSE, admin, call, create_compose, error};
use portainer_testkit::{Environment, FakePortainer, Role, StackStatus, User, Version};
use serde_json::json;

async fn with_bob() -> FakePortainer {
    FakePortainer::builder()
        .environment(Environment::docker_standalone(1, "local"))
        .environment(Environment::kubernetes(2, "k8s"))
        .user(
            User::new("bob", Role::StandardUser)
                .api_key("ptr_bob")
                .environments([1]),
        )
        .start()
        .await
}

#[tokio::test]
async fn list_filters_as_filter_stacks_does() {
    let f = with_bob().await;
    create_compose(&f, "web", COMPOSE).await;
    let k = admin(
        &f,
        "POST",
        "/api/stacks/create/kubernetes/string?endpointId=2",
        Some(json!({"StackName": "kapp", "StackFileContent": "kind: Pod"})),
    )
    .await;
    assert_eq!(k.status, 200);
    let all = admin(&f, "GET", "/api/stacks", None).await.json();
    assert_eq!(all.as_array().unwrap().len(), 2);
    // An EndpointID filter keeps Compose stacks of that environment only.
    let filtered = admin(
        &f,
        "GET",
        "/api/stacks?filters=%7B%22EndpointID%22%3A2%7D",
        None,
    )
    .await
    .json();
    assert_eq!(filtered, json!([]));
    let filtered = admin(
        &f,
        "GET",
        "/api/stacks?filters=%7B%22EndpointID%22%3A1%7D",
        None,
    )
    .await
    .json();
    assert_eq!(filtered[0]["Name"], "web");
    let a = admin(&f, "GET", "/api/stacks?filters=nope", None).await;
    assert_eq!(a.status, 400);
    assert_eq!(error(&a).0, "Invalid query parameter: filters");
    // Bob sees only his own stacks and may not ask for orphaned ones.
    assert_eq!(
        call(&f, "GET", "/api/stacks", Some("ptr_bob"), None)
            .await
            .json(),
        json!([])
    );
    let a = call(
        &f,
        "GET",
        "/api/stacks?filters=%7B%22EndpointID%22%3A1%2C%22IncludeOrphanedStacks%22%3Atrue%7D",
        Some("ptr_bob"),
        None,
    )
    .await;
    assert_eq!(
        error(&a),
        (
            "Permission denied to access orphaned stacks".into(),
            "Unauthorized".into()
        )
    );
}

#[tokio::test]
async fn resource_controls_keep_standard_users_to_their_stacks() {
    let f = with_bob().await;
    let id = create_compose(&f, "adminstack", COMPOSE).await["Id"]
        .as_i64()
        .unwrap();
    let a = call(
        &f,
        "GET",
        &format!("/api/stacks/{id}"),
        Some("ptr_bob"),
        None,
    )
    .await;
    assert_eq!(a.status, 403);
    assert_eq!(
        error(&a),
        (
            "Access denied to resource".into(),
            "Access denied to resource".into()
        )
    );
    let a = call(
        &f,
        "POST",
        "/api/stacks/create/standalone/string?endpointId=1",
        Some("ptr_bob"),
        Some(json!({"Name": "bobs", "StackFileContent": COMPOSE})),
    )
    .await;
    assert_eq!(a.status, 200);
    let v = a.json();
    assert_eq!(
        v["ResourceControl"]["UserAccesses"],
        json!([{"UserId": 2, "AccessLevel": 1}])
    );
    let bob_id = v["Id"].as_i64().unwrap();
    let a = call(
        &f,
        "GET",
        &format!("/api/stacks/{bob_id}/file"),
        Some("ptr_bob"),
        None,
    )
    .await;
    assert_eq!(a.json(), json!({"StackFileContent": COMPOSE}));
    let a = call(
        &f,
        "POST",
        "/api/stacks/create/kubernetes/string?endpointId=2",
        Some("ptr_bob"),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        error(&a),
        (
            "Permission denied to access environment".into(),
            "Access denied to environment".into()
        )
    );
}

#[tokio::test]
async fn inspect_and_file_of_a_missing_stack_are_404_and_bad_ids_400() {
    let f = FakePortainer::start().await;
    let a = admin(&f, "GET", "/api/stacks/42", None).await;
    assert_eq!(a.status, 404);
    assert_eq!(
        error(&a).0,
        "Unable to find a stack with the specified identifier inside the database"
    );
    let a = admin(&f, "GET", "/api/stacks/abc/file", None).await;
    assert_eq!(
        error(&a),
        (
            "Invalid stack identifier route variable".into(),
            "Strconv.Atoi: parsing \"abc\": invalid syntax".into()
        )
    );
}

#[tokio::test]
async fn update_assigns_env_and_webhook_like_the_handler() {
    let f = FakePortainer::start().await;
    let id = create_compose(&f, "web", COMPOSE).await["Id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/stacks/{id}?endpointId=1");
    let body = json!({"StackFileContent": "services:\n  web:\n    image: nginx:1.28\n", "Env": [{"name": "A", "value": "1"}], "Webhook": "w-1"});
    let a = admin(&f, "PUT", &path, Some(body)).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    assert_eq!(v["Env"], json!([{"name": "A", "value": "1"}]));
    assert_eq!(v["Webhook"], "w-1");
    assert_eq!(v["UpdatedBy"], "admin");
    assert!(v["UpdateDate"].as_i64().unwrap() > 0);
    // Env and Webhook are assigned from the payload: absent means cleared.
    let a = admin(&f, "PUT", &path, Some(json!({"StackFileContent": COMPOSE}))).await;
    let v = a.json();
    assert_eq!(v["Env"], serde_json::Value::Null);
    assert_eq!(v["Webhook"], "");
    assert_eq!(f.stack("web").unwrap().file_content, COMPOSE);
    let a = admin(&f, "PUT", &path, Some(json!({"StackFileContent": ""}))).await;
    assert_eq!(
        error(&a),
        (
            "Invalid request payload".into(),
            "Invalid stack file content".into()
        )
    );
    let a = admin(
        &f,
        "PUT",
        &format!("/api/stacks/{id}"),
        Some(json!({"StackFileContent": COMPOSE})),
    )
    .await;
    assert_eq!(
        error(&a),
        (
            "Invalid query parameter: endpointId".into(),
            "Missing query parameter".into()
        )
    );
}

#[tokio::test]
async fn before_2_19_update_takes_endpoint_id_as_optional_and_has_no_webhook() {
    let f = FakePortainer::builder()
        .version(Version::new(2, 14, 2))
        .start()
        .await;
    let a = admin(
        &f,
        "POST",
        "/api/stacks?type=2&method=string&endpointId=1",
        Some(json!({"Name": "web", "StackFileContent": COMPOSE})),
    )
    .await;
    let id = a.json()["Id"].as_i64().unwrap();
    let a = admin(
        &f,
        "PUT",
        &format!("/api/stacks/{id}"),
        Some(json!({"StackFileContent": COMPOSE, "Webhook": "w"})),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(a.json().get("Webhook").is_none());
    assert_eq!(f.stack("web").unwrap().webhook, "");
}

async fn container_ids(f: &FakePortainer) -> std::collections::BTreeMap<String, String> {
    let list = admin(
        f,
        "GET",
        "/api/endpoints/1/docker/containers/json?all=1",
        None,
    )
    .await
    .json();
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["Names"][0].as_str().unwrap().to_owned(),
                c["Id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn update_recreates_only_changed_services_unless_asked_to_repull() {
    let f = FakePortainer::start().await;
    let two = "services:\n  a:\n    image: x:1\n  b:\n    image: y:1\n";
    let id = create_compose(&f, "two", two).await["Id"].as_i64().unwrap();
    let before = container_ids(&f).await;
    let changed = "services:\n  a:\n    image: x:2\n  b:\n    image: y:1\n";
    let path = format!("/api/stacks/{id}?endpointId=1");
    admin(&f, "PUT", &path, Some(json!({"StackFileContent": changed}))).await;
    let after = container_ids(&f).await;
    assert_ne!(before["/two-a-1"], after["/two-a-1"]);
    assert_eq!(before["/two-b-1"], after["/two-b-1"]);
    let a = admin(
        &f,
        "PUT",
        &path,
        Some(json!({"StackFileContent": changed, "RepullImageAndRedeploy": true})),
    )
    .await;
    assert_eq!(a.status, 200);
    let repulled = container_ids(&f).await;
    assert_ne!(after["/two-b-1"], repulled["/two-b-1"]);
}

#[tokio::test]
async fn stop_start_and_delete() {
    let f = FakePortainer::start().await;
    let id = create_compose(&f, "web", COMPOSE).await["Id"]
        .as_i64()
        .unwrap();
    let a = admin(
        &f,
        "POST",
        &format!("/api/stacks/{id}/start?endpointId=1"),
        None,
    )
    .await;
    assert_eq!(a.status, 409, "the running containers make the name taken");
    assert_eq!(
        error(&a).0,
        "A stack with the name 'web' is already running"
    );
    let a = admin(
        &f,
        "POST",
        &format!("/api/stacks/{id}/stop?endpointId=1"),
        None,
    )
    .await;
    assert_eq!(a.json()["Status"], 2);
    assert!(f.containers("web").is_empty());
    assert_eq!(f.stack("web").unwrap().status, StackStatus::Inactive);
    let a = admin(
        &f,
        "POST",
        &format!("/api/stacks/{id}/stop?endpointId=1"),
        None,
    )
    .await;
    assert_eq!(
        error(&a),
        (
            "Stack is already inactive".into(),
            "Stack is already inactive".into()
        )
    );
    let a = admin(
        &f,
        "POST",
        &format!("/api/stacks/{id}/start?endpointId=1"),
        None,
    )
    .await;
    assert_eq!(a.json()["Status"], 1);
    assert_eq!(f.containers("web").len(), 1);
    let a = admin(&f, "POST", &format!("/api/stacks/{id}/start"), None).await;
    assert_eq!(error(&a).0, "Invalid query parameter: endpointId");
    let a = admin(
        &f,
        "DELETE",
        &format!("/api/stacks/{id}?endpointId=1"),
        None,
    )
    .await;
    assert_eq!(a.status, 204);
    assert!(a.text.is_empty());
    assert!(f.stacks().is_empty() && f.containers("web").is_empty());
    let a = admin(
        &f,
        "DELETE",
        &format!("/api/stacks/{id}?endpointId=1"),
        None,
    )
    .await;
    assert_eq!(a.status, 404);
}

#[tokio::test]
async fn deleting_with_another_environment_is_an_orphan_removal_for_admins_only() {
    let f = with_bob().await;
    let a = call(
        &f,
        "POST",
        "/api/stacks/create/standalone/string?endpointId=1",
        Some("ptr_bob"),
        Some(json!({"Name": "b", "StackFileContent": COMPOSE})),
    )
    .await;
    let id = a.json()["Id"].as_i64().unwrap();
    let a = call(
        &f,
        "DELETE",
        &format!("/api/stacks/{id}"),
        Some("ptr_bob"),
        None,
    )
    .await;
    assert_eq!(a.status, 403);
    assert_eq!(error(&a).0, "Permission denied to remove orphaned stack");
    let a = call(
        &f,
        "DELETE",
        &format!("/api/stacks/{id}?endpointId=1"),
        Some("ptr_bob"),
        None,
    )
    .await;
    assert_eq!(a.status, 204);
}

#[tokio::test]
async fn git_redeploy_pulls_the_new_commit_and_takes_the_payloads_reference() {
    let url = "https://git.example.com/app.git";
    let f = FakePortainer::builder()
        .git_repository(url, "c1", [("docker-compose.yml", COMPOSE)])
        .start()
        .await;
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/standalone/repository?endpointId=1",
        Some(json!({"Name": "g", "RepositoryURL": url, "RepositoryReferenceName": "refs/heads/main"})),
    )
    .await;
    let id = a.json()["Id"].as_i64().unwrap();
    let plain = create_compose(&f, "plain", COMPOSE).await["Id"]
        .as_i64()
        .unwrap();
    let a = admin(
        &f,
        "PUT",
        &format!("/api/stacks/{plain}/git/redeploy?endpointId=1"),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        error(&a),
        (
            "Stack is not created from git".into(),
            "Stack is not created from git".into()
        )
    );
    let a = admin(
        &f,
        "PUT",
        &format!("/api/stacks/{id}/git/redeploy?endpointId=1"),
        Some(json!({"Env": [{"name": "X", "value": "y"}]})),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    assert_eq!(
        v["GitConfig"]["ReferenceName"], "",
        "an absent reference is assigned as empty"
    );
    assert_eq!(v["GitConfig"]["ConfigHash"], "c1");
    assert_eq!(v["Env"], json!([{"name": "X", "value": "y"}]));
    // An update detaches the stack from git.
    let a = admin(
        &f,
        "PUT",
        &format!("/api/stacks/{id}?endpointId=1"),
        Some(json!({"StackFileContent": COMPOSE})),
    )
    .await;
    let v = a.json();
    assert_eq!(v["GitConfig"], serde_json::Value::Null);
    assert_eq!(v["FromAppTemplate"], true);
}

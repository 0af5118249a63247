//! Stack creation: every create route, validation, name rules per version.

mod common;

use common::{COMPOSE, admin, create_compose, error};
use portainer_testkit::{Environment, FakePortainer, StackKind, Version};
use serde_json::json;

#[tokio::test]
async fn compose_names_are_normalized_and_duplicates_are_409_with_the_servers_message() {
    let f = FakePortainer::start().await;
    let v = create_compose(&f, "My Web.App", COMPOSE).await;
    assert_eq!(v["Name"], "mywebapp");
    assert_eq!(v["Type"], 2);
    assert_eq!(v["Env"], serde_json::Value::Null);
    assert_eq!(v["ResourceControl"]["ResourceId"], "1_mywebapp");
    assert_eq!(v["ResourceControl"]["AdministratorsOnly"], true);
    assert_eq!(v["CreatedBy"], "admin");
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/standalone/string?endpointId=1",
        Some(json!({"Name": "MYWEBAPP", "StackFileContent": COMPOSE})),
    )
    .await;
    assert_eq!(a.status, 409);
    let msg = "A stack with the normalized name 'mywebapp' already exists";
    assert_eq!(error(&a), (msg.into(), msg.into()));
    assert_eq!(f.stacks().len(), 1);
    assert_eq!(f.containers("mywebapp"), ["mywebapp-web-1"]);
}

#[tokio::test]
async fn create_validation_follows_the_payload_checks() {
    let f = FakePortainer::start().await;
    let post = |path: &'static str, body| {
        let f = &f;
        async move { admin(f, "POST", path, Some(body)).await }
    };
    let a = post(
        "/api/stacks/create/standalone/string?endpointId=1",
        json!({"StackFileContent": COMPOSE}),
    )
    .await;
    assert_eq!(
        error(&a),
        (
            "Invalid request payload".into(),
            "Invalid stack name".into()
        )
    );
    let a = post(
        "/api/stacks/create/standalone/string?endpointId=1",
        json!({"Name": "x"}),
    )
    .await;
    assert_eq!(error(&a).1, "Invalid stack file content");
    let a = post(
        "/api/stacks/create/standalone/string?endpointId=1",
        json!({"Name": 5}),
    )
    .await;
    assert_eq!(
        error(&a).1,
        "Json: cannot unmarshal number into Go struct field composeStackFromFileContentPayload.Name of type string"
    );
    let a = post(
        "/api/stacks/create/standalone/string",
        json!({"Name": "x", "StackFileContent": COMPOSE}),
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        error(&a),
        (
            "Invalid query parameter: endpointId".into(),
            "Missing query parameter".into()
        )
    );
    let a = post(
        "/api/stacks/create/standalone/string?endpointId=x",
        json!({}),
    )
    .await;
    assert_eq!(error(&a).1, "Strconv.Atoi: parsing \"x\": invalid syntax");
    let a = post(
        "/api/stacks/create/standalone/string?endpointId=9",
        json!({}),
    )
    .await;
    assert_eq!(a.status, 404);
    assert_eq!(
        error(&a),
        (
            "Unable to find an environment with the specified identifier inside the database"
                .into(),
            "Object not found inside the database".into()
        )
    );
    let a = post("/api/stacks/create/nomad/string?endpointId=1", json!({})).await;
    assert_eq!(a.status, 400);
    assert!(
        error(&a)
            .0
            .starts_with("Invalid value for query parameter: type.")
    );
    let a = post("/api/stacks/create/standalone/url?endpointId=1", json!({})).await;
    assert_eq!(
        error(&a).0,
        "Invalid value for query parameter: method. Value must be one of: string, repository or file"
    );
    assert!(f.stacks().is_empty());
}

#[tokio::test]
async fn a_failing_deploy_is_a_500_and_stores_nothing() {
    let f = FakePortainer::start().await;
    f.fail_deploy("web", "pull access denied for nginx");
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/standalone/string?endpointId=1",
        Some(json!({"Name": "web", "StackFileContent": COMPOSE})),
    )
    .await;
    assert_eq!(a.status, 500);
    assert_eq!(
        error(&a).0,
        "failed to deploy a stack: pull access denied for nginx"
    );
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/standalone/string?endpointId=1",
        Some(json!({"Name": "other", "StackFileContent": "services: ["})),
    )
    .await;
    assert_eq!(a.status, 500);
    assert!(
        error(&a).0.starts_with("failed to deploy a stack: yaml:"),
        "{}",
        a.text
    );
    assert!(f.stacks().is_empty());
}

#[tokio::test]
async fn file_upload_creates_from_multipart() {
    let f = FakePortainer::start().await;
    let form = reqwest::multipart::Form::new()
        .text("Name", "Uploaded")
        .text("Env", r#"[{"name":"TAG","value":"1"}]"#)
        .part(
            "file",
            reqwest::multipart::Part::text(COMPOSE).file_name("docker-compose.yml"),
        );
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/api/stacks/create/standalone/file?endpointId=1",
            f.url()
        ))
        .header("X-API-Key", f.admin_key())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let s = f.stack("uploaded").unwrap();
    assert_eq!(s.env, [("TAG".to_owned(), "1".to_owned())]);
    assert_eq!(s.file_content, COMPOSE);
    let form = reqwest::multipart::Form::new().text("Name", "nofile");
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/api/stacks/create/standalone/file?endpointId=1",
            f.url()
        ))
        .header("X-API-Key", f.admin_key())
        .multipart(form)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        v["details"],
        "Invalid Compose file. Ensure that the Compose file is uploaded correctly"
    );
}

#[tokio::test]
async fn swarm_stacks_need_a_swarm_id_and_a_swarm() {
    let f = FakePortainer::builder()
        .environment(Environment::docker_standalone(1, "local"))
        .environment(Environment::docker_swarm(2, "swarm").with_swarm_id("sw1"))
        .start()
        .await;
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/swarm/string?endpointId=2",
        Some(json!({"Name": "s", "StackFileContent": COMPOSE})),
    )
    .await;
    assert_eq!(error(&a).1, "Invalid Swarm ID");
    let body = json!({"Name": "s", "SwarmID": "sw1", "StackFileContent": COMPOSE});
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/swarm/string?endpointId=1",
        Some(body.clone()),
    )
    .await;
    assert_eq!(a.status, 500);
    assert_eq!(error(&a).0, "Unable to check for name collision");
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/swarm/string?endpointId=2",
        Some(body.clone()),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["SwarmId"], "sw1");
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/swarm/string?endpointId=2",
        Some(body),
    )
    .await;
    assert_eq!(a.status, 409);
    assert_eq!(f.stack("s").unwrap().kind, StackKind::Swarm);
}

#[tokio::test]
async fn git_stacks_clone_registered_repositories_and_refuse_a_used_webhook() {
    let f = FakePortainer::builder()
        .git_repository(
            "https://git.example.com/app.git",
            "abc123",
            [("deploy/compose.yml", COMPOSE)],
        )
        .start()
        .await;
    let body = json!({
        "Name": "gitapp",
        "RepositoryURL": "https://git.example.com/app.git/",
        "RepositoryReferenceName": "refs/heads/main",
        "ComposeFile": "deploy/compose.yml",
        "AutoUpdate": {"Webhook": "c11fdf23-183e-428a-9bb6-16db01032174"},
    });
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/standalone/repository?endpointId=1",
        Some(body.clone()),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    assert_eq!(v["GitConfig"]["URL"], "https://git.example.com/app.git");
    assert_eq!(v["GitConfig"]["ConfigHash"], "abc123");
    assert_eq!(v["EntryPoint"], "deploy/compose.yml");
    assert_eq!(f.stack("gitapp").unwrap().file_content, COMPOSE);
    let mut again = body.clone();
    again["Name"] = json!("other");
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/standalone/repository?endpointId=1",
        Some(again),
    )
    .await;
    assert_eq!(a.status, 409);
    assert_eq!(
        error(&a),
        (
            "Webhook ID: c11fdf23-183e-428a-9bb6-16db01032174 already exists".into(),
            "A webhook ID already exists".into()
        )
    );
    let mut unknown = body;
    unknown["Name"] = json!("third");
    unknown["RepositoryURL"] = json!("https://git.example.com/missing.git");
    unknown["AutoUpdate"] = json!(null);
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/standalone/repository?endpointId=1",
        Some(unknown),
    )
    .await;
    assert_eq!(a.status, 500);
    assert_eq!(
        error(&a).0,
        "unable to clone git repository: repository not found"
    );
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/standalone/repository?endpointId=1",
        Some(json!({"Name": "x", "RepositoryURL": "https://git.example.com/app.git", "AutoUpdate": {"Interval": "5"}})),
    )
    .await;
    assert_eq!(error(&a).1, "Invalid Interval format");
}

#[tokio::test]
async fn kubernetes_names_are_unique_before_2_20_only() {
    for (version, second) in [(Version::new(2, 19, 4), 409), (Version::LATEST, 200)] {
        let f = FakePortainer::builder()
            .version(version)
            .environment(Environment::kubernetes(1, "k8s"))
            .environment(Environment::docker_standalone(2, "docker"))
            .start()
            .await;
        let body =
            json!({"StackName": "App", "Namespace": "default", "StackFileContent": "kind: Pod"});
        let a = admin(
            &f,
            "POST",
            "/api/stacks/create/kubernetes/string?endpointId=1",
            Some(body.clone()),
        )
        .await;
        assert_eq!(a.status, 200, "{}", a.text);
        assert!(a.json()["Output"].is_string());
        let a = admin(
            &f,
            "POST",
            "/api/stacks/create/kubernetes/string?endpointId=1",
            Some(body.clone()),
        )
        .await;
        assert_eq!(a.status, second, "{version}: {}", a.text);
        if second == 409 {
            assert_eq!(error(&a).0, "A stack with the name 'App' already exists");
        }
        let a = admin(
            &f,
            "POST",
            "/api/stacks/create/kubernetes/string?endpointId=2",
            Some(body),
        )
        .await;
        assert_eq!(
            error(&a),
            (
                "Environment type does not match".into(),
                "Environment type does not match".into()
            )
        );
        assert_eq!(f.stacks()[0].name, "App");
    }
}

#[tokio::test]
async fn before_2_19_stacks_are_created_with_post_stacks() {
    let f = FakePortainer::builder()
        .version(Version::new(2, 14, 2))
        .start()
        .await;
    let body = json!({"Name": "Legacy", "StackFileContent": COMPOSE});
    let a = admin(
        &f,
        "POST",
        "/api/stacks?type=2&method=string&endpointId=1",
        Some(body.clone()),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["Name"], "legacy");
    let a = admin(
        &f,
        "POST",
        "/api/stacks?method=string&endpointId=1",
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        error(&a),
        (
            "Invalid query parameter: type".into(),
            "Missing query parameter".into()
        )
    );
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/standalone/string?endpointId=1",
        Some(body),
    )
    .await;
    assert_eq!(a.status, 404, "2.14.2 has no split create routes");
}

#[tokio::test]
async fn from_2_19_post_stacks_is_a_deprecated_alias_until_2_27() {
    let f = FakePortainer::builder()
        .version(Version::new(2, 19, 4))
        .start()
        .await;
    let body = json!({"Name": "alias", "StackFileContent": COMPOSE});
    let a = admin(
        &f,
        "POST",
        "/api/stacks?type=2&method=string&endpointId=1",
        Some(body.clone()),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let a = admin(
        &f,
        "POST",
        "/api/stacks?type=7&method=string&endpointId=1",
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        error(&a),
        (
            "Invalid query parameter: type".into(),
            "Invalid query parameter: type".into()
        )
    );
    let a = admin(
        &f,
        "POST",
        "/api/stacks?type=2&endpointId=1",
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        error(&a).0,
        "Invalid query parameter: method. Valid values are: file or string"
    );
    let latest = FakePortainer::start().await;
    let a = admin(
        &latest,
        "POST",
        "/api/stacks?type=2&method=string&endpointId=1",
        Some(body),
    )
    .await;
    assert_eq!(a.status, 405, "2.27 removed POST /stacks");
}

//! Containers, logs, services and tasks of deployed stacks through the
//! Docker proxy, and the switches that make a service fail.

mod common;

use common::{HEALTHY_COMPOSE, admin, create_compose};
use portainer_testkit::{Environment, FakePortainer};
use serde_json::{Value, json};

const LABEL_FILTER: &str =
    "filters=%7B%22label%22%3A%5B%22com.docker.compose.project%3Dweb%22%5D%7D";

async fn inspect(f: &FakePortainer, id: &str) -> Value {
    admin(
        f,
        "GET",
        &format!("/api/endpoints/1/docker/containers/{id}/json"),
        None,
    )
    .await
    .json()
}

async fn web_container(f: &FakePortainer) -> String {
    let list = admin(
        f,
        "GET",
        &format!("/api/endpoints/1/docker/containers/json?all=1&{LABEL_FILTER}"),
        None,
    )
    .await
    .json();
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["Labels"]["com.docker.compose.service"] == "web")
        .unwrap()["Id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn containers_go_from_created_to_running_to_healthy_over_polls() {
    let f = FakePortainer::builder()
        .container_progression(2, 4)
        .start()
        .await;
    create_compose(&f, "web", HEALTHY_COMPOSE).await;
    create_compose(&f, "other", common::COMPOSE).await;
    let list = admin(
        &f,
        "GET",
        &format!("/api/endpoints/1/docker/containers/json?all=1&{LABEL_FILTER}"),
        None,
    )
    .await
    .json();
    assert_eq!(
        list.as_array().unwrap().len(),
        2,
        "only the web project: {list}"
    );
    assert_eq!(list[0]["State"], "created");
    let id = web_container(&f).await; // second poll
    let states: Vec<(Value, Value)> = {
        let mut v = Vec::new();
        for _ in 0..3 {
            let c = inspect(&f, &id).await;
            v.push((
                c["State"]["Status"].clone(),
                c["State"]["Health"]["Status"].clone(),
            ));
        }
        v
    };
    assert_eq!(
        states,
        [
            (json!("running"), json!("starting")),
            (json!("running"), json!("starting")),
            (json!("running"), json!("healthy")),
        ]
    );
    // Only running containers without `all`.
    let db = inspect(&f, "web-db-1").await;
    assert!(
        db["State"].get("Health").is_none(),
        "no healthcheck, no Health"
    );
}

#[tokio::test]
async fn a_failing_service_exits_with_its_code_and_logs() {
    let f = FakePortainer::builder()
        .container_progression(0, 0)
        .start()
        .await;
    create_compose(&f, "web", HEALTHY_COMPOSE).await;
    f.fail_service("web", "web", 3, "panic: config missing\n");
    f.service_logs("web", "web", "starting\n");
    let id = web_container(&f).await; // seen running
    let c = inspect(&f, &id).await;
    assert_eq!(c["State"]["Status"], "exited");
    assert_eq!(c["State"]["ExitCode"], 3);
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/api/endpoints/1/docker/containers/{id}/logs?stdout=1&stderr=1",
            f.url()
        ))
        .header("X-API-Key", f.admin_key())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body = resp.bytes().await.unwrap();
    let mut expected = vec![1u8, 0, 0, 0, 0, 0, 0, 9];
    expected.extend_from_slice(b"starting\n");
    expected.extend_from_slice(&[2, 0, 0, 0, 0, 0, 0, 22]);
    expected.extend_from_slice(b"panic: config missing\n");
    assert_eq!(body.as_ref(), expected.as_slice());
    let a = admin(
        &f,
        "GET",
        &format!("/api/endpoints/1/docker/containers/{id}/logs"),
        None,
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.json()["message"],
        "Bad parameters: you must choose at least one stream"
    );
}

#[tokio::test]
async fn an_unhealthy_service_never_passes_its_healthcheck() {
    let f = FakePortainer::builder()
        .container_progression(0, 1)
        .start()
        .await;
    create_compose(&f, "web", HEALTHY_COMPOSE).await;
    f.unhealthy_service("web", "web");
    let id = web_container(&f).await;
    for _ in 0..3 {
        inspect(&f, &id).await;
    }
    let c = inspect(&f, &id).await;
    assert_eq!(c["State"]["Status"], "running");
    assert_eq!(c["State"]["Health"]["Status"], "unhealthy");
    assert!(c["State"]["Health"]["FailingStreak"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn start_stop_restart_answer_like_the_engine() {
    let f = FakePortainer::builder()
        .container_progression(0, 0)
        .start()
        .await;
    create_compose(&f, "web", common::COMPOSE).await;
    let base = "/api/endpoints/1/docker/containers/web-web-1";
    assert_eq!(
        admin(&f, "POST", &format!("{base}/start"), None)
            .await
            .status,
        304
    );
    assert_eq!(
        admin(&f, "POST", &format!("{base}/stop"), None)
            .await
            .status,
        204
    );
    assert_eq!(inspect(&f, "web-web-1").await["State"]["Status"], "exited");
    assert_eq!(
        admin(&f, "POST", &format!("{base}/stop"), None)
            .await
            .status,
        304
    );
    assert_eq!(
        admin(&f, "POST", &format!("{base}/restart"), None)
            .await
            .status,
        204
    );
    assert_eq!(inspect(&f, "web-web-1").await["RestartCount"], 1);
    let a = admin(
        &f,
        "GET",
        "/api/endpoints/1/docker/containers/nope/json",
        None,
    )
    .await;
    assert_eq!(
        (a.status, a.json()["message"].clone()),
        (404, json!("No such container: nope"))
    );
    let a = admin(&f, "GET", "/api/endpoints/1/docker/images/json", None).await;
    assert_eq!(a.status, 501);
}

#[tokio::test]
async fn swarm_stacks_have_services_and_tasks_labelled_with_their_namespace() {
    let f = FakePortainer::builder()
        .environment(Environment::docker_swarm(1, "swarm").with_swarm_id("sw1"))
        .container_progression(0, 0)
        .start()
        .await;
    assert_eq!(
        admin(&f, "GET", "/api/endpoints/1/docker/swarm", None)
            .await
            .json()["ID"],
        "sw1"
    );
    let compose = "services:\n  api:\n    image: api:1\n    deploy:\n      replicas: 2\n";
    let a = admin(
        &f,
        "POST",
        "/api/stacks/create/swarm/string?endpointId=1",
        Some(json!({"Name": "shop", "SwarmID": "sw1", "StackFileContent": compose})),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    f.fail_service("shop", "api", 1, "boom\n");
    let filter = "filters=%7B%22label%22%3A%5B%22com.docker.stack.namespace%3Dshop%22%5D%7D";
    let services = admin(
        &f,
        "GET",
        &format!("/api/endpoints/1/docker/services?{filter}"),
        None,
    )
    .await
    .json();
    assert_eq!(services.as_array().unwrap().len(), 1);
    assert_eq!(services[0]["Spec"]["Name"], "shop_api");
    assert_eq!(services[0]["Spec"]["Mode"]["Replicated"]["Replicas"], 2);
    let tasks = admin(
        &f,
        "GET",
        &format!("/api/endpoints/1/docker/tasks?{filter}"),
        None,
    )
    .await
    .json();
    assert_eq!(tasks.as_array().unwrap().len(), 2);
    assert_eq!(tasks[0]["Status"]["State"], "running");
    let tasks = admin(
        &f,
        "GET",
        &format!("/api/endpoints/1/docker/tasks?{filter}"),
        None,
    )
    .await
    .json();
    assert_eq!(tasks[0]["Status"]["State"], "failed");
    assert_eq!(tasks[0]["Status"]["ContainerStatus"]["ExitCode"], 1);
    let standalone = FakePortainer::start().await;
    let a = admin(&standalone, "GET", "/api/endpoints/1/docker/swarm", None).await;
    assert_eq!(a.status, 503);
}

//! `client.docker(id)` and `client.kubernetes(id)`: the proxied requests on
//! the wire, the engine's errors, logs, and decoding genuine Docker bodies.

mod common;

use common::{KEY, client};
use mockito::Matcher;
use portainer_sdk::docker_models::{
    ContainerCreateResponse, ContainerInspectResponse, ContainerStateStatusEnum, ContainerSummary,
    Service, SystemInfo, Task, TaskState,
};
use portainer_sdk::{Error, LogStream, Method};
use serde_json::Value;

/// A body of `tests/docker-responses` (see its SOURCES.md).
fn docker_body(name: &str) -> String {
    let path = format!(
        "{}/tests/docker-responses/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[tokio::test]
async fn container_list_goes_through_the_proxy_with_the_key_and_label_filters() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("GET", "/api/endpoints/2/docker/containers/json")
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("all".into(), "1".into()),
            Matcher::UrlEncoded(
                "filters".into(),
                r#"{"label":["com.docker.compose.project=redis","com.docker.compose.service=cache"]}"#
                    .into(),
            ),
        ]))
        .match_header("x-api-key", KEY)
        .match_header("user-agent", Matcher::Regex("^portainer-sdk-rust/".into()))
        .with_header("content-type", "application/json")
        .with_body(docker_body("containers__portainer-test-data.json"))
        .expect(1)
        .create_async()
        .await;
    let listed = client(&server)
        .docker(2)
        .containers()
        .label("com.docker.compose.project=redis")
        .label("com.docker.compose.service=cache")
        .send()
        .await
        .unwrap();
    m.assert_async().await;
    assert_eq!(listed.len(), 5);
    let labels = listed[0].labels.as_ref().unwrap();
    assert_eq!(labels["com.docker.compose.project"], "nginx");
}

#[tokio::test]
async fn the_escape_hatch_sends_any_method_path_and_query() {
    let mut server = mockito::Server::new_async().await;
    let kill = server
        .mock("POST", "/api/endpoints/2/docker/containers/web%201/kill")
        .match_query(Matcher::UrlEncoded("signal".into(), "SIGHUP".into()))
        .match_header("x-api-key", KEY)
        .with_status(204)
        .expect(1)
        .create_async()
        .await;
    let version = server
        .mock("GET", "/api/endpoints/2/docker/v1.41/version")
        .with_body(r#"{"Version":"20.10.13","ApiVersion":"1.41"}"#)
        .create_async()
        .await;
    let pods = server
        .mock(
            "GET",
            "/api/endpoints/4/kubernetes/api/v1/namespaces/default/pods",
        )
        .match_query(Matcher::UrlEncoded("limit".into(), "5".into()))
        .match_header("x-api-key", KEY)
        .with_body(r#"{"kind":"PodList","items":[]}"#)
        .create_async()
        .await;
    let c = client(&server);
    let resp = c
        .docker(2)
        .request(Method::POST, "/containers/web 1/kill?signal=SIGHUP")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let v: Value = c.docker(2).get("/v1.41/version").await.unwrap();
    assert_eq!(v["ApiVersion"], "1.41");
    let list: Value = c
        .kubernetes(4)
        .get("/api/v1/namespaces/default/pods?limit=5")
        .await
        .unwrap();
    assert_eq!(list["kind"], "PodList");
    kill.assert_async().await;
    version.assert_async().await;
    pods.assert_async().await;
    // Nothing leaves the proxy prefix.
    let err = c.docker(2).get::<Value>("/../../users").await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
}

#[tokio::test]
async fn a_redirect_to_another_host_gets_no_api_key() {
    let mut elsewhere = mockito::Server::new_async().await;
    let info = elsewhere
        .mock("GET", "/info")
        .match_header("x-api-key", Matcher::Missing)
        .with_body(docker_body("info__portainer-test-data.json"))
        .expect(1)
        .create_async()
        .await;
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/endpoints/2/docker/info")
        .match_header("x-api-key", KEY)
        .with_status(302)
        .with_header("location", &format!("{}/info", elsewhere.url()))
        .create_async()
        .await;
    let info_body: SystemInfo = client(&server).docker(2).get("/info").await.unwrap();
    info.assert_async().await;
    assert_eq!(info_body.server_version.as_deref(), Some("20.10.13"));
}

#[tokio::test]
async fn engine_errors_are_typed_with_the_engine_message() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/endpoints/2/docker/containers/nope/json")
        .with_status(404)
        .with_header("content-type", "application/json")
        .with_body("{\"message\":\"No such container: nope\"}\n")
        .create_async()
        .await;
    server
        .mock("POST", "/api/endpoints/2/docker/containers/web/restart")
        .with_status(409)
        .with_body(r#"{"message":"Container web is marked for removal and cannot be started."}"#)
        .create_async()
        .await;
    server
        .mock("GET", "/api/endpoints/2/docker/services")
        .with_status(503)
        .with_body(r#"{"message":"This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again."}"#)
        .create_async()
        .await;
    let c = client(&server);
    let docker = c.docker(2);
    let err = docker.container("nope").await.unwrap_err();
    match &err {
        Error::NotFound(api) => {
            assert_eq!(api.message.as_deref(), Some("No such container: nope"));
            assert_eq!(api.operation, Some("DockerContainerInspect"));
        }
        other => panic!("{other:?}"),
    }
    let err = docker.restart("web").await.unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert!(err.to_string().contains("marked for removal"), "{err}");
    let err = docker.services().send().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(
        err.message().unwrap().contains("not a swarm manager"),
        "{err}"
    );
}

#[tokio::test]
async fn start_and_stop_accept_not_modified() {
    let mut server = mockito::Server::new_async().await;
    let start = server
        .mock("POST", "/api/endpoints/2/docker/containers/web/start")
        .with_status(304)
        .expect(1)
        .create_async()
        .await;
    let stop = server
        .mock("POST", "/api/endpoints/2/docker/containers/web/stop")
        .with_status(204)
        .expect(1)
        .create_async()
        .await;
    let c = client(&server);
    c.docker(2).start("web").await.unwrap();
    c.docker(2).stop("web").await.unwrap();
    start.assert_async().await;
    stop.assert_async().await;
}

fn frame(stream: u8, text: &str) -> Vec<u8> {
    let mut f = vec![stream, 0, 0, 0];
    f.extend_from_slice(&(text.len() as u32).to_be_bytes());
    f.extend_from_slice(text.as_bytes());
    f
}

#[tokio::test]
async fn logs_are_split_from_the_multiplexed_stream_or_read_raw() {
    let mut server = mockito::Server::new_async().await;
    // A line cut across two frames, and stderr in between.
    let body = [
        frame(1, "listening on :80\nconnec"),
        frame(2, "warning: slow disk\n"),
        frame(1, "ted\n"),
    ]
    .concat();
    let m = server
        .mock("GET", "/api/endpoints/2/docker/containers/web/logs")
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("stdout".into(), "1".into()),
            Matcher::UrlEncoded("stderr".into(), "1".into()),
            Matcher::UrlEncoded("tail".into(), "20".into()),
        ]))
        .with_header("content-type", "application/vnd.docker.multiplexed-stream")
        .with_body(body)
        .create_async()
        .await;
    server
        .mock("GET", "/api/endpoints/2/docker/containers/tty/logs")
        .match_query(Matcher::Any)
        .with_header("content-type", "application/vnd.docker.raw-stream")
        .with_body("$ echo hi\r\nhi\r\n")
        .create_async()
        .await;
    let c = client(&server);
    let lines = c.docker(2).logs("web").tail(20).send().await.unwrap();
    m.assert_async().await;
    let got: Vec<(LogStream, &str)> = lines.iter().map(|l| (l.stream, l.text.as_str())).collect();
    assert_eq!(
        got,
        [
            (LogStream::Stdout, "listening on :80"),
            (LogStream::Stderr, "warning: slow disk"),
            (LogStream::Stdout, "connected"),
        ]
    );
    let tty = c.docker(2).logs("tty").send().await.unwrap();
    let got: Vec<(LogStream, &str)> = tty.iter().map(|l| (l.stream, l.text.as_str())).collect();
    assert_eq!(got, [(LogStream::Tty, "$ echo hi"), (LogStream::Tty, "hi")]);
}

#[test]
fn genuine_container_lists_decode() {
    let portainer: Vec<ContainerSummary> =
        serde_json::from_str(&docker_body("containers__portainer-test-data.json")).unwrap();
    assert_eq!(portainer.len(), 5);
    assert!(
        portainer
            .iter()
            .all(|c| c.id.is_some() && c.state.is_some())
    );
    let watchtower: Vec<ContainerSummary> =
        serde_json::from_str(&docker_body("containers__watchtower.json")).unwrap();
    let states: Vec<String> = watchtower
        .iter()
        .map(|c| c.state.map(|s| s.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(states, ["exited", "running", "running", "restarting"]);
    assert_eq!(
        watchtower[1].names.as_deref(),
        Some(&["/watchtower-running".to_owned()][..])
    );
}

#[test]
fn genuine_container_inspects_decode() {
    let running: ContainerInspectResponse =
        serde_json::from_str(&docker_body("container_running__watchtower.json")).unwrap();
    let state = running.state.unwrap();
    assert_eq!(state.status, Some(ContainerStateStatusEnum::RUNNING));
    let restarting: ContainerInspectResponse =
        serde_json::from_str(&docker_body("container_restarting__watchtower.json")).unwrap();
    let state = restarting.state.unwrap();
    assert_eq!((state.restarting, state.exit_code), (Some(true), Some(1)));
    assert_eq!(restarting.config.unwrap().tty, Some(false));
    let stopped: ContainerInspectResponse =
        serde_json::from_str(&docker_body("container_stopped__watchtower.json")).unwrap();
    assert_eq!(
        stopped.state.unwrap().status,
        Some(ContainerStateStatusEnum::EXITED)
    );
}

#[test]
fn genuine_swarm_and_info_bodies_decode() {
    let tasks: Vec<Task> =
        serde_json::from_str(&docker_body("task_list__docker-api-docs-v1.39.json")).unwrap();
    let states: Vec<_> = tasks
        .iter()
        .map(|t| (t.status.as_ref().unwrap().state, t.desired_state))
        .collect();
    assert_eq!(
        states,
        [
            (Some(TaskState::RUNNING), Some(TaskState::RUNNING)),
            (Some(TaskState::SHUTDOWN), Some(TaskState::SHUTDOWN)),
        ]
    );
    let services: Vec<Service> =
        serde_json::from_str(&docker_body("service_list__docker-api-docs-v1.39.json")).unwrap();
    let replicas = services[0].spec.as_ref().unwrap().mode.as_ref().unwrap();
    assert_eq!(replicas.replicated.as_ref().unwrap().replicas, Some(1));
    let info: SystemInfo =
        serde_json::from_str(&docker_body("info__portainer-test-data.json")).unwrap();
    assert_eq!(info.swarm.unwrap().control_available, Some(false));
}

#[test]
fn the_portainer_docs_proxy_body_decodes() {
    let created: ContainerCreateResponse = serde_json::from_str(&common::response(
        "docker_proxy_container_create__portainer-docs-examples.json",
    ))
    .unwrap();
    assert!(created.id.starts_with("5fc2a93d"));
    assert!(created.warnings.is_empty());
}

#[tokio::test]
async fn an_empty_or_null_list_is_empty() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/endpoints/2/docker/tasks")
        .match_query(Matcher::Any)
        .with_body("null")
        .create_async()
        .await;
    let tasks = client(&server).docker(2).tasks().send().await.unwrap();
    assert!(tasks.is_empty());
}

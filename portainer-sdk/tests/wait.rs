//! `stacks().wait(id)`: polling a compose stack's containers until they run
//! and are healthy, failing fast on a crash, timing out with each state.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{client, stack_json};
use mockito::Matcher;
use portainer_sdk::Error;
use serde_json::{Value, json};

const CONTAINERS: &str = "/api/endpoints/2/docker/containers/json";
const INSPECT: &str = "/api/endpoints/2/docker/containers/c1/json";

/// Collects what a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A subscriber for this test's thread. Every test here sets one: tracing
/// caches whether a call site is enabled across threads, and a test without
/// a subscriber could disable the events for the one that reads them.
fn capture() -> (Buf, tracing::subscriber::DefaultGuard) {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (buf, tracing::subscriber::set_default(subscriber))
}

/// `GET /containers/{id}/json` of the stack's one container, in `status`,
/// with a healthcheck in `health` when given.
fn inspect(status: &str, exit_code: i64, health: Option<&str>) -> String {
    let mut state = json!({"Status": status, "Running": status == "running", "Paused": false,
        "Restarting": false, "OOMKilled": false, "Dead": false, "Pid": 0,
        "ExitCode": exit_code, "Error": "", "StartedAt": "2024-06-10T08:00:01.5Z",
        "FinishedAt": "0001-01-01T00:00:00Z"});
    if let Some(h) = health {
        state["Health"] = json!({"Status": h, "FailingStreak": 0, "Log": []});
    }
    json!({"Id": "c1", "Name": "/web-web-1", "RestartCount": 0, "State": state,
        "HostConfig": {"RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}},
        "Config": {"Tty": false, "Image": "nginx:1.27", "Labels": {
            "com.docker.compose.project": "web", "com.docker.compose.service": "web"}}})
    .to_string()
}

/// The stack (a compose stack of environment 2) and its container list.
async fn stack_and_list(server: &mut mockito::ServerGuard) -> mockito::Mock {
    server
        .mock("GET", "/api/stacks/61")
        .with_body(stack_json(61, "web", 2, json!([])))
        .create_async()
        .await;
    server
        .mock("GET", CONTAINERS)
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("all".into(), "1".into()),
            Matcher::UrlEncoded(
                "filters".into(),
                r#"{"label":["com.docker.compose.project=web"]}"#.into(),
            ),
        ]))
        .with_body(
            json!([{"Id": "c1", "Names": ["/web-web-1"], "Image": "nginx:1.27",
                    "State": "running", "Status": "Up 1 second",
                    "Labels": {"com.docker.compose.project": "web",
                               "com.docker.compose.service": "web"}}])
            .to_string(),
        )
        .create_async()
        .await
}

/// Mocks that answer the inspect call with `bodies`, one each, in order.
async fn inspect_sequence(
    server: &mut mockito::ServerGuard,
    bodies: &[String],
) -> Vec<mockito::Mock> {
    let mut mocks = Vec::new();
    for b in bodies {
        mocks.push(
            server
                .mock("GET", INSPECT)
                .with_body(b)
                .expect(1)
                .create_async()
                .await,
        );
    }
    mocks
}

#[tokio::test]
async fn wait_returns_once_the_container_went_created_running_healthy_and_stayed() {
    let (buf, _guard) = capture();
    let mut server = mockito::Server::new_async().await;
    stack_and_list(&mut server).await;
    let steps = inspect_sequence(
        &mut server,
        &[
            inspect("created", 0, Some("starting")),
            inspect("running", 0, Some("starting")),
            inspect("running", 0, Some("healthy")),
            inspect("running", 0, Some("healthy")),
        ],
    )
    .await;
    let services = client(&server)
        .stacks()
        .wait(61)
        .poll_interval(Duration::ZERO)
        .send()
        .await
        .unwrap();
    for s in steps {
        s.assert_async().await;
    }
    assert_eq!(services.len(), 1);
    assert_eq!(services[0].service, "web");
    assert!(services[0].ready);
    assert_eq!(services[0].state, "web-web-1: running (healthy)");
    // One progress event per change of state, not per look.
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    let events: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("stack service"))
        .collect();
    assert_eq!(events.len(), 3, "{out}");
    assert!(
        events[0].contains("state=web-web-1: created (health: starting)"),
        "{out}"
    );
    assert!(events[2].contains("ready=true"), "{out}");
}

#[tokio::test]
async fn wait_fails_fast_on_a_container_that_exits_1_with_its_last_logs() {
    let (_buf, _guard) = capture();
    let mut server = mockito::Server::new_async().await;
    stack_and_list(&mut server).await;
    inspect_sequence(
        &mut server,
        &[inspect("created", 0, None), inspect("exited", 1, None)],
    )
    .await;
    let mut logs = Vec::new();
    for i in 6..=25 {
        let line = format!("line {i}\n");
        logs.extend_from_slice(&[2, 0, 0, 0]);
        logs.extend_from_slice(&(line.len() as u32).to_be_bytes());
        logs.extend_from_slice(line.as_bytes());
    }
    let logs_mock = server
        .mock("GET", "/api/endpoints/2/docker/containers/c1/logs")
        .match_query(Matcher::UrlEncoded("tail".into(), "20".into()))
        .with_body(logs)
        .expect(1)
        .create_async()
        .await;
    let err = client(&server)
        .stacks()
        .wait(61)
        .poll_interval(Duration::ZERO)
        .timeout(Duration::from_secs(3600))
        .send()
        .await
        .unwrap_err();
    logs_mock.assert_async().await;
    match &err {
        Error::ContainerFailed(f) => {
            assert_eq!((f.stack.as_str(), f.service.as_str()), ("web", "web"));
            assert_eq!(f.container, "web-web-1");
            assert_eq!((f.reason.as_str(), f.exit_code), ("exited", 1));
            assert_eq!(f.logs.len(), 20);
            assert_eq!(f.logs.last().map(String::as_str), Some("line 25"));
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("web-web-1") && text.contains("exit code 1"),
        "{text}"
    );
    assert!(text.contains("line 25"), "{text}");
}

#[tokio::test]
async fn wait_times_out_with_each_service_state() {
    let (_buf, _guard) = capture();
    let mut server = mockito::Server::new_async().await;
    stack_and_list(&mut server).await;
    server
        .mock("GET", INSPECT)
        .with_body(inspect("running", 0, Some("unhealthy")))
        .create_async()
        .await;
    let err = client(&server)
        .stacks()
        .wait(61)
        .timeout(Duration::ZERO)
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::WaitTimedOut {
            stack,
            timeout,
            services,
        } => {
            assert_eq!(stack, "web");
            assert_eq!(*timeout, Duration::ZERO);
            assert_eq!(services.len(), 1);
            assert!(!services[0].ready);
            assert_eq!(services[0].state, "web-web-1: running (unhealthy)");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .contains("web: web-web-1: running (unhealthy)"),
        "{err}"
    );
}

#[tokio::test]
async fn kubernetes_stacks_are_refused() {
    let (_buf, _guard) = capture();
    let mut server = mockito::Server::new_async().await;
    let mut stack: Value = serde_json::from_str(&stack_json(8, "app", 4, json!([]))).unwrap();
    stack["Type"] = json!(3);
    server
        .mock("GET", "/api/stacks/8")
        .with_body(stack.to_string())
        .create_async()
        .await;
    let err = client(&server).stacks().wait(8).send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
}

//! Injected faults: delay, dropped connections, server errors.

mod common;

use std::time::{Duration, Instant};

use common::{COMPOSE, admin};
use portainer_testkit::{FakePortainer, Fault};
use serde_json::json;

fn create_body() -> serde_json::Value {
    json!({"Name": "web", "StackFileContent": COMPOSE})
}

async fn post_create(f: &FakePortainer) -> Result<reqwest::Response, reqwest::Error> {
    reqwest::Client::new()
        .post(format!(
            "{}/api/stacks/create/standalone/string?endpointId=1",
            f.url()
        ))
        .header("X-API-Key", f.admin_key())
        .json(&create_body())
        .send()
        .await
}

#[tokio::test]
async fn a_delay_holds_the_answer_back() {
    let f = FakePortainer::start().await;
    f.inject(Fault::delay(Duration::from_millis(300)).on("GET", "/api/stacks"));
    let t = Instant::now();
    assert_eq!(admin(&f, "GET", "/api/stacks", None).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    let t = Instant::now();
    admin(&f, "GET", "/api/system/status", None).await;
    assert!(
        t.elapsed() < Duration::from_millis(300),
        "other routes are not delayed"
    );
}

#[tokio::test]
async fn a_dropped_connection_leaves_the_outcome_unknown_and_nothing_done() {
    let f = FakePortainer::start().await;
    f.inject(
        Fault::drop_connection()
            .on("POST", "/api/stacks/create/{type}/{method}")
            .times(1),
    );
    let err = post_create(&f)
        .await
        .expect_err("the connection is closed without an answer");
    assert!(!err.is_status());
    assert!(f.stacks().is_empty());
    let last = f.requests().pop().unwrap();
    assert_eq!((last.method.as_str(), last.status), ("POST", None));
    assert_eq!(post_create(&f).await.unwrap().status(), 200, "only once");
}

#[tokio::test]
async fn a_drop_after_handling_makes_the_change_but_loses_the_answer() {
    let f = FakePortainer::start().await;
    f.inject(
        Fault::drop_after_handling()
            .on("POST", "/api/stacks/create/standalone/string")
            .times(1),
    );
    assert!(post_create(&f).await.is_err());
    assert_eq!(f.stacks().len(), 1, "the stack was created");
    assert_eq!(post_create(&f).await.unwrap().status(), 409);
}

#[tokio::test]
async fn server_errors_n_times_then_the_real_answer() {
    let f = FakePortainer::start().await;
    f.inject(Fault::status(503).on("GET", "/api/stacks").times(2));
    assert_eq!(admin(&f, "GET", "/api/stacks", None).await.status, 503);
    let a = admin(&f, "GET", "/api/stacks", None).await;
    assert_eq!(a.status, 503);
    assert!(a.text.contains("injected"));
    assert_eq!(admin(&f, "GET", "/api/stacks", None).await.status, 200);
    f.inject(Fault::status(502).on("*", "*"));
    assert_eq!(
        admin(&f, "GET", "/api/system/status", None).await.status,
        502
    );
    f.clear_faults();
    assert_eq!(
        admin(&f, "GET", "/api/system/status", None).await.status,
        200
    );
}

#[tokio::test]
async fn the_sdk_sees_a_dropped_connection_as_a_transport_error() {
    let f = FakePortainer::start().await;
    f.inject(Fault::drop_connection().on("GET", "/api/system/status"));
    let err = f.client().server_version().await.expect_err("no answer");
    assert!(
        matches!(err, portainer_sdk::Error::Transport { .. }),
        "{err:?}"
    );
}

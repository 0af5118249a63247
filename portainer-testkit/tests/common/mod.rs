//! Helpers for the testkit's own tests: plain HTTP on the wire.
#![allow(dead_code)]

use portainer_testkit::FakePortainer;
use serde_json::Value;

pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }
}

pub async fn call(
    fake: &FakePortainer,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let http = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = http.request(method, format!("{}{path}", fake.url()));
    if let Some(k) = key {
        req = req.header("X-API-Key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("the fake answers");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    Answer {
        status,
        headers,
        text,
    }
}

pub async fn admin(fake: &FakePortainer, method: &str, path: &str, body: Option<Value>) -> Answer {
    call(fake, method, path, Some(fake.admin_key()), body).await
}

pub const COMPOSE: &str = "services:\n  web:\n    image: nginx:1.27\n";

pub const HEALTHY_COMPOSE: &str = "services:\n  web:\n    image: nginx:1.27\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n  db:\n    image: postgres:16\n";

/// Creates a Compose stack from text on environment 1 and returns its JSON.
pub async fn create_compose(fake: &FakePortainer, name: &str, content: &str) -> Value {
    let a = admin(
        fake,
        "POST",
        "/api/stacks/create/standalone/string?endpointId=1",
        Some(serde_json::json!({"Name": name, "StackFileContent": content})),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.json()
}

/// The `{"message", "details"}` of an error body.
pub fn error(a: &Answer) -> (String, String) {
    let v = a.json();
    (
        v["message"].as_str().unwrap_or_default().to_owned(),
        v["details"].as_str().unwrap_or_default().to_owned(),
    )
}

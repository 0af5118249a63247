//! Redirects, retries and timeouts over real sockets on 127.0.0.1.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{KEY, client, fast_retries, response};
use mockito::Matcher;
use portainer_sdk::{Client, Error, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn redirect_to_another_port_drops_the_key() {
    let mut other = mockito::Server::new_async().await;
    let foreign = other
        .mock("GET", "/elsewhere/stacks/61")
        .match_header("x-api-key", Matcher::Missing)
        .match_header("authorization", Matcher::Missing)
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    let mut home = mockito::Server::new_async().await;
    home.mock("GET", "/api/stacks/61")
        .match_header("x-api-key", KEY)
        .with_status(302)
        .with_header("location", &format!("{}/elsewhere/stacks/61", other.url()))
        .create_async()
        .await;
    let s = client(&home).stacks().get(61).await.unwrap();
    assert_eq!(s.id, Some(61));
    foreign.assert_async().await;
}

#[tokio::test]
async fn redirect_on_the_same_host_keeps_the_key() {
    let mut home = mockito::Server::new_async().await;
    home.mock("GET", "/api/stacks/61")
        .with_status(301)
        .with_header("location", "/api/v2/stacks/61")
        .create_async()
        .await;
    let kept = home
        .mock("GET", "/api/v2/stacks/61")
        .match_header("x-api-key", KEY)
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    client(&home).stacks().get(61).await.unwrap();
    kept.assert_async().await;
}

#[tokio::test]
async fn redirect_loops_are_bounded() {
    let mut home = mockito::Server::new_async().await;
    let lp = home
        .mock("GET", "/api/stacks/1")
        .with_status(302)
        .with_header("location", "/api/stacks/1")
        .expect(4) // the request and max_redirects(3) hops
        .create_async()
        .await;
    let c = Client::builder(home.url())
        .api_key(KEY)
        .max_redirects(3)
        .build()
        .unwrap();
    let e = c.stacks().get(1).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: portainer_sdk::TransportKind::Redirect,
                ..
            }
        ),
        "{e:?}"
    );
    lp.assert_async().await;
}

#[tokio::test]
async fn get_is_retried_after_503() {
    let mut server = mockito::Server::new_async().await;
    let busy = server
        .mock("GET", "/api/stacks/61")
        .with_status(503)
        .with_body("Service Unavailable")
        .expect(2)
        .create_async()
        .await;
    let c = client(&server);
    // The third attempt finds the stack: mockito serves mocks in creation
    // order until a mock's expected count is reached.
    let ok = server
        .mock("GET", "/api/stacks/61")
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    let s = c.stacks().get(61).await.unwrap();
    assert_eq!(s.id, Some(61));
    busy.assert_async().await;
    ok.assert_async().await;
}

#[tokio::test]
async fn get_gives_up_after_max_retries() {
    let mut server = mockito::Server::new_async().await;
    let busy = server
        .mock("GET", "/api/stacks/61")
        .with_status(502)
        .expect(3)
        .create_async()
        .await;
    let c = Client::builder(server.url())
        .retry(fast_retries().max_retries(2))
        .build()
        .unwrap();
    let e = c.stacks().get(61).await.unwrap_err();
    assert_eq!(e.status(), Some(502));
    busy.assert_async().await;
}

#[tokio::test]
async fn post_is_not_retried_after_503() {
    let mut server = mockito::Server::new_async().await;
    common::mock_version(&mut server, "2.44.0").await;
    let create = server
        .mock("POST", "/api/stacks/create/standalone/string")
        .match_query(Matcher::Any)
        .with_status(503)
        .expect(1)
        .create_async()
        .await;
    let e = client(&server)
        .stacks()
        .create_compose(2, "web")
        .content("services: {}\n")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(503));
    create.assert_async().await;
}

#[tokio::test]
async fn post_is_retried_when_the_caller_opts_in() {
    let mut server = mockito::Server::new_async().await;
    let busy = server
        .mock("PUT", "/api/settings")
        .with_status(503)
        .expect(1)
        .create_async()
        .await;
    let ok = server
        .mock("PUT", "/api/settings")
        .with_status(200)
        .with_body("{}")
        .create_async()
        .await;
    let c = Client::builder(server.url())
        .retry(fast_retries().retry_non_idempotent(true))
        .build()
        .unwrap();
    c.settings()
        .update(portainer_sdk::models::SettingsUpdatePayload {
            logo_url: Some(Default::default()),
            ..Default::default()
        })
        .await
        .unwrap();
    busy.assert_async().await;
    ok.assert_async().await;
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let mut server = mockito::Server::new_async().await;
    let busy = server
        .mock("GET", "/api/stacks/61")
        .with_status(503)
        .expect(1)
        .create_async()
        .await;
    let c = Client::builder(server.url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(c.stacks().get(61).await.unwrap_err().status(), Some(503));
    busy.assert_async().await;
}

#[tokio::test]
async fn retry_after_is_honoured_and_capped() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/api/stacks/61")
        .with_status(429)
        .with_header("retry-after", "1")
        .expect(1)
        .create_async()
        .await;
    let ok = server
        .mock("GET", "/api/stacks/61")
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    let c = client(&server);
    let started = Instant::now();
    c.stacks().get(61).await.unwrap();
    // The backoff alone would be a few milliseconds; the server asked for a second.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    limited.assert_async().await;
    ok.assert_async().await;

    // A Retry-After beyond max_retry_after returns the 429 at once.
    let mut server = mockito::Server::new_async().await;
    let long = server
        .mock("GET", "/api/stacks/61")
        .with_status(429)
        .with_header("retry-after", "3600")
        .expect(1)
        .create_async()
        .await;
    let e = client(&server).stacks().get(61).await.unwrap_err();
    assert_eq!(e.status(), Some(429));
    long.assert_async().await;
}

/// A server that accepts connections, reads the request, and closes without
/// answering: the request may have been processed, the response is lost.
async fn hang_up_server() -> (String, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            drop(sock);
        }
    });
    (url, count, task)
}

#[tokio::test]
async fn broken_connection_is_retried_for_get_only() {
    let (url, count, task) = hang_up_server().await;
    let c = Client::builder(&url)
        .retry(fast_retries().max_retries(2))
        .build()
        .unwrap();
    let e = c.stacks().get(1).await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert_eq!(count.load(Ordering::SeqCst), 3);

    count.store(0, Ordering::SeqCst);
    let e = c
        .settings()
        .update(portainer_sdk::models::SettingsUpdatePayload {
            logo_url: Some(Default::default()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "a PUT whose response was lost must not be resent"
    );
    task.abort();
}

/// A server that accepts and reads but never answers.
async fn silent_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            held.push(sock);
        }
    });
    (url, task)
}

#[tokio::test]
async fn total_timeout_applies() {
    let (url, task) = silent_server().await;
    let c = Client::builder(&url)
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let e = c.stacks().get(1).await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert!(matches!(
        e,
        Error::Transport {
            kind: portainer_sdk::TransportKind::Timeout,
            ..
        }
    ));
    assert!(started.elapsed() < Duration::from_secs(5));
    task.abort();
}

#[tokio::test]
async fn deploys_get_the_deploy_timeout_and_a_per_call_override() {
    let (url, task) = silent_server().await;
    let c = Client::builder(&url)
        .timeout(Duration::from_millis(100))
        .deploy_timeout(Duration::from_secs(3600))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    // An ordinary call times out after 100 ms...
    assert!(c.stacks().get(1).await.unwrap_err().is_timeout());
    // ...and a deploy with a per-call override after its own 200 ms, not the
    // hour configured for deploys or ordinary calls.
    let started = Instant::now();
    let mut home = mockito::Server::new_async().await;
    home.mock("GET", "/api/stacks/5")
        .with_status(200)
        .with_body(common::stack_json(5, "web", 2, serde_json::json!([])))
        .create_async()
        .await;
    home.mock("GET", "/api/stacks/5/file")
        .with_status(200)
        .with_body(r#"{"StackFileContent":"a: 1\n"}"#)
        .create_async()
        .await;
    // PUT goes to a server that never answers, via a redirect to it.
    home.mock("PUT", "/api/stacks/5")
        .match_query(Matcher::Any)
        .with_status(307)
        .with_header("location", &format!("{url}/api/stacks/5?endpointId=2"))
        .create_async()
        .await;
    let c = Client::builder(home.url())
        .timeout(Duration::from_secs(3600))
        .deploy_timeout(Duration::from_secs(3600))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = c
        .stacks()
        .update(5)
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    task.abort();
}

#[tokio::test]
async fn a_raw_write_through_hyper_never_sees_the_key_in_debug() {
    // Requests carry the key marked sensitive, so a Debug of the header map hides it.
    let mut header = reqwest::header::HeaderValue::from_static(KEY);
    header.set_sensitive(true);
    assert!(!format!("{header:?}").contains(KEY));
    // And a full request/response over a raw socket shows the header on the wire only.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 8192];
        let n = sock.read(&mut buf).await.unwrap();
        let req = String::from_utf8_lossy(&buf[..n]).to_string();
        let body = r#"{"message":"nope"}"#;
        let resp = format!(
            "HTTP/1.1 500 Internal Server Error\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        sock.write_all(resp.as_bytes()).await.unwrap();
        req
    });
    let c = Client::builder(&url)
        .api_key(KEY)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = c.stacks().get(3).await.unwrap_err();
    let wire = task.await.unwrap();
    assert!(
        wire.to_ascii_lowercase()
            .contains(&format!("x-api-key: {}", KEY.to_ascii_lowercase())),
        "{wire}"
    );
    assert!(!format!("{e} {e:?}").contains(KEY));
}

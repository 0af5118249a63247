//! Every error variant, from real HTTP exchanges.

mod common;

use common::{KEY, client, response};
use portainer_sdk::{Client, Error, RetryPolicy, TransportKind};

async fn get_with(status: usize, body: &str, content_type: &str) -> Error {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks/1")
        .with_status(status)
        .with_header("content-type", content_type)
        .with_body(body)
        .create_async()
        .await;
    let c = Client::builder(server.url())
        .api_key(KEY)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    c.stacks().get(1).await.unwrap_err()
}

#[tokio::test]
async fn status_401_is_unauthorized() {
    let e = get_with(
        401,
        r#"{"message":"Unauthorized","details":"A valid authorisation token is missing"}"#,
        "application/json",
    )
    .await;
    assert!(matches!(e, Error::Unauthorized(_)), "{e:?}");
    assert_eq!(e.status(), Some(401));
    assert_eq!(e.message(), Some("Unauthorized"));
    assert_eq!(e.details(), Some("A valid authorisation token is missing"));
    assert!(!format!("{e} {e:?}").contains(KEY));
}

#[tokio::test]
async fn genuine_403_is_forbidden_with_message_and_details() {
    let e = get_with(
        403,
        &response("error_403_access_denied__portainer-docs-access.json"),
        "application/json",
    )
    .await;
    assert!(matches!(e, Error::Forbidden(_)), "{e:?}");
    assert_eq!(e.message(), Some("Access denied"));
    assert_eq!(e.details(), Some("Unauthorized"));
    let text = e.to_string();
    assert!(
        text.contains("StackInspect") && text.contains("403") && text.contains("Access denied"),
        "{text}"
    );
}

#[tokio::test]
async fn status_404_is_not_found_without_details() {
    let e = get_with(
        404,
        r#"{"message":"Unable to find a stack with the specified identifier inside the database"}"#,
        "application/json",
    )
    .await;
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    assert!(e.message().unwrap().starts_with("Unable to find a stack"));
    assert_eq!(e.details(), None);
}

#[tokio::test]
async fn status_409_is_conflict() {
    let e = get_with(409, r#"{"message":"A stack with the normalized name 'web' already exists","details":"conflict"}"#, "application/json").await;
    assert!(matches!(e, Error::Conflict(_)), "{e:?}");
    assert_eq!(e.status(), Some(409));
}

#[tokio::test]
async fn other_statuses_are_api_errors_and_1x_err_is_read() {
    let e = get_with(
        500,
        r#"{"err":"Unable to connect to the Docker daemon"}"#,
        "application/json",
    )
    .await;
    assert!(matches!(e, Error::Api(_)), "{e:?}");
    assert_eq!(e.message(), Some("Unable to connect to the Docker daemon"));
    assert_eq!(e.details(), None);
    let e = get_with(400, r#"{"message":"Invalid request payload","details":"Invalid stack identifier route variable"}"#, "application/json").await;
    assert_eq!(e.status(), Some(400));
    assert!(
        e.to_string()
            .contains("Invalid stack identifier route variable"),
        "{e}"
    );
}

#[tokio::test]
async fn html_from_a_proxy_keeps_a_bounded_snippet() {
    let html = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "x".repeat(5000)
    );
    let e = get_with(502, &html, "text/html").await;
    let api = e.api_error().expect("api error");
    let snippet = api.body_snippet.as_deref().unwrap();
    assert!(snippet.contains("502 Bad Gateway"));
    assert!(snippet.len() < 600, "{}", snippet.len());
    assert_eq!(e.message(), None);
    assert!(e.to_string().contains("502 Bad Gateway"));
}

#[tokio::test]
async fn a_bad_success_body_is_a_decode_error_with_snippet() {
    let e = get_with(200, "<html>login page</html>", "text/html").await;
    match &e {
        Error::Decode {
            status,
            operation,
            snippet,
            ..
        } => {
            assert_eq!((*status, *operation), (200, "StackInspect"));
            assert_eq!(snippet, "<html>login page</html>");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.status(), Some(200));
}

#[tokio::test]
async fn connection_refused_is_a_connect_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = Client::builder(format!("http://{addr}"))
        .api_key(KEY)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = c.stacks().get(1).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportKind::Connect,
                operation: Some("StackInspect"),
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.status(), None);
    assert!(!format!("{e} {e:?}").contains(KEY));
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let mut server = mockito::Server::new_async().await;
    let any = server
        .mock("PUT", mockito::Matcher::Any)
        .expect(0)
        .create_async()
        .await;
    let c = client(&server);
    let e = c
        .settings()
        .update(portainer_sdk::models::SettingsUpdatePayload::default())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    assert!(e.message().is_some());
    any.assert_async().await;
}

#[tokio::test]
async fn a_blank_error_body_has_no_snippet_but_a_form_feed_is_kept() {
    let blank = get_with(502, " \r\n\t", "text/plain").await;
    assert_eq!(blank.api_error().unwrap().body_snippet, None);
    let form_feed = get_with(502, "\x0c", "text/plain").await;
    let snippet = form_feed.api_error().unwrap().body_snippet.clone();
    assert_eq!(snippet.as_deref(), Some("\\u{c}"));
}

#[tokio::test]
async fn an_error_snippet_is_bounded_and_utf8_safe() {
    // 512 bytes is the snippet limit.
    let e = get_with(502, &"é".repeat(512), "text/plain").await;
    let s = e.api_error().unwrap().body_snippet.clone().unwrap();
    assert!(s.len() <= 512 + 3, "{}", s.len());
    assert!(s.ends_with('…'));
    assert!(!s.contains('\u{FFFD}'));
}

/// A server (here Docker through Portainer's proxy, whose error bodies the
/// SDK reads itself) that echoes the credential in its error bodies.
async fn echo_error(key: &str, status: usize, body: &str) -> Error {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/endpoints/1/docker/info")
        .with_status(status)
        .with_body(body)
        .create_async()
        .await;
    let c = Client::builder(server.url())
        .api_key(key)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let r: Result<serde_json::Value, Error> = c.docker(1).get("/info").await;
    r.unwrap_err()
}

#[tokio::test]
async fn echoed_secrets_are_scrubbed_even_when_cut() {
    let key = "ptr_0123456789abcdef";
    let body = format!(r#"{{"message":"bad key {key}","details":"x-api-key: {key}"}}"#);
    let e = echo_error(key, 401, &body).await;
    assert_eq!(e.message(), Some("bad key ***"));
    assert_eq!(e.details(), Some("x-api-key: ***"));
    // An HTML page that the 512-byte snippet limit would cut in the middle
    // of the key: the body is scrubbed as it is read, before the cut.
    let page = format!("{}{key}", "x".repeat(512 - 8));
    let e = echo_error(key, 502, &page).await;
    let s = e.api_error().unwrap().body_snippet.clone().unwrap();
    assert!(s.ends_with("x***"), "{s}");
    assert!(!s.contains("ptr_0123"), "{s}");
    // Short secrets are left alone rather than garbling messages.
    let e = echo_error("abc", 500, r#"{"message":"abc"}"#).await;
    assert_eq!(e.message(), Some("abc"));
}

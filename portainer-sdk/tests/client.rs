//! Client construction, authentication, version and the raw client, over real HTTP.

mod common;

use common::{KEY, client, response};
use mockito::Matcher;
use portainer_sdk::{Client, ClientBuilder, Error};

#[tokio::test]
async fn api_key_goes_in_x_api_key_on_every_request() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("GET", "/api/stacks/61")
        .match_header("x-api-key", KEY)
        .match_header("authorization", Matcher::Missing)
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .expect(2)
        .create_async()
        .await;
    let c = client(&server);
    c.stacks().get(61).await.unwrap();
    c.stacks().get(61).await.unwrap();
    m.assert_async().await;
}

#[test]
fn base_url_rules() {
    let ok = |s: &str| Client::builder(s).build().unwrap().base_url().to_string();
    for (typed, base) in [
        (
            "https://p.example.com:9443",
            "https://p.example.com:9443/api",
        ),
        (
            "https://p.example.com:9443/",
            "https://p.example.com:9443/api",
        ),
        ("https://p.example.com/api", "https://p.example.com/api"),
        ("https://p.example.com/api/", "https://p.example.com/api"),
        (
            "https://p.example.com/portainer",
            "https://p.example.com/portainer/api",
        ),
        (
            "http://10.0.0.1:9000/a/b/?x=1#f",
            "http://10.0.0.1:9000/a/b/api",
        ),
    ] {
        assert_eq!(ok(typed), base, "{typed}");
    }
    for bad in [
        "p.example.com:9443",
        "ftp://p.example.com",
        "https://admin:pw@p.example.com",
    ] {
        assert!(Client::builder(bad).build().is_err(), "{bad}");
    }
}

#[tokio::test]
async fn base_url_prefix_is_kept_and_api_appended() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("GET", "/portainer/api/stacks/61")
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    let c = Client::builder(format!("{}/portainer/", server.url()))
        .api_key(KEY)
        .build()
        .unwrap();
    assert_eq!(c.base_url().path(), "/portainer/api");
    c.stacks().get(61).await.unwrap();
    m.assert_async().await;

    let c = Client::builder(format!("{}/api", server.url()))
        .build()
        .unwrap();
    assert_eq!(c.base_url().path(), "/api");
}

#[tokio::test]
async fn jwt_goes_in_authorization_bearer() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("GET", "/api/stacks/61")
        .match_header("authorization", "Bearer tok.en.value")
        .match_header("x-api-key", Matcher::Missing)
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    let c = Client::builder(server.url())
        .jwt("tok.en.value")
        .build()
        .unwrap();
    c.stacks().get(61).await.unwrap();
    m.assert_async().await;
}

#[tokio::test]
async fn login_posts_credentials_then_uses_the_jwt() {
    let mut server = mockito::Server::new_async().await;
    let body = response("auth__portainer-docs-examples.json");
    let jwt: serde_json::Value = serde_json::from_str(&body).unwrap();
    let jwt = jwt["jwt"].as_str().unwrap().to_owned();
    let auth = server
        .mock("POST", "/api/auth")
        .match_header("content-type", "application/json")
        .match_header("authorization", Matcher::Missing)
        .match_body(Matcher::Json(
            serde_json::json!({"username": "admin", "password": "s3cret-pw"}),
        ))
        .with_status(200)
        .with_body(body)
        .create_async()
        .await;
    let after = server
        .mock("GET", "/api/stacks/61")
        .match_header("authorization", format!("Bearer {jwt}").as_str())
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    let c = Client::builder(server.url()).build().unwrap();
    c.login("admin", "s3cret-pw").await.unwrap();
    c.stacks().get(61).await.unwrap();
    auth.assert_async().await;
    after.assert_async().await;
    assert!(!format!("{c:?}").contains(&jwt));
}

#[tokio::test]
async fn login_failure_is_an_api_error_without_the_password() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("POST", "/api/auth")
        .with_status(422)
        .with_body(r#"{"message":"Invalid credentials","details":"Unauthorized"}"#)
        .create_async()
        .await;
    let c = Client::builder(server.url()).build().unwrap();
    let e = c.login("admin", "s3cret-pw").await.unwrap_err();
    assert_eq!(e.status(), Some(422));
    assert_eq!(e.message(), Some("Invalid credentials"));
    assert!(!format!("{e} {e:?}").contains("s3cret-pw"));
    assert!(matches!(
        c.login("", "x").await,
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn debug_output_never_shows_credentials() {
    let b = Client::builder("https://p.example.com:9443").api_key(KEY);
    let dbg = format!("{b:?}");
    assert!(!dbg.contains(KEY), "{dbg}");
    assert!(dbg.contains("ApiKey(SecretBox<str>([REDACTED]))"), "{dbg}");
    let c = b.build().unwrap();
    let dbg = format!("{c:?}");
    assert!(!dbg.contains(KEY), "{dbg}");
    assert!(dbg.contains("api key"), "{dbg}");
    let c = Client::builder("https://p.example.com")
        .jwt("eyJ.secret.jwt")
        .build()
        .unwrap();
    assert!(!format!("{c:?}").contains("eyJ.secret.jwt"));
}

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let owned: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |n| owned.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone())
}

#[test]
fn from_env_names_the_missing_variable() {
    let e = ClientBuilder::from_env_fn(vars(&[])).unwrap_err();
    assert!(e.to_string().contains("PORTAINER_URL"), "{e}");
    let e = ClientBuilder::from_env_fn(vars(&[("PORTAINER_URL", "https://p.example.com")]))
        .unwrap_err();
    assert!(e.to_string().contains("PORTAINER_API_KEY"), "{e}");
    let e = ClientBuilder::from_env_fn(vars(&[
        ("PORTAINER_URL", "https://p.example.com"),
        ("PORTAINER_API_KEY", KEY),
        ("PORTAINER_INSECURE", "maybe"),
    ]))
    .unwrap_err();
    assert!(e.to_string().contains("PORTAINER_INSECURE"), "{e}");
    let e = ClientBuilder::from_env_fn(vars(&[
        ("PORTAINER_URL", "https://p.example.com"),
        ("PORTAINER_API_KEY", KEY),
        ("PORTAINER_CA_FILE", "/nonexistent/ca.pem"),
    ]))
    .unwrap()
    .build()
    .unwrap_err();
    assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}");
    assert!(!e.to_string().contains(KEY));
}

#[tokio::test]
async fn from_env_client_sends_the_key() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("GET", "/api/stacks/61")
        .match_header("x-api-key", KEY)
        .with_status(200)
        .with_body(response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    let url = server.url();
    let c = ClientBuilder::from_env_fn(vars(&[
        ("PORTAINER_URL", &url),
        ("PORTAINER_API_KEY", KEY),
        ("PORTAINER_INSECURE", "false"),
    ]))
    .unwrap()
    .build()
    .unwrap();
    c.stacks().get(61).await.unwrap();
    m.assert_async().await;
}

#[test]
fn bad_configuration_is_a_config_error() {
    for url in [
        "portainer.example.com:9443",
        "ftp://p.example.com",
        "https://u:pw@p.example.com",
    ] {
        let e = Client::builder(url).build().unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{url}: {e}");
        assert!(!e.to_string().contains("pw@"), "{e}");
    }
    let e = Client::builder("https://p.example.com")
        .api_key("bad\nkey")
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)));
    assert!(!e.to_string().contains("bad\nkey"));
    let e = Client::builder("https://p.example.com")
        .add_root_certificate("not a pem")
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e}");
}

#[tokio::test]
async fn server_version_is_public_and_parsed() {
    let mut server = mockito::Server::new_async().await;
    let m = common::mock_version(&mut server, "2.19.4").await;
    let v = client(&server).server_version().await.unwrap();
    assert_eq!((v.major, v.minor, v.patch), (2, 19, 4));
    assert_eq!(v.to_string(), "2.19.4");
    m.assert_async().await;
}

#[tokio::test]
async fn server_version_falls_back_to_legacy_status() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/system/status")
        .with_status(404)
        .with_body("404 page not found\n")
        .create_async()
        .await;
    let legacy = server
        .mock("GET", "/api/status")
        .with_status(200)
        .with_body(r#"{"Authentication":true,"Version":"1.24.2"}"#)
        .create_async()
        .await;
    let v = client(&server).server_version().await.unwrap();
    assert_eq!(v, portainer_sdk::ServerVersion::new(1, 24, 2));
    legacy.assert_async().await;
}

#[tokio::test]
async fn raw_client_sends_through_the_same_transport() {
    let mut server = mockito::Server::new_async().await;
    let m = server
        .mock("GET", "/api/stacks")
        .match_header("x-api-key", KEY)
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(response("stacks_list__mgm-mootse.json"))
        .create_async()
        .await;
    let c = client(&server);
    let stacks = c.raw().stack_list().send().await.unwrap().into_inner();
    assert_eq!(stacks.len(), 4);
    m.assert_async().await;
}

#[tokio::test]
async fn raw_client_errors_convert_with_message_and_details() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks")
        .with_status(500)
        .with_body(r#"{"message":"Unable to retrieve stacks","details":"database is locked"}"#)
        .create_async()
        .await;
    server
        .mock("GET", "/api/stacks/7")
        .with_status(418)
        .with_body(r#"{"message":"teapot"}"#)
        .create_async()
        .await;
    let c = Client::builder(server.url())
        .api_key(KEY)
        .retry(portainer_sdk::RetryPolicy::none())
        .build()
        .unwrap();
    let e: Error = c.raw().stack_list().send().await.unwrap_err().into();
    assert!(matches!(e, Error::Api(_)), "{e:?}");
    assert_eq!(e.status(), Some(500));
    assert_eq!(e.message(), Some("Unable to retrieve stacks"));
    assert_eq!(e.details(), Some("database is locked"));

    let e = Error::from_generated(c.raw().stack_inspect().id(7).send().await.unwrap_err()).await;
    assert_eq!(e.status(), Some(418));
    assert_eq!(e.message(), Some("teapot"));
}

#[tokio::test]
async fn raw_with_timeout_applies_to_raw_calls() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Accepts and never answers, holding the connection open.
    let hold = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 1024];
        let _ = tokio::io::AsyncReadExt::read(&mut sock, &mut buf).await;
        std::future::pending::<()>().await;
    });
    let c = Client::builder(format!("http://{addr}"))
        .retry(portainer_sdk::RetryPolicy::none())
        .build()
        .unwrap();
    let raw = c.raw_with_timeout(std::time::Duration::from_millis(200));
    let e: Error = raw.stack_list().send().await.unwrap_err().into();
    assert!(e.is_timeout(), "{e:?}");
    hold.abort();
}

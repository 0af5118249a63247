//! Authentication and the bouncer's 401/403 bodies, per version.

mod common;

use common::{admin, call, error};
use portainer_testkit::{Credential, FakePortainer, Role, User, Version};
use serde_json::json;

async fn fake(version: Version) -> FakePortainer {
    FakePortainer::builder()
        .version(version)
        .user(
            User::new("bob", Role::StandardUser)
                .password("bobpassword1")
                .api_key("ptr_bob")
                .environments([1]),
        )
        .start()
        .await
}

#[tokio::test]
async fn missing_and_invalid_credentials_are_401_as_the_server_writes_them() {
    let f = fake(Version::LATEST).await;
    let a = call(&f, "GET", "/api/stacks", None, None).await;
    assert_eq!(a.status, 401);
    assert_eq!(
        a.text,
        r#"{"message":"A valid authorization token is missing","details":"Unauthorized"}"#
    );
    let a = call(&f, "GET", "/api/stacks", Some("ptr_wrong"), None).await;
    assert_eq!(a.status, 401);
    assert_eq!(
        a.text,
        r#"{"message":"Invalid JWT token","details":"Unauthorized"}"#
    );
}

#[tokio::test]
async fn before_2_20_an_invalid_key_counts_as_missing_and_bodies_end_with_a_newline() {
    let f = fake(Version::new(2, 19, 4)).await;
    let a = call(&f, "GET", "/api/stacks", Some("ptr_wrong"), None).await;
    assert_eq!(a.status, 401);
    assert_eq!(
        a.text,
        "{\"message\":\"A valid authorisation token is missing\",\"details\":\"Unauthorized\"}\n"
    );
}

#[tokio::test]
async fn admin_only_routes_are_403_for_standard_users() {
    let f = fake(Version::LATEST).await;
    let a = call(&f, "GET", "/api/settings", Some("ptr_bob"), None).await;
    assert_eq!(a.status, 403);
    assert_eq!(
        a.text,
        r#"{"message":"Access denied","details":"Unauthorized"}"#
    );
    assert_eq!(admin(&f, "GET", "/api/settings", None).await.status, 200);
}

#[tokio::test]
async fn both_credentials_at_once_are_refused_from_2_20_with_details_capitalized_from_2_22() {
    for (version, details) in [
        (
            Version::new(2, 20, 0),
            "api key and auth header are not allowed at the same time",
        ),
        (
            Version::LATEST,
            "Api key and auth header are not allowed at the same time",
        ),
    ] {
        let f = fake(version).await;
        let resp = reqwest::Client::new()
            .get(format!("{}/api/system/status", f.url()))
            .header("X-API-Key", f.admin_key())
            .header("Authorization", "Bearer x")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403);
        let v: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(v["details"], details, "{version}");
    }
    let old = fake(Version::new(2, 19, 4)).await;
    let resp = reqwest::Client::new()
        .get(format!("{}/api/stacks", old.url()))
        .header("X-API-Key", old.admin_key())
        .header("Authorization", "Bearer x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn login_returns_a_jwt_that_authenticates() {
    let f = fake(Version::LATEST).await;
    let a = call(
        &f,
        "POST",
        "/api/auth",
        None,
        Some(json!({"username": "bob", "password": "bobpassword1"})),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let jwt = a.json()["jwt"].as_str().unwrap().to_owned();
    assert_eq!(jwt.split('.').count(), 3);
    let resp = reqwest::Client::new()
        .get(format!("{}/api/stacks", f.url()))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let last = f.requests().pop().unwrap();
    assert_eq!(last.credential, Credential::Jwt);
    assert_eq!(last.user.as_deref(), Some("bob"));
}

#[tokio::test]
async fn login_failures_are_the_handlers_400_and_422() {
    let f = fake(Version::LATEST).await;
    let a = call(
        &f,
        "POST",
        "/api/auth",
        None,
        Some(json!({"Username": "bob", "Password": "nope"})),
    )
    .await;
    assert_eq!(a.status, 422);
    assert_eq!(
        error(&a),
        ("Invalid credentials".into(), "Unauthorized".into())
    );
    let a = call(
        &f,
        "POST",
        "/api/auth",
        None,
        Some(json!({"Username": "bob"})),
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        error(&a),
        ("Invalid request payload".into(), "Invalid password".into())
    );
    let a = call(&f, "POST", "/api/auth", None, None).await;
    assert_eq!(error(&a), ("Invalid request payload".into(), "EOF".into()));
}

#[tokio::test]
async fn the_sdk_logs_in_and_reads_the_version() {
    let f = FakePortainer::builder()
        .admin_password("s3cret-passw0rd")
        .start()
        .await;
    let client = portainer_sdk::Client::builder(f.url()).build().unwrap();
    client.login("admin", "s3cret-passw0rd").await.unwrap();
    assert_eq!(client.server_version().await.unwrap().to_string(), "2.44.0");
    assert_eq!(
        f.client().server_version().await.unwrap().to_string(),
        "2.44.0"
    );
}

#[tokio::test]
async fn requests_record_the_credential_kind_never_its_value() {
    let f = fake(Version::LATEST).await;
    call(&f, "GET", "/api/stacks?x-api-key=ptr_bob", None, None).await;
    admin(&f, "GET", "/api/stacks", None).await;
    call(&f, "GET", "/api/system/status", None, None).await;
    let reqs = f.requests();
    assert_eq!(reqs[0].credential, Credential::ApiKey);
    assert_eq!(reqs[0].user.as_deref(), Some("bob"));
    assert_eq!(reqs[0].query, "x-api-key=<redacted>");
    assert_eq!(reqs[1].user.as_deref(), Some("admin"));
    assert_eq!(reqs[2].credential, Credential::None);
    assert_eq!(reqs[2].status, Some(200));
    let debug = format!("{reqs:?} {f:?}");
    assert!(
        !debug.contains("ptr_bob") && !debug.contains(f.admin_key()),
        "{debug}"
    );
}

//! Settings (inspect, public, partial update, admin only) and the
//! environment list with paging.

mod common;

use common::{admin, call, error};
use portainer_testkit::{Environment, FakePortainer, Role, User};
use serde_json::json;

#[tokio::test]
async fn settings_update_is_partial_validated_and_hides_secrets() {
    let f = FakePortainer::start().await;
    let before = admin(&f, "GET", "/api/settings", None).await.json();
    assert_eq!(before["UserSessionTimeout"], "8h");
    let a = admin(
        &f,
        "PUT",
        "/api/settings",
        Some(json!({"LogoURL": "https://example.com/logo.png", "OAuthSettings": {"ClientID": "id", "ClientSecret": "s3cret"}})),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let after = a.json();
    assert_eq!(after["LogoURL"], "https://example.com/logo.png");
    assert_eq!(after["OAuthSettings"]["ClientSecret"], "", "hidden");
    assert_eq!(
        after["SnapshotInterval"], before["SnapshotInterval"],
        "untouched"
    );
    assert!(
        !admin(&f, "GET", "/api/settings", None)
            .await
            .text
            .contains("s3cret")
    );
    let a = admin(
        &f,
        "PUT",
        "/api/settings",
        Some(json!({"AuthenticationMethod": 4})),
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        error(&a).1,
        "Invalid authentication method value. Value must be one of: 1 (internal), 2 (LDAP/AD) or 3 (OAuth)"
    );
    let a = admin(
        &f,
        "PUT",
        "/api/settings",
        Some(json!({"UserSessionTimeout": "forever"})),
    )
    .await;
    assert_eq!(error(&a).1, "Invalid user session timeout");
    let a = admin(
        &f,
        "PUT",
        "/api/settings",
        Some(json!({"LogoURL": "not a url"})),
    )
    .await;
    assert_eq!(
        error(&a).1,
        "Invalid logo URL. Must correspond to a valid URL format"
    );
    let public = call(&f, "GET", "/api/settings/public", None, None).await;
    assert_eq!(public.status, 200);
    assert_eq!(public.json()["LogoURL"], "https://example.com/logo.png");
}

#[tokio::test]
async fn settings_are_for_administrators_only() {
    let f = FakePortainer::builder()
        .user(User::new("bob", Role::StandardUser).api_key("ptr_bob"))
        .start()
        .await;
    let a = call(
        &f,
        "PUT",
        "/api/settings",
        Some("ptr_bob"),
        Some(json!({"LogoURL": ""})),
    )
    .await;
    assert_eq!(a.status, 403);
    assert_eq!(error(&a), ("Access denied".into(), "Unauthorized".into()));
}

#[tokio::test]
async fn environments_page_with_start_and_limit_and_count_in_x_total_count() {
    let mut b = FakePortainer::builder().user(
        User::new("bob", Role::StandardUser)
            .api_key("ptr_bob")
            .environments([2, 4]),
    );
    for id in 1..=5 {
        b = b.environment(Environment::docker_standalone(id, format!("env{id}")));
    }
    let f = b.start().await;
    let a = admin(&f, "GET", "/api/endpoints?start=2&limit=2", None).await;
    assert_eq!(a.headers["X-Total-Count"], "5");
    let names: Vec<_> = a
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Name"].clone())
        .collect();
    assert_eq!(names, [json!("env2"), json!("env3")], "start is 1-based");
    let a = admin(&f, "GET", "/api/endpoints?start=9&limit=2", None).await;
    assert_eq!(a.json(), json!([]));
    let a = admin(&f, "GET", "/api/endpoints?limit=x&search=ENV4", None).await;
    assert_eq!(
        a.headers["X-Total-Count"], "1",
        "an unreadable limit counts as 0, search is case-blind"
    );
    let a = call(&f, "GET", "/api/endpoints", Some("ptr_bob"), None).await;
    assert_eq!(a.headers["X-Total-Count"], "2");
    assert_eq!(a.headers["X-Total-Available"], "2");
    let a = call(&f, "GET", "/api/endpoints/1", Some("ptr_bob"), None).await;
    assert_eq!(a.status, 403);
    let a = admin(
        &f,
        "GET",
        "/api/endpoints?sort=Name&order=desc&limit=1",
        None,
    )
    .await;
    assert_eq!(a.json()[0]["Name"], "env5");
}

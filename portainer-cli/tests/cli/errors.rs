//! Exit codes and messages a person can act on.

use portainer_testkit::{FakePortainer, Role, User};

use super::common::{html_server, portainer, run};

#[tokio::test]
async fn a_401_says_the_key_is_missing_or_invalid() {
    let fake = FakePortainer::start().await;
    let url = fake.url();
    let r = run(
        &[
            ("PORTAINER_URL", &url),
            ("PORTAINER_API_KEY", "ptr_not_a_key_of_this_server"),
        ],
        &["stack", "ls"],
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("the key in PORTAINER_API_KEY is missing or invalid"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("HTTP 401 Unauthorized"), "{}", r.stderr);
}

#[tokio::test]
async fn no_key_at_all_is_a_usage_error_naming_the_variable() {
    let fake = FakePortainer::start().await;
    let url = fake.url();
    let r = run(
        &[("PORTAINER_URL", &url), ("CI_TOKEN", "")],
        &["stack", "ls", "--api-key-env", "CI_TOKEN"],
    )
    .await;
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("the environment variable CI_TOKEN is not set or empty")
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn a_403_names_the_operation_and_the_missing_permission() {
    let fake = FakePortainer::builder()
        .user(User::new("ci", Role::StandardUser).api_key("ptr_standard_user_key"))
        .start()
        .await;
    let url = fake.url();
    let r = run(
        &[
            ("PORTAINER_URL", &url),
            ("PORTAINER_API_KEY", "ptr_standard_user_key"),
        ],
        &["settings", "get"],
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains(
            "permission denied: Portainer refused SettingsInspect (GET /api/settings) \
             (HTTP 403 Forbidden: Access denied"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("the token's user lacks the permission"),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn an_html_page_is_not_a_portainer_api() {
    for status in ["200 OK", "404 Not Found"] {
        let url = html_server(status).await;
        let env = [
            ("PORTAINER_URL", url.as_str()),
            ("PORTAINER_API_KEY", "ptr_some_key_123"),
        ];
        let r = run(&env, &["stack", "ls"]).await;
        assert_eq!(r.code, 1, "{status}: {r:?}");
        assert!(
            r.stderr.contains(&format!("{url} is not a Portainer API")),
            "{status}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("Check --url"), "{}", r.stderr);

        let v = run(&env, &["version"]).await;
        assert_eq!(v.code, 1, "{status}: {v:?}");
        assert!(
            v.stderr.contains("is not a Portainer API"),
            "{status}: {}",
            v.stderr
        );
    }
}

#[tokio::test]
async fn a_tls_failure_suggests_ca_file_or_insecure() {
    // The fake speaks plain HTTP: a TLS handshake with it fails.
    let fake = FakePortainer::start().await;
    let url = fake.url().replace("http://", "https://");
    let r = run(
        &[
            ("PORTAINER_URL", &url),
            ("PORTAINER_API_KEY", fake.admin_key()),
        ],
        &["stack", "ls"],
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("TLS failure"), "{}", r.stderr);
    assert!(r.stderr.contains("--ca-file"), "{}", r.stderr);
    assert!(r.stderr.contains("--insecure"), "{}", r.stderr);
}

#[tokio::test]
async fn usage_errors_exit_2() {
    let fake = FakePortainer::start().await;
    let no_source = portainer(&fake, &["stack", "deploy", "web"]).await;
    assert_eq!(no_source.code, 2, "{no_source:?}");
    let no_url = run(&[("PORTAINER_API_KEY", "ptr_x_key_123")], &["stack", "ls"]).await;
    assert_eq!(no_url.code, 2, "{no_url:?}");
    assert!(no_url.stderr.contains("--url"), "{}", no_url.stderr);
    let bad_output = portainer(&fake, &["stack", "ls", "--output", "yaml"]).await;
    assert_eq!(bad_output.code, 2, "{bad_output:?}");
}

#[tokio::test]
async fn a_missing_stack_fails_with_exit_1() {
    let fake = FakePortainer::start().await;
    let r = portainer(&fake, &["stack", "show", "nothing"]).await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("no stack named \"nothing\""),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn help_lists_the_exit_codes() {
    let fake = FakePortainer::start().await;
    for args in [&["--help"][..], &["stack", "deploy", "--help"][..]] {
        let r = portainer(&fake, args).await.ok();
        assert!(r.stdout.contains("Exit codes:"), "{args:?}: {}", r.stdout);
        assert!(r.stdout.contains("3  outcome unknown"), "{}", r.stdout);
        assert!(r.stdout.contains("4  --wait timed out"), "{}", r.stdout);
    }
}

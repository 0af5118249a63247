//! `--wait` and `stack wait`: running, a timeout (4), a container that exits (4).

use portainer_testkit::FakePortainer;

use super::common::{COMPOSE, portainer, scratch};

const WITH_HEALTHCHECK: &str =
    "services:\n  web:\n    image: nginx:1.27\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n";

#[tokio::test]
async fn deploy_waits_until_the_services_run() {
    let fake = FakePortainer::builder()
        .container_progression(0, 0)
        .start()
        .await;
    let file = scratch("deploy_wait", "compose.yml", COMPOSE);
    let r = portainer(
        &fake,
        &[
            "stack",
            "deploy",
            "web",
            "--file",
            file.to_str().unwrap(),
            "--wait",
        ],
    )
    .await
    .ok();
    assert_eq!(r.stdout, "created stack web (id 1) on environment 1\n");
    assert!(
        r.stderr
            .contains("deploy web: waiting for the services to run"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("deploy web: web: web-web-1: running"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("deploy web: running\n"), "{}", r.stderr);

    let w = portainer(&fake, &["stack", "wait", "web"]).await.ok();
    assert!(
        w.stdout.starts_with(
            "stack web (id 1) on environment 1 is running\nSERVICE  STATE\nweb      web-web-1: running"
        ),
        "{}",
        w.stdout
    );
    let json = portainer(&fake, &["stack", "wait", "web", "--output", "json"])
        .await
        .ok()
        .json();
    assert_eq!(json[0]["service"], "web");
    assert_eq!(json[0]["ready"], true);
}

#[tokio::test]
async fn a_wait_that_times_out_exits_4_with_the_states() {
    let fake = FakePortainer::builder()
        .container_progression(0, 0)
        .start()
        .await;
    fake.unhealthy_service("web", "web");
    let file = scratch("wait_timeout", "compose.yml", WITH_HEALTHCHECK);
    let r = portainer(
        &fake,
        &[
            "stack",
            "deploy",
            "web",
            "--file",
            file.to_str().unwrap(),
            "--wait",
            "--timeout",
            "3s",
        ],
    )
    .await;
    assert_eq!(r.code, 4, "{r:?}");
    // The stack was created all the same, and stdout says so.
    assert_eq!(r.stdout, "created stack web (id 1) on environment 1\n");
    assert!(
        r.stderr
            .contains("error: stack \"web\" was not running after 3s: web: "),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("unhealthy"), "{}", r.stderr);
}

#[tokio::test]
async fn a_container_that_exits_fails_the_wait_with_its_logs() {
    let fake = FakePortainer::builder()
        .container_progression(0, 0)
        .start()
        .await;
    let file = scratch("wait_exit", "compose.yml", COMPOSE);
    portainer(
        &fake,
        &["stack", "deploy", "web", "--file", file.to_str().unwrap()],
    )
    .await
    .ok();
    fake.fail_service("web", "web", 1, "fatal: DATABASE_URL is not set");
    let r = portainer(&fake, &["stack", "wait", "web", "--timeout", "1m"]).await;
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(
        r.stderr.contains("error: the stack failed to start: "),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("exit code 1"), "{}", r.stderr);
    assert!(
        r.stderr.contains("fatal: DATABASE_URL is not set"),
        "{}",
        r.stderr
    );
}

//! ls, show, file, start, stop, rm and version, in both output formats.

use portainer_testkit::FakePortainer;

use super::common::{COMPOSE, portainer, scratch};

async fn deployed(test: &str) -> FakePortainer {
    let fake = FakePortainer::start().await;
    let file = scratch(test, "compose.yml", COMPOSE);
    portainer(
        &fake,
        &[
            "stack",
            "deploy",
            "web",
            "--file",
            file.to_str().unwrap(),
            "--environment",
            "1",
            "--env",
            "SECRET_TOKEN=s3cr3t-value",
        ],
    )
    .await
    .ok();
    fake
}

#[tokio::test]
async fn ls_show_and_file() {
    let fake = deployed("ls_show_file").await;

    let ls = portainer(&fake, &["stack", "ls"]).await.ok();
    assert_eq!(
        ls.stdout,
        "ID  NAME  TYPE     STATUS  ENVIRONMENT\n1   web   compose  active  1\n"
    );
    let json = portainer(&fake, &["stack", "ls", "--output", "json"])
        .await
        .ok()
        .json();
    assert_eq!(json.as_array().map(Vec::len), Some(1));
    assert_eq!(json[0]["Name"], "web");
    let other_env = portainer(&fake, &["stack", "ls", "--environment", "2"])
        .await
        .ok();
    assert_eq!(other_env.stdout, "ID  NAME  TYPE  STATUS  ENVIRONMENT\n");

    let show = portainer(&fake, &["stack", "show", "web"]).await.ok();
    assert!(
        show.stdout.contains("Name         web\n"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("Env          SECRET_TOKEN\n"),
        "{}",
        show.stdout
    );
    assert!(!show.stdout.contains("s3cr3t-value"), "{}", show.stdout);
    let show_json = portainer(&fake, &["stack", "show", "web", "--output", "json"])
        .await
        .ok()
        .json();
    assert_eq!(show_json["Id"], 1);

    let file = portainer(&fake, &["stack", "file", "web"]).await.ok();
    assert_eq!(file.stdout, COMPOSE);
    let file_json = portainer(&fake, &["--output", "json", "stack", "file", "web"])
        .await
        .ok()
        .json();
    assert_eq!(file_json["StackFileContent"], COMPOSE);
}

#[tokio::test]
async fn stop_start_and_rm() {
    let fake = deployed("stop_start_rm").await;

    let stop = portainer(&fake, &["stack", "stop", "web"]).await.ok();
    assert_eq!(stop.stdout, "stopped stack web (id 1) on environment 1\n");
    let status = portainer(&fake, &["stack", "show", "web", "--output", "json"])
        .await
        .ok()
        .json()["Status"]
        .clone();
    assert_eq!(status, 2);

    let start = portainer(&fake, &["stack", "start", "web", "--output", "json"])
        .await
        .ok()
        .json();
    assert_eq!(start["Status"], 1);

    let rm = portainer(&fake, &["stack", "rm", "web"]).await.ok();
    assert_eq!(rm.stdout, "removed stack web (id 1) on environment 1\n");
    assert!(fake.stacks().is_empty());
}

#[tokio::test]
async fn redeploy_refuses_a_file_stack() {
    let fake = deployed("redeploy_file_stack").await;
    let r = portainer(&fake, &["stack", "redeploy", "web"]).await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("is not deployed from git"),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn redeploy_pulls_a_git_stack_again() {
    let fake = FakePortainer::builder()
        .git_repository(
            "https://git.example.com/ops",
            "c0ffee",
            [("docker-compose.yml", COMPOSE)],
        )
        .start()
        .await;
    let created = portainer(
        &fake,
        &[
            "stack",
            "deploy",
            "web",
            "--git",
            "https://git.example.com/ops",
            "--environment",
            "1",
        ],
    )
    .await
    .ok();
    assert_eq!(
        created.stdout,
        "created stack web (id 1) on environment 1\n"
    );
    let r = portainer(&fake, &["stack", "redeploy", "web"]).await.ok();
    assert_eq!(r.stdout, "redeployed stack web (id 1) on environment 1\n");
    let again = portainer(
        &fake,
        &[
            "stack",
            "deploy",
            "web",
            "--git",
            "https://git.example.com/ops",
            "--environment",
            "1",
        ],
    )
    .await
    .ok();
    assert_eq!(again.stdout, "updated stack web (id 1) on environment 1\n");
    assert_eq!(fake.stacks().len(), 1);
}

#[tokio::test]
async fn version_prints_client_and_server() {
    let fake = FakePortainer::start().await;
    let v = portainer(&fake, &["version"]).await.ok();
    assert_eq!(
        v.stdout,
        format!("client {}\nserver 2.44.0\n", env!("CARGO_PKG_VERSION"))
    );
    let json = portainer(&fake, &["version", "--output", "json"])
        .await
        .ok()
        .json();
    assert_eq!(json["server"], "2.44.0");
    assert_eq!(json["client"], env!("CARGO_PKG_VERSION"));
}

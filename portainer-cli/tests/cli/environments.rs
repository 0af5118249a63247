//! `--environment ID|NAME`, the only environment by default, and `env ls`.

use portainer_testkit::{Environment, FakePortainer, StackKind};

use super::common::{COMPOSE, portainer, scratch};

async fn two_environments() -> FakePortainer {
    FakePortainer::builder()
        .environment(Environment::docker_standalone(1, "local"))
        .environment(Environment::docker_swarm(2, "production"))
        .start()
        .await
}

#[tokio::test]
async fn with_one_environment_it_may_be_left_out() {
    let fake = FakePortainer::start().await;
    let file = scratch("only_environment", "compose.yml", COMPOSE);
    let r = portainer(
        &fake,
        &["stack", "deploy", "web", "--file", file.to_str().unwrap()],
    )
    .await
    .ok();
    assert_eq!(r.stdout, "created stack web (id 1) on environment 1\n");
}

#[tokio::test]
async fn with_several_it_is_asked_for_and_taken_by_name() {
    let fake = two_environments().await;
    let file = scratch("several_environments", "compose.yml", COMPOSE);
    let file = file.to_str().unwrap();

    let ask = portainer(&fake, &["stack", "deploy", "web", "--file", file]).await;
    assert_eq!(ask.code, 2, "{ask:?}");
    assert!(
        ask.stderr.contains(
            "there are 2 environments (1 (local), 2 (production)): choose one with --environment"
        ),
        "{}",
        ask.stderr
    );
    assert!(fake.stacks().is_empty());

    let by_name = portainer(
        &fake,
        &[
            "stack",
            "deploy",
            "web",
            "--file",
            file,
            "--environment",
            "production",
        ],
    )
    .await
    .ok();
    assert_eq!(
        by_name.stdout,
        "created stack web (id 1) on environment 2\n"
    );
    // The SDK made it a swarm stack: the environment is a swarm manager.
    let stack = fake.stack("web").expect("created");
    assert_eq!((stack.environment_id, stack.kind), (2, StackKind::Swarm));

    let ls = portainer(&fake, &["stack", "ls", "--environment", "local"])
        .await
        .ok();
    assert_eq!(ls.stdout, "ID  NAME  TYPE  STATUS  ENVIRONMENT\n");
    let show = portainer(
        &fake,
        &["stack", "show", "web", "--environment", "production"],
    )
    .await
    .ok();
    assert!(
        show.stdout.contains("Type         swarm\n"),
        "{}",
        show.stdout
    );

    let unknown = portainer(&fake, &["stack", "ls", "--environment", "staging"]).await;
    assert_eq!(unknown.code, 1, "{unknown:?}");
    assert!(
        unknown
            .stderr
            .contains("no environment is named \"staging\""),
        "{}",
        unknown.stderr
    );
}

#[tokio::test]
async fn env_ls_lists_them() {
    let fake = two_environments().await;
    let table = portainer(&fake, &["env", "ls"]).await.ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", table.stdout);
    assert!(
        lines[0].starts_with("ID  NAME        KIND"),
        "{}",
        table.stdout
    );
    assert!(
        lines[1].starts_with("1   local       docker standalone"),
        "{}",
        table.stdout
    );
    assert!(
        lines[2].starts_with("2   production  docker swarm"),
        "{}",
        table.stdout
    );

    let json = portainer(&fake, &["env", "ls", "--output", "json"])
        .await
        .ok()
        .json();
    let names: Vec<&str> = json
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|e| e["Name"].as_str())
        .collect();
    assert_eq!(names, ["local", "production"]);
}

#[tokio::test]
async fn deploying_twice_to_a_swarm_gives_one_stack() {
    let fake = two_environments().await;
    let file = scratch("swarm_twice", "compose.yml", COMPOSE);
    let args = [
        "stack",
        "deploy",
        "web",
        "--file",
        file.to_str().unwrap(),
        "--environment",
        "2",
    ];
    let first = portainer(&fake, &args).await.ok();
    assert_eq!(first.stdout, "created stack web (id 1) on environment 2\n");
    let second = portainer(&fake, &args).await.ok();
    assert_eq!(second.stdout, "updated stack web (id 1) on environment 2\n");
    assert_eq!(fake.stacks().len(), 1);
}

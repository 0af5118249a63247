//! `stack deploy`: created then updated, env handling, a lost answer.

use portainer_testkit::{FakePortainer, Fault};

use super::common::{COMPOSE, portainer, scratch};

fn env_of(fake: &FakePortainer, name: &str) -> Vec<(String, String)> {
    let mut env = fake.stack(name).expect("the stack exists").env;
    env.sort();
    env
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn deploying_twice_gives_one_stack_created_then_updated() {
    let fake = FakePortainer::start().await;
    let file = scratch("deploy_twice", "compose.yml", COMPOSE);
    let file = file.to_str().unwrap();
    let args = [
        "stack",
        "deploy",
        "web",
        "--file",
        file,
        "--environment",
        "1",
    ];

    let first = portainer(&fake, &args).await.ok();
    assert_eq!(first.stdout, "created stack web (id 1) on environment 1\n");
    let second = portainer(&fake, &args).await.ok();
    assert_eq!(second.stdout, "updated stack web (id 1) on environment 1\n");

    let stacks = fake.stacks();
    assert_eq!(stacks.len(), 1, "{stacks:?}");
    assert!(stacks[0].file_content.contains("nginx:1.27"));
    // Not a terminal: progress is timestamped lines on stderr.
    assert!(
        second.stderr.contains("deploy web: updated"),
        "{}",
        second.stderr
    );
}

#[tokio::test]
async fn keep_env_merges_and_the_default_replaces() {
    let fake = FakePortainer::start().await;
    let file = scratch("keep_env", "compose.yml", COMPOSE);
    let file = file.to_str().unwrap();
    let deploy = [
        "stack",
        "deploy",
        "web",
        "--file",
        file,
        "--environment",
        "1",
    ];

    let with = |extra: &[&'static str]| {
        let mut a = deploy.to_vec();
        a.extend_from_slice(extra);
        a
    };
    portainer(&fake, &with(&["--env", "DB_HOST=db", "--env", "TAG=1"]))
        .await
        .ok();
    assert_eq!(
        env_of(&fake, "web"),
        pairs(&[("DB_HOST", "db"), ("TAG", "1")])
    );

    // --keep-env: the server's DB_HOST stays, TAG changes.
    portainer(&fake, &with(&["--keep-env", "--env", "TAG=2"]))
        .await
        .ok();
    assert_eq!(
        env_of(&fake, "web"),
        pairs(&[("DB_HOST", "db"), ("TAG", "2")])
    );

    // Without it, the given variables are the stack's whole env.
    portainer(&fake, &with(&["--env", "TAG=3"])).await.ok();
    assert_eq!(env_of(&fake, "web"), pairs(&[("TAG", "3")]));
}

#[tokio::test]
async fn env_file_values_reach_the_server_and_env_flags_win() {
    let fake = FakePortainer::start().await;
    let file = scratch("env_file", "compose.yml", COMPOSE);
    let env_file = scratch(
        "env_file",
        "app.env",
        "# settings\nexport TAG=1.27\nGREETING=\"hello # world\"\nRAW='$HOME'\nEMPTY=\nOVERRIDDEN=file\n",
    );
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
            "--env-file",
            env_file.to_str().unwrap(),
            "--env",
            "OVERRIDDEN=flag",
        ],
    )
    .await
    .ok();
    assert_eq!(
        env_of(&fake, "web"),
        pairs(&[
            ("EMPTY", ""),
            ("GREETING", "hello # world"),
            ("OVERRIDDEN", "flag"),
            ("RAW", "$HOME"),
            ("TAG", "1.27"),
        ])
    );
}

#[tokio::test]
async fn a_bad_env_file_is_a_usage_error_and_nothing_is_sent() {
    let fake = FakePortainer::start().await;
    let file = scratch("bad_env_file", "compose.yml", COMPOSE);
    let env_file = scratch("bad_env_file", "app.env", "TAG=1\nnot a pair\n");
    let run = portainer(
        &fake,
        &[
            "stack",
            "deploy",
            "web",
            "--file",
            file.to_str().unwrap(),
            "--environment",
            "1",
            "--env-file",
            env_file.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("app.env:2: expected KEY=VALUE"),
        "{}",
        run.stderr
    );
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn a_connection_lost_after_the_create_is_outcome_unknown_and_a_rerun_updates() {
    let fake = FakePortainer::start().await;
    let file = scratch("lost_create", "compose.yml", COMPOSE);
    let file = file.to_str().unwrap();
    fake.inject(
        Fault::drop_after_handling()
            .on("POST", "/api/stacks/create/standalone/string")
            .times(1),
    );
    let args = [
        "stack",
        "deploy",
        "web",
        "--file",
        file,
        "--environment",
        "1",
    ];

    let lost = portainer(&fake, &args).await;
    assert_eq!(lost.code, 3, "{lost:?}");
    assert!(lost.stdout.is_empty(), "{lost:?}");
    assert!(
        lost.stderr.contains(
            "StackCreateDockerStandaloneString (POST /api/stacks/create/standalone/string)"
        ),
        "{}",
        lost.stderr
    );
    assert!(
        lost.stderr.contains("Run the same command again"),
        "{}",
        lost.stderr
    );
    // The server did create it; running again finds it.
    assert_eq!(fake.stacks().len(), 1);

    let again = portainer(&fake, &args).await.ok();
    assert_eq!(again.stdout, "updated stack web (id 1) on environment 1\n");
    assert_eq!(fake.stacks().len(), 1);
}

#[tokio::test]
async fn deploy_prints_the_stack_as_json() {
    let fake = FakePortainer::start().await;
    let file = scratch("deploy_json", "compose.yml", COMPOSE);
    let run = portainer(
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
            "TAG=1",
            "--output",
            "json",
        ],
    )
    .await
    .ok();
    let stack = run.json();
    assert_eq!(stack["Name"], "web");
    assert_eq!(stack["EndpointId"], 1);
    assert_eq!(stack["Env"][0]["name"], "TAG");
}

#[tokio::test]
async fn a_missing_compose_file_is_a_usage_error() {
    let fake = FakePortainer::start().await;
    let run = portainer(
        &fake,
        &[
            "stack",
            "deploy",
            "web",
            "--file",
            "/nonexistent/compose.yml",
            "--environment",
            "1",
        ],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("cannot read the stack file /nonexistent/compose.yml")
    );
    assert!(fake.requests().is_empty());
}

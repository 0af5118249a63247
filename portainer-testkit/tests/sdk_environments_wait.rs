//! The SDK's environments, Docker proxy and waiting against the stateful
//! fake: deploys that choose their stack type, and waits that see the
//! containers and swarm tasks progress, fail and stay unhealthy.

use std::time::Duration;

use portainer_sdk::{EnvironmentKind, Error, WaitOptions};
use portainer_testkit::{Environment, FakePortainer};

const HEALTHY: &str = "services:\n  web:\n    image: nginx:1.27\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n  db:\n    image: postgres:16\n";

/// Polls as fast as the fake answers: the fake moves on per poll, not per second.
fn quick() -> WaitOptions {
    WaitOptions::default()
        .poll_interval(Duration::ZERO)
        .timeout(Duration::from_secs(30))
}

async fn fake() -> FakePortainer {
    FakePortainer::builder()
        .environment(Environment::docker_standalone(1, "local"))
        .environment(Environment::docker_swarm(2, "prod-swarm"))
        .environment(Environment::kubernetes(3, "k8s"))
        .container_progression(2, 4)
        .start()
        .await
}

#[tokio::test]
async fn environments_are_listed_found_and_told_apart() {
    let f = fake().await;
    let c = f.client();
    let all = c.environments().list().send().await.unwrap();
    let kinds: Vec<EnvironmentKind> = all.iter().map(EnvironmentKind::from).collect();
    assert_eq!(
        kinds,
        [
            EnvironmentKind::DockerStandalone,
            EnvironmentKind::DockerSwarm,
            EnvironmentKind::Kubernetes
        ]
    );
    let swarm = c.environments().find("prod-swarm").await.unwrap().unwrap();
    assert_eq!(swarm.id, Some(2));
    assert!(c.environments().find("prod").await.unwrap().is_none());
    let only_k8s = c
        .environments()
        .list()
        .kind(EnvironmentKind::Kubernetes)
        .send()
        .await
        .unwrap();
    assert_eq!(only_k8s.len(), 1);
    let got = c.environments().get(2).await.unwrap();
    assert!(EnvironmentKind::from(&got).is_swarm());
}

#[tokio::test]
async fn deploy_and_wait_on_compose_sees_created_running_healthy() {
    let f = fake().await;
    let c = f.client();
    let deployed = c
        .stacks()
        .deploy(1, "web")
        .content(HEALTHY)
        .wait_with(quick())
        .send()
        .await
        .unwrap();
    assert!(deployed.was_created());
    let id = deployed.stack().id.unwrap();
    let again = c.stacks().wait(id).poll_interval(Duration::ZERO);
    let states = again.send().await.unwrap();
    let names: Vec<&str> = states.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(names, ["db", "web"]);
    assert!(states.iter().all(|s| s.ready), "{states:?}");
    assert!(states[1].state.contains("healthy"), "{states:?}");
}

#[tokio::test]
async fn deploy_on_a_swarm_environment_makes_a_swarm_stack_and_waits_for_its_tasks() {
    let f = fake().await;
    let c = f.client();
    let deployed = c
        .stacks()
        .deploy(2, "api")
        .content(HEALTHY)
        .wait_with(quick())
        .send()
        .await
        .unwrap();
    // api/portainer.go: DockerSwarmStack = 1.
    assert_eq!(deployed.stack().type_.as_ref().map(|t| t.0), Some(1));
    let stack = f.stack("api").unwrap();
    assert!(stack.swarm_id.is_some(), "{stack:?}");
    let id = deployed.stack().id.unwrap();
    let again = c.stacks().wait(id).poll_interval(Duration::ZERO);
    let states = again.send().await.unwrap();
    assert!(
        states.iter().all(|s| s.state == "1/1 tasks running"),
        "{states:?}"
    );
}

#[tokio::test]
async fn a_service_that_exits_fails_the_wait_with_its_logs() {
    let f = fake().await;
    let c = f.client();
    f.fail_service("web", "web", 3, "panic: config missing\n");
    let err = c
        .stacks()
        .deploy(1, "web")
        .content(HEALTHY)
        .wait_with(quick())
        .send()
        .await
        .unwrap_err();
    match err {
        Error::ContainerFailed(f) => {
            assert_eq!((f.service.as_str(), f.exit_code), ("web", 3));
            assert_eq!(f.logs, ["panic: config missing"]);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_failing_swarm_task_fails_the_wait() {
    let f = fake().await;
    let c = f.client();
    f.fail_service("api", "db", 2, "FATAL: no password\n");
    let err = c
        .stacks()
        .deploy(2, "api")
        .content(HEALTHY)
        .wait_with(quick())
        .send()
        .await
        .unwrap_err();
    match err {
        Error::ContainerFailed(f) => {
            assert_eq!((f.service.as_str(), f.exit_code), ("api_db", 2));
            assert_eq!(f.container, "api_db.1");
            assert_eq!(f.logs, ["FATAL: no password"]);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_unhealthy_service_times_out_with_its_state() {
    let f = fake().await;
    let c = f.client();
    f.unhealthy_service("web", "web");
    let options = quick().timeout(Duration::from_millis(200));
    let err = c
        .stacks()
        .deploy(1, "web")
        .content(HEALTHY)
        .wait_with(options)
        .send()
        .await
        .unwrap_err();
    match err {
        Error::WaitTimedOut { services, .. } => {
            let web = services.iter().find(|s| s.service == "web").unwrap();
            assert!(!web.ready);
            assert!(web.state.ends_with("running (unhealthy)"), "{web:?}");
            assert!(services.iter().any(|s| s.service == "db" && s.ready));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_docker_handle_reads_containers_and_logs_of_the_fake() {
    let f = fake().await;
    let c = f.client();
    f.service_logs("web", "db", "ready to accept connections\n");
    c.stacks()
        .deploy(1, "web")
        .content(HEALTHY)
        .send()
        .await
        .unwrap();
    let docker = c.docker(1);
    let listed = docker
        .containers()
        .label("com.docker.compose.service=db")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let id = listed[0].id.clone().unwrap();
    let lines = docker.logs(&id).tail(5).send().await.unwrap();
    assert_eq!(lines[0].text, "ready to accept connections");
    docker.stop(&id).await.unwrap();
    docker.stop(&id).await.unwrap();
    docker.start(&id).await.unwrap();
    let err = docker.container("nope").await.unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
}

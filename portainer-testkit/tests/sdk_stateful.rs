//! The SDK against the stateful fake Portainer (`portainer-testkit`): what a
//! call leaves on the server is what the next call finds, as with a real one.

use portainer_sdk::models::SettingsUpdatePayload;
use portainer_testkit::{Environment, FakePortainer, Version};

const COMPOSE: &str = "services:\n  web:\n    image: nginx:1.27\n";

#[tokio::test]
async fn deploy_twice_leaves_one_stack_with_the_second_file() {
    let fake = FakePortainer::start().await;
    let c = fake.client();
    let first = c
        .stacks()
        .deploy(1, "web")
        .content(COMPOSE)
        .env([("TAG", "1.27")])
        .send()
        .await
        .unwrap();
    assert!(first.was_created());
    let second = c
        .stacks()
        .deploy(1, "web")
        .content(COMPOSE.replace("1.27", "1.28"))
        .send()
        .await
        .unwrap();
    assert!(!second.was_created());
    assert_eq!(second.stack().id, first.stack().id);
    let stacks = fake.stacks();
    assert_eq!(stacks.len(), 1);
    assert!(stacks[0].file_content.contains("nginx:1.28"));
    // The second deploy gave no env: the stack keeps the first one's.
    assert_eq!(stacks[0].env, [("TAG".to_owned(), "1.27".to_owned())]);
}

/// Servers store `My.App` as `myapp`; the second deploy finds it there
/// instead of failing with the server's 409.
#[tokio::test]
async fn deploy_finds_a_name_the_server_normalized() {
    let fake = FakePortainer::builder()
        .version(Version::new(2, 19, 4))
        .environment(Environment::docker_standalone(1, "local"))
        .start()
        .await;
    let c = fake.client();
    let first = c.stacks().deploy(1, "My.App").content(COMPOSE).send().await;
    assert!(first.unwrap().was_created());
    assert!(fake.stack("myapp").is_some());
    let again = c.stacks().deploy(1, "My.App").content(COMPOSE).send().await;
    assert!(!again.unwrap().was_created());
    assert_eq!(fake.stacks().len(), 1);
}

#[tokio::test]
async fn set_env_merges_into_the_stored_variables() {
    let fake = FakePortainer::start().await;
    let c = fake.client();
    let stack = c
        .stacks()
        .create_compose(1, "web")
        .content(COMPOSE)
        .env([("A", "1"), ("B", "2")])
        .send()
        .await
        .unwrap();
    c.stacks()
        .update(stack.id.unwrap())
        .set_env("B", "3")
        .remove_env("A")
        .set_env("C", "4")
        .send()
        .await
        .unwrap();
    let stored = fake.stack("web").unwrap();
    assert_eq!(
        stored.env,
        [
            ("B".to_owned(), "3".to_owned()),
            ("C".to_owned(), "4".to_owned())
        ]
    );
    assert_eq!(
        stored.file_content, COMPOSE,
        "the file is sent back unchanged"
    );
}

#[tokio::test]
async fn stop_start_and_delete_change_what_the_server_holds() {
    let fake = FakePortainer::start().await;
    let c = fake.client();
    let id = c
        .stacks()
        .create_compose(1, "web")
        .content(COMPOSE)
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let stopped = c.stacks().stop(id).await.unwrap();
    assert_eq!(stopped.status.map(|s| s.0), Some(2));
    let started = c.stacks().start(id).await.unwrap();
    assert_eq!(started.status.map(|s| s.0), Some(1));
    c.stacks().delete(id).send().await.unwrap();
    assert!(fake.stacks().is_empty());
    let gone = c.stacks().get(id).await.unwrap_err();
    assert!(
        matches!(gone, portainer_sdk::Error::NotFound(_)),
        "{gone:?}"
    );
}

#[tokio::test]
async fn a_settings_update_changes_only_what_it_sets() {
    let fake = FakePortainer::start().await;
    let c = fake.client();
    let before = c.settings().get().await.unwrap();
    let after = c
        .settings()
        .update(SettingsUpdatePayload {
            snapshot_interval: Some("15m".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(after.snapshot_interval.as_deref(), Some("15m"));
    assert_eq!(after.kubeconfig_expiry, before.kubeconfig_expiry);
    assert_eq!(after.templates_url, before.templates_url);
    assert_eq!(c.settings().get().await.unwrap(), after);
}

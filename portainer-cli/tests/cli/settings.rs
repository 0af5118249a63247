//! `settings get` and `settings set`, typed by the settings model.

use portainer_testkit::FakePortainer;

use super::common::portainer;

#[tokio::test]
async fn set_then_get() {
    let fake = FakePortainer::start().await;
    let set = portainer(
        &fake,
        &[
            "settings",
            "set",
            "SnapshotInterval=10m",
            "edgeagentcheckininterval=30",
        ],
    )
    .await
    .ok();
    assert_eq!(
        set.stdout,
        "KEY                       VALUE\nSnapshotInterval          10m\nEdgeAgentCheckinInterval  30\n"
    );
    let one = portainer(&fake, &["settings", "get", "SnapshotInterval"])
        .await
        .ok();
    assert_eq!(one.stdout, "10m\n");
    let one_json = portainer(
        &fake,
        &[
            "settings",
            "get",
            "edgeagentcheckininterval",
            "--output",
            "json",
        ],
    )
    .await
    .ok()
    .json();
    assert_eq!(one_json, 30);
    let all = portainer(&fake, &["settings", "get", "--output", "json"])
        .await
        .ok()
        .json();
    assert_eq!(all["SnapshotInterval"], "10m");
    let table = portainer(&fake, &["settings", "get"]).await.ok();
    assert!(
        table
            .stdout
            .lines()
            .any(|l| l.starts_with("SnapshotInterval ") && l.ends_with(" 10m"))
    );
}

#[tokio::test]
async fn unknown_keys_and_wrong_types_are_refused_before_sending() {
    let fake = FakePortainer::start().await;
    let unknown = portainer(&fake, &["settings", "set", "SnapshotIntervall=10m"]).await;
    assert_eq!(unknown.code, 2, "{unknown:?}");
    assert!(
        unknown
            .stderr
            .contains("unknown setting \"SnapshotIntervall\"; the settings that can be set are: "),
        "{}",
        unknown.stderr
    );
    assert!(unknown.stderr.contains("SnapshotInterval"));
    let wrong = portainer(
        &fake,
        &["settings", "set", "EdgeAgentCheckinInterval=often"],
    )
    .await;
    assert_eq!(wrong.code, 2, "{wrong:?}");
    assert!(wrong.stderr.contains("expected i64"), "{}", wrong.stderr);
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());

    let get_unknown = portainer(&fake, &["settings", "get", "NoSuchSetting"]).await;
    assert_eq!(get_unknown.code, 2, "{get_unknown:?}");
    assert!(get_unknown.stderr.contains("SnapshotInterval"));
}

#[tokio::test]
async fn the_servers_refusal_is_printed() {
    let fake = FakePortainer::start().await;
    let r = portainer(&fake, &["settings", "set", "AuthenticationMethod=7"]).await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("SettingsUpdate (PUT /api/settings) failed (HTTP 400 Bad Request: Invalid request payload"), "{}", r.stderr);
}

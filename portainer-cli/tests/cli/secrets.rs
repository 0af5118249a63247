//! The API key never appears in any output, `-vv` and failures included.

use portainer_testkit::{FakePortainer, Fault};

use super::common::{COMPOSE, run, scratch};

#[tokio::test]
async fn the_key_never_appears_in_any_output() {
    let key = "ptr_k3y_that_must_never_be_printed_0123456789";
    let fake = FakePortainer::builder().admin_key(key).start().await;
    let url = fake.url();
    let file = scratch("key_never_printed", "compose.yml", COMPOSE);
    let file = file.to_str().unwrap();
    fake.inject(Fault::status(503).on("GET", "/api/settings").times(1));
    let commands: &[&[&str]] = &[
        &[
            "-vv",
            "stack",
            "deploy",
            "web",
            "--file",
            file,
            "--environment",
            "1",
        ],
        &[
            "-vv",
            "stack",
            "deploy",
            "web",
            "--file",
            file,
            "--environment",
            "1",
            "--output",
            "json",
        ],
        &["-vv", "stack", "ls", "--output", "json"],
        &["-vv", "stack", "show", "web"],
        &["-v", "stack", "file", "web"],
        &["-vv", "settings", "get"],
        &["-vv", "settings", "set", "SnapshotInterval=10m"],
        &["-vv", "stack", "show", "absent"],
        &["-vv", "version"],
    ];
    let mut traced = false;
    for args in commands {
        let r = run(&[("PORTAINER_URL", &url), ("PORTAINER_API_KEY", key)], args).await;
        assert!(!r.stdout.contains(key), "{args:?}: {r:?}");
        assert!(!r.stderr.contains(key), "{args:?}: {r:?}");
        assert!(!r.stderr.contains("k3y_that"), "{args:?}: {r:?}");
        traced |= r.stderr.contains("portainer.request");
    }
    assert!(traced, "-vv traced no request");
    // A key the server refuses is not printed either.
    let wrong = "ptr_wrong_k3y_also_never_printed_987654321";
    let r = run(
        &[("PORTAINER_URL", &url), ("PORTAINER_API_KEY", wrong)],
        &["-vv", "stack", "ls"],
    )
    .await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        !r.stdout.contains(wrong) && !r.stderr.contains(wrong),
        "{r:?}"
    );
}

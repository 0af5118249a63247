//! Every route the fake serves exists in the pinned spec of the version it
//! emulates; everything else is a 501 naming the operation, or a 404.

mod common;

use common::{admin, error};
use portainer_testkit::{FakePortainer, SPEC_PINS, Version, served_routes};
use xtask::source::SpecSource;

#[test]
fn every_served_route_is_in_the_pinned_spec_of_its_version() {
    for pin in SPEC_PINS {
        let source = SpecSource::resolve(pin).expect("the pinned spec is available");
        let (doc, _) = xtask::pipeline::normalized(&source).expect("the pin normalizes");
        let paths = doc["paths"].as_object().expect("paths");
        let version = Version::parse(pin).unwrap();
        let routes = served_routes(version);
        assert!(routes.len() > 15, "{pin}");
        for r in routes.iter().filter(|r| !r.docker_proxy) {
            let item = paths
                .get(r.path)
                .unwrap_or_else(|| panic!("{pin}: {} is not in the spec", r.path));
            assert!(
                item.get(r.method.to_ascii_lowercase()).is_some(),
                "{pin}: {} {} is not in the spec",
                r.method,
                r.path
            );
        }
        // The Docker proxy is the only route outside Portainer's spec: its
        // paths are the Docker Engine API's.
        assert_eq!(routes.iter().filter(|r| r.docker_proxy).count(), 1);
    }
}

#[test]
fn the_pre_2_19_create_route_is_served_where_its_spec_has_it() {
    let has = |v| {
        served_routes(v)
            .iter()
            .any(|r| r.method == "POST" && r.path == "/stacks")
    };
    assert!(has(Version::new(2, 14, 2)));
    assert!(has(Version::new(2, 19, 4)));
    assert!(!has(Version::new(2, 27, 1)));
    assert!(!has(Version::new(2, 44, 0)));
}

#[tokio::test]
async fn operations_not_emulated_are_501_naming_them() {
    let f = FakePortainer::start().await;
    let a = admin(&f, "POST", "/api/stacks/3/git", None).await;
    assert_eq!(a.status, 501);
    assert_eq!(
        error(&a).0,
        "portainer-testkit does not emulate StackUpdateGit (POST /api/stacks/{id}/git)"
    );
    let a = admin(&f, "GET", "/api/users", None).await;
    assert_eq!(a.status, 501);
    assert!(error(&a).0.contains("UserList"), "{}", a.text);
    let a = admin(&f, "GET", "/api/endpoints?tagIds=1", None).await;
    assert_eq!(a.status, 501);
    assert!(error(&a).0.contains("`tagIds`"), "{}", a.text);
    let a = admin(&f, "GET", "/api/no/such/path", None).await;
    assert_eq!((a.status, a.text.as_str()), (404, "404 page not found\n"));
    let a = admin(&f, "PATCH", "/api/stacks", None).await;
    assert_eq!(a.status, 405);
}

#[tokio::test]
async fn status_routes_follow_the_version() {
    let old = FakePortainer::builder()
        .version(Version::new(2, 14, 2))
        .start()
        .await;
    assert_eq!(
        admin(&old, "GET", "/api/system/status", None).await.status,
        404
    );
    let s = admin(&old, "GET", "/api/status", None).await;
    assert_eq!(s.json()["Version"], "2.14.2");
    assert!(s.text.ends_with('\n'));
    assert_eq!(
        old.client().server_version().await.unwrap().to_string(),
        "2.14.2"
    );
    let new = FakePortainer::start().await;
    let s = admin(&new, "GET", "/api/system/status", None).await;
    assert!(
        !s.text.ends_with('\n'),
        "2.20 and later drop the encoder's newline"
    );
    let v = admin(&new, "GET", "/api/system/version", None).await.json();
    assert_eq!(
        (v["ServerVersion"].as_str(), v["ServerEdition"].as_str()),
        (Some("2.44.0"), Some("EE"))
    );
    assert_eq!(
        admin(&new, "GET", "/api/status/version", None).await.status,
        404
    );
}

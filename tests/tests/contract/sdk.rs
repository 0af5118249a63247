//! The SDK's own methods under contract: every public method of `stacks()`
//! and `settings()`, with whatever lookups it makes, sent to Prism through
//! the recording proxy. A call passes when Prism accepted every request it
//! made and the method returned what Prism answered, decoded.
//!
//! Prism answers each operation with the spec's example. Two answers are
//! edited by the proxy ([`fixture`]) so that the SDK's choices follow the
//! server the spec describes: `GET /api/system/status` reports the spec's
//! version (its example says 2.0.0, which would send creates to the route of
//! servers before 2.19), and `GET /api/stacks/2` is the example stack without
//! its `GitConfig`, so that the calls that need a stack deployed from a file
//! have one.

use std::future::Future;
use std::pin::Pin;

use portainer_sdk::models::{AutoUpdateSettings, SettingsUpdatePayload};
use portainer_sdk::{Error, GitSource};

use hyper::body::Bytes;

use super::{Cx, Exchange, split_violations};

/// The stack the proxy answers without its `GitConfig`.
const NOT_GIT: &str = "/api/stacks/2";

/// Prism's answer to `GET target`, edited as the module documentation says.
pub(crate) fn fixture(target: &str, body: Bytes) -> Bytes {
    let edit = |f: &dyn Fn(&mut serde_json::Map<String, serde_json::Value>)| {
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(serde_json::Value::Object(mut object)) => {
                f(&mut object);
                Bytes::from(serde_json::to_vec(&object).unwrap_or_default())
            }
            _ => body.clone(),
        }
    };
    match target {
        NOT_GIT => edit(&|stack| {
            stack.remove("GitConfig");
        }),
        "/api/system/status" => edit(&|status| {
            use portainer_sdk::generated::{Client, ClientInfo, Hooks};
            let version = <Client as ClientInfo<Hooks>>::api_version();
            status.insert("Version".into(), version.into());
        }),
        _ => body,
    }
}

type Call<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + 'a>>;

/// Every call: a name and what it runs.
fn calls<'a>(cx: &'a Cx, file: &'a std::path::Path) -> Vec<(&'static str, Call<'a>)> {
    let c = &cx.api_key;
    let s = c.stacks();
    let git = || {
        GitSource::new("https://github.com/portainer/example.git")
            .reference("refs/heads/main")
            .credentials("bot", "token")
            .auto_update(AutoUpdateSettings {
                interval: Some("5m".into()),
                ..Default::default()
            })
    };
    fn ok<T>(_: T) {}
    vec![
        (
            "stacks().list()",
            Box::pin(async move { s.list().send().await.map(ok) }),
        ),
        (
            "stacks().list().endpoint().swarm_id()",
            Box::pin(async move {
                s.list()
                    .endpoint(1)
                    .swarm_id("jpofkc0i9uo9wtx1zesuk649w")
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().get()",
            Box::pin(async move { s.get(1).await.map(ok) }),
        ),
        (
            "stacks().file()",
            Box::pin(async move { s.file(1).await.map(ok) }),
        ),
        (
            "stacks().create_compose().content()",
            Box::pin(async move {
                s.create_compose(1, "web")
                    .content("services: {}\n")
                    .env_var("A", "1")
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().create_compose().file()",
            Box::pin(async move { s.create_compose(1, "web").file(file).send().await.map(ok) }),
        ),
        (
            "stacks().create_compose().git()",
            Box::pin(async move { s.create_compose(1, "web").git(git()).send().await.map(ok) }),
        ),
        (
            "stacks().create_swarm().content()",
            Box::pin(async move {
                s.create_swarm(1, "web")
                    .swarm_id("jpofkc0i9uo9wtx1zesuk649w")
                    .content("services: {}\n")
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().create_swarm().file()",
            Box::pin(async move {
                s.create_swarm(1, "web")
                    .swarm_id("jpofkc0i9uo9wtx1zesuk649w")
                    .file(file)
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().create_swarm().git()",
            Box::pin(async move {
                s.create_swarm(1, "web")
                    .swarm_id("jpofkc0i9uo9wtx1zesuk649w")
                    .git(git())
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().create_kubernetes().content()",
            Box::pin(async move {
                s.create_kubernetes(1, "myStack")
                    .namespace("default")
                    .content("kind: Namespace\n")
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().create_kubernetes().git()",
            Box::pin(async move {
                s.create_kubernetes(1, "myStack")
                    .git(git().path("k8s/app.yaml"))
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().create_kubernetes().url()",
            Box::pin(async move {
                s.create_kubernetes(1, "myStack")
                    .url("https://example.com/app.yaml")
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().update()",
            Box::pin(async move {
                s.update(2)
                    .set_env("A", "2")
                    .pull_image(true)
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().update().content()",
            Box::pin(async move {
                s.update(2)
                    .content("services: {}\n")
                    .prune(true)
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().redeploy_git()",
            Box::pin(async move {
                s.redeploy_git(1)
                    .set_env("A", "2")
                    .pull_image(true)
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().update_git_settings()",
            Box::pin(async move {
                s.update_git_settings(1)
                    .reference("refs/tags/v2")
                    .disable_auto_update()
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().start()",
            Box::pin(async move { s.start(1).await.map(ok) }),
        ),
        (
            "stacks().stop()",
            Box::pin(async move { s.stop(1).await.map(ok) }),
        ),
        (
            "stacks().delete()",
            Box::pin(async move { s.delete(1).remove_volumes(true).send().await.map(ok) }),
        ),
        (
            "stacks().delete().endpoint()",
            Box::pin(async move { s.delete(1).endpoint(1).send().await.map(ok) }),
        ),
        (
            "stacks().deploy() of a new stack",
            Box::pin(async move {
                s.deploy(1, "fresh")
                    .content("services: {}\n")
                    .send()
                    .await
                    .map(ok)
            }),
        ),
        (
            "stacks().deploy() of a stack from git",
            Box::pin(async move { s.deploy(1, "myStack").git(git()).send().await.map(ok) }),
        ),
        (
            "settings().get()",
            Box::pin(async move { c.settings().get().await.map(ok) }),
        ),
        (
            "settings().public()",
            Box::pin(async move { c.settings().public().await.map(ok) }),
        ),
        (
            "settings().update()",
            Box::pin(async move {
                let patch = SettingsUpdatePayload {
                    snapshot_interval: Some("10m".into()),
                    trust_on_first_connect: Some(false),
                    ..Default::default()
                };
                c.settings().update(patch).await.map(ok)
            }),
        ),
        (
            "server_version()",
            Box::pin(async move { c.server_version().await.map(ok) }),
        ),
    ]
}

/// Why Prism did not take one of `seen`, if it did not.
fn refused(seen: &[Exchange]) -> Option<String> {
    seen.iter().find_map(|ex| {
        let (request, _) = split_violations(ex.violations.as_deref());
        let who = format!("{} {}", ex.method, ex.target);
        if !request.is_empty() {
            Some(format!("Prism refused {who}: {}", request.join("; ")))
        } else if matches!(ex.status, 400 | 401 | 404 | 405 | 422) {
            Some(format!("Prism answered HTTP {} to {who}", ex.status))
        } else {
            None
        }
    })
}

/// Runs every call; returns the report lines and whether all passed.
pub(crate) async fn run(cx: &Cx) -> (String, bool) {
    let dir = std::env::temp_dir().join(format!("contract-sdk-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("docker-compose.yml");
    let _ = std::fs::write(&file, "services: {}\n");
    let mut report = String::new();
    let mut failed = 0;
    let all = calls(cx, &file);
    let n = all.len();
    for (name, call) in all {
        cx.begin();
        let result = call.await;
        let seen = cx.since_mark();
        let verdict = match (result, refused(&seen)) {
            (_, Some(why)) => Err(why),
            (Err(e), None) => Err(format!("the call failed: {e}")),
            (Ok(()), None) if seen.is_empty() => Err("no request reached Prism".into()),
            (Ok(()), None) => Ok(seen.len()),
        };
        match verdict {
            Ok(requests) => report.push_str(&format!("ok     sdk {name}: {requests} request(s)\n")),
            Err(why) => {
                failed += 1;
                report.push_str(&format!("FAILED sdk {name}: {why}\n"));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    report.push_str(&format!(
        "contract-sdk: {n} calls, {} passed, {failed} failed\n",
        n - failed
    ));
    (report, failed == 0)
}

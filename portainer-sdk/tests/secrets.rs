//! Secret hygiene: the SDK's scenarios run under a tracing subscriber at
//! TRACE, and the API key, the JWT, the login password and a git password
//! appear nowhere in what it captured, nor in the `Debug`/`Display` output of
//! any public type or of any error, even when the server echoes the request's
//! headers and body back in its error pages.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portainer_sdk::models::{
    AuthenticateResponse, AutoUpdateSettings, PublicSettingsResponse, Settings,
    SettingsUpdatePayload, Stack, StackGitRedeployPayload,
};
use portainer_sdk::{
    ApiError, Client, Error, GitSource, RetryPolicy, SecretString, ServerVersion, TransportKind,
};

fn every(interval: &str) -> AutoUpdateSettings {
    AutoUpdateSettings {
        interval: Some(interval.into()),
        ..Default::default()
    }
}
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tracing_subscriber::fmt::format::FmtSpan;

const KEY: &str = "ptr_SECRETKEY_7f3a9c";
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.SECRETJWT_c2VjcmV0.sig_SECRET";
const PASSWORD: &str = "hunter2-SECRET-password";
const GIT_PASSWORD: &str = "ghp_SECRETGITTOKEN_0000";
const SECRETS: [&str; 4] = [KEY, JWT, PASSWORD, GIT_PASSWORD];

fn assert_clean(what: &str, text: &str) {
    for s in SECRETS {
        assert!(
            !text.contains(s),
            "{what} contains the secret {s:?}:\n{text}"
        );
    }
    // The JWT's parts are not secret-free either.
    assert!(
        !text.contains("SECRETJWT"),
        "{what} contains part of the JWT:\n{text}"
    );
}

/// Everything printed in a scenario, checked at the end.
#[derive(Default)]
struct Printed(Vec<String>);

impl Printed {
    fn debug(&mut self, v: &impl std::fmt::Debug) {
        self.0.push(format!("{v:?}"));
        self.0.push(format!("{v:#?}"));
    }
    fn both(&mut self, v: &(impl std::fmt::Debug + std::fmt::Display)) {
        self.debug(v);
        self.0.push(v.to_string());
    }
    fn result<T: std::fmt::Debug>(&mut self, r: &Result<T, Error>) {
        match r {
            Ok(v) => self.debug(v),
            Err(e) => self.error(e),
        }
    }
    fn error(&mut self, e: &Error) {
        self.both(e);
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            self.0.push(format!("{s} {s:?}"));
            source = s.source();
        }
    }
}

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A Portainer stand-in on loopback. Error responses echo the request's head
/// and body, as some proxies' debug pages do, so a secret sent is a secret
/// the SDK receives back.
async fn server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let other = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other_url = format!("http://{}", other.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let o = other_url.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = other.accept().await {
                tokio::spawn(conn(sock, o.clone()));
            }
        });
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(conn(sock, other_url.clone()));
        }
    });
    (url, task)
}

async fn conn(mut sock: tokio::net::TcpStream, other: String) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 8192];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let length: usize = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 8192];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = String::from_utf8_lossy(&buf[head_end..head_end + length]).into_owned();
        buf.drain(..head_end + length);
        let mut first = head.split_whitespace();
        let method = first.next().unwrap_or_default().to_owned();
        let target = first.next().unwrap_or_default().to_owned();
        let (status, extra, out) = route(&method, &target, &head, &body, &other);
        let resp = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}\r\n{out}",
            out.len()
        );
        if sock.write_all(resp.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn stack(id: i64, name: &str) -> serde_json::Value {
    serde_json::json!({
        "Id": id, "Name": name, "Type": 2, "EndpointId": 2, "SwarmId": "",
        "EntryPoint": "docker-compose.yml", "Env": [{"name": "TAG", "value": "1"}], "Status": 1,
        "ProjectPath": "/data/compose/1", "CreationDate": 1, "CreatedBy": "admin",
        "UpdateDate": 0, "UpdatedBy": "",
        "GitConfig": {"URL": "https://git.example.com/ops", "ReferenceName": "refs/heads/main",
            "ConfigFilePath": "compose.yml", "ConfigHash": "abc",
            "Authentication": {"Username": "bot", "Password": ""}, "TLSSkipVerify": false},
        "AutoUpdate": {"Interval": "5m", "Webhook": "", "ForceUpdate": false, "ForcePullImage": false}
    })
}

/// (status, extra header lines, body) for a request.
fn route(method: &str, target: &str, head: &str, body: &str, other: &str) -> (u16, String, String) {
    let path = target.split('?').next().unwrap_or_default();
    let echo = |status: u16, message: &str| {
        (
            status,
            String::new(),
            serde_json::json!({"message": message, "details": format!("request was:\n{head}{body}")})
                .to_string(),
        )
    };
    let ok = |v: serde_json::Value| (200, String::new(), v.to_string());
    match (method, path) {
        ("GET", "/api/system/status") => ok(serde_json::json!({"Version": "2.44.0"})),
        ("POST", "/api/auth") => {
            if body.contains(PASSWORD) {
                ok(serde_json::json!({"jwt": JWT}))
            } else {
                echo(422, "Invalid credentials")
            }
        }
        ("GET", "/api/stacks") => ok(serde_json::json!([stack(1, "web")])),
        ("GET", "/api/stacks/1") => ok(stack(1, "web")),
        ("GET", "/api/stacks/1/file") => ok(serde_json::json!({"StackFileContent": "a: 1\n"})),
        ("PUT", "/api/stacks/1") | ("PUT", "/api/stacks/1/git/redeploy") => ok(stack(1, "web")),
        ("POST", "/api/stacks/1/git") => ok(stack(1, "web")),
        ("POST", "/api/stacks/1/start") | ("POST", "/api/stacks/1/stop") => ok(stack(1, "web")),
        ("DELETE", "/api/stacks/1") => (204, String::new(), String::new()),
        ("POST", p) if p.starts_with("/api/stacks/create/") => ok(stack(2, "new")),
        ("GET", "/api/settings") => {
            ok(serde_json::json!({"LogoURL": "", "EnableTelemetry": false}))
        }
        ("GET", "/api/settings/public") => ok(serde_json::json!({"LogoURL": ""})),
        ("PUT", "/api/settings") => ok(serde_json::json!({"LogoURL": ""})),
        // Error pages that echo what they were sent.
        ("GET", "/api/stacks/401") => echo(401, "Unauthorized"),
        ("GET", "/api/stacks/403") => echo(403, "Access denied"),
        ("GET", "/api/stacks/404") => echo(
            404,
            "Unable to find a stack with the specified identifier inside the database",
        ),
        ("GET", "/api/stacks/409") => echo(409, "conflict"),
        ("GET", "/api/stacks/500") => echo(500, "boom"),
        // A success body that is not JSON and echoes the head.
        ("GET", "/api/stacks/600") => (
            200,
            String::new(),
            format!("<html><pre>{head}</pre></html>"),
        ),
        // A 503 that echoes, so retries are logged.
        ("GET", "/api/stacks/503") => echo(503, "restarting"),
        // A redirect to another port: the key must stay behind.
        ("GET", "/api/stacks/307") => (
            307,
            format!("location: {other}/api/stacks/echo\r\n"),
            String::new(),
        ),
        ("GET", "/api/stacks/echo") => echo(400, "echo"),
        _ => echo(404, "no route"),
    }
}

fn client(url: &str) -> Client {
    Client::builder(url)
        .api_key(KEY)
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
        .build()
        .unwrap()
}

async fn scenarios(url: &str, p: &mut Printed) {
    let builder = Client::builder(url).api_key(KEY);
    p.debug(&builder);
    p.debug(&Client::builder(url).jwt(JWT));
    let c = client(url);
    p.debug(&c);
    p.debug(&c.stacks());
    p.debug(&c.settings());

    p.result(&c.server_version().await);
    p.result(&c.stacks().list().send().await);
    p.result(&c.stacks().list().endpoint(2).swarm_id("s").send().await);
    p.result(&c.stacks().get(1).await);
    p.result(&c.stacks().file(1).await);
    p.result(&c.stacks().start(1).await);
    p.result(&c.stacks().stop(1).await);
    let update = c.stacks().update(1).set_env("TAG", "2").prune(true);
    p.debug(&update);
    p.result(&update.send().await);
    let redeploy = c
        .stacks()
        .redeploy_git(1)
        .credentials("bot", GIT_PASSWORD)
        .pull_image(true);
    p.debug(&redeploy);
    p.result(&redeploy.send().await);
    let git_settings = c
        .stacks()
        .update_git_settings(1)
        .credentials("bot", GIT_PASSWORD)
        .auto_update(every("1m"));
    p.debug(&git_settings);
    p.result(&git_settings.send().await);
    p.result(&c.stacks().delete(1).endpoint(2).send().await);

    let create = c
        .stacks()
        .create_compose(2, "new")
        .content("services: {}\n")
        .env([("A", "1")]);
    p.debug(&create);
    p.result(&create.send().await);
    let git = GitSource::new("https://git.example.com/ops")
        .credentials("bot", GIT_PASSWORD)
        .auto_update(every("5m"));
    p.debug(&git);
    let create_git = c.stacks().create_compose(2, "new").git(git);
    p.debug(&create_git);
    p.result(&create_git.send().await);
    let dir = std::env::temp_dir().join(format!("secrets-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("compose.yml");
    std::fs::write(&file, "services: {}\n").unwrap();
    p.result(&c.stacks().create_compose(2, "new").file(&file).send().await);
    let deploy = c.stacks().deploy(2, "web").content("a: 2\n");
    p.debug(&deploy);
    p.result(&deploy.send().await);
    let deploy_new = c.stacks().deploy(2, "fresh").file(&file);
    p.result(&deploy_new.send().await);
    std::fs::remove_dir_all(&dir).ok();

    p.result(&c.settings().get().await);
    p.result(&c.settings().public().await);
    let patch = SettingsUpdatePayload {
        logo_url: Some(Default::default()),
        trust_on_first_connect: Some(false),
        ..Default::default()
    };
    p.debug(&patch);
    p.result(&c.settings().update(patch).await);
    p.result(&c.settings().update(SettingsUpdatePayload::default()).await);

    // Every error status, each page echoing the key back.
    for id in [401, 403, 404, 409, 500, 503, 600, 307] {
        let r = c.stacks().get(id).await;
        let e = r.as_ref().expect_err("an error");
        if id != 600 && id != 307 {
            assert_eq!(e.status(), Some(id as u16), "{e:?}");
        }
        p.result(&r);
        if let Some(api) = e.api_error() {
            p.both(api);
        }
    }
    // The generated client, through the same transport.
    let raw = c.raw().stack_inspect().id(401).send().await;
    let e: Error = Error::from_generated(raw.unwrap_err()).await;
    assert_eq!(e.status(), Some(401));
    p.error(&e);
    let raw = c.raw().stack_list().send().await.map(|r| r.into_inner());
    p.debug(&raw.map_err(|e| e.to_string()));

    // Login with a password, then calls with the JWT; a wrong password.
    let anon = Client::builder(url).build().unwrap();
    assert!(anon.login("admin", PASSWORD).await.is_ok());
    p.debug(&anon);
    p.result(&anon.stacks().get(1).await);
    p.result(&anon.stacks().get(401).await);
    let wrong = Client::builder(url).build().unwrap();
    let r = wrong.login("admin", "not-it").await;
    p.result(&r);
    let jwt = Client::builder(url).jwt(JWT).build().unwrap();
    p.result(&jwt.stacks().get(403).await);

    // Transport errors: refused, timeout.
    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", refused.local_addr().unwrap());
    drop(refused);
    let r = Client::builder(&dead)
        .api_key(KEY)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .settings()
        .update(SettingsUpdatePayload {
            logo_url: Some(Default::default()),
            ..Default::default()
        })
        .await;
    p.result(&r);
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let r = Client::builder(&silent_url)
        .api_key(KEY)
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .stacks()
        .create_compose(2, "x")
        .content("a: 1\n")
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    p.result(&r);
    hold.abort();
}

#[tokio::test]
async fn trace_output_and_everything_printed_is_free_of_secrets() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (url, task) = server().await;
    let mut printed = Printed::default();
    scenarios(&url, &mut printed).await;
    task.abort();

    let trace = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    // The capture works: it has the SDK's spans and its retries.
    assert!(trace.contains("portainer.request"), "{trace}");
    assert!(trace.contains("retrying"), "{trace}");
    assert!(
        trace.contains("StackCreateDockerStandaloneString"),
        "{trace}"
    );
    assert_clean("the TRACE output", &trace);
    assert!(printed.0.len() > 100, "{}", printed.0.len());
    for text in &printed.0 {
        assert_clean("printed output", text);
    }
    // And the echo really carried the key back: what was redacted was there.
    assert!(
        printed.0.iter().any(|t| t.contains("x-api-key: ***")),
        "no echo seen"
    );
}

/// `Debug` and `Display` of every public type, and of every error variant
/// built by hand, with secrets wherever a field can hold one.
#[test]
fn every_public_type_and_error_variant_prints_without_secrets() {
    let mut p = Printed::default();
    p.debug(&SecretString::from(KEY));
    p.debug(&SecretString::from(JWT.to_owned()));
    p.debug(&portainer_sdk::ClientBuilder::from_env_fn(|n| match n {
        "PORTAINER_URL" => Some("https://p.example.com:9443".into()),
        "PORTAINER_API_KEY" => Some(KEY.into()),
        _ => None,
    }));
    p.debug(&RetryPolicy::default());
    for kind in [
        TransportKind::Connect,
        TransportKind::Tls,
        TransportKind::Timeout,
        TransportKind::Redirect,
        TransportKind::Io,
    ] {
        p.both(&kind);
    }
    p.both(&ServerVersion::parse("2.44.0"));
    let stack: Stack = serde_json::from_value({
        let mut s = stack(1, "web");
        s["GitConfig"]["Authentication"]["Password"] = GIT_PASSWORD.into();
        s
    })
    .unwrap();
    p.debug(&stack);
    p.debug(stack.git_config.as_ref().unwrap());
    p.debug(&stack.auto_update);
    p.debug(&stack.env);
    let settings: Settings = serde_json::from_str(r#"{"LogoURL":"x"}"#).unwrap();
    p.debug(&settings);
    let public: PublicSettingsResponse = serde_json::from_str(r#"{"LogoURL":"x"}"#).unwrap();
    p.debug(&public);
    // Models that carry secrets show them as `***`.
    let login: AuthenticateResponse =
        serde_json::from_value(serde_json::json!({ "jwt": JWT })).unwrap();
    p.debug(&login);
    p.debug(&StackGitRedeployPayload {
        repository_password: Some(GIT_PASSWORD.into()),
        ..Default::default()
    });
    p.debug(&GitSource::new("https://g.example.com/r").credentials("u", GIT_PASSWORD));

    let api = |status| ApiError {
        status,
        operation: Some("StackInspect"),
        message: Some("m".into()),
        details: Some("d".into()),
        body_snippet: Some("<html>".into()),
    };
    let variants = vec![
        Error::Unauthorized(api(401)),
        Error::Forbidden(api(403)),
        Error::NotFound(api(404)),
        Error::Conflict(api(409)),
        Error::Api(api(500)),
        Error::InvalidInput("a stack needs a name".into()),
        Error::Config("environment variable PORTAINER_URL is not set".into()),
        Error::ResponseTooLarge {
            operation: "StackList",
            status: 200,
            limit: 1,
        },
        Error::Decode {
            status: 200,
            operation: "StackList",
            snippet: "<html>".into(),
            source: serde_json::from_str::<i64>("x").unwrap_err(),
        },
    ];
    for e in &variants {
        p.error(e);
        p.debug(&e.api_error());
    }
    for text in &p.0 {
        assert_clean("printed output", text);
    }
    // Transport, Decode from the wire and Config from the builder come from the scenarios above.
    let e = Client::builder("https://p.example.com")
        .api_key("bad\nkey")
        .build()
        .unwrap_err();
    assert_clean("a config error", &format!("{e} {e:?}"));
    let e = Client::builder(format!("https://admin:{PASSWORD}@p.example.com"))
        .build()
        .unwrap_err();
    assert_clean("a config error", &format!("{e} {e:?}"));
}

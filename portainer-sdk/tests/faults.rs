//! Faults on loopback: a local server that misbehaves on purpose. Every fault
//! ends in a typed error within the configured timeout, without a panic or a
//! hang; GETs get through injected 503s and resets; a stack create whose
//! response is lost is not resent and says its outcome is unknown, and
//! `deploy` then converges to one stack. RELIABILITY.md lists these tests.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portainer_sdk::{Client, Error, RetryPolicy, TransportKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: &str = "ptr_faults_key_5ecret";

/// The per-attempt timeout of the clients here: every test must end well within it
/// (times the attempts), which is what "no hang" means.
const TIMEOUT: Duration = Duration::from_secs(3);

/// A request as the fault server read it.
#[derive(Debug, Clone)]
struct Req {
    method: String,
    target: String,
    body: Vec<u8>,
}

impl Req {
    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

/// What the server does with one request.
enum Action {
    /// Write these bytes (a whole response, head and body) and keep the connection.
    Raw(Vec<u8>),
    /// Reset the connection (RST) without answering.
    Reset,
    /// Write the bytes, then reset.
    ThenReset(Vec<u8>),
    /// Write the bytes, then close (FIN), although the head promised more.
    ThenClose(Vec<u8>),
    /// Write the bytes, then hold the connection open, silent.
    ThenStall(Vec<u8>),
    /// A 200 JSON body sent with chunked encoding, `piece` bytes per chunk.
    Chunked { body: Vec<u8>, piece: usize },
    /// A 200 whose body is `total` bytes of JSON-ish filler, streamed.
    Stream {
        status: u16,
        total: u64,
        length_header: bool,
    },
}

type Handler = Arc<dyn Fn(usize, &Req) -> Action + Send + Sync>;

/// A misbehaving HTTP/1.1 server on 127.0.0.1.
struct FaultServer {
    url: String,
    /// Connections accepted.
    accepted: Arc<AtomicUsize>,
    /// Requests read, in order.
    requests: Arc<Mutex<Vec<Req>>>,
    /// Body bytes the `Stream` action managed to write.
    streamed: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultServer {
    async fn start(handler: impl Fn(usize, &Req) -> Action + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let accepted = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let streamed = Arc::new(AtomicU64::new(0));
        let handler: Handler = Arc::new(handler);
        let (a, r, s) = (accepted.clone(), requests.clone(), streamed.clone());
        let task = tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            while let Ok((sock, _)) = listener.accept().await {
                a.fetch_add(1, Ordering::SeqCst);
                conns.spawn(serve(sock, handler.clone(), r.clone(), s.clone()));
            }
        });
        Self {
            url,
            accepted,
            requests,
            streamed,
            task,
        }
    }

    fn requests(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }

    fn count(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path() == path)
            .count()
    }
}

async fn serve(
    mut sock: TcpStream,
    handler: Handler,
    log: Arc<Mutex<Vec<Req>>>,
    streamed: Arc<AtomicU64>,
) {
    let mut buf = Vec::new();
    loop {
        let Some(req) = read_request(&mut sock, &mut buf).await else {
            return;
        };
        let n = {
            let mut l = log.lock().unwrap();
            l.push(req.clone());
            l.len() - 1
        };
        match handler(n, &req) {
            Action::Raw(bytes) => {
                if sock.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Action::Reset => {
                let _ = sock.set_zero_linger();
                return;
            }
            Action::ThenReset(bytes) => {
                let _ = sock.write_all(&bytes).await;
                let _ = sock.flush().await;
                let _ = sock.set_zero_linger();
                return;
            }
            Action::ThenClose(bytes) => {
                let _ = sock.write_all(&bytes).await;
                let _ = sock.shutdown().await;
                return;
            }
            Action::ThenStall(bytes) => {
                let _ = sock.write_all(&bytes).await;
                // Silent until the client gives up and closes.
                let mut sink = [0u8; 64];
                let _ = sock.read(&mut sink).await;
                return;
            }
            Action::Chunked { body, piece } => {
                let mut out =
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                        .to_vec();
                for chunk in body.chunks(piece.max(1)) {
                    out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    out.extend_from_slice(chunk);
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b"0\r\n\r\n");
                if sock.write_all(&out).await.is_err() {
                    return;
                }
            }
            Action::Stream {
                status,
                total,
                length_header,
            } => {
                let length = if length_header {
                    format!("content-length: {total}\r\n")
                } else {
                    "transfer-encoding: chunked\r\n".to_owned()
                };
                let head = format!(
                    "HTTP/1.1 {status} Whatever\r\ncontent-type: application/json\r\n{length}\r\n"
                );
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = 0u64;
                while sent < total {
                    let n = chunk.len().min((total - sent) as usize);
                    let ok = if length_header {
                        sock.write_all(&chunk[..n]).await.is_ok()
                    } else {
                        let mut framed = format!("{n:x}\r\n").into_bytes();
                        framed.extend_from_slice(&chunk[..n]);
                        framed.extend_from_slice(b"\r\n");
                        sock.write_all(&framed).await.is_ok()
                    };
                    if !ok {
                        return;
                    }
                    sent += n as u64;
                    streamed.fetch_add(n as u64, Ordering::SeqCst);
                }
                if !length_header {
                    let _ = sock.write_all(b"0\r\n\r\n").await;
                }
            }
        }
    }
}

/// Reads one request (head and `content-length` body); `None` at EOF.
async fn read_request(sock: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Req> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 8192];
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.lines();
    let mut first = lines.next()?.split_whitespace();
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let length: usize = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let mut chunk = [0u8; 8192];
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_end..head_end + length].to_vec();
    buf.drain(..head_end + length);
    Some(Req {
        method,
        target,
        body,
    })
}

/// A complete response.
fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} Whatever\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

fn json(status: u16, body: &str) -> Vec<u8> {
    response(
        status,
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
}

fn stack(id: i64, name: &str, endpoint: i64) -> serde_json::Value {
    serde_json::json!({
        "Id": id, "Name": name, "Type": 2, "EndpointId": endpoint, "SwarmId": "",
        "EntryPoint": "docker-compose.yml", "Env": [], "Status": 1,
        "ProjectPath": format!("/data/compose/{id}"), "CreationDate": 1_700_000_000,
        "CreatedBy": "admin", "UpdateDate": 0, "UpdatedBy": ""
    })
}

fn stacks_body() -> String {
    serde_json::json!([stack(1, "web", 2), stack(2, "db", 2)]).to_string()
}

fn fast_retries(n: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(n)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

fn client(url: &str, retry: RetryPolicy) -> Client {
    Client::builder(url)
        .api_key(KEY)
        .timeout(TIMEOUT)
        .deploy_timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .retry(retry)
        .build()
        .unwrap()
}

/// Runs `f`, failing the test if it takes longer than `limit`.
async fn within<T>(limit: Duration, f: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let out = tokio::time::timeout(limit, f)
        .await
        .unwrap_or_else(|_| panic!("still running after {limit:?}: a hang"));
    assert!(started.elapsed() <= limit);
    out
}

fn assert_transport(e: &Error, want: TransportKind) {
    match e {
        Error::Transport { kind, .. } => assert_eq!(*kind, want, "{e:?}"),
        other => panic!("expected a {want:?} transport error, got {other:?}"),
    }
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(KEY), "{shown}");
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let c = client(&url, fast_retries(2));
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    assert_transport(&e, TransportKind::Connect);
    assert!(!e.outcome_unknown());
    // Nothing reached a server: a create may say so too.
    let e = within(
        TIMEOUT,
        c.settings()
            .update(portainer_sdk::models::SettingsUpdatePayload {
                logo_url: Some(Default::default()),
                ..Default::default()
            }),
    )
    .await
    .unwrap_err();
    assert_transport(&e, TransportKind::Connect);
    assert!(
        !e.outcome_unknown(),
        "a refused connection sent nothing: {e}"
    );
}

#[tokio::test]
async fn reset_before_the_head_is_retried_for_get_then_fails_typed() {
    let server = FaultServer::start(|_, _| Action::Reset).await;
    let c = client(&server.url, fast_retries(2));
    let e = within(TIMEOUT, c.stacks().get(1)).await.unwrap_err();
    assert_transport(&e, TransportKind::Io);
    assert!(!e.outcome_unknown(), "a GET changes nothing");
    assert_eq!(
        server.count("GET", "/api/stacks/1"),
        3,
        "sent once, retried twice"
    );
}

#[tokio::test]
async fn reset_before_the_head_of_a_put_is_not_resent_and_the_outcome_is_unknown() {
    let server = FaultServer::start(|_, _| Action::Reset).await;
    let c = client(&server.url, fast_retries(3));
    let e = within(
        TIMEOUT,
        c.settings()
            .update(portainer_sdk::models::SettingsUpdatePayload {
                logo_url: Some(Default::default()),
                ..Default::default()
            }),
    )
    .await
    .unwrap_err();
    assert_transport(&e, TransportKind::Io);
    assert!(e.outcome_unknown(), "{e:?}");
    assert!(e.to_string().contains("outcome is unknown"), "{e}");
    assert_eq!(server.count("PUT", "/api/settings"), 1);
}

#[tokio::test]
async fn reset_after_the_head_is_retried_for_get() {
    // The first attempt gets a head promising a body, then a reset; the second
    // attempt gets the stacks.
    let server = FaultServer::start(|n, _| {
        if n == 0 {
            Action::ThenReset(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n[{\"Id\":"
                    .to_vec(),
            )
        } else {
            Action::Raw(json(200, &stacks_body()))
        }
    })
    .await;
    let c = client(&server.url, fast_retries(2));
    let stacks = within(TIMEOUT, c.stacks().list().send()).await.unwrap();
    assert_eq!(stacks.len(), 2);
    assert_eq!(server.count("GET", "/api/stacks"), 2);
}

#[tokio::test]
async fn a_stack_list_in_tiny_chunks_decodes_as_it_would_whole() {
    // The SDK decodes stacks while the body arrives; a body cut into 7-byte
    // chunks (mid-key, mid-number, mid-character) must give the same list,
    // also when the reader gives up half-way (an escaped key) and serde
    // decodes the whole body instead.
    let mut many: Vec<serde_json::Value> = (1..=40).map(|i| stack(i, "wéb", 2)).collect();
    let plain = serde_json::to_vec(&many).unwrap();
    many[30]["N\u{0}x"] = serde_json::json!(1);
    let escaped = serde_json::to_vec(&many).unwrap();
    for body in [plain, escaped] {
        let expected: Vec<portainer_sdk::models::Stack> = serde_json::from_slice(&body).unwrap();
        let served = body.clone();
        let server = FaultServer::start(move |_, _| Action::Chunked {
            body: served.clone(),
            piece: 7,
        })
        .await;
        let c = client(&server.url, fast_retries(0));
        let stacks = within(TIMEOUT, c.stacks().list().send()).await.unwrap();
        assert_eq!(stacks, expected);
    }
}

#[tokio::test]
async fn reset_after_the_head_every_time_is_a_typed_error() {
    let server = FaultServer::start(|_, _| {
        Action::ThenReset(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n"
                .to_vec(),
        )
    })
    .await;
    let c = client(&server.url, fast_retries(2));
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    assert_transport(&e, TransportKind::Io);
    assert_eq!(server.count("GET", "/api/stacks"), 3);
}

#[tokio::test]
async fn a_body_cut_short_is_a_typed_error_after_retries() {
    let server = FaultServer::start(|_, _| {
        let mut head =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4000\r\n\r\n"
                .to_vec();
        head.extend_from_slice(&stacks_body().as_bytes()[..100]);
        Action::ThenClose(head)
    })
    .await;
    let c = client(&server.url, fast_retries(1));
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    assert_transport(&e, TransportKind::Io);
    assert_eq!(server.count("GET", "/api/stacks"), 2);
}

#[tokio::test]
async fn a_chunked_body_cut_short_is_a_typed_error() {
    let server = FaultServer::start(|_, _| {
        Action::ThenClose(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n10\r\n[{\"Id\":1,\"Name\":"
                .to_vec(),
        )
    })
    .await;
    let c = client(&server.url, RetryPolicy::none());
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    assert_transport(&e, TransportKind::Io);
}

#[tokio::test]
async fn a_stall_mid_body_times_out_within_the_timeout() {
    let server = FaultServer::start(|_, _| {
        Action::ThenStall(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4000\r\n\r\n[{\"Id\":1"
                .to_vec(),
        )
    })
    .await;
    let timeout = Duration::from_millis(400);
    let c = Client::builder(&server.url)
        .api_key(KEY)
        .timeout(timeout)
        .retry(fast_retries(3))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert_transport(&e, TransportKind::Timeout);
    // Timeouts are not retried: one attempt, ended by its timeout.
    assert!(started.elapsed() >= timeout);
    assert!(started.elapsed() < timeout * 3, "{:?}", started.elapsed());
    assert_eq!(server.count("GET", "/api/stacks"), 1);
}

#[tokio::test]
async fn a_stall_before_the_head_times_out_within_the_timeout() {
    let server = FaultServer::start(|_, _| Action::ThenStall(Vec::new())).await;
    let timeout = Duration::from_millis(300);
    let c = Client::builder(&server.url)
        .api_key(KEY)
        .timeout(timeout)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = within(TIMEOUT, c.settings().get()).await.unwrap_err();
    assert_transport(&e, TransportKind::Timeout);
}

/// 429, 502 and 503, with no `Retry-After`, with `Retry-After: 0`, and with an
/// HTTP date in the past: GETs are retried up to the limit, then the status
/// comes back as an API error with Portainer's message.
#[tokio::test]
async fn busy_statuses_with_and_without_retry_after() {
    let past = "Wed, 21 Oct 2015 07:28:00 GMT";
    for status in [429u16, 502, 503] {
        for retry_after in [None, Some("0"), Some(past)] {
            let server = FaultServer::start(move |_, _| {
                let body = br#"{"message":"busy","details":"try later"}"#;
                let mut headers = vec![("content-type", "application/json")];
                if let Some(r) = retry_after {
                    headers.push(("retry-after", r));
                }
                Action::Raw(response(status, &headers, body))
            })
            .await;
            let c = client(&server.url, fast_retries(2));
            let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
            assert!(
                matches!(e, Error::Api(_)),
                "{status} {retry_after:?}: {e:?}"
            );
            assert_eq!(e.status(), Some(status));
            assert_eq!(e.message(), Some("busy"));
            assert_eq!(e.details(), Some("try later"));
            assert_eq!(
                server.count("GET", "/api/stacks"),
                3,
                "{status} {retry_after:?}"
            );
        }
    }
}

#[tokio::test]
async fn retry_after_one_second_is_waited_for() {
    let server = FaultServer::start(|n, _| {
        if n == 0 {
            Action::Raw(response(503, &[("retry-after", "1")], b""))
        } else {
            Action::Raw(json(200, &stacks_body()))
        }
    })
    .await;
    let c = client(&server.url, fast_retries(2));
    let started = Instant::now();
    let stacks = within(TIMEOUT, c.stacks().list().send()).await.unwrap();
    assert_eq!(stacks.len(), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    // The 503 left the connection usable: the retry went over the same socket.
    assert_eq!(server.accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_returns_the_status_at_once() {
    let server =
        FaultServer::start(|_, _| Action::Raw(response(429, &[("retry-after", "3600")], b"")))
            .await;
    let c = client(
        &server.url,
        fast_retries(3).max_retry_after(Duration::from_secs(5)),
    );
    let e = within(Duration::from_secs(2), c.stacks().list().send())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(429));
    assert_eq!(server.count("GET", "/api/stacks"), 1);
}

#[tokio::test]
async fn busy_statuses_on_a_post_are_not_retried() {
    for status in [429u16, 502, 503] {
        let server = FaultServer::start(move |_, req| match req.path() {
            "/api/system/status" => Action::Raw(json(200, r#"{"Version":"2.44.0"}"#)),
            _ => Action::Raw(response(status, &[], b"")),
        })
        .await;
        let c = client(&server.url, fast_retries(3));
        let e = within(
            TIMEOUT,
            c.stacks()
                .create_compose(2, "web")
                .content("services: {}\n")
                .send(),
        )
        .await
        .unwrap_err();
        assert_eq!(e.status(), Some(status));
        assert!(!e.outcome_unknown(), "a status is an answer: {e}");
        assert_eq!(
            server.count("POST", "/api/stacks/create/standalone/string"),
            1
        );
    }
}

#[tokio::test]
async fn invalid_utf8_bodies_are_typed_errors_with_a_snippet() {
    let server = FaultServer::start(|_, req| match req.path() {
        // A success whose body is not UTF-8 at all.
        "/api/stacks" => ok_body(b"\xff\xfe[\x00{\x00"),
        // Invalid UTF-8 inside a JSON string.
        "/api/stacks/1" => ok_body(b"{\"Id\":1,\"Name\":\"w\xffb\"}"),
        // An error whose body is not UTF-8.
        _ => Action::Raw(response(
            500,
            &[("content-type", "text/plain")],
            b"oops \xc3\x28 broken",
        )),
    })
    .await;
    let c = client(&server.url, RetryPolicy::none());
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    match &e {
        Error::Decode {
            status, operation, ..
        } => assert_eq!((*status, *operation), (200, "StackList")),
        other => panic!("{other:?}"),
    }
    let e = within(TIMEOUT, c.stacks().get(1)).await.unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    let e = within(TIMEOUT, c.settings().get()).await.unwrap_err();
    let api = e.api_error().expect("an API error");
    assert_eq!(api.status, 500);
    assert!(
        api.body_snippet.as_deref().unwrap().starts_with("oops"),
        "{api:?}"
    );
}

/// A 200 JSON response with exactly these body bytes.
fn ok_body(body: &[u8]) -> Action {
    Action::Raw(response(200, &[("content-type", "application/json")], body))
}

#[tokio::test]
async fn wrong_content_types() {
    let html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let server = FaultServer::start(move |_, req| match req.path() {
        // A proxy's login page with a 200.
        "/api/stacks" => Action::Raw(response(200, &[("content-type", "text/html")], html)),
        // Valid JSON, labelled as text: the body is what counts.
        "/api/stacks/1" => Action::Raw(response(
            200,
            &[("content-type", "text/plain")],
            stack(1, "web", 2).to_string().as_bytes(),
        )),
        // A proxy's error page.
        _ => Action::Raw(response(502, &[("content-type", "text/html")], html)),
    })
    .await;
    let c = client(&server.url, RetryPolicy::none());
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    match &e {
        Error::Decode { snippet, .. } => assert!(snippet.contains("502 Bad Gateway"), "{snippet}"),
        other => panic!("{other:?}"),
    }
    let s = within(TIMEOUT, c.stacks().get(1)).await.unwrap();
    assert_eq!(s.name.as_deref(), Some("web"));
    let e = within(TIMEOUT, c.settings().get()).await.unwrap_err();
    assert_eq!(e.status(), Some(502));
    assert!(e.to_string().contains("502 Bad Gateway"), "{e}");
}

const HUGE: u64 = 300 * 1024 * 1024;

fn huge_server(length_header: bool, status: u16) -> impl Future<Output = FaultServer> {
    FaultServer::start(move |_, _| Action::Stream {
        status,
        total: HUGE,
        length_header,
    })
}

#[tokio::test]
async fn a_huge_announced_body_fails_before_reading_it() {
    let server = huge_server(true, 200).await;
    let c = Client::builder(&server.url)
        .api_key(KEY)
        .max_body_size(1024 * 1024)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    match &e {
        Error::ResponseTooLarge {
            operation,
            status,
            limit,
        } => assert_eq!(
            (*operation, *status, *limit),
            ("StackList", 200, 1024 * 1024)
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(e.status(), Some(200));
    // Reading stopped at once: the server could write no more than the socket buffers hold.
    assert!(server.streamed.load(Ordering::SeqCst) < HUGE / 4);
}

#[tokio::test]
async fn a_huge_chunked_body_stops_at_the_limit() {
    let server = huge_server(false, 200).await;
    let limit = 2 * 1024 * 1024;
    let c = Client::builder(&server.url)
        .api_key(KEY)
        .max_body_size(limit)
        .retry(fast_retries(3))
        .build()
        .unwrap();
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    assert!(matches!(e, Error::ResponseTooLarge { .. }), "{e:?}");
    assert!(e.to_string().contains("maximum body size"), "{e}");
    // Not retried (the next answer would be as large), and read no further
    // than the limit plus what was in flight.
    assert_eq!(server.count("GET", "/api/stacks"), 1);
    let written = server.streamed.load(Ordering::SeqCst);
    assert!(written < limit as u64 + 32 * 1024 * 1024, "{written}");
}

#[tokio::test]
async fn the_default_body_limit_applies() {
    let server = huge_server(false, 200).await;
    let c = client(&server.url, RetryPolicy::none());
    let e = within(Duration::from_secs(20), c.stacks().get(1))
        .await
        .unwrap_err();
    match e {
        Error::ResponseTooLarge { limit, .. } => {
            assert_eq!(limit, portainer_sdk::DEFAULT_MAX_BODY_SIZE)
        }
        other => panic!("{other:?}"),
    }
    let written = server.streamed.load(Ordering::SeqCst);
    assert!(written < HUGE, "the whole body was read: {written}");
}

/// The requests the spec has no operation for (here the Docker proxy) read
/// their bodies through the same limit as the generated ones.
#[tokio::test]
async fn a_huge_proxied_body_fails_at_the_limit() {
    let server = huge_server(false, 200).await;
    let limit = 1024 * 1024;
    let c = Client::builder(&server.url)
        .api_key(KEY)
        .max_body_size(limit)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let r: Result<serde_json::Value, Error> = within(TIMEOUT, c.docker(1).get("/info")).await;
    match r.unwrap_err() {
        Error::ResponseTooLarge {
            operation,
            status,
            limit: l,
        } => assert_eq!((operation, status, l), ("DockerProxy", 200, limit)),
        other => panic!("{other:?}"),
    }
    let written = server.streamed.load(Ordering::SeqCst);
    assert!(written < HUGE / 4, "{written}");
}

/// A proxied `POST` broken before its answer is not resent, and says its
/// outcome is unknown, like a generated operation's.
#[tokio::test]
async fn reset_of_a_proxied_post_is_not_resent_and_the_outcome_is_unknown() {
    let server = FaultServer::start(|_, _| Action::Reset).await;
    let c = client(&server.url, fast_retries(3));
    let e = within(TIMEOUT, c.docker(1).start("web")).await.unwrap_err();
    assert_transport(&e, TransportKind::Io);
    assert!(e.outcome_unknown(), "{e:?}");
    assert!(e.to_string().contains("DockerContainerStart"), "{e}");
    assert_eq!(
        server.count("POST", "/api/endpoints/1/docker/containers/web/start"),
        1
    );
}

#[tokio::test]
async fn a_huge_error_body_keeps_the_status_and_a_snippet() {
    let server = huge_server(false, 500).await;
    let c = client(&server.url, RetryPolicy::none());
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    assert_eq!(e.status(), Some(500), "{e:?}");
    let written = server.streamed.load(Ordering::SeqCst);
    assert!(written < HUGE / 4, "{written}");
}

#[tokio::test]
async fn a_redirect_loop_is_bounded() {
    let server = FaultServer::start(|_, req| {
        let to = req.target.clone();
        Action::Raw(response(302, &[("location", &to)], b""))
    })
    .await;
    let c = Client::builder(&server.url)
        .api_key(KEY)
        .max_redirects(4)
        .retry(fast_retries(2))
        .build()
        .unwrap();
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    assert_transport(&e, TransportKind::Redirect);
    assert_eq!(
        server.count("GET", "/api/stacks"),
        5,
        "the request and 4 hops"
    );
}

#[tokio::test]
async fn a_redirect_to_a_refused_port_is_a_connect_error() {
    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let to = format!("http://{}/api/stacks", refused.local_addr().unwrap());
    drop(refused);
    let server =
        FaultServer::start(move |_, _| Action::Raw(response(307, &[("location", &to)], b""))).await;
    let c = client(&server.url, RetryPolicy::none());
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    assert_transport(&e, TransportKind::Connect);
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_typed_error() {
    let server = FaultServer::start(|_, _| {
        Action::ThenClose(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02".to_vec())
    })
    .await;
    let c = client(&server.url, fast_retries(1));
    let e = within(TIMEOUT, c.stacks().list().send()).await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
}

/// Which of the requests `n` (0-based, in arrival order) the flaky server
/// spoils: three in a row out of every ten, 30%, deterministic. Alternates
/// between a 503, a reset before the head and a reset after it.
fn spoiled(n: usize) -> Option<usize> {
    (n % 10 < 3).then_some(n % 3)
}

#[tokio::test]
async fn gets_succeed_through_30_percent_injected_503s_and_resets() {
    let server = FaultServer::start(|n, req| match spoiled(n) {
        Some(0) => Action::Raw(response(503, &[], b"")),
        Some(1) => Action::Reset,
        Some(_) => Action::ThenReset(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 900\r\n\r\n["
                .to_vec(),
        ),
        None if req.path() == "/api/stacks" => Action::Raw(json(200, &stacks_body())),
        None => Action::Raw(json(200, &stack(1, "web", 2).to_string())),
    })
    .await;
    // Three retries (the default count) ride out a burst of three.
    let c = client(&server.url, fast_retries(3));
    let calls = 120;
    for i in 0..calls {
        if i % 2 == 0 {
            let s = within(TIMEOUT, c.stacks().list().send()).await;
            assert_eq!(s.unwrap_or_else(|e| panic!("call {i}: {e}")).len(), 2);
        } else {
            let s = within(TIMEOUT, c.stacks().get(1)).await;
            assert_eq!(s.unwrap_or_else(|e| panic!("call {i}: {e}")).id, Some(1));
        }
    }
    let requests = server.requests().len();
    let faults = (0..requests).filter(|n| spoiled(*n).is_some()).count();
    assert_eq!(requests - faults, calls, "every call succeeded once");
    assert!(
        faults * 10 >= requests * 3 - 30,
        "{faults} faults in {requests}"
    );
}

/// A tiny stateful Portainer: stacks in memory, and a create that succeeds
/// on the server but whose connection is reset before the response.
#[derive(Default)]
struct Portainer {
    stacks: BTreeMap<i64, serde_json::Value>,
    next_id: i64,
    reset_next_create: bool,
}

impl Portainer {
    fn handle(&mut self, req: &Req) -> Action {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let endpoint: i64 = req
            .target
            .split_once("endpointId=")
            .and_then(|(_, v)| v.split('&').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        match (req.method.as_str(), req.path()) {
            ("GET", "/api/system/status") => Action::Raw(json(200, r#"{"Version":"2.44.0"}"#)),
            // A standalone Docker environment: `deploy` creates compose stacks there.
            ("GET", path) if path.starts_with("/api/endpoints/") => Action::Raw(json(
                200,
                r#"{"Id":2,"Name":"local","Type":1,"Snapshots":[]}"#,
            )),
            ("GET", "/api/stacks") => {
                let all: Vec<_> = self.stacks.values().cloned().collect();
                Action::Raw(json(200, &serde_json::Value::Array(all).to_string()))
            }
            ("POST", "/api/stacks/create/standalone/string") => {
                let name = body["Name"].as_str().unwrap_or_default().to_owned();
                if self.stacks.values().any(|s| s["Name"] == name.as_str()) {
                    return Action::Raw(json(
                        409,
                        r#"{"message":"A stack with the normalized name 'web' already exists"}"#,
                    ));
                }
                self.next_id += 1;
                let s = stack(self.next_id, &name, endpoint);
                self.stacks.insert(self.next_id, s.clone());
                if std::mem::take(&mut self.reset_next_create) {
                    // Created, but the answer is lost.
                    return Action::Reset;
                }
                Action::Raw(json(200, &s.to_string()))
            }
            ("PUT", path) if path.starts_with("/api/stacks/") => {
                let id: i64 = path["/api/stacks/".len()..].parse().unwrap_or(0);
                match self.stacks.get_mut(&id) {
                    Some(s) => {
                        s["Env"] = body["Env"].clone();
                        s["UpdateDate"] = serde_json::json!(1_700_000_100);
                        Action::Raw(json(200, &s.to_string()))
                    }
                    None => Action::Raw(json(404, r#"{"message":"Unable to find a stack"}"#)),
                }
            }
            _ => Action::Raw(json(404, r#"{"message":"no route"}"#)),
        }
    }
}

#[tokio::test]
async fn a_create_reset_after_sending_is_not_retried_and_deploy_converges_to_one_stack() {
    let state = Arc::new(Mutex::new(Portainer {
        reset_next_create: true,
        ..Portainer::default()
    }));
    let s = state.clone();
    let server = FaultServer::start(move |_, req| s.lock().unwrap().handle(req)).await;
    // Even with generous retries, a create is never resent.
    let c = client(&server.url, fast_retries(5));
    let compose = "services:\n  web:\n    image: nginx:1.27\n";

    let e = within(
        TIMEOUT,
        c.stacks().create_compose(2, "web").content(compose).send(),
    )
    .await
    .unwrap_err();
    assert_transport(&e, TransportKind::Io);
    assert!(e.outcome_unknown(), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("outcome is unknown"), "{text}");
    assert!(text.contains("StackCreateDockerStandaloneString"), "{text}");
    assert_eq!(
        server.count("POST", "/api/stacks/create/standalone/string"),
        1
    );
    assert_eq!(
        state.lock().unwrap().stacks.len(),
        1,
        "the server did create it"
    );

    // What a CI job does next: deploy by name, twice. One stack either way.
    for _ in 0..2 {
        let d = within(
            TIMEOUT,
            c.stacks()
                .deploy(2, "web")
                .content(compose)
                .env([("TAG", "1.27")])
                .send(),
        )
        .await
        .unwrap();
        assert!(!d.was_created(), "{d:?}");
        assert_eq!(d.stack().id, Some(1));
    }
    let st = state.lock().unwrap();
    assert_eq!(st.stacks.len(), 1);
    assert_eq!(st.stacks[&1]["Env"][0]["value"], "1.27");
    assert_eq!(
        server.count("POST", "/api/stacks/create/standalone/string"),
        1
    );
}

#[tokio::test]
async fn deploy_on_a_clean_server_creates_once_then_updates() {
    let state = Arc::new(Mutex::new(Portainer::default()));
    let s = state.clone();
    let server = FaultServer::start(move |_, req| s.lock().unwrap().handle(req)).await;
    let c = client(&server.url, fast_retries(2));
    let first = within(
        TIMEOUT,
        c.stacks().deploy(2, "web").content("a: 1\n").send(),
    )
    .await
    .unwrap();
    assert!(first.was_created());
    let second = within(
        TIMEOUT,
        c.stacks().deploy(2, "web").content("a: 2\n").send(),
    )
    .await
    .unwrap();
    assert!(!second.was_created());
    assert_eq!(state.lock().unwrap().stacks.len(), 1);
}

/// Every fault above, once more through the generated client (`Client::raw`):
/// it shares the transport, so a refused connection and a busy status behave
/// the same there.
#[tokio::test]
async fn the_raw_client_gets_typed_errors_too() {
    let server =
        FaultServer::start(|_, _| Action::Raw(response(503, &[], b"<html>busy</html>"))).await;
    let c = client(&server.url, fast_retries(1));
    let e: Error = within(TIMEOUT, c.raw().stack_list().send())
        .await
        .unwrap_err()
        .into();
    assert_eq!(e.status(), Some(503));
    assert_eq!(server.count("GET", "/api/stacks"), 2);

    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", refused.local_addr().unwrap());
    drop(refused);
    let c = client(&url, RetryPolicy::none());
    let e: Error = within(TIMEOUT, c.raw().stack_list().send())
        .await
        .unwrap_err()
        .into();
    assert_transport(&e, TransportKind::Connect);
}

//! Contract test: every generated operation, sent through `portainer_sdk`,
//! checked by Prism (`@stoplight/prism-cli`, pinned in tests/contract), a
//! third-party mock server that validates each request against the spec.
//!
//! The spec Prism serves is the default pin after normalization, written into
//! the target directory by the xtask at test time. Prism runs on 127.0.0.1;
//! a recording proxy in front of it (also on 127.0.0.1) keeps each exchange,
//! because the generated client does not hand back the status and the
//! `sl-violations` header of a response it could not decode. The proxy also
//! maps the SDK's `/api/...` paths to Prism's, which have no `/api` prefix.
//!
//! `cargo xtask contract run` starts Prism itself and points this test at it
//! ([`xtask::contract::ENV_PRISM_URL`]); otherwise the test starts its own.
//! The cases are generated (`cargo xtask contract cases`) into contract/cases.rs.

#[path = "contract/cases.rs"]
mod cases;
#[path = "contract/sdk.rs"]
mod sdk;

use std::cell::Cell;
use std::future::Future;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use portainer_sdk::generated::multipart::FilePart;
use portainer_sdk::generated::{Error as GenError, ResponseValue};
use serde::de::DeserializeOwned;
use xtask::contract::{self, prism::Prism};

/// The future a case returns.
pub(crate) type Fut<'a> = Pin<Box<dyn Future<Output = Result<Passed, Failure>> + 'a>>;

/// One operation's case, as generated.
pub(crate) struct Case {
    pub(crate) id: &'static str,
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    pub(crate) run: for<'a> fn(&'a Cx) -> Fut<'a>,
    /// What the generator noticed about the spec (examples that contradict
    /// their schema, credentials): printed with the case's result.
    pub(crate) notes: &'static [&'static str],
}

/// Which SDK client sends a case: the spec's security requirement decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    ApiKey,
    Jwt,
    Anonymous,
}

/// A case Prism accepted and whose response decoded.
pub(crate) struct Passed {
    status: u16,
}

/// Why a case failed.
#[derive(Debug)]
pub(crate) struct Failure(String);

/// A case the generator could not write, with the reason (a spec or client defect).
pub(crate) fn impossible(why: &'static str) -> Fut<'static> {
    Box::pin(async move { Err(Failure(format!("no request could be made: {why}"))) })
}

/// One request as the proxy saw it, with Prism's answer.
#[derive(Debug, Clone)]
struct Exchange {
    method: String,
    /// Path and query as the SDK sent them.
    target: String,
    api_key: bool,
    authorization: bool,
    status: u16,
    violations: Option<String>,
    body: Bytes,
    /// File parts that came without a `Content-Type`, which the proxy added.
    untyped_file_parts: Vec<String>,
}

type Log = Arc<Mutex<Vec<Exchange>>>;

/// What every case gets: the SDK clients and the proxy's record.
pub(crate) struct Cx {
    api_key: portainer_sdk::Client,
    jwt: portainer_sdk::Client,
    anonymous: portainer_sdk::Client,
    log: Log,
    mark: Cell<usize>,
}

fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut s: String = text.chars().take(160).collect();
    if text.chars().count() > 160 {
        s.push_str("...");
    }
    s
}

impl Cx {
    pub(crate) fn client(&self, auth: Auth) -> &portainer_sdk::generated::Client {
        match auth {
            Auth::ApiKey => self.api_key.raw(),
            Auth::Jwt => self.jwt.raw(),
            Auth::Anonymous => self.anonymous.raw(),
        }
    }

    /// A request value decoded from the generated JSON into the generated type.
    pub(crate) fn arg<T: DeserializeOwned>(&self, what: &str, json: &str) -> Result<T, Failure> {
        serde_json::from_str(json).map_err(|e| {
            Failure(format!(
                "the {what} value {json} does not decode into {}: {e}",
                std::any::type_name::<T>()
            ))
        })
    }

    /// A file part for a multipart form field.
    pub(crate) fn file(&self, field: &str) -> FilePart {
        FilePart::new(format!("{field}.txt"), "services: {}\n")
    }

    fn begin(&self) {
        self.mark.set(self.log.lock().unwrap().len());
    }

    fn since_mark(&self) -> Vec<Exchange> {
        self.log.lock().unwrap()[self.mark.get()..].to_vec()
    }

    /// Prism accepted the request (no 400/422, no `sl-violations`) and the
    /// response decoded into the operation's generated type.
    pub(crate) async fn check<T, E: std::fmt::Debug>(
        &self,
        result: Result<ResponseValue<T>, GenError<E>>,
    ) -> Result<Passed, Failure> {
        let seen = self.since_mark();
        let Some(ex) = seen.last() else {
            return Err(Failure(match result {
                Err(e) => format!("no request reached Prism: {e}"),
                Ok(_) => "no request reached Prism, yet the client reported success".into(),
            }));
        };
        if seen.len() > 1 {
            return Err(Failure(format!(
                "{} requests for one call (retried or redirected): {:?}",
                seen.len(),
                seen.iter().map(|e| e.status).collect::<Vec<_>>()
            )));
        }
        if !ex.target.starts_with("/api/") {
            return Err(Failure(format!(
                "sent to {} {}, not below /api",
                ex.method, ex.target
            )));
        }
        let (request_violations, response_violations) = split_violations(ex.violations.as_deref());
        if !request_violations.is_empty() {
            return Err(Failure(format!(
                "Prism refused {} {} (HTTP {}): {}",
                ex.method,
                ex.target,
                ex.status,
                request_violations.join("; ")
            )));
        }
        if matches!(ex.status, 400 | 401 | 422) {
            return Err(Failure(format!(
                "Prism answered HTTP {} to {} {}: {}",
                ex.status,
                ex.method,
                ex.target,
                excerpt(&ex.body)
            )));
        }
        let mut problems = Vec::new();
        if !response_violations.is_empty() {
            problems.push(format!(
                "Prism's example response breaks the spec's own schema: {}",
                response_violations.join("; ")
            ));
        }
        if !ex.untyped_file_parts.is_empty() {
            problems.push(format!(
                "file part(s) {} sent without a Content-Type, on which Prism 5.14.2 crashes \
                 (the proxy added application/octet-stream)",
                ex.untyped_file_parts.join(", ")
            ));
        }
        match result {
            Ok(_) => {}
            Err(GenError::InvalidResponsePayload(body, e)) => problems.push(format!(
                "the HTTP {} response does not decode into the generated type {}: {e}; body starts {:?}",
                ex.status,
                std::any::type_name::<T>(),
                excerpt(&body)
            )),
            Err(GenError::UnexpectedResponse(resp)) => problems.push(format!(
                "HTTP {}, a status the generated client does not expect for this operation",
                resp.status().as_u16()
            )),
            Err(GenError::ErrorResponse(rv)) => problems.push(format!(
                "HTTP {}, a documented error status, for a valid request; body starts {:?}",
                rv.status().as_u16(),
                excerpt(&ex.body)
            )),
            Err(e) => problems.push(format!("the call failed: {e}")),
        }
        if problems.is_empty() {
            Ok(Passed { status: ex.status })
        } else {
            Err(Failure(problems.join("; ")))
        }
    }
}

/// Prism's `sl-violations` split by where they are: the request (Prism
/// refused it) or the response (Prism's own example breaks the spec).
fn split_violations(header: Option<&str>) -> (Vec<String>, Vec<String>) {
    let mut request = Vec::new();
    let mut response = Vec::new();
    let Some(header) = header else {
        return (request, response);
    };
    match serde_json::from_str::<Vec<serde_json::Value>>(header) {
        Ok(list) => {
            for v in list {
                let message = v
                    .get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_owned)
                    .unwrap_or_else(|| v.to_string());
                if v.pointer("/location/0").and_then(|l| l.as_str()) == Some("response") {
                    response.push(message);
                } else {
                    request.push(message);
                }
            }
        }
        // Unreadable: count it against the request, showing it whole.
        Err(_) => request.push(header.to_owned()),
    }
    (request, response)
}

/// Forwards `/api/...` to Prism's `/...` and records the exchange.
async fn forward(
    req: hyper::Request<Incoming>,
    upstream: Arc<String>,
    http: reqwest::Client,
    log: Log,
) -> Result<hyper::Response<Full<Bytes>>, hyper::Error> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await?.to_bytes();
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let has = |name: &str| parts.headers.contains_key(name);
    let mut ex = Exchange {
        method: parts.method.to_string(),
        target: target.clone(),
        api_key: has("x-api-key"),
        authorization: has("authorization"),
        status: 0,
        violations: None,
        body: Bytes::new(),
        untyped_file_parts: Vec::new(),
    };
    let Some(rest) = target.strip_prefix("/api") else {
        ex.status = 404;
        log.lock().unwrap().push(ex);
        let mut resp = hyper::Response::new(Full::new(Bytes::from_static(b"not below /api")));
        *resp.status_mut() = hyper::StatusCode::NOT_FOUND;
        return Ok(resp);
    };
    let content_type = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let body = match type_file_parts(content_type, &body) {
        Some((fixed, names)) => {
            ex.untyped_file_parts = names;
            Bytes::from(fixed)
        }
        None => body,
    };
    let mut request = http.request(parts.method.clone(), format!("{upstream}{rest}"));
    for (name, value) in &parts.headers {
        if !matches!(
            name.as_str(),
            "host" | "content-length" | "transfer-encoding" | "connection"
        ) {
            request = request.header(name, value);
        }
    }
    let mut out = match request.body(body).send().await {
        Ok(resp) => {
            ex.status = resp.status().as_u16();
            ex.violations = resp
                .headers()
                .get("sl-violations")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .filter(|v| !v.trim().is_empty() && v.trim() != "[]");
            let headers = resp.headers().clone();
            let mut bytes = resp.bytes().await.unwrap_or_default();
            if parts.method == hyper::Method::GET {
                bytes = sdk::fixture(&target, bytes);
            }
            ex.body = bytes.clone();
            let mut out = hyper::Response::new(Full::new(bytes));
            *out.status_mut() = hyper::StatusCode::from_u16(ex.status).unwrap_or_default();
            for (name, value) in &headers {
                if !matches!(
                    name.as_str(),
                    "content-length" | "transfer-encoding" | "connection" | "keep-alive"
                ) {
                    out.headers_mut().append(name, value.clone());
                }
            }
            out
        }
        Err(e) => {
            ex.status = 502;
            ex.body = Bytes::from(format!("Prism did not answer: {e}"));
            let mut out = hyper::Response::new(Full::new(ex.body.clone()));
            *out.status_mut() = hyper::StatusCode::BAD_GATEWAY;
            out
        }
    };
    // Recorded before the client sees the answer, so a case reads its own exchange.
    log.lock().unwrap().push(ex);
    out.headers_mut().insert(
        "x-contract-proxy",
        hyper::header::HeaderValue::from_static("1"),
    );
    Ok(out)
}

/// Prism 5.14.2 dies (its multipart parser throws, the process exits) on a
/// file part without a `Content-Type`, which RFC 7578 allows. So that one
/// such request does not end the run, the proxy gives those parts
/// `application/octet-stream` (what OpenAPI 3.0 assumes for a binary field)
/// and the case reports the omission. Returns the new body and the part names.
fn type_file_parts(content_type: &str, body: &[u8]) -> Option<(Vec<u8>, Vec<String>)> {
    let boundary = content_type
        .strip_prefix("multipart/form-data")?
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}\r\n").into_bytes();
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let mut out = Vec::with_capacity(body.len() + 64);
    let mut names = Vec::new();
    let mut at = 0;
    while let Some(start) = find(body, &delimiter, at) {
        let headers_start = start + delimiter.len();
        let headers_end = find(body, b"\r\n\r\n", headers_start)?;
        out.extend_from_slice(&body[at..headers_end]);
        let raw = String::from_utf8_lossy(&body[headers_start..headers_end]);
        let headers = raw.to_ascii_lowercase();
        if headers.contains("filename=") && !headers.contains("content-type:") {
            out.extend_from_slice(b"\r\nContent-Type: application/octet-stream");
            let name = raw
                .split("name=\"")
                .nth(1)
                .and_then(|n| n.split('"').next())
                .unwrap_or("?")
                .to_owned();
            names.push(name);
        }
        at = headers_end;
    }
    if names.is_empty() {
        return None;
    }
    out.extend_from_slice(&body[at..]);
    Some((out, names))
}

async fn start_proxy(upstream: String, log: Log) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("binding the proxy on 127.0.0.1");
    let addr = listener.local_addr().unwrap();
    portainer_tests::install_crypto_provider();
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let upstream = Arc::new(upstream);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (upstream, http, log) = (upstream.clone(), http.clone(), log.clone());
            let service = hyper::service::service_fn(move |req| {
                forward(req, upstream.clone(), http.clone(), log.clone())
            });
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
            );
        }
    });
    addr
}

/// The directory cargo builds this test into: target/<profile>/deps/.. /..
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .map(PathBuf::from)
        .unwrap_or_else(|| xtask::workspace_root().join("target"))
}

fn sdk(url: &str, auth: Auth) -> portainer_sdk::Client {
    let b = portainer_sdk::Client::builder(url)
        .retry(portainer_sdk::RetryPolicy::none())
        .timeout(Duration::from_secs(30));
    let b = match auth {
        // Prism checks that a credential is present, not its value.
        Auth::ApiKey => b.api_key("ptr_contract"),
        Auth::Jwt => b.jwt("eyJhbGciOiJIUzI1NiJ9.e30.contract"),
        Auth::Anonymous => b,
    };
    b.build().expect("building the SDK client")
}

/// Negative cases: what must be refused, and how.
async fn negatives(cx: &Cx, proxy: &str) -> Vec<(String, Result<(), String>)> {
    let mut out = Vec::new();

    // Without credentials: Prism answers 401, the SDK reports Unauthorized,
    // both where the spec documents a 401 and where it does not.
    for (name, declared) in [("stack_list", false), ("local_backup_settings_fetch", true)] {
        cx.begin();
        let client = cx.client(Auth::Anonymous);
        let err = if declared {
            match client.local_backup_settings_fetch().send().await {
                Ok(_) => None,
                Err(e) => Some(portainer_sdk::Error::from_generated(e).await),
            }
        } else {
            match client.stack_list().send().await {
                Ok(_) => None,
                Err(e) => Some(portainer_sdk::Error::from_generated(e).await),
            }
        };
        let seen = cx.since_mark();
        let result = match (err, seen.last()) {
            (None, _) => Err("succeeded without credentials".to_owned()),
            (_, Some(ex)) if ex.api_key || ex.authorization => {
                Err(format!("the anonymous client sent a credential: {ex:?}"))
            }
            (Some(portainer_sdk::Error::Unauthorized(_)), Some(ex)) if ex.status == 401 => Ok(()),
            (Some(other), ex) => Err(format!(
                "expected Error::Unauthorized after Prism's 401, got {other:?} (Prism: {:?})",
                ex.map(|e| e.status)
            )),
        };
        out.push((
            format!(
                "{name} without credentials is Unauthorized ({} 401)",
                if declared {
                    "documented"
                } else {
                    "undocumented"
                }
            ),
            result,
        ));
    }

    // A wrong type is refused before anything is sent: the generated body
    // type does not take it, and the error names what is wrong.
    cx.begin();
    let refused = cx.arg::<portainer_sdk::generated::types::ComposeStackFromFileContentPayload>(
        "body",
        r#"{"Name": 5, "StackFileContent": "services: {}"}"#,
    );
    let sent = cx.since_mark().len();
    out.push((
        "a body field of the wrong type is refused before sending".to_owned(),
        match refused {
            Ok(v) => Err(format!("decoded into {v:?}")),
            Err(Failure(msg))
                if msg.contains("invalid type: integer `5`, expected a string") && sent == 0 =>
            {
                Ok(())
            }
            Err(Failure(msg)) => Err(format!(
                "unclear error or a request was sent ({sent}): {msg}"
            )),
        },
    ));

    // The same wrong types on the wire (the typed client cannot send them):
    // Prism refuses them and says which field is wrong.
    portainer_tests::install_crypto_provider();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let wire: [(&str, reqwest::Method, &str, Option<&str>, &str); 3] = [
        (
            "a body field of the wrong type is refused by Prism",
            reqwest::Method::POST,
            "/api/stacks/create/standalone/string?endpointId=1",
            Some(r#"{"Name": 5, "StackFileContent": "services: {}"}"#),
            "Name must be string",
        ),
        (
            "a path parameter of the wrong type is refused by Prism",
            reqwest::Method::GET,
            "/api/stacks/not-a-number",
            None,
            "path parameter id must be integer",
        ),
        (
            "a malformed JSON body is refused by Prism (the reason 5.14.2 is pinned)",
            reqwest::Method::POST,
            "/api/stacks/create/standalone/string?endpointId=1",
            Some(r#"{"Name": "#),
            "invalid_json",
        ),
    ];
    for (name, method, path, body, expect) in wire {
        cx.begin();
        let mut req = http
            .request(method, format!("{proxy}{path}"))
            .header("x-api-key", "ptr_contract")
            .timeout(Duration::from_secs(20));
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let result = match req.send().await {
            Err(e) => Err(format!("no answer: {e}")),
            Ok(resp) => {
                let status = resp.status().as_u16();
                let ex = cx.since_mark().pop();
                let reasons = ex
                    .as_ref()
                    .map(|e| {
                        format!(
                            "{} {}",
                            e.violations.clone().unwrap_or_default(),
                            String::from_utf8_lossy(&e.body)
                        )
                    })
                    .unwrap_or_default();
                if status == 400 && reasons.contains(expect) {
                    Ok(())
                } else {
                    Err(format!(
                        "HTTP {status}, reasons {reasons:?}; expected 400 naming {expect:?}"
                    ))
                }
            }
        };
        out.push((name.to_owned(), result));
    }
    out
}

async fn run(prism_url: String) -> (String, bool) {
    let log: Log = Arc::default();
    let proxy = format!("http://{}", start_proxy(prism_url, log.clone()).await);
    let cx = Cx {
        api_key: sdk(&proxy, Auth::ApiKey),
        jwt: sdk(&proxy, Auth::Jwt),
        anonymous: sdk(&proxy, Auth::Anonymous),
        log,
        mark: Cell::new(0),
    };
    let mut report = String::new();
    let mut ok = true;

    for (name, result) in negatives(&cx, &proxy).await {
        match result {
            Ok(()) => report.push_str(&format!("contract negative: {name}: ok\n")),
            Err(why) => {
                ok = false;
                report.push_str(&format!("contract negative: {name}: FAILED: {why}\n"));
            }
        }
    }

    let started = Instant::now();
    let mut failures: Vec<(&Case, String)> = Vec::new();
    let mut notes = 0;
    for case in cases::CASES {
        cx.begin();
        let result = (case.run)(&cx).await;
        let who = format!("{} {} ({})", case.method, case.path, case.id);
        match result {
            Ok(p) => report.push_str(&format!("ok     {who}: HTTP {}\n", p.status)),
            Err(Failure(why)) => {
                report.push_str(&format!("FAILED {who}: {why}\n"));
                failures.push((case, why));
            }
        }
        for n in case.notes {
            notes += 1;
            report.push_str(&format!("       note: {n}\n"));
        }
    }
    let elapsed = started.elapsed();
    let n = cases::CASES.len();
    report.push_str(&format!(
        "contract: {n} operations, {} passed, {} failed\n",
        n - failures.len(),
        failures.len()
    ));
    let (sdk_report, sdk_ok) = sdk::run(&cx).await;
    report.push_str(&sdk_report);
    ok &= sdk_ok;
    let verdict = judge(&failures);
    for (case, why) in &failures {
        let known = match known_defect(case.id) {
            Some((i, k)) if why.contains(k.failure) => format!(" [known defect {}]", i + 1),
            Some(_) => " [UNEXPECTED: not the failure of its known defect]".to_owned(),
            None => " [UNEXPECTED]".to_owned(),
        };
        report.push_str(&format!(
            "  failed: {} {} ({}): {why}{known}\n",
            case.method, case.path, case.id
        ));
    }
    for (i, k) in KNOWN.iter().enumerate() {
        report.push_str(&format!("  known defect {}: {}\n", i + 1, k.defect));
    }
    for line in &verdict.stale {
        report.push_str(&format!("  stale: {line}\n"));
    }
    report.push_str(&format!(
        "contract: {} failures from {} known defects, {} unexpected, {} known defects no longer seen\n",
        verdict.known,
        KNOWN.len(),
        verdict.unexpected,
        verdict.stale.len()
    ));
    report.push_str(&format!(
        "({notes} notes on the spec above; operations sent in {:.1} s)\n",
        elapsed.as_secs_f64()
    ));
    (
        report,
        ok && verdict.unexpected == 0 && verdict.stale.is_empty(),
    )
}

/// A failure whose fix lies outside this test (the spec, the normalizer, the
/// generator, or Prism): the operations it hits and the text each of their
/// failures contains. The run fails when a listed operation passes or fails
/// otherwise, so the list cannot outlive the defects it names.
struct Known {
    defect: &'static str,
    failure: &'static str,
    operations: &'static [&'static str],
}

const KNOWN: &[Known] = &[Known {
    defect: "spec/Prism: EdgeGroupIDs is an array field of a multipart form; Prism 5.14.2 accepts no \
                 encoding of it (repeated parts, as sent, or one JSON part)",
    failure: "EdgeGroupIDs must be array",
    operations: &["EdgeConfigCreate", "EdgeConfigUpdate"],
}];

fn known_defect(id: &str) -> Option<(usize, &'static Known)> {
    KNOWN
        .iter()
        .enumerate()
        .find(|(_, k)| k.operations.contains(&id))
}

struct Verdict {
    known: usize,
    unexpected: usize,
    stale: Vec<String>,
}

fn judge(failures: &[(&Case, String)]) -> Verdict {
    let mut known = 0;
    let mut unexpected = 0;
    for (case, why) in failures {
        match known_defect(case.id) {
            Some((_, k)) if why.contains(k.failure) => known += 1,
            _ => unexpected += 1,
        }
    }
    let mut stale = Vec::new();
    for k in KNOWN {
        for op in k.operations {
            if !cases::CASES.iter().any(|c| c.id == *op) {
                stale.push(format!(
                    "{op} is listed as a known defect but is no operation of the spec"
                ));
            } else if !failures.iter().any(|(c, _)| c.id == *op) {
                stale.push(format!("{op} passed: remove it from KNOWN ({})", k.failure));
            }
        }
    }
    Verdict {
        known,
        unexpected,
        stale,
    }
}

/// The committed cases are what the spec and the generated client give now.
#[test]
fn committed_cases_are_current() {
    let root = xtask::workspace_root();
    let doc = contract::prism_spec().expect("the normalized spec");
    let want = contract::cases::render(&doc, &root).expect("rendering the cases");
    let have = std::fs::read_to_string(root.join(contract::CASES_FILE)).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale: run `cargo xtask contract cases` and commit it",
        contract::CASES_FILE
    );
}

#[test]
fn a_case_that_cannot_be_written_fails_with_its_reason() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let cx = Cx {
        api_key: sdk("http://127.0.0.1:9", Auth::ApiKey),
        jwt: sdk("http://127.0.0.1:9", Auth::Jwt),
        anonymous: sdk("http://127.0.0.1:9", Auth::Anonymous),
        log: Log::default(),
        mark: Cell::new(0),
    };
    let run: for<'a> fn(&'a Cx) -> Fut<'a> = |_| impossible("argument x matches no parameter");
    let Err(Failure(why)) = rt.block_on(run(&cx)) else {
        panic!("an impossible case passed");
    };
    assert!(why.contains("argument x matches no parameter"), "{why}");
}

#[test]
fn untyped_file_parts_get_a_content_type() {
    let body = b"--XB\r\nContent-Disposition: form-data; name=\"Name\"\r\n\r\nweb\r\n\
--XB\r\nContent-Disposition: form-data; name=\"File\"; filename=\"a.yml\"\r\n\r\nservices: {}\r\n\
--XB\r\nContent-Disposition: form-data; name=\"Env\"; filename=\"b\"\r\nContent-Type: text/plain\r\n\r\nx\r\n--XB--\r\n";
    let (fixed, names) = type_file_parts("multipart/form-data; boundary=XB", body).unwrap();
    assert_eq!(names, ["File"]);
    let text = String::from_utf8(fixed).unwrap();
    assert!(text.contains(
        "name=\"File\"; filename=\"a.yml\"\r\nContent-Type: application/octet-stream\r\n\r\nservices: {}"
    ));
    assert_eq!(text.matches("Content-Type").count(), 2);
    assert!(type_file_parts("application/json", b"{}").is_none());
}

#[test]
fn contract() {
    let started = Instant::now();
    let target = target_dir().join("contract");
    // Started here unless `cargo xtask contract run` started it.
    let mut own: Option<Prism> = None;
    let prism_url = match std::env::var(contract::ENV_PRISM_URL) {
        Ok(url) if !url.is_empty() => url,
        _ => {
            let root = xtask::workspace_root();
            // Fails (never skips) with the install command when Prism is missing.
            if let Err(e) = contract::prism::executable(&root) {
                panic!("{e:#}");
            }
            let spec = target.join("spec.json");
            contract::write_spec(&spec).expect("writing the normalized spec for Prism");
            let prism = Prism::start(&root, &spec, &target.join("prism.log"))
                .unwrap_or_else(|e| panic!("starting Prism: {e:#}"));
            let url = prism.url();
            own = Some(prism);
            url
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (mut report, ok) = rt.block_on(run(prism_url));
    if let Some(p) = &own {
        report.push_str(&format!(
            "(Prism loaded the spec in {:.1} s; {:.1} s in all)\n",
            p.startup().as_secs_f64(),
            started.elapsed().as_secs_f64()
        ));
    }
    drop(own);
    let _ = std::fs::create_dir_all(&target);
    let _ = std::fs::write(target_dir().join(contract::REPORT_FILE), &report);
    // The summary goes to the real stdout, past the test harness's capture,
    // so that CI logs show it when the test passes too.
    let summary: String = report
        .lines()
        .filter(|l| {
            l.starts_with("contract")
                || l.starts_with("FAILED sdk")
                || l.starts_with("  ")
                || l.starts_with('(')
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let _ = std::io::stdout().write_all(summary.as_bytes());
    assert!(ok, "contract failures:\n{report}");
}

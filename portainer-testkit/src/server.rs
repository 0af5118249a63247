//! Serving: an accept loop on 127.0.0.1, one hyper connection per client,
//! faults applied before the axum router sees a request.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State as AxumState};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter, any, on};
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::faults::FaultKind;
use crate::handler::{Incoming, caller, handle};
use crate::requests::{RecordedRequest, redact_query};
use crate::routes::{ROUTES, Route};
use crate::stacks::{Form, FormField};
use crate::state::State;
use crate::version::Version;
use crate::wire::{Query, error_response, render};

/// The largest request body the fake reads.
const MAX_BODY: usize = 64 * 1024 * 1024;

pub(crate) struct Inner {
    pub version: Version,
    pub instance_id: String,
    state: Mutex<State>,
}

#[derive(Clone)]
pub(crate) struct App(Arc<Inner>);

impl App {
    pub fn new(version: Version, state: State) -> Self {
        App(Arc::new(Inner {
            version,
            instance_id: crate::docker::containers::random_id()[..36].to_owned(),
            state: Mutex::new(state),
        }))
    }

    /// The state; a handler that panicked leaves it usable.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.0.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn version(&self) -> Version {
        self.0.version
    }
}

/// Why a connection was closed without an answer.
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// Accepts connections until the task is aborted.
pub(crate) async fn serve(listener: TcpListener, app: App) {
    let router = router(app.clone());
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let (app, router) = (app.clone(), router.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let (app, router) = (app.clone(), router.clone());
                async move { serve_request(app, router, req).await }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn serve_request(
    app: App,
    router: Router,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<Response, Dropped> {
    let (parts, body) = req.into_parts();
    let bytes = match http_body_util::Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Err(Dropped),
    };
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = Query::parse(parts.uri.query());
    let (index, kinds) = {
        let mut state = app.state();
        let (credential, user) = caller(&state, &parts.headers, &query);
        let mut kinds = Vec::new();
        for f in state.faults.iter_mut() {
            if f.remaining == Some(0) || !f.matches(&method, &path) {
                continue;
            }
            if let Some(n) = f.remaining.as_mut() {
                *n -= 1;
            }
            kinds.push(f.kind);
        }
        state.requests.push(RecordedRequest {
            method: method.clone(),
            path: path.clone(),
            query: redact_query(parts.uri.query()),
            credential,
            user,
            status: None,
        });
        (state.requests.len() - 1, kinds)
    };
    for k in &kinds {
        if let FaultKind::Delay(d) = k {
            tokio::time::sleep(*d).await;
        }
    }
    if kinds.contains(&FaultKind::Drop) {
        return Err(Dropped);
    }
    let response = if let Some(status) = kinds.iter().find_map(|k| match k {
        FaultKind::Status(s) => Some(*s),
        _ => None,
    }) {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let text = format!(
            "{} {} (injected by portainer-testkit)\n",
            code.as_u16(),
            code.canonical_reason().unwrap_or("")
        );
        let mut r = Response::new(Body::from(text));
        *r.status_mut() = code;
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        r
    } else {
        match router
            .oneshot(Request::from_parts(parts, Body::from(bytes)))
            .await
        {
            Ok(r) => r,
            Err(never) => match never {},
        }
    };
    if kinds.contains(&FaultKind::DropAfterHandling) {
        return Err(Dropped);
    }
    if let Some(r) = app.state().requests.get_mut(index) {
        r.status = Some(response.status().as_u16());
    }
    Ok(response)
}

/// The axum router of the emulated version: one entry per served template,
/// a 501 for the spec's other methods on it, the spec's other paths 501, and
/// anything else 404.
fn router(app: App) -> Router {
    let version = app.version();
    let mut by_template: BTreeMap<&'static str, Vec<&'static Route>> = BTreeMap::new();
    for r in ROUTES.iter().filter(|r| r.served_by(version)) {
        by_template.entry(r.template).or_default().push(r);
    }
    let mut router = Router::new();
    for (template, routes) in by_template {
        let mut mr: MethodRouter<App> = MethodRouter::new();
        let mut any_method = false;
        for route in routes {
            let h =
                move |AxumState(app): AxumState<App>,
                      Path(params): Path<HashMap<String, String>>,
                      req: Request| async move { run(app, route, params, req).await };
            mr = if route.method == "*" {
                // `any` is a method router whose fallback is the handler.
                any_method = true;
                any(h)
            } else {
                let filter = match route.method {
                    "GET" => MethodFilter::GET,
                    "POST" => MethodFilter::POST,
                    "PUT" => MethodFilter::PUT,
                    _ => MethodFilter::DELETE,
                };
                mr.merge(on(filter, h))
            };
        }
        if !any_method {
            mr = mr.fallback(unserved);
        }
        router = router.route(template, mr);
    }
    router.fallback(unserved).with_state(app)
}

async fn run(
    app: App,
    route: &'static Route,
    params: HashMap<String, String>,
    req: Request,
) -> Response {
    let version = app.version();
    let (parts, body) = req.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let form = read_form(&parts.headers, &bytes).await;
    let query = Query::parse(parts.uri.query());
    let mut state = app.state();
    let outcome = handle(
        &mut state,
        version,
        &app.0.instance_id,
        route,
        Incoming {
            method: parts.method.clone(),
            headers: &parts.headers,
            query: &query,
            params: &params,
            body: &bytes,
            form: form.as_ref(),
        },
    );
    render(version, outcome)
}

/// A `multipart/form-data` body, or `None` for other content types.
async fn read_form(headers: &axum::http::HeaderMap, body: &[u8]) -> Option<Form> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let boundary = multer::parse_boundary(ct).ok()?;
    let mut mp = multer::Multipart::with_reader(std::io::Cursor::new(body.to_vec()), boundary);
    let mut form = Form::default();
    while let Ok(Some(field)) = mp.next_field().await {
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let Ok(data) = field.bytes().await else { break };
        form.fields.push(FormField {
            name,
            file_name,
            data: data.to_vec(),
        });
    }
    Some(form)
}

/// A request no served route takes: 501 naming the spec operation when the
/// spec has one, otherwise what Portainer's router answers (405 without a
/// body when the path exists with other methods, 404 otherwise).
async fn unserved(AxumState(app): AxumState<App>, req: Request<Body>) -> Response {
    let version = app.version();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let api_path = path.strip_prefix("/api").unwrap_or(&path);
    // A route the fake serves for other versions is absent from this one:
    // answer as this version's router does rather than "not emulated".
    let other_version = ROUTES.iter().any(|r| {
        !r.served_by(version)
            && (r.method == method.as_str() || r.method == "*")
            && r.spec_paths
                .iter()
                .any(|p| crate::faults::path_matches(p, api_path))
    });
    if !other_version
        && let Some(op) = crate::unimplemented::operation_for(method.as_str(), api_path)
    {
        return error_response(version, &crate::unimplemented::operation_not_emulated(op));
    }
    let other_method = ROUTES.iter().any(|r| {
        r.served_by(version)
            && r.spec_paths
                .iter()
                .any(|p| crate::faults::path_matches(p, api_path))
    }) || (!other_version
        && portainer_sdk_gen::OPERATIONS
            .iter()
            .any(|op| crate::faults::path_matches(op.path, api_path)));
    let mut r = if other_method && method != Method::OPTIONS {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from("404 page not found\n"))
    };
    if other_method {
        *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    } else {
        *r.status_mut() = StatusCode::NOT_FOUND;
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }
    r
}

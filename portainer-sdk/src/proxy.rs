//! Requests to the engines Portainer proxies for an environment:
//! `/api/endpoints/{id}/docker/...` and `/api/endpoints/{id}/kubernetes/...`
//! (api/http/handler/endpointproxy: the environment is checked, the prefix
//! stripped, the rest forwarded). The spec describes Portainer's own routes
//! only, so these requests are built here; they take the client's transport
//! like every other call.

use std::time::Duration;

use bytes::Bytes;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::transport::{CallOpts, OpInfo};
use crate::{Client, Error};

/// A request to a proxied engine; from [`Docker::request`](crate::Docker::request)
/// or [`Kubernetes::request`].
#[derive(Debug)]
#[must_use = "call .send().await"]
pub struct ProxyRequest<'c> {
    client: &'c Client,
    op: OpInfo,
    request: Result<reqwest::RequestBuilder, Error>,
    opts: CallOpts,
}

impl<'c> ProxyRequest<'c> {
    /// `method` on `path` below `/api/endpoints/{id}/{engine}`, written as
    /// the engine's API reference writes it, unencoded, with any query
    /// after a `?` (`/containers/json?all=1`).
    pub(crate) fn new(
        client: &'c Client,
        op: OpInfo,
        environment_id: i64,
        engine: &str,
        method: Method,
        path: &str,
    ) -> Self {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let id = environment_id.to_string();
        let mut segments = vec!["endpoints", &id, engine];
        segments.extend(path.split('/').filter(|s| !s.is_empty()));
        let request = if segments.iter().any(|s| *s == "." || *s == "..") {
            Err(Error::InvalidInput(format!(
                "{}: the path {path:?} must not contain `.` or `..` segments",
                op.id
            )))
        } else {
            let pairs: Vec<(String, String)> = reqwest::Url::parse(&format!("http://q/?{query}"))
                .map(|u| u.query_pairs().into_owned().collect())
                .unwrap_or_default();
            Ok(client.request(method, &segments).query(&pairs))
        };
        Self {
            client,
            op,
            request,
            opts: CallOpts::default(),
        }
    }

    fn map(mut self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        self.request = self.request.map(f);
        self
    }

    /// Adds query parameters (a map, a struct or pairs).
    pub fn query<Q: Serialize + ?Sized>(self, query: &Q) -> Self {
        self.map(|r| r.query(query))
    }

    /// Sends `body` as JSON.
    pub fn json<B: Serialize + ?Sized>(self, body: &B) -> Self {
        self.map(|r| r.json(body))
    }

    /// Sends these bytes as the body.
    pub fn body(self, body: impl Into<Vec<u8>>) -> Self {
        self.map(|r| r.body(body.into()))
    }

    /// Adds a header, e.g. `X-PortainerAgent-Target` to reach one node of
    /// an agent swarm.
    pub fn header(self, name: &'static str, value: impl Into<String>) -> Self {
        self.map(|r| r.header(name, value.into()))
    }

    /// Overrides the total timeout of this request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.opts.timeout = Some(timeout);
        self
    }

    /// Sends the request. A status other than 2xx or 304 (Not Modified,
    /// Docker's "already started") is the SDK's typed error, with the
    /// engine's `{"message"}` as its message.
    pub async fn send(self) -> Result<ProxyResponse, Error> {
        let (status, body) = self.client.send(self.op, self.request?, self.opts).await?;
        Ok(ProxyResponse {
            client: self.client.clone(),
            op: self.op,
            status,
            body,
        })
    }
}

/// The successful answer of a [`ProxyRequest`].
#[derive(Debug)]
pub struct ProxyResponse {
    client: Client,
    op: OpInfo,
    status: StatusCode,
    body: Bytes,
}

impl ProxyResponse {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// The body as received.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body.
    pub fn into_body(self) -> Vec<u8> {
        self.body.into()
    }

    /// The body decoded from JSON; [`Error::Decode`] when it is not `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        self.client.decode(self.op, self.status, &self.body)
    }
}

/// The names calls are traced and reported under.
pub(crate) fn op(id: &'static str, method: &Method, path: &'static str) -> OpInfo {
    let method = match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::PATCH => "PATCH",
        _ => "OTHER",
    };
    OpInfo { id, method, path }
}

impl Client {
    /// The Kubernetes API of an environment, through Portainer's proxy.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let pods: serde_json::Value =
    ///     client.kubernetes(4).get("/api/v1/namespaces/default/pods").await?;
    /// # Ok(()) }
    /// ```
    pub fn kubernetes(&self, environment_id: i64) -> Kubernetes<'_> {
        Kubernetes {
            client: self,
            environment_id,
        }
    }
}

/// The Kubernetes API of one environment; from [`Client::kubernetes`].
#[derive(Debug, Clone, Copy)]
pub struct Kubernetes<'c> {
    client: &'c Client,
    environment_id: i64,
}

impl<'c> Kubernetes<'c> {
    /// `GET path`, decoded from JSON.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.request(Method::GET, path).send().await?.json()
    }

    /// Any request below `/api/endpoints/{id}/kubernetes`.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// use reqwest::Method;
    /// client
    ///     .kubernetes(4)
    ///     .request(Method::DELETE, "/api/v1/namespaces/default/pods/web-0")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn request(&self, method: Method, path: &str) -> ProxyRequest<'c> {
        let op = op(
            "KubernetesProxy",
            &method,
            "/endpoints/{id}/kubernetes/{path}",
        );
        ProxyRequest::new(
            self.client,
            op,
            self.environment_id,
            "kubernetes",
            method,
            path,
        )
    }
}

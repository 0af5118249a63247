//! The Docker Engine API of an environment through Portainer's proxy:
//! `client.docker(id)`. Models are bollard-stubs' ([`docker_models`](crate::docker_models)).

#[cfg(feature = "docker")]
use std::{collections::BTreeMap, marker::PhantomData};

#[cfg(feature = "docker")]
use bollard_stubs::models::{ContainerInspectResponse, ContainerSummary, Service, Swarm, Task};
use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::proxy::{ProxyRequest, op};
use crate::{Client, Error};

impl Client {
    /// The Docker Engine API of an environment, through Portainer's proxy
    /// (`/api/endpoints/{id}/docker/...`), with this client's credentials,
    /// TLS, timeouts, retries (`GET` only) and tracing. The engine's
    /// `{"message"}` errors become [`Error`]s (`No such container` is
    /// [`Error::NotFound`]).
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let docker = client.docker(2);
    /// let version: serde_json::Value = docker.get("/version").await?;
    /// println!("Docker {}", version["Version"]);
    /// // With the `docker` feature, typed calls too:
    /// // docker.containers().label("com.docker.compose.project=web").send().await?
    /// # Ok(()) }
    /// ```
    pub fn docker(&self, environment_id: i64) -> Docker<'_> {
        Docker {
            client: self,
            environment_id,
        }
    }
}

/// The Docker Engine API of one environment; from [`Client::docker`].
#[derive(Debug, Clone, Copy)]
pub struct Docker<'c> {
    client: &'c Client,
    environment_id: i64,
}

impl<'c> Docker<'c> {
    /// `GET path` (e.g. `/images/json`), decoded from JSON.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.request(Method::GET, path).send().await?.json()
    }

    /// Any request to the engine: `path` as Docker's API reference writes
    /// it, unencoded, optionally with a query (`/containers/json?all=1`).
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// use portainer_sdk::Method;
    /// client
    ///     .docker(2)
    ///     .request(Method::POST, "/containers/web-1/kill")
    ///     .query(&[("signal", "SIGHUP")])
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn request(&self, method: Method, path: &str) -> ProxyRequest<'c> {
        let op = op("DockerProxy", &method, "/endpoints/{id}/docker/{path}");
        self.call(op, method, path)
    }

    fn call(&self, op: crate::transport::OpInfo, method: Method, path: &str) -> ProxyRequest<'c> {
        ProxyRequest::new(self.client, op, self.environment_id, "docker", method, path)
    }

    /// `GET path` under the operation name `id` (path template `template`).
    pub(crate) async fn typed<T: DeserializeOwned>(
        &self,
        id: &'static str,
        template: &'static str,
        path: &str,
    ) -> Result<T, Error> {
        let op = op(id, &Method::GET, template);
        self.call(op, Method::GET, path).send().await?.json()
    }

    /// A container's logs (`GET /containers/{id}/logs`), stdout and stderr.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// for line in client.docker(2).logs("web-1").tail(20).send().await? {
    ///     println!("{:?}: {}", line.stream, line.text);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn logs(&self, id: &str) -> ContainerLogs<'c> {
        ContainerLogs {
            docker: *self,
            id: id.to_owned(),
            tail: None,
        }
    }

    async fn action(&self, id: &str, action: &str, op_id: &'static str) -> Result<(), Error> {
        let template = "/endpoints/{id}/docker/containers/{container}";
        let op = op(op_id, &Method::POST, template);
        let path = format!("/containers/{id}/{action}");
        self.call(op, Method::POST, &path).send().await.map(drop)
    }

    /// Starts a container; one already running is no error.
    pub async fn start(&self, id: &str) -> Result<(), Error> {
        self.action(id, "start", "DockerContainerStart").await
    }

    /// Stops a container; one already stopped is no error.
    pub async fn stop(&self, id: &str) -> Result<(), Error> {
        self.action(id, "stop", "DockerContainerStop").await
    }

    /// Restarts a container.
    pub async fn restart(&self, id: &str) -> Result<(), Error> {
        self.action(id, "restart", "DockerContainerRestart").await
    }
}

/// The typed calls, returning bollard-stubs' models (feature `docker`).
#[cfg(feature = "docker")]
impl<'c> Docker<'c> {
    /// Containers, stopped ones too (`GET /containers/json?all=1`); narrow
    /// with [`DockerList::label`] or [`DockerList::filter`].
    pub fn containers(&self) -> DockerList<'c, ContainerSummary> {
        DockerList::new(*self, "DockerContainerList", "/containers/json?all=1")
    }

    /// One container by id or name (`GET /containers/{id}/json`).
    pub async fn container(&self, id: &str) -> Result<ContainerInspectResponse, Error> {
        let path = format!("/containers/{id}/json");
        let template = "/endpoints/{id}/docker/containers/{container}/json";
        self.typed("DockerContainerInspect", template, &path).await
    }

    /// Swarm services (`GET /services`; swarm managers only).
    pub fn services(&self) -> DockerList<'c, Service> {
        DockerList::new(*self, "DockerServiceList", "/services")
    }

    /// Swarm tasks (`GET /tasks`; swarm managers only).
    pub fn tasks(&self) -> DockerList<'c, Task> {
        DockerList::new(*self, "DockerTaskList", "/tasks")
    }

    /// The swarm this engine manages (`GET /swarm`).
    pub async fn swarm(&self) -> Result<Swarm, Error> {
        let template = "/endpoints/{id}/docker/swarm";
        self.typed("DockerSwarmInspect", template, "/swarm").await
    }
}

/// A list of containers, services or tasks; from [`Docker::containers`],
/// [`Docker::services`] or [`Docker::tasks`].
#[cfg(feature = "docker")]
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct DockerList<'c, T> {
    docker: Docker<'c>,
    op: &'static str,
    path: &'static str,
    filters: BTreeMap<String, Vec<String>>,
    _item: PhantomData<fn() -> T>,
}

#[cfg(feature = "docker")]
impl<'c, T: DeserializeOwned> DockerList<'c, T> {
    fn new(docker: Docker<'c>, op: &'static str, path: &'static str) -> Self {
        Self {
            docker,
            op,
            path,
            filters: BTreeMap::new(),
            _item: PhantomData,
        }
    }

    /// Only those with this label: `key` or `key=value` (repeat: all of them).
    pub fn label(self, label: impl Into<String>) -> Self {
        self.filter("label", label)
    }

    /// Any filter of Docker's list call (`status`, `name`, `service`,
    /// `desired-state`, ...); values of one filter are alternatives.
    pub fn filter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters
            .entry(name.into())
            .or_default()
            .push(value.into());
        self
    }

    /// Sends the list call.
    pub async fn send(self) -> Result<Vec<T>, Error> {
        let template = match self.path {
            "/services" => "/endpoints/{id}/docker/services",
            "/tasks" => "/endpoints/{id}/docker/tasks",
            _ => "/endpoints/{id}/docker/containers/json",
        };
        let op = op(self.op, &Method::GET, template);
        let mut req = self.docker.call(op, Method::GET, self.path);
        if !self.filters.is_empty() {
            let filters = serde_json::to_string(&self.filters).unwrap_or_default();
            req = req.query(&[("filters", filters)]);
        }
        // Docker answers `null` for an empty list from some versions.
        let items: Option<Vec<T>> = req.send().await?.json()?;
        Ok(items.unwrap_or_default())
    }
}

/// Reads a container's logs; from [`Docker::logs`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct ContainerLogs<'c> {
    docker: Docker<'c>,
    id: String,
    tail: Option<usize>,
}

impl ContainerLogs<'_> {
    /// Only the last `lines` lines.
    pub fn tail(mut self, lines: usize) -> Self {
        self.tail = Some(lines);
        self
    }

    /// Sends `GET /containers/{id}/logs?stdout=1&stderr=1` and splits the
    /// answer into lines.
    pub async fn send(self) -> Result<Vec<LogLine>, Error> {
        let template = "/endpoints/{id}/docker/containers/{container}/logs";
        let op = op("DockerContainerLogs", &Method::GET, template);
        let path = format!("/containers/{}/logs", self.id);
        let tail = self.tail.map_or("all".into(), |n| n.to_string());
        let resp = (self.docker.call(op, Method::GET, &path))
            .query(&[("stdout", "1"), ("stderr", "1"), ("tail", tail.as_str())])
            .send()
            .await?;
        Ok(log_lines(resp.body()))
    }
}

/// One line of a container's logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Where the container wrote it.
    pub stream: LogStream,
    /// The line, without its line break.
    pub text: String,
}

/// The stream a [`LogLine`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogStream {
    /// Standard input (echoed by attached containers).
    Stdin,
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
    /// The terminal of a container with a TTY: one stream, not told apart.
    Tty,
}

/// The lines of a logs body: Docker's multiplexed stream when the container
/// has no TTY (Docker Engine API, "Attach to a container": frames of an
/// 8-byte header, the stream (0, 1, 2), three zero bytes and the payload's
/// big-endian length, then the payload), the raw text when it has one.
/// The body is read as frames when it parses as frames to its end, since
/// engines before API 1.42 send both kinds as `vnd.docker.raw-stream`.
///
/// ```
/// use portainer_sdk::{LogStream, log_lines};
/// let body = [&[2u8, 0, 0, 0, 0, 0, 0, 5][..], b"oops\n"].concat();
/// let lines = log_lines(&body);
/// assert_eq!((lines[0].stream, lines[0].text.as_str()), (LogStream::Stderr, "oops"));
/// assert_eq!(log_lines(b"plain\r\ntext")[1].text, "text");
/// ```
pub fn log_lines(body: &[u8]) -> Vec<LogLine> {
    use LogStream::{Stderr, Stdin, Stdout, Tty};
    let mut frames = Vec::new();
    let mut rest = body;
    while let [stream @ 0..=2, 0, 0, 0, a, b, c, d, tail @ ..] = rest
        && let Some(payload) = tail.get(..u32::from_be_bytes([*a, *b, *c, *d]) as usize)
    {
        frames.push((usize::from(*stream), payload));
        rest = &tail[payload.len()..];
    }
    if !rest.is_empty() {
        frames = vec![(3, body)];
    }
    let line = |stream: usize, bytes: &[u8]| LogLine {
        stream: [Stdin, Stdout, Stderr, Tty][stream],
        text: String::from_utf8_lossy(bytes.strip_suffix(b"\r").unwrap_or(bytes)).into_owned(),
    };
    let mut pending: [Vec<u8>; 4] = Default::default();
    let mut lines = Vec::new();
    for (stream, payload) in frames {
        let buf = &mut pending[stream];
        buf.extend_from_slice(payload);
        while let Some(i) = buf.iter().position(|b| *b == b'\n') {
            let bytes: Vec<u8> = buf.drain(..=i).collect();
            lines.push(line(stream, &bytes[..i]));
        }
    }
    for (stream, buf) in pending.iter().enumerate() {
        if !buf.is_empty() {
            lines.push(line(stream, buf));
        }
    }
    lines
}

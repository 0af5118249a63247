//! A Portainer API client for automation: CI jobs, ops tools, deploy scripts.
//!
//! # Quick start
//!
//! ```no_run
//! use portainer_sdk::Client;
//!
//! # async fn run() -> Result<(), portainer_sdk::Error> {
//! // PORTAINER_URL=https://portainer.example.com:9443 PORTAINER_API_KEY=ptr_...
//! let client = Client::from_env()?;
//!
//! for stack in client.stacks().list().send().await? {
//!     println!("{:?} {:?} ({:?})", stack.id, stack.name, stack.status);
//! }
//!
//! // Create the stack, or update it if it exists: safe to run on every CI build.
//! let deployed = client
//!     .stacks()
//!     .deploy(1, "web")
//!     .content("services:\n  web:\n    image: nginx:1.27\n")
//!     .env([("TAG", "1.27")])
//!     .send()
//!     .await?;
//! let verb = if deployed.was_created() { "created" } else { "updated" };
//! println!("stack {:?} {verb}", deployed.stack().id);
//! # Ok(()) }
//! ```
//!
//! # Configuration
//!
//! [`Client::builder`] takes Portainer's address as typed in a browser and
//! appends `/api`. Authenticate with [`ClientBuilder::api_key`] (sent as
//! `X-API-Key`), [`ClientBuilder::jwt`], or [`Client::login`].
//! [`Client::from_env`] reads:
//!
//! | variable | meaning |
//! |---|---|
//! | `PORTAINER_URL` | required: the address, e.g. `https://portainer.example.com:9443` |
//! | `PORTAINER_API_KEY` | required: an access token |
//! | `PORTAINER_INSECURE` | optional: `true` accepts any certificate |
//! | `PORTAINER_CA_FILE` | optional: a PEM file of CA certificates to trust |
//!
//! TLS certificates are verified against the system's roots unless
//! [`ClientBuilder::danger_accept_invalid_certs`] says otherwise; a private CA
//! is added with [`ClientBuilder::add_root_certificate`]. The TLS provider is
//! a Cargo feature, exactly one per build: `ring` (rustls, the default),
//! `aws-lc-rs` (rustls) or `native-tls` (the system's library).
//! Credentials are held as [`SecretString`]: zeroed when dropped, never printed.
//!
//! Calls time out after [`DEFAULT_TIMEOUT`]; stack deploys after
//! [`DEFAULT_DEPLOY_TIMEOUT`], overridable per call with `.timeout(..)`.
//! Failed `GET`s are retried per [`RetryPolicy`]; other methods only when
//! nothing reached the server.
//!
//! # Models and every other operation
//!
//! The models are the generated ones, re-exported as [`models`]: what the
//! SDK's methods return and take is what [`Client::raw`] returns and takes.
//! [`Client::raw`] is the generated client for the whole API, one builder per
//! operation (`client.raw().endpoint_list().search("prod").send()`), sending
//! through the same credentials, TLS, timeouts, retries and tracing. Its
//! errors convert into [`Error`] with `?`.
//!
//! # Tracing
//!
//! Each request runs in a `portainer.request` span with the fields
//! `operation`, `method`, `path` (the template, e.g. `/stacks/{id}`),
//! `status`, `duration_ms` and `attempts`. Credentials are never recorded.
#![deny(missing_docs)]

mod client;
mod docker;
mod environments;
mod error;
mod proxy;
mod raw;
mod retry;
mod settings;
mod stack_create;
mod stack_update;
mod stacks;
mod tls;
mod transport;
mod version;
#[cfg(feature = "docker")]
mod wait;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEPLOY_TIMEOUT, DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT, ENV_API_KEY,
    ENV_CA_FILE, ENV_INSECURE, ENV_URL,
};
#[cfg(feature = "docker")]
pub use docker::DockerList;
pub use docker::{ContainerLogs, Docker, LogLine, LogStream, log_lines};
pub use environments::{EnvironmentKind, Environments, ListEnvironments};
pub use error::{ApiError, ContainerFailure, Error, ServiceState, TransportKind};
pub use proxy::{Kubernetes, ProxyRequest, ProxyResponse};
/// The HTTP method of a [`Docker::request`] or [`Kubernetes::request`].
pub use reqwest::Method;
pub use retry::RetryPolicy;
pub use secrecy::{ExposeSecret, SecretString};
pub use settings::Settings;
pub use stack_update::normalized_name;
pub use stacks::{
    CreateStack, DeleteStack, DeployStack, Deployed, GitSource, ListStacks, RedeployGit, Stacks,
    UpdateGitSettings, UpdateStack,
};
pub use tls::install_crypto_provider;
pub use version::ServerVersion;
#[cfg(feature = "docker")]
pub use wait::{DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_TIMEOUT, WaitOptions, WaitStack};

/// The generated low-level client crate, re-exported for its types.
pub use portainer_sdk_gen as generated;
/// The string type of the models' fields (inline up to 24 bytes).
pub use portainer_sdk_gen::Text;

/// The models of the Portainer API, generated from its specification: what
/// the SDK's methods return and take. `Stack` is the stack of `GET
/// /api/stacks` (Go's `portaineree.Stack`), `Settings` the settings, and so
/// on; each model keeps the fields it does not know in `extra`, so nothing
/// a server sends is lost.
///
/// ```
/// let stack: portainer_sdk::models::Stack =
///     serde_json::from_str(r#"{"Id": 3, "Name": "web", "Env": null, "NewField": 1}"#).unwrap();
/// assert_eq!(stack.name.as_deref(), Some("web"));
/// assert_eq!(stack.env, None);
/// assert_eq!(stack.extra["NewField"], 1);
/// ```
pub mod models {
    pub use portainer_sdk_gen::Text;
    pub use portainer_sdk_gen::types::*;
}

/// The Docker Engine API's models, from the `bollard-stubs` crate: what
/// [`Docker`]'s typed calls return (feature `docker`, off by default).
///
/// ```
/// let c: portainer_sdk::docker_models::ContainerSummary =
///     serde_json::from_str(r#"{"Id": "4f2a", "State": "running", "Labels": null}"#).unwrap();
/// assert_eq!(c.id.as_deref(), Some("4f2a"));
/// ```
#[cfg(feature = "docker")]
pub mod docker_models {
    pub use bollard_stubs::models::*;
}

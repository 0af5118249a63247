//! A Portainer API client for automation: CI jobs, ops tools, deploy scripts.
//!
//! # Quick start
//!
//! ```no_run
//! use portainer_sdk::{Client, EnvVar};
//!
//! # async fn run() -> Result<(), portainer_sdk::Error> {
//! // PORTAINER_URL=https://portainer.example.com:9443 PORTAINER_API_KEY=ptr_...
//! let client = Client::from_env()?;
//!
//! for stack in client.stacks().list().send().await? {
//!     println!("{:>4} {} ({:?})", stack.id, stack.name, stack.status);
//! }
//!
//! // Create the stack, or update it if it exists: safe to run on every CI build.
//! let deployed = client
//!     .stacks()
//!     .deploy(1, "web")
//!     .content("services:\n  web:\n    image: nginx:1.27\n")
//!     .env([EnvVar::new("TAG", "1.27")])
//!     .send()
//!     .await?;
//! println!("stack {} {}", deployed.stack().id, if deployed.was_created() { "created" } else { "updated" });
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
//! # Every other operation
//!
//! [`Client::raw`] is the generated client for the whole API, sending through
//! the same credentials, TLS, timeouts, retries and tracing. Its errors
//! convert into [`Error`] with `?`.
//!
//! # Tracing
//!
//! Each request runs in a `portainer.request` span with the fields
//! `operation`, `method`, `path` (the template, e.g. `/stacks/{id}`),
//! `status`, `duration_ms` and `attempts`. Credentials are never recorded.
#![deny(missing_docs)]

mod client;
mod decode;
mod error;
mod go_json;
mod ops;
mod raw;
mod retry;
mod settings;
mod stack;
mod stack_list;
mod stacks;
mod text;
mod tls;
mod transport;
mod version;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEPLOY_TIMEOUT, DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT, ENV_API_KEY,
    ENV_CA_FILE, ENV_INSECURE, ENV_URL,
};
pub use error::{ApiError, Error, TransportKind};
pub use retry::RetryPolicy;
pub use secrecy::{ExposeSecret, SecretString};
pub use settings::{
    AuthenticationMethod, PortainerSettings, PublicSettings, Settings, SettingsPatch,
};
pub use stack::{
    AutoUpdate, EnvVar, GitAuthentication, GitConfig, ResourceControl, ResourceControlType, Stack,
    StackOption, StackStatus, StackType, TeamAccess, UserAccess,
};
pub use stacks::{
    CreateStack, DeleteStack, DeployStack, Deployed, GitSource, ListStacks, RedeployGit, Stacks,
    UpdateGitSettings, UpdateStack,
};
pub use text::Text;
pub use version::ServerVersion;

/// The generated low-level client crate, re-exported for its types.
pub use portainer_sdk_gen as generated;

/// For the fuzz targets only (`cargo fuzz` builds with `--cfg fuzzing`): the
/// stack list in `body` read as if it had arrived cut at each of `cuts` (in
/// increasing order), or
/// `None` where the SDK would leave it to serde.
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn fuzz_stack_list_in_pieces(body: &[u8], cuts: &[usize]) -> Option<Vec<Stack>> {
    use transport::Progress;
    let mut reader = stack_list::StackListReader::default();
    let mut from = 0;
    for &cut in cuts.iter().chain([&body.len()]) {
        let chunk = body.get(from..cut)?;
        reader.received(bytes::Bytes::copy_from_slice(chunk));
        from = cut;
    }
    reader.take_received()
}

// The README's example is compiled as a doctest, so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

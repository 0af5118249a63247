//! A stateful fake Portainer server for tests: what a test creates through
//! it stays there, and every rule it applies is taken from Portainer's own
//! handlers (each cited in the source), per emulated version.
//!
//! ```
//! use portainer_testkit::FakePortainer;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakePortainer::start().await;
//! let http = reqwest::Client::new();
//!
//! // The code under test deploys a stack...
//! let created: serde_json::Value = http
//!     .post(format!("{}/api/stacks/create/standalone/string?endpointId=1", fake.url()))
//!     .header("X-API-Key", fake.admin_key())
//!     .json(&serde_json::json!({
//!         "Name": "Web",
//!         "StackFileContent": "services:\n  web:\n    image: nginx:1.27\n",
//!     }))
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//!
//! // ...and the test checks what the server holds: Portainer lower-cases names.
//! assert_eq!(created["Name"], "web");
//! let stacks = fake.stacks();
//! assert_eq!(stacks.len(), 1);
//! assert!(stacks[0].file_content.contains("nginx:1.27"));
//!
//! // Creating it again is the server's 409.
//! let again = http
//!     .post(format!("{}/api/stacks/create/standalone/string?endpointId=1", fake.url()))
//!     .header("X-API-Key", fake.admin_key())
//!     .json(&serde_json::json!({"Name": "web", "StackFileContent": "services: {}"}))
//!     .send()
//!     .await?;
//! assert_eq!(again.status(), 409);
//! # Ok(()) }
//! ```
//!
//! # What it serves
//!
//! [`served_routes`] lists the routes per version: status and version,
//! `POST /api/auth`, settings, environments, stacks, and the Docker Engine
//! API behind `/api/endpoints/{id}/docker/` for the containers, services and
//! tasks of the deployed stacks. Any other operation of the spec answers 501
//! with its name; paths Portainer lacks answer 404.
//!
//! # Faults
//!
//! [`FakePortainer::inject`] delays a route, drops the connection after
//! reading a request (before or after handling it), or answers a status
//! (e.g. 503) a number of times: see [`Fault`].
//!
//! # Waiting
//!
//! Containers go from `created` to `running` to `healthy` over successive
//! polls ([`FakePortainerBuilder::container_progression`]);
//! [`FakePortainer::fail_service`] and [`FakePortainer::unhealthy_service`]
//! make a service exit or never become healthy.
#![deny(missing_docs)]

mod auth;
mod compose;
mod docker;
mod environments;
mod fake;
mod faults;
mod handler;
mod payload;
mod requests;
mod routes;
mod server;
mod settings;
mod stacks;
mod state;
mod system;
mod unimplemented;
mod users;
mod version;
mod wire;

pub use environments::{Environment, EnvironmentKind};
pub use fake::{FakePortainer, FakePortainerBuilder};
pub use faults::Fault;
pub use requests::{Credential, RecordedRequest};
pub use routes::{ServedRoute, served_routes};
pub use stacks::model::{GitSource, Stack, StackKind, StackStatus};
pub use users::{ApiKey, Role, User};
pub use version::{SPEC_PINS, Version};

// The README's examples are compiled as doctests here, so they stay true:
// they use both the SDK (its waiting example needs its `docker` feature, on in
// this crate's dev-dependencies) and this crate, which the SDK's own tests
// cannot depend on without fixing its TLS provider for every feature run.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

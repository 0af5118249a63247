//! `portainer version`: this tool's version, and the server's when a URL is
//! given (from the public status route: no key needed).

use serde_json::json;

use crate::cli::Global;
use crate::connect::{self, Key};
use crate::failure::{self, Failure};
use crate::output::Out;

const CLIENT: &str = env!("CARGO_PKG_VERSION");

pub async fn run(global: &Global, out: Out) -> Result<(), Failure> {
    let server = if global.url.as_deref().is_some_and(|u| !u.trim().is_empty()) {
        let (client, ctx) = connect::client(global, Key::NotNeeded)?;
        match client.server_version().await {
            Ok(v) => Some(v.to_string()),
            Err(e) => {
                return Err(
                    failure::foreign(&e, &ctx).unwrap_or_else(|| failure::from_sdk(e, &ctx))
                );
            }
        }
    } else {
        None
    };
    if out.is_json() {
        return out.json(&json!({ "client": CLIENT, "server": server }));
    }
    let mut text = format!("client {CLIENT}\n");
    if let Some(v) = server {
        text.push_str(&format!("server {v}\n"));
    }
    out.text(&text)
}

//! The client, from the global options and the environment.

use portainer_sdk::Client;

use crate::cli::Global;
use crate::failure::{Context, Failure};

/// Whether a command needs the API key (`version` asks a public route).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Required,
    NotNeeded,
}

/// Builds the client. The key is read from the variable `--api-key-env`
/// names, so it never appears in argv (shell history, `ps`).
pub fn client(global: &Global, key: Key) -> Result<(Client, Context), Failure> {
    let url = global
        .url
        .clone()
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| {
            Failure::usage(
                "no Portainer URL: give --url or set PORTAINER_URL \
                 (e.g. https://portainer.example.com:9443)",
            )
        })?;
    let ctx = Context {
        url: url.clone(),
        key_var: global.api_key_env.clone(),
    };
    let mut builder = Client::builder(url)
        .danger_accept_invalid_certs(global.insecure)
        .user_agent(concat!("portainer-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = &global.ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            Failure::usage(format!(
                "cannot read the CA file {} (--ca-file): {e}",
                path.display()
            ))
        })?;
        builder = builder.add_root_certificate(pem);
    }
    let api_key = std::env::var(&global.api_key_env)
        .ok()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty());
    match (api_key, key) {
        (Some(k), _) => builder = builder.api_key(k),
        (None, Key::NotNeeded) => {}
        (None, Key::Required) => {
            return Err(Failure::usage(format!(
                "no API key: the environment variable {} is not set or empty. Create an \
                 access token in Portainer (My account > Access tokens) and put it in {} \
                 (or name another variable with --api-key-env); the key is never taken from \
                 the command line",
                global.api_key_env, global.api_key_env
            )));
        }
    }
    let client = builder
        .build()
        .map_err(|e| crate::failure::from_sdk(e, &ctx))?;
    Ok((client, ctx))
}

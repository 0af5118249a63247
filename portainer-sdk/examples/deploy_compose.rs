//! Creates a compose stack from a file, or updates it if it already exists on
//! that environment (safe to run on every CI build).
//!
//! ```text
//! PORTAINER_URL=... PORTAINER_API_KEY=... \
//!     cargo run -p portainer-sdk --example deploy_compose -- ENVIRONMENT_ID NAME compose.yml [KEY=VALUE...]
//! ```

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(env_id), Some(name), Some(file)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: deploy_compose ENVIRONMENT_ID NAME COMPOSE_FILE [KEY=VALUE...]");
        return ExitCode::from(2);
    };
    let Ok(env_id) = env_id.parse::<i64>() else {
        eprintln!("ENVIRONMENT_ID must be a number, not {env_id:?}");
        return ExitCode::from(2);
    };
    let mut vars = Vec::new();
    for pair in &args[3..] {
        let Some((k, v)) = pair.split_once('=') else {
            eprintln!("environment variables are KEY=VALUE, not {pair:?}");
            return ExitCode::from(2);
        };
        vars.push((k.to_owned(), v.to_owned()));
    }
    let client = match portainer_sdk::Client::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut deploy = client.stacks().deploy(env_id, name.as_str()).file(file);
    // Without KEY=VALUE arguments an existing stack keeps its variables.
    if !vars.is_empty() {
        deploy = deploy.env(vars);
    }
    match deploy.pull_image(true).send().await {
        Ok(done) => {
            let verb = if done.was_created() {
                "created"
            } else {
                "updated"
            };
            let stack = done.stack();
            let name = stack.name.as_deref().unwrap_or_default();
            println!("{verb} stack {name} ({})", stack.id.unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("deploy failed: {e}");
            ExitCode::FAILURE
        }
    }
}

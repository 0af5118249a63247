//! Deploys a stack to the environment of that name (compose or swarm, as the
//! environment is) and waits until every service runs; a crash-looping
//! container ends it early with its logs.
//!
//! ```text
//! PORTAINER_URL=... PORTAINER_API_KEY=... \
//!     cargo run -p portainer-sdk --example deploy_and_wait -- ENVIRONMENT NAME compose.yml [TIMEOUT_SECONDS]
//! ```

use std::process::ExitCode;
use std::time::Duration;

use portainer_sdk::{Error, WaitOptions};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(env_name), Some(name), Some(file)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: deploy_and_wait ENVIRONMENT NAME COMPOSE_FILE [TIMEOUT_SECONDS]");
        return ExitCode::from(2);
    };
    let timeout = match args.get(3).map(|t| t.parse::<u64>()) {
        None => portainer_sdk::DEFAULT_WAIT_TIMEOUT,
        Some(Ok(secs)) => Duration::from_secs(secs),
        Some(Err(_)) => {
            eprintln!("TIMEOUT_SECONDS must be a number");
            return ExitCode::from(2);
        }
    };
    // Progress (`stack service` events) on stderr.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let client = match portainer_sdk::Client::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let env = match client.environments().find(env_name).await {
        Ok(Some(env)) => env,
        Ok(None) => {
            eprintln!("no environment is named {env_name:?}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let deployed = client
        .stacks()
        .deploy(env.id.unwrap_or_default(), name.as_str())
        .file(file)
        .wait_with(WaitOptions::default().timeout(timeout))
        .send()
        .await;
    match deployed {
        Ok(done) => {
            println!(
                "stack {name} is running ({})",
                done.stack().id.unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(Error::ContainerFailed(failure)) => {
            let (container, exit_code) = (&failure.container, failure.exit_code);
            eprintln!("{container} failed with exit code {exit_code}; its last lines:");
            for line in &failure.logs {
                eprintln!("  {line}");
            }
            ExitCode::FAILURE
        }
        Err(Error::WaitTimedOut { services, .. }) => {
            eprintln!("stack {name} was not running after {timeout:?}:");
            for s in services.iter().filter(|s| !s.ready) {
                eprintln!("  {s}");
            }
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("deploy failed: {e}");
            ExitCode::FAILURE
        }
    }
}

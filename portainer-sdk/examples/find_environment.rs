//! Finds an environment by its exact name and prints what it is.
//!
//! ```text
//! PORTAINER_URL=... PORTAINER_API_KEY=... \
//!     cargo run -p portainer-sdk --example find_environment -- NAME
//! ```

use std::process::ExitCode;

use portainer_sdk::EnvironmentKind;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(name) = std::env::args().nth(1) else {
        eprintln!("usage: find_environment NAME");
        return ExitCode::from(2);
    };
    let client = match portainer_sdk::Client::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match client.environments().find(&name).await {
        Ok(Some(env)) => {
            let kind = EnvironmentKind::from(&env);
            println!(
                "{name}: environment {} ({kind:?})",
                env.id.unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Ok(None) => {
            eprintln!("no environment is named {name:?}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

//! Lists the stacks the access token can see.
//!
//! ```text
//! PORTAINER_URL=https://portainer.example.com:9443 PORTAINER_API_KEY=ptr_... \
//!     cargo run -p portainer-sdk --example list_stacks [ENVIRONMENT_ID]
//! ```
//! Set PORTAINER_INSECURE=true for Portainer's self-signed certificate, or
//! PORTAINER_CA_FILE=/path/ca.pem to trust its CA.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let client = match portainer_sdk::Client::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut list = client.stacks().list();
    if let Some(arg) = std::env::args().nth(1) {
        match arg.parse() {
            Ok(id) => list = list.endpoint(id),
            Err(_) => {
                eprintln!("ENVIRONMENT_ID must be a number, not {arg:?}");
                return ExitCode::from(2);
            }
        }
    }
    match list.send().await {
        Ok(stacks) => {
            println!(
                "{:>5}  {:<30} {:<11} {:<9} ENV",
                "ID", "NAME", "TYPE", "STATUS"
            );
            for s in stacks {
                let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
                println!(
                    "{:>5}  {:<30} {:<11} {:<9} {}",
                    number(s.id),
                    s.name.as_deref().unwrap_or_default(),
                    number(s.type_.map(|t| t.0)),
                    number(s.status.map(|t| t.0)),
                    number(s.endpoint_id)
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("listing stacks failed: {e}");
            ExitCode::FAILURE
        }
    }
}

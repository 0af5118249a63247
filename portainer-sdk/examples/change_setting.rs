//! Changes one Portainer setting and prints the value the server now has.
//!
//! ```text
//! PORTAINER_URL=... PORTAINER_API_KEY=... \
//!     cargo run -p portainer-sdk --example change_setting -- SnapshotInterval 15m
//! ```
//! VALUE is read as JSON when it parses (`false`, `0`, `{"a":1}`), else as a string.

use std::process::ExitCode;

use portainer_sdk::models::SettingsUpdatePayload;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(field), Some(raw)) = (args.first(), args.get(1)) else {
        eprintln!("usage: change_setting FIELD VALUE   (e.g. SnapshotInterval 15m)");
        return ExitCode::from(2);
    };
    let value =
        serde_json::from_str(raw).unwrap_or_else(|_| serde_json::Value::String(raw.clone()));
    // The patch is the generated model: a field it does not have is left out
    // (and an empty patch refused), a value of the wrong type is an error.
    let patch: SettingsUpdatePayload =
        match serde_json::from_value(serde_json::json!({ field.as_str(): value })) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{field}: {e}");
                return ExitCode::from(2);
            }
        };
    let client = match portainer_sdk::Client::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match client.settings().update(patch).await {
        Ok(after) => {
            let after = serde_json::to_value(&after).unwrap_or_default();
            let now = after
                .get(field)
                .map(ToString::to_string)
                .unwrap_or_else(|| "(absent)".into());
            println!("{field} = {now}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("updating {field} failed: {e}");
            ExitCode::FAILURE
        }
    }
}

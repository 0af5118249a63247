//! Waiting until a stack runs: `portainer stack wait` and `deploy --wait`.

use std::time::Duration;

use portainer_sdk::ServiceState;
use portainer_sdk::models::Stack;
use serde_json::json;

use crate::Session;
use crate::failure::{Failure, OrFail};
use crate::progress::Progress;
use crate::stacks::{describe, id};

/// Waits for `stack`, the services' states shown on `progress`; fails with
/// exit code 4 on a timeout or a container that does not start.
pub async fn until_running(
    s: &Session,
    stack: &Stack,
    timeout: Option<Duration>,
    progress: &Progress,
) -> Result<Vec<ServiceState>, Failure> {
    progress.state("waiting for the services to run");
    let mut wait = s.client.stacks().wait(id(stack));
    if let Some(t) = timeout {
        wait = wait.timeout(t);
    }
    wait.send().await.or_fail(&s.ctx)
}

/// `portainer stack wait NAME [--timeout]`.
pub async fn run(s: &Session, args: crate::cli::WaitArgs) -> Result<(), Failure> {
    let stack = crate::stacks::find(s, &args.stack).await?;
    let progress = Progress::start(
        format!("wait {}", crate::stacks::name(&stack)),
        s.progress,
        "waiting for the services to run",
    );
    let result = until_running(s, &stack, args.timeout, &progress).await;
    progress.finish(if result.is_ok() { "running" } else { "failed" });
    let services = result?;
    if s.out.is_json() {
        let states: Vec<_> = services
            .iter()
            .map(|st| json!({ "service": st.service, "state": st.state, "ready": st.ready }))
            .collect();
        return s.out.json(&states);
    }
    let mut text = format!("stack {} is running\n", describe(&stack));
    text.push_str(&crate::output::render_table(
        &["SERVICE", "STATE"],
        &services
            .iter()
            .map(|st| vec![st.service.clone(), st.state.clone()])
            .collect::<Vec<_>>(),
    ));
    s.out.text(&text)
}

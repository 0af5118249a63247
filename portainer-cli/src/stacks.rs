//! The stack commands other than deploy: ls, show, file, rm, start, stop,
//! redeploy, wait.

use std::time::{Duration, UNIX_EPOCH};

use portainer_sdk::models::Stack;
use portainer_sdk::normalized_name;
use serde_json::json;

use crate::Session;
use crate::cli::{LsArgs, StackRef};
use crate::environments;
use crate::failure::{Failure, OrFail};

/// `portainer stack ls [--environment ..]`.
pub async fn ls(s: &Session, args: LsArgs) -> Result<(), Failure> {
    let environment = environments::optional(s, args.environment.as_deref()).await?;
    let mut call = s.client.stacks().list();
    if let Some(e) = environment {
        call = call.endpoint(e);
    }
    let stacks = call.send().await.or_fail(&s.ctx)?;
    if s.out.is_json() {
        return s.out.json(&stacks);
    }
    let rows: Vec<Vec<String>> = stacks
        .iter()
        .map(|st| {
            vec![
                st.id.map(|i| i.to_string()).unwrap_or_default(),
                st.name.as_deref().unwrap_or_default().to_owned(),
                kind(st),
                status(st),
                st.endpoint_id.map(|i| i.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    s.out
        .table(&["ID", "NAME", "TYPE", "STATUS", "ENVIRONMENT"], &rows)
}

/// `portainer stack show NAME`.
pub async fn show(s: &Session, args: StackRef) -> Result<(), Failure> {
    let stack = find(s, &args).await?;
    if s.out.is_json() {
        return s.out.json(&stack);
    }
    let mut rows = vec![
        row("ID", id(&stack).to_string()),
        row("Name", name(&stack)),
        row("Type", kind(&stack)),
        row("Status", status(&stack)),
        row(
            "Environment",
            stack.endpoint_id.map(|e| e.to_string()).unwrap_or_default(),
        ),
    ];
    if let Some(git) = &stack.git_config {
        let mut source = git.url.as_deref().unwrap_or_default().to_owned();
        if let Some(r) = git.reference_name.as_deref().filter(|r| !r.is_empty()) {
            source.push_str(&format!(" @ {r}"));
        }
        if let Some(p) = git.config_file_path.as_deref().filter(|p| !p.is_empty()) {
            source.push_str(&format!(" ({p})"));
        }
        rows.push(row("Git", source));
    }
    // Names only: values are often secrets, and tables end up in CI logs
    // (`--output json` has them).
    let env: Vec<&str> = stack
        .env
        .iter()
        .flatten()
        .filter_map(|p| p.name.as_deref())
        .collect();
    rows.push(row("Env", env.join(", ")));
    rows.push(row(
        "Created",
        when(stack.creation_date, stack.created_by.as_deref()),
    ));
    rows.push(row(
        "Updated",
        when(stack.update_date, stack.updated_by.as_deref()),
    ));
    s.out
        .text(&crate::output::render_table(&["FIELD", "VALUE"], &rows))
}

/// `portainer stack file NAME`: the file as it is; JSON as the server's
/// `{"StackFileContent": ...}`.
pub async fn file(s: &Session, args: StackRef) -> Result<(), Failure> {
    let stack = find(s, &args).await?;
    let content = s.client.stacks().file(id(&stack)).await.or_fail(&s.ctx)?;
    if s.out.is_json() {
        return s.out.json(&json!({ "StackFileContent": content }));
    }
    s.out.text(&content)
}

/// `portainer stack rm NAME`; JSON is the stack as it was.
pub async fn rm(s: &Session, args: StackRef) -> Result<(), Failure> {
    let stack = find(s, &args).await?;
    let mut call = s.client.stacks().delete(id(&stack));
    if let Some(e) = stack.endpoint_id {
        call = call.endpoint(e);
    }
    call.send().await.or_fail(&s.ctx)?;
    if s.out.is_json() {
        return s.out.json(&stack);
    }
    s.out.text(&format!("removed stack {}", describe(&stack)))
}

/// `portainer stack start NAME`.
pub async fn start(s: &Session, args: StackRef) -> Result<(), Failure> {
    let stack = find(s, &args).await?;
    let started = s.client.stacks().start(id(&stack)).await.or_fail(&s.ctx)?;
    if s.out.is_json() {
        return s.out.json(&started);
    }
    s.out.text(&format!("started stack {}", describe(&stack)))
}

/// `portainer stack stop NAME`.
pub async fn stop(s: &Session, args: StackRef) -> Result<(), Failure> {
    let stack = find(s, &args).await?;
    let stopped = s.client.stacks().stop(id(&stack)).await.or_fail(&s.ctx)?;
    if s.out.is_json() {
        return s.out.json(&stopped);
    }
    s.out.text(&format!("stopped stack {}", describe(&stack)))
}

/// `portainer stack redeploy NAME`: pull a git stack's repository and
/// redeploy it, keeping its reference, credentials and env.
pub async fn redeploy(s: &Session, args: StackRef) -> Result<(), Failure> {
    let stack = find(s, &args).await?;
    if stack.git_config.is_none() {
        return Err(Failure::failed(format!(
            "stack {} is not deployed from git; redeploy a file stack with \
             `portainer stack deploy {} --file PATH`",
            describe(&stack),
            name(&stack)
        )));
    }
    let progress = crate::progress::Progress::start(
        format!("redeploy {}", name(&stack)),
        s.progress,
        "pulling the repository and redeploying",
    );
    let result = s.client.stacks().redeploy_git(id(&stack)).send().await;
    progress.finish(if result.is_ok() {
        "redeployed"
    } else {
        "failed"
    });
    let redeployed = result.or_fail(&s.ctx)?;
    if s.out.is_json() {
        return s.out.json(&redeployed);
    }
    s.out
        .text(&format!("redeployed stack {}", describe(&redeployed)))
}

/// The stack called `name`: exactly, or else in Portainer's normalized
/// form (servers before the identity normalizer stored names lower-cased).
pub async fn find(s: &Session, args: &StackRef) -> Result<Stack, Failure> {
    let environment = environments::optional(s, args.environment.as_deref()).await?;
    let mut call = s.client.stacks().list();
    if let Some(e) = environment {
        call = call.endpoint(e);
    }
    let stacks = call.send().await.or_fail(&s.ctx)?;
    let wanted = args.name.as_str();
    let mut found: Vec<&Stack> = stacks
        .iter()
        .filter(|st| st.name.as_deref() == Some(wanted))
        .collect();
    if found.is_empty() {
        let normalized = normalized_name(wanted);
        found = stacks
            .iter()
            .filter(|st| st.name.as_deref() == Some(normalized.as_str()))
            .collect();
    }
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Failure::failed(match environment {
            Some(e) => format!("no stack named {wanted:?} on environment {e}"),
            None => format!("no stack named {wanted:?}"),
        })),
        several => {
            let mut on: Vec<String> = several
                .iter()
                .map(|st| st.endpoint_id.unwrap_or_default().to_string())
                .collect();
            on.sort();
            on.dedup();
            Err(Failure::usage(format!(
                "{} stacks are named {wanted:?} (on environments {}): choose one with --environment",
                several.len(),
                on.join(", ")
            )))
        }
    }
}

pub fn id(stack: &Stack) -> i64 {
    stack.id.unwrap_or_default()
}

pub fn name(stack: &Stack) -> String {
    stack.name.as_deref().unwrap_or_default().to_owned()
}

/// `web (id 3) on environment 1`.
pub fn describe(stack: &Stack) -> String {
    let mut text = format!("{} (id {})", name(stack), id(stack));
    if let Some(e) = stack.endpoint_id {
        text.push_str(&format!(" on environment {e}"));
    }
    text
}

/// The stack type's name (api/portainer.go: `DockerSwarmStack` = 1,
/// `DockerComposeStack`, `KubernetesStack`).
fn kind(stack: &Stack) -> String {
    match stack.type_.as_ref().map(|t| t.0) {
        Some(1) => "swarm".into(),
        Some(2) => "compose".into(),
        Some(3) => "kubernetes".into(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// The stack status's name (api/portainer.go: `StackStatusActive` = 1,
/// `StackStatusInactive`; 3 and 4 per the 2.44.0 spec's portainer.Stack).
fn status(stack: &Stack) -> String {
    match stack.status.as_ref().map(|s| s.0) {
        Some(1) => "active".into(),
        Some(2) => "inactive".into(),
        Some(3) => "deploying".into(),
        Some(4) => "error".into(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn row(field: &str, value: String) -> Vec<String> {
    vec![field.to_owned(), value]
}

/// `2024-05-01T10:00:00Z by admin`.
fn when(unix: Option<i64>, by: Option<&str>) -> String {
    let mut text = match unix.and_then(|t| u64::try_from(t).ok()).filter(|t| *t > 0) {
        Some(t) => {
            humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(t)).to_string()
        }
        None => String::new(),
    };
    if let Some(by) = by.filter(|b| !b.is_empty()) {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("by {by}"));
    }
    text
}

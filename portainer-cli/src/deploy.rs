//! `portainer stack deploy`: create or update a stack by name, the SDK's
//! idempotent `deploy`.

use portainer_sdk::{Deployed, GitSource};

use crate::Session;
use crate::cli::DeployArgs;
use crate::env_file;
use crate::environments;
use crate::failure::Failure;
use crate::progress::Progress;
use crate::stacks::describe;

pub async fn run(s: &Session, args: DeployArgs) -> Result<(), Failure> {
    // Everything local is read before anything is sent.
    let vars = variables(&args)?;
    let content = match &args.source.file {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(format!(
                "cannot read the stack file {} (--file): {e}",
                path.display()
            ))
        })?),
        None => None,
    };
    let git = match &args.source.git {
        Some(url) => Some(git_source(url, &args)?),
        None => None,
    };
    let environment = environments::required(s, args.environment.as_deref()).await?;

    let mut deploy = s.client.stacks().deploy(environment, &args.name);
    deploy = match (content, git) {
        (Some(text), _) => deploy.content(text),
        (None, Some(git)) => deploy.git(git),
        // clap requires one of --file and --git.
        (None, None) => return Err(Failure::usage("give --file PATH or --git URL")),
    };
    deploy = if args.keep_env {
        vars.into_iter().fold(deploy, |d, (k, v)| d.set_env(k, v))
    } else {
        deploy.env(vars)
    };
    if args.prune {
        deploy = deploy.prune(true);
    }
    if args.pull {
        deploy = deploy.pull_image(true);
    }
    if let Some(t) = args.timeout {
        deploy = deploy.timeout(t);
    }

    let progress = Progress::start(
        format!("deploy {}", args.name),
        s.progress,
        &format!("deploying to environment {environment}"),
    );
    let deployed = match deploy.send().await {
        Ok(d) => d,
        Err(e) => {
            progress.finish("failed");
            return Err(crate::failure::from_sdk(e, &s.ctx));
        }
    };
    let verb = match &deployed {
        Deployed::Created(_) => "created",
        _ => "updated",
    };
    let stack = deployed.stack();
    let waited = if args.wait {
        progress.state(verb);
        let result = crate::wait::until_running(s, stack, args.timeout, &progress).await;
        progress.finish(if result.is_ok() { "running" } else { "failed" });
        Some(result)
    } else {
        progress.finish(verb);
        None
    };
    // The stack was created or updated whatever the wait says: a pipeline
    // reads that on stdout, the wait's failure on stderr and in the exit code.
    if s.out.is_json() {
        s.out.json(stack)?;
    } else {
        s.out.text(&format!("{verb} stack {}", describe(stack)))?;
    }
    match waited {
        Some(Err(f)) => Err(f),
        _ => Ok(()),
    }
}

/// The stack's variables: the env file's, then each `--env` (a later one
/// wins). `--env K` alone takes K's value from this process's environment,
/// so a secret need not be written on the command line.
fn variables(args: &DeployArgs) -> Result<Vec<(String, String)>, Failure> {
    let mut vars = match &args.env_file {
        Some(path) => env_file::load(path)?,
        None => Vec::new(),
    };
    for item in &args.env {
        let (key, value) = match item.split_once('=') {
            Some((k, v)) => (k.trim().to_owned(), v.to_owned()),
            None => {
                let key = item.trim().to_owned();
                let value = std::env::var(&key).map_err(|_| {
                    Failure::usage(format!(
                        "--env {key}: no value given and {key} is not set in the environment"
                    ))
                })?;
                (key, value)
            }
        };
        if key.is_empty() || key.chars().any(char::is_whitespace) {
            return Err(Failure::usage(format!(
                "--env {item:?}: expected K=V with a variable name K"
            )));
        }
        vars.push((key, value));
    }
    Ok(dedup_last_wins(vars))
}

/// One entry per name, at its first position, with its last value.
fn dedup_last_wins(vars: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(vars.len());
    for (k, v) in vars {
        match out.iter_mut().find(|(name, _)| *name == k) {
            Some(existing) => existing.1 = v,
            None => out.push((k, v)),
        }
    }
    out
}

fn git_source(url: &str, args: &DeployArgs) -> Result<GitSource, Failure> {
    let mut git = GitSource::new(url);
    if let Some(r) = &args.reference {
        git = git.reference(r);
    }
    if let Some(p) = &args.compose_path {
        git = git.path(p);
    }
    if let (Some(user), Some(var)) = (&args.git_user, &args.git_token_env) {
        let token = std::env::var(var)
            .ok()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                Failure::usage(format!(
                    "--git-token-env {var}: the environment variable {var} is not set or empty"
                ))
            })?;
        git = git.credentials(user, token);
    }
    Ok(git)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_values_win_in_first_position() {
        let v = |k: &str, x: &str| (k.to_owned(), x.to_owned());
        assert_eq!(
            dedup_last_wins(vec![v("A", "1"), v("B", "2"), v("A", "3")]),
            [v("A", "3"), v("B", "2")]
        );
    }
}

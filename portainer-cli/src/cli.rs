//! The command line: commands, flags and help texts.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

/// The exit codes, shown under `--help` of the tool and of the commands that
/// can end with 3 or 4.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  done
  1  failed (the server's message is printed)
  2  usage: wrong arguments or configuration (nothing was sent)
  3  outcome unknown: the connection broke after a create or update was sent;
     run the command again (deploy is idempotent)
  4  --wait timed out, or the stack failed to start";

#[derive(Debug, Parser)]
#[command(
    name = "portainer",
    version,
    about = "Deploy and manage Portainer stacks from CI and the shell",
    long_about = "Deploy and manage Portainer stacks from CI and the shell.\n\n\
        The API key is read from an environment variable (PORTAINER_API_KEY, or the one \
        named by --api-key-env), never from the command line. Results go to stdout, \
        progress and errors to stderr.",
    after_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes, before or after the command's name.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    // The help is an attribute: rustdoc would flag the bare URL of a doc comment.
    #[arg(
        long,
        help = "Portainer's address as typed in a browser, e.g. https://portainer.example.com:9443",
        env = "PORTAINER_URL",
        hide_env_values = true,
        value_name = "URL",
        global = true
    )]
    pub url: Option<String>,
    /// The environment variable that holds the API key (an access token)
    #[arg(
        long,
        value_name = "VAR",
        default_value = portainer_sdk::ENV_API_KEY,
        global = true
    )]
    pub api_key_env: String,
    /// Accept any TLS certificate (Portainer's self-signed default); prefer --ca-file
    #[arg(long, global = true)]
    pub insecure: bool,
    /// Trust the CA certificate(s) in this PEM file
    #[arg(long, value_name = "PATH", global = true)]
    pub ca_file: Option<PathBuf>,
    /// How results are printed on stdout
    #[arg(long, value_enum, default_value_t = Format::Table, global = true)]
    pub output: Format,
    /// Trace requests on stderr (-v: one line per request, -vv: more)
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people
    Table,
    /// The models as they serialize, one JSON document per command
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Stacks: deploy, list, inspect, remove, start, stop, redeploy, wait
    #[command(subcommand)]
    Stack(StackCommand),
    /// Environments
    #[command(subcommand)]
    Env(EnvCommand),
    /// Portainer's settings (administrators only)
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// The versions of this tool and of the server
    Version,
}

#[derive(Debug, Subcommand)]
pub enum StackCommand {
    /// Create the stack, or update it if one of this name exists on the environment
    #[command(after_help = EXIT_CODES)]
    Deploy(Box<DeployArgs>),
    /// List stacks
    Ls(LsArgs),
    /// Show a stack
    Show(StackRef),
    /// Print a stack's compose file or manifest
    File(StackRef),
    /// Remove a stack
    #[command(after_help = EXIT_CODES)]
    Rm(StackRef),
    /// Start a stopped stack
    #[command(after_help = EXIT_CODES)]
    Start(StackRef),
    /// Stop a running stack
    #[command(after_help = EXIT_CODES)]
    Stop(StackRef),
    /// Pull a git stack's repository and redeploy it
    #[command(after_help = EXIT_CODES)]
    Redeploy(StackRef),
    /// Wait until every service of a stack runs (and is healthy where it has a healthcheck)
    #[command(after_help = EXIT_CODES)]
    Wait(WaitArgs),
}

/// Where a stack's content comes from: a file or a git repository.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Source {
    /// The compose file (or Kubernetes manifest) to deploy
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Deploy from this git repository
    #[arg(long, value_name = "URL")]
    pub git: Option<String>,
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The stack's name
    pub name: String,
    #[command(flatten)]
    pub source: Source,
    /// The git reference to deploy, e.g. refs/heads/main (default: the repository's default branch)
    #[arg(long = "ref", value_name = "REF", requires = "git")]
    pub reference: Option<String>,
    /// The compose file's path inside the repository (default: docker-compose.yml)
    #[arg(long, value_name = "PATH", requires = "git")]
    pub compose_path: Option<String>,
    /// The user name for a private repository
    #[arg(long, value_name = "U", requires = "git", requires = "git_token_env")]
    pub git_user: Option<String>,
    /// The environment variable that holds the repository's password or token
    #[arg(long, value_name = "VAR", requires = "git_user")]
    pub git_token_env: Option<String>,
    /// The environment (id or name); may be left out when there is only one
    #[arg(long, value_name = "ID|NAME")]
    pub environment: Option<String>,
    /// A variable for the stack, K=V (K alone takes its value from this process's environment); repeatable
    #[arg(long = "env", value_name = "K=V")]
    pub env: Vec<String>,
    /// Variables for the stack from a file of K=V lines (before any --env)
    #[arg(long, value_name = "PATH")]
    pub env_file: Option<PathBuf>,
    /// Merge the given variables into the stack's current ones instead of replacing them
    #[arg(long)]
    pub keep_env: bool,
    /// Remove services that are no longer in the file
    #[arg(long)]
    pub prune: bool,
    /// Pull the images again, even if present
    #[arg(long)]
    pub pull: bool,
    /// Wait until every service runs (and is healthy where it has a healthcheck)
    #[arg(long)]
    pub wait: bool,
    /// The longest the deploy request, and then --wait, may take, e.g. 90s, 10m (default: 5m)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Only the stacks of this environment (id or name)
    #[arg(long, value_name = "ID|NAME")]
    pub environment: Option<String>,
}

/// A stack by name.
#[derive(Debug, Args)]
pub struct StackRef {
    /// The stack's name
    pub name: String,
    /// The stack's environment (id or name), when stacks of this name are on several
    #[arg(long, value_name = "ID|NAME")]
    pub environment: Option<String>,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    #[command(flatten)]
    pub stack: StackRef,
    /// The longest to wait, e.g. 90s, 10m (default: 5m)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Subcommand)]
pub enum EnvCommand {
    /// List environments
    Ls,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Print the settings, or one of them
    Get {
        /// One setting, by its JSON name (e.g. SnapshotInterval)
        key: Option<String>,
    },
    /// Change settings: each KEY is a field of the settings update, VALUE text or JSON
    #[command(after_help = EXIT_CODES)]
    Set {
        /// e.g. SnapshotInterval=10m EnableTelemetry=false
        #[arg(value_name = "KEY=VALUE", required = true)]
        assignments: Vec<String>,
    },
}

/// `90s`, `5m`, `1h30m`: a duration as people write it.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text)
        .map_err(|e| format!("{e} (write durations like 90s, 5m or 1h30m)"))?;
    if d.is_zero() {
        return Err("the duration must be longer than zero".into());
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("soon").unwrap_err().contains("5m"));
    }

    #[test]
    fn a_deploy_takes_one_source() {
        let both = Cli::try_parse_from([
            "portainer",
            "stack",
            "deploy",
            "web",
            "--file",
            "a.yml",
            "--git",
            "https://example.com/r",
        ]);
        assert!(both.is_err());
        let none = Cli::try_parse_from(["portainer", "stack", "deploy", "web"]);
        assert!(none.is_err());
        let token_without_user = Cli::try_parse_from([
            "portainer",
            "stack",
            "deploy",
            "web",
            "--git",
            "https://example.com/r",
            "--git-token-env",
            "T",
        ]);
        assert!(token_without_user.is_err());
    }
}

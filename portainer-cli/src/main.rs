//! `portainer`: create or update Portainer stacks from CI and the shell, on
//! top of `portainer-sdk`. See `portainer --help` and the README.

mod cli;
mod connect;
mod deploy;
mod env_file;
mod environments;
mod failure;
mod output;
mod progress;
mod settings;
mod stacks;
mod version;
mod wait;

use std::process::ExitCode;

use clap::Parser;
use portainer_sdk::Client;

use crate::cli::{Cli, Command, EnvCommand, SettingsCommand, StackCommand};
use crate::connect::Key;
use crate::failure::{Context, Failure};
use crate::output::Out;
use crate::progress::Style;

/// What every command works with.
pub struct Session {
    pub client: Client,
    pub ctx: Context,
    pub out: Out,
    pub progress: Style,
}

fn main() -> ExitCode {
    // clap prints usage errors and exits with 2 itself.
    let cli = Cli::parse();
    init_tracing(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return failure::Exit::Failed.into();
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            f.exit.into()
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let Cli { global, command } = cli;
    let out = Out {
        format: global.output,
    };
    if let Command::Version = command {
        return version::run(&global, out).await;
    }
    let (client, ctx) = connect::client(&global, Key::Required)?;
    let session = Session {
        client,
        ctx,
        out,
        progress: Style::detect(global.verbose),
    };
    let result = dispatch(&session, command).await;
    match result {
        Err(f) if f.check_server => Err(check_server(&session, f).await),
        other => other,
    }
}

async fn dispatch(s: &Session, command: Command) -> Result<(), Failure> {
    match command {
        Command::Stack(c) => match c {
            StackCommand::Deploy(a) => deploy::run(s, *a).await,
            StackCommand::Ls(a) => stacks::ls(s, a).await,
            StackCommand::Show(a) => stacks::show(s, a).await,
            StackCommand::File(a) => stacks::file(s, a).await,
            StackCommand::Rm(a) => stacks::rm(s, a).await,
            StackCommand::Start(a) => stacks::start(s, a).await,
            StackCommand::Stop(a) => stacks::stop(s, a).await,
            StackCommand::Redeploy(a) => stacks::redeploy(s, a).await,
            StackCommand::Wait(a) => wait::run(s, a).await,
        },
        Command::Env(EnvCommand::Ls) => environments::ls(s).await,
        Command::Settings(SettingsCommand::Get { key }) => settings::get(s, key).await,
        Command::Settings(SettingsCommand::Set { assignments }) => {
            settings::set(s, &assignments).await
        }
        Command::Version => Ok(()),
    }
}

/// A failure that may come from a URL that is not Portainer's API (an HTML
/// page, a 404 without Portainer's JSON): ask the public status route, and
/// say so if it is not there either.
async fn check_server(s: &Session, original: Failure) -> Failure {
    match s.client.server_version().await {
        Err(e) => failure::foreign(&e, &s.ctx).unwrap_or(original),
        Ok(_) => original,
    }
}

/// `-v`: a line per request (the SDK's `portainer.request` span as it
/// closes, with status and duration); `-vv`: the debug events too. Only this
/// tool's and the SDK's events, which never record credentials. Without
/// `-v`, only the SDK's service states reach the progress on stderr.
fn init_tracing(verbose: u8) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::prelude::*;
    let services = Targets::new().with_target("portainer_sdk", LevelFilter::INFO);
    let level = match verbose {
        0 => LevelFilter::OFF,
        1 => LevelFilter::INFO,
        _ => LevelFilter::DEBUG,
    };
    let filter = Targets::new()
        .with_target("portainer_sdk", level)
        .with_target("portainer", level);
    let fmt = (verbose > 0).then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_span_events(FmtSpan::CLOSE)
            .with_filter(filter)
    });
    tracing_subscriber::registry()
        .with(progress::ServiceEvents.with_filter(services))
        .with(fmt)
        .init();
}

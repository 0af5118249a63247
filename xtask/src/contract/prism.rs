//! Starting and stopping Prism on 127.0.0.1.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How long Prism may take to load the spec (about 5 s for 2.44.0 on 2 cores).
pub const STARTUP_DEADLINE: Duration = Duration::from_secs(120);

/// The command that installs the pinned Prism.
pub fn install_command() -> String {
    format!("npm ci --prefix {}", super::NPM_DIR)
}

/// The Prism executable npm installs, or an error naming the install command.
pub fn executable(root: &Path) -> Result<PathBuf> {
    let bin = root.join(super::NPM_DIR).join("node_modules/.bin/prism");
    if !bin.is_file() {
        bail!(
            "Prism is not installed ({} is missing): run `{}` in {}",
            bin.display(),
            install_command(),
            root.display()
        );
    }
    Ok(bin)
}

/// A running `prism mock`, killed when dropped.
pub struct Prism {
    child: Child,
    port: u16,
    startup: Duration,
    log: PathBuf,
}

impl Prism {
    /// Starts `prism mock` serving `spec` on a free port of 127.0.0.1, its
    /// output going to `log`, and returns once it accepts connections.
    pub fn start(root: &Path, spec: &Path, log: &Path) -> Result<Prism> {
        let bin = executable(root)?;
        let port = free_port()?;
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let out =
            std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let started = Instant::now();
        let child = Command::new(&bin)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut prism = Prism {
            child,
            port,
            startup: Duration::ZERO,
            log: log.to_owned(),
        };
        prism.wait_ready(started)?;
        Ok(prism)
    }

    fn wait_ready(&mut self, started: Instant) -> Result<()> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "Prism exited ({status}) before listening; its output:\n{}",
                    self.log_tail()
                );
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                self.startup = started.elapsed();
                return Ok(());
            }
            if started.elapsed() > STARTUP_DEADLINE {
                bail!(
                    "Prism did not listen on {addr} within {} s; its output:\n{}",
                    STARTUP_DEADLINE.as_secs(),
                    self.log_tail()
                );
            }
            // Polls the port; the connect timeout above paces the loop when
            // nothing listens yet, this when connections are refused at once.
            std::thread::park_timeout(Duration::from_millis(100));
        }
    }

    /// The last lines Prism printed.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// `http://127.0.0.1:PORT`, where Prism serves the spec's paths (without `/api`).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// How long Prism took to load the spec and listen.
    pub fn startup(&self) -> Duration {
        self.startup
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

//! Progress on stderr for the commands that take time (deploy, wait): a
//! spinner with the current state on a terminal, timestamped lines
//! otherwise (CI logs), so stdout carries only the result.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK: Duration = Duration::from_millis(100);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Spinner,
    Lines,
}

impl Style {
    /// A spinner when stderr is a terminal and no tracing shares it.
    pub fn detect(verbose: u8) -> Self {
        use std::io::IsTerminal;
        if verbose == 0 && std::io::stderr().is_terminal() {
            Style::Spinner
        } else {
            Style::Lines
        }
    }
}

/// The progress of one task, e.g. `deploy web`.
pub struct Progress {
    label: String,
    style: Style,
    state: Arc<Mutex<String>>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    /// Starts reporting; with a spinner, a task redraws it until the end.
    pub fn start(label: impl Into<String>, style: Style, state: &str) -> Self {
        let label = label.into();
        let shared = Arc::new(Mutex::new(state.to_owned()));
        let ticker = match style {
            Style::Spinner => {
                let (label, shared) = (label.clone(), Arc::clone(&shared));
                Some(tokio::spawn(async move {
                    let started = Instant::now();
                    let mut interval = tokio::time::interval(TICK);
                    for frame in FRAMES.iter().cycle() {
                        interval.tick().await;
                        let state = shared.lock().map(|s| s.clone()).unwrap_or_default();
                        let secs = started.elapsed().as_secs();
                        let mut err = std::io::stderr().lock();
                        let _ = write!(err, "\r\x1b[2K{frame} {label}: {state} ({secs}s)");
                        let _ = err.flush();
                    }
                }))
            }
            Style::Lines => {
                line(&label, state);
                None
            }
        };
        Self {
            label,
            style,
            state: shared,
            ticker,
        }
    }

    /// The current state; a line is printed only when it changes.
    #[expect(dead_code, reason = "state changes come with waiting (issue 19)")]
    pub fn state(&self, state: &str) {
        let Ok(mut current) = self.state.lock() else {
            return;
        };
        if *current == state {
            return;
        }
        state.clone_into(&mut current);
        if self.style == Style::Lines {
            line(&self.label, state);
        }
    }

    /// Ends with a last state: a line in logs; on a terminal the spinner is
    /// cleared and the result on stdout says the rest.
    pub fn finish(self, state: &str) {
        if self.style == Style::Lines {
            line(&self.label, state);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(t) = self.ticker.take() {
            t.abort();
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

fn line(label: &str, state: &str) {
    let now = humantime::format_rfc3339_seconds(SystemTime::now());
    eprintln!("{now} {label}: {state}");
}

//! Progress on stderr for the commands that take time (deploy, wait): a
//! spinner with the current state on a terminal, timestamped lines
//! otherwise (CI logs), so stdout carries only the result.
//!
//! While a wait runs, the SDK reports each change of a service's state as a
//! `tracing` event (`stack service`, with `service` and `state`);
//! [`ServiceEvents`] hands those to the progress being shown.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant, SystemTime};

use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer};

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

/// What a spinner draws, shared with its redrawing task and the events.
struct Shared {
    label: String,
    style: Style,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    text: String,
    /// The last state of each service of the stack being waited for.
    services: BTreeMap<String, String>,
}

impl State {
    fn line(&self) -> String {
        if self.services.is_empty() {
            return self.text.clone();
        }
        let services: Vec<String> = self
            .services
            .iter()
            .map(|(name, state)| format!("{name}: {state}"))
            .collect();
        format!("{} ({})", self.text, services.join(", "))
    }
}

/// The progress being shown, for [`ServiceEvents`].
static CURRENT: Mutex<Option<Weak<Shared>>> = Mutex::new(None);

/// The progress of one task, e.g. `deploy web`.
pub struct Progress {
    shared: Arc<Shared>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    /// Starts reporting; with a spinner, a task redraws it until the end.
    pub fn start(label: impl Into<String>, style: Style, state: &str) -> Self {
        let shared = Arc::new(Shared {
            label: label.into(),
            style,
            state: Mutex::new(State {
                text: state.to_owned(),
                services: BTreeMap::new(),
            }),
        });
        if let Ok(mut current) = CURRENT.lock() {
            *current = Some(Arc::downgrade(&shared));
        }
        let ticker = match style {
            Style::Spinner => {
                let shared = Arc::clone(&shared);
                Some(tokio::spawn(async move {
                    let started = Instant::now();
                    let mut interval = tokio::time::interval(TICK);
                    for frame in FRAMES.iter().cycle() {
                        interval.tick().await;
                        let line = shared.state.lock().map(|s| s.line()).unwrap_or_default();
                        let secs = started.elapsed().as_secs();
                        let mut err = std::io::stderr().lock();
                        let _ = write!(err, "\r\x1b[2K{frame} {}: {line} ({secs}s)", shared.label);
                        let _ = err.flush();
                    }
                }))
            }
            Style::Lines => {
                line(&shared.label, state);
                None
            }
        };
        Self { shared, ticker }
    }

    /// The current state; a line is printed only when it changes.
    pub fn state(&self, state: &str) {
        let Ok(mut current) = self.shared.state.lock() else {
            return;
        };
        if current.text == state {
            return;
        }
        state.clone_into(&mut current.text);
        current.services.clear();
        if self.shared.style == Style::Lines {
            line(&self.shared.label, state);
        }
    }

    /// Ends with a last state: a line in logs; on a terminal the spinner is
    /// cleared and the result on stdout says the rest.
    pub fn finish(self, state: &str) {
        if self.shared.style == Style::Lines {
            line(&self.shared.label, state);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Ok(mut current) = CURRENT.lock() {
            *current = None;
        }
        if let Some(t) = self.ticker.take() {
            t.abort();
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// A service's new state, for the progress being shown (if any).
fn service_state(service: &str, state: &str) {
    let shared = CURRENT
        .lock()
        .ok()
        .and_then(|c| c.as_ref().and_then(Weak::upgrade));
    let Some(shared) = shared else { return };
    if let Ok(mut s) = shared.state.lock() {
        s.services.insert(service.to_owned(), state.to_owned());
    }
    if shared.style == Style::Lines {
        line(&shared.label, &format!("{service}: {state}"));
    }
}

fn line(label: &str, state: &str) {
    let now = humantime::format_rfc3339_seconds(SystemTime::now());
    eprintln!("{now} {label}: {state}");
}

/// Hands the SDK's `stack service` events (a service's state changed while
/// waiting) to the progress being shown.
pub struct ServiceEvents;

impl<S: tracing::Subscriber> Layer<S> for ServiceEvents {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = ServiceFields::default();
        event.record(&mut fields);
        if fields.message.as_deref() == Some("stack service")
            && let (Some(service), Some(state)) = (fields.service, fields.state)
        {
            service_state(&service, &state);
        }
    }
}

#[derive(Default)]
struct ServiceFields {
    message: Option<String>,
    service: Option<String>,
    state: Option<String>,
}

impl Visit for ServiceFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let slot = match field.name() {
            "message" => &mut self.message,
            "service" => &mut self.service,
            "state" => &mut self.state,
            _ => return,
        };
        // `%value` fields arrive as Display through Debug: no quotes.
        let text = format!("{value:?}");
        *slot = Some(text.trim_matches('"').to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::prelude::*;

    #[test]
    fn service_events_reach_the_progress_shown() {
        let subscriber = tracing_subscriber::registry().with(ServiceEvents);
        tracing::subscriber::with_default(subscriber, || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let p = Progress::start("wait web", Style::Lines, "waiting");
                tracing::info!(stack = %"web", service = %"db", state = %"running (health: starting)", ready = false, "stack service");
                tracing::info!(service = %"other", state = %"ignored", "another event");
                let line = p.shared.state.lock().unwrap().line();
                assert_eq!(line, "waiting (db: running (health: starting))");
                drop(p);
                assert!(CURRENT.lock().unwrap().is_none());
            });
        });
    }
}

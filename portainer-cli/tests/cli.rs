//! End-to-end tests: the built `portainer` binary against the stateful fake
//! Portainer of `portainer-testkit` (and, for a wrong URL, a web server that
//! is not Portainer), all on 127.0.0.1.

mod cli {
    pub mod common;
    mod deploy;
    mod environments;
    mod errors;
    mod read;
    mod secrets;
    mod settings;
    mod wait;
}

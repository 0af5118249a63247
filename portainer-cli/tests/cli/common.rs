//! Running the binary, scratch files, and a server that is not Portainer.

use std::path::PathBuf;

use portainer_testkit::FakePortainer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What a run of the binary printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout as JSON; fails the test with what was printed otherwise.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {self:?}"))
    }

    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "{self:?}");
        self
    }
}

/// Runs `portainer ARGS` against `fake` with the administrator's key in
/// `PORTAINER_API_KEY`.
pub async fn portainer(fake: &FakePortainer, args: &[&str]) -> Run {
    let url = fake.url();
    run(
        &[
            ("PORTAINER_URL", &url),
            ("PORTAINER_API_KEY", fake.admin_key()),
        ],
        args,
    )
    .await
}

/// Runs `portainer ARGS` with exactly the environment variables `env`.
pub async fn run(env: &[(&str, &str)], args: &[&str]) -> Run {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_portainer"))
        .env_clear()
        .envs(env.iter().copied())
        .args(args)
        .kill_on_drop(true)
        .output()
        .await
        .expect("the portainer binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Writes `content` to a file of the test's own scratch directory.
pub fn scratch(test: &str, file: &str, content: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("portainer-cli")
        .join(test);
    std::fs::create_dir_all(&dir).expect("the scratch directory can be made");
    let path = dir.join(file);
    std::fs::write(&path, content).expect("the scratch file can be written");
    path
}

pub const COMPOSE: &str = "services:\n  web:\n    image: nginx:1.27\n";

/// A web server on 127.0.0.1 that answers every request with `status` and
/// an HTML page, as a wrong `--url` (a web site, a proxy) would.
pub async fn html_server(status: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let body = "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\
                            <body><h1>Welcome to nginx!</h1></body></html>\n";
                let reply = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(reply.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

//! `GET /containers/{id}/logs`: Docker's multiplexed stream when the
//! container has no TTY (Docker Engine API, "Attach to a container": an
//! 8-byte header of stream type, three zero bytes and the big-endian length,
//! then the payload), the raw text when it has one.

use axum::http::StatusCode;

use crate::docker::{engine_error, find_container, no_such_container};
use crate::handler::Call;
use crate::state::State;
use crate::wire::Reply;

pub(crate) fn logs(state: &State, call: &Call, endpoint_id: i64, key: &str) -> Reply {
    let Some(i) = find_container(state, call, endpoint_id, key) else {
        return no_such_container(key);
    };
    let yes = |name: &str| matches!(call.query.get(name), "1" | "true" | "True");
    let (stdout, stderr) = (yes("stdout"), yes("stderr"));
    if !stdout && !stderr {
        return engine_error(
            StatusCode::BAD_REQUEST,
            "Bad parameters: you must choose at least one stream",
        );
    }
    if yes("follow") {
        return engine_error(
            StatusCode::NOT_IMPLEMENTED,
            "portainer-testkit does not emulate following logs (`follow=1`)",
        );
    }
    let c = &state.containers[i];
    let b = state.behaviour(&c.project, &c.service);
    let tail: Option<usize> = match call.query.get("tail") {
        "" | "all" => None,
        n => n.parse().ok(),
    };
    let mut lines: Vec<(u8, String)> = Vec::new();
    if stdout {
        lines.extend(b.stdout.split_inclusive('\n').map(|l| (1u8, l.to_owned())));
    }
    if stderr {
        lines.extend(b.stderr.split_inclusive('\n').map(|l| (2u8, l.to_owned())));
    }
    if let Some(n) = tail {
        let skip = lines.len().saturating_sub(n);
        lines.drain(..skip);
    }
    let mut body = Vec::new();
    for (stream, line) in lines {
        if c.tty {
            body.extend_from_slice(line.as_bytes());
        } else {
            body.extend(frame(stream, line.as_bytes()));
        }
    }
    let content_type = if c.tty {
        "application/vnd.docker.raw-stream"
    } else {
        "application/vnd.docker.multiplexed-stream"
    };
    Reply::Raw {
        status: StatusCode::OK,
        content_type,
        body,
    }
}

/// One frame of the multiplexed stream.
pub(crate) fn frame(stream: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + payload.len());
    out.extend_from_slice(&[stream, 0, 0, 0]);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn frames_have_docker_headers() {
        assert_eq!(
            super::frame(2, b"hi"),
            vec![2, 0, 0, 0, 0, 0, 0, 2, b'h', b'i']
        );
    }
}

//! Any status, any content type, any body: the `portainer_sdk::Error` made of
//! it never panics, keeps the status, is classified by it, takes Portainer's
//! `message`/`details` when the body has them, and keeps only a bounded snippet
//! of anything else.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portainer_sdk::Error;

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/json; charset=utf-8",
    "text/html",
    "text/plain; charset=iso-8859-1",
    "application/octet-stream",
    "application/problem+json",
];

/// Longest snippet: 512 bytes, each possibly an invalid byte read as U+FFFD
/// (3 bytes), plus the ellipsis.
const SNIPPET_MAX: usize = 512 * 3 + 3;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = 100 + u16::from_le_bytes([data[0], data[1]]) % 900;
    // The third byte picks a usual content type, none, or the next bytes as one.
    let (content_type, body): (Option<Vec<u8>>, &[u8]) = match data[2] as usize {
        i if i < CONTENT_TYPES.len() => (Some(CONTENT_TYPES[i].as_bytes().to_vec()), &data[3..]),
        i if i < 128 => (None, &data[3..]),
        i => {
            let n = (i - 128).min(data.len() - 3);
            (Some(data[3..3 + n].to_vec()), &data[3 + n..])
        }
    };
    let Some(err) =
        portainer_fuzz::error_from_response(status, content_type.as_deref(), body.to_vec())
    else {
        return;
    };
    let shown = format!("{err} {err:?}");
    assert!(!shown.is_empty());

    if (300..400).contains(&status) {
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
        return;
    }
    assert_eq!(err.status(), Some(status), "{err:?}");
    let expected_variant = match status {
        401 => matches!(err, Error::Unauthorized(_)),
        403 => matches!(err, Error::Forbidden(_)),
        404 => matches!(err, Error::NotFound(_)),
        409 => matches!(err, Error::Conflict(_)),
        _ => matches!(err, Error::Api(_)),
    };
    assert!(expected_variant, "status {status} became {err:?}");
    let api = err.api_error().expect("a status error has its ApiError");
    if let Some(s) = &api.body_snippet {
        assert!(s.len() <= SNIPPET_MAX, "snippet of {} bytes", s.len());
    }
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body) {
        match map.get("message") {
            Some(serde_json::Value::String(m)) if !m.is_empty() => {
                assert_eq!(err.message(), Some(m.as_str()))
            }
            _ => {}
        }
        match map.get("details") {
            Some(serde_json::Value::String(d)) if !d.is_empty() => {
                assert_eq!(err.details(), Some(d.as_str()))
            }
            _ => {}
        }
    } else if !body
        .iter()
        .all(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
    {
        assert!(
            api.body_snippet.is_some(),
            "a non-JSON body keeps a snippet: {err:?}"
        );
        assert_eq!(err.message(), None);
    }
});

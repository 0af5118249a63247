//! Locations in the source document and the `$ref`s that point into it.
//!
//! Every error names a JSON pointer into the *Swagger* document, because that is
//! the file a person can open and fix; the converted document only exists in memory.

use std::fmt;

use anyhow::{Result, bail};
use serde_json::Value;

/// A JSON pointer (RFC 6901) into the source document, built while walking it.
#[derive(Clone, Debug, Default)]
pub struct Ptr(String);

impl Ptr {
    pub fn root() -> Ptr {
        Ptr(String::new())
    }

    pub fn push(&self, token: impl AsRef<str>) -> Ptr {
        let mut s = self.0.clone();
        s.push('/');
        s.push_str(&escape_token(token.as_ref()));
        Ptr(s)
    }

    pub fn index(&self, i: usize) -> Ptr {
        self.push(i.to_string())
    }
}

impl fmt::Display for Ptr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("/")
        } else {
            f.write_str(&self.0)
        }
    }
}

fn escape_token(t: &str) -> String {
    t.replace('~', "~0").replace('/', "~1")
}

/// What a `$ref` is expected to point at, from where it occurs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    Schema,
    Response,
}

impl RefKind {
    fn swagger_section(self) -> &'static str {
        match self {
            RefKind::Schema => "definitions",
            RefKind::Response => "responses",
        }
    }

    fn openapi_section(self) -> &'static str {
        match self {
            RefKind::Schema => "schemas",
            RefKind::Response => "responses",
        }
    }
}

/// A local `$ref`, decoded into pointer tokens and checked against the source.
pub struct LocalRef<'a> {
    pub tokens: Vec<String>,
    pub target: &'a Value,
}

/// Decodes and resolves `reference` (found at `at`) in `root`.
///
/// Only local references are accepted: the converter works on one document and
/// progenitor reads one document, so an external file could not be followed anyway.
pub fn resolve_local<'a>(root: &'a Value, reference: &str, at: &Ptr) -> Result<LocalRef<'a>> {
    let Some(fragment) = reference.strip_prefix('#') else {
        bail!("{at}: $ref {reference:?} is not local (external references are not supported)");
    };
    let tokens = if fragment.is_empty() {
        Vec::new()
    } else if let Some(rest) = fragment.strip_prefix('/') {
        // A fragment is URI-encoded first, then the pointer is ~-escaped.
        percent_decode(rest)
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect()
    } else {
        bail!("{at}: $ref {reference:?} is not a JSON pointer");
    };
    let mut target = root;
    for token in &tokens {
        let next = match target {
            Value::Object(m) => m.get(token),
            Value::Array(a) => token.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(v) => target = v,
            None => bail!("{at}: $ref {reference:?} does not resolve (no {token:?})"),
        }
    }
    Ok(LocalRef { tokens, target })
}

/// Checks a reference of the given kind and returns its OpenAPI 3 form.
///
/// The target's name is re-encoded from the decoded tokens rather than copied,
/// so that names with `/`, `~` or `%` (legal as Swagger keys, though not as
/// OpenAPI 3 component keys) still resolve after the move; other characters are
/// left as they are because code generators look names up literally.
pub fn rewrite_ref(root: &Value, reference: &str, kind: RefKind, at: &Ptr) -> Result<String> {
    let local = resolve_local(root, reference, at)?;
    let section = kind.swagger_section();
    if local.tokens.len() < 2 || local.tokens[0] != section {
        bail!("{at}: $ref {reference:?} should point into #/{section}/");
    }
    Ok(component_ref(kind.openapi_section(), &local.tokens[1..]))
}

/// `#/components/<section>/<tokens...>`, escaped for use as a `$ref`.
pub fn component_ref(section: &str, tokens: &[String]) -> String {
    let mut s = format!("#/components/{section}");
    for t in tokens {
        s.push('/');
        s.push_str(&escape_token(t).replace('%', "%25"));
    }
    s
}

/// Decodes `%XX` escapes; anything that is not a valid escape stays literal.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_keeps_invalid_escapes() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }

    #[test]
    fn pointers_escape_slashes() {
        assert_eq!(
            Ptr::root().push("paths").push("/a/{b}").to_string(),
            "/paths/~1a~1{b}"
        );
        assert_eq!(Ptr::root().to_string(), "/");
    }
}

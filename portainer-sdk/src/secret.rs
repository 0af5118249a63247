//! A string that must never be printed: API keys, JWTs, passwords.

use std::fmt;

/// A credential kept out of `Debug` and `Display` output.
///
/// The SDK stores API keys, JWTs and passwords in this type so that printing a
/// [`ClientBuilder`](crate::ClientBuilder), a [`Client`](crate::Client) or an
/// [`Error`](crate::Error) can never leak them into logs.
///
/// ```
/// let key = portainer_sdk::Secret::new("ptr_abc123");
/// assert_eq!(format!("{key:?}"), "Secret(\"***\")");
/// assert_eq!(key.expose(), "ptr_abc123");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself, for the rare caller that must store it elsewhere.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

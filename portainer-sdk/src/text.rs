//! The string type of the fields read from Portainer's responses.
//!
//! Most strings in a stack are short: a compose file name, a user name, a
//! project path, an environment variable. [`Text`] keeps those of up to 24
//! bytes inside itself, in the room a `String` takes, and only longer ones on
//! the heap. Decoding a list of 1000 stacks then makes about half as many
//! allocations, which was most of what separated it from a struct of six
//! fields (see PERFORMANCE.md). The storage is `compact_str`'s; it is wrapped
//! so that it can change without changing this crate's API.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An immutable UTF-8 string, as the server sent it.
///
/// It reads like a `&str` (it dereferences to one), compares with `str`,
/// `&str` and `String`, prints like one, and converts to and from `String`.
///
/// ```
/// use portainer_sdk::Text;
///
/// let entry = Text::from("docker-compose.yml");
/// assert_eq!(entry, "docker-compose.yml");
/// assert!(entry.ends_with(".yml"));
/// assert_eq!(format!("{entry}"), "docker-compose.yml");
/// let owned: String = entry.into();
/// assert_eq!(owned, "docker-compose.yml");
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(CompactString);

impl Text {
    /// A `Text` holding `s`.
    ///
    /// ```
    /// assert_eq!(portainer_sdk::Text::new("admin").as_str(), "admin");
    /// ```
    pub fn new(s: impl AsRef<str>) -> Self {
        Text(CompactString::new(s))
    }

    /// The empty text; makes no allocation.
    ///
    /// ```
    /// assert!(portainer_sdk::Text::empty().is_empty());
    /// ```
    pub const fn empty() -> Self {
        Text(CompactString::const_new(""))
    }

    /// The text as a `&str`.
    ///
    /// ```
    /// let t = portainer_sdk::Text::from("web");
    /// let s: &str = t.as_str();
    /// assert_eq!(s, "web");
    /// ```
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The text as a `String` (reusing the heap buffer of a long one).
    ///
    /// ```
    /// let s = portainer_sdk::Text::from("web").into_string();
    /// assert_eq!(s, String::from("web"));
    /// ```
    pub fn into_string(self) -> String {
        self.0.into_string()
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// `Text` hashes and orders as its `str` does, so maps keyed by `Text` can be
/// looked up by `&str`.
impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0.as_str(), f)
    }
}

/// Quoted, as a `String`'s `Debug` is.
impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.as_str(), f)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(CompactString::new(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text(CompactString::new(s))
    }
}

/// Keeps the `String`'s buffer when it is too long to be held inline.
impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(CompactString::from(s))
    }
}

impl From<Box<str>> for Text {
    fn from(s: Box<str>) -> Self {
        Text(CompactString::from(s))
    }
}

impl From<Cow<'_, str>> for Text {
    fn from(s: Cow<'_, str>) -> Self {
        Text(CompactString::from(s))
    }
}

impl From<&Text> for Text {
    fn from(s: &Text) -> Self {
        s.clone()
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.0.into_string()
    }
}

impl FromStr for Text {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Text::from(s))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.0.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.0.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.0.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.0.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.0.as_str()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        CompactString::deserialize(d).map(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::Text;
    use std::collections::HashMap;

    #[test]
    fn reads_compares_and_converts_like_a_string() {
        let long = "x".repeat(100);
        for s in [
            "",
            "web",
            "exactly-twenty-four-byte",
            long.as_str(),
            "é ü ✓",
        ] {
            let t = Text::from(s);
            assert_eq!(t, s);
            assert_eq!(t.as_str(), s);
            assert_eq!(t.len(), s.len());
            assert_eq!(format!("{t}"), s);
            assert_eq!(format!("{t:?}"), format!("{s:?}"));
            assert_eq!(Text::from(s.to_owned()), t);
            assert_eq!(String::from(t.clone()), s);
            assert_eq!(t.clone().into_string(), s);
            assert_eq!(s.parse::<Text>().unwrap(), t);
        }
    }

    #[test]
    fn a_map_keyed_by_text_is_looked_up_by_str() {
        let mut m = HashMap::new();
        m.insert(Text::from("admin"), 1);
        m.insert(Text::from("a-name-well-over-twenty-four-bytes"), 2);
        assert_eq!(m.get("admin"), Some(&1));
        assert_eq!(m.get("a-name-well-over-twenty-four-bytes"), Some(&2));
        assert_eq!(m.get("other"), None);
    }

    #[test]
    fn serializes_as_a_plain_json_string() {
        let t: Text = serde_json::from_str(r#""a\u0026b \"q\"""#).unwrap();
        assert_eq!(t, "a&b \"q\"");
        assert_eq!(serde_json::to_string(&t).unwrap(), r#""a&b \"q\"""#);
        assert!(serde_json::from_str::<Text>("1").is_err());
        assert!(serde_json::from_str::<Text>("null").is_err());
    }

    #[test]
    fn orders_as_str_does() {
        let mut v: Vec<Text> = ["b", "a", "ab", ""].into_iter().map(Text::from).collect();
        v.sort();
        assert_eq!(v, ["", "a", "ab", "b"]);
    }
}

pub use text::Text;

/// The string type of the models' fields.
mod text {
    use std::borrow::{Borrow, Cow};
    use std::fmt;
    use std::ops::Deref;
    use std::str::FromStr;

    use compact_str::CompactString;

    /// A string field of a model: an immutable UTF-8 string that keeps up to
    /// 24 bytes inside itself, in the room a `String` takes, and only longer
    /// ones on the heap.
    ///
    /// Most strings Portainer sends are short (names, compose file names,
    /// user names, environment variables), and a decoded list of stacks made
    /// most of its allocations for them; PERFORMANCE.md has the figures. The
    /// storage is `compact_str`'s, wrapped so that it can change without
    /// changing this crate's API.
    ///
    /// It reads like a `&str` (it dereferences to one), compares with `str`,
    /// `&str` and `String` either way round, prints like a string, converts
    /// to and from `String`, and is a plain JSON string on the wire.
    ///
    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// let entry = Text::from("docker-compose.yml");
    /// assert_eq!(entry, "docker-compose.yml");
    /// assert!(entry.ends_with(".yml"));
    /// assert_eq!(format!("{entry}"), "docker-compose.yml");
    /// assert_eq!(format!("{entry:?}"), r#""docker-compose.yml""#);
    /// let owned: String = entry.into();
    /// assert_eq!(owned, "docker-compose.yml");
    ///
    /// // An optional field reads as an `Option<&str>`.
    /// let name: Option<Text> = Some("web".into());
    /// assert_eq!(name.as_deref(), Some("web"));
    /// ```
    #[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub struct Text(CompactString);

    impl Text {
        /// A `Text` holding `s`.
        ///
        /// ```
        /// use portainer_sdk_gen::Text;
        ///
        /// assert_eq!(Text::new("admin").as_str(), "admin");
        /// assert_eq!(Text::new(String::from("admin")), "admin");
        /// ```
        pub fn new(s: impl AsRef<str>) -> Self {
            Text(CompactString::new(s))
        }

        /// The text as a `&str`.
        ///
        /// ```
        /// use portainer_sdk_gen::Text;
        ///
        /// let t = Text::from("web");
        /// let s: &str = t.as_str();
        /// assert_eq!(s, "web");
        /// ```
        pub fn as_str(&self) -> &str {
            self.0.as_str()
        }

        /// The text as a `String` (reusing the heap buffer of a long one).
        ///
        /// ```
        /// use portainer_sdk_gen::Text;
        ///
        /// assert_eq!(Text::from("web").into_string(), String::from("web"));
        /// ```
        pub fn into_string(self) -> String {
            self.0.into_string()
        }
    }

    /// Every method of `str`: `text.len()`, `text.starts_with("x")`, `&*text`.
    ///
    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// let t = Text::from("stack-1");
    /// let s: &str = &t;
    /// assert_eq!(s.len(), 7);
    /// assert_eq!(t.split('-').last(), Some("1"));
    /// ```
    impl Deref for Text {
        type Target = str;

        fn deref(&self) -> &str {
            self.0.as_str()
        }
    }

    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// fn shout(s: impl AsRef<str>) -> String {
    ///     s.as_ref().to_uppercase()
    /// }
    /// assert_eq!(shout(Text::from("web")), "WEB");
    /// ```
    impl AsRef<str> for Text {
        fn as_ref(&self) -> &str {
            self.0.as_str()
        }
    }

    /// `Text` hashes and orders as its `str` does, so maps and sets of `Text`
    /// are looked up by `&str`.
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use portainer_sdk_gen::Text;
    ///
    /// let names: HashSet<Text> = ["web", "db"].into_iter().map(Text::from).collect();
    /// assert!(names.contains("web"));
    /// ```
    impl Borrow<str> for Text {
        fn borrow(&self) -> &str {
            self.0.as_str()
        }
    }

    /// The text itself.
    ///
    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// assert_eq!(Text::from("web").to_string(), "web");
    /// ```
    impl fmt::Display for Text {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Display::fmt(self.0.as_str(), f)
        }
    }

    /// Quoted, as a `String`'s `Debug` is.
    ///
    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// assert_eq!(format!("{:?}", Text::from("a \"b\"")), r#""a \"b\"""#);
    /// ```
    impl fmt::Debug for Text {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Debug::fmt(self.0.as_str(), f)
        }
    }

    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// let t: Text = "web".into();
    /// assert_eq!(t, "web");
    /// ```
    impl From<&str> for Text {
        fn from(s: &str) -> Self {
            Text(CompactString::new(s))
        }
    }

    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// let name = String::from("web");
    /// assert_eq!(Text::from(&name), name);
    /// ```
    impl From<&String> for Text {
        fn from(s: &String) -> Self {
            Text(CompactString::new(s))
        }
    }

    /// Keeps the `String`'s buffer when it is too long to be held inline.
    ///
    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// let t: Text = format!("stack-{}", 1).into();
    /// assert_eq!(t, "stack-1");
    /// ```
    impl From<String> for Text {
        fn from(s: String) -> Self {
            Text(CompactString::from(s))
        }
    }

    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// let t = Text::from(Box::<str>::from("web"));
    /// assert_eq!(t, "web");
    /// ```
    impl From<Box<str>> for Text {
        fn from(s: Box<str>) -> Self {
            Text(CompactString::from(s))
        }
    }

    /// ```
    /// use std::borrow::Cow;
    /// use portainer_sdk_gen::Text;
    ///
    /// assert_eq!(Text::from(Cow::Borrowed("web")), "web");
    /// ```
    impl From<Cow<'_, str>> for Text {
        fn from(s: Cow<'_, str>) -> Self {
            Text(CompactString::from(s))
        }
    }

    /// So that a function taking `impl Into<Text>` also takes `&Text`.
    ///
    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// let t = Text::from("web");
    /// assert_eq!(Text::from(&t), t);
    /// ```
    impl From<&Text> for Text {
        fn from(s: &Text) -> Self {
            s.clone()
        }
    }

    /// Reuses the heap buffer of a long text.
    ///
    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// let s: String = Text::from("web").into();
    /// assert_eq!(s, "web");
    /// ```
    impl From<Text> for String {
        fn from(t: Text) -> Self {
            t.0.into_string()
        }
    }

    /// Never fails.
    ///
    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// let t: Text = "web".parse().unwrap();
    /// assert_eq!(t, "web");
    /// ```
    impl FromStr for Text {
        type Err = std::convert::Infallible;

        fn from_str(s: &str) -> Result<Self, Self::Err> {
            Ok(Text::from(s))
        }
    }

    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// assert!(Text::from("web") == *"web");
    /// ```
    impl PartialEq<str> for Text {
        fn eq(&self, other: &str) -> bool {
            self.0.as_str() == other
        }
    }

    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// assert_eq!(Text::from("web"), "web");
    /// ```
    impl PartialEq<&str> for Text {
        fn eq(&self, other: &&str) -> bool {
            self.0.as_str() == *other
        }
    }

    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// assert_eq!(Text::from("web"), String::from("web"));
    /// ```
    impl PartialEq<String> for Text {
        fn eq(&self, other: &String) -> bool {
            self.0.as_str() == other.as_str()
        }
    }

    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// assert!(*"web" == Text::from("web"));
    /// ```
    impl PartialEq<Text> for str {
        fn eq(&self, other: &Text) -> bool {
            self == other.0.as_str()
        }
    }

    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// assert_eq!("web", Text::from("web"));
    /// ```
    impl PartialEq<Text> for &str {
        fn eq(&self, other: &Text) -> bool {
            *self == other.0.as_str()
        }
    }

    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// assert_eq!(String::from("web"), Text::from("web"));
    /// ```
    impl PartialEq<Text> for String {
        fn eq(&self, other: &Text) -> bool {
            self.as_str() == other.0.as_str()
        }
    }

    /// A JSON string.
    ///
    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// let json = serde_json::to_string(&Text::from("a \"b\"")).unwrap();
    /// assert_eq!(json, r#""a \"b\"""#);
    /// ```
    impl serde::Serialize for Text {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(self.0.as_str())
        }
    }

    /// From a JSON string only. The decoder's `&str` is copied straight into
    /// the text (inline when it fits), not into a `String` first.
    ///
    /// ```
    /// use portainer_sdk_gen::Text;
    ///
    /// let t: Text = serde_json::from_str(r#""a\u0026b""#).unwrap();
    /// assert_eq!(t, "a&b");
    /// assert!(serde_json::from_str::<Text>("1").is_err());
    /// assert!(serde_json::from_str::<Text>("null").is_err());
    /// ```
    impl<'de> serde::Deserialize<'de> for Text {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct TextVisitor;
            impl serde::de::Visitor<'_> for TextVisitor {
                type Value = Text;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a string")
                }
                fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Text, E> {
                    Ok(Text(CompactString::new(s)))
                }
                fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Text, E> {
                    Ok(Text(CompactString::from(s)))
                }
            }
            d.deserialize_str(TextVisitor)
        }
    }

    /// Described as what it is on the wire: a string.
    ///
    /// ```
    /// # #[cfg(feature = "schemars")] {
    /// use portainer_sdk_gen::Text;
    ///
    /// let schema = schemars::schema_for!(Text);
    /// assert_eq!(schema.get("type"), Some(&serde_json::json!("string")));
    /// # }
    /// ```
    #[cfg(feature = "schemars")]
    impl schemars::JsonSchema for Text {
        fn schema_name() -> Cow<'static, str> {
            <String as schemars::JsonSchema>::schema_name()
        }

        fn inline_schema() -> bool {
            true
        }

        fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
            <String as schemars::JsonSchema>::json_schema(generator)
        }
    }
}

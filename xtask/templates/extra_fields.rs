/// The members of a JSON object that its type does not model, in the order
/// they came, each with its value: the `extra` field of every generated
/// struct. A newer server's fields survive a round trip through an older
/// client, and serializing the struct writes them back.
///
/// It keeps its members in one small list: a `serde_json::Map` takes a tree
/// node of several hundred bytes for its first member, in every object that
/// has one, which made a list of stacks from servers sending a field the
/// spec lacks several times slower to decode (PERFORMANCE.md). Lookups
/// compare keys one by one, which is what a handful of members needs. A key
/// given twice keeps its first place and its last value (Go's
/// `encoding/json` keeps the last).
///
/// ```
/// use portainer_sdk_gen::ExtraFields;
/// use serde_json::json;
///
/// let mut extra = ExtraFields::new();
/// extra.insert("IsComposeFormat".into(), json!(true));
/// assert_eq!(extra.get("IsComposeFormat"), Some(&json!(true)));
/// assert_eq!(extra["Missing"], json!(null));
/// assert_eq!(
///     serde_json::to_string(&extra).unwrap(),
///     r#"{"IsComposeFormat":true}"#
/// );
/// ```
#[derive(Clone, Debug, Default)]
pub struct ExtraFields {
    members: ::std::vec::Vec<(::std::string::String, ::serde_json::Value)>,
}

impl ExtraFields {
    /// No members.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many members there are.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The value of member `key`.
    pub fn get(&self, key: &str) -> Option<&::serde_json::Value> {
        self.members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of member `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut ::serde_json::Value> {
        self.members
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Whether there is a member `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets member `key`, in its place if it is there (returning the value
    /// it had), else last.
    pub fn insert(
        &mut self,
        key: ::std::string::String,
        value: ::serde_json::Value,
    ) -> Option<::serde_json::Value> {
        match self.get_mut(&key) {
            Some(old) => Some(::std::mem::replace(old, value)),
            None => {
                self.push(key, value);
                None
            }
        }
    }

    /// Removes member `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<::serde_json::Value> {
        let at = self.members.iter().position(|(k, _)| k == key)?;
        Some(self.members.remove(at).1)
    }

    /// The members in order.
    pub fn iter(&self) -> impl Iterator<Item = (&::std::string::String, &::serde_json::Value)> {
        self.members.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &::std::string::String> {
        self.members.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl Iterator<Item = &::serde_json::Value> {
        self.members.iter().map(|(_, v)| v)
    }

    /// Adds a member last, without looking for its key (see `without_repeats`).
    pub(crate) fn push(&mut self, key: ::std::string::String, value: ::serde_json::Value) {
        if self.members.capacity() == 0 {
            // One member is the common case: a field the spec lacks.
            self.members.reserve_exact(1);
        }
        self.members.push((key, value));
    }

    /// After `push`es: a key given twice keeps its first
    /// place and its last value. Sorting finds the repeats, so an object
    /// with many members costs n log n, not n².
    pub(crate) fn without_repeats(mut self) -> Self {
        let n = self.members.len();
        if n < 2 {
            return self;
        }
        let mut order: ::std::vec::Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| self.members[a].0.cmp(&self.members[b].0).then(a.cmp(&b)));
        let mut repeated = ::std::vec![false; n];
        // Runs of one key, in order of appearance: the first takes the last's value.
        let mut moves = ::std::vec::Vec::new();
        for run in order.chunk_by(|&a, &b| self.members[a].0 == self.members[b].0) {
            if let [first, .., last] = *run {
                moves.push((first, last));
                for &later in &run[1..] {
                    repeated[later] = true;
                }
            }
        }
        if moves.is_empty() {
            return self;
        }
        for (first, last) in moves {
            let value = ::std::mem::take(&mut self.members[last].1);
            self.members[first].1 = value;
        }
        let mut at = 0;
        self.members.retain(|_| {
            at += 1;
            !repeated[at - 1]
        });
        self
    }
}

/// Members compare as a map: the same keys with the same values, in any order.
impl PartialEq for ExtraFields {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl Eq for ExtraFields {}

/// A missing member reads as `null`, as indexing a `serde_json::Value` does.
impl ::std::ops::Index<&str> for ExtraFields {
    type Output = ::serde_json::Value;
    fn index(&self, key: &str) -> &::serde_json::Value {
        static NULL: ::serde_json::Value = ::serde_json::Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl From<::serde_json::Map<::std::string::String, ::serde_json::Value>> for ExtraFields {
    fn from(map: ::serde_json::Map<::std::string::String, ::serde_json::Value>) -> Self {
        Self {
            members: map.into_iter().collect(),
        }
    }
}

impl From<ExtraFields> for ::serde_json::Map<::std::string::String, ::serde_json::Value> {
    fn from(extra: ExtraFields) -> Self {
        extra.members.into_iter().collect()
    }
}

impl FromIterator<(::std::string::String, ::serde_json::Value)> for ExtraFields {
    fn from_iter<I: IntoIterator<Item = (::std::string::String, ::serde_json::Value)>>(
        iter: I,
    ) -> Self {
        let mut extra = Self::new();
        extra.extend(iter);
        extra
    }
}

/// A key already there, or given twice, keeps its first place and takes the last value.
impl Extend<(::std::string::String, ::serde_json::Value)> for ExtraFields {
    fn extend<I: IntoIterator<Item = (::std::string::String, ::serde_json::Value)>>(
        &mut self,
        iter: I,
    ) {
        for (k, v) in iter {
            self.push(k, v);
        }
        *self = ::std::mem::take(self).without_repeats();
    }
}

impl IntoIterator for ExtraFields {
    type Item = (::std::string::String, ::serde_json::Value);
    type IntoIter = ::std::vec::IntoIter<(::std::string::String, ::serde_json::Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.members.into_iter()
    }
}

impl ::serde::Serialize for ExtraFields {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use ::serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.members.len()))?;
        for (k, v) in &self.members {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> ::serde::Deserialize<'de> for ExtraFields {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> ::serde::de::Visitor<'de> for Members {
            type Value = ExtraFields;
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: ::serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ExtraFields, A::Error> {
                let mut extra = ExtraFields::new();
                while let Some((k, v)) = map.next_entry()? {
                    extra.push(k, v);
                }
                Ok(extra.without_repeats())
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// Described as what it is on the wire: any members.
#[cfg(feature = "schemars")]
impl ::schemars::JsonSchema for ExtraFields {
    fn schema_name() -> ::std::borrow::Cow<'static, str> {
        "ExtraFields".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
        <::serde_json::Map<::std::string::String, ::serde_json::Value>>::json_schema(generator)
    }
}

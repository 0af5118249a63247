//! A direct reader for the JSON that Portainer's Go encoder writes.
//!
//! Decoding a stack list through serde's generic `Deserializer` calls cost
//! about 1.4 times what decoding the same bytes into a six-field struct
//! costs, and at concurrency 1 that difference was the whole of the SDK's
//! extra latency. This reader handles the shape servers send (objects,
//! strings, integers, booleans, `null` for unset values) straight from the
//! bytes. On anything else (an escaped key, a float, a value of an
//! unexpected type, invalid JSON) it gives up, and the caller decodes the
//! whole body through serde again, which then yields the same value or the
//! error to report. Values it does not model (unknown fields) and strings
//! with escapes are handed to serde_json on the spot.
//!
//! The two paths must agree: tests in this module and in `stack.rs` decode
//! the genuine bodies and edge cases both ways, and the `decode_stacks`
//! fuzz target compares them on every input.

use serde::de::{Deserialize, IgnoredAny};

use crate::text::Text;

/// This reader does not handle the input; decode it through serde instead.
#[derive(Debug)]
pub(crate) struct GiveUp;

/// What every read returns.
pub(crate) type Read<T> = Result<T, GiveUp>;

/// JSON's whitespace (not `u8::is_ascii_whitespace`, which also takes a form
/// feed that serde refuses).
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// Bytes with nothing but JSON's whitespace in them: the body Portainer
/// sends where it has nothing to say (an empty list, a create without an
/// answer), or what may follow a list.
pub(crate) fn is_blank(body: &[u8]) -> bool {
    body.iter().all(|&b| is_space(b))
}

/// An object key: the index of one the caller expects, or another.
#[derive(Clone, Copy)]
pub(crate) enum Key<'a> {
    Known(usize),
    Other(&'a str),
}

/// A position in a JSON text.
pub(crate) struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Reader { text, at: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// How many bytes have been read.
    pub(crate) fn position(&self) -> usize {
        self.at
    }

    /// The next byte that is not whitespace, left unread.
    pub(crate) fn peek(&mut self) -> Read<u8> {
        let bytes = self.bytes();
        while let Some(&b) = bytes.get(self.at) {
            if !is_space(b) {
                return Ok(b);
            }
            self.at += 1;
        }
        Err(GiveUp)
    }

    /// Whether only whitespace is left.
    #[cfg(test)]
    pub(crate) fn at_end(&mut self) -> bool {
        self.peek().is_err()
    }

    /// Reads `expected` if it is the next byte that is not whitespace.
    pub(crate) fn eat(&mut self, expected: u8) -> Read<()> {
        if self.peek()? == expected {
            self.at += 1;
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    fn literal(&mut self, word: &[u8]) -> Read<()> {
        if self
            .bytes()
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(word))
        {
            self.at += word.len();
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// Reads `null` if it comes next.
    pub(crate) fn null(&mut self) -> Read<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Reads an object, handing each key to `field`, which reads its value.
    pub(crate) fn object(
        &mut self,
        mut field: impl FnMut(&mut Self, &'a str) -> Read<()>,
    ) -> Read<()> {
        self.object_with_keys(&[], |r, key| match key {
            Key::Known(_) => Err(GiveUp),
            Key::Other(key) => field(r, key),
        })
    }

    /// Reads an object whose keys are usually `keys`, in that order: Go
    /// writes a struct's fields in declaration order. The key expected next
    /// is compared in place, so a key in order costs one comparison instead
    /// of a scan for its end and a search among the others.
    pub(crate) fn object_with_keys(
        &mut self,
        keys: &[&str],
        mut field: impl FnMut(&mut Self, Key<'a>) -> Read<()>,
    ) -> Read<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Ok(());
        }
        let mut next = 0;
        loop {
            if self.peek()? != b'"' {
                return Err(GiveUp);
            }
            let key = match keys.get(next) {
                Some(expected) if self.key_is(expected) => Key::Known(next),
                // An escaped key would need unescaping before it is matched.
                _ => {
                    let key = self.plain_string()?.ok_or(GiveUp)?;
                    match keys.iter().position(|k| *k == key) {
                        Some(i) => Key::Known(i),
                        None => Key::Other(key),
                    }
                }
            };
            if let Key::Known(i) = key {
                next = i + 1;
            }
            self.eat(b':')?;
            field(self, key)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(GiveUp),
            }
        }
    }

    /// Reads the key `expected` if it comes next, its quotes included.
    fn key_is(&mut self, expected: &str) -> bool {
        let start = self.at + 1;
        let end = start + expected.len();
        let matches = self
            .bytes()
            .get(start..end)
            .is_some_and(|found| short_eq(found, expected.as_bytes()))
            && self.bytes().get(end) == Some(&b'"');
        if matches {
            self.at = end + 1;
        }
        matches
    }

    /// Reads an array, calling `item` for each element.
    pub(crate) fn array(&mut self, mut item: impl FnMut(&mut Self) -> Read<()>) -> Read<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.at += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(GiveUp),
            }
        }
    }

    /// Reads a string without escapes, the opening quote next; `None`, with
    /// nothing read, when it has an escape.
    fn plain_string(&mut self) -> Read<Option<&'a str>> {
        let bytes = self.bytes();
        let start = self.at + 1;
        let mut end = start;
        // Eight bytes at a time: most of a stack list's bytes are inside
        // strings. The lowest flagged byte of a word is exact.
        let special = loop {
            match bytes.get(end..end + 8) {
                Some(word) => {
                    let word = u64::from_le_bytes(word.try_into().map_err(|_| GiveUp)?);
                    let mask = special_bytes(word);
                    if mask == 0 {
                        end += 8;
                    } else {
                        break end + (mask.trailing_zeros() / 8) as usize;
                    }
                }
                None => {
                    let tail = bytes.get(end..).unwrap_or_default();
                    let at = tail
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                        .ok_or(GiveUp)?;
                    break end + at;
                }
            }
        };
        match bytes.get(special) {
            Some(b'"') => {
                self.at = special + 1;
                // Both ends are next to an ASCII quote, so on char
                // boundaries; `get` only spares a panic path.
                self.text.get(start..special).map(Some).ok_or(GiveUp)
            }
            Some(b'\\') => Ok(None),
            // Control characters must be escaped in JSON.
            _ => Err(GiveUp),
        }
    }

    /// Reads a string, as a `String` or a [`Text`].
    pub(crate) fn string<T>(&mut self) -> Read<T>
    where
        T: for<'s> From<&'s str> + Deserialize<'a>,
    {
        if self.peek()? != b'"' {
            return Err(GiveUp);
        }
        match self.plain_string()? {
            Some(s) => Ok(T::from(s)),
            None => self.serde(),
        }
    }

    /// Reads an integer that fits in an `i64`.
    pub(crate) fn int(&mut self) -> Read<i64> {
        self.peek()?;
        let bytes = self.bytes();
        let mut i = self.at;
        let negative = bytes.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let first = i;
        // Accumulated as a negative number so that i64::MIN fits.
        let mut value: i64 = 0;
        while let Some(&d) = bytes.get(i) {
            if !d.is_ascii_digit() {
                break;
            }
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_sub(i64::from(d - b'0')))
                .ok_or(GiveUp)?;
            i += 1;
        }
        let digits = i - first;
        let leading_zero = digits > 1 && bytes.get(first) == Some(&b'0');
        let fraction = matches!(bytes.get(i), Some(b'.' | b'e' | b'E'));
        if digits == 0 || leading_zero || fraction {
            return Err(GiveUp);
        }
        self.at = i;
        if negative {
            Ok(value)
        } else {
            value.checked_neg().ok_or(GiveUp)
        }
    }

    /// Reads `true` or `false`.
    pub(crate) fn bool(&mut self) -> Read<bool> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            _ => Err(GiveUp),
        }
    }

    /// Reads the next value through serde_json.
    pub(crate) fn serde<T: Deserialize<'a>>(&mut self) -> Read<T> {
        self.peek()?;
        // `at` is next to an ASCII byte or at the start, so on a char boundary.
        let rest = self.text.get(self.at..).ok_or(GiveUp)?;
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<T>();
        match values.next() {
            Some(Ok(value)) => {
                self.at += values.byte_offset();
                Ok(value)
            }
            _ => Err(GiveUp),
        }
    }

    /// Skips the next value, as serde does with a field it ignores.
    pub(crate) fn skip(&mut self) -> Read<()> {
        self.serde::<IgnoredAny>().map(drop)
    }

    /// Reads a field where `null` means the zero value, as Go writes it.
    pub(crate) fn field<T: GoJson + Default>(&mut self) -> Read<T> {
        if self.null()? {
            Ok(T::default())
        } else {
            T::read(self)
        }
    }
}

/// Equality of two byte strings of the same length, eight bytes at a time.
/// Keys are 2-19 bytes: a call to `memcmp` for each cost more than the
/// comparison (5% of a stack list's decoding under `perf`).
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a, mut b) = (a, b);
    while let (Some((wa, ra)), Some((wb, rb))) =
        (a.split_first_chunk::<8>(), b.split_first_chunk::<8>())
    {
        if wa != wb {
            return false;
        }
        (a, b) = (ra, rb);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// The high bit of each of the eight bytes that is a quote, a backslash or a
/// control character (the classic zero-byte test, `x - 0x01.. & !x & 0x80..`).
/// Bytes above the lowest one flagged may be flagged wrongly, by the borrow.
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    // A byte below 0x20 borrows when 0x20 is taken from it.
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    quote | backslash | control
}

/// Types read by [`Reader`], each as its `Deserialize` impl reads it
/// (`null` is an error unless the type takes it).
pub(crate) trait GoJson: Sized {
    fn read(r: &mut Reader<'_>) -> Read<Self>;
}

impl GoJson for String {
    fn read(r: &mut Reader<'_>) -> Read<Self> {
        r.string()
    }
}

impl GoJson for Text {
    fn read(r: &mut Reader<'_>) -> Read<Self> {
        r.string()
    }
}

impl GoJson for i64 {
    fn read(r: &mut Reader<'_>) -> Read<Self> {
        r.int()
    }
}

impl GoJson for bool {
    fn read(r: &mut Reader<'_>) -> Read<Self> {
        r.bool()
    }
}

impl<T: GoJson> GoJson for Option<T> {
    fn read(r: &mut Reader<'_>) -> Read<Self> {
        if r.null()? {
            Ok(None)
        } else {
            T::read(r).map(Some)
        }
    }
}

impl<T: GoJson> GoJson for Box<T> {
    fn read(r: &mut Reader<'_>) -> Read<Self> {
        T::read(r).map(Box::new)
    }
}

impl<T: GoJson> GoJson for Vec<T> {
    fn read(r: &mut Reader<'_>) -> Read<Self> {
        let mut items = Vec::new();
        r.array(|r| {
            items.push(T::read(r)?);
            Ok(())
        })?;
        Ok(items)
    }
}

impl GoJson for serde_json::Value {
    fn read(r: &mut Reader<'_>) -> Read<Self> {
        r.serde()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: GoJson>(text: &str) -> Option<T> {
        let mut r = Reader::new(text);
        let v = T::read(&mut r).ok()?;
        r.at_end().then_some(v)
    }

    #[test]
    fn integers_as_serde_reads_them_or_not_at_all() {
        assert_eq!(read::<i64>("0"), Some(0));
        assert_eq!(read::<i64>(" -0"), Some(0));
        assert_eq!(read::<i64>("1701955373"), Some(1_701_955_373));
        assert_eq!(read::<i64>("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(read::<i64>("9223372036854775807"), Some(i64::MAX));
        for bad in [
            "9223372036854775808",
            "01",
            "1.0",
            "1e3",
            "-",
            "",
            "x",
            "null",
        ] {
            assert_eq!(read::<i64>(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_word_test_finds_the_first_byte_that_ends_a_plain_run() {
        for special in [b'"', b'\\', 0x00, 0x1f, 0x0a] {
            for at in 0..8 {
                let mut word = *b"abcdefgh";
                word[at] = special;
                let mask = special_bytes(u64::from_le_bytes(word));
                assert_eq!(mask.trailing_zeros() / 8, at as u32, "{special} at {at}");
            }
        }
        for plain in [
            *b"abcdefgh",
            *b"        ",
            [0x20, 0x7f, 0x80, 0xff, 0x21, 0x23, 0x5b, 0x5d],
        ] {
            assert_eq!(special_bytes(u64::from_le_bytes(plain)), 0, "{plain:?}");
        }
        // Long strings cross many words; the quote can sit in any of them.
        for len in 0..40 {
            let text = format!("\"{}\"", "é".repeat(len));
            assert_eq!(read::<String>(&text).map(|s| s.chars().count()), Some(len));
            let text = format!("\"{}\\n\"", "a".repeat(len));
            assert_eq!(read::<String>(&text).map(|s| s.len()), Some(len + 1));
        }
    }

    #[test]
    fn strings_plain_escaped_and_invalid() {
        assert_eq!(read::<String>(r#""web""#).as_deref(), Some("web"));
        assert_eq!(read::<String>(r#""""#).as_deref(), Some(""));
        assert_eq!(read::<String>(r#""é ü""#).as_deref(), Some("é ü"));
        // Go writes <, > and & as \u escapes.
        assert_eq!(
            read::<String>(r#""a\u0026b \"q\" \\ \n""#).as_deref(),
            Some("a&b \"q\" \\ \n")
        );
        for bad in ["\"a\u{1}b\"", "\"open", "'x'", "null", "1"] {
            assert_eq!(read::<String>(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn values_handed_to_serde_end_where_serde_ends_them() {
        let mut r = Reader::new(r#"{"a":1,"b":[{"c":null}],"d":2.5,"e":"x"}"#);
        let mut seen = Vec::new();
        r.object(|r, key| {
            seen.push((key, r.serde::<serde_json::Value>()?));
            Ok(())
        })
        .unwrap();
        assert!(r.at_end());
        assert_eq!(seen[0], ("a", serde_json::json!(1)));
        assert_eq!(seen[1], ("b", serde_json::json!([{"c": null}])));
        assert_eq!(seen[2], ("d", serde_json::json!(2.5)));
        assert_eq!(seen[3], ("e", serde_json::json!("x")));
    }

    #[test]
    fn structure_errors_give_up() {
        for bad in [
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            r#"{"a":1"#,
            r#"{a:1}"#,
            r#"{"\u0061":1}"#,
        ] {
            let mut r = Reader::new(bad);
            assert!(r.object(|r, _| r.skip()).is_err(), "{bad}");
        }
        assert_eq!(read::<Vec<i64>>("[1, 2 ,3]"), Some(vec![1, 2, 3]));
        assert_eq!(read::<Vec<i64>>("[1,]"), None);
        assert_eq!(read::<Vec<i64>>("[]"), Some(vec![]));
        assert_eq!(read::<Option<Vec<i64>>>("null"), Some(None));
        assert_eq!(read::<bool>("true"), Some(true));
        assert_eq!(read::<bool>("fals"), None);
    }
}

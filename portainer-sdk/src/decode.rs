//! Decoding Portainer's Go-shaped JSON objects without losing anything.
//!
//! Go sends `null` for unset slices, pointers and maps, and servers of other
//! versions send fields this SDK does not model. `#[serde(flatten)]` would
//! keep those fields, but it makes serde buffer every field of the object
//! first, which made decoding a stack list about three times slower than
//! decoding the same fields without it. The macro below writes the
//! `Deserialize` impl a derive would, reading known fields straight into
//! place and only the unknown ones into the `extra` map.

use serde::{Deserialize, Deserializer};

/// A field value where `null` means the zero value, as Go encodes it.
pub(crate) struct NullDefault<T>(pub(crate) T);

impl<'de, T: Default + Deserialize<'de>> Deserialize<'de> for NullDefault<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(NullDefault(
            Option::<T>::deserialize(d)?.unwrap_or_default(),
        ))
    }
}

/// Implements `Deserialize` for a struct that has an
/// `extra: serde_json::Map<String, serde_json::Value>` field and implements
/// `Default`.
///
/// `required` fields must be present and not `null`; `optional` fields take
/// their default when missing or `null`; any other key lands in `extra`.
/// A key that appears twice keeps its last value, as `serde_json::Value` does.
macro_rules! deserialize_keeping_unknown {
    (
        $ty:ident, $expecting:literal,
        required { $($rfield:ident: $rwire:literal),* $(,)? }
        optional { $($field:ident: $wire:literal),* $(,)? }
    ) => {
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[allow(non_camel_case_types)]
                enum Key {
                    $($rfield,)*
                    $($field,)*
                    Other(String),
                }

                struct KeyVisitor;

                impl<'de> ::serde::de::Visitor<'de> for KeyVisitor {
                    type Value = Key;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a field name")
                    }

                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<Key, E> {
                        Ok(match v {
                            $($rwire => Key::$rfield,)*
                            $($wire => Key::$field,)*
                            other => Key::Other(other.to_owned()),
                        })
                    }
                }

                impl<'de> ::serde::Deserialize<'de> for Key {
                    fn deserialize<D2: ::serde::Deserializer<'de>>(d: D2) -> Result<Self, D2::Error> {
                        d.deserialize_identifier(KeyVisitor)
                    }
                }

                struct ValueVisitor;

                impl<'de> ::serde::de::Visitor<'de> for ValueVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$ty, A::Error> {
                        let mut out = <$ty as ::std::default::Default>::default();
                        $(let mut $rfield = None;)*
                        while let Some(key) = map.next_key::<Key>()? {
                            match key {
                                $(Key::$rfield => $rfield = Some(map.next_value()?),)*
                                $(Key::$field => {
                                    out.$field = map.next_value::<$crate::decode::NullDefault<_>>()?.0;
                                })*
                                Key::Other(name) => {
                                    let value = map.next_value()?;
                                    out.extra.insert(name, value);
                                }
                            }
                        }
                        $(
                            out.$rfield = $rfield
                                .ok_or_else(|| <A::Error as ::serde::de::Error>::missing_field($rwire))?;
                        )*
                        Ok(out)
                    }
                }

                d.deserialize_map(ValueVisitor)
            }
        }

        // The same fields, for the direct reader (see `go_json`).
        impl $crate::go_json::GoJson for $ty {
            fn read(r: &mut $crate::go_json::Reader<'_>) -> $crate::go_json::Read<Self> {
                #[allow(non_camel_case_types)]
                #[derive(Clone, Copy)]
                enum Field {
                    $($rfield,)*
                    $($field,)*
                }
                const FIELDS: &[Field] = &[$(Field::$rfield,)* $(Field::$field,)*];
                const KEYS: &[&str] = &[$($rwire,)* $($wire,)*];
                let mut out = <$ty as ::std::default::Default>::default();
                $(let mut $rfield = None;)*
                r.object_with_keys(KEYS, |r, key| {
                    match key {
                        $crate::go_json::Key::Known(i) => match FIELDS.get(i).ok_or($crate::go_json::GiveUp)? {
                            $(Field::$rfield => $rfield = Some($crate::go_json::GoJson::read(r)?),)*
                            $(Field::$field => out.$field = r.field()?,)*
                        },
                        $crate::go_json::Key::Other(other) => {
                            let value = r.serde()?;
                            out.extra.insert(other.to_owned(), value);
                        }
                    }
                    Ok(())
                })?;
                $(out.$rfield = $rfield.ok_or($crate::go_json::GiveUp)?;)*
                Ok(out)
            }
        }
    };
}
pub(crate) use deserialize_keeping_unknown;

//! Hand-rolled `Deserialize` for every generated type, in place of serde's derive.
//!
//! serde's derive is most of the generated crate's build: measured on the
//! 2.44.0 types alone (debug, 2 cores), 29 s and 983 MB of rustc with it
//! against 4.7 s and 392 MB without. The derive writes, for each struct, a
//! field enum with its own visitor and `Deserialize`, `visit_str`,
//! `visit_bytes`, `visit_u64` and `visit_seq` arms for every field and alias,
//! and, with `#[serde(flatten)]`, buffers every value as `Content`. What a
//! Portainer client needs is one `visit_map`: each key matched once against
//! the field's name and its alias, the value decoded in place, unknown keys
//! into `extra`. That is what this writes, sharing one key type
//! (`types::decode::Key`) across all structs.
//!
//! Behaviour, for each struct field (what serde's derive did, unless noted):
//! - `Option<T>`: absent or `null` is `None`;
//! - `Option<T>` with `deserialize_with = "Option::deserialize"` (required
//!   but nullable): `null` is `None`, absent is a `missing field` error;
//! - any other type: absent is a `missing field` error, or its `default`;
//! - the `#[serde(flatten)]` `extra` map takes every key no field names;
//!   without one, unknown keys are skipped;
//! - a key given twice: the last value wins, as in Go's `encoding/json`
//!   (serde's derive refused the object).
//!
//! Newtypes (`#[serde(transparent)]`) decode their one field.
//!
//! Field attributes that only decoding reads (`alias`, `default`,
//! `deserialize_with`) are removed; the rest stay for the `Serialize` derive,
//! under `cfg_attr(feature = "serde-both", ..)` when that derive is itself
//! conditional, since a helper attribute without its derive does not compile.

use anyhow::{Result, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Attribute, Fields, Item, ItemStruct, LitStr, parse_quote};

use super::features::SERDE_BOTH;

/// `ExtraFields`, appended to the generated client.
pub const EXTRA_FIELDS_TEMPLATE: &str = include_str!("../../templates/extra_fields.rs");

/// Where a struct's `Deserialize` came from.
enum Derived {
    Always,
    WithSerdeBoth,
}

/// How a field is decoded.
#[derive(Debug, PartialEq)]
enum Kind {
    /// `Option<T>`: absent or null is `None`.
    Optional,
    /// `Option<T>` that must be present (it may be null).
    RequiredNullable,
    /// Must be present, unless it has a default.
    Required { default: Option<DefaultValue> },
    /// The `#[serde(flatten)]` map of unknown fields.
    Extra,
}

#[derive(Debug, PartialEq)]
enum DefaultValue {
    Trait,
    Path(syn::Path),
}

/// One field as the decoder sees it.
#[derive(Debug)]
struct FieldDe {
    ident: syn::Ident,
    /// The JSON name, then its aliases.
    names: Vec<String>,
    kind: Kind,
}

/// Replaces the `Deserialize` derive of every struct in `types` with an
/// impl written out, and adds the shared `decode` module. Returns how many
/// structs changed.
pub fn hand_rolled(file: &mut syn::File) -> Result<usize> {
    let mut changed = 0;
    if let Some(items) = super::postprocess::types_module_mut(file) {
        let mut out = Vec::with_capacity(items.len() * 2);
        for mut item in std::mem::take(items) {
            let extra = match &mut item {
                Item::Struct(s) => {
                    extra_fields_type(s);
                    rewrite(s)?
                }
                _ => None,
            };
            out.push(item);
            if let Some(imp) = extra {
                out.push(imp);
                changed += 1;
            }
        }
        out.push(decode_module());
        *items = out;
    }
    Ok(changed)
}

/// The flattened map of unknown members becomes `ExtraFields`
/// (`xtask/templates/extra_fields.rs`): a `serde_json::Map` takes a tree
/// node of 600-odd bytes for its first member, in every object that has one.
fn extra_fields_type(s: &mut ItemStruct) {
    for field in s.fields.iter_mut() {
        if is_flattened(field) && is_json_map(&field.ty) {
            field.ty = parse_quote!(crate::ExtraFields);
        }
    }
}

fn is_flattened(field: &syn::Field) -> bool {
    field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .any(|a| {
            let mut flatten = false;
            let _ = a.parse_nested_meta(|meta| {
                flatten |= meta.path.is_ident("flatten");
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                Ok(())
            });
            flatten
        })
}

/// Strips the derive from `s`, fixes its serde attributes and returns its impl.
fn rewrite(s: &mut ItemStruct) -> Result<Option<Item>> {
    let Some(derived) = take_derive(&mut s.attrs) else {
        return Ok(None);
    };
    let serialize_always = has_derive(&s.attrs, "Serialize");
    let transparent = s.attrs.iter().any(is_transparent);
    let name = s.ident.clone();
    let name = &name;
    let cfgs: Vec<Attribute> = s
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .cloned()
        .collect();
    let serde_both_cfg = match derived {
        Derived::Always => quote!(),
        Derived::WithSerdeBoth => quote!(#[cfg(feature = #SERDE_BOTH)]),
    };

    let body = if transparent {
        let Fields::Unnamed(_) = &s.fields else {
            bail!("{name}: #[serde(transparent)] on a struct that is not a newtype");
        };
        quote! { ::serde::Deserialize::deserialize(deserializer).map(Self) }
    } else {
        let Fields::Named(named) = &s.fields else {
            bail!("{name}: a struct without named fields that is not #[serde(transparent)]");
        };
        let fields = named
            .named
            .iter()
            .map(|f| field_de(name, f))
            .collect::<Result<Vec<_>>>()?;
        visitor_body(name, &fields)
    };

    // The serde attributes left are the Serialize derive's, placed last: a
    // derive's helper attributes must follow the derive.
    let keep_serde = |attrs: &mut Vec<Attribute>| -> Result<()> {
        let mut kept = Vec::with_capacity(attrs.len());
        let mut helpers = Vec::new();
        for attr in std::mem::take(attrs) {
            if !attr.path().is_ident("serde") {
                kept.push(attr);
                continue;
            }
            let Some(inner) = serialize_meta(&attr)? else {
                continue;
            };
            helpers.push(if serialize_always {
                parse_quote!(#[serde(#inner)])
            } else {
                parse_quote!(#[cfg_attr(feature = #SERDE_BOTH, serde(#inner))])
            });
        }
        kept.extend(helpers);
        *attrs = kept;
        Ok(())
    };
    keep_serde(&mut s.attrs)?;
    for field in s.fields.iter_mut() {
        keep_serde(&mut field.attrs)?;
    }

    Ok(Some(parse_quote! {
        #(#cfgs)*
        #serde_both_cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                #body
            }
        }
    }))
}

/// The `visit_map` decoder of a struct with named fields.
fn visitor_body(name: &syn::Ident, fields: &[FieldDe]) -> TokenStream {
    let expecting = format!("struct {name}");
    let mut lets = Vec::new();
    let mut arms = Vec::new();
    let mut builds = Vec::new();
    let mut unknown = quote! { map.next_value::<::serde::de::IgnoredAny>()?; };
    for f in fields {
        let ident = &f.ident;
        let local = format_ident!("f_{}", ident.to_string().trim_start_matches("r#"));
        let names = &f.names;
        match &f.kind {
            Kind::Extra => {
                lets.push(quote! { let mut #local = crate::ExtraFields::new(); });
                unknown = quote! { #local.push(key.into_string(), map.next_value()?); };
                builds.push(quote! { #ident: #local.without_repeats() });
            }
            Kind::Optional => {
                lets.push(quote! { let mut #local = None; });
                arms.push(quote! { #(#names)|* => #local = map.next_value()?, });
                builds.push(quote! { #ident: #local });
            }
            Kind::RequiredNullable | Kind::Required { .. } => {
                let wire = &names[0];
                lets.push(quote! { let mut #local = None; });
                arms.push(quote! { #(#names)|* => #local = Some(map.next_value()?), });
                let value = match &f.kind {
                    Kind::Required {
                        default: Some(DefaultValue::Trait),
                    } => quote! { #local.unwrap_or_default() },
                    Kind::Required {
                        default: Some(DefaultValue::Path(p)),
                    } => quote! { #local.unwrap_or_else(#p) },
                    _ => quote! {
                        match #local {
                            Some(v) => v,
                            None => return Err(::serde::de::Error::missing_field(#wire)),
                        }
                    },
                };
                builds.push(quote! { #ident: #value });
            }
        }
    }
    quote! {
        struct __Decode;
        impl<'de> ::serde::de::Visitor<'de> for __Decode {
            type Value = #name;
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#expecting)
            }
            fn visit_map<A: ::serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> ::std::result::Result<#name, A::Error> {
                #(#lets)*
                while let Some(key) = map.next_key::<decode::Key<'de>>()? {
                    match key.as_str() {
                        #(#arms)*
                        _ => { #unknown }
                    }
                }
                Ok(#name { #(#builds),* })
            }
        }
        deserializer.deserialize_map(__Decode)
    }
}

/// Reads a field's serde attributes.
fn field_de(owner: &syn::Ident, field: &syn::Field) -> Result<FieldDe> {
    let Some(ident) = field.ident.clone() else {
        bail!("{owner}: unnamed field");
    };
    let mut wire = ident.to_string().trim_start_matches("r#").to_owned();
    let mut aliases = Vec::new();
    let mut flatten = false;
    let mut nullable_required = false;
    let mut default = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let key = meta_key(&meta);
            match key.as_str() {
                "rename" => wire = meta.value()?.parse::<LitStr>()?.value(),
                "alias" => aliases.push(meta.value()?.parse::<LitStr>()?.value()),
                "flatten" => flatten = true,
                "skip_serializing_if" => {
                    meta.value()?.parse::<LitStr>()?;
                }
                "default" => {
                    default = Some(if meta.input.peek(syn::Token![=]) {
                        DefaultValue::Path(meta.value()?.parse::<LitStr>()?.parse()?)
                    } else {
                        DefaultValue::Trait
                    });
                }
                "deserialize_with" => {
                    let with = meta.value()?.parse::<LitStr>()?.value();
                    if with != "::std::option::Option::deserialize" {
                        return Err(meta.error(format!("deserialize_with = {with:?}")));
                    }
                    nullable_required = true;
                }
                _ => return Err(meta.error(format!("serde attribute `{key}`"))),
            }
            Ok(())
        })
        .map_err(|e| anyhow::anyhow!("{owner}.{ident}: no hand-rolled decoding for {e}"))?;
    }
    let optional = is_option(&field.ty);
    let kind = if flatten {
        if !is_json_map(&field.ty) {
            bail!("{owner}.{ident}: flattened field that is not a map of unknown members");
        }
        Kind::Extra
    } else if optional && nullable_required {
        Kind::RequiredNullable
    } else if optional && default.is_none() {
        Kind::Optional
    } else {
        Kind::Required { default }
    };
    let mut names = vec![wire];
    names.extend(aliases);
    Ok(FieldDe { ident, names, kind })
}

/// The attribute's arguments that serialization still reads, if any.
fn serialize_meta(attr: &Attribute) -> Result<Option<TokenStream>> {
    let mut kept = Vec::new();
    attr.parse_nested_meta(|meta| {
        let key = meta_key(&meta);
        match key.as_str() {
            "rename" | "skip_serializing_if" => {
                let lit: LitStr = meta.value()?.parse()?;
                let path = &meta.path;
                kept.push(quote!(#path = #lit));
            }
            "flatten" | "transparent" => {
                let path = &meta.path;
                kept.push(quote!(#path));
            }
            "alias" | "deserialize_with" => {
                meta.value()?.parse::<LitStr>()?;
            }
            "default" => {
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<LitStr>()?;
                }
            }
            _ => return Err(meta.error(format!("unexpected serde attribute `{key}`"))),
        }
        Ok(())
    })?;
    Ok((!kept.is_empty()).then(|| quote!(#(#kept),*)))
}

/// Removes `::serde::Deserialize` from the derives, plain or under `serde-both`.
fn take_derive(attrs: &mut Vec<Attribute>) -> Option<Derived> {
    if super::features::strip_derive(attrs, "Deserialize") {
        return Some(Derived::Always);
    }
    let both: Attribute =
        parse_quote!(#[cfg_attr(feature = #SERDE_BOTH, derive(::serde::Deserialize))]);
    let before = attrs.len();
    attrs.retain(|a| a != &both);
    (attrs.len() != before).then_some(Derived::WithSerdeBoth)
}

/// The name of a `#[serde(..)]` argument (`rename` in `rename = "x"`).
fn meta_key(meta: &syn::meta::ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default()
}

fn has_derive(attrs: &[Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| {
            a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|paths| {
                paths
                    .iter()
                    .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
            })
        })
}

fn is_transparent(attr: &Attribute) -> bool {
    attr.path().is_ident("serde")
        && attr
            .parse_args::<syn::Ident>()
            .is_ok_and(|i| i == "transparent")
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

fn is_option(ty: &syn::Type) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == "Option")
}

fn is_json_map(ty: &syn::Type) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == "Map" || s.ident == "ExtraFields")
}

/// The one key type all decoders share: object keys borrowed from the input
/// when the reader allows it (serde_json does for keys without escapes), so
/// matching a key allocates nothing.
fn decode_module() -> Item {
    parse_quote! {
        /// Support for the generated `Deserialize` impls.
        pub(crate) mod decode {
            /// An object key, borrowed from the input when possible.
            pub(crate) enum Key<'de> {
                Borrowed(&'de str),
                Owned(::std::string::String),
            }
            impl Key<'_> {
                pub(crate) fn as_str(&self) -> &str {
                    match self {
                        Key::Borrowed(s) => s,
                        Key::Owned(s) => s,
                    }
                }
                pub(crate) fn into_string(self) -> ::std::string::String {
                    match self {
                        Key::Borrowed(s) => s.to_owned(),
                        Key::Owned(s) => s,
                    }
                }
            }
            impl<'de> ::serde::Deserialize<'de> for Key<'de> {
                fn deserialize<D: ::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::std::result::Result<Self, D::Error> {
                    struct KeyVisitor;
                    impl<'de> ::serde::de::Visitor<'de> for KeyVisitor {
                        type Value = Key<'de>;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str("an object key")
                        }
                        fn visit_borrowed_str<E>(self, s: &'de str) -> ::std::result::Result<Key<'de>, E> {
                            Ok(Key::Borrowed(s))
                        }
                        fn visit_str<E>(self, s: &str) -> ::std::result::Result<Key<'de>, E> {
                            Ok(Key::Owned(s.to_owned()))
                        }
                        fn visit_string<E>(self, s: ::std::string::String) -> ::std::result::Result<Key<'de>, E> {
                            Ok(Key::Owned(s))
                        }
                    }
                    deserializer.deserialize_str(KeyVisitor)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The transformed source without whitespace, so checks ignore line breaks.
    fn run(src: &str) -> String {
        let mut file: syn::File = syn::parse_str(src).unwrap();
        hand_rolled(&mut file).unwrap();
        squash(&prettyplease::unparse(&file))
    }

    fn has(out: &str, want: &str) -> bool {
        out.contains(&squash(want))
    }

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn response_struct_gets_a_visit_map_and_loses_decode_only_attributes() {
        let out = run(r#"
            pub mod types {
                #[derive(::serde::Deserialize, Clone, Debug)]
                #[cfg(any(feature = "stacks"))]
                #[cfg_attr(feature = "serde-both", derive(::serde::Serialize))]
                pub struct Stack {
                    #[serde(rename = "Id")]
                    #[serde(alias = "id")]
                    pub id: i64,
                    #[serde(rename = "Env", skip_serializing_if = "::std::option::Option::is_none")]
                    #[serde(alias = "env")]
                    pub env: ::std::option::Option<::std::vec::Vec<Pair>>,
                    #[serde(rename = "Files", deserialize_with = "::std::option::Option::deserialize")]
                    pub files: ::std::option::Option<::std::vec::Vec<String>>,
                    #[serde(rename = "composeFile", default = "defaults::compose_file")]
                    pub compose_file: String,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
            }
        "#);
        assert!(!has(&out, "derive(::serde::Deserialize"), "{out}");
        assert!(!out.contains("alias"), "{out}");
        assert!(
            has(
                &out,
                r#"#[cfg_attr(feature = "serde-both", serde(rename = "Id"))]"#
            ),
            "{out}"
        );
        assert!(
            has(&out, r#""Id" | "id" => f_id = Some(map.next_value()?)"#),
            "{out}"
        );
        assert!(
            has(&out, r#""Env" | "env" => f_env = map.next_value()?"#),
            "{out}"
        );
        assert!(has(&out, r#"missing_field("Files")"#), "{out}");
        assert!(
            has(
                &out,
                "f_compose_file.unwrap_or_else(defaults::compose_file)"
            ),
            "{out}"
        );
        assert!(
            has(&out, "f_extra.push(key.into_string(), map.next_value()?)"),
            "{out}"
        );
        assert!(has(&out, "extra: f_extra.without_repeats()"), "{out}");
        assert!(has(&out, "pub extra: crate::ExtraFields,"), "{out}");
        assert!(
            has(&out, "#[cfg(any(feature = \"stacks\"))] impl<'de>"),
            "{out}"
        );
        assert!(has(&out, "pub(crate) mod decode"), "{out}");
    }

    #[test]
    fn request_struct_decodes_only_with_serde_both() {
        let out = run(r#"
            pub mod types {
                #[derive(::serde::Serialize, Clone, Debug)]
                #[cfg_attr(feature = "serde-both", derive(::serde::Deserialize))]
                pub struct Payload {
                    #[serde(rename = "Name")]
                    #[serde(alias = "name")]
                    pub name: String,
                }
                #[derive(::serde::Deserialize, Clone, Debug)]
                #[serde(transparent)]
                pub struct Tag(pub String);
            }
        "#);
        assert!(has(&out, "#[serde(rename = \"Name\")]"), "{out}");
        assert!(has(&out, "#[cfg(feature = \"serde-both\")]"), "{out}");
        assert!(
            has(
                &out,
                "::serde::Deserialize::deserialize(deserializer).map(Self)"
            ),
            "{out}"
        );
        assert!(
            has(
                &out,
                r#"#[cfg_attr(feature = "serde-both", serde(transparent))]"#
            ),
            "{out}"
        );
        // Without an extra map, unknown keys are skipped.
        assert!(has(&out, "IgnoredAny"), "{out}");
    }

    #[test]
    fn unknown_serde_attribute_is_an_error_naming_the_field() {
        let mut file: syn::File = syn::parse_str(
            r#"pub mod types {
                #[derive(::serde::Deserialize)]
                pub struct S { #[serde(with = "x")] pub a: i64 }
            }"#,
        )
        .unwrap();
        let err = hand_rolled(&mut file).unwrap_err().to_string();
        assert!(err.contains("S.a"), "{err}");
        assert!(err.contains("with"), "{err}");
    }
}

//! The string fields of the models are `crate::Text`
//! (`xtask/templates/text.rs`), which keeps strings of up to 24 bytes
//! inline, where a `String` allocates for each.
//!
//! Most strings Portainer sends are short (names, file names, user names,
//! environment variables), and a decoded list of stacks spent most of its
//! allocations on them: PERFORMANCE.md has the figures. Decoding is where
//! the SDK's time goes, so every model gets it, not only the ones the SDK
//! wraps.
//!
//! Changed: the named fields of the structs in `types` whose type is
//! `String`, or holds it through `Option` and `Vec`, and the values (not
//! the keys: lookups by `&str` work either way, and keys are what users
//! write) of `HashMap` and `BTreeMap` fields. Newtypes over `String` keep
//! it, as their `Deref` and `From` impls name it; so do enums' payloads and
//! the operations' parameters, which the caller writes rather than decodes.

use syn::{Fields, GenericArgument, Item, PathArguments, Type, parse_quote};

/// `Text`, appended to the generated client.
pub const TEMPLATE: &str = include_str!("../../templates/text.rs");

/// Turns the string fields of the models into `crate::Text`. Returns how
/// many fields changed.
pub fn text_fields(file: &mut syn::File) -> usize {
    let Some(items) = super::postprocess::types_module_mut(file) else {
        return 0;
    };
    let mut changed = 0;
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in fields.named.iter_mut() {
            if textify(&mut field.ty) {
                changed += 1;
            }
        }
    }
    changed
}

/// Replaces the `String` in `ty` (itself, an `Option`'s or `Vec`'s, a map's
/// value). Returns whether it did.
fn textify(ty: &mut Type) -> bool {
    let Type::Path(p) = ty else { return false };
    if p.qself.is_some() {
        return false;
    }
    if is_string(&p.path) {
        *ty = parse_quote!(crate::Text);
        return true;
    }
    let Some(last) = p.path.segments.last_mut() else {
        return false;
    };
    let at = match last.ident.to_string().as_str() {
        "Option" | "Vec" => 0,
        "HashMap" | "BTreeMap" => 1,
        _ => return false,
    };
    let PathArguments::AngleBracketed(args) = &mut last.arguments else {
        return false;
    };
    let inner = args
        .args
        .iter_mut()
        .filter_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .nth(at);
    inner.is_some_and(textify)
}

/// `String`, `std::string::String` or `alloc::string::String`, with or
/// without the leading `::`.
fn is_string(path: &syn::Path) -> bool {
    if path.segments.iter().any(|s| !s.arguments.is_empty()) {
        return false;
    }
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    matches!(
        names.as_slice(),
        ["String"] | ["std" | "alloc", "string", "String"]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn string_fields_become_text_keys_newtypes_and_enums_do_not() {
        let mut file: syn::File = syn::parse_str(
            r#"pub mod types {
                pub struct Stack {
                    pub name: ::std::string::String,
                    pub entry_point: ::std::option::Option<::std::string::String>,
                    pub files: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
                    pub tags: ::std::vec::Vec<String>,
                    pub labels: ::std::collections::HashMap<::std::string::String, ::std::string::String>,
                    pub counts: ::std::collections::HashMap<::std::string::String, i64>,
                    pub id: i64,
                    pub git: ::std::option::Option<::std::boxed::Box<GitConfig>>,
                    pub extra: crate::ExtraFields,
                }
                pub struct Signal(pub ::std::string::String);
                pub enum IntOrString { String(::std::string::String), Int(i64) }
            }"#,
        )
        .unwrap();
        assert_eq!(text_fields(&mut file), 5);
        let out = squash(&prettyplease::unparse(&file));
        for want in [
            "pubname:crate::Text,",
            "pubentry_point:::std::option::Option<crate::Text>,",
            "pubfiles:::std::option::Option<::std::vec::Vec<crate::Text>>,",
            "pubtags:::std::vec::Vec<crate::Text>,",
            "publabels:::std::collections::HashMap<::std::string::String,crate::Text>,",
            "pubcounts:::std::collections::HashMap<::std::string::String,i64>,",
            "pubstructSignal(pub::std::string::String);",
            "String(::std::string::String)",
        ] {
            assert!(out.contains(want), "{want} not in {out}");
        }
    }
}

//! Optional nested structs larger than [`BOX_OVER`] bytes are boxed:
//! `Option<Box<T>>` takes one pointer where `Option<T>` takes all of `T`,
//! present or not.
//!
//! With every nested struct inline, a stack is twice the size it is with
//! them boxed: each element of a decoded list is moved several times on its
//! way into the list, and the list itself is a large block that the
//! allocator may take fresh from the kernel (a page fault per 4 kB) on every
//! call. Most nested structs are absent from most objects (a stack's
//! `GitConfig`, `AutoUpdate`, deployment records), and a box costs an
//! allocation only where one is present. PERFORMANCE.md has the figures.
//!
//! Sizes are estimated from the field types (a `String` is three words, an
//! `Option` of a type without a niche adds a word), which is close enough to
//! pick the structs worth a pointer.

use std::collections::{BTreeMap, BTreeSet};

use super::postprocess::{first_generic, last_ident};
use syn::{Expr, Fields, Item, ItemStruct, Type, parse_quote};

/// Structs estimated above this many bytes (eight words) are boxed where optional.
pub const BOX_OVER: usize = 64;

/// A struct of the `types` module, as far as its size goes.
enum Def {
    Named(Vec<Type>),
    Newtype(Type),
}

/// Boxes the large optional struct fields in `types`. Returns how many.
pub fn box_large_optionals(file: &mut syn::File) -> usize {
    let Some(items) = super::postprocess::types_module_mut(file) else {
        return 0;
    };
    let defs: BTreeMap<String, Def> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((s.ident.to_string(), def(s))),
            _ => None,
        })
        .collect();
    let mut sizes = Sizes {
        defs: &defs,
        known: BTreeMap::new(),
        visiting: BTreeSet::new(),
    };
    let mut boxed = 0;
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in fields.named.iter_mut() {
            let Some(inner) = option_of_struct(&field.ty, &defs) else {
                continue;
            };
            if has_decode_attribute(field) || sizes.of_named(&inner) <= BOX_OVER {
                continue;
            }
            let ty = &field.ty;
            let Some(inner_ty) = first_generic(ty).cloned() else {
                continue;
            };
            field.ty = parse_quote!(::std::option::Option<::std::boxed::Box<#inner_ty>>);
            boxed += 1;
        }
    }
    boxed
}

fn def(s: &ItemStruct) -> Def {
    match &s.fields {
        Fields::Unnamed(f) if f.unnamed.len() == 1 => Def::Newtype(f.unnamed[0].ty.clone()),
        fields => Def::Named(fields.iter().map(|f| f.ty.clone()).collect()),
    }
}

/// `T` when `ty` is `Option<T>` and `T` is a struct with named fields of `types`.
fn option_of_struct(ty: &Type, defs: &BTreeMap<String, Def>) -> Option<String> {
    if last_ident(ty)? != "Option" {
        return None;
    }
    let inner = first_generic(ty)?;
    let Type::Path(p) = inner else { return None };
    // Only a type of this module: a bare name, not a path into std or serde_json.
    let name = p.path.get_ident()?.to_string();
    matches!(defs.get(&name), Some(Def::Named(_))).then_some(name)
}

/// Fields decoded other than as plain optionals (a default, required but
/// nullable, flattened) keep their type: their decoders build an `Option<T>`.
fn has_decode_attribute(field: &syn::Field) -> bool {
    field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .any(|a| {
            let mut found = false;
            let _ = a.parse_nested_meta(|meta| {
                if meta.path.is_ident("default")
                    || meta.path.is_ident("deserialize_with")
                    || meta.path.is_ident("flatten")
                {
                    found = true;
                }
                if meta.input.peek(syn::Token![=]) {
                    let _: Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            found
        })
}

struct Sizes<'a> {
    defs: &'a BTreeMap<String, Def>,
    known: BTreeMap<String, usize>,
    visiting: BTreeSet<String>,
}

impl Sizes<'_> {
    fn of_named(&mut self, name: &str) -> usize {
        if let Some(&n) = self.known.get(name) {
            return n;
        }
        // A type that contains itself does so through a box or a list.
        if !self.visiting.insert(name.to_owned()) {
            return 8;
        }
        let defs = self.defs;
        let size = match defs.get(name) {
            Some(Def::Newtype(ty)) => self.of(ty),
            Some(Def::Named(tys)) => {
                let sum: usize = tys.iter().map(|t| self.of(t)).sum();
                sum.next_multiple_of(8)
            }
            None => 8,
        };
        self.visiting.remove(name);
        self.known.insert(name.to_owned(), size);
        size
    }

    fn of(&mut self, ty: &Type) -> usize {
        let Some(ident) = last_ident(ty) else {
            return 8;
        };
        match ident.as_str() {
            "Option" => match first_generic(ty) {
                Some(inner) if last_ident(inner).as_deref() == Some("bool") => 1,
                Some(inner) if self.has_niche(inner) => self.of(inner),
                Some(inner) => self.of(inner).next_multiple_of(8) + 8,
                None => 8,
            },
            "String" | "Text" | "Vec" | "Map" | "BTreeMap" => 24,
            "HashMap" => 48,
            "Value" => 32,
            "Box" | "i64" | "u64" | "f64" | "isize" | "usize" => 8,
            "i32" | "u32" | "f32" => 4,
            "i16" | "u16" => 2,
            "bool" | "u8" | "i8" => 1,
            name => self.of_named(name),
        }
    }

    /// Whether `Option` of this type needs no room of its own (it holds a
    /// pointer that is never null).
    fn has_niche(&mut self, ty: &Type) -> bool {
        let Some(ident) = last_ident(ty) else {
            return false;
        };
        match ident.as_str() {
            "String" | "Text" | "Vec" | "Map" | "BTreeMap" | "HashMap" | "Box" | "Value" => true,
            name => {
                let defs = self.defs;
                match defs.get(name) {
                    Some(Def::Newtype(inner)) => self.has_niche(inner),
                    Some(Def::Named(tys)) => tys.iter().any(|t| self.has_niche(t)),
                    None => false,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn large_optional_structs_are_boxed_small_ones_and_others_not() {
        let mut file: syn::File = syn::parse_str(
            r#"pub mod types {
                pub struct Stack {
                    pub git_config: ::std::option::Option<GitConfig>,
                    pub option: ::std::option::Option<StackOption>,
                    #[serde(default = "defaults::git")]
                    pub with_default: ::std::option::Option<GitConfig>,
                    pub required: GitConfig,
                    pub status: ::std::option::Option<Status>,
                    pub name: ::std::option::Option<::std::string::String>,
                }
                pub struct GitConfig {
                    pub url: ::std::option::Option<::std::string::String>,
                    pub reference: ::std::option::Option<::std::string::String>,
                    pub path: ::std::option::Option<::std::string::String>,
                    pub hash: ::std::option::Option<::std::string::String>,
                    pub auth: ::std::option::Option<Auth>,
                    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
                pub struct Auth {
                    pub user: ::std::option::Option<::std::string::String>,
                    pub id: ::std::option::Option<i64>,
                }
                pub struct StackOption {
                    pub prune: ::std::option::Option<bool>,
                    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
                pub struct Status(pub i64);
            }"#,
        )
        .unwrap();
        // GitConfig: 4 strings (96), Option<Auth> (24 + 16 = 40), the map (24).
        let mut sizes = Sizes {
            defs: &BTreeMap::new(),
            known: BTreeMap::new(),
            visiting: BTreeSet::new(),
        };
        assert_eq!(
            sizes.of(&parse_quote!(::std::option::Option<i64>)),
            16,
            "an i64 has no niche"
        );
        assert_eq!(box_large_optionals(&mut file), 1);
        let out = squash(&prettyplease::unparse(&file));
        assert!(
            out.contains("pubgit_config:::std::option::Option<::std::boxed::Box<GitConfig>>"),
            "{out}"
        );
        assert!(
            out.contains("puboption:::std::option::Option<StackOption>"),
            "{out}"
        );
        assert!(
            out.contains("pubwith_default:::std::option::Option<GitConfig>"),
            "{out}"
        );
        assert!(out.contains("pubrequired:GitConfig"), "{out}");
    }
}

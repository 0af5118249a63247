//! The generated crate in files, one per feature set.
//!
//! rustc parses a whole file before it removes what `#[cfg]` turns off, so a
//! build of the default features used to parse every area's types and
//! builders, and a build of one small area took about as much memory for
//! the text it then dropped as for what it compiled (PERFORMANCE.md has the
//! figures). A `mod` item that `#[cfg]` turns off is never read, so the
//! items of each feature move to a file of their own: `types/<feature>.rs`
//! and `builder/<feature>.rs` under `src/generated/`, each declared under
//! its feature's `#[cfg]` and glob-re-exported, so every path stays what it
//! was (`types::Stack`, `builder::StackList`). The `Client` methods that
//! return a feature's builders go to that feature's builder file. Types
//! that several features use go to `types/shared.rs`, each keeping its own
//! `#[cfg]`, and the file is read when any of them is on.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use quote::format_ident;
use syn::punctuated::Punctuated;
use syn::{Attribute, ImplItem, Item, Token, parse_quote};

/// One file of the split: its path in the crate and its items.
pub struct Part {
    pub path: String,
    pub file: syn::File,
}

/// The features of a `#[cfg(any(feature = ..))]`, sorted.
type Set = Vec<String>;

/// The items of one file, and the features under which it is compiled.
#[derive(Default)]
struct Group {
    features: std::collections::BTreeSet<String>,
    items: Vec<Item>,
}

/// The file of the types that several features use.
const SHARED: &str = "shared";

/// Moves the feature-gated items of `types`, `builder` and `impl Client`
/// out of `file`, leaving a gated `mod` and `pub use` per feature set.
pub fn by_feature(file: &mut syn::File) -> Result<Vec<Part>> {
    let mut methods: BTreeMap<Set, Vec<ImplItem>> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !is_client(&imp.self_ty) {
            continue;
        }
        let mut kept = Vec::with_capacity(imp.items.len());
        for mut it in std::mem::take(&mut imp.items) {
            let set = match &mut it {
                ImplItem::Fn(f) => take_set(&mut f.attrs),
                _ => None,
            };
            match set {
                Some(set) => methods.entry(set).or_default().push(it),
                None => kept.push(it),
            }
        }
        imp.items = kept;
    }

    let mut parts = Vec::new();
    let mut found = 0;
    for item in &mut file.items {
        let Item::Mod(m) = item else { continue };
        let Some((_, items)) = m.content.as_mut() else {
            continue;
        };
        let module = m.ident.to_string();
        if module != "types" && module != "builder" {
            continue;
        }
        found += 1;
        let mut groups = split_items(items);
        if module == "builder" {
            for set in methods.keys() {
                let group = groups.entry(module_name(set)).or_default();
                group.features.extend(set.iter().cloned());
            }
        }
        for (name, group) in groups {
            let features: Set = group.features.into_iter().collect();
            let cfg = cfg_any(&features);
            let ident = format_ident!("{name}");
            items.push(parse_quote!(#cfg mod #ident;));
            items.push(parse_quote!(#cfg pub use self::#ident::*;));
            let doc = if name == SHARED {
                format!(" The `{module}` that several features use, each under its own `cfg`.")
            } else {
                format!(
                    " The `{module}` of the `{}` feature.",
                    features.join("`, `")
                )
            };
            let mut out: Vec<Item> = vec![parse_quote!(
                use super::*;
            )];
            let fns = match module.as_str() {
                "builder" => methods.remove(&features),
                _ => None,
            };
            out.extend(group.items);
            if let Some(fns) = fns {
                // The methods name their builders `builder::X`, as in the parent.
                out.insert(
                    1,
                    parse_quote!(
                        use super::super::builder;
                    ),
                );
                out.push(parse_quote!(impl Client { #(#fns)* }));
            }
            parts.push(Part {
                path: format!("src/generated/{module}/{name}.rs"),
                file: syn::File {
                    shebang: None,
                    attrs: vec![parse_quote!(#![doc = #doc])],
                    items: out,
                },
            });
        }
    }
    if found != 2 {
        bail!("the generated client has no `types` or no `builder` module to split");
    }
    if !methods.is_empty() {
        bail!("Client methods gated on feature sets with no builder module");
    }
    Ok(parts)
}

/// Removes the gated items from `items`: those of one feature by feature
/// (without their `cfg`, which their file's `mod` carries), those of
/// several into [`SHARED`] (with theirs).
fn split_items(items: &mut Vec<Item>) -> BTreeMap<String, Group> {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut kept = Vec::with_capacity(items.len());
    for mut item in std::mem::take(items) {
        let Some(attrs) = item_attrs(&mut item) else {
            kept.push(item);
            continue;
        };
        let Some(set) = attrs.iter().find_map(feature_set) else {
            kept.push(item);
            continue;
        };
        // Some items carry their `cfg` twice. In a feature's own file none is
        // needed; in the shared file the first is enough.
        let mut first = set.len() > 1;
        attrs.retain(|a| feature_set(a).as_ref() != Some(&set) || std::mem::take(&mut first));
        let name = if set.len() == 1 {
            module_name(&set)
        } else {
            SHARED.to_owned()
        };
        let group = groups.entry(name).or_default();
        group.features.extend(set);
        group.items.push(item);
    }
    *items = kept;
    groups
}

fn item_attrs(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        Item::Struct(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Const(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

/// Removes and returns the feature set of a method's first
/// `#[cfg(any(feature = ..))]`, with its copies; other `cfg`s (`serde-both`)
/// are not feature sets and stay.
fn take_set(attrs: &mut Vec<Attribute>) -> Option<Set> {
    let set = attrs.iter().find_map(feature_set)?;
    attrs.retain(|a| feature_set(a).as_ref() != Some(&set));
    Some(set)
}

fn feature_set(attr: &Attribute) -> Option<Set> {
    if !attr.path().is_ident("cfg") {
        return None;
    }
    let syn::Meta::List(any) = attr.parse_args::<syn::Meta>().ok()? else {
        return None;
    };
    if !any.path.is_ident("any") {
        return None;
    }
    let list = any
        .parse_args_with(Punctuated::<syn::MetaNameValue, Token![,]>::parse_terminated)
        .ok()?;
    let mut set = Vec::new();
    for nv in list {
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = &nv.value
        else {
            return None;
        };
        if !nv.path.is_ident("feature") {
            return None;
        }
        set.push(s.value());
    }
    set.sort();
    set.dedup();
    (!set.is_empty()).then_some(set)
}

fn cfg_any(set: &Set) -> Attribute {
    let list = set.iter().map(|f| quote::quote!(feature = #f));
    parse_quote!(#[cfg(any(#(#list),*))])
}

/// `stacks`, `users_teams`.
fn module_name(set: &Set) -> String {
    set.join("_").replace('-', "_")
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(src: &str) -> (String, Vec<(String, String)>) {
        let mut file: syn::File = syn::parse_str(src).unwrap();
        let parts = by_feature(&mut file).unwrap();
        (
            prettyplease::unparse(&file),
            parts
                .into_iter()
                .map(|p| (p.path, prettyplease::unparse(&p.file)))
                .collect(),
        )
    }

    #[test]
    fn gated_items_move_to_a_file_per_feature_set() {
        let (main, parts) = split(
            r#"
            pub mod types {
                pub struct Always;
                #[cfg(any(feature = "stacks"))]
                pub struct Stack;
                #[cfg(any(feature = "stacks"))]
                #[cfg(feature = "serde-both")]
                #[cfg(any(feature = "stacks"))]
                impl Stack { }
                #[cfg(any(feature = "users-teams", feature = "edge"))]
                pub struct Team;
            }
            pub mod builder {
                #[cfg(any(feature = "stacks"))]
                pub struct StackList<'a> { pub(super) client: &'a Client }
            }
            pub struct Client;
            impl Client {
                pub fn new() -> Self { Client }
                #[cfg(any(feature = "stacks"))]
                pub fn stack_list(&self) -> builder::StackList<'_> { builder::StackList { client: self } }
            }
            "#,
        );
        assert!(main.contains("pub struct Always;"), "{main}");
        assert!(!main.contains("pub struct Stack;"), "{main}");
        assert!(!main.contains("fn stack_list"), "{main}");
        assert!(main.contains("pub fn new()"), "{main}");
        assert!(
            main.contains("#[cfg(any(feature = \"stacks\"))]\n    mod stacks;"),
            "{main}"
        );
        assert!(
            main.contains("#[cfg(any(feature = \"edge\", feature = \"users-teams\"))]\n    pub use self::shared::*;"),
            "{main}"
        );
        let paths: Vec<&str> = parts.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "src/generated/types/shared.rs",
                "src/generated/types/stacks.rs",
                "src/generated/builder/stacks.rs",
            ]
        );
        let shared = &parts[0].1;
        assert!(
            shared.contains(
                "#[cfg(any(feature = \"users-teams\", feature = \"edge\"))]\npub struct Team;"
            ),
            "{shared}"
        );
        let types = &parts[1].1;
        assert!(types.contains("use super::*;"), "{types}");
        assert!(!types.contains("any(feature"), "{types}");
        assert!(
            types.contains("#[cfg(feature = \"serde-both\")]"),
            "{types}"
        );
        let builder = &parts[2].1;
        assert!(builder.contains("use super::super::builder;"), "{builder}");
        assert!(builder.contains("impl Client {"), "{builder}");
        assert!(builder.contains("pub fn stack_list"), "{builder}");
    }

    #[test]
    fn a_client_without_those_modules_is_an_error() {
        let mut file: syn::File = syn::parse_str("pub struct Client;").unwrap();
        assert!(by_feature(&mut file).is_err());
    }
}

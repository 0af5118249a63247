//! Changes to progenitor's output that typify has no setting for.

use std::collections::BTreeSet;

use syn::{Fields, Item, LitStr, parse_quote};

/// Swaps the case of the first letter: `createdBy` <-> `CreatedBy`.
fn other_case(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let first = chars.next()?;
    let swapped = if first.is_ascii_lowercase() {
        first.to_ascii_uppercase()
    } else if first.is_ascii_uppercase() {
        first.to_ascii_lowercase()
    } else {
        return None;
    };
    Some(swapped.to_string() + chars.as_str())
}

/// The JSON name of a field and whether it is flattened, from its serde attributes.
fn wire_name(field: &syn::Field) -> (String, bool) {
    let mut name = field
        .ident
        .as_ref()
        .map(|i| i.to_string().trim_start_matches("r#").to_owned())
        .unwrap_or_default();
    let mut flatten = false;
    for attr in &field.attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: LitStr = meta.value()?.parse()?;
                name = lit.value();
            } else if meta.path.is_ident("flatten") {
                flatten = true;
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    (name, flatten)
}

/// The items of the generated `types` module, if there is one.
pub fn types_module_mut(file: &mut syn::File) -> Option<&mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Which property names a server sends depends on the Go struct's json tags,
/// which older specs misreport by the case of the first letter (`createdBy`
/// for `CreatedBy`). Each field also accepts the other case when decoding, so a
/// client from any spec decodes what the server sends. Returns the fields changed.
pub fn case_insensitive_fields(file: &mut syn::File) -> usize {
    let mut changed = 0;
    if let Some(items) = types_module_mut(file) {
        for item in items {
            let Item::Struct(s) = item else { continue };
            let Fields::Named(fields) = &mut s.fields else {
                continue;
            };
            let names: BTreeSet<String> = fields.named.iter().map(|f| wire_name(f).0).collect();
            for field in fields.named.iter_mut() {
                let (name, flatten) = wire_name(field);
                if flatten {
                    continue;
                }
                let Some(alias) = other_case(&name) else {
                    continue;
                };
                if names.contains(&alias) {
                    continue;
                }
                field.attrs.push(parse_quote!(#[serde(alias = #alias)]));
                changed += 1;
            }
        }
    }
    changed
}

/// The first type argument of a path type: `T` of `Result<T, E>` or `Option<T>`.
pub(crate) fn first_generic(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The last segment of a path type's name: `Stack` of `types::Stack`.
pub(crate) fn last_ident(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    Some(p.path.segments.last()?.ident.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_other_case_unless_taken() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct S {
                    #[serde(rename = "createdBy", skip_serializing_if = "Option::is_none")]
                    pub created_by: Option<String>,
                    pub name: Option<String>,
                    #[serde(rename = "Name")]
                    pub name_: Option<String>,
                    #[serde(flatten)]
                    pub extra: Map,
                }
            }
        };
        assert_eq!(case_insensitive_fields(&mut file), 1);
        let text = quote::quote!(#file).to_string();
        assert!(text.contains("alias = \"CreatedBy\""), "{text}");
        assert!(!text.contains("alias = \"name\""), "{text}");
    }
}

/// prettyplease prints multi-line doc attributes as `/** ... */` blocks, and
/// rustfmt then indents their lines, which Markdown reads as indented code
/// blocks: hundreds of doctests that are really prose. Line comments (`///`)
/// keep each line's text as it is.
pub fn block_docs_to_line_docs(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 8);
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let (opener, marker) = if trimmed.starts_with("/**") && !trimmed.starts_with("/***") {
            ("/**", "///")
        } else if trimmed.starts_with("/*!") {
            ("/*!", "//!")
        } else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let mut text = trimmed[opener.len()..].to_owned();
        let mut closed = text.contains("*/");
        while !closed {
            match lines.next() {
                Some(next) => {
                    text.push('\n');
                    text.push_str(next);
                    closed = next.contains("*/");
                }
                None => break,
            }
        }
        let (body, rest) = match text.rfind("*/") {
            Some(end) => (&text[..end], text[end + 2..].trim()),
            None => (text.as_str(), ""),
        };
        for doc_line in body.lines() {
            out.push_str(indent);
            out.push_str(marker);
            out.push_str(doc_line);
            out.push('\n');
        }
        if !rest.is_empty() {
            out.push_str(indent);
            out.push_str(rest);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod doc_tests {
    use super::block_docs_to_line_docs;

    #[test]
    fn block_doc_becomes_line_docs() {
        let src = "impl C {\n    /**Inspect\n\n**Access policy**: x\n*/\n    pub fn f() {}\n}\n";
        assert_eq!(
            block_docs_to_line_docs(src),
            "impl C {\n    ///Inspect\n    ///\n    ///**Access policy**: x\n    pub fn f() {}\n}\n"
        );
    }
}

/// typify derives `Default` only when every field is optional, so a payload
/// with one required string (a stack's `Name`) cannot be written with
/// `..Default::default()`. Every struct whose fields all have a default
/// (options, collections, strings, numbers, booleans and such structs)
/// derives it. Returns the structs changed.
pub fn derive_defaults(file: &mut syn::File) -> usize {
    let Some(items) = types_module_mut(file) else {
        return 0;
    };
    let derives = |attrs: &[syn::Attribute], name: &str| {
        attrs.iter().any(|a| {
            a.path().is_ident("derive")
                && a.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|paths| {
                    paths
                        .iter()
                        .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
                })
        })
    };
    let mut with_default: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if derives(&s.attrs, "Default") => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    let defaults = |ty: &syn::Type, known: &BTreeSet<String>| {
        let syn::Type::Path(p) = ty else {
            return false;
        };
        let Some(last) = p.path.segments.last() else {
            return false;
        };
        let name = last.ident.to_string();
        matches!(
            name.as_str(),
            "Option"
                | "Vec"
                | "String"
                | "Text"
                | "bool"
                | "i64"
                | "i32"
                | "u64"
                | "f64"
                | "f32"
                | "Map"
                | "Value"
                | "HashMap"
                | "BTreeMap"
        ) || known.contains(&name)
    };
    let mut changed = 0;
    loop {
        let mut newly = Vec::new();
        for item in items.iter() {
            let Item::Struct(s) = item else { continue };
            let name = s.ident.to_string();
            if with_default.contains(&name) || matches!(s.fields, Fields::Unnamed(_)) {
                continue;
            }
            if s.fields.iter().all(|f| defaults(&f.ty, &with_default)) {
                newly.push(name);
            }
        }
        if newly.is_empty() {
            break;
        }
        for item in items.iter_mut() {
            let Item::Struct(s) = item else { continue };
            if newly.contains(&s.ident.to_string()) {
                s.attrs.push(parse_quote!(#[derive(Default)]));
                changed += 1;
            }
        }
        with_default.extend(newly);
    }
    changed
}

/// Whether a field's type is a string (`String` or `Text`) or an optional one.
fn is_text(ty: &syn::Type) -> Option<bool> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    match last.ident.to_string().as_str() {
        "String" | "Text" => Some(false),
        "Option" => {
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            match args.args.first()? {
                syn::GenericArgument::Type(inner) => {
                    is_text(inner).filter(|opt| !opt).map(|_| true)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Passwords, tokens and other secrets in models (a git password in a stack
/// create payload, the JWT of a login answer) would be printed by `{:?}`,
/// and so end up in logs and traces. A struct with a text field whose name
/// ends with one of `suffixes` gets a written-out `Debug` that shows `"***"`
/// for it (or `None` when unset). Returns the fields hidden.
pub fn redact_secrets(file: &mut syn::File, suffixes: &[String]) -> usize {
    let Some(items) = types_module_mut(file) else {
        return 0;
    };
    let mut impls = Vec::new();
    let mut hidden = 0;
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &s.fields else {
            continue;
        };
        let secret = |f: &syn::Field| {
            let name = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
            suffixes
                .iter()
                .any(|suffix| name.ends_with(suffix.as_str()))
                && is_text(&f.ty).is_some()
        };
        let count = fields.named.iter().filter(|f| secret(f)).count();
        if count == 0 || !super::features::strip_derive(&mut s.attrs, "Debug") {
            continue;
        }
        hidden += count;
        let ident = &s.ident;
        let label = ident.to_string();
        let shown = fields.named.iter().filter_map(|f| {
            let name = f.ident.as_ref()?;
            let key = name.to_string();
            let key = key.trim_start_matches("r#");
            Some(match is_text(&f.ty) {
                Some(true) if secret(f) => {
                    quote::quote!(.field(#key, &self.#name.as_ref().map(|_| "***")))
                }
                Some(false) if secret(f) => quote::quote!(.field(#key, &"***")),
                _ => quote::quote!(.field(#key, &self.#name)),
            })
        });
        let cfgs = s.attrs.iter().filter(|a| a.path().is_ident("cfg"));
        impls.push(parse_quote! {
            #(#cfgs)*
            impl ::std::fmt::Debug for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#label) #(#shown)* .finish()
                }
            }
        });
    }
    items.extend(impls);
    hidden
}

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

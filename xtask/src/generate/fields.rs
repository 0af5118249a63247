//! `FIELDS` on every generated struct: the JSON names of its fields.
//!
//! A caller that takes a model's fields by name (the command line's
//! `settings set KEY=VALUE`) needs the names to refuse a misspelt one and to
//! list the valid ones. The decoders skip unknown keys without a trace, and
//! serde's derive, whose field list could otherwise be read back, is gone
//! (see `deserialize.rs`), so the names are written out here.

use syn::{Fields, Item, LitStr, parse_quote};

/// Adds `impl T { pub const FIELDS: &[&str] }` after each struct with named
/// fields in `types`, the flattened `extra` map left out. Runs before the
/// feature gating, which gives each impl the cfg of its type. Returns how
/// many structs got one.
pub fn field_names(file: &mut syn::File) -> usize {
    let Some(items) = super::postprocess::types_module_mut(file) else {
        return 0;
    };
    let mut added = 0;
    let mut out = Vec::with_capacity(items.len() * 2);
    for item in std::mem::take(items) {
        let names = match &item {
            Item::Struct(s) => match &s.fields {
                Fields::Named(named) => Some((
                    s.ident.clone(),
                    s.generics.clone(),
                    named.named.iter().filter_map(json_name).collect::<Vec<_>>(),
                )),
                _ => None,
            },
            _ => None,
        };
        out.push(item);
        if let Some((ident, generics, names)) = names {
            let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
            out.push(parse_quote! {
                impl #impl_generics #ident #ty_generics #where_clause {
                    /// The JSON names of this model's fields, in declaration order.
                    pub const FIELDS: &'static [&'static str] = &[#(#names),*];
                }
            });
            added += 1;
        }
    }
    *items = out;
    added
}

/// The JSON name of a field (its `rename`, else its Rust name), or `None`
/// for the flattened map of unknown fields.
fn json_name(field: &syn::Field) -> Option<String> {
    let mut name = field
        .ident
        .as_ref()?
        .to_string()
        .trim_start_matches("r#")
        .to_owned();
    let mut flatten = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                name = meta.value()?.parse::<LitStr>()?.value();
            } else if meta.path.is_ident("flatten") {
                flatten = true;
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    (!flatten).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_wire_names_without_the_extra_map() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct Payload {
                    #[serde(rename = "SnapshotInterval", default, skip_serializing_if = "Option::is_none")]
                    pub snapshot_interval: Option<String>,
                    pub r#type: i64,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<String, ::serde_json::Value>,
                }
                pub struct Id(pub i64);
            }
        };
        assert_eq!(field_names(&mut file), 1);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains(r#"FIELDS: &'static [&'static str] = &["SnapshotInterval", "type"];"#),
            "{text}"
        );
    }
}

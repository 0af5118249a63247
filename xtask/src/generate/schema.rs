//! `schemars::JsonSchema` on every generated type, behind the `schemars` feature.
//!
//! A schema must name properties as the wire does, but most types carry their
//! serde attributes (`rename`, `flatten`, `skip_serializing_if`,
//! `transparent`) only under `cfg_attr(feature = "serde-both", ..)`, since
//! they decode through a written-out `visit_map` (see `deserialize.rs`) and a
//! helper attribute without its derive does not compile. schemars' derive
//! reads serde's attributes too, so those attributes are kept on when either
//! feature is: the names, the optional fields and the `extra` map (as
//! `additionalProperties`) then come out as serde would encode them. Types
//! whose serde attributes are always on need nothing more than the derive.

use syn::{Attribute, Fields, Item, Meta, parse_quote};

use super::features::SERDE_BOTH;

pub const SCHEMARS: &str = "schemars";

/// Adds the derive to every struct of `types` and turns on its conditional
/// serde attributes with the `schemars` feature. Returns the structs changed.
pub fn derive_json_schema(file: &mut syn::File) -> usize {
    let Some(items) = super::postprocess::types_module_mut(file) else {
        return 0;
    };
    let mut changed = 0;
    for item in items {
        let Item::Struct(s) = item else { continue };
        // Before any `serde(..)` on the struct: a derive's helper attributes
        // must come after the derive.
        let at = s
            .attrs
            .iter()
            .position(|a| a.path().is_ident("derive"))
            .map_or(0, |i| i + 1);
        s.attrs.insert(
            at,
            parse_quote!(#[cfg_attr(feature = #SCHEMARS, derive(::schemars::JsonSchema))]),
        );
        widen(&mut s.attrs);
        let fields = match &mut s.fields {
            Fields::Named(f) => &mut f.named,
            Fields::Unnamed(f) => &mut f.unnamed,
            Fields::Unit => continue,
        };
        for field in fields {
            widen(&mut field.attrs);
        }
        changed += 1;
    }
    changed
}

/// `cfg_attr(feature = "serde-both", serde(..))` becomes
/// `cfg_attr(any(feature = "serde-both", feature = "schemars"), serde(..))`.
fn widen(attrs: &mut [Attribute]) {
    for attr in attrs {
        let Meta::List(list) = &attr.meta else {
            continue;
        };
        if !list.path.is_ident("cfg_attr") {
            continue;
        }
        let Ok(args) = list
            .parse_args_with(syn::punctuated::Punctuated::<Meta, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let mut args = args.into_iter();
        let (Some(Meta::NameValue(cond)), Some(Meta::List(serde)), None) =
            (args.next(), args.next(), args.next())
        else {
            continue;
        };
        let is_serde_both = cond.path.is_ident("feature")
            && matches!(&cond.value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value() == SERDE_BOTH);
        if is_serde_both && serde.path.is_ident("serde") {
            *attr = parse_quote!(
                #[cfg_attr(any(feature = #SERDE_BOTH, feature = #SCHEMARS), #serde)]
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    #[test]
    fn derive_added_and_serde_attributes_widened() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                #[derive(Clone, Debug)]
                #[cfg_attr(feature = "serde-both", derive(::serde::Serialize))]
                #[cfg_attr(feature = "serde-both", serde(transparent))]
                pub struct Id(pub i64);
                #[derive(Clone, Debug)]
                #[cfg_attr(feature = "serde-both", derive(::serde::Serialize))]
                pub struct Stack {
                    #[cfg_attr(feature = "serde-both", serde(rename = "Id", skip_serializing_if = "Option::is_none"))]
                    pub id: Option<i64>,
                    #[cfg_attr(feature = "serde-both", serde(flatten))]
                    pub extra: ::serde_json::Map<String, ::serde_json::Value>,
                }
                #[derive(::serde::Serialize, Clone, Debug)]
                pub struct Payload {
                    #[serde(rename = "Name")]
                    pub name: String,
                }
                pub mod error {}
            }
        };
        assert_eq!(derive_json_schema(&mut file), 3);
        let text = file.to_token_stream().to_string();
        assert_eq!(
            text.matches(r#"cfg_attr (feature = "schemars" , derive (:: schemars :: JsonSchema))"#)
                .count(),
            3,
            "{text}"
        );
        // The derive comes before the struct's serde attributes, which are its helpers.
        assert!(text.contains(r#"# [derive (Clone , Debug)] # [cfg_attr (feature = "schemars" , derive (:: schemars :: JsonSchema))] # [cfg_attr (feature = "serde-both" , derive (:: serde :: Serialize))] # [cfg_attr (any (feature = "serde-both" , feature = "schemars") , serde (transparent))] pub struct Id"#), "{text}");
        assert!(text.contains(r#"cfg_attr (any (feature = "serde-both" , feature = "schemars") , serde (rename = "Id""#), "{text}");
        assert!(text.contains(r#"cfg_attr (any (feature = "serde-both" , feature = "schemars") , serde (flatten))"#), "{text}");
        // The Serialize derive stays behind serde-both, and plain serde attributes as they were.
        assert!(
            text.contains(r#"cfg_attr (feature = "serde-both" , derive (:: serde :: Serialize))"#),
            "{text}"
        );
        assert!(text.contains(r#"# [serde (rename = "Name")]"#), "{text}");
    }
}

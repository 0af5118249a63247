//! Every operation decodes its JSON responses through `json_body`
//! (`xtask/templates/json_body.rs`) instead of progenitor-client's
//! `ResponseValue::from_response`.
//!
//! `from_response` reads the body and calls `serde_json::from_slice`, which
//! checks every string it reads for UTF-8; `json_body` checks the whole body
//! once and parses it as text. And a list or map response whose body is
//! `null` or blank decodes as empty, since Go's `encoding/json` writes a nil
//! slice or map as `null` (`from_response` failed on it).

use super::postprocess::{first_generic, last_ident};
use syn::visit_mut::VisitMut;
use syn::{Expr, ReturnType, parse_quote};

/// The template appended to the generated client.
pub const TEMPLATE: &str = include_str!("../../templates/json_body.rs");

/// How a success body is decoded.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    Value,
    List,
    Map,
}

/// Rewrites every `ResponseValue::from_response(response)` in inherent
/// methods (`Client`'s, and those of any operation builders), wherever they
/// sit in the file. Returns how many calls changed.
pub fn rewrite(file: &mut syn::File) -> usize {
    let mut rewriter = Rewriter {
        success: Shape::Value,
        in_error: false,
        changed: 0,
    };
    rewriter.visit_file_mut(file);
    rewriter.changed
}

struct Rewriter {
    /// The shape of the success type of the method being rewritten.
    success: Shape,
    /// Inside `Error::ErrorResponse(..)`: the error type's body.
    in_error: bool,
    changed: usize,
}

impl VisitMut for Rewriter {
    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        // Trait impls (the client's hooks) decode no responses.
        if imp.trait_.is_none() {
            syn::visit_mut::visit_item_impl_mut(self, imp);
        }
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        self.success = success_shape(&f.sig.output);
        syn::visit_mut::visit_impl_item_fn_mut(self, f);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Call(call) = expr {
            if path_is(&call.func, &["Error", "ErrorResponse"]) {
                let outer = std::mem::replace(&mut self.in_error, true);
                syn::visit_mut::visit_expr_call_mut(self, call);
                self.in_error = outer;
                return;
            }
            if path_is(&call.func, &["ResponseValue", "from_response"]) && call.args.len() == 1 {
                let arg = &call.args[0];
                let shape = if self.in_error {
                    Shape::Value
                } else {
                    self.success
                };
                // By its path from the crate root: builders' `send` methods
                // live in a module of their own.
                let decode = match shape {
                    Shape::Value => quote::quote!(crate::json_body::decode),
                    Shape::List => quote::quote!(crate::json_body::decode_list),
                    Shape::Map => quote::quote!(crate::json_body::decode_map),
                };
                *expr = parse_quote!(crate::json_body::response(#arg, #decode));
                self.changed += 1;
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

fn path_is(expr: &Expr, segments: &[&str]) -> bool {
    let Expr::Path(p) = expr else { return false };
    p.qself.is_none()
        && p.path.segments.len() == segments.len()
        && p.path
            .segments
            .iter()
            .zip(segments)
            .all(|(s, want)| s.ident == want)
}

/// `T` of a method returning `Result<ResponseValue<T>, Error<E>>`, by shape.
fn success_shape(output: &ReturnType) -> Shape {
    let ReturnType::Type(_, ty) = output else {
        return Shape::Value;
    };
    let inner = first_generic(ty)
        .and_then(first_generic)
        .map(|t| last_ident(t).unwrap_or_default());
    match inner.as_deref() {
        Some("Vec") => Shape::List,
        Some("Map" | "HashMap" | "BTreeMap") => Shape::Map,
        _ => Shape::Value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str) -> (usize, String) {
        let mut file: syn::File = syn::parse_str(src).unwrap();
        let n = rewrite(&mut file);
        let out = prettyplease::unparse(&file);
        (n, out.chars().filter(|c| !c.is_whitespace()).collect())
    }

    #[test]
    fn success_and_error_bodies_by_shape() {
        let (n, out) = run(r#"
            impl Client {
                pub async fn stack_list(&self) -> Result<
                    ResponseValue<::std::vec::Vec<types::Stack>>,
                    Error<types::ErrorResponse>,
                > {
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        400u16 => Err(Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        )),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
                pub async fn labels(&self) -> Result<
                    ResponseValue<::serde_json::Map<::std::string::String, ::serde_json::Value>>,
                    Error<()>,
                > {
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
                pub async fn stack_inspect(&self) -> Result<ResponseValue<types::Stack>, Error<()>> {
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        204u16 => Ok(ResponseValue::empty(response)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
            impl ClientInfo for Client {
                fn f() { ResponseValue::from_response(response) }
            }
            pub mod builder {
                impl<'a> StackList<'a> {
                    pub async fn send(self) -> Result<
                        ResponseValue<::std::vec::Vec<types::Stack>>,
                        Error<types::ErrorResponse>,
                    > {
                        match response.status().as_u16() {
                            200u16 => ResponseValue::from_response(response).await,
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        "#);
        assert_eq!(n, 5, "{out}");
        let count = |decode: &str| {
            out.matches(&format!(
                "crate::json_body::response(response,crate::json_body::{decode})"
            ))
            .count()
        };
        assert_eq!(
            count("decode_list"),
            2,
            "the list, also in a builder's send: {out}"
        );
        assert_eq!(count("decode_map"), 1, "{out}");
        assert_eq!(count("decode"), 2, "an error body, a single stack: {out}");
        assert!(
            out.contains("Err(Error::ErrorResponse(crate::json_body::response(response,crate::json_body::decode).await?"),
            "{out}"
        );
        assert!(out.contains("ResponseValue::empty(response)"), "{out}");
        assert!(
            out.contains("fnf(){ResponseValue::from_response(response)}"),
            "trait impls are left alone: {out}"
        );
    }
}

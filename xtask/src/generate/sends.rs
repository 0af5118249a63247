//! Smaller operation bodies. Each `send` of a JSON operation becomes
//! `json_body::call(self.into_request(), OK, decode, ERRORS).await`:
//! `into_request` is a plain method with the statements that build the
//! request, and `json_body::call` (`xtask/templates/json_body.rs`) sends it
//! through `Client::run` (`xtask/templates/hooks.rs`: the `api-version`
//! header, the `pre`, `exec` and `post` hooks) and hands the response to
//! `json_body::answer`, which decodes the success or the error body by
//! status. Both are generic over the answer type, so they are compiled once
//! per type rather than once per operation. An operation whose answer takes
//! another shape (a byte stream) keeps its own `send`, calling `run`, with
//! its statuses handled alike in one match arm.
//!
//! Each `.await` is a state of the operation's future, and each match arm
//! its own copy of the decoding: the operations' `send` bodies were the
//! largest part of the default features' build (PERFORMANCE.md has the
//! figures).

use quote::{ToTokens, format_ident};
use syn::visit_mut::VisitMut;
use syn::{Expr, Stmt, parse_quote};

/// Rewrites the operation bodies in `file`. Returns how many changed.
pub fn compact(file: &mut syn::File) -> usize {
    let mut v = Compact { changed: 0 };
    v.visit_file_mut(file);
    v.changed
}

struct Compact {
    changed: usize,
}

impl VisitMut for Compact {
    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        // The hooks' own trait impl is what `run` calls.
        if imp.trait_.is_none() {
            syn::visit_mut::visit_item_impl_mut(self, imp);
            split_send(imp);
        }
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        let hooks = one_run(&mut f.block.stmts);
        let header = api_version_in_run(&mut f.block);
        let arms = merge_arms(&mut f.block);
        let answer = shared_answer(&mut f.block);
        if hooks || header || arms || answer {
            self.changed += 1;
        }
    }
}

/// `X.pre(&mut request, &info).await?; let result = X.exec(request,
/// &info).await; X.post(&result, &info).await?; let response = result?;`
/// becomes `let response = X.run(request, &info).await?;`.
fn one_run(stmts: &mut Vec<Stmt>) -> bool {
    let text: Vec<String> = stmts.iter().map(flat).collect();
    for i in 0..text.len().saturating_sub(3) {
        let Some(receiver) = text[i].strip_suffix(".pre(&mutrequest,&info).await?;") else {
            continue;
        };
        let expected = [
            format!("letresult={receiver}.exec(request,&info).await;"),
            format!("{receiver}.post(&result,&info).await?;"),
            "letresponse=result?;".to_owned(),
        ];
        if text[i + 1..i + 4] != expected {
            continue;
        }
        let Ok(receiver) = syn::parse_str::<Expr>(receiver) else {
            continue;
        };
        stmts.splice(
            i..i + 4,
            [parse_quote!(let response = #receiver.run(request, &info).await?;)],
        );
        return true;
    }
    false
}

/// The `api-version` header, which `Client::run` sets on every request:
/// its `header_map.append(..)` goes, and when the map held nothing else, the
/// map and the `.headers(header_map)` that sent it.
fn api_version_in_run(block: &mut syn::Block) -> bool {
    const APPEND: &str = "header_map.append(::reqwest::header::HeaderName::from_static(\"api-version\"),::reqwest::header::HeaderValue::from_static(Client::api_version()),);";
    const ONLY: &str = "letmutheader_map=::reqwest::header::HeaderMap::with_capacity(1usize);";
    let Some(at) = block.stmts.iter().position(|s| flat(s) == APPEND) else {
        return false;
    };
    block.stmts.remove(at);
    if at > 0 && flat(&block.stmts[at - 1]) == ONLY {
        block.stmts.remove(at - 1);
        struct Unsent;
        impl VisitMut for Unsent {
            fn visit_expr_mut(&mut self, expr: &mut Expr) {
                syn::visit_mut::visit_expr_mut(self, expr);
                if let Expr::MethodCall(m) = expr
                    && m.method == "headers"
                    && m.args.len() == 1
                    && flat(&m.args[0]) == "header_map"
                {
                    *expr = (*m.receiver).clone();
                }
            }
        }
        Unsent.visit_block_mut(block);
    }
    true
}

/// In every `match` of the body, arms of literal patterns (status codes)
/// with the same guard-free body become one arm with their patterns joined,
/// where the first of them was. Patterns that bind names are left alone: a
/// name may have another type in each.
fn merge_arms(block: &mut syn::Block) -> bool {
    struct Arms {
        merged: bool,
    }
    impl VisitMut for Arms {
        fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
            syn::visit_mut::visit_expr_match_mut(self, m);
            let mut out: Vec<(String, syn::Arm)> = Vec::with_capacity(m.arms.len());
            for arm in std::mem::take(&mut m.arms) {
                let key = flat(unblock(&arm.body));
                let same = out.iter_mut().find(|(k, a)| {
                    *k == key
                        && a.guard.is_none()
                        && arm.guard.is_none()
                        && literals(&a.pat).is_some()
                });
                match same {
                    Some((_, first)) if literals(&arm.pat).is_some() => {
                        let (a, b) = (&first.pat, &arm.pat);
                        first.pat = parse_quote!(#a | #b);
                        self.merged = true;
                    }
                    _ => out.push((key, arm)),
                }
            }
            m.arms = out.into_iter().map(|(_, a)| a).collect();
        }
    }
    let mut v = Arms { merged: false };
    v.visit_block_mut(block);
    v.merged
}

/// `match response.status().as_u16() { ok => json_body::response(response,
/// D).await, errors => Err(Error::ErrorResponse(..)), _ =>
/// Err(Error::UnexpectedResponse(response)) }` becomes
/// `json_body::answer(response, &[ok], D, &[errors]).await`; a success of
/// `Ok(ResponseValue::empty(response))` decodes with `json_body::no_body`.
fn shared_answer(block: &mut syn::Block) -> bool {
    struct Answer {
        changed: bool,
    }
    impl VisitMut for Answer {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let Expr::Match(m) = expr else { return };
            if let Some(call) = answer_call(m) {
                *expr = call;
                self.changed = true;
            }
        }
    }
    let mut v = Answer { changed: false };
    v.visit_block_mut(block);
    v.changed
}

fn answer_call(m: &syn::ExprMatch) -> Option<Expr> {
    const ERROR: &str = "Err(Error::ErrorResponse(crate::json_body::response(response,crate::json_body::decode).await?))";
    const EMPTY: &str = "Ok(ResponseValue::empty(response))";
    const UNEXPECTED: &str = "Err(Error::UnexpectedResponse(response))";
    if flat(&m.expr) != "response.status().as_u16()" {
        return None;
    }
    let mut ok: Option<(Vec<Expr>, Expr)> = None;
    let mut errors: Vec<Expr> = Vec::new();
    let mut unexpected = false;
    for arm in &m.arms {
        if arm.guard.is_some() {
            return None;
        }
        let expr = unblock(&arm.body);
        let body = flat(expr);
        if is_wild(&arm.pat) {
            unexpected = body == UNEXPECTED;
            if !unexpected {
                return None;
            }
            continue;
        }
        let statuses = literals(&arm.pat)?;
        if body == ERROR && errors.is_empty() {
            errors = statuses;
        } else if ok.is_none() && body == EMPTY {
            ok = Some((statuses, parse_quote!(crate::json_body::no_body)));
        } else if ok.is_none() {
            ok = Some((statuses, json_decoder(expr)?));
        } else {
            return None;
        }
    }
    let (ok, decode) = ok?;
    if !unexpected {
        return None;
    }
    Some(parse_quote!(
        crate::json_body::answer(response, &[#(#ok),*], #decode, &[#(#errors),*]).await
    ))
}

/// The method a builder's `send` builds its request with.
const PREPARE: &str = "into_request";

/// `pub async fn send(self) -> R { ..; let response = client.run(request,
/// &info).await?; crate::json_body::answer(response, OK, D, ERRORS).await }`
/// becomes a method `into_request(self)` with the statements before the
/// call, which builds the request (its early returns and `?` unchanged), and
/// `send` awaits `crate::json_body::call(self.into_request(), OK, D,
/// ERRORS)`: the future of each operation then holds one generic future,
/// shared by the operations of one answer type.
fn split_send(imp: &mut syn::ItemImpl) {
    let taken = imp
        .items
        .iter()
        .any(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == PREPARE));
    if taken || imp.generics.lifetimes().count() != 1 {
        return;
    }
    let lifetime = imp.generics.lifetimes().next().map(|l| l.lifetime.clone());
    let mut added = None;
    for item in &mut imp.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        if let Some(prepare) = lifetime.as_ref().and_then(|l| split_one(f, l)) {
            added = Some(prepare);
            break;
        }
    }
    if let Some(prepare) = added {
        imp.items.push(prepare);
    }
}

fn split_one(f: &mut syn::ImplItemFn, lifetime: &syn::Lifetime) -> Option<syn::ImplItem> {
    if f.sig.ident != "send" || f.sig.asyncness.is_none() {
        return None;
    }
    let syn::ReturnType::Type(_, output) = &f.sig.output else {
        return None;
    };
    let error = error_type(output)?;
    let n = f.block.stmts.len();
    if n < 2 || flat(&f.block.stmts[n - 2]) != "letresponse=client.run(request,&info).await?;" {
        return None;
    }
    let Stmt::Expr(Expr::Await(tail), None) = &f.block.stmts[n - 1] else {
        return None;
    };
    let Expr::Call(answer) = &*tail.base else {
        return None;
    };
    if flat(&answer.func) != "crate::json_body::answer" {
        return None;
    }
    let mut args = answer.args.iter();
    if args.next().map(flat).as_deref() != Some("response") {
        return None;
    }
    let rest: Vec<Expr> = args.cloned().collect();
    let build = &f.block.stmts[..n - 2];
    if build.iter().any(|s| flat(s).contains(".await")) {
        return None;
    }
    let prepare = format_ident!("{PREPARE}");
    let item: syn::ImplItem = parse_quote! {
        /// The request `send` sends, built from the parameters set.
        fn #prepare(self) -> crate::json_body::Prepared<#lifetime, #error> {
            #(#build)*
            Ok((client, request, info))
        }
    };
    f.block = parse_quote!({
        crate::json_body::call(self.#prepare(), #(#rest),*).await
    });
    Some(item)
}

/// `E` of `Result<_, Error<E>>`.
fn error_type(output: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = output else {
        return None;
    };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let Some(syn::GenericArgument::Type(syn::Type::Path(err))) = args.args.iter().nth(1) else {
        return None;
    };
    let seg = err.path.segments.last()?;
    if seg.ident != "Error" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(inner) = &seg.arguments else {
        return None;
    };
    match inner.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// The expression of a block that is nothing else (`{ e }`), or `body`.
fn unblock(body: &Expr) -> &Expr {
    match body {
        Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => match b.block.stmts.as_slice()
        {
            [Stmt::Expr(e, None)] => unblock(e),
            _ => body,
        },
        _ => body,
    }
}

/// `D` of `crate::json_body::response(response, D).await`.
fn json_decoder(body: &Expr) -> Option<Expr> {
    let Expr::Await(aw) = body else { return None };
    let Expr::Call(call) = &*aw.base else {
        return None;
    };
    let [arg, decode] = [call.args.first()?, call.args.last()?];
    if flat(&call.func) != "crate::json_body::response"
        || call.args.len() != 2
        || flat(arg) != "response"
    {
        return None;
    }
    Some(decode.clone())
}

/// Tokens without the spaces between them: what the code says, whichever
/// way its tokens were put together.
fn flat(tokens: &impl ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .split_whitespace()
        .collect()
}

/// The literals of a literal pattern or an or-pattern of them.
fn literals(pat: &syn::Pat) -> Option<Vec<Expr>> {
    match pat {
        syn::Pat::Lit(l) => Some(vec![Expr::Lit(l.clone())]),
        syn::Pat::Or(or) => {
            let mut out = Vec::new();
            for case in &or.cases {
                out.extend(literals(case)?);
            }
            Some(out)
        }
        _ => None,
    }
}

fn is_wild(pat: &syn::Pat) -> bool {
    matches!(pat, syn::Pat::Wild(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compacted(src: &str) -> (String, usize) {
        let mut file: syn::File = syn::parse_str(src).unwrap();
        let n = compact(&mut file);
        (prettyplease::unparse(&file), n)
    }

    #[test]
    fn hooks_become_one_call_and_error_arms_one_arm() {
        let (out, n) = compacted(
            r#"
            impl<'a> StackUpdate<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Stack>, Error<types::ErrorResponse>> {
                    let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                    header_map.append(
                        ::reqwest::header::HeaderName::from_static("api-version"),
                        ::reqwest::header::HeaderValue::from_static(Client::api_version()),
                    );
                    let request = client.client.put(url).json(&body).headers(header_map).build()?;
                    let info = OperationInfo { operation_id: "stack_update" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    client.post(&result, &info).await?;
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => crate::json_body::response(response, crate::json_body::decode).await,
                        400u16 => Err(Error::ErrorResponse(crate::json_body::response(response, crate::json_body::decode).await?)),
                        204u16 => Ok(ResponseValue::empty(response)),
                        403u16 => Err(Error::ErrorResponse(crate::json_body::response(response, crate::json_body::decode).await?)),
                        x if x > 500 => Err(Error::ErrorResponse(crate::json_body::response(response, crate::json_body::decode).await?)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
            "#,
        );
        assert_eq!(n, 1);
        assert!(
            out.contains("let response = client.run(request, &info).await?;"),
            "{out}"
        );
        assert!(!out.contains(".pre("), "{out}");
        assert!(!out.contains("header_map"), "{out}");
        assert!(
            out.contains("let request = client.client.put(url).json(&body).build()?;"),
            "{out}"
        );
        assert!(out.contains("400u16 | 403u16 => "), "{out}");
        assert!(out.contains("x if x > 500 => "), "{out}");
        assert_eq!(out.matches("Error::ErrorResponse").count(), 2, "{out}");
        // The order of the first of each kept: 200, 400|403, 204, the guard, _.
        let at = |s: &str| out.find(s).unwrap();
        assert!(at("200u16") < at("400u16") && at("400u16") < at("204u16"));
        assert!(at("204u16") < at("x if") && at("x if") < at("_ =>"));
    }

    #[test]
    fn json_and_empty_answers_go_through_the_shared_helpers() {
        let (out, n) = compacted(
            r#"
            impl<'a> StackList<'a> {
                pub async fn send(self) -> Result<ResponseValue<Vec<types::Stack>>, Error<types::ErrorResponse>> {
                    let response = 1;
                    let response = client.run(request, &info).await?;
                    match response.status().as_u16() {
                        200u16 => { crate::json_body::response(response, crate::json_body::decode_list).await }
                        400u16 => { Err(Error::ErrorResponse(crate::json_body::response(response, crate::json_body::decode).await?)) }
                        500u16 => Err(Error::ErrorResponse(crate::json_body::response(response, crate::json_body::decode).await?)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
            impl<'a> StackDelete<'a> {
                pub async fn send(self) -> Result<ResponseValue<()>, Error<types::ErrorResponse>> {
                    let response = client.run(request, &info).await?;
                    match response.status().as_u16() {
                        204u16 => Ok(ResponseValue::empty(response)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
            "#,
        );
        assert_eq!(n, 2);
        let flat: String = out.split_whitespace().collect();
        assert!(
            flat.contains("crate::json_body::call(self.into_request(),&[200u16],crate::json_body::decode_list,&[400u16,500u16],).await"),
            "{out}"
        );
        assert!(
            flat.contains("crate::json_body::call(self.into_request(),&[204u16],crate::json_body::no_body,&[],).await"),
            "{out}"
        );
        assert!(
            flat.contains("fninto_request(self)->crate::json_body::Prepared<'a,types::ErrorResponse>{letresponse=1;Ok((client,request,info))}"),
            "the statements before the call move to into_request: {out}"
        );
        assert!(!out.contains("match response"), "{out}");
    }

    #[test]
    fn other_bodies_are_left_alone() {
        let src = r#"
            impl Client {
                pub fn new() -> Self {
                    let x = a.pre(&mut request, &info).await?;
                    match v { 1 => a(), 2 => b(), _ => a() }
                    match k { K::A(s) => s, K::B(s) => s }
                }
            }
        "#;
        let (out, n) = compacted(src);
        assert_eq!(n, 0);
        assert!(
            out.contains("1 => a(),") && out.contains("_ => a(),"),
            "{out}"
        );
        assert!(
            out.contains("K::A(s) => s,") && out.contains("K::B(s) => s,"),
            "{out}"
        );
    }
}

//! Every operation callable by name: progenitor's positional methods (and the
//! multipart ones) become builders. `client.endpoint_list()` returns a
//! `builder::EndpointList` with one setter per parameter and an async `send`.
//!
//! progenitor's own builder interface would do this too, but its generic
//! `TryInto` setters and per-field `Result`s more than doubled the crate's
//! build time and memory (see PERFORMANCE.md); these builders hold plain
//! `Option`s, and `send` is the positional method's own body (a positional
//! method kept beside it and called from `send` cost more). Setters and
//! constructors are `#[inline]`, so only the ones a program uses are compiled
//! to machine code, in that program.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use heck::ToUpperCamelCase;
use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::{FnArg, ImplItem, Item, Pat, Type};

use super::operations::Row;

/// The module the builders live in, beside `types` and `multipart`.
const MODULE: &str = "builder";

/// The client field of every builder, and the local `send` binds it to.
const CLIENT: &str = "client";

/// Names the builder module imports from its parent; no builder may take one.
const IMPORTED: [&str; 11] = [
    "ByteStream",
    "Client",
    "ClientHooks",
    "ClientInfo",
    "Error",
    "OperationInfo",
    "RequestBuilderExt",
    "ResponseValue",
    "encode_path",
    "multipart",
    "types",
];

/// One parameter of a positional method.
struct Param {
    ident: Ident,
    /// The builder's field: the positional type if it was an `Option`, else wrapped in one.
    field: Type,
    /// What the setter takes: the positional type without its `Option`.
    setter: Type,
    required: bool,
    description: Option<String>,
}

/// One operation's positional method, taken apart.
struct Op<'r> {
    row: &'r Row,
    builder: Ident,
    params: Vec<Param>,
    output: syn::ReturnType,
    body: TokenStream,
    /// The method's `#[cfg]`s (its feature), repeated on the builder.
    cfgs: Vec<syn::Attribute>,
    /// The method's doc without its `Arguments:` list (the setters carry it).
    doc: String,
}

/// Replaces every positional method of an operation in `rows` by a method
/// returning its builder, and adds the `builder` module. Returns the builders made.
pub fn builders(file: &mut syn::File, rows: &[Row]) -> Result<usize> {
    let by_name: BTreeMap<&str, &Row> = rows.iter().map(|r| (r.name.as_str(), r)).collect();
    let mut ops = Vec::new();
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !is_client(&imp.self_ty) {
            continue;
        }
        for it in &mut imp.items {
            let ImplItem::Fn(f) = it else { continue };
            let name = f.sig.ident.to_string();
            let Some(row) = by_name.get(name.as_str()) else {
                continue;
            };
            if f.sig.asyncness.is_none() {
                continue;
            }
            let op = take_apart(f, row).with_context(|| format!("operation {}", row.id))?;
            *f = constructor(&op, &f.attrs);
            ops.push(op);
        }
    }
    if ops.len() != rows.len() {
        let made: BTreeSet<&str> = ops.iter().map(|o| o.row.name.as_str()).collect();
        let missing: Vec<&str> = rows
            .iter()
            .map(|r| r.name.as_str())
            .filter(|n| !made.contains(n))
            .collect();
        bail!(
            "no positional method to make a builder from for {}",
            missing.join(", ")
        );
    }
    let mut seen = BTreeSet::new();
    for op in &ops {
        let b = op.builder.to_string();
        if IMPORTED.contains(&b.as_str()) || !seen.insert(b.clone()) {
            bail!(
                "operation {} would make a builder named {b}, which is taken",
                op.row.id
            );
        }
    }
    if ops.is_empty() {
        return Ok(0);
    }
    let has_multipart = file
        .items
        .iter()
        .any(|i| matches!(i, Item::Mod(m) if m.ident == "multipart"));
    file.items.push(module(&ops, has_multipart)?);
    Ok(ops.len())
}

fn is_client(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.is_ident("Client"))
}

/// `Option<T>` (any path ending in `Option`) -> `T`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    let mut out = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            out.push(s.value());
        }
    }
    out.join("\n")
}

/// Splits progenitor's method doc into the text before `Arguments:` and each
/// listed argument's description (`- `name`: text`, possibly over several lines).
fn split_doc(doc: &str, names: &[String]) -> (String, BTreeMap<String, String>) {
    let Some(at) = doc.find("Arguments:\n") else {
        return (doc.trim_end().to_owned(), BTreeMap::new());
    };
    let head = doc[..at].trim_end().to_owned();
    let mut rest = &doc[at + "Arguments:\n".len()..];
    let mut found = BTreeMap::new();
    // Entries come in argument order; each runs up to the next one's marker.
    for (i, name) in names.iter().enumerate() {
        let marker = format!("- `{name}`");
        let Some(start) = rest.find(&marker) else {
            continue;
        };
        let after = &rest[start + marker.len()..];
        let end = names[i + 1..]
            .iter()
            .filter_map(|next| after.find(&format!("\n- `{next}`")))
            .min()
            .unwrap_or(after.len());
        let text = after[..end].trim_start_matches(':').trim();
        if !text.is_empty() {
            found.insert(name.clone(), text.to_owned());
        }
        rest = &after[end..];
    }
    (head, found)
}

fn take_apart<'r>(f: &syn::ImplItemFn, row: &'r Row) -> Result<Op<'r>> {
    if f.sig.generics.type_params().next().is_some()
        || f.sig.generics.const_params().next().is_some()
    {
        bail!("a method with type parameters cannot become a builder");
    }
    let mut args = Vec::new();
    for input in &f.sig.inputs {
        let FnArg::Typed(t) = input else { continue };
        let Pat::Ident(p) = &*t.pat else {
            bail!("an argument that is not a plain name");
        };
        args.push((p.ident.clone(), (*t.ty).clone()));
    }
    let names: Vec<String> = args.iter().map(|(i, _)| i.to_string()).collect();
    for n in &names {
        if n == CLIENT || n == "send" {
            bail!("a parameter named {n} clashes with the builder's own {n}");
        }
    }
    let (doc, mut descriptions) = split_doc(&doc_text(&f.attrs), &names);
    let params = args
        .into_iter()
        .map(|(ident, ty)| {
            let description = descriptions.remove(&ident.to_string());
            match option_inner(&ty) {
                Some(inner) => Param {
                    ident,
                    setter: inner.clone(),
                    field: ty.clone(),
                    required: false,
                    description,
                },
                None => Param {
                    ident,
                    field: syn::parse_quote!(::std::option::Option<#ty>),
                    setter: ty,
                    required: true,
                    description,
                },
            }
        })
        .collect();
    let stmts = &f.block.stmts;
    let body = replace_self(quote!(#(#stmts)*));
    Ok(Op {
        row,
        builder: format_ident!("{}", row.name.trim_end_matches('_').to_upper_camel_case()),
        params,
        output: f.sig.output.clone(),
        body,
        cfgs: f
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("cfg"))
            .cloned()
            .collect(),
        doc,
    })
}

/// The positional body runs in `send`, where the client is a local, not `self`
/// (also inside macros such as `format!`, which syn does not parse).
fn replace_self(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Ident(i) if i == "self" => TokenTree::Ident(Ident::new(CLIENT, i.span())),
            TokenTree::Ident(i) if i == "Self" => TokenTree::Ident(Ident::new("Client", i.span())),
            TokenTree::Group(g) => {
                let mut out = proc_macro2::Group::new(g.delimiter(), replace_self(g.stream()));
                out.set_span(g.span());
                TokenTree::Group(out)
            }
            other => other,
        })
        .collect()
}

fn name_of(ident: &Ident) -> String {
    ident.to_string().trim_start_matches("r#").to_owned()
}

/// `Client::endpoint_list(&self) -> builder::EndpointList<'_>`, in place of the positional method.
fn constructor(op: &Op, attrs: &[syn::Attribute]) -> syn::ImplItemFn {
    let builder = &op.builder;
    let method = format_ident!("{}", op.row.name);
    let fields = op.params.iter().map(|p| &p.ident);
    let client = Ident::new(CLIENT, Span::call_site());
    let doc = format!(
        "{}\n\nSet the parameters on the returned [`{MODULE}::{builder}`], then `send()` it.",
        op.doc
    );
    let kept = attrs.iter().filter(|a| !a.path().is_ident("doc"));
    let module = format_ident!("{MODULE}");
    syn::parse_quote! {
        #[doc = #doc]
        #(#kept)*
        #[inline]
        pub fn #method(&self) -> #module::#builder<'_> {
            #module::#builder {
                #client: self,
                #(#fields: ::std::option::Option::None,)*
            }
        }
    }
}

fn builder_tokens(op: &Op) -> TokenStream {
    let builder = &op.builder;
    let cfgs = &op.cfgs;
    let method = &op.row.name;
    let client = Ident::new(CLIENT, Span::call_site());
    let request = format!("`{} {}`", op.row.method.to_uppercase(), op.row.path);
    let struct_doc = format!(
        "{request} (operation `{}`), built by [`Client::{method}`]: set the parameters, then [`send`](Self::send) it.",
        op.row.id
    );
    let idents: Vec<&Ident> = op.params.iter().map(|p| &p.ident).collect();
    let fields = op.params.iter().map(|p| {
        let (ident, ty) = (&p.ident, &p.field);
        quote!(pub(super) #ident: #ty,)
    });
    let setters = op.params.iter().map(|p| {
        let (ident, ty) = (&p.ident, &p.setter);
        let mut doc = match &p.description {
            Some(d) => d.clone(),
            None if name_of(ident) == "body" => "The request body.".to_owned(),
            None => format!("Sets `{}`.", name_of(ident)),
        };
        if p.required {
            doc.push_str("\n\nRequired.");
        }
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn #ident(mut self, value: #ty) -> Self {
                self.#ident = ::std::option::Option::Some(value);
                self
            }
        }
    });
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let checks = required.iter().map(|p| {
        let ident = &p.ident;
        let message = format!(
            "{method}: required parameter `{0}` is not set (call `.{0}(..)` before `.send()`)",
            name_of(ident)
        );
        quote! {
            let ::std::option::Option::Some(#ident) = #ident else {
                return Err(Error::InvalidRequest(::std::string::String::from(#message)));
            };
        }
    });
    let mut send_doc =
        format!("Sends {request} through the client's hooks and decodes the response.");
    if !required.is_empty() {
        let names: Vec<String> = required
            .iter()
            .map(|p| format!("`{}`", name_of(&p.ident)))
            .collect();
        send_doc.push_str(&format!(
            "\n\nFails with `Error::InvalidRequest`, before any request is made, when a required parameter ({}) is not set.",
            names.join(", ")
        ));
    }
    let output = &op.output;
    let body = &op.body;
    quote! {
        #[doc = #struct_doc]
        #(#cfgs)*
        #[derive(Debug, Clone)]
        #[must_use = "nothing is sent until `send()` is awaited"]
        pub struct #builder<'a> {
            pub(super) #client: &'a Client,
            #(#fields)*
        }

        #(#cfgs)*
        impl<'a> #builder<'a> {
            #(#setters)*

            #[doc = #send_doc]
            pub async fn send(self) #output {
                let Self { #client, #(#idents),* } = self;
                #(#checks)*
                #body
            }
        }
    }
}

fn module(ops: &[Op], has_multipart: bool) -> Result<Item> {
    let builders = ops.iter().map(builder_tokens);
    let module = format_ident!("{MODULE}");
    let multipart = has_multipart.then(|| {
        quote!(
            #[allow(unused_imports)]
            use super::multipart;
        )
    });
    let mut doc = String::from(
        "One builder per operation. [`Client`]'s method of the operation's name returns it; \
         each parameter has a setter of its name (taking the value itself, not an `Option`), \
         and `send` sends the request through the client's hooks.",
    );
    if let Some(example) = example(ops) {
        doc.push_str("\n\n");
        doc.push_str(&example);
    }
    let tokens = quote! {
        #[doc = #doc]
        pub mod #module {
            #[allow(unused_imports)]
            use super::{
                types, encode_path, ByteStream, Client, ClientHooks, ClientInfo, Error,
                OperationInfo, RequestBuilderExt, ResponseValue,
            };
            #multipart

            #(#builders)*
        }
    };
    syn::parse2(tokens).context("the builders are not valid Rust")
}

/// The module's example: listing stacks with a filter, where the spec has that operation.
fn example(ops: &[Op]) -> Option<String> {
    let op = ops.iter().find(|o| o.row.name == "stack_list")?;
    let filters = if op
        .params
        .iter()
        .any(|p| p.ident == "filters" && !p.required)
    {
        ".filters(r#\"{\"EndpointID\":1}\"#)"
    } else {
        ""
    };
    Some(format!(
        "```no_run\n\
         # async fn example(client: &portainer_sdk_gen::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
         let stacks = client.stack_list(){filters}.send().await?.into_inner();\n\
         # Ok(()) }}\n\
         ```"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn row(name: &str) -> Row {
        Row {
            id: name.to_upper_camel_case(),
            name: name.to_owned(),
            method: "PUT".to_owned(),
            path: "/stacks/{id}".to_owned(),
            tag: "stacks".to_owned(),
            multipart: false,
        }
    }

    #[test]
    fn arguments_split_by_name() {
        let doc = "Update\n\nSends a `PUT` request to `/stacks/{id}`\n\nArguments:\n- `id`: Stack identifier\n- `endpoint_id`\n- `body`: Stack\ndetails\n";
        let names = ["id", "endpoint_id", "body"].map(String::from);
        let (head, found) = split_doc(doc, &names);
        assert_eq!(head, "Update\n\nSends a `PUT` request to `/stacks/{id}`");
        assert_eq!(found["id"], "Stack identifier");
        assert!(!found.contains_key("endpoint_id"));
        assert_eq!(found["body"], "Stack\ndetails");
    }

    #[test]
    fn positional_method_becomes_builder() {
        let mut file: syn::File = parse_quote! {
            impl Client {
                #[doc = "Update a stack\n\nArguments:\n- `id`: Stack identifier\n- `env`: Environment"]
                #[cfg(any(feature = "stacks"))]
                pub async fn stack_update<'a>(
                    &'a self,
                    id: i64,
                    env: Option<&'a str>,
                    body: &'a types::Payload,
                ) -> Result<ResponseValue<()>, Error<()>> {
                    let url = format!("{}/stacks/{}", self.baseurl, id);
                    let v = Self::api_version();
                    self.exec(url, env, body).await
                }
                pub fn new() -> Self { todo!() }
            }
        };
        assert_eq!(builders(&mut file, &[row("stack_update")]).unwrap(), 1);
        let text = prettyplease::unparse(&file);
        for expected in [
            "pub fn stack_update(&self) -> builder::StackUpdate<'_>",
            "pub struct StackUpdate<'a>",
            "pub(super) env: Option<&'a str>,",
            "pub(super) id: ::std::option::Option<i64>,",
            "pub fn env(mut self, value: &'a str) -> Self",
            "pub fn body(mut self, value: &'a types::Payload) -> Self",
            "let Self { client, id, env, body } = self;",
            "stack_update: required parameter `id` is not set",
            "format!(\"{}/stacks/{}\", client.baseurl, id)",
            "let v = Client::api_version();",
            "client.exec(url, env, body).await",
            "Stack identifier\n\nRequired.",
            "///Environment\n",
            "pub fn new() -> Self",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        // The feature gate follows the operation onto its builder.
        let gates = text.matches("#[cfg(any(feature = \"stacks\"))]").count();
        assert_eq!(gates, 3, "method, struct and impl gated:\n{text}");
        assert!(!text.contains("async fn stack_update"), "{text}");
        assert!(!text.contains("Arguments:"), "{text}");
    }

    #[test]
    fn an_operation_without_a_method_is_an_error() {
        let mut file: syn::File = parse_quote! {
            impl Client {
                pub async fn stack_list(&self) -> Result<(), Error<()>> { Ok(()) }
            }
        };
        let err = builders(&mut file, &[row("stack_list"), row("stack_inspect")]).unwrap_err();
        assert!(format!("{err:#}").ends_with("for stack_inspect"), "{err:#}");
    }

    #[test]
    fn taken_names_are_refused() {
        let mut file: syn::File = parse_quote! {
            impl Client {
                pub async fn error(&self) -> Result<(), Error<()>> { Ok(()) }
            }
        };
        let err = builders(&mut file, &[row("error")]).unwrap_err();
        assert!(
            format!("{err:#}").contains("Error, which is taken"),
            "{err:#}"
        );
    }
}

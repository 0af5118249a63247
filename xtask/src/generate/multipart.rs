//! Typed methods for `multipart/form-data` operations, which progenitor cannot
//! generate. They are produced from each operation's form schema so that they
//! follow new releases, and they go through the same hooks as generated methods.

use std::collections::BTreeSet;

use anyhow::{Context, Result, bail};
use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::operations::{self, METHODS};

pub struct MultipartOp {
    id: String,
    method: String,
    path: String,
    summary: String,
    params: Vec<Param>,
    fields: Vec<Field>,
    responses: Vec<(u16, Option<Value>)>,
}

struct Param {
    name: String,
    location: String,
    required: bool,
    schema: Value,
    description: String,
}

struct Field {
    name: String,
    required: bool,
    kind: FieldKind,
    description: String,
}

enum FieldKind {
    File,
    Text(&'static str),
    Repeated(&'static str),
}

/// Takes multipart-only operations out of `doc` (progenitor would reject them)
/// and, where an operation also accepts JSON, drops its multipart alternative.
pub fn extract(doc: &mut Value) -> Result<Vec<MultipartOp>> {
    let mut found = Vec::new();
    let mut doomed = Vec::new();
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    for (path, method, op) in operations::each(doc) {
        if operations::is_multipart_only(op) {
            found.push(
                read_op(path, method, op, &components)
                    .with_context(|| format!("{} {path} (multipart)", method.to_uppercase()))?,
            );
            doomed.push((path.to_owned(), method));
        }
    }
    let paths = doc.get_mut("paths").and_then(Value::as_object_mut);
    if let Some(paths) = paths {
        for (path, method) in doomed {
            if let Some(item) = paths.get_mut(&path).and_then(Value::as_object_mut) {
                item.remove(method);
                if !METHODS.iter().any(|m| item.contains_key(*m)) {
                    paths.remove(&path);
                }
            }
        }
        for item in paths.values_mut() {
            for m in METHODS {
                if let Some(content) = item
                    .pointer_mut(&format!("/{m}/requestBody/content"))
                    .and_then(Value::as_object_mut)
                {
                    content.remove("multipart/form-data");
                }
            }
        }
    }
    Ok(found)
}

fn resolve<'a>(value: &'a Value, components: &'a Value) -> &'a Value {
    let mut v = value;
    for _ in 0..16 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix("#/components/").and_then(|rest| {
                let (kind, name) = rest.split_once('/')?;
                components.get(kind)?.get(name)
            }) {
                Some(target) => v = target,
                None => return v,
            },
            None => return v,
        }
    }
    v
}

fn read_op(path: &str, method: &str, op: &Value, components: &Value) -> Result<MultipartOp> {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .context("no operationId")?
        .to_owned();
    let mut params = Vec::new();
    for p in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let p = resolve(p, components);
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .context("parameter without name")?;
        let location = p
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or("query")
            .to_owned();
        if location == "cookie" {
            bail!("cookie parameter {name} is not supported");
        }
        params.push(Param {
            name: name.to_owned(),
            required: location == "path" || p.get("required") == Some(&Value::Bool(true)),
            location,
            schema: p.get("schema").cloned().unwrap_or(Value::Null),
            description: p
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        });
    }
    let schema = op
        .pointer("/requestBody/content/multipart~1form-data/schema")
        .map(|s| resolve(s, components))
        .context("no multipart schema")?;
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut fields = Vec::new();
    for (name, prop) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let prop = resolve(prop, components);
        let kind = field_kind(prop).with_context(|| format!("form field {name}"))?;
        fields.push(Field {
            name: name.clone(),
            required: required.contains(name.as_str()),
            kind,
            description: prop
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        });
    }
    let mut responses = Vec::new();
    for (code, resp) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Ok(code) = code.parse::<u16>() else {
            continue;
        };
        let resp = resolve(resp, components);
        let schema = resp
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| {
                c.iter()
                    .find(|(k, _)| k.contains("json"))
                    .or_else(|| c.iter().next())
            })
            .and_then(|(_, media)| media.get("schema").cloned());
        responses.push((code, schema));
    }
    Ok(MultipartOp {
        id,
        method: method.to_owned(),
        path: path.to_owned(),
        summary: op
            .get("summary")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        params,
        fields,
        responses,
    })
}

fn scalar(schema: &Value) -> Option<&'static str> {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => Some("i64"),
        Some("number") => Some("f64"),
        Some("boolean") => Some("bool"),
        Some("string") | None => Some("String"),
        _ => None,
    }
}

fn field_kind(prop: &Value) -> Result<FieldKind> {
    if prop.get("format").and_then(Value::as_str) == Some("binary") {
        return Ok(FieldKind::File);
    }
    if prop.get("type").and_then(Value::as_str) == Some("array") {
        let items = prop.get("items").unwrap_or(&Value::Null);
        return match scalar(items) {
            Some(t) => Ok(FieldKind::Repeated(t)),
            None => bail!("arrays of {items} cannot be sent as form fields"),
        };
    }
    match scalar(prop) {
        Some(t) => Ok(FieldKind::Text(t)),
        None => bail!("{prop} cannot be sent as a form field"),
    }
}

fn rust_ident(name: &str) -> proc_macro2::Ident {
    let snake = name.to_snake_case();
    if syn::parse_str::<syn::Ident>(&snake).is_ok() {
        format_ident!("{}", snake)
    } else {
        format_ident!("{}_", snake)
    }
}

fn scalar_tokens(t: &str) -> TokenStream {
    let ident = format_ident!("{}", t);
    quote!(#ident)
}

/// The Rust type a response schema decodes to, named the way typify names
/// component schemas; names are checked against the generated type space.
fn type_tokens(schema: &Value, known: &BTreeSet<String>) -> Result<TokenStream> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        let ident = typify_name(name);
        if !known.contains(&ident) {
            bail!("no generated type {ident} for {r}");
        }
        let ident = format_ident!("{}", ident);
        return Ok(quote!(types::#ident));
    }
    Ok(match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let inner = type_tokens(schema.get("items").unwrap_or(&Value::Null), known)?;
            quote!(::std::vec::Vec<#inner>)
        }
        Some("integer") => quote!(i64),
        Some("number") => quote!(f64),
        Some("boolean") => quote!(bool),
        Some("string") => quote!(::std::string::String),
        _ => quote!(::serde_json::Value),
    })
}

/// typify's naming of a component schema: non-identifier characters become
/// word breaks, then PascalCase.
pub(crate) fn typify_name(name: &str) -> String {
    let cleaned: String = name
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let out = cleaned.to_pascal_case();
    match out.chars().next() {
        Some(c) if c.is_alphabetic() => out,
        _ => format!("X{out}"),
    }
}

pub fn tokens(ops: &[MultipartOp], generator: &progenitor::Generator) -> Result<TokenStream> {
    let known: BTreeSet<String> = generator
        .get_type_space()
        .iter_types()
        .map(|t| t.name())
        .collect();
    let mut forms = Vec::new();
    let mut methods = Vec::new();
    for op in ops {
        let (form, method) =
            op_tokens(op, &known).with_context(|| format!("multipart operation {}", op.id))?;
        forms.push(form);
        methods.push(method);
    }
    if ops.is_empty() {
        return Ok(TokenStream::new());
    }
    Ok(quote! {
        /// Form bodies of the `multipart/form-data` operations.
        pub mod multipart {
            /// A file sent as one part of a multipart form.
            #[derive(Clone, Default)]
            pub struct FilePart {
                /// The file name the server sees.
                pub file_name: ::std::string::String,
                /// The file's bytes.
                pub content: ::std::vec::Vec<u8>,
            }

            impl FilePart {
                /// A part named `file_name` holding `content`.
                pub fn new(
                    file_name: impl Into<::std::string::String>,
                    content: impl Into<::std::vec::Vec<u8>>,
                ) -> Self {
                    Self { file_name: file_name.into(), content: content.into() }
                }

                // Without a content type some servers and mocks reject the part.
                pub(crate) fn into_part(self) -> reqwest::Result<reqwest::multipart::Part> {
                    reqwest::multipart::Part::bytes(self.content)
                        .file_name(self.file_name)
                        .mime_str("application/octet-stream")
                }
            }

            // File contents can be large or secret; show only their size.
            impl ::std::fmt::Debug for FilePart {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct("FilePart")
                        .field("file_name", &self.file_name)
                        .field("len", &self.content.len())
                        .finish()
                }
            }

            #(#forms)*
        }

        impl Client {
            #(#methods)*
        }
    })
}

fn op_tokens(op: &MultipartOp, known: &BTreeSet<String>) -> Result<(TokenStream, TokenStream)> {
    let form_name = format_ident!("{}Form", op.id.to_pascal_case());
    let op_id = operations::method_name(&op.id);
    let fn_name = format_ident!("{}", op_id);

    let mut field_defs = Vec::new();
    let mut field_sends = Vec::new();
    for f in &op.fields {
        let ident = rust_ident(&f.name);
        let wire = &f.name;
        let doc = if f.description.is_empty() {
            format!("Form field `{wire}`.")
        } else {
            format!("{} (form field `{wire}`)", f.description.trim())
        };
        let (ty, send_one) = match &f.kind {
            FieldKind::File => (
                quote!(FilePart),
                quote!(form = form.part(#wire, v.into_part()?);),
            ),
            FieldKind::Text(t) => {
                let t = scalar_tokens(t);
                (quote!(#t), quote!(form = form.text(#wire, v.to_string());))
            }
            FieldKind::Repeated(t) => {
                let t = scalar_tokens(t);
                (
                    quote!(::std::vec::Vec<#t>),
                    quote!(for item in v { form = form.text(#wire, item.to_string()); }),
                )
            }
        };
        if f.required {
            field_defs.push(quote!(#[doc = #doc] pub #ident: #ty,));
            field_sends.push(quote!({ let v = body.#ident; #send_one }));
        } else {
            field_defs.push(quote!(#[doc = #doc] pub #ident: ::std::option::Option<#ty>,));
            field_sends.push(quote!(if let Some(v) = body.#ident { #send_one }));
        }
    }

    let mut args = Vec::new();
    let mut path_fmt = String::from("{}");
    let mut path_args = Vec::new();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        path_fmt.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .context("unclosed { in path")?;
        let name = &rest[start + 1..end];
        if !op
            .params
            .iter()
            .any(|p| p.location == "path" && p.name == name)
        {
            bail!("path parameter {name} is not declared");
        }
        let ident = rust_ident(name);
        path_fmt.push_str("{}");
        path_args.push(quote!(encode_path(&#ident.to_string())));
        rest = &rest[end + 1..];
    }
    path_fmt.push_str(rest);
    for p in &op.params {
        let ident = rust_ident(&p.name);
        let t = scalar_tokens(scalar(&p.schema).unwrap_or("String"));
        let wire = &p.name;
        match (p.location.as_str(), p.required) {
            ("path", _) => args.push(quote!(#ident: #t)),
            ("query", true) => {
                args.push(quote!(#ident: #t));
                query.push(quote!(query.push((#wire, #ident.to_string()));));
            }
            ("query", false) => {
                args.push(quote!(#ident: ::std::option::Option<#t>));
                query
                    .push(quote!(if let Some(v) = &#ident { query.push((#wire, v.to_string())); }));
            }
            ("header", true) => {
                args.push(quote!(#ident: #t));
                headers.push(quote!(request = request.header(#wire, #ident.to_string());));
            }
            ("header", false) => {
                args.push(quote!(#ident: ::std::option::Option<#t>));
                headers.push(quote!(if let Some(v) = &#ident { request = request.header(#wire, v.to_string()); }));
            }
            (other, _) => bail!("parameter {wire} in {other} is not supported"),
        }
    }

    let mut success = None;
    let mut error_type = None;
    let mut arms = Vec::new();
    let mut error_codes = Vec::new();
    for (code, schema) in &op.responses {
        if (200..300).contains(code) {
            if success.is_some() {
                continue;
            }
            match schema {
                Some(s) => {
                    success = Some(type_tokens(s, known)?);
                    arms.push(quote!(#code => ResponseValue::from_response(response).await,));
                }
                None => {
                    success = Some(quote!(()));
                    arms.push(quote!(#code => Ok(ResponseValue::empty(response)),));
                }
            }
        } else if *code >= 400
            && let Some(s) = schema
        {
            let t = type_tokens(s, known)?;
            if error_type.get_or_insert_with(|| t.to_string()) != &t.to_string() {
                bail!("error responses of different types");
            }
            error_codes.push(*code);
        }
    }
    let success = success.unwrap_or_else(|| quote!(::serde_json::Value));
    let error = match &error_type {
        Some(t) => t
            .parse::<TokenStream>()
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        None => quote!(()),
    };
    if !error_codes.is_empty() {
        arms.push(quote!(#(#error_codes)|* => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),));
    }
    let method = format_ident!("{}", op.method);
    let summary = if op.summary.is_empty() {
        op.id.clone()
    } else {
        op.summary.clone()
    };
    let mut doc = format!(
        "{summary}\n\nSends `{} {}` as `multipart/form-data` (operation `{}`).",
        op.method.to_uppercase(),
        op.path,
        op.id
    );
    // progenitor's layout, which the builders read their setters' docs from.
    doc.push_str("\n\nArguments:\n");
    for p in &op.params {
        doc.push_str(&format!("- `{}`", rust_ident(&p.name)));
        if !p.description.is_empty() {
            doc.push_str(&format!(": {}", p.description.trim()));
        }
        doc.push('\n');
    }
    doc.push_str(&format!(
        "- `body`: The form, [`multipart::{form_name}`].\n"
    ));
    let form_doc = format!(
        "The form of `{} {}` (operation `{}`).",
        op.method.to_uppercase(),
        op.path,
        op.id
    );

    let form = quote! {
        #[doc = #form_doc]
        #[derive(Clone, Debug, Default)]
        pub struct #form_name {
            #(#field_defs)*
        }
    };
    let method_tokens = quote! {
        #[doc = #doc]
        pub async fn #fn_name(
            &self,
            #(#args,)*
            body: multipart::#form_name,
        ) -> Result<ResponseValue<#success>, Error<#error>> {
            let url = format!(#path_fmt, self.baseurl, #(#path_args),*);
            #[allow(unused_mut)]
            let mut query: ::std::vec::Vec<(&str, ::std::string::String)> = ::std::vec::Vec::new();
            #(#query)*
            #[allow(unused_mut)]
            let mut form = reqwest::multipart::Form::new();
            #(#field_sends)*
            #[allow(unused_mut)]
            let mut request = self
                .client
                .#method(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .query(&query)
                .multipart(form);
            #(#headers)*
            let mut request = request.build()?;
            let info = OperationInfo { operation_id: #op_id };
            self.pre(&mut request, &info).await?;
            let result = self.exec(request, &info).await;
            self.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                #(#arms)*
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    };
    Ok((form, method_tokens))
}

#[cfg(test)]
mod tests {
    use super::typify_name;

    #[test]
    fn names_follow_typify() {
        assert_eq!(typify_name("portaineree.Stack"), "PortainereeStack");
        assert_eq!(
            typify_name("stacks.stackGitRedeployPayload"),
            "StacksStackGitRedeployPayload"
        );
    }
}

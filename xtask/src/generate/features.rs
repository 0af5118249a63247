//! Cargo features by Portainer area: build cost follows the number of types
//! compiled, and most users need stacks and settings only. Each operation is
//! compiled under its area's feature; each type under every feature with an
//! operation that uses it, directly or through other types.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use anyhow::{Context, Result};
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use serde::Deserialize;
use syn::{ImplItem, Item, parse_quote};

use super::operations::Row;

/// `spec/features.toml`.
#[derive(Debug, Deserialize)]
pub struct FeatureData {
    pub default: Vec<String>,
    pub tags: BTreeMap<String, String>,
    /// Types that derive both serde directions whatever the features, with
    /// every type they contain: the models `portainer-sdk`'s own methods
    /// return, which people store and print.
    #[serde(default)]
    pub both_ways: Vec<String>,
    /// Endings of the Rust names of text fields that hold secrets, which
    /// `Debug` shows as `***`.
    #[serde(default)]
    pub secret_suffixes: Vec<String>,
}

impl FeatureData {
    pub fn load() -> Result<FeatureData> {
        let path = crate::workspace_root().join("spec/features.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// The feature of an operation's tag; unmapped tags name their own feature.
    pub fn feature_of(&self, tag: &str) -> String {
        match self.tags.get(tag) {
            Some(f) => f.clone(),
            None if tag.is_empty() => "untagged".to_owned(),
            None => tag.replace('_', "-").to_ascii_lowercase(),
        }
    }
}

/// What gating produced: the features, and tags no data mapped.
pub struct Gating {
    pub features: BTreeSet<String>,
    pub unmapped_tags: BTreeSet<String>,
    pub gated_types: usize,
    pub full_only_types: usize,
}

fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

fn item_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

fn cfg_any(features: &BTreeSet<String>) -> syn::Attribute {
    let list: Vec<TokenStream> = features
        .iter()
        .map(|f| quote::quote!(feature = #f))
        .collect();
    parse_quote!(#[cfg(any(#(#list),*))])
}

/// Adds `#[cfg]` attributes to the operations, form types and data types.
pub fn gate(file: &mut syn::File, rows: &[Row], data: &FeatureData) -> Result<Gating> {
    let feature_by_method: BTreeMap<&str, String> = rows
        .iter()
        .map(|r| (r.name.as_str(), data.feature_of(&r.tag)))
        .collect();
    let unmapped_tags: BTreeSet<String> = rows
        .iter()
        .filter(|r| !data.tags.contains_key(&r.tag))
        .map(|r| r.tag.clone())
        .collect();
    let features: BTreeSet<String> = feature_by_method.values().cloned().collect();

    // The type graph: which type names each type's definition mentions.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in type_items(file) {
        if let Some(name) = item_name(item) {
            let mut refs = BTreeSet::new();
            idents(item.to_token_stream(), &mut refs);
            refs.remove(&name);
            graph.insert(name, refs);
        }
    }
    for refs in graph.values_mut() {
        refs.retain(|r| !r.is_empty());
    }
    let names: BTreeSet<String> = graph.keys().cloned().collect();
    for refs in graph.values_mut() {
        refs.retain(|r| names.contains(r));
    }

    // Roots: what each feature's operations and forms mention.
    let mut roots: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut form_features: BTreeMap<String, String> = BTreeMap::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for it in &imp.items {
            let ImplItem::Fn(f) = it else { continue };
            let Some(feature) = feature_by_method.get(f.sig.ident.to_string().as_str()) else {
                continue;
            };
            let mut refs = BTreeSet::new();
            idents(f.to_token_stream(), &mut refs);
            for r in &refs {
                if r.ends_with("Form") {
                    form_features.insert(r.clone(), feature.clone());
                }
            }
            roots
                .entry(feature.clone())
                .or_default()
                .extend(refs.into_iter().filter(|r| names.contains(r)));
        }
    }
    for item in &file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "multipart" {
            continue;
        }
        for it in m.content.iter().flat_map(|(_, items)| items) {
            if let Some(name) = item_name(it)
                && let Some(feature) = form_features.get(&name)
            {
                let mut refs = BTreeSet::new();
                idents(it.to_token_stream(), &mut refs);
                roots
                    .entry(feature.clone())
                    .or_default()
                    .extend(refs.into_iter().filter(|r| names.contains(r)));
            }
        }
    }

    // Propagate each feature through the graph.
    let mut needed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (feature, start) in &roots {
        let mut queue: VecDeque<&String> = start.iter().collect();
        let mut seen: BTreeSet<&String> = BTreeSet::new();
        while let Some(t) = queue.pop_front() {
            if !seen.insert(t) {
                continue;
            }
            needed.entry(t.clone()).or_default().insert(feature.clone());
            if let Some(next) = graph.get(t) {
                queue.extend(next.iter());
            }
        }
    }
    let full: BTreeSet<String> = ["full".to_owned()].into();
    let type_cfg = |name: &str| needed.get(name).cloned().unwrap_or_else(|| full.clone());

    let mut gated_types = 0;
    let mut full_only_types = 0;
    for item in &mut file.items {
        match item {
            Item::Mod(m) if m.ident == "types" => {
                for it in m.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
                    if let Some(name) = item_name(it) {
                        let cfg = type_cfg(&name);
                        if cfg == full {
                            full_only_types += 1;
                        }
                        gated_types += 1;
                        push_attr(it, cfg_any(&cfg));
                    } else if let Item::Impl(imp) = it {
                        // Every type the impl's header names must be compiled.
                        let mut header = BTreeSet::new();
                        idents(imp.self_ty.to_token_stream(), &mut header);
                        if let Some((_, path, _)) = &imp.trait_ {
                            idents(path.to_token_stream(), &mut header);
                        }
                        let conds: Vec<syn::Attribute> = header
                            .iter()
                            .filter(|h| names.contains(*h))
                            .map(|h| cfg_any(&type_cfg(h)))
                            .collect();
                        imp.attrs.extend(conds);
                    }
                }
            }
            Item::Mod(m) if m.ident == "multipart" => {
                for it in m.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
                    if let Some(name) = item_name(it)
                        && let Some(feature) = form_features.get(&name)
                    {
                        push_attr(it, cfg_any(&[feature.clone()].into()));
                    }
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                for it in &mut imp.items {
                    let ImplItem::Fn(f) = it else { continue };
                    if let Some(feature) = feature_by_method.get(f.sig.ident.to_string().as_str()) {
                        f.attrs.push(cfg_any(&[feature.clone()].into()));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(Gating {
        features,
        unmapped_tags,
        gated_types,
        full_only_types,
    })
}

fn type_items(file: &syn::File) -> impl Iterator<Item = &Item> {
    file.items
        .iter()
        .filter_map(|i| match i {
            Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .flatten()
}

fn push_attr(item: &mut Item, attr: syn::Attribute) {
    match item {
        Item::Struct(s) => s.attrs.push(attr),
        Item::Enum(e) => e.attrs.push(attr),
        Item::Type(t) => t.attrs.push(attr),
        _ => {}
    }
}

/// How many types lost a serde derive they never need.
pub struct Directions {
    pub response_only: usize,
    pub request_only: usize,
}

/// The feature that restores both serde derives on every type.
pub const SERDE_BOTH: &str = "serde-both";

/// Most of a type's compile time is its serde derives, and most types travel
/// one way only: response types are only deserialized, request types only
/// serialized. Each type keeps the derives its direction needs; the other one
/// comes back with the `serde-both` feature (to store or forward responses).
pub fn one_way_serde(file: &mut syn::File, keep_both: &BTreeSet<String>) -> Directions {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in type_items(file) {
        if let Some(name) = item_name(item) {
            let mut refs = BTreeSet::new();
            idents(item.to_token_stream(), &mut refs);
            refs.remove(&name);
            graph.insert(name, refs);
        }
    }
    let names: BTreeSet<String> = graph.keys().cloned().collect();
    let mut requests = BTreeSet::new();
    let mut responses = BTreeSet::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for it in &imp.items {
            let ImplItem::Fn(f) = it else { continue };
            for input in &f.sig.inputs {
                idents(input.to_token_stream(), &mut requests);
            }
            idents(f.sig.output.to_token_stream(), &mut responses);
        }
    }
    let reach = |start: BTreeSet<String>| {
        let mut seen = BTreeSet::new();
        let mut queue: VecDeque<String> = start.into_iter().filter(|s| names.contains(s)).collect();
        while let Some(t) = queue.pop_front() {
            if seen.insert(t.clone())
                && let Some(next) = graph.get(&t)
            {
                queue.extend(next.iter().filter(|n| names.contains(*n)).cloned());
            }
        }
        seen
    };
    let mut requests = reach(requests);
    let mut responses = reach(responses);
    // Schemas no operation uses keep both derives, and so does all they use.
    let unused: BTreeSet<String> = names
        .iter()
        .filter(|n| !requests.contains(*n) && !responses.contains(*n))
        .cloned()
        .collect();
    let unused = reach(unused);
    requests.extend(unused.iter().cloned());
    responses.extend(unused);
    let keep_both = reach(keep_both.clone());
    let mut out = Directions {
        response_only: 0,
        request_only: 0,
    };
    for item in &mut file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        for it in m.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
            let Some(name) = item_name(it) else { continue };
            // The error body type keeps both (callers re-serialize it in error
            // conversions and logs), and so do the types of `both_ways`.
            if keep_both.contains(&name) {
                continue;
            }
            let (in_req, in_resp) = (requests.contains(&name), responses.contains(&name));
            let drop = match (in_req, in_resp) {
                (false, true) => "Serialize",
                (true, false) => "Deserialize",
                // Both ways, or no operation's (full-only schemas): keep both.
                _ => continue,
            };
            let attrs = match it {
                Item::Struct(s) => &mut s.attrs,
                Item::Enum(e) => &mut e.attrs,
                _ => continue,
            };
            if strip_derive(attrs, drop) {
                let path: syn::Path = syn::parse_str(&format!("::serde::{drop}")).expect("path");
                attrs.push(parse_quote!(#[cfg_attr(feature = #SERDE_BOTH, derive(#path))]));
                if drop == "Serialize" {
                    out.response_only += 1;
                } else {
                    out.request_only += 1;
                }
            }
        }
    }
    out
}

/// Removes `::serde::NAME` from the item's `#[derive(...)]`; true if it was there.
pub(super) fn strip_derive(attrs: &mut [syn::Attribute], name: &str) -> bool {
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let before = paths.len();
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
            .collect();
        if kept.len() != before {
            *attr = parse_quote!(#[derive(#(#kept),*)]);
            return true;
        }
    }
    false
}

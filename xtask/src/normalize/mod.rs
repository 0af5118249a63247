//! Normalization: the defects of Portainer's published specs, fixed before
//! progenitor sees them. Each rule counts the places it changed; the counts are
//! the report every `generate` run prints. General rules are code here; facts
//! about particular names are data in `spec/normalize.toml`.

mod docs;
pub mod names;
mod operations;
mod schemas;
mod validate;
mod walk;

use std::collections::BTreeMap;
use std::fmt;

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_json::Value;

/// The data half of the rules (`spec/normalize.toml`).
#[derive(Debug, Clone, Deserialize)]
pub struct RuleData {
    pub error_schema: String,
    #[serde(default)]
    pub go_field_names: BTreeMap<String, String>,
    #[serde(default)]
    pub go_field_names_keep: BTreeMap<String, Vec<String>>,
    /// Properties a schema marks required that the server does not need,
    /// by schema (Go name) and property.
    #[serde(default)]
    pub not_required: BTreeMap<String, Vec<String>>,
}

impl RuleData {
    pub fn load() -> Result<RuleData> {
        let path = crate::workspace_root().join("spec/normalize.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }
}

/// One rule's line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    pub rule: &'static str,
    pub what: &'static str,
    pub count: usize,
}

/// How many places each rule changed, in the order the rules ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub rules: Vec<RuleCount>,
}

impl Report {
    pub fn add(&mut self, rule: &'static str, what: &'static str, count: usize) {
        self.rules.push(RuleCount { rule, what, count });
    }

    /// The count of one rule, for tests and the README.
    pub fn count(&self, rule: &str) -> Option<usize> {
        self.rules.iter().find(|r| r.rule == rule).map(|r| r.count)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "normalization report:")?;
        for r in &self.rules {
            writeln!(f, "  {:<26} {:>5}  {}", r.rule, r.count, r.what)?;
        }
        Ok(())
    }
}

/// Applies every rule to an OpenAPI 3.0 document, then checks that no defect
/// the generator cannot handle remains.
/// Last, component schemas get their stable Rust names ([`names`]).
pub fn normalize(doc: &mut Value) -> Result<Report> {
    let mut report = normalize_with(doc, &RuleData::load()?)?;
    report.add(
        "stable-names",
        "schemas renamed from Go's package.Type to their Rust name",
        names::stable_names(doc, &names::NameRules::load()?)?,
    );
    validate::validate(doc)?;
    Ok(report)
}

pub fn normalize_with(doc: &mut Value, data: &RuleData) -> Result<Report> {
    let mut report = Report::default();
    if !doc.is_object() {
        anyhow::bail!("the document is not a JSON/YAML object");
    }
    report.add(
        "inline-refs",
        "request bodies, responses and parameters referenced from components, inlined",
        operations::inline_refs(doc),
    );
    report.add(
        "operation-ids",
        "operations given a missing or duplicate operationId",
        operations::operation_ids(doc),
    );
    report.add(
        "path-parameters",
        "path parameters declared, renamed or dropped to match the path",
        operations::path_parameters(doc),
    );
    report.add(
        "single-success",
        "extra 2xx responses dropped (progenitor takes one kind)",
        operations::single_success(doc),
    );
    report.add(
        "no-content-bodies",
        "bodies declared on 204 No Content responses, dropped",
        operations::no_content_bodies(doc),
    );
    report.add(
        "wildcard-content",
        "`*/*` media types with a schema read as JSON",
        operations::wildcard_content(doc),
    );
    report.add(
        "error-bodies",
        "4xx/5xx responses given Portainer's error schema",
        operations::error_bodies(doc, &data.error_schema),
    );
    report.add(
        "auth-alternatives",
        "operations whose API key and JWT were required together",
        operations::auth_alternatives(doc),
    );
    report.add(
        "query-arrays",
        "array query parameters sent as repeated keys",
        operations::query_arrays(doc),
    );
    report.add(
        "open-enums",
        "enums opened to their base type (values kept in docs)",
        schemas::open_enums(doc),
    );
    report.add(
        "go-field-names",
        "camelCase properties renamed to the Go field name the server sends",
        schemas::go_field_names(doc, data),
    );
    report.add(
        "nullable-collections",
        "arrays and maps that Go may send as null",
        schemas::nullable_collections(doc),
    );
    report.add(
        "optional-response-fields",
        "required properties made optional in response schemas",
        schemas::optional_response_fields(doc),
    );
    report.add(
        "keep-unknown-fields",
        "response objects that keep properties the spec lacks",
        schemas::keep_unknown_fields(doc),
    );
    report.add(
        "typed-examples",
        "examples of another type than their schema, dropped",
        schemas::examples_of_their_type(doc),
    );
    report.add(
        "not-required",
        "properties marked required that the handler does not need (spec/normalize.toml)",
        schemas::not_required(doc, data),
    );
    report.add(
        "optional-defaults",
        "defaults of optional properties moved to their docs (absent, not filled in)",
        schemas::optional_defaults(doc),
    );
    report.add(
        "doc-code-fences",
        "code fences in descriptions marked as text (not doctests)",
        docs::code_fences(doc),
    );
    validate::validate(doc)?;
    Ok(report)
}

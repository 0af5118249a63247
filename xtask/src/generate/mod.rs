//! `cargo xtask generate`: spec in, formatted low-level client crate out.

mod boxing;
mod builders;
mod crate_files;
mod deserialize;
mod fields;
pub use crate_files::rustfmt;
pub(crate) use multipart::typify_name;
pub mod features;
mod multipart;
pub mod operations;
mod postprocess;
mod responses;
mod schema;
mod sends;
mod split;
mod text;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use crate::source::SpecSource;

#[derive(clap::Args)]
pub struct Args {
    /// Fail, with a short diff summary, when the committed client differs.
    #[arg(long)]
    pub check: bool,
    /// Any Portainer spec file (Swagger 2.0 or OpenAPI 3.0.x, YAML or JSON) instead of the default pin.
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Write a complete standalone crate here instead of portainer-sdk-gen.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The committed crate `cargo xtask generate` writes when no --out is given.
pub const GEN_CRATE_DIR: &str = "portainer-sdk-gen";

pub fn run(args: Args) -> Result<ExitCode> {
    let source = match &args.spec {
        Some(path) => SpecSource::from_path(path),
        None => SpecSource::default_pin()?,
    };
    let generated = generate(&source)?;
    print!("{}", generated.report);
    println!("{}", generated.coverage_line());

    let (dir, standalone) = match &args.out {
        Some(out) => (out.clone(), true),
        None => (crate::workspace_root().join(GEN_CRATE_DIR), false),
    };
    let files = crate_files::files(&generated, standalone)?;
    if args.check {
        let differences = crate_files::compare(&dir, &files)?;
        if differences.is_empty() {
            println!("generate --check: {} is up to date", dir.display());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "generate --check: {} differs from what the spec generates:",
            dir.display()
        );
        for d in &differences {
            eprintln!("  {d}");
        }
        eprintln!("run `cargo xtask generate` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    crate_files::write(&dir, &files)?;
    let lines: usize = files
        .iter()
        .map(|(_, content)| content.lines().count())
        .sum();
    println!("wrote {} ({lines} lines)", dir.display());
    Ok(ExitCode::SUCCESS)
}

/// Everything one generation run produced.
pub struct Generated {
    pub label: String,
    pub api_version: String,
    pub report: crate::normalize::Report,
    /// The formatted Rust source of the client module.
    pub client: String,
    /// The files of its feature sets' items: (path in the crate, source).
    pub parts: Vec<(String, String)>,
    pub operations_in_spec: usize,
    pub generated: usize,
    pub multipart: usize,
    pub websocket_skipped: usize,
    /// Cargo features, one per Portainer area.
    pub features: Vec<String>,
    pub default_features: Vec<String>,
    /// Component schemas no operation uses, compiled under `full` only.
    pub full_only_types: usize,
}

impl Generated {
    pub fn coverage_line(&self) -> String {
        format!(
            "operations: {} in spec, {} generated ({} multipart), {} skipped (websocket)",
            self.operations_in_spec, self.generated, self.multipart, self.websocket_skipped
        )
    }
}

/// Runs the whole pipeline on one spec.
pub fn generate(source: &SpecSource) -> Result<Generated> {
    let (mut doc, report) = crate::pipeline::normalized(source)?;
    let error_schema = crate::normalize::RuleData::load()?.error_schema;
    let error_type = crate::normalize::names::renamed(&doc, &error_schema)
        .map(multipart::typify_name)
        .ok_or_else(|| anyhow!("the error schema {error_schema} is missing after normalization"))?;
    let api_version = doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned();

    let operations_in_spec = operations::count(&doc);
    let websocket_skipped = operations::remove_websockets(&mut doc);
    let table = operations::table(&doc)?;
    let multipart_ops = multipart::extract(&mut doc)?;

    let spec: openapiv3::OpenAPI = serde_json::from_value(doc)
        .context("the normalized document is not valid OpenAPI 3.0 for the openapiv3 crate")?;
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::Hooks))
        .with_hooks(progenitor::HooksMode::Expected)
        // Callers compare what they fetched with what they want (deploy, settings).
        .with_derive("PartialEq");
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = run_progenitor(&mut generator, &spec)?;
    let multipart_tokens = multipart::tokens(&multipart_ops, &generator)?;

    let all = quote::quote! {
        #tokens
        #multipart_tokens
    };
    let mut file: syn::File = syn::parse2(all).context("progenitor produced unparsable Rust")?;
    let mut report = report;
    report.add(
        "json-body-responses",
        "JSON response bodies decoded through json_body (checked for UTF-8 once; null or blank lists and maps empty)",
        responses::rewrite(&mut file),
    );
    report.add(
        "case-insensitive-fields",
        "fields that also decode with the other case of their first letter",
        postprocess::case_insensitive_fields(&mut file),
    );
    report.add(
        "derive-defaults",
        "structs given Default (every field has one), for `..Default::default()`",
        postprocess::derive_defaults(&mut file),
    );
    report.add(
        "field-names",
        "structs given FIELDS, the JSON names of their fields",
        fields::field_names(&mut file),
    );
    let feature_data = features::FeatureData::load()?;
    let gating = features::gate(&mut file, &table, &feature_data)?;
    report.add(
        "feature-gates",
        "types compiled only under the features whose operations use them",
        gating.gated_types,
    );
    if !gating.unmapped_tags.is_empty() {
        println!(
            "note: tags not in spec/features.toml, each made a feature of its own: {}",
            gating
                .unmapped_tags
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut keep_both: std::collections::BTreeSet<String> =
        feature_data.both_ways.iter().cloned().collect();
    keep_both.insert(error_type);
    let directions = features::one_way_serde(&mut file, &keep_both);
    report.add(
        "one-way-serde",
        "types deriving only the serde direction they travel (both with `serde-both`)",
        directions.response_only + directions.request_only,
    );
    report.add(
        "redact-secrets",
        "password, token and secret fields shown as *** by Debug",
        postprocess::redact_secrets(&mut file, &feature_data.secret_suffixes),
    );
    report.add(
        "text-fields",
        "string fields of the models held as `Text`, which keeps up to 24 bytes inline",
        text::text_fields(&mut file),
    );
    report.add(
        "boxed-optional-structs",
        "optional fields of a nested struct over eight words, boxed",
        boxing::box_large_optionals(&mut file),
    );
    report.add(
        "hand-rolled-deserialize",
        "types decoding through one written-out visit_map instead of serde's derive",
        deserialize::hand_rolled(&mut file)?,
    );
    report.add(
        "json-schema",
        "types deriving `schemars::JsonSchema` with the `schemars` feature, named as on the wire",
        schema::derive_json_schema(&mut file),
    );
    // Last: the passes above read the positional signatures.
    report.add(
        "builders",
        "operations callable by name: a builder per operation, one setter per parameter",
        builders::builders(&mut file, &table)?,
    );
    let default_features: Vec<String> = feature_data
        .default
        .iter()
        .filter(|f| gating.features.contains(*f))
        .cloned()
        .collect();
    report.add(
        "compact-sends",
        "operations sending through one `Client::run` and decoding each kind of response in one match arm",
        sends::compact(&mut file),
    );
    let parts = split::by_feature(&mut file)?;
    report.add(
        "split-by-feature",
        "files of types and builders, one per feature set, so a build reads only the enabled ones",
        parts.len(),
    );
    let mut client = postprocess::block_docs_to_line_docs(&prettyplease::unparse(&file));
    client.push_str(&operations::render(&table));
    let parts = parts
        .into_iter()
        .map(|p| {
            let source = postprocess::block_docs_to_line_docs(&prettyplease::unparse(&p.file));
            (p.path, source)
        })
        .collect();

    Ok(Generated {
        label: source.label.clone(),
        api_version,
        report,
        client,
        parts,
        operations_in_spec,
        generated: table.len(),
        multipart: multipart_ops.len(),
        websocket_skipped,
        features: gating.features.into_iter().collect(),
        default_features,
        full_only_types: gating.full_only_types,
    })
}

/// progenitor reports some defects by panicking; turn those into errors.
fn run_progenitor(
    generator: &mut progenitor::Generator,
    spec: &openapiv3::OpenAPI,
) -> Result<proc_macro2::TokenStream> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        generator.generate_tokens(spec)
    }));
    std::panic::set_hook(hook);
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(anyhow!("progenitor rejected the normalized spec: {e}")),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            bail!("progenitor failed on a defect no normalization rule handles: {msg}")
        }
    }
}

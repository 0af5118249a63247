//! The steps every command shares: read, convert to OpenAPI 3.0, normalize.

use anyhow::{Context, Result};
use serde_json::Value;

use crate::normalize::{self, Report};
use crate::source::{Dialect, SpecSource, dialect};

/// The document as OpenAPI 3.0, converted from Swagger 2.0 when needed.
pub fn openapi3(source: &SpecSource) -> Result<Value> {
    let doc = source.read()?;
    match dialect(&doc).with_context(|| source.path.display().to_string())? {
        Dialect::OpenApi30 => Ok(doc),
        Dialect::Swagger2 => crate::convert::swagger2_to_openapi3(&doc)
            .with_context(|| format!("converting {} from Swagger 2.0", source.label)),
    }
}

/// The document as OpenAPI 3.0 with every normalization rule applied.
pub fn normalized(source: &SpecSource) -> Result<(Value, Report)> {
    let mut doc = openapi3(source)?;
    let report =
        normalize::normalize(&mut doc).with_context(|| format!("normalizing {}", source.label))?;
    Ok((doc, report))
}

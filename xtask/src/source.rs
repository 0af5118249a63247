//! Reading a spec document, pinned or given by path, YAML or JSON, into JSON values.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::pins::Pins;

/// What a command was asked to read: a pinned version, or any file.
#[derive(Debug, Clone)]
pub struct SpecSource {
    pub path: PathBuf,
    /// `EE 2.44.0` for pins, the file name otherwise.
    pub label: String,
}

impl SpecSource {
    /// `arg` is a path when such a file exists, a pinned version otherwise.
    pub fn resolve(arg: &str) -> Result<SpecSource> {
        let as_path = Path::new(arg);
        if as_path.is_file() {
            return Ok(SpecSource::from_path(as_path));
        }
        let pins = Pins::load()?;
        match pins.find(arg) {
            Some(pin) => Ok(SpecSource {
                path: pin.fetch()?,
                label: pin.label(),
            }),
            None => bail!(
                "{arg:?} is neither a file nor a pinned version (pinned: {})",
                pins.pins
                    .iter()
                    .map(|p| p.version.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    pub fn default_pin() -> Result<SpecSource> {
        let pins = Pins::load()?;
        let pin = pins.default_pin();
        Ok(SpecSource {
            path: pin.fetch()?,
            label: pin.label(),
        })
    }

    pub fn from_path(path: &Path) -> SpecSource {
        let label = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        SpecSource {
            path: path.to_owned(),
            label,
        }
    }

    pub fn read(&self) -> Result<Value> {
        let text = std::fs::read_to_string(&self.path)
            .with_context(|| format!("reading {}", self.path.display()))?;
        parse_document(&text).with_context(|| format!("parsing {}", self.path.display()))
    }
}

/// YAML is a superset of JSON, so one parser serves both. Keys are turned into
/// strings because YAML allows `200:` (an integer) where JSON needs `"200"`.
pub fn parse_document(text: &str) -> Result<Value> {
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text)?;
    yaml_to_json(yaml)
}

fn yaml_to_json(v: serde_yaml_ng::Value) -> Result<Value> {
    use serde_yaml_ng::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(seq) => Value::Array(seq.into_iter().map(yaml_to_json).collect::<Result<_>>()?),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    other => bail!("unsupported mapping key {other:?}"),
                };
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value)?,
    })
}

/// The dialect of a document, read from its version field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Swagger2,
    OpenApi30,
}

pub fn dialect(doc: &Value) -> Result<Dialect> {
    if doc.get("swagger").and_then(Value::as_str) == Some("2.0") {
        return Ok(Dialect::Swagger2);
    }
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => Ok(Dialect::OpenApi30),
        Some(v) => {
            bail!("OpenAPI {v} is not supported: give a Swagger 2.0 or OpenAPI 3.0.x document")
        }
        None => bail!("no `swagger: \"2.0\"` or `openapi: 3.0.x` field: not an API specification"),
    }
}

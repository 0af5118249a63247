//! The operation table emitted beside the client, and the operations left out.

use anyhow::{Result, bail};
use serde_json::Value;

pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One row of the emitted `OPERATIONS` table.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    /// progenitor's method name, also what it reports as the operation id.
    pub name: String,
    pub method: String,
    pub path: String,
    pub tag: String,
    pub multipart: bool,
}

/// Every (path, method, operation) of a document, in document order.
pub fn each(doc: &Value) -> impl Iterator<Item = (&str, &'static str, &Value)> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.iter())
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter_map(move |m| item.get(*m).map(|op| (path.as_str(), *m, op)))
        })
}

pub fn count(doc: &Value) -> usize {
    each(doc).count()
}

/// Portainer's websocket endpoints upgrade the connection (exec, attach, shell);
/// a request/response client cannot drive them, so they are left out and counted.
fn is_websocket(path: &str) -> bool {
    path.split('/').any(|seg| seg == "websocket")
}

pub fn remove_websockets(doc: &mut Value) -> usize {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return 0;
    };
    let doomed: Vec<String> = paths.keys().filter(|p| is_websocket(p)).cloned().collect();
    let mut removed = 0;
    for p in doomed {
        if let Some(item) = paths.remove(&p) {
            removed += METHODS.iter().filter(|m| item.get(**m).is_some()).count();
        }
    }
    removed
}

pub fn is_multipart_only(op: &Value) -> bool {
    let Some(content) = op
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
    else {
        return false;
    };
    content.contains_key("multipart/form-data")
        && !content
            .keys()
            .any(|k| k.contains("json") || k == "application/x-www-form-urlencoded")
}

/// The Rust method name progenitor gives an operation.
pub fn method_name(id: &str) -> String {
    // progenitor's own rule: non-identifier characters break words.
    let cleaned: String = id
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
    let snake = heck::ToSnakeCase::to_snake_case(cleaned.as_str());
    if syn::parse_str::<syn::Ident>(&snake).is_ok() {
        snake
    } else {
        format!("{snake}_")
    }
}

pub fn table(doc: &Value) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (path, method, op) in each(doc) {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            bail!(
                "{} {path}: no operationId after normalization",
                method.to_uppercase()
            );
        };
        let tag = op
            .pointer("/tags/0")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        rows.push(Row {
            id: id.to_owned(),
            name: method_name(id),
            method: method.to_uppercase(),
            path: path.to_owned(),
            tag,
            multipart: is_multipart_only(op),
        });
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(w) = rows.windows(2).find(|w| w[0].name == w[1].name) {
        bail!(
            "operationIds {} and {} both become the method name {}",
            w[0].id,
            w[1].id,
            w[0].name
        );
    }
    Ok(rows)
}

/// Rust source for the table, sorted by id so that `operation()` can binary-search it.
pub fn render(rows: &[Row]) -> String {
    let mut out = String::from(
        "\n/// Every operation this client was generated for, sorted by `name`.\npub static OPERATIONS: &[Operation] = &[\n",
    );
    for r in rows {
        out.push_str(&format!(
            "    Operation {{ id: {:?}, name: {:?}, method: {:?}, path: {:?}, tag: {:?}, multipart: {} }},\n",
            r.id, r.name, r.method, r.path, r.tag, r.multipart
        ));
    }
    out.push_str("];\n");
    out
}

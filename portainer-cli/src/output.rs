//! Results on stdout: aligned columns, or one JSON document.

use std::io::{self, Write};

use serde::Serialize;

use crate::cli::Format;
use crate::failure::Failure;

/// Where a command's result goes.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    pub format: Format,
}

impl Out {
    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Prints `value` as one pretty JSON document.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), Failure> {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| Failure::failed(format!("cannot write the result as JSON: {e}")))?;
        write_stdout(&text)
    }

    /// Prints text as it is, with a final newline.
    pub fn text(&self, text: &str) -> Result<(), Failure> {
        write_stdout(text)
    }

    /// Prints rows under a header, columns aligned.
    pub fn table(&self, header: &[&str], rows: &[Vec<String>]) -> Result<(), Failure> {
        write_stdout(&render_table(header, rows))
    }
}

/// Writes `text` (and a newline unless it ends with one) to stdout. A closed
/// pipe (`| head`) ends the output quietly: the reader has what it wanted.
fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    let result = out
        .write_all(text.as_bytes())
        .and_then(|()| {
            if text.ends_with('\n') {
                Ok(())
            } else {
                out.write_all(b"\n")
            }
        })
        .and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Failure::failed(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// Columns separated by two spaces, each as wide as its widest cell; the
/// last column is not padded.
pub fn render_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let mut text = String::new();
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < row.len() {
                let pad = widths.get(i).copied().unwrap_or(0);
                line.push_str(&format!("{cell:<pad$}  "));
            } else {
                line.push_str(cell);
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// A JSON value as a table cell: text as it is, anything else as compact JSON.
pub fn cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align() {
        let t = render_table(
            &["ID", "NAME"],
            &[
                vec!["1".into(), "web".into()],
                vec!["12".into(), "db".into()],
            ],
        );
        assert_eq!(t, "ID  NAME\n1   web\n12  db\n");
    }
}

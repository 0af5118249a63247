//! Descriptions become rustdoc comments; code in them would become doctests.

use serde_json::Value;

/// Marks code blocks in a Markdown description as text: bare ``` fences get a
/// `text` language, and indented blocks are fenced as text.
pub fn fence_as_text(description: &str) -> Option<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut in_indented = false;
    let mut prev_blank = true;
    let mut changed = false;
    for line in description.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_indented {
                out.push("```".to_owned());
                in_indented = false;
            }
            if !in_fence && trimmed.trim_end() == "```" {
                out.push(format!("{}```text", &line[..line.len() - trimmed.len()]));
                changed = true;
            } else {
                out.push(line.to_owned());
            }
            in_fence = !in_fence;
            prev_blank = false;
            continue;
        }
        let indented = line.starts_with("    ") || line.starts_with('\t');
        if !in_fence {
            if in_indented && !indented && !line.trim().is_empty() {
                out.push("```".to_owned());
                in_indented = false;
            }
            if !in_indented && indented && prev_blank && !line.trim().is_empty() {
                out.push("```text".to_owned());
                in_indented = true;
                changed = true;
            }
        }
        out.push(line.to_owned());
        prev_blank = line.trim().is_empty();
    }
    if in_indented {
        out.push("```".to_owned());
    }
    if in_fence {
        out.push("```".to_owned());
        changed = true;
    }
    changed.then(|| out.join("\n"))
}

pub fn code_fences(doc: &mut Value) -> usize {
    fn walk(v: &mut Value, changed: &mut usize) {
        match v {
            Value::Object(m) => {
                for (k, child) in m.iter_mut() {
                    if k == "description" || k == "summary" {
                        if let Value::String(s) = child
                            && let Some(fixed) = fence_as_text(s)
                        {
                            *s = fixed;
                            *changed += 1;
                        }
                    } else {
                        walk(child, changed);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, changed)),
            _ => {}
        }
    }
    let mut changed = 0;
    walk(doc, &mut changed);
    changed
}

#[cfg(test)]
mod tests {
    use super::fence_as_text;

    #[test]
    fn bare_fence_becomes_text() {
        let fixed = fence_as_text("Example:\n\n```\nBearer abc\n```\n").unwrap();
        assert_eq!(fixed, "Example:\n\n```text\nBearer abc\n```");
    }

    #[test]
    fn fence_with_language_is_kept() {
        assert_eq!(fence_as_text("```json\n{}\n```"), None);
    }

    #[test]
    fn indented_block_is_fenced() {
        let fixed = fence_as_text("Use:\n\n    curl x\n\nthen").unwrap();
        assert_eq!(fixed, "Use:\n\n```text\n    curl x\n\n```\nthen");
    }
}

//! The human-readable report: operations grouped by tag, then schemas, then a
//! one-line summary, so that the last line is what a CI log shows.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::report::{Change, DiffReport};

/// `!` marks what breaks SDK users, so that `grep '!'` finds every one.
fn mark(breaking: bool) -> &'static str {
    if breaking { "!" } else { " " }
}

fn changes(out: &mut String, changes: &[Change]) {
    for c in changes {
        let _ = writeln!(out, "      {} {}", mark(c.breaking), c.detail);
    }
}

pub fn human(report: &DiffReport, old_label: &str, new_label: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "API changes from {old_label} to {new_label}");
    let _ = writeln!(
        out,
        "(+ added, - removed, ~ changed, > renamed; ! marks a breaking change)"
    );

    enum Entry<'a> {
        Added(&'a str),
        Removed(&'a str),
        Changed(&'a str, &'a [Change]),
    }
    let mut by_tag: BTreeMap<&str, Vec<Entry<'_>>> = BTreeMap::new();
    let tag = |k: &str| report.tags.get(k).map_or("(untagged)", String::as_str);
    for k in &report.operations.removed {
        by_tag.entry(tag(k)).or_default().push(Entry::Removed(k));
    }
    for k in &report.operations.added {
        by_tag.entry(tag(k)).or_default().push(Entry::Added(k));
    }
    for c in &report.operations.changed {
        by_tag
            .entry(tag(&c.operation))
            .or_default()
            .push(Entry::Changed(&c.operation, &c.changes));
    }
    for (tag, entries) in &by_tag {
        let _ = writeln!(out, "\n## {tag}");
        for e in entries {
            match e {
                Entry::Removed(k) => {
                    let _ = writeln!(out, "  - {} {k}", mark(true));
                }
                Entry::Added(k) => {
                    let _ = writeln!(out, "  +   {k}");
                }
                Entry::Changed(k, cs) => {
                    let _ = writeln!(out, "  ~ {} {k}", mark(cs.iter().any(|c| c.breaking)));
                    changes(&mut out, cs);
                }
            }
        }
    }

    let s = &report.schemas;
    if !(s.added.is_empty() && s.removed.is_empty() && s.changed.is_empty() && s.renamed.is_empty())
    {
        let _ = writeln!(out, "\n## schemas");
        for name in &s.removed {
            let _ = writeln!(out, "  - {} {name}", mark(true));
        }
        for name in &s.added {
            let _ = writeln!(out, "  +   {name}");
        }
        for r in &s.renamed {
            let _ = writeln!(out, "  > {} {}", mark(r.breaking), r.detail);
            changes(&mut out, &r.changes);
        }
        for c in &s.changed {
            let _ = writeln!(
                out,
                "  ~ {} {}",
                mark(c.changes.iter().any(|c| c.breaking)),
                c.schema
            );
            changes(&mut out, &c.changes);
        }
    }
    let _ = writeln!(out, "\nSummary: {}", report.summary());
    out
}

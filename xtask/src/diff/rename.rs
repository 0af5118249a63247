//! Pairing removed schemas with added ones that are the same type under a new name.
//!
//! Portainer renames types when Go packages move or typos get fixed
//! (`stacks.stackGitRedployPayload` became `stacks.stackGitRedeployPayload` in
//! 2.44.0, while its properties also went from camelCase to PascalCase and
//! gained two), so an exact-content rule would miss the renames that matter.
//!
//! # The rule
//!
//! For a removed schema `R` and an added schema `A`:
//!
//! * **content similarity** `C`: for objects, the Jaccard index of their
//!   property names compared ignoring case (shared / all); for schemas
//!   without properties, 1 when their type and enum values are equal, else 0;
//!   0 when only one of them has properties. Case is ignored because a
//!   camelCase-to-PascalCase flip is not a different type to an SDK user.
//! * **name similarity** `N`: 1 − (Levenshtein distance of the lower-cased
//!   names ÷ length of the longer name).
//! * **shared slot**: some place that exists in both specs (the same parameter,
//!   request or response body of the same operation, or the same property of
//!   a schema present in both) referenced `R` before and references `A` now.
//!
//! `R` → `A` is a candidate when `C ≥ 0.5` and at least one of: `N ≥ 0.75`;
//! a shared slot; `C = 1` with at least three properties or enum values (a
//! package move such as `portainer.X` to `portaineree.X` under a long prefix).
//! Candidates are ranked by `C + N` plus 1 for a shared slot, and matched
//! greedily best first, each schema used at most once, so one added schema
//! never absorbs several removed ones.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::schema::{Renames, describe, properties};
use crate::normalize::names::GO_NAME;

/// Content similarity below this is never a rename, whatever the names say.
const MIN_CONTENT: f64 = 0.5;
/// Names at least this close count as evidence on their own.
pub const MIN_NAME: f64 = 0.75;
/// Identical content with fewer parts than this is too generic to pair
/// without other evidence (many schemas are `{id, name}`).
const MIN_PARTS_FOR_CONTENT_ONLY: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub from: String,
    pub to: String,
    pub content: f64,
    pub name: f64,
    pub shared_slot: bool,
    /// The Go type both names stand for, when the pair was found by it.
    pub go_name: Option<String>,
}

/// Schemas whose Go type (recorded by the `stable-names` rule) is on both
/// sides under different names: the Rust type of that Go type was renamed.
pub fn same_go_type(
    old_schemas: &Map<String, Value>,
    new_schemas: &Map<String, Value>,
) -> Vec<Pair> {
    let go_name = |(name, schema): (&String, &Value)| {
        let go = schema.get(GO_NAME).and_then(Value::as_str)?;
        Some((go.to_owned(), name.clone()))
    };
    let new_by_go: BTreeMap<String, String> = new_schemas.iter().filter_map(go_name).collect();
    old_schemas
        .iter()
        .filter_map(go_name)
        .filter_map(|(go, from)| {
            let to = new_by_go.get(&go)?;
            (to != &from).then(|| {
                let (content, _) = content_similarity(&old_schemas[&from], &new_schemas[to]);
                Pair {
                    name: name_similarity(&from, to),
                    from,
                    to: to.clone(),
                    content,
                    shared_slot: false,
                    go_name: Some(go),
                }
            })
        })
        .collect()
}

/// The renames among `removed` × `added`, by the rule in the module documentation.
pub fn detect(
    old_schemas: &Map<String, Value>,
    new_schemas: &Map<String, Value>,
    removed: &[String],
    added: &[String],
    slot_evidence: &BTreeSet<(String, String)>,
) -> Vec<Pair> {
    let mut candidates = Vec::new();
    for r in removed {
        let Some(old) = old_schemas.get(r) else {
            continue;
        };
        for a in added {
            let Some(new) = new_schemas.get(a) else {
                continue;
            };
            let (content, parts) = content_similarity(old, new);
            if content < MIN_CONTENT {
                continue;
            }
            let name = name_similarity(r, a);
            let shared_slot = slot_evidence.contains(&(r.clone(), a.clone()));
            let identical = content >= 1.0 && parts >= MIN_PARTS_FOR_CONTENT_ONLY;
            if name >= MIN_NAME || shared_slot || identical {
                candidates.push(Pair {
                    go_name: None,
                    from: r.clone(),
                    to: a.clone(),
                    content,
                    name,
                    shared_slot,
                });
            }
        }
    }
    let score = |p: &Pair| p.content + p.name + if p.shared_slot { 1.0 } else { 0.0 };
    candidates.sort_by(|x, y| {
        score(y)
            .total_cmp(&score(x))
            .then_with(|| (&x.from, &x.to).cmp(&(&y.from, &y.to)))
    });
    let mut used_from = BTreeSet::new();
    let mut used_to = BTreeSet::new();
    let mut chosen = Vec::new();
    for p in candidates {
        if used_from.contains(&p.from) || used_to.contains(&p.to) {
            continue;
        }
        used_from.insert(p.from.clone());
        used_to.insert(p.to.clone());
        chosen.push(p);
    }
    chosen.sort_by(|x, y| x.from.cmp(&y.from));
    chosen
}

/// `C` of the rule, with the number of parts (properties or enum values) it
/// rests on.
fn content_similarity(old: &Value, new: &Value) -> (f64, usize) {
    match (properties(old), properties(new)) {
        (Some(op), Some(np)) => {
            let o: BTreeSet<String> = op.keys().map(|k| k.to_ascii_lowercase()).collect();
            let n: BTreeSet<String> = np.keys().map(|k| k.to_ascii_lowercase()).collect();
            let union = o.union(&n).count();
            if union == 0 {
                return (1.0, 0);
            }
            let shared = o.intersection(&n).count();
            (shared as f64 / union as f64, shared)
        }
        (None, None) => {
            let none = Renames::new();
            let enums = |v: &Value| v.get("enum").cloned().unwrap_or(Value::Null);
            let same = describe(old, &none) == describe(new, &none) && enums(old) == enums(new);
            let parts = old
                .get("enum")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            (if same { 1.0 } else { 0.0 }, parts)
        }
        _ => (0.0, 0),
    }
}

/// `N` of the rule.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - levenshtein(&a, &b) as f64 / longest as f64
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = prev[j] + usize::from(ca != cb);
            cur[j + 1] = substitution.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Which (old, new) schema-name pairs share a slot, from each side's slot map.
pub fn slot_evidence(
    old_slots: &BTreeMap<String, String>,
    new_slots: &BTreeMap<String, String>,
    removed: &BTreeSet<&str>,
    added: &BTreeSet<&str>,
) -> BTreeSet<(String, String)> {
    old_slots
        .iter()
        .filter_map(|(slot, r)| {
            let a = new_slots.get(slot)?;
            (removed.contains(r.as_str()) && added.contains(a.as_str()))
                .then(|| (r.clone(), a.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_similarity_of_the_redeploy_typo_fix_is_high() {
        let n = name_similarity(
            "stacks.stackGitRedployPayload",
            "stacks.stackGitRedeployPayload",
        );
        assert!(n > 0.95, "{n}");
        assert_eq!(name_similarity("abc", "abc"), 1.0);
        assert_eq!(name_similarity("abc", "xyz"), 0.0);
    }
}

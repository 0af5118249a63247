//! Operations: finding them, pairing them across versions, comparing their
//! parameters, request bodies and responses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::report::{Change, ChangeKind};
use super::schema::{self, Renames, describe, direct_ref, req_word};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `$ref` chains longer than this are cycles in a broken document.
const MAX_REF_HOPS: usize = 16;

pub struct Operation<'a> {
    pub method: String,
    pub path: String,
    pub item: &'a Value,
    pub op: &'a Value,
}

impl Operation<'_> {
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The first tag is the one generators and Portainer's docs group by.
    pub fn tag(&self) -> String {
        self.op
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
            .unwrap_or("(untagged)")
            .to_owned()
    }

    /// The key with every path placeholder blanked, so that `{id}` renamed to
    /// `{stackId}` still pairs the two operations.
    pub fn shape_key(&self) -> String {
        format!("{} {}", self.method, blank_placeholders(&self.path))
    }
}

fn blank_placeholders(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

fn placeholders(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect()
}

pub fn operations(doc: &Value) -> BTreeMap<String, Operation<'_>> {
    let mut out = BTreeMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let item = resolve(doc, item);
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let op = Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    item,
                    op,
                };
                out.insert(op.key(), op);
            }
        }
    }
    out
}

/// Follows local `$ref`s (parameters, request bodies, responses) to their
/// target; schema references are left alone because their name is the type.
pub fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..MAX_REF_HOPS {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return v;
        };
        let Some(target) = r.strip_prefix('#').and_then(|p| doc.pointer(p)) else {
            return v;
        };
        v = target;
    }
    v
}

struct Param<'a> {
    location: String,
    name: String,
    required: bool,
    schema: &'a Value,
}

/// Parameters keyed so that the same parameter pairs across versions: path
/// parameters by position in the template (their name is not on the wire),
/// headers by lower-cased name (HTTP header names are case-insensitive),
/// the rest by location and name.
fn parameters<'a>(doc: &'a Value, op: &Operation<'a>) -> BTreeMap<String, Param<'a>> {
    let mut out = BTreeMap::new();
    let slots = placeholders(&op.path);
    // Path-item parameters first so that the operation's own override them.
    for list in [op.item.get("parameters"), op.op.get("parameters")] {
        for p in list.and_then(Value::as_array).into_iter().flatten() {
            let p = resolve(doc, p);
            let (Some(location), Some(name)) = (
                p.get("in").and_then(Value::as_str),
                p.get("name").and_then(Value::as_str),
            ) else {
                continue;
            };
            let key = match location {
                "path" => match slots.iter().position(|s| *s == name) {
                    Some(i) => format!("path #{i}"),
                    None => format!("path {name}"),
                },
                "header" => format!("header {}", name.to_ascii_lowercase()),
                _ => format!("{location} {name}"),
            };
            let schema = p
                .get("schema")
                .or_else(|| {
                    p.get("content")
                        .and_then(Value::as_object)
                        .and_then(|c| c.values().next())
                        .and_then(|m| m.get("schema"))
                })
                .unwrap_or(&Value::Null);
            out.insert(
                key,
                Param {
                    location: location.to_owned(),
                    name: name.to_owned(),
                    required: location == "path"
                        || p.get("required").and_then(Value::as_bool).unwrap_or(false),
                    schema,
                },
            );
        }
    }
    out
}

/// Everything that differs between one operation's two versions.
pub fn compare(
    old_doc: &Value,
    new_doc: &Value,
    old: &Operation<'_>,
    new: &Operation<'_>,
    renames: &Renames,
) -> Vec<Change> {
    let mut out = Vec::new();
    if old.path != new.path {
        // Each placeholder is a builder setter named after it in snake_case.
        let setters = |path: &str| -> Vec<String> {
            placeholders(path)
                .into_iter()
                .map(crate::generate::operations::method_name)
                .collect()
        };
        out.push(change(
            ChangeKind::PathParameterRenamed,
            setters(&old.path) != setters(&new.path),
            format!("path {} -> {}", old.path, new.path),
            "path",
            Some(old.path.clone()),
            Some(new.path.clone()),
        ));
    }
    compare_parameters(old_doc, new_doc, old, new, renames, &mut out);
    compare_request(old_doc, new_doc, old, new, renames, &mut out);
    compare_responses(old_doc, new_doc, old, new, renames, &mut out);
    out
}

fn change(
    kind: ChangeKind,
    breaking: bool,
    detail: String,
    subject: &str,
    old: Option<String>,
    new: Option<String>,
) -> Change {
    Change {
        kind,
        breaking,
        detail,
        subject: subject.to_owned(),
        old,
        new,
    }
}

fn compare_parameters(
    old_doc: &Value,
    new_doc: &Value,
    old: &Operation<'_>,
    new: &Operation<'_>,
    renames: &Renames,
    out: &mut Vec<Change>,
) {
    let mut op = parameters(old_doc, old);
    let mut np = parameters(new_doc, new);
    // A query or cookie parameter whose name changed only in case is the same
    // parameter to the SDK (one snake_case argument), so pair it up front.
    let unpaired_old: Vec<String> = op
        .keys()
        .filter(|k| !np.contains_key(*k))
        .cloned()
        .collect();
    for key in unpaired_old {
        let matches: Vec<String> = np
            .keys()
            .filter(|k| !op.contains_key(*k) && k.eq_ignore_ascii_case(&key))
            .cloned()
            .collect();
        if let [only] = matches.as_slice() {
            let (Some(o), Some(n)) = (op.remove(&key), np.remove(only)) else {
                continue;
            };
            out.push(change(
                ChangeKind::ParameterRenamedCase,
                false,
                format!(
                    "{} parameter {} renamed to {} (case only)",
                    o.location, o.name, n.name
                ),
                &format!("{} {}", n.location, n.name),
                Some(o.name.clone()),
                Some(n.name.clone()),
            ));
            op.insert(only.clone(), o);
            np.insert(only.clone(), n);
        }
    }
    for (key, o) in &op {
        let subject = format!("{} {}", o.location, o.name);
        let Some(n) = np.get(key) else {
            out.push(change(
                ChangeKind::ParameterRemoved,
                true,
                format!("{} parameter {} removed", o.location, o.name),
                &subject,
                Some(describe(o.schema, renames)),
                None,
            ));
            continue;
        };
        let subject = format!("{} {}", n.location, n.name);
        if o.required != n.required {
            out.push(change(
                ChangeKind::ParameterRequiredChanged,
                n.required,
                format!(
                    "{} parameter {} {} -> {}",
                    n.location,
                    n.name,
                    req_word(o.required),
                    req_word(n.required)
                ),
                &subject,
                Some(req_word(o.required).to_owned()),
                Some(req_word(n.required).to_owned()),
            ));
        }
        let (ot, nt) = (
            describe(o.schema, renames),
            describe(n.schema, &Renames::new()),
        );
        if ot != nt {
            out.push(change(
                ChangeKind::ParameterTypeChanged,
                true,
                format!("{} parameter {}: type {ot} -> {nt}", n.location, n.name),
                &subject,
                Some(ot),
                Some(nt),
            ));
        }
    }
    for (key, n) in &np {
        if op.contains_key(key) {
            continue;
        }
        out.push(change(
            ChangeKind::ParameterAdded,
            n.required,
            format!(
                "{} {} parameter {} added ({})",
                req_word(n.required),
                n.location,
                n.name,
                describe(n.schema, &Renames::new())
            ),
            &format!("{} {}", n.location, n.name),
            None,
            Some(describe(n.schema, &Renames::new())),
        ));
    }
}

fn content(v: &Value) -> Option<&Map<String, Value>> {
    v.get("content").and_then(Value::as_object)
}

fn compare_request(
    old_doc: &Value,
    new_doc: &Value,
    old: &Operation<'_>,
    new: &Operation<'_>,
    renames: &Renames,
    out: &mut Vec<Change>,
) {
    let ob = old.op.get("requestBody").map(|b| resolve(old_doc, b));
    let nb = new.op.get("requestBody").map(|b| resolve(new_doc, b));
    let required = |b: &Value| b.get("required").and_then(Value::as_bool).unwrap_or(false);
    match (ob, nb) {
        (None, None) => {}
        (None, Some(n)) => out.push(change(
            ChangeKind::RequestBodyAdded,
            required(n),
            format!("{} request body added", req_word(required(n))),
            "request body",
            None,
            Some(media_summary(n)),
        )),
        (Some(o), None) => out.push(change(
            ChangeKind::RequestBodyRemoved,
            true,
            "request body removed".to_owned(),
            "request body",
            Some(media_summary(o)),
            None,
        )),
        (Some(o), Some(n)) => {
            if required(o) != required(n) {
                out.push(change(
                    ChangeKind::RequestBodyRequiredChanged,
                    required(n),
                    format!(
                        "request body {} -> {}",
                        req_word(required(o)),
                        req_word(required(n))
                    ),
                    "request body",
                    Some(req_word(required(o)).to_owned()),
                    Some(req_word(required(n)).to_owned()),
                ));
            }
            let kinds = MediaKinds {
                added: ChangeKind::RequestContentTypeAdded,
                removed: ChangeKind::RequestContentTypeRemoved,
                retyped: ChangeKind::RequestBodyTypeChanged,
                label: "request".to_owned(),
                breaks: true,
            };
            compare_media(content(o), content(n), &kinds, renames, out);
        }
    }
}

fn media_summary(body: &Value) -> String {
    match content(body) {
        Some(c) => c.keys().cloned().collect::<Vec<_>>().join(", "),
        None => "no content".to_owned(),
    }
}

struct MediaKinds {
    added: ChangeKind,
    removed: ChangeKind,
    retyped: ChangeKind,
    /// `request` or `response 200`, the start of every subject.
    label: String,
    /// False for error responses, whose changes are not breaking.
    breaks: bool,
}

/// Media types on both sides, and the schema under each shared one. When each
/// side has exactly one media type and they differ (`text/plain` to
/// `application/json`), the two schemas are still compared with each other:
/// that is the same body sent a new way.
fn compare_media(
    old: Option<&Map<String, Value>>,
    new: Option<&Map<String, Value>>,
    kinds: &MediaKinds,
    renames: &Renames,
    out: &mut Vec<Change>,
) {
    let empty = Map::new();
    let (old, new) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut pairs: Vec<(&str, &str)> = old
        .keys()
        .filter(|m| new.contains_key(*m))
        .map(|m| (m.as_str(), m.as_str()))
        .collect();
    if pairs.is_empty()
        && let (1, 1, Some(o), Some(n)) =
            (old.len(), new.len(), old.keys().next(), new.keys().next())
    {
        pairs.push((o.as_str(), n.as_str()));
    }
    let paired_old: BTreeSet<&str> = pairs.iter().map(|p| p.0).collect();
    let paired_new: BTreeSet<&str> = pairs.iter().map(|p| p.1).collect();
    for m in old.keys().filter(|m| !paired_old.contains(m.as_str())) {
        out.push(change(
            kinds.removed,
            kinds.breaks,
            format!("{}: content type {m} removed", kinds.label),
            &format!("{} {m}", kinds.label),
            Some(m.clone()),
            None,
        ));
    }
    for m in new.keys().filter(|m| !paired_new.contains(m.as_str())) {
        out.push(change(
            kinds.added,
            false,
            format!("{}: content type {m} added", kinds.label),
            &format!("{} {m}", kinds.label),
            None,
            Some(m.clone()),
        ));
    }
    for (om, nm) in pairs {
        let subject = format!("{} {nm}", kinds.label);
        if om != nm {
            out.push(change(
                kinds.removed,
                kinds.breaks,
                format!("{}: content type {om} replaced by {nm}", kinds.label),
                &subject,
                Some(om.to_owned()),
                Some(nm.to_owned()),
            ));
        }
        let null = Value::Null;
        let os = old[om].get("schema").unwrap_or(&null);
        let ns = new[nm].get("schema").unwrap_or(&null);
        let mut inner = Vec::new();
        schema::compare(os, ns, kinds.retyped, renames, &mut inner);
        for mut c in inner {
            c.detail = format!("{subject}: {}", c.detail);
            c.subject = if c.subject == "(whole value)" {
                subject.clone()
            } else {
                format!("{subject}: {}", c.subject)
            };
            c.breaking &= kinds.breaks;
            out.push(c);
        }
    }
}

fn is_success(code: &str) -> bool {
    code.starts_with('2')
}

fn compare_responses(
    old_doc: &Value,
    new_doc: &Value,
    old: &Operation<'_>,
    new: &Operation<'_>,
    renames: &Renames,
    out: &mut Vec<Change>,
) {
    let empty = Map::new();
    let or = old
        .op
        .get("responses")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let nr = new
        .op
        .get("responses")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for code in or.keys().filter(|c| !nr.contains_key(*c)) {
        out.push(change(
            ChangeKind::ResponseRemoved,
            is_success(code),
            format!("response {code} removed"),
            &format!("response {code}"),
            Some(code.clone()),
            None,
        ));
    }
    for code in nr.keys().filter(|c| !or.contains_key(*c)) {
        out.push(change(
            ChangeKind::ResponseAdded,
            false,
            format!("response {code} added"),
            &format!("response {code}"),
            None,
            Some(code.clone()),
        ));
    }
    for (code, o) in or {
        let Some(n) = nr.get(code) else { continue };
        let (o, n) = (resolve(old_doc, o), resolve(new_doc, n));
        let kinds = MediaKinds {
            added: ChangeKind::ResponseContentTypeAdded,
            removed: ChangeKind::ResponseContentTypeRemoved,
            retyped: ChangeKind::ResponseTypeChanged,
            label: format!("response {code}"),
            breaks: is_success(code),
        };
        compare_media(content(o), content(n), &kinds, renames, out);
    }
}

/// Every place in `doc` that names a schema directly, keyed so that the same
/// place has the same key in another version: operation parameters and
/// bodies, and the properties of named schemas.
pub fn slots(doc: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for op in operations(doc).into_values() {
        let key = op.shape_key();
        for (pk, p) in parameters(doc, &op) {
            if let Some(r) = direct_ref(p.schema) {
                out.insert(format!("{key} param {pk}"), r.to_owned());
            }
        }
        if let Some(body) = op.op.get("requestBody").map(|b| resolve(doc, b)) {
            for (m, media) in content(body).into_iter().flatten() {
                if let Some(r) = media.get("schema").and_then(direct_ref) {
                    out.insert(format!("{key} request {m}"), r.to_owned());
                }
            }
        }
        for (code, resp) in op
            .op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (m, media) in content(resolve(doc, resp)).into_iter().flatten() {
                if let Some(r) = media.get("schema").and_then(direct_ref) {
                    out.insert(format!("{key} response {code} {m}"), r.to_owned());
                }
            }
        }
    }
    for (name, s) in super::component_schemas(doc) {
        for (prop, ps) in schema::properties(s).into_iter().flatten() {
            if let Some(r) = direct_ref(ps) {
                out.insert(
                    format!("schema {name} . {}", prop.to_ascii_lowercase()),
                    r.to_owned(),
                );
            }
        }
    }
    out
}

//! Comparing two JSON Schemas (named component schemas and inline bodies alike).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::report::{Change, ChangeKind};

/// Inline objects nest; Portainer's go no deeper than a few levels, and the
/// bound keeps a self-similar document from running away.
const MAX_DEPTH: usize = 8;

/// Old schema names mapped to the new names they were renamed to, so that a
/// reference that merely follows a rename is not reported as a type change.
pub type Renames = BTreeMap<String, String>;

/// A schema's type as an SDK user sees it: a `$ref` counts as the name of the
/// schema it points to, because that is the Rust type the generator emits.
/// Descriptions, examples and titles are left out: they change no code.
pub fn describe(schema: &Value, renames: &Renames) -> String {
    describe_at(schema, renames, 0)
}

fn describe_at(schema: &Value, renames: &Renames, depth: usize) -> String {
    let Some(obj) = schema.as_object() else {
        return "any".to_owned();
    };
    if depth > MAX_DEPTH {
        return "…".to_owned();
    }
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let name = ref_name(r);
        return renames
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned());
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = obj.get(combinator).and_then(Value::as_array) {
            // swag wraps a lone `$ref` in `allOf` just to attach a description.
            if parts.len() == 1 && combinator == "allOf" && !obj.contains_key("properties") {
                return describe_at(&parts[0], renames, depth + 1);
            }
            let inner: Vec<String> = parts
                .iter()
                .map(|p| describe_at(p, renames, depth + 1))
                .collect();
            let sep = if combinator == "allOf" { " & " } else { " | " };
            return format!("{combinator}<{}>", inner.join(sep));
        }
    }
    let ty = obj.get("type").and_then(Value::as_str);
    match ty {
        Some("array") => {
            let items = obj.get("items").unwrap_or(&Value::Null);
            format!("array<{}>", describe_at(items, renames, depth + 1))
        }
        Some("object") | None if obj.contains_key("properties") => "object".to_owned(),
        Some("object") | None if obj.contains_key("additionalProperties") => {
            match obj.get("additionalProperties") {
                Some(v @ Value::Object(_)) => {
                    format!("map<{}>", describe_at(v, renames, depth + 1))
                }
                _ => "object".to_owned(),
            }
        }
        Some(t) => match obj.get("format").and_then(Value::as_str) {
            // The format picks the Rust type (i32 or i64, String or a byte
            // stream), so it is part of the type.
            Some(f) if !f.is_empty() => format!("{t}({f})"),
            _ => t.to_owned(),
        },
        None => "any".to_owned(),
    }
}

/// `#/components/schemas/portainer.Stack` → `portainer.Stack`. Only local
/// component references occur once a document is converted and normalized.
pub fn ref_name(r: &str) -> &str {
    r.strip_prefix("#/components/schemas/")
        .unwrap_or_else(|| r.rsplit('/').next().unwrap_or(r))
}

/// The named schema a slot points at directly (or as array items), if any:
/// the evidence [`super::rename`] uses to pair a removed schema with an added one.
pub fn direct_ref(schema: &Value) -> Option<&str> {
    let obj = schema.as_object()?;
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        return Some(ref_name(r));
    }
    if let Some([only]) = obj
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return direct_ref(only);
    }
    if obj.get("type").and_then(Value::as_str) == Some("array") {
        return obj.get("items").and_then(direct_ref);
    }
    None
}

/// An object schema's own properties. Properties merged in through `allOf`
/// are not gathered: a change there shows as a change of the referenced
/// schema, which is where the SDK's type changes too.
pub fn properties(schema: &Value) -> Option<&Map<String, Value>> {
    schema.get("properties")?.as_object()
}

fn required_set(schema: &Value) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn enum_values(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum")?.as_array()?;
    Some(values.iter().map(|v| v.to_string()).collect())
}

/// Appends every difference between `old` and `new` to `out`, calling a change
/// of the whole value `top_kind`. Named schemas referenced from inside are
/// compared by name only; their own differences are reported once, under the
/// schema. Old reference names go through `renames` first.
pub fn compare(
    old: &Value,
    new: &Value,
    top_kind: ChangeKind,
    renames: &Renames,
    out: &mut Vec<Change>,
) {
    compare_at(old, new, top_kind, renames, "", 0, out);
}

fn compare_at(
    old: &Value,
    new: &Value,
    top_kind: ChangeKind,
    renames: &Renames,
    path: &str,
    depth: usize,
    out: &mut Vec<Change>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let old_ty = describe(old, renames);
    let new_ty = describe(new, &Renames::new());
    let subject = if path.is_empty() {
        "(whole value)".to_owned()
    } else {
        path.to_owned()
    };
    if old_ty != new_ty {
        let (kind, what) = if path.is_empty() {
            (top_kind, "type".to_owned())
        } else {
            (
                ChangeKind::PropertyTypeChanged,
                format!("property {path}: type"),
            )
        };
        out.push(Change {
            kind,
            breaking: true,
            detail: format!("{what} {old_ty} -> {new_ty}"),
            subject,
            old: Some(old_ty),
            new: Some(new_ty),
        });
        return;
    }
    if let (Some(old_enum), Some(new_enum)) = (enum_values(old), enum_values(new)) {
        compare_enums(&old_enum, &new_enum, path, &subject, out);
    }
    if new_ty.starts_with("array<") {
        if let (Some(oi), Some(ni)) = (old.get("items"), new.get("items")) {
            compare_at(
                oi,
                ni,
                top_kind,
                renames,
                &format!("{path}[]"),
                depth + 1,
                out,
            );
        }
        return;
    }
    if new_ty.starts_with("map<") {
        if let (Some(ov), Some(nv)) = (
            old.get("additionalProperties"),
            new.get("additionalProperties"),
        ) {
            compare_at(
                ov,
                nv,
                top_kind,
                renames,
                &format!("{path}{{}}"),
                depth + 1,
                out,
            );
        }
        return;
    }
    if let (Some(op), Some(np)) = (properties(old), properties(new)) {
        let ctx = Ctx {
            top_kind,
            renames,
            path,
            depth,
        };
        compare_properties(old, new, op, np, &ctx, out);
    }
}

struct Ctx<'a> {
    top_kind: ChangeKind,
    renames: &'a Renames,
    path: &'a str,
    depth: usize,
}

fn compare_enums(old: &[String], new: &[String], path: &str, subject: &str, out: &mut Vec<Change>) {
    let at = if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    };
    for v in old.iter().filter(|v| !new.contains(v)) {
        out.push(Change {
            kind: ChangeKind::EnumValueRemoved,
            breaking: true,
            detail: format!("{at}enum value {v} removed"),
            subject: subject.to_owned(),
            old: Some(v.clone()),
            new: None,
        });
    }
    for v in new.iter().filter(|v| !old.contains(v)) {
        out.push(Change {
            kind: ChangeKind::EnumValueAdded,
            breaking: false,
            detail: format!("{at}enum value {v} added"),
            subject: subject.to_owned(),
            old: None,
            new: Some(v.clone()),
        });
    }
}

fn compare_properties(
    old: &Value,
    new: &Value,
    old_props: &Map<String, Value>,
    new_props: &Map<String, Value>,
    ctx: &Ctx<'_>,
    out: &mut Vec<Change>,
) {
    let path = ctx.path;
    let old_req = required_set(old);
    let new_req = required_set(new);
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };

    // Pair each old property with the new one of the same name, or failing
    // that with the only new one equal ignoring case that has no exact pair.
    let mut paired_new: BTreeSet<&str> = BTreeSet::new();
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let mut removed: Vec<&str> = Vec::new();
    for name in old_props.keys() {
        if new_props.contains_key(name) {
            pairs.push((name, name));
            paired_new.insert(name);
        }
    }
    for name in old_props.keys().filter(|n| !new_props.contains_key(*n)) {
        let candidates: Vec<&String> = new_props
            .keys()
            .filter(|n| {
                n.eq_ignore_ascii_case(name)
                    && !old_props.contains_key(*n)
                    && !paired_new.contains(n.as_str())
            })
            .collect();
        match candidates.as_slice() {
            [only] => {
                pairs.push((name, only));
                paired_new.insert(only);
            }
            _ => removed.push(name),
        }
    }

    for name in removed {
        out.push(Change {
            kind: ChangeKind::PropertyRemoved,
            breaking: true,
            detail: format!("property {} removed", join(name)),
            subject: join(name),
            old: Some(describe(&old_props[name], ctx.renames)),
            new: None,
        });
    }
    for (old_name, new_name) in pairs {
        let sub = join(new_name);
        if old_name != new_name {
            out.push(Change {
                kind: ChangeKind::PropertyRenamedCase,
                breaking: false,
                detail: format!(
                    "property {} renamed to {new_name} (case only)",
                    join(old_name)
                ),
                subject: sub.clone(),
                old: Some(old_name.to_owned()),
                new: Some(new_name.to_owned()),
            });
        }
        let was = old_req.contains(old_name);
        let is = new_req.contains(new_name);
        if was != is {
            out.push(Change {
                kind: ChangeKind::PropertyRequiredChanged,
                breaking: is,
                detail: format!(
                    "property {sub} {}",
                    if is {
                        "optional -> required"
                    } else {
                        "required -> optional"
                    }
                ),
                subject: sub.clone(),
                old: Some(req_word(was).to_owned()),
                new: Some(req_word(is).to_owned()),
            });
        }
        compare_at(
            &old_props[old_name],
            &new_props[new_name],
            ctx.top_kind,
            ctx.renames,
            &sub,
            ctx.depth + 1,
            out,
        );
    }
    for name in new_props
        .keys()
        .filter(|n| !paired_new.contains(n.as_str()))
    {
        let required = new_req.contains(name.as_str());
        let ty = describe(&new_props[name], &Renames::new());
        out.push(Change {
            kind: ChangeKind::PropertyAdded,
            breaking: required,
            detail: format!(
                "{} property {} added ({ty})",
                req_word(required),
                join(name)
            ),
            subject: join(name),
            old: None,
            new: Some(ty),
        });
    }
}

pub fn req_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

//! Stable names: component schemas renamed from Go's `package.Type` to the
//! name of the Rust type, so that one wire type keeps one Rust name across
//! releases and editions (`portaineree.Stack` in EE and `portainer.Stack` in
//! CE are both `Stack`; `stacks.stackGitRedeployPayload` is
//! `StackGitRedeployPayload`).
//!
//! A schema's name is its Go type name in typify's PascalCase. When several
//! schemas of one spec share that name, the one whose package comes first in
//! `prefer` (spec/names.toml) keeps it, or else the EE one of an EE/CE pair
//! of the same Go type (`portaineree.Registry` over `portainer.Registry`,
//! which becomes `CeRegistry`); the others get their package as a prefix.
//! `[names]` in the same file settles any case by hand.
//! Each renamed schema records its Go name under [`GO_NAME`], which the
//! generator and `cargo xtask diff` read back.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::generate::typify_name;

/// The extension that keeps a renamed schema's Go name (`portaineree.Stack`).
pub const GO_NAME: &str = "x-go-name";

/// The naming data of `spec/names.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameRules {
    /// Packages, best first, whose schema keeps the plain name when several
    /// schemas of a spec share it (`*` matches any run of characters).
    #[serde(default)]
    pub prefer: Vec<String>,
    /// The prefix of a CE schema whose EE twin (the same Go type in EE's
    /// mirror of its package) keeps the plain name.
    pub ce_prefix: String,
    /// The prefix a package's schemas get when they lose the plain name, by
    /// package pattern (default: the package's last words, e.g. `Edgestacks`).
    #[serde(default)]
    pub prefixes: BTreeMap<String, String>,
    /// Names chosen by hand, by Go name: they win over every rule.
    #[serde(default)]
    pub names: BTreeMap<String, String>,
}

impl NameRules {
    pub fn load() -> Result<NameRules> {
        let path = crate::workspace_root().join("spec/names.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// The Rust name of each Go schema name, by the rules above.
    pub fn assign<'a>(
        &self,
        go_names: impl IntoIterator<Item = &'a str>,
    ) -> Result<BTreeMap<String, String>> {
        let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        let mut out = BTreeMap::new();
        for go in go_names {
            if let Some(chosen) = self.names.get(go) {
                out.insert(go.to_owned(), chosen.clone());
            } else {
                groups.entry(typify_name(local(go))).or_default().push(go);
            }
        }
        for (plain, members) in groups {
            let preferred = self
                .prefer
                .iter()
                .find_map(|p| members.iter().find(|m| glob(p, package(m))).copied());
            let twins = match members.as_slice() {
                [a, b] if ce_twin(package(a)) == package(b) => Some((*a, *b)),
                [a, b] if ce_twin(package(b)) == package(a) => Some((*b, *a)),
                _ => None,
            };
            let winner = match members.as_slice() {
                [only] => Some(*only),
                _ => preferred.or(twins.map(|(ee, _)| ee)),
            };
            for go in members {
                let prefix = match twins {
                    Some((_, ce)) if ce == go => self.ce_prefix.clone(),
                    _ => self.prefix(package(go)),
                };
                let name = if Some(go) == winner {
                    plain.clone()
                } else {
                    typify_name(&format!("{prefix}{plain}"))
                };
                out.insert(go.to_owned(), name);
            }
        }
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (go, name) in &out {
            if let Some(other) = seen.insert(name, go) {
                bail!(
                    "schemas {other} and {go} would both be the Rust type {name}: \
                     name one of them in [names] of spec/names.toml"
                );
            }
        }
        Ok(out)
    }

    fn prefix(&self, package: &str) -> String {
        if let Some((_, p)) = self.prefixes.iter().find(|(pat, _)| glob(pat, package)) {
            return p.clone();
        }
        // `github_com_portainer_portainer-ee_api_http_handler_edgestacks`: the
        // words after the module path are the package as Go code names it.
        let short = ["_handler_", "_api_"]
            .iter()
            .find_map(|marker| package.rsplit_once(marker).map(|(_, rest)| rest))
            .unwrap_or(package);
        typify_name(short)
    }
}

/// The CE package an EE package mirrors: `portaineree` is `portainer`'s,
/// `.../portainer-ee_api_git_types` is `.../portainer_api_git_types`'s.
fn ce_twin(package: &str) -> String {
    if package == "portaineree" {
        return "portainer".into();
    }
    package.replace("portainer-ee_", "portainer_")
}

/// Whether `text` matches `pattern`, in which `*` stands for any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The Go type name, without its package.
fn local(go: &str) -> &str {
    go.rsplit_once('.').map_or(go, |(_, l)| l)
}

fn package(go: &str) -> &str {
    go.rsplit_once('.').map_or("", |(p, _)| p)
}

/// Renames the component schemas of `doc` to their stable names and rewrites
/// every reference to them. Returns how many schemas changed name.
pub fn stable_names(doc: &mut Value, rules: &NameRules) -> Result<usize> {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return Ok(0);
    };
    let names = rules.assign(schemas.keys().map(String::as_str))?;
    let mut renamed = Map::new();
    let mut count = 0;
    for (go, mut schema) in std::mem::take(schemas) {
        let name = names[&go].clone();
        if name != go {
            count += 1;
            if let Value::Object(s) = &mut schema {
                s.insert(GO_NAME.into(), Value::String(go));
            }
        }
        renamed.insert(name, schema);
    }
    *schemas = renamed;
    rewrite_refs(doc, &names);
    Ok(count)
}

const SCHEMA_REF: &str = "#/components/schemas/";

fn rewrite_refs(value: &mut Value, names: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    // `$ref`s, and the values of a discriminator's `mapping`.
                    Value::String(s) if key == "$ref" || s.starts_with(SCHEMA_REF) => {
                        if let Some(new) = s.strip_prefix(SCHEMA_REF).and_then(|go| names.get(go)) {
                            *s = format!("{SCHEMA_REF}{new}");
                        }
                    }
                    _ => rewrite_refs(v, names),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, names)),
        _ => {}
    }
}

/// The stable name the Go schema `go` got in a document `stable_names` ran on.
pub fn renamed<'a>(doc: &'a Value, go: &str) -> Option<&'a str> {
    let schemas = doc.pointer("/components/schemas")?.as_object()?;
    if schemas.get(go).is_some_and(|s| s.get(GO_NAME).is_none()) {
        return schemas.get_key_value(go).map(|(k, _)| k.as_str());
    }
    schemas
        .iter()
        .find(|(_, s)| s.get(GO_NAME).and_then(Value::as_str) == Some(go))
        .map(|(k, _)| k.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("portaineree", "portaineree"));
        assert!(!glob("portaineree", "portainer"));
        assert!(glob(
            "*portainer-ee_*",
            "github_com_portainer_portainer-ee_api_git_types"
        ));
        assert!(!glob(
            "*portainer-ee_*",
            "github_com_portainer_portainer_api_git_types"
        ));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXcYb"));
        assert!(glob("*x", "x"));
    }

    #[test]
    fn one_name_per_wire_type() {
        let rules = NameRules {
            prefer: vec!["kubernetes".into()],
            ce_prefix: "Ce".into(),
            prefixes: [("templates".to_owned(), "Tpl".to_owned())].into(),
            names: [("odd.Thing".to_owned(), "Chosen".to_owned())].into(),
        };
        let names = rules
            .assign([
                "portaineree.Stack",
                "portainer.Stack",
                "stacks.stackGitRedeployPayload",
                "github_com_portainer_portainer-ee_api_git_types.RepoConfig",
                "github_com_portainer_portainer_api_git_types.RepoConfig",
                "github_com_portainer_portainer_api_http_handler_edgejobs.fileResponse",
                "templates.fileResponse",
                "odd.Thing",
                "kubernetes.Pod",
                "models.Pod",
            ])
            .unwrap();
        let name = |go: &str| names[go].as_str();
        assert_eq!(name("portaineree.Stack"), "Stack");
        assert_eq!(name("portainer.Stack"), "CeStack");
        assert_eq!(
            name("stacks.stackGitRedeployPayload"),
            "StackGitRedeployPayload"
        );
        assert_eq!(
            name("github_com_portainer_portainer-ee_api_git_types.RepoConfig"),
            "RepoConfig"
        );
        assert_eq!(
            name("github_com_portainer_portainer_api_git_types.RepoConfig"),
            "CeRepoConfig"
        );
        // Neither package is preferred: both keep a prefix.
        assert_eq!(
            name("github_com_portainer_portainer_api_http_handler_edgejobs.fileResponse"),
            "EdgejobsFileResponse"
        );
        assert_eq!(name("templates.fileResponse"), "TplFileResponse");
        assert_eq!(name("odd.Thing"), "Chosen");
        assert_eq!(name("kubernetes.Pod"), "Pod");
        assert_eq!(name("models.Pod"), "ModelsPod");
    }

    #[test]
    fn a_clash_left_names_both_schemas() {
        let err = NameRules::default()
            .assign(["a.X", "b.X", "BX"])
            .unwrap_err()
            .to_string();
        // `BX` is the Rust type `Bx`, as is `b.X` with its package as prefix.
        assert!(err.contains("BX") && err.contains("b.X"), "{err}");
    }
}

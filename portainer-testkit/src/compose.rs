//! The services of a Compose file, as far as the fake needs them: which
//! containers a deployment starts, and whether they have a healthcheck.

use serde_yaml_ng::Value;

/// One service of a Compose file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ComposeService {
    pub name: String,
    pub image: String,
    pub healthcheck: bool,
    pub replicas: u32,
    pub tty: bool,
    /// The service's YAML, to tell which services an update changes.
    pub definition: String,
}

/// Reads the services of `content`, in file order. The error is the text a
/// failed `docker compose up` would carry.
pub(crate) fn services(project: &str, content: &str) -> Result<Vec<ComposeService>, String> {
    let doc: Value = serde_yaml_ng::from_str(content).map_err(|e| format!("yaml: {e}"))?;
    let services = match doc.get("services") {
        Some(Value::Mapping(m)) => m,
        Some(_) => return Err("services must be a mapping".into()),
        None => return Err("no service selected".into()),
    };
    let mut out = Vec::new();
    for (key, def) in services {
        let name = match key {
            Value::String(s) => s.clone(),
            other => return Err(format!("service name {other:?} is not a string")),
        };
        let image = match def.get("image") {
            Some(Value::String(s)) => s.clone(),
            _ if def.get("build").is_some() => format!("{project}-{name}"),
            _ => {
                return Err(format!(
                    "service {name:?} has neither an image nor a build context specified"
                ));
            }
        };
        let healthcheck = match def.get("healthcheck") {
            None => false,
            Some(h) => {
                let disabled = h.get("disable").and_then(Value::as_bool).unwrap_or(false);
                let none = match h.get("test") {
                    Some(Value::Sequence(s)) => s.first().and_then(Value::as_str) == Some("NONE"),
                    Some(Value::String(s)) => s == "NONE",
                    _ => false,
                };
                !disabled && !none
            }
        };
        let replicas = def
            .get("deploy")
            .and_then(|d| d.get("replicas"))
            .and_then(Value::as_u64)
            .map(|n| n.min(64) as u32)
            .unwrap_or(1);
        let tty = def.get("tty").and_then(Value::as_bool).unwrap_or(false);
        let definition = serde_yaml_ng::to_string(def).unwrap_or_default();
        out.push(ComposeService {
            name,
            image,
            healthcheck,
            replicas,
            tty,
            definition,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_services() {
        let s = services(
            "web",
            "services:\n  api:\n    image: nginx\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n  db:\n    build: .\n    deploy:\n      replicas: 2\n",
        )
        .unwrap();
        assert_eq!(s.len(), 2);
        assert!(s[0].healthcheck);
        assert_eq!(s[1].image, "web-db");
        assert_eq!(s[1].replicas, 2);
    }

    #[test]
    fn refuses_what_compose_refuses() {
        assert!(services("w", "services: [").is_err());
        assert!(services("w", "version: '3'\n").is_err());
        assert!(services("w", "services:\n  a: {}\n").is_err());
    }
}

//! `--environment ID|NAME`, and `portainer env ls`.

use portainer_sdk::EnvironmentKind;
use portainer_sdk::models::EndpointResponse;

use crate::Session;
use crate::failure::{Failure, OrFail};

/// An environment as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given {
    Id(i64),
    Name(String),
}

impl Given {
    /// A positive number is an id, anything else a name.
    pub fn parse(text: &str) -> Result<Self, Failure> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Failure::usage("--environment needs an id or a name"));
        }
        Ok(match text.parse::<i64>() {
            Ok(id) if id > 0 => Given::Id(id),
            _ => Given::Name(text.to_owned()),
        })
    }
}

/// The environment id for `--environment`, when given.
pub async fn optional(s: &Session, given: Option<&str>) -> Result<Option<i64>, Failure> {
    match given {
        None => Ok(None),
        Some(text) => id_of(s, Given::parse(text)?).await.map(Some),
    }
}

/// The environment a deploy goes to: `--environment`, or else the only
/// environment the key's user has.
pub async fn required(s: &Session, given: Option<&str>) -> Result<i64, Failure> {
    if let Some(text) = given {
        return id_of(s, Given::parse(text)?).await;
    }
    let all = s
        .client
        .environments()
        .list()
        .send()
        .await
        .or_fail(&s.ctx)?;
    match all.as_slice() {
        [only] => Ok(only.id.unwrap_or_default()),
        [] => Err(Failure::failed(
            "the key's user has no environment: add one in Portainer, or use a key of a \
             user who has access to one",
        )),
        several => Err(Failure::usage(format!(
            "there are {} environments ({}): choose one with --environment ID|NAME",
            several.len(),
            several.iter().map(label).collect::<Vec<_>>().join(", ")
        ))),
    }
}

async fn id_of(s: &Session, given: Given) -> Result<i64, Failure> {
    match given {
        Given::Id(id) => Ok(id),
        Given::Name(name) => match s.client.environments().find(&name).await.or_fail(&s.ctx)? {
            Some(env) => Ok(env.id.unwrap_or_default()),
            None => Err(Failure::failed(format!(
                "no environment is named {name:?} (`portainer env ls` lists them)"
            ))),
        },
    }
}

/// `portainer env ls`.
pub async fn ls(s: &Session) -> Result<(), Failure> {
    let all = s
        .client
        .environments()
        .list()
        .send()
        .await
        .or_fail(&s.ctx)?;
    if s.out.is_json() {
        return s.out.json(&all);
    }
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|e| {
            vec![
                e.id.map(|i| i.to_string()).unwrap_or_default(),
                e.name.as_deref().unwrap_or_default().to_owned(),
                kind_name(EnvironmentKind::from(e)),
                status(e),
                e.url.as_deref().unwrap_or_default().to_owned(),
            ]
        })
        .collect();
    s.out.table(&["ID", "NAME", "KIND", "STATUS", "URL"], &rows)
}

/// `2 (production)`.
fn label(e: &EndpointResponse) -> String {
    format!(
        "{} ({})",
        e.id.unwrap_or_default(),
        e.name.as_deref().unwrap_or_default()
    )
}

fn kind_name(kind: EnvironmentKind) -> String {
    match kind {
        EnvironmentKind::DockerStandalone => "docker standalone".into(),
        EnvironmentKind::DockerSwarm => "docker swarm".into(),
        EnvironmentKind::EdgeDockerStandalone => "edge docker standalone".into(),
        EnvironmentKind::EdgeDockerSwarm => "edge docker swarm".into(),
        EnvironmentKind::Kubernetes => "kubernetes".into(),
        EnvironmentKind::EdgeKubernetes => "edge kubernetes".into(),
        EnvironmentKind::Azure => "azure".into(),
        EnvironmentKind::Unknown(t) => format!("type {t}"),
        other => format!("{other:?}"),
    }
}

/// api/portainer.go: `EndpointStatusUp` = 1, `EndpointStatusDown`.
fn status(e: &EndpointResponse) -> String {
    match e.status.as_ref().map(|s| s.0) {
        Some(1) => "up".into(),
        Some(2) => "down".into(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names() {
        assert_eq!(Given::parse("3").unwrap(), Given::Id(3));
        assert_eq!(Given::parse(" prod ").unwrap(), Given::Name("prod".into()));
        assert_eq!(Given::parse("0").unwrap(), Given::Name("0".into()));
        assert!(Given::parse(" ").is_err());
    }
}

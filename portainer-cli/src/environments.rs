//! `--environment ID|NAME`, and `portainer env ls`.

use crate::Session;
use crate::failure::Failure;

/// An environment as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given {
    Id(i64),
    Name(String),
}

impl Given {
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

/// The environment a deploy goes to: `--environment`, or the only one.
pub async fn required(s: &Session, given: Option<&str>) -> Result<i64, Failure> {
    match given {
        Some(text) => id_of(s, Given::parse(text)?).await,
        None => Err(Failure::usage(
            "give the environment with --environment ID (finding the only environment \
             needs client.environments(), issue 19)",
        )),
    }
}

async fn id_of(_s: &Session, given: Given) -> Result<i64, Failure> {
    match given {
        Given::Id(id) => Ok(id),
        Given::Name(name) => Err(Failure::usage(format!(
            "--environment {name:?}: environments by name need client.environments() \
             (issue 19); give the id"
        ))),
    }
}

/// `portainer env ls`.
pub async fn ls(_s: &Session) -> Result<(), Failure> {
    Err(Failure::failed(
        "env ls needs client.environments() (issue 19)",
    ))
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

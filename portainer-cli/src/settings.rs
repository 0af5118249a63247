//! `portainer settings get [KEY]` and `portainer settings set KEY=VALUE...`,
//! typed by the settings models.

use portainer_sdk::models::{Settings, SettingsUpdatePayload};
use serde_json::{Map, Value};

use crate::Session;
use crate::failure::{Failure, OrFail};
use crate::output::{cell, render_table};

/// `portainer settings get [KEY]`: all settings, or the one named (its
/// JSON name, in any case).
pub async fn get(s: &Session, key: Option<String>) -> Result<(), Failure> {
    let settings = s.client.settings().get().await.or_fail(&s.ctx)?;
    let Some(key) = key else {
        if s.out.is_json() {
            return s.out.json(&settings);
        }
        let rows: Vec<Vec<String>> = as_object(&settings)?
            .iter()
            .map(|(k, v)| vec![k.clone(), cell(v)])
            .collect();
        return s.out.text(&render_table(&["KEY", "VALUE"], &rows));
    };
    let object = as_object(&settings)?;
    let found = object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(&key))
        .map(|(_, v)| v.clone());
    let value = match found {
        Some(v) => v,
        // A field of the model the server did not send.
        None if Settings::FIELDS
            .iter()
            .any(|f| f.eq_ignore_ascii_case(&key)) =>
        {
            Value::Null
        }
        None => {
            let mut valid: Vec<&str> = Settings::FIELDS
                .iter()
                .copied()
                .chain(object.keys().map(String::as_str))
                .collect();
            valid.sort_unstable();
            valid.dedup();
            return Err(Failure::usage(format!(
                "unknown setting {key:?}; the settings are: {}",
                valid.join(", ")
            )));
        }
    };
    if s.out.is_json() {
        return s.out.json(&value);
    }
    s.out.text(&cell(&value))
}

/// `portainer settings set KEY=VALUE...`: one update with every assignment;
/// prints the keys set, as the server now has them.
pub async fn set(s: &Session, assignments: &[String]) -> Result<(), Failure> {
    let (patch, keys) = patch(assignments)?;
    let updated = s.client.settings().update(patch).await.or_fail(&s.ctx)?;
    if s.out.is_json() {
        return s.out.json(&updated);
    }
    let object = as_object(&updated)?;
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|k| vec![k.clone(), object.get(k).map(cell).unwrap_or_default()])
        .collect();
    s.out.text(&render_table(&["KEY", "VALUE"], &rows))
}

/// The update for `KEY=VALUE` arguments, and the keys (JSON names) it sets.
/// A key must be a field of `SettingsUpdatePayload` (in any case); a value
/// is read as JSON when that fits the field's type (`5`, `true`,
/// `{"AsyncMode": true}`), as text otherwise (`10m`).
pub fn patch(assignments: &[String]) -> Result<(SettingsUpdatePayload, Vec<String>), Failure> {
    let mut object = Map::new();
    let mut keys = Vec::new();
    for item in assignments {
        let Some((key, text)) = item.split_once('=') else {
            return Err(Failure::usage(format!(
                "{item:?} is not KEY=VALUE (e.g. SnapshotInterval=10m)"
            )));
        };
        let key = key.trim();
        let Some(field) = SettingsUpdatePayload::FIELDS
            .iter()
            .find(|f| f.eq_ignore_ascii_case(key))
        else {
            return Err(Failure::usage(format!(
                "unknown setting {key:?}; the settings that can be set are: {}",
                SettingsUpdatePayload::FIELDS.join(", ")
            )));
        };
        let value = typed(field, text)?;
        object.insert((*field).to_owned(), value);
        if !keys.iter().any(|k| k == field) {
            keys.push((*field).to_owned());
        }
    }
    let patch = decode(Value::Object(object)).map_err(Failure::usage)?;
    Ok((patch, keys))
}

/// The JSON value of `text` for `field`: JSON if the field takes it, else
/// the text as a string; an error says what the field takes.
fn typed(field: &str, text: &str) -> Result<Value, Failure> {
    let mut candidates = Vec::with_capacity(2);
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        candidates.push(v);
    }
    candidates.push(Value::String(text.to_owned()));
    let mut first_error = None;
    for candidate in candidates {
        let mut one = Map::new();
        one.insert(field.to_owned(), candidate.clone());
        match decode(Value::Object(one)) {
            Ok(_) => return Ok(candidate),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(Failure::usage(format!(
        "{field}={text}: {}",
        first_error.unwrap_or_default()
    )))
}

/// Decodes a patch, refusing keys the model does not have at any depth
/// (its decoders skip them, which would drop them silently).
fn decode(value: Value) -> Result<SettingsUpdatePayload, String> {
    let mut unknown = Vec::new();
    let patch: SettingsUpdatePayload =
        serde_ignored::deserialize(value, |path| unknown.push(path_text(&path)))
            .map_err(|e| e.to_string())?;
    if !unknown.is_empty() {
        return Err(format!(
            "{} {} not in the settings model",
            unknown.join(", "),
            if unknown.len() == 1 { "is" } else { "are" }
        ));
    }
    Ok(patch)
}

/// `Edge.MTLS.Foo`, `BlackListedLabels[0].x`: the path without serde_ignored's
/// `?` for options and newtypes.
fn path_text(path: &serde_ignored::Path) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", path_text(parent)),
        Path::Map { parent, key } => match path_text(parent) {
            p if p.is_empty() => key.clone(),
            p => format!("{p}.{key}"),
        },
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => path_text(parent),
    }
}

fn as_object<T: serde::Serialize>(model: &T) -> Result<Map<String, Value>, Failure> {
    match serde_json::to_value(model) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err(Failure::failed(format!("cannot read the settings: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn values_take_the_type_of_their_field() {
        let (p, keys) = patch(&args(&[
            "SnapshotInterval=10m",
            "edgeagentcheckininterval=30",
            "TrustOnFirstConnect=true",
            "UserSessionTimeout=8",
            "Edge={\"AsyncMode\": true}",
        ]))
        .unwrap();
        assert_eq!(p.snapshot_interval.as_deref(), Some("10m"));
        assert_eq!(p.edge_agent_checkin_interval, Some(30));
        assert_eq!(p.trust_on_first_connect, Some(true));
        // A string field given a number keeps the text.
        assert_eq!(p.user_session_timeout.as_deref(), Some("8"));
        assert_eq!(p.edge.and_then(|e| e.async_mode), Some(true));
        assert_eq!(
            keys,
            [
                "SnapshotInterval",
                "EdgeAgentCheckinInterval",
                "TrustOnFirstConnect",
                "UserSessionTimeout",
                "Edge"
            ]
        );
    }

    #[test]
    fn unknown_keys_are_refused_with_the_valid_ones() {
        let e = patch(&args(&["SnapshotIntervall=10m"])).unwrap_err();
        assert!(e.message.contains("unknown setting \"SnapshotIntervall\""));
        assert!(e.message.contains("SnapshotInterval,"), "{}", e.message);
        let nested = patch(&args(&["Edge={\"AsyncMod\": true}"])).unwrap_err();
        assert!(
            nested
                .message
                .contains("Edge.AsyncMod is not in the settings model"),
            "{}",
            nested.message
        );
    }

    #[test]
    fn wrong_types_say_what_the_field_takes() {
        let e = patch(&args(&["EdgeAgentCheckinInterval=often"])).unwrap_err();
        assert!(
            e.message
                .starts_with("EdgeAgentCheckinInterval=often: invalid type: string \"often\""),
            "{}",
            e.message
        );
        assert!(patch(&args(&["SnapshotInterval"])).is_err());
    }
}

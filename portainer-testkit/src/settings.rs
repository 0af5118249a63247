//! Portainer settings: `GET /api/settings` and `PUT /api/settings`
//! (administrators only) and `GET /api/settings/public`
//! (api/http/handler/settings/).

use serde_json::{Map, Value, json};

use crate::payload::Payload;
use crate::state::State;
use crate::wire::{HandlerError, HandlerResult, Reply};

/// The settings a new Portainer stores (api/datastore/init.go:
/// `checkOrCreateDefaultSettings`).
pub(crate) fn defaults() -> Map<String, Value> {
    let v = json!({
        "LogoURL": "",
        "BlackListedLabels": [],
        "AuthenticationMethod": 1,
        "InternalAuthSettings": {"RequiredPasswordLength": 12},
        "LDAPSettings": {
            "AnonymousMode": true, "ReaderDN": "", "Password": "", "URL": "",
            "TLSConfig": {"TLS": false, "TLSSkipVerify": false},
            "StartTLS": false,
            "SearchSettings": [{"BaseDN": "", "Filter": "", "UserNameAttribute": ""}],
            "GroupSearchSettings": [{"GroupBaseDN": "", "GroupFilter": "", "GroupAttribute": ""}],
            "AutoCreateUsers": true
        },
        "OAuthSettings": {
            "ClientID": "", "ClientSecret": "", "AccessTokenURI": "", "AuthorizationURI": "",
            "ResourceURI": "", "RedirectURI": "", "UserIdentifier": "", "Scopes": "",
            "OAuthAutoCreateUsers": false, "DefaultTeamID": 0, "SSO": true, "LogoutURI": "",
            "KubeSecretKey": null, "AuthStyle": 0
        },
        "openAMTConfiguration": {"enabled": false, "mpsServer": "", "mpsUser": "", "mpsPassword": "", "mpsToken": "", "certFileName": "", "certFileContent": "", "certFilePassword": "", "domainName": ""},
        "FeatureFlagSettings": null,
        "SnapshotInterval": "5m",
        "TemplatesURL": "",
        "GlobalDeploymentOptions": {"hideStacksFunctionality": false},
        "EdgeAgentCheckinInterval": 5,
        "EnableEdgeComputeFeatures": false,
        "UserSessionTimeout": "8h",
        "KubeconfigExpiry": "0",
        "EnableTelemetry": false,
        "HelmRepositoryURL": "https://charts.bitnami.com/bitnami",
        "KubectlShellImage": "portainer/kubectl-shell",
        "TrustOnFirstConnect": false,
        "EnforceEdgeID": false,
        "AgentSecret": "",
        "EdgePortainerUrl": "",
        "Edge": {"CommandInterval": 0, "PingInterval": 0, "SnapshotInterval": 0}
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// settings/handler.go `hideFields`: secrets never leave the server.
fn hidden(settings: &Map<String, Value>) -> Value {
    let mut s = settings.clone();
    if let Some(Value::Object(ldap)) = s.get_mut("LDAPSettings") {
        ldap.insert("Password".into(), json!(""));
    }
    if let Some(Value::Object(oauth)) = s.get_mut("OAuthSettings") {
        oauth.insert("ClientSecret".into(), json!(""));
        oauth.insert("KubeSecretKey".into(), Value::Null);
    }
    Value::Object(s)
}

/// `GET /api/settings` (settings_inspect.go).
pub(crate) fn inspect(state: &State) -> HandlerResult {
    Ok(Reply::Json(hidden(&state.settings)))
}

/// `GET /api/settings/public` (settings_public.go: `generatePublicSettings`).
pub(crate) fn public(state: &State) -> HandlerResult {
    let s = &state.settings;
    let get = |k: &str| s.get(k).cloned().unwrap_or(Value::Null);
    let edge = s.get("Edge").cloned().unwrap_or(json!({}));
    Ok(Reply::Json(json!({
        "LogoURL": get("LogoURL"),
        "AuthenticationMethod": get("AuthenticationMethod"),
        "RequiredPasswordLength": s.get("InternalAuthSettings").and_then(|i| i.get("RequiredPasswordLength")).cloned().unwrap_or(json!(12)),
        "GlobalDeploymentOptions": get("GlobalDeploymentOptions"),
        "EnableEdgeComputeFeatures": get("EnableEdgeComputeFeatures"),
        "Features": {},
        "OAuthLoginURI": "",
        "OAuthLogoutURI": "",
        "EnableTelemetry": get("EnableTelemetry"),
        "KubeconfigExpiry": get("KubeconfigExpiry"),
        "TeamSync": false,
        "IsAMTEnabled": false,
        "Edge": {
            "PingInterval": edge.get("PingInterval").cloned().unwrap_or(json!(0)),
            "SnapshotInterval": edge.get("SnapshotInterval").cloned().unwrap_or(json!(0)),
            "CommandInterval": edge.get("CommandInterval").cloned().unwrap_or(json!(0)),
            "CheckinInterval": get("EdgeAgentCheckinInterval"),
        },
        "IsDockerDesktopExtension": false,
    })))
}

/// `PUT /api/settings` (settings_update.go): a partial update; only the
/// fields present change. Validation errors are 400 "Invalid request
/// payload" with the handler's text.
pub(crate) fn update(state: &mut State, body: &[u8]) -> HandlerResult {
    let invalid = |e: String| HandlerError::bad_request("Invalid request payload", e);
    let p = Payload::decode(body, "settings.settingsUpdatePayload").map_err(invalid)?;
    // settingsUpdatePayload.Validate, in its order.
    let auth = p.int("AuthenticationMethod").map_err(invalid)?;
    if let Some(m) = auth
        && !(1..=3).contains(&m)
    {
        return Err(invalid("Invalid authentication method value. Value must be one of: 1 (internal), 2 (LDAP/AD) or 3 (OAuth)".into()));
    }
    let url_field = |name: &str, msg: &str| -> Result<Option<String>, HandlerError> {
        if !p.present(name) {
            return Ok(None);
        }
        let v = p.string(name).map_err(invalid)?;
        if !v.is_empty() && !looks_like_url(&v) {
            return Err(invalid(msg.into()));
        }
        Ok(Some(v))
    };
    let logo = url_field(
        "LogoURL",
        "Invalid logo URL. Must correspond to a valid URL format",
    )?;
    let templates = url_field(
        "TemplatesURL",
        "Invalid external templates URL. Must correspond to a valid URL format",
    )?;
    let helm = url_field(
        "HelmRepositoryURL",
        "Invalid Helm repository URL. Must correspond to a valid URL format",
    )?;
    let duration_field = |name: &str, msg: &str| -> Result<Option<String>, HandlerError> {
        if !p.present(name) {
            return Ok(None);
        }
        let v = p.string(name).map_err(invalid)?;
        if !is_go_duration(&v) {
            return Err(invalid(msg.into()));
        }
        Ok(Some(v))
    };
    let session = duration_field("UserSessionTimeout", "Invalid user session timeout")?;
    let kubeconfig = duration_field("KubeconfigExpiry", "Invalid Kubeconfig Expiry")?;

    let s = &mut state.settings;
    if let Some(m) = auth {
        s.insert("AuthenticationMethod".into(), json!(m));
    }
    for (name, v) in [("LogoURL", logo), ("TemplatesURL", templates)] {
        if let Some(v) = v {
            s.insert(name.into(), json!(v));
        }
    }
    if let Some(g) = p
        .object(
            "GlobalDeploymentOptions",
            "portainer.GlobalDeploymentOptions",
        )
        .map_err(invalid)?
    {
        s.insert("GlobalDeploymentOptions".into(), Value::Object(g));
    }
    if let Some(h) = helm {
        // settings_update.go: lower-cased, without a trailing slash.
        s.insert(
            "HelmRepositoryURL".into(),
            json!(h.to_lowercase().trim_end_matches('/')),
        );
    }
    if let Some(labels) = p.pairs("BlackListedLabels").map_err(invalid)? {
        let v: Vec<Value> = labels
            .into_iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect();
        s.insert("BlackListedLabels".into(), Value::Array(v));
    }
    if let Some(internal) = p
        .object("InternalAuthSettings", "portainer.InternalAuthSettings")
        .map_err(invalid)?
    {
        let len = internal
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("RequiredPasswordLength"))
            .map(|(_, v)| v.clone())
            .unwrap_or(json!(0));
        s.insert(
            "InternalAuthSettings".into(),
            json!({"RequiredPasswordLength": len}),
        );
    }
    if let Some(mut ldap) = p
        .object("LDAPSettings", "portainer.LDAPSettings")
        .map_err(invalid)?
    {
        // Empty ReaderDN and Password keep the stored ones.
        for key in ["ReaderDN", "Password"] {
            let empty = ldap
                .get(key)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty);
            if empty {
                let old = s
                    .get("LDAPSettings")
                    .and_then(|l| l.get(key))
                    .cloned()
                    .unwrap_or(json!(""));
                ldap.insert(key.into(), old);
            }
        }
        s.insert("LDAPSettings".into(), Value::Object(ldap));
    }
    if let Some(mut oauth) = p
        .object("OAuthSettings", "portainer.OAuthSettings")
        .map_err(invalid)?
    {
        // An empty ClientSecret and a missing KubeSecretKey keep the stored ones.
        if oauth
            .get("ClientSecret")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            let old = s
                .get("OAuthSettings")
                .and_then(|o| o.get("ClientSecret"))
                .cloned()
                .unwrap_or(json!(""));
            oauth.insert("ClientSecret".into(), old);
        }
        if oauth.get("KubeSecretKey").is_none_or(Value::is_null) {
            let old = s
                .get("OAuthSettings")
                .and_then(|o| o.get("KubeSecretKey"))
                .cloned()
                .unwrap_or(Value::Null);
            oauth.insert("KubeSecretKey".into(), old);
        }
        s.insert("OAuthSettings".into(), Value::Object(oauth));
    }
    for (name, key) in [
        ("EnableEdgeComputeFeatures", "EnableEdgeComputeFeatures"),
        ("TrustOnFirstConnect", "TrustOnFirstConnect"),
        ("EnforceEdgeID", "EnforceEdgeID"),
        ("EnableTelemetry", "EnableTelemetry"),
    ] {
        if p.present(name) {
            s.insert(key.into(), json!(p.boolean(name).map_err(invalid)?));
        }
    }
    for (name, key) in [
        ("EdgePortainerURL", "EdgePortainerUrl"),
        ("SnapshotInterval", "SnapshotInterval"),
        ("KubectlShellImage", "KubectlShellImage"),
    ] {
        if p.present(name) {
            s.insert(key.into(), json!(p.string(name).map_err(invalid)?));
        }
    }
    if let Some(n) = p.int("EdgeAgentCheckinInterval").map_err(invalid)? {
        s.insert("EdgeAgentCheckinInterval".into(), json!(n));
    }
    if let Some(v) = session {
        s.insert("UserSessionTimeout".into(), json!(v));
    }
    if let Some(v) = kubeconfig {
        s.insert("KubeconfigExpiry".into(), json!(v));
    }
    Ok(Reply::Json(hidden(&state.settings)))
}

/// An approximation of govalidator's `IsURL`: an optional scheme, then a
/// host with a dot (or `localhost`), no spaces.
pub(crate) fn looks_like_url(s: &str) -> bool {
    if s.contains(char::is_whitespace) || s.len() >= 2083 {
        return false;
    }
    let rest = match s.split_once("://") {
        Some((scheme, rest)) => {
            if !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
            {
                return false;
            }
            rest
        }
        None => s,
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    !host.is_empty() && (host.contains('.') || host == "localhost")
}

/// Go's `time.ParseDuration` grammar: `[-+]` then one or more
/// `<decimal><unit>`, or `0`.
pub(crate) fn is_go_duration(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    if s.is_empty() {
        return false;
    }
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..digits];
        if num.is_empty() || num == "." {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
            .into_iter()
            .find(|u| rest.starts_with(u));
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert!(is_go_duration("8h"));
        assert!(is_go_duration("1h30m0.5s"));
        assert!(is_go_duration("0"));
        assert!(!is_go_duration("8"));
        assert!(!is_go_duration("h"));
        assert!(!is_go_duration(""));
    }

    #[test]
    fn urls() {
        assert!(looks_like_url("https://example.com/logo.png"));
        assert!(looks_like_url("example.com"));
        assert!(!looks_like_url("not a url"));
        assert!(!looks_like_url("https://"));
    }
}

//! Status and version (api/http/handler/system/status.go, version.go; before
//! 2.17 api/http/handler/status/status_inspect.go, status_inspect_version.go).

use serde_json::json;

use crate::state::State;
use crate::version::Version;
use crate::wire::{HandlerResult, Reply};

/// `GET /status` and `GET /system/status`: `{"Version", "InstanceID"}`;
/// before 2.17 `/status` also carried `DemoEnvironment`.
pub(crate) fn status(version: Version, instance_id: &str, legacy_route: bool) -> HandlerResult {
    let mut v = json!({"Version": version.to_string(), "InstanceID": instance_id});
    if legacy_route && version < Version::new(2, 17, 0) {
        v["DemoEnvironment"] = json!({"enabled": false, "users": null, "environments": null});
    }
    Ok(Reply::Json(v))
}

/// `GET /system/version` (authenticated): the version, the edition and the
/// build; the fake never reports an update.
pub(crate) fn version(version: Version, _state: &State) -> HandlerResult {
    let edition = if version.at_least_pin("2.19.4") {
        "EE"
    } else {
        "CE"
    };
    Ok(Reply::Json(json!({
        "UpdateAvailable": false,
        "LatestVersion": "",
        "ServerVersion": version.to_string(),
        "ServerEdition": edition,
        "DatabaseVersion": version.to_string(),
        "Build": {
            "BuildNumber": "", "ImageTag": "", "NodejsVersion": "", "YarnVersion": "",
            "WebpackVersion": "", "GoVersion": "", "GitCommit": ""
        },
    })))
}

/// `GET /status/version` (status_inspect_version.go): whether an update is
/// available; the fake never has one.
pub(crate) fn status_version() -> HandlerResult {
    Ok(Reply::Json(
        json!({"UpdateAvailable": false, "LatestVersion": ""}),
    ))
}

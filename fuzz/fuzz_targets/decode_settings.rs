//! Settings, public settings and status bodies (`GET /api/settings`,
//! `/api/settings/public`, `/api/system/status`) through the generated models:
//! decoding never panics, settings survive a read-modify-write, a settings
//! patch decoded from any object sends back only what it holds, and any
//! version string parses into a version that orders consistently.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portainer_sdk::ServerVersion;
use portainer_sdk::models::{PublicSettingsResponse, Settings, SettingsUpdatePayload, Status};

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<PublicSettingsResponse>(data);
    let _ = serde_json::from_slice::<Status>(data);
    if let Ok(settings) = serde_json::from_slice::<Settings>(data) {
        let value = serde_json::to_value(&settings).expect("settings serialize");
        let again: Settings = serde_json::from_value(value).expect("settings decode again");
        assert_eq!(again, settings);
    }
    if let Ok(patch) = serde_json::from_slice::<SettingsUpdatePayload>(data) {
        // What a patch sends decodes to the same patch: no field is invented.
        let sent = serde_json::to_value(&patch).expect("a patch serializes");
        let again: SettingsUpdatePayload =
            serde_json::from_value(sent.clone()).expect("a sent patch decodes");
        assert_eq!(again, patch, "{sent}");
    }

    // The status body's version, and any text as a version.
    let text = String::from_utf8_lossy(data);
    let version = match serde_json::from_slice::<serde_json::Value>(data) {
        Ok(v) => v
            .get("Version")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| text.to_string()),
        Err(_) => text.to_string(),
    };
    let v = ServerVersion::parse(&version);
    assert_eq!(v.to_string(), version.trim());
    let same = ServerVersion::new(v.major, v.minor, v.patch);
    assert_eq!(v, same);
    assert_eq!(
        v.has_split_stack_create(),
        same >= ServerVersion::new(2, 19, 0)
    );
    assert_eq!(v.reads_repull_flag(), same >= ServerVersion::new(2, 36, 0));
});

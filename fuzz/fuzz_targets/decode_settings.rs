//! Settings, public settings and status bodies (`GET /api/settings`,
//! `/api/settings/public`, `/api/system/status`) through the generated types and
//! the SDK's types: decoding never panics, settings survive a read-modify-write,
//! and any version string parses into a version that orders consistently.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portainer_sdk::{PortainerSettings, PublicSettings, ServerVersion, SettingsPatch};
use portainer_sdk_gen::types;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<types::Settings>(data);
    let _ = serde_json::from_slice::<types::PublicSettingsResponse>(data);
    let _ = serde_json::from_slice::<types::GithubComPortainerPortainerEeApiHttpHandlerSystemStatus>(
        data,
    );

    if let Ok(settings) = serde_json::from_slice::<PortainerSettings>(data) {
        // Every typed getter reads without panicking.
        let _ = (
            settings.logo_url(),
            settings.snapshot_interval(),
            settings.enable_telemetry(),
            settings.edge_agent_checkin_interval(),
            settings.authentication_method(),
        );
        let value = serde_json::to_value(&settings).expect("settings serialize");
        let again: PortainerSettings =
            serde_json::from_value(value).expect("settings decode again");
        assert_eq!(again, settings);
        // Nothing changed: the patch is empty. One field changed: only it is sent.
        assert!(SettingsPatch::changes(&settings, &again).is_empty());
        let mut edited = settings.clone();
        edited.set("LogoURL", "");
        let patch = serde_json::to_value(SettingsPatch::changes(&settings, &edited)).unwrap();
        let sent = patch.as_object().unwrap();
        assert!(sent.len() <= 1, "{patch}");
        if settings.logo_url() != Some("") {
            assert_eq!(sent.get("LogoURL"), Some(&serde_json::json!("")), "{patch}");
        }
    }
    if let Ok(public) = serde_json::from_slice::<PublicSettings>(data) {
        let _ = (
            public.oauth_login_uri(),
            public.required_password_length(),
            public.authentication_method(),
        );
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
});

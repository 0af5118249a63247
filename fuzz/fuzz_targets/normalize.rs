//! The normalizer on arbitrary OpenAPI 3.0 documents (and on what the
//! converter makes of Swagger 2.0 ones), with the project's rule data: it
//! returns a report or an error, never panics or hangs.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xtask::normalize::RuleData;

fn rules() -> &'static RuleData {
    static RULES: OnceLock<RuleData> = OnceLock::new();
    RULES.get_or_init(|| RuleData::load().expect("spec/normalize.toml loads"))
}

fuzz_target!(|data: &[u8]| {
    let Some(mut doc) = portainer_fuzz::document(data, &[("openapi", "3.0.3")]) else {
        return;
    };
    if doc.get("swagger").is_some() {
        match xtask::convert::swagger2_to_openapi3(&doc) {
            Ok(converted) => doc = converted,
            Err(_) => return,
        }
    }
    if let Ok(report) = xtask::normalize::normalize_with(&mut doc, rules()) {
        let _ = report.to_string();
    }
});

//! The Swagger 2.0 to OpenAPI 3.0 converter on arbitrary documents: real specs
//! and fragments of them as YAML or JSON text, or spec-shaped documents built
//! from the input bytes. It returns a document or an error, never panics or
//! hangs, and what it returns says `openapi: 3.0.x` and converts the same twice.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(doc) = portainer_fuzz::document(data, &[("swagger", "2.0")]) else {
        return;
    };
    if let Ok(out) = xtask::convert::swagger2_to_openapi3(&doc) {
        let version = out
            .get("openapi")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        assert!(
            version.starts_with("3.0"),
            "converted to openapi {version:?}"
        );
        let again =
            xtask::convert::swagger2_to_openapi3(&doc).expect("the second conversion succeeds too");
        assert_eq!(again, out, "conversion is not deterministic");
    }
});

//! portainer-sdk forwards every feature of the generated crate.

use std::collections::BTreeMap;

fn features(path: &str) -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(xtask::workspace_root().join(path)).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    doc["features"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let list = v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_owned())
                .collect();
            (k.clone(), list)
        })
        .collect()
}

/// The TLS features: the generated crate's are for its `Client::new` alone,
/// the SDK's choose its provider (`ring` is in its defaults).
const TLS: [&str; 4] = ["rustls", "native-tls", "ring", "aws-lc-rs"];

#[test]
fn sdk_forwards_every_generated_feature() {
    let generated = features("portainer-sdk-gen/Cargo.toml");
    let sdk = features("portainer-sdk/Cargo.toml");
    for name in generated
        .keys()
        .filter(|k| *k != "default" && !TLS.contains(&k.as_str()))
    {
        assert_eq!(
            sdk.get(name),
            Some(&vec![format!("portainer-sdk-gen/{name}")]),
            "portainer-sdk must forward feature {name}"
        );
    }
    let areas = |list: &[String]| -> Vec<String> {
        list.iter()
            .filter(|f| !TLS.contains(&f.as_str()))
            .cloned()
            .collect()
    };
    assert_eq!(
        areas(&sdk["default"]),
        areas(&generated["default"]),
        "same default areas"
    );
    assert!(
        !generated["default"]
            .iter()
            .any(|f| TLS.contains(&f.as_str())),
        "no TLS in the generated crate's defaults: the SDK brings its own"
    );
    assert!(sdk["default"].contains(&"ring".to_owned()));
}

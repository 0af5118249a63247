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
    // The areas the SDK's own API needs are always on, through its
    // dependency on the generated crate: they are the generated defaults,
    // and the SDK's defaults add only the TLS provider.
    let text =
        std::fs::read_to_string(xtask::workspace_root().join("portainer-sdk/Cargo.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let always: Vec<String> = doc["dependencies"]["portainer-sdk-gen"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        always, generated["default"],
        "the SDK always compiles the default areas"
    );
    assert_eq!(
        sdk["default"],
        vec!["ring".to_owned()],
        "the SDK's defaults: ring alone"
    );
    assert!(
        !generated["default"]
            .iter()
            .any(|f| TLS.contains(&f.as_str())),
        "no TLS in the generated crate's defaults: the SDK brings its own"
    );
    assert!(sdk["default"].contains(&"ring".to_owned()));
}

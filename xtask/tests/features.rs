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

#[test]
fn sdk_forwards_every_generated_feature() {
    let generated = features("portainer-sdk-gen/Cargo.toml");
    let sdk = features("portainer-sdk/Cargo.toml");
    for name in generated
        .keys()
        .filter(|k| !["default", "rustls"].contains(&k.as_str()))
    {
        assert_eq!(
            sdk.get(name),
            Some(&vec![format!("portainer-sdk-gen/{name}")]),
            "portainer-sdk must forward feature {name}"
        );
    }
    let gen_default: Vec<&String> = generated["default"]
        .iter()
        .filter(|f| *f != "rustls")
        .collect();
    let sdk_default: Vec<&String> = sdk["default"].iter().collect();
    assert_eq!(sdk_default, gen_default, "same default areas");
}

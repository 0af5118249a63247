//! A client generated from a Swagger 2.0 file, as a standalone crate, builds
//! and decodes what the server sends: the 2.31.2 file lists `createdBy`,
//! `gitConfig` and `namespace` for fields the server names `CreatedBy`,
//! `GitConfig` and `Namespace`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn spec_dir() -> PathBuf {
    std::env::var_os("PORTAINER_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/portainer-spec"))
}

const DECODE_TEST: &str = r##"
use portainer_client::types::Stack;

#[test]
fn pascal_case_fields_decode_and_serialize_back() {
    // GET /api/stacks as documented by Portainer (Kubernetes git stack).
    let body = r#"{"AdditionalFiles":null,"AutoUpdate":null,"CreatedBy":"admin","CreationDate":1631852794,
        "EndpointId":4,"EntryPoint":"docker-compose.yml","Env":null,
        "GitConfig":{"Authentication":null,"ConfigFilePath":"docker-compose.yml","ReferenceName":"refs/heads/master","URL":""},
        "Id":5,"IsComposeFormat":true,"Name":"","Namespace":"my-namespace","ProjectPath":"/data/compose/5",
        "ResourceControl":null,"Status":1,"SwarmId":"","Type":3,"UpdateDate":0,"UpdatedBy":""}"#;
    let stack: Stack = serde_json::from_str(body).unwrap();
    assert_eq!(stack.created_by.as_deref(), Some("admin"));
    assert_eq!(stack.namespace.as_deref(), Some("my-namespace"));
    assert_eq!(stack.creation_date, Some(1631852794));
    assert!(stack.git_config.is_some(), "GitConfig decoded");
    assert_eq!(stack.env, None);
    let back = serde_json::to_value(&stack).unwrap();
    assert_eq!(back["CreatedBy"], "admin", "sent back under the server's name: {back}");
    assert_eq!(back["Namespace"], "my-namespace");
}
"##;

#[test]
fn client_from_swagger_2_builds_standalone_and_decodes_pascal_case() {
    let spec = spec_dir().join("portainer-ee-2.31.2.swagger.yaml");
    assert!(
        spec.is_file(),
        "{} missing (set PORTAINER_SPEC_DIR)",
        spec.display()
    );
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success(), "generate --spec --out failed");

    std::fs::create_dir_all(out.path().join("tests")).unwrap();
    std::fs::write(out.path().join("tests/decode.rs"), DECODE_TEST).unwrap();
    // A target dir of its own under the workspace's, so reruns are incremental
    // and the workspace build is not invalidated.
    let target = workspace().join("target/swagger2-client");
    let output = Command::new(env!("CARGO"))
        .args(["test", "--quiet", "--features", "serde-both"])
        .current_dir(out.path())
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "standalone crate failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "the decode test ran:\n{stdout}"
    );
}

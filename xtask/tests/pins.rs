//! `cargo xtask spec list/fetch`: pins found, verified, and refused when the
//! content is not the pinned one.

use std::process::Command;

fn xtask(spec_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("PORTAINER_SPEC_DIR", spec_dir)
        .output()
        .unwrap()
}

fn shared() -> std::path::PathBuf {
    std::env::var_os("PORTAINER_SPEC_DIR")
        .map(Into::into)
        .unwrap_or_else(|| xtask::workspace_root().join("../shared/portainer-spec"))
}

#[test]
fn list_shows_every_pin_verified() {
    let out = xtask(&shared(), &["spec", "list"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for v in ["2.14.2", "2.19.4", "2.27.1", "2.31.2", "2.44.0 (default)"] {
        assert!(text.contains(v), "{v} in {text}");
    }
    assert_eq!(text.matches("found, verified").count(), 5, "{text}");
}

#[test]
fn fetch_verifies_the_hash() {
    let out = xtask(&shared(), &["spec", "fetch", "2.44.0"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("2e379a36c825368eded82b0f52a859f69c32a8d95e286dbfa51896970dd825a0 verified")
    );
}

#[test]
fn a_file_with_other_content_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("portainer-ee-2.31.2.swagger.yaml"),
        "swagger: '2.0'\n",
    )
    .unwrap();
    let out = xtask(dir.path(), &["spec", "fetch", "2.31.2"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has SHA-256"), "{err}");
    assert!(
        err.contains("066f6e728851cf1c0d02ff05c1e066b950b18159bf97cb8e0acdf613a8694c56"),
        "{err}"
    );
    assert!(
        err.contains("Replace it with the pinned file from https://"),
        "{err}"
    );
}

#[test]
fn an_unknown_version_names_the_pinned_ones() {
    let out = xtask(&shared(), &["spec", "fetch", "9.9.9"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no pin for \"9.9.9\"") && err.contains("2.44.0"),
        "{err}"
    );
}

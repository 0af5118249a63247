//! The pinned upstream specifications (`spec/pins.toml`) and how to find them.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The environment variable naming a directory that holds the upstream files.
pub const SPEC_DIR_VAR: &str = "PORTAINER_SPEC_DIR";

#[derive(Debug, Deserialize)]
pub struct Pins {
    pub default: String,
    #[serde(rename = "pin")]
    pub pins: Vec<Pin>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Pin {
    pub version: String,
    pub edition: String,
    pub format: String,
    pub file: String,
    pub url: String,
    pub sha256: String,
}

/// Where a pinned file was found on this machine.
pub enum Location {
    /// Present with the pinned hash.
    Verified(PathBuf),
    /// Present, but its content is not the pinned one.
    Mismatch { path: PathBuf, actual: String },
    /// Not in any directory searched.
    Missing,
}

impl Pins {
    pub fn load() -> Result<Pins> {
        let path = crate::workspace_root().join("spec/pins.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let pins: Pins =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        if pins.find(&pins.default).is_none() {
            bail!(
                "{}: default pin {:?} is not among the [[pin]] entries",
                path.display(),
                pins.default
            );
        }
        Ok(pins)
    }

    /// A pin by its version (`2.44.0`), or by `edition-version` (`ee-2.44.0`).
    pub fn find(&self, key: &str) -> Option<&Pin> {
        let key = key.to_ascii_lowercase();
        self.pins.iter().find(|p| {
            p.version == key || format!("{}-{}", p.edition.to_ascii_lowercase(), p.version) == key
        })
    }

    pub fn default_pin(&self) -> &Pin {
        self.find(&self.default).expect("checked in Pins::load")
    }
}

/// The local directory searched for upstream files, if one is configured or present.
pub fn spec_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(SPEC_DIR_VAR) {
        return Some(PathBuf::from(dir));
    }
    let shared = crate::workspace_root().join("../shared/portainer-spec");
    shared.is_dir().then_some(shared)
}

/// Downloaded files are cached here, outside the source tree.
fn cache_dir() -> PathBuf {
    crate::workspace_root().join("target/portainer-spec")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn check(path: &Path, pin: &Pin) -> Result<Location> {
    if !path.is_file() {
        return Ok(Location::Missing);
    }
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let actual = sha256_hex(&bytes);
    Ok(if actual == pin.sha256 {
        Location::Verified(path.to_owned())
    } else {
        Location::Mismatch {
            path: path.to_owned(),
            actual,
        }
    })
}

impl Pin {
    pub fn label(&self) -> String {
        format!("{} {}", self.edition, self.version)
    }

    /// Looks in the spec directory, then the download cache.
    pub fn locate(&self) -> Result<Location> {
        let mut first_mismatch = None;
        for dir in spec_dir().into_iter().chain([cache_dir()]) {
            match check(&dir.join(&self.file), self)? {
                Location::Verified(p) => return Ok(Location::Verified(p)),
                m @ Location::Mismatch { .. } => {
                    first_mismatch.get_or_insert(m);
                }
                Location::Missing => {}
            }
        }
        Ok(first_mismatch.unwrap_or(Location::Missing))
    }

    /// A verified local path for this pin, downloading the pinned URL if needed.
    pub fn fetch(&self) -> Result<PathBuf> {
        match self.locate()? {
            Location::Verified(p) => return Ok(p),
            Location::Mismatch { path, actual } => bail!(
                "{} has SHA-256 {actual}, but spec/pins.toml pins {} for Portainer {}.\n\
                 Replace it with the pinned file from {}, or, if Portainer republished it, \
                 check the new file and update the pin.",
                path.display(),
                self.sha256,
                self.label(),
                self.url
            ),
            Location::Missing => {}
        }
        let bytes = download(&self.url).with_context(|| {
            format!(
                "{} not found in {} and downloading {} failed.\n\
                 Put the file in a directory and set {SPEC_DIR_VAR} to it, or run where the URL is reachable.",
                self.file,
                spec_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_else(|| format!("${SPEC_DIR_VAR} (unset)")),
                self.url
            )
        })?;
        let actual = sha256_hex(&bytes);
        if actual != self.sha256 {
            bail!(
                "downloaded {} has SHA-256 {actual}, but spec/pins.toml pins {}: the upstream file changed; \
                 nothing was written",
                self.url,
                self.sha256
            );
        }
        let dir = cache_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(&self.file);
        std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }
}

fn download(url: &str) -> Result<Vec<u8>> {
    let mut response = ureq::get(url).call()?;
    Ok(response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()?)
}

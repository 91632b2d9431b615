//! Files written to a temporary name in their folder, synced and renamed into place, so an interrupted
//! run never leaves half a file; each write gives the SHA-256 of what was written for the manifest.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes bytes to `path` through a temporary file in the same folder, then renames it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_parts(path, &[bytes]).map(|_| ())
}

/// [`write_atomic`] of several pieces one after the other; returns the SHA-256 (hex) of what was written,
/// so the manifest need not read the file again.
pub fn write_atomic_parts(path: &Path, parts: &[&[u8]]) -> std::io::Result<String> {
    let mut f = AtomicFile::create(path)?;
    for p in parts {
        f.write(p)?;
    }
    f.finish()
}

/// A file written under a temporary name in its folder, synced and renamed into place by
/// [`AtomicFile::finish`], which gives the SHA-256 (hex) of what was written.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: std::fs::File,
    hash: crate::digest::Sha256,
}

impl AtomicFile {
    pub fn create(path: &Path) -> std::io::Result<AtomicFile> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let tmp = dir.join(format!(".{}.tmp", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
        let file = std::fs::File::create(&tmp)?;
        Ok(AtomicFile { path: path.to_path_buf(), tmp, file, hash: Default::default() })
    }
    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hash.update(bytes);
        self.file.write_all(bytes)
    }
    pub fn finish(self) -> std::io::Result<String> {
        self.file.sync_all()?;
        std::fs::rename(&self.tmp, &self.path)?;
        Ok(self.hash.finish_hex())
    }
}

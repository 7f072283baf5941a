//! Writing output files (`--json`, `--html`, `--csv`, `--sarif`, `--markdown`, `init`'s config):
//! the one place that touches an output path, so every format is written the same safe way.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Writes a whole output file atomically: a temporary file beside it, then a rename, so an
/// interrupted run never leaves half a report where a good one was.
pub(crate) fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.reqtrail-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

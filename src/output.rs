//! Writing output files (`--json`, `--html`, `--csv`, `--sarif`, `--markdown`, `init`'s config):
//! the one place that touches an output path, so every format is written the same safe way.
//!
//! Only a regular file, or a path where nothing is yet, is replaced atomically (a temporary file
//! created exclusively beside it, then a rename). Anything else is not ours to replace: a device
//! (`/dev/null`), a FIFO, a terminal or `/dev/stdout` and the `/dev/fd/N` of process substitution
//! are written through, and a symlink is followed and its target written, the link left alone.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// How many symlinks are followed before the path is called a loop (Linux's own limit).
const MAX_LINKS: usize = 40;

/// Writes a whole output file. A regular file or a new path is replaced atomically so an
/// interrupted run never leaves half a report where a good one was; anything else (device, FIFO,
/// terminal, `/dev/stdout`) is written through; a symlink is followed to its target.
pub(crate) fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    write_output_with(path, |out| out.write_all(bytes))
}

/// Like [`write_output`], but the content is streamed: `fill` writes it into a buffered writer
/// on the destination (the temporary file, for a replaced file), so a big report is never held
/// in memory whole. The same rules apply: an error from `fill` leaves a replaced file as it was.
pub(crate) fn write_output_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let written = match resolve(path) {
        Ok(Destination::Replace(target)) => replace(&target, fill),
        Ok(Destination::WriteThrough) => write_through(path, fill),
        Err(err) => Err(err),
    };
    written.with_context(|| format!("cannot write {}", path.display()))
}

/// The file a write to `path` would replace atomically (symlinks followed), or `None` when
/// it would be written through (a device, a FIFO, a descriptor path) or cannot be resolved.
/// Writes to distinct replaced files are independent of each other and may run side by side.
pub(crate) fn replaced_file(path: &Path) -> Option<PathBuf> {
    match resolve(path) {
        Ok(Destination::Replace(target)) => Some(target),
        _ => None,
    }
}

/// What writing a path means.
#[derive(Debug, PartialEq, Eq)]
enum Destination {
    /// A regular file or nothing at this path (after following symlinks): replace it atomically.
    Replace(PathBuf),
    /// Something that is not a file of ours: open it and write into it.
    WriteThrough,
}

/// Follows `path`'s symlinks one hop at a time (so a dangling link names the file to create)
/// and says what kind of thing is at the end.
fn resolve(path: &Path) -> std::io::Result<Destination> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        // `/proc/self/fd/N` and `/dev/fd/N` are handles on files some process holds open (a
        // pipe, the terminal, the file a shell redirected stdout to). Replacing what they point
        // to would detach it from its holder, so they are always written through.
        if is_descriptor_path(&current) {
            return Ok(Destination::WriteThrough);
        }
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Destination::Replace(current));
            }
            Err(err) => return Err(err),
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            let link = std::fs::read_link(&current)?;
            current = match current.parent() {
                Some(dir) if link.is_relative() => dir.join(link),
                _ => link,
            };
        } else if kind.is_file() {
            return Ok(Destination::Replace(current));
        } else if kind.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a directory; give a file path",
            ));
        } else {
            return Ok(Destination::WriteThrough);
        }
    }
    Err(std::io::Error::other(format!(
        "more than {MAX_LINKS} symlinks to follow (a loop?)"
    )))
}

/// `/proc/<anything>/fd/...` or `/dev/fd/...`: a path that names an open file descriptor.
fn is_descriptor_path(path: &Path) -> bool {
    let parts: Vec<_> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    path.is_absolute()
        && matches!(
            parts.as_slice(),
            ["proc", _, "fd", ..] | ["dev", "fd", ..] | ["dev", "stdout" | "stderr", ..]
        )
}

/// Writes into whatever is there without replacing it. Appending keeps what others wrote into
/// the same redirected stdout, and means nothing for devices and pipes.
fn write_through(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // Our own stdout may be the same file: what was printed before must come first.
    std::io::stdout().flush()?;
    let file = std::fs::OpenOptions::new().append(true).open(path)?;
    let mut out = std::io::BufWriter::with_capacity(BUFFER, file);
    fill(&mut out)?;
    out.flush()
}

/// The write buffer between a renderer and its file: big enough that a report of hundreds of
/// megabytes costs a few thousand `write` calls, small enough to stay in cache.
const BUFFER: usize = 256 * 1024;

/// Replaces the regular file (or creates the new one) at `target` atomically: a temporary file
/// with an unpredictable name, created exclusively in the target's directory (so no planted
/// symlink can receive it and no other run can share it), then renamed over the target.
fn replace(
    target: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"))?;
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{}.", name.to_string_lossy());
    builder.prefix(&prefix).suffix(".reqtrail.tmp");
    // The report gets the mode a plain create would give it (0666 less the umask), or keeps
    // the mode of the file it replaces, not the temporary file's private 0600.
    #[cfg(unix)]
    let kept_mode = {
        use std::os::unix::fs::PermissionsExt;
        let kept = std::fs::metadata(target)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(kept.unwrap_or(0o666)));
        kept
    };
    let mut temp = builder.tempfile_in(dir)?;
    {
        let mut out = std::io::BufWriter::with_capacity(BUFFER, temp.as_file_mut());
        fill(&mut out)?;
        out.flush()?;
    }
    // The umask applies at creation; a replaced file's own mode is put back exactly.
    #[cfg(unix)]
    if let Some(mode) = kept_mode {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    // On failure the temporary file is dropped, which deletes it.
    temp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify robust.safe-write]
    #[test]
    fn descriptor_paths_are_recognised() {
        assert!(is_descriptor_path(Path::new("/proc/self/fd/1")));
        assert!(is_descriptor_path(Path::new("/proc/123/fd/4")));
        assert!(is_descriptor_path(Path::new("/dev/fd/63")));
        assert!(is_descriptor_path(Path::new("/dev/stdout")));
        assert!(!is_descriptor_path(Path::new("/dev/null")));
        assert!(!is_descriptor_path(Path::new("proc/self/fd/1")));
        assert!(!is_descriptor_path(Path::new("/tmp/fd/1")));
    }
}

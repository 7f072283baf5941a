//! Reading the project as it was at a git ref, from git's object store only: the working tree
//! and the index are never touched (PRODUCT.md section 12). `--changed-since` reads the old
//! spec files here (`git show REF:path`), `reqtrail diff` and `reqtrail trend` export a whole
//! tree into a temporary directory (`git archive REF | tar -x`) and analyse it there.

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs one git command at `root` with optional locks off (reading never takes the index
/// lock); a failure carries git's own message.
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .output()
        .context("cannot run git: install git to compare with git history")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("git {} failed: {}", args.join(" "), stderr.trim());
    }
    Ok(output.stdout)
}

/// The path of `root` inside its repository (`` for the top level, `sub/dir/` below it), so a
/// path relative to `root` can be named at a ref.
pub fn prefix(root: &Path) -> Result<String> {
    let out = git(root, &["rev-parse", "--show-prefix"])?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// The text of `path` (relative to `root`) at `commit`, or `None` when it did not exist there.
pub fn show(root: &Path, commit: &str, path: &str) -> Result<Option<String>> {
    let prefix = prefix(root)?;
    let spec = format!("{commit}:{prefix}{path}");
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "blob", &spec])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .context("cannot run git: install git to compare with git history")?;
    if !output.status.success() {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&output.stdout).into_owned()))
}

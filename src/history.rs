//! Reading the project as it was at a git ref, from git's object store only: the working tree
//! and the index are never touched (PRODUCT.md section 12). `--changed-since` reads the old
//! spec files here (`git show REF:path`), `reqtrail diff` and `reqtrail trend` export a whole
//! tree into a temporary directory (`git archive REF | tar -x`) and analyse it there.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Runs one git command at `root` with optional locks off (reading never takes the index
/// lock); a failure carries git's own message. The one way reqtrail runs git for history
/// (`--changed-since`, `diff`, `trend`).
pub(crate) fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
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
        let stderr = stderr.trim();
        if stderr.is_empty() {
            bail!("git {} failed ({})", args.join(" "), output.status);
        }
        bail!("git {} failed: {stderr}", args.join(" "));
    }
    Ok(output.stdout)
}

/// The commit a ref names. An unknown ref (or one a shallow clone lacks) is an error that says
/// how to get it.
pub fn resolve(root: &Path, reference: &str) -> Result<String> {
    if reference.is_empty() || reference.starts_with('-') {
        bail!("`{reference}` is not a git ref: give a branch, tag or commit");
    }
    git(root, &["rev-parse", "--is-inside-work-tree"]).map_err(|_| {
        anyhow::anyhow!(
            "{} is not inside a git repository: give JSON reports instead of git refs, or run it in a clone",
            root.display()
        )
    })?;
    let out = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{reference}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        let shallow = git(root, &["rev-parse", "--is-shallow-repository"])
            .map(|o| String::from_utf8_lossy(&o).trim() == "true")
            .unwrap_or(false);
        if shallow {
            anyhow::anyhow!(
                "unknown git ref `{reference}`: this is a shallow clone that does not have it; fetch the history (`git fetch --unshallow --tags`, or actions/checkout with `fetch-depth: 0`)"
            )
        } else {
            anyhow::anyhow!(
                "unknown git ref `{reference}`: give a branch, tag or commit that exists here (`git tag`, `git log --oneline`)"
            )
        }
    })?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
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

/// The tree of `commit` (only the part under `root`) written into a new temporary directory:
/// `git archive | tar -x`, nothing else touched. Returns the directory and the analysed root
/// inside it.
pub fn export(root: &Path, commit: &str) -> Result<(tempfile::TempDir, PathBuf)> {
    let prefix = prefix(root)?;
    let dir = tempfile::Builder::new()
        .prefix("reqtrail-tree-")
        .tempdir()
        .context("cannot create a temporary directory for the tree at the ref")?;
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["archive", "--format=tar", commit])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run git archive")?;
    let stdout = archive
        .stdout
        .take()
        .context("git archive gave no output pipe")?;
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dir.path())
        .stdin(stdout)
        .stderr(Stdio::piped())
        .output()
        .context("cannot run tar: install tar to analyse a git ref")?;
    let archived = archive.wait_with_output()?;
    if !archived.status.success() {
        bail!(
            "git archive {commit} failed: {}",
            String::from_utf8_lossy(&archived.stderr).trim()
        );
    }
    if !tar.status.success() {
        bail!(
            "tar could not unpack the tree at {commit}: {}",
            String::from_utf8_lossy(&tar.stderr).trim()
        );
    }
    let inner = dir.path().join(prefix.trim_end_matches('/'));
    Ok((dir, inner))
}

/// Tags matching a glob (`v*`), oldest first by the date of the commit they name.
pub fn tags(root: &Path, glob: &str) -> Result<Vec<String>> {
    let out = git(
        root,
        &[
            "tag",
            "--list",
            "--sort=creatordate",
            "--format=%(refname:strip=2)",
            "--",
            glob,
        ],
    )?;
    Ok(String::from_utf8_lossy(&out)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// The short name and the committer date (`YYYY-MM-DD`) of a commit, for tables.
pub fn describe(root: &Path, commit: &str) -> Result<(String, String)> {
    let out = git(root, &["log", "-1", "--format=%h %cs", commit, "--"])?;
    let text = String::from_utf8_lossy(&out);
    let mut parts = text.split_whitespace();
    let short = parts.next().unwrap_or_default().to_string();
    let date = parts.next().unwrap_or_default().to_string();
    Ok((short, date))
}

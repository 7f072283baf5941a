//! `--changed-since REF`: which requirements and tests a branch touched, so a pull request is
//! gated on what it changed and not on every old gap of the project (PRODUCT.md section 7).
//!
//! Git is asked a fixed, small number of questions (is this a repository, what is REF, where did
//! the branch leave it, which files changed, which lines changed, which files are new and
//! untracked): one `git` process each, never one per file. Everything after that is a plain
//! function of the diff and the spans the parsers recorded in the [`Model`]: a requirement
//! changed when a line it owns changed (its definition through its text, sub-sections of a
//! heading requirement included); a test changed when a line of its function (attributes and the
//! comments right above included) changed. No file is read and nothing is parsed here, so the
//! PR gate cannot disagree with the full run about where things are.

use crate::config::SourceOptions;
use crate::evaluate::Evaluation;
use crate::graph::Model;
use crate::history::git;
use crate::model::LineSpan;
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What git says changed in one file since the base, on the new side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileChange {
    pub status: FileStatus,
    /// Hunks of `git diff -U0`, in order.
    pub hunks: Vec<Hunk>,
    /// The removed lines, joined: references that were deleted are looked for in here.
    pub removed: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FileStatus {
    /// New in the branch, or untracked in the working tree.
    Added,
    #[default]
    Modified,
    /// Moved (maybe edited too); `from` is the old path.
    Renamed {
        from: String,
    },
    Deleted,
}

/// One hunk of a zero-context diff: its header, and which of its lines hold text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hunk {
    pub old_start: u32,
    pub old_count: u32,
    pub new_start: u32,
    pub new_count: u32,
    /// New-side lines added with something other than whitespace on them.
    pub text_added: Vec<u32>,
    /// Whether a removed line had something other than whitespace on it.
    pub text_removed: bool,
}

impl Hunk {
    /// The new-side lines this hunk touches. Blank lines added or removed touch nothing (a blank
    /// line between two requirements belongs to the first, and would otherwise blame it for its
    /// new neighbour). A deletion touches the line above the gap, or line 1 at the top.
    fn touched(&self) -> Vec<(u32, u32)> {
        if !self.text_added.is_empty() {
            let mut ranges: Vec<(u32, u32)> = Vec::new();
            for &line in &self.text_added {
                match ranges.last_mut() {
                    Some((_, end)) if end.saturating_add(1) == line => *end = line,
                    _ => ranges.push((line, line)),
                }
            }
            ranges
        } else if !self.text_removed {
            Vec::new()
        } else if self.new_count == 0 {
            let at = self.new_start.max(1);
            vec![(at, at)]
        } else {
            vec![(
                self.new_start,
                self.new_start.saturating_add(self.new_count - 1),
            )]
        }
    }
}

/// Everything git reported, keyed by path relative to the analysed root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// The ref as the user gave it.
    pub reference: String,
    /// The commit compared against: where the branch left REF (their merge base).
    pub base: String,
    pub files: BTreeMap<String, FileChange>,
}

/// Lines of one file that changed, new side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lines {
    /// The whole file is new (or moved).
    All,
    /// Inclusive ranges, sorted.
    Ranges(Vec<(u32, u32)>),
}

impl Lines {
    pub fn contains(&self, line: u32) -> bool {
        match self {
            Lines::All => true,
            Lines::Ranges(ranges) => ranges.iter().any(|&(a, b)| a <= line && line <= b),
        }
    }

    fn overlaps(&self, from: u32, to: u32) -> bool {
        match self {
            Lines::All => true,
            Lines::Ranges(ranges) => ranges.iter().any(|&(a, b)| a <= to && from <= b),
        }
    }
}

/// A requirement the branch touched, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopedRequirement {
    pub id: String,
    pub file: String,
    pub line: u32,
    /// `added`, `changed`, `verified by changed test ...`, `a reference to it was removed ...`.
    pub why: String,
}

/// A test the branch touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedTest {
    pub test: String,
    pub binary: String,
    pub file: String,
    pub line: u32,
    /// `added`, `changed` or `moved from OLD`.
    pub why: String,
}

/// What `--changed-since` gates: these requirements, and diagnostics on these lines.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scope {
    pub reference: String,
    pub base: String,
    /// Sorted by file, line, id.
    pub requirements: Vec<ScopedRequirement>,
    /// Sorted by file, line, name.
    pub tests: Vec<ChangedTest>,
    /// Changed lines per file (Markdown and Rust files only).
    pub lines: BTreeMap<String, Lines>,
}

impl Scope {
    pub fn has_requirement(&self, id: &str) -> bool {
        self.requirements.iter().any(|r| r.id == id)
    }

    /// Whether a finding at this place is the branch's doing: it sits on a changed line, or in a
    /// changed file when it has no line. Findings about the whole run (no file) always count.
    pub fn covers(&self, file: Option<&str>, line: Option<u32>) -> bool {
        match (file, line) {
            (None, _) => true,
            (Some(file), None) => self.lines.contains_key(file),
            (Some(file), Some(line)) => self.lines.get(file).is_some_and(|l| l.contains(line)),
        }
    }
}

/// Asks git what changed at `root` since `reference` (working tree included, untracked files
/// counted as added). Errors: git missing, not a repository, unknown ref; each says what to do.
pub fn git_diff(root: &Path, reference: &str) -> Result<Diff> {
    if reference.is_empty() || reference.starts_with('-') {
        bail!("--changed-since needs a git ref such as `origin/main`, got `{reference}`");
    }
    let inside = git(root, &["rev-parse", "--is-inside-work-tree"]).map_err(|_| {
        anyhow::anyhow!(
            "{} is not inside a git repository: --changed-since compares with git history, so run it in a clone (or drop the flag)",
            root.display()
        )
    })?;
    if String::from_utf8_lossy(&inside).trim() != "true" {
        bail!(
            "{} is not inside a git work tree: --changed-since needs a checkout",
            root.display()
        );
    }
    let commit = git(
        root,
        &["rev-parse", "--verify", "--quiet", "--end-of-options", &format!("{reference}^{{commit}}")],
    )
    .map_err(|_| {
        anyhow::anyhow!(
            "unknown git ref `{reference}`: give a branch, tag or commit that exists here (in CI, fetch it first, e.g. actions/checkout with `fetch-depth: 0`)"
        )
    })?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    // Compare with where the branch left REF, so what REF gained since is not counted as ours.
    let base = git(root, &["merge-base", &commit, "HEAD"])
        .map(|out| String::from_utf8_lossy(&out).trim().to_string())
        .ok()
        .filter(|b| !b.is_empty())
        .unwrap_or(commit);

    let name_status = git(
        root,
        &[
            "diff",
            "--name-status",
            "-z",
            "-M",
            "--relative",
            "--no-ext-diff",
            &base,
            "--",
        ],
    )?;
    let patch = git(
        root,
        &[
            "-c",
            "core.quotePath=false",
            "diff",
            "-U0",
            "-M",
            "--relative",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            &base,
            "--",
            "*.md",
            "*.markdown",
            "*.rs",
        ],
    )?;
    let untracked = git(root, &["ls-files", "--others", "--exclude-standard", "-z"])?;

    let mut files = BTreeMap::new();
    for (path, status) in parse_name_status(&name_status) {
        files.insert(
            path,
            FileChange {
                status,
                ..FileChange::default()
            },
        );
    }
    for (path, change) in parse_patch(&String::from_utf8_lossy(&patch)) {
        let entry = files.entry(path).or_default();
        entry.hunks = change.hunks;
        entry.removed = change.removed;
    }
    for path in untracked.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        files.insert(
            String::from_utf8_lossy(path).into_owned(),
            FileChange {
                status: FileStatus::Added,
                ..FileChange::default()
            },
        );
    }
    Ok(Diff {
        reference: reference.to_string(),
        base,
        files,
    })
}

/// Parses `git diff --name-status -z -M`: `STATUS\0PATH\0` or `RNNN\0OLD\0NEW\0`.
pub fn parse_name_status(bytes: &[u8]) -> Vec<(String, FileStatus)> {
    let mut fields = bytes
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut out = Vec::new();
    while let Some(status) = fields.next() {
        if status.is_empty() {
            continue;
        }
        let Some(path) = fields.next() else { break };
        let kind = status.chars().next().unwrap_or('M');
        match kind {
            'R' | 'C' => {
                let Some(new) = fields.next() else { break };
                let status = if kind == 'R' {
                    FileStatus::Renamed { from: path }
                } else {
                    FileStatus::Added
                };
                out.push((new, status));
            }
            'A' => out.push((path, FileStatus::Added)),
            'D' => out.push((path, FileStatus::Deleted)),
            _ => out.push((path, FileStatus::Modified)),
        }
    }
    out
}

/// Parses a `git diff -U0` patch into hunks and removed text per file (the new path; the old
/// path for a deleted file).
pub fn parse_patch(text: &str) -> BTreeMap<String, FileChange> {
    let mut files: BTreeMap<String, FileChange> = BTreeMap::new();
    let mut old_path: Option<String> = None;
    let mut current: Option<String> = None;
    let mut in_hunk = false;
    let mut added_in_hunk = 0u32;
    for line in text.split('\n') {
        if line.starts_with("diff --git ") {
            old_path = None;
            current = None;
            in_hunk = false;
        } else if !in_hunk && line.starts_with("--- ") {
            old_path = strip_side(&line[4..], "a/");
        } else if !in_hunk && line.starts_with("+++ ") {
            current = strip_side(&line[4..], "b/").or_else(|| old_path.clone());
            if let Some(path) = &current {
                files.entry(path.clone()).or_default();
            }
        } else if let Some(header) = line.strip_prefix("@@ ") {
            in_hunk = true;
            added_in_hunk = 0;
            if let (Some(path), Some(hunk)) = (&current, parse_hunk_header(header)) {
                files.entry(path.clone()).or_default().hunks.push(hunk);
            }
        } else if in_hunk {
            let Some(path) = &current else { continue };
            let entry = files.entry(path.clone()).or_default();
            let Some(hunk) = entry.hunks.last_mut() else {
                continue;
            };
            if let Some(removed) = line.strip_prefix('-') {
                entry.removed.push_str(removed);
                entry.removed.push('\n');
                hunk.text_removed |= !removed.trim().is_empty();
            } else if let Some(added) = line.strip_prefix('+') {
                // Added lines come in order from the hunk's first new line.
                let at = hunk.new_start.saturating_add(added_in_hunk);
                added_in_hunk = added_in_hunk.saturating_add(1);
                if !added.trim().is_empty() {
                    hunk.text_added.push(at);
                }
            }
        }
    }
    files
}

/// `a/path` or `"a/pa\th"` to `path`; `/dev/null` to `None`.
fn strip_side(field: &str, prefix: &str) -> Option<String> {
    let field = field.trim_end_matches('\r');
    if field == "/dev/null" {
        return None;
    }
    let unquoted = if field.starts_with('"') && field.ends_with('"') && field.len() >= 2 {
        unquote(&field[1..field.len() - 1])
    } else {
        // Git ends a path that holds a space with a tab before the (absent) timestamp.
        field.trim_end_matches('\t').to_string()
    };
    Some(
        unquoted
            .strip_prefix(prefix)
            .unwrap_or(&unquoted)
            .to_string(),
    )
}

/// Undoes git's C-style path quoting (`\t`, `\"`, `\\`, octal bytes).
fn unquote(quoted: &str) -> String {
    let bytes = quoted.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' || i + 1 >= bytes.len() {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let next = bytes[i + 1];
        let simple = match next {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'a' => Some(7),
            b'b' => Some(8),
            b'f' => Some(12),
            b'v' => Some(11),
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            _ => None,
        };
        if let Some(byte) = simple {
            out.push(byte);
            i += 2;
        } else if i + 4 <= bytes.len()
            && bytes[i + 1..i + 4]
                .iter()
                .all(|b| (b'0'..=b'7').contains(b))
        {
            let value = bytes[i + 1..i + 4]
                .iter()
                .fold(0u32, |acc, b| acc * 8 + u32::from(b - b'0'));
            out.push((value & 0xff) as u8);
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `-a,b +c,d @@ ...` (a count of 1 may be left out) to a [`Hunk`].
fn parse_hunk_header(header: &str) -> Option<Hunk> {
    let mut parts = header.split_whitespace();
    let old = parts.next()?.strip_prefix('-')?;
    let new = parts.next()?.strip_prefix('+')?;
    let range = |r: &str| -> Option<(u32, u32)> {
        match r.split_once(',') {
            Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let (old_start, old_count) = range(old)?;
    let (new_start, new_count) = range(new)?;
    Some(Hunk {
        old_start,
        old_count,
        new_start,
        new_count,
        ..Hunk::default()
    })
}

/// Which lines of each file changed: whole files for new and moved Rust files (their tests got
/// new names), the hunks' new-side lines otherwise.
pub fn changed_lines(diff: &Diff) -> BTreeMap<String, Lines> {
    let mut out = BTreeMap::new();
    for (path, change) in &diff.files {
        if !is_tracked_kind(path) {
            continue;
        }
        let lines = match &change.status {
            FileStatus::Deleted => continue,
            FileStatus::Added => Lines::All,
            FileStatus::Renamed { .. } if path.ends_with(".rs") => Lines::All,
            _ => {
                let mut ranges: Vec<(u32, u32)> =
                    change.hunks.iter().flat_map(Hunk::touched).collect();
                ranges.sort();
                if ranges.is_empty() {
                    continue;
                }
                Lines::Ranges(ranges)
            }
        };
        out.insert(path.clone(), lines);
    }
    out
}

fn is_tracked_kind(path: &str) -> bool {
    path.ends_with(".md") || path.ends_with(".markdown") || path.ends_with(".rs")
}

/// Whether `line` was added by a pure-addition hunk (nothing was removed there).
fn all_added(change: &FileChange, line: u32) -> bool {
    change.hunks.iter().any(|h| {
        h.old_count == 0 && h.new_start <= line && line < h.new_start.saturating_add(h.new_count)
    })
}

/// Works out the scope from the model and the diff alone: each requirement and test carries
/// the span its parser saw, so nothing is read or parsed again here. The lines a diff removed
/// are not in any file any more; the references on them are read by the same front end the run
/// used ([`crate::source::reference_ids`]) with the same `options`, so `req[verify x]` counts
/// here exactly when it counts in the full run.
pub fn scope(
    model: &Model,
    evaluation: &Evaluation,
    diff: &Diff,
    options: &SourceOptions,
) -> Scope {
    let lines = changed_lines(diff);
    let mut requirements: BTreeMap<String, ScopedRequirement> = BTreeMap::new();
    let mut add = |i: usize, why: String| {
        let r = &model.requirements[i];
        requirements
            .entry(r.id.clone())
            .or_insert_with(|| ScopedRequirement {
                id: r.id.clone(),
                file: r.location.file.clone(),
                line: r.location.line,
                why,
            });
    };

    for (i, r) in model.requirements.iter().enumerate() {
        let file = r.location.file.as_str();
        let Some(changed) = lines.get(file) else {
            continue;
        };
        let span = span_or_line(r.span, r.location.line);
        if changed.overlaps(span.first, span.last) {
            let change = diff.files.get(file);
            let added =
                *changed == Lines::All || change.is_some_and(|c| all_added(c, r.location.line));
            let why = if added { "added" } else { "changed" };
            add(i, why.to_string());
        }
    }

    // Tests in the order the report lists them (binary, name, file, line), so the first
    // changed test that claims a requirement is the one its reason names.
    let mut order: Vec<usize> = (0..model.tests.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&model.tests[a], &model.tests[b]);
        (&a.test.binary, &a.test.name, &a.file, a.test.line).cmp(&(
            &b.test.binary,
            &b.test.name,
            &b.file,
            b.test.line,
        ))
    });
    let mut tests = Vec::new();
    let mut claims: Vec<&[usize]> = Vec::new();
    for k in order {
        let t = &model.tests[k];
        let Some(changed) = lines.get(t.file.as_str()) else {
            continue;
        };
        let span = span_or_line(t.test.span, t.test.line);
        if !changed.overlaps(span.first, span.last) {
            continue;
        }
        let change = diff.files.get(t.file.as_str());
        let why = match change.map(|c| &c.status) {
            Some(FileStatus::Renamed { from }) => format!("moved from {from}"),
            Some(FileStatus::Added) => "added".to_string(),
            _ if change.is_some_and(|c| all_added_span(c, span)) => "added".to_string(),
            _ => "changed".to_string(),
        };
        tests.push(ChangedTest {
            test: t.test.name.clone(),
            binary: t.test.binary.clone(),
            file: t.file.clone(),
            line: t.test.line,
            why,
        });
        claims.push(&evaluation.tests[k].verifies);
    }

    // Requirements a changed test claims now...
    for (test, claimed) in tests.iter().zip(&claims) {
        for &i in claimed.iter() {
            add(i, format!("verified by changed test `{}`", test.test));
        }
    }
    // ...and those a removed or rewritten reference claimed before.
    for (path, change) in &diff.files {
        if !path.ends_with(".rs") || change.removed.is_empty() {
            continue;
        }
        let ids: BTreeSet<String> = crate::source::reference_ids(&change.removed, options)
            .into_iter()
            .collect();
        for id in &ids {
            if let Some(&i) = model.index.get(id.as_str()) {
                add(
                    i,
                    format!("a reference to it was removed or changed in {path}"),
                );
            }
        }
    }

    let mut requirements: Vec<ScopedRequirement> = requirements.into_values().collect();
    requirements.sort_by(|a, b| (&a.file, a.line, &a.id).cmp(&(&b.file, b.line, &b.id)));
    tests.sort_by(|a, b| (&a.file, a.line, &a.test).cmp(&(&b.file, b.line, &b.test)));
    Scope {
        reference: diff.reference.clone(),
        base: diff.base.clone(),
        requirements,
        tests,
        lines,
    }
}

/// A span as recorded, or the line alone for an entry that has none (a report from before
/// spans were recorded).
fn span_or_line(span: LineSpan, line: u32) -> LineSpan {
    if span == LineSpan::default() {
        LineSpan::new(line, line)
    } else {
        span
    }
}

/// Whether every line of `span` was added by pure-addition hunks; one pass over the hunks.
fn all_added_span(change: &FileChange, span: LineSpan) -> bool {
    let mut next = span.first;
    let mut hunks: Vec<&Hunk> = change.hunks.iter().filter(|h| h.old_count == 0).collect();
    hunks.sort_by_key(|h| h.new_start);
    for h in hunks {
        let end = h.new_start.saturating_add(h.new_count);
        if h.new_start <= next && next < end {
            next = end;
        }
        if next > span.last {
            return true;
        }
    }
    false
}

/// The scope in words for the terminal: the ref, then each requirement and test with why.
pub fn describe(scope: &Scope) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let short: String = scope.base.chars().take(12).collect();
    let _ = writeln!(
        out,
        "Changed since {} (compared with {short}): {} requirement{}, {} test{}",
        scope.reference,
        scope.requirements.len(),
        if scope.requirements.len() == 1 {
            ""
        } else {
            "s"
        },
        scope.tests.len(),
        if scope.tests.len() == 1 { "" } else { "s" },
    );
    for r in &scope.requirements {
        let _ = writeln!(
            out,
            "  requirement `{}` ({}:{}): {}",
            r.id, r.file, r.line, r.why
        );
    }
    for t in &scope.tests {
        let _ = writeln!(out, "  test {} ({}:{}): {}", t.test, t.file, t.line, t.why);
    }
    if scope.requirements.is_empty() && scope.tests.is_empty() {
        let _ = writeln!(
            out,
            "  no requirement or test changed; only diagnostics on changed lines are gated"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify gate.changed-since]
    #[test]
    fn parses_zero_context_patches_and_quoted_paths() {
        let patch = "diff --git a/docs/spec.md b/docs/spec.md\n\
index 1..2 100644\n\
--- a/docs/spec.md\n\
+++ b/docs/spec.md\n\
@@ -3 +3 @@ intro\n\
-old text\n\
+new text\n\
@@ -10,0 +11,4 @@\n\
+added\n\
+\n\
+added\n\
+added\n\
@@ -20,2 +24,0 @@\n\
-gone\n\
-gone\n\
diff --git \"a/src/t\\tab.rs\" \"b/src/t\\tab.rs\"\n\
new file mode 100644\n\
--- /dev/null\n\
+++ \"b/src/t\\tab.rs\"\n\
@@ -0,0 +1,2 @@\n\
+fn a() {}\n\
+fn b() {}\n";
        let files = parse_patch(patch);
        let spec = &files["docs/spec.md"];
        let headers: Vec<(u32, u32, u32, u32)> = spec
            .hunks
            .iter()
            .map(|h| (h.old_start, h.old_count, h.new_start, h.new_count))
            .collect();
        assert_eq!(headers, vec![(3, 1, 3, 1), (10, 0, 11, 4), (20, 2, 24, 0)]);
        assert_eq!(spec.removed, "old text\ngone\ngone\n");
        assert!(files.contains_key("src/t\tab.rs"));
        let touched: Vec<Vec<(u32, u32)>> = spec.hunks.iter().map(Hunk::touched).collect();
        assert_eq!(
            touched,
            vec![vec![(3, 3)], vec![(11, 11), (13, 14)], vec![(24, 24)]]
        );
        // Blank lines alone touch nothing.
        let blank = parse_patch("--- a/x.md\n+++ b/x.md\n@@ -4,0 +5 @@\n+\n@@ -9 +9,0 @@\n-   \n");
        assert!(blank["x.md"].hunks.iter().all(|h| h.touched().is_empty()));
    }

    // r[verify gate.changed-since]
    #[test]
    fn parses_name_status_with_renames() {
        let raw = b"M\0docs/a.md\0R087\0tests/old.rs\0tests/new.rs\0A\0src/x.rs\0D\0src/y.rs\0";
        assert_eq!(
            parse_name_status(raw),
            vec![
                ("docs/a.md".to_string(), FileStatus::Modified),
                (
                    "tests/new.rs".to_string(),
                    FileStatus::Renamed {
                        from: "tests/old.rs".to_string()
                    }
                ),
                ("src/x.rs".to_string(), FileStatus::Added),
                ("src/y.rs".to_string(), FileStatus::Deleted),
            ]
        );
    }

    // r[verify gate.changed-since]
    #[test]
    fn quoted_paths_are_unquoted_byte_by_byte() {
        assert_eq!(unquote("a\\303\\251b"), "aéb");
        assert_eq!(unquote("tab\\there \\\"q\\\""), "tab\there \"q\"");
    }
}

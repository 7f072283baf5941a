//! Discovery: which files under the root are requirement documents and which are Rust sources,
//! and for each Rust file, which crate and test binary it belongs to.
//!
//! The walk uses the `ignore` crate so `.gitignore`, `.ignore` and git excludes are honoured the
//! way ripgrep honours them; `target/` and `.git/` are always skipped. Reading the files is left
//! to [`read_text`], so stages can read in parallel.

use crate::config::Config;
use crate::model::{Code, CrateUnit, Diagnostic};
use anyhow::{bail, Context, Result};
use globset::{GlobSet, GlobSetBuilder};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A file selected for analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Relative to the root, forward slashes: what reports show.
    pub rel: String,
    pub abs: PathBuf,
}

/// Everything the walk selected, sorted by relative path.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub specs: Vec<InputFile>,
    pub sources: Vec<(InputFile, CrateUnit)>,
    /// Verification records (`.toml`, `.csv`) and committed JUnit results (`.xml`) under the
    /// records globs.
    pub records: Vec<InputFile>,
    /// Unreadable directories and the like, found while walking.
    pub diagnostics: Vec<Diagnostic>,
}

/// The globs in force: the command line's when given, else the config's, else the defaults.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub spec: Vec<String>,
    pub src: Vec<String>,
    pub exclude: Vec<String>,
    /// Verification records and committed external results (`verification/**` by default).
    pub records: Vec<String>,
}

impl Selection {
    pub fn new(config: &Config, cli_spec: &[String], cli_src: &[String]) -> Selection {
        let pick = |cli: &[String], conf: &[String], default: &str| {
            if !cli.is_empty() {
                cli.to_vec()
            } else if !conf.is_empty() {
                conf.to_vec()
            } else {
                vec![default.to_string()]
            }
        };
        Selection {
            spec: pick(cli_spec, &config.spec, "**/*.md"),
            src: pick(cli_src, &config.src, "**/*.rs"),
            exclude: config.exclude.clone(),
            records: pick(&[], &config.records, crate::config::DEFAULT_RECORDS_GLOB),
        }
    }
}

/// An `unmatched-glob` warning for each glob (other than the default) that selected no file.
/// A glob with a single `*` where files sit deeper is the usual cause: reqtrail's `*` stays in
/// its directory, tracey's crosses, so the message says how to write it.
fn unmatched_globs(globs: &[String], hits: &[bool], default: &str, what: &str) -> Vec<Diagnostic> {
    globs
        .iter()
        .zip(hits)
        .filter(|(glob, hit)| !**hit && glob.as_str() != default)
        .map(|(glob, _)| {
            let crossing = crate::init::tracey::translate_glob(glob);
            let hint = if crossing != *glob {
                format!("; `*` stays within one directory here, so if files sit deeper write `{crossing}`")
            } else {
                String::new()
            };
            Diagnostic::new(
                Code::UnmatchedGlob,
                format!("the {what} glob `{glob}` selects no file{hint}"),
                None,
            )
        })
        .collect()
}

/// Whether a path relative to the root is one the selection reads as a spec (its `spec` globs,
/// not its `exclude` globs): for files that are not in the tree any more (a spec file at a
/// git ref), which the walk cannot select.
pub(crate) fn spec_matcher(selection: &Selection) -> Result<impl Fn(&str) -> bool> {
    let spec = glob_set(&selection.spec, "spec")?;
    let exclude = glob_set(&selection.exclude, "exclude")?;
    Ok(move |path: &str| spec.is_match(path) && !exclude.is_match(path))
}

/// A selection glob as reqtrail reads it: relative to the root, `./` dropped, `*` within one
/// directory and `**` across them.
pub fn parse_glob(glob: &str) -> std::result::Result<globset::Glob, globset::Error> {
    let glob = glob.strip_prefix("./").unwrap_or(glob);
    globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .build()
}

/// Whether a glob names one path literally (no `*`, `?`, `[` or `{`): a file the user named,
/// read even when an ignore file would leave it out.
pub fn is_literal_path(glob: &str) -> bool {
    !glob.contains(['*', '?', '[', '{'])
}

fn glob_set(globs: &[String], what: &str) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(parse_glob(glob).with_context(|| {
            format!("invalid {what} glob `{glob}`: check its brackets and braces")
        })?);
    }
    Ok(builder.build()?)
}

/// Walks `root` and selects the files. Fails only when the root itself cannot be read or a glob
/// is invalid; unreadable entries below it become diagnostics.
pub fn discover(root: &Path, selection: &Selection) -> Result<Inputs> {
    if !root.is_dir() {
        bail!(
            "{} is not a directory: give the project's root directory",
            root.display()
        );
    }
    let spec_set = glob_set(&selection.spec, "--spec")?;
    let src_set = glob_set(&selection.src, "--src")?;
    let exclude_set = glob_set(&selection.exclude, "exclude")?;
    let records_set = glob_set(&selection.records, "records")?;

    let mut inputs = Inputs::default();
    // Which globs selected at least one file: a configured glob that selects none is a warning.
    let mut spec_hits = vec![false; selection.spec.len()];
    let mut src_hits = vec![false; selection.src.len()];
    let mut rust_files = Vec::new();
    // The walk reads every directory's ignore files; one that is a FIFO or a device would
    // block it forever (or read a device). The root's cannot be skipped: that is an error.
    if let Some((path, kind)) = special_ignore_file(root) {
        bail!(
            "{} is {kind}, not a file: reqtrail reads it for ignore rules and would block on it; remove it or replace it with a regular file",
            path.display()
        );
    }
    // Directories skipped for theirs, reported after the walk (the filter must be `Sync`).
    let skipped: std::sync::Arc<std::sync::Mutex<Vec<(PathBuf, &'static str)>>> =
        std::sync::Arc::default();
    let skipped_in_filter = std::sync::Arc::clone(&skipped);
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .parents(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            let name = entry.file_name();
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir && (name == "target" || name == ".git") {
                return false;
            }
            if let Some(found) = is_dir.then(|| special_ignore_file(entry.path())).flatten() {
                if let Ok(mut list) = skipped_in_filter.lock() {
                    list.push(found);
                }
                return false;
            }
            true
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                inputs.diagnostics.push(walk_diagnostic(root, &err));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let abs = entry.into_path();
        let Some(rel) = relative(root, &abs) else {
            continue;
        };
        if exclude_set.is_match(&rel) {
            continue;
        }
        let file = InputFile { rel, abs };
        if file.rel.ends_with(".md") || file.rel.ends_with(".markdown") {
            let hits = spec_set.matches(&file.rel);
            if !hits.is_empty() {
                hits.into_iter().for_each(|h| spec_hits[h] = true);
                inputs.specs.push(file);
            }
        } else if file.rel.ends_with(".rs") {
            let hits = src_set.matches(&file.rel);
            if !hits.is_empty() {
                hits.into_iter().for_each(|h| src_hits[h] = true);
                rust_files.push(file);
            }
        } else if is_records_file(&file.rel) && records_set.is_match(&file.rel) {
            inputs.records.push(file);
        }
    }
    // A file named outright (`--spec docs/generated/spec.md`) is read even when an ignore file
    // or the always-skipped `target/` would leave it out of the walk: the user asked for it.
    // Globs select among what the walk sees, as ripgrep's do.
    let named = |globs: &[String], hits: &mut [bool]| -> Vec<InputFile> {
        let mut found = Vec::new();
        for (glob, hit) in globs.iter().zip(hits.iter_mut()) {
            if *hit || !is_literal_path(glob) {
                continue;
            }
            let rel = glob.strip_prefix("./").unwrap_or(glob).to_string();
            let abs = root.join(&rel);
            let regular = std::fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_file());
            if regular && !exclude_set.is_match(&rel) {
                *hit = true;
                found.push(InputFile { rel, abs });
            }
        }
        found
    };
    inputs.specs.extend(named(&selection.spec, &mut spec_hits));
    rust_files.extend(named(&selection.src, &mut src_hits));
    inputs.diagnostics.extend(unmatched_globs(
        &selection.spec,
        &spec_hits,
        "**/*.md",
        "spec",
    ));
    inputs
        .diagnostics
        .extend(unmatched_globs(&selection.src, &src_hits, "**/*.rs", "src"));
    let skipped = skipped.lock().map(|l| l.clone()).unwrap_or_default();
    for (path, kind) in skipped {
        let rel = relative(root, &path).unwrap_or_else(|| path.display().to_string());
        inputs.diagnostics.push(Diagnostic::at(
            Code::UnreadableFile,
            format!(
                "skipped this directory: its ignore file is {kind}, not a file, and reading it would block; remove it or replace it with a regular file"
            ),
            &rel,
            1,
        ));
    }
    let mut crates = CrateFinder::new(root);
    for file in rust_files {
        let unit = crates.unit_for(&file.rel);
        inputs.sources.push((file, unit));
    }
    inputs.specs.sort_by(|a, b| a.rel.cmp(&b.rel));
    inputs.records.sort_by(|a, b| a.rel.cmp(&b.rel));
    inputs.sources.sort_by(|a, b| a.0.rel.cmp(&b.0.rel));
    Ok(inputs)
}

/// Whether the records globs select `rel` (a root-relative path).
pub fn records_match(selection: &Selection, rel: &str) -> Result<bool> {
    Ok(glob_set(&selection.records, "records")?.is_match(rel))
}

/// The kinds of file read under the records globs: TOML and CSV records, JUnit XML results.
pub fn is_records_file(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    [".toml", ".csv", ".xml"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The first of `dir`'s ignore files (`.gitignore`, `.ignore`, `.git/info/exclude`, symlinks
/// followed) that is something other than a file or a directory, with what it is.
fn special_ignore_file(dir: &Path) -> Option<(PathBuf, &'static str)> {
    #[cfg(unix)]
    use std::os::unix::fs::FileTypeExt;
    for name in [".gitignore", ".ignore", ".git/info/exclude"] {
        let path = dir.join(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let kind = meta.file_type();
        if kind.is_file() || kind.is_dir() {
            continue;
        }
        #[cfg(unix)]
        let what = if kind.is_fifo() {
            "a FIFO"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_char_device() || kind.is_block_device() {
            "a device"
        } else {
            "a special file"
        };
        #[cfg(not(unix))]
        let what = "a special file";
        return Some((path, what));
    }
    None
}

fn walk_diagnostic(root: &Path, err: &ignore::Error) -> Diagnostic {
    let path = match err {
        ignore::Error::WithPath { path, .. } => relative(root, path),
        ignore::Error::WithDepth { err, .. } => match err.as_ref() {
            ignore::Error::WithPath { path, .. } => relative(root, path),
            _ => None,
        },
        _ => None,
    };
    let message = format!("skipped while walking the tree: {err}");
    Diagnostic::new(
        Code::UnreadableFile,
        message,
        path.map(|p| crate::model::Location::new(p, 1)),
    )
}

/// `root`-relative path with forward slashes, or `None` when `path` is not below `root`.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// The root package's name, else the root directory's name.
pub fn project_name(root: &Path) -> String {
    if let Some((name, _)) = crate::targets::package_manifest(root) {
        return name;
    }
    root.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "project".to_string())
}

/// What reading a file gave: its text, and a diagnostic when it was not clean UTF-8 text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileText {
    pub text: String,
    pub diagnostic: Option<Diagnostic>,
    /// The OS refused or failed the read (permission denied, I/O error): the run's verdict is
    /// incomplete, which the CLI reports with exit code 2 after finishing everything else.
    pub unreadable: bool,
}

/// Reads a file as text. Invalid UTF-8 is decoded lossily with a warning; a file with NUL bytes
/// in its first 8 KiB is binary and skipped (empty text) with a warning; files over `max_bytes`
/// are skipped with a warning; an unreadable file is skipped with a warning naming the OS error.
pub fn read_text(file: &InputFile, max_bytes: u64) -> FileText {
    let skip = |message: String, unreadable: bool| FileText {
        text: String::new(),
        diagnostic: Some(Diagnostic::at(Code::UnreadableFile, message, &file.rel, 1)),
        unreadable,
    };
    let warn = |message: String| skip(message, false);
    let failed = |message: String| skip(message, true);
    match std::fs::metadata(&file.abs) {
        Ok(meta) if meta.len() > max_bytes => {
            return warn(format!(
                "skipped: {} bytes is over the {max_bytes}-byte limit (raise `max-file-bytes` in reqtrail.toml)",
                meta.len()
            ))
        }
        Ok(_) => {}
        Err(err) => return failed(format!("cannot read: {err}")),
    }
    let bytes = match std::fs::read(&file.abs) {
        Ok(bytes) => bytes,
        Err(err) => return failed(format!("cannot read: {err}")),
    };
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return warn("skipped: binary content (NUL bytes), not a text file".to_string());
    }
    match String::from_utf8(bytes) {
        Ok(text) => FileText {
            text,
            diagnostic: None,
            unreadable: false,
        },
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            FileText {
                text: String::from_utf8_lossy(&bytes).into_owned(),
                diagnostic: Some(Diagnostic::at(
                    Code::UnreadableFile,
                    "not valid UTF-8: invalid bytes were replaced with U+FFFD",
                    &file.rel,
                    line,
                )),
                unreadable: false,
            }
        }
    }
}

/// Works out crate units, caching `Cargo.toml` lookups per directory.
struct CrateFinder<'a> {
    root: &'a Path,
    /// Directory (relative) -> package name, for directories holding a `Cargo.toml` with one.
    packages: HashMap<String, Option<String>>,
    /// Package directory -> its files' crate units, from its targets' module trees.
    units: HashMap<String, HashMap<String, CrateUnit>>,
}

impl<'a> CrateFinder<'a> {
    fn new(root: &'a Path) -> Self {
        CrateFinder {
            root,
            packages: HashMap::new(),
            units: HashMap::new(),
        }
    }

    fn package_in(&mut self, dir: &str) -> Option<String> {
        if let Some(found) = self.packages.get(dir) {
            return found.clone();
        }
        let package_dir = self.root.join(dir);
        let manifest = crate::targets::package_manifest(&package_dir);
        if let Some((name, table)) = &manifest {
            let units = crate::targets::package_units(&package_dir, name, table);
            self.units.insert(dir.to_string(), units);
        }
        let name = manifest.map(|(name, _)| name);
        self.packages.insert(dir.to_string(), name.clone());
        name
    }

    /// The crate directory (relative, "" for the root) and package name owning `rel`.
    fn owner(&mut self, rel: &str) -> (String, String) {
        let mut dir = parent_dir(rel);
        loop {
            if let Some(name) = self.package_in(dir) {
                return (dir.to_string(), name);
            }
            if dir.is_empty() {
                break;
            }
            dir = parent_dir(dir);
        }
        let fallback = self
            .root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "crate".to_string());
        (String::new(), fallback)
    }

    fn unit_for(&mut self, rel: &str) -> CrateUnit {
        let (dir, package) = self.owner(rel);
        let inner = if dir.is_empty() {
            rel
        } else {
            rel.strip_prefix(&dir)
                .map(|r| r.trim_start_matches('/'))
                .unwrap_or(rel)
        };
        if let Some(unit) = self.units.get(&dir).and_then(|units| units.get(inner)) {
            return unit.clone();
        }
        let has_lib = self.root.join(&dir).join("src/lib.rs").is_file();
        crate_unit(&package, inner, has_lib)
    }
}

fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map(|i| &rel[..i]).unwrap_or("")
}

/// The nextest binary id and module path of the file at `inner` (relative to its crate).
pub fn crate_unit(package: &str, inner: &str, has_lib: bool) -> CrateUnit {
    let without_ext = inner.strip_suffix(".rs").unwrap_or(inner);
    let parts: Vec<&str> = without_ext.split('/').collect();
    let modules = |rest: &[&str]| -> Vec<String> {
        let mut path: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
        if matches!(path.last().map(String::as_str), Some("mod")) {
            path.pop();
        }
        path
    };
    let (binary, module_path) = match parts.as_slice() {
        ["src", "lib"] => (package.to_string(), vec![]),
        ["src", "main"] => (format!("{package}::bin/{package}"), vec![]),
        ["src", "bin", name] | ["src", "bin", name, "main"] => {
            (format!("{package}::bin/{name}"), vec![])
        }
        ["src", "bin", name, rest @ ..] => (format!("{package}::bin/{name}"), modules(rest)),
        ["tests", name] | ["tests", name, "main"] => (format!("{package}::{name}"), vec![]),
        ["tests", name, rest @ ..] => (format!("{package}::{name}"), modules(rest)),
        ["examples", name] | ["examples", name, "main"] => {
            (format!("{package}::example/{name}"), vec![])
        }
        ["benches", name] | ["benches", name, "main"] => {
            (format!("{package}::bench/{name}"), vec![])
        }
        ["src", rest @ ..] => {
            let binary = if has_lib {
                package.to_string()
            } else {
                format!("{package}::bin/{package}")
            };
            (binary, modules(rest))
        }
        _ => (package.to_string(), modules(&parts)),
    };
    CrateUnit {
        binary,
        module_path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    // r[verify src.test-names]
    #[test]
    fn crate_units_follow_nextest_binary_ids() {
        let unit = |inner: &str, has_lib: bool| crate_unit("rate-keeper", inner, has_lib);
        assert_eq!(unit("src/lib.rs", true).binary, "rate-keeper");
        assert!(unit("src/lib.rs", true).module_path.is_empty());
        assert_eq!(
            unit("src/limiter/mod.rs", true).module_path,
            vec!["limiter"]
        );
        assert_eq!(
            unit("src/limiter/bucket.rs", true).module_path,
            vec!["limiter", "bucket"]
        );
        assert_eq!(
            unit("src/main.rs", true).binary,
            "rate-keeper::bin/rate-keeper"
        );
        assert_eq!(
            unit("src/cli.rs", false).binary,
            "rate-keeper::bin/rate-keeper"
        );
        assert_eq!(
            unit("src/bin/admin.rs", true).binary,
            "rate-keeper::bin/admin"
        );
        assert_eq!(unit("tests/api.rs", true).binary, "rate-keeper::api");
        assert_eq!(unit("tests/e2e/main.rs", true).binary, "rate-keeper::e2e");
        assert_eq!(unit("tests/e2e/login.rs", true).module_path, vec!["login"]);
    }

    // r[verify cli.discover]
    #[test]
    fn walk_skips_target_and_gitignored_files_and_applies_globs() -> TestResult {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        let write = |rel: &str, text: &str| -> std::io::Result<()> {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap_or(root))?;
            std::fs::write(path, text)
        };
        write("Cargo.toml", "[package]\nname = \"shop\"\n")?;
        for empty in [
            "src/lib.rs",
            "src/cart.rs",
            "docs/spec.md",
            "target/debug/build/gen.rs",
            "target/doc/x.md",
            "vendor/notes.md",
        ] {
            write(empty, "")?;
        }
        write(".gitignore", "vendor/\n")?;
        let all = discover(root, &Selection::new(&Config::default(), &[], &[]))?;
        let specs: Vec<_> = all.specs.iter().map(|f| f.rel.as_str()).collect();
        let srcs: Vec<_> = all.sources.iter().map(|f| f.0.rel.as_str()).collect();
        assert_eq!(specs, ["docs/spec.md"]);
        assert_eq!(srcs, ["src/cart.rs", "src/lib.rs"]);
        assert_eq!(all.sources[0].1.module_path, vec!["cart"]);
        assert_eq!(all.sources[0].1.binary, "shop");

        let narrowed = discover(
            root,
            &Selection::new(
                &Config::default(),
                &["nothing/*.md".into()],
                &["src/lib.rs".into()],
            ),
        )?;
        assert!(narrowed.specs.is_empty());
        assert_eq!(narrowed.sources.len(), 1);
        Ok(())
    }

    // r[verify cli.discover]
    #[test]
    fn non_utf8_and_binary_files_are_reported_not_dropped_silently() -> TestResult {
        let dir = tempfile::tempdir()?;
        let read = |name: &str, bytes: &[u8]| -> std::io::Result<FileText> {
            let abs = dir.path().join(name);
            std::fs::write(&abs, bytes)?;
            let rel = name.to_string();
            Ok(read_text(&InputFile { rel, abs }, 1 << 20))
        };
        let latin1 = read("bad.md", b"# Title\n\nr[a.b]\nCaf\xe9 text\n")?;
        assert!(latin1.text.contains("r[a.b]"));
        assert!(!latin1.unreadable);
        let diag = latin1.diagnostic.ok_or("a warning for the invalid UTF-8")?;
        assert_eq!(diag.code, Code::UnreadableFile);
        assert_eq!(diag.location.map(|l| l.line), Some(4));

        let binary = read("blob.rs", b"\x7fELF\x00\x00\x01")?;
        assert!(binary.text.is_empty());
        let diag = binary.diagnostic.ok_or("a warning for the binary file")?;
        assert!(diag.message.contains("binary"));
        Ok(())
    }
}

//! The resolve step: command-line arguments and the config file become one validated plan per
//! subcommand before anything is analysed (PRODUCT.md section 7): `cli::args` holds the flags
//! as typed, this module what they mean.
//!
//! Every usage problem is found here and is exit code 2 with a message that says what to do:
//! a root that is not a directory, a bad config, `--fail-under` out of range, two outputs on
//! standard output, one path given to two outputs, a `--source-link` that is not an http(s) or
//! relative URL, a record that could never be read back, `--results` with a git ref. Later
//! stages take the plan's parts and never look at flags again, so every output is validated the
//! same way and the options each parser gets are built in one place. This file resolves what is
//! analysed ([`InputPlan`]); `plan/check.rs` resolves `check` and `show`, `plan/record.rs`
//! `record`, `plan/release.rs` `diff` and `trend`, `plan/outputs.rs` every command's outputs.

mod check;
mod outputs;
mod record;
mod release;

pub use check::{resolve_check, resolve_show, CheckPlan};
pub use outputs::{Destination, Output, OutputKind};
pub use record::resolve_record;
pub use release::{resolve_diff, resolve_trend, RefInput, Release, TrendSource};

use crate::cli::{ColorChoice, InputArgs};
use crate::config::{Config, SourceOptions, SpecOptions};
use crate::discover::{self, Selection};
use anyhow::{bail, Result};
use std::path::{Component, Path, PathBuf};

/// What to analyse and how: shared by `check` and `show`.
#[derive(Debug, Clone)]
pub struct InputPlan {
    pub root: PathBuf,
    /// The root as reports show it (forward slashes, no trailing slash).
    pub root_display: String,
    pub config: Config,
    pub selection: Selection,
    pub spec_options: SpecOptions,
    /// The config's source options; the specs' marker prefixes are added once they are parsed
    /// (see `pipeline::analyze`), and that one set serves the whole run, `--changed-since` too.
    pub source_options: SourceOptions,
    pub max_file_bytes: u64,
    /// A results file over this many bytes is an error.
    pub max_results_bytes: u64,
    pub results: Vec<PathBuf>,
    pub color: ColorChoice,
}

/// A checked `--source-link` template: an http(s) or relative URL with `{commit}`, `{path}` and
/// `{line}` placeholders. Only the resolve step makes one, so no renderer sees an unchecked one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTemplate(String);

impl LinkTemplate {
    pub fn parse(template: &str) -> Result<LinkTemplate> {
        crate::report::html::check_source_link(template)?;
        Ok(LinkTemplate(template.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Resolves what `check` and `show` read.
pub fn resolve_input(input: &InputArgs) -> Result<InputPlan> {
    let root = input.root.clone();
    if !root.is_dir() {
        bail!(
            "{} is not a directory: give the project's root directory",
            root.display()
        );
    }
    let config = load_config(&root, input.config.as_deref())?;
    crate::policy::validate(&config.policy)?;
    let results = input.results.clone();
    Ok(InputPlan {
        root_display: root_display(&root),
        selection: resolve_selection(&root, &config, &input.spec, &input.src)?,
        spec_options: config.spec_options(),
        source_options: config.source_options(),
        max_file_bytes: config
            .max_file_bytes
            .unwrap_or(crate::config::DEFAULT_MAX_FILE_BYTES),
        max_results_bytes: config
            .max_results_bytes
            .unwrap_or(crate::config::DEFAULT_MAX_RESULTS_BYTES),
        results,
        color: input.color,
        root,
        config,
    })
}

/// The globs in force, each checked and made relative to the root: a glob that does not parse
/// or that points outside the root (`../x/*.md`, `/etc/*.md`) is an error naming it and where
/// it was given; an absolute glob under the root is read as the relative one it spells.
fn resolve_selection(
    root: &Path,
    config: &Config,
    cli_spec: &[String],
    cli_src: &[String],
) -> Result<Selection> {
    let mut selection = Selection::new(config, cli_spec, cli_src);
    let lists = [
        (&mut selection.spec, !cli_spec.is_empty(), "--spec", "spec"),
        (&mut selection.src, !cli_src.is_empty(), "--src", "src"),
        (&mut selection.exclude, false, "", "exclude"),
    ];
    for (globs, from_cli, flag, key) in lists {
        for glob in globs.iter_mut() {
            let origin = if from_cli {
                format!("the {flag} glob `{glob}`")
            } else {
                format!("{}: the {key} glob `{glob}`", config.glob_location(glob))
            };
            if let Err(e) = discover::parse_glob(glob) {
                bail!(
                    "{origin} is not a valid glob ({}): check its brackets and braces",
                    e.kind()
                );
            }
            match root_relative_glob(root, glob) {
                Some(relative) if !relative.is_empty() => *glob = relative,
                _ => bail!(
                    "{origin} points outside the root {}: reqtrail reads only files under the root, and globs are relative to it; write it relative to the root, or give the directory that holds those files as the root",
                    root.display()
                ),
            }
        }
    }
    Ok(selection)
}

/// A glob relative to the root: `./` and `.` steps dropped, `..` folded, an absolute glob
/// under the root (as given or resolved) made relative; `None` when it leaves the root.
fn root_relative_glob(root: &Path, glob: &str) -> Option<String> {
    let mut rest = glob.replace('\\', "/");
    if Path::new(&rest).is_absolute() || rest.starts_with('/') {
        let given = std::env::current_dir()
            .ok()
            .map(|cwd| fold(&cwd.join(root)));
        let roots = [given, root.canonicalize().ok()];
        rest = roots.iter().flatten().find_map(|r| {
            let r = r.to_string_lossy().replace('\\', "/");
            let r = r.trim_end_matches('/');
            rest.strip_prefix(r)?.strip_prefix('/').map(str::to_string)
        })?;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                // `**/..` or `*/..` could be anywhere: not a place under the root.
                let last = parts.pop()?;
                if !discover::is_literal_path(last) {
                    return None;
                }
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// `a/./b/../c` -> `a/c`, without touching the file system.
pub(super) fn fold(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn load_config(root: &Path, explicit: Option<&Path>) -> Result<Config> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let default = root.join("reqtrail.toml");
            if !default.is_file() {
                return Ok(Config::default());
            }
            default
        }
    };
    let mut config = Config::load(&path)?;
    // Diagnostics about the config (its waivers) point at it relative to the root, like every
    // other path in a report, however the user named it.
    if let Some(origin) = config.origin.as_mut() {
        origin.file = shown_path(root, &path);
    }
    Ok(config)
}

/// A path as reports show it: relative to the root with forward slashes when it is inside the
/// root, else relative with `..` steps when both resolve, else as given.
pub fn shown_path(root: &Path, path: &Path) -> String {
    let resolved = path.canonicalize().ok().zip(root.canonicalize().ok());
    if let Some((file, root)) = &resolved {
        if let Some(inside) = discover::relative(root, file) {
            return inside;
        }
        if let Some(outside) = relative_with_parents(root, file) {
            return outside;
        }
    }
    path.to_string_lossy().replace('\\', "/")
}

/// `root` = `/a/b`, `file` = `/a/c/x.toml` -> `../c/x.toml`; `None` across drives.
fn relative_with_parents(root: &Path, file: &Path) -> Option<String> {
    let root: Vec<Component> = root.components().collect();
    let file: Vec<Component> = file.components().collect();
    let common = root.iter().zip(&file).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".to_string(); root.len() - common];
    parts.extend(
        file[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

/// The root as reports show it (PRODUCT.md section 8 shows `.`): a relative root as given; an
/// absolute one relative to the working directory when it lies inside it (`.` when it is it),
/// else `.`, so no machine's directory layout enters the report.
pub(crate) fn root_display(root: &Path) -> String {
    if root.is_absolute() {
        let inside = std::env::current_dir()
            .ok()
            .and_then(|cwd| cwd.canonicalize().ok())
            .zip(root.canonicalize().ok())
            .and_then(|(cwd, root)| discover::relative(&cwd, &root));
        return match inside {
            Some(rel) if !rel.is_empty() => rel,
            _ => ".".to_string(),
        };
    }
    let shown = root.to_string_lossy().replace('\\', "/");
    let trimmed = shown.trim_end_matches('/');
    if trimmed.is_empty() {
        ".".to_string()
    } else {
        trimmed.to_string()
    }
}

/// In GitHub Actions, links to the files at the commit the report was made from; `None`
/// elsewhere or when the environment does not make a checkable URL.
pub fn github_source_link() -> Option<LinkTemplate> {
    let server = std::env::var("GITHUB_SERVER_URL")
        .ok()
        .filter(|v| !v.is_empty())?;
    let repository = std::env::var("GITHUB_REPOSITORY")
        .ok()
        .filter(|v| !v.is_empty())?;
    LinkTemplate::parse(&format!(
        "{server}/{repository}/blob/{{commit}}/{{path}}#L{{line}}"
    ))
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_dots_and_shows_outside_paths_with_parent_steps() {
        assert_eq!(fold(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(
            relative_with_parents(Path::new("/w/project"), Path::new("/w/conf/r.toml")).as_deref(),
            Some("../conf/r.toml")
        );
        assert_eq!(root_display(Path::new("proj/")), "proj");
        assert_eq!(root_display(Path::new("/")), ".");
    }

    // r[verify robust.silent-no-ops]
    #[test]
    fn globs_are_made_relative_to_the_root_or_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        let abs = root.to_string_lossy().replace('\\', "/");
        let rows: &[(String, Option<&str>)] = &[
            ("docs/*.md".into(), Some("docs/*.md")),
            ("./docs/./**/*.md".into(), Some("docs/**/*.md")),
            ("docs/../specs/*.md".into(), Some("specs/*.md")),
            (format!("{abs}/docs/*.md"), Some("docs/*.md")),
            ("../other/*.md".into(), None),
            ("docs/../../x.md".into(), None),
            ("**/../x.md".into(), None),
            ("/etc/*.md".into(), None),
        ];
        for (glob, expected) in rows {
            assert_eq!(
                root_relative_glob(root, glob).as_deref(),
                *expected,
                "{glob}"
            );
        }
    }
}

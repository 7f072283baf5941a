//! `reqtrail init [ROOT]`: looks at the project's Markdown and Rust files, finds which
//! definition styles, marker prefixes and reference forms are in use and where, and writes a
//! commented `reqtrail.toml` pinning what it found (PRODUCT.md section 7).
//!
//! [`survey`] and [`config_text`] are plain functions (files in, findings out, findings in, text
//! out); only [`run`] writes, and it never replaces an existing config without `--force`.

use crate::config::{Config, DEFAULT_HEADING_ID_PATTERN};
use crate::discover::{self, Selection};
use crate::model::{DefinitionStyle, RefForm};
use crate::{source, spec};
use anyhow::{bail, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

/// What `init` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    pub project: String,
    pub markdown_files: usize,
    pub rust_files: usize,
    /// Documents that define requirements: path, style, count, marker prefixes used.
    pub documents: Vec<Document>,
    /// Requirements per definition style.
    pub styles: BTreeMap<DefinitionStyle, usize>,
    /// Marker prefixes the documents use (`r`, `req`...).
    pub prefixes: BTreeSet<String>,
    /// References per written form (`marker r[...]`, `plain Verifies:`...).
    pub reference_forms: BTreeMap<String, usize>,
    pub tests: usize,
    /// Tests that claim at least one requirement.
    pub tests_with_references: usize,
    pub spec_globs: Vec<String>,
    pub src_globs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub file: String,
    pub style: DefinitionStyle,
    pub requirements: usize,
    pub prefixes: Vec<String>,
}

/// Walks `root` the way `check` would with no config, and parses everything it finds.
pub fn survey(root: &Path) -> Result<Findings> {
    let config = Config::default();
    let selection = Selection::new(&config, &[], &[]);
    let inputs = discover::discover(root, &selection)?;
    let max_bytes = crate::config::DEFAULT_MAX_FILE_BYTES;
    let spec_options = config.spec_options();

    let mut findings = Findings {
        project: discover::project_name(root),
        markdown_files: inputs.specs.len(),
        rust_files: inputs.sources.len(),
        ..Findings::default()
    };
    let all_markdown: Vec<String> = inputs.specs.iter().map(|f| f.rel.clone()).collect();
    let mut defining = BTreeSet::new();
    for file in &inputs.specs {
        let read = discover::read_text(file, max_bytes);
        let parsed = spec::parse_spec(&file.rel, &read.text, &spec_options);
        let (Some(style), false) = (parsed.style, parsed.requirements.is_empty()) else {
            continue;
        };
        for r in &parsed.requirements {
            *findings.styles.entry(r.style).or_default() += 1;
        }
        findings
            .prefixes
            .extend(parsed.marker_prefixes.iter().cloned());
        defining.insert(file.rel.clone());
        findings.documents.push(Document {
            file: file.rel.clone(),
            style,
            requirements: parsed.requirements.len(),
            prefixes: parsed.marker_prefixes.clone(),
        });
    }

    let mut source_options = config.source_options();
    source_options
        .prefixes
        .extend(findings.prefixes.iter().cloned());
    source_options.prefixes.sort();
    source_options.prefixes.dedup();
    let mut rust_with_claims = BTreeSet::new();
    for (file, unit) in &inputs.sources {
        let read = discover::read_text(file, max_bytes);
        let scanned = source::scan_source(&file.rel, &read.text, unit, &source_options);
        findings.tests += scanned.tests.len();
        let mut claiming = BTreeSet::new();
        for r in &scanned.references {
            *findings
                .reference_forms
                .entry(form_label(&r.form))
                .or_default() += 1;
            claiming.extend(r.tests.iter().copied());
        }
        findings.tests_with_references += claiming.len();
        if !scanned.tests.is_empty() || !scanned.references.is_empty() {
            rust_with_claims.insert(file.rel.clone());
        }
    }
    findings.spec_globs = spec_globs(&all_markdown, &defining);
    findings.src_globs = src_globs(&rust_with_claims);
    Ok(findings)
}

/// How a reference form is named in the findings and the config's comments.
fn form_label(form: &RefForm) -> String {
    match form {
        RefForm::Marker { prefix } => format!("marker comments `{prefix}[verify ID]`"),
        RefForm::Plain => "plain comments `Verifies: ID`".to_string(),
        RefForm::Oft => "OpenFastTrace tags `[utest->ID]`".to_string(),
        RefForm::FileReference => "file references `//@ reference: ID`".to_string(),
        RefForm::Attribute => "attributes `#[verifies(\"ID\")]`".to_string(),
        RefForm::Macro => "macros `verify_req!(\"ID\")`".to_string(),
    }
}

/// The narrowest globs that keep every defining document: a whole top-level directory when
/// every Markdown file in it defines requirements (new documents there are then picked up),
/// the files themselves otherwise (a README or guide beside the specs would only add noise).
pub fn spec_globs(all_markdown: &[String], defining: &BTreeSet<String>) -> Vec<String> {
    let mut globs = BTreeSet::new();
    for file in defining {
        match file.split_once('/') {
            None => {
                globs.insert(file.clone());
            }
            Some((dir, _)) => {
                let prefix = format!("{dir}/");
                let all_define = all_markdown
                    .iter()
                    .filter(|f| f.starts_with(&prefix))
                    .all(|f| defining.contains(f));
                if all_define {
                    globs.insert(format!("{dir}/**/*.md"));
                } else {
                    globs.insert(file.clone());
                }
            }
        }
    }
    globs.into_iter().collect()
}

/// One glob per top-level directory holding Rust files with tests or references; files at
/// the root (a `build.rs`) by name.
pub fn src_globs(rust_with_claims: &BTreeSet<String>) -> Vec<String> {
    let mut globs = BTreeSet::new();
    for file in rust_with_claims {
        match file.split_once('/') {
            None => globs.insert(file.clone()),
            Some((dir, _)) => globs.insert(format!("{dir}/**/*.rs")),
        };
    }
    globs.into_iter().collect()
}

fn toml_string(value: &str) -> String {
    toml::Value::String(value.to_string()).to_string()
}

fn toml_list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| toml_string(v)).collect();
    format!("[{}]", items.join(", "))
}

/// The `reqtrail.toml` text: every key explained, the detected settings set, the rest
/// commented out with their defaults. Deterministic: no date, sorted lists.
pub fn config_text(f: &Findings) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# reqtrail configuration, written by `reqtrail init`.");
    let _ = writeln!(
        out,
        "# It found {} requirement{} in {} document{} and {} test{} ({} claiming requirements).",
        f.styles.values().sum::<usize>(),
        plural(f.styles.values().sum::<usize>()),
        f.documents.len(),
        plural(f.documents.len()),
        f.tests,
        plural(f.tests),
        f.tests_with_references
    );
    let _ = writeln!(
        out,
        "# Every key is optional; run `reqtrail check` to see the result.\n"
    );
    let _ = writeln!(out, "# The project's name in reports.");
    let _ = writeln!(out, "project = {}\n", toml_string(&f.project));

    let _ = writeln!(
        out,
        "# Requirement documents (globs relative to this file's directory)."
    );
    for d in &f.documents {
        let _ = writeln!(
            out,
            "#   {}: {} {} requirement{}",
            d.file,
            d.requirements,
            d.style.as_str(),
            plural(d.requirements)
        );
    }
    if f.spec_globs.is_empty() {
        let _ = writeln!(
            out,
            "# No document defines a requirement yet; the default reads every Markdown file."
        );
        let _ = writeln!(out, "# spec = [\"docs/**/*.md\"]\n");
    } else {
        let _ = writeln!(out, "spec = {}\n", toml_list(&f.spec_globs));
    }

    let _ = writeln!(out, "# Rust sources scanned for tests and references.");
    if f.src_globs.is_empty() {
        let _ = writeln!(
            out,
            "# No test or reference found yet; the default scans every .rs file."
        );
        let _ = writeln!(out, "# src = [\"src/**/*.rs\", \"tests/**/*.rs\"]\n");
    } else {
        let _ = writeln!(out, "src = {}\n", toml_list(&f.src_globs));
    }
    let _ = writeln!(
        out,
        "# Globs left out of both, e.g. example projects with deliberate gaps."
    );
    let _ = writeln!(out, "# exclude = [\"fixtures/**\"]\n");

    let styles: Vec<String> = f
        .styles
        .iter()
        .map(|(s, n)| format!("{} {n}", s.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "# Definition style: marker `r[id]`, heading `## REQ-1: Title`, oft `req~name~1`."
    );
    match f.styles.keys().collect::<Vec<_>>().as_slice() {
        [only] => {
            let _ = writeln!(out, "# Every document uses the {} style, so it is pinned; remove the line to detect per file.", only.as_str());
            let _ = writeln!(out, "style = {}\n", toml_string(only.as_str()));
        }
        [] => {
            let _ = writeln!(out, "# Detected per file.");
            let _ = writeln!(out, "# style = \"marker\"\n");
        }
        _ => {
            let _ = writeln!(
                out,
                "# Several styles are in use ({}), so it is detected per file.",
                styles.join(", ")
            );
            let _ = writeln!(out, "# style = \"marker\"\n");
        }
    }

    let _ = writeln!(
        out,
        "# Heading-style ids must match this regex (backticked ids always do)."
    );
    let _ = writeln!(
        out,
        "# id-pattern = {}\n",
        toml_string(DEFAULT_HEADING_ID_PATTERN)
    );

    let extra: Vec<String> = f
        .prefixes
        .iter()
        .filter(|p| p.as_str() != "r")
        .cloned()
        .collect();
    let _ = writeln!(
        out,
        "# Marker prefixes besides `r`, as in `req[auth.login]`."
    );
    if extra.is_empty() {
        let _ = writeln!(out, "# prefixes = [\"req\"]\n");
    } else {
        let _ = writeln!(out, "prefixes = {}\n", toml_list(&extra));
    }

    let _ = writeln!(
        out,
        "# References found in the Rust sources (all forms are always recognised):"
    );
    if f.reference_forms.is_empty() {
        let _ = writeln!(out, "#   none yet");
    }
    for (form, n) in &f.reference_forms {
        let _ = writeln!(out, "#   {form}: {n}");
    }
    let _ = writeln!(
        out,
        "\n# Extra attributes (last path segment) that make a function a test."
    );
    let _ = writeln!(out, "# test-attributes = [\"my_test\"]\n");
    let _ = writeln!(
        out,
        "# Waivers kept outside the documents: requirement id = reason."
    );
    let _ = writeln!(out, "# [waivers]");
    let _ = writeln!(
        out,
        "# \"REQ-007\" = \"verified by the hardware lab, see report 12\""
    );
    out
}

/// What `init` prints: what it found, in a few lines.
pub fn describe(f: &Findings, written: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Looked at {} Markdown and {} Rust file{}.",
        f.markdown_files,
        f.rust_files,
        plural(f.rust_files)
    );
    let total: usize = f.styles.values().sum();
    if total == 0 {
        let _ = writeln!(
            out,
            "No requirement definitions found: write them as `r[id]` paragraphs, `## REQ-1: Title` headings or `req~name~1` ids (docs/guide.md)."
        );
    } else {
        let styles: Vec<String> = f
            .styles
            .iter()
            .map(|(s, n)| format!("{n} {}", s.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "Requirements: {total} in {} document{} ({})",
            f.documents.len(),
            plural(f.documents.len()),
            styles.join(", ")
        );
        for d in &f.documents {
            let prefixes = if d.prefixes.is_empty() {
                String::new()
            } else {
                format!(", prefix {}", d.prefixes.join(", "))
            };
            let _ = writeln!(
                out,
                "  {}: {} {}{prefixes}",
                d.file,
                d.requirements,
                d.style.as_str()
            );
        }
    }
    let _ = writeln!(
        out,
        "Tests: {} ({} claiming requirements)",
        f.tests, f.tests_with_references
    );
    if f.reference_forms.is_empty() {
        let _ = writeln!(out, "References: none yet");
    } else {
        let _ = writeln!(out, "References:");
        for (form, n) in &f.reference_forms {
            let _ = writeln!(out, "  {form}: {n}");
        }
    }
    let root = written
        .parent()
        .map(|p| p.display().to_string())
        .filter(|p| !p.is_empty() && p != ".")
        .map(|p| format!(" {p}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "Wrote {}; next: reqtrail check{root}",
        written.display()
    );
    out
}

/// `reqtrail init`: survey, refuse to overwrite without `force`, write, and return what to print.
pub fn run(root: &Path, force: bool) -> Result<String> {
    if !root.is_dir() {
        bail!(
            "{} is not a directory: give the project's root directory",
            root.display()
        );
    }
    let path = root.join("reqtrail.toml");
    if path.exists() && !force {
        bail!(
            "{} already exists; pass --force to overwrite it, or edit it by hand",
            path.display()
        );
    }
    let findings = survey(root)?;
    let text = config_text(&findings);
    // The file must load like any config; a failure here is a bug in `config_text`.
    Config::parse(&text)
        .map_err(|e| anyhow::anyhow!("internal error: the written config does not load: {e}"))?;
    crate::output::write_output(&path, text.as_bytes())?;
    Ok(describe(&findings, &path))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify gate.init]
    #[test]
    fn globs_keep_the_defining_documents_only() {
        let all = vec![
            "README.md".to_string(),
            "SPEC.md".to_string(),
            "docs/guide.md".to_string(),
            "docs/requirements.md".to_string(),
            "specs/a.md".to_string(),
            "specs/sub/b.md".to_string(),
        ];
        let defining: BTreeSet<String> = [
            "SPEC.md",
            "docs/requirements.md",
            "specs/a.md",
            "specs/sub/b.md",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            spec_globs(&all, &defining),
            vec!["SPEC.md", "docs/requirements.md", "specs/**/*.md"]
        );
        let rust: BTreeSet<String> = ["build.rs", "src/lib.rs", "src/a/b.rs", "tests/t.rs"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            src_globs(&rust),
            vec!["build.rs", "src/**/*.rs", "tests/**/*.rs"]
        );
    }

    // r[verify gate.init]
    #[test]
    fn the_written_config_loads() {
        let mut f = Findings {
            project: "my \"odd\" project".to_string(),
            spec_globs: vec!["docs/**/*.md".to_string()],
            src_globs: vec!["src/**/*.rs".to_string()],
            ..Findings::default()
        };
        f.styles.insert(DefinitionStyle::Marker, 3);
        f.prefixes.insert("req".to_string());
        let config = Config::parse(&config_text(&f)).expect("loads");
        assert_eq!(config.project.as_deref(), Some("my \"odd\" project"));
        assert_eq!(config.style, Some(DefinitionStyle::Marker));
        assert_eq!(config.prefixes, vec!["req".to_string()]);
        assert_eq!(config.spec, vec!["docs/**/*.md".to_string()]);
        f.styles.insert(DefinitionStyle::Heading, 1);
        assert_eq!(Config::parse(&config_text(&f)).expect("loads").style, None);
    }
}

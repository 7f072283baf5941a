//! `reqtrail init [ROOT]`: looks at the project's Markdown and Rust files, finds which
//! definition styles, marker prefixes and reference forms are in use and where, and writes a
//! commented `reqtrail.toml` pinning what it found (PRODUCT.md sections 7 and 13).
//!
//! When the project was set up for another tool, that tool's configuration decides which files
//! are specs and sources: tracey's `.config/tracey/config.styx` ([`tracey`], its globs
//! translated) and reqtrace's `requirements.toml` ([`reqtrace`]). Otherwise plans, reports,
//! fixtures and generated files are left out ([`markdown`]), and headings with lower-case
//! dotted ids get an id pattern.
//!
//! [`survey`] and [`config_text`] are plain functions (files in, findings out, findings in, text
//! out); only [`run`] writes, and it never replaces an existing config without `--force`.

pub mod mantra;
pub mod markdown;
pub mod reqtrace;
pub mod tracey;

use crate::config::{Config, DEFAULT_HEADING_ID_PATTERN};
use crate::discover::{self, Selection};
use crate::model::{DefinitionStyle, RefForm};
use crate::report::plural;
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
    /// Globs to leave out (from another tool's config).
    pub exclude: Vec<String>,
    /// Other tools' configuration files read, with what they gave.
    pub tool_configs: Vec<String>,
    /// Markdown files that define ids but were not taken as specs, with the reason.
    pub skipped: Vec<(String, String)>,
    /// The heading id pattern the documents need, when the default does not fit, and why.
    pub id_pattern: Option<(String, String)>,
    /// `[document-needs]` to write: documents another tool counts as covered by code.
    pub document_needs: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub file: String,
    pub style: DefinitionStyle,
    pub requirements: usize,
    pub prefixes: Vec<String>,
}

/// Another tool's configuration found at the root, as globs for reqtrail.
#[derive(Debug, Clone, Default)]
struct ToolGlobs {
    spec: Vec<String>,
    src: Vec<String>,
    exclude: Vec<String>,
    /// Files another tool generates (not specs even when they repeat requirements).
    generated: Vec<String>,
    read: Vec<String>,
    /// The project's name another tool's config gives.
    project: Option<String>,
    /// Document glob -> the levels its requirements need (reqtrace's code-covered artefacts).
    document_needs: BTreeMap<String, Vec<String>>,
}

fn tool_globs(root: &Path) -> ToolGlobs {
    let mut globs = ToolGlobs::default();
    let tracey_path = root.join(".config/tracey/config.styx");
    if let Ok(text) = std::fs::read_to_string(&tracey_path) {
        let config = tracey::parse(&text);
        let translate = |list: &[String]| -> Vec<String> {
            list.iter().map(|g| tracey::translate_glob(g)).collect()
        };
        globs.spec.extend(translate(&config.spec));
        globs.src.extend(translate(&config.src));
        globs.exclude.extend(translate(&config.exclude));
        let changed: Vec<String> = config
            .spec
            .iter()
            .chain(&config.src)
            .chain(&config.exclude)
            .filter(|g| tracey::translate_glob(g) != **g)
            .map(|g| format!("`{g}` -> `{}`", tracey::translate_glob(g)))
            .collect();
        let mut note = format!(
            ".config/tracey/config.styx (tracey): {} spec, {} source and {} exclude glob{}",
            config.spec.len(),
            config.src.len(),
            config.exclude.len(),
            plural(config.exclude.len())
        );
        if !changed.is_empty() {
            let _ = write!(
                note,
                "; tracey's `*` crosses directories, reqtrail's does not, so: {}",
                changed.join(", ")
            );
        }
        globs.read.push(note);
    }
    if let Ok(text) = std::fs::read_to_string(root.join("requirements.toml")) {
        if let Some(config) = reqtrace::parse(&text) {
            let mut note = format!(
                "requirements.toml (reqtrace): {} Markdown and {} Rust artefact path{}",
                config.spec.len(),
                config.src.len(),
                plural(config.src.len()),
            );
            if !config.generated.is_empty() {
                let _ = write!(
                    note,
                    "; reports it writes, not specs: {}",
                    config.generated.join(", ")
                );
            }
            if !config.impl_covered.is_empty() {
                let _ = write!(
                    note,
                    "; traced to code, so their requirements need an implementation (`Needs: impl`): {}",
                    config.impl_covered.join(", ")
                );
            }
            globs.read.push(note);
            globs.spec.extend(config.spec);
            globs.src.extend(config.src);
            globs.generated.extend(config.generated);
            for doc in config.impl_covered {
                globs.document_needs.insert(doc, vec!["impl".to_string()]);
            }
        }
    }
    if let Ok(text) = std::fs::read_to_string(root.join("mantra.toml")) {
        if let Some(config) = mantra::parse(&text) {
            let mut note = format!(
                "mantra.toml (mantra): {} requirement and {} trace glob{}",
                config.spec.len(),
                config.src.len(),
                plural(config.src.len())
            );
            if !config.not_read.is_empty() {
                let _ = write!(
                    note,
                    "; not read by reqtrail (bring them over as verification records or results): {}",
                    config.not_read.join(", ")
                );
            }
            globs.read.push(note);
            globs.spec.extend(config.spec);
            globs.src.extend(config.src);
            globs.project = globs.project.take().or(config.project);
        }
    }
    for list in [&mut globs.spec, &mut globs.src, &mut globs.exclude] {
        let mut seen = BTreeSet::new();
        list.retain(|g| seen.insert(g.clone()));
    }
    globs
}

/// Walks `root` the way `check` would with no config (or with the globs of another tool's
/// config), and parses everything it finds.
pub fn survey(root: &Path) -> Result<Findings> {
    let tools = tool_globs(root);
    let mut config = Config {
        spec: tools.spec.clone(),
        src: tools.src.clone(),
        exclude: tools.exclude.clone(),
        ..Config::default()
    };
    config.exclude.extend(tools.generated.iter().cloned());
    let selection = Selection::new(&config, &[], &[]);
    let inputs = discover::discover(root, &selection)?;
    let max_bytes = crate::config::DEFAULT_MAX_FILE_BYTES;

    let mut findings = Findings {
        project: tools
            .project
            .clone()
            .unwrap_or_else(|| discover::project_name(root)),
        markdown_files: inputs.specs.len(),
        rust_files: inputs.sources.len(),
        tool_configs: tools.read.clone(),
        exclude: tools.exclude.clone(),
        document_needs: tools.document_needs.clone(),
        ..Findings::default()
    };
    let texts: Vec<(String, String)> = inputs
        .specs
        .iter()
        .map(|file| (file.rel.clone(), discover::read_text(file, max_bytes).text))
        .collect();
    // Headings with lower-case dotted ids need a pattern; it is added to the default's.
    let mut spec_options = config.spec_options();
    let default_finds_nothing = |text: &str| {
        spec::parse_spec("", text, &spec_options)
            .requirements
            .is_empty()
    };
    let dotted: Vec<&String> = texts
        .iter()
        .filter(|(rel, text)| {
            markdown::not_a_spec(rel, text).is_none()
                && markdown::needs_dotted_pattern(text)
                && default_finds_nothing(text)
        })
        .map(|(rel, _)| rel)
        .collect();
    if let Some(first) = dotted.first() {
        let pattern = format!(
            "{DEFAULT_HEADING_ID_PATTERN}|{}",
            markdown::DOTTED_ID_PATTERN
        );
        let why = format!(
            "headings in {first}{} name lower-case dotted ids (`## notes.add: Title`), which the default pattern does not accept",
            if dotted.len() > 1 { format!(" and {} more", dotted.len() - 1) } else { String::new() }
        );
        config.id_pattern = Some(pattern.clone());
        spec_options = config.spec_options();
        findings.id_pattern = Some((pattern, why));
    }

    let all_markdown: Vec<String> = texts.iter().map(|(rel, _)| rel.clone()).collect();
    let from_tool = !tools.spec.is_empty();
    let mut parsed_docs = Vec::new();
    for (rel, text) in &texts {
        let parsed = spec::parse_spec(rel, text, &spec_options);
        let (Some(style), false) = (parsed.style, parsed.requirements.is_empty()) else {
            continue;
        };
        // Another tool's config names its specs; otherwise plans, reports and the like are not.
        if !from_tool {
            if let Some(reason) = markdown::not_a_spec(rel, text) {
                findings.skipped.push((rel.clone(), reason));
                continue;
            }
        }
        parsed_docs.push((rel.clone(), style, parsed));
    }
    // A document whose every id is defined in another kept one repeats them: a generated
    // report or a copy. The original is the fuller document, then one named like a spec.
    let spec_named = |rel: &str| {
        let lower = rel.to_ascii_lowercase();
        ["req", "spec"].iter().any(|w| lower.contains(w))
    };
    parsed_docs.sort_by(|a, b| {
        b.2.requirements
            .len()
            .cmp(&a.2.requirements.len())
            .then(spec_named(&b.0).cmp(&spec_named(&a.0)))
            .then(a.0.cmp(&b.0))
    });
    let mut defined_in: BTreeMap<String, String> = BTreeMap::new();
    let mut kept = Vec::new();
    for (rel, style, parsed) in parsed_docs {
        let key = |r: &crate::model::Requirement| format!("{:?}{}", r.prefix, r.id);
        let first_home = parsed
            .requirements
            .iter()
            .map(|r| defined_in.get(&key(r)))
            .collect::<Option<Vec<_>>>()
            .and_then(|homes| homes.first().map(|h| h.to_string()));
        if let Some(home) = first_home.filter(|_| !from_tool) {
            findings.skipped.push((
                rel,
                format!("repeats requirements defined in {home} (a generated report or a copy)"),
            ));
            continue;
        }
        for r in &parsed.requirements {
            defined_in.entry(key(r)).or_insert_with(|| rel.clone());
        }
        kept.push((rel, style, parsed));
    }
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    findings.skipped.sort();
    // Keep everything rather than nothing: a project whose only spec is its README.
    if kept.is_empty() && !findings.skipped.is_empty() {
        findings.skipped.clear();
        return Ok(survey_keeping_all(findings, &texts, &spec_options, &inputs));
    }
    let mut defining = BTreeSet::new();
    for (rel, style, parsed) in &kept {
        for r in &parsed.requirements {
            *findings.styles.entry(r.style).or_default() += 1;
        }
        findings
            .prefixes
            .extend(parsed.marker_prefixes.iter().cloned());
        defining.insert(rel.clone());
        findings.documents.push(Document {
            file: rel.clone(),
            style: *style,
            requirements: parsed.requirements.len(),
            prefixes: parsed.marker_prefixes.clone(),
        });
    }
    survey_sources(&mut findings, &config, &inputs);
    findings.spec_globs = if from_tool {
        tools.spec.clone()
    } else {
        spec_globs(&all_markdown, &defining)
    };
    if !tools.src.is_empty() {
        findings.src_globs = tools.src.clone();
    }
    Ok(findings)
}

/// The survey when every candidate would be left out: all defining documents are kept.
fn survey_keeping_all(
    mut findings: Findings,
    texts: &[(String, String)],
    spec_options: &crate::config::SpecOptions,
    inputs: &discover::Inputs,
) -> Findings {
    let mut defining = BTreeSet::new();
    for (rel, text) in texts {
        let parsed = spec::parse_spec(rel, text, spec_options);
        let (Some(style), false) = (parsed.style, parsed.requirements.is_empty()) else {
            continue;
        };
        for r in &parsed.requirements {
            *findings.styles.entry(r.style).or_default() += 1;
        }
        findings
            .prefixes
            .extend(parsed.marker_prefixes.iter().cloned());
        defining.insert(rel.clone());
        findings.documents.push(Document {
            file: rel.clone(),
            style,
            requirements: parsed.requirements.len(),
            prefixes: parsed.marker_prefixes.clone(),
        });
    }
    let all: Vec<String> = texts.iter().map(|(rel, _)| rel.clone()).collect();
    let config = Config::default();
    survey_sources(&mut findings, &config, inputs);
    findings.spec_globs = spec_globs(&all, &defining);
    findings
}

/// Scans the Rust sources: tests, reference forms, and the globs of the files that claim.
fn survey_sources(findings: &mut Findings, config: &Config, inputs: &discover::Inputs) {
    let max_bytes = crate::config::DEFAULT_MAX_FILE_BYTES;
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
    findings.src_globs = src_globs(&rust_with_claims);
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
    for note in &f.tool_configs {
        let _ = writeln!(out, "# Read {note}.");
    }
    if !f.tool_configs.is_empty() {
        let _ = writeln!(out);
    }
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
    for (file, reason) in &f.skipped {
        let _ = writeln!(out, "#   not a spec: {file}: {reason}");
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
    if f.exclude.is_empty() {
        let _ = writeln!(out, "# exclude = [\"fixtures/**\"]\n");
    } else {
        let _ = writeln!(out, "exclude = {}\n", toml_list(&f.exclude));
    }

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
    match &f.id_pattern {
        Some((pattern, why)) => {
            let _ = writeln!(out, "# Set because {why}.");
            let _ = writeln!(out, "id-pattern = {}\n", toml_string(pattern));
            let _ = writeln!(
                out,
                "# Dotted ids form a hierarchy, as mantra reads them: `notes.add` is a child of `notes`."
            );
            let _ = writeln!(out, "dotted-parents = true\n");
        }
        None => {
            let _ = writeln!(
                out,
                "# id-pattern = {}\n",
                toml_string(DEFAULT_HEADING_ID_PATTERN)
            );
        }
    }

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
    if !f.document_needs.is_empty() {
        let _ = writeln!(
            out,
            "\n# The other tool traces these documents to code: their requirements need an\n# implementation (`Needs: impl`) unless they write their own `Needs:`."
        );
        let _ = writeln!(out, "[document-needs]");
        for (doc, needs) in &f.document_needs {
            let _ = writeln!(out, "{} = {}", toml_string(doc), toml_list(needs));
        }
    }
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
    for note in &f.tool_configs {
        let _ = writeln!(out, "Read {note}.");
    }
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
    if !f.skipped.is_empty() {
        let _ = writeln!(out, "Not taken as specs, though they define ids:");
        for (file, reason) in &f.skipped {
            let _ = writeln!(out, "  {file}: {reason}");
        }
    }
    if let Some((pattern, why)) = &f.id_pattern {
        let _ = writeln!(out, "Id pattern: {pattern}, because {why}");
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

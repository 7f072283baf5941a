//! `reqtrail.toml`: what a project can pin (styles, id pattern, marker prefixes, globs, extra
//! test attributes, waivers, limits), and the options each stage derives from it.
//!
//! Unknown keys and wrong types are errors that name the file and line, so a typo never silently
//! changes what is checked.

use crate::model::DefinitionStyle;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Default for the heading style's id pattern (PRODUCT.md section 3).
pub const DEFAULT_HEADING_ID_PATTERN: &str = r"[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+";
/// Where verification records live unless the config says otherwise.
pub const DEFAULT_RECORDS_GLOB: &str = "verification/**";
/// Files larger than this are skipped with a warning unless the config raises it.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The default cap on one results file: JUnit for 100,000 tests with long messages stays far
/// below it.
pub const DEFAULT_MAX_RESULTS_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The project's name in reports; the root directory's name by default.
    pub project: Option<String>,
    /// Globs (relative to the root) selecting requirement documents; `**/*.md` by default.
    #[serde(default)]
    pub spec: Vec<String>,
    /// Globs selecting Rust sources; `**/*.rs` by default.
    #[serde(default)]
    pub src: Vec<String>,
    /// Globs excluded from both.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Pin the definition style for every document instead of detecting it per file.
    pub style: Option<DefinitionStyle>,
    /// Regex for heading-style ids (anchored); [`DEFAULT_HEADING_ID_PATTERN`] by default.
    pub id_pattern: Option<String>,
    /// Marker prefixes besides `r` (`req` for `req[auth.login]`).
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// Extra attribute names (last path segment) that make a function a test.
    #[serde(default)]
    pub test_attributes: Vec<String>,
    /// Names of the project's own macros that wrap tests the way `proptest! { }` does: the
    /// functions inside their invocations are tests.
    #[serde(default)]
    pub test_macros: Vec<String>,
    /// Requirement id -> reason: waivers kept outside the documents.
    #[serde(default)]
    pub waivers: BTreeMap<String, String>,
    /// Files larger than this many bytes are skipped with a warning.
    pub max_file_bytes: Option<u64>,
    /// A results file (`--results`) larger than this many bytes is an error (exit 2): reading
    /// stops there, so `--results /dev/zero` or a runaway log cannot take all the memory.
    pub max_results_bytes: Option<u64>,
    /// A requirement `a.b` is also a child of `a` when `a` is defined, the hierarchy mantra
    /// infers from dotted ids (PRODUCT.md section 13).
    #[serde(default)]
    pub dotted_parents: bool,
    /// `[[policy]]`: release-policy classes with a coverage threshold each (PRODUCT.md
    /// section 12).
    #[serde(default)]
    pub policy: Vec<crate::policy::PolicyClass>,
    /// Globs selecting verification records and committed external results (PRODUCT.md
    /// section 11): `*.toml` record files, `*.csv` exports, `*.xml` JUnit files;
    /// [`DEFAULT_RECORDS_GLOB`] by default.
    #[serde(default)]
    pub records: Vec<String>,
    /// A regex finding requirement ids in the name or classname of an external JUnit case
    /// (one that matches no Rust test), for suites that cannot write properties. The whole
    /// match is the id, unless the regex has a capture group, whose text is.
    pub external_id_pattern: Option<String>,
    /// `[document-needs]`: glob of requirement documents -> the levels every requirement in
    /// them needs when it has no `Needs:` of its own (PRODUCT.md section 11), e.g. reqtrace's
    /// design documents, whose items its matrix counts as covered by code: `["impl"]`.
    #[serde(default)]
    pub document_needs: BTreeMap<String, Vec<String>>,
    /// A link to a defect in the tracker, `{id}` standing for the defect's id
    /// (`https://tracker.example/browse/{id}`).
    #[serde(alias = "defect_link")]
    pub defect_link: Option<String>,
    /// Where the config was read from (as the user named it) and the line of each waiver, so
    /// diagnostics about waivers point at the right file and line.
    #[serde(skip)]
    pub origin: Option<ConfigOrigin>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigOrigin {
    /// Relative to the root, as reports show it.
    pub file: String,
    /// As the user named it (or as found under the root), for errors printed on the terminal.
    pub given: String,
    pub waiver_lines: BTreeMap<String, u32>,
    /// The line of each glob of `spec`, `src` and `exclude`, for errors the resolve step finds
    /// once it knows the root (a glob outside it).
    pub glob_lines: BTreeMap<String, u32>,
}

impl Config {
    /// The file and line that a diagnostic about the waiver of `id` should point at.
    pub fn waiver_location(&self, id: &str) -> crate::model::Location {
        match &self.origin {
            Some(origin) => crate::model::Location::new(
                origin.file.clone(),
                origin.waiver_lines.get(id).copied().unwrap_or(1),
            ),
            None => crate::model::Location::new("reqtrail.toml", 1),
        }
    }
}

/// 1-based line of `value` (quoted) in the array of `key`: the first line from the key's on
/// that holds it, else the key's line.
fn line_of_value(text: &str, key: &str, value: &str) -> Option<u32> {
    let from = line_of_key(text, key)?;
    let quoted = [format!("\"{value}\""), format!("'{value}'")];
    let found = text
        .lines()
        .skip(from as usize - 1)
        .position(|line| quoted.iter().any(|q| line.contains(q.as_str())));
    Some(found.map_or(from, |i| from + i as u32))
}

pub(crate) use crate::ids::is_marker_prefix;

/// 1-based line of the first line whose key (bare or quoted) is `key`.
fn line_of_key(text: &str, key: &str) -> Option<u32> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            let rest = line
                .strip_prefix(&format!("\"{key}\""))
                .or_else(|| line.strip_prefix(&format!("'{key}'")))
                .or_else(|| line.strip_prefix(key));
            rest.is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|i| i as u32 + 1)
}

impl Config {
    /// Reads and validates a config file; errors carry the file and line.
    pub fn load(path: &Path) -> Result<Config> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..valid]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            anyhow::anyhow!(
                "{}:{line}: not valid UTF-8 (TOML files are UTF-8 text)",
                path.display()
            )
        })?;
        let mut config =
            Config::parse(&text).map_err(|e| anyhow::anyhow!("{}:{}", path.display(), e))?;
        let waiver_lines = config
            .waivers
            .keys()
            .filter_map(|id| Some((id.clone(), line_of_key(&text, id)?)))
            .collect();
        let glob_lines = [
            ("spec", &config.spec),
            ("src", &config.src),
            ("exclude", &config.exclude),
        ]
        .into_iter()
        .flat_map(|(key, globs)| globs.iter().map(move |g| (key, g)))
        .filter_map(|(key, glob)| Some((glob.clone(), line_of_value(&text, key, glob)?)))
        .collect();
        config.origin = Some(ConfigOrigin {
            file: path.to_string_lossy().replace('\\', "/"),
            given: path.to_string_lossy().replace('\\', "/"),
            waiver_lines,
            glob_lines,
        });
        Ok(config)
    }

    /// Parses config text; the error message starts with `LINE: ` when the line is known.
    pub fn parse(text: &str) -> std::result::Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1);
            format!("{line}: {}", e.message())
        })?;
        if let Some(pattern) = &config.id_pattern {
            regex::Regex::new(pattern).map_err(|e| {
                let line = line_of_key(text, "id-pattern").unwrap_or(1);
                format!("{line}: id-pattern is not a valid regex: {e}")
            })?;
        }
        if let Some(pattern) = &config.external_id_pattern {
            regex::Regex::new(pattern).map_err(|e| {
                let line = line_of_key(text, "external-id-pattern").unwrap_or(1);
                format!("{line}: external-id-pattern is not a valid regex: {e}")
            })?;
        }
        if let Some(template) = &config.defect_link {
            crate::defects::check_link(template).map_err(|e| {
                let line = line_of_key(text, "defect-link")
                    .or_else(|| line_of_key(text, "defect_link"))
                    .unwrap_or(1);
                format!("{line}: defect-link {e}")
            })?;
        }
        config.check_prefixes(text)?;
        config.check_globs(text)?;
        Ok(config)
    }

    /// Each configured prefix must be one a marker can have: `"R"`, `"x y"` or `""` would be
    /// accepted and then match nothing.
    fn check_prefixes(&self, text: &str) -> std::result::Result<(), String> {
        for prefix in &self.prefixes {
            if !is_marker_prefix(prefix) {
                let line = line_of_value(text, "prefixes", prefix).unwrap_or(1);
                return Err(format!(
                    "{line}: prefixes: {prefix:?} cannot be a marker prefix: a prefix is a lower-case letter followed by lower-case letters, digits or `_`, as `req` in `req[auth.login]`"
                ));
            }
        }
        Ok(())
    }

    /// `spec = []` and `src = []` would select nothing (they are not the defaults), and a glob
    /// that does not parse is reported here, at its line, not later as a command-line error.
    fn check_globs(&self, text: &str) -> std::result::Result<(), String> {
        for (key, globs, default) in [
            ("spec", &self.spec, "**/*.md"),
            ("src", &self.src, "**/*.rs"),
        ] {
            if globs.is_empty() {
                if let Some(line) = line_of_key(text, key) {
                    return Err(format!(
                        "{line}: `{key} = []` selects no file: remove the key to read the default `{default}`, or list the globs to read"
                    ));
                }
            }
        }
        for (key, globs) in [
            ("spec", &self.spec),
            ("src", &self.src),
            ("exclude", &self.exclude),
            ("records", &self.records),
        ] {
            for glob in globs {
                if let Err(e) = crate::discover::parse_glob(glob) {
                    let line = line_of_value(text, key, glob).unwrap_or(1);
                    return Err(format!(
                        "{line}: the {key} glob `{glob}` is not a valid glob ({}): check its brackets and braces",
                        e.kind()
                    ));
                }
            }
        }
        for glob in self.document_needs.keys() {
            if let Err(e) = crate::discover::parse_glob(glob) {
                let line = line_of_key(text, glob).unwrap_or(1);
                return Err(format!(
                    "{line}: the document-needs glob `{glob}` is not a valid glob ({}): check its brackets and braces",
                    e.kind()
                ));
            }
        }
        Ok(())
    }

    /// Where a glob of this config was written, as `FILE:LINE`, for errors about it.
    pub fn glob_location(&self, glob: &str) -> String {
        match &self.origin {
            Some(origin) => format!(
                "{}:{}",
                origin.given,
                origin.glob_lines.get(glob).copied().unwrap_or(1)
            ),
            None => "reqtrail.toml".to_string(),
        }
    }

    /// The regex of `external-id-pattern`, validated in `parse`.
    pub fn external_id_regex(&self) -> Option<regex::Regex> {
        self.external_id_pattern
            .as_deref()
            .and_then(|p| regex::Regex::new(p).ok())
    }

    /// Marker prefixes: `r` always, plus the configured ones, sorted and unique.
    pub fn marker_prefixes(&self) -> Vec<String> {
        let mut prefixes = vec!["r".to_string()];
        prefixes.extend(self.prefixes.iter().cloned());
        prefixes.sort();
        prefixes.dedup();
        prefixes
    }

    pub fn spec_options(&self) -> SpecOptions {
        let pattern = self
            .id_pattern
            .as_deref()
            .unwrap_or(DEFAULT_HEADING_ID_PATTERN);
        // Validated in `parse`, so this compiles for any loaded config; were it ever not to,
        // no heading would be an id rather than the run stopping.
        let heading_id = regex::Regex::new(&format!("^(?:{pattern})$")).ok();
        SpecOptions {
            style: self.style,
            heading_id,
            prefixes: self.marker_prefixes(),
            // Checked in `parse`; a glob that fails here cannot have come from a loaded config.
            document_needs: self
                .document_needs
                .iter()
                .filter_map(|(glob, needs)| {
                    Some((
                        crate::discover::parse_glob(glob).ok()?.compile_matcher(),
                        needs.clone(),
                    ))
                })
                .collect(),
        }
    }

    pub fn source_options(&self) -> SourceOptions {
        SourceOptions {
            test_attributes: self.test_attributes.clone(),
            test_macros: self.test_macros.clone(),
            prefixes: self.marker_prefixes(),
        }
    }
}

/// What the Markdown parser needs to know.
#[derive(Debug, Clone)]
pub struct SpecOptions {
    /// When set, every file is read in this style only.
    pub style: Option<DefinitionStyle>,
    /// Anchored regex a heading-style id must match (backticked ids are accepted regardless);
    /// `None` (a pattern that does not compile, which `Config::parse` refuses) matches nothing.
    pub heading_id: Option<regex::Regex>,
    /// Marker prefixes always accepted (`r` and the configured ones).
    pub prefixes: Vec<String>,
    /// `[document-needs]`: documents matching a glob give their requirements these levels
    /// when they write no `Needs:` of their own.
    pub document_needs: Vec<(globset::GlobMatcher, Vec<String>)>,
}

impl SpecOptions {
    /// The `Needs:` a requirement of `file` gets when it writes none.
    pub fn needs_of(&self, file: &str) -> Option<&[String]> {
        self.document_needs
            .iter()
            .find(|(glob, _)| glob.is_match(file))
            .map(|(_, needs)| needs.as_slice())
    }
}

impl Default for SpecOptions {
    fn default() -> Self {
        Config::default().spec_options()
    }
}

/// What the Rust scanner needs to know.
#[derive(Debug, Clone)]
pub struct SourceOptions {
    /// Extra attribute names (last path segment) that make a function a test.
    pub test_attributes: Vec<String>,
    /// Macros whose invocations hold test functions, like `proptest!`.
    pub test_macros: Vec<String>,
    /// Marker prefixes in use (`r` and the configured ones, plus any the specs use); a
    /// `word[...]` comment with another prefix is not a reference.
    pub prefixes: Vec<String>,
}

impl Default for SourceOptions {
    fn default() -> Self {
        Config::default().source_options()
    }
}

#[cfg(test)]
mod tests {
    //! `reqtrail.toml` as users write it: what loads, and where each mistake is reported.

    use super::*;

    // r[verify cli.config]
    #[test]
    fn config_texts_load_or_fail_at_their_line() {
        // (text, Ok(check) or Err(start of the message))
        type Check = fn(&Config) -> bool;
        let rows: &[(&str, Result<Check, &str>)] = &[
            ("", Ok(|c| *c == Config::default())),
            ("# only a comment\n", Ok(|c| *c == Config::default())),
            (
                "project = \"pay\"\nstyle = \"heading\"\nprefixes = [\"req\"]\n",
                Ok(|c| {
                    c.project.as_deref() == Some("pay")
                        && c.style == Some(DefinitionStyle::Heading)
                        && c.marker_prefixes() == ["r", "req"]
                }),
            ),
            (
                "spec = [\"docs/**/*.md\"]\nsrc = [\"src/**/*.rs\"]\nexclude = [\"docs/old/**\"]\n",
                Ok(|c| c.spec == ["docs/**/*.md"] && c.exclude == ["docs/old/**"]),
            ),
            (
                "test-attributes = [\"my_test\"]\nmax-file-bytes = 1024\n",
                Ok(|c| c.test_attributes == ["my_test"] && c.max_file_bytes == Some(1024)),
            ),
            (
                "[waivers]\n\"a.b\" = \"bought in\"\n",
                Ok(|c| c.waivers.get("a.b").map(String::as_str) == Some("bought in")),
            ),
            ("styel = \"marker\"\n", Err("1: unknown field `styel`")),
            ("project = \"x\"\n\nstyle = \"fancy\"\n", Err("3: ")),
            ("max-file-bytes = \"big\"\n", Err("1: ")),
            ("prefixes = \"req\"\n", Err("1: ")),
            (
                "\n\nid-pattern = \"[A-Z\"\n",
                Err("3: id-pattern is not a valid regex"),
            ),
            ("[waivers\n", Err("1: ")),
            // r[verify robust.silent-no-ops]
            (
                "project = \"x\"\nprefixes = [\"req\", \"R\"]\n",
                Err("2: prefixes: \"R\" cannot be"),
            ),
            (
                "prefixes = [\n  \"req\",\n  \"x y\",\n]\n",
                Err("3: prefixes: \"x y\" cannot be"),
            ),
            ("prefixes = [\"\"]\n", Err("1: prefixes: \"\" cannot be")),
            (
                "prefixes = [\"req_2\"]\n",
                Ok(|c| c.marker_prefixes() == ["r", "req_2"]),
            ),
            ("\nspec = []\n", Err("2: `spec = []` selects no file")),
            ("src = []\n", Err("1: `src = []` selects no file")),
            ("exclude = []\n", Ok(|c| c.exclude.is_empty())),
            (
                "[document-needs]\n\"doc/DESIGN.md\" = [\"impl\"]\n",
                Ok(|c| {
                    let spec = c.spec_options();
                    spec.needs_of("doc/DESIGN.md") == Some(&["impl".to_string()][..])
                        && spec.needs_of("doc/REQUIREMENTS.md").is_none()
                }),
            ),
            (
                "project = \"x\"\n[document-needs]\n\"doc/{a\" = [\"impl\"]\n",
                Err("3: the document-needs glob `doc/{a` is not a valid glob"),
            ),
            (
                "spec = [\n  \"docs/*.md\",\n  \"docs/{a,b\",\n]\n",
                Err("3: the spec glob `docs/{a,b` is not a valid glob"),
            ),
            (
                "exclude = [\"[z-a]\"]\n",
                Err("1: the exclude glob `[z-a]` is not a valid glob"),
            ),
        ];
        for (text, expected) in rows {
            match (Config::parse(text), expected) {
                (Ok(config), Ok(check)) => assert!(check(&config), "{text:?}: {config:?}"),
                (Err(message), Err(start)) => {
                    assert!(message.starts_with(start), "{text:?}: {message}")
                }
                (got, _) => panic!("{text:?}: unexpected {got:?}"),
            }
        }
    }

    // r[verify cli.config]
    #[test]
    fn options_derived_from_the_config() {
        let config =
            Config::parse("prefixes = [\"req\", \"r\", \"req\"]\nid-pattern = \"REQ-[0-9]+\"\n")
                .expect("valid");
        assert_eq!(config.marker_prefixes(), ["r", "req"]);
        assert_eq!(config.source_options().prefixes, ["r", "req"]);
        let spec = config.spec_options();
        // The id pattern is anchored: the whole id must match.
        let heading_id = spec.heading_id.expect("the configured pattern compiles");
        assert!(heading_id.is_match("REQ-12"));
        assert!(!heading_id.is_match("XREQ-12"));
        assert!(!heading_id.is_match("REQ-12a"));
        // The default accepts dashed upper-case ids and nothing else.
        let default = Config::default().spec_options();
        let default_id = default.heading_id.expect("the default pattern compiles");
        assert!(default_id.is_match("API-001"));
        assert!(!default_id.is_match("api-001"));
        assert!(!default_id.is_match("API"));
    }

    // r[verify cli.config]
    #[test]
    fn waivers_remember_their_lines() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("reqtrail.toml");
        std::fs::write(
            &path,
            "project = \"x\"\n\n[waivers]\n\"a.b\" = \"one\"\nc = \"two\"\n",
        )
        .expect("write");
        let config = Config::load(&path).expect("loads");
        assert_eq!(config.waiver_location("a.b").line, 4);
        assert_eq!(config.waiver_location("c").line, 5);
        std::fs::write(&path, b"project = \"\xff\"\n").expect("write");
        let err = Config::load(&path).expect_err("not UTF-8").to_string();
        assert!(
            err.ends_with(":1: not valid UTF-8 (TOML files are UTF-8 text)"),
            "{err}"
        );
    }
}

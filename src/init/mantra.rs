//! mantra's configuration, `mantra.toml`, as `reqtrail init` needs it (PRODUCT.md section 13):
//! the requirement sources (`[[requirements]] root = ...`, a Markdown file or a folder of them),
//! the folders traces are collected from (`[[traces]] root = ...`) and the project's name.
//!
//! What mantra keeps elsewhere is named, not read: requirements given as JSON schema files,
//! coverage files and review files (reviews are manual verification records in mantra's own
//! format) are listed so the user knows to bring them over.

/// What a mantra config selects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MantraConfig {
    /// `[project] name`.
    pub project: Option<String>,
    /// Globs of the Markdown requirement sources.
    pub spec: Vec<String>,
    /// Globs of the Rust files traces are collected from.
    pub src: Vec<String>,
    /// Files mantra reads that reqtrail does not (JSON requirements, coverage, reviews).
    pub not_read: Vec<String>,
}

/// A `root` as a glob: a Markdown or Rust file stays itself, a folder gets `/**/*.EXT`.
fn root_glob(root: &str, ext: &str) -> Option<String> {
    let root = root.trim().trim_start_matches("./").trim_end_matches('/');
    if root.is_empty() || root == "." {
        return Some(format!("**/*.{ext}"));
    }
    if root.ends_with(&format!(".{ext}")) {
        return Some(root.to_string());
    }
    // Another file type (`.json`, `.txt`) holds nothing reqtrail reads as this kind.
    if root
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
    {
        return None;
    }
    Some(format!("{root}/**/*.{ext}"))
}

fn strings(value: Option<&toml::Value>) -> impl Iterator<Item = &str> {
    value
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
}

/// Reads a mantra config; `None` when the text is not TOML or has neither requirements nor
/// traces (some other tool's `mantra.toml`).
pub fn parse(text: &str) -> Option<MantraConfig> {
    let value: toml::Value = toml::from_str(text).ok()?;
    let requirements = value.get("requirements").and_then(|r| r.as_array());
    let traces = value.get("traces").and_then(|t| t.as_array());
    if requirements.is_none() && traces.is_none() {
        return None;
    }
    let mut config = MantraConfig {
        project: value
            .get("project")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_string),
        ..MantraConfig::default()
    };
    for entry in requirements.into_iter().flatten() {
        if let Some(root) = entry.get("root").and_then(|r| r.as_str()) {
            config.spec.extend(root_glob(root, "md"));
        }
        for key in ["files", "filepaths", "external-files", "external-filepaths"] {
            config
                .not_read
                .extend(strings(entry.get(key)).map(str::to_string));
        }
    }
    for entry in traces.into_iter().flatten() {
        if let Some(root) = entry.get("root").and_then(|r| r.as_str()) {
            config.src.extend(root_glob(root, "rs"));
        }
    }
    for section in ["coverage", "review"] {
        config
            .not_read
            .extend(strings(value.get(section).and_then(|s| s.get("files"))).map(str::to_string));
    }
    for list in [&mut config.spec, &mut config.src, &mut config.not_read] {
        list.sort();
        list.dedup();
    }
    Some(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify compat.mantra]
    #[test]
    fn a_mantra_config_gives_globs_and_names_what_it_cannot_read() {
        let text = "[project]\nname = \"notebox\"\nversion = \"0.3.0\"\n\n[[requirements]]\nroot = \"reqs/\"\norigin = \"https://example.com/notebox/tree/main\"\n\n[[requirements]]\nroot = \"docs/extra.md\"\norigin = \"x\"\n\n[[requirements]]\nfiles = [\"reqs/imported.json\"]\n\n[[traces]]\nroot = \"./src\"\n\n[[traces]]\nroot = \"tests/\"\n\n[coverage]\nfiles = [\"target/coverage.json\"]\n\n[review]\nfiles = [\"reviews/2024-q3.toml\"]\n";
        let config = parse(text).expect("a mantra config");
        assert_eq!(config.project.as_deref(), Some("notebox"));
        assert_eq!(config.spec, ["docs/extra.md", "reqs/**/*.md"]);
        assert_eq!(config.src, ["src/**/*.rs", "tests/**/*.rs"]);
        assert_eq!(
            config.not_read,
            [
                "reqs/imported.json",
                "reviews/2024-q3.toml",
                "target/coverage.json"
            ]
        );
        // Another tool's file of the same name, or no TOML at all, is not mantra's.
        assert_eq!(parse("[package]\nname = \"x\"\n"), None);
        assert_eq!(parse("not = [toml"), None);
        // A trace root of `.` is the whole project.
        let whole = parse("[[traces]]\nroot = \".\"\n").expect("traces only");
        assert_eq!(whole.src, ["**/*.rs"]);
    }
}

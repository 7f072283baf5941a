//! reqtrace's configuration, `requirements.toml`, as `reqtrail init` needs it: the Markdown and
//! Rust artefacts' paths, and the files its jobs generate (reports that repeat the
//! requirements and must not be read as specs).

use std::collections::BTreeSet;

/// What a reqtrace config selects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReqtraceConfig {
    /// Paths of `markdown` artefacts.
    pub spec: Vec<String>,
    /// Paths of `rust*` artefacts.
    pub src: Vec<String>,
    /// Files written by jobs (`[job.x] file = ...`).
    pub generated: Vec<String>,
}

/// Reads a reqtrace config; `None` when the text is not TOML or has no artefacts (another
/// tool's `requirements.toml`).
pub fn parse(text: &str) -> Option<ReqtraceConfig> {
    let value: toml::Value = toml::from_str(text).ok()?;
    let artefacts = value.get("artefact")?.as_table()?;
    let mut spec = BTreeSet::new();
    let mut src = BTreeSet::new();
    for artefact in artefacts.values() {
        let parser = artefact
            .get("parser")
            .and_then(|p| p.as_str())
            .unwrap_or("");
        let paths = artefact
            .get("paths")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str())
            .map(|p| p.trim_start_matches("./").to_string());
        match parser {
            "markdown" => spec.extend(paths),
            p if p.starts_with("rust") => src.extend(paths),
            _ => {}
        }
    }
    let generated = value
        .get("job")
        .and_then(|j| j.as_table())
        .into_iter()
        .flat_map(|jobs| jobs.values())
        .filter_map(|job| job.get("file").and_then(|f| f.as_str()))
        .map(|f| f.trim_start_matches("./").to_string())
        .collect::<BTreeSet<_>>();
    Some(ReqtraceConfig {
        spec: spec.into_iter().collect(),
        src: src.into_iter().collect(),
        generated: generated.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify compat.init]
    #[test]
    fn artefacts_by_parser_and_job_outputs() {
        let text = r#"
[artefact.requirements]
paths = ["doc/REQUIREMENTS.md"]
parser = "markdown"
[artefact.code]
paths = ["src/**/*.rs"]
parser = "rust_cov_marks"
[artefact.other]
paths = ["x.json"]
parser = "json"
[job.tmx]
format = "Markdown"
file = "./reports/tmx.md"
"#;
        let config = parse(text).expect("a reqtrace config");
        assert_eq!(config.spec, ["doc/REQUIREMENTS.md"]);
        assert_eq!(config.src, ["src/**/*.rs"]);
        assert_eq!(config.generated, ["reports/tmx.md"]);
        assert_eq!(parse("[package]\nname = 'x'\n"), None);
        assert_eq!(parse("not toml ["), None);
    }
}

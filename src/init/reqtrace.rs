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
    /// Paths of the Markdown artefacts a `[[trace]]` links to a Rust artefact below them
    /// (`upper = "design"`, `lower = ["code"]`): reqtrace's matrix counts their items covered
    /// by implementing code, which reqtrail reproduces with `Needs: impl`.
    pub impl_covered: Vec<String>,
}

/// Reads a reqtrace config; `None` when the text is not TOML or has no artefacts (another
/// tool's `requirements.toml`).
pub fn parse(text: &str) -> Option<ReqtraceConfig> {
    let value: toml::Value = toml::from_str(text).ok()?;
    let artefacts = value.get("artefact")?.as_table()?;
    let mut spec = BTreeSet::new();
    let mut src = BTreeSet::new();
    let paths_of = |artefact: &toml::Value| -> Vec<String> {
        artefact
            .get("paths")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str())
            .map(|p| p.trim_start_matches("./").to_string())
            .collect()
    };
    let parser_of = |artefact: &toml::Value| -> String {
        artefact
            .get("parser")
            .and_then(|p| p.as_str())
            .unwrap_or("")
            .to_string()
    };
    for artefact in artefacts.values() {
        match parser_of(artefact).as_str() {
            "markdown" => spec.extend(paths_of(artefact)),
            p if p.starts_with("rust") => src.extend(paths_of(artefact)),
            _ => {}
        }
    }
    let is_rust = |name: &str| {
        artefacts
            .get(name)
            .is_some_and(|a| parser_of(a).starts_with("rust"))
    };
    let mut impl_covered = BTreeSet::new();
    for trace in value
        .get("trace")
        .and_then(|t| t.as_array())
        .into_iter()
        .flatten()
    {
        let Some(upper) = trace.get("upper").and_then(|u| u.as_str()) else {
            continue;
        };
        let lower_is_code = trace
            .get("lower")
            .and_then(|l| l.as_array())
            .into_iter()
            .flatten()
            .filter_map(|l| l.as_str())
            .any(is_rust);
        if let Some(artefact) = artefacts.get(upper).filter(|_| lower_is_code) {
            if parser_of(artefact) == "markdown" {
                impl_covered.extend(paths_of(artefact));
            }
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
        impl_covered: impl_covered.into_iter().collect(),
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

//! Unit-test support: a small project written as text (Markdown specs, Rust sources, results)
//! run through the real parsers, linker and evaluation, so the stage tests of `evaluate`,
//! `gate` and `graph` state their cases the way users write them.

use crate::config::Config;
use crate::evaluate::{self, Evaluation};
use crate::graph::{self, Model};
use crate::model::{CrateUnit, Location, Outcome, TestResult};
use crate::report::{Report, RunInfo};

/// A project: `(path, text)` specs and Rust files (crate `calc`, files under `src/`), and
/// optionally results as `(test path, outcome)`.
#[derive(Default)]
pub(crate) struct Project<'a> {
    pub specs: Vec<(&'a str, &'a str)>,
    pub sources: Vec<(&'a str, &'a str)>,
    pub results: Option<Vec<(&'a str, Outcome)>>,
    pub config: Config,
}

impl<'a> Project<'a> {
    pub(crate) fn new(spec: &'a str, source: &'a str) -> Project<'a> {
        Project {
            specs: vec![("docs/spec.md", spec)],
            sources: vec![("src/lib.rs", source)],
            ..Project::default()
        }
    }

    pub(crate) fn with_results(mut self, results: &[(&'a str, Outcome)]) -> Project<'a> {
        self.results = Some(results.to_vec());
        self
    }

    pub(crate) fn model(&self) -> Model {
        let spec_options = self.config.spec_options();
        let specs = self
            .specs
            .iter()
            .map(|(file, text)| crate::spec::parse_spec(file, text, &spec_options))
            .collect::<Vec<_>>();
        let mut source_options = self.config.source_options();
        for spec in &specs {
            source_options
                .prefixes
                .extend(spec.marker_prefixes.iter().cloned());
        }
        let unit = CrateUnit {
            binary: "calc".to_string(),
            module_path: Vec::new(),
        };
        let sources = self
            .sources
            .iter()
            .map(|(file, text)| crate::source::scan_source(file, text, &unit, &source_options))
            .collect();
        let results = self.results.as_ref().map(|results| {
            results
                .iter()
                .enumerate()
                .map(|(i, (name, outcome))| TestResult {
                    binary: Some("calc".to_string()),
                    name: name.to_string(),
                    outcome: *outcome,
                    message: None,
                    location: Location::new("results.xml", i as u32 + 1),
                    suite: None,
                    flaky: false,
                    requirements: Vec::new(),
                })
                .collect()
        });
        graph::build(specs, sources, results, &self.config)
    }

    /// The linked model and its evaluation.
    pub(crate) fn evaluated(&self) -> (Model, Evaluation) {
        let model = self.model();
        let evaluation = evaluate::evaluate(&model);
        (model, evaluation)
    }

    pub(crate) fn report(&self) -> Report {
        let (model, evaluation) = self.evaluated();
        let run = RunInfo {
            project: "calc".to_string(),
            root: ".".to_string(),
            commit: None,
            generated_at: "2026-01-01T00:00:00Z".to_string(),
            dirty: false,
            results_files: Vec::new(),
            defect_link: None,
        };
        crate::report::build(&model, evaluation, &run, Default::default())
    }
}

/// `mod tests { ... }` with one `#[test]` per `(name, ids)`, each preceded by `// r[verify ID]`
/// lines for its ids (written with a prefix the caller picks, so this file's own scan of
/// itself never sees a reference).
pub(crate) fn tests_module(prefix: &str, tests: &[(&str, &[&str])]) -> String {
    let mut out = String::from("#[cfg(test)]\nmod tests {\n");
    for (name, ids) in tests {
        for id in *ids {
            out.push_str(&format!("    // {prefix}[verify {id}]\n"));
        }
        out.push_str(&format!("    #[test]\n    fn {name}() {{}}\n\n"));
    }
    out.push_str("}\n");
    out
}

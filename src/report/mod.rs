//! The report: the evaluated project as one plain, serialisable value (schema
//! `reqtrail-report/1`, PRODUCT.md section 8), and one module per output format rendering it.
//!
//! [`build`] turns one run's outcome (the model, its evaluation, the run's facts, a comparison's
//! and the policy's sections) into a [`Report`]; every renderer (terminal, JSON, HTML, CSV,
//! SARIF, Markdown, GitHub annotations) is a function of it alone, so all formats tell the same
//! story. The report is the output schema only: no stage before the renderers depends on it.

mod build;
pub mod csv;
pub mod github;
mod hostile;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod terminal;

/// A requirement's text before it was reworded: model data that the schema carries as it is.
pub use crate::model::PreviousText;
pub(crate) use build::{build, RunInfo, Sections};

use crate::model::{Code, EvidenceKind, Lifecycle, LineSpan, Severity, Status, TestStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `s` unless `n` is one: "1 requirement", "2 requirements".
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub const SCHEMA: &str = "reqtrail-report/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub tool: Tool,
    /// The project's name: the root directory's name, or `project` from the config.
    #[serde(default)]
    pub project: String,
    pub root: String,
    pub commit: Option<String>,
    pub generated_at: String,
    /// Whether any `--results` were given (so `unknown` results mean "not asked").
    #[serde(default)]
    pub results_given: bool,
    pub summary: Summary,
    /// Coverage per requirement document, sorted by file.
    #[serde(default)]
    pub documents: Vec<Coverage>,
    /// Coverage per area (first id segment), sorted by area.
    #[serde(default)]
    pub areas: Vec<Coverage>,
    /// Sorted by file, then line.
    pub requirements: Vec<RequirementEntry>,
    /// Sorted by binary, then name.
    pub tests: Vec<TestEntry>,
    /// Sorted by file, line, code, message.
    pub diagnostics: Vec<DiagnosticEntry>,
    /// The working tree had uncommitted changes to tracked files when the report was made.
    #[serde(default)]
    pub dirty: bool,
    /// Every result accounted for: the results files read, and the results no requirement
    /// shows (PRODUCT.md section 11).
    #[serde(default)]
    pub evidence: EvidenceLedger,
    /// Coverage per evidence level, in level order; levels no requirement has or needs are
    /// left out.
    #[serde(default)]
    pub levels: Vec<LevelCoverage>,
    /// The `defect-link` template from the config, checked: `{id}` stands for a defect's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defect_link: Option<String>,
    /// What a `--baseline` or `--changed-since` run compared this tree with, and what it
    /// found: worse, better, changed, suspect (PRODUCT.md section 12). Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<ComparisonSection>,
    /// The release policy's classes (`[[policy]]` in reqtrail.toml), each with its coverage
    /// and whether it met its threshold; empty without a policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy: Vec<crate::policy::ClassResult>,
}

/// The comparison a `--baseline` or `--changed-since` run made, carried in its JSON and HTML so
/// the CI artifact shows what the pull request changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ComparisonSection {
    /// What this tree was compared with, in words: `baseline reqtrail-baseline.json`,
    /// `main (merge base 1a2b3c4d5e6f)`, or both.
    pub against: String,
    /// Overall coverage of the baseline, when there was one.
    #[serde(default)]
    pub coverage_before: Option<f64>,
    pub coverage_after: f64,
    /// What got worse than the baseline, as the gate saw it.
    #[serde(default)]
    pub worse: Vec<crate::baseline::Change>,
    #[serde(default)]
    pub better: Vec<crate::baseline::Change>,
    /// Requirements the branch touched (`--changed-since`), or reworded since the baseline.
    #[serde(default)]
    pub changed: Vec<crate::changes::ScopedRequirement>,
    /// Ids of requirements with suspect evidence (their `previous` text is on the entry).
    #[serde(default)]
    pub suspect: Vec<String>,
}

/// Every results file and every result that a requirement's status does not show.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvidenceLedger {
    /// In the order given on the command line.
    pub files: Vec<crate::evidence::ResultsFile>,
    /// Results that name no test found in the sources, in file then line order.
    pub unmatched_results: Vec<ResultRef>,
    /// Tests that failed or errored and verify no requirement, sorted by binary then name.
    pub failed_without_requirement: Vec<ResultRef>,
    /// Tests that passed only on a retry, sorted by binary then name.
    pub flaky: Vec<ResultRef>,
}

/// A result by name, with where it was read (an unmatched result) or where its test is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRef {
    pub binary: Option<String>,
    pub name: String,
    pub result: TestStatus,
    pub file: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Every requirement defined, whatever its lifecycle.
    pub requirements: usize,
    /// Approved or active (counted) requirements, waived ones included.
    pub active: usize,
    pub verified: usize,
    pub partial: usize,
    pub failing: usize,
    pub unverified: usize,
    pub waived: usize,
    /// Counted requirements whose only evidence is suspect (PRODUCT.md section 12).
    #[serde(default)]
    pub suspect: usize,
    /// verified / (active - waived) * 100, one decimal; 100.0 when nothing is to be verified.
    pub coverage_percent: f64,
    pub errors: usize,
    pub warnings: usize,
}

/// Coverage of one group (a document or an area) of requirements.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// The document's path or the area's name.
    pub name: String,
    pub requirements: usize,
    pub active: usize,
    pub verified: usize,
    pub partial: usize,
    pub failing: usize,
    pub unverified: usize,
    pub waived: usize,
    #[serde(default)]
    pub suspect: usize,
    pub coverage_percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementEntry {
    pub id: String,
    pub title: String,
    pub text: String,
    pub file: String,
    pub line: u32,
    /// The lines the requirement owns (definition through its text and, for a heading, its
    /// sub-sections): what `--changed-since` compares with the diff.
    #[serde(default)]
    pub span: LineSpan,
    pub revision: u32,
    /// A short hash of the normalised title, text and meaning attributes (PRODUCT.md section
    /// 12): it changes when what the requirement says changes, not when it is rewrapped.
    #[serde(default)]
    pub fingerprint: String,
    pub lifecycle: Lifecycle,
    /// For requirements not counted (draft, deprecated...) this is still computed, but shown greyed.
    pub status: Status,
    /// Why it has this status, in one sentence (`no verifying test`, `test x failed`...).
    #[serde(default)]
    pub reason: String,
    /// `marker`, `heading` or `oft`.
    #[serde(default)]
    pub style: String,
    /// First id segment (`auth` of `auth.login`, `REQ` of `REQ-012`).
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub waived: Option<String>,
    pub parents: Vec<String>,
    pub children: Vec<String>,
    pub fields: BTreeMap<String, String>,
    pub verified_by: Vec<Verification>,
    pub implemented_by: Vec<Implementation>,
    /// The levels it has passing evidence of, in level order (`impl`, `utest`, `itest`,
    /// `stest`, `manual`, the record methods): PRODUCT.md section 11.
    #[serde(default)]
    pub levels: Vec<String>,
    /// Known defects beside it (its `Defect:`, its tests' defect ids, and a failing child's
    /// when it fails through that child), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defects: Vec<String>,
    /// Its text before it was reworded, when a `--baseline` or `--changed-since` run saw its
    /// fingerprint change; `show`, the HTML and the Markdown show the word diff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub test: String,
    pub binary: String,
    pub file: String,
    pub line: u32,
    /// Line of the reference that links the test to the requirement.
    pub ref_line: u32,
    pub result: TestStatus,
    /// The reference named an older revision: shown, but it does not verify.
    #[serde(default)]
    pub stale: bool,
    #[serde(default)]
    pub ignored: bool,
    /// Why this evidence is suspect (made for other text than the requirement has now): a
    /// stale revision, or a requirement reworded under an unchanged test. Suspect evidence
    /// does not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspect: Option<String>,
    /// A Rust test, a verification record or an external (JUnit) result.
    #[serde(default)]
    pub kind: EvidenceKind,
    /// `utest`, `itest`, `stest`, or a record's method (`manual`, `inspection`...).
    #[serde(default)]
    pub level: String,
    /// A record's author, date, version, note and link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Defect ids a test names (its `#[ignore]` reason, a `// Defect:` comment).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defects: Vec<String>,
}

impl Verification {
    /// How reports name it: `binary test` for tests and external cases, the record's summary.
    pub fn label(&self) -> String {
        match self.kind {
            EvidenceKind::Record => self.test.clone(),
            _ if self.binary.is_empty() => self.test.clone(),
            _ => format!("{} {}", self.binary, self.test),
        }
    }
}

/// Coverage of one evidence level (PRODUCT.md section 11).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LevelCoverage {
    pub level: String,
    /// Counted, unwaived requirements with passing evidence of this level.
    pub requirements: usize,
    /// Of those, as a percentage of the counted, unwaived requirements.
    pub percent: f64,
    /// Counted, unwaived requirements whose `Needs:` or `Verification:` asks for it.
    pub needed: usize,
    /// Of the `needed`, how many have it.
    pub met: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Implementation {
    pub item: String,
    pub file: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestEntry {
    pub test: String,
    pub binary: String,
    pub file: String,
    pub line: u32,
    /// The lines the test owns: comments and attributes right above it through its end.
    #[serde(default)]
    pub span: LineSpan,
    pub ignored: bool,
    #[serde(default)]
    pub should_panic: bool,
    #[serde(default)]
    pub cfg: Option<String>,
    pub result: TestStatus,
    /// The failure message from the results file, if any.
    #[serde(default)]
    pub message: Option<String>,
    /// Passed, but only on a retry.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub flaky: bool,
    pub requirements: Vec<String>,
    /// A short hash of the test's source lines (its span): a `--baseline` run tells an edited
    /// test from an untouched one by it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DiagnosticEntry {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub suggestion: Option<String>,
    /// The requirements the finding is about, sorted (empty for findings about no one
    /// requirement, such as an unknown id).
    #[serde(default)]
    pub requirements: Vec<String>,
}

impl Report {
    /// Requirements that are counted and neither verified nor waived: the gaps, failing ones
    /// first, then suspect, unverified, then partial.
    pub fn gaps(&self) -> impl Iterator<Item = &RequirementEntry> {
        let mut gaps: Vec<&RequirementEntry> = self
            .requirements
            .iter()
            .filter(|r| {
                r.lifecycle.is_counted() && !matches!(r.status, Status::Verified | Status::Waived)
            })
            .collect();
        // Most urgent first: failing, suspect, unverified, then partial; the sort is stable, so
        // each group keeps the report's file and line order.
        gaps.sort_by_key(|r| crate::evaluate::gap_rank(r.status));
        gaps.into_iter()
    }
}

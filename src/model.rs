//! The plain data every pipeline stage passes on: requirements as the spec parser finds them,
//! tests and references as the Rust scanner finds them, results as the evidence reader finds
//! them, and the diagnostics any stage may raise.
//!
//! Nothing here does work; the stages (`spec`, `source`, `evidence`, `graph`, `evaluate`) are
//! functions from one of these shapes to the next.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A place in the project: a path relative to the root (forward slashes) and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct Location {
    pub file: String,
    pub line: u32,
}

impl Location {
    pub fn new(file: impl Into<String>, line: u32) -> Self {
        Location {
            file: file.into(),
            line,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Lines `first..=last` of one file, 1-based and inclusive: what a parser saw a thing occupy,
/// so later stages (`--changed-since`) can tell what an edit touched without reading the file
/// again.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct LineSpan {
    pub first: u32,
    pub last: u32,
}

impl LineSpan {
    pub fn new(first: u32, last: u32) -> LineSpan {
        LineSpan {
            first,
            last: last.max(first),
        }
    }

    pub fn contains(&self, line: u32) -> bool {
        self.first <= line && line <= self.last
    }
}

/// How a requirement was written down (PRODUCT.md section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DefinitionStyle {
    /// `r[id]` / `r[id+2]` paragraphs, as in tracey and the Rust Reference.
    Marker,
    /// `## REQ-012: Title` or `` ## `calc.add`: Title ``.
    Heading,
    /// OpenFastTrace `` `req~name~2` ``.
    Oft,
}

impl DefinitionStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            DefinitionStyle::Marker => "marker",
            DefinitionStyle::Heading => "heading",
            DefinitionStyle::Oft => "oft",
        }
    }
}

/// The `Status:` attribute of a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lifecycle {
    Draft,
    Proposed,
    Approved,
    Active,
    Deprecated,
    Rejected,
}

impl Lifecycle {
    pub fn parse(value: &str) -> Option<Lifecycle> {
        Some(match value.trim().to_ascii_lowercase().as_str() {
            "draft" => Lifecycle::Draft,
            "proposed" => Lifecycle::Proposed,
            "approved" => Lifecycle::Approved,
            "active" => Lifecycle::Active,
            "deprecated" => Lifecycle::Deprecated,
            "rejected" => Lifecycle::Rejected,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Draft => "draft",
            Lifecycle::Proposed => "proposed",
            Lifecycle::Approved => "approved",
            Lifecycle::Active => "active",
            Lifecycle::Deprecated => "deprecated",
            Lifecycle::Rejected => "rejected",
        }
    }

    /// Only approved and active requirements count towards coverage; the others are shown greyed.
    pub fn is_counted(self) -> bool {
        matches!(self, Lifecycle::Approved | Lifecycle::Active)
    }
}

/// One requirement as defined in a Markdown document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// The id without revision: `auth.login`, `REQ-012`, `req~login-throttle`.
    pub id: String,
    /// `+N` of a marker, `~N` of an OFT id; 1 when absent.
    pub revision: u32,
    pub title: String,
    /// The body as Markdown source (attribute lines and blockquote prefixes removed), trimmed.
    pub text: String,
    pub location: Location,
    /// The lines the requirement owns in its file: from the definition to the end of its text
    /// (the next definition, the next heading, the end of its blockquote); a heading requirement
    /// also owns its sub-sections, up to the next heading of its level or higher.
    pub span: LineSpan,
    pub style: DefinitionStyle,
    /// `Status:`; `Active` when absent. An unrecognised value keeps `Active` and is kept in `fields`.
    pub lifecycle: Lifecycle,
    /// `Covers:` / `Parents:` / `Refines:` ids, each with the line it was written on.
    pub parents: Vec<(String, u32)>,
    pub tags: Vec<String>,
    /// `Needs:` coverage kinds (`impl`, `utest`, ...).
    pub needs: Vec<String>,
    pub priority: Option<String>,
    pub verification: Option<String>,
    /// `Waived:` present: `Some(reason)`; an empty reason is `Some("")` (a `waiver-without-reason`).
    pub waived: Option<String>,
    /// Every other `Key: value` attribute, in the order written; values joined with ", ".
    pub fields: BTreeMap<String, String>,
    /// The marker prefix it was defined with (`r` of `r[auth.login]`); `None` for the other
    /// styles. Each prefix is its own namespace, as in tracey (PRODUCT.md section 13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// A short hash of its normalised title, text and meaning attributes (PRODUCT.md section
    /// 12); see `spec::fingerprint`.
    #[serde(default)]
    pub fingerprint: String,
}

/// What one Markdown file gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecFile {
    pub file: String,
    /// The style detected (or pinned) for this file; `None` when it defines nothing.
    pub style: Option<DefinitionStyle>,
    pub requirements: Vec<Requirement>,
    /// The marker prefixes this file uses (`r`, `req`, ...), so references in Rust can be matched.
    pub marker_prefixes: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a reference claims about a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RefKind {
    Verify,
    Impl,
    Depends,
    Related,
}

impl RefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Verify => "verify",
            RefKind::Impl => "impl",
            RefKind::Depends => "depends",
            RefKind::Related => "related",
        }
    }
}

/// Which written form a reference took (PRODUCT.md section 4); kept for diagnostics and `init`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefForm {
    /// `// r[verify ID]`; the prefix used is kept so it can be matched against the specs'.
    Marker { prefix: String },
    /// `// Verifies: ID`.
    Plain,
    /// `// [utest->req~name~2]`.
    Oft,
    /// `//@ reference: ID`.
    FileReference,
    /// `#[verifies("ID")]` and friends.
    Attribute,
    /// `verify_req!("ID")` and friends.
    Macro,
}

/// A reference to a requirement found in a Rust file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub id: String,
    /// The revision named (`ID+2`, `req~x~2`); `None` when the reference names none.
    pub revision: Option<u32>,
    pub kind: RefKind,
    pub form: RefForm,
    pub line: u32,
    /// Indices into `SourceFile::tests` of the tests this reference belongs to (section 4 rules).
    pub tests: Vec<usize>,
    /// The non-test item it belongs to, as a module path (`auth::login`), if any.
    pub item: Option<String>,
    /// Right above an out-of-line `mod x;`: the binary and module path whose tests (in other
    /// files) it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<(String, String)>,
}

/// A test function found in a Rust file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestFn {
    /// Module path as libtest prints it: `parser::tests::rejects_empty`.
    pub name: String,
    /// The nextest binary id: `pkg` for lib unit tests, `pkg::bin/name`, `pkg::file` for `tests/file.rs`.
    pub binary: String,
    pub line: u32,
    /// The lines the test owns: the comments and attributes right above it through its closing
    /// brace (to the next test when the parser could not see where it ends).
    pub span: LineSpan,
    pub ignored: bool,
    pub should_panic: bool,
    /// The `#[cfg(...)]` guarding the test or its module, as written, if any.
    pub cfg: Option<String>,
    /// The attribute that made it a test (`test`, `tokio::test`, `rstest`, `proptest`, ...);
    /// `NAME!` for the tests a macro invocation generates, `doctest` for an item's examples.
    pub attribute: String,
    /// Other names its results go by, within its binary: the names a macro invocation's tests
    /// can take (`tests::trims_spaces`), or a doctest's names (`src/lib.rs - add`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub generates: Vec<String>,
    /// Known defects it names: ids in its `#[ignore = "..."]` reason, `// Defect: ID` comments
    /// above it (PRODUCT.md section 11).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defects: Vec<String>,
    /// A short hash of the lines it owns (its span), so a comparison can tell an edited test
    /// from an untouched one; set while the file's text is in hand (`pipeline`), empty for
    /// tests no file spells out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
}

/// What one Rust file gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceFile {
    pub file: String,
    pub tests: Vec<TestFn>,
    pub references: Vec<Reference>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The outcome of one test run, as a results file states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Passed,
    Failed,
    Errored,
    Skipped,
}

/// One test result read from a results file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestResult {
    /// Binary id when the format gives one (nextest JUnit `testsuite` name), else `None`.
    pub binary: Option<String>,
    /// Test path as printed (`parser::tests::rejects_empty`), parameter suffixes kept.
    pub name: String,
    pub outcome: Outcome,
    pub message: Option<String>,
    /// Where the result was read from.
    pub location: Location,
    /// libtest JSON: the ordinal of the suite (one test binary's run) the result was printed in,
    /// so results without a binary can be told apart by the set of names their suite ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suite: Option<u32>,
    /// Passed only on a retry (JUnit `flakyFailure`/`flakyError`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub flaky: bool,
    /// The requirement ids a JUnit case names in its `requirement`/`requirements` properties
    /// (the Xray and pytest `record_property` convention, PRODUCT.md section 11).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
}

/// What a piece of evidence is (PRODUCT.md section 11).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// A Rust test found in the sources.
    #[default]
    Test,
    /// A verification record written by a person (TOML or CSV).
    Record,
    /// A JUnit case from outside the Rust sources that names the requirement.
    External,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Test => "test",
            EvidenceKind::Record => "record",
            EvidenceKind::External => "external",
        }
    }
}

/// The verification methods a requirement's `Verification:` may list (PRODUCT.md section 11).
/// `test` is met by tests; every other method by a record of that method.
pub const METHODS: [&str; 6] = [
    "test",
    "inspection",
    "analysis",
    "demonstration",
    "review",
    "manual",
];

/// One verification record as a person wrote it (a `[[record]]` in a TOML file under
/// `verification/`, or a CSV row): evidence that is not a test run by a machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The requirement id as written.
    pub requirement: String,
    /// The revision it was made against, when given.
    pub revision: Option<u32>,
    /// The requirement's fingerprint when the record was made, when given.
    pub fingerprint: Option<String>,
    /// One of [`METHODS`] other than `test`.
    pub method: String,
    /// `Passed` or `Failed`.
    pub outcome: Outcome,
    pub by: String,
    /// `YYYY-MM-DD`, as written.
    pub date: String,
    pub version: Option<String>,
    pub note: Option<String>,
    pub link: Option<String>,
    pub location: Location,
}

/// The result of a test as the report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestStatus {
    Passed,
    Failed,
    Errored,
    Skipped,
    /// Results were given but none names this test.
    NotRun,
    /// No results were given at all.
    Unknown,
}

impl TestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TestStatus::Passed => "passed",
            TestStatus::Failed => "failed",
            TestStatus::Errored => "errored",
            TestStatus::Skipped => "skipped",
            TestStatus::NotRun => "not-run",
            TestStatus::Unknown => "unknown",
        }
    }
}

impl From<Outcome> for TestStatus {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Passed => TestStatus::Passed,
            Outcome::Failed => TestStatus::Failed,
            Outcome::Errored => TestStatus::Errored,
            Outcome::Skipped => TestStatus::Skipped,
        }
    }
}

/// The verdict on one requirement (PRODUCT.md section 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Verified,
    Partial,
    Failing,
    Unverified,
    Waived,
    /// Its only evidence was made for other text than it has now (PRODUCT.md section 12): a
    /// stale reference, or a test untouched while the requirement was reworded.
    Suspect,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Partial => "partial",
            Status::Failing => "failing",
            Status::Unverified => "unverified",
            Status::Waived => "waived",
            Status::Suspect => "suspect",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The stable diagnostic codes of PRODUCT.md section 6, plus the ones robustness adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    DuplicateId,
    UnknownReference,
    StaleReference,
    UnknownParent,
    Cycle,
    WaiverWithoutReason,
    VerifyOutsideTest,
    IgnoredOnly,
    UnparsedFile,
    NoRequirements,
    UnknownVerb,
    /// A test result that names no test found in the sources.
    UnknownResult,
    /// A file decoded lossily (not UTF-8), skipped for size, or unreadable.
    UnreadableFile,
    /// A line that looks like a definition or reference in a known convention but is not read
    /// as one (PRODUCT.md section 13).
    NearMiss,
    /// A configured spec or src glob selects no file.
    UnmatchedGlob,
    /// A verification record (TOML or CSV) that cannot be used: a missing field, a bad date,
    /// an unknown method or result, a syntax error.
    MalformedRecord,
    /// `Verification:` names a method reqtrail does not know.
    UnknownMethod,
}

impl Code {
    pub const ALL: [Code; 17] = [
        Code::DuplicateId,
        Code::UnknownReference,
        Code::StaleReference,
        Code::UnknownParent,
        Code::Cycle,
        Code::WaiverWithoutReason,
        Code::VerifyOutsideTest,
        Code::IgnoredOnly,
        Code::UnparsedFile,
        Code::NoRequirements,
        Code::UnknownVerb,
        Code::UnknownResult,
        Code::UnreadableFile,
        Code::NearMiss,
        Code::UnmatchedGlob,
        Code::MalformedRecord,
        Code::UnknownMethod,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::DuplicateId => "duplicate-id",
            Code::UnknownReference => "unknown-reference",
            Code::StaleReference => "stale-reference",
            Code::UnknownParent => "unknown-parent",
            Code::Cycle => "cycle",
            Code::WaiverWithoutReason => "waiver-without-reason",
            Code::VerifyOutsideTest => "verify-outside-test",
            Code::IgnoredOnly => "ignored-only",
            Code::UnparsedFile => "unparsed-file",
            Code::NoRequirements => "no-requirements",
            Code::UnknownVerb => "unknown-verb",
            Code::UnknownResult => "unknown-result",
            Code::UnreadableFile => "unreadable-file",
            Code::NearMiss => "near-miss",
            Code::UnmatchedGlob => "unmatched-glob",
            Code::MalformedRecord => "malformed-record",
            Code::UnknownMethod => "unknown-method",
        }
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Code::DuplicateId
            | Code::UnknownReference
            | Code::UnknownParent
            | Code::Cycle
            | Code::WaiverWithoutReason
            | Code::NoRequirements
            | Code::MalformedRecord => Severity::Error,
            Code::StaleReference
            | Code::VerifyOutsideTest
            | Code::IgnoredOnly
            | Code::UnparsedFile
            | Code::UnknownVerb
            | Code::UnknownResult
            | Code::UnreadableFile
            | Code::NearMiss
            | Code::UnmatchedGlob
            | Code::UnknownMethod => Severity::Warning,
        }
    }

    /// One line on what the code means, for SARIF rules and the guide.
    pub fn description(self) -> &'static str {
        match self {
            Code::DuplicateId => "A requirement id is defined more than once.",
            Code::UnknownReference => "A reference names a requirement that no spec defines.",
            Code::StaleReference => "A reference names an older revision than the spec defines.",
            Code::UnknownParent => {
                "A Covers/Parents/Refines attribute names an unknown requirement."
            }
            Code::Cycle => "Requirements cover each other in a cycle.",
            Code::WaiverWithoutReason => "A requirement is waived without a reason.",
            Code::VerifyOutsideTest => "A verify reference belongs to no test function.",
            Code::IgnoredOnly => "Every test of a requirement is #[ignore].",
            Code::UnparsedFile => {
                "A Rust file could not be parsed; its comments were still scanned."
            }
            Code::NoRequirements => "The requirement documents define no requirement.",
            Code::UnknownVerb => "A marker reference uses a verb reqtrail does not know.",
            Code::UnknownResult => "A test result names no test found in the sources.",
            Code::UnreadableFile => "A file could not be read as UTF-8 text, or was skipped.",
            Code::UnmatchedGlob => "A configured spec or src glob selects no file.",
            Code::MalformedRecord => {
                "A verification record lacks a field or has a bad date, method or result."
            }
            Code::UnknownMethod => "Verification: names a method reqtrail does not know.",
            Code::NearMiss => {
                "A line looks like a definition or reference of a known convention but is not read as one."
            }
        }
    }
}

/// A finding with a stable code, a severity, a message and a place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// `None` only for findings about the run as a whole (`no-requirements`).
    pub location: Option<Location>,
    /// A did-you-mean id for `unknown-reference` and `unknown-parent`.
    pub suggestion: Option<String>,
    /// The defined requirements the finding is about (the duplicated id, the child with an
    /// unknown parent, every member of a cycle...), so `show` lists it without reading the
    /// message.
    #[serde(default)]
    pub requirements: Vec<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>, location: Option<Location>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            location,
            suggestion: None,
            requirements: Vec::new(),
        }
    }

    /// Marks the finding as being about requirement `id`.
    pub fn about(mut self, id: impl Into<String>) -> Self {
        self.requirements.push(id.into());
        self
    }

    pub fn at(code: Code, message: impl Into<String>, file: &str, line: u32) -> Self {
        Diagnostic::new(code, message, Some(Location::new(file, line)))
    }

    pub fn with_suggestion(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }
}

/// Where a Rust file sits in its crate, as `discover` works it out from `Cargo.toml` and the path:
/// the test binary its tests run in and the module path of the file itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CrateUnit {
    /// nextest binary id: `pkg` (lib), `pkg::bin/name` (binary), `pkg::file` (`tests/file.rs`).
    pub binary: String,
    /// Module path of the file inside that binary: `[]` for `lib.rs`/`main.rs`/`tests/x.rs`,
    /// `["parser"]` for `src/parser.rs` or `src/parser/mod.rs`.
    pub module_path: Vec<String>,
}

/// What a requirement said before it was reworded: from the baseline report, or from the spec
/// file at the git ref, read by the same spec parser.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousText {
    pub title: String,
    pub text: String,
    pub fingerprint: String,
    pub revision: u32,
    /// Where it was defined then.
    pub file: String,
    /// Where the old text was read: `baseline FILE` or `git REF`.
    pub from: String,
}

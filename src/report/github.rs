//! `--format github`: GitHub Actions workflow commands (`::error file=F,line=N,title=T::MSG`),
//! so the runner shows each gap and diagnostic as an annotation at its file and line in the
//! pull request.
//!
//! Gaps the gate blames and error diagnostics are `error`s; older gaps and warnings are
//! `warning`s. Errors come first because GitHub shows only the first few annotations of a kind.

use super::{Report, RequirementEntry};
use crate::gate::{is_blocking, GateVerdict};
use crate::model::{Severity, Status};
use std::fmt::Write;

/// Workflow-command data: `%`, CR and LF would end or corrupt the command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command property values additionally may not hold `:` or `,`, which separate them.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A path relative to the report's root, made relative to where reqtrail was run (the
/// checkout, in CI) when the root was given as a relative path: annotations and SARIF locations
/// resolve against the repository, not against the analysed subdirectory.
pub fn workspace_path(report: &Report, file: &str) -> String {
    let root = report.root.trim_end_matches('/');
    let root = root.strip_prefix("./").unwrap_or(root);
    if root.is_empty()
        || root == "."
        || root.starts_with('/')
        || root.starts_with("..")
        || root.contains(':')
    {
        file.to_string()
    } else {
        format!("{root}/{file}")
    }
}

/// What a gap is called in annotations and SARIF: `failing-requirement` or
/// `unverified-requirement` (partial ones included).
pub fn gap_rule(r: &RequirementEntry) -> &'static str {
    if r.status == Status::Failing {
        "failing-requirement"
    } else {
        "unverified-requirement"
    }
}

/// The sentence describing a gap.
pub fn gap_message(r: &RequirementEntry) -> String {
    let title = if r.title.is_empty() {
        String::new()
    } else {
        format!(" ({})", r.title)
    };
    format!(
        "requirement `{}`{title} is {}: {}",
        r.id,
        r.status.as_str(),
        r.reason
    )
}

struct Annotation {
    level: &'static str,
    file: Option<String>,
    line: Option<u32>,
    title: String,
    message: String,
}

pub fn render(report: &Report, verdict: &GateVerdict) -> String {
    let mut annotations = Vec::new();
    for r in report.gaps() {
        annotations.push(Annotation {
            level: if is_blocking(verdict, r) {
                "error"
            } else {
                "warning"
            },
            file: Some(workspace_path(report, &r.file)),
            line: Some(r.line),
            title: format!("reqtrail {}", gap_rule(r)),
            message: gap_message(r),
        });
    }
    for d in &report.diagnostics {
        let hint = d
            .suggestion
            .as_ref()
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        annotations.push(Annotation {
            level: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            file: d.file.as_deref().map(|f| workspace_path(report, f)),
            line: d.line,
            title: format!("reqtrail {}", d.code.as_str()),
            message: format!("{}{hint}", d.message),
        });
    }
    // Errors first (GitHub caps annotations per step); the sort is stable, so each group keeps
    // the report's file/line order.
    annotations.sort_by_key(|a| a.level != "error");

    let mut out = String::new();
    for a in &annotations {
        let mut properties = Vec::new();
        if let Some(file) = &a.file {
            properties.push(format!("file={}", escape_property(file)));
            if let Some(line) = a.line.filter(|&l| l > 0) {
                properties.push(format!("line={line}"));
            }
        }
        properties.push(format!("title={}", escape_property(&a.title)));
        let _ = writeln!(
            out,
            "::{} {}::{}",
            a.level,
            properties.join(","),
            escape_data(&a.message)
        );
    }
    if !verdict.passed {
        let _ = writeln!(
            out,
            "::error title=reqtrail gate failed::{}",
            escape_data(&verdict.reasons.join("; "))
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify gate.github]
    #[test]
    fn escapes_data_and_properties_as_the_workflow_command_format_requires() {
        assert_eq!(escape_data("50%\r\nnext: a, b"), "50%25%0D%0Anext: a, b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}

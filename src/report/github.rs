//! `--format github`: GitHub Actions workflow commands (`::error file=F,line=N,title=T::MSG`),
//! so the runner shows each gap and diagnostic as an annotation at its file and line in the
//! pull request.
//!
//! Gaps the gate blames and error diagnostics are `error`s; older gaps and warnings are
//! `warning`s. Errors come first because GitHub shows only the first few annotations of a kind.
//! A failing requirement is annotated at its failing test, where the fix usually is. With
//! `--changed-since`, only what the change touched is annotated, and one `notice` counts the rest,
//! so a pull request is not buried under the project's older gaps.

use super::plural;
use super::{Report, RequirementEntry};
use crate::changes::Scope;
use crate::gate::{is_blocking, GateVerdict};
use crate::model::{Severity, Status, TestStatus};
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
    let defects = if r.defects.is_empty() {
        String::new()
    } else {
        format!(" (known defect {})", r.defects.join(", "))
    };
    format!(
        "requirement `{}`{title} is {}: {}{defects}",
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

/// Where a failing requirement's annotation goes: its own first failing test, else the first
/// failing test of a failing descendant (children in id order, nearest first), else `None`.
fn failing_test_place<'a>(report: &'a Report, r: &'a RequirementEntry) -> Option<(&'a str, u32)> {
    let by_id: std::collections::HashMap<&str, &RequirementEntry> = report
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    let mut queue = std::collections::VecDeque::from([r]);
    let mut seen = std::collections::HashSet::from([r.id.as_str()]);
    while let Some(next) = queue.pop_front() {
        let failed = next
            .verified_by
            .iter()
            .find(|v| !v.stale && matches!(v.result, TestStatus::Failed | TestStatus::Errored));
        if let Some(v) = failed {
            return Some((v.file.as_str(), v.line));
        }
        for child in &next.children {
            if let Some(c) = by_id.get(child.as_str()) {
                if c.status == Status::Failing && seen.insert(c.id.as_str()) {
                    queue.push_back(c);
                }
            }
        }
    }
    None
}

/// The workflow commands for `--format github`. `scope` is what `--changed-since` found: then
/// only its requirements and the diagnostics on its lines are annotated.
pub fn render(report: &Report, verdict: &GateVerdict, scope: Option<&Scope>) -> String {
    let mut annotations = Vec::new();
    let mut left_out = (0usize, 0usize);
    for r in report.gaps() {
        if scope.is_some_and(|s| !s.has_requirement(&r.id)) {
            left_out.0 += 1;
            continue;
        }
        let (file, line, message) =
            match failing_test_place(report, r).filter(|_| r.status == Status::Failing) {
                Some((file, line)) => (
                    file,
                    line,
                    format!("{} (defined at {}:{})", gap_message(r), r.file, r.line),
                ),
                None => (r.file.as_str(), r.line, gap_message(r)),
            };
        annotations.push(Annotation {
            level: if is_blocking(verdict, &r.id) {
                "error"
            } else {
                "warning"
            },
            file: Some(workspace_path(report, file)),
            line: Some(line),
            title: format!("reqtrail {}", gap_rule(r)),
            message,
        });
    }
    for d in &report.diagnostics {
        if scope.is_some_and(|s| !s.covers(d.file.as_deref(), d.line)) {
            left_out.1 += 1;
            continue;
        }
        let hint = d
            .suggestion
            .as_ref()
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        annotations.push(Annotation {
            level: match verdict.severity_of(d.severity) {
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
    if let Some(scope) = scope {
        let _ = writeln!(
            out,
            "::notice title=reqtrail changed since {}::{}",
            escape_property(&scope.reference),
            escape_data(&format!(
                "{} changed requirement{} gated; {} older gap{} and {} diagnostic{} outside the change not annotated (the summary and the reports list them)",
                scope.requirements.len(),
                plural(scope.requirements.len()),
                left_out.0,
                plural(left_out.0),
                left_out.1,
                plural(left_out.1),
            ))
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

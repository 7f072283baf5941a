//! The terminal output: a summary a release manager can read in ten seconds (counts, coverage,
//! the gaps with file:line), the diagnostics in `file:line: severity[code]: message` form, the
//! gate's verdict, and `reqtrail show`'s one-requirement trail. Colour only when asked for or
//! when writing to a terminal (`NO_COLOR` respected by the caller).

use super::{DiagnosticEntry, Report, RequirementEntry};
use crate::gate::GateVerdict;
use crate::model::{EvidenceKind, Severity, Status, TestStatus};
use std::fmt::Write;

/// ANSI styling that is a no-op when colour is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    pub enabled: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    pub fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
    pub fn red(&self, t: &str) -> String {
        self.wrap("1;31", t)
    }
    pub fn yellow(&self, t: &str) -> String {
        self.wrap("33", t)
    }
    pub fn green(&self, t: &str) -> String {
        self.wrap("32", t)
    }
    pub fn dim(&self, t: &str) -> String {
        self.wrap("2", t)
    }
    pub fn status(&self, status: Status) -> String {
        let label = status.as_str().to_ascii_uppercase();
        match status {
            Status::Verified => self.green(&label),
            Status::Failing | Status::Suspect => self.red(&label),
            Status::Unverified | Status::Partial => self.yellow(&label),
            Status::Waived => self.dim(&label),
        }
    }
    pub fn result(&self, result: TestStatus) -> String {
        let label = result.as_str();
        match result {
            TestStatus::Passed => self.green(label),
            TestStatus::Failed | TestStatus::Errored => self.red(label),
            TestStatus::Skipped | TestStatus::NotRun => self.yellow(label),
            TestStatus::Unknown => self.dim(label),
        }
    }
}

/// One diagnostic as compilers print them, with the severity it has for the gate.
pub fn diagnostic_line(d: &DiagnosticEntry, severity: Severity, paint: Paint) -> String {
    let place = match (&d.file, d.line) {
        (Some(file), Some(line)) => format!("{file}:{line}: "),
        (Some(file), None) => format!("{file}: "),
        _ => String::new(),
    };
    let severity = match severity {
        Severity::Error => paint.red(&format!("error[{}]", d.code.as_str())),
        Severity::Warning => paint.yellow(&format!("warning[{}]", d.code.as_str())),
    };
    let hint = d
        .suggestion
        .as_ref()
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    format!("{place}{severity}: {}{hint}", d.message)
}

fn bar(percent: f64, width: usize) -> String {
    let filled = ((percent / 100.0) * width as f64)
        .round()
        .clamp(0.0, width as f64) as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// How many gaps and diagnostics the summary lists before saying "and N more".
const LIST_LIMIT: usize = 50;

/// What a run adds to `check`'s summary besides the report: paragraphs that explain the verdict
/// (what `--changed-since` and `--baseline` found), printed right above it, and the files the
/// run wrote (`wrote FILE (what)` lines), right above the verdict line. Each ends in a newline.
#[derive(Debug, Default, Clone, Copy)]
pub struct Extras<'a> {
    pub sections: &'a str,
    pub written: &'a str,
}

/// The summary printed by `reqtrail check`.
pub fn render(report: &Report, verdict: &GateVerdict, paint: Paint, quiet: bool) -> String {
    render_with(report, verdict, paint, quiet, Extras::default())
}

/// The summary printed by `reqtrail check`, with the run's [`Extras`].
pub fn render_with(
    report: &Report,
    verdict: &GateVerdict,
    paint: Paint,
    quiet: bool,
    extras: Extras,
) -> String {
    let mut out = String::new();
    let s = &report.summary;
    if !quiet {
        let _ = writeln!(
            out,
            "{} {} · {} · {} requirement{} in {} document{}, {} test{}",
            paint.bold("reqtrail"),
            report.tool.version,
            report.project,
            s.requirements,
            if s.requirements == 1 { "" } else { "s" },
            report.documents.len(),
            if report.documents.len() == 1 { "" } else { "s" },
            report.tests.len(),
            if report.tests.len() == 1 { "" } else { "s" },
        );
        let _ = writeln!(
            out,
            "\ncoverage {:>5.1}%  {}  {} of {} counted requirements verified",
            s.coverage_percent,
            bar(s.coverage_percent, 24),
            s.verified,
            s.active - s.waived
        );
        let not_counted = s.requirements - s.active;
        let _ = writeln!(
            out,
            "  verified {} · partial {} · failing {} · unverified {} · waived {} · not counted {}",
            s.verified, s.partial, s.failing, s.unverified, s.waived, not_counted
        );
        if !report.levels.is_empty() {
            let _ = writeln!(out, "  levels: {}", levels_line(report));
        }
        if s.suspect > 0 {
            let _ = writeln!(
                out,
                "  suspect {}: evidence made for other text than the requirement has now",
                s.suspect
            );
        }
        if !report.policy.is_empty() {
            let _ = writeln!(out, "\nRelease policy:");
            for class in &report.policy {
                let _ = writeln!(out, "  {}", crate::policy::line(class));
            }
        }
        if report.documents.len() > 1 {
            for doc in &report.documents {
                let _ = writeln!(
                    out,
                    "  {:>5.1}%  {} ({} of {})",
                    doc.coverage_percent,
                    doc.name,
                    doc.verified,
                    doc.active - doc.waived
                );
            }
        }

        let gaps: Vec<&RequirementEntry> = report.gaps().collect();
        if !gaps.is_empty() {
            let _ = writeln!(out, "\n{}", paint.bold("Not verified:"));
            for r in gaps.iter().take(LIST_LIMIT) {
                let title = if r.title.is_empty() {
                    String::new()
                } else {
                    format!(" {}", truncate(&r.title, 60))
                };
                let defects = if r.defects.is_empty() {
                    String::new()
                } else {
                    format!(" · defect {}", r.defects.join(", "))
                };
                let _ = writeln!(
                    out,
                    "  {:<10} {}{}\n             {}:{} · {}{defects}",
                    paint.status(r.status),
                    paint.bold(&r.id),
                    title,
                    r.file,
                    r.line,
                    r.reason
                );
                if let Some(diff) = reworded(r, paint) {
                    let _ = writeln!(out, "{}", indent(&diff, "             "));
                }
            }
            if gaps.len() > LIST_LIMIT {
                let _ = writeln!(
                    out,
                    "  … and {} more (see --json or --html)",
                    gaps.len() - LIST_LIMIT
                );
            }
        }
    }
    if !quiet {
        ledger(&mut out, report, paint);
    }
    if !report.diagnostics.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", paint.bold("Diagnostics:"));
        let shown = if quiet {
            usize::MAX
        } else {
            LIST_LIMIT.max(report.diagnostics.len().min(200))
        };
        for d in report.diagnostics.iter().take(shown) {
            let severity = verdict.severity_of(d.severity);
            let _ = writeln!(out, "{}", diagnostic_line(d, severity, paint));
        }
        if report.diagnostics.len() > shown {
            let _ = writeln!(
                out,
                "… and {} more diagnostics (see --json)",
                report.diagnostics.len() - shown
            );
        }
        if verdict.deny_warnings {
            let _ = writeln!(
                out,
                "{} error(s), {} warning(s) counted as errors (--deny warnings)",
                s.errors, s.warnings
            );
        } else {
            let _ = writeln!(out, "{} error(s), {} warning(s)", s.errors, s.warnings);
        }
    }
    // `-q` with nothing to report prints the verdict alone, without a blank line above it.
    let body = !out.is_empty();
    if !extras.sections.is_empty() {
        if body {
            out.push('\n');
        }
        out.push_str(extras.sections);
    }
    if body {
        let _ = writeln!(out);
    }
    out.push_str(extras.written);
    if verdict.passed {
        let _ = writeln!(out, "{} gate passed", paint.green("✔"));
    } else {
        let _ = writeln!(
            out,
            "{} gate failed: {}",
            paint.red("✘"),
            verdict.reasons.join("; ")
        );
    }
    out
}

/// `impl 15 · utest 12 · itest 8 (needed 4, met 3) · manual 1`: how many counted requirements
/// have passing evidence of each level, and how the ones that need it fare.
pub fn levels_line(report: &Report) -> String {
    report
        .levels
        .iter()
        .map(|l| {
            if l.needed > 0 {
                format!(
                    "{} {} (needed {}, met {})",
                    l.level, l.requirements, l.needed, l.met
                )
            } else {
                format!("{} {}", l.level, l.requirements)
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Every result a requirement's status does not show, by name, and the results files read.
fn ledger(out: &mut String, report: &Report, paint: Paint) {
    let ledger = &report.evidence;
    let sections = [
        (
            "Failed tests that verify no requirement:",
            &ledger.failed_without_requirement,
        ),
        ("Results that match no test:", &ledger.unmatched_results),
        ("Flaky tests (passed only on a retry):", &ledger.flaky),
    ];
    for (title, list) in sections {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", paint.bold(title));
        for r in list.iter().take(LIST_LIMIT) {
            let binary = r
                .binary
                .as_deref()
                .map(|b| format!("{b} "))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<8} {binary}{}  {}:{}",
                paint.result(r.result),
                r.name,
                r.file,
                r.line
            );
        }
        if list.len() > LIST_LIMIT {
            let _ = writeln!(
                out,
                "  … and {} more (see --json or --html)",
                list.len() - LIST_LIMIT
            );
        }
    }
    if !ledger.files.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("Results files:"));
        for f in &ledger.files {
            let mut facts = vec![f.producer.clone(), format!("{} results", f.results)];
            if let Some(run) = &f.run_id {
                facts.push(format!("run {run}"));
            }
            if let Some(at) = &f.timestamp {
                facts.push(at.clone());
            }
            let _ = writeln!(
                out,
                "  {} · {}\n    sha256 {}",
                f.path,
                facts.join(" · "),
                f.sha256
            );
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// `reqtrail show ID`: everything known about one requirement, and why it has its status.
pub fn render_show(report: &Report, r: &RequirementEntry, paint: Paint) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}  {}",
        paint.bold(&r.id),
        if r.revision > 1 {
            format!(" (revision {})", r.revision)
        } else {
            String::new()
        },
        paint.status(r.status)
    );
    if !r.title.is_empty() {
        let _ = writeln!(out, "{}", r.title);
    }
    let _ = writeln!(out, "defined at {}:{} ({} style)", r.file, r.line, r.style);
    let _ = writeln!(out, "lifecycle: {}", r.lifecycle.as_str());
    let _ = writeln!(out, "why: {}", r.reason);
    // A waived requirement's reason already is its waiver; say it once.
    if let Some(waived) = r.waived.as_ref().filter(|_| r.status != Status::Waived) {
        let _ = writeln!(
            out,
            "waived: {}",
            if waived.is_empty() {
                "(no reason given)"
            } else {
                waived
            }
        );
    }
    if !r.tags.is_empty() {
        let _ = writeln!(out, "tags: {}", r.tags.join(", "));
    }
    if !r.levels.is_empty() {
        let _ = writeln!(out, "levels: {}", r.levels.join(", "));
    }
    if !r.defects.is_empty() {
        let links: Vec<String> = r
            .defects
            .iter()
            .map(|d| match &report.defect_link {
                Some(template) => format!("{d} <{}>", crate::defects::href(template, d)),
                None => d.clone(),
            })
            .collect();
        let _ = writeln!(out, "known defects: {}", links.join(", "));
    }
    for (key, value) in &r.fields {
        let _ = writeln!(out, "{key}: {value}");
    }
    if !r.text.is_empty() {
        let _ = writeln!(out, "\n{}", indent(&r.text, "  "));
    }
    if let Some(diff) = reworded(r, paint) {
        let _ = writeln!(out, "\n{}", diff);
    }
    let find = |id: &str| report.requirements.iter().find(|x| x.id == id);
    let relatives = |label: &str, ids: &[String], out: &mut String| {
        if ids.is_empty() {
            let _ = writeln!(out, "\n{label}: none");
            return;
        }
        let _ = writeln!(out, "\n{label}:");
        for id in ids {
            match find(id) {
                Some(other) => {
                    let _ = writeln!(
                        out,
                        "  {:<10} {}  {}:{}",
                        paint.status(other.status),
                        id,
                        other.file,
                        other.line
                    );
                }
                None => {
                    let _ = writeln!(out, "  {id}");
                }
            }
        }
    };
    relatives("parents", &r.parents, &mut out);
    relatives("children", &r.children, &mut out);
    if r.verified_by.is_empty() {
        let _ = writeln!(out, "\nevidence: none");
    } else {
        let _ = writeln!(out, "\nevidence:");
        for v in &r.verified_by {
            if v.kind == EvidenceKind::Record {
                let _ = writeln!(
                    out,
                    "  {:<8} {:<6} {}  {}:{}{}",
                    paint.result(v.result),
                    v.level,
                    v.test,
                    v.file,
                    v.line,
                    if v.stale {
                        " [made against an older revision: does not count]"
                    } else {
                        ""
                    }
                );
                for (label, value) in [
                    ("version", &v.version),
                    ("note", &v.note),
                    ("link", &v.link),
                ] {
                    if let Some(value) = value {
                        let _ = writeln!(
                            out,
                            "{}",
                            indent(&format!("{label}: {value}"), "                  ")
                        );
                    }
                }
                continue;
            }
            if v.kind == EvidenceKind::External {
                let _ = writeln!(
                    out,
                    "  {:<8} {:<6} {} ({})  {}:{}",
                    paint.result(v.result),
                    v.level,
                    v.test,
                    v.binary,
                    v.file,
                    v.line
                );
                if let Some(message) = v
                    .note
                    .as_ref()
                    .filter(|_| matches!(v.result, TestStatus::Failed | TestStatus::Errored))
                {
                    let _ = writeln!(
                        out,
                        "{}",
                        indent(&truncate_lines(message, 12), "           ")
                    );
                }
                continue;
            }
            let mut notes = Vec::new();
            if v.stale {
                notes.push("stale reference: does not count".to_string());
            } else if let Some(why) = &v.suspect {
                notes.push(format!("suspect: {why}; does not count"));
            }
            if v.ignored {
                notes.push("#[ignore]".to_string());
            }
            if !v.defects.is_empty() {
                notes.push(format!("defect {}", v.defects.join(", ")));
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" [{}]", notes.join("; "))
            };
            let _ = writeln!(
                out,
                "  {:<8} {:<6} {} ({})  {}:{} (reference at line {}){}",
                paint.result(v.result),
                v.level,
                v.test,
                v.binary,
                v.file,
                v.line,
                v.ref_line,
                notes
            );
            if let Some(message) = report
                .tests
                .iter()
                .find(|t| t.test == v.test && t.binary == v.binary)
                .and_then(|t| t.message.as_ref())
                .filter(|_| matches!(v.result, TestStatus::Failed | TestStatus::Errored))
            {
                let _ = writeln!(
                    out,
                    "{}",
                    indent(&truncate_lines(message, 12), "           ")
                );
            }
        }
    }
    if r.implemented_by.is_empty() {
        let _ = writeln!(out, "\nimplemented by: none");
    } else {
        let _ = writeln!(out, "\nimplemented by:");
        for i in &r.implemented_by {
            let _ = writeln!(out, "  {}  {}:{}", i.item, i.file, i.line);
        }
    }
    let related: Vec<&DiagnosticEntry> = report
        .diagnostics
        .iter()
        .filter(|d| d.requirements.contains(&r.id))
        .collect();
    if !related.is_empty() {
        let _ = writeln!(out, "\ndiagnostics:");
        for d in related {
            let _ = writeln!(out, "  {}", diagnostic_line(d, d.severity, paint));
        }
    }
    out
}

/// `reworded since REF:` and the word diff (`[-old-]{+new+}`, coloured when painting) of a
/// requirement a comparison found reworded.
fn reworded(r: &RequirementEntry, paint: Paint) -> Option<String> {
    let p = r.previous.as_ref()?;
    let pieces = crate::worddiff::words(
        &crate::worddiff::whole(&p.title, &p.text),
        &crate::worddiff::whole(&r.title, &r.text),
    );
    let mut diff = String::new();
    for piece in &pieces {
        let one = std::slice::from_ref(piece);
        let text = crate::worddiff::plain(one);
        match piece.op {
            crate::worddiff::Op::Same => diff.push_str(&text),
            crate::worddiff::Op::Removed => diff.push_str(&paint.red(&text)),
            crate::worddiff::Op::Added => diff.push_str(&paint.green(&text)),
        }
    }
    Some(format!(
        "reworded since {} (word diff: [-removed-] {{+added+}}):\n{}",
        p.from,
        indent(&diff, "  ")
    ))
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|l| format!("{prefix}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn truncate_lines(text: &str, max: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= max {
        return text.trim_end().to_string();
    }
    format!(
        "{}\n… ({} more lines)",
        lines[..max].join("\n"),
        lines.len() - max
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::{judge, GateOptions};
    use crate::testkit::{tests_module, Project};

    // r[verify cli.wrote]
    // r[verify cli.quiet]
    #[test]
    fn extras_sit_above_the_verdict_which_stays_the_last_line() {
        let source = tests_module("r", &[("ta", &["a"])]);
        let project = Project::new("# Spec\n\nr[a]\nA.\n", &source);
        let report = project.report();
        let (model, evaluation) = project.evaluated();
        let verdict = judge(&model, &evaluation, &[], &GateOptions::default());
        let paint = Paint { enabled: false };
        let sections = "Changed since main:\n  a\n";
        let written = "wrote r.json (the JSON report)\n";
        let extras = Extras { sections, written };

        let plain = render(&report, &verdict, paint, false);
        let body = plain
            .strip_suffix("\n✔ gate passed\n")
            .expect("a blank line, then the verdict last");
        assert!(body.ends_with('\n') && !body.ends_with("\n\n"), "{plain}");
        // (quiet, extras, the whole summary)
        let rows: &[(bool, Extras, String)] = &[
            (false, Extras::default(), plain.clone()),
            (
                false,
                extras,
                format!("{body}\n{sections}\n{written}✔ gate passed\n"),
            ),
            (
                false,
                Extras {
                    sections: "",
                    written,
                },
                format!("{body}\n{written}✔ gate passed\n"),
            ),
            // Quiet with nothing to report starts with the first line there is, no blank line.
            (true, Extras::default(), "✔ gate passed\n".to_string()),
            (true, extras, format!("{sections}{written}✔ gate passed\n")),
        ];
        for (quiet, extras, expected) in rows {
            let got = render_with(&report, &verdict, paint, *quiet, *extras);
            assert_eq!(&got, expected, "quiet {quiet}, {extras:?}");
        }
    }
}

//! `--markdown FILE`: a short pull-request comment: the verdict, coverage (and its change
//! against the baseline), the new gaps as a list with links, what got better, and which
//! requirements the branch touched. Short on purpose: the HTML report has the rest.

use super::github::workspace_path;
use super::{Report, RequirementEntry};
use crate::baseline::{change_line, ChangeKind, Comparison};
use crate::changes::Scope;
use crate::gate::GateVerdict;
use crate::model::Severity;
use std::fmt::Write;

/// What the comment is made of besides the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarkdownContext<'a> {
    pub verdict: Option<&'a GateVerdict>,
    pub comparison: Option<&'a Comparison>,
    pub scope: Option<&'a Scope>,
    /// A link template with `{commit}`, `{path}` and `{line}` (`--source-link`, or built from
    /// the GitHub Actions environment by the caller); without it places are shown as text.
    pub link: Option<&'a str>,
}

/// How many gaps and changes each list shows before "and N more".
const LIMIT: usize = 30;

pub fn render(report: &Report, ctx: &MarkdownContext) -> String {
    let mut out = String::new();
    let verdict = match ctx.verdict {
        Some(v) if v.passed => "✅ gate passed",
        Some(_) => "❌ gate failed",
        None => "report",
    };
    let _ = writeln!(out, "### reqtrail: {verdict}\n");

    let s = &report.summary;
    let counted = s.active - s.waived.min(s.active);
    let mut line = format!(
        "**Coverage {:.1}%**: {} of {} counted requirement{} verified",
        s.coverage_percent,
        s.verified,
        counted,
        if counted == 1 { "" } else { "s" }
    );
    if let Some(cmp) = ctx.comparison {
        let delta = cmp.coverage_after - cmp.coverage_before;
        let _ = write!(
            line,
            " · baseline {:.1}% → {:.1}% ({}{:.1})",
            cmp.coverage_before,
            cmp.coverage_after,
            if delta >= 0.0 { "+" } else { "−" },
            delta.abs()
        );
    }
    let _ = writeln!(out, "{line}");
    let _ = writeln!(
        out,
        "\nverified {} · partial {} · failing {} · unverified {} · waived {} · errors {} · warnings {}",
        s.verified, s.partial, s.failing, s.unverified, s.waived, s.errors, s.warnings
    );
    if !report.levels.is_empty() {
        // Coverage per level (PRODUCT.md section 11): how many counted requirements have
        // passing evidence of each, and of those whose `Needs:` asks for it, how many have it.
        let levels: Vec<String> = report
            .levels
            .iter()
            .map(|l| {
                let needed = if l.needed > 0 {
                    format!(" (needed {}, met {})", l.needed, l.met)
                } else {
                    String::new()
                };
                format!("{} {}{needed}", escape(&l.level), l.requirements)
            })
            .collect();
        let _ = writeln!(
            out,
            "
levels: {}",
            levels.join(" · ")
        );
    }
    if s.suspect > 0 {
        let _ = writeln!(
            out,
            "\n**Suspect: {}**: evidence made for other text than the requirement has now",
            s.suspect
        );
    }
    if !report.policy.is_empty() {
        let _ = writeln!(out, "\n**Release policy**\n");
        for class in &report.policy {
            let _ = writeln!(out, "- {}", escape(&crate::policy::line(class)));
        }
    }

    if let Some(v) = ctx.verdict.filter(|v| !v.passed) {
        let _ = writeln!(out, "\n**Why the gate failed**\n");
        for reason in &v.reasons {
            let _ = writeln!(out, "- {}", prose(reason));
        }
    }

    let gaps = new_gaps(report, ctx);
    let label = if ctx.comparison.is_some() {
        "New gaps (worse than the baseline)"
    } else if ctx.scope.is_some() {
        "Gaps in what this change touched"
    } else {
        "Gaps"
    };
    if !gaps.is_empty() {
        let _ = writeln!(out, "\n**{label}** ({})\n", gaps.len());
        for r in gaps.iter().take(LIMIT) {
            let title = if r.title.is_empty() {
                String::new()
            } else {
                format!(" {}", escape(&r.title))
            };
            let defects = if r.defects.is_empty() {
                String::new()
            } else {
                let ids: Vec<String> = r
                    .defects
                    .iter()
                    .map(|d| format!("`{}`", code_safe(d)))
                    .collect();
                format!(" · known defect {}", ids.join(", "))
            };
            let _ = writeln!(
                out,
                "- {}{title}: **{}**, {} ({}){defects}",
                linked(
                    report,
                    ctx,
                    &format!("`{}`", code_safe(&r.id)),
                    &r.file,
                    r.line
                ),
                r.status.as_str(),
                prose(&r.reason),
                place(report, ctx, &r.file, Some(r.line))
            );
            if let Some(p) = &r.previous {
                let pieces = crate::worddiff::words(
                    &crate::worddiff::whole(&p.title, &p.text),
                    &crate::worddiff::whole(&r.title, &r.text),
                );
                let _ = writeln!(
                    out,
                    "  - reworded since {}: {}",
                    escape(&p.from),
                    crate::worddiff::markdown(&pieces, escape)
                );
            }
        }
        more(&mut out, gaps.len());
    }

    let errors: Vec<String> = match ctx.comparison {
        Some(cmp) => cmp
            .worse
            .iter()
            .filter(|c| c.kind == ChangeKind::NewError)
            .filter(|c| {
                ctx.scope
                    .is_none_or(|s| s.covers(c.file.as_deref(), c.line))
            })
            .map(|c| {
                format!(
                    "- `{}` {} ({})",
                    c.id,
                    prose(&c.what),
                    c.file
                        .as_deref()
                        .map(|f| place(report, ctx, f, c.line))
                        .unwrap_or_else(|| "whole run".to_string())
                )
            })
            .collect(),
        None => report
            .diagnostics
            .iter()
            .filter(|d| {
                ctx.verdict
                    .map_or(d.severity, |v| v.severity_of(d.severity))
                    == Severity::Error
            })
            .filter(|d| {
                ctx.scope
                    .is_none_or(|s| s.covers(d.file.as_deref(), d.line))
            })
            .map(|d| {
                format!(
                    "- `{}` {} ({})",
                    d.code.as_str(),
                    prose(&d.message),
                    d.file
                        .as_deref()
                        .map(|f| place(report, ctx, f, d.line))
                        .unwrap_or_else(|| "whole run".to_string())
                )
            })
            .collect(),
    };
    if !errors.is_empty() {
        let label = if ctx.comparison.is_some() {
            "New errors"
        } else {
            "Errors"
        };
        let _ = writeln!(out, "\n**{label}** ({})\n", errors.len());
        for e in errors.iter().take(LIMIT) {
            let _ = writeln!(out, "{e}");
        }
        more(&mut out, errors.len());
    }

    if let Some(cmp) = ctx.comparison.filter(|c| !c.better.is_empty()) {
        let _ = writeln!(
            out,
            "\n<details><summary>Better than the baseline ({})</summary>\n",
            cmp.better.len()
        );
        for change in cmp.better.iter().take(LIMIT) {
            let _ = writeln!(out, "- {}", prose(&change_line(change)));
        }
        more(&mut out, cmp.better.len());
        let _ = writeln!(out, "\n</details>");
    }

    if let Some(scope) = ctx.scope {
        let _ = writeln!(
            out,
            "\n<details><summary>Changed since <code>{}</code>: {} requirement{}, {} test{}</summary>\n",
            html_escape(&scope.reference),
            scope.requirements.len(),
            if scope.requirements.len() == 1 { "" } else { "s" },
            scope.tests.len(),
            if scope.tests.len() == 1 { "" } else { "s" },
        );
        let requirements = scope
            .requirements
            .iter()
            .map(|r| ("", r.id.as_str(), r.file.as_str(), r.line, r.why.as_str()));
        let tests = scope.tests.iter().map(|t| {
            (
                "test ",
                t.test.as_str(),
                t.file.as_str(),
                t.line,
                t.why.as_str(),
            )
        });
        for (items, total) in [
            (requirements.collect::<Vec<_>>(), scope.requirements.len()),
            (tests.collect::<Vec<_>>(), scope.tests.len()),
        ] {
            for (kind, name, file, line, why) in items.into_iter().take(LIMIT) {
                let name = format!("`{}`", code_safe(name));
                let place = linked(report, ctx, &name, file, line);
                let _ = writeln!(out, "- {kind}{place}: {}", prose(why));
            }
            more(&mut out, total);
        }
        let _ = writeln!(out, "\n</details>");
    }

    ledger(&mut out, report);

    let commit = report
        .commit
        .as_deref()
        .map(|c| {
            let dirty = if report.dirty {
                " (uncommitted changes)"
            } else {
                ""
            };
            format!(
                " · commit {}{dirty}",
                c.chars().take(12).collect::<String>()
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\n<sub>{} {}{commit}</sub>",
        report.tool.name, report.tool.version
    );
    out
}

/// Every result a requirement's status does not show, and the results files read.
fn ledger(out: &mut String, report: &Report) {
    let ledger = &report.evidence;
    let sections = [
        (
            "Failed tests that verify no requirement",
            &ledger.failed_without_requirement,
        ),
        ("Results that match no test", &ledger.unmatched_results),
        ("Flaky tests (passed only on a retry)", &ledger.flaky),
    ];
    for (title, list) in sections {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n**{title}** ({})\n", list.len());
        for r in list.iter().take(LIMIT) {
            let binary = r
                .binary
                .as_deref()
                .map(|b| format!("{} ", code_safe(b)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- `{binary}{}` {} ({}:{})",
                code_safe(&r.name),
                r.result.as_str(),
                escape(&r.file),
                r.line
            );
        }
        more(out, list.len());
    }
    if !ledger.files.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>Results files ({})</summary>\n",
            ledger.files.len()
        );
        for f in &ledger.files {
            let mut facts = vec![escape(&f.producer), format!("{} results", f.results)];
            if let Some(run) = &f.run_id {
                facts.push(format!("run `{}`", code_safe(run)));
            }
            if let Some(at) = &f.timestamp {
                facts.push(escape(at));
            }
            let _ = writeln!(
                out,
                "- {}: {}, sha256 `{}`",
                escape(&f.path),
                facts.join(", "),
                f.sha256
            );
        }
        let _ = writeln!(out, "\n</details>");
    }
}

/// The gaps the comment lists: with a baseline the requirements that got worse, with
/// `--changed-since` the touched ones, otherwise all; in report order.
fn new_gaps<'r>(report: &'r Report, ctx: &MarkdownContext) -> Vec<&'r RequirementEntry> {
    let in_scope = |id: &str| ctx.scope.is_none_or(|s| s.has_requirement(id));
    match ctx.comparison {
        Some(cmp) => {
            let worse: Vec<&str> = cmp
                .worse
                .iter()
                .filter(|c| c.kind.is_requirement())
                .map(|c| c.id.as_str())
                .collect();
            report
                .gaps()
                .filter(|r| worse.contains(&r.id.as_str()) && in_scope(&r.id))
                .collect()
        }
        None => report.gaps().filter(|r| in_scope(&r.id)).collect(),
    }
}

fn more(out: &mut String, n: usize) {
    if n > LIMIT {
        let _ = writeln!(out, "- … and {} more (see the HTML report)", n - LIMIT);
    }
}

/// `file:line`, linked when a template is known.
fn place(report: &Report, ctx: &MarkdownContext, file: &str, line: Option<u32>) -> String {
    let text = match line {
        Some(l) => format!("{file}:{l}"),
        None => file.to_string(),
    };
    linked(report, ctx, &escape(&text), file, line.unwrap_or(1))
}

fn linked(report: &Report, ctx: &MarkdownContext, text: &str, file: &str, line: u32) -> String {
    match ctx.link {
        Some(template) => format!(
            "[{text}]({})",
            fill_link(
                template,
                report.commit.as_deref().unwrap_or("HEAD"),
                &workspace_path(report, file),
                line
            )
        ),
        None => text.to_string(),
    }
}

/// Fills `{commit}`, `{path}` and `{line}`; the values are percent-encoded so a file name cannot
/// break out of the link.
pub fn fill_link(template: &str, commit: &str, path: &str, line: u32) -> String {
    template
        .replace("{commit}", &percent_encode(commit, false))
        .replace("{path}", &percent_encode(path, true))
        .replace("{line}", &line.to_string())
}

fn percent_encode(value: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || (keep_slash && byte == b'/')
        {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Requirement text is data: Markdown and HTML punctuation is escaped so a title cannot turn
/// into a link, an image or markup in the comment.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            // `@name` in a PR comment notifies that user or team: a zero-width space after the
            // `@` keeps the text and drops the mention.
            '@' => out.push_str(NO_MENTION),
            _ => out.push(c),
        }
    }
    out
}

/// What `@` becomes in the comment (see [`escape`]).
const NO_MENTION: &str = "@&#8203;";

/// reqtrail's own sentences (reasons, diagnostics): they quote ids in backticks on purpose, so
/// only what could open HTML is escaped, and line breaks that would end the list item.
fn prose(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace(['\n', '\r'], " ")
        .replace('@', NO_MENTION)
}

/// Text inside a code span: a backtick would end it, a newline would break the list item.
fn code_safe(text: &str) -> String {
    text.replace('`', "'").replace(['\n', '\r'], " ")
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify gate.markdown]
    #[test]
    fn escapes_markup_and_fills_links() {
        assert_eq!(
            escape("a [b](c) <img> *x*"),
            "a \\[b\\]\\(c\\) &lt;img&gt; \\*x\\*"
        );
        assert_eq!(
            fill_link(
                "https://x.org/blob/{commit}/{path}#L{line}",
                "abc",
                "docs/a b.md",
                7
            ),
            "https://x.org/blob/abc/docs/a%20b.md#L7"
        );
    }
}

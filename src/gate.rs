//! The gate: from a report (and the gate options) to pass or fail, with the reasons in words
//! (PRODUCT.md section 7). Exit code 1 means this said "fail"; it never decides exit code 2.

use crate::report::Report;
use crate::model::Severity;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GateOptions {
    /// `--fail-under PCT`: coverage below this fails; gaps alone then do not.
    pub fail_under: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GateVerdict {
    pub passed: bool,
    /// Why it failed, one line each; empty when it passed.
    pub reasons: Vec<String>,
}

pub fn judge(report: &Report, options: &GateOptions) -> GateVerdict {
    let mut reasons = Vec::new();
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        reasons.push(format!("{errors} error diagnostic{}", plural(errors)));
    }
    let summary = &report.summary;
    match options.fail_under {
        Some(threshold) => {
            if summary.coverage_percent < threshold {
                reasons.push(format!(
                    "coverage {:.1}% is under --fail-under {threshold}%",
                    summary.coverage_percent
                ));
            }
        }
        None => {
            let gaps = report.gaps().count();
            if gaps > 0 {
                let mut parts = Vec::new();
                for (n, what) in [
                    (summary.failing, "failing"),
                    (summary.unverified, "unverified"),
                    (summary.partial, "partially verified"),
                ] {
                    if n > 0 {
                        parts.push(format!("{n} {what}"));
                    }
                }
                reasons.push(format!(
                    "{} active requirement{} not verified ({})",
                    gaps,
                    plural(gaps),
                    parts.join(", ")
                ));
            }
        }
    }
    GateVerdict {
        passed: reasons.is_empty(),
        reasons,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

//! `--json`: the report as pretty JSON, schema `reqtrail-report/1`.

use super::Report;

pub fn render(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_default();
    out.push('\n');
    out
}

//! `--json`: the report as pretty JSON, schema `reqtrail-report/1`; `--write-baseline`: the
//! same report without the facts of the run that change every time.

use super::Report;
use std::io::Write;

pub fn render(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_default();
    out.push('\n');
    out
}

/// The same bytes as [`render`], streamed into `out`: a 100,000-requirement report is about
/// 200 MB of JSON, which is never held in memory this way.
///
/// serde_json writes a few bytes at a time; a buffer of its own in front of `out` keeps those
/// small writes inlined and hands `out` (a scanner, a file) large chunks.
pub fn write(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut buffered, report).map_err(std::io::Error::other)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// The report as a baseline to keep in the repository (docs/ci.md): the same schema, without
/// what changes with every run rather than with the project (the commit, the time, whether the
/// tree was dirty, the results files' hashes, run ids and timestamps, and this run's own
/// comparison), so a regenerated baseline differs only when requirements, tests or results do.
pub fn render_baseline(report: &Report) -> String {
    let mut stable = report.clone();
    stable.commit = None;
    stable.generated_at = String::new();
    stable.dirty = false;
    stable.comparison = None;
    for r in &mut stable.requirements {
        r.previous = None;
    }
    for f in &mut stable.evidence.files {
        f.sha256 = String::new();
        f.run_id = None;
        f.timestamp = None;
    }
    render(&stable)
}

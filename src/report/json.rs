//! `--json`: the report as pretty JSON, schema `reqtrail-report/1`.

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

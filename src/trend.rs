//! `reqtrail trend`: requirements, coverage, verified, failing, unverified and suspect counts per
//! release (PRODUCT.md section 12), over git refs (analysed from the object store, see
//! [`crate::snapshot`]) or a folder of earlier JSON reports; as a table, CSV, JSON and a
//! self-contained HTML page whose chart is inline SVG (nothing fetched at view time). The same
//! chart goes into the main HTML report with `check --history DIR`.

use crate::report::html::escape_text as esc;
use crate::report::Report;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::fmt::Write;
use std::path::Path;

/// One release's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// The ref (`v1.2`), or the report's file name.
    pub label: String,
    /// The commit's date (`YYYY-MM-DD`) for a ref; the report's `generated_at` day otherwise.
    pub date: String,
    pub commit: Option<String>,
    pub requirements: usize,
    pub active: usize,
    pub coverage_percent: f64,
    pub verified: usize,
    pub partial: usize,
    pub failing: usize,
    pub unverified: usize,
    pub suspect: usize,
    pub waived: usize,
}

impl Point {
    pub fn of(label: &str, date: &str, report: &Report) -> Point {
        let s = &report.summary;
        Point {
            label: label.to_string(),
            date: if date.is_empty() {
                report.generated_at.chars().take(10).collect()
            } else {
                date.to_string()
            },
            commit: report.commit.clone(),
            requirements: s.requirements,
            active: s.active,
            coverage_percent: s.coverage_percent,
            verified: s.verified,
            partial: s.partial,
            failing: s.failing,
            unverified: s.unverified,
            suspect: s.suspect,
            waived: s.waived,
        }
    }
}

/// Every `*.json` report of a folder, in file-name order (name them so they sort: `v1.json`,
/// `2026-11-30.json`). A file of another schema is an error naming it.
pub fn from_folder(dir: &Path) -> Result<Vec<Point>> {
    if !dir.is_dir() {
        bail!(
            "{} is not a directory of JSON reports (written by `reqtrail check --json`)",
            dir.display()
        );
    }
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        bail!(
            "{} holds no .json report: write them with `reqtrail check --json DIR/NAME.json`",
            dir.display()
        );
    }
    files
        .iter()
        .map(|path| {
            let report = crate::baseline::load_report(path)?;
            let label = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(Point::of(&label, "", &report))
        })
        .collect()
}

const HEADER: [&str; 10] = [
    "release",
    "date",
    "requirements",
    "coverage",
    "verified",
    "partial",
    "failing",
    "unverified",
    "suspect",
    "waived",
];

fn row(p: &Point) -> [String; 10] {
    [
        p.label.clone(),
        p.date.clone(),
        p.requirements.to_string(),
        format!("{:.1}", p.coverage_percent),
        p.verified.to_string(),
        p.partial.to_string(),
        p.failing.to_string(),
        p.unverified.to_string(),
        p.suspect.to_string(),
        p.waived.to_string(),
    ]
}

/// The terminal table.
pub fn table(points: &[Point]) -> String {
    let rows: Vec<[String; 10]> = points.iter().map(row).collect();
    let mut widths: Vec<usize> = HEADER.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let mut parts = Vec::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i < 2 {
                parts.push(format!("{cell:<w$}"));
            } else {
                parts.push(format!("{cell:>w$}"));
            }
        }
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(HEADER.to_vec(), &mut out);
    for r in &rows {
        line(r.iter().map(String::as_str).collect(), &mut out);
    }
    out
}

/// CSV with a header row; cells that could be read as a formula are quoted with a `'`.
pub fn csv(points: &[Point]) -> String {
    let cell = |s: &str| {
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    let mut out = HEADER.join(",");
    out.push('\n');
    for p in points {
        let r = row(p);
        out.push_str(&r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
struct TrendJson<'a> {
    schema: &'static str,
    releases: &'a [Point],
}

pub fn json(points: &[Point]) -> String {
    let mut out = serde_json::to_string_pretty(&TrendJson {
        schema: "reqtrail-trend/1",
        releases: points,
    })
    .unwrap_or_default();
    out.push('\n');
    out
}

/// The chart as inline SVG: coverage (left axis, 0–100%) and the counts (right axis, 0 to the
/// most requirements) per release. Presentation attributes only, no `style`, so it passes the
/// report's Content-Security-Policy.
pub fn svg(points: &[Point]) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 300.0, 48.0, 48.0, 20.0, 60.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let n = points.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let max_count = points
        .iter()
        .map(|p| p.requirements)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let y_pct = |v: f64| top + plot_h * (1.0 - v / 100.0);
    let y_count = |v: usize| top + plot_h * (1.0 - v as f64 / max_count);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend-chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"trend-title\"><title id=\"trend-title\">Coverage and requirement counts per release</title>"
    );
    for pct in [0, 25, 50, 75, 100] {
        let y = y_pct(f64::from(pct));
        let _ = write!(
            out,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ccc\" stroke-width=\"1\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">{pct}%</text>",
            w - right,
            left - 6.0,
            y + 4.0
        );
    }
    let _ = write!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"start\" fill=\"#555\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"start\" fill=\"#555\">0</text>",
        w - right + 6.0,
        top + 4.0,
        max_count as usize,
        w - right + 6.0,
        top + plot_h + 4.0
    );
    type Y<'a> = Box<dyn Fn(&Point) -> f64 + 'a>;
    let series: [(&str, &str, Y); 6] = [
        (
            "coverage %",
            "#1a7f37",
            Box::new(|p: &Point| y_pct(p.coverage_percent)),
        ),
        (
            "requirements",
            "#57606a",
            Box::new(|p: &Point| y_count(p.requirements)),
        ),
        (
            "verified",
            "#0969da",
            Box::new(|p: &Point| y_count(p.verified)),
        ),
        (
            "failing",
            "#c0212c",
            Box::new(|p: &Point| y_count(p.failing)),
        ),
        (
            "unverified",
            "#9a6700",
            Box::new(|p: &Point| y_count(p.unverified)),
        ),
        (
            "suspect",
            "#8250df",
            Box::new(|p: &Point| y_count(p.suspect)),
        ),
    ];
    for (k, (name, colour, y)) in series.iter().enumerate() {
        let coords: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p)))
            .collect();
        let width = if k == 0 { 3 } else { 2 };
        let dash = if k == 0 {
            ""
        } else {
            " stroke-dasharray=\"6 3\""
        };
        let _ = write!(
            out,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash} points=\"{}\"><title>{name}</title></polyline>",
            coords.join(" ")
        );
        for (i, p) in points.iter().enumerate() {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"><title>{}: {name} {}</title></circle>",
                x(i),
                y(p),
                esc(&p.label),
                if k == 0 {
                    format!("{:.1}%", p.coverage_percent)
                } else {
                    match *name {
                        "requirements" => p.requirements,
                        "verified" => p.verified,
                        "failing" => p.failing,
                        "unverified" => p.unverified,
                        _ => p.suspect,
                    }
                    .to_string()
                }
            );
        }
        let lx = left + (k as f64) * 110.0;
        let _ = write!(
            out,
            "<rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"12\" height=\"4\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#333\">{name}</text>",
            h - 14.0,
            lx + 16.0,
            h - 9.0
        );
    }
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
            x(i),
            top + plot_h + 18.0,
            esc(&p.label)
        );
    }
    out.push_str("</svg>");
    out
}

/// A self-contained page: the chart and the table, no script, nothing loaded.
pub fn html(points: &[Point]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>Requirements trend</title>\n<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}svg{{max-width:100%;height:auto}}table{{border-collapse:collapse}}td,th{{padding:.2rem .6rem;border-bottom:1px solid #ddd}}td{{text-align:right;white-space:nowrap}}td:first-child,td:nth-child(2){{text-align:left}}</style>\n</head>\n<body>\n<h1>Requirements trend</h1>\n{}\n<table><thead><tr>",
        svg(points)
    );
    for h in HEADER {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for p in points {
        out.push_str("<tr>");
        for cell in row(p) {
            let _ = write!(out, "<td>{}</td>", esc(&cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n</body>\n</html>\n");
    out
}

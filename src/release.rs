//! `reqtrail diff OLD NEW`: what changed between two releases (PRODUCT.md section 12), as a
//! plain function of two reports ([`compare`]) and one renderer per format: the terminal,
//! Markdown release notes a QA lead can paste, a self-contained HTML page, and JSON.
//!
//! Requirements are matched by id. Added, removed and reworded (fingerprint changed, with a word
//! diff) requirements, moves between documents, status changes, waivers and defects added or
//! removed, and coverage per document, area and level before and after.

use crate::report::html::escape_text as esc;
use crate::report::{Coverage, Report, RequirementEntry};
use crate::worddiff::{self, Piece};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub label: String,
    pub commit: Option<String>,
    pub requirements: usize,
    pub coverage_percent: f64,
    pub verified: usize,
    pub failing: usize,
    pub unverified: usize,
    pub suspect: usize,
}

/// A requirement by id, title, place and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Brief {
    pub id: String,
    pub title: String,
    pub file: String,
    pub line: u32,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reworded {
    pub id: String,
    pub file: String,
    pub line: u32,
    pub old_revision: u32,
    pub new_revision: u32,
    pub diff: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub id: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub id: String,
    pub file: String,
    pub line: u32,
    pub before: String,
    pub after: String,
    /// Why it has the new status.
    pub reason: String,
}

/// A waiver or a defect of one requirement.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Note {
    pub id: String,
    pub text: String,
}

/// Coverage of one group before and after; `None` where the group did not exist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupChange {
    pub name: String,
    pub before: Option<Coverage>,
    pub after: Option<Coverage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseDiff {
    pub schema: String,
    pub old: Side,
    pub new: Side,
    pub added: Vec<Brief>,
    pub removed: Vec<Brief>,
    pub reworded: Vec<Reworded>,
    pub moved: Vec<Moved>,
    pub status_changes: Vec<StatusChange>,
    pub waivers_added: Vec<Note>,
    pub waivers_removed: Vec<Note>,
    pub defects_added: Vec<Note>,
    pub defects_removed: Vec<Note>,
    pub documents: Vec<GroupChange>,
    pub areas: Vec<GroupChange>,
    /// Per evidence level (`impl`, `utest`, `itest`, ...): the share of counted requirements
    /// with passing evidence of it.
    pub levels: Vec<GroupChange>,
}

pub const SCHEMA: &str = "reqtrail-diff/1";

impl ReleaseDiff {
    /// The waiver and defect lists under the heading every format gives them, in order.
    fn note_lists(&self) -> [(&'static str, &[Note]); 4] {
        [
            ("Waivers added", &self.waivers_added),
            ("Waivers removed", &self.waivers_removed),
            ("Defects added", &self.defects_added),
            ("Defects removed", &self.defects_removed),
        ]
    }

    /// Coverage before and after, per grouping, in the order every format shows them.
    fn coverage_lists(&self) -> [(&'static str, &[GroupChange]); 3] {
        [
            ("document", &self.documents),
            ("area", &self.areas),
            ("level", &self.levels),
        ]
    }
}

fn side(label: &str, r: &Report) -> Side {
    Side {
        label: label.to_string(),
        commit: r.commit.clone(),
        requirements: r.summary.requirements,
        coverage_percent: r.summary.coverage_percent,
        verified: r.summary.verified,
        failing: r.summary.failing,
        unverified: r.summary.unverified,
        suspect: r.summary.suspect,
    }
}

fn brief(r: &RequirementEntry) -> Brief {
    Brief {
        id: r.id.clone(),
        title: r.title.clone(),
        file: r.file.clone(),
        line: r.line,
        status: r.status.as_str().to_string(),
    }
}

/// The requirement's known defects (its `Defect:`, its tests' defect ids; PRODUCT.md
/// section 11), and a `Defect:` attribute of a report written before they were modelled.
fn defects(r: &RequirementEntry) -> BTreeSet<String> {
    let attribute = r
        .fields
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("defect") || k.eq_ignore_ascii_case("defects"))
        .flat_map(|(_, v)| v.split(',').map(|d| d.trim().to_string()));
    r.defects
        .iter()
        .cloned()
        .chain(attribute)
        .filter(|d| !d.is_empty())
        .collect()
}

/// Compares two reports.
pub fn compare(old_label: &str, old: &Report, new_label: &str, new: &Report) -> ReleaseDiff {
    let by_id = |report: &Report| -> BTreeMap<String, RequirementEntry> {
        let mut map = BTreeMap::new();
        for r in &report.requirements {
            map.entry(r.id.clone()).or_insert_with(|| r.clone());
        }
        map
    };
    let before = by_id(old);
    let after = by_id(new);
    let mut out = ReleaseDiff {
        schema: SCHEMA.to_string(),
        old: side(old_label, old),
        new: side(new_label, new),
        added: Vec::new(),
        removed: Vec::new(),
        reworded: Vec::new(),
        moved: Vec::new(),
        status_changes: Vec::new(),
        waivers_added: Vec::new(),
        waivers_removed: Vec::new(),
        defects_added: Vec::new(),
        defects_removed: Vec::new(),
        documents: groups(&old.documents, &new.documents),
        areas: groups(&old.areas, &new.areas),
        levels: level_groups(old, new),
    };
    for (id, r) in &after {
        let Some(o) = before.get(id) else {
            out.added.push(brief(r));
            if let Some(w) = &r.waived {
                out.waivers_added.push(note(id, w));
            }
            out.defects_added
                .extend(defects(r).into_iter().map(|d| note(id, &d)));
            continue;
        };
        let text_changed = if !o.fingerprint.is_empty() && !r.fingerprint.is_empty() {
            o.fingerprint != r.fingerprint
        } else {
            worddiff::changed(&worddiff::words(
                &worddiff::whole(&o.title, &o.text),
                &worddiff::whole(&r.title, &r.text),
            ))
        };
        if text_changed {
            out.reworded.push(Reworded {
                id: id.clone(),
                file: r.file.clone(),
                line: r.line,
                old_revision: o.revision,
                new_revision: r.revision,
                diff: worddiff::words(
                    &worddiff::whole(&o.title, &o.text),
                    &worddiff::whole(&r.title, &r.text),
                ),
            });
        }
        if o.file != r.file {
            out.moved.push(Moved {
                id: id.clone(),
                from: o.file.clone(),
                to: r.file.clone(),
            });
        }
        if o.status != r.status {
            out.status_changes.push(StatusChange {
                id: id.clone(),
                file: r.file.clone(),
                line: r.line,
                before: o.status.as_str().to_string(),
                after: r.status.as_str().to_string(),
                reason: r.reason.clone(),
            });
        }
        match (&o.waived, &r.waived) {
            (None, Some(w)) => out.waivers_added.push(note(id, w)),
            (Some(w), None) => out.waivers_removed.push(note(id, w)),
            (Some(a), Some(b)) if a != b => {
                out.waivers_removed.push(note(id, a));
                out.waivers_added.push(note(id, b));
            }
            _ => {}
        }
        let (d_old, d_new) = (defects(o), defects(r));
        out.defects_added
            .extend(d_new.difference(&d_old).map(|d| note(id, d)));
        out.defects_removed
            .extend(d_old.difference(&d_new).map(|d| note(id, d)));
    }
    for (id, o) in &before {
        if !after.contains_key(id) {
            out.removed.push(brief(o));
            if let Some(w) = &o.waived {
                out.waivers_removed.push(note(id, w));
            }
            out.defects_removed
                .extend(defects(o).into_iter().map(|d| note(id, &d)));
        }
    }
    let place = |b: &Brief| (b.file.clone(), b.line, b.id.clone());
    out.added.sort_by_key(place);
    out.removed.sort_by_key(place);
    out.reworded
        .sort_by(|a, b| (&a.file, a.line, &a.id).cmp(&(&b.file, b.line, &b.id)));
    out.status_changes
        .sort_by(|a, b| (&a.file, a.line, &a.id).cmp(&(&b.file, b.line, &b.id)));
    for list in [
        &mut out.waivers_added,
        &mut out.waivers_removed,
        &mut out.defects_added,
        &mut out.defects_removed,
    ] {
        list.sort();
    }
    out
}

fn note(id: &str, text: &str) -> Note {
    Note {
        id: id.to_string(),
        text: text.to_string(),
    }
}

fn groups(before: &[Coverage], after: &[Coverage]) -> Vec<GroupChange> {
    let mut map: BTreeMap<String, GroupChange> = BTreeMap::new();
    for c in before {
        map.entry(c.name.clone())
            .or_insert_with(|| GroupChange {
                name: c.name.clone(),
                before: None,
                after: None,
            })
            .before = Some(c.clone());
    }
    for c in after {
        map.entry(c.name.clone())
            .or_insert_with(|| GroupChange {
                name: c.name.clone(),
                before: None,
                after: None,
            })
            .after = Some(c.clone());
    }
    map.into_values().collect()
}

/// Coverage per evidence level (the report's `levels`, PRODUCT.md section 11): the share of
/// counted, unwaived requirements with passing evidence of that level.
fn level_groups(old: &Report, new: &Report) -> Vec<GroupChange> {
    let per = |report: &Report| -> Vec<Coverage> {
        report
            .levels
            .iter()
            .map(|l| Coverage {
                name: l.level.clone(),
                requirements: l.requirements,
                verified: l.requirements,
                coverage_percent: l.percent,
                ..Coverage::default()
            })
            .collect()
    };
    groups(&per(old), &per(new))
}

fn pct(c: &Option<Coverage>) -> String {
    c.as_ref()
        .map_or("—".to_string(), |c| format!("{:.1}%", c.coverage_percent))
}

fn counts(d: &ReleaseDiff) -> String {
    format!(
        "{} added, {} removed, {} reworded, {} moved, {} status changes, waivers +{} −{}, defects +{} −{}",
        d.added.len(),
        d.removed.len(),
        d.reworded.len(),
        d.moved.len(),
        d.status_changes.len(),
        d.waivers_added.len(),
        d.waivers_removed.len(),
        d.defects_added.len(),
        d.defects_removed.len()
    )
}

/// The comparison for the terminal.
pub fn terminal(d: &ReleaseDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "reqtrail diff {} → {}", d.old.label, d.new.label);
    let _ = writeln!(
        out,
        "coverage {:.1}% → {:.1}% · requirements {} → {} · {}",
        d.old.coverage_percent,
        d.new.coverage_percent,
        d.old.requirements,
        d.new.requirements,
        counts(d)
    );
    let briefs = |out: &mut String, label: &str, list: &[Brief]| {
        if list.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{label} ({}):", list.len());
        for b in list {
            let _ = writeln!(
                out,
                "  {} {} ({}:{}) {}",
                b.id, b.title, b.file, b.line, b.status
            );
        }
    };
    briefs(&mut out, "Added", &d.added);
    briefs(&mut out, "Removed", &d.removed);
    if !d.reworded.is_empty() {
        let _ = writeln!(out, "\nReworded ({}):", d.reworded.len());
        for r in &d.reworded {
            let revision = if r.old_revision != r.new_revision {
                format!(", revision {} → {}", r.old_revision, r.new_revision)
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {} ({}:{}{revision})", r.id, r.file, r.line);
            let _ = writeln!(
                out,
                "    {}",
                worddiff::plain(&r.diff).replace('\n', "\n    ")
            );
        }
    }
    if !d.moved.is_empty() {
        let _ = writeln!(out, "\nMoved ({}):", d.moved.len());
        for m in &d.moved {
            let _ = writeln!(out, "  {} {} → {}", m.id, m.from, m.to);
        }
    }
    if !d.status_changes.is_empty() {
        let _ = writeln!(out, "\nStatus changes ({}):", d.status_changes.len());
        for s in &d.status_changes {
            let _ = writeln!(
                out,
                "  {} {} → {} ({}:{}) {}",
                s.id, s.before, s.after, s.file, s.line, s.reason
            );
        }
    }
    for (label, list) in d.note_lists() {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{label} ({}):", list.len());
        for n in list {
            let _ = writeln!(out, "  {}: {}", n.id, n.text);
        }
    }
    for (label, list) in d.coverage_lists() {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\nCoverage per {label}:");
        for g in list {
            let _ = writeln!(
                out,
                "  {:>7} → {:<7} {}",
                pct(&g.before),
                pct(&g.after),
                g.name
            );
        }
    }
    out
}

/// Release notes in Markdown.
pub fn markdown(d: &ReleaseDiff) -> String {
    use crate::report::markdown::escape;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Requirements: {} → {}\n",
        escape(&d.old.label),
        escape(&d.new.label)
    );
    let _ = writeln!(
        out,
        "**Coverage {:.1}% → {:.1}%** · requirements {} → {} · {}",
        d.old.coverage_percent,
        d.new.coverage_percent,
        d.old.requirements,
        d.new.requirements,
        escape(&counts(d))
    );
    let briefs = |out: &mut String, label: &str, list: &[Brief]| {
        if list.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n### {label} ({})\n", list.len());
        for b in list {
            let _ = writeln!(
                out,
                "- `{}` {}: {} ({}:{})",
                b.id.replace('`', "'"),
                escape(&b.title),
                b.status,
                escape(&b.file),
                b.line
            );
        }
    };
    briefs(&mut out, "Added", &d.added);
    briefs(&mut out, "Removed", &d.removed);
    if !d.reworded.is_empty() {
        let _ = writeln!(out, "\n### Reworded ({})\n", d.reworded.len());
        for r in &d.reworded {
            let _ = writeln!(
                out,
                "- `{}` ({}:{}): {}",
                r.id.replace('`', "'"),
                escape(&r.file),
                r.line,
                worddiff::markdown(&r.diff, escape)
            );
        }
    }
    if !d.moved.is_empty() {
        let _ = writeln!(out, "\n### Moved ({})\n", d.moved.len());
        for m in &d.moved {
            let _ = writeln!(
                out,
                "- `{}`: {} → {}",
                m.id.replace('`', "'"),
                escape(&m.from),
                escape(&m.to)
            );
        }
    }
    if !d.status_changes.is_empty() {
        let _ = writeln!(out, "\n### Status changes ({})\n", d.status_changes.len());
        for s in &d.status_changes {
            let _ = writeln!(
                out,
                "- `{}`: {} → **{}** ({})",
                s.id.replace('`', "'"),
                s.before,
                s.after,
                escape(&s.reason)
            );
        }
    }
    for (label, list) in d.note_lists() {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {label} ({})\n", list.len());
        for n in list {
            let _ = writeln!(out, "- `{}`: {}", n.id.replace('`', "'"), escape(&n.text));
        }
    }
    for (label, list) in d.coverage_lists() {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n### Coverage per {label}\n\n| {label} | before | after |\n|---|---:|---:|"
        );
        for g in list {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                escape(&g.name),
                pct(&g.before),
                pct(&g.after)
            );
        }
    }
    out
}

/// A self-contained HTML page: no script, inline style, every text escaped.
pub fn html(d: &ReleaseDiff) -> String {
    let mut out = String::new();
    let title = format!("Requirements: {} → {}", d.old.label, d.new.label);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>{}</title>\n<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}del{{color:#c0212c;background:#ffebe9}}ins{{text-decoration:underline;font-weight:600}}table{{border-collapse:collapse}}td,th{{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}}.mono{{font-family:ui-monospace,monospace}}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p><strong>Coverage {:.1}% → {:.1}%</strong> · requirements {} → {} · {}</p>\n",
        esc(&title),
        esc(&title),
        d.old.coverage_percent,
        d.new.coverage_percent,
        d.old.requirements,
        d.new.requirements,
        esc(&counts(d))
    );
    let briefs = |out: &mut String, label: &str, list: &[Brief]| {
        if list.is_empty() {
            return;
        }
        let _ = writeln!(out, "<h2>{label} ({})</h2>\n<ul>", list.len());
        for b in list {
            let _ = writeln!(
                out,
                "<li><span class=\"mono\">{}</span> {}: {} <span class=\"mono\">{}:{}</span></li>",
                esc(&b.id),
                esc(&b.title),
                esc(&b.status),
                esc(&b.file),
                b.line
            );
        }
        out.push_str("</ul>\n");
    };
    briefs(&mut out, "Added", &d.added);
    briefs(&mut out, "Removed", &d.removed);
    if !d.reworded.is_empty() {
        let _ = writeln!(out, "<h2>Reworded ({})</h2>\n<ul>", d.reworded.len());
        for r in &d.reworded {
            let _ = writeln!(
                out,
                "<li><span class=\"mono\">{}</span> <span class=\"mono\">{}:{}</span><p>{}</p></li>",
                esc(&r.id),
                esc(&r.file),
                r.line,
                worddiff::html(&r.diff)
            );
        }
        out.push_str("</ul>\n");
    }
    if !d.status_changes.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Status changes ({})</h2>\n<ul>",
            d.status_changes.len()
        );
        for s in &d.status_changes {
            let _ = writeln!(
                out,
                "<li><span class=\"mono\">{}</span>: {} → <strong>{}</strong> ({})</li>",
                esc(&s.id),
                esc(&s.before),
                esc(&s.after),
                esc(&s.reason)
            );
        }
        out.push_str("</ul>\n");
    }
    for (label, list) in [(
        "Moved",
        &d.moved
            .iter()
            .map(|m| note(&m.id, &format!("{} → {}", m.from, m.to)))
            .collect::<Vec<_>>()[..],
    )]
    .into_iter()
    .chain(d.note_lists())
    {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "<h2>{label} ({})</h2>\n<ul>", list.len());
        for n in list.iter() {
            let _ = writeln!(
                out,
                "<li><span class=\"mono\">{}</span>: {}</li>",
                esc(&n.id),
                esc(&n.text)
            );
        }
        out.push_str("</ul>\n");
    }
    for (label, list) in d.coverage_lists() {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<h2>Coverage per {label}</h2>\n<table><thead><tr><th>{label}</th><th>before</th><th>after</th></tr></thead><tbody>"
        );
        for g in list {
            let _ = writeln!(
                out,
                "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&g.name),
                pct(&g.before),
                pct(&g.after)
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The comparison as JSON (schema `reqtrail-diff/1`).
pub fn json(d: &ReleaseDiff) -> String {
    let mut out = serde_json::to_string_pretty(d).unwrap_or_default();
    out.push('\n');
    out
}

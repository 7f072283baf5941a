//! The large HTML page (issue 18): above [`LAZY_FROM`] requirements the page no longer carries
//! every requirement as one JSON block to parse at opening. A browser spends 20-40 ms per
//! megabyte just reading a page's bytes, and 100,000 requirements were some 47 MB of JSON that
//! took over a second to parse. Instead the page carries, eagerly and uncompressed:
//!
//! - the first [`EAGER_REQS`] requirements in full (the rows shown first) and the tests they
//!   name, in the usual `reqs` and `tests`;
//! - an index of every requirement ([`LazyIndex`]: status, lifecycle, document, area, tags,
//!   known defects, how many tests and implementation items), enough for the status, document,
//!   area and tag filters and the counts without anything else;
//!
//! and four zlib streams in non-executed `<script type="application/octet-stream">` blocks,
//! base64, after the page script, that the page inflates with the browser's own
//! `DecompressionStream` once it has loaded:
//!
//! - `reqtrail-z-hay`: one search record per requirement, its id, title, plain text, document,
//!   reason, tags, test names and implementation items (what the script searched before), so a
//!   search needs no requirement parsed; the record also gives the id, title and plain text
//!   that the lines below leave out;
//! - `reqtrail-z-reqs`: the other requirements, one JSON object per line, parsed one by one
//!   when a row or a detail needs it;
//! - `reqtrail-z-tests`: the other tests, one JSON array per line, likewise;
//! - `reqtrail-z-tables`: the whole `files` and `mods` tables, of which the eager data keeps only
//!   the names its documents and first rows use.
//!
//! Compressed, the repeated words, paths and names of a large project cost a fraction of their
//! size (10,000 requirements: a 5.6 MB page becomes 2.1 MB, 100,000: 47.7 MB become 16.9 MB).
//! The file stays one self-contained page: nothing is fetched, the data is inert text until
//! the script reads it.

use super::{PageData, ReqData};
use crate::report::Report;
use anyhow::Context;
use base64::Engine;
use serde::Serialize;

/// Pages of more requirements than this are written lazily; smaller ones as one JSON block.
pub(crate) const LAZY_FROM: usize = 5_000;
/// The requirements a large page carries in full: its first rows in document order, enough for
/// the first page of the matrix and of most filters.
pub(crate) const EAGER_REQS: usize = 1_000;
/// Separates the requirements' records in the search block.
const RECORD: char = '\u{1e}';
/// Separates the parts of one record (the script joined them with a newline before).
const PART: char = '\u{1f}';
/// zlib level: 4 packs 10,000 requirements' search records (4.7 MB) into 0.9 MB in 40 ms;
/// 6 saves another 10% in twice the time, 1 is a third faster and 60% larger.
const LEVEL: u8 = 4;

/// Every requirement in a few columns, in report order.
#[derive(Debug, Serialize)]
pub(super) struct LazyIndex {
    /// Number of requirements.
    n: usize,
    /// Requirements `0..e` are in `reqs`, the others lines of `reqtrail-z-reqs`.
    e: usize,
    /// Tests `0..k` are in `tests`, the others lines of `reqtrail-z-tests`. Tests are numbered
    /// in the order requirements first name them, so the first requirements' tests come first.
    k: usize,
    /// Status, one digit per requirement (the script's `STATUS`). Ids are not here: the search
    /// records have them, and what needs them (a deep link, the sort by id) waits for those.
    s: String,
    /// Lifecycle, one digit per requirement (the script's `LIFECYCLE`).
    c: String,
    /// Documents, run-length encoded as `[file, how many, file, how many, ...]`: the report
    /// lists requirements document by document.
    f: Vec<usize>,
    a: Vec<usize>,
    /// `[requirement, [tag...]]` for the requirements with tags.
    g: Vec<(usize, Vec<usize>)>,
    /// The requirements with a known defect.
    df: Vec<usize>,
    /// How many tests verify each requirement (the sort by tests), one character per
    /// requirement: its code minus 48 (`'0'`).
    nv: String,
    /// How many implementation items each has (the sort by implementation), likewise.
    nm: String,
}

/// A count as one character, `'0'` plus the count; counts past 55,000 (where the surrogates
/// would begin) sort as 55,000.
fn count_char(n: usize) -> char {
    char::from_u32(48 + n.min(55_000) as u32).unwrap_or('0')
}

/// `[value, run length, ...]` of a sequence.
fn runs(values: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for v in values {
        match out.len() {
            len if len >= 2 && out[len - 2] == v => out[len - 1] += 1,
            _ => out.extend([v, 1]),
        }
    }
    out
}

/// Moves all but the first requirements and their tests out of `page` into the compressed
/// blocks, puts the index in `page.lazy` and returns the blocks' HTML.
pub(super) fn split<'a>(report: &'a Report, page: &mut PageData<'a>) -> anyhow::Result<String> {
    let eager = EAGER_REQS.min(page.reqs.len());
    let tests_eager = page.reqs[..eager]
        .iter()
        .flat_map(|r| r.v.iter().filter_map(|link| link.first()))
        .map(|&t| usize::try_from(t).unwrap_or(0) + 1)
        .max()
        .unwrap_or(0)
        .min(page.tests.len());

    let mut hay = String::new();
    for (j, (entry, data)) in report.requirements.iter().zip(&page.reqs).enumerate() {
        if j > 0 {
            hay.push(RECORD);
        }
        let text = match &data.h {
            Some(html) => html_text(html),
            None => data.x.clone(),
        };
        let mut parts: Vec<&str> = vec![&entry.id, &entry.title, &text, &entry.file, &entry.reason];
        parts.extend(entry.tags.iter().map(String::as_str));
        parts.extend(entry.verified_by.iter().map(|v| v.test.as_str()));
        parts.extend(entry.implemented_by.iter().map(|m| m.item.as_str()));
        for (p, part) in parts.iter().enumerate() {
            if p > 0 {
                hay.push(PART);
            }
            // The separators cannot appear inside a part; a control character there shows as
            // nothing anyway.
            hay.extend(
                part.chars()
                    .map(|c| if c == RECORD || c == PART { ' ' } else { c }),
            );
        }
    }

    let index = LazyIndex {
        n: page.reqs.len(),
        e: eager,
        k: tests_eager,
        s: page.reqs.iter().map(|r| char::from(b'0' + r.s)).collect(),
        c: page
            .reqs
            .iter()
            .map(|r| char::from(b'0' + r.c.unwrap_or(3)))
            .collect(),
        f: runs(page.reqs.iter().map(|r| r.f)),
        a: page.reqs.iter().map(|r| r.a).collect(),
        g: page
            .reqs
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.g.is_empty())
            .map(|(j, r)| (j, r.g.clone()))
            .collect(),
        df: page
            .reqs
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.df.is_empty())
            .map(|(j, _)| j)
            .collect(),
        nv: page.reqs.iter().map(|r| count_char(r.v.len())).collect(),
        nm: page.reqs.iter().map(|r| count_char(r.m.len())).collect(),
    };

    let mut rest: Vec<ReqData> = page.reqs.split_off(eager);
    let mut req_lines = String::new();
    for (j, r) in rest.iter_mut().enumerate() {
        // The search record carries these.
        r.i = None;
        r.t = None;
        r.x = String::new();
        if j > 0 {
            req_lines.push('\n');
        }
        req_lines.push_str(&serde_json::to_string(r).context("serialising a requirement")?);
    }
    let rest_tests = page.tests.split_off(tests_eager);
    let mut test_lines = String::new();
    for (j, t) in rest_tests.iter().enumerate() {
        if j > 0 {
            test_lines.push('\n');
        }
        test_lines.push_str(&serde_json::to_string(t).context("serialising a test")?);
    }
    page.lazy = Some(index);
    let tables = keep_used(page);

    let ((hay, reqs), (tests, tables)) = rayon::join(
        || rayon::join(|| compressed(&hay), || compressed(&req_lines)),
        || rayon::join(|| compressed(&test_lines), || compressed(&tables)),
    );
    Ok(format!(
        "<script type=\"application/octet-stream\" id=\"reqtrail-z-hay\">{hay}</script>\n\
         <script type=\"application/octet-stream\" id=\"reqtrail-z-reqs\">{reqs}</script>\n\
         <script type=\"application/octet-stream\" id=\"reqtrail-z-tests\">{tests}</script>\n\
         <script type=\"application/octet-stream\" id=\"reqtrail-z-tables\">{tables}</script>\n"
    ))
}

/// Empties the names of `files` and `mods` that neither the documents nor the eager
/// requirements and tests use (a large project has tens of thousands, a megabyte and more), and
/// returns both whole tables as JSON for their block. Indices stay as they are.
fn keep_used(page: &mut PageData) -> String {
    let tables = serde_json::json!({ "files": page.files, "mods": page.mods }).to_string();
    let mut files = vec![false; page.files.len()];
    let mut mods = vec![false; page.mods.len()];
    let mark = |table: &mut Vec<bool>, i: Option<usize>| {
        if let Some(used) = i.and_then(|i| table.get_mut(i)) {
            *used = true;
        }
    };
    for &d in &page.docs {
        mark(&mut files, Some(d));
    }
    for r in &page.reqs {
        mark(&mut files, Some(r.f));
        for &(module, _, file, _) in &r.m {
            mark(&mut mods, Some(module));
            mark(&mut files, Some(file));
        }
    }
    // A test row is `[module, name, binary, file, ...]` (see `test_row`).
    let index = |t: &[serde_json::Value], k: usize| {
        t.get(k)
            .and_then(serde_json::Value::as_u64)
            .and_then(|i| usize::try_from(i).ok())
    };
    for t in &page.tests {
        mark(&mut mods, index(t, 0));
        mark(&mut files, index(t, 3));
    }
    for (name, used) in page.files.iter_mut().zip(&files) {
        if !used {
            *name = "";
        }
    }
    for (name, used) in page.mods.iter_mut().zip(&mods) {
        if !used {
            *name = "";
        }
    }
    tables
}

/// A zlib stream of the text, in base64 (no `<`, so it cannot end its element).
fn compressed(text: &str) -> String {
    let z = miniz_oxide::deflate::compress_to_vec_zlib(text.as_bytes(), LEVEL);
    base64::engine::general_purpose::STANDARD.encode(z)
}

/// The text content of the requirement HTML that `markdown_to_html` wrote, as the browser's
/// `textContent` gives it: the tags dropped and the entities pulldown-cmark writes decoded.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            // Attribute values have `>` escaped, so the first `>` ends the tag.
            match rest.find('>') {
                Some(end) => rest = &rest[end + 1..],
                None => break,
            }
            continue;
        }
        if c == '&' {
            if let Some((entity, len)) = entity(rest) {
                out.push(entity);
                rest = &rest[len..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The character of the entity that `text` starts with, and the entity's length.
fn entity(text: &str) -> Option<(char, usize)> {
    let end = text
        .char_indices()
        .take(12)
        .find(|&(_, c)| c == ';')
        .map(|(i, _)| i)?;
    let name = &text[1..end];
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let code = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                name.strip_prefix('#')?.parse().ok()?
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_is_what_the_browser_reads() {
        let rendered = super::super::markdown_to_html(
            "A *b* `c<d>` & [e](https://x.org/?a=1&b=\"2\") \"q\"\n\n- one\n- two",
        );
        // What `textContent` gives for pulldown-cmark's markup, newlines between blocks kept.
        assert_eq!(
            html_text(&rendered.html),
            "A b c<d> & e \"q\"\n\none\ntwo\n\n"
        );
        assert_eq!(html_text("a &#39;b&#x27; &unknown; &"), "a 'b' &unknown; &");
    }
}

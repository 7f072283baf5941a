//! `--html`: the traceability matrix as one self-contained HTML file (PRODUCT.md section 9).
//!
//! The page is rendered with minijinja from the templates in `templates/`, embedded at build
//! time so the binary alone can write it. The header (coverage, counts, bars per document and
//! area) and the diagnostics are rendered here with autoescaping; the matrix rows are built in
//! the browser from a compact JSON data block, so that 10,000 requirements stay a few megabytes
//! and the page opens and filters quickly. Nothing on the page loads anything from anywhere:
//! CSS and script are inline and pinned by a Content-Security-Policy carrying their hashes.

mod lazy;

use super::{Coverage, Report, RequirementEntry};
use crate::model::{Lifecycle, Severity, Status, TestStatus};
use anyhow::Context;
use base64::Engine;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};

const PAGE_TEMPLATE: &str = include_str!("../../templates/report.html");
/// Diagnostics rendered into the page as HTML; the rest are built by the script on demand.
pub const EAGER_DIAGNOSTICS: usize = 500;
const CSS_TEMPLATE: &str = include_str!("../../templates/report.css");
const SCRIPT: &str = include_str!("../../templates/report.js");

/// Options of the HTML renderer that do not come from the report itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlOptions {
    /// `--source-link`: a URL template with `{commit}`, `{path}` and `{line}` placeholders;
    /// when set, every file:line on the page links there.
    pub source_link: Option<String>,
    /// The results files given with `--results`, as the user named them, for the printed
    /// cover: an auditor needs to know which evidence was read.
    pub results_files: Vec<String>,
    /// Whether the analysed git working tree had uncommitted changes (`None`: not a git
    /// checkout, or git could not tell), for the printed cover.
    pub modified: Option<bool>,
    /// `--history DIR`: the trend chart (inline SVG from `trend::svg`, every text escaped).
    pub history: Option<String>,
}

/// Text as HTML: `<`, `>`, `&` and both quotes escaped, so it is safe in an element or a quoted
/// attribute. For the pages built without the template (`diff`, `trend`, word diffs).
pub(crate) fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Renders the report as one HTML document. Fails only on a `--source-link` template that is
/// not an http(s) or relative URL (a usage error) or on a template bug.
pub fn render(report: &Report, options: &HtmlOptions) -> anyhow::Result<String> {
    let source_link = match &options.source_link {
        Some(template) => {
            check_source_link(template)?;
            Some(template.as_str())
        }
        None => None,
    };
    let commit = report.commit.as_deref().unwrap_or("HEAD");

    let mut env = Environment::new();
    // Explicit rather than by file extension, so a renamed template cannot lose escaping.
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_template("report.html", PAGE_TEMPLATE)?;
    env.add_template("report.css", CSS_TEMPLATE)?;

    let project = if report.project.is_empty() {
        report.root.as_str()
    } else {
        report.project.as_str()
    };
    let page_footer = format!(
        "{project} · {} · {}",
        report
            .commit
            .as_deref()
            .map_or("no commit", |c| c.get(..12).unwrap_or(c)),
        display_time(&report.generated_at)
    );
    let css = env
        .get_template("report.css")?
        .render(minijinja::context! { page_footer => css_string(&page_footer) })
        .context("rendering the report stylesheet")?;
    let mut page = page_data(report, source_link, commit);
    // A large page carries the first rows and an index eagerly, the rest compressed (lazy.rs).
    let lazy_blocks = if page.reqs.len() > lazy::LAZY_FROM {
        lazy::split(report, &mut page)?
    } else {
        String::new()
    };
    let data = embed_json(&page)?;
    let csp = format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        csp_hash(&css)
    );

    // The first diagnostics are rendered with the page; the rest wait in a data block and are
    // built on demand (or for print), so 100,000 of them do not slow the page's opening.
    let mut eager: Vec<DiagnosticRow> = report
        .diagnostics
        .iter()
        .map(|d| DiagnosticRow::new(d, source_link, commit))
        .collect();
    let rest = eager.split_off(eager.len().min(EAGER_DIAGNOSTICS));
    let rest_data = if rest.is_empty() {
        String::new()
    } else {
        embed_json(&rest)?
    };

    let summary = &report.summary;
    let context = minijinja::context! {
        project => project,
        results_files => options.results_files,
        modified => options.modified,
        root => report.root,
        commit => report.commit,
        dirty => report.dirty,
        ledger => report.evidence,
        generated_at => report.generated_at,
        generated_display => display_time(&report.generated_at),
        tool_name => report.tool.name,
        version => report.tool.version,
        results_given => report.results_given,
        summary => summary,
        coverage => format!("{:.1}", summary.coverage_percent),
        counted_target => summary.active.saturating_sub(summary.waived),
        not_counted => summary.requirements.saturating_sub(summary.active),
        linked_tests => report.tests.iter().filter(|t| !t.requirements.is_empty()).count(),
        total_tests => report.tests.len(),
        overall => BarRow::overall(report),
        documents => report.documents.iter().map(BarRow::from_coverage).collect::<Vec<_>>(),
        areas => report.areas.iter().map(BarRow::from_coverage).collect::<Vec<_>>(),
        crates => crate_rows(report),
        diagnostics => eager,
        diagnostics_more => rest.len(),
        diagnostics_rest => Value::from_safe_string(rest_data),
        comparison => report.comparison,
        policy => report.policy,
        history => options.history.clone().map(Value::from_safe_string),
        reworded => reworded_rows(report),
        csp => csp,
        css => Value::from_safe_string(css),
        script => Value::from_safe_string(SCRIPT.to_string()),
        data => Value::from_safe_string(data),
        lazy_blocks => Value::from_safe_string(lazy_blocks),
    };
    let page = env
        .get_template("report.html")?
        .render(context)
        .context("rendering the HTML report")?;
    Ok(page)
}

/// The reworded requirements of a comparison, each with its word diff as safe HTML (every text
/// escaped by `worddiff::html`), suspect ones first.
fn reworded_rows(report: &Report) -> Vec<Value> {
    let mut rows: Vec<&RequirementEntry> = report
        .requirements
        .iter()
        .filter(|r| r.previous.is_some())
        .collect();
    rows.sort_by_key(|r| r.status != Status::Suspect);
    rows.into_iter()
        .filter_map(|r| {
            let p = r.previous.as_ref()?;
            let pieces = crate::worddiff::words(
                &crate::worddiff::whole(&p.title, &p.text),
                &crate::worddiff::whole(&r.title, &r.text),
            );
            Some(minijinja::context! {
                id => r.id,
                file => r.file,
                line => r.line,
                status => r.status.as_str(),
                from => p.from,
                diff => Value::from_safe_string(crate::worddiff::html(&pieces)),
            })
        })
        .collect()
}

/// `2025-11-24T09:30:00Z` as `2025-11-24 09:30 UTC`, for people; anything else as it is.
fn display_time(rfc3339: &str) -> String {
    let (Some(date), Some("T"), Some(hour_minute), Some(rest)) = (
        rfc3339.get(..10),
        rfc3339.get(10..11),
        rfc3339.get(11..16),
        rfc3339.get(16..),
    ) else {
        return rfc3339.to_string();
    };
    let zone = if rest.ends_with(['Z', 'z']) {
        "UTC"
    } else {
        rest.get(rest.len().saturating_sub(6)..).unwrap_or("")
    };
    format!("{date} {hour_minute} {zone}")
        .trim_end()
        .to_string()
}

/// The inside of a CSS string (`content: "..."`): quotes, backslashes and anything that is not
/// printable ASCII are written as CSS escapes, so a project name can neither end the string nor
/// the stylesheet (`</style>` has no `<` left).
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_' | ':' | '/' | '+' | ',') {
            out.push(c);
        } else {
            // The trailing space ends the escape; CSS swallows it.
            out.push_str(&format!("\\{:x} ", c as u32));
        }
    }
    out
}

/// The CSP source expression that allows exactly this inline script or style.
fn csp_hash(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` are written
/// as `\u` escapes, so no `</script>` or `<!--` in the data can end or confuse the element.
fn embed_json<T: Serialize>(value: &T) -> anyhow::Result<String> {
    let json = serde_json::to_string(value).context("serialising the report data")?;
    let mut out = String::with_capacity(json.len() + json.len() / 50);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            // Valid in JSON but line terminators in older JavaScript; harmless to escape.
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    Ok(out)
}

pub(crate) fn check_source_link(template: &str) -> anyhow::Result<()> {
    let allowed = match url_scheme(template) {
        None => true,
        Some(scheme) => scheme == "http" || scheme == "https",
    };
    if !allowed {
        anyhow::bail!(
            "--source-link must be an http(s) or relative URL template, got `{template}`"
        );
    }
    Ok(())
}

/// Fills a `--source-link` template. Kept in step with `sourceHref` in `report.js`.
fn source_href(template: &str, commit: &str, path: &str, line: u32) -> String {
    template
        .replace("{commit}", &percent_encode(commit, false))
        .replace("{path}", &percent_encode(path, true))
        .replace("{line}", &line.to_string())
}

fn percent_encode(value: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        let plain = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || (keep_slash && byte == b'/');
        if plain {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The scheme of a URL, lowercased, or `None` for a relative URL or a fragment. Whitespace and
/// control characters are ignored first, as browsers strip them (`java\tscript:` is a scheme).
pub(crate) fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let end = cleaned.find([':', '/', '?', '#'])?;
    if !cleaned[end..].starts_with(':') {
        return None;
    }
    let scheme = &cleaned[..end];
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // Anything else before a colon is no scheme a browser would honour: a relative path.
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Whether a link or image URL from requirement text may become an `href`.
fn url_allowed(url: &str) -> bool {
    match url_scheme(url) {
        None => true,
        Some(scheme) => matches!(scheme.as_str(), "http" | "https" | "mailto"),
    }
}

/// A requirement's text rendered from Markdown, and its plain text for search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedText {
    /// Safe HTML: raw HTML in the source shows as text, links are http(s), mailto, relative or
    /// fragments only, images become links (the page loads nothing).
    pub html: String,
    /// The text without markup, paragraphs separated by a blank line.
    pub plain: String,
    /// True when the text is paragraphs without markup, so that `plain`, split at its blank
    /// lines into `<p>` elements, shows it exactly.
    pub simple: bool,
}

/// Renders requirement text (Markdown) to HTML that is safe to insert into the page.
pub fn markdown_to_html(text: &str) -> RenderedText {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);

    let mut events: Vec<Event> = Vec::new();
    let mut plain = String::new();
    let mut simple = true;
    let mut in_link = false;
    let mut dropped_link = false;
    // Per open image: whether it was turned into a link (so its end closes one).
    let mut images: Vec<bool> = Vec::new();

    for event in Parser::new_ext(text, options) {
        // Paragraphs of plain text need no markup: the script shows them from `plain` alone.
        match &event {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) | Event::SoftBreak => {}
            Event::Text(t) if !t.contains('\n') => {}
            _ => simple = false,
        }
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => {
                plain.push_str(&raw);
                events.push(Event::Text(raw));
            }
            // An HTML block's lines become the text of a paragraph.
            Event::Start(Tag::HtmlBlock) => events.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => events.push(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if url_allowed(&dest_url) {
                    in_link = true;
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                } else {
                    dropped_link = true;
                }
            }
            Event::End(TagEnd::Link) => {
                if dropped_link {
                    dropped_link = false;
                } else {
                    in_link = false;
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let as_link = !in_link && !dropped_link && url_allowed(&dest_url);
                if as_link {
                    events.push(Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url,
                        title,
                        id: CowStr::Borrowed(""),
                    }));
                }
                events.push(Event::Text(CowStr::Borrowed("image: ")));
                images.push(as_link);
            }
            Event::End(TagEnd::Image) => {
                if images.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                plain.push_str(t);
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                plain.push(' ');
                events.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                plain.truncate(plain.trim_end().len());
                plain.push_str("\n\n");
                events.push(event);
            }
            Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::Item)
            | Event::End(TagEnd::CodeBlock)
            | Event::End(TagEnd::TableCell) => {
                if !plain.ends_with(' ') && !plain.is_empty() {
                    plain.push(' ');
                }
                events.push(event);
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(text.len() + 16);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    RenderedText {
        html,
        plain: plain.trim().to_string(),
        simple,
    }
}

/// One bar of the header: a document, an area or the whole project.
#[derive(Debug, Serialize)]
struct BarRow {
    name: String,
    coverage: String,
    requirements: usize,
    verified: usize,
    partial: usize,
    failing: usize,
    unverified: usize,
    waived: usize,
    /// The denominator of coverage: counted requirements minus waived.
    target: usize,
    /// Integer widths in percent of the verified, partial, failing and unverified segments.
    segments: [u32; 4],
}

impl BarRow {
    fn from_coverage(c: &Coverage) -> BarRow {
        BarRow::new(
            &c.name,
            c.coverage_percent,
            c.requirements,
            [c.verified, c.partial, c.failing, c.unverified + c.suspect],
            c.waived,
            c.active.saturating_sub(c.waived),
        )
    }

    fn overall(report: &Report) -> BarRow {
        let s = &report.summary;
        BarRow::new(
            "overall",
            s.coverage_percent,
            s.requirements,
            [s.verified, s.partial, s.failing, s.unverified + s.suspect],
            s.waived,
            s.active.saturating_sub(s.waived),
        )
    }

    fn new(
        name: &str,
        coverage: f64,
        requirements: usize,
        counts: [usize; 4],
        waived: usize,
        target: usize,
    ) -> BarRow {
        BarRow {
            name: name.to_string(),
            coverage: format!("{coverage:.1}"),
            requirements,
            verified: counts[0],
            partial: counts[1],
            failing: counts[2],
            unverified: counts[3],
            waived,
            target,
            segments: segments(counts, target),
        }
    }
}

/// Splits 100% among the counts by the largest-remainder method, so the segments of a bar
/// add up exactly and equal input gives equal widths.
fn segments(counts: [usize; 4], target: usize) -> [u32; 4] {
    let total: usize = counts.iter().sum::<usize>().max(target);
    if total == 0 {
        return [0; 4];
    }
    let mut widths = [0u32; 4];
    let mut remainders = [(0usize, 0usize); 4];
    let mut used = 0u32;
    for (i, &count) in counts.iter().enumerate() {
        let scaled = count * 100;
        widths[i] = (scaled / total) as u32;
        remainders[i] = (scaled % total, i);
        used += widths[i];
    }
    let filled: usize = counts.iter().sum();
    let want = ((filled * 100 + total / 2) / total) as u32;
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(remainder, i) in remainders.iter() {
        if used >= want {
            break;
        }
        if remainder > 0 {
            widths[i] += 1;
            used += 1;
        }
    }
    widths
}

/// One row of "By crate": what the tests of one crate claim and how they fared. A workspace's
/// crates are told apart by the test binaries' ids (`crate` or `crate::target`).
#[derive(Debug, Serialize, PartialEq, Eq)]
struct CrateRow {
    name: String,
    tests: usize,
    /// Tests that verify at least one requirement.
    linked: usize,
    /// Requirements one or more of its tests claim.
    requirements: usize,
    failing: usize,
}

/// The per-crate rows, sorted by crate; empty unless the tests come from two crates or more.
fn crate_rows(report: &Report) -> Vec<CrateRow> {
    let mut by_crate: BTreeMap<&str, (CrateRow, BTreeSet<&str>)> = BTreeMap::new();
    for t in &report.tests {
        let name = t.binary.split("::").next().unwrap_or(&t.binary);
        let (row, claimed) = by_crate.entry(name).or_insert_with(|| {
            (
                CrateRow {
                    name: name.to_string(),
                    tests: 0,
                    linked: 0,
                    requirements: 0,
                    failing: 0,
                },
                BTreeSet::new(),
            )
        });
        row.tests += 1;
        row.linked += usize::from(!t.requirements.is_empty());
        row.failing += usize::from(matches!(t.result, TestStatus::Failed | TestStatus::Errored));
        claimed.extend(t.requirements.iter().map(String::as_str));
    }
    if by_crate.len() < 2 {
        return Vec::new();
    }
    by_crate
        .into_values()
        .map(|(mut row, claimed)| {
            row.requirements = claimed.len();
            row
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct DiagnosticRow {
    severity: &'static str,
    code: &'static str,
    message: String,
    location: Option<String>,
    href: Option<String>,
    suggestion: Option<String>,
}

impl DiagnosticRow {
    fn new(d: &super::DiagnosticEntry, source_link: Option<&str>, commit: &str) -> DiagnosticRow {
        let location = d.file.as_ref().map(|file| match d.line {
            Some(line) => format!("{file}:{line}"),
            None => file.clone(),
        });
        let href = match (source_link, &d.file) {
            (Some(template), Some(file)) => {
                Some(source_href(template, commit, file, d.line.unwrap_or(1)))
            }
            _ => None,
        };
        DiagnosticRow {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            code: d.code.as_str(),
            message: d.message.clone(),
            location,
            href,
            suggestion: d.suggestion.clone(),
        }
    }
}

/// The data block the script builds the matrix from. Keys are one letter, strings that repeat
/// (files, binaries, areas, tags, module paths, reasons, styles) are indices into tables, and
/// defaults are left out, to keep 10,000 requirements well within 5 MB; `report.js` documents
/// the same layout.
#[derive(Debug, Serialize)]
struct PageData<'a> {
    /// Layout version of this block.
    v: u32,
    files: Vec<&'a str>,
    bins: Vec<&'a str>,
    areas: Vec<&'a str>,
    tags: Vec<&'a str>,
    /// Module paths of test names and implementation items (`a::b` of `a::b::c`).
    mods: Vec<&'a str>,
    reasons: Vec<&'a str>,
    styles: Vec<&'a str>,
    /// Requirement documents (indices into `files`), sorted.
    docs: Vec<usize>,
    /// The tests that verify something, see [`test_row`].
    tests: Vec<Vec<serde_json::Value>>,
    reqs: Vec<ReqData<'a>>,
    link: Option<&'a str>,
    commit: &'a str,
    results: bool,
    /// The `defect-link` template (`{id}` for the defect's id), when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    deflink: Option<&'a str>,
    /// On a large page: the index of every requirement; `reqs` and `tests` then hold only the
    /// first ones (see [`lazy`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    lazy: Option<lazy::LazyIndex>,
}

/// Evidence levels in the order of the script's `LEVELS`; a link's level index is its flags
/// shifted right by 3.
const LEVELS: [&str; 9] = [
    "utest",
    "itest",
    "stest",
    "manual",
    "inspection",
    "analysis",
    "demonstration",
    "review",
    "impl",
];

/// A title, or when the text starts with it (as marker-style titles do), its length in UTF-16
/// code units (JavaScript's string length), so it is not sent twice.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Title<'a> {
    Text(&'a str),
    PrefixOfText(usize),
}

#[derive(Debug, Serialize)]
struct ReqData<'a> {
    /// Left out (with `t` and `x`) in the lazily read lines of a large page, whose search
    /// records carry them (see [`LazyBlocks`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    i: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    t: Option<Title<'a>>,
    f: usize,
    l: u32,
    #[serde(skip_serializing_if = "is_one")]
    n: u32,
    /// Lifecycle, index into the script's `LIFECYCLE`; left out for `active`.
    #[serde(skip_serializing_if = "Option::is_none")]
    c: Option<u8>,
    /// Status, index into the script's `STATUS`.
    s: u8,
    a: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    g: Vec<usize>,
    #[serde(skip_serializing_if = "str::is_empty")]
    x: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    h: Option<String>,
    /// Reason, index into `reasons`.
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    w: Option<&'a str>,
    /// Style, index into `styles`; left out for the first requirement's style.
    #[serde(skip_serializing_if = "Option::is_none")]
    e: Option<usize>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    p: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    k: &'a [String],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    d: &'a BTreeMap<String, String>,
    /// `[test index, reference line - test line, flags]`, flags (1 stale, 2 ignored, 4 suspect:
    /// the requirement was reworded under it) left out
    /// when 0.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    v: Vec<Vec<i64>>,
    /// `[module index, last path segment, file index, line]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    m: Vec<(usize, &'a str, usize, u32)>,
    /// Reworded since a baseline or git ref: `[where the old text came from, the word diff as
    /// safe HTML (every text escaped, only `<del>` and `<ins>` added)]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    q: Option<(&'a str, String)>,
    /// The levels it has passing evidence of (PRODUCT.md section 11).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    lv: &'a [String],
    /// Known defects beside it.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    df: &'a [String],
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

fn lifecycle_index(lifecycle: Lifecycle) -> u8 {
    match lifecycle {
        Lifecycle::Draft => 0,
        Lifecycle::Proposed => 1,
        Lifecycle::Approved => 2,
        Lifecycle::Active => 3,
        Lifecycle::Deprecated => 4,
        Lifecycle::Rejected => 5,
    }
}

fn status_index(status: Status) -> u8 {
    match status {
        Status::Verified => 0,
        Status::Partial => 1,
        Status::Failing => 2,
        Status::Unverified => 3,
        Status::Waived => 4,
        Status::Suspect => 5,
    }
}

fn result_index(result: TestStatus) -> u8 {
    match result {
        TestStatus::Passed => 0,
        TestStatus::Failed => 1,
        TestStatus::Errored => 2,
        TestStatus::Skipped => 3,
        TestStatus::NotRun => 4,
        TestStatus::Unknown => 5,
    }
}

/// Splits `a::b::c` into `a::b` and `c`; a name without `::` has the empty module.
fn split_path(path: &str) -> (&str, &str) {
    match path.rfind("::") {
        Some(at) => (&path[..at], &path[at + 2..]),
        None => ("", path),
    }
}

/// Interns strings into a table, first come first served, so indices follow report order.
struct Table<'a> {
    items: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Table<'a> {
    fn new() -> Self {
        Table {
            items: Vec::new(),
            index: HashMap::new(),
        }
    }

    fn get(&mut self, value: &'a str) -> usize {
        if let Some(&i) = self.index.get(value) {
            return i;
        }
        self.items.push(value);
        self.index.insert(value, self.items.len() - 1);
        self.items.len() - 1
    }
}

/// All the string tables of the data block.
struct Tables<'a> {
    files: Table<'a>,
    bins: Table<'a>,
    areas: Table<'a>,
    tags: Table<'a>,
    mods: Table<'a>,
    reasons: Table<'a>,
    styles: Table<'a>,
}

/// `[module, name, binary, file, line, result, flags, message]` with trailing defaults (flags
/// 0: 1 ignored, 2 should_panic; no message) left out.
fn test_row<'a>(
    tables: &mut Tables<'a>,
    v: &'a super::Verification,
    entry: Option<&&'a super::TestEntry>,
) -> Vec<serde_json::Value> {
    let ignored = entry.map_or(v.ignored, |t| t.ignored);
    let should_panic = entry.is_some_and(|t| t.should_panic);
    let flags = u8::from(ignored) | (u8::from(should_panic) << 1);
    let message = entry.and_then(|t| t.message.as_deref());
    let (module, name) = split_path(&v.test);
    let mut row: Vec<serde_json::Value> = vec![
        tables.mods.get(module).into(),
        name.into(),
        tables.bins.get(&v.binary).into(),
        tables.files.get(&v.file).into(),
        v.line.into(),
        result_index(v.result).into(),
    ];
    if flags != 0 || message.is_some() {
        row.push(flags.into());
    }
    if let Some(message) = message {
        row.push(message.into());
    }
    row
}

fn page_data<'a>(report: &'a Report, link: Option<&'a str>, commit: &'a str) -> PageData<'a> {
    let mut tables = Tables {
        files: Table::new(),
        bins: Table::new(),
        areas: Table::new(),
        tags: Table::new(),
        mods: Table::new(),
        reasons: Table::new(),
        styles: Table::new(),
    };

    // Documents first and sorted, so the document filter can list them in table order.
    let mut doc_names: BTreeSet<&str> = report.documents.iter().map(|d| d.name.as_str()).collect();
    doc_names.extend(report.requirements.iter().map(|r| r.file.as_str()));
    let docs: Vec<usize> = doc_names.iter().map(|d| tables.files.get(d)).collect();
    let mut area_names: BTreeSet<&str> = report.areas.iter().map(|a| a.name.as_str()).collect();
    area_names.extend(report.requirements.iter().map(|r| r.area.as_str()));
    for area in area_names {
        tables.areas.get(area);
    }
    let tag_names: BTreeSet<&str> = report
        .requirements
        .iter()
        .flat_map(|r| r.tags.iter().map(String::as_str))
        .collect();
    for tag in tag_names {
        tables.tags.get(tag);
    }

    let by_key: HashMap<(&str, &str), &super::TestEntry> = report
        .tests
        .iter()
        .map(|t| ((t.binary.as_str(), t.test.as_str()), t))
        .collect();
    let mut test_index: HashMap<(&str, &str), (usize, u32)> = HashMap::new();
    let mut tests = Vec::new();

    // Rendering the texts as Markdown is most of the page's own work, and each text is its
    // own: done side by side first, then used in order.
    let texts: Vec<RenderedText> = report
        .requirements
        .par_iter()
        .map(|r| markdown_to_html(&r.text))
        .collect();
    let mut reqs = Vec::with_capacity(report.requirements.len());
    for (r, text) in report.requirements.iter().zip(texts) {
        let mut verifications = Vec::with_capacity(r.verified_by.len());
        for v in &r.verified_by {
            let key = (v.binary.as_str(), v.test.as_str());
            // A record is its own row: two records can read alike (same method, person and
            // day) and still be two runs with two outcomes.
            let known = if v.kind == crate::model::EvidenceKind::Record {
                None
            } else {
                test_index.get(&key).copied()
            };
            let (index, line) = match known {
                Some(known) => known,
                None => {
                    tests.push(test_row(&mut tables, v, by_key.get(&key)));
                    test_index.insert(key, (tests.len() - 1, v.line));
                    (tests.len() - 1, v.line)
                }
            };
            let mut link = vec![index as i64, i64::from(v.ref_line) - i64::from(line)];
            let level = LEVELS.iter().position(|l| *l == v.level).unwrap_or(0) as i64;
            let flags = i64::from(v.stale)
                | (i64::from(v.ignored) << 1)
                | (i64::from(v.suspect.is_some() && !v.stale) << 2)
                | (level << 3);
            if flags != 0 {
                link.push(flags);
            }
            verifications.push(link);
        }
        reqs.push(requirement_data(r, text, &mut tables, verifications));
    }
    PageData {
        v: 1,
        files: tables.files.items,
        bins: tables.bins.items,
        areas: tables.areas.items,
        tags: tables.tags.items,
        mods: tables.mods.items,
        reasons: tables.reasons.items,
        styles: tables.styles.items,
        docs,
        tests,
        reqs,
        link,
        commit,
        results: report.results_given,
        deflink: report.defect_link.as_deref(),
        lazy: None,
    }
}

fn requirement_data<'a>(
    r: &'a RequirementEntry,
    text: RenderedText,
    tables: &mut Tables<'a>,
    verifications: Vec<Vec<i64>>,
) -> ReqData<'a> {
    // Text with markup travels once, as HTML; the script takes its search text from that.
    let title = if text.simple && !r.title.is_empty() && text.plain.starts_with(r.title.as_str()) {
        Title::PrefixOfText(r.title.encode_utf16().count())
    } else {
        Title::Text(&r.title)
    };
    ReqData {
        i: Some(&r.id),
        t: Some(title),
        f: tables.files.get(&r.file),
        l: r.line,
        n: r.revision,
        c: (r.lifecycle != Lifecycle::Active).then(|| lifecycle_index(r.lifecycle)),
        s: status_index(r.status),
        a: tables.areas.get(&r.area),
        g: r.tags.iter().map(|t| tables.tags.get(t)).collect(),
        x: if text.simple {
            text.plain
        } else {
            String::new()
        },
        h: (!text.simple).then_some(text.html),
        y: (!r.reason.is_empty()).then(|| tables.reasons.get(&r.reason)),
        w: r.waived.as_deref(),
        e: Some(tables.styles.get(&r.style)).filter(|&i| i != 0),
        p: &r.parents,
        k: &r.children,
        d: &r.fields,
        v: verifications,
        m: r.implemented_by
            .iter()
            .map(|m| {
                let (module, name) = split_path(&m.item);
                (
                    tables.mods.get(module),
                    name,
                    tables.files.get(&m.file),
                    m.line,
                )
            })
            .collect(),
        q: r.previous.as_ref().map(|p| {
            let pieces = crate::worddiff::words(
                &crate::worddiff::whole(&p.title, &p.text),
                &crate::worddiff::whole(&r.title, &r.text),
            );
            (p.from.as_str(), crate::worddiff::html(&pieces))
        }),
        lv: &r.levels,
        df: &r.defects,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify html.escape]
    #[test]
    fn raw_html_in_markdown_is_text() {
        let out = markdown_to_html(
            "Hello <img src=x onerror=alert(1)> *there*\n\n<script>alert(1)</script>\n",
        );
        assert!(!out.html.contains("<img"), "{}", out.html);
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(
            out.html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{}",
            out.html
        );
        assert!(out.html.contains("<em>there</em>"), "{}", out.html);
        assert!(!out.simple);
    }

    // r[verify html.escape]
    #[test]
    fn only_safe_link_schemes_survive() {
        let out = markdown_to_html(
            "[a](javascript:alert(1)) [b](https://example.org/x) [c](mailto:x@example.org) \
             [d](JaVa\tScRiPt:alert(1)) [e](data:text/html,hi) [f](../other.md#sec) [g](#req-x)",
        );
        assert!(
            !out.html.to_ascii_lowercase().contains("javascript"),
            "{}",
            out.html
        );
        assert!(!out.html.contains("data:"), "{}", out.html);
        assert!(
            out.html.contains(r#"href="https://example.org/x""#),
            "{}",
            out.html
        );
        assert!(
            out.html.contains(r#"href="mailto:x@example.org""#),
            "{}",
            out.html
        );
        assert!(
            out.html.contains(r#"href="../other.md#sec""#),
            "{}",
            out.html
        );
        assert!(out.html.contains(r##"href="#req-x""##), "{}", out.html);
        // The text of a dropped link stays.
        assert!(out.html.contains('a') && out.plain.contains('e'));
    }

    // r[verify html.self-contained]
    #[test]
    fn images_become_links_and_load_nothing() {
        let out =
            markdown_to_html("See ![the diagram](img/flow.png) and ![x](javascript:alert(1)).");
        assert!(!out.html.contains("<img"), "{}", out.html);
        assert!(
            out.html
                .contains(r#"<a href="img/flow.png">image: the diagram</a>"#),
            "{}",
            out.html
        );
        assert!(!out.html.contains("javascript"), "{}", out.html);
    }

    // r[verify html.detail]
    #[test]
    fn simple_text_is_marked_simple() {
        let out = markdown_to_html("The user can log in\nwith a password.");
        assert!(out.simple);
        assert_eq!(out.plain, "The user can log in with a password.");
        let two = markdown_to_html("Two\nlines.\n\n\n  Second\nparagraph.\n");
        assert!(two.simple);
        assert_eq!(two.plain, "Two lines.\n\nSecond paragraph.");
        assert!(!markdown_to_html("Two&#10;&#10;lines").simple);
        assert!(!markdown_to_html("Some *emphasis*").simple);
        assert!(!markdown_to_html("- a list").simple);
        assert!(!markdown_to_html("`code`").simple);
    }

    // r[verify html.header]
    #[test]
    fn bar_segments_add_up() {
        assert_eq!(segments([1, 1, 1, 0], 3), [34, 33, 33, 0]);
        assert_eq!(segments([2, 0, 0, 1], 3), [67, 0, 0, 33]);
        assert_eq!(segments([0, 0, 0, 0], 0), [0, 0, 0, 0]);
        assert_eq!(segments([5, 0, 0, 0], 5), [100, 0, 0, 0]);
        let s = segments([333, 333, 1, 333], 1000);
        assert_eq!(s.iter().sum::<u32>(), 100);
    }

    // r[verify html.header]
    #[test]
    fn generated_time_reads_well() {
        assert_eq!(display_time("2025-11-24T09:30:00Z"), "2025-11-24 09:30 UTC");
        assert_eq!(
            display_time("2025-11-24T09:30:00.123+02:00"),
            "2025-11-24 09:30 +02:00"
        );
        assert_eq!(display_time("yesterday"), "yesterday");
        assert_eq!(display_time("2025-11-24T0é"), "2025-11-24T0é");
    }

    // r[verify html.print-audit]
    #[test]
    fn page_footer_text_cannot_leave_its_css_string() {
        assert_eq!(css_string("pay 1.2"), "pay 1.2");
        let hostile = css_string("a\"}</style><script>x</script>\\\n·");
        assert!(!hostile.contains('"'), "{hostile}");
        assert!(!hostile.contains('<'), "{hostile}");
        assert!(!hostile.contains('}'), "{hostile}");
        assert!(!hostile.contains('\n'), "{hostile}");
        assert!(hostile.starts_with("a\\22 \\7d \\3c /style"), "{hostile}");
        assert!(hostile.ends_with("\\b7 "), "{hostile}");
    }

    // r[verify html.detail]
    #[test]
    fn source_links_are_filled_and_checked() {
        assert_eq!(
            source_href(
                "https://x.org/blob/{commit}/{path}#L{line}",
                "abc",
                "src/a b.rs",
                7
            ),
            "https://x.org/blob/abc/src/a%20b.rs#L7"
        );
        assert!(check_source_link("https://x.org/{path}").is_ok());
        assert!(check_source_link("../{path}#L{line}").is_ok());
        assert!(check_source_link("javascript:alert('{path}')").is_err());
        assert!(check_source_link("data:text/html,{path}").is_err());
    }
}

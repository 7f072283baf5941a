//! Requirement documents: Markdown in, requirements with exact file and line out
//! (PRODUCT.md section 3).
//!
//! The document is parsed once by pulldown-cmark; [`scan`] turns the events into a table of
//! lines (code, HTML, headings, paragraph starts, blockquote extents, `reqtrail:off` regions).
//! The definitions of each style are then found in one pass over that table, the style is
//! chosen (marker, else OFT, else heading, unless the config pins one), and each definition's
//! attributes and text are read from the lines that follow it, up to the next definition or
//! heading. Every line is read a bounded number of times, so the work is linear in the input.

mod attrs;
mod fingerprint;
mod nearmiss;
mod scan;
mod syntax;
#[cfg(test)]
mod tests;

use crate::config::SpecOptions;
use crate::model::{Code, DefinitionStyle, Diagnostic, Lifecycle, Requirement, SpecFile};
use attrs::{apply, bullet_value, parse_attr_line, Attr, KNOWN_KEYS};
use scan::{strip_quotes, strip_quotes_upto, Heading, Inline, Lines, NO_LINE};
use std::collections::{BTreeMap, HashMap};

/// Lines that never hold an attribute or a definition.
const NOT_PROSE: u8 = scan::EXCLUDED | scan::OFF | scan::HEADING;

/// OpenFastTrace writes these after the description; in OFT documents they are attributes
/// wherever they start a block, not only right under the id.
const OFT_LATE_KEYS: [&str; 5] = ["covers", "needs", "depends", "tags", "status"];

/// reqtrace writes its attribute paragraphs after the description of a `## ID: Title`
/// requirement; in heading-style documents these keys are attributes wherever they start a block.
const HEADING_LATE_KEYS: [&str; 6] = ["covers", "parents", "refines", "depends", "tags", "needs"];

/// A definition found in the document, before its attributes and text are read.
#[derive(Debug)]
struct Def<'a> {
    /// 0-based line of the marker, id line or heading.
    line: usize,
    /// Last line the definition itself takes (a setext heading takes two).
    last_line: usize,
    id: String,
    revision: u32,
    /// Heading and OFT titles; marker titles come from the text.
    title: Option<String>,
    /// Text after the marker on the marker's own line.
    first_text: &'a str,
    /// Blockquote levels on the definition line; as many are stripped from its text.
    depth: usize,
    /// Last line of the blockquote the definition sits in; a quoted requirement ends with it.
    quote_end: u32,
    prefix: Option<&'a str>,
}

/// Parses one Markdown document. Never fails: problems become diagnostics in the result.
fn has_lone_cr(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

fn lone_cr_to_lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

pub fn parse_spec(file: &str, text: &str, options: &SpecOptions) -> SpecFile {
    // A byte-order mark would hide a marker on the first line; dropping it moves no line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // CommonMark ends a line at `\n`, `\r\n` or a lone `\r` (old Mac files). A lone CR becomes
    // `\n`: same length, so every offset and line number stays what the reader counts.
    let normalized;
    let text = if has_lone_cr(text) {
        normalized = lone_cr_to_lf(text);
        normalized.as_str()
    } else {
        text
    };
    let lines = Lines::new(text);
    let (style, defs) = match options.style {
        Some(DefinitionStyle::Marker) => (DefinitionStyle::Marker, find_markers(&lines, options)),
        Some(DefinitionStyle::Oft) => (DefinitionStyle::Oft, find_oft(&lines)),
        Some(DefinitionStyle::Heading) => {
            (DefinitionStyle::Heading, find_headings(&lines, options))
        }
        None => {
            let markers = find_markers(&lines, options);
            if !markers.is_empty() {
                (DefinitionStyle::Marker, markers)
            } else {
                let oft = find_oft(&lines);
                if !oft.is_empty() {
                    (DefinitionStyle::Oft, oft)
                } else {
                    (DefinitionStyle::Heading, find_headings(&lines, options))
                }
            }
        }
    };
    let mut spec = SpecFile {
        file: file.to_string(),
        style: (!defs.is_empty()).then_some(style),
        ..SpecFile::default()
    };
    build(&mut spec, &lines, style, &defs);
    // A document's default `Needs:` comes from the config, after the fingerprint: it is not
    // part of what the requirement says.
    if let Some(needs) = options.needs_of(&spec.file) {
        for req in spec.requirements.iter_mut().filter(|r| r.needs.is_empty()) {
            req.needs = needs.to_vec();
        }
    }
    if style != DefinitionStyle::Marker {
        let defined: Vec<usize> = defs.iter().map(|d| d.line).collect();
        let heading_defs = style == DefinitionStyle::Heading && !defs.is_empty();
        spec.diagnostics.extend(nearmiss::headings(
            &lines,
            options,
            &defined,
            heading_defs,
            file,
        ));
    }
    let (defined, prefixes): (Vec<usize>, Vec<&str>) = defs
        .iter()
        .filter(|_| style == DefinitionStyle::Marker)
        .map(|d| (d.line, d.prefix.unwrap_or("")))
        .unzip();
    spec.diagnostics.extend(nearmiss::markers(
        &lines, options, &defined, &prefixes, file,
    ));
    spec
}

/// `PREFIX[id]` at column 0 of a paragraph (after blockquote prefixes), or alone on a line
/// that CommonMark glued to the paragraph or list item above.
fn find_markers<'a>(lines: &Lines<'a>, options: &SpecOptions) -> Vec<Def<'a>> {
    let mut defs = Vec::new();
    for (i, info) in lines.info.iter().enumerate() {
        // A marker is plain text at the start of its line, so the line's first inline node is
        // a text node; code spans and inline HTML that began on an earlier line fail this.
        if info.flags & NOT_PROSE != 0 || info.inline_kind != Inline::Text {
            continue;
        }
        let content = lines.line(i);
        let (depth, off) = strip_quotes(content);
        let rest = &content[off..];
        let Some(marker) = syntax::parse_marker(rest) else {
            continue;
        };
        if info.first_inline != lines.start(i) + off {
            continue;
        }
        let after = &rest[marker.len..];
        let alone = after.trim().is_empty();
        if !alone {
            let starts_paragraph = info.flags & scan::PARA_START != 0;
            let known = options.prefixes.iter().any(|p| p == marker.prefix);
            if !(after.starts_with([' ', '\t']) && starts_paragraph && known) {
                continue;
            }
        }
        defs.push(Def {
            line: i,
            last_line: i,
            id: marker.id.to_string(),
            revision: marker.revision,
            title: None,
            first_text: after.trim(),
            depth,
            quote_end: info.bq_end,
            prefix: Some(marker.prefix),
        });
    }
    defs
}

/// The text of a heading, closing `#`s and blockquote prefixes removed.
fn heading_content(lines: &Lines<'_>, heading: &Heading) -> String {
    let first = heading.start_line as usize;
    if heading.atx {
        let line = lines.line(first);
        let from = heading.start.saturating_sub(lines.start(first));
        return syntax::atx_content(line.get(from..).unwrap_or("")).to_string();
    }
    // Setext: every line but the underline.
    let last = (heading.end_line as usize).max(first + 1);
    (first..last)
        .map(|i| {
            let line = lines.line(i);
            line[strip_quotes(line).1..].trim()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn heading_def<'a>(
    lines: &Lines<'a>,
    heading: &Heading,
    id: String,
    revision: u32,
    title: String,
) -> Def<'a> {
    let line = heading.start_line as usize;
    Def {
        line,
        last_line: (heading.end_line as usize).max(line),
        id,
        revision,
        title: Some(title),
        first_text: "",
        depth: strip_quotes(lines.line(line)).0,
        quote_end: lines.info.get(line).map_or(NO_LINE, |i| i.bq_end),
        prefix: None,
    }
}

/// ATX headings whose text is `ID: Title` (see [`syntax::parse_heading_def`]).
fn find_headings<'a>(lines: &Lines<'a>, options: &SpecOptions) -> Vec<Def<'a>> {
    let mut defs = Vec::new();
    for heading in &lines.headings {
        if !heading.atx || lines.has(heading.start_line as usize, scan::OFF) {
            continue;
        }
        let content = heading_content(lines, heading);
        let def = options
            .heading_id
            .as_ref()
            .and_then(|heading_id| syntax::parse_heading_def(&content, heading_id));
        if let Some((id, title)) = def {
            let title = syntax::plain_text(&title);
            defs.push(heading_def(lines, heading, id, 1, title));
        }
    }
    defs
}

/// `` `type~name~N` `` alone on a line, or `type~name~N` as a heading's text.
fn find_oft<'a>(lines: &Lines<'a>) -> Vec<Def<'a>> {
    let mut defs = Vec::new();
    // Plain-text heading titles, computed once, for ids under them; a heading that is itself
    // an OFT id lends its title part.
    let titles: Vec<String> = lines
        .headings
        .iter()
        .map(|h| {
            let content = heading_content(lines, h);
            match syntax::parse_oft_heading(&content) {
                Some((_, _, title)) => syntax::plain_text(title),
                None => syntax::plain_text(&content),
            }
        })
        .collect();
    let mut next_heading = 0;
    for (i, info) in lines.info.iter().enumerate() {
        while next_heading < lines.headings.len()
            && (lines.headings[next_heading].start_line as usize) < i
        {
            next_heading += 1;
        }
        if let Some(heading) = lines.headings.get(next_heading) {
            if heading.start_line as usize == i && info.flags & scan::OFF == 0 {
                let content = heading_content(lines, heading);
                if let Some((id, revision, title)) = syntax::parse_oft_heading(&content) {
                    let title = syntax::plain_text(title);
                    defs.push(heading_def(lines, heading, id.to_string(), revision, title));
                }
                continue;
            }
        }
        if info.flags & NOT_PROSE != 0 || info.inline_kind != Inline::Code {
            continue;
        }
        let content = lines.line(i);
        let (depth, off) = strip_quotes(content);
        let rest = content[off..].trim_end();
        let Some(inner) = rest.strip_prefix('`').and_then(|r| r.strip_suffix('`')) else {
            continue;
        };
        if inner.contains('`') || info.first_inline != lines.start(i) + off {
            continue;
        }
        let Some((id, revision)) = syntax::parse_oft(inner) else {
            continue;
        };
        // The nearest heading above (every heading before `next_heading` ends above line i).
        let title = next_heading
            .checked_sub(1)
            .and_then(|h| titles.get(h))
            .cloned()
            .unwrap_or_default();
        defs.push(Def {
            line: i,
            last_line: i,
            id: id.to_string(),
            revision,
            title: Some(title),
            first_text: "",
            depth,
            quote_end: info.bq_end,
            prefix: None,
        });
    }
    defs
}

/// A line with up to `depth` blockquote prefixes removed.
fn quoted<'a>(lines: &Lines<'a>, i: usize, depth: usize) -> &'a str {
    let line = lines.line(i);
    if depth == 0 {
        return line;
    }
    &line[strip_quotes_upto(line, depth).1..]
}

/// Reads the attribute block starting at line `from` (blank lines skipped) and stops at the first
/// line that is not an attribute or at `to`. Returns the attributes and the line after the last
/// one consumed. With `only`, keys outside that list (lowercase) end the block.
fn attribute_block(
    lines: &Lines<'_>,
    from: usize,
    to: usize,
    depth: usize,
    only: Option<&[&str]>,
) -> (Vec<Attr>, usize) {
    let mut attrs = Vec::new();
    let (mut i, mut end) = (from, from);
    while i < to && !lines.has(i, NOT_PROSE) {
        let line = quoted(lines, i, depth);
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        let Some(attr) = parse_attr_line(line) else {
            break;
        };
        if only.is_some_and(|keys| !keys.contains(&attr.key.to_ascii_lowercase().as_str())) {
            break;
        }
        let mut values = Vec::new();
        if !attr.value.is_empty() {
            values.push((attr.value.to_string(), scan::to_u32(i)));
        }
        i += 1;
        end = i;
        if attr.value.is_empty() {
            // `Key:` then a bullet list, blank lines allowed before and between the bullets.
            let mut j = i;
            loop {
                while j < to
                    && !lines.has(j, NOT_PROSE)
                    && quoted(lines, j, depth).trim().is_empty()
                {
                    j += 1;
                }
                if j >= to || lines.has(j, NOT_PROSE) {
                    break;
                }
                let Some((indent, value)) = bullet_value(quoted(lines, j, depth)) else {
                    break;
                };
                if attr.list && indent <= attr.indent {
                    break;
                }
                if !value.is_empty() {
                    values.push((value.to_string(), scan::to_u32(j)));
                }
                j += 1;
                i = j;
                end = j;
            }
        }
        attrs.push(Attr {
            key: attr.key.to_string(),
            values,
        });
    }
    (attrs, end)
}

/// Turns definitions into requirements: attributes, text, title, duplicate check.
fn build(spec: &mut SpecFile, lines: &Lines<'_>, style: DefinitionStyle, defs: &[Def<'_>]) {
    let heading_starts: Vec<usize> = lines
        .headings
        .iter()
        .map(|h| h.start_line as usize)
        .collect();
    let last_line = scan::to_u32(lines.len()).max(1);
    // Each marker prefix is its own namespace: `i[x]` and `r[x]` are two requirements.
    let mut seen: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    let mut prefixes: Vec<String> = Vec::new();
    for (k, def) in defs.iter().enumerate() {
        let body_from = def.last_line + 1;
        let mut end = defs.get(k + 1).map_or(lines.len(), |d| d.line);
        let after = heading_starts.partition_point(|&h| h <= def.last_line);
        if let Some(&h) = heading_starts.get(after) {
            end = end.min(h);
        }
        if def.depth > 0 && def.quote_end != NO_LINE {
            end = end.min(def.quote_end as usize + 1);
        }
        let end = end.max(body_from);

        let line = scan::to_u32(def.line).saturating_add(1);
        let owned = owned_until(lines, defs, k, end, style);
        let span = crate::model::LineSpan::new(line, owned.min(last_line));
        if let Some(&first) = seen.get(&(def.prefix, def.id.as_str())) {
            let message = format!(
                "requirement `{}` is defined twice: first at {}:{}, again at {}:{}",
                def.id,
                spec.file,
                first + 1,
                spec.file,
                line
            );
            spec.diagnostics
                .push(Diagnostic::at(Code::DuplicateId, message, &spec.file, line).about(&def.id));
            continue;
        }
        seen.insert((def.prefix, &def.id), def.line);

        let mut req = Requirement {
            id: def.id.clone(),
            revision: def.revision,
            title: String::new(),
            text: String::new(),
            location: crate::model::Location::new(spec.file.as_str(), line),
            span,
            style,
            lifecycle: Lifecycle::Active,
            parents: Vec::new(),
            tags: Vec::new(),
            needs: Vec::new(),
            priority: None,
            verification: None,
            waived: None,
            fields: BTreeMap::new(),
            prefix: def.prefix.map(str::to_string),
            fingerprint: String::new(),
        };
        let (mut attrs, mut i) = attribute_block(lines, body_from, end, def.depth, None);
        // A line such as `Checks:` with a list reads like a field but may be the requirement's
        // whole text; rather than empty the text silently, unknown keys then stay text.
        let nothing_left = def.first_text.is_empty()
            && (i..end).all(|j| quoted(lines, j, def.depth).trim().is_empty());
        let unknown = |a: &Attr| !KNOWN_KEYS.contains(&a.key.to_ascii_lowercase().as_str());
        if nothing_left && attrs.iter().any(unknown) {
            (attrs, i) = attribute_block(lines, body_from, end, def.depth, Some(&KNOWN_KEYS));
        }
        let late_keys: Option<&[&str]> = match style {
            DefinitionStyle::Oft => Some(&OFT_LATE_KEYS),
            DefinitionStyle::Heading => Some(&HEADING_LATE_KEYS),
            DefinitionStyle::Marker => None,
        };
        for attr in &attrs {
            apply(&mut req, attr);
        }

        let mut text = String::from(def.first_text);
        let mut prev_blank = true;
        while i < end {
            let line = quoted(lines, i, def.depth);
            let blank = line.trim().is_empty();
            // Only a non-blank line can start a late block; trying on blank lines would rescan
            // every following blank line each time.
            if let Some(keys) =
                late_keys.filter(|_| prev_blank && !blank && !lines.has(i, NOT_PROSE))
            {
                let (late, stop) = attribute_block(lines, i, end, def.depth, Some(keys));
                if stop > i {
                    for attr in &late {
                        apply(&mut req, attr);
                    }
                    // The blank lines after the block would leave a hole in the text.
                    i = stop;
                    while i < end && quoted(lines, i, def.depth).trim().is_empty() {
                        i += 1;
                    }
                    continue;
                }
            }
            text.push('\n');
            text.push_str(line);
            prev_blank = blank;
            i += 1;
        }
        if style == DefinitionStyle::Heading {
            // reqtrace keeps deeper headings in the description and puts `Covers:` after
            // them; the text ends at the first sub-heading, the attributes are still read.
            late_in_subsections(&mut req, lines, end, owned as usize, def.depth);
        }
        req.text = text.trim().to_string();
        req.title = match &def.title {
            Some(title) => title.clone(),
            None => syntax::first_sentence(&req.text),
        };
        req.fingerprint = fingerprint::fingerprint(&req);
        if let Some(prefix) = def.prefix {
            prefixes.push(prefix.to_string());
        }
        spec.requirements.push(req);
    }
    prefixes.sort();
    prefixes.dedup();
    spec.marker_prefixes = prefixes;
}

/// Reads the `Covers:`-like attribute paragraphs in the sub-sections of a heading requirement,
/// lines `from..to`; each line is looked at once.
fn late_in_subsections(
    req: &mut Requirement,
    lines: &Lines<'_>,
    from: usize,
    to: usize,
    depth: usize,
) {
    let mut j = from;
    let mut prev_blank = true;
    while j < to {
        if lines.has(j, NOT_PROSE) {
            prev_blank = true;
            j += 1;
            continue;
        }
        let blank = quoted(lines, j, depth).trim().is_empty();
        if prev_blank && !blank {
            let (late, stop) = attribute_block(lines, j, to, depth, Some(&HEADING_LATE_KEYS));
            if stop > j {
                for attr in &late {
                    apply(req, attr);
                }
                j = stop;
                prev_blank = false;
                continue;
            }
        }
        prev_blank = blank;
        j += 1;
    }
}

/// The last line (1-based) definition `k` owns: the end of its text (`text_end`, 0-based
/// exclusive), or for a heading requirement the line before the next heading of its level or
/// higher or the next definition, so edits in its sub-sections count as edits to it.
fn owned_until(
    lines: &Lines<'_>,
    defs: &[Def<'_>],
    k: usize,
    text_end: usize,
    style: DefinitionStyle,
) -> u32 {
    let def = &defs[k];
    // Headings are in line order; look only between this definition and the next, so the
    // whole file costs one pass over its headings.
    let at = lines
        .headings
        .partition_point(|h| (h.start_line as usize) < def.line);
    let own = lines
        .headings
        .get(at)
        .filter(|h| h.start_line as usize == def.line)
        .map(|h| h.level);
    let (DefinitionStyle::Heading, Some(level)) = (style, own) else {
        return scan::to_u32(text_end);
    };
    let next_def = defs.get(k + 1).map_or(lines.len(), |d| d.line);
    let next_section = lines.headings[at..]
        .iter()
        .skip_while(|h| h.start_line as usize <= def.last_line)
        .take_while(|h| (h.start_line as usize) < next_def)
        .find(|h| h.level <= level)
        .map_or(lines.len(), |h| h.start_line as usize);
    scan::to_u32(next_def.min(next_section).max(text_end))
}

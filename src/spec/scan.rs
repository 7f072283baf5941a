//! One pass over pulldown-cmark's events, turned into a table of source lines: which lines are
//! code or HTML (never definitions), which lie between `reqtrail:off` and `reqtrail:on`, which
//! belong to headings, where paragraphs start, where the first inline node of each line begins,
//! and how far the innermost enclosing blockquote reaches.
//!
//! The definition finders then work line by line on this table, so the Markdown is parsed
//! exactly once and every question about a line is answered in constant time.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// "No line" in the `u32` line-index fields.
pub const NO_LINE: u32 = u32::MAX;

/// The line is inside a fenced or indented code block, or an HTML block.
pub const EXCLUDED: u8 = 1;
/// The line lies between `<!-- reqtrail:off -->` and `<!-- reqtrail:on -->` (both included).
pub const OFF: u8 = 2;
/// The line is part of a heading (ATX or setext).
pub const HEADING: u8 = 4;
/// A paragraph starts on this line.
pub const PARA_START: u8 = 8;

/// What kind of inline node comes first on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inline {
    None,
    Text,
    Code,
    Html,
}

#[derive(Debug, Clone, Copy)]
pub struct LineInfo {
    /// Byte offset of the first inline node (text, code span, inline HTML) starting on this line.
    pub first_inline: usize,
    pub inline_kind: Inline,
    /// Last line of the innermost blockquote that was open when this line's content began.
    pub bq_end: u32,
    pub flags: u8,
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub start_line: u32,
    pub end_line: u32,
    /// Byte offset where the heading starts (the first `#` of an ATX heading).
    pub start: usize,
    pub atx: bool,
    /// 1 for `#` (or a `===` underline) to 6.
    pub level: u8,
}

/// The document as lines, annotated from the Markdown events.
pub struct Lines<'a> {
    pub text: &'a str,
    starts: Vec<usize>,
    pub info: Vec<LineInfo>,
    /// In document order.
    pub headings: Vec<Heading>,
    /// The line of the last event looked up, where the next one usually is.
    cursor: usize,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        if !text.is_empty() {
            starts.push(0);
        }
        starts.extend(
            text.match_indices('\n')
                .map(|(i, _)| i + 1)
                .filter(|&s| s < text.len()),
        );
        let info = vec![
            LineInfo {
                first_inline: usize::MAX,
                inline_kind: Inline::None,
                bq_end: NO_LINE,
                flags: 0,
            };
            starts.len()
        ];
        let mut lines = Lines {
            text,
            starts,
            info,
            headings: Vec::new(),
            cursor: 0,
        };
        lines.annotate();
        lines
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }

    /// The line's text without its line ending (`\n` or `\r\n`).
    pub fn line(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line) else {
            return "";
        };
        let end = match self.starts.get(line + 1) {
            Some(&next) => next - 1,
            None => self.text.len(),
        };
        let s = self.text.get(start..end).unwrap_or("");
        s.strip_suffix('\r').unwrap_or(s)
    }

    pub fn has(&self, line: usize, flag: u8) -> bool {
        self.info.get(line).is_some_and(|i| i.flags & flag != 0)
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// [`Lines::line_of`] for offsets that mostly move forward, as event offsets do: looks at
    /// the line of the previous call and the next one before searching.
    fn line_near(&self, offset: usize, hint: &mut usize) -> usize {
        let at = |l: usize| {
            self.starts.get(l).is_some_and(|&s| s <= offset)
                && self.starts.get(l + 1).is_none_or(|&n| offset < n)
        };
        let line = if at(*hint) {
            *hint
        } else if at(*hint + 1) {
            *hint + 1
        } else {
            self.line_of(offset)
        };
        *hint = line;
        line
    }

    fn last_line_of(&self, range: &Range<usize>) -> usize {
        self.line_of(range.end.saturating_sub(1).max(range.start))
    }

    fn mark(&mut self, range: &Range<usize>, flag: u8) {
        let (first, last) = (self.line_of(range.start), self.last_line_of(range));
        for info in self.info.iter_mut().take(last + 1).skip(first) {
            info.flags |= flag;
        }
    }

    fn note_start(&mut self, offset: usize, bq: Option<&u32>) -> usize {
        let mut hint = self.cursor;
        let line = self.line_near(offset, &mut hint);
        self.cursor = hint;
        if let (Some(info), Some(&end)) = (self.info.get_mut(line), bq) {
            if info.bq_end == NO_LINE {
                info.bq_end = end;
            }
        }
        line
    }

    fn note_inline(&mut self, offset: usize, kind: Inline, bq: Option<&u32>) {
        let line = self.note_start(offset, bq);
        if let Some(info) = self.info.get_mut(line) {
            if info.inline_kind == Inline::None {
                info.first_inline = offset;
                info.inline_kind = kind;
            }
        }
    }

    fn annotate(&mut self) {
        if self.starts.is_empty() {
            return;
        }
        let text = self.text;
        // End lines of the blockquotes open at this point, innermost last.
        let mut quotes: Vec<u32> = Vec::new();
        // (line, true for off / false for on), in document order.
        let mut switches: Vec<(usize, bool)> = Vec::new();
        for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
            match event {
                Event::Start(Tag::BlockQuote(_)) => {
                    let end = self.last_line_of(&range);
                    quotes.push(u32::try_from(end).unwrap_or(NO_LINE));
                }
                Event::End(TagEnd::BlockQuote(_)) => {
                    quotes.pop();
                }
                Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::HtmlBlock) => {
                    self.mark(&range, EXCLUDED);
                }
                Event::Start(Tag::Paragraph) => {
                    let line = self.note_start(range.start, quotes.last());
                    if let Some(info) = self.info.get_mut(line) {
                        info.flags |= PARA_START;
                    }
                }
                Event::Start(Tag::Heading { level, .. }) => {
                    let start_line = self.note_start(range.start, quotes.last());
                    let end_line = self.last_line_of(&range);
                    self.mark(&range, HEADING);
                    let atx = text
                        .get(range.start..)
                        .is_some_and(|s| s.trim_start_matches([' ', '\t']).starts_with('#'));
                    self.headings.push(Heading {
                        start_line: to_u32(start_line),
                        end_line: to_u32(end_line),
                        start: range.start,
                        atx,
                        level: level as u8,
                    });
                }
                Event::Text(_) => self.note_inline(range.start, Inline::Text, quotes.last()),
                Event::Code(_) => self.note_inline(range.start, Inline::Code, quotes.last()),
                Event::InlineHtml(html) => {
                    self.note_inline(range.start, Inline::Html, quotes.last());
                    switch_comments(&html, self.line_of(range.start), &mut switches);
                }
                Event::Html(html) => {
                    switch_comments(&html, self.line_of(range.start), &mut switches);
                }
                _ => {}
            }
        }
        let mut off_from: Option<usize> = None;
        for (line, off) in switches {
            match (off, off_from) {
                (true, None) => off_from = Some(line),
                (false, Some(from)) => {
                    for info in self.info.iter_mut().take(line + 1).skip(from) {
                        info.flags |= OFF;
                    }
                    off_from = None;
                }
                _ => {}
            }
        }
        if let Some(from) = off_from {
            for info in self.info.iter_mut().skip(from) {
                info.flags |= OFF;
            }
        }
    }
}

pub fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NO_LINE)
}

/// Records every `<!-- reqtrail:off -->` / `<!-- reqtrail:on -->` comment in an HTML node.
fn switch_comments(html: &str, line: usize, out: &mut Vec<(usize, bool)>) {
    let mut rest = html;
    while let Some(open) = rest.find("<!--") {
        let after = &rest[open + 4..];
        let Some(close) = after.find("-->") else {
            return;
        };
        let inner = after[..close].trim();
        if inner.eq_ignore_ascii_case("reqtrail:off") {
            out.push((line, true));
        } else if inner.eq_ignore_ascii_case("reqtrail:on") {
            out.push((line, false));
        }
        rest = &after[close + 3..];
    }
}

/// Strips every blockquote prefix (`>` after at most three spaces, plus one optional space or
/// tab) from a line; returns how many there were and the byte offset of what follows.
pub fn strip_quotes(line: &str) -> (usize, usize) {
    strip_quotes_upto(line, usize::MAX)
}

/// Like [`strip_quotes`], but strips at most `max` levels.
pub fn strip_quotes_upto(line: &str, max: usize) -> (usize, usize) {
    let bytes = line.as_bytes();
    let (mut depth, mut pos) = (0, 0);
    while depth < max {
        let mut p = pos;
        while p < bytes.len() && p - pos < 3 && bytes[p] == b' ' {
            p += 1;
        }
        if bytes.get(p) != Some(&b'>') {
            break;
        }
        p += 1;
        if matches!(bytes.get(p), Some(b' ') | Some(b'\t')) {
            p += 1;
        }
        depth += 1;
        pos = p;
    }
    (depth, pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify spec.location]
    #[test]
    fn line_table_handles_crlf_and_missing_final_newline() {
        let lines = Lines::new("a\r\nb\r\nc");
        assert_eq!(lines.len(), 3);
        assert_eq!(lines.line(0), "a");
        assert_eq!(lines.line(1), "b");
        assert_eq!(lines.line(2), "c");
        assert_eq!(lines.line_of(4), 1);
        assert_eq!(Lines::new("").len(), 0);
        assert_eq!(Lines::new("x\n").len(), 1);
    }

    // r[verify spec.exclusions]
    #[test]
    fn code_html_and_off_regions_are_flagged() {
        let text = "```\ncode\n```\n\n<div>\nhtml\n</div>\n\n<!-- reqtrail:off -->\nhidden\n<!-- reqtrail:on -->\n\nshown\n";
        let lines = Lines::new(text);
        assert!(lines.has(1, EXCLUDED));
        assert!(lines.has(5, EXCLUDED));
        assert!(lines.has(9, OFF));
        assert!(!lines.has(12, OFF));
        assert!(!lines.has(12, EXCLUDED));
        assert!(lines.has(12, PARA_START));
    }

    // r[verify spec.marker]
    #[test]
    fn quote_prefixes_are_counted() {
        assert_eq!(strip_quotes("> > r[x]"), (2, 4));
        assert_eq!(strip_quotes(">r[x]"), (1, 1));
        assert_eq!(strip_quotes("   > x"), (1, 5));
        assert_eq!(strip_quotes("    > x"), (0, 0));
        assert_eq!(strip_quotes_upto("> > x", 1), (1, 2));
    }
}

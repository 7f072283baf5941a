//! The outline of a file syn cannot parse, read off the masked text (comments and literal
//! contents blanked): inline modules by their braces, test functions by a test attribute followed
//! by `fn NAME`, and the functions of `proptest! { }`.
//!
//! Unbalanced braces (often why syn failed) only make the ranges rougher; the references are
//! then attached by a simpler rule than section 4's: inside a test function to it, at the top of
//! the file to every test, anywhere else to the next test function below.

use super::items::{Outline, Scope, ScopeKind, TEST_ATTRIBUTES};
use super::lexer::{is_ident_byte, Lexed};
use super::{LineFacts, Target};
use crate::config::SourceOptions;
use crate::model::{CrateUnit, TestFn};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    Str,
    Punct,
}

#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    kind: Kind,
    /// The token as written (a string literal whole, prefix and quotes included).
    text: &'a str,
    line: u32,
}

/// Splits the masked text into identifiers, string literals (taken from the original text) and
/// single-character punctuation.
fn tokens<'a>(lexed: &Lexed, text: &'a str) -> Vec<Tok<'a>> {
    let masked = &lexed.masked;
    let mut out = Vec::new();
    let mut strings = lexed.strings.iter().peekable();
    let mut line = 1u32;
    let mut i = 0;
    while i < masked.len() {
        while strings.next_if(|s| s.0 < i).is_some() {}
        if let Some(&&(start, end)) = strings.peek() {
            if start == i {
                let end = end.clamp(i + 1, masked.len());
                out.push(Tok {
                    kind: Kind::Str,
                    text: text.get(start..end).unwrap_or(""),
                    line,
                });
                line += masked[start..end].iter().filter(|&&b| b == b'\n').count() as u32;
                i = end;
                continue;
            }
        }
        let b = masked[i];
        if b == b'\n' {
            line += 1;
            i += 1;
        } else if b.is_ascii_whitespace() {
            i += 1;
        } else if is_ident_byte(b) {
            let start = i;
            while i < masked.len() && is_ident_byte(masked[i]) {
                i += 1;
            }
            out.push(Tok {
                kind: Kind::Ident,
                text: text.get(start..i).unwrap_or(""),
                line,
            });
        } else {
            out.push(Tok {
                kind: Kind::Punct,
                text: text.get(i..i + 1).unwrap_or(""),
                line,
            });
            i += 1;
        }
    }
    out
}

/// Index of the token closing the group opened at `open` (or the last token).
fn matching(toks: &[Tok], open: usize) -> usize {
    let (o, c) = match toks.get(open).map(|t| t.text) {
        Some("(") => ("(", ")"),
        Some("[") => ("[", "]"),
        _ => ("{", "}"),
    };
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        if t.kind != Kind::Punct {
            continue;
        }
        if t.text == o {
            depth += 1;
        } else if t.text == c {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return k;
            }
        }
    }
    toks.len().saturating_sub(1)
}

#[derive(Default)]
struct Pending {
    test_attribute: Option<String>,
    ignored: bool,
    should_panic: bool,
    first_line: Option<u32>,
}

enum Frame {
    Module(usize),
    Group(usize),
    Test(usize),
    Other,
}

/// The outline of an unparsable file.
pub(crate) fn outline(
    lexed: &Lexed,
    text: &str,
    unit: &CrateUnit,
    options: &SourceOptions,
) -> Outline {
    let toks = tokens(lexed, text);
    let last_line = lexed.line_count();
    let mut out = Outline::new(unit.module_path.join("::"), last_line);
    let mut path = unit.module_path.clone();
    let mut frames: Vec<Frame> = Vec::new();
    let mut pending = Pending::default();
    let mut pending_mod: Option<(String, u32)> = None;
    let mut pending_fn: Option<usize> = None;
    let mut pending_group: Option<u32> = None;
    let text_at = |k: usize| toks.get(k).map_or("", |t| t.text);
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let container = frames
            .iter()
            .rev()
            .find_map(|f| match f {
                Frame::Module(s) | Frame::Group(s) => Some(*s),
                _ => None,
            })
            .unwrap_or(0);
        let module_level = frames
            .iter()
            .all(|f| matches!(f, Frame::Module(_) | Frame::Group(_)));
        match (t.kind, t.text) {
            (Kind::Punct, "#") => {
                let mut j = i + 1;
                if text_at(j) == "!" {
                    j += 1;
                }
                if text_at(j) != "[" {
                    i += 1;
                    continue;
                }
                let close = matching(&toks, j);
                let inside = toks.get(j + 1..close).unwrap_or(&[]);
                let mut segments = Vec::new();
                for tok in inside {
                    match tok.kind {
                        Kind::Ident => segments.push(tok.text),
                        Kind::Punct if tok.text == ":" => {}
                        _ => break,
                    }
                }
                let last = segments.last().copied().unwrap_or("");
                if last == "test"
                    || TEST_ATTRIBUTES.contains(&last)
                    || options.test_attributes.iter().any(|a| a == last)
                {
                    pending
                        .test_attribute
                        .get_or_insert_with(|| segments.join("::"));
                } else if last == "ignore" {
                    pending.ignored = true;
                } else if last == "should_panic" {
                    pending.should_panic = true;
                }
                pending.first_line.get_or_insert(t.line);
                i = close + 1;
                continue;
            }
            (Kind::Ident, "mod") if toks.get(i + 1).is_some_and(|n| n.kind == Kind::Ident) => {
                pending_mod = Some((
                    text_at(i + 1).to_string(),
                    pending.first_line.unwrap_or(t.line),
                ));
                i += 2;
                continue;
            }
            (Kind::Ident, "fn") if toks.get(i + 1).is_some_and(|n| n.kind == Kind::Ident) => {
                let in_group = matches!(frames.last(), Some(Frame::Group(_)));
                let attribute = if in_group {
                    Some("proptest".to_string())
                } else {
                    pending.test_attribute.take()
                };
                if let (true, Some(attribute)) = (module_level, attribute) {
                    let name_tok = toks[i + 1];
                    let mut parts = path.clone();
                    parts.push(name_tok.text.to_string());
                    let name = parts.join("::");
                    out.tests.push(TestFn {
                        name: name.clone(),
                        binary: unit.binary.clone(),
                        line: name_tok.line,
                        span: crate::model::LineSpan::default(),
                        ignored: pending.ignored,
                        should_panic: pending.should_panic,
                        cfg: None,
                        attribute,
                        generates: Vec::new(),
                    });
                    let scope = out.add_scope(
                        container,
                        Scope {
                            kind: ScopeKind::Fn,
                            start: pending.first_line.unwrap_or(t.line),
                            end: name_tok.line,
                            path: name,
                            test: Some(out.tests.len() - 1),
                            children: Vec::new(),
                        },
                    );
                    pending_fn = Some(scope);
                }
                pending = Pending::default();
                i += 2;
                continue;
            }
            (Kind::Ident, "proptest") if text_at(i + 1) == "!" && text_at(i + 2) == "{" => {
                pending_group = Some(pending.first_line.unwrap_or(t.line));
            }
            (Kind::Punct, "{") => {
                let frame = if let Some(scope) = pending_fn.take() {
                    Frame::Test(scope)
                } else if let Some(start) = pending_group.take() {
                    Frame::Group(out.add_scope(
                        container,
                        Scope {
                            kind: ScopeKind::Group,
                            start,
                            end: last_line,
                            path: path.join("::"),
                            test: None,
                            children: Vec::new(),
                        },
                    ))
                } else if let Some((name, start)) = pending_mod.take() {
                    path.push(name);
                    Frame::Module(out.add_scope(
                        container,
                        Scope {
                            kind: ScopeKind::Module,
                            start,
                            end: last_line,
                            path: path.join("::"),
                            test: None,
                            children: Vec::new(),
                        },
                    ))
                } else {
                    Frame::Other
                };
                frames.push(frame);
                pending = Pending::default();
            }
            (Kind::Punct, "}") => {
                match frames.pop() {
                    Some(Frame::Module(s)) => {
                        path.pop();
                        out.scopes[s].end = t.line;
                    }
                    Some(Frame::Group(s) | Frame::Test(s)) => out.scopes[s].end = t.line,
                    Some(Frame::Other) | None => {}
                }
                pending = Pending::default();
            }
            (Kind::Punct, ";") => {
                if let Some(scope) = pending_fn.take() {
                    out.scopes[scope].end = t.line;
                }
                pending_mod = None;
                pending = Pending::default();
            }
            _ => {}
        }
        i += 1;
    }
    // Functions still open at the end run to it.
    for frame in frames {
        if let Frame::Test(s) = frame {
            out.scopes[s].end = last_line;
        }
    }
    out
}

/// The test functions' line ranges, in order, for [`attach`].
pub(crate) fn test_spans(outline: &Outline) -> Vec<(u32, u32, usize)> {
    let mut spans: Vec<(u32, u32, usize)> = outline
        .scopes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == ScopeKind::Fn)
        .map(|(n, s)| (s.start, s.end, n))
        .collect();
    spans.sort_unstable();
    spans
}

/// The fallback attachment: inside a test function to it; at the top of the file (before any
/// code and apart from it by a blank line) or in an inner doc comment to every test; else to the
/// next test function below.
pub(crate) fn attach(
    spans: &[(u32, u32, usize)],
    lines: &LineFacts,
    line: u32,
    inner_doc: bool,
) -> Target {
    let idx = spans.partition_point(|s| s.0 <= line);
    if let Some(&(_, end, scope)) = idx.checked_sub(1).and_then(|k| spans.get(k)) {
        if end >= line {
            return Target::Scope(scope);
        }
    }
    let first_code = lines.first_code();
    if inner_doc || (line < first_code && lines.blank_between(line, first_code)) {
        return Target::Scope(0);
    }
    match spans.get(idx) {
        Some(&(_, _, scope)) => Target::Scope(scope),
        None => Target::Loose(0),
    }
}

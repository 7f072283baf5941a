//! The outline of a file syn cannot parse, read off the masked text (comments and literal
//! contents blanked): inline modules by their braces, test functions by a test attribute followed
//! by `fn NAME`, and the functions of `proptest! { }`.
//!
//! Unbalanced braces (often why syn failed) only make the ranges rougher; the references are
//! then attached by a simpler rule than section 4's: inside a test function to it, at the top of
//! the file to every test, anywhere else to the next test function below.

use super::items::{Outline, Scope, ScopeKind};
use super::lexer::{is_ident_byte, Lexed};
use super::names::is_test_attribute;
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

/// Modules nested so deep that their path is longer than this are read as plain blocks: a
/// scope's path is stored whole, so without a bound `mod m {` nested 50,000 deep would store
/// 50,000 paths of up to 50,000 segments. Real paths are far shorter.
const MAX_PATH_BYTES: usize = 1024;

/// The masked text as a stream of identifiers, string literals (taken from the original text)
/// and single-character punctuation, with a small look-ahead. Streaming keeps memory to the
/// look-ahead, not a token per byte of the file.
struct Tokens<'a> {
    masked: &'a [u8],
    text: &'a str,
    /// The string literals' byte ranges, in order, and the next one not yet passed.
    strings: &'a [(usize, usize)],
    next_string: usize,
    at: usize,
    line: u32,
    ahead: std::collections::VecDeque<Tok<'a>>,
}

impl<'a> Tokens<'a> {
    fn new(lexed: &'a Lexed, text: &'a str) -> Tokens<'a> {
        Tokens {
            masked: &lexed.masked,
            text,
            strings: &lexed.strings,
            next_string: 0,
            at: 0,
            line: 1,
            ahead: std::collections::VecDeque::new(),
        }
    }

    fn scan(&mut self) -> Option<Tok<'a>> {
        let masked = self.masked;
        while self.at < masked.len() {
            let i = self.at;
            while self.strings.get(self.next_string).is_some_and(|s| s.0 < i) {
                self.next_string += 1;
            }
            if let Some(&(start, end)) = self.strings.get(self.next_string) {
                if start == i {
                    let end = end.clamp(i + 1, masked.len());
                    let tok = Tok {
                        kind: Kind::Str,
                        text: self.text.get(start..end).unwrap_or(""),
                        line: self.line,
                    };
                    self.line += masked[start..end].iter().filter(|&&b| b == b'\n').count() as u32;
                    self.at = end;
                    return Some(tok);
                }
            }
            let b = masked[i];
            if b == b'\n' {
                self.line += 1;
                self.at += 1;
            } else if b.is_ascii_whitespace() {
                self.at += 1;
            } else if is_ident_byte(b) {
                let mut end = i;
                while end < masked.len() && is_ident_byte(masked[end]) {
                    end += 1;
                }
                self.at = end;
                return Some(Tok {
                    kind: Kind::Ident,
                    text: self.text.get(i..end).unwrap_or(""),
                    line: self.line,
                });
            } else {
                self.at += 1;
                return Some(Tok {
                    kind: Kind::Punct,
                    text: self.text.get(i..i + 1).unwrap_or(""),
                    line: self.line,
                });
            }
        }
        None
    }

    fn next(&mut self) -> Option<Tok<'a>> {
        self.ahead.pop_front().or_else(|| self.scan())
    }

    /// The token `n` places ahead of the next one, without taking it.
    fn peek(&mut self, n: usize) -> Option<Tok<'a>> {
        while self.ahead.len() <= n {
            let tok = self.scan()?;
            self.ahead.push_back(tok);
        }
        self.ahead.get(n).copied()
    }

    fn peek_text(&mut self, n: usize) -> &'a str {
        self.peek(n).map_or("", |t| t.text)
    }

    /// Takes the tokens of the attribute whose `[` was just taken, through its `]` (or to the
    /// end of the file), and gives the leading path's segments.
    fn attribute_path(&mut self) -> Vec<&'a str> {
        let mut segments = Vec::new();
        let mut collecting = true;
        let mut depth = 1usize;
        while let Some(tok) = self.next() {
            match (tok.kind, tok.text) {
                (Kind::Punct, "[") => depth += 1,
                (Kind::Punct, "]") => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            if collecting {
                match tok.kind {
                    Kind::Ident => segments.push(tok.text),
                    Kind::Punct if tok.text == ":" => {}
                    _ => collecting = false,
                }
            }
        }
        segments
    }
}

#[derive(Default)]
struct Pending {
    test_attribute: Option<String>,
    ignored: bool,
    should_panic: bool,
    first_line: Option<u32>,
}

enum Frame {
    /// A module or a `proptest!` group: a container of tests, its scope and the length of
    /// `path` to restore when it closes.
    Container(usize, usize),
    Test(usize),
    /// This many plain blocks, one inside the other: a file of a million `{` is one frame.
    Blocks(u64),
}

/// What is open at the current token, kept so that each token costs constant time.
struct Stack {
    frames: Vec<Frame>,
    /// The innermost open container's scope (0, the file, when none).
    containers: Vec<usize>,
    /// How many frames are not containers: tests are found only where this is zero.
    non_containers: u64,
}

impl Stack {
    fn container(&self) -> usize {
        self.containers.last().copied().unwrap_or(0)
    }

    fn push(&mut self, frame: Frame) {
        match frame {
            Frame::Container(scope, _) => self.containers.push(scope),
            Frame::Test(_) | Frame::Blocks(_) => self.non_containers += 1,
        }
        match (self.frames.last_mut(), frame) {
            (Some(Frame::Blocks(n)), Frame::Blocks(1)) => *n += 1,
            (_, frame) => self.frames.push(frame),
        }
    }

    /// Closes the innermost frame: a container, a test or one plain block.
    fn pop(&mut self) -> Option<Frame> {
        let frame = match self.frames.last_mut() {
            Some(Frame::Blocks(n)) if *n > 1 => {
                *n -= 1;
                Frame::Blocks(1)
            }
            _ => self.frames.pop()?,
        };
        match frame {
            Frame::Container(..) => {
                self.containers.pop();
            }
            Frame::Test(_) | Frame::Blocks(_) => self.non_containers -= 1,
        }
        Some(frame)
    }
}

/// The outline of an unparsable file, in one pass over its tokens: each token costs constant
/// time, whatever the nesting.
pub(crate) fn outline(
    lexed: &Lexed,
    text: &str,
    unit: &CrateUnit,
    options: &SourceOptions,
) -> Outline {
    let mut toks = Tokens::new(lexed, text);
    let last_line = lexed.line_count();
    // The module path, joined, grown and cut back as modules open and close.
    let mut path = unit.module_path.join("::");
    let mut out = Outline::new(path.clone(), last_line);
    let mut stack = Stack {
        frames: Vec::new(),
        containers: Vec::new(),
        non_containers: 0,
    };
    let mut pending = Pending::default();
    let mut pending_mod: Option<(&str, u32)> = None;
    let mut pending_fn: Option<usize> = None;
    let mut pending_group: Option<u32> = None;
    while let Some(t) = toks.next() {
        let container = stack.container();
        let module_level = stack.non_containers == 0;
        match (t.kind, t.text) {
            (Kind::Punct, "#") => {
                let bang = toks.peek_text(0) == "!";
                if toks.peek_text(usize::from(bang)) != "[" {
                    continue;
                }
                for _ in 0..=usize::from(bang) {
                    toks.next();
                }
                let segments = toks.attribute_path();
                let last = segments.last().copied().unwrap_or("");
                let path = segments.join("::");
                if is_test_attribute(last, &path, &options.test_attributes) {
                    pending.test_attribute.get_or_insert(path);
                } else if last == "ignore" {
                    pending.ignored = true;
                } else if last == "should_panic" {
                    pending.should_panic = true;
                }
                pending.first_line.get_or_insert(t.line);
            }
            (Kind::Ident, "mod") if toks.peek(0).is_some_and(|n| n.kind == Kind::Ident) => {
                let name = toks.next().map_or("", |n| n.text);
                pending_mod = Some((name, pending.first_line.unwrap_or(t.line)));
            }
            (Kind::Ident, "fn") if toks.peek(0).is_some_and(|n| n.kind == Kind::Ident) => {
                let Some(name_tok) = toks.next() else { break };
                let in_group = matches!(stack.frames.last(), Some(Frame::Container(s, _)) if out.scopes[*s].kind == ScopeKind::Group);
                let attribute = if in_group {
                    Some("proptest".to_string())
                } else {
                    pending.test_attribute.take()
                };
                if let (true, Some(attribute)) = (module_level, attribute) {
                    let name = if path.is_empty() {
                        name_tok.text.to_string()
                    } else {
                        format!("{path}::{}", name_tok.text)
                    };
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
                        defects: Vec::new(),
                        fingerprint: String::new(),
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
            }
            (Kind::Ident, "proptest") if toks.peek_text(0) == "!" && toks.peek_text(1) == "{" => {
                pending_group = Some(pending.first_line.unwrap_or(t.line));
            }
            (Kind::Punct, "{") => {
                let restore = path.len();
                let frame = if let Some(scope) = pending_fn.take() {
                    Frame::Test(scope)
                } else if let Some(start) = pending_group.take() {
                    let scope = Scope {
                        kind: ScopeKind::Group,
                        start,
                        end: last_line,
                        path: path.clone(),
                        test: None,
                        children: Vec::new(),
                    };
                    Frame::Container(out.add_scope(container, scope), restore)
                } else if let Some((name, start)) = pending_mod
                    .take()
                    .filter(|(name, _)| path.len() + 2 + name.len() <= MAX_PATH_BYTES)
                {
                    if !path.is_empty() {
                        path.push_str("::");
                    }
                    path.push_str(name);
                    let scope = Scope {
                        kind: ScopeKind::Module,
                        start,
                        end: last_line,
                        path: path.clone(),
                        test: None,
                        children: Vec::new(),
                    };
                    Frame::Container(out.add_scope(container, scope), restore)
                } else {
                    Frame::Blocks(1)
                };
                stack.push(frame);
                pending = Pending::default();
            }
            (Kind::Punct, "}") => {
                match stack.pop() {
                    Some(Frame::Container(s, restore)) => {
                        path.truncate(restore);
                        out.scopes[s].end = t.line;
                    }
                    Some(Frame::Test(s)) => out.scopes[s].end = t.line,
                    Some(Frame::Blocks(_)) | None => {}
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
    }
    // Functions still open at the end run to it.
    for frame in stack.frames {
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

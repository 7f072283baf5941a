//! One pass over a Rust file's bytes: the comments (which syn drops) with their lines, a masked
//! copy of the text in which comments and the insides of string and char literals are blanked,
//! and the per-line facts attachment needs (which lines hold code, which only comments).
//!
//! The masked copy keeps every byte offset and newline of the original, so anything found in it
//! (a test attribute in an unparsable file, a literal's position) maps straight back to the text.
//! The lexer never fails: an unterminated string or block comment simply runs to the end.

/// `//` or `/* */`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommentStyle {
    Line,
    Block,
}

/// Whether a comment is a doc comment, and which kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Doc {
    /// A plain comment.
    No,
    /// `///` or `/** */`: documents the item below.
    Outer,
    /// `//!` or `/*! */`: documents the enclosing module (or file).
    Inner,
}

/// One comment: its body without the delimiters, and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comment<'a> {
    pub style: CommentStyle,
    pub doc: Doc,
    /// The body: after `//`, `///`, `//!`, `/*`, `/**` or `/*!`, up to the line end or `*/`.
    pub text: &'a str,
    /// Byte offset of `text` in the file.
    pub offset: usize,
    /// Byte range of the whole comment, delimiters included.
    pub whole: (usize, usize),
    /// Line of the opening delimiter (1-based).
    pub line: u32,
}

/// What the lexer found in one file.
#[derive(Debug, Default)]
pub(crate) struct Lexed<'a> {
    pub comments: Vec<Comment<'a>>,
    /// The text with comments and literal contents turned into spaces (newlines kept).
    pub masked: Vec<u8>,
    /// Byte ranges of whole string literals, prefixes and quotes included, in order.
    pub strings: Vec<(usize, usize)>,
    /// Per line (index 0 is line 1): something outside comments and whitespace is on it.
    pub code_lines: Vec<bool>,
    /// Per line: a comment covers part of it.
    pub comment_lines: Vec<bool>,
    /// The deepest bracket nesting seen in code, a guard against parser recursion.
    pub max_depth: u32,
    /// The longest run of prefix-operator, closure-bar or closing-angle characters seen in code
    /// (`!!!!x`, `&&&&x`, `|| || x`, `Vec<Vec<...>>>`), other shapes that make parsers recurse.
    pub max_op_run: u32,
    /// The deepest `<` nesting seen in code (reset at `;`, `{` and `}`; comparisons count too).
    pub max_angle: u32,
    /// Where the identifiers of reference attributes and macros (`verifies`, `verify_req`, ...)
    /// stand in code: byte offset and line.
    pub ref_idents: Vec<(usize, u32)>,
    /// An identifier that can make a test (`test`, `rstest`, `proptest`, a configured one)
    /// occurs in code: without one, and without any reference, syn is not needed.
    pub candidate: bool,
    /// The first string literal or block comment that is never closed: its line, column and
    /// what it is. rustc rejects such a file, so the scanner reports it as unparsable.
    pub unterminated: Option<(u32, u32, &'static str)>,
}

impl Lexed<'_> {
    /// Number of lines in the file (at least 1).
    pub fn line_count(&self) -> u32 {
        self.code_lines.len().max(1) as u32
    }

    pub fn is_code_line(&self, line: u32) -> bool {
        line >= 1
            && self
                .code_lines
                .get(line as usize - 1)
                .copied()
                .unwrap_or(false)
    }

    /// A line holding a comment and no code.
    pub fn is_comment_only_line(&self, line: u32) -> bool {
        line >= 1
            && !self.is_code_line(line)
            && self
                .comment_lines
                .get(line as usize - 1)
                .copied()
                .unwrap_or(false)
    }
}

pub(crate) fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Length in bytes of the UTF-8 character starting with `lead` (1 for stray continuation bytes).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

struct State<'a> {
    text: &'a str,
    bytes: &'a [u8],
    line: u32,
    lexed: Lexed<'a>,
    extra_idents: &'a [String],
    depth: u32,
    op_run: u32,
    op_byte: u8,
    angle: u32,
}

impl<'a> State<'a> {
    fn mark_code(&mut self) {
        let idx = self.line as usize - 1;
        if let Some(slot) = self.lexed.code_lines.get_mut(idx) {
            *slot = true;
        }
    }

    fn mark_comment(&mut self) {
        let idx = self.line as usize - 1;
        if let Some(slot) = self.lexed.comment_lines.get_mut(idx) {
            *slot = true;
        }
    }

    /// Blanks `start..end` in the masked copy, counting the newlines it passes: the lines a
    /// comment spans are comment lines, the lines a literal spans are code.
    fn blank(&mut self, start: usize, end: usize, comment: bool) {
        let end = end.min(self.bytes.len());
        for pos in start..end {
            if self.bytes[pos] == b'\n' {
                self.line += 1;
                if comment {
                    self.mark_comment();
                } else {
                    self.mark_code();
                }
            } else {
                self.lexed.masked[pos] = b' ';
            }
        }
    }

    /// Notes that the literal or comment starting at `start`, on the current line, runs to the
    /// end of the text.
    fn note_unterminated(&mut self, start: usize, what: &'static str) {
        if self.lexed.unterminated.is_some() {
            return;
        }
        let before = self.text.get(..start).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        self.lexed.unterminated =
            Some((self.line, u32::try_from(column).unwrap_or(u32::MAX), what));
    }

    fn push_comment(
        &mut self,
        style: CommentStyle,
        doc: Doc,
        body: (usize, usize),
        whole: (usize, usize),
    ) {
        let text = self.text.get(body.0..body.1).unwrap_or("");
        self.lexed.comments.push(Comment {
            style,
            doc,
            text,
            offset: body.0,
            whole,
            line: self.line,
        });
    }

    /// `//...` at `i`; returns the offset of the line end.
    fn line_comment(&mut self, i: usize) -> usize {
        let b = self.bytes;
        let end = memchr_newline(b, i);
        let (doc, body_start) = match (b.get(i + 2), b.get(i + 3)) {
            (Some(b'/'), Some(b'/')) => (Doc::No, i + 2),
            (Some(b'/'), _) => (Doc::Outer, i + 3),
            (Some(b'!'), _) => (Doc::Inner, i + 3),
            _ => (Doc::No, i + 2),
        };
        let mut body_end = end;
        if body_end > body_start && b[body_end - 1] == b'\r' {
            body_end -= 1;
        }
        self.mark_comment();
        self.push_comment(
            CommentStyle::Line,
            doc,
            (body_start.min(body_end), body_end),
            (i, end),
        );
        self.blank(i, end, true);
        end
    }

    /// `/*...*/` at `i`, nested; returns the offset after it (or the end of the text).
    fn block_comment(&mut self, i: usize) -> usize {
        let b = self.bytes;
        let doc = match (b.get(i + 2), b.get(i + 3)) {
            (Some(b'*'), Some(b'/')) | (Some(b'*'), Some(b'*')) => Doc::No,
            (Some(b'*'), _) => Doc::Outer,
            (Some(b'!'), _) => Doc::Inner,
            _ => Doc::No,
        };
        let body_start = if doc == Doc::No { i + 2 } else { i + 3 };
        let mut depth = 1u32;
        let mut j = i + 2;
        let (body_end, end) = loop {
            if j >= b.len() {
                self.note_unterminated(i, "block comment");
                break (b.len(), b.len());
            }
            match (b[j], b.get(j + 1)) {
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    if depth == 0 {
                        break (j, j + 2);
                    }
                    j += 2;
                }
                (b'/', Some(b'*')) => {
                    depth += 1;
                    j += 2;
                }
                _ => j += 1,
            }
        };
        self.mark_comment();
        // `/**/` has its body start past its end.
        let body_start = body_start.min(body_end);
        self.push_comment(CommentStyle::Block, doc, (body_start, body_end), (i, end));
        self.blank(i, end, true);
        end
    }

    /// A `"..."` string whose opening quote is at `quote`; `start` is where the literal begins
    /// (at its `b`/`c` prefix). Returns the offset after the closing quote.
    fn string(&mut self, start: usize, quote: usize) -> usize {
        let b = self.bytes;
        let mut j = quote + 1;
        let end = loop {
            if j >= b.len() {
                self.note_unterminated(start, "string literal");
                break b.len();
            }
            match b[j] {
                b'\\' => j += 2,
                b'"' => break j + 1,
                _ => j += 1,
            }
        };
        let end = end.min(b.len());
        self.lexed.strings.push((start, end));
        let close = if end > quote + 1 && b[end - 1] == b'"' {
            end - 1
        } else {
            end
        };
        self.blank(quote + 1, close, false);
        end
    }

    /// A raw string `r#"..."#` whose first `#` (or quote) is at `hashes_at`; returns the offset
    /// after it, or `None` when this is not a raw string (`r#ident`).
    fn raw_string(&mut self, start: usize, hashes_at: usize) -> Option<usize> {
        let b = self.bytes;
        let mut j = hashes_at;
        while j < b.len() && b[j] == b'#' {
            j += 1;
        }
        if b.get(j) != Some(&b'"') {
            return None;
        }
        let hashes = j - hashes_at;
        let quote = j;
        j += 1;
        // Each `"` is followed by a run of `#` that is skipped whole, so every byte is looked
        // at a bounded number of times whatever the number of hashes.
        let (close, end) = loop {
            if j >= b.len() {
                self.note_unterminated(start, "raw string literal");
                break (b.len(), b.len());
            }
            if b[j] == b'"' {
                let mut k = j + 1;
                while k < b.len() && b[k] == b'#' && k - (j + 1) < hashes {
                    k += 1;
                }
                if k - (j + 1) == hashes {
                    break (j, k);
                }
                j = k;
            } else {
                j += 1;
            }
        };
        self.lexed.strings.push((start, end));
        self.blank(quote + 1, close, false);
        Some(end)
    }

    /// At a `'` at `i`: a char literal (`'a'`, `'\n'`, `'\u{1F600}'`, `'"'`) returns the offset
    /// after it; a lifetime or label (`'a`, `'static`) returns `None`.
    fn char_literal(&mut self, i: usize) -> Option<usize> {
        let b = self.bytes;
        let next = *b.get(i + 1)?;
        let close = if next == b'\\' {
            // The escaped character, then anything up to a quote, as long as it stays short:
            // `'\u{10FFFF}'` is the longest escape there is.
            let mut j = i + 3;
            loop {
                match b.get(j) {
                    Some(b'\'') => break j,
                    Some(b'\n') | None => return None,
                    Some(_) if j > i + 12 => return None,
                    Some(_) => j += 1,
                }
            }
        } else if next == b'\n' {
            return None;
        } else {
            let j = i + 1 + utf8_len(next);
            if b.get(j) == Some(&b'\'') {
                j
            } else {
                return None;
            }
        };
        self.blank(i + 1, close, false);
        Some(close + 1)
    }

    fn op_char(&mut self, c: u8) {
        if self.op_byte == c {
            self.op_run += 1;
        } else {
            self.op_byte = c;
            self.op_run = 1;
        }
        self.lexed.max_op_run = self.lexed.max_op_run.max(self.op_run);
    }

    fn run(&mut self) {
        let b = self.bytes;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            match c {
                b'\n' => {
                    self.line += 1;
                    i += 1;
                    continue;
                }
                b' ' | b'\t' | b'\r' | b'\x0c' => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            if c == b'/' && b.get(i + 1) == Some(&b'/') {
                i = self.line_comment(i);
                continue;
            }
            if c == b'/' && b.get(i + 1) == Some(&b'*') {
                i = self.block_comment(i);
                continue;
            }
            self.mark_code();
            match c {
                b';' | b'{' | b'}' => self.angle = 0,
                b'<' => {
                    self.angle += 1;
                    self.lexed.max_angle = self.lexed.max_angle.max(self.angle);
                }
                b'>' if i > 0 && !matches!(b[i - 1], b'-' | b'=') => {
                    self.angle = self.angle.saturating_sub(1);
                }
                _ => {}
            }
            match c {
                b'!' | b'&' | b'*' | b'-' | b'>' | b'|' => {
                    self.op_char(c);
                    i += 1;
                    continue;
                }
                _ => self.op_byte = 0,
            }
            match c {
                b'"' => i = self.string(i, i),
                b'\'' => i = self.char_literal(i).unwrap_or(i + 1),
                b'(' | b'[' | b'{' => {
                    self.depth += 1;
                    self.lexed.max_depth = self.lexed.max_depth.max(self.depth);
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    i += 1;
                }
                _ if is_ident_byte(c) => i = self.ident(i),
                _ => i += 1,
            }
        }
    }

    /// An identifier or number at `i`, or a prefixed literal (`b"..."`, `r#"..."#`, `b'x'`).
    fn ident(&mut self, i: usize) -> usize {
        let b = self.bytes;
        let mut j = i;
        while j < b.len() && is_ident_byte(b[j]) {
            j += 1;
        }
        let word = &b[i..j];
        match (word, b.get(j)) {
            (b"r" | b"br" | b"cr", Some(b'#' | b'"')) => {
                if let Some(end) = self.raw_string(i, j) {
                    return end;
                }
            }
            (b"b" | b"c", Some(b'"')) => return self.string(i, j),
            (b"b", Some(b'\'')) => {
                if let Some(end) = self.char_literal(j) {
                    return end;
                }
            }
            _ => {}
        }
        if word[0].is_ascii_digit() {
            return j;
        }
        // Most identifiers start with another letter: one comparison rules them out.
        let builtin = matches!(word[0], b'i' | b'p' | b'q' | b'r' | b't' | b'v' | b'w');
        // mantra's `*_req!` macros and `req_*` attributes may start with any letter.
        let mantra = word.len() > 4 && (word.ends_with(b"_req") || word.starts_with(b"req_"));
        if (builtin || mantra) && super::names::is_reference_name(word) {
            self.lexed.ref_idents.push((i, self.line));
        } else if !self.lexed.candidate
            && ((builtin
                && super::names::TEST_ATTRIBUTES
                    .iter()
                    .any(|c| c.as_bytes() == word))
                || self.extra_idents.iter().any(|c| c.as_bytes() == word))
        {
            self.lexed.candidate = true;
        }
        j
    }
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

/// Lexes `text` once. `extra_idents` are configured test attribute names that also make the
/// file a syn candidate.
pub(crate) fn lex<'a>(text: &'a str, extra_idents: &'a [String]) -> Lexed<'a> {
    let bytes = text.as_bytes();
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut state = State {
        text,
        bytes,
        line: 1,
        lexed: Lexed {
            masked: bytes.to_vec(),
            code_lines: vec![false; lines],
            comment_lines: vec![false; lines],
            ..Lexed::default()
        },
        extra_idents,
        depth: 0,
        op_run: 0,
        op_byte: 0,
        angle: 0,
    };
    state.run();
    state.lexed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(text: &str) -> Vec<(Doc, CommentStyle, String, u32)> {
        lex(text, &[])
            .comments
            .iter()
            .map(|c| (c.doc, c.style, c.text.to_string(), c.line))
            .collect()
    }

    fn masked(text: &str) -> String {
        String::from_utf8(lex(text, &[]).masked).unwrap()
    }

    // r[verify src.masking]
    #[test]
    fn comment_kinds_and_lines() {
        let text = "//! inner\n/// outer\n//// not doc\n// plain\nfn f() {} /* block /* nested */ still */\n/** doc block */\n/*! inner block */\n/**/\n/***/ x";
        let got = comments(text);
        assert_eq!(
            got,
            vec![
                (Doc::Inner, CommentStyle::Line, " inner".into(), 1),
                (Doc::Outer, CommentStyle::Line, " outer".into(), 2),
                (Doc::No, CommentStyle::Line, "// not doc".into(), 3),
                (Doc::No, CommentStyle::Line, " plain".into(), 4),
                (
                    Doc::No,
                    CommentStyle::Block,
                    " block /* nested */ still ".into(),
                    5
                ),
                (Doc::Outer, CommentStyle::Block, " doc block ".into(), 6),
                (Doc::Inner, CommentStyle::Block, " inner block ".into(), 7),
                (Doc::No, CommentStyle::Block, "".into(), 8),
                (Doc::No, CommentStyle::Block, "*".into(), 9),
            ]
        );
    }

    // r[verify src.masking]
    #[test]
    fn string_and_char_literals_hide_comment_starts() {
        let text = r####"let a = "// not a comment \" still";
let b = r#"// r[verify x] "# ;
let c = br##"a "# b /* "##;
let d = '"'; // real one
let e = b'\''; let f = '\u{1F600}'; // second
fn g<'a>(x: &'a str) -> &'static str { 'outer: loop { break 'outer; } } // third
let h = c"/*"; let i = b"//";
"####;
        let got: Vec<String> = comments(text).into_iter().map(|c| c.2).collect();
        assert_eq!(got, vec![" real one", " second", " third"]);
        let m = masked(text);
        assert!(!m.contains("not a comment"));
        assert!(!m.contains("verify"));
        assert_eq!(m.len(), text.len());
        assert_eq!(m.lines().count(), text.lines().count());
        assert!(m.contains("fn g<'a>(x: &'a str)"));
    }

    // r[verify src.masking]
    #[test]
    fn unterminated_literals_and_comments_run_to_the_end() {
        for text in [
            "let s = \"open",
            "/* open /* nested */",
            "let r = r##\"open \"#",
            "let c = '",
            "let c = '\\",
            "x = b'",
            "r#",
            "/",
            "\"\\",
        ] {
            let lexed = lex(text, &[]);
            assert_eq!(lexed.masked.len(), text.len(), "{text}");
        }
        assert_eq!(comments("/* open\n r[verify x]").len(), 1);
    }

    // r[verify src.masking]
    #[test]
    fn lines_are_classified() {
        let text = "// a\n\nfn f() {} // b\n/* c\n\n*/\n  x";
        let lexed = lex(text, &[]);
        assert!(lexed.is_comment_only_line(1));
        assert!(!lexed.is_comment_only_line(2) && !lexed.is_code_line(2));
        assert!(lexed.is_code_line(3));
        assert!(lexed.is_comment_only_line(4));
        assert!(lexed.is_comment_only_line(5));
        assert!(lexed.is_comment_only_line(6));
        assert!(lexed.is_code_line(7));
        assert_eq!(lexed.line_count(), 7);
    }

    // r[verify src.masking]
    #[test]
    fn candidates_are_identifiers_in_code_only() {
        assert!(lex("#[test] fn f() {}", &[]).candidate);
        assert!(lex("#[tokio::test] async fn f() {}", &[]).candidate);
        assert!(!lex("fn attest() { let s = \"test\"; } // test", &[]).candidate);
        assert!(!lex("fn f() {}", &[]).candidate);
        let extra = vec!["my_test".to_string()];
        assert!(lex("#[my_test] fn f() {}", &extra).candidate);
    }

    // r[verify src.masking]
    #[test]
    fn raw_string_with_many_hashes_is_linear() {
        let hashes = "#".repeat(5000);
        let mut text = format!("r{hashes}\"");
        for _ in 0..5000 {
            text.push('"');
            text.push_str(&hashes[..4999]);
        }
        text.push('"');
        text.push_str(&hashes);
        text.push_str(" // after");
        let lexed = lex(&text, &[]);
        assert_eq!(lexed.comments.len(), 1);
        assert_eq!(lexed.strings.len(), 1);
    }
}

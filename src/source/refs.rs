//! The reference forms written in comments (PRODUCT.md section 4): markers `r[verify ID]`, plain
//! `Verifies: ID`, OpenFastTrace tags `[utest->req~name~2]` and rustc's `//@ reference: ID`.
//!
//! Inline code spans are removed first, the way Markdown reads doc comments: a span may run over
//! consecutive `//` lines, so runs of line comments are joined before backticks are matched, and
//! a blank comment line ends a paragraph (and any span).

use super::lexer::{Comment, CommentStyle, Doc};
use crate::model::{Code, Diagnostic, RefForm, RefKind};

/// A reference found in a comment, an attribute or a macro call, before attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundRef {
    pub id: String,
    pub revision: Option<u32>,
    pub kind: RefKind,
    pub form: RefForm,
    pub line: u32,
    /// Byte offset in the file, to keep references on one line in the order written.
    pub offset: usize,
    /// Written in an inner doc comment (`//!`, `/*! */`) or inner attribute: it documents the
    /// enclosing module.
    pub inner_doc: bool,
    /// Written in an outer doc comment (`///`, `/** */`): it documents the next item, even
    /// across blank lines.
    pub outer_doc: bool,
}

pub(crate) use crate::ids::IdRev;
use crate::ids::{is_id_byte, parse_id, parse_oft_id};

/// One line of comment text, after code spans were removed.
struct Line<'a> {
    text: &'a str,
    line: u32,
    offset: usize,
    inner_doc: bool,
    outer_doc: bool,
    /// A `//` comment whose text begins with `@` (rustc's `//@` directives).
    directive: bool,
}

struct Scanner<'a> {
    prefixes: &'a [String],
    file: &'a str,
    refs: Vec<FoundRef>,
    diagnostics: Vec<Diagnostic>,
}

impl Scanner<'_> {
    fn push(&mut self, line: &Line, at: usize, id: IdRev, kind: RefKind, form: RefForm) {
        self.refs.push(FoundRef {
            id: id.0,
            revision: id.1,
            kind,
            form,
            line: line.line,
            offset: line.offset + at,
            inner_doc: line.inner_doc,
            outer_doc: line.outer_doc,
        });
    }

    fn scan_line(&mut self, line: &Line) {
        let text = line.text;
        if line.directive {
            let rest = text[1..].trim_start();
            if let Some(ids) = rest.strip_prefix("reference:") {
                for id in id_tokens(ids) {
                    self.push(line, 0, id, RefKind::Verify, RefForm::FileReference);
                }
            }
            return;
        }
        let body = text.trim_start_matches(|c: char| c.is_whitespace() || c == '*');
        for (keyword, kind) in [
            ("Verifies:", RefKind::Verify),
            ("Tests:", RefKind::Verify),
            ("Implements:", RefKind::Impl),
            ("Requirement:", RefKind::Verify),
        ] {
            if let Some(ids) = body.strip_prefix(keyword) {
                let at = text.len() - body.len();
                for id in id_tokens(ids)
                    .into_iter()
                    .take_while(|(id, _)| looks_like_requirement_id(id))
                {
                    self.push(line, at, id, kind, RefForm::Plain);
                }
                return;
            }
        }
        self.plain_near_miss(line, body);
        if !text.contains('[') {
            return;
        }
        let bytes = text.as_bytes();
        let mut pos = 0;
        while let Some(found) = text[pos..].find('[') {
            let open = pos + found;
            pos = open + 1;
            // Only id characters, separators and `->` may stand between the brackets; the scan
            // stops at the next bracket at the latest, so a line is read in linear time.
            if text[open + 1..].starts_with("req(") {
                if let Some(end) = self.mantra(line, open) {
                    pos = end;
                }
                continue;
            }
            let mut close = open + 1;
            while close < bytes.len() && is_marker_byte(bytes[close]) {
                close += 1;
            }
            if bytes.get(close) != Some(&b']') {
                continue;
            }
            let mut word_start = open;
            while word_start > 0
                && (bytes[word_start - 1].is_ascii_alphanumeric() || bytes[word_start - 1] == b'_')
            {
                word_start -= 1;
            }
            let content = &text[open + 1..close];
            if word_start == open {
                if self.oft(line, open, content) {
                    pos = close + 1;
                }
                continue;
            }
            // `x.r[i]`, `&r[0]`, `a::r[..]` are code, not markers.
            if word_start > 0 && matches!(bytes[word_start - 1], b'.' | b':' | b'&' | b'$' | b'@') {
                continue;
            }
            let word = &text[word_start..open];
            if self.prefixes.iter().any(|p| p == word) {
                if self.marker(line, word_start, word, content) {
                    pos = close + 1;
                }
            } else if word.bytes().any(|b| b.is_ascii_uppercase()) {
                self.case_near_miss(line, word, content);
            }
        }
    }

    /// `R[verify auth.login]`: a known prefix in the wrong case, with a verb, so not an index
    /// expression such as `A[i]`.
    fn case_near_miss(&mut self, line: &Line, word: &str, content: &str) {
        let lower = word.to_ascii_lowercase();
        let verb = content.split_whitespace().next().unwrap_or("");
        let with_verb =
            matches!(verb, "verify" | "impl" | "depends" | "related") && content.len() > verb.len();
        if with_verb && self.prefixes.contains(&lower) {
            self.diagnostics.push(Diagnostic::at(
                Code::NearMiss,
                format!(
                    "`{word}[{content}]` looks like a reference but prefixes are lower-case: write `{lower}[{content}]`"
                ),
                self.file,
                line.line,
            ));
        }
    }

    /// A plain reference written slightly off: `Verifies REQ-1` (no colon), `Verify: REQ-1`,
    /// `Verified: REQ-1`, `Tested: REQ-1`, `Implemented: REQ-1`, `Implement: REQ-1`, followed
    /// by an id-shaped word. Prose (`Verifies that ...`) has no id after the keyword.
    fn plain_near_miss(&mut self, line: &Line, body: &str) {
        const CLOSE: [(&str, &str); 8] = [
            ("Verifies ", "Verifies:"),
            ("Verify:", "Verifies:"),
            ("Verified:", "Verifies:"),
            ("Tested:", "Tests:"),
            ("Test:", "Tests:"),
            ("Implements ", "Implements:"),
            ("Implement:", "Implements:"),
            ("Implemented:", "Implements:"),
        ];
        for (written, meant) in CLOSE {
            let Some(rest) = body.strip_prefix(written) else {
                continue;
            };
            let first = rest
                .split([',', ' ', '\t'])
                .find(|w| !w.is_empty())
                .unwrap_or("");
            let first = first.trim_end_matches('.');
            // Upper-case ids with a digit or a separator (`REQ-1`, `auth.login`) only: a plain
            // comment is prose too.
            let id_shaped = parse_id(first).is_some()
                && looks_like_requirement_id(first)
                && first
                    .bytes()
                    .any(|b| b.is_ascii_digit() || b == b'.' || b == b'~');
            if id_shaped {
                self.diagnostics.push(Diagnostic::at(
                    Code::NearMiss,
                    format!(
                        "`{}` looks like a reference but is not read as one: write `{meant} {first}`",
                        body.trim_end()
                    ),
                    self.file,
                    line.line,
                ));
            }
            return;
        }
    }

    /// `[verb ID, ID]` after a known prefix; true when it was read as a marker.
    fn marker(&mut self, line: &Line, at: usize, prefix: &str, content: &str) -> bool {
        let content = content.trim();
        let (verb, ids) = match content.split_once(char::is_whitespace) {
            Some((head, rest)) if head.bytes().all(|b| b.is_ascii_alphabetic()) => {
                (Some(head), rest)
            }
            _ => (None, content),
        };
        if verb.is_none() && matches!(ids, "verify" | "impl" | "depends" | "related") {
            // A verb with its id missing, not an id.
            return false;
        }
        let Some(ids) = comma_ids(ids, parse_id) else {
            if matches!(verb, Some("verify" | "impl" | "depends" | "related")) && !ids.is_empty() {
                self.diagnostics.push(Diagnostic::at(
                    Code::NearMiss,
                    format!(
                        "`{prefix}[{content}]` looks like a reference but its ids cannot be read: separate ids with commas, e.g. `{prefix}[{} a.one, a.two]`",
                        verb.unwrap_or("verify")
                    ),
                    self.file,
                    line.line,
                ));
            }
            return false;
        };
        let kind = match verb {
            None | Some("impl") => RefKind::Impl,
            Some("verify") => RefKind::Verify,
            Some("depends") => RefKind::Depends,
            Some("related") => RefKind::Related,
            Some(other) => {
                self.diagnostics.push(Diagnostic::at(
                    Code::UnknownVerb,
                    format!(
                        "unknown verb `{other}` in `{prefix}[{content}]`; the verbs are verify, impl, depends and related"
                    ),
                    self.file,
                    line.line,
                ));
                return true;
            }
        };
        for id in ids {
            let form = RefForm::Marker {
                prefix: prefix.to_string(),
            };
            self.push(line, at, id, kind, form);
        }
        true
    }

    /// mantra's trace in a doc comment, `[req("id")]` or `[req(id1, id2)]`, at the `[` at `open`;
    /// returns the byte after it. A `[req(` that names no readable id is a near miss.
    fn mantra(&mut self, line: &Line, open: usize) -> Option<usize> {
        let text = line.text;
        let args_from = open + "[req(".len();
        // A bounded look for the end keeps a line of unclosed `[req(` linear.
        let window = text.get(args_from..(args_from + 1024).min(text.len()))?;
        let ids = window
            .find(")]")
            .and_then(|end| Some((super::code::unquoted_ids(&window[..end])?, end)));
        match ids {
            Some((ids, end)) => {
                for id in ids {
                    self.push(line, open, id, RefKind::Impl, RefForm::Attribute);
                }
                Some(args_from + end + 2)
            }
            None => {
                self.diagnostics.push(Diagnostic::at(
                    Code::NearMiss,
                    "`[req(` looks like a mantra trace, but reqtrail reads none of its ids: write `[req(auth.login)]` or `[req(\"auth.login\", \"auth.logout\")]`".to_string(),
                    self.file,
                    line.line,
                ));
                None
            }
        }
    }

    /// `[utest->req~name~2, req~other~1]`; true when it was read as a tag.
    fn oft(&mut self, line: &Line, at: usize, content: &str) -> bool {
        let Some((kind_word, covered)) = content.split_once("->") else {
            return false;
        };
        let kind_word = kind_word.trim();
        if kind_word.is_empty()
            || !kind_word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return false;
        }
        // `[impl->dsn~x~1>>utest]` names the coverage the item needs after `>>`.
        let covered = covered.split(">>").next().unwrap_or("");
        let Some(ids) = comma_ids(covered, parse_oft_id) else {
            return false;
        };
        if !ids.iter().all(|(id, _)| id.contains('~')) {
            return false;
        }
        let kind = match kind_word {
            "utest" | "itest" | "stest" | "test" => RefKind::Verify,
            _ => RefKind::Impl,
        };
        for id in ids {
            self.push(line, at, id, kind, RefForm::Oft);
        }
        true
    }
}

fn is_marker_byte(b: u8) -> bool {
    is_id_byte(b) || matches!(b, b' ' | b'\t' | b',' | b'+' | b'>')
}

/// Comma-separated ids; `None` when any is malformed or there is none.
fn comma_ids(text: &str, parse: fn(&str) -> Option<IdRev>) -> Option<Vec<IdRev>> {
    let mut ids = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        ids.push(parse(part)?);
    }
    (!ids.is_empty()).then_some(ids)
}

/// Ids separated by commas or spaces, taken while they look like ids; a trailing `.` ends a
/// sentence, not an id.
/// Plain comments are prose too (`// Tests: their lines are kept`), so after a plain keyword
/// only words shaped like requirement ids count: with a separator (`auth.login`, `REQ-12`,
/// `req~x`) or a digit (`R42`). A bare word ends the list.
fn looks_like_requirement_id(id: &str) -> bool {
    id.bytes()
        .any(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_' | b'~' | b':' | b'/'))
}

fn id_tokens(text: &str) -> Vec<IdRev> {
    let mut ids = Vec::new();
    for token in text.split(|c: char| c == ',' || c.is_whitespace()) {
        if token.is_empty() {
            continue;
        }
        let token = token.trim_end_matches('.');
        match parse_id(token) {
            Some(id) => ids.push(id),
            None => break,
        }
    }
    ids
}

/// Turns every inline code span and fenced code block of `bytes` into spaces (newlines kept).
/// Spans do not cross a blank line or a fence.
fn strip_code_spans(bytes: &mut [u8]) {
    let mut para_start = 0;
    let mut line_start = 0;
    // The fence character and its length while inside a fenced block.
    let mut fence: Option<(u8, usize)> = None;
    while line_start <= bytes.len() {
        let line_end = bytes[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| line_start + p);
        let line = &bytes[line_start..line_end];
        let lead = line
            .iter()
            .take_while(|&&b| b.is_ascii_whitespace() || b == b'*')
            .count();
        let rest = &line[lead..];
        let fence_here = match rest.first() {
            Some(&ch @ (b'`' | b'~')) => {
                let n = rest.iter().take_while(|&&b| b == ch).count();
                (n >= 3).then_some((ch, n))
            }
            _ => None,
        };
        match (fence, fence_here) {
            (Some((ch, n)), here) => {
                blank(&mut bytes[line_start..line_end]);
                if matches!(here, Some((c, m)) if c == ch && m >= n) {
                    fence = None;
                }
                para_start = line_end;
            }
            (None, Some(here)) => {
                strip_paragraph(&mut bytes[para_start..line_start]);
                blank(&mut bytes[line_start..line_end]);
                fence = Some(here);
                para_start = line_end;
            }
            (None, None) if rest.is_empty() => {
                strip_paragraph(&mut bytes[para_start..line_start]);
                para_start = line_end;
            }
            (None, None) => {}
        }
        line_start = line_end + 1;
    }
    let len = bytes.len();
    strip_paragraph(&mut bytes[para_start.min(len)..]);
}

fn blank(bytes: &mut [u8]) {
    for b in bytes {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

fn strip_paragraph(bytes: &mut [u8]) {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let start = i;
            while i < bytes.len() && bytes[i] == b'`' {
                i += 1;
            }
            runs.push((start, i - start));
        } else {
            i += 1;
        }
    }
    if runs.len() < 2 {
        return;
    }
    let mut by_len: std::collections::HashMap<usize, (Vec<usize>, usize)> = Default::default();
    for (index, &(_, len)) in runs.iter().enumerate() {
        by_len.entry(len).or_default().0.push(index);
    }
    let mut k = 0;
    while k < runs.len() {
        let (start, len) = runs[k];
        let closer = by_len.get_mut(&len).and_then(|(list, next)| {
            while *next < list.len() && list[*next] <= k {
                *next += 1;
            }
            list.get(*next).copied()
        });
        match closer {
            Some(c) => {
                let end = runs[c].0 + runs[c].1;
                blank(&mut bytes[start..end]);
                k = c + 1;
            }
            None => k += 1,
        }
    }
}

/// A run of comments read together: consecutive line comments of one kind, or one block comment.
fn groups<'c, 'a>(comments: &'c [Comment<'a>]) -> Vec<&'c [Comment<'a>]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=comments.len() {
        let split = match (comments.get(i - 1), comments.get(i)) {
            (Some(prev), Some(next)) => {
                prev.style == CommentStyle::Block
                    || next.style == CommentStyle::Block
                    || prev.doc != next.doc
                    || next.line != prev.line + 1
            }
            _ => true,
        };
        if split {
            out.push(&comments[start..i]);
            start = i;
        }
    }
    out
}

/// Every reference written in `comments`, in order, and the `unknown-verb` warnings.
pub(crate) fn comment_refs(
    comments: &[Comment],
    prefixes: &[String],
    file: &str,
) -> (Vec<FoundRef>, Vec<Diagnostic>) {
    let mut scanner = Scanner {
        prefixes,
        file,
        refs: Vec::new(),
        diagnostics: Vec::new(),
    };
    for group in groups(comments) {
        let worth = group.iter().any(|c| {
            c.text.contains('[')
                || c.text.contains(':')
                || c.text.contains("Verifies ")
                || c.text.contains("Implements ")
        });
        if !worth {
            continue;
        }
        let has_ticks = group.iter().any(|c| c.text.contains('`'));
        // Joined with newlines so a code span can run from one `//` line into the next.
        let joined = if has_ticks {
            let mut bytes = Vec::new();
            for (n, c) in group.iter().enumerate() {
                if n > 0 {
                    bytes.push(b'\n');
                }
                bytes.extend_from_slice(c.text.as_bytes());
            }
            strip_code_spans(&mut bytes);
            Some(String::from_utf8_lossy(&bytes).into_owned())
        } else {
            None
        };
        let mut lines = Vec::new();
        match (&joined, group) {
            (Some(text), [only]) if only.style == CommentStyle::Block => {
                block_lines(text, only, &mut lines);
            }
            (None, [only]) if only.style == CommentStyle::Block => {
                block_lines(only.text, only, &mut lines);
            }
            (Some(text), _) => {
                for (c, piece) in group.iter().zip(text.split('\n')) {
                    lines.push(line_of(c, piece, 0, 0));
                }
            }
            (None, _) => {
                for c in group {
                    lines.push(line_of(c, c.text, 0, 0));
                }
            }
        }
        for line in &lines {
            scanner.scan_line(line);
        }
    }
    (scanner.refs, scanner.diagnostics)
}

fn line_of<'a>(c: &Comment, text: &'a str, line_delta: u32, byte_delta: usize) -> Line<'a> {
    Line {
        text,
        line: c.line + line_delta,
        offset: c.offset + byte_delta,
        inner_doc: c.doc == Doc::Inner,
        outer_doc: c.doc == Doc::Outer,
        directive: c.style == CommentStyle::Line && c.doc == Doc::No && text.starts_with('@'),
    }
}

fn block_lines<'a>(text: &'a str, c: &Comment, out: &mut Vec<Line<'a>>) {
    let mut byte = 0;
    for (n, piece) in text.split('\n').enumerate() {
        out.push(line_of(c, piece, n as u32, byte));
        byte += piece.len() + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::lexer::lex;

    fn refs(text: &str) -> (Vec<FoundRef>, Vec<Diagnostic>) {
        let lexed = lex(text, &[]);
        comment_refs(
            &lexed.comments,
            &["r".to_string(), "req".to_string()],
            "src/x.rs",
        )
    }

    fn short(text: &str) -> Vec<(String, Option<u32>, RefKind, u32)> {
        refs(text)
            .0
            .into_iter()
            .map(|r| (r.id, r.revision, r.kind, r.line))
            .collect()
    }

    fn s(id: &str) -> String {
        id.to_string()
    }

    // r[verify src.ref.marker]
    #[test]
    fn markers_with_every_verb_and_revision() {
        let text = r#"// r[verify auth.login]
// r[impl auth.login+2]
/// r[auth.lockout]
//! req[depends store.write, store.read+3]
/* r[related ui.banner] */
// see r[verify a.b] and r[verify c-d/e:f]
"#;
        assert_eq!(
            short(text),
            vec![
                (s("auth.login"), None, RefKind::Verify, 1),
                (s("auth.login"), Some(2), RefKind::Impl, 2),
                (s("auth.lockout"), None, RefKind::Impl, 3),
                (s("store.write"), None, RefKind::Depends, 4),
                (s("store.read"), Some(3), RefKind::Depends, 4),
                (s("ui.banner"), None, RefKind::Related, 5),
                (s("a.b"), None, RefKind::Verify, 6),
                (s("c-d/e:f"), None, RefKind::Verify, 6),
            ]
        );
        let (found, _) = refs("//! req[verify x.y]");
        assert_eq!(found[0].form, RefForm::Marker { prefix: s("req") });
        assert!(found[0].inner_doc);
    }

    // r[verify src.ref.marker]
    #[test]
    fn unknown_prefix_and_code_like_brackets_are_not_markers() {
        assert!(short("// foo[bar] and x.r[i] and &r[0] and a::r[k] and arr[verify x]").is_empty());
        assert!(short("// r[] r[ ] r[verify] r[i + 1]").is_empty());
        assert!(short("// r[verify a b]").is_empty());
    }

    // r[verify src.ref.marker]
    #[test]
    fn unknown_verb_is_a_warning_at_its_line() {
        let (found, diags) = refs("\n\n// r[frobnicate a.b]\n");
        assert!(found.is_empty());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::UnknownVerb);
        assert_eq!(diags[0].location.as_ref().map(|l| l.line), Some(3));
        assert!(diags[0].message.contains("frobnicate"));
    }

    // r[verify src.ref.plain]
    #[test]
    fn plain_keyword_followed_by_prose_is_no_reference() {
        assert!(short("// Tests: their lines and the comments above are kept.").is_empty());
        let found = short("// Verifies: REQ-7, auth.login because of the outage, R42");
        let ids: Vec<&str> = found.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(ids, ["REQ-7", "auth.login"]);
    }

    // r[verify src.ref.plain]
    #[test]
    fn plain_lists() {
        let text = r#"// Verifies: auth.login, auth.lockout
// Tests: REQ-001 REQ-002.
/// Implements: store.write+2
/*
 * Requirement: calc.add
 */
// Verifies: calc.div because it divides
// verifies: lower.case
"#;
        assert_eq!(
            short(text),
            vec![
                (s("auth.login"), None, RefKind::Verify, 1),
                (s("auth.lockout"), None, RefKind::Verify, 1),
                (s("REQ-001"), None, RefKind::Verify, 2),
                (s("REQ-002"), None, RefKind::Verify, 2),
                (s("store.write"), Some(2), RefKind::Impl, 3),
                (s("calc.add"), None, RefKind::Verify, 5),
                (s("calc.div"), None, RefKind::Verify, 7),
            ]
        );
        assert!(refs("// Tests: x.y")
            .0
            .iter()
            .all(|r| r.form == RefForm::Plain));
    }

    // r[verify src.ref.oft]
    #[test]
    fn oft_tags() {
        let text = r#"// [utest->req~login-throttle~2]
// [itest->req~a~1, req~b~3] [stest->req~c~1] [test->req~d~1]
/// [impl->dsn~validate-request~1]
// [impl->dsn~x~1>>utest]
// [not a tag] [a->b]
"#;
        assert_eq!(
            short(text),
            vec![
                (s("req~login-throttle"), Some(2), RefKind::Verify, 1),
                (s("req~a"), Some(1), RefKind::Verify, 2),
                (s("req~b"), Some(3), RefKind::Verify, 2),
                (s("req~c"), Some(1), RefKind::Verify, 2),
                (s("req~d"), Some(1), RefKind::Verify, 2),
                (s("dsn~validate-request"), Some(1), RefKind::Impl, 3),
                (s("dsn~x"), Some(1), RefKind::Impl, 4),
            ]
        );
        assert!(refs("// [utest->req~x~1]")
            .0
            .iter()
            .all(|r| r.form == RefForm::Oft));
    }

    // r[verify src.ref.file]
    #[test]
    fn file_reference_directive() {
        let (found, _) = refs("//@ reference: attributes.diagnostic.namespace.unknown-invalid-syntax\n//@ check-pass\n// @ reference: not.this\n");
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].id,
            "attributes.diagnostic.namespace.unknown-invalid-syntax"
        );
        assert_eq!(found[0].form, RefForm::FileReference);
        assert_eq!(found[0].kind, RefKind::Verify);
    }

    // r[verify src.masking]
    #[test]
    fn code_spans_hide_references_even_over_two_lines() {
        let text = r#"/// Write `r[verify a.one]` to claim it, or
/// `// r[verify
/// a.two]` across lines, but r[verify a.three] counts.
///
/// An unclosed ` tick does not swallow r[verify a.four]
///
/// `` r[verify a.five] ` `` and ``` r[verify a.six] ```
// `Verifies: a.seven`
/// ```
/// // r[verify a.eight]
///
/// let x = 1; // r[verify a.nine]
/// ```
/// r[verify a.ten]
"#;
        assert_eq!(
            short(text),
            vec![
                (s("a.three"), None, RefKind::Verify, 3),
                (s("a.four"), None, RefKind::Verify, 5),
                (s("a.ten"), None, RefKind::Verify, 14),
            ]
        );
    }

    // r[verify src.masking]
    #[test]
    fn backtick_matching_is_linear() {
        // 20,000 backtick strings of 1 to 50 backticks. By CommonMark's rule a string opens a
        // code span that the next string of the same length closes; one without a partner is
        // literal text. A scan that looked for each opener's partner from scratch in the whole
        // text would be quadratic here (and would not finish under the CI time limit).
        let lengths: Vec<usize> = (0..20_000).map(|n| n % 50 + 1 + n / 19_990).collect();
        let mut text = String::new();
        let mut starts = Vec::new();
        for &len in &lengths {
            starts.push(text.len());
            text.push_str(&"`".repeat(len));
            text.push(' ');
        }
        // The rule itself, run by run: which strings end up inside a span.
        let mut expected = text.clone().into_bytes();
        let mut i = 0;
        while i < lengths.len() {
            match (i + 1..lengths.len()).find(|&j| lengths[j] == lengths[i]) {
                Some(j) => {
                    let end = starts[j] + lengths[j];
                    expected[starts[i]..end].fill(b' ');
                    i = j + 1;
                }
                None => i += 1,
            }
        }
        let mut bytes = text.into_bytes();
        strip_code_spans(&mut bytes);
        assert_eq!(bytes.len(), expected.len());
        let first_difference = bytes.iter().zip(&expected).position(|(a, b)| a != b);
        assert_eq!(
            first_difference, None,
            "the spans differ from CommonMark's rule"
        );
        // The last ten strings are one backtick longer than their cycle, so the very last (51
        // backticks, a length never seen before) has no partner and stays literal.
        assert!(bytes.ends_with(format!("{} ", "`".repeat(51)).as_bytes()));
    }
}

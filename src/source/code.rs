//! References written in code rather than comments: attributes `#[verifies("ID")]` (and
//! `req_test`, `req_verified`, `implements`, `req`) and macro calls `verify_req!("ID" ...)`,
//! `requirement_covered!(ID)`, recognised by their last path segment.
//!
//! They are read off the masked text at the places the lexer saw those identifiers, so they are
//! found anywhere (items, statements, expressions, other macros' arguments) without syn having
//! to parse function bodies, and the same way whether or not syn can parse the file. They are
//! attached by line like comments: an attribute's line is that of its `#`, which lies within
//! the item it annotates.

use super::lexer::{is_ident_byte, Lexed};
use super::names::{reference_attribute, reference_macro};
use super::refs::{FoundRef, IdRev};
use crate::ids::parse_id;
use crate::model::{Code, Diagnostic, RefForm};

/// How far back from an attribute's last path segment its `#[` may stand.
const MAX_ATTRIBUTE_PATH: usize = 512;
/// How far an attribute's arguments may run.
const MAX_ATTRIBUTE_ARGS: usize = 4096;
/// How long an unquoted id in a macro call may be.
const MAX_UNQUOTED_ID: usize = 256;

fn skip_ws(m: &[u8], mut k: usize) -> usize {
    while k < m.len() && m[k].is_ascii_whitespace() {
        k += 1;
    }
    k
}

/// The contents of a string literal as written: `"a"`, `r#"a"#`, `b"a"` all give `a`.
fn literal_value(lit: &str) -> &str {
    let Some(quote) = lit.find('"') else {
        return "";
    };
    let hashes = lit[..quote].bytes().filter(|&b| b == b'#').count();
    let body = &lit[quote + 1..];
    let close = body.len().saturating_sub(hashes + 1);
    body.get(..close).unwrap_or(body)
}

/// The string literal starting exactly at `at`, if one does.
fn string_at<'t>(lexed: &Lexed, text: &'t str, at: usize) -> Option<&'t str> {
    let idx = lexed.strings.partition_point(|s| s.0 < at);
    let &(start, end) = lexed.strings.get(idx)?;
    (start == at).then(|| text.get(start..end)).flatten()
}

/// The string literal whose range holds byte `at`, if any.
fn string_around(lexed: &Lexed, at: usize) -> Option<(usize, usize)> {
    let idx = lexed.strings.partition_point(|s| s.0 <= at);
    let &(start, end) = lexed.strings.get(idx.checked_sub(1)?)?;
    (at < end).then_some((start, end))
}

/// Every attribute and macro reference, in the order written, and a `near-miss` warning for each
/// reference attribute or macro call whose arguments name no readable id.
pub(crate) fn code_refs(lexed: &Lexed, text: &str, file: &str) -> (Vec<FoundRef>, Vec<Diagnostic>) {
    let m = &lexed.masked;
    let mut out = Vec::new();
    let mut misses: Vec<(u32, String)> = Vec::new();
    // Arguments of a reference attribute that are no id: (line, form, argument).
    let mut unreadable: Vec<(u32, String, String)> = Vec::new();
    for &(pos, line) in &lexed.ref_idents {
        let mut end = pos;
        while end < m.len() && is_ident_byte(m[end]) {
            end += 1;
        }
        let Some(name) = text.get(pos..end) else {
            continue;
        };
        let after = skip_ws(m, end);
        let mut push = |id: IdRev, kind, form, line, offset, inner_doc| {
            out.push(FoundRef {
                id: id.0,
                revision: id.1,
                kind,
                form,
                line,
                offset,
                inner_doc,
                outer_doc: false,
            });
        };
        if let Some(kind) = reference_macro(name) {
            if m.get(after) != Some(&b'!') {
                continue;
            }
            let open = skip_ws(m, after + 1);
            if matches!(m.get(open), Some(b'(' | b'[' | b'{')) {
                match macro_ids(lexed, text, open + 1) {
                    Some(ids) => {
                        for id in ids {
                            push(id, kind, RefForm::Macro, line, pos, false);
                        }
                    }
                    None => misses.push((line, format!("{name}!"))),
                }
            }
        } else if let Some(kind) = reference_attribute(name) {
            let Some((hash, inner)) = attribute_start(m, pos) else {
                continue;
            };
            let hash_line = line - m[hash..pos].iter().filter(|&&b| b == b'\n').count() as u32;
            let args = attribute_ids(lexed, text, after);
            if args.ids.is_empty() && args.unreadable.is_empty() {
                misses.push((hash_line, format!("#[{name}]")));
            }
            for part in args.unreadable {
                unreadable.push((hash_line, format!("#[{name}]"), part));
            }
            for id in args.ids {
                push(id, kind, RefForm::Attribute, hash_line, hash, inner);
            }
        }
    }
    let mut diagnostics: Vec<Diagnostic> = misses
        .into_iter()
        .map(|(line, form)| {
            Diagnostic::at(
                Code::NearMiss,
                format!(
                    "`{form}` is a reference form, but its arguments name no requirement id reqtrail can read: write the id as a string literal or a plain id, e.g. `(\"auth.login\")`"
                ),
                file,
                line,
            )
        })
        .collect();
    diagnostics.extend(unreadable.into_iter().map(|(line, form, part)| {
        Diagnostic::at(
            Code::NearMiss,
            format!(
                "`{form}` argument `{part}` is not a requirement id reqtrail can read, so it is not a reference: write each id as a string literal or a plain id, e.g. `(\"auth.login\", auth.logout)`"
            ),
            file,
            line,
        )
    }));
    diagnostics.sort_by_key(|d| d.location.as_ref().map(|l| l.line));
    (out, diagnostics)
}

/// The `#` of the attribute whose path ends with the identifier at `pos`, and whether it is an
/// inner attribute (`#![...]`, about the enclosing module).
fn attribute_start(m: &[u8], pos: usize) -> Option<(usize, bool)> {
    let floor = pos.saturating_sub(MAX_ATTRIBUTE_PATH);
    let mut k = pos;
    while k > floor
        && (is_ident_byte(m[k - 1]) || m[k - 1] == b':' || m[k - 1].is_ascii_whitespace())
    {
        k -= 1;
    }
    if k == 0 || m[k - 1] != b'[' {
        return None;
    }
    k -= 1;
    while k > 0 && m[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    let inner = k > 0 && m[k - 1] == b'!';
    if inner {
        k -= 1;
        while k > 0 && m[k - 1].is_ascii_whitespace() {
            k -= 1;
        }
    }
    // `then_some` would compute `k - 1` even for k == 0 (a file that opens with `[verifies..]`).
    let hash = k.checked_sub(1)?;
    (m[hash] == b'#').then_some((hash, inner))
}

/// What an attribute's arguments name: the ids, and each argument that is neither a string
/// literal nor a plain id (`ok two`), which the caller reports rather than drops.
struct AttributeArgs {
    ids: Vec<IdRev>,
    unreadable: Vec<String>,
}

/// The ids an attribute names: every string literal in `("a", "b")`, every plain id in
/// `(a, b)` (mantra writes them unquoted), both in `("a", b)`, or the one after `=`.
fn attribute_ids(lexed: &Lexed, text: &str, at: usize) -> AttributeArgs {
    let m = &lexed.masked;
    let mut args = AttributeArgs {
        ids: Vec::new(),
        unreadable: Vec::new(),
    };
    match m.get(at) {
        Some(b'(') => {
            let limit = (at + MAX_ATTRIBUTE_ARGS).min(m.len());
            let mut depth = 0usize;
            let mut k = at;
            // The current top-level argument: where it starts and whether it held a literal.
            let mut part_start = at + 1;
            let mut part_quoted = false;
            let end_part = |from: usize, to: usize, quoted: bool, args: &mut AttributeArgs| {
                let part = text.get(from..to).unwrap_or("").trim();
                if quoted || part.is_empty() {
                    return;
                }
                match parse_id(part.trim_matches('"')) {
                    Some(id) => args.ids.push(id),
                    None => args.unreadable.push(clip(part)),
                }
            };
            while k < limit {
                match m[k] {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    b',' if depth == 1 => {
                        end_part(part_start, k, part_quoted, &mut args);
                        part_start = k + 1;
                        part_quoted = false;
                    }
                    b'"' => {
                        // The literal this quote opens (its prefix, like `r#`, stands before).
                        if let Some((start, end)) = string_around(lexed, k) {
                            if let Some(lit) = text.get(start..end) {
                                args.ids.extend(parse_id(literal_value(lit).trim()));
                            }
                            part_quoted = true;
                            k = end.max(k + 1);
                            continue;
                        }
                    }
                    _ => {}
                }
                k += 1;
            }
            // An argument list cut off at the limit or the end of the file is not read further.
            if k < limit {
                end_part(part_start, k, part_quoted, &mut args);
            }
        }
        Some(b'=') => {
            let k = skip_ws(m, at + 1);
            if let Some(lit) = string_at(lexed, text, k) {
                args.ids.extend(parse_id(literal_value(lit).trim()));
            }
        }
        _ => {}
    }
    args
}

/// An argument as a message quotes it: one line, at most 60 characters.
fn clip(part: &str) -> String {
    let one_line = part.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

/// Comma-separated unquoted ids; `None` unless every part is one.
pub(crate) fn unquoted_ids(args: &str) -> Option<Vec<IdRev>> {
    let ids = args
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| parse_id(part.trim_matches('"')))
        .collect::<Option<Vec<_>>>()?;
    (!ids.is_empty()).then_some(ids)
}

/// One argument of a reference macro starting at `from`: a string literal or tokens joined
/// without spaces (`auth . login` is `auth.login`), and where it ends. An unquoted id ends at a
/// comma, the closing bracket, `=>` or a `: "title"` (reqtrace's `requirement_covered!(ID: "t")`).
fn macro_arg(lexed: &Lexed, text: &str, from: usize) -> Option<(IdRev, usize)> {
    let m = &lexed.masked;
    let k = skip_ws(m, from);
    if let Some(lit) = string_at(lexed, text, k) {
        return Some((parse_id(literal_value(lit).trim())?, k + lit.len()));
    }
    let mut id = String::new();
    let mut spaced = false;
    let end = (k + MAX_UNQUOTED_ID).min(m.len());
    let mut p = k;
    while p < end {
        let b = m[p];
        let titled = b == b':'
            && m.get(p + 1)
                .is_some_and(|&n| n.is_ascii_whitespace() || n == b'"');
        let arrow = b == b'=' && m.get(p + 1) == Some(&b'>');
        match b {
            b',' | b')' | b']' | b'}' => return Some((parse_id(&id)?, p)),
            _ if titled || arrow => return Some((parse_id(&id)?, p)),
            b'(' | b'[' | b'{' | b'"' | b'\'' => return None,
            _ if b.is_ascii_whitespace() => spaced = true,
            _ if b.is_ascii() => {
                // `auth . login` is one id, `not an id` is words.
                if spaced && is_ident_byte(b) && id.bytes().last().is_some_and(is_ident_byte) {
                    return None;
                }
                spaced = false;
                id.push(b as char);
            }
            _ => return None,
        }
        p += 1;
    }
    None
}

/// The ids a reference macro names: its first argument, or with mantra's
/// `verify_req!("ID-1", "ID-2" => expr)` every argument before the `=>`. `None` when not even
/// the first argument is an id (a near miss worth a warning).
fn macro_ids(lexed: &Lexed, text: &str, from: usize) -> Option<Vec<IdRev>> {
    let m = &lexed.masked;
    let (first, mut end) = macro_arg(lexed, text, from)?;
    let mut ids = vec![first];
    loop {
        let p = skip_ws(m, end);
        match m.get(p) {
            Some(b',') => match macro_arg(lexed, text, p + 1) {
                Some((id, next)) => {
                    ids.push(id);
                    end = next;
                }
                None => break,
            },
            Some(b'=') if m.get(p + 1) == Some(&b'>') => return Some(ids),
            _ => break,
        }
    }
    // Without `=>` the later arguments are messages or expressions, not ids.
    ids.truncate(1);
    Some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RefKind;
    use crate::source::lexer::lex;

    fn refs(text: &str) -> Vec<(String, RefKind, RefForm, u32, bool)> {
        code_refs(&lex(text, &[]), text, "src/x.rs")
            .0
            .into_iter()
            .map(|r| (r.id, r.kind, r.form, r.line, r.inner_doc))
            .collect()
    }

    // r[verify src.ref.attribute]
    #[test]
    fn attributes_by_last_segment_with_several_ids() {
        let text = r##"#![req("crate.wide")]
#[verifies("a.one", "a.two+2")]
#[reqs::req_test(r#"a.three"#)]
#[req_verified = "a.four"]
#[
  implements("a.five")
]
#[req]
fn f() { let req = verifies("not.an.attribute"); x[implements("nor.this")]; }
"##;
        let s = |v: &str| v.to_string();
        assert_eq!(
            refs(text),
            vec![
                (s("crate.wide"), RefKind::Impl, RefForm::Attribute, 1, true),
                (s("a.one"), RefKind::Verify, RefForm::Attribute, 2, false),
                (s("a.two"), RefKind::Verify, RefForm::Attribute, 2, false),
                (s("a.three"), RefKind::Verify, RefForm::Attribute, 3, false),
                (s("a.four"), RefKind::Verify, RefForm::Attribute, 4, false),
                (s("a.five"), RefKind::Impl, RefForm::Attribute, 5, false),
            ]
        );
        let lexed = lex(text, &[]);
        assert_eq!(code_refs(&lexed, text, "src/x.rs").0[2].revision, Some(2));
    }

    // r[verify src.ref.attribute]
    #[test]
    fn macros_with_quoted_and_unquoted_ids() {
        let text = r#"fn f() {
    verify_req!("m.one", "a message");
    requirement_covered!(m . two);
    requirement_covered!("m.three");
    assert!(check(reqs::verify_req!(REQ-004)));
    verify_req!(not a valid id);
    verify_req;
    let s = "verify_req!(\"m.string\")";
}
macro_rules! verify_req { ($id:expr) => { verify_req!($id) }; }
"#;
        let s = |v: &str| v.to_string();
        assert_eq!(
            refs(text),
            vec![
                (s("m.one"), RefKind::Verify, RefForm::Macro, 2, false),
                (s("m.two"), RefKind::Impl, RefForm::Macro, 3, false),
                (s("m.three"), RefKind::Impl, RefForm::Macro, 4, false),
                (s("REQ-004"), RefKind::Verify, RefForm::Macro, 5, false),
            ]
        );
    }

    // r[verify src.ref.attribute]
    #[test]
    fn attribute_arguments_with_odd_quotes_end() {
        // An empty literal right before an unterminated one once sent the scan backwards.
        let ids = |text: &str| -> Vec<String> { refs(text).into_iter().map(|r| r.0).collect() };
        // No id can come out of empty or unterminated literals.
        assert_eq!(ids(r#"#[verifies(""")]"#), Vec::<String>::new());
        assert_eq!(ids(r##"#[verifies(r#""#"")]"##), Vec::<String>::new());
        // The whole literal before the broken one still counts.
        assert_eq!(ids(r#"#[verifies("a.b" """)]"#), vec!["a.b".to_string()]);
        // And a well-formed attribute after the broken one is not swallowed into it.
        assert_eq!(
            ids("#[verifies(\"\")]\n#[verifies(\"c.d\")]\n"),
            vec!["c.d".to_string()]
        );
        assert_eq!(refs(r#"#[verifies("", "a.b")]"#)[0].0, "a.b");
    }

    // r[verify robust.silent-no-ops]
    #[test]
    fn every_attribute_argument_is_read_or_reported() {
        let text = "#[verifies(u.one, u.two)]\n#[verifies(\"q.one\", u.three)]\n#[verifies(u.four, not an id)]\n";
        let (found, diagnostics) = code_refs(&lex(text, &[]), text, "src/x.rs");
        let ids: Vec<(&str, u32)> = found.iter().map(|r| (r.id.as_str(), r.line)).collect();
        assert_eq!(
            ids,
            [
                ("u.one", 1),
                ("u.two", 1),
                ("q.one", 2),
                ("u.three", 2),
                ("u.four", 3)
            ]
        );
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let d = &diagnostics[0];
        assert_eq!(d.location.as_ref().map(|l| l.line), Some(3));
        assert!(d.message.contains("`not an id`"), "{}", d.message);
    }
}

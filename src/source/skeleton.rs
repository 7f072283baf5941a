//! The text syn is given: the file with the insides of function bodies and other non-item braces
//! cut out, only their newlines kept (so every line stays where it was), and a check that its
//! delimiters balance.
//!
//! Bodies are most of a test file's bytes and say nothing about its items; tokenizing them (even
//! blanked to spaces) is what made syn slow. A brace holds items only after `mod`, `impl` or
//! `trait` (and `proptest!`, whose functions are tests): every other brace's inside is cut. The
//! decision is made on the masked text, where braces in literals and comments are already gone.
//! Columns and byte offsets after a cut on the same line differ from the file's; the walk reads
//! attribute text from the skeleton itself, never from the file.

use super::lexer::{is_ident_byte, Comment};

/// Item keywords that decide what a following `{` holds.
const KEYWORDS: &[&str] = &[
    "fn",
    "mod",
    "impl",
    "trait",
    "proptest",
    "struct",
    "enum",
    "union",
    "const",
    "static",
    "type",
    "use",
    "extern",
    "macro_rules",
];

fn is_bracket(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'[' | b']' | b'{' | b'}')
}

fn holds_items(keyword: Option<&str>) -> bool {
    matches!(keyword, Some("mod" | "impl" | "trait" | "proptest"))
}

/// The skeleton of `text` and whether its delimiters balance (judged on `masked`). Comments are
/// cut too (doc comments would become attributes, costly to build and of no use: attachment
/// reads comments itself), and a byte-order mark and a shebang line, which syn does not read.
pub(crate) fn skeleton(text: &str, masked: &[u8], comments: &[Comment]) -> (String, bool) {
    let bytes = text.as_bytes();
    let n = bytes.len().min(masked.len());
    // Byte ranges to cut, in order.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    if text.starts_with('\u{feff}') {
        start = 3;
        cuts.push((0, 3));
    }
    let rest = &text[start..];
    if rest.starts_with("#!") && !rest[2..].trim_start().starts_with('[') {
        let end = rest.find('\n').map_or(text.len(), |p| start + p);
        cuts.push((start, end));
        start = end;
    }

    let mut stack: Vec<u8> = Vec::new();
    let mut balanced = true;
    // The first item keyword since the last `;`, `{` or `}` of the current item level.
    let mut keyword: Option<&'static str> = None;
    // While inside a blanked brace: where its inside starts, and the stack depth of the brace.
    let mut blanking: Option<(usize, usize)> = None;
    // While inside a `macro_rules!` body, kept whole: the stack depth of its brace. The
    // scanner looks in it for test attributes (a test generator).
    let mut verbatim: Option<usize> = None;
    // The last byte that is not whitespace: `name! {` is a macro invocation, whose body is kept
    // (it may hold items, or the names of the tests it generates); bodies inside it are cut.
    let mut last_seen = 0u8;
    // After an item-level `fn NAME`: where the name ends. The rest of the signature up to the
    // body or `;` is cut too: the outline needs only the name, and parameter and return types
    // were most of the tokens left after the bodies.
    let mut signature: Option<usize> = None;
    // `<` nesting since the name: a `{` inside generics (`-> ArrayVec<u8, { 4 * 1024 }>`) is a
    // const argument, not the body, and such a signature is kept whole.
    let mut signature_angle = 0u32;
    // Stack depths of the kept macro bodies we are in (`name! { }`, `proptest! { }`): their
    // functions are not Rust syntax (`fn p(x in 0..3)`) and are kept whole.
    let mut macro_bodies: Vec<usize> = Vec::new();
    let mut i = start;
    while i < n {
        if blanking.is_some() {
            // Inside a cut body only the brackets matter (for the balance and for where the
            // body ends), and bodies are most of the bytes.
            while i < n && !is_bracket(masked[i]) {
                i += 1;
            }
            if i == n {
                break;
            }
        }
        let b = masked[i];
        if !b.is_ascii_whitespace() && b != b'{' {
            last_seen = b;
        }
        match b {
            b'(' | b'[' | b'{' => {
                if b == b'{' && blanking.is_none() && verbatim.is_none() {
                    let at_item_level = matches!(stack.last(), None | Some(b'{'));
                    if at_item_level && keyword == Some("macro_rules") {
                        verbatim = Some(stack.len() + 1);
                    } else if at_item_level && (keyword == Some("proptest") || last_seen == b'!') {
                        macro_bodies.push(stack.len() + 1);
                    } else if !(at_item_level && holds_items(keyword)) {
                        blanking = Some((i + 1, stack.len() + 1));
                    }
                    let in_generics = signature_angle > 0;
                    if let Some(from) = signature.take().filter(|_| at_item_level && !in_generics) {
                        cuts.push((from, i));
                    }
                    keyword = None;
                }
                if b == b'{' {
                    last_seen = b'{';
                }
                stack.push(b);
            }
            b')' | b']' | b'}' => {
                let open = match b {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if stack.pop() != Some(open) {
                    balanced = false;
                }
                if let Some((from, depth)) = blanking {
                    if stack.len() < depth {
                        cuts.push((from, i));
                        blanking = None;
                    }
                }
                if verbatim.is_some_and(|depth| stack.len() < depth) {
                    verbatim = None;
                }
                if macro_bodies
                    .last()
                    .is_some_and(|&depth| stack.len() < depth)
                {
                    macro_bodies.pop();
                }
                if b == b'}' {
                    keyword = None;
                    signature = None;
                }
            }
            b';' if blanking.is_none()
                && verbatim.is_none()
                && matches!(stack.last(), None | Some(b'{')) =>
            {
                if let Some(from) = signature.take() {
                    cuts.push((from, i));
                }
                keyword = None;
            }
            b'<' if signature.is_some() => signature_angle += 1,
            b'>' if signature.is_some()
                && !matches!(masked.get(i.wrapping_sub(1)), Some(b'-' | b'=')) =>
            {
                signature_angle = signature_angle.saturating_sub(1);
            }
            _ if is_ident_byte(b) => {
                let from = i;
                while i < n && is_ident_byte(masked[i]) {
                    i += 1;
                }
                if blanking.is_none()
                    && verbatim.is_none()
                    && matches!(stack.last(), None | Some(b'{'))
                {
                    let word = &masked[from..i];
                    if keyword.is_none() {
                        keyword = KEYWORDS.iter().copied().find(|k| k.as_bytes() == word);
                    } else if keyword == Some("fn")
                        && signature.is_none()
                        && macro_bodies.is_empty()
                        && word != b"fn"
                    {
                        // The name; a raw one (`r#type`) reads as `r`, `#`, `type`.
                        if word == b"r" && masked.get(i) == Some(&b'#') {
                            i += 1;
                            while i < n && is_ident_byte(masked[i]) {
                                i += 1;
                            }
                        }
                        signature = Some(i);
                        signature_angle = 0;
                    }
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if !stack.is_empty() {
        balanced = false;
    }
    if let Some((from, _)) = blanking {
        cuts.push((from.min(n), n));
    }
    cuts.extend(comments.iter().map(|c| c.whole));
    cuts.sort_unstable();
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let mut at = 0;
    for (from, to) in cuts {
        // Comments inside a cut body fall within it.
        let from = from.max(at).min(bytes.len());
        let to = to.min(bytes.len());
        if to <= from {
            continue;
        }
        out.extend_from_slice(&bytes[at..from]);
        let lines = bytes[from..to].iter().filter(|&&b| b == b'\n').count();
        out.resize(out.len() + lines, b'\n');
        if lines == 0 {
            // `pub/* */fn` must not become `pubfn`.
            out.push(b' ');
        }
        at = to;
    }
    out.extend_from_slice(&bytes[at..]);
    let skeleton = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (skeleton, balanced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::lexer::lex;

    fn skel(text: &str) -> (String, bool) {
        let lexed = lex(text, &[]);
        skeleton(text, &lexed.masked, &lexed.comments)
    }

    // r[verify src.tests]
    #[test]
    fn bodies_are_blanked_item_braces_kept() {
        let text = r#"mod tests {
    impl S { fn m(&self) -> impl Fn() { || { 1 } } }
    trait T { fn d() { x(); } }
    struct P { a: u8 }
    proptest! { #[test] fn p(x in 0..3) { y(x); } }
    fn f() { let s = "}"; mod inner { } }
}
"#;
        let (s, balanced) = skel(text);
        assert!(balanced);
        assert_eq!(s.lines().count(), text.lines().count());
        assert!(s.contains("impl S { fn m {"));
        assert!(!s.contains("|| {"));
        assert!(s.contains("trait T { fn d {"));
        assert!(!s.contains("x();"));
        assert!(s.contains("struct P {"));
        assert!(!s.contains("a: u8"));
        assert!(s.contains("proptest! { #[test] fn p(x in 0..3) {"));
        assert!(!s.contains("y(x)"));
        assert!(!s.contains("mod inner"));
    }

    // r[verify src.tests]
    #[test]
    fn signatures_are_cut_after_the_name_and_their_lines_kept() {
        let text = "pub async fn r#type<T: Into<u8>>(\n    a: T,\n) -> Result<(), E>\nwhere T: Fn() -> u8 {\n}\ntrait T { fn d(&self) -> u8; }\nproptest! { fn p(x in 0..3) { } }\nconst fn c() -> u8 { 1 }\n";
        let (s, balanced) = skel(text);
        assert!(balanced);
        assert_eq!(s.lines().count(), text.lines().count());
        assert!(s.starts_with("pub async fn r#type\n\n\n{\n}\n"), "{s}");
        assert!(s.contains("trait T { fn d ;"), "{s}");
        // Macro bodies are not Rust syntax and stay whole; `const fn` keeps its signature.
        assert!(s.contains("proptest! { fn p(x in 0..3) {"), "{s}");
        assert!(s.contains("const fn c() -> u8 {"), "{s}");
    }

    // r[verify src.tests]
    #[test]
    fn a_brace_inside_generics_is_not_taken_for_the_body() {
        for text in [
            "fn f() -> ArrayVec<u8, { 4 * 1024 }> { body(); }\n",
            "trait T { fn f() -> Foo<{ 3 }>; }\n",
            "fn f<T: Tr<{ 2 }>>() {}\n",
            "fn f<const N: usize>() where Foo<{ N }>: Bar { x }\n",
        ] {
            let (s, balanced) = skel(text);
            assert!(balanced, "{text}");
            // The signature stays whole: nothing between the name and the generics is cut.
            assert!(
                s.starts_with("fn f") || s.starts_with("trait T { fn f"),
                "{s}"
            );
            assert!(s.contains("f(") || s.contains("f<"), "{text} -> {s}");
            assert!(!s.contains("f {"), "{text} -> {s}");
        }
    }

    // r[verify src.unparsed]
    #[test]
    fn unbalanced_delimiters_are_noticed() {
        assert!(!skel("fn f() { g(; }").1);
        assert!(!skel("fn f() { ").1);
        assert!(!skel("fn f() { ] }").1);
        assert!(skel("fn f() { let c = '{'; let s = \"(\"; } // {").1);
    }

    // r[verify src.masking]
    #[test]
    fn byte_order_mark_and_shebang_are_blanked() {
        let (s, _) = skel("\u{feff}#!/usr/bin/env run\nfn main() {}\n");
        assert_eq!(s.trim_start_matches(' '), "\nfn main {}\n");
        let (s, _) = skel("#![allow(dead_code)]\n");
        assert!(s.starts_with("#![allow"));
    }
}

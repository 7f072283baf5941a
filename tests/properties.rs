//! Property tests of the two parsers that read whatever a repository holds: the Markdown
//! requirement parser and the Rust scanner. On arbitrary text, arbitrary bytes decoded the way
//! `discover::read_text` decodes them, and on generators shaped like Markdown and Rust, they
//! must return (no panic), and every line they report must be inside the file and hold what
//! they say is there.
//!
//! The fuzz targets under `fuzz/` check the same properties on inputs libFuzzer evolves; these
//! run in every `cargo test`.

use proptest::prelude::*;
use reqtrail::config::{SourceOptions, SpecOptions};
use reqtrail::model::{CrateUnit, DefinitionStyle, Diagnostic, RefForm, SourceFile, SpecFile};

/// Lines as an editor numbers them: one more than the number of line feeds.
fn line_count(text: &str) -> u32 {
    text.matches('\n').count() as u32 + 1
}

/// The text of 1-based line `n`.
fn line(text: &str, n: u32) -> &str {
    text.split('\n').nth(n as usize - 1).unwrap_or("")
}

/// Markdown's lines as CommonMark numbers them: each `\n`, `\r\n` or lone `\r` ends one.
fn md_lines(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split(['\n', '\r'])
        .map(str::to_string)
        .collect()
}

fn diagnostics_inside(
    diagnostics: &[Diagnostic],
    file: &str,
    lines: u32,
) -> Result<(), TestCaseError> {
    for d in diagnostics {
        if let Some(at) = &d.location {
            prop_assert_eq!(&at.file, file);
            prop_assert!((1..=lines).contains(&at.line), "{:?}", d);
        }
    }
    Ok(())
}

/// Every requirement sits on a line of the file that holds its id; parents and diagnostics
/// point inside the file.
fn check_spec(text: &str, style: Option<DefinitionStyle>) -> Result<SpecFile, TestCaseError> {
    let options = SpecOptions {
        style,
        ..SpecOptions::default()
    };
    let spec = reqtrail::spec::parse_spec("docs/p.md", text, &options);
    let md = md_lines(text);
    let lines = md.len() as u32;
    let line = |_: &str, n: u32| md.get(n as usize - 1).map_or("", String::as_str);
    for r in &spec.requirements {
        prop_assert!(!r.id.is_empty());
        prop_assert_eq!(&r.location.file, "docs/p.md");
        prop_assert!((1..=lines).contains(&r.location.line), "{:?}", r);
        prop_assert!(
            line(text, r.location.line).contains(r.id.as_str()),
            "{} is not on line {}: {:?}",
            r.id,
            r.location.line,
            line(text, r.location.line)
        );
        for (parent, at) in &r.parents {
            prop_assert!((1..=lines).contains(at), "{:?}", r);
            prop_assert!(
                line(text, *at).contains(parent.as_str()),
                "{} not on line {}",
                parent,
                at
            );
        }
    }
    diagnostics_inside(&spec.diagnostics, "docs/p.md", lines)?;
    prop_assert_eq!(spec.style.is_some(), !spec.requirements.is_empty());
    Ok(spec)
}

/// Every test and reference sits on a line inside the file; a reference written in a comment,
/// an attribute or a macro call has its id on that line; references name existing tests.
fn check_source(text: &str) -> Result<SourceFile, TestCaseError> {
    let unit = CrateUnit {
        binary: "pkg::p".to_string(),
        module_path: vec!["m".to_string()],
    };
    let options = SourceOptions {
        test_attributes: vec!["my_test".to_string()],
        test_macros: Vec::new(),
        prefixes: vec!["r".to_string(), "req".to_string()],
    };
    let scanned = reqtrail::source::scan_source("tests/p.rs", text, &unit, &options);
    let lines = line_count(text);
    for t in &scanned.tests {
        prop_assert!((1..=lines).contains(&t.line), "{:?}", t);
    }
    for r in &scanned.references {
        prop_assert!((1..=lines).contains(&r.line), "{:?}", r);
        prop_assert!(r.tests.iter().all(|&t| t < scanned.tests.len()), "{:?}", r);
        if r.form != RefForm::FileReference {
            // An OpenFastTrace id is written `type~name~N`; its id part is `type~name`.
            prop_assert!(
                line(text, r.line).contains(r.id.as_str()),
                "{} is not on line {}: {:?}",
                r.id,
                r.line,
                line(text, r.line)
            );
        }
    }
    diagnostics_inside(&scanned.diagnostics, "tests/p.rs", lines)?;
    Ok(scanned)
}

fn style() -> impl Strategy<Value = Option<DefinitionStyle>> {
    prop::option::of(prop::sample::select(vec![
        DefinitionStyle::Marker,
        DefinitionStyle::Heading,
        DefinitionStyle::Oft,
    ]))
}

/// Arbitrary bytes as `read_text` would hand them over: lossily decoded.
fn lossy_bytes() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..800)
        .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// Markdown made of the pieces that matter to the parser, in any order.
fn markdown() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "r[a.b]",
        "r[a.b+2]",
        "req[c]",
        "r[verify x]",
        "x[y]",
        "`req~n~1`",
        "`dsn~d-x~3`",
        "# ",
        "## ",
        "### REQ-1: Title",
        "## `calc.add`: Add",
        "## req~h~2: Head",
        "REQ-2 - T",
        "> ",
        ">",
        ">>",
        "- ",
        "* ",
        "+ ",
        "1. ",
        "    ",
        "\t",
        "```",
        "~~~",
        "`",
        "``",
        "<!--",
        "-->",
        "<!-- reqtrail:off -->",
        "<!-- reqtrail:on -->",
        "<div>",
        "</div>",
        "<br>",
        "Status: draft",
        "Covers: a.b, c",
        "**Covers:** a",
        "Covers:",
        "- a.b",
        "Needs: impl",
        "Waived:",
        "Waived: why",
        "Tags: t",
        "\n",
        "\n",
        "\n",
        "\r\n",
        "\n\n",
        "\r",
        " ",
        "text",
        "é",
        "—",
        "名",
        "\u{feff}",
        "\u{0}",
        "===",
        "---",
        "[l](u)",
        "[",
        "]",
        "(",
        ")",
        "*",
        "_",
        "\\",
        "+",
        "~",
        ":",
        "|",
        "| a | b |",
        "|---|---|",
        "&amp;",
        "&#0;",
        // Whole definitions, so that requirements come up often.
        "\n\nr[m.n]\nText.\n\nCovers: a.b\n",
        "\n\n## REQ-9: T\n\nBody\n",
        "\n\n`req~o~1`\nNeeds: impl\n",
    ]);
    prop::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

/// Rust made of the pieces that matter to the scanner, in any order.
fn rust() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "#[test]",
        "#[tokio::test]",
        "#[rstest]",
        "#[my_test]",
        "#[ignore]",
        "#[should_panic]",
        "#[cfg(test)]",
        "#[cfg(unix)]",
        "fn ",
        "f",
        "g",
        "()",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "<",
        ">",
        "mod m ",
        "mod tests ",
        "impl T ",
        "trait X ",
        "struct S;",
        "pub ",
        "async ",
        "unsafe ",
        "extern \"C\" ",
        "proptest! ",
        "quickcheck! ",
        "macro_rules! m ",
        "=>",
        ";",
        ",",
        "'a",
        "'x'",
        "b'\\''",
        "\"",
        "\"s\"",
        "r#\"",
        "\"#",
        "r\"raw\"",
        "b\"",
        "c\"",
        "\\",
        "//",
        "///",
        "//!",
        "/*",
        "*/",
        "/**",
        "/*!",
        "\n",
        "\n",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "// r[verify a.b]",
        "// r[impl a.c+2]",
        "// r[a.d]",
        "// r[bogus e]",
        "/// Verifies: a.e, a.f",
        "// Tests: a.g",
        "// Implements: a.h",
        "// [utest->req~o~1]",
        "// [impl->dsn~p~2, utest->req~q~1]",
        "//@ reference: a.i",
        "#[verifies(\"a.j\")]",
        "#[req(\"a.k\")]",
        "verify_req!(\"a.l\")",
        "requirement_covered!(a.m)",
        "`",
        "// `r[verify hidden]`",
        "é",
        "名",
        "\u{feff}",
        "\u{0}",
        "<<<<<<< HEAD",
        "=======",
        ">>>>>>> b",
        "#!",
        "#![allow(x)]",
        "k#r",
        "&raw const x",
        "use<'a>",
        "gen ",
        "yield",
        // Whole items, so that tests and attached references come up often.
        "#[test]\nfn t() {}\n",
        "// r[verify a.b]\n#[test]\nfn u() {\n    // r[verify a.n]\n}\n",
        "mod tests {\n",
        "#[cfg(test)]\nmod inner {\n",
        "proptest! {\n    #[test]\n    fn p(x in 0..1) {}\n}\n",
        "impl S {\n    #[test]\n    fn s() {}\n}\n",
    ]);
    prop::collection::vec(piece, 0..100).prop_map(|pieces| pieces.concat())
}

proptest! {
    // Shrunk failures are reported in the test output; no regressions file is written.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    // r[verify robust.proptest]
    #[test]
    fn spec_lines_are_inside_the_file_on_arbitrary_text(text in any::<String>(), style in style()) {
        check_spec(&text, style)?;
    }

    // r[verify robust.proptest]
    #[test]
    fn spec_lines_are_inside_the_file_on_arbitrary_bytes(text in lossy_bytes(), style in style()) {
        check_spec(&text, style)?;
    }

    // r[verify robust.proptest]
    #[test]
    fn spec_lines_are_inside_the_file_on_markdown(text in markdown(), style in style()) {
        check_spec(&text, style)?;
    }

    // r[verify robust.proptest]
    #[test]
    fn source_lines_are_inside_the_file_on_arbitrary_text(text in any::<String>()) {
        check_source(&text)?;
    }

    // r[verify robust.proptest]
    #[test]
    fn source_lines_are_inside_the_file_on_arbitrary_bytes(text in lossy_bytes()) {
        check_source(&text)?;
    }

    // r[verify robust.proptest]
    #[test]
    fn source_lines_are_inside_the_file_on_rust(text in rust()) {
        check_source(&text)?;
    }
}

// r[verify robust.proptest]
#[test]
fn the_generators_reach_definitions_and_references() {
    // A property that holds because nothing was ever found proves little: these fixed samples
    // of the generators' alphabet must give requirements and references with their lines.
    let spec = check_spec("# T\n\nr[a.b+2]\nCovers: a.c\n\n`req~n~1`\n", None).expect("holds");
    assert_eq!(spec.requirements.len(), 1);
    assert_eq!(spec.requirements[0].parents, [("a.c".to_string(), 4)]);
    let scanned = check_source(
        "// r[verify a.b]\n#[test]\nfn f() {}\n/// Verifies: a.e, a.f\n#[my_test]\nfn g() {}\n",
    )
    .expect("holds");
    assert_eq!(scanned.tests.len(), 2);
    let lines: Vec<(&str, u32)> = scanned
        .references
        .iter()
        .map(|r| (r.id.as_str(), r.line))
        .collect();
    assert_eq!(lines, [("a.b", 1), ("a.e", 4), ("a.f", 4)]);
}

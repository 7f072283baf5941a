//! The whole scanner on realistic files: the fixtures in `fixtures/source/` (a rate limiter
//! with unit tests, an integration test file using every test attribute, a rustc ui test, a file
//! that does not parse, a file of traps) and small snippets for the edge cases.
//!
//! Snippets holding reference text are raw strings, so that reqtrail checking itself does not
//! read them as references of these tests.

use super::scan_source;
use crate::config::SourceOptions;
use crate::model::{Code, CrateUnit, RefForm, RefKind, Reference, SourceFile};

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/source/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn unit(binary: &str, module_path: &[&str]) -> CrateUnit {
    CrateUnit {
        binary: binary.to_string(),
        module_path: module_path.iter().map(|s| s.to_string()).collect(),
    }
}

fn scan(file: &str, text: &str, binary: &str, module_path: &[&str]) -> SourceFile {
    scan_source(
        file,
        text,
        &unit(binary, module_path),
        &SourceOptions::default(),
    )
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|n| n as u32 + 1)
        .unwrap_or_else(|| panic!("no line contains {needle:?}"))
}

fn reference<'a>(sf: &'a SourceFile, id: &str) -> &'a Reference {
    let found: Vec<&Reference> = sf.references.iter().filter(|r| r.id == id).collect();
    assert_eq!(found.len(), 1, "references to {id}: {:#?}", sf.references);
    found[0]
}

/// The names of the tests a reference belongs to.
fn tests_of(sf: &SourceFile, id: &str) -> Vec<String> {
    reference(sf, id)
        .tests
        .iter()
        .map(|&t| sf.tests[t].name.clone())
        .collect()
}

fn names(sf: &SourceFile) -> Vec<String> {
    sf.tests.iter().map(|t| t.name.clone()).collect()
}

fn codes(sf: &SourceFile) -> Vec<(Code, u32)> {
    sf.diagnostics
        .iter()
        .map(|d| (d.code, d.location.as_ref().map_or(0, |l| l.line)))
        .collect()
}

fn limiter() -> (String, SourceFile) {
    let text = fixture("limiter.rs");
    let sf = scan("src/limiter.rs", &text, "limiter", &["limiter"]);
    (text, sf)
}

fn api() -> (String, SourceFile) {
    let text = fixture("api_tests.rs");
    let options = SourceOptions {
        test_attributes: vec!["check".to_string()],
        ..SourceOptions::default()
    };
    let sf = scan_source(
        "tests/api_tests.rs",
        &text,
        &unit("limiter::api_tests", &[]),
        &options,
    );
    (text, sf)
}

// r[verify src.tests]
// r[verify src.test-names]
#[test]
fn unit_tests_in_a_module_file_are_named_by_module_path() {
    let (text, sf) = limiter();
    assert_eq!(
        names(&sf),
        vec![
            "limiter::tests::refills_over_time",
            "limiter::tests::clients_are_independent",
            "limiter::tests::per_minute_in_real_time",
            "limiter::tests::zero_capacity_is_refused",
            "limiter::tests::config::limits_round_trip",
        ]
    );
    assert!(sf.tests.iter().all(|t| t.binary == "limiter"));
    assert!(sf.tests.iter().all(|t| t.attribute == "test"));
    assert_eq!(sf.tests[0].line, line_of(&text, "fn refills_over_time"));
    let flags: Vec<(bool, bool)> = sf
        .tests
        .iter()
        .map(|t| (t.ignored, t.should_panic))
        .collect();
    assert_eq!(
        flags,
        vec![
            (false, false),
            (false, false),
            (true, false),
            (false, true),
            (false, false)
        ]
    );
    // `#[cfg(test)]` on the module is not recorded; the feature gate on the test is.
    assert_eq!(sf.tests[0].cfg, None);
    assert_eq!(sf.tests[4].cfg.as_deref(), Some("feature = \"serde\""));
    assert!(sf.diagnostics.is_empty(), "{:?}", sf.diagnostics);
}

// r[verify src.attach]
#[test]
fn references_attach_to_functions_modules_and_items() {
    let (text, sf) = limiter();
    let all: Vec<String> = names(&sf);
    let verify_take: Vec<&Reference> = sf
        .references
        .iter()
        .filter(|r| r.id == "limiter.take" && r.kind == RefKind::Verify)
        .collect();
    assert_eq!(verify_take.len(), 1);
    let above_mod: Vec<String> = verify_take[0]
        .tests
        .iter()
        .map(|&t| sf.tests[t].name.clone())
        .collect();
    assert_eq!(above_mod, all, "above `mod tests`: every test in it");

    let refill: Vec<&Reference> = sf
        .references
        .iter()
        .filter(|r| r.id == "limiter.refill")
        .collect();
    assert_eq!(refill.len(), 2);
    let (implemented, verified) = (refill[0], refill[1]);
    assert_eq!(implemented.kind, RefKind::Impl);
    assert_eq!(implemented.revision, Some(2));
    assert_eq!(
        implemented.item.as_deref(),
        Some("limiter::Bucket::refill"),
        "inside a method body"
    );
    assert!(implemented.tests.is_empty());
    assert_eq!(verified.tests, vec![0], "right above a test");

    assert_eq!(
        tests_of(&sf, "limiter.clients"),
        vec!["limiter::tests::clients_are_independent"],
        "inside a test body"
    );

    let config = reference(&sf, "limiter.config");
    assert_eq!(
        config.item.as_deref(),
        Some("limiter::Limits"),
        "between a doc comment and a derive"
    );
    let take_impl = sf
        .references
        .iter()
        .find(|r| r.id == "limiter.take" && r.kind == RefKind::Impl)
        .expect("impl reference");
    assert_eq!(
        take_impl.item.as_deref(),
        Some("limiter::Bucket::take"),
        "impl method item path"
    );
    assert_eq!(take_impl.line, line_of(&text, "r[impl limiter.take]"));
    let bucket = reference(&sf, "limiter.bucket");
    assert_eq!(
        bucket.item.as_deref(),
        Some("limiter::Bucket"),
        "loose in an impl: the impl's type"
    );

    let lines: Vec<u32> = sf.references.iter().map(|r| r.line).collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted, "references in source order");
}

// r[verify src.tests]
#[test]
fn every_kind_of_test_attribute_is_a_test() {
    let (_, sf) = api();
    let got: Vec<(String, String)> = sf
        .tests
        .iter()
        .map(|t| (t.name.clone(), t.attribute.clone()))
        .collect();
    let want = [
        ("login_returns_a_session", "tokio::test"),
        ("many_clients_at_once", "tokio::test"),
        ("rstest_cases", "rstest"),
        ("parses_limits", "test_case"),
        ("async_std_runs", "async_std::test"),
        ("uses_a_database", "sqlx::test"),
        ("logs_are_captured", "test_log::test"),
        ("runs_in_the_browser", "wasm_bindgen_test"),
        ("reverse_twice", "quickcheck"),
        ("custom_attribute_test", "my_harness::check"),
        ("encode_decode_roundtrip", "proptest"),
        ("never_panics", "proptest"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(n, a)| (n.to_string(), a.to_string()))
        .collect();
    assert_eq!(got, want);
    assert!(sf.tests.iter().all(|t| t.binary == "limiter::api_tests"));
    assert!(sf.tests[11].ignored, "#[ignore] inside proptest!");
    assert!(!sf.tests[10].ignored);
    // `common::client` and `helper` are not tests.
    assert!(!names(&sf)
        .iter()
        .any(|n| n.contains("client()") || n == "helper"));
}

// r[verify src.attach]
// r[verify src.ref.attribute]
#[test]
fn integration_test_file_references() {
    let (_, sf) = api();
    let everything: Vec<String> = names(&sf);
    assert_eq!(tests_of(&sf, "api.health"), everything, "top of the file");
    assert_eq!(reference(&sf, "api.health").form, RefForm::Plain);
    assert_eq!(
        tests_of(&sf, "api.login"),
        vec!["login_returns_a_session"],
        "doc comment"
    );
    let concurrency = reference(&sf, "api.concurrency");
    assert_eq!(concurrency.form, RefForm::Attribute);
    assert_eq!(concurrency.kind, RefKind::Verify);
    assert_eq!(
        tests_of(&sf, "api.concurrency"),
        vec!["many_clients_at_once"]
    );
    let fairness = reference(&sf, "api.fairness");
    assert_eq!(
        (fairness.form.clone(), fairness.kind),
        (RefForm::Macro, RefKind::Verify)
    );
    assert_eq!(tests_of(&sf, "api.fairness"), vec!["many_clients_at_once"]);
    let oft = reference(&sf, "req~rate-limit");
    assert_eq!((oft.form.clone(), oft.revision), (RefForm::Oft, Some(2)));
    assert_eq!(
        tests_of(&sf, "req~rate-limit"),
        vec!["rstest_cases"],
        "between attributes"
    );
    assert_eq!(tests_of(&sf, "api.parse-limit"), vec!["parses_limits"]);
    assert_eq!(
        tests_of(&sf, "api.parse-errors"),
        vec!["parses_limits"],
        "trailing dot stripped"
    );
    let storage = reference(&sf, "api.storage");
    assert_eq!(
        (storage.form.clone(), storage.kind),
        (RefForm::Macro, RefKind::Impl)
    );
    assert_eq!(tests_of(&sf, "api.storage"), vec!["uses_a_database"]);
    assert_eq!(
        tests_of(&sf, "api.roundtrip"),
        vec!["encode_decode_roundtrip"]
    );
    assert_eq!(
        tests_of(&sf, "api.no-panic"),
        vec!["never_panics"],
        "unquoted id in proptest!"
    );
    let helper = reference(&sf, "api.helper");
    assert_eq!(helper.item.as_deref(), Some("helper"));
    assert!(helper.tests.is_empty());
    assert_eq!(codes(&sf), vec![(Code::VerifyOutsideTest, helper.line)]);
}

// r[verify src.ref.file]
#[test]
fn a_ui_test_file_is_its_own_test() {
    let text = fixture("ui_reference.rs");
    let sf = scan("tests/ui/diagnostic/unknown.rs", &text, "rustc::ui", &[]);
    assert_eq!(sf.tests.len(), 1);
    let test = &sf.tests[0];
    assert_eq!(test.name, "tests/ui/diagnostic/unknown.rs");
    assert_eq!(
        (test.binary.as_str(), test.attribute.as_str(), test.line),
        ("rustc::ui", "reference", 1)
    );
    let r = reference(&sf, "attributes.diagnostic.namespace.unknown");
    assert_eq!(
        (r.form.clone(), r.kind, r.tests.clone()),
        (RefForm::FileReference, RefKind::Verify, vec![0])
    );
    assert!(sf.diagnostics.is_empty());
}

// r[verify src.ref.file]
#[test]
fn file_reference_belongs_to_every_test_of_a_file_that_has_tests() {
    let text = r#"//@ reference: lint.unused
#[test]
fn a() {}

mod inner {
    #[test]
    fn b() {}
}
"#;
    let sf = scan("tests/lints.rs", text, "pkg::lints", &[]);
    assert_eq!(names(&sf), vec!["a", "inner::b"]);
    assert_eq!(reference(&sf, "lint.unused").tests, vec![0, 1]);
}

// r[verify src.masking]
// r[verify src.ref.marker]
#[test]
fn traps_are_not_references() {
    let text = fixture("traps.rs");
    let sf = scan("src/traps.rs", &text, "traps", &["traps"]);
    let ids: Vec<&str> = sf.references.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec!["traps.after-char", "traps.nowhere"]);
    let after_char = reference(&sf, "traps.after-char");
    assert_eq!(after_char.item.as_deref(), Some("traps::parse_marker"));
    assert_eq!(
        reference(&sf, "traps.nowhere").item.as_deref(),
        Some("traps::LIMIT")
    );
    assert_eq!(
        codes(&sf),
        vec![
            (Code::UnknownVerb, line_of(&text, "frobnicate")),
            (Code::VerifyOutsideTest, line_of(&text, "traps.nowhere")),
        ]
    );
    assert_eq!(names(&sf), vec!["traps::tests::parses"]);
}

// r[verify src.masking]
#[test]
fn code_span_over_two_plain_line_comments() {
    let text = r#"#[test]
fn spans() {
    // Write markers as `r[verify
    // spans.split]` in the docs; r[verify spans.real] is real.
}
"#;
    let sf = scan("tests/spans.rs", text, "pkg::spans", &[]);
    let ids: Vec<&str> = sf.references.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec!["spans.real"]);
    assert_eq!(sf.references[0].line, 4);
}

// r[verify src.unparsed]
#[test]
fn unparsable_file_still_gives_tests_and_attached_references() {
    let text = fixture("broken.rs");
    let sf = scan("src/broken.rs", &text, "app", &["broken"]);
    assert_eq!(sf.diagnostics[0].code, Code::UnparsedFile);
    let message = &sf.diagnostics[0].message;
    let at = sf.diagnostics[0]
        .location
        .as_ref()
        .map(|l| l.line)
        .unwrap_or(0);
    assert!(at > 1, "syn's line: {message}");
    assert!(
        message.contains(&format!("{at}:")),
        "line:column in {message}"
    );
    assert_eq!(
        names(&sf),
        vec![
            "broken::tests::first",
            "broken::tests::second",
            "broken::tests::third"
        ]
    );
    assert!(sf.tests[1].ignored && !sf.tests[0].ignored);
    assert_eq!(sf.tests[2].attribute, "tokio::test");
    assert_eq!(tests_of(&sf, "broken.top").len(), 3, "top of the file");
    assert_eq!(tests_of(&sf, "broken.first"), vec!["broken::tests::first"]);
    assert_eq!(
        tests_of(&sf, "broken.second"),
        vec!["broken::tests::second"]
    );
    assert_eq!(tests_of(&sf, "broken.macro"), vec!["broken::tests::second"]);
    assert_eq!(tests_of(&sf, "broken.third"), vec!["broken::tests::third"]);
    assert_eq!(tests_of(&sf, "broken.attr"), vec!["broken::tests::third"]);
    assert!(sf.references.iter().all(|r| r.id != "not.a.ref"));
    assert_eq!(codes(&sf).len(), 1, "{:?}", sf.diagnostics);
}

// r[verify src.masking]
#[test]
fn production_code_without_candidates_is_not_parsed() {
    let text = fixture("production.rs");
    let sf = scan("src/money.rs", &text, "shop", &["money"]);
    assert_eq!(
        sf,
        SourceFile {
            file: "src/money.rs".into(),
            ..SourceFile::default()
        }
    );
    // A syntax error goes unnoticed: syn never ran, so there is no unparsed-file warning.
    let broken = format!("{text}\nfn broken( {{");
    assert!(scan("src/money.rs", &broken, "shop", &["money"])
        .diagnostics
        .is_empty());
}

// r[verify src.test-names]
// r[verify src.tests]
#[test]
fn nested_modules_cfgs_and_non_tests() {
    let text = r#"#[cfg(unix)]
mod a {
    mod b {
        #[cfg(feature = "slow")]
        #[test]
        fn deep() {}

        #[cfg(all(test, feature = "x"))]
        #[test]
        fn kept_as_written() {}
    }

    struct S;

    impl S {
        #[test]
        fn method_is_not_a_test() {}
    }

    #[test]
    fn outer() {
        #[test]
        fn nested_in_a_body_is_not_a_test() {}
    }

    #[test_case(1)]
    #[test_case(2)]
    #[test_case(3)]
    fn three_cases_one_test(n: u32) {}

    #[rstest]
    #[tokio::test]
    async fn first_test_attribute_names_it() {}
}
"#;
    let sf = scan("src/x/mod.rs", text, "pkg", &["x"]);
    let got: Vec<(String, Option<String>, String)> = sf
        .tests
        .iter()
        .map(|t| (t.name.clone(), t.cfg.clone(), t.attribute.clone()))
        .collect();
    let s = |v: &str| v.to_string();
    assert_eq!(
        got,
        vec![
            (
                s("x::a::b::deep"),
                Some(s("all(unix, feature = \"slow\")")),
                s("test")
            ),
            (
                s("x::a::b::kept_as_written"),
                Some(s("all(unix, all(test, feature = \"x\"))")),
                s("test")
            ),
            (s("x::a::outer"), Some(s("unix")), s("test")),
            (
                s("x::a::three_cases_one_test"),
                Some(s("unix")),
                s("test_case")
            ),
            (
                s("x::a::first_test_attribute_names_it"),
                Some(s("unix")),
                s("rstest")
            ),
        ]
    );
}

// r[verify src.attach]
#[test]
fn module_level_attachment_rules() {
    let text = r#"//! Storage layer.
//! r[impl store.layer]

use std::collections::HashMap;

/// r[impl store.trait]
pub trait Store {
    // r[impl store.get]
    fn get(&self, key: &str) -> Option<String>;
    fn put(&mut self, key: &str, value: String) {
        // r[impl store.put]
        let _ = (key, value);
    }
}

// r[verify store.loose]

pub fn helper() {}

#[cfg(test)]
mod tests {
    //! r[verify store.inner-doc]
    use super::*;

    // r[verify store.after-use]

    #[test]
    fn get_missing() {}

    // r[verify store.between]

    #[test]
    fn put_then_get() {}
}
"#;
    let sf = scan("src/store.rs", text, "pkg", &["store"]);
    assert_eq!(
        names(&sf),
        vec!["store::tests::get_missing", "store::tests::put_then_get"]
    );
    let item = |id: &str| reference(&sf, id).item.clone();
    assert_eq!(item("store.layer").as_deref(), Some("store"));
    assert_eq!(
        reference(&sf, "store.layer").tests,
        vec![0, 1],
        "inner doc of the file"
    );
    assert_eq!(item("store.trait").as_deref(), Some("store::Store"));
    assert_eq!(item("store.get").as_deref(), Some("store::Store::get"));
    assert_eq!(item("store.put").as_deref(), Some("store::Store::put"));
    assert!(
        reference(&sf, "store.loose").tests.is_empty(),
        "separated from the next item"
    );
    assert_eq!(item("store.loose").as_deref(), Some("store"));
    assert_eq!(reference(&sf, "store.inner-doc").tests, vec![0, 1]);
    assert_eq!(
        reference(&sf, "store.after-use").tests,
        vec![0, 1],
        "top of the module"
    );
    assert!(reference(&sf, "store.between").tests.is_empty());
    assert_eq!(item("store.between").as_deref(), Some("store::tests"));
    let warned: Vec<u32> = sf
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::VerifyOutsideTest)
        .filter_map(|d| d.location.as_ref().map(|l| l.line))
        .collect();
    assert_eq!(
        warned,
        vec![line_of(text, "store.loose"), line_of(text, "store.between")]
    );
}

// r[verify src.attach]
#[test]
fn top_of_file_needs_a_blank_line_before_the_first_item() {
    let separated = r#"// r[verify top.all]

#[test]
fn a() {}

#[test]
fn b() {}
"#;
    let sf = scan("tests/t.rs", separated, "pkg::t", &[]);
    assert_eq!(reference(&sf, "top.all").tests, vec![0, 1]);
    let adjacent = separated.replace("top.all]\n\n", "top.all]\n");
    let sf = scan("tests/t.rs", &adjacent, "pkg::t", &[]);
    assert_eq!(reference(&sf, "top.all").tests, vec![0]);
}

// r[verify src.ref.marker]
#[test]
fn configured_prefixes_only() {
    let text = r#"// req[verify p.req] r[verify p.r] spec[verify p.spec]
#[test]
fn t() {}
"#;
    let options = SourceOptions {
        test_attributes: Vec::new(),
        test_macros: Vec::new(),
        prefixes: vec!["req".to_string()],
    };
    let sf = scan_source("tests/p.rs", text, &unit("pkg::p", &[]), &options);
    let ids: Vec<(&str, &RefForm)> = sf
        .references
        .iter()
        .map(|r| (r.id.as_str(), &r.form))
        .collect();
    assert_eq!(
        ids,
        vec![(
            "p.req",
            &RefForm::Marker {
                prefix: "req".to_string()
            }
        )]
    );
}

// r[verify src.masking]
#[test]
fn byte_order_mark_shebang_and_crlf_keep_lines() {
    let text = "\u{feff}#!/usr/bin/env run-cargo-script\r\n// r[verify eol.crlf]\r\n#[test]\r\nfn t() { let s = \"\u{e9}\"; }\r\n\r\n#[cfg(not(miri))]\r\n#[test]\r\nfn u() {}\r\n";
    let sf = scan("tests/eol.rs", text, "pkg::eol", &[]);
    assert!(sf.diagnostics.is_empty(), "{:?}", sf.diagnostics);
    assert_eq!(names(&sf), vec!["t", "u"]);
    assert_eq!((sf.tests[0].line, sf.tests[1].line), (4, 8));
    assert_eq!(sf.tests[1].cfg.as_deref(), Some("not(miri)"));
    assert_eq!(reference(&sf, "eol.crlf").tests, vec![0]);
}

/// A small deterministic generator, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

// r[verify src.unparsed]
#[test]
fn garbage_never_panics() {
    let pieces = [
        "#[test]",
        "fn ",
        "f",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "'",
        "r#\"",
        "\"#",
        "//",
        "/*",
        "*/",
        "\n",
        " ",
        "mod m ",
        "proptest! ",
        "verify_req!(",
        "requirement_covered!",
        "r[verify a.b]",
        "`",
        "'a",
        "b'",
        "#",
        "!",
        ";",
        "impl ",
        "<",
        ">",
        "\\",
        "//!",
        "///",
        "//@ reference: x",
        "#[verifies(\"v\")]",
        "#[ignore]",
        "é",
        "\u{0}",
        "fn g();",
        "#[cfg(x)]",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..400 {
        let mut text = String::new();
        if round % 4 == 0 {
            let bytes: Vec<u8> = (0..rng.below(400)).map(|_| rng.next() as u8).collect();
            text = String::from_utf8_lossy(&bytes).into_owned();
        } else {
            for _ in 0..rng.below(120) {
                text.push_str(pieces[rng.below(pieces.len())]);
            }
        }
        let sf = scan("tests/fuzz.rs", &text, "pkg::fuzz", &["m"]);
        let lines = text.lines().count().max(1) as u32 + 1;
        for r in &sf.references {
            assert!(r.line >= 1 && r.line <= lines, "{text:?}");
            assert!(r.tests.iter().all(|&t| t < sf.tests.len()), "{text:?}");
        }
    }
}

// r[verify src.unparsed]
#[test]
fn deep_nesting_is_parsed_on_a_large_stack_or_refused() {
    let shapes = |depth: usize| {
        vec![
            format!(
                "fn f() {{ let x = {}1{}; }}",
                "(".repeat(depth),
                ")".repeat(depth)
            ),
            format!("type T = {}u8{};", "Box<".repeat(depth), ">".repeat(depth)),
            format!("type T = {}u8;", "Box<A, ".repeat(depth)),
            format!("fn f() {}{}", "{".repeat(depth), "}".repeat(depth)),
            format!("fn f() {{ let x = {}1; }}", "|| ".repeat(depth)),
            format!("fn f() {{ let x = y{}; }}", ".a()".repeat(depth * 20)),
        ]
    };
    for shape in shapes(300) {
        let text = format!("#[test]\nfn t() {{}}\n{shape}\n");
        let sf = scan("tests/deep.rs", &text, "pkg::deep", &[]);
        assert_eq!(names(&sf), vec!["t"]);
    }
    for shape in shapes(4000) {
        let text = format!("// r[verify deep.x]\n#[test]\nfn t() {{}}\n{shape}\n");
        let sf = scan("tests/deep.rs", &text, "pkg::deep", &[]);
        assert_eq!(names(&sf), vec!["t"]);
        assert_eq!(reference(&sf, "deep.x").tests, vec![0]);
    }
}

// r[verify src.unparsed]
#[test]
fn functions_without_bodies_and_unbalanced_braces() {
    let text = r#"// r[verify nb.top]

mod tests {
    #[test]
    fn no_body();

    // r[verify nb.second]
    #[test]
    fn second() {
        if x {
    }
"#;
    let sf = scan("src/nb.rs", text, "pkg", &[]);
    assert_eq!(sf.diagnostics[0].code, Code::UnparsedFile);
    assert_eq!(names(&sf), vec!["tests::no_body", "tests::second"]);
    assert_eq!(reference(&sf, "nb.top").tests, vec![0, 1]);
    assert_eq!(reference(&sf, "nb.second").tests, vec![1]);
}

// r[verify src.attach]
#[test]
fn outer_doc_comment_documents_the_next_item_across_blank_lines() {
    let text = r#"use std::fmt;

/// Checks the ledger balance.
/// r[verify ledger.balance]

#[test]
fn balance() {}

#[test]
fn other() {}
"#;
    let sf = scan("tests/ledger.rs", text, "pkg::ledger", &[]);
    assert_eq!(reference(&sf, "ledger.balance").tests, vec![0]);
}

// r[verify src.unparsed]
#[test]
fn a_syntax_error_inside_a_body_does_not_lose_the_file() {
    // Only the item structure is parsed: a broken statement leaves every test and reference
    // in place, and is no reason for an unparsed-file warning.
    let text = r#"#[test]
fn broken_statement() {
    // r[verify body.error]
    let x = ;
}

#[test]
fn fine() {}
"#;
    let sf = scan("tests/b.rs", text, "pkg::b", &[]);
    assert!(sf.diagnostics.is_empty(), "{:?}", sf.diagnostics);
    assert_eq!(names(&sf), vec!["broken_statement", "fine"]);
    assert_eq!(reference(&sf, "body.error").tests, vec![0]);
    // A broken item is another matter.
    let broken = text.replace("fn fine() {}", "fn fine( {}");
    let sf = scan("tests/b.rs", &broken, "pkg::b", &[]);
    assert_eq!(codes(&sf)[0], (Code::UnparsedFile, 8));
    assert!(
        sf.diagnostics[0].message.contains("8:"),
        "{}",
        sf.diagnostics[0].message
    );
    assert_eq!(names(&sf), vec!["broken_statement", "fine"]);
}

// r[verify src.tests]
#[test]
fn item_shapes_that_only_look_unusual() {
    let text = r#"#![warn(rust_2018_idioms)]
use ::std::fmt;
extern crate alloc;
macro_rules! try { ($e:expr) => { match $e { Ok(v) => v, Err(e) => return Err(e) } }; }
pub struct Fixed<const N: usize = { 2 + 2 }>;
pub(crate) const unsafe extern "C" fn raw() {}
impl ::std::fmt::Debug for Fixed { fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { Ok(()) } }
unsafe impl<T: Send> Send for Wrapper<T> where T: Sync {}
pub trait Alias = Send + Sync;
static mut COUNTER: u32 = 0;
extern "C" { fn puts(s: *const u8) -> i32; }
union Bits { f: f32, u: u32 }
type Pair<T> = (T, T);
impl<T> [T; 2] {}

#[cfg(test)]
mod tests {
    #[test]
    fn after_all_of_that() {}
}
"#;
    let sf = scan("src/shapes.rs", text, "pkg", &[]);
    assert!(sf.diagnostics.is_empty(), "{:?}", sf.diagnostics);
    assert_eq!(names(&sf), vec!["tests::after_all_of_that"]);
}

// r[verify src.unparsed]
#[test]
fn mutated_fixtures_never_panic_or_hang() {
    let seeds: Vec<String> = [
        "limiter.rs",
        "api_tests.rs",
        "broken.rs",
        "traps.rs",
        "ui_reference.rs",
    ]
    .iter()
    .map(|name| fixture(name))
    .collect();
    let noise = b"{}()[]\"'/*#!\n<>r;";
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..300 {
        let mut bytes = seeds[rng.below(seeds.len())].clone().into_bytes();
        for _ in 0..rng.below(8) + 1 {
            let at = rng.below(bytes.len().max(1)).min(bytes.len());
            match rng.below(3) {
                0 if at < bytes.len() => {
                    bytes.remove(at);
                }
                1 => bytes.insert(at, noise[rng.below(noise.len())]),
                _ => {
                    let end = (at + rng.below(40)).min(bytes.len());
                    bytes.drain(at..end);
                }
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let sf = scan("src/m.rs", &text, "pkg", &["m"]);
        assert!(sf
            .references
            .iter()
            .all(|r| r.tests.iter().all(|&t| t < sf.tests.len())));
    }
}

// r[verify workspace.attachment]
#[test]
fn a_reference_above_an_out_of_line_module_names_that_module() {
    let text = r#"pub fn double(n: u32) -> u32 { n * 2 }

// r[verify x.two]
#[cfg(test)]
mod tests;
"#;
    let sf = scan("src/lib.rs", text, "calc", &[]);
    let r = reference(&sf, "x.two");
    assert_eq!(r.module, Some(("calc".to_string(), "tests".to_string())));
    assert!(r.tests.is_empty());
    // The graph finds the tests in src/tests.rs; no warning here.
    assert!(codes(&sf).is_empty(), "{:?}", sf.diagnostics);
}

// r[verify workspace.attachment]
#[test]
fn a_reference_inside_an_item_macro_belongs_to_the_test_inside() {
    let text = r#"mod tests {
    my_macro! {
        // r[verify x.one]
        #[test]
        fn inside() {}
    }

    #[test]
    fn after() {}
}
"#;
    let sf = scan("src/lib.rs", text, "calc", &[]);
    assert_eq!(names(&sf), vec!["tests::inside", "tests::after"]);
    assert_eq!(tests_of(&sf, "x.one"), vec!["tests::inside"]);
}

// r[verify workspace.generated]
#[test]
fn configured_wrapper_macros_hold_tests_like_proptest() {
    let text = r#"#[cfg(test)]
mod tests {
    props! {
        // r[verify x.wrapped]
        #[test]
        fn reverses(s in "[a-z]{0,8}") { check(s); }

        #[test]
        fn other(n in 0u8..3) { check(n); }
    }
}
"#;
    let options = SourceOptions {
        test_macros: vec!["props".to_string()],
        ..SourceOptions::default()
    };
    let sf = scan_source("src/lib.rs", text, &unit("calc", &[]), &options);
    assert_eq!(names(&sf), vec!["tests::reverses", "tests::other"]);
    assert_eq!(tests_of(&sf, "x.wrapped"), vec!["tests::reverses"]);
    assert_eq!(sf.tests[0].attribute, "props");
    assert_eq!(sf.tests[0].line, line_of(text, "fn reverses"));
    // Without the config key the invocation is a generator like any other: the reference
    // claims every test it generates, under the macro's name.
    let sf = scan("src/lib.rs", text, "calc", &[]);
    assert_eq!(tests_of(&sf, "x.wrapped"), vec!["tests::props!"]);
    assert!(sf.tests[0]
        .generates
        .contains(&"tests::reverses".to_string()));
    assert!(sf.tests[0].generates.contains(&"tests::other".to_string()));
}

// r[verify workspace.generated]
#[test]
fn macro_generated_tests_are_claimed_at_the_invocation_and_the_definition() {
    let text = r#"// r[verify x.def]
macro_rules! trim_cases {
    ($($name:ident: $input:expr => $want:expr;)*) => {
        $( #[test] fn $name() { assert_eq!($input.trim(), $want); } )*
    };
}

macro_rules! not_a_generator {
    ($x:expr) => { $x + 1 };
}

mod tests {
    // r[verify x.call]
    trim_cases! {
        trims_spaces: "  a " => "a";
        trims_tabs: "\ta\t" => "a";
    }

    trim_cases! {
        trims_newlines: "\na\n" => "a";
    }
}
"#;
    let sf = scan("src/lib.rs", text, "text-utils", &[]);
    assert!(codes(&sf).is_empty(), "{:?}", sf.diagnostics);
    assert_eq!(tests_of(&sf, "x.call"), vec!["tests::trim_cases!"]);
    assert_eq!(
        tests_of(&sf, "x.def"),
        vec!["tests::trim_cases!", "tests::trim_cases!"]
    );
    let first = &sf.tests[reference(&sf, "x.call").tests[0]];
    assert_eq!(first.line, line_of(text, "trim_cases! {"));
    assert!(first.generates.contains(&"tests::trims_spaces".to_string()));
    assert!(first.generates.contains(&"tests::trims_tabs".to_string()));
    assert!(!first
        .generates
        .contains(&"tests::trims_newlines".to_string()));
}

// r[verify workspace.doctests]
#[test]
fn a_reference_on_a_documented_item_claims_its_doctests() {
    let text = r#"/// Adds.
///
/// ```
/// assert_eq!(calc::add(1, 1), 2);
/// ```
// r[verify x.doc]
pub fn add(a: u32, b: u32) -> u32 { a + b }

pub struct Counter(u32);

impl Counter {
    /// r[verify x.method]
    ///
    /// ```should_panic
    /// calc::Counter(0).fail();
    /// ```
    pub fn fail(&self) {}

    /// No example here.
    ///
    /// ```text
    /// not rust
    /// ```
    // r[verify x.none]
    pub fn plain(&self) {}
}
"#;
    let sf = scan("crates/calc/src/lib.rs", text, "calc", &[]);
    assert_eq!(tests_of(&sf, "x.doc"), vec!["crates/calc/src/lib.rs - add"]);
    assert_eq!(
        tests_of(&sf, "x.method"),
        vec!["crates/calc/src/lib.rs - Counter::fail"]
    );
    let doctest = &sf.tests[reference(&sf, "x.doc").tests[0]];
    assert_eq!(doctest.attribute, "doctest");
    assert_eq!(
        doctest.generates,
        vec![
            "crates/calc/src/lib.rs - add",
            "calc/src/lib.rs - add",
            "src/lib.rs - add",
            "lib.rs - add"
        ]
    );
    assert!(tests_of(&sf, "x.none").is_empty());
    assert_eq!(
        codes(&sf),
        vec![(Code::VerifyOutsideTest, line_of(text, "x.none"))]
    );
}

// r[verify workspace.generated]
#[test]
fn a_macro_call_in_production_code_generates_no_test() {
    let text = r#"// r[verify x.prod]
lazy_static! {
    static ref TABLE: Vec<u8> = build();
}

#[cfg(test)]
mod tests {
    // r[verify x.test]
    cases! { one: 1; two: 2; }
}
"#;
    let sf = scan("src/lib.rs", text, "calc", &[]);
    assert!(tests_of(&sf, "x.prod").is_empty());
    assert_eq!(codes(&sf), vec![(Code::VerifyOutsideTest, 1)]);
    assert_eq!(tests_of(&sf, "x.test"), vec!["tests::cases!"]);
    // In an integration-test file every module is test code.
    let text = "// r[verify x.it]\ncases! { one: 1; }\n";
    let sf = scan("tests/api.rs", text, "calc::api", &[]);
    assert_eq!(tests_of(&sf, "x.it"), vec!["cases!"]);
}

// r[verify src.tests]
#[test]
fn signatures_with_braced_const_arguments_still_parse() {
    // Only the name of a function is read; a `{` inside its generics is a const argument, not
    // its body, and must not end the signature.
    let text = r#"pub fn buffer() -> ArrayVec<u8, { 4 * 1024 }> {
    ArrayVec::new()
}

pub trait Sized2 {
    fn make() -> Foo<{ 3 }>;
}

fn checked<const N: usize>() -> bool
where
    Assert<{ N < 8 }>: IsTrue,
{
    true
}

#[test]
async fn r#type() {
    // r[verify sig.raw]
    assert!(checked::<3>());
}
"#;
    let sf = scan("tests/sig.rs", text, "pkg::sig", &[]);
    assert!(sf.diagnostics.is_empty(), "{:?}", sf.diagnostics);
    assert_eq!(names(&sf), vec!["r#type"]);
    let test = &sf.tests[0];
    assert_eq!(test.line, line_of(text, "async fn r#type"));
    assert_eq!(test.span.last, line_of(text, "async fn r#type") + 3);
}

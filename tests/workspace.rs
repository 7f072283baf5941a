//! Results from real runs of a real Cargo workspace joined to the right tests (issue 12).
//!
//! `fixtures/workspace` is a three-member workspace (a hyphenated library with unit, `tests/it`
//! and plain integration tests; a lib+bin package whose binary has private modules; a package
//! with a `[[bin]] name` rename and a second `src/bin/` binary) using rstest, test-case,
//! proptest, tokio, a `macro_rules!` test generator, a wrapper macro around `proptest!`,
//! doctests, a test that aborts, one that writes raw stdout and fails, and a flaky one. Its
//! `regenerate` script ran it with cargo-nextest (plain, with retries, libtest-json) and with
//! `cargo test`'s libtest JSON; the files it wrote are committed in `fixtures/workspace/results/`
//! and read here, so this suite never builds that workspace.
//!
//! Every expectation below is written by hand from what the frameworks reported (the
//! committed files) and from the fixture's sources, not from reqtrail's output.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/workspace")
}

/// The results files the regenerate script writes.
const NEXTEST: &str = "results/nextest.xml";
const RETRIES: &str = "results/nextest-retries.xml";
const NEXTEST_JSON: &str = "results/nextest-libtest.json";
const CARGO_TEST: &str = "results/cargo-test.json";
const ALL: [&str; 4] = [NEXTEST, RETRIES, NEXTEST_JSON, CARGO_TEST];

/// `reqtrail check` on the fixture with one results file: the JSON report.
fn check(results: &str) -> Value {
    let output = Command::cargo_bin("reqtrail")
        .unwrap_or_else(|e| panic!("{e}"))
        .current_dir(fixture())
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("NO_COLOR", "1")
        .args(["check", ".", "--results", results, "--json", "-", "-q"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    // The fixture has failing tests on purpose: the gate fails (1), it never errors (2).
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// `binary test` -> result, for every test in the report.
fn test_results(report: &Value) -> BTreeMap<String, String> {
    report["tests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            (
                format!(
                    "{} {}",
                    t["binary"].as_str().unwrap_or(""),
                    t["test"].as_str().unwrap_or("")
                ),
                t["result"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn requirement<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["requirements"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no requirement {id}"))
}

fn statuses(report: &Value) -> BTreeMap<String, String> {
    report["requirements"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or("").to_string(),
                r["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Every test function of the fixture with the outcome the frameworks reported, for the runs
/// without retries. `passes_on_retry` fails on its first attempt; only the retries run passes it.
const TESTS: &[(&str, &str, &str)] = &[
    ("calc-cli", "tests::adds", "passed"),
    ("calc-cli", "tests::division_by_zero_is_none", "failed"),
    ("calc-cli", "tests::parses_numbers", "passed"),
    ("calc-cli", "tests::reports_progress", "failed"),
    (
        "calc-cli::bin/calc-cli",
        "args::tests::parses_numbers",
        "passed",
    ),
    (
        "calc-cli::bin/calc-cli",
        "tests::no_words_is_usage",
        "passed",
    ),
    (
        "calc-cli::bin/calc-cli",
        "args::tests::too_few_words_is_usage",
        "failed",
    ),
    ("calc-cli::crash", "aborts", "failed"),
    ("mini-redis", "tests::default_port_is_redis_port", "passed"),
    (
        "mini-redis::bin/mini-redis-cli",
        "tests::defaults_to_local_redis_port",
        "passed",
    ),
    (
        "mini-redis::bin/server",
        "tests::an_explicit_address_is_kept",
        "passed",
    ),
    (
        "mini-redis::bin/server",
        "tests::defaults_to_local_redis_port",
        "failed",
    ),
    ("text-utils", "more_tests::adds_zero", "passed"),
    ("text-utils", "more_tests::doubles_zero", "passed"),
    (
        "text-utils",
        "slug::tests::joins_words_with_dashes",
        "passed",
    ),
    ("text-utils", "tests::adding_zero_keeps", "passed"),
    ("text-utils", "tests::addition_commutes", "passed"),
    ("text-utils", "tests::adds_small_numbers", "passed"),
    ("text-utils", "tests::after_the_macro", "passed"),
    ("text-utils", "tests::current_thread_runtime", "passed"),
    ("text-utils", "tests::doubles", "failed"),
    ("text-utils", "tests::doubles_by_case", "passed"),
    ("text-utils", "tests::empty_slug_panics", "passed"),
    ("text-utils", "tests::every_number_adds", "skipped"),
    ("text-utils", "tests::fixture_is_injected", "passed"),
    ("text-utils", "tests::multi_thread_runtime", "passed"),
    (
        "text-utils",
        "tests::nested::deeper::reached_through_two_modules",
        "passed",
    ),
    ("text-utils", "tests::only_on_unix", "passed"),
    // generated by `trim_cases!` (two invocations), inside `props!` and inside `keep!`
    ("text-utils", "tests::trim_cases!", "passed"),
    ("text-utils", "tests::reversing_twice_is_identity", "passed"),
    ("text-utils", "tests::slugs_have_no_spaces", "passed"),
    ("text-utils", "tests::inside_the_macro", "passed"),
    // doctests: only `cargo test` runs them
    (
        "text-utils",
        "crates/text-utils/src/lib.rs - add",
        "doctest",
    ),
    (
        "text-utils",
        "crates/text-utils/src/lib.rs - Counter::next",
        "doctest",
    ),
    (
        "text-utils",
        "crates/text-utils/src/slug.rs - slug::slugify",
        "doctest",
    ),
    ("text-utils::basic", "adds_small_numbers", "passed"),
    ("text-utils::it", "adds_through_the_public_api", "passed"),
    ("text-utils::it", "flaky::passes_on_retry", "failed"),
    ("text-utils::it", "parse::slug_of_a_title", "passed"),
];

fn expected_tests(results: &str) -> BTreeMap<String, String> {
    TESTS
        .iter()
        .map(|(binary, name, outcome)| {
            let outcome = if results == RETRIES && *name == "flaky::passes_on_retry" {
                "passed"
            } else if *outcome == "doctest" {
                // nextest does not run doctests.
                if results == CARGO_TEST {
                    "passed"
                } else {
                    "not-run"
                }
            } else if *outcome == "skipped" && (results == NEXTEST || results == RETRIES) {
                // nextest's JUnit leaves ignored tests out.
                "not-run"
            } else {
                outcome
            };
            (format!("{binary} {name}"), outcome.to_string())
        })
        .collect()
}

// r[verify workspace.targets]
// r[verify workspace.libtest-crash]
// r[verify workspace.libtest-stdout]
// r[verify workspace.libtest-suites]
// r[verify workspace.generated]
// r[verify workspace.doctests]
#[test]
fn every_test_function_gets_the_outcome_its_framework_reported() {
    for results in ALL {
        let report = check(results);
        let got = test_results(&report);
        let want = expected_tests(results);
        for (test, outcome) in &want {
            assert_eq!(got.get(test), Some(outcome), "{results}: test `{test}`");
        }
    }
}

// r[verify workspace.targets]
#[test]
fn a_renamed_bin_and_a_second_bin_with_the_same_test_name_stay_apart() {
    for results in ALL {
        let report = check(results);
        // The CLI's test passed, the server's same-named test failed: each keeps its own.
        assert_eq!(
            requirement(&report, "redis.cli-port")["status"],
            "verified",
            "{results}"
        );
        let server = requirement(&report, "redis.server-port");
        assert_eq!(server["status"], "failing", "{results}");
        assert!(
            server["reason"]
                .as_str()
                .is_some_and(|r| r.contains("tests::defaults_to_local_redis_port")),
            "{results}: {server}"
        );
    }
}

// r[verify workspace.targets]
#[test]
fn tests_of_a_binarys_private_modules_belong_to_the_binary() {
    for results in ALL {
        let report = check(results);
        assert_eq!(requirement(&report, "calc.args")["status"], "verified");
        // A failing test there fails its requirement instead of leaving it "not run".
        assert_eq!(
            requirement(&report, "calc.args-usage")["status"],
            "failing",
            "{results}"
        );
    }
}

// r[verify workspace.libtest-crash]
#[test]
fn a_test_that_aborts_its_process_fails_with_the_reason() {
    let report = check(CARGO_TEST);
    let crash = requirement(&report, "calc.crash");
    assert_eq!(crash["status"], "failing");
    let test = report["tests"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["test"] == "aborts")
        .unwrap_or_else(|| panic!("no test `aborts`"));
    let message = test["message"].as_str().unwrap_or("");
    assert!(message.contains("crashed"), "{message}");
    // nextest saw the signal itself and says so.
    let report = check(NEXTEST);
    assert_eq!(requirement(&report, "calc.crash")["status"], "failing");
}

// r[verify workspace.libtest-stdout]
#[test]
fn a_failure_printed_after_raw_stdout_is_not_lost() {
    let text = std::fs::read_to_string(fixture().join(CARGO_TEST)).unwrap_or_default();
    // The fixture really has the shape: text, then the event, on one line.
    assert!(
        text.lines()
            .any(|l| l.starts_with("progress 50%... {") && l.contains("\"failed\"")),
        "the committed cargo-test.json lost its raw-stdout line: rerun fixtures/workspace/regenerate"
    );
    let report = check(CARGO_TEST);
    let progress = requirement(&report, "calc.progress");
    assert_eq!(progress["status"], "failing");
    assert!(progress["reason"]
        .as_str()
        .is_some_and(|r| r.contains("tests::reports_progress")));
}

// r[verify workspace.case-reason]
#[test]
fn a_failed_parametrised_case_is_named_in_the_reason() {
    for results in ALL {
        let report = check(results);
        let cases = requirement(&report, "text.rstest-cases");
        assert_eq!(cases["status"], "failing", "{results}");
        let reason = cases["reason"].as_str().unwrap_or("");
        assert!(
            reason.contains("case `tests::doubles::case_3_wrong`"),
            "{results}: {reason}"
        );
    }
}

// r[verify workspace.flaky]
#[test]
fn a_test_that_passed_on_retry_is_flaky() {
    let report = check(RETRIES);
    let flaky = report["tests"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["test"] == "flaky::passes_on_retry")
        .unwrap_or_else(|| panic!("no flaky test"))
        .clone();
    assert_eq!(flaky["result"], "passed");
    assert_eq!(flaky["flaky"], true);
    assert_eq!(requirement(&report, "text.flaky")["status"], "verified");
    // Without retries the same test simply failed.
    let report = check(NEXTEST);
    assert_eq!(requirement(&report, "text.flaky")["status"], "failing");
    let statuses = statuses(&report);
    assert_eq!(
        statuses.get("text.plain").map(String::as_str),
        Some("verified")
    );
}

/// Every requirement's status, by hand: `(id, status with cargo test, nextest, nextest with
/// retries)`; nextest's libtest-json run agrees with its JUnit run.
const STATUSES: &[(&str, &str, &str, &str)] = &[
    ("text.plain", "verified", "verified", "verified"),
    ("text.panics", "verified", "verified", "verified"),
    ("text.ignored", "unverified", "unverified", "unverified"),
    ("text.nested", "verified", "verified", "verified"),
    ("text.cfg", "verified", "verified", "verified"),
    ("text.rstest-cases", "failing", "failing", "failing"),
    ("text.rstest-values", "verified", "verified", "verified"),
    ("text.rstest-fixture", "verified", "verified", "verified"),
    ("text.test-case", "verified", "verified", "verified"),
    ("text.proptest", "verified", "verified", "verified"),
    ("text.tokio", "verified", "verified", "verified"),
    ("text.generated", "verified", "verified", "verified"),
    ("text.generator-def", "verified", "verified", "verified"),
    ("text.wrapped", "verified", "verified", "verified"),
    ("text.in-macro", "verified", "verified", "verified"),
    ("text.out-of-line", "verified", "verified", "verified"),
    ("text.doc", "verified", "unverified", "unverified"),
    ("text.doc-method", "verified", "unverified", "unverified"),
    ("text.doc-module", "verified", "unverified", "unverified"),
    ("text.it", "verified", "verified", "verified"),
    ("text.integration", "verified", "verified", "verified"),
    ("text.flaky", "failing", "failing", "verified"),
    ("calc.eval", "verified", "verified", "verified"),
    ("calc.progress", "failing", "failing", "failing"),
    ("calc.args", "verified", "verified", "verified"),
    ("calc.args-usage", "failing", "failing", "failing"),
    ("calc.crash", "failing", "failing", "failing"),
    ("redis.port", "verified", "verified", "verified"),
    ("redis.cli-port", "verified", "verified", "verified"),
    ("redis.server-port", "failing", "failing", "failing"),
];

// r[verify workspace.targets]
// r[verify workspace.generated]
// r[verify workspace.doctests]
// r[verify workspace.attachment]
#[test]
fn every_requirement_gets_the_status_its_tests_earned_and_no_real_result_is_unknown() {
    for results in ALL {
        let report = check(results);
        let got = statuses(&report);
        assert_eq!(got.len(), STATUSES.len(), "{results}: {got:?}");
        for (id, cargo_test, nextest, retries) in STATUSES {
            let want = match results {
                CARGO_TEST => cargo_test,
                RETRIES => retries,
                _ => nextest,
            };
            assert_eq!(
                got.get(*id).map(String::as_str),
                Some(*want),
                "{results}: {id} ({})",
                requirement(&report, id)["reason"]
            );
        }
        let unknown: Vec<&Value> = report["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["code"] == "unknown-result" || d["code"] == "verify-outside-test")
            .collect();
        assert!(unknown.is_empty(), "{results}: {unknown:?}");
    }
}

fn claims(report: &Value, binary: &str, test: &str) -> Vec<String> {
    report["tests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["binary"] == binary && t["test"] == test)
        .flat_map(|t| t["requirements"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect()
}

// r[verify workspace.attachment]
#[test]
fn references_attach_inside_macros_and_through_out_of_line_modules() {
    let report = check(CARGO_TEST);
    // Inside `keep! { }`: the test in the macro, not the one after it.
    assert_eq!(
        claims(&report, "text-utils", "tests::inside_the_macro"),
        vec!["text.in-macro"]
    );
    assert!(claims(&report, "text-utils", "tests::after_the_macro").is_empty());
    // Above `mod more_tests;`: both tests of src/more_tests.rs.
    assert_eq!(
        claims(&report, "text-utils", "more_tests::doubles_zero"),
        vec!["text.out-of-line"]
    );
    assert_eq!(
        claims(&report, "text-utils", "more_tests::adds_zero"),
        vec!["text.out-of-line"]
    );
    // The generator's definition claims both invocations; the first is also claimed itself.
    let generated = claims(&report, "text-utils", "tests::trim_cases!");
    assert_eq!(
        generated,
        vec!["text.generated", "text.generator-def", "text.generator-def"]
    );
}

/// `reqtrail check` on the fixture with extra arguments: exit code, stdout.
fn run(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::cargo_bin("reqtrail")
        .unwrap_or_else(|e| panic!("{e}"))
        .current_dir(fixture())
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("NO_COLOR", "1")
        .arg("check")
        .arg(".")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

// r[verify workspace.accounted]
#[test]
fn a_failed_test_that_claims_no_requirement_is_listed_in_every_report() {
    let name = "tests::division_by_zero_is_none";
    let report = check(NEXTEST);
    let listed = &report["evidence"]["failed_without_requirement"];
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["binary"], "calc-cli");
    assert_eq!(listed[0]["name"], name);
    assert_eq!(listed[0]["result"], "failed");
    let (_, terminal) = run(&["--results", NEXTEST]);
    let section = terminal
        .split("Failed tests that verify no requirement:")
        .nth(1)
        .unwrap_or_else(|| panic!("no section in:\n{terminal}"));
    assert!(section.contains(&format!("calc-cli {name}")), "{terminal}");
    let (_, markdown) = run(&["--results", NEXTEST, "--markdown", "-", "-q"]);
    assert!(
        markdown.contains("**Failed tests that verify no requirement** (1)")
            && markdown.contains(&format!("`calc-cli {name}` failed")),
        "{markdown}"
    );
    let html = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("{e}"));
    let path = html.path().to_string_lossy().into_owned();
    run(&["--results", NEXTEST, "--html", &path, "-q"]);
    let page = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        page.contains("Failed tests that verify no requirement")
            && page.contains(&format!("calc-cli {name}")),
        "no listing in the HTML"
    );
}

// r[verify workspace.accounted]
#[test]
fn results_that_match_no_test_are_listed_by_name() {
    // Scanning only two of the three crates leaves text-utils' results without a test.
    let (code, out) = run(&[
        "--src",
        "crates/calc-cli/**/*.rs",
        "--src",
        "crates/mini-redis/**/*.rs",
        "--results",
        NEXTEST,
        "--json",
        "-",
        "-q",
    ]);
    assert_eq!(code, Some(1));
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}"));
    let unmatched: Vec<String> = report["evidence"]["unmatched_results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            format!(
                "{} {} {}",
                r["binary"].as_str().unwrap_or(""),
                r["name"].as_str().unwrap_or(""),
                r["result"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        unmatched.contains(&"text-utils tests::doubles::case_3_wrong failed".to_string()),
        "{unmatched:?}"
    );
    assert!(unmatched.contains(&"text-utils::it flaky::passes_on_retry failed".to_string()));
    assert!(unmatched.iter().all(|u| u.starts_with("text-utils")));
    let (_, terminal) = run(&["--src", "crates/calc-cli/**/*.rs", "--results", NEXTEST]);
    let section = terminal
        .split("Results that match no test:")
        .nth(1)
        .unwrap_or_else(|| panic!("no section in:\n{terminal}"));
    assert!(section.contains("mini-redis::bin/server tests::defaults_to_local_redis_port"));
}

// r[verify workspace.flaky]
#[test]
fn flaky_tests_are_listed_as_flaky() {
    let report = check(RETRIES);
    let flaky = &report["evidence"]["flaky"];
    assert_eq!(flaky.as_array().map(Vec::len), Some(1), "{flaky}");
    assert_eq!(flaky[0]["name"], "flaky::passes_on_retry");
    let (_, terminal) = run(&["--results", RETRIES]);
    assert!(terminal.contains("Flaky tests (passed only on a retry):\n  passed   text-utils::it flaky::passes_on_retry"), "{terminal}");
    assert!(check(NEXTEST)["evidence"]["flaky"]
        .as_array()
        .is_some_and(Vec::is_empty));
}

// r[verify workspace.provenance]
#[test]
fn each_results_file_is_recorded_with_its_hash_producer_run_and_time() {
    use sha2::Digest;
    let report = check_all();
    let files = report["evidence"]["files"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(files.len(), 4);
    for (file, path) in files
        .iter()
        .zip([NEXTEST, CARGO_TEST, RETRIES, NEXTEST_JSON])
    {
        let bytes = std::fs::read(fixture().join(path)).unwrap_or_default();
        let sha: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(file["path"], path);
        assert_eq!(file["sha256"], sha);
    }
    // nextest's JUnit root carries the run id and the start time.
    let junit = std::fs::read_to_string(fixture().join(NEXTEST)).unwrap_or_default();
    let attr = |name: &str| {
        let at = junit
            .find(&format!(" {name}=\""))
            .map(|i| i + name.len() + 3);
        at.and_then(|i| junit[i..].split('"').next().map(str::to_string))
    };
    assert_eq!(files[0]["producer"], "cargo-nextest (JUnit)");
    assert_eq!(files[0]["run_id"].as_str(), attr("uuid").as_deref());
    assert_eq!(files[0]["timestamp"].as_str(), attr("timestamp").as_deref());
    assert_eq!(files[1]["producer"], "libtest JSON");
    assert_eq!(files[1]["run_id"], Value::Null);
    assert_eq!(files[3]["producer"], "cargo-nextest (libtest-json)");
    let (_, terminal) = run(&["--results", NEXTEST]);
    assert!(terminal.contains("results/nextest.xml · cargo-nextest (JUnit)"));
}

/// All four results files at once, in a fixed order.
fn check_all() -> Value {
    let (code, out) = run(&[
        "--results",
        NEXTEST,
        "--results",
        CARGO_TEST,
        "--results",
        RETRIES,
        "--results",
        NEXTEST_JSON,
        "--json",
        "-",
        "-q",
    ]);
    assert_eq!(code, Some(1));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}"))
}

// r[verify workspace.provenance]
#[test]
fn a_working_tree_with_uncommitted_changes_is_marked_beside_the_commit() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(root)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("git: {e}"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(root.join("spec.md"), "r[a.one]\nOne.\n").unwrap_or_default();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "spec"]);
    let check = |_: ()| -> (Value, String) {
        let run = |extra: &[&str]| {
            let output = Command::cargo_bin("reqtrail")
                .unwrap_or_else(|e| panic!("{e}"))
                .current_dir(root)
                .env_remove("GIT_DIR")
                .env_remove("GIT_WORK_TREE")
                .env("SOURCE_DATE_EPOCH", "1767225600")
                .args(["check", ".", "-q"])
                .args(extra)
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            String::from_utf8_lossy(&output.stdout).into_owned()
        };
        let json: Value =
            serde_json::from_str(&run(&["--json", "-"])).unwrap_or_else(|e| panic!("{e}"));
        (json, run(&["--markdown", "-"]))
    };
    let (clean, markdown) = check(());
    assert_eq!(clean["dirty"], false);
    assert!(clean["commit"].is_string());
    assert!(!markdown.contains("uncommitted"), "{markdown}");
    std::fs::write(root.join("spec.md"), "r[a.one]\nOne, changed.\n").unwrap_or_default();
    let (dirty, markdown) = check(());
    assert_eq!(dirty["dirty"], true);
    assert!(markdown.contains(" (uncommitted changes)"), "{markdown}");
}

// r[verify workspace.doctests]
#[test]
fn a_doctest_no_reference_claims_is_a_test_of_its_item_not_an_unknown_result() {
    // `DEFAULT_PORT` in mini-redis has an example and no reference.
    let report = check(CARGO_TEST);
    assert_eq!(
        test_results(&report).get("mini-redis crates/mini-redis/src/lib.rs - DEFAULT_PORT"),
        Some(&"passed".to_string())
    );
    assert!(claims(
        &report,
        "mini-redis",
        "crates/mini-redis/src/lib.rs - DEFAULT_PORT"
    )
    .is_empty());
    assert!(report["evidence"]["unmatched_results"]
        .as_array()
        .is_some_and(Vec::is_empty));
    // --deny warnings is not broken by it: the only warning left is the fixture's ignored-only.
    let (_, out) = run(&[
        "--results",
        CARGO_TEST,
        "--deny",
        "warnings",
        "--json",
        "-",
        "-q",
    ]);
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}"));
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, vec!["ignored-only"]);
}

//! Evidence from real runs: the fixture crate `fixtures/results-crate` (thermo) is run with
//! cargo-nextest (JUnit XML and libtest-json) and with `cargo test`'s libtest JSON, and what
//! those tools actually wrote is parsed and joined onto the fixture's tests.
//!
//! Each test works on its own copy of the fixture under Cargo's per-package temp directory
//! (`CARGO_TARGET_TMPDIR`), with `CARGO_TARGET_DIR` pointing inside that copy: nextest writes
//! its store (`target/nextest/ci/junit.xml`) next to the workspace it runs in, the fixture's
//! source tree stays clean, and a rerun only rebuilds what changed. When cargo-nextest is not
//! installed, the nextest tests say so on stderr and pass (under `CI=true` they fail instead).

use reqtrail::evidence::{join, parse_results, Join};
use reqtrail::model::{TestResult, TestStatus};
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixture's tests as the Rust scanner names them (binary id, module path), written out by
/// hand so this test does not depend on the scanner.
const TESTS: &[(&str, &str)] = &[
    ("thermo", "tests::freezing_and_boiling_points_convert"),
    ("thermo", "tests::body_temperature_round_trips"),
    ("thermo", "tests::below_absolute_zero_panics"),
    ("thermo", "tests::every_tenth_of_a_degree_round_trips"),
    ("thermo", "tests::display_has_one_decimal"),
    ("thermo", "tests::tiny_negative_value_displays_as_zero"),
    ("thermo::api", "readings_parse_in_every_unit"),
    ("thermo::api", "garbage_is_rejected_with_the_input_named"),
    ("thermo::api", "fahrenheit_reading_is_displayed_in_celsius"),
];

const PASSING: &[usize] = &[0, 1, 4, 6, 7, 8];
const SHOULD_PANIC: usize = 2;
const IGNORED: usize = 3;
const FAILING: usize = 5;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/results-crate")
}

/// A fresh copy of the fixture's sources at `CARGO_TARGET_TMPDIR/evidence-real/NAME`, keeping
/// the copy's `target/` so reruns are incremental.
fn fixture_copy(name: &str) -> PathBuf {
    let dest = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("evidence-real")
        .join(name);
    fs::create_dir_all(&dest).unwrap();
    for entry in fs::read_dir(&dest).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == "target" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            fs::remove_dir_all(entry.path()).unwrap();
        } else {
            fs::remove_file(entry.path()).unwrap();
        }
    }
    copy_tree(&fixture(), &dest);
    dest
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == "target" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `cargo` in `dir`, building into `dir/target`, without the variables the outer test run
/// (cargo or nextest) set for itself, which would otherwise leak into the inner run.
fn cargo(dir: &Path) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(program);
    for (key, _) in std::env::vars_os() {
        let key_text = key.to_string_lossy();
        let outer = key_text.starts_with("NEXTEST")
            || (key_text.starts_with("CARGO_") && key_text != "CARGO_HOME");
        if outer || key_text == "RUSTC_BOOTSTRAP" {
            command.env_remove(&key);
        }
    }
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"));
    command
}

fn nextest_available(dir: &Path) -> bool {
    let available = cargo(dir)
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !available {
        // Under CI a test that cannot run fails: a skip that passes would count as evidence.
        let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"));
        assert!(
            !ci,
            "CI=true but cargo-nextest is not installed: install it (`cargo install cargo-nextest`, \
             scripts/test does) so the nextest results can be produced"
        );
        eprintln!(
            "SKIPPED: cargo-nextest is not installed, so no nextest results can be produced \
             (install it with `cargo install cargo-nextest`)"
        );
    }
    available
}

fn run(command: &mut Command) -> Output {
    let output = command.output().unwrap();
    // The fixture has one failing test when built with `demo-failure`, so the run must fail;
    // a run that passes means the fixture (or the feature switch) is broken.
    assert!(
        !output.status.success(),
        "the fixture run should fail (one failing test)\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn parse_and_join(file: &str, text: &str, stderr: &[u8]) -> (Vec<TestResult>, Join) {
    let results = parse_results(file, text).unwrap_or_else(|err| {
        panic!(
            "cannot read {file}: {err}\nrun's stderr:\n{}",
            String::from_utf8_lossy(stderr)
        )
    });
    let tests: Vec<(String, String)> = TESTS
        .iter()
        .map(|(binary, name)| (binary.to_string(), name.to_string()))
        .collect();
    let joined = join(&tests, &results);
    (results, joined)
}

/// What every format must agree on; returns the failing test's message.
fn assert_fixture_outcomes(results: &[TestResult], joined: &Join) -> String {
    let status = |i: usize| joined.per_test[i].as_ref().map(|(status, _)| *status);
    let unmatched: Vec<&TestResult> = joined.unmatched.iter().map(|&r| &results[r]).collect();
    assert!(
        unmatched.is_empty(),
        "results naming no test: {unmatched:#?}"
    );
    for &i in PASSING {
        assert_eq!(status(i), Some(TestStatus::Passed), "{:?}", TESTS[i]);
    }
    assert_eq!(status(SHOULD_PANIC), Some(TestStatus::Passed));
    assert!(
        matches!(status(IGNORED), None | Some(TestStatus::Skipped)),
        "ignored test: {:?}",
        status(IGNORED)
    );
    assert_eq!(status(FAILING), Some(TestStatus::Failed));
    let message = joined.per_test[FAILING]
        .as_ref()
        .and_then(|(_, message)| message.clone())
        .unwrap_or_default();
    assert!(message.contains(r#""-0.0 °C""#), "{message}");
    message
}

/// The result for the failing test points at the line of the results file that names it.
fn assert_failure_location(results: &[TestResult], text: &str, expected_file: &str) {
    let failing = results
        .iter()
        .find(|r| r.name == TESTS[FAILING].1 && r.outcome != reqtrail::model::Outcome::Passed)
        .unwrap();
    assert_eq!(failing.location.file, expected_file);
    let line = text
        .lines()
        .nth(failing.location.line as usize - 1)
        .unwrap_or("");
    assert!(
        line.contains("tiny_negative_value_displays_as_zero"),
        "line {} is {line:?}",
        failing.location.line
    );
}

// r[verify evidence.junit]
// r[verify evidence.join]
#[test]
fn nextest_junit_from_a_real_run_joins_onto_the_fixture_tests() {
    let dir = fixture_copy("nextest-junit");
    if !nextest_available(&dir) {
        return;
    }
    let junit = dir.join("target/nextest/ci/junit.xml");
    let _ = fs::remove_file(&junit);
    let output = run(cargo(&dir).args([
        "nextest",
        "run",
        "--offline",
        "--profile",
        "ci",
        "--features",
        "demo-failure",
        "--no-fail-fast",
    ]));
    let text = fs::read_to_string(&junit).unwrap_or_else(|err| {
        panic!(
            "nextest wrote no {}: {err}\nstderr:\n{}",
            junit.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let file = "target/nextest/ci/junit.xml";
    let (results, joined) = parse_and_join(file, &text, &output.stderr);
    assert!(results.iter().all(|r| r.binary.is_some()));
    let message = assert_fixture_outcomes(&results, &joined);
    assert!(message.contains("panicked at src/lib.rs"), "{message}");
    assert_failure_location(&results, &text, file);
}

// r[verify evidence.libtest-json]
// r[verify evidence.join]
#[test]
fn nextest_libtest_json_from_a_real_run_joins_onto_the_fixture_tests() {
    let dir = fixture_copy("nextest-libtest-json");
    if !nextest_available(&dir) {
        return;
    }
    let output = run(cargo(&dir)
        .env("NEXTEST_EXPERIMENTAL_LIBTEST_JSON", "1")
        .args([
            "nextest",
            "run",
            "--offline",
            "--features",
            "demo-failure",
            "--no-fail-fast",
            "--message-format",
            "libtest-json",
        ]));
    let text = String::from_utf8_lossy(&output.stdout);
    if text.trim().is_empty() {
        // The format is experimental in nextest; a version without it is not our failure, but
        // under CI a skipped test must not pass as evidence.
        let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"));
        assert!(
            !ci,
            "CI=true but this cargo-nextest printed no libtest-json output: use a nextest with \
             NEXTEST_EXPERIMENTAL_LIBTEST_JSON support\nstderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        eprintln!(
            "SKIPPED: this cargo-nextest printed no libtest-json output\nstderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        return;
    }
    let (results, joined) = parse_and_join("nextest.json", &text, &output.stderr);
    assert!(results.iter().all(|r| r.binary.is_some()));
    assert_fixture_outcomes(&results, &joined);
    assert_failure_location(&results, &text, "nextest.json");
}

// r[verify evidence.libtest-json]
// r[verify evidence.join]
#[test]
fn libtest_json_from_a_real_cargo_test_joins_onto_the_fixture_tests() {
    let dir = fixture_copy("libtest-json");
    let output = run(cargo(&dir).env("RUSTC_BOOTSTRAP", "1").args([
        "test",
        "--offline",
        "--features",
        "demo-failure",
        "--no-fail-fast",
        "--",
        "-Z",
        "unstable-options",
        "--format",
        "json",
    ]));
    let text = String::from_utf8_lossy(&output.stdout);
    let (results, joined) = parse_and_join("test-results.json", &text, &output.stderr);
    assert!(results.iter().all(|r| r.binary.is_none()));
    assert_fixture_outcomes(&results, &joined);
    // libtest reports ignored tests; nextest's JUnit leaves them out.
    assert_eq!(
        joined.per_test[IGNORED].as_ref().map(|(status, _)| *status),
        Some(TestStatus::Skipped)
    );
    assert_failure_location(&results, &text, "test-results.json");

    // The same run with cargo's stderr captured into the same file still reads.
    let mut mixed = String::from_utf8_lossy(&output.stderr).into_owned();
    mixed.push_str(&text);
    let (results, joined) = parse_and_join("mixed.log", &mixed, &output.stderr);
    assert_fixture_outcomes(&results, &joined);
}

//! libtest JSON lines: `cargo test -- -Z unstable-options --format json` (with
//! `RUSTC_BOOTSTRAP=1` on stable) and nextest's `--message-format libtest-json`.
//!
//! Each line is one event. `{"type":"test","event":"ok|failed|ignored","name":...}` is a
//! result; `started` events, `suite` events and other types (benches, cargo's own
//! `--message-format json` messages) are skipped. A `timeout` event is libtest's "has been
//! running for over 60 seconds" warning, not a verdict: it becomes a failure only when the run
//! ended without a final event for that test (the process was killed while it hung).
//!
//! Reading rules, chosen so that a captured log with cargo's text mixed in still reads, while
//! a damaged file never passes silently:
//! - a line that does not start with `{` (after blanks) is skipped: cargo's `Compiling ...` /
//!   `Running ...` lines when stderr was captured too; unless it holds a libtest event after
//!   some text (`progress 50%... { "type": "test", ... }`): a test that writes to the process's
//!   stdout directly (`io::stdout()`, a child process) bypasses libtest's capture, and its text
//!   lands in front of the next event on the same line;
//! - a line that starts with `{` must parse as JSON, or the file is an error at that line
//!   (a line cut off by a killed run is a damaged file, not noise);
//! - a file with no `test` or `suite` event at all is not libtest output and is an error.
//!
//! Suites: each `suite` `started` event opens one test binary's run, numbered in file order
//! ([`TestResult::suite`]); the join tells binaries apart by the set of names each suite ran.
//! A test that `started` and got no verdict in a suite that never printed its end (the next
//! suite started, or the file ended) died with its process (abort, segfault, kill): it failed,
//! and the reason says so.
//!
//! libtest names carry no binary (`binary: None`); nextest's names do, as
//! `BINARY_ID$module::test`, and are split on the first `$` (a Rust path has no `$`).

use super::stream::Source;
use super::{clip_to, message, Opening};
use crate::model::{Location, Outcome, TestResult};
use serde_json::Value;
use std::collections::HashMap;
use std::io::BufRead;

/// The reason given to a test that started and never got a verdict.
const CRASHED: &str = "no verdict: the test binary ended without finishing this test (it crashed, aborted or was killed) and its suite has no end event";

/// Tests started in the open suite and still without a verdict: name -> (line of `started`,
/// line of a `timeout` warning).
type Open = HashMap<String, (u32, Option<u32>)>;

/// Parses libtest JSON lines as they stream in, one line held at a time. When the file does
/// not open with `{` (`opening` is [`Opening::Other`]), some line must, or it is not a results
/// file at all.
pub(super) fn parse(
    file: &str,
    source: &mut Source,
    opening: Opening,
) -> Result<Vec<TestResult>, String> {
    let mut results = Vec::new();
    let mut open: Open = HashMap::new();
    let mut suite: Option<u32> = None;
    let mut suites = 0u32;
    let mut saw_event = false;
    let mut braced = opening == Opening::Brace;
    // The first line that holds anything, quoted when nothing here is JSON.
    let mut first_text: Option<(u32, String)> = None;
    let mut bytes = Vec::new();
    loop {
        let line = source.line();
        bytes.clear();
        let read = source
            .read_until(b'\n', &mut bytes)
            .map_err(|e| format!("{file}:{line}: cannot read: {e}"))?;
        if read == 0 {
            break;
        }
        let decoded = String::from_utf8_lossy(&bytes);
        let raw = decoded.trim_end_matches(['\n', '\r']);
        if first_text.is_none() && !raw.trim().is_empty() {
            first_text = Some((line, clip_to(raw.trim(), 60)));
        }
        braced |= raw.trim_start().starts_with('{');
        let Some(json) = event_text(raw) else {
            continue;
        };
        let value: Value = serde_json::from_str(json)
            .map_err(|e| format!("{file}:{line}: not a valid JSON line: {e}"))?;
        let kind = value.get("type").and_then(Value::as_str);
        match kind {
            Some("suite") => {
                saw_event = true;
                if value.get("event").and_then(Value::as_str) == Some("started") {
                    // A suite that started while another was open: the earlier binary died.
                    close_suite(file, &mut open, suite, &mut results);
                    suite = Some(suites);
                    suites += 1;
                } else {
                    // The suite ended normally: every test in it has its verdict.
                    open.clear();
                }
                continue;
            }
            Some("test") => saw_event = true,
            _ => continue,
        }
        let Some(name) = value.get("name").and_then(Value::as_str) else {
            return Err(format!(
                "{file}:{line}: test event without a \"name\" string"
            ));
        };
        let Some(event) = value.get("event").and_then(Value::as_str) else {
            return Err(format!(
                "{file}:{line}: test event without an \"event\" string"
            ));
        };
        let field = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or("");
        let (outcome, text) = match event {
            "ok" => (Outcome::Passed, None),
            // `message` is set when a should_panic test panicked with the wrong message or a
            // time limit was exceeded; `stdout` holds the panic.
            "failed" => (
                Outcome::Failed,
                message(&format!("{}\n{}", field("message"), field("stdout"))),
            ),
            // `#[ignore = "reason"]` arrives as `message`.
            "ignored" => (Outcome::Skipped, message(field("message"))),
            "started" => {
                open.insert(name.to_string(), (line, None));
                continue;
            }
            // libtest's "has been running for over 60 seconds" warning, not a verdict.
            "timeout" => {
                open.entry(name.to_string()).or_insert((line, None)).1 = Some(line);
                continue;
            }
            // Whatever later libtest versions add.
            _ => continue,
        };
        open.remove(name);
        results.push(result(file, name, outcome, text, line, suite));
    }
    if !braced {
        let (line, found) = first_text.unwrap_or((1, String::new()));
        return Err(format!(
            "{file}:{line}: not a test results file: expected JUnit XML or libtest JSON lines, \
             found {found:?}"
        ));
    }
    if !saw_event {
        return Err(format!(
            "{file}:1: not libtest JSON: no line is a libtest \"test\" or \"suite\" event"
        ));
    }
    close_suite(file, &mut open, suite, &mut results);
    Ok(results)
}

/// The JSON part of a line: the whole line when it starts with `{`, the event after leading
/// text when the line holds one, else `None` (a line of cargo's own text).
fn event_text(raw: &str) -> Option<&str> {
    let trimmed = raw.trim();
    if trimmed.starts_with('{') {
        return Some(trimmed);
    }
    ["{ \"type\": \"", "{\"type\":\""]
        .iter()
        .filter_map(|start| trimmed.find(start))
        .min()
        .map(|at| &trimmed[at..])
}

/// Fails every test of the suite that is still open: its binary ended without finishing them.
fn close_suite(file: &str, open: &mut Open, suite: Option<u32>, results: &mut Vec<TestResult>) {
    let mut unfinished: Vec<(String, (u32, Option<u32>))> = open.drain().collect();
    unfinished.sort_by(|a, b| (a.1 .0, &a.0).cmp(&(b.1 .0, &b.0)));
    for (name, (started, timeout)) in unfinished {
        let (text, line) = match timeout {
            Some(warned) => (
                "timed out: the run ended before the test finished".to_string(),
                warned,
            ),
            None => (CRASHED.to_string(), started),
        };
        results.push(result(
            file,
            &name,
            Outcome::Failed,
            Some(text),
            line,
            suite,
        ));
    }
}

fn result(
    file: &str,
    name: &str,
    outcome: Outcome,
    text: Option<String>,
    line: u32,
    suite: Option<u32>,
) -> TestResult {
    let (binary, name) = match name.split_once('$') {
        Some((binary, name)) => (Some(binary.to_string()), name.to_string()),
        None => (None, name.to_string()),
    };
    TestResult {
        binary,
        name,
        outcome,
        message: text,
        location: Location::new(file, line),
        suite,
        flaky: false,
        requirements: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_results;
    use crate::model::{Outcome, TestResult};

    fn parse(text: &str) -> Vec<TestResult> {
        match parse_results("test-results.json", text) {
            Ok(results) => results,
            Err(err) => panic!("unexpected error: {err}"),
        }
    }

    fn error(text: &str) -> String {
        match parse_results("test-results.json", text) {
            Ok(results) => panic!("expected an error, got {results:?}"),
            Err(err) => err,
        }
    }

    fn summary(results: &[TestResult]) -> Vec<(Option<&str>, &str, Outcome, u32)> {
        results
            .iter()
            .map(|r| {
                (
                    r.binary.as_deref(),
                    r.name.as_str(),
                    r.outcome,
                    r.location.line,
                )
            })
            .collect()
    }

    /// `cargo test -- -Z unstable-options --format json` as libtest 1.9x prints it.
    const LIBTEST: &str = r#"{ "type": "suite", "event": "started", "test_count": 4 }
{ "type": "test", "event": "started", "name": "tests::below_absolute_zero_panics" }
{ "type": "test", "event": "started", "name": "tests::body_temperature_round_trips" }
{ "type": "test", "name": "tests::body_temperature_round_trips", "event": "ok" }
{ "type": "test", "event": "started", "name": "tests::every_tenth_of_a_degree_round_trips" }
{ "type": "test", "name": "tests::every_tenth_of_a_degree_round_trips", "event": "ignored", "message": "slow" }
{ "type": "test", "event": "started", "name": "tests::tiny_negative_value_displays_as_zero" }
{ "type": "test", "name": "tests::below_absolute_zero_panics", "event": "ok" }
{ "type": "test", "name": "tests::tiny_negative_value_displays_as_zero", "event": "failed", "stdout": "\nthread 'tests::tiny_negative_value_displays_as_zero' (8407) panicked at src/lib.rs:139:9:\nassertion `left == right` failed\n  left: \"-0.0 °C\"\n right: \"0.0 °C\"\n" }
{ "type": "suite", "event": "failed", "passed": 2, "failed": 1, "ignored": 1, "measured": 0, "filtered_out": 0, "exec_time": 0.054840287 }
"#;

    // r[verify evidence.libtest-json]
    #[test]
    fn libtest_json_gives_names_outcomes_and_lines() {
        let results = parse(LIBTEST);
        assert_eq!(
            summary(&results),
            vec![
                (
                    None,
                    "tests::body_temperature_round_trips",
                    Outcome::Passed,
                    4
                ),
                (
                    None,
                    "tests::every_tenth_of_a_degree_round_trips",
                    Outcome::Skipped,
                    6
                ),
                (
                    None,
                    "tests::below_absolute_zero_panics",
                    Outcome::Passed,
                    8
                ),
                (
                    None,
                    "tests::tiny_negative_value_displays_as_zero",
                    Outcome::Failed,
                    9
                ),
            ]
        );
        assert_eq!(results[1].message.as_deref(), Some("slow"));
        let failure = results[3].message.as_deref().unwrap_or("");
        assert!(failure.starts_with("thread 'tests::tiny_negative_value_displays_as_zero'"));
        assert!(failure.contains("left: \"-0.0 °C\""), "{failure}");
        assert_eq!(results[3].location.file, "test-results.json");
    }

    // r[verify evidence.libtest-json]
    #[test]
    fn nextest_libtest_json_names_split_into_binary_and_test() {
        let text = r#"{"type":"suite","event":"started","test_count":2}
{"type":"test","event":"started","name":"thermo::thermo$tests::body_temperature_round_trips"}
{"type":"test","event":"ok","name":"thermo::thermo$tests::body_temperature_round_trips","exec_time":0.009253951}
{"type":"test","event":"failed","name":"thermo::thermo$tests::tiny_negative_value_displays_as_zero","exec_time":0.07,"stdout":"thread panicked"}
{"type":"suite","event":"failed","passed":1,"failed":1,"ignored":0,"measured":0,"filtered_out":0,"exec_time":0.08}
{"type":"suite","event":"started","test_count":1,"nextest":{"crate":"thermo","test_binary":"api","kind":"test"}}
{"type":"test","event":"ok","name":"thermo::api$readings_parse_in_every_unit","exec_time":0.004}
{"type":"suite","event":"ok","passed":1,"failed":0,"ignored":0,"measured":0,"filtered_out":0,"exec_time":0.01}
"#;
        assert_eq!(
            summary(&parse(text)),
            vec![
                (
                    Some("thermo::thermo"),
                    "tests::body_temperature_round_trips",
                    Outcome::Passed,
                    3
                ),
                (
                    Some("thermo::thermo"),
                    "tests::tiny_negative_value_displays_as_zero",
                    Outcome::Failed,
                    4
                ),
                (
                    Some("thermo::api"),
                    "readings_parse_in_every_unit",
                    Outcome::Passed,
                    7
                ),
            ]
        );
    }

    // r[verify evidence.libtest-json]
    #[test]
    fn cargo_text_around_the_json_is_skipped() {
        let text = "   Compiling thermo v0.1.0 (/src/thermo)\n    Finished `test` profile [unoptimized + debuginfo] target(s) in 1.02s\n     Running unittests src/lib.rs (target/debug/deps/thermo-72d361a214bd82b0)\n{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 1 }\n{ \"type\": \"test\", \"name\": \"tests::a\", \"event\": \"ok\" }\n{\"reason\":\"build-finished\",\"success\":true}\nerror: test failed, to rerun pass `--lib`\n";
        assert_eq!(
            summary(&parse(text)),
            vec![(None, "tests::a", Outcome::Passed, 5)]
        );
    }

    // r[verify evidence.libtest-json]
    #[test]
    fn a_timeout_warning_is_superseded_by_the_verdict_or_fails_the_test() {
        let text = r#"{ "type": "test", "event": "started", "name": "slow_ok" }
{ "type": "test", "event": "started", "name": "hangs" }
{ "type": "test", "event": "timeout", "name": "hangs" }
{ "type": "test", "event": "timeout", "name": "slow_ok" }
{ "type": "test", "name": "slow_ok", "event": "ok" }
"#;
        let results = parse(text);
        assert_eq!(
            summary(&results),
            vec![
                (None, "slow_ok", Outcome::Passed, 5),
                (None, "hangs", Outcome::Failed, 3)
            ]
        );
        assert_eq!(
            results[1].message.as_deref(),
            Some("timed out: the run ended before the test finished")
        );
    }

    // r[verify workspace.libtest-crash]
    #[test]
    fn a_test_started_without_a_verdict_in_a_suite_that_never_ended_failed() {
        // `cargo test --no-fail-fast`: the crash binary aborts mid-test; the next binary's
        // suite starts without the first one ever printing its end.
        let text = r#"{ "type": "suite", "event": "started", "test_count": 2 }
{ "type": "test", "event": "started", "name": "survives" }
{ "type": "test", "name": "survives", "event": "ok" }
{ "type": "test", "event": "started", "name": "aborts" }
{ "type": "suite", "event": "started", "test_count": 1 }
{ "type": "test", "event": "started", "name": "fine" }
{ "type": "test", "name": "fine", "event": "ok" }
{ "type": "suite", "event": "ok", "passed": 1, "failed": 0, "ignored": 0, "measured": 0, "filtered_out": 0, "exec_time": 0.001 }
{ "type": "suite", "event": "started", "test_count": 1 }
{ "type": "test", "event": "started", "name": "killed_last" }
"#;
        let results = parse(text);
        assert_eq!(
            summary(&results),
            vec![
                (None, "survives", Outcome::Passed, 3),
                (None, "aborts", Outcome::Failed, 4),
                (None, "fine", Outcome::Passed, 7),
                (None, "killed_last", Outcome::Failed, 10),
            ]
        );
        let suites: Vec<Option<u32>> = results.iter().map(|r| r.suite).collect();
        assert_eq!(suites, vec![Some(0), Some(0), Some(1), Some(2)]);
        let reason = results[1].message.as_deref().unwrap_or("");
        assert!(reason.contains("crashed"), "{reason}");
        // A suite that ended normally leaves nothing behind.
        let text = "{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 1 }\n{ \"type\": \"test\", \"event\": \"started\", \"name\": \"a\" }\n{ \"type\": \"test\", \"name\": \"a\", \"event\": \"ok\" }\n{ \"type\": \"suite\", \"event\": \"ok\", \"passed\": 1, \"failed\": 0, \"ignored\": 0, \"measured\": 0, \"filtered_out\": 0, \"exec_time\": 0.001 }\n";
        assert_eq!(summary(&parse(text)), vec![(None, "a", Outcome::Passed, 3)]);
    }

    // r[verify workspace.libtest-stdout]
    #[test]
    fn an_event_after_raw_stdout_on_the_same_line_is_read() {
        let text = r#"{ "type": "suite", "event": "started", "test_count": 2 }
{ "type": "test", "event": "started", "name": "tests::reports_progress" }
progress 50%... { "type": "test", "name": "tests::reports_progress", "event": "failed", "stdout": "stalled at 50%" }
done{"type":"test","name":"tests::compact","event":"ok"}
Running tests/crash.rs (target/debug/deps/crash-0f)
{ "type": "suite", "event": "failed", "passed": 1, "failed": 1, "ignored": 0, "measured": 0, "filtered_out": 0, "exec_time": 0.001 }
"#;
        let results = parse(text);
        assert_eq!(
            summary(&results),
            vec![
                (None, "tests::reports_progress", Outcome::Failed, 3),
                (None, "tests::compact", Outcome::Passed, 4),
            ]
        );
        assert_eq!(results[0].message.as_deref(), Some("stalled at 50%"));
    }

    // r[verify evidence.libtest-json]
    #[test]
    fn a_run_with_no_tests_is_empty_not_an_error() {
        let text = "{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 0 }\n{ \"type\": \"suite\", \"event\": \"ok\", \"passed\": 0, \"failed\": 0, \"ignored\": 0, \"measured\": 0, \"filtered_out\": 0, \"exec_time\": 0.0001 }\n";
        assert_eq!(parse(text), vec![]);
    }

    // r[verify evidence.malformed]
    #[test]
    fn a_bad_json_line_is_an_error_at_that_line() {
        let mut cut = LIBTEST.to_string();
        cut.truncate(LIBTEST.find(", \"event\": \"failed\"").unwrap_or(0));
        let err = error(&cut);
        assert!(
            err.starts_with("test-results.json:9: not a valid JSON line: "),
            "{err}"
        );
        let err = error("Running tests\n{ \"type\": \"test\", \"name\": \"a\", \"event\": \"ok\" }\n{ type: test }\n");
        assert!(
            err.starts_with("test-results.json:3: not a valid JSON line: "),
            "{err}"
        );
    }

    // r[verify evidence.malformed]
    #[test]
    fn json_that_is_not_libtest_output_is_an_error() {
        let err = error("{\n  \"name\": \"thermo\",\n  \"version\": \"1.0.0\"\n}\n");
        assert!(
            err.starts_with("test-results.json:1: not a valid JSON line: "),
            "{err}"
        );
        let err = error("{\"reason\":\"compiler-artifact\",\"package_id\":\"thermo 0.1.0\"}\n");
        assert_eq!(
            err,
            "test-results.json:1: not libtest JSON: no line is a libtest \"test\" or \"suite\" event"
        );
        let err = error(
            "{\"type\":\"suite\",\"event\":\"started\"}\n{\"type\":\"test\",\"event\":\"ok\"}\n",
        );
        assert_eq!(
            err,
            "test-results.json:2: test event without a \"name\" string"
        );
        let err = error("{\"type\":\"test\",\"name\":\"a\",\"event\":7}\n");
        assert_eq!(
            err,
            "test-results.json:1: test event without an \"event\" string"
        );
    }
}

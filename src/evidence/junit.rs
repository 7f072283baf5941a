//! JUnit XML results: cargo-nextest's `junit.xml` and the files other producers write
//! (pytest, Maven surefire, cargo2junit, ...).
//!
//! Only the widely shared core of the format is read: `testsuites` / `testsuite` / `testcase`,
//! and per testcase the children `failure`, `error` and `skipped`, which set the outcome, and
//! `system-out` / `system-err`, which give the message when the failure itself says nothing.
//! Retry records (`flakyFailure`, `flakyError`, `rerunFailure`, `rerunError`) do not change the
//! outcome: nextest and surefire write them next to the final verdict, so a testcase holding
//! only those passed in the end. A testcase that passed with a `flakyFailure`/`flakyError`
//! passed only on a retry: the result is marked flaky.
//!
//! The reader is event based and keeps its own stack of open elements, so a file cut off
//! mid-run (CI killed on timeout) is reported as truncated instead of yielding half the results.

use super::stream::Source;
use super::{message, MAX_MESSAGE_CHARS};
use crate::model::{Location, Outcome, TestResult};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Decoder, Reader};

/// Bytes kept per captured element; the rest of a huge `system-out` is never stored.
const CAPTURE_LIMIT_BYTES: usize = MAX_MESSAGE_CHARS * 4 + 16;

/// The testcase children whose text is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Failure,
    Error,
    Skipped,
    SystemOut,
    SystemErr,
}

/// What a `failure`, `error` or `skipped` element said.
#[derive(Debug, Default)]
struct Verdict {
    seen: bool,
    /// The `message` attribute.
    summary: String,
    /// The element's text (usually the full panic or stack trace).
    text: String,
}

impl Verdict {
    /// The summary and the text, without repeating the summary when the text already holds it
    /// (nextest writes the panic's first line as `message` and the whole panic as text).
    fn message(&self) -> Option<String> {
        let summary = self.summary.trim();
        let text = self.text.trim();
        if text.is_empty() {
            message(summary)
        } else if summary.is_empty() || text.contains(summary) {
            message(text)
        } else {
            message(&format!("{summary}\n\n{text}"))
        }
    }
}

/// A testcase being read.
#[derive(Debug)]
struct Case {
    name: String,
    binary: Option<String>,
    line: u32,
    /// Index of the testcase element in the stack of open elements.
    depth: usize,
    failure: Verdict,
    error: Verdict,
    skipped: Verdict,
    /// A `flakyFailure` or `flakyError` child: an earlier attempt failed.
    flaky: bool,
    system_out: String,
    system_err: String,
    /// Ids from `requirement`/`requirements` properties.
    requirements: Vec<String>,
}

impl Case {
    fn buffer(&mut self, part: Part) -> &mut String {
        match part {
            Part::Failure => &mut self.failure.text,
            Part::Error => &mut self.error.text,
            Part::Skipped => &mut self.skipped.text,
            Part::SystemOut => &mut self.system_out,
            Part::SystemErr => &mut self.system_err,
        }
    }

    fn into_result(self, file: &str) -> TestResult {
        let output = || message(&self.system_err).or_else(|| message(&self.system_out));
        let (outcome, text) = if self.failure.seen {
            (Outcome::Failed, self.failure.message().or_else(output))
        } else if self.error.seen {
            (Outcome::Errored, self.error.message().or_else(output))
        } else if self.skipped.seen {
            (Outcome::Skipped, self.skipped.message())
        } else {
            // Captured output of a passing test is noise in a traceability report.
            (Outcome::Passed, None)
        };
        TestResult {
            binary: self.binary,
            name: self.name,
            outcome,
            message: text,
            location: Location::new(file, self.line),
            suite: None,
            flaky: self.flaky && outcome == Outcome::Passed,
            requirements: self.requirements,
        }
    }
}

/// Everything the event loop carries between events.
struct State<'f> {
    file: &'f str,
    decoder: Decoder,
    /// Open elements: local name and the line they were opened on.
    open: Vec<(String, u32)>,
    /// Names of the open `testsuite` elements with their stack index.
    suites: Vec<(usize, String)>,
    case: Option<Case>,
    /// The testcase child whose text is being kept, with its stack index.
    capture: Option<(Part, usize)>,
    saw_root: bool,
    results: Vec<TestResult>,
}

/// Parses JUnit XML as it streams in; the next byte of `source` is the first `<`. Only the
/// current event is held (its bytes in one reused buffer), besides the results.
pub(super) fn parse(file: &str, source: &mut Source) -> Result<Vec<TestResult>, String> {
    // quick-xml counts positions from where it started reading.
    let start = source.position();
    let mut reader = Reader::from_reader(source);
    let mut state = State {
        file,
        decoder: reader.decoder(),
        open: Vec::new(),
        suites: Vec::new(),
        case: None,
        capture: None,
        saw_root: false,
        results: Vec::new(),
    };
    let mut buffer = Vec::new();
    loop {
        // Blanks before a tag come as their own text event, so this is where the `<` is.
        reader.get_mut().mark();
        let line = reader.get_ref().line();
        buffer.clear();
        let event = match reader.read_event_into(&mut buffer) {
            Ok(event) => event,
            Err(err) => {
                let at = start + reader.error_position();
                let line = reader.get_ref().line_of(at);
                return Err(match err {
                    quick_xml::Error::Syntax(syntax) => {
                        format!("{file}:{line}: truncated XML: {syntax}")
                    }
                    other => format!("{file}:{line}: malformed XML: {other}"),
                });
            }
        };
        match event {
            Event::Start(element) => state.open_element(&element, line, false)?,
            Event::Empty(element) => state.open_element(&element, line, true)?,
            Event::End(_) => state.close_element(),
            Event::Text(content) => {
                if state.capturing() {
                    let content = content
                        .xml10_content()
                        .map_err(|e| format!("{file}:{line}: malformed XML text: {e}"))?;
                    state.keep(&content);
                }
            }
            Event::CData(content) => {
                if state.capturing() {
                    let content = content
                        .decode()
                        .map_err(|e| format!("{file}:{line}: malformed XML CDATA: {e}"))?;
                    state.keep(&content);
                }
            }
            Event::GeneralRef(reference) => {
                if state.capturing() {
                    let bad = |e: &dyn std::fmt::Display| {
                        format!("{file}:{line}: malformed XML reference: {e}")
                    };
                    if reference.is_char_ref() {
                        if let Some(ch) = reference.resolve_char_ref().map_err(|e| bad(&e))? {
                            state.keep(ch.encode_utf8(&mut [0; 4]));
                        }
                    } else {
                        let name = reference.decode().map_err(|e| bad(&e))?;
                        match resolve_predefined_entity(&name) {
                            Some(value) => state.keep(value),
                            // An entity from a DTD we do not read: keep it as written.
                            None => state.keep(&format!("&{name};")),
                        }
                    }
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    // The last line that holds anything: where the file was cut off.
    let last_line = reader.get_ref().last_content_line();
    if let Some((tag, opened)) = state.open.last() {
        let line = last_line;
        return Err(format!(
            "{file}:{line}: truncated XML: <{tag}> opened at line {opened} is never closed"
        ));
    }
    if !state.saw_root {
        return Err(format!(
            "{file}:{last_line}: not JUnit XML: no <testsuites> or <testsuite> element"
        ));
    }
    Ok(state.results)
}

impl State<'_> {
    fn capturing(&self) -> bool {
        self.capture.is_some() && self.case.is_some()
    }

    fn keep(&mut self, text: &str) {
        if let (Some((part, _)), Some(case)) = (self.capture, self.case.as_mut()) {
            let buffer = case.buffer(part);
            if buffer.len() < CAPTURE_LIMIT_BYTES {
                let room = CAPTURE_LIMIT_BYTES - buffer.len();
                let mut end = room.min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                buffer.push_str(&text[..end]);
            }
        }
    }

    /// The value of attribute `key`. Every attribute of the element is checked on the way, so
    /// a duplicate or unquoted attribute is reported even when it is not the one asked for.
    fn attribute(
        &self,
        element: &BytesStart,
        key: &str,
        line: u32,
    ) -> Result<Option<String>, String> {
        let bad = |e: &dyn std::fmt::Display| {
            format!("{}:{line}: malformed XML attribute: {e}", self.file)
        };
        let mut value = None;
        for attribute in element.attributes() {
            let attribute = attribute.map_err(|e| bad(&e))?;
            if value.is_none() && attribute.key.local_name().as_ref() == key.as_bytes() {
                let decoded = attribute
                    .decode_and_unescape_value(self.decoder)
                    .map_err(|e| bad(&e))?;
                value = Some(decoded.into_owned());
            }
        }
        Ok(value)
    }

    fn open_element(&mut self, element: &BytesStart, line: u32, empty: bool) -> Result<(), String> {
        let tag = String::from_utf8_lossy(element.local_name().as_ref()).into_owned();
        let depth = self.open.len();
        if depth == 0 {
            if self.saw_root {
                return Err(format!(
                    "{}:{line}: malformed XML: a second root element <{tag}>",
                    self.file
                ));
            }
            if tag != "testsuites" && tag != "testsuite" {
                return Err(format!(
                    "{}:{line}: not JUnit XML: the root element is <{tag}>, expected <testsuites> \
                     or <testsuite>",
                    self.file
                ));
            }
            self.saw_root = true;
        }
        match (self.case.as_ref().map(|case| case.depth), tag.as_str()) {
            (None, "testsuite") => {
                let name = self.attribute(element, "name", line)?.unwrap_or_default();
                if !empty {
                    self.suites.push((depth, name));
                }
            }
            (None, "testcase") => {
                let Some(name) = self.attribute(element, "name", line)? else {
                    return Err(format!(
                        "{}:{line}: <testcase> has no name attribute",
                        self.file
                    ));
                };
                // nextest writes the binary id as classname; other producers write a class or
                // module there, which is the closest thing to a binary they have.
                let binary = self
                    .attribute(element, "classname", line)?
                    .filter(|c| !c.is_empty())
                    .or_else(|| {
                        self.suites
                            .last()
                            .map(|(_, suite)| suite.clone())
                            .filter(|s| !s.is_empty())
                    });
                self.case = Some(Case {
                    name,
                    binary,
                    line,
                    depth,
                    failure: Verdict::default(),
                    error: Verdict::default(),
                    skipped: Verdict::default(),
                    flaky: false,
                    system_out: String::new(),
                    system_err: String::new(),
                    requirements: Vec::new(),
                });
                if empty {
                    self.finish_case();
                }
            }
            // pytest's `record_property` and Xray write `<properties><property .../>` inside
            // the case; `requirements` is a comma-separated list.
            (Some(_), "property") => {
                let name = self.attribute(element, "name", line)?.unwrap_or_default();
                if matches!(name.as_str(), "requirement" | "requirements") {
                    let value = self.attribute(element, "value", line)?.unwrap_or_default();
                    if let Some(case) = self.case.as_mut() {
                        case.requirements.extend(
                            value
                                .split([',', ' ', ';'])
                                .map(str::trim)
                                .filter(|id| !id.is_empty())
                                .map(str::to_string),
                        );
                    }
                }
            }
            (Some(case_depth), child) if depth == case_depth + 1 => {
                if matches!(child, "flakyFailure" | "flakyError") {
                    if let Some(case) = self.case.as_mut() {
                        case.flaky = true;
                    }
                }
                let part = match child {
                    "failure" => Some(Part::Failure),
                    "error" => Some(Part::Error),
                    "skipped" => Some(Part::Skipped),
                    "system-out" => Some(Part::SystemOut),
                    "system-err" => Some(Part::SystemErr),
                    _ => None,
                };
                let verdict_part =
                    matches!(part, Some(Part::Failure | Part::Error | Part::Skipped));
                let summary = if verdict_part {
                    self.attribute(element, "message", line)?
                } else {
                    None
                };
                if let (Some(part), Some(case)) = (part, self.case.as_mut()) {
                    let verdict = match part {
                        Part::Failure => Some(&mut case.failure),
                        Part::Error => Some(&mut case.error),
                        Part::Skipped => Some(&mut case.skipped),
                        Part::SystemOut | Part::SystemErr => None,
                    };
                    if let Some(verdict) = verdict {
                        verdict.seen = true;
                        if verdict.summary.is_empty() {
                            verdict.summary = summary.unwrap_or_default();
                        }
                    }
                    if !empty {
                        self.capture = Some((part, depth));
                    }
                }
            }
            _ => {}
        }
        if !empty {
            self.open.push((tag, line));
        }
        Ok(())
    }

    /// An end tag; quick-xml has already checked that it matches the open element.
    fn close_element(&mut self) {
        self.open.pop();
        let depth = self.open.len();
        if self.capture.is_some_and(|(_, at)| at == depth) {
            self.capture = None;
        }
        if self.case.as_ref().is_some_and(|case| case.depth == depth) {
            self.finish_case();
        }
        if self.suites.last().is_some_and(|(at, _)| *at == depth) {
            self.suites.pop();
        }
    }

    fn finish_case(&mut self) {
        self.capture = None;
        if let Some(case) = self.case.take() {
            self.results.push(case.into_result(self.file));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_results;
    use crate::model::{Outcome, TestResult};

    fn parse(text: &str) -> Vec<TestResult> {
        match parse_results("target/nextest/ci/junit.xml", text) {
            Ok(results) => results,
            Err(err) => panic!("unexpected error: {err}"),
        }
    }

    fn error(text: &str) -> String {
        match parse_results("junit.xml", text) {
            Ok(results) => panic!("expected an error, got {results:?}"),
            Err(err) => err,
        }
    }

    /// The shape cargo-nextest 0.9 writes for `[profile.ci.junit] path = "junit.xml"`.
    const NEXTEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nextest-run" tests="5" skipped="0" failures="1" errors="0" uuid="e4682175-7ce5-4380-90c0-8562d6c7d2c8" timestamp="2026-11-25T01:13:56.689+00:00" time="0.111">
    <testsuite name="thermo" tests="3" skipped="0" errors="0" failures="1">
        <testcase name="tests::body_temperature_round_trips" classname="thermo" timestamp="2026-11-25T01:13:56.689+00:00" time="0.004"/>
        <testcase name="tests::tiny_negative_value_displays_as_zero" classname="thermo" timestamp="2026-11-25T01:13:56.703+00:00" time="0.063">
            <failure message="thread &apos;tests::tiny_negative_value_displays_as_zero&apos; (8129) panicked at src/lib.rs:139:9" type="test failure with exit code 101">thread &apos;tests::tiny_negative_value_displays_as_zero&apos; (8129) panicked at src/lib.rs:139:9:
assertion `left == right` failed
  left: &quot;-0.0 °C&quot;
 right: &quot;0.0 °C&quot;</failure>
            <system-out>
running 1 test
test tests::tiny_negative_value_displays_as_zero ... FAILED
</system-out>
            <system-err>thread &apos;tests::tiny_negative_value_displays_as_zero&apos; (8129) panicked</system-err>
        </testcase>
        <testcase name="parse::cases::reading::case_2_fahrenheit" classname="thermo" time="0.001">
            <flakyFailure message="thread panicked" type="test failure">first attempt failed</flakyFailure>
        </testcase>
    </testsuite>
    <testsuite name="thermo::bin/station" tests="1" skipped="0" errors="0" failures="0">
        <testcase name="tests::starts" classname="thermo::bin/station" time="0.002"/>
    </testsuite>
    <testsuite name="thermo::api" tests="1" skipped="0" errors="0" failures="0">
        <testcase name="readings_parse_in_every_unit" classname="thermo::api" time="0.004"/>
    </testsuite>
</testsuites>
"#;

    // r[verify evidence.junit]
    #[test]
    fn nextest_junit_gives_binary_name_outcome_and_location() {
        let results = parse(NEXTEST);
        let summary: Vec<(Option<&str>, &str, Outcome, u32)> = results
            .iter()
            .map(|r| {
                (
                    r.binary.as_deref(),
                    r.name.as_str(),
                    r.outcome,
                    r.location.line,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    Some("thermo"),
                    "tests::body_temperature_round_trips",
                    Outcome::Passed,
                    4
                ),
                (
                    Some("thermo"),
                    "tests::tiny_negative_value_displays_as_zero",
                    Outcome::Failed,
                    5
                ),
                (
                    Some("thermo"),
                    "parse::cases::reading::case_2_fahrenheit",
                    Outcome::Passed,
                    16
                ),
                (
                    Some("thermo::bin/station"),
                    "tests::starts",
                    Outcome::Passed,
                    21
                ),
                (
                    Some("thermo::api"),
                    "readings_parse_in_every_unit",
                    Outcome::Passed,
                    24
                ),
            ]
        );
        assert!(results
            .iter()
            .all(|r| r.location.file == "target/nextest/ci/junit.xml"));
        // The failure text, with entities resolved, and the summary not repeated.
        let failure = results[1].message.as_deref().unwrap_or("");
        assert!(
            failure.starts_with("thread 'tests::tiny_negative_value_displays_as_zero' (8129) panicked at src/lib.rs:139:9:\nassertion"),
            "{failure}"
        );
        assert!(failure.contains(r#"left: "-0.0 °C""#), "{failure}");
        assert_eq!(failure.matches("panicked at").count(), 1, "{failure}");
        assert_eq!(results[0].message, None);
        // A flaky test that passed on retry passed, and is marked flaky.
        assert_eq!(results[2].message, None);
        assert!(results[2].flaky);
        assert!(!results[0].flaky && !results[1].flaky);
    }

    // r[verify evidence.junit]
    #[test]
    fn rerun_failures_next_to_a_final_failure_still_fail() {
        let text = r#"<testsuites><testsuite name="app">
  <testcase name="net::tests::connects" classname="app">
    <failure message="final attempt failed">timeout after 30s</failure>
    <rerunFailure message="attempt 1 failed">timeout</rerunFailure>
  </testcase>
  <testcase name="net::tests::retries" classname="app">
    <rerunFailure message="attempt 1 failed">timeout</rerunFailure>
  </testcase>
</testsuite></testsuites>"#;
        let results = parse(text);
        assert_eq!(results[0].outcome, Outcome::Failed);
        assert_eq!(
            results[0].message.as_deref(),
            Some("final attempt failed\n\ntimeout after 30s")
        );
        assert_eq!(results[1].outcome, Outcome::Passed);
    }

    // r[verify evidence.junit]
    #[test]
    fn surefire_style_junit_reads_error_skipped_and_output() {
        // Maven surefire: one testsuite per class, classname is the Java class, errors are
        // exceptions thrown (not assertion failures), skipped carries @Disabled's reason.
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by surefire -->
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="com.example.thermo.ConverterTest" time="0.051" tests="4" errors="1" skipped="1" failures="1">
  <properties>
    <property name="java.version" value="21.0.2"/>
  </properties>
  <testcase name="freezingPoint" classname="com.example.thermo.ConverterTest" time="0.003"/>
  <testcase name="boilingPoint" classname="com.example.thermo.ConverterTest" time="0.004">
    <failure message="expected: &lt;212.0&gt; but was: &lt;211.9&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: expected: <212.0> but was: <211.9>
	at com.example.thermo.ConverterTest.boilingPoint(ConverterTest.java:18)]]></failure>
  </testcase>
  <testcase name="sensorRead" classname="com.example.thermo.ConverterTest" time="0.020">
    <error type="java.io.IOException">java.io.IOException: /dev/sensor0: no such device</error>
    <system-out><![CDATA[opening /dev/sensor0
]]></system-out>
  </testcase>
  <testcase name="kelvinTable" classname="com.example.thermo.ConverterTest" time="0">
    <skipped message="slow; run nightly"/>
  </testcase>
</testsuite>
"#;
        let results = parse(text);
        let summary: Vec<(&str, Outcome, Option<&str>)> = results
            .iter()
            .map(|r| (r.name.as_str(), r.outcome, r.message.as_deref()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("freezingPoint", Outcome::Passed, None),
                (
                    "boilingPoint",
                    Outcome::Failed,
                    Some(
                        "org.opentest4j.AssertionFailedError: expected: <212.0> but was: <211.9>\n\
                         \tat com.example.thermo.ConverterTest.boilingPoint(ConverterTest.java:18)"
                    )
                ),
                (
                    "sensorRead",
                    Outcome::Errored,
                    Some("java.io.IOException: /dev/sensor0: no such device")
                ),
                ("kelvinTable", Outcome::Skipped, Some("slow; run nightly")),
            ]
        );
        assert!(results
            .iter()
            .all(|r| r.binary.as_deref() == Some("com.example.thermo.ConverterTest")));
        assert_eq!(results[3].location.line, 17);
    }

    // r[verify evidence.junit]
    #[test]
    fn pytest_style_junit_falls_back_to_output_and_suite_name() {
        // pytest: an error without text, whose only clue is the captured stderr; a testcase
        // without classname takes the suite's name.
        let text = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="0" skipped="0" tests="2">
<testcase classname="tests.test_api" name="test_login" time="0.010"><error message="error during setup"/><system-err>fixture 'db' not found</system-err></testcase>
<testcase name="test_logout" time="0.001"><system-out>ok</system-out></testcase>
</testsuite></testsuites>"#;
        let results = parse(text);
        assert_eq!(results[0].outcome, Outcome::Errored);
        assert_eq!(results[0].message.as_deref(), Some("error during setup"));
        assert_eq!(results[0].binary.as_deref(), Some("tests.test_api"));
        assert_eq!(results[0].location.line, 2);
        assert_eq!(results[1].outcome, Outcome::Passed);
        assert_eq!(results[1].binary.as_deref(), Some("pytest"));
        let bare = r#"<testsuite><testcase name="a"><failure/><system-err>boom</system-err></testcase></testsuite>"#;
        let results = parse(bare);
        assert_eq!(results[0].binary, None);
        assert_eq!(results[0].outcome, Outcome::Failed);
        assert_eq!(results[0].message.as_deref(), Some("boom"));
    }

    // r[verify evidence.junit]
    #[test]
    fn huge_output_is_clipped() {
        let text = format!(
            "<testsuite name=\"app\"><testcase name=\"t\" classname=\"app\"><failure>{}</failure></testcase></testsuite>",
            "x&amp;".repeat(100_000)
        );
        let results = parse(&text);
        let message = results[0].message.as_deref().unwrap_or("");
        assert_eq!(message.chars().count(), super::MAX_MESSAGE_CHARS + 1);
        assert!(message.starts_with("x&x&"));
    }

    // r[verify evidence.malformed]
    #[test]
    fn truncated_junit_is_an_error_at_the_end_naming_the_open_element() {
        let mut cut = NEXTEST.to_string();
        cut.truncate(NEXTEST.find("<testsuite name=\"thermo::api\"").unwrap_or(0));
        assert_eq!(
            error(&cut),
            "junit.xml:22: truncated XML: <testsuites> opened at line 2 is never closed"
        );
        // Cut inside a tag.
        let inside = &NEXTEST[..NEXTEST.find("classname=\"thermo::api\"").unwrap_or(0)];
        let err = error(inside);
        assert!(err.starts_with("junit.xml:24: truncated XML: "), "{err}");
        // Cut inside a testcase's failure text.
        let in_text = &NEXTEST[..NEXTEST.find("assertion `left").unwrap_or(0)];
        assert_eq!(
            error(in_text),
            "junit.xml:6: truncated XML: <failure> opened at line 6 is never closed"
        );
    }

    // r[verify evidence.malformed]
    #[test]
    fn malformed_or_foreign_xml_is_an_error_with_its_line() {
        let err = error("<testsuites>\n<testsuite name=\"a\">\n</testsuites>\n");
        assert!(err.starts_with("junit.xml:3: malformed XML: "), "{err}");
        let err = error("<!DOCTYPE html>\n<html><body>404</body></html>");
        assert_eq!(
            err,
            "junit.xml:2: not JUnit XML: the root element is <html>, expected <testsuites> or <testsuite>"
        );
        let err = error("<?xml version=\"1.0\"?>\n");
        assert_eq!(
            err,
            "junit.xml:1: not JUnit XML: no <testsuites> or <testsuite> element"
        );
        let err = error("<<<<garbage>>>>");
        assert!(err.starts_with("junit.xml:1: "), "{err}");
        let err = error("<testsuite>\n  <testcase classname=\"x\"/>\n</testsuite>");
        assert_eq!(err, "junit.xml:2: <testcase> has no name attribute");
        let err = error("<testsuite/>\n<testsuite/>");
        assert_eq!(
            err,
            "junit.xml:2: malformed XML: a second root element <testsuite>"
        );
        let err = error("<testsuite>\n<testcase name=\"a\" name=\"b\"/></testsuite>");
        assert!(
            err.starts_with("junit.xml:2: malformed XML attribute: "),
            "{err}"
        );
    }

    // r[verify evidence.malformed]
    #[test]
    fn deeply_nested_or_binary_input_never_panics() {
        let deep = format!("<testsuites>{}", "<a>".repeat(200_000));
        assert!(error(&deep).contains("truncated XML"));
        let noise = "<\u{0}\u{1}\u{2}\u{fffd}\u{fffd}&#0;<x";
        let _ = parse_results("junit.xml", noise);
        let bad_ref =
            "<testsuite><testcase name=\"a\"><failure>&#xD800;</failure></testcase></testsuite>";
        let err = error(bad_ref);
        assert!(err.starts_with("junit.xml:1: "), "{err}");
    }
}

//! Where a results file came from (PRODUCT.md section 11, "every result accounted for"): its
//! SHA-256, and the producer, run id and timestamp when the file carries them, so an auditor
//! can tie the report to the exact run.
//!
//! Read off the file's head only: nextest's JUnit root is
//! `<testsuites name="nextest-run" uuid="..." timestamp="...">`; other JUnit producers put a
//! `timestamp` on `<testsuite>`; libtest JSON carries none of these, and nextest's libtest-json
//! is told by its `BINARY$test` names (or a `"nextest"` suite field).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One results file as the report records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsFile {
    /// As shown everywhere else: relative to the root when inside it.
    pub path: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// `cargo-nextest (JUnit)`, `JUnit XML`, `cargo-nextest (libtest-json)`, `libtest JSON`.
    pub producer: String,
    #[serde(default)]
    pub run_id: Option<String>,
    #[serde(default)]
    pub timestamp: Option<String>,
    /// How many results it held.
    pub results: usize,
}

use super::stream::HEAD_BYTES;

/// Describes one results file from its bytes and the number of results read from it.
pub fn describe(path: &str, bytes: &[u8], results: usize) -> ResultsFile {
    let digest = Sha256::digest(bytes);
    let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
    describe_raw(path, sha256, &bytes[..bytes.len().min(HEAD_BYTES)], results)
}

/// Describes one results file from its SHA-256 and its head, as a streaming read gives them.
pub(crate) fn describe_raw(path: &str, sha256: String, head: &[u8], results: usize) -> ResultsFile {
    let head = String::from_utf8_lossy(&head[..head.len().min(HEAD_BYTES)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let (producer, run_id, timestamp) = if head.starts_with('<') {
        let root = start_tag(head, "testsuites");
        let suite = start_tag(head, "testsuite");
        let nextest = root.is_some_and(|t| attribute(t, "name").as_deref() == Some("nextest-run"));
        let producer = if nextest {
            "cargo-nextest (JUnit)".to_string()
        } else {
            "JUnit XML".to_string()
        };
        let run_id = root.and_then(|t| attribute(t, "uuid").or_else(|| attribute(t, "id")));
        let timestamp = root
            .and_then(|t| attribute(t, "timestamp"))
            .or_else(|| suite.and_then(|t| attribute(t, "timestamp")));
        (producer, run_id, timestamp)
    } else if head.contains("\"nextest\"") || head.lines().any(names_a_binary) {
        ("cargo-nextest (libtest-json)".to_string(), None, None)
    } else {
        ("libtest JSON".to_string(), None, None)
    };
    ResultsFile {
        path: path.to_string(),
        sha256,
        producer,
        run_id,
        timestamp,
        results,
    }
}

/// A libtest JSON line whose test name carries nextest's `BINARY$` prefix.
fn names_a_binary(line: &str) -> bool {
    ["\"name\":\"", "\"name\": \""].iter().any(|key| {
        line.find(key).is_some_and(|at| {
            let value = &line[at + key.len()..];
            value
                .find('"')
                .is_some_and(|end| value[..end].contains('$'))
        })
    })
}

/// The text of the first `<name ...>` start tag (without the brackets).
fn start_tag<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(at) = text[from..].find(&open) {
        let start = from + at + open.len();
        // `<testsuite` must not match `<testsuites`.
        if text[start..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/') {
            let end = text[start..].find('>').map_or(text.len(), |e| start + e);
            return Some(&text[start..end]);
        }
        from = start;
    }
    None
}

/// An attribute's value in a start tag's text (either quote), entities left as written.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = tag[from..].find(name) {
        let start = from + at;
        let before_ok = start == 0 || tag[..start].ends_with(char::is_whitespace);
        let rest = tag[start + name.len()..].trim_start();
        if before_ok {
            if let Some(rest) = rest.strip_prefix('=') {
                let rest = rest.trim_start();
                let quote = rest.chars().next()?;
                if quote == '"' || quote == '\'' {
                    let value = &rest[1..];
                    let end = value.find(quote)?;
                    return Some(value[..end].to_string());
                }
            }
        }
        from = start + name.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify workspace.provenance]
    #[test]
    fn nextest_junit_gives_its_run_id_and_timestamp() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nextest-run" tests="2" failures="0" uuid="e4682175-7ce5-4380-90c0-8562d6c7d2c8" timestamp="2026-11-25T01:13:56.689+00:00" time="0.111">
    <testsuite name="thermo" tests="2">
"#;
        let file = describe("results/junit.xml", xml, 2);
        assert_eq!(file.producer, "cargo-nextest (JUnit)");
        assert_eq!(
            file.run_id.as_deref(),
            Some("e4682175-7ce5-4380-90c0-8562d6c7d2c8")
        );
        assert_eq!(
            file.timestamp.as_deref(),
            Some("2026-11-25T01:13:56.689+00:00")
        );
        assert_eq!(file.results, 2);
        // sha256 of the exact bytes
        assert_eq!(file.sha256.len(), 64);
        assert_eq!(
            describe("x", b"", 0).sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    // r[verify workspace.provenance]
    #[test]
    fn other_producers_say_what_they_carry() {
        let surefire = br#"<testsuite name="com.example.ConverterTest" timestamp='2026-01-02T03:04:05' tests="1">"#;
        let file = describe("TEST-x.xml", surefire, 1);
        assert_eq!(file.producer, "JUnit XML");
        assert_eq!(file.run_id, None);
        assert_eq!(file.timestamp.as_deref(), Some("2026-01-02T03:04:05"));
        let libtest = b"{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 1 }\n";
        assert_eq!(describe("r.json", libtest, 0).producer, "libtest JSON");
        let nextest = b"{\"type\":\"suite\",\"event\":\"started\",\"test_count\":1}\n{\"type\":\"test\",\"event\":\"started\",\"name\":\"a::a$tests::x\"}\n";
        assert_eq!(
            describe("r.json", nextest, 0).producer,
            "cargo-nextest (libtest-json)"
        );
    }
}

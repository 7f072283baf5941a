//! `--sarif FILE`: the report as SARIF 2.1.0, for code-scanning UIs (GitHub code scanning,
//! GitLab, IDE viewers). One rule per diagnostic code plus `unverified-requirement` and
//! `failing-requirement`; one result per diagnostic and per gap, each with its file and line.
//!
//! Levels follow the gate: a gap the gate blames is an `error`, an older gap a `warning`;
//! diagnostics keep their severity, a warning being an `error` under `--deny warnings`. Locations
//! are relative URIs, resolved against the checkout.

use super::github::{gap_message, gap_rule, workspace_path};
use super::Report;
use crate::gate::{is_blocking, GateVerdict};
use crate::model::{Code, Severity};
use serde_json::{json, Value};

pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where people learn about the tool: the package's repository when Cargo.toml names one.
fn information_uri() -> &'static str {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => "https://crates.io/crates/reqtrail",
        repository => repository,
    }
}

/// The rule ids, in `ruleIndex` order.
pub fn rule_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    ids.push("unverified-requirement");
    ids.push("failing-requirement");
    ids
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule(id: &str, name: &str, description: &str, default_level: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "shortDescription": {"text": description},
        "fullDescription": {"text": description},
        "defaultConfiguration": {"level": default_level},
        "helpUri": information_uri(),
        "properties": {"tags": ["traceability"]},
    })
}

/// `unknown-reference` to `UnknownReference`: SARIF's `name` is meant to be an identifier.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn location(report: &Report, file: &str, line: Option<u32>) -> Value {
    let mut physical = json!({
        "artifactLocation": {"uri": uri_escape(&workspace_path(report, file))},
    });
    if let Some(line) = line.filter(|&l| l > 0) {
        physical["region"] = json!({"startLine": line});
    }
    json!({"physicalLocation": physical})
}

/// A relative path as a URI reference: characters outside the unreserved set (and `/`) are
/// percent-encoded, so spaces and `#` in file names survive.
fn uri_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub fn render(report: &Report, verdict: &GateVerdict) -> String {
    let ids = rule_ids();
    let index = |id: &str| ids.iter().position(|r| *r == id).unwrap_or(0);
    let mut rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            rule(
                c.as_str(),
                &pascal(c.as_str()),
                c.description(),
                level(c.default_severity()),
            )
        })
        .collect();
    rules.push(rule(
        "unverified-requirement",
        "UnverifiedRequirement",
        "An active requirement has no passing verifying test (or only some of its children are verified).",
        "error",
    ));
    rules.push(rule(
        "failing-requirement",
        "FailingRequirement",
        "A test verifying the requirement, or one of its descendants, failed or errored.",
        "error",
    ));

    let mut results = Vec::new();
    for r in report.gaps() {
        let rule_id = gap_rule(r);
        results.push(json!({
            "ruleId": rule_id,
            "ruleIndex": index(rule_id),
            "level": if is_blocking(verdict, &r.id) { "error" } else { "warning" },
            "message": {"text": gap_message(r)},
            "locations": [location(report, &r.file, Some(r.line))],
            "partialFingerprints": {"reqtrail/v1": format!("{rule_id}:{}", r.id)},
            "properties": {"requirement": r.id, "status": r.status.as_str()},
        }));
    }
    for d in &report.diagnostics {
        let hint = d
            .suggestion
            .as_ref()
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        let mut result = json!({
            "ruleId": d.code.as_str(),
            "ruleIndex": index(d.code.as_str()),
            "level": level(verdict.severity_of(d.severity)),
            "message": {"text": format!("{}{hint}", d.message)},
            "partialFingerprints": {
                "reqtrail/v1": format!("{}:{}:{}", d.code.as_str(), d.file.as_deref().unwrap_or(""), d.message)
            },
        });
        if let Some(file) = &d.file {
            result["locations"] = json!([location(report, file, d.line)]);
        }
        results.push(result);
    }

    let mut run = json!({
        "tool": {
            "driver": {
                "name": "reqtrail",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": information_uri(),
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(commit) = &report.commit {
        // SARIF's versionControlProvenance needs the repository's URI, which reqtrail does not
        // know; the commit goes into the run's property bag instead.
        run["properties"] = json!({"commit": commit});
    }
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify gate.sarif]
    #[test]
    fn one_rule_per_code_and_two_for_requirements() {
        let ids = rule_ids();
        assert_eq!(ids.len(), Code::ALL.len() + 2);
        assert_eq!(ids[0], "duplicate-id");
        assert_eq!(pascal("unknown-reference"), "UnknownReference");
        assert_eq!(uri_escape("docs/a b#1.md"), "docs/a%20b%231.md");
    }
}

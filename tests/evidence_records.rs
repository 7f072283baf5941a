//! Verification records as a QA team keeps them (PRODUCT.md section 11): an inspection
//! checklist in TOML and a manual test log exported as CSV, on `fixtures/evidence`, run through
//! the binary as a user would.

mod process_support;

use process_support::{check_json, reqtrail, requirement};
use serde_json::Value;

const FIXTURE: &str = "fixtures/evidence";

fn status<'a>(report: &'a Value, id: &str) -> &'a str {
    requirement(report, id)["status"].as_str().expect("status")
}

fn reason<'a>(report: &'a Value, id: &str) -> &'a str {
    requirement(report, id)["reason"].as_str().expect("reason")
}

fn diagnostics(report: &Value) -> Vec<(String, String, u64)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

// r[verify evidence.methods]
// r[verify evidence.records]
#[test]
fn each_method_needs_evidence_of_that_method() {
    let (code, report) = check_json(FIXTURE, &[]);
    assert_eq!(code, 1, "failing and unverified requirements fail the gate");
    // Tests alone: no Verification line.
    assert_eq!(status(&report, "kv.get"), "verified");
    // `test, manual`: the integration test and the passing row of the manual log.
    assert_eq!(status(&report, "kv.persist"), "verified");
    assert_eq!(
        reason(&report, "kv.persist"),
        "verified by 1 test (no results given), 1 passing manual record"
    );
    // `inspection`: the checklist's record, and nothing else, verifies it.
    assert_eq!(status(&report, "kv.locks"), "verified");
    // `analysis` with no record (the one written names a misspelt id).
    assert_eq!(status(&report, "kv.compaction"), "unverified");
    assert_eq!(
        reason(&report, "kv.compaction"),
        "needs analysis: no record"
    );
    // A record made against revision 1 of a requirement now at revision 2 does not count: it
    // is suspect evidence (PRODUCT.md section 12).
    assert_eq!(status(&report, "kv.backup"), "suspect");
    assert!(
        reason(&report, "kv.backup").contains("older revision"),
        "{}",
        reason(&report, "kv.backup")
    );
    let locks = &requirement(&report, "kv.locks")["verified_by"][0];
    assert_eq!(locks["kind"], "record");
    assert_eq!(locks["level"], "inspection");
    assert_eq!(locks["result"], "passed");
    assert_eq!(locks["by"], "Dana Whitfield");
    assert_eq!(locks["date"], "2026-11-19");
    assert_eq!(locks["file"], "verification/inspections.toml");
    assert_eq!(locks["line"], 6);
    assert_eq!(
        locks["link"],
        "https://wiki.example.org/kvd/inspections/2026-11-19"
    );
    let persist: Vec<(String, String)> = requirement(&report, "kv.persist")["verified_by"]
        .as_array()
        .expect("verified_by")
        .iter()
        .map(|v| {
            (
                v["kind"].as_str().unwrap_or("").to_string(),
                v["level"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        persist,
        [
            ("test".to_string(), "itest".to_string()),
            ("record".to_string(), "manual".to_string())
        ]
    );
}

// r[verify evidence.records]
#[test]
fn a_failed_manual_run_fails_its_requirement_and_ancestors() {
    let (_, report) = check_json(FIXTURE, &[]);
    assert_eq!(status(&report, "kv.ops.alarm"), "failing");
    assert!(
        reason(&report, "kv.ops.alarm").contains("release-2.4.csv:3"),
        "{}",
        reason(&report, "kv.ops.alarm")
    );
    assert_eq!(status(&report, "kv.ops"), "failing");
    assert!(reason(&report, "kv.ops").starts_with("child `kv.ops.alarm` is failing"));
    // The terminal's list of gaps says the same.
    let output = reqtrail().args(["check", FIXTURE]).output().expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("FAILING    kv.ops.alarm"), "{text}");
    assert!(
        text.contains("record `manual by Priya Raman on 2026-11-24` failed"),
        "{text}"
    );
}

// r[verify evidence.records.diagnostics]
// r[verify evidence.records.csv]
#[test]
fn every_broken_record_is_a_diagnostic_at_its_line() {
    let (_, report) = check_json(FIXTURE, &[]);
    let found = diagnostics(&report);
    for expected in [
        ("stale-reference", "verification/inspections.toml", 17),
        ("unknown-reference", "verification/inspections.toml", 27),
        (
            "malformed-record",
            "verification/manual-runs/release-2.4.csv",
            4,
        ),
    ] {
        let expected = (expected.0.to_string(), expected.1.to_string(), expected.2);
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    assert_eq!(found.len(), 3, "{found:?}");
    let unknown = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "unknown-reference")
        .expect("unknown");
    assert_eq!(unknown["suggestion"], "kv.compaction");
}

/// A copy of the fixture to write into.
fn copy_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    copy_dir(std::path::Path::new(FIXTURE), dir.path());
    dir
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

// r[verify evidence.records.command]
#[test]
fn record_appends_a_record_made_against_the_current_text() {
    let dir = copy_fixture();
    let root = dir.path().to_str().expect("utf-8 path");
    let (_, before) = check_json(root, &[]);
    let fingerprint = requirement(&before, "kv.backup")["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_string();
    let output = reqtrail()
        .args([
            "record",
            "kv.backup",
            root,
            "--method",
            "inspection",
            "--result",
            "pass",
            "--by",
            "Dana Whitfield",
            "--note",
            "Re-inspected backup.sh after the checksum change",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("kv.backup (revision 2"), "{said}");
    let written = std::fs::read_to_string(dir.path().join("verification/records.toml"))
        .expect("records.toml written");
    assert!(
        written.contains("requirement = \"kv.backup\"\nrevision = 2\n"),
        "{written}"
    );
    assert!(
        written.contains(&format!("fingerprint = \"{fingerprint}\"")),
        "{written}"
    );
    // SOURCE_DATE_EPOCH 1767225600 is 2026-01-01.
    assert!(written.contains("date = 2026-01-01\n"), "{written}");
    let (_, after) = check_json(root, &[]);
    assert_eq!(status(&after, "kv.backup"), "verified");

    // Reworded without a new revision: the record was made for other text, so it is suspect.
    let spec = dir.path().join("docs/requirements.md");
    let text = std::fs::read_to_string(&spec).expect("spec");
    std::fs::write(
        &spec,
        text.replace(
            "uploads\nnothing when the check fails",
            "retries\nthe upload once when the check fails",
        ),
    )
    .expect("write spec");
    let (_, reworded) = check_json(root, &[]);
    assert_eq!(status(&reworded, "kv.backup"), "suspect");
    std::fs::write(&spec, text).expect("restore spec");

    // A second one is appended below the first, and a failing one fails the requirement.
    let output = reqtrail()
        .args([
            "record",
            "kv.locks",
            root,
            "--method",
            "inspection",
            "--result",
            "fail",
            "--by",
            "Lee Chen",
            "--date",
            "2026-11-30",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let written = std::fs::read_to_string(dir.path().join("verification/records.toml"))
        .expect("records.toml");
    assert_eq!(written.matches("[[record]]").count(), 2, "{written}");
    let (_, after) = check_json(root, &[]);
    assert_eq!(status(&after, "kv.locks"), "failing");
}

// r[verify evidence.records.command]
#[test]
fn record_refuses_what_it_could_not_read_back() {
    let dir = copy_fixture();
    let root = dir.path().to_str().expect("utf-8 path");
    let records = dir.path().join("verification/records.toml");
    let cases: &[(&[&str], &str)] = &[
        (
            &["kv.bakup", "--method", "inspection"],
            "did you mean `kv.backup`",
        ),
        (
            &["kv.backup", "--method", "test"],
            "a record's method is one of",
        ),
        (
            &["kv.backup", "--method", "vibes"],
            "a record's method is one of",
        ),
        (
            &["kv.backup", "--method", "review", "--date", "2026-02-30"],
            "is not a date",
        ),
        (
            &[
                "kv.backup",
                "--method",
                "review",
                "--file",
                "docs/records.toml",
            ],
            "outside the records globs",
        ),
        (
            &[
                "kv.backup",
                "--method",
                "review",
                "--file",
                "../elsewhere.toml",
            ],
            "inside the project",
        ),
    ];
    for (args, expected) in cases {
        let output = reqtrail()
            .arg("record")
            .args(&args[..1])
            .arg(root)
            .args(&args[1..])
            .args(["--result", "pass", "--by", "Dana Whitfield"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!records.exists(), "{args:?} wrote the records file");
    }
}

// r[verify evidence.defects]
#[test]
fn known_defects_stand_beside_failures_and_link_to_the_tracker() {
    let (_, report) = check_json(FIXTURE, &[]);
    // `Defect:` on the requirement; still failing.
    let alarm = requirement(&report, "kv.ops.alarm");
    assert_eq!(alarm["status"], "failing");
    assert_eq!(alarm["defects"], serde_json::json!(["KVD-311"]));
    // The parent fails through that child, and the defect comes with the failure.
    assert_eq!(
        requirement(&report, "kv.ops")["defects"],
        serde_json::json!(["KVD-311"])
    );
    // A `// Defect:` comment and an id in the `#[ignore]` reason, on a test.
    let get = requirement(&report, "kv.get");
    let ignored = get["verified_by"]
        .as_array()
        .expect("verified_by")
        .iter()
        .find(|v| v["test"] == "tests::get_of_a_key_with_a_space")
        .expect("the ignored test");
    assert_eq!(ignored["defects"], serde_json::json!(["KVD-305", "#77"]));
    assert_eq!(get["defects"], serde_json::json!(["#77", "KVD-305"]));
    assert_eq!(
        report["defect_link"],
        "https://tracker.example.org/browse/{id}"
    );
    // The terminal lists the failure with its defect; `show` links it.
    let output = reqtrail().args(["check", FIXTURE]).output().expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("· defect KVD-311"), "{text}");
    let output = reqtrail()
        .args(["show", "kv.ops.alarm", FIXTURE])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("known defects: KVD-311 <https://tracker.example.org/browse/KVD-311>"),
        "{text}"
    );
}

// r[verify evidence.defects.links]
#[test]
fn a_defect_link_that_is_not_a_web_address_is_a_config_error_at_its_line() {
    let dir = copy_fixture();
    std::fs::write(
        dir.path().join("reqtrail.toml"),
        "# tracker\n\ndefect-link = \"javascript:alert('{id}')\"\n",
    )
    .expect("write");
    let output = reqtrail()
        .args(["check", dir.path().to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("reqtrail.toml:3: defect-link must be an http(s)"),
        "{stderr}"
    );
}

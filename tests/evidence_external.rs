//! Results from tests outside the Rust sources (PRODUCT.md section 11): a real pytest system
//! suite (`fixtures/evidence/systests`) run with `--junitxml`, its cases naming requirements
//! with `record_property` or, for parametrised cases, in their name, joined onto the project.
//!
//! pytest comes from PyPI (`scripts/test` installs it when missing); under `CI=true` a missing
//! pytest fails this test instead of skipping it.

mod process_support;

use process_support::{check_json, requirement};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `python3 -m pytest`, when it can be run.
fn pytest() -> Option<Command> {
    let probe = Command::new("python3")
        .args(["-m", "pytest", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if probe.is_ok_and(|s| s.success()) {
        let mut cmd = Command::new("python3");
        cmd.args(["-m", "pytest"]);
        return Some(cmd);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "pytest is needed by this test: run scripts/test, or `python3 -m pip install pytest`"
        );
    }
    eprintln!("SKIPPED: pytest not found (python3 -m pip install pytest)");
    None
}

fn copy_dir(from: &Path, to: &Path) {
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

/// Runs the suite in a copy of the fixture; the child is killed after two minutes (a hang is a
/// failure, not a wait). Returns the copy and the JUnit file's path.
fn run_suite() -> Option<(tempfile::TempDir, String)> {
    let mut cmd = pytest()?;
    let dir = tempfile::tempdir().expect("tmp");
    copy_dir(Path::new("fixtures/evidence"), dir.path());
    let junit = dir.path().join("target/pytest.xml");
    let mut child = cmd
        .current_dir(dir.path())
        .args(["-q", "-p", "no:cacheprovider"])
        .arg(format!("--junitxml={}", junit.display()))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pytest starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("pytest did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = child.wait_with_output().expect("output");
    // One test of the suite fails on purpose: pytest's exit code 1 is "some tests failed".
    assert_eq!(
        status.code(),
        Some(1),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let path = junit.to_str().expect("utf-8").to_string();
    Some((dir, path))
}

fn external(report: &Value, id: &str) -> Vec<(String, String, String)> {
    requirement(report, id)["verified_by"]
        .as_array()
        .expect("verified_by")
        .iter()
        .filter(|v| v["kind"] == "external")
        .map(|v| {
            (
                v["test"].as_str().unwrap_or("").to_string(),
                v["level"].as_str().unwrap_or("").to_string(),
                v["result"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

// r[verify evidence.external]
#[test]
fn a_pytest_system_suite_verifies_the_requirements_it_names() {
    let Some((dir, junit)) = run_suite() else {
        return;
    };
    let root = dir.path().to_str().expect("utf-8");
    let (_, report) = check_json(root, &["--results", &junit]);
    // `record_property("requirement", "kv.get")`, and the comma-separated `requirements`.
    assert_eq!(
        external(&report, "kv.get"),
        [
            (
                "test_acknowledged_values_survive_a_restart".to_string(),
                "stest".to_string(),
                "passed".to_string()
            ),
            (
                "test_get_returns_the_last_value_set".to_string(),
                "stest".to_string(),
                "passed".to_string()
            ),
        ]
    );
    assert_eq!(requirement(&report, "kv.get")["status"], "verified");
    assert!(requirement(&report, "kv.get")["levels"]
        .as_array()
        .expect("levels")
        .contains(&Value::from("stest")));
    // `Verification: test, manual`: the system test is a test, the CSV row the manual run.
    assert_eq!(requirement(&report, "kv.persist")["status"], "verified");
    // Found by `external-id-pattern` in the parametrised case's name.
    assert_eq!(
        external(&report, "kv.ops.runbook"),
        [(
            "test_every_alert_has_a_runbook_section[kv.ops.runbook]".to_string(),
            "stest".to_string(),
            "passed".to_string()
        )]
    );
    assert_eq!(requirement(&report, "kv.ops.runbook")["status"], "verified");
    // The suite's failing case fails its requirement, with the case named in the reason.
    assert_eq!(requirement(&report, "kv.backup")["status"], "failing");
    assert_eq!(
        requirement(&report, "kv.backup")["reason"],
        "system test `test_backup_refuses_a_snapshot_with_a_bad_checksum` failed"
    );
    // The case that names no requirement is a result of nothing, listed by name; the others
    // are not.
    let unmatched: Vec<&str> = report["evidence"]["unmatched_results"]
        .as_array()
        .expect("unmatched")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(unmatched, ["test_unknown_commands_are_refused"]);
    let levels: Vec<&str> = report["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .filter_map(|l| l["level"].as_str())
        .collect();
    assert!(levels.contains(&"stest"), "{levels:?}");
}

// r[verify evidence.external]
#[test]
fn a_committed_system_run_under_verification_counts_without_flags() {
    let Some((dir, junit)) = run_suite() else {
        return;
    };
    // The same JUnit file kept with the records (as a hardware rig's export would be): read
    // without `--results`, so the Rust tests keep their "no results given" standing.
    std::fs::copy(&junit, dir.path().join("verification/system-run.xml")).expect("copy");
    let root = dir.path().to_str().expect("utf-8");
    let (_, report) = check_json(root, &[]);
    assert_eq!(report["results_given"], false);
    assert_eq!(external(&report, "kv.ops.runbook").len(), 1);
    assert_eq!(requirement(&report, "kv.backup")["status"], "failing");
    let files: Vec<&str> = report["evidence"]["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(files, ["verification/system-run.xml"]);
}

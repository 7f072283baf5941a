//! Shared by the process tests: the `reqtrail` binary with a fixed date and no colour, and
//! `check --json -` read back as JSON.

use assert_cmd::Command;
use serde_json::Value;

/// The binary under test, deterministic: a fixed `SOURCE_DATE_EPOCH` and `NO_COLOR`.
pub fn reqtrail() -> Command {
    let mut cmd = Command::cargo_bin("reqtrail").expect("binary built");
    cmd.env("SOURCE_DATE_EPOCH", "1767225600")
        .env("NO_COLOR", "1");
    cmd
}

/// Runs `check ROOT --json -` with `extra` and returns (exit code, report).
pub fn check_json(root: &str, extra: &[&str]) -> (i32, Value) {
    let output = reqtrail()
        .args(["check", root, "--json", "-"])
        .args(extra)
        .output()
        .expect("runs");
    let code = output.status.code().expect("exit code");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, report)
}

/// The report's entry for requirement `id`.
pub fn requirement<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("requirement {id} missing in {report}"))
}

//! Issue 18's speed work must not change a byte of output: every format written by one run,
//! side by side and streamed, is the same as that format rendered alone to standard output;
//! the terminal summary is the same whether or not the JSON written on the way was scanned for
//! it. The binary runs as a process on the demo crate and on projects written here.

// Only the binary helper is used here.
#[allow(dead_code)]
mod process_support;

use process_support::reqtrail;
use std::path::Path;

const FORMATS: [(&str, &str); 5] = [
    ("--json", "report.json"),
    ("--html", "report.html"),
    ("--csv", "report.csv"),
    ("--sarif", "report.sarif"),
    ("--markdown", "report.md"),
];

/// Runs `reqtrail check ROOT ARGS...` and returns (exit code, stdout, stderr).
fn check(root: &Path, args: &[&str]) -> (i32, Vec<u8>, String) {
    let output = reqtrail()
        .arg("check")
        .arg(root)
        .args(args)
        .output()
        .expect("reqtrail runs");
    (
        output.status.code().expect("an exit code"),
        output.stdout,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

// r[verify perf.outputs]
#[test]
fn every_output_written_side_by_side_is_the_same_as_rendered_alone() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let results = root.join("results/junit.xml");
    let results = results.to_str().expect("a UTF-8 path");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec!["--results", results];
    let paths: Vec<String> = FORMATS
        .iter()
        .map(|(_, name)| dir.path().join(name).to_string_lossy().into_owned())
        .collect();
    for ((flag, _), path) in FORMATS.iter().zip(&paths) {
        args.push(flag);
        args.push(path);
    }
    let (code, _, stderr) = check(&root, &args);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");

    for ((flag, _), path) in FORMATS.iter().zip(&paths) {
        let written = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            written.len() > 200,
            "{flag} wrote only {} bytes",
            written.len()
        );
        let (alone_code, alone, stderr) = check(&root, &["--results", results, flag, "-"]);
        assert_eq!(alone_code, code, "{flag}: {stderr}");
        assert!(
            written == alone,
            "{flag}: the file ({} bytes) differs from the format rendered alone ({} bytes)",
            written.len(),
            alone.len()
        );
    }
}

/// Writes `files` under a new temporary project.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

/// The terminal summary without the line that names the JSON file written.
fn summary(stdout: &[u8]) -> String {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.starts_with("wrote "))
        .collect::<Vec<_>>()
        .join("\n")
}

// r[verify perf.outputs]
// r[verify robust.terminal-escapes]
#[test]
fn the_summary_is_the_same_with_or_without_a_json_file_and_escapes_hostile_text() {
    let spec_clean = "# Spec\n\nr[pay.charge]\nCharging a card records the payment.\nA second line of text stays a line break.\n\nr[pay.refund]\nA refund reverses a charge.\n";
    let code = "#[cfg(test)]\nmod tests {\n    // r[verify pay.charge]\n    #[test]\n    fn charges() {}\n}\n";
    let clean = project(&[
        (
            "Cargo.toml",
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("docs/spec.md", spec_clean),
        ("src/lib.rs", code),
    ]);
    // The unverified one is hostile, so the summary lists it.
    let hostile_spec = "# Spec\n\nr[pay.charge]\nCharging a card records the payment.\n\nr[pay.refund]\nA refund \u{1b}]0;pwned\u{7} reverses \u{202e}a charge.\n";
    let hostile = project(&[
        (
            "Cargo.toml",
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("docs/spec.md", hostile_spec),
        (
            "docs/odd\u{7}name.md",
            "# Odd\n\nr[odd.one]\nA requirement in an oddly named file.\n",
        ),
        ("src/lib.rs", code),
    ]);
    for (name, dir) in [("clean", &clean), ("hostile", &hostile)] {
        let json = dir.path().join("out/report.json");
        std::fs::create_dir_all(json.parent().expect("parent")).expect("mkdir");
        let json = json.to_string_lossy().into_owned();
        let (plain_code, plain, _) = check(dir.path(), &["--color", "never"]);
        let (json_code, with_json, _) = check(dir.path(), &["--color", "never", "--json", &json]);
        assert_eq!(plain_code, json_code, "{name}");
        assert_eq!(summary(&plain), summary(&with_json), "{name}");
        let shown = summary(&with_json);
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{name}: {shown}"
        );
        assert!(!shown.contains('\u{202e}'), "{name}: {shown}");
        let report = std::fs::read_to_string(&json).expect("the JSON was written");
        if name == "hostile" {
            // The file keeps the text as written; only the terminal sees escapes.
            assert!(shown.contains("\\x1b]0;pwned\\x07"), "{shown}");
            assert!(shown.contains("odd\\x07name.md"), "{shown}");
            assert!(report.contains("\\u001b]0;pwned\\u0007"), "{report}");
        } else {
            assert!(shown.contains("pay.refund"), "{shown}");
        }
    }
}

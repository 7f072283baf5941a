//! What a new user meets first, run as processes: `--version` naming the commit, `help TOPIC`
//! printing the guide, every written file announced once, `-q` starting with its first line,
//! `show` saying a waiver once and suggesting an id that differs only in case, and the gaps
//! listed most urgent first with children in id order (issue 16).

use assert_cmd::Command;
use std::path::Path;

fn reqtrail() -> Command {
    let mut cmd = Command::cargo_bin("reqtrail").expect("binary built");
    cmd.env("SOURCE_DATE_EPOCH", "1767225600")
        .env("NO_COLOR", "1");
    cmd
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().expect("runs");
    Run {
        code: output.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A small shop service: a parent with two children defined z-first, a failing requirement
/// defined after two unverified ones, a waived one, and a passing one.
fn shop(root: &Path) {
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        root,
        "docs/spec.md",
        "# Shop\n\n\
         r[cart.total]\nThe cart total is the sum of its lines.\n\n\
         r[cart.total.zero]\nParents: cart.total\n\nAn empty cart totals zero.\n\n\
         r[cart.total.currency]\nParents: cart.total\n\nThe total is in the cart's currency.\n\n\
         r[cart.export]\nThe cart exports as CSV.\n\n\
         r[cart.import]\nThe cart imports from CSV.\n\n\
         r[cart.tax]\nTax is added per line.\n\n\
         r[cart.speed]\nWaived: measured by the nightly load test\n\nA total takes under a millisecond.\n",
    );
    write(
        root,
        "src/lib.rs",
        "pub fn total(lines: &[u64]) -> u64 { lines.iter().sum() }\n\n\
         #[cfg(test)]\nmod tests {\n    use super::*;\n\n\
         \x20   // r[verify cart.total]\n    #[test]\n    fn sums_lines() { assert_eq!(total(&[1, 2]), 3); }\n\n\
         \x20   // r[verify cart.tax]\n    #[test]\n    fn adds_tax() { assert_eq!(total(&[1]), 2); }\n}\n",
    );
    write(
        root,
        "junit.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"nextest-run\">\n\
         <testsuite name=\"shop\" tests=\"2\" failures=\"1\">\n\
         <testcase name=\"tests::sums_lines\" classname=\"shop\"/>\n\
         <testcase name=\"tests::adds_tax\" classname=\"shop\"><failure message=\"assertion failed\">left: 1, right: 2</failure></testcase>\n\
         </testsuite>\n</testsuites>\n",
    );
}

/// The commit git reports for this repository, as the build script records it.
fn head_commit() -> Option<String> {
    let dir = env!("CARGO_MANIFEST_DIR");
    let tracked = std::process::Command::new("git")
        .args(["-C", dir, "ls-files", "--full-name", "build.rs"])
        .output()
        .ok()
        .filter(|o| o.status.success() && !o.stdout.is_empty());
    tracked?;
    let out = std::process::Command::new("git")
        .args(["-C", dir, "rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

// r[verify cli.version]
#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = run(reqtrail().arg("--version"));
    assert_eq!(out.code, 0);
    let line = out.stdout.trim();
    assert!(
        line.starts_with(&format!("reqtrail {} (", env!("CARGO_PKG_VERSION"))),
        "{line}"
    );
    match head_commit() {
        Some(commit) => assert!(line.contains(&format!("commit {commit}")), "{line}"),
        None => assert!(line.contains("commit unknown"), "{line}"),
    }
}

// r[verify cli.help-topics]
#[test]
fn help_prints_the_guide_without_the_source_tree() {
    // Run from an empty directory: nothing of the source tree is at hand.
    let dir = tempfile::tempdir().expect("tempdir");
    let help = run(reqtrail().current_dir(dir.path()).arg("--help"));
    assert_eq!(help.code, 0);
    assert!(
        !help.stdout.contains("Docs: docs/guide.md"),
        "{}",
        help.stdout
    );
    assert!(
        help.stdout.contains("reqtrail help TOPIC"),
        "{}",
        help.stdout
    );

    let index = run(reqtrail().current_dir(dir.path()).arg("help"));
    assert_eq!(index.code, 0, "{}", index.stderr);
    for topic in [
        "start",
        "requirements",
        "references",
        "statuses",
        "results",
        "ci",
    ] {
        assert!(
            index.stdout.contains(&format!("\n  {topic} ")),
            "{topic}: {}",
            index.stdout
        );
    }
    assert!(
        index.stdout.contains("unknown-reference"),
        "{}",
        index.stdout
    );

    let chapter = run(reqtrail().current_dir(dir.path()).args(["help", "results"]));
    assert_eq!(chapter.code, 0, "{}", chapter.stderr);
    assert!(
        chapter.stdout.starts_with("## 6. Test results\n"),
        "{}",
        chapter.stdout
    );
    assert!(chapter.stdout.contains("### 6.1 cargo-nextest (JUnit XML)"));
    assert!(!chapter.stdout.contains("## 7. "), "{}", chapter.stdout);

    let code = run(reqtrail().args(["help", "unknown-reference"]));
    assert_eq!(code.code, 0);
    assert!(
        code.stdout.starts_with("#### `unknown-reference` (error)"),
        "{}",
        code.stdout
    );

    let ci = run(reqtrail().args(["help", "ci"]));
    assert!(ci.stdout.starts_with("# reqtrail in CI"), "{}", ci.stdout);

    // A command's name gives that command's help, as `help` did before it had topics.
    let check = run(reqtrail().args(["help", "check"]));
    assert_eq!(check.code, 0);
    assert!(
        check.stdout.contains("Usage: reqtrail check"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("--results <FILE>"),
        "{}",
        check.stdout
    );

    let unknown = run(reqtrail().args(["help", "nonsense"]));
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("no help topic `nonsense`"),
        "{}",
        unknown.stderr
    );
    assert!(unknown.stderr.contains("references"), "{}", unknown.stderr);
}

// r[verify cli.wrote]
#[test]
fn every_written_file_is_announced_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    shop(dir.path());
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).expect("mkdir");
    let path = |name: &str| out_dir.join(name).to_string_lossy().into_owned();
    let out = run(reqtrail().arg("check").arg(dir.path()).args([
        "--html",
        &path("trace.html"),
        "--json",
        &path("trace.json"),
        "--csv",
        &path("trace.csv"),
        "--sarif",
        &path("trace.sarif"),
        "--markdown",
        &path("comment.md"),
    ]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    for name in [
        "trace.html",
        "trace.json",
        "trace.csv",
        "trace.sarif",
        "comment.md",
    ] {
        assert!(out_dir.join(name).is_file(), "{name} written");
        let said = format!("wrote {}", path(name));
        assert_eq!(
            out.stdout.matches(&said).count(),
            1,
            "`{said}` once in:\n{}",
            out.stdout
        );
    }
    assert!(out
        .stdout
        .contains("(the HTML report: open it in a browser)"));
    // The verdict stays the last line.
    let last = out.stdout.trim_end().lines().last().unwrap_or("");
    assert!(last.contains("gate failed"), "{}", out.stdout);

    // JSON on stdout is not a file: nothing to announce, and stdout stays JSON.
    let json = run(reqtrail()
        .arg("check")
        .arg(dir.path())
        .args(["--json", "-"]));
    let _: serde_json::Value = serde_json::from_str(&json.stdout).expect("stdout is JSON");
    assert!(!json.stderr.contains("wrote"), "{}", json.stderr);
}

// r[verify cli.quiet]
#[test]
fn quiet_starts_with_its_first_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "docs/spec.md", "r[a.one]\nOne.\n");
    write(
        dir.path(),
        "src/lib.rs",
        "// r[verify a.one]\n#[test]\nfn one() {}\n",
    );
    let passed = run(reqtrail().arg("check").arg(dir.path()).arg("-q"));
    assert_eq!(passed.code, 0, "{}", passed.stderr);
    assert_eq!(passed.stdout, "✔ gate passed\n");

    shop(dir.path());
    let failed = run(reqtrail()
        .arg("check")
        .arg(dir.path())
        .arg("-q")
        .arg("--results")
        .arg(dir.path().join("junit.xml")));
    assert_eq!(failed.code, 1);
    assert!(
        failed.stdout.starts_with("✘ gate failed"),
        "{:?}",
        failed.stdout
    );
}

// r[verify cli.show]
#[test]
fn show_says_the_waiver_once_and_suggests_the_right_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    shop(dir.path());
    let out = run(reqtrail().args(["show", "cart.speed"]).arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout
            .matches("measured by the nightly load test")
            .count(),
        1,
        "{}",
        out.stdout
    );

    let wrong_case = run(reqtrail().args(["show", "CART.Speed"]).arg(dir.path()));
    assert_eq!(wrong_case.code, 2);
    assert!(
        wrong_case.stderr.contains("did you mean `cart.speed`?"),
        "{}",
        wrong_case.stderr
    );
}

// r[verify cli.order]
#[test]
fn failing_gaps_come_first_and_children_read_sorted() {
    let dir = tempfile::tempdir().expect("tempdir");
    shop(dir.path());
    let out = run(reqtrail()
        .arg("check")
        .arg(dir.path())
        .arg("--results")
        .arg(dir.path().join("junit.xml")));
    assert_eq!(out.code, 1);
    let listed: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Not verified:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with("             "))
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        listed,
        [
            "cart.tax",
            "cart.total.zero",
            "cart.total.currency",
            "cart.export",
            "cart.import",
            "cart.total",
        ],
        "{}",
        out.stdout
    );
    let show = run(reqtrail()
        .args(["show", "cart.total"])
        .arg(dir.path())
        .arg("--results")
        .arg(dir.path().join("junit.xml")));
    assert!(
        show.stdout
            .contains("why: children not verified: cart.total.currency, cart.total.zero"),
        "{}",
        show.stdout
    );
}

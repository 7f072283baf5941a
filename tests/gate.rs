//! The CI gate end to end: `reqtrail check` run as a process on real git repositories built in
//! temporary directories (a base commit on `main`, branches that add an untested requirement,
//! change a tested one, rename a test), checking each gate's verdict, exit code and message;
//! `--baseline` both ways; the SARIF, GitHub annotation and Markdown outputs; `reqtrail init`;
//! and the `cargo reqtrail` subcommand.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

/// Git's own environment variables would point the commands at another repository when the
/// tests run from a git hook; they are removed from every process started here.
const GIT_ENV: [&str; 6] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_CEILING_DIRECTORIES",
    "GIT_PREFIX",
];

fn clean(cmd: &mut Command) -> &mut Command {
    for var in GIT_ENV {
        cmd.env_remove(var);
    }
    // Markdown links would come from the CI's environment otherwise.
    cmd.env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
}

/// A project in a temporary directory, optionally a git repository.
struct Project {
    dir: TempDir,
}

const SPEC: &str = "# Calculator

r[calc.add]
Adding two numbers gives their sum.

r[calc.sub]
Subtracting gives the difference.

r[calc.mul]
Multiplying gives the product.

r[calc.legacy]
An old requirement nobody ever tested.
";

const LIB: &str = "pub fn add(a: i32, b: i32) -> i32 {
    a + b
}

#[cfg(test)]
mod tests {
    // r[verify calc.add]
    #[test]
    fn adds() {
        assert_eq!(super::add(1, 2), 3);
    }

    // r[verify calc.sub]
    #[test]
    fn subtracts() {
        assert_eq!(3 - 1, 2);
    }

    // r[verify calc.mul]
    #[test]
    fn multiplies() {
        assert_eq!(2 * 3, 6);
    }
}
";

const CARGO: &str = "[package]\nname = \"calc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

impl Project {
    fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The calculator project: three tested requirements and one old gap, committed on `main`.
    /// Outputs go to the ignored `target/`, where neither reqtrail nor git looks.
    fn calculator() -> Project {
        let p = Project::new();
        p.write(".gitignore", "target/\n");
        p.write("target/.keep", "");
        p.write("Cargo.toml", CARGO);
        p.write("docs/spec.md", SPEC);
        p.write("src/lib.rs", LIB);
        p.git(&["init", "-q", "-b", "main"]);
        p.git(&["config", "user.name", "Test"]);
        p.git(&["config", "user.email", "test@example.org"]);
        p.git(&["config", "commit.gpgsign", "false"]);
        p.commit("base");
        p
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).expect("read")
    }

    /// Replaces `from` by `to` in a file; the text must be there.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no `{from}`");
        self.write(rel, &text.replacen(from, to, 1));
    }

    fn git(&self, args: &[&str]) -> String {
        let mut cmd = std::process::Command::new("git");
        cmd.current_dir(self.path()).args(args);
        for var in GIT_ENV {
            cmd.env_remove(var);
        }
        let output = cmd
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn branch(&self, name: &str) {
        self.git(&["checkout", "-q", "-b", name]);
    }

    /// `reqtrail check . ARGS` run in the project.
    fn check(&self, args: &[&str]) -> Run {
        self.run_bin("reqtrail", &["check", "."], args)
    }

    fn run_bin(&self, bin: &str, first: &[&str], args: &[&str]) -> Run {
        let mut cmd = Command::cargo_bin(bin).expect("binary built");
        clean(&mut cmd);
        let output = cmd
            .current_dir(self.path())
            .args(first)
            .args(args)
            .output()
            .expect("runs");
        Run::from(output)
    }

    fn file(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }
}

/// What one run gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().expect("exit code"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    fn expect(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}, got {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    fn says(&self, text: &str) -> &Run {
        assert!(
            self.stdout.contains(text) || self.stderr.contains(text),
            "output lacks `{text}`\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    fn never_says(&self, text: &str) -> &Run {
        assert!(
            !self.stdout.contains(text) && !self.stderr.contains(text),
            "output has `{text}`\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// The gate's last line.
    fn verdict(&self) -> &str {
        self.stdout
            .lines()
            .rev()
            .find(|l| l.contains("gate passed") || l.contains("gate failed"))
            .unwrap_or("")
    }
}

/// The feature branch of the issue: adds an untested requirement, changes the text of a tested
/// one, renames a test.
fn feature_branch(p: &Project) {
    p.branch("feature");
    p.edit(
        "docs/spec.md",
        "Subtracting gives the difference.",
        "Subtracting gives the difference, negative results included.",
    );
    p.write(
        "docs/spec.md",
        &format!(
            "{}\nr[calc.div]\nDividing by zero is an error, never a panic.\n",
            p.read("docs/spec.md")
        ),
    );
    p.edit(
        "src/lib.rs",
        "fn multiplies()",
        "fn multiplies_small_numbers()",
    );
    // calc.sub was reworded: its test is reviewed in the same change, or its evidence would be
    // suspect (tests/change.rs covers that case).
    p.edit(
        "src/lib.rs",
        "assert_eq!(3 - 1, 2);",
        "assert_eq!(1 - 3, -2);",
    );
    p.commit("feature");
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no `{needle}`"))
}

// ---------------------------------------------------------------------------------------------
// Exit codes, --fail-under, --deny warnings

// r[verify gate.exit-codes]
// r[verify cli.exit-codes]
#[test]
fn exit_codes_are_zero_one_and_two() {
    let p = Project::calculator();
    // calc.legacy is unverified: the default gate fails.
    p.check(&[])
        .expect(1)
        .says("1 active requirement not verified (1 unverified)");
    p.edit(
        "docs/spec.md",
        "r[calc.legacy]\nAn old requirement nobody ever tested.\n",
        "",
    );
    p.check(&[]).expect(0).says("gate passed");
    // Could not do the job: bad usage, bad config, missing root.
    p.check(&["--no-such-flag"]).expect(2);
    p.write("reqtrail.toml", "speck = [\"docs/*.md\"]\n");
    p.check(&[]).expect(2).says("reqtrail.toml");
    let missing = p.run_bin("reqtrail", &["check", "no/such/dir"], &[]);
    missing.expect(2).says("not a directory");
}

// r[verify gate.fail-under]
#[test]
fn fail_under_is_a_coverage_floor() {
    let p = Project::calculator();
    // 3 of 4 verified: 75%.
    p.check(&["--fail-under", "70"])
        .expect(0)
        .says("gate passed");
    p.check(&["--fail-under", "75"]).expect(0);
    let run = p.check(&["--fail-under", "80"]);
    run.expect(1);
    assert!(
        run.verdict()
            .contains("coverage 75.0% is under --fail-under 80%"),
        "{}",
        run.verdict()
    );
    // Gaps alone do not fail it, but errors still do.
    p.edit(
        "src/lib.rs",
        "// r[verify calc.add]",
        "// r[verify calc.addd]",
    );
    p.check(&["--fail-under", "10"])
        .expect(1)
        .says("error[unknown-reference]")
        .says("1 error diagnostic");
    p.check(&["--fail-under", "150"])
        .expect(2)
        .says("--fail-under takes a percentage from 0 to 100");
    p.check(&["--fail-under", "lots"]).expect(2);
}

// r[verify gate.deny-warnings]
#[test]
fn deny_warnings_turns_warnings_into_gate_failures() {
    let p = Project::calculator();
    p.edit(
        "docs/spec.md",
        "r[calc.legacy]\nAn old requirement nobody ever tested.\n",
        "",
    );
    // A verify reference on a function that is no test: a warning.
    p.write(
        "src/lib.rs",
        &format!(
            "{}\n// r[verify calc.add]\npub fn helper() {{}}\n",
            p.read("src/lib.rs")
        ),
    );
    p.check(&[])
        .expect(0)
        .says("warning[verify-outside-test]")
        .says("gate passed");
    let denied = p.check(&["--deny", "warnings", "--json", "-", "--sarif", "out.sarif"]);
    denied
        .expect(1)
        .says("error[verify-outside-test]")
        .says("gate failed: 1 error or warning diagnostic (--deny warnings)");
    // Gate policy, not a rewrite of the data: the JSON keeps the warning a warning and counts
    // it as one, while the formats that show the gate's view (SARIF here) call it an error.
    let report: Value = serde_json::from_str(&denied.stdout).expect("the JSON report");
    let diagnostic = report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["code"] == "verify-outside-test")
        .expect("the diagnostic is in the JSON");
    assert_eq!(diagnostic["severity"], "warning");
    assert_eq!(report["summary"]["warnings"], 1);
    assert_eq!(report["summary"]["errors"], 0);
    let sarif: Value =
        serde_json::from_str(&p.read("out.sarif")).expect("the SARIF report is JSON");
    let levels: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["ruleId"] == "verify-outside-test")
        .filter_map(|r| r["level"].as_str())
        .collect();
    assert_eq!(levels, ["error"]);
    p.check(&["--deny", "everything"]).expect(2);
}

// ---------------------------------------------------------------------------------------------
// --changed-since

// r[verify gate.changed-since]
#[test]
fn changed_since_gates_only_what_the_branch_touched() {
    let p = Project::calculator();
    feature_branch(&p);
    let spec = p.read("docs/spec.md");
    let div = line_of(&spec, "r[calc.div]");
    let run = p.check(&["--changed-since", "main"]);
    run.expect(1)
        .says("Changed since main")
        .says("3 requirements, 2 tests")
        .says(&format!("requirement `calc.div` (docs/spec.md:{div}): added"))
        .says("requirement `calc.sub` (docs/spec.md:6): changed")
        .says("requirement `calc.mul` (docs/spec.md:9): verified by changed test `tests::multiplies_small_numbers`")
        .says("test tests::multiplies_small_numbers (src/lib.rs:")
        // The old gap is not the branch's doing, and the unchanged requirement is not listed.
        .never_says("requirement `calc.legacy`")
        .never_says("requirement `calc.add`");
    assert!(
        run.verdict()
            .contains("gate failed: 1 changed requirement not verified: `calc.div` (unverified)"),
        "{}",
        run.verdict()
    );

    // With a test for the new requirement, the branch passes although calc.legacy is still a gap.
    p.edit(
        "src/lib.rs",
        "    // r[verify calc.mul]",
        "    // r[verify calc.div]\n    #[test]\n    fn divides() {\n        assert_eq!(6 / 3, 2);\n    }\n\n    // r[verify calc.mul]",
    );
    p.commit("test calc.div");
    p.check(&["--changed-since", "main"])
        .expect(0)
        .says("test tests::divides (src/lib.rs:")
        .says("gate passed");
    p.check(&[])
        .expect(1)
        .says("1 active requirement not verified");
}

// r[verify gate.changed-since]
#[test]
fn changed_since_gates_errors_on_changed_lines_and_removed_references() {
    let p = Project::calculator();
    // An old error on a line the branch does not touch.
    p.write(
        "tests/old.rs",
        "// r[verify calc.nothing]\n#[test]\nfn old() {}\n",
    );
    p.edit(
        "docs/spec.md",
        "r[calc.legacy]\nAn old requirement nobody ever tested.\n",
        "",
    );
    p.commit("old error");
    p.branch("typo");
    p.check(&["--changed-since", "main"])
        .expect(0)
        .says("0 requirements, 0 tests");

    // A typo in a changed reference is the branch's error; calc.sub lost its test.
    p.edit(
        "src/lib.rs",
        "// r[verify calc.sub]",
        "// r[verify calc.subb]",
    );
    p.commit("typo");
    let run = p.check(&["--changed-since", "main"]);
    run.expect(1)
        .says("a reference to it was removed or changed in src/lib.rs")
        .says("error[unknown-reference]");
    let verdict = run.verdict();
    assert!(
        verdict.contains("1 error diagnostic on changed lines"),
        "{verdict}"
    );
    assert!(verdict.contains("`calc.sub` (unverified)"), "{verdict}");
}

// r[verify gate.changed-since]
#[test]
fn untracked_and_uncommitted_changes_count() {
    let p = Project::calculator();
    p.branch("wip");
    p.write(
        "docs/more.md",
        "# More\n\nr[calc.pow]\nPowers of two are exact.\n",
    );
    p.check(&["--changed-since", "main"])
        .expect(1)
        .says("requirement `calc.pow` (docs/more.md:3): added")
        .says("`calc.pow` (unverified)");
}

// r[verify gate.changed-since]
#[test]
fn a_new_section_after_an_old_gap_does_not_blame_it() {
    let p = Project::calculator();
    p.branch("appendix");
    p.write(
        "docs/spec.md",
        &format!(
            "{}\n## Appendix\n\nNotes, no requirement.\n",
            p.read("docs/spec.md")
        ),
    );
    p.commit("appendix");
    p.check(&["--changed-since", "main"])
        .expect(0)
        .says("0 requirements, 0 tests")
        .never_says("calc.legacy` (");
    // Editing the old gap's own text does blame it.
    p.edit("docs/spec.md", "nobody ever tested", "nobody has tested");
    p.check(&["--changed-since", "main"])
        .expect(1)
        .says("requirement `calc.legacy` (docs/spec.md:12): changed");
}

// r[verify gate.changed-since]
#[test]
fn moved_test_files_count_as_changed_and_moved_specs_do_not() {
    let p = Project::calculator();
    p.write(
        "tests/extra.rs",
        "// r[verify calc.legacy]\n#[test]\nfn legacy() {}\n",
    );
    p.commit("integration test");
    p.branch("move");
    p.git(&["mv", "tests/extra.rs", "tests/legacy.rs"]);
    p.git(&["mv", "docs/spec.md", "docs/calculator.md"]);
    p.commit("move files");
    p.check(&["--changed-since", "main"])
        .expect(0)
        .says("1 requirement, 1 test")
        .says("test legacy (tests/legacy.rs:3): moved from tests/extra.rs")
        .says(
            "requirement `calc.legacy` (docs/calculator.md:12): verified by changed test `legacy`",
        )
        .never_says("requirement `calc.add`");
}

// r[verify front.pr-gate-spans]
#[test]
fn a_deeply_nested_test_file_is_no_crash_for_the_pr_gate() {
    let p = Project::calculator();
    p.branch("deep");
    // 2,900 levels of parentheses in a test body: the full run reads this file.
    let depth = 2900;
    p.write(
        "tests/deep.rs",
        &format!(
            "// r[verify calc.legacy]\n#[test]\nfn deep() {{\n    let x = {}1{};\n    assert_eq!(x, 1);\n}}\n",
            "(".repeat(depth),
            ")".repeat(depth)
        ),
    );
    p.commit("deep test");
    p.check(&[]).expect(0).says("gate passed");
    p.check(&["--changed-since", "main"])
        .expect(0)
        .says("test deep (tests/deep.rs:3): added")
        .says("requirement `calc.legacy` (docs/spec.md:12): verified by changed test `deep`")
        .says("gate passed");
}

// r[verify front.spans]
// r[verify front.pr-gate-spans]
#[test]
fn prose_under_a_setext_heading_blames_no_requirement_above_it() {
    let p = Project::calculator();
    p.write(
        "docs/spec.md",
        &format!("{SPEC}\nAppendix\n========\n\nNotes, no requirement.\n"),
    );
    p.commit("setext appendix");
    p.branch("notes");
    p.edit(
        "docs/spec.md",
        "Notes, no requirement.",
        "Notes, still no requirement.",
    );
    p.check(&["--changed-since", "main"])
        .expect(0)
        .says("0 requirements, 0 tests")
        .never_says("requirement `calc.legacy`");
    // The requirement's own text still counts, and the JSON says where it ends.
    p.edit("docs/spec.md", "nobody ever tested", "nobody has tested");
    p.check(&["--changed-since", "main"])
        .expect(1)
        .says("requirement `calc.legacy` (docs/spec.md:12): changed");
    p.check(&["--json", "target/r.json"]).expect(1);
    let report: Value = serde_json::from_str(&p.read("target/r.json")).expect("json");
    let legacy = report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["id"] == "calc.legacy")
        .expect("calc.legacy");
    // Line 12 is the marker, 13 its text, 14 blank, 15 the setext heading.
    assert_eq!(legacy["span"], serde_json::json!({"first": 12, "last": 14}));
    let adds = report["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .find(|t| t["test"] == "tests::adds")
        .expect("tests::adds");
    // The comment above the attribute through the closing brace.
    assert_eq!(adds["span"], serde_json::json!({"first": 7, "last": 11}));
}

// r[verify front.pr-gate-spans]
#[test]
fn deleting_a_reference_with_another_prefix_fails_the_pr_gate_like_the_full_gate() {
    let p = Project::calculator();
    p.write("docs/spec.md", &SPEC.replace("r[calc.", "req[calc."));
    p.write("src/lib.rs", &LIB.replace("// r[verify", "// req[verify"));
    p.write(
        "tests/legacy.rs",
        "// req[verify calc.legacy]\n#[test]\nfn legacy() {}\n",
    );
    p.commit("req prefix");
    p.check(&[]).expect(0).says("gate passed");
    p.branch("drop");
    p.edit("src/lib.rs", "    // req[verify calc.sub]\n", "");
    p.commit("drop the reference");
    p.check(&[])
        .expect(1)
        .says("1 active requirement not verified");
    let run = p.check(&["--changed-since", "main"]);
    run.expect(1).says(
        "requirement `calc.sub` (docs/spec.md:6): a reference to it was removed or changed in src/lib.rs",
    );
    assert!(
        run.verdict().contains("`calc.sub` (unverified)"),
        "{}",
        run.verdict()
    );
}

// r[verify gate.changed-since]
// r[verify gate.exit-codes]
#[test]
fn changed_since_outside_git_or_with_an_unknown_ref_is_exit_2() {
    let plain = Project::new();
    plain.write("Cargo.toml", CARGO);
    plain.write("docs/spec.md", SPEC);
    plain.write("src/lib.rs", LIB);
    plain
        .check(&["--changed-since", "main"])
        .expect(2)
        .says("is not inside a git repository");

    let p = Project::calculator();
    p.check(&["--changed-since", "origin/nope"])
        .expect(2)
        .says("unknown git ref `origin/nope`");
    p.check(&["--changed-since", "--output=x"]).expect(2);
}

// ---------------------------------------------------------------------------------------------
// --baseline

/// Writes the base branch's report to `target/base.json`.
fn base_report(p: &Project) -> String {
    let path = "target/base.json".to_string();
    // The base has a gap, so its own gate fails; the report is written all the same.
    p.check(&["--json", &path]).expect(1);
    path
}

// r[verify gate.baseline]
#[test]
fn baseline_fails_only_on_what_got_worse() {
    let p = Project::calculator();
    let base = base_report(&p);
    // Nothing changed: the old gap does not fail the gate.
    p.check(&["--baseline", &base])
        .expect(0)
        .says("Against the baseline")
        .says("nothing worse");

    feature_branch(&p);
    let run = p.check(&["--baseline", &base]);
    run.expect(1)
        .says("worse (2):")
        .says("requirement `calc.div`")
        .says("new and unverified: no verifying test")
        .says("coverage 75.0% -> 60.0%")
        .never_says("requirement `calc.legacy`");
    assert!(
        run.verdict()
            .contains("2 changes worse than the baseline: new requirement `calc.div` not verified, coverage 75.0% -> 60.0%"),
        "{}",
        run.verdict()
    );

    // A test that stops verifying, and a new error.
    p.edit(
        "src/lib.rs",
        "// r[verify calc.add]",
        "// r[verify calc.adds]",
    );
    p.check(&["--baseline", &base])
        .expect(1)
        .says("requirement `calc.add` (docs/spec.md:3): was verified, now unverified")
        .says("new error [unknown-reference]");
}

// r[verify gate.baseline]
#[test]
fn baseline_passes_what_got_better_and_prints_it() {
    let p = Project::calculator();
    let base = base_report(&p);
    p.branch("better");
    p.edit(
        "src/lib.rs",
        "    // r[verify calc.mul]",
        "    // r[verify calc.legacy]\n    #[test]\n    fn legacy() {}\n\n    // r[verify calc.mul]",
    );
    p.commit("test the legacy requirement");
    p.check(&["--baseline", &base])
        .expect(0)
        .says("nothing worse")
        .says("better (2):")
        .says("requirement `calc.legacy` (docs/spec.md:12): was unverified, now verified")
        .says("coverage 75.0% -> 100.0%")
        .says("gate passed");

    // The other way round: measured against the better branch, main got worse.
    let better = "target/better.json";
    p.check(&["--json", better]).expect(0);
    p.git(&["checkout", "-q", "main"]);
    p.check(&["--baseline", better])
        .expect(1)
        .says("requirement `calc.legacy` (docs/spec.md:12): was verified, now unverified")
        .says("coverage 100.0% -> 75.0%");
}

// r[verify gate.baseline]
// r[verify gate.exit-codes]
#[test]
fn a_bad_baseline_is_exit_2_naming_the_file() {
    let p = Project::calculator();
    p.write("not-json.json", "<html>");
    p.check(&["--baseline", "not-json.json"])
        .expect(2)
        .says("baseline not-json.json is not a reqtrail JSON report");
    p.write(
        "other.json",
        "{\"schema\": \"something-else/3\", \"runs\": []}",
    );
    p.check(&["--baseline", "other.json"])
        .expect(2)
        .says("other.json")
        .says("something-else/3");
    p.write(
        "cut.json",
        "{\"schema\": \"reqtrail-report/1\", \"tool\": {",
    );
    p.check(&["--baseline", "cut.json"])
        .expect(2)
        .says("cut.json");
    p.check(&["--baseline", "missing.json"])
        .expect(2)
        .says("cannot read baseline missing.json");
}

// ---------------------------------------------------------------------------------------------
// SARIF, GitHub annotations, Markdown

/// Checks what the SARIF 2.1.0 schema requires of the parts reqtrail writes, and what code
/// scanning needs on top (rules referenced by id and index, relative locations).
fn assert_sarif_structure(sarif: &Value) {
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"]
        .as_str()
        .is_some_and(|s| s.contains("sarif-schema-2.1.0")));
    let runs = sarif["runs"].as_array().expect("runs is an array");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "reqtrail");
    assert!(driver["version"].is_string());
    assert!(driver["informationUri"]
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("rule id"))
        .collect();
    for rule in rules {
        assert!(rule["shortDescription"]["text"].is_string(), "{rule}");
        let level = rule["defaultConfiguration"]["level"]
            .as_str()
            .expect("level");
        assert!(["none", "note", "warning", "error"].contains(&level));
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique");
    // reqtrail always writes `results` (empty when clean): code scanning needs the array.
    let results = run["results"].as_array().expect("results is an array");
    for result in results {
        let rule_id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(ids.get(index), Some(&rule_id), "ruleIndex points at ruleId");
        let level = result["level"].as_str().expect("level");
        assert!(["none", "note", "warning", "error"].contains(&level));
        assert!(!result["message"]["text"]
            .as_str()
            .expect("message.text")
            .is_empty());
        for location in result["locations"].as_array().into_iter().flatten() {
            let physical = &location["physicalLocation"];
            let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
            assert!(
                !uri.starts_with('/') && !uri.contains("://"),
                "relative: {uri}"
            );
            if let Some(line) = physical["region"]["startLine"].as_u64() {
                assert!(line >= 1);
            }
        }
    }
}

// r[verify gate.sarif]
#[test]
fn sarif_has_the_structure_the_schema_requires() {
    let p = Project::calculator();
    feature_branch(&p);
    p.edit(
        "src/lib.rs",
        "// r[verify calc.add]",
        "// r[verify calc.adds]",
    );
    // A failing test makes calc.sub failing.
    p.write(
        "results.json",
        "{\"type\":\"test\",\"event\":\"ok\",\"name\":\"tests::adds\"}\n\
         {\"type\":\"test\",\"event\":\"failed\",\"name\":\"tests::subtracts\",\"stdout\":\"boom\"}\n\
         {\"type\":\"test\",\"event\":\"ok\",\"name\":\"tests::multiplies_small_numbers\"}\n",
    );
    p.check(&["--results", "results.json", "--sarif", "target/out.sarif"])
        .expect(1);
    let sarif: Value = serde_json::from_str(&p.read("target/out.sarif")).expect("SARIF is JSON");
    assert_sarif_structure(&sarif);

    let rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    // One rule per diagnostic code, and two for requirements.
    assert_eq!(rules.len(), reqtrail::model::Code::ALL.len() + 2);
    for code in reqtrail::model::Code::ALL {
        assert!(rules.contains(&code.as_str()), "{}", code.as_str());
    }
    assert!(rules.contains(&"unverified-requirement"));
    assert!(rules.contains(&"failing-requirement"));

    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let find = |rule: &str, text: &str| {
        results
            .iter()
            .find(|r| {
                r["ruleId"] == rule && r["message"]["text"].as_str().unwrap_or("").contains(text)
            })
            .unwrap_or_else(|| panic!("no {rule} result about {text}: {results:#?}"))
    };
    let spec = p.read("docs/spec.md");
    let div = find("unverified-requirement", "`calc.div`");
    assert_eq!(div["level"], "error");
    let location = &div["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "docs/spec.md");
    assert_eq!(
        location["region"]["startLine"].as_u64(),
        Some(line_of(&spec, "r[calc.div]") as u64)
    );
    let sub = find("failing-requirement", "`calc.sub`");
    assert_eq!(sub["level"], "error");
    let unknown = find("unknown-reference", "calc.adds");
    assert_eq!(unknown["level"], "error");
    assert_eq!(
        unknown["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/lib.rs"
    );

    // Against a baseline, the old gap is only a warning: the gate does not blame it.
    p.commit("typo and results");
    p.git(&["checkout", "-q", "main"]);
    let base = base_report(&p);
    p.git(&["checkout", "-q", "feature"]);
    p.check(&["--baseline", &base, "--sarif", "target/base.sarif"])
        .expect(1);
    let sarif: Value = serde_json::from_str(&p.read("target/base.sarif")).expect("SARIF is JSON");
    assert_sarif_structure(&sarif);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let level_of = |id: &str| {
        results
            .iter()
            .find(|r| {
                r["message"]["text"]
                    .as_str()
                    .unwrap_or("")
                    .contains(&format!("`{id}`"))
            })
            .map(|r| r["level"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(level_of("calc.div").as_deref(), Some("error"));
    assert_eq!(level_of("calc.legacy").as_deref(), Some("warning"));
}

// r[verify gate.github]
#[test]
fn github_format_prints_escaped_workflow_annotations() {
    let p = Project::calculator();
    p.branch("odd");
    p.write(
        "docs/a,b: c.md",
        "# Odd\n\nr[odd.percent]\nA discount of 50% applies,\nfor every order.\n",
    );
    p.edit(
        "src/lib.rs",
        "// r[verify calc.add]",
        "// r[verify calc.adds]",
    );
    let run = p.check(&["--format", "github"]);
    run.expect(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let annotation = |needle: &str| {
        lines
            .iter()
            .find(|l| l.starts_with("::") && l.contains(needle))
            .unwrap_or_else(|| panic!("no annotation with {needle}:\n{}", run.stdout))
            .to_string()
    };
    assert_eq!(
        annotation("odd.percent"),
        "::error file=docs/a%2Cb%3A c.md,line=3,title=reqtrail unverified-requirement::requirement `odd.percent` (A discount of 50%25 applies, for every order) is unverified: no verifying test"
    );
    let typo = annotation("unknown-reference");
    assert!(
        typo.starts_with(&format!(
            "::error file=src/lib.rs,line={},title=reqtrail unknown-reference::",
            line_of(&p.read("src/lib.rs"), "calc.adds")
        )),
        "{typo}"
    );
    assert!(typo.contains("(did you mean `calc.add`?)"), "{typo}");
    // Errors first; the verdict as a last annotation; the summary after.
    assert!(lines[0].starts_with("::error "), "{}", lines[0]);
    assert!(run.stdout.contains("::error title=reqtrail gate failed::"));
    assert!(run.verdict().contains("gate failed"));
    // The title of a heading requirement with a newline-free message, and no stray command:
    // the human summary is fenced by `stop-commands` and its resume line (issue 17).
    assert!(lines.iter().filter(|l| l.starts_with("::")).all(|l| {
        l.starts_with("::error ")
            || l.starts_with("::warning ")
            || l.starts_with("::stop-commands::reqtrail-")
            || (l.starts_with("::reqtrail-") && l.ends_with("::"))
    }));
}

// r[verify gate.markdown]
#[test]
fn markdown_summary_lists_coverage_baseline_change_and_new_gaps_with_links() {
    let p = Project::calculator();
    let base = base_report(&p);
    feature_branch(&p);
    p.check(&[
        "--baseline",
        &base,
        "--markdown",
        "target/comment.md",
        "--source-link",
        "https://example.org/calc/blob/{commit}/{path}#L{line}",
    ])
    .expect(1);
    let md = p.read("target/comment.md");
    let commit = p.git(&["rev-parse", "HEAD"]).trim().to_string();
    let div = line_of(&p.read("docs/spec.md"), "r[calc.div]");
    assert!(md.starts_with("### reqtrail: ❌ gate failed\n"), "{md}");
    assert!(
        md.contains("**Coverage 60.0%**: 3 of 5 counted requirements verified"),
        "{md}"
    );
    assert!(md.contains("baseline 75.0% → 60.0% (−15.0)"), "{md}");
    assert!(
        md.contains("**New gaps (worse than the baseline)** (1)"),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "- [`calc.div`](https://example.org/calc/blob/{commit}/docs/spec.md#L{div}) Dividing by zero is an error, never a panic: **unverified**, no verifying test ([docs/spec.md:{div}](https://example.org/calc/blob/{commit}/docs/spec.md#L{div}))"
        )),
        "{md}"
    );
    // The old gap is not a new one.
    assert!(!md.contains("calc.legacy"), "{md}");

    // With --changed-since, the comment says what the change touched; a passing gate says so.
    p.edit(
        "src/lib.rs",
        "    // r[verify calc.mul]",
        "    // r[verify calc.div]\n    #[test]\n    fn divides() {}\n\n    // r[verify calc.mul]",
    );
    p.check(&["--changed-since", "main", "--markdown", "target/comment.md"])
        .expect(0);
    let md = p.read("target/comment.md");
    assert!(md.starts_with("### reqtrail: ✅ gate passed\n"), "{md}");
    assert!(
        md.contains("Changed since <code>main</code>: 3 requirements, 3 tests"),
        "{md}"
    );
    assert!(md.contains("- `calc.div`: added"), "{md}");
    assert!(!md.contains("Why the gate failed"), "{md}");
}

// ---------------------------------------------------------------------------------------------
// reqtrail init

// r[verify gate.init]
#[test]
fn init_detects_styles_and_reference_forms_and_writes_a_loadable_config() {
    let p = Project::new();
    p.write("Cargo.toml", CARGO);
    p.write("README.md", "# calc\n\nA calculator.\n");
    p.write(
        "docs/requirements.md",
        "# Requirements\n\nreq[calc.add]\nAdding gives the sum.\n\nreq[calc.sub]\nSubtracting gives the difference.\n",
    );
    p.write(
        "docs/api.md",
        "# API\n\n## API-001: Expose add\n\nThe library exports `add`.\n",
    );
    p.write(
        "design/design.md",
        "# Design\n\n### Parser\n`dsn~parser~1`\n\nOne pass.\n",
    );
    p.write(
        "src/lib.rs",
        "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n\n#[cfg(test)]\nmod tests {\n    // req[verify calc.add]\n    #[test]\n    fn adds() {}\n\n    // Verifies: API-001\n    #[test]\n    fn exported() {}\n}\n",
    );
    p.write(
        "tests/design.rs",
        "// [utest->dsn~parser~1]\n#[test]\nfn parses() {}\n",
    );
    let run = p.run_bin("reqtrail", &["init", "."], &[]);
    run.expect(0)
        .says("Requirements: 4 in 3 documents (2 marker, 1 heading, 1 oft)")
        .says("docs/requirements.md: 2 marker, prefix req")
        .says("marker comments `req[verify ID]`: 1")
        .says("plain comments `Verifies: ID`: 1")
        .says("OpenFastTrace tags `[utest->ID]`: 1")
        .says("Wrote ./reqtrail.toml");

    let config = reqtrail::config::Config::load(&p.file("reqtrail.toml")).expect("loads");
    assert_eq!(
        config.spec,
        vec!["design/**/*.md", "docs/**/*.md"],
        "README.md defines nothing, so it is left out"
    );
    assert_eq!(config.src, vec!["src/**/*.rs", "tests/**/*.rs"]);
    assert_eq!(config.prefixes, vec!["req"]);
    assert_eq!(config.style, None, "several styles: detected per file");
    // The written config works: everything is found and linked.
    p.check(&[])
        .expect(1)
        .says("4 requirements in 3 documents")
        .says("UNVERIFIED calc.sub")
        .never_says("unknown-reference");
}

// r[verify gate.init]
#[test]
fn init_pins_a_single_style_and_never_overwrites_without_force() {
    let p = Project::calculator();
    let first = p.run_bin("reqtrail", &["init"], &[]);
    first
        .expect(0)
        .says("Requirements: 4 in 1 document (4 marker)");
    let text = p.read("reqtrail.toml");
    assert!(text.contains("style = \"marker\""), "{text}");
    let config = reqtrail::config::Config::load(&p.file("reqtrail.toml")).expect("loads");
    assert_eq!(config.style, Some(reqtrail::model::DefinitionStyle::Marker));
    assert_eq!(config.spec, vec!["docs/**/*.md"]);

    p.write("reqtrail.toml", "# mine\n");
    p.run_bin("reqtrail", &["init"], &[])
        .expect(2)
        .says("reqtrail.toml already exists; pass --force to overwrite it");
    assert_eq!(p.read("reqtrail.toml"), "# mine\n");
    p.run_bin("reqtrail", &["init", ".", "--force"], &[])
        .expect(0);
    assert_eq!(p.read("reqtrail.toml"), text, "deterministic");
}

// ---------------------------------------------------------------------------------------------
// cargo reqtrail

// r[verify gate.cargo]
#[test]
fn cargo_subcommand_runs_the_same_cli() {
    let p = Project::calculator();
    let direct = p.check(&["--fail-under", "80"]);
    let cargo = p.run_bin(
        "cargo-reqtrail",
        &["reqtrail", "check", "."],
        &["--fail-under", "80"],
    );
    cargo.expect(1);
    assert_eq!(cargo.stdout, direct.stdout);
    p.run_bin(
        "cargo-reqtrail",
        &["reqtrail", "check", "."],
        &["--fail-under", "70"],
    )
    .expect(0);
    p.run_bin("cargo-reqtrail", &["reqtrail", "--help"], &[])
        .expect(0)
        .says("cargo reqtrail");
}

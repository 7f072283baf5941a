//! Change awareness end to end (PRODUCT.md section 12, issue 14): real git repositories with
//! commits, branches and renames; `reqtrail check` and `show` run as processes with
//! `--changed-since` and `--baseline`; suspect evidence, its word diff in every format, the
//! comparison in the JSON and HTML artifacts, and a baseline that does not churn.

mod git_support;

use git_support::Repo;
use serde_json::Value;

const SPEC: &str = "# Login

## REQ-001: Password check
A login with a wrong password is refused.

## REQ-002: Account lock
The account locks after five failed logins.

## REQ-003: Session expiry
A session expires after thirty minutes
of inactivity.
";

const LIB: &str = "pub fn check(password: &str) -> bool {
    password == \"secret\"
}

#[cfg(test)]
mod tests {
    // Verifies: REQ-001
    #[test]
    fn wrong_password_is_refused() {
        assert!(!super::check(\"nope\"));
    }

    // Verifies: REQ-002
    #[test]
    fn locks_after_failures() {
        let limit = 5;
        assert_eq!(limit, 5);
    }

    // Verifies: REQ-003
    #[test]
    fn session_expires() {
        assert_eq!(30, 30);
    }
}
";

/// The login project committed on `main`, every requirement verified by its test.
fn login() -> Repo {
    let repo = Repo::new();
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"login\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    repo.write("docs/req.md", SPEC);
    repo.write("src/lib.rs", LIB);
    repo.commit("base");
    repo
}

fn requirement<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {report}"))
}

fn reword_lock(repo: &Repo) {
    repo.edit(
        "docs/req.md",
        "The account locks after five failed logins.",
        "The account locks after three failed logins within a minute.",
    );
}

// r[verify change.suspect]
// r[verify change.word-diff]
#[test]
fn a_requirement_reworded_under_an_untouched_test_is_suspect_and_fails_the_gate() {
    let repo = login();
    repo.run(&["check", "."]).expect(0);
    repo.branch("lock-policy");
    reword_lock(&repo);
    repo.commit("three logins within a minute");

    let run = repo.run(&[
        "check",
        ".",
        "--changed-since",
        "main",
        "--markdown",
        "target/pr.md",
        "--html",
        "target/report.html",
    ]);
    run.expect(1);
    assert!(run.stdout.contains("REQ-002"), "{}", run.stdout);
    assert!(run.stdout.contains("suspect"), "{}", run.stdout);
    assert!(
        run.stdout.contains("[-five-]{+three+}"),
        "the terminal shows the word diff:\n{}",
        run.stdout
    );
    assert!(run.stdout.contains("✘ gate failed") || run.stdout.contains("gate failed"));

    let md = repo.read("target/pr.md");
    assert!(md.contains("~~five~~ **three**"), "{md}");
    assert!(md.contains("REQ-002"), "{md}");

    let html = repo.read("target/report.html");
    let top = html
        .find("id=\"comparison\"")
        .expect("a comparison section");
    let overview = html.find("class=\"overview\"").expect("overview");
    assert!(top < overview, "the comparison is on top");
    assert!(html.contains("<del>five</del>"), "word diff in the HTML");
    assert!(html.contains("<ins>three</ins>"));

    let json = repo
        .run(&["check", ".", "--changed-since", "main", "--json", "-"])
        .json();
    let lock = requirement(&json, "REQ-002");
    assert_eq!(lock["status"], "suspect");
    assert_eq!(
        lock["previous"]["text"],
        "The account locks after five failed logins."
    );
    assert!(lock["verified_by"][0]["suspect"].is_string(), "{lock}");
    assert_eq!(json["summary"]["suspect"], 1);
    assert_eq!(json["comparison"]["suspect"][0], "REQ-002");
    assert!(json["comparison"]["against"]
        .as_str()
        .unwrap()
        .starts_with("main"));
    // The others are untouched and still verified.
    assert_eq!(requirement(&json, "REQ-001")["status"], "verified");
    assert_eq!(requirement(&json, "REQ-003")["status"], "verified");

    // `show` tells the same story with the word diff.
    let show = repo.run(&["show", "REQ-002", "--changed-since", "main"]);
    show.expect(0);
    assert!(show.stdout.contains("suspect"), "{}", show.stdout);
    assert!(show.stdout.contains("[-five-]{+three+}"), "{}", show.stdout);
    assert!(
        show.stdout.contains("reworded since main"),
        "{}",
        show.stdout
    );
}

// r[verify change.suspect]
#[test]
fn editing_the_test_in_the_same_change_clears_the_suspicion() {
    let repo = login();
    repo.branch("lock-policy");
    reword_lock(&repo);
    repo.edit("src/lib.rs", "let limit = 5;", "let limit = 3;");
    repo.edit(
        "src/lib.rs",
        "assert_eq!(limit, 5);",
        "assert_eq!(limit, 3);",
    );
    repo.commit("three logins, test updated");
    let run = repo.run(&["check", ".", "--changed-since", "main", "--json", "-"]);
    run.expect(0);
    let json = run.json();
    assert_eq!(requirement(&json, "REQ-002")["status"], "verified");
    // The old text is still carried, as a reworded (changed) requirement.
    assert_eq!(
        requirement(&json, "REQ-002")["previous"]["text"],
        "The account locks after five failed logins."
    );
    assert!(json["comparison"]["suspect"].as_array().unwrap().is_empty());
}

// r[verify change.suspect]
#[test]
fn rewrapping_renaming_and_moving_requirements_is_not_rewording() {
    let repo = login();
    repo.branch("tidy");
    // Rewrap REQ-003, rename the document, and move REQ-001 to a new document unchanged.
    repo.edit(
        "docs/req.md",
        "A session expires after thirty minutes\nof inactivity.",
        "A session expires\nafter thirty minutes of inactivity.",
    );
    repo.edit(
        "docs/req.md",
        "## REQ-001: Password check\nA login with a wrong password is refused.\n\n",
        "",
    );
    repo.git(&["add", "-A"]);
    repo.git(&["mv", "docs/req.md", "docs/login.md"]);
    repo.write(
        "docs/passwords.md",
        "# Passwords\n\n## REQ-001: Password check\nA login with a wrong password\nis refused.\n",
    );
    repo.commit("tidy the documents");
    let run = repo.run(&["check", ".", "--changed-since", "main", "--json", "-"]);
    run.expect(0);
    let json = run.json();
    for id in ["REQ-001", "REQ-002", "REQ-003"] {
        let r = requirement(&json, id);
        assert_eq!(r["status"], "verified", "{id}: {r}");
        assert!(r.get("previous").is_none(), "{id} is not reworded: {r}");
    }
    assert_eq!(requirement(&json, "REQ-001")["file"], "docs/passwords.md");

    // Moved to another document *and* reworded: suspect, with the old text from the old file.
    repo.edit(
        "docs/passwords.md",
        "A login with a wrong password\nis refused.",
        "A login with a wrong password is refused and logged.",
    );
    repo.commit("log refused logins");
    let json = repo
        .run(&["check", ".", "--changed-since", "main", "--json", "-"])
        .json();
    let moved = requirement(&json, "REQ-001");
    assert_eq!(moved["status"], "suspect", "{moved}");
    assert_eq!(moved["previous"]["file"], "docs/req.md");
}

// r[verify change.suspect-baseline]
// r[verify change.artifacts]
#[test]
fn a_baseline_run_finds_rewording_and_carries_the_comparison_in_its_artifacts() {
    let repo = login();
    repo.run(&["check", ".", "--write-baseline", "reqtrail-baseline.json"])
        .expect(0);
    repo.commit("baseline");
    repo.branch("lock-policy");
    reword_lock(&repo);
    repo.commit("reworded");

    let run = repo.run(&[
        "check",
        ".",
        "--baseline",
        "reqtrail-baseline.json",
        "--json",
        "target/report.json",
        "--html",
        "target/report.html",
    ]);
    run.expect(1);
    assert!(run.stdout.contains("now suspect"), "{}", run.stdout);
    let json: Value =
        serde_json::from_str(&repo.read("target/report.json")).expect("the JSON report");
    let cmp = &json["comparison"];
    assert_eq!(cmp["against"], "baseline reqtrail-baseline.json");
    assert_eq!(cmp["worse"][0]["kind"], "now-suspect");
    assert_eq!(cmp["worse"][0]["id"], "REQ-002");
    assert_eq!(cmp["suspect"][0], "REQ-002");
    assert_eq!(cmp["changed"][0]["id"], "REQ-002");
    assert_eq!(
        requirement(&json, "REQ-002")["previous"]["from"],
        "baseline reqtrail-baseline.json"
    );
    let html = repo.read("target/report.html");
    assert!(html.contains("What changed, compared with baseline reqtrail-baseline.json"));
    assert!(html.contains("<del>five</del>"));

    // Editing the test in the branch clears it against the baseline too.
    repo.edit("src/lib.rs", "let limit = 5;", "let limit = 3;");
    repo.edit(
        "src/lib.rs",
        "assert_eq!(limit, 5);",
        "assert_eq!(limit, 3);",
    );
    let json = repo
        .run(&[
            "check",
            ".",
            "--baseline",
            "reqtrail-baseline.json",
            "--json",
            "-",
        ])
        .json();
    assert_eq!(requirement(&json, "REQ-002")["status"], "verified");

    // A plain run writes no comparison.
    let json = repo.run(&["check", ".", "--json", "-"]).json();
    assert!(json.get("comparison").is_none());
}

// r[verify change.stale-suspect]
#[test]
fn a_stale_reference_is_suspect_evidence_and_keeps_its_diagnostic() {
    let repo = Repo::new();
    repo.write(
        "docs/spec.md",
        "# Spec\n\nr[calc.add+2]\nAdding two numbers gives their sum, saturating.\n\nr[calc.sub]\nSubtracting.\n",
    );
    repo.write(
        "src/lib.rs",
        "#[cfg(test)]\nmod tests {\n    // r[verify calc.add+1]\n    #[test]\n    fn adds() {}\n\n    // r[verify calc.sub]\n    #[test]\n    fn subtracts() {}\n}\n",
    );
    repo.commit("base");
    let run = repo.run(&["check", ".", "--json", "-"]);
    run.expect(1);
    let json = run.json();
    let add = requirement(&json, "calc.add");
    assert_eq!(add["status"], "suspect", "{add}");
    assert!(add["verified_by"][0]["suspect"]
        .as_str()
        .unwrap()
        .contains("stale"));
    assert!(json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "stale-reference"));
    // Moving the reference to the new revision clears it.
    repo.edit("src/lib.rs", "r[verify calc.add+1]", "r[verify calc.add+2]");
    repo.run(&["check", "."]).expect(0);
    // A coverage floor tolerates gaps but not suspect evidence.
    repo.edit("src/lib.rs", "r[verify calc.add+2]", "r[verify calc.add+1]");
    let run = repo.run(&["check", ".", "--fail-under", "10"]);
    run.expect(1);
    assert!(run.stdout.contains("suspect evidence"), "{}", run.stdout);
}

// r[verify change.stable-baseline]
#[test]
fn a_regenerated_baseline_changes_only_when_requirements_tests_or_results_do() {
    let repo = login();
    let write = |repo: &Repo| {
        // The documented command (docs/ci.md), without a fixed date: the time must not leak.
        let mut cmd = assert_cmd::Command::cargo_bin("reqtrail").expect("binary");
        cmd.current_dir(repo.path())
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("GIT_DIR")
            .args(["check", ".", "--write-baseline", "reqtrail-baseline.json"]);
        let out = cmd.output().expect("runs");
        assert!(out.status.code().is_some());
        repo.read("reqtrail-baseline.json")
    };
    let first = write(&repo);
    repo.commit("baseline");
    assert!(!first.contains("\"commit\": \""), "{first}");
    // Unrelated commits, a dirty tree, another second on the clock: the same bytes.
    repo.write("README.md", "# Login\n\nA crate.\n");
    repo.commit("readme");
    repo.write("notes.txt", "dirty\n");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(write(&repo), first, "the baseline churned without a change");
    // A reworded requirement, or an edited test, changes it.
    reword_lock(&repo);
    let reworded = write(&repo);
    assert_ne!(reworded, first);
    repo.edit(
        "src/lib.rs",
        "assert_eq!(30, 30);",
        "assert_eq!(30, 30, \"minutes\");",
    );
    assert_ne!(write(&repo), reworded);
}

// r[verify change.suspect]
#[test]
fn an_unknown_ref_is_a_clear_error() {
    let repo = login();
    let run = repo.run(&[
        "check",
        ".",
        "--changed-since",
        "nope",
        "--json",
        "target/r.json",
    ]);
    run.expect(2);
    assert!(
        run.stderr.contains("unknown git ref `nope`"),
        "{}",
        run.stderr
    );
    assert!(
        !repo.path().join("target/r.json").exists(),
        "nothing written"
    );
}

// r[verify change.policy]
#[test]
fn release_policy_classes_are_reported_and_gated_each_on_its_own() {
    let repo = Repo::new();
    repo.write(
        "docs/req.md",
        "# Brakes\n\n## BRK-001: Emergency stop\nPriority: high\n\nThe car stops within 40 m from 100 km/h.\n\n## BRK-002: Stop light\nTags: safety\n\nThe stop light turns on when braking.\n\n## CMF-001: Seat heating\nThe seat warms up in two minutes.\n\n## CMF-002: Cup holder\nThe cup holder fits a large cup.\n",
    );
    repo.write(
        "src/lib.rs",
        "#[cfg(test)]\nmod tests {\n    // Verifies: BRK-001\n    #[test]\n    fn stops() {}\n\n    // Verifies: CMF-001\n    #[test]\n    fn warms() {}\n}\n",
    );
    repo.write(
        "reqtrail.toml",
        "[[policy]]\nname = \"critical\"\npriority = [\"high\"]\ntags = [\"safety\"]\nmin-coverage = 100\n\n[[policy]]\nname = \"rest\"\nmin-coverage = 50\n",
    );
    let run = repo.run(&["check", ".", "--markdown", "target/pr.md"]);
    run.expect(1);
    assert!(
        run.stdout.contains(
            "✘ critical: 50.0% (1 of 2 verified), needs 100% (Priority: high; Tags: safety)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("✔ rest: 50.0% (1 of 2 verified), needs 50% (every other requirement)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "release policy: class `critical` is at 50.0% (1 of 2 verified), under its 100%"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("class `rest`"), "{}", run.stdout);
    assert!(repo.read("target/pr.md").contains("**Release policy**"));
    repo.run(&["check", ".", "--html", "target/report.html"]);
    let html = repo.read("target/report.html");
    assert!(
        html.contains("<h2 id=\"policy-h\">Release policy</h2>"),
        "{html}"
    );
    assert!(html.contains("<th scope=\"row\">critical</th>"));
    let json = repo.run(&["check", ".", "--json", "-"]).json();
    assert_eq!(json["policy"][0]["name"], "critical");
    assert_eq!(json["policy"][0]["passed"], false);
    assert_eq!(json["policy"][1]["passed"], true);

    // The safety requirement gets its test: every class meets its threshold, and the old gap
    // in the rest (CMF-002) no longer fails the gate on its own.
    repo.edit(
        "src/lib.rs",
        "    // Verifies: CMF-001",
        "    // Verifies: BRK-002\n    #[test]\n    fn lights() {}\n\n    // Verifies: CMF-001",
    );
    let run = repo.run(&["check", "."]);
    run.expect(0);
    assert!(
        run.stdout.contains("✔ critical: 100.0% (2 of 2 verified)"),
        "{}",
        run.stdout
    );

    // A threshold out of range, or an unknown key, is exit code 2.
    repo.write(
        "reqtrail.toml",
        "[[policy]]\nname = \"critical\"\nmin-coverage = 150\n",
    );
    let run = repo.run(&["check", "."]);
    run.expect(2);
    assert!(
        run.stderr.contains("min-coverage takes a percentage"),
        "{}",
        run.stderr
    );
    repo.write(
        "reqtrail.toml",
        "[[policy]]\nname = \"critical\"\nmin-coverage = 90\npriorities = [\"high\"]\n",
    );
    let run = repo.run(&["check", "."]);
    run.expect(2);
    assert!(run.stderr.contains("priorities"), "{}", run.stderr);
}

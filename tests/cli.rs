//! `reqtrail check` and `reqtrail show` run as processes on fixture projects: the verdicts,
//! the diagnostics, the JSON report, the terminal summary and the exit codes.

mod process_support;

use process_support::{check_json, reqtrail, requirement};
use serde_json::Value;
use std::path::Path;

fn fixture(name: &str) -> String {
    format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn status(report: &Value, id: &str) -> String {
    requirement(report, id)["status"]
        .as_str()
        .expect("status")
        .to_string()
}

fn diagnostics_with(report: &Value, code: &str) -> Vec<Value> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == code)
        .cloned()
        .collect()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

// r[verify model.status]
// r[verify model.lifecycle]
// r[verify model.coverage]
#[test]
fn checkout_statuses_without_results() {
    let (code, report) = check_json(&fixture("checkout"), &[]);
    assert_eq!(code, 1, "gaps and errors fail the gate");
    let expected = [
        ("cart.add", "partial"),
        ("cart.remove", "unverified"),
        // Its only test names revision 1 of a revision-2 requirement: suspect evidence.
        ("cart.total", "suspect"),
        ("cart.limits", "unverified"),
        ("discount.percent", "verified"),
        ("discount.codes", "unverified"),
        ("order.place", "verified"),
        ("order.idempotent", "verified"),
        ("order.audit", "unverified"),
        ("order.retry", "unverified"),
        ("PAY-001", "verified"),
        ("PAY-002", "verified"),
        ("PAY-003", "waived"),
    ];
    for (id, want) in expected {
        assert_eq!(status(&report, id), want, "status of {id}");
    }
    assert_eq!(
        requirement(&report, "discount.stacking")["lifecycle"],
        "draft"
    );
    assert_eq!(requirement(&report, "PAY-004")["lifecycle"], "deprecated");
    let summary = &report["summary"];
    assert_eq!(summary["requirements"], 15);
    assert_eq!(summary["active"], 13);
    assert_eq!(summary["verified"], 5);
    assert_eq!(summary["partial"], 1);
    assert_eq!(summary["unverified"], 5);
    assert_eq!(summary["suspect"], 1);
    assert_eq!(summary["waived"], 1);
    assert_eq!(summary["coverage_percent"], 41.7);
    let docs = report["documents"].as_array().expect("documents");
    let payments = docs
        .iter()
        .find(|d| d["name"] == "docs/payments.md")
        .expect("payments doc");
    assert_eq!(payments["coverage_percent"], 100.0);
    let areas = report["areas"].as_array().expect("areas");
    assert!(areas.iter().any(|a| a["name"] == "cart"));
    assert!(areas.iter().any(|a| a["name"] == "PAY"));
}

// r[verify model.unknown-reference]
#[test]
fn unknown_reference_has_location_and_suggestion() {
    let (_, report) = check_json(&fixture("checkout"), &[]);
    let unknown = diagnostics_with(&report, "unknown-reference");
    let typo = unknown
        .iter()
        .find(|d| d["message"].as_str().unwrap_or("").contains("cart.remov`"))
        .expect("the typo is reported");
    assert_eq!(typo["severity"], "error");
    assert_eq!(typo["file"], "src/cart.rs");
    assert_eq!(typo["suggestion"], "cart.remove");
    assert!(typo["line"].as_u64().expect("line") > 0);
}

// r[verify model.revision]
#[test]
fn stale_reference_warns_and_does_not_verify() {
    let (_, report) = check_json(&fixture("checkout"), &[]);
    let stale = diagnostics_with(&report, "stale-reference");
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["severity"], "warning");
    assert_eq!(stale[0]["file"], "src/cart.rs");
    let total = requirement(&report, "cart.total");
    assert_eq!(total["revision"], 2);
    assert_eq!(total["status"], "suspect");
    assert_eq!(total["verified_by"][0]["stale"], true);
    assert!(total["verified_by"][0]["suspect"]
        .as_str()
        .is_some_and(|why| why.contains("stale reference")));
}

// r[verify model.parents]
#[test]
fn parents_children_unknown_parent_and_cycle() {
    let (_, report) = check_json(&fixture("checkout"), &[]);
    assert_eq!(
        requirement(&report, "order.place")["children"][0],
        "order.idempotent"
    );
    assert_eq!(
        requirement(&report, "order.idempotent")["parents"][0],
        "order.place"
    );
    let unknown_parent = diagnostics_with(&report, "unknown-parent");
    assert_eq!(unknown_parent.len(), 1);
    assert!(unknown_parent[0]["message"]
        .as_str()
        .expect("message")
        .contains("PAY-404"));
    assert_eq!(unknown_parent[0]["file"], "docs/payments.md");
    let cycles = diagnostics_with(&report, "cycle");
    assert_eq!(cycles.len(), 1);
    let message = cycles[0]["message"].as_str().expect("message");
    assert!(message.contains("order.audit") && message.contains("order.retry"));
}

// r[verify model.waiver]
#[test]
fn waivers_need_reasons() {
    let (_, report) = check_json(&fixture("checkout"), &[]);
    assert_eq!(
        requirement(&report, "PAY-003")["waived"],
        "EUR only until the 2027 roll-out; tracked in FIN-88."
    );
    let missing = diagnostics_with(&report, "waiver-without-reason");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["severity"], "error");
    assert_eq!(missing[0]["file"], "docs/checkout.md");
}

// r[verify model.ignored-only]
// r[verify src.attach]
// r[verify src.ref.marker]
#[test]
fn ignored_only_verify_outside_test_and_unknown_verb() {
    let (_, report) = check_json(&fixture("checkout"), &[]);
    let ignored = diagnostics_with(&report, "ignored-only");
    assert_eq!(ignored.len(), 1);
    assert!(ignored[0]["message"]
        .as_str()
        .expect("msg")
        .contains("cart.limits"));
    let outside = diagnostics_with(&report, "verify-outside-test");
    assert_eq!(outside.len(), 1);
    assert_eq!(outside[0]["file"], "src/cart.rs");
    assert_eq!(diagnostics_with(&report, "unknown-verb").len(), 1);
    // Both tests of `mod tests` in order.rs verify order.place through the reference above it.
    let place = requirement(&report, "order.place");
    let tests: Vec<&str> = place["verified_by"]
        .as_array()
        .expect("verified_by")
        .iter()
        .map(|v| v["test"].as_str().expect("test"))
        .collect();
    assert_eq!(
        tests,
        [
            "order::tests::order_gets_an_id",
            "order::tests::same_key_same_order"
        ]
    );
}

// r[verify spec.duplicate-id]
// r[verify spec.exclusions]
// r[verify src.masking]
#[test]
fn duplicates_and_traps_in_a_whole_project() {
    let (_, report) = check_json(&fixture("checkout"), &[]);
    let duplicates = diagnostics_with(&report, "duplicate-id");
    assert_eq!(duplicates.len(), 1);
    assert_eq!(duplicates[0]["file"], "docs/duplicates.md");
    assert!(duplicates[0]["message"]
        .as_str()
        .expect("msg")
        .contains("docs/checkout.md:"));
    let ids: Vec<&str> = report["requirements"]
        .as_array()
        .expect("reqs")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert!(!ids.contains(&"not.a.requirement"));
    // The marker text inside a string literal in cart.rs did not verify cart.remove.
    assert!(requirement(&report, "cart.remove")["verified_by"]
        .as_array()
        .expect("verified_by")
        .is_empty());
}

// r[verify evidence.join]
// r[verify model.status]
#[test]
fn failing_result_fails_requirement_and_parent() {
    let (code, report) = check_json(
        &fixture("checkout"),
        &[
            "--results",
            &format!("{}/results/junit.xml", fixture("checkout")),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(report["results_given"], true);
    assert_eq!(status(&report, "order.idempotent"), "failing");
    assert_eq!(status(&report, "order.place"), "failing");
    assert!(requirement(&report, "order.place")["reason"]
        .as_str()
        .expect("reason")
        .contains("order.idempotent"));
    assert_eq!(status(&report, "PAY-001"), "partial");
    assert_eq!(status(&report, "PAY-002"), "verified");
    assert_eq!(status(&report, "discount.percent"), "verified");
    let idempotent = requirement(&report, "order.idempotent");
    assert_eq!(idempotent["verified_by"][0]["result"], "failed");
    assert_eq!(report["summary"]["failing"], 2);
    let unknown = diagnostics_with(&report, "unknown-result");
    assert_eq!(unknown.len(), 1);
    assert!(unknown[0]["message"]
        .as_str()
        .expect("msg")
        .contains("removed_test_still_in_results"));
    // A test that the results do not mention is "not-run".
    let same_key = report["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .find(|t| t["test"] == "order::tests::same_key_same_order")
        .expect("test listed");
    assert_eq!(same_key["result"], "not-run");
}

// r[verify cli.json]
#[test]
fn json_report_is_sorted_relative_and_deterministic() {
    let root = fixture("checkout");
    let first = reqtrail()
        .args(["check", &root, "--json", "-"])
        .output()
        .expect("runs");
    let second = reqtrail()
        .args(["check", &root, "--json", "-"])
        .output()
        .expect("runs");
    assert_eq!(first.stdout, second.stdout, "byte-identical");
    let report: Value = serde_json::from_slice(&first.stdout).expect("json");
    assert_eq!(report["schema"], "reqtrail-report/1");
    assert_eq!(report["tool"]["name"], "reqtrail");
    assert_eq!(report["generated_at"], "2026-01-01T00:00:00Z");
    for r in report["requirements"].as_array().expect("reqs") {
        let file = r["file"].as_str().expect("file");
        assert!(!file.starts_with('/') && !file.contains('\\'), "{file}");
    }
    let keys: Vec<(String, u64)> = report["requirements"]
        .as_array()
        .expect("reqs")
        .iter()
        .map(|r| {
            (
                r["file"].as_str().expect("file").to_string(),
                r["line"].as_u64().expect("line"),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Written to a file, the same bytes.
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("report.json");
    reqtrail()
        .args(["check", &root, "--json"])
        .arg(&out)
        .assert()
        .code(1);
    assert_eq!(std::fs::read(&out).expect("written"), first.stdout);
}

// r[verify cli.human]
#[test]
fn human_summary_lists_gaps_and_diagnostics() {
    let output = reqtrail()
        .args(["check", &fixture("checkout")])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("coverage  41.7%"), "{text}");
    assert!(text
        .contains("verified 5 · partial 1 · failing 0 · unverified 5 · waived 1 · not counted 2"));
    assert!(
        text.contains("suspect 1: evidence made for other text"),
        "{text}"
    );
    assert!(text.contains("UNVERIFIED cart.remove"), "{text}");
    assert!(text.contains("docs/checkout.md:"));
    assert!(text.contains("src/cart.rs:"));
    assert!(
        text.contains(": error[unknown-reference]: `cart.remov`"),
        "{text}"
    );
    assert!(text.contains("(did you mean `cart.remove`?)"));
    assert!(text.contains("gate failed"));
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
    let coloured = reqtrail()
        .args(["check", &fixture("checkout"), "--color", "always"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\x1b["));
}

// r[verify cli.exit-codes]
#[test]
fn exit_codes_zero_one_two() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "Cargo.toml", "[package]\nname = \"tiny\"\n");
    write(root, "docs/spec.md", "# Spec\n\nr[tiny.works]\nIt works.\n");
    write(
        root,
        "src/lib.rs",
        "#[cfg(test)]\nmod tests {\n    // r[verify tiny.works]\n    #[test]\n    fn works() {}\n}\n",
    );
    reqtrail().arg("check").arg(root).assert().code(0);
    // Gate failed.
    reqtrail()
        .args(["check", &fixture("checkout")])
        .assert()
        .code(1);
    // Could not do the job: no such root, bad flag, unreadable results, bad config.
    reqtrail()
        .args(["check", "/definitely/not/here"])
        .assert()
        .code(2);
    reqtrail()
        .args(["check", "--no-such-flag"])
        .assert()
        .code(2);
    reqtrail()
        .arg("check")
        .arg(root)
        .args(["--results", "/no/such/junit.xml"])
        .assert()
        .code(2);
    write(root, "garbage.xml", "this is not a results file");
    let out = reqtrail()
        .arg("check")
        .arg(root)
        .arg("--results")
        .arg(root.join("garbage.xml"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("garbage.xml"));
    // Coverage threshold: the checkout fixture is at 41.7%; errors still fail.
    write(
        root,
        "docs/spec.md",
        "# Spec\n\nr[tiny.works]\nIt works.\n\nr[tiny.fast]\nIt is fast.\n",
    );
    reqtrail().arg("check").arg(root).assert().code(1);
    reqtrail()
        .arg("check")
        .arg(root)
        .args(["--fail-under", "50"])
        .assert()
        .code(0);
    reqtrail()
        .arg("check")
        .arg(root)
        .args(["--fail-under", "60"])
        .assert()
        .code(1);
}

// r[verify cli.config]
#[test]
fn config_errors_name_file_and_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "docs/spec.md", "r[a.b]\nText.\n");
    write(
        root,
        "reqtrail.toml",
        "project = \"x\"\n\nspecs = [\"docs/*.md\"]\n",
    );
    let out = reqtrail().arg("check").arg(root).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("reqtrail.toml:3"), "{err}");
    assert!(err.contains("specs"), "{err}");
    write(root, "reqtrail.toml", "max-file-bytes = \"big\"\n");
    let out = reqtrail().arg("check").arg(root).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reqtrail.toml:1"));
    // A valid config narrows the specs and waives by id.
    write(
        root,
        "reqtrail.toml",
        "spec = [\"docs/*.md\"]\n[waivers]\n\"a.b\" = \"checked by hand each release\"\n",
    );
    write(root, "notes/other.md", "r[c.d]\nNot selected.\n");
    let (code, report) = check_json(root.to_str().expect("utf8"), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["requirements"], 1);
    assert_eq!(status(&report, "a.b"), "waived");
}

// r[verify model.no-requirements]
#[test]
fn specs_without_requirements_are_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "README.md", "# Hello\n\nJust a readme.\n");
    write(dir.path(), "src/lib.rs", "pub fn f() {}\n");
    let (code, report) = check_json(dir.path().to_str().expect("utf8"), &[]);
    assert_eq!(code, 1);
    let found = diagnostics_with(&report, "no-requirements");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["severity"], "error");
}

// r[verify cli.show]
#[test]
fn show_prints_the_whole_trail() {
    let root = fixture("checkout");
    let results = format!("{root}/results/junit.xml");
    let out = reqtrail()
        .args(["show", "order.place", &root, "--results", &results])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("order.place  FAILING"), "{text}");
    assert!(text.contains("defined at docs/checkout.md:"), "{text}");
    assert!(
        text.contains("child `order.idempotent` is failing"),
        "{text}"
    );
    assert!(text.contains("order::tests::order_gets_an_id"), "{text}");
    assert!(text.contains("src/order.rs:"), "{text}");
    assert!(text.contains("children:"));
    let out = reqtrail()
        .args(["show", "order.idempotent", &root, "--results", &results])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("failed"), "{text}");
    assert!(text.contains("assertion `left == right` failed"), "{text}");
    let out = reqtrail()
        .args(["show", "order.plac", &root])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `order.place`?"));
}

// r[verify cli.discover]
#[test]
fn discovery_skips_target_and_narrows_with_globs() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "docs/spec.md", "r[app.run]\nIt runs.\n");
    write(
        root,
        "target/doc/spec.md",
        "r[generated.copy]\nBuild output.\n",
    );
    write(
        root,
        "vendor/dep/README.md",
        "r[vendored.thing]\nNot ours.\n",
    );
    write(root, ".gitignore", "vendor/\n");
    write(
        root,
        "src/lib.rs",
        "// r[verify app.run]\n#[test]\nfn runs() {}\n",
    );
    let (code, report) = check_json(root.to_str().expect("utf8"), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["requirements"], 1);
    let (_, narrowed) = check_json(
        root.to_str().expect("utf8"),
        &["--spec", "docs/*.md", "--src", "nothing/**/*.rs"],
    );
    assert_eq!(status(&narrowed, "app.run"), "unverified");
}

// r[verify cli.config]
#[test]
fn config_diagnostics_point_at_the_config_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "docs/spec.md", "r[a.b]\nText.\n");
    write(
        root,
        "other.toml",
        "project = \"x\"\n\nid-pattern = \"[unclosed\"\n",
    );
    let out = reqtrail()
        .arg("check")
        .arg(root)
        .arg("--config")
        .arg(root.join("other.toml"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("other.toml:3: id-pattern"), "{err}");

    write(
        root,
        "other.toml",
        "project = \"x\"\n\n[waivers]\n\"a.b\" = \"\"\n\"no.such\" = \"gone\"\n",
    );
    let config = root.join("other.toml");
    let (_, report) = check_json(
        root.to_str().expect("utf8"),
        &["--config", config.to_str().expect("utf8")],
    );
    let missing = diagnostics_with(&report, "waiver-without-reason");
    assert_eq!(missing[0]["line"], 4, "{report}");
    // Given as an absolute path, shown relative to the root like every path in a report.
    assert_eq!(missing[0]["file"], "other.toml", "{report}");
    let unknown = diagnostics_with(&report, "unknown-reference");
    assert_eq!(unknown[0]["line"], 5, "{report}");
}

// r[verify cli.discover]
#[test]
fn a_single_star_glob_stays_in_its_directory() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "docs/a.md", "r[a.one]\nOne.\n");
    write(root, "docs/sub/b.md", "r[b.two]\nTwo.\n");
    let (_, report) = check_json(root.to_str().expect("utf8"), &["--spec", "docs/*.md"]);
    assert_eq!(report["summary"]["requirements"], 1);
    let (_, report) = check_json(root.to_str().expect("utf8"), &["--spec", "docs/**/*.md"]);
    assert_eq!(report["summary"]["requirements"], 2);
}

// r[verify cli.show]
#[test]
fn show_accepts_ids_written_with_their_revision() {
    let root = fixture("demo");
    for (id, heading, place) in [
        (
            "dsn~bucket-storage~1",
            "dsn~bucket-storage  VERIFIED",
            "defined at docs/design.md:21 (oft style)",
        ),
        (
            "limiter.burst+2",
            "limiter.burst (revision 2)  SUSPECT",
            "defined at docs/requirements.md:26 (marker style)",
        ),
    ] {
        let out = reqtrail().args(["show", id, &root]).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{id}");
        // The requirement the id names, not merely some output.
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(heading), "{id}: {text}");
        assert!(text.contains(&format!("\n{place}\n")), "{id}: {text}");
    }
    let out = reqtrail()
        .args(["check", &fixture("checkout"), "--results"])
        .arg(format!("{}/results/junit.xml", fixture("checkout")))
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\nresults/junit.xml:39: warning[unknown-result]"),
        "results paths are relative to the root: {text}"
    );
}

/// `check ROOT ARGS` run with `cwd` as the working directory.
fn check_in(cwd: &Path, root: &str, args: &[&str]) -> std::process::Output {
    reqtrail()
        .current_dir(cwd)
        .args(["check", root])
        .args(args)
        .output()
        .expect("runs")
}

// r[verify front.outputs]
#[test]
fn every_output_can_go_to_standard_output() {
    let cwd = tempfile::tempdir().expect("tmp");
    let root = fixture("checkout");
    let starts: [(&str, &str); 5] = [
        ("--json", "{"),
        ("--html", "<!DOCTYPE html>"),
        ("--csv", "requirement,title,document,line,"),
        ("--sarif", "{"),
        ("--markdown", "### reqtrail: "),
    ];
    for (flag, start) in starts {
        let out = check_in(cwd.path(), &root, &[flag, "-"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{flag}: the checkout gate fails"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stdout.starts_with(start),
            "{flag} -: {}",
            &stdout[..stdout.len().min(200)]
        );
        // The summary moves to stderr, so stdout is the output alone.
        assert!(stderr.contains("gate failed"), "{flag}: {stderr}");
        assert!(
            !stdout.contains("gate failed:"),
            "{flag}: summary on stdout"
        );
        if flag == "--sarif" || flag == "--json" {
            let value: Value = serde_json::from_str(&stdout).expect("one JSON document");
            assert!(value.is_object(), "{flag}");
        }
        assert!(
            !cwd.path().join("-").exists(),
            "{flag} wrote a file named -"
        );
    }
}

// r[verify front.outputs]
#[test]
fn two_outputs_on_stdout_or_one_file_twice_is_exit_2() {
    let cwd = tempfile::tempdir().expect("tmp");
    let root = fixture("checkout");
    let refused = |args: &[&str], names: &[&str]| {
        let out = check_in(cwd.path(), &root, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?} printed something");
        for name in names {
            assert!(stderr.contains(name), "{args:?}: no `{name}` in {stderr}");
        }
    };
    refused(&["--json", "-", "--csv", "-"], &["--json -", "--csv -"]);
    refused(
        &["--format", "json", "--html", "-"],
        &["--format json", "--html -"],
    );
    refused(
        &["--json", "same", "--html", "./same"],
        &["--json same", "--html ./same"],
    );
    std::fs::create_dir(cwd.path().join("out")).expect("mkdir");
    refused(
        &["--csv", "out/x.csv", "--sarif", "out/../out/x.csv"],
        &["--csv", "--sarif"],
    );
    // Nothing was written by the refused runs.
    assert!(!cwd.path().join("same").exists());
    assert!(!cwd.path().join("out/x.csv").exists());
    // A symlink to an existing output names the same file.
    #[cfg(unix)]
    {
        std::fs::write(cwd.path().join("real.json"), "old").expect("write");
        std::os::unix::fs::symlink("real.json", cwd.path().join("link.json")).expect("symlink");
        refused(
            &["--json", "real.json", "--markdown", "link.json"],
            &["--json", "--markdown"],
        );
        assert_eq!(
            std::fs::read_to_string(cwd.path().join("real.json")).expect("read"),
            "old"
        );
    }
    // `--format json` with `--json -` is the same JSON once, not two outputs.
    let out = check_in(cwd.path(), &root, &["--format", "json", "--json", "-"]);
    assert_eq!(out.status.code(), Some(1));
    let _: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
}

// r[verify front.plan]
#[test]
fn a_script_source_link_is_refused_for_markdown_as_for_html() {
    let cwd = tempfile::tempdir().expect("tmp");
    let root = fixture("checkout");
    for flag in ["--markdown", "--html"] {
        let out = check_in(
            cwd.path(),
            &root,
            &[
                flag,
                "out.txt",
                "--source-link",
                "javascript:alert('{path}')",
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}: {stderr}");
        assert!(
            stderr.contains("--source-link must be an http(s) or relative URL"),
            "{stderr}"
        );
        assert!(
            !cwd.path().join("out.txt").exists(),
            "{flag} wrote its output"
        );
    }
    let out = check_in(
        cwd.path(),
        &root,
        &[
            "--markdown",
            "-",
            "--source-link",
            "https://example.org/{commit}/{path}#L{line}",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("](https://example.org/"));
}

// r[verify front.plan]
#[test]
fn a_config_outside_the_root_is_shown_relative_to_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("project");
    write(&root, "docs/spec.md", "r[a.b]\nText.\n");
    write(
        dir.path(),
        "conf/reqtrail.toml",
        "[waivers]\n\"no.such\" = \"gone\"\n",
    );
    let config = dir.path().join("conf/reqtrail.toml");
    let (_, report) = check_json(
        root.to_str().expect("utf8"),
        &["--config", config.to_str().expect("utf8")],
    );
    let unknown = diagnostics_with(&report, "unknown-reference");
    assert_eq!(unknown[0]["file"], "../conf/reqtrail.toml", "{report}");
    assert_eq!(unknown[0]["line"], 2, "{report}");
}

// r[verify front.diagnostic-requirements]
#[test]
fn show_lists_the_diagnostics_about_the_requirement_and_no_others() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    // `a` and `b` cover each other; `c` names `a` in its text only; `d` is waived without a
    // reason, and its message mentions `a` because the reason says so.
    write(
        root,
        "docs/spec.md",
        "r[a]\nCovers: b\nA.\n\nr[b]\nCovers: a\nB.\n\nr[c]\nC, unlike `a`.\n\nr[d]\nWaived:\nD.\n",
    );
    let show = |id: &str| {
        let out = reqtrail()
            .args(["show", id])
            .arg(root)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{id}");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let diagnostics = text
            .split("\ndiagnostics:\n")
            .nth(1)
            .unwrap_or("")
            .to_string();
        diagnostics
    };
    // The cycle message names both without backticks; both requirements list it.
    for id in ["a", "b"] {
        let listed = show(id);
        assert!(listed.contains("error[cycle]"), "{id}: {listed}");
        assert!(!listed.contains("waiver-without-reason"), "{id}: {listed}");
    }
    let listed = show("d");
    assert!(listed.contains("error[waiver-without-reason]"), "{listed}");
    assert!(!listed.contains("cycle"), "{listed}");
    assert_eq!(show("c"), "", "c has no finding");

    let (_, report) = check_json(root.to_str().expect("utf8"), &[]);
    let cycle = diagnostics_with(&report, "cycle");
    assert_eq!(cycle[0]["requirements"], serde_json::json!(["a", "b"]));
}

//! `reqtrail diff` and `reqtrail trend` end to end (PRODUCT.md section 12, issue 14): real git
//! repositories with tags, both sides as git refs (analysed from the object store, the working
//! tree untouched) or as JSON reports, every output format, and the bad inputs that must be
//! exit code 2 with nothing written.

mod git_support;

use git_support::Repo;
use serde_json::Value;

const SPEC_V1: &str = "# Orders

## ORD-1: Place an order
An order is placed with at least one item.

## ORD-2: Order total
The total is the sum of the item prices.

## ORD-3: Fax confirmation
A confirmation is faxed to the customer.
";

const PAY_V1: &str = "# Payments

## PAY-1: Card payment
A card payment is authorised before the order ships.
";

const LIB: &str = "#[cfg(test)]
mod tests {
    // Verifies: ORD-1
    #[test]
    fn places() {}

    // Verifies: ORD-2
    #[test]
    fn totals() {}

    // Verifies: PAY-1
    #[test]
    fn pays() {}
}
";

/// `v1` and `v2` tags: ORD-2 reworded, ORD-3 removed, ORD-4 added (untested), PAY-1 moved into
/// the orders document and waived, a defect recorded on ORD-1, the payments document deleted.
fn released() -> Repo {
    let repo = Repo::new();
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    repo.write("docs/orders.md", SPEC_V1);
    repo.write("docs/payments.md", PAY_V1);
    repo.write("src/lib.rs", LIB);
    repo.commit("v1");
    repo.tag("v1");
    repo.edit(
        "docs/orders.md",
        "The total is the sum of the item prices.",
        "The total is the sum of the item prices plus shipping.",
    );
    repo.edit(
        "docs/orders.md",
        "## ORD-3: Fax confirmation\nA confirmation is faxed to the customer.\n",
        "## ORD-4: Email confirmation\nA confirmation is emailed to the customer.\n\n## PAY-1: Card payment\nWaived: the payment provider certifies it\n\nA card payment is authorised before the order ships.\n",
    );
    repo.edit(
        "docs/orders.md",
        "## ORD-1: Place an order\n",
        "## ORD-1: Place an order\nDefect: BUG-7\n\n",
    );
    std::fs::remove_file(repo.path().join("docs/payments.md")).expect("rm");
    repo.commit("v2");
    repo.tag("v2");
    repo
}

// r[verify change.diff]
#[test]
fn diff_of_two_tags_lists_what_changed_without_touching_the_working_tree() {
    let repo = released();
    // An uncommitted edit the diff must neither read nor disturb.
    repo.write("docs/orders.md", "# scratch\n");
    let before = repo.status();
    let run = repo.run(&[
        "diff",
        "v1",
        "v2",
        "--markdown",
        "target/notes.md",
        "--html",
        "target/diff.html",
        "--json",
        "target/diff.json",
    ]);
    run.expect(0);
    assert_eq!(
        repo.status(),
        before,
        "the working tree and index are untouched"
    );
    assert_eq!(repo.read("docs/orders.md"), "# scratch\n");

    let out = &run.stdout;
    assert!(out.starts_with("reqtrail diff v1 ("), "{out}");
    assert!(
        out.contains("Added (1):\n  ORD-4 Email confirmation"),
        "{out}"
    );
    assert!(
        out.contains("Removed (1):\n  ORD-3 Fax confirmation"),
        "{out}"
    );
    assert!(
        out.contains("The total is the sum of the item [-prices.-]{+prices plus shipping.+}"),
        "{out}"
    );
    assert!(
        out.contains("PAY-1 docs/payments.md → docs/orders.md"),
        "{out}"
    );
    assert!(out.contains("PAY-1 verified → waived"), "{out}");
    assert!(!out.contains("ORD-2 verified → verified"), "{out}");
    assert!(
        out.contains("Waivers added (1):\n  PAY-1: the payment provider certifies it"),
        "{out}"
    );
    assert!(out.contains("Defects added (1):\n  ORD-1: BUG-7"), "{out}");
    assert!(out.contains("Coverage per document:"), "{out}");
    assert!(out.contains("100.0% → —       docs/payments.md"), "{out}");

    let json: Value = serde_json::from_str(&repo.read("target/diff.json")).expect("JSON");
    assert_eq!(json["schema"], "reqtrail-diff/1");
    assert_eq!(json["added"][0]["id"], "ORD-4");
    assert_eq!(json["added"][0]["status"], "unverified");
    assert_eq!(json["removed"][0]["id"], "ORD-3");
    assert_eq!(json["reworded"][0]["id"], "ORD-2");
    assert_eq!(json["moved"][0]["from"], "docs/payments.md");
    assert_eq!(json["old"]["coverage_percent"], 75.0);
    assert_eq!(json["new"]["coverage_percent"], 66.7);
    assert!(json["new"]["commit"]
        .as_str()
        .is_some_and(|c| c.len() == 40));
    let areas = json["areas"].as_array().expect("areas");
    assert!(areas.iter().any(|a| a["name"] == "ORD"));
    // Unit-test evidence per level, before and after (ORD-4 has none, PAY-1 is waived).
    let utest = json["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .find(|l| l["name"] == "utest")
        .unwrap_or_else(|| panic!("a utest level in {}", json["levels"]));
    assert_eq!(utest["before"]["coverage_percent"], 75.0, "{utest}");
    assert_eq!(utest["after"]["coverage_percent"], 66.7, "{utest}");

    let md = repo.read("target/notes.md");
    assert!(md.starts_with("## Requirements: v1 \\("), "{md}");
    assert!(md.contains("~~prices.~~ **prices plus shipping.**"), "{md}");
    assert!(md.contains("| docs/payments.md | 100.0% | — |"), "{md}");

    let html = repo.read("target/diff.html");
    assert!(
        html.contains("<del>prices.</del><ins>prices plus shipping.</ins>"),
        "{html}"
    );
    assert!(!html.contains("<script"), "self-contained, no script");
}

// r[verify change.diff]
#[test]
fn diff_reads_json_reports_and_refs_alike() {
    let repo = released();
    repo.run(&["check", ".", "--json", "target/v2.json"]);
    let run = repo.run(&["diff", "v1", "target/v2.json", "--json", "-"]);
    run.expect(0);
    let json = run.json();
    assert_eq!(json["new"]["label"], "target/v2.json");
    assert_eq!(json["removed"][0]["id"], "ORD-3");
    assert_eq!(json["reworded"][0]["id"], "ORD-2");
}

// r[verify change.bad-input]
#[test]
fn bad_sides_are_exit_2_and_write_nothing() {
    let repo = released();
    let run = repo.run(&["diff", "v1", "v9", "--json", "target/d.json"]);
    run.expect(2);
    assert!(
        run.stderr.contains("unknown git ref `v9`"),
        "{}",
        run.stderr
    );
    assert!(!repo.path().join("target/d.json").exists());

    repo.write("target/other.json", "{\"schema\": \"cyclonedx/1.5\"}");
    let run = repo.run(&["diff", "target/other.json", "v2", "--html", "target/d.html"]);
    run.expect(2);
    assert!(run.stderr.contains("cyclonedx/1.5"), "{}", run.stderr);
    assert!(run.stderr.contains("reqtrail-report/1"), "{}", run.stderr);
    assert!(!repo.path().join("target/d.html").exists());

    // A shallow clone that lacks the older tag says how to fetch it.
    let shallow = tempfile::tempdir().expect("dir");
    let url = format!("file://{}", repo.path().display());
    let clone = shallow.path().join("c");
    let out = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--no-tags", &url])
        .arg(&clone)
        .output()
        .expect("git clone");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = assert_cmd::Command::cargo_bin("reqtrail")
        .expect("binary")
        .current_dir(&clone)
        .args(["diff", "v1", "HEAD"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("shallow clone"), "{stderr}");
    assert!(stderr.contains("--unshallow"), "{stderr}");
}

// r[verify change.trend]
#[test]
fn trend_over_tags_refs_and_report_folders_in_every_format() {
    let repo = released();
    let before = repo.status();
    let run = repo.run(&[
        "trend",
        "--tags",
        "v*",
        "--csv",
        "target/trend.csv",
        "--json",
        "target/trend.json",
        "--html",
        "target/trend.html",
    ]);
    run.expect(0);
    assert_eq!(
        repo.status(),
        before,
        "the working tree and index are untouched"
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("release  date"), "{}", run.stdout);
    assert!(
        lines[1].starts_with("v1 ") && lines[1].contains(" 75.0 "),
        "{}",
        run.stdout
    );
    assert!(
        lines[2].starts_with("v2 ") && lines[2].contains(" 66.7 "),
        "{}",
        run.stdout
    );

    let csv = repo.read("target/trend.csv");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "release,date,requirements,coverage,verified,partial,failing,unverified,suspect,waived"
    );
    assert!(rows[1].starts_with("v1,"), "{csv}");
    assert!(rows[1].ends_with(",4,75.0,3,0,0,1,0,0"), "{csv}");
    assert!(rows[2].ends_with(",4,66.7,2,0,0,1,0,1"), "{csv}");

    let json: Value = serde_json::from_str(&repo.read("target/trend.json")).expect("JSON");
    assert_eq!(json["schema"], "reqtrail-trend/1");
    assert_eq!(json["releases"][1]["label"], "v2");
    assert_eq!(json["releases"][1]["waived"], 1);

    let html = repo.read("target/trend.html");
    assert!(html.contains("<svg"), "an inline chart");
    assert!(html.contains("<polyline"), "with lines");
    assert!(
        !html.contains("<script") && !html.contains("src=\"http"),
        "nothing fetched"
    );

    // The last N tags, and an explicit list of refs.
    let run = repo.run(&["trend", "--last", "1", "--csv", "-"]);
    run.expect(0);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    assert!(run.stdout.contains("\nv2,"));
    let run = repo.run(&["trend", "v1", "HEAD", "--csv", "-"]);
    run.expect(0);
    assert!(run.stdout.contains("\nv1,") && run.stdout.contains("\nHEAD,"));

    // A folder of JSON reports, and the same chart in the main report with --history.
    repo.write("target/hist/README", "not a report: left alone\n");
    repo.git(&["checkout", "-q", "v1"]);
    repo.run(&["check", ".", "--json", "target/hist/1-v1.json"]);
    repo.git(&["checkout", "-q", "v2"]);
    repo.run(&["check", ".", "--json", "target/hist/2-v2.json"]);
    let run = repo.run(&["trend", "--reports", "target/hist", "--csv", "-"]);
    run.expect(0);
    assert!(run.stdout.contains("\n1-v1,"), "{}", run.stdout);
    assert!(run.stdout.contains("\n2-v2,"), "{}", run.stdout);
    repo.run(&[
        "check",
        ".",
        "--history",
        "target/hist",
        "--html",
        "target/report.html",
    ]);
    let report = repo.read("target/report.html");
    let chart = report
        .find("class=\"trend-chart\"")
        .expect("the trend chart");
    assert!(report[chart..].contains("this run"));
    assert!(report[chart..].contains("1-v1"));
}

// r[verify change.bad-input]
#[test]
fn trend_refuses_a_glob_matching_nothing_and_foreign_reports() {
    let repo = released();
    let run = repo.run(&["trend", "--tags", "release-*", "--html", "target/t.html"]);
    run.expect(2);
    assert!(
        run.stderr.contains("no tag matches `release-*`"),
        "{}",
        run.stderr
    );
    assert!(!repo.path().join("target/t.html").exists());
    repo.write("target/hist/a.json", "{\"schema\": \"reqtrail-report/0\"}");
    let run = repo.run(&["trend", "--reports", "target/hist", "--csv", "target/t.csv"]);
    run.expect(2);
    assert!(run.stderr.contains("reqtrail-report/0"), "{}", run.stderr);
    assert!(!repo.path().join("target/t.csv").exists());
    let run = repo.run(&[
        "check",
        ".",
        "--history",
        "target/hist",
        "--html",
        "target/r.html",
    ]);
    run.expect(2);
    assert!(!repo.path().join("target/r.html").exists());
}

// r[verify front.outputs]
#[test]
fn diff_and_trend_check_their_outputs_like_check() {
    let repo = released();
    let cases: &[(&[&str], &str, &[&str])] = &[
        (
            &["diff", "v1", "v2", "--markdown", "-", "--json", "-"],
            "only one output can go to standard output, but --markdown - and --json - both ask for it: give the others a file path",
            &[],
        ),
        (
            &["diff", "v1", "v2", "--html", "target/n.html", "--json", "./target/x/../n.html"],
            "--html target/n.html and --json ./target/x/../n.html name the same file: give each output its own path",
            &["target/n.html"],
        ),
        (
            &["trend", "v1", "v2", "--csv", "-", "--json", "-", "--html", "-"],
            "--csv -, --json - and --html - all ask for it",
            &[],
        ),
        (
            &["trend", "v1", "v2", "--csv", "target/t.csv", "--html", "target/t.csv"],
            "--csv target/t.csv and --html target/t.csv name the same file",
            &["target/t.csv"],
        ),
    ];
    for (args, message, unwritten) in cases {
        let run = repo.run(args);
        run.expect(2);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        for file in *unwritten {
            assert!(!repo.path().join(file).exists(), "{args:?} wrote {file}");
        }
    }
}

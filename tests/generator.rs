//! The synthetic-project generator behind the speed figures (issue 7): it is deterministic, the
//! trees it writes have the shape it claims, reqtrail reports exactly the counts in their
//! `EXPECTED.json`, and `scripts/bench` turns one into a table row.

#[path = "../examples/gen/synth.rs"]
#[allow(dead_code)]
mod synth;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use synth::{Params, Plan, Style};

/// Every file under `root`, relative path -> bytes.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(root, root, &mut files);
    files
}

fn generate(style: Style, seed: u64, n: usize, out: &Path) -> Plan {
    let plan = Plan::new(Params {
        requirements: n,
        style,
        seed,
    });
    plan.write(out).unwrap();
    plan
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

// r[verify perf.generator]
#[test]
fn same_seed_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for style in Style::ALL {
        let a = dir.path().join(format!("{}-a", style.as_str()));
        let b = dir.path().join(format!("{}-b", style.as_str()));
        let c = dir.path().join(format!("{}-c", style.as_str()));
        generate(style, 42, 300, &a);
        generate(style, 42, 300, &b);
        generate(style, 43, 300, &c);
        let (a, b, c) = (tree(&a), tree(&b), tree(&c));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{style:?}: same files"
        );
        for (path, bytes) in &a {
            assert!(
                bytes == &b[path],
                "{style:?}: {path} differs between two runs"
            );
        }
        assert_ne!(a, c, "{style:?}: another seed gives another tree");
    }
}

// r[verify perf.generator]
#[test]
fn trees_have_the_announced_shape() {
    let dir = tempfile::tempdir().unwrap();
    let plan = generate(Style::Marker, 7, 1000, dir.path());
    let files = tree(dir.path());
    let expected = plan.expected();
    let docs = files.keys().filter(|p| p.ends_with(".md")).count();
    let rust: Vec<&String> = files.keys().filter(|p| p.ends_with(".rs")).collect();
    assert_eq!((docs, expected.documents), (10, 10));
    assert_eq!((rust.len(), expected.rust_files), (200, 200));
    assert!(rust.iter().any(|p| p.starts_with("tests/")));
    assert!(files.contains_key("Cargo.toml"));
    assert_eq!(expected.requirements, 1000);
    assert_eq!(expected.verified, 666, "two thirds verified");
    assert_eq!(expected.tests, 2000);

    // Counted without reqtrail: test attributes, and definitions outside fences and comments.
    let text = |p: &String| String::from_utf8(files[p].clone()).unwrap();
    let mut attributes = 0;
    for p in &rust {
        // The raw strings hold a fake test on purpose; their lines are not code.
        let mut raw = false;
        for line in text(p).lines() {
            if line.contains("r#\"") {
                raw = true;
            } else if line.starts_with("\"#") {
                raw = false;
            } else if !raw && matches!(line.trim(), "#[test]" | "#[tokio::test]") {
                attributes += 1;
            }
        }
    }
    assert_eq!(attributes, 2000);
    let all_rust: String = rust.iter().map(|p| text(p)).collect();
    assert!(all_rust.contains("#[tokio::test]") && all_rust.contains("#[cfg(test)]"));
    assert!(all_rust.contains("r#\""), "raw strings holding marker text");

    let mut definitions = 0;
    for doc in files.keys().filter(|p| p.ends_with(".md")) {
        let (mut fenced, mut hidden) = (false, false);
        for line in text(doc).lines() {
            match line {
                l if l.starts_with("```") => fenced = !fenced,
                "<!--" | "<!-- reqtrail:off -->" => hidden = true,
                "-->" | "<!-- reqtrail:on -->" => hidden = false,
                l if !fenced && !hidden && (l.starts_with("r[") || l.starts_with("> r[")) => {
                    definitions += 1
                }
                _ => {}
            }
        }
        assert!(!fenced && !hidden, "{doc}: blocks are closed");
    }
    assert_eq!(definitions, 1000);
    let expected_json = json(&dir.path().join("EXPECTED.json"));
    assert_eq!(expected_json["requirements"], 1000);
    assert_eq!(expected_json["verified"], 666);
    assert_eq!(expected_json["tests"], 2000);
}

/// Runs reqtrail on a generated N=300 project and compares its counts with EXPECTED.json.
fn check_counts(style: Style) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    generate(style, 42, 300, &root);
    let report = dir.path().join("out.json");
    let output = Command::new(env!("CARGO_BIN_EXE_reqtrail"))
        .arg("check")
        .arg(&root)
        .arg("--json")
        .arg(&report)
        .arg("--html")
        .arg(dir.path().join("out.html"))
        .output()
        .unwrap();
    // A third of the requirements are unverified on purpose: the gate fails (1), it must not be 2.
    assert_eq!(
        output.status.code(),
        Some(1),
        "{style:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got = json(&report);
    let want = json(&root.join("EXPECTED.json"));
    let diagnostics = &got["diagnostics"];
    assert_eq!(
        got["summary"]["requirements"], want["requirements"],
        "{style:?}: requirements; {diagnostics}"
    );
    assert_eq!(
        got["summary"]["verified"], want["verified"],
        "{style:?}: verified; {diagnostics}"
    );
    assert_eq!(
        got["tests"].as_array().unwrap().len() as u64,
        want["tests"].as_u64().unwrap(),
        "{style:?}: tests"
    );
    // Nothing in a generated project is wrong: decoys that counted would show up here too.
    assert_eq!(got["summary"]["errors"], 0, "{style:?}: {diagnostics}");
    assert_eq!(got["summary"]["warnings"], 0, "{style:?}: {diagnostics}");
}

// r[verify perf.generator]
#[test]
fn reqtrail_counts_a_marker_project_exactly() {
    check_counts(Style::Marker);
}

// r[verify perf.generator]
#[test]
fn reqtrail_counts_a_heading_project_exactly() {
    check_counts(Style::Heading);
}

// r[verify perf.generator]
#[test]
fn reqtrail_counts_an_oft_project_exactly() {
    check_counts(Style::Oft);
}

// r[verify perf.generator]
#[test]
fn reqtrail_counts_a_mixed_project_exactly() {
    check_counts(Style::Mixed);
}

// r[verify perf.bench]
#[test]
fn bench_script_prints_a_table_row_per_size() {
    let have = |tool: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {tool}"))
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !have("bash") || !have("awk") || !have("python3") {
        // Under CI a test that cannot run fails: a skip that passes would count as evidence.
        let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"));
        assert!(
            !ci,
            "CI=true but bash, awk or python3 is missing: scripts/bench needs them (python3 for \
             the tracey-shaped generator)"
        );
        eprintln!("SKIPPED: scripts/bench needs bash, awk and python3");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The tree is written here so the script reuses it and needs no generator build.
    generate(Style::Marker, 42, 300, &dir.path().join("300"));
    let output = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/bench"))
        .args([
            "--no-install",
            "--no-page",
            "--runs",
            "2",
            "--bin",
            env!("CARGO_BIN_EXE_reqtrail"),
            "--out",
        ])
        .arg(dir.path())
        .arg("300")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("| shape | requirements | files (md + rs) |"),
        "{stdout}"
    );
    // One row per shape: examples/gen's tree written above, and scripts/gen-tracey's, which
    // the script generates itself (3 documents, 60 test files, lib.rs and 8 area modules).
    for (shape, files) in [("gen", "3 + 60"), ("tracey", "3 + 69")] {
        let row = stdout
            .lines()
            .find(|l| l.starts_with(&format!("| {shape} | 300 |")))
            .unwrap_or_else(|| panic!("no {shape} row for 300: {stdout}"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[3], files, "{row}");
        assert!(cells[5].contains(" ± "), "{row}");
        assert!(cells[8].ends_with(" MB"), "{row}");
        // reqtrail's counts match the generator's EXPECTED.json (python3 reads it).
        assert_eq!(cells[13], "ok", "{row}");
    }
    assert!(
        dir.path().join("tracey-300/EXPECTED.json").is_file(),
        "the tracey tree is generated where the others are"
    );
    assert!(stdout.contains("Machine: "), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("results.md")).unwrap(),
        stdout,
        "the table is kept in OUT/results.md"
    );
}

/// Runs scripts/gen-tracey into `out`; `None` (after saying so) without python3, a failure
/// under CI.
fn gen_tracey(requirements: usize, out: &Path) -> Option<()> {
    let status = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen-tracey"))
        .args(["--requirements", &requirements.to_string(), "--out"])
        .arg(out)
        .status();
    match status {
        Ok(status) => {
            assert!(status.success(), "scripts/gen-tracey failed");
            Some(())
        }
        Err(e) => {
            let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"));
            assert!(
                !ci,
                "CI=true but python3 cannot run scripts/gen-tracey: {e}"
            );
            eprintln!("SKIPPED: python3 not available ({e})");
            None
        }
    }
}

/// Every file under `dir` with its bytes, by relative path.
fn tree_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

// r[verify perf.tracey-shape]
#[test]
fn the_tracey_shaped_generator_writes_the_tree_it_claims() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    if gen_tracey(1000, &one).is_none() || gen_tracey(1000, &two).is_none() {
        return;
    }
    let files = tree_bytes(&one);
    assert!(
        files == tree_bytes(&two),
        "the same arguments give the same bytes"
    );

    let rust: Vec<(&String, usize)> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".rs"))
        .map(|(p, b)| (p, b.iter().filter(|&&c| c == b'\n').count()))
        .collect();
    let long = rust.iter().filter(|(_, lines)| *lines >= 1900).count();
    let small = rust.iter().filter(|(_, lines)| *lines <= 100).count();
    assert!(
        long >= 10 && small >= 150,
        "{long} long and {small} small files"
    );
    let text = |p: &str| String::from_utf8_lossy(&files[p]).into_owned();
    let all_rust: String = rust.iter().map(|(p, _)| text(p)).collect();
    // Tracey-style markers right above `#[tokio::test]` functions, and `// Verifies:` claims.
    let marker_above_tokio = all_rust
        .lines()
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| {
            w[0].trim_start().starts_with("// r[verify ") && w[1].trim() == "#[tokio::test]"
        })
        .count();
    assert!(marker_above_tokio > 500, "{marker_above_tokio}");
    assert!(all_rust.contains("// Verifies: "));
    let docs: String = files
        .iter()
        .filter(|(p, _)| p.ends_with(".md"))
        .map(|(p, _)| text(p))
        .collect();
    assert!(docs
        .lines()
        .any(|l| l.starts_with("r[") && l.ends_with(']')));
    assert!(docs
        .lines()
        .any(|l| l.starts_with("### ") && l.contains("-000")));

    // reqtrail reports exactly what EXPECTED.json says.
    let output = Command::new(env!("CARGO_BIN_EXE_reqtrail"))
        .args(["check", "--json", "-"])
        .arg(&one)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let expected: serde_json::Value = serde_json::from_slice(&files["EXPECTED.json"]).unwrap();
    assert_eq!(report["summary"]["requirements"], expected["requirements"]);
    assert_eq!(report["summary"]["verified"], expected["verified"]);
    assert_eq!(
        report["tests"].as_array().map(Vec::len),
        expected["tests"].as_u64().map(|n| n as usize)
    );
    assert_eq!(report["summary"]["errors"], 0, "{}", report["diagnostics"]);
}

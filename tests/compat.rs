//! Projects written for other tools (PRODUCT.md section 13): tracey, mantra, reqtrace and
//! OpenFastTrace projects in `fixtures/compat/`, each in that tool's own conventions, read by
//! `reqtrail` run as a process; and the near misses that must not vanish silently.

mod process_support;

use process_support::{check_json, reqtrail, requirement};
use serde_json::Value;
use std::path::Path;

fn fixture(name: &str) -> String {
    format!("{}/fixtures/compat/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect()
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

/// (file, line) of every `implemented_by` link of a requirement.
fn impl_places(report: &Value, id: &str) -> Vec<(String, u64)> {
    requirement(report, id)["implemented_by"]
        .as_array()
        .expect("implemented_by")
        .iter()
        .map(|l| {
            (
                l["file"].as_str().expect("file").to_string(),
                l["line"].as_u64().expect("line"),
            )
        })
        .collect()
}

// r[verify compat.reqtrace]
#[test]
fn reqtrace_covers_after_the_description_and_titled_coverage_macros() {
    let (_, report) = check_json(&fixture("reqtrace"), &["--spec", "doc/**/*.md"]);
    // reqtrace's rules: `Covers:` paragraphs after the description, each bullet `ID: Title`.
    let parents = |id: &str| strings(&requirement(&report, id)["parents"]);
    assert_eq!(parents("DSG_STORE_MAP"), ["REQ_STORE"]);
    assert_eq!(parents("DSG_STORE_DELETE"), ["REQ_STORE"]);
    assert_eq!(parents("DSG_CLI"), ["REQ_CLI"]);
    assert_eq!(parents("DSG_CLI_EXIT"), ["REQ_CLI", "REQ_EXIT"]);
    let links: usize = report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .map(|r| r["parents"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(links, 5, "{report}");
    // The attribute paragraphs are not part of the text; the description is.
    let text = requirement(&report, "DSG_CLI")["text"]
        .as_str()
        .expect("text");
    assert!(
        text.starts_with("The first argument is the operation"),
        "{text}"
    );
    assert!(
        !text.contains("Covers") && !text.contains("Depends"),
        "{text}"
    );
    assert_eq!(
        requirement(&report, "DSG_CLI")["fields"]["Depends"],
        "DSG_STORE_MAP"
    );
    // `requirement_covered!(ID: "title")` names ID.
    assert_eq!(
        impl_places(&report, "DSG_CLI"),
        [("src/lib.rs".to_string(), 35)]
    );
    assert_eq!(impl_places(&report, "DSG_STORE_MAP").len(), 2, "{report}");
    assert!(
        diagnostics_with(&report, "unknown-parent").is_empty(),
        "{report}"
    );
    assert!(
        diagnostics_with(&report, "unknown-reference").is_empty(),
        "{report}"
    );
    assert!(
        diagnostics_with(&report, "near-miss").is_empty(),
        "{report}"
    );
}

fn mantra_config(dir: &Path) -> String {
    let config = dir.join("mantra.toml");
    std::fs::write(
        &config,
        "spec = [\"reqs/**/*.md\"]\nid-pattern = \"[a-z][a-z0-9_]*(?:\\\\.[a-z0-9_]+)*\"\n",
    )
    .expect("write config");
    config.to_str().expect("utf8").to_string()
}

// r[verify compat.mantra]
#[test]
fn mantra_traces_in_doc_comments_attributes_and_macros() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = mantra_config(dir.path());
    let (code, report) = check_json(&fixture("mantra"), &["--config", &config]);
    // `verify_req!("a", "b" => ...)` verifies both, `assert_req!("a", cond)` the first only.
    for id in [
        "notes",
        "notes.add",
        "notes.list",
        "notes.tags",
        "notes.tags.case",
        "storage",
        "storage.file",
    ] {
        assert_eq!(
            requirement(&report, id)["status"],
            "verified",
            "{id}: {report}"
        );
    }
    assert_eq!(code, 0, "{report}");
    // `/// [req(id)]`, `/// [req("a", "b")]`, `#[req(id)]`, `#[req_satisfied(id)]`, `reqcov!`.
    assert_eq!(
        impl_places(&report, "notes.add"),
        [("src/lib.rs".to_string(), 20)]
    );
    assert_eq!(
        impl_places(&report, "notes.list"),
        [("src/lib.rs".to_string(), 33)]
    );
    assert_eq!(
        impl_places(&report, "notes.tags"),
        [
            ("src/lib.rs".to_string(), 40),
            ("src/lib.rs".to_string(), 42)
        ]
    );
    assert_eq!(
        impl_places(&report, "notes.tags.case"),
        [("src/lib.rs".to_string(), 40)]
    );
    assert_eq!(
        impl_places(&report, "storage.file"),
        [("src/lib.rs".to_string(), 48)]
    );
    // Bracketed parent lists, in a bold key and in a list item.
    assert_eq!(
        strings(&requirement(&report, "notes.tags")["parents"]),
        ["notes", "notes.list"]
    );
    assert_eq!(
        strings(&requirement(&report, "storage.file")["parents"]),
        ["storage"]
    );
    assert!(
        report["diagnostics"].as_array().expect("diags").is_empty(),
        "{report}"
    );
}

// r[verify compat.mantra]
#[test]
fn a_dangling_parent_in_a_bracketed_list_is_the_only_unknown_parent() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(
        root,
        "reqs/changes.md",
        "# changes: Track changes\n\nEvery change is kept.\n\n\
         ## changes.track: Record a change\n\n**Parents:** [`changes`]\n\nEach edit is recorded.\n\n\
         ## changes.undo: Undo a change\n\n**Parents:** [`changes`, `changes.track`, `mult_partens`]\n\nThe last edit can be undone.\n",
    );
    let config = mantra_config(root);
    let (_, report) = check_json(root.to_str().expect("utf8"), &["--config", &config]);
    let unknown = diagnostics_with(&report, "unknown-parent");
    assert_eq!(unknown.len(), 1, "{report}");
    assert!(unknown[0]["message"]
        .as_str()
        .expect("msg")
        .contains("`mult_partens`"));
    assert_eq!(unknown[0]["line"], 13);
    assert_eq!(
        strings(&requirement(&report, "changes.undo")["parents"]),
        ["changes", "changes.track"]
    );
}

// r[verify compat.prose]
#[test]
fn prose_that_reads_like_an_attribute_stays_text() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(
        root,
        "docs/spec.md",
        "# Checks\n\n\
         > r[check.validate]\n> Validation checks that:\n>\n> - the name is set\n> - the size fits\n\n\
         r[check.flaky]\nA flaky check: fails on every tenth run and is retried once.\n\n\
         r[check.owner]\nOwner: storage team\n\nChecks run before every write.\n",
    );
    write(
        root,
        "docs/heading.md",
        "# Limits\n\n## LIM-001: Limits\n\nChecks:\n\n- size under 1 MiB\n- at most 100 keys\n",
    );
    let (_, report) = check_json(root.to_str().expect("utf8"), &[]);
    let text = |id: &str| {
        requirement(&report, id)["text"]
            .as_str()
            .expect("text")
            .to_string()
    };
    assert!(
        text("check.validate").starts_with("Validation checks that:"),
        "{report}"
    );
    assert!(text("check.validate").contains("- the size fits"));
    assert!(text("check.flaky").starts_with("A flaky check: fails on every tenth run"));
    assert_eq!(
        requirement(&report, "check.flaky")["title"],
        "A flaky check: fails on every tenth run and is retried once"
    );
    assert!(text("LIM-001").starts_with("Checks:"), "{report}");
    assert!(text("LIM-001").contains("- at most 100 keys"));
    // A real field with text after it is still a field.
    assert_eq!(text("check.owner"), "Checks run before every write.");
    assert_eq!(
        requirement(&report, "check.owner")["fields"]["Owner"],
        "storage team"
    );
}

// r[verify compat.near-miss]
#[test]
fn headings_that_nearly_define_a_requirement_are_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(
        root,
        "docs/kv.md",
        "# Key-value store\n\n## KV-001: Put\n\nStores a value.\n\n\
         ## KV-003+2: Get\n\nReads a value.\n\n\
         ## KV-004 (rev 2): Delete\n\nRemoves a value.\n\n\
         ## kv-005: List\n\nLists the keys.\n\n## Step-by-step: not an id\n\nProse.\n",
    );
    let (code, report) = check_json(root.to_str().expect("utf8"), &[]);
    assert_eq!(report["summary"]["requirements"], 1, "{report}");
    let misses = diagnostics_with(&report, "near-miss");
    let lines: Vec<u64> = misses
        .iter()
        .map(|d| d["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(lines, [7, 11, 15], "{report}");
    let messages: Vec<&str> = misses
        .iter()
        .map(|d| d["message"].as_str().expect("m"))
        .collect();
    assert!(
        messages[0].contains("write `KV-003: ...`"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("write `KV-004: ...`"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].contains("write `KV-005: ...`"),
        "{}",
        messages[2]
    );
    assert!(misses
        .iter()
        .all(|d| d["file"] == "docs/kv.md" && d["severity"] == "warning"));
    // A warning, so `--deny warnings` fails the gate on it.
    assert_eq!(code, 1);
}

// r[verify compat.near-miss]
#[test]
fn reference_forms_with_unreadable_ids_are_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "docs/spec.md", "r[store.put]\nPuts.\n");
    write(
        root,
        "src/lib.rs",
        "/// Puts a value.\n///\n/// [req(store put)]\npub fn put() {}\n\n\
         #[req_satisfied]\npub fn get() {}\n\n\
         #[test]\nfn puts() {\n    verify_req!(not an id);\n    verify_req!(\"store.put\");\n}\n",
    );
    let (_, report) = check_json(root.to_str().expect("utf8"), &[]);
    let misses = diagnostics_with(&report, "near-miss");
    let places: Vec<(String, u64)> = misses
        .iter()
        .map(|d| {
            (
                d["file"].as_str().expect("file").to_string(),
                d["line"].as_u64().expect("line"),
            )
        })
        .collect();
    let expected: Vec<(String, u64)> = [3, 6, 11]
        .into_iter()
        .map(|line| ("src/lib.rs".to_string(), line))
        .collect();
    assert_eq!(places, expected, "{report}");
    assert_eq!(requirement(&report, "store.put")["status"], "verified");
}

/// Copies a fixture (hidden `.config/` included) into a fresh directory.
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

/// `reqtrail init` on a copy of the fixture, then `check --json -`: (init's output, config
/// written, exit code, report).
fn init_then_check(name: &str) -> (String, String, i32, Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join(name);
    copy_dir(Path::new(&fixture(name)), &root);
    let root_str = root.to_str().expect("utf8").to_string();
    let init = reqtrail().args(["init", &root_str]).output().expect("runs");
    assert_eq!(
        init.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let said = String::from_utf8_lossy(&init.stdout).into_owned();
    let config = std::fs::read_to_string(root.join("reqtrail.toml")).expect("config written");
    let (code, report) = check_json(&root_str, &[]);
    (said, config, code, report, dir)
}

fn ids(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect();
    ids.sort();
    ids
}

fn verifying_tests(report: &Value, id: &str) -> Vec<String> {
    requirement(report, id)["verified_by"]
        .as_array()
        .expect("verified_by")
        .iter()
        .map(|t| {
            t["test"]
                .as_str()
                .or(t["name"].as_str())
                .expect("test name")
                .to_string()
        })
        .collect()
}

// r[verify compat.tracey]
#[test]
fn tracey_prefixes_are_namespaces() {
    let (code, report) = check_json(&fixture("tracey"), &["--spec", "docs/**/*.md"]);
    assert!(
        diagnostics_with(&report, "duplicate-id").is_empty(),
        "{report}"
    );
    assert_eq!(
        ids(&report),
        [
            "i[frame.header]",
            "i[frame.version]",
            "r[frame.header]",
            "r[frame.limits]",
            "r[frame.payload]",
            "w[frame.header]",
            "w[frame.payload]"
        ]
    );
    // `i[verify frame.header]` names i[frame.header] and nothing else.
    let tests = |id: &str| verifying_tests(&report, id);
    assert_eq!(
        tests("i[frame.header]"),
        ["frame::header::tests::nonzero_flags_are_rejected"]
    );
    assert_eq!(
        tests("w[frame.header]"),
        ["frame::header::tests::header_layout"]
    );
    assert_eq!(tests("r[frame.header]"), ["encode_then_decode"]);
    assert_eq!(code, 0, "{report}");
    assert!(
        report["diagnostics"].as_array().expect("diags").is_empty(),
        "{report}"
    );
}

// r[verify compat.tracey]
#[test]
fn a_reference_without_prefix_names_the_only_requirement_it_can_mean() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(
        root,
        "docs/a.md",
        "r[frame.header]\nHeader.\n\ni[frame.header]\nFlags.\n\ni[frame.version]\nVersion.\n",
    );
    write(
        root,
        "tests/t.rs",
        "// Verifies: frame.version\n#[test]\nfn version() {}\n\n// Verifies: frame.header\n#[test]\nfn header() {}\n",
    );
    let (_, report) = check_json(root.to_str().expect("utf8"), &[]);
    assert_eq!(verifying_tests(&report, "i[frame.version]"), ["version"]);
    let unknown = diagnostics_with(&report, "unknown-reference");
    assert_eq!(unknown.len(), 1, "{report}");
    assert_eq!(unknown[0]["line"], 5);
    let message = unknown[0]["message"].as_str().expect("message");
    assert!(
        message.contains("i[frame.header], r[frame.header]"),
        "{message}"
    );
}

// r[verify compat.tracey-init]
// r[verify compat.init]
#[test]
fn init_then_check_on_a_tracey_project() {
    let (said, config, code, report, _dir) = init_then_check("tracey");
    assert!(
        said.contains("Read .config/tracey/config.styx (tracey)"),
        "{said}"
    );
    assert!(
        said.contains("`components/*/src/*.rs` -> `components/**/src/**/*.rs`"),
        "{said}"
    );
    assert!(
        config.contains(r#"src = ["components/**/src/**/*.rs", "components/**/tests/**/*.rs"]"#),
        "{config}"
    );
    assert!(
        config.contains(
            r#"spec = ["docs/spec/wire.md", "docs/spec/codec.md", "docs/interop/**/*.md"]"#
        ),
        "{config}"
    );
    assert!(config.contains(r#"prefixes = ["i", "w"]"#), "{config}");
    // The nested file `components/codec/src/frame/header.rs` is read: its tests verify.
    assert_eq!(report["summary"]["requirements"], 7, "{report}");
    assert_eq!(report["summary"]["verified"], 7, "{report}");
    assert_eq!(report["tests"].as_array().expect("tests").len(), 6);
    assert!(
        report["diagnostics"].as_array().expect("diags").is_empty(),
        "{report}"
    );
    assert_eq!(code, 0);
}

// r[verify compat.init]
// r[verify compat.mantra]
#[test]
fn init_then_check_on_a_mantra_project() {
    let (said, config, code, report, _dir) = init_then_check("mantra");
    // mantra's own config decides what is a requirement: `notes/ideas.md`, whose headings look
    // like requirements, is not among its requirement roots, and the review file mantra reads
    // is named as something to bring over.
    assert!(said.contains("Read mantra.toml (mantra)"), "{said}");
    assert!(said.contains("not read by reqtrail"), "{said}");
    assert!(said.contains("reviews/2024-q3.toml"), "{said}");
    assert!(!said.contains("notes/ideas.md"), "{said}");
    assert!(
        !ids(&report)
            .iter()
            .any(|id| id.starts_with("search.") || id.starts_with("sync.")),
        "{report}"
    );
    assert!(
        config.contains(r#"src = ["src/**/*.rs", "tests/**/*.rs"]"#),
        "{config}"
    );
    assert!(said.contains("Id pattern:"), "{said}");
    assert!(config.contains(r#"spec = ["reqs/**/*.md"]"#), "{config}");
    assert!(config.contains("id-pattern = "), "{config}");
    assert_eq!(report["summary"]["requirements"], 7, "{report}");
    assert_eq!(report["summary"]["verified"], 7, "{report}");
    assert!(
        report["diagnostics"].as_array().expect("diags").is_empty(),
        "{report}"
    );
    assert_eq!(code, 0);
}

// r[verify compat.init]
// r[verify compat.reqtrace]
#[test]
fn init_then_check_on_a_reqtrace_project() {
    let (said, config, code, report, _dir) = init_then_check("reqtrace");
    assert!(said.contains("Read requirements.toml (reqtrace)"), "{said}");
    assert!(
        said.contains("reports it writes, not specs: reports/tmx.md"),
        "{said}"
    );
    assert!(
        config.contains(
            r#"spec = ["doc/requirements/DESIGN.md", "doc/requirements/REQUIREMENTS.md"]"#
        ),
        "{config}"
    );
    // The generated report repeats DSG_CLI and REQ_CLI; it is not read, so no duplicate-id.
    assert_eq!(report["summary"]["requirements"], 7, "{report}");
    assert!(
        report["diagnostics"].as_array().expect("diags").is_empty(),
        "{report}"
    );
    // reqtrace's matrix: every design requirement is covered by code, every requirement by
    // design. `init` reads the `[[trace]]` from design to code and writes `[document-needs]`
    // so the design's items need an implementation (`Needs: impl`, section 11) rather than a
    // verifying test, which reqtrace projects do not write: the same verdict as reqtrace's.
    assert!(
        said.contains("traced to code, so their requirements need an implementation"),
        "{said}"
    );
    assert!(
        config.contains("[document-needs]\n\"doc/requirements/DESIGN.md\" = [\"impl\"]"),
        "{config}"
    );
    for id in [
        "DSG_STORE_MAP",
        "DSG_STORE_DELETE",
        "DSG_CLI",
        "DSG_CLI_EXIT",
    ] {
        assert!(
            !impl_places(&report, id).is_empty(),
            "{id} has no implementing code"
        );
    }
    for id in ["REQ_STORE", "REQ_CLI", "REQ_EXIT"] {
        assert!(!requirement(&report, id)["children"]
            .as_array()
            .expect("children")
            .is_empty());
    }
    assert_eq!(report["summary"]["verified"], 7, "{report}");
    assert_eq!(report["summary"]["unverified"], 0, "{report}");
    assert_eq!(code, 0, "{report}");
}

// r[verify compat.init]
#[test]
fn init_leaves_plans_reports_fixtures_and_copies_out() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(
        root,
        "docs/requirements.md",
        "## KV-001: Put\n\nStores.\n\n## KV-002: Get\n\nReads.\n",
    );
    write(
        root,
        "docs/export.md",
        "# Export\n\n## KV-001: Put\n\nStores.\n\n## KV-002: Get\n\nReads.\n",
    );
    write(root, "todo/next.md", "## KV-009: Compaction\n\nLater.\n");
    write(root, "reports/tmx.md", "## KV-001: Put\n");
    write(root, "plans/q3.md", "## KV-010: Replication\n\nMaybe.\n");
    write(
        root,
        "tests/fixtures/broken/spec.md",
        "## KV-001: Put\n\n## KV-001: Put\n",
    );
    write(root, "PLAN.md", "## KV-011: Snapshots\n");
    write(
        root,
        "tests/kv.rs",
        "// Verifies: KV-001\n#[test]\nfn put() {}\n\n// Verifies: KV-002\n#[test]\nfn get() {}\n",
    );
    let init = reqtrail()
        .args(["init", root.to_str().expect("utf8")])
        .output()
        .expect("runs");
    let said = String::from_utf8_lossy(&init.stdout);
    for skipped in [
        "docs/export.md: repeats requirements defined in docs/requirements.md",
        "todo/next.md: under `todo/`",
        "reports/tmx.md: under `reports/`",
        "plans/q3.md: under `plans/`",
        "tests/fixtures/broken/spec.md: under `fixtures/`",
        "PLAN.md: `PLAN.md` is project documentation",
    ] {
        assert!(said.contains(skipped), "missing `{skipped}` in:\n{said}");
    }
    let config = std::fs::read_to_string(root.join("reqtrail.toml")).expect("config");
    assert!(
        config.contains(r#"spec = ["docs/requirements.md"]"#),
        "{config}"
    );
    let (code, report) = check_json(root.to_str().expect("utf8"), &[]);
    assert_eq!(ids(&report), ["KV-001", "KV-002"]);
    assert_eq!(code, 0, "{report}");
}

// r[verify compat.globs]
#[test]
fn a_configured_glob_that_selects_nothing_is_a_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "docs/spec/a.md", "r[a.one]\nOne.\n");
    write(
        root,
        "tests/a.rs",
        "// r[verify a.one]\n#[test]\nfn one() {}\n",
    );
    write(root, "reqtrail.toml", "spec = [\"docs/*.md\", \"docs/spec/*.md\"]\nsrc = [\"tests/*.rs\", \"crates/*/src/*.rs\"]\n");
    let (code, report) = check_json(root.to_str().expect("utf8"), &[]);
    let warnings = diagnostics_with(&report, "unmatched-glob");
    let messages: Vec<&str> = warnings
        .iter()
        .map(|d| d["message"].as_str().expect("m"))
        .collect();
    assert_eq!(
        messages,
        [
            "the spec glob `docs/*.md` selects no file; `*` stays within one directory here, so if files sit deeper write `docs/**/*.md`",
            "the src glob `crates/*/src/*.rs` selects no file; `*` stays within one directory here, so if files sit deeper write `crates/**/src/**/*.rs`",
        ],
        "{report}"
    );
    assert_eq!(warnings[0]["severity"], "warning");
    assert_eq!(report["summary"]["verified"], 1);
    assert_eq!(code, 0);
}

// r[verify compat.mantra]
#[test]
fn dotted_ids_form_the_hierarchy_mantra_infers() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(
        root,
        "reqs/notes.md",
        "# notes: Notes\n\nKeep notes.\n\n## notes.add: Add\n\nAdds one.\n\n\
         ## notes.add.bulk: Add many\n\nAdds several at once.\n\n## notes.sync.remote: Sync\n\nSyncs.\n",
    );
    write(
        root,
        "tests/notes.rs",
        "#[test]\nfn all() {\n    verify_req!(\"notes\", \"notes.add.bulk\", \"notes.sync.remote\" => {});\n}\n",
    );
    let init = reqtrail()
        .args(["init", root.to_str().expect("utf8")])
        .output()
        .expect("runs");
    assert_eq!(init.status.code(), Some(0));
    let config = std::fs::read_to_string(root.join("reqtrail.toml")).expect("config");
    assert!(config.contains("dotted-parents = true"), "{config}");
    let (code, report) = check_json(root.to_str().expect("utf8"), &[]);
    let children = |id: &str| strings(&requirement(&report, id)["children"]);
    // `notes.sync.remote` skips the undefined `notes.sync` and hangs under `notes`.
    assert_eq!(children("notes"), ["notes.add", "notes.sync.remote"]);
    assert_eq!(children("notes.add"), ["notes.add.bulk"]);
    assert_eq!(
        strings(&requirement(&report, "notes.add.bulk")["parents"]),
        ["notes.add"]
    );
    assert!(
        diagnostics_with(&report, "unknown-parent").is_empty(),
        "{report}"
    );
    assert_eq!(code, 0, "{report}");
}

// r[verify compat.init]
#[test]
fn init_then_check_on_an_openfasttrace_project() {
    let (_said, config, code, report, _dir) = init_then_check("oft");
    assert!(config.contains(r#"spec = ["doc/**/*.md"]"#), "{config}");
    assert_eq!(
        ids(&report),
        [
            "dsn~bucket-store",
            "feat~rate-limit",
            "req~refill",
            "req~token-bucket"
        ]
    );
    let parents = |id: &str| strings(&requirement(&report, id)["parents"]);
    assert_eq!(parents("req~token-bucket"), ["feat~rate-limit"]);
    assert_eq!(
        parents("dsn~bucket-store"),
        ["req~refill", "req~token-bucket"]
    );
    assert_eq!(
        requirement(&report, "dsn~bucket-store")["fields"]["Needs"],
        "impl, utest"
    );
    assert_eq!(
        impl_places(&report, "dsn~bucket-store"),
        [("src/lib.rs".to_string(), 6)]
    );
    assert_eq!(report["summary"]["verified"], 4, "{report}");
    assert!(
        report["diagnostics"].as_array().expect("diags").is_empty(),
        "{report}"
    );
    assert_eq!(code, 0);
}

// r[verify compat.near-miss]
#[test]
fn markers_and_comments_that_nearly_reference_are_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(
        root,
        "docs/auth.md",
        "# Auth\n\nr[auth.login]\nLog in with a password.\n\nR[auth.logout]\nLog out.\n\n\
         r[auth two factor]\nA second factor.\n\nreq[auth.lockout] Lock after five failures.\n\n\
         When implementing r[auth.login] see the guide.\n",
    );
    write(
        root,
        "tests/auth.rs",
        "// Verifies auth.login\n#[test]\nfn login() {}\n\n// R[verify auth.login]\n#[test]\nfn login_again() {}\n\n\
         // r[verify auth.login auth.logout]\n#[test]\nfn both() {}\n\n\
         // Verifies that the session ends.\n// r[verify auth.login]\n#[test]\nfn ends() {}\n",
    );
    let (_, report) = check_json(root.to_str().expect("utf8"), &[]);
    let misses: Vec<(String, u64, String)> = diagnostics_with(&report, "near-miss")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().expect("file").to_string(),
                d["line"].as_u64().expect("line"),
                d["message"].as_str().expect("message").to_string(),
            )
        })
        .collect();
    let places: Vec<(&str, u64)> = misses.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    assert_eq!(
        places,
        [
            ("docs/auth.md", 6),
            ("docs/auth.md", 9),
            ("docs/auth.md", 12),
            ("tests/auth.rs", 1),
            ("tests/auth.rs", 5),
            ("tests/auth.rs", 9),
        ],
        "{report}"
    );
    assert!(
        misses[0].2.contains("write `r[auth.logout]`"),
        "{}",
        misses[0].2
    );
    assert!(
        misses[2].2.contains("add `req` to `prefixes`"),
        "{}",
        misses[2].2
    );
    assert!(
        misses[3].2.contains("write `Verifies: auth.login`"),
        "{}",
        misses[3].2
    );
    assert!(
        misses[4].2.contains("write `r[verify auth.login]`"),
        "{}",
        misses[4].2
    );
    assert!(
        misses[5].2.contains("separate ids with commas"),
        "{}",
        misses[5].2
    );
    assert_eq!(report["summary"]["requirements"], 1);
}

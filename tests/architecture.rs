//! ARCHITECTURE.md's module map is kept true by a test rather than by good intentions: every
//! module under `src/` must be named in it, as `name`, `dir/name.rs` or `dir::name`, and every
//! `src/...rs` path it names must exist (issue 11: "a module map in ARCHITECTURE.md matches the
//! tree").

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module's names as the map may write them: `spec/scan.rs`, `spec/scan`, `spec::scan`, and
/// for a top-level module or a `mod.rs` also the bare name (`spec`).
fn names(rel: &str) -> Vec<String> {
    let module = rel.trim_end_matches(".rs").trim_end_matches("/mod");
    let mut names = vec![
        rel.to_string(),
        format!("src/{rel}"),
        module.to_string(),
        module.replace('/', "::"),
    ];
    if rel.ends_with("/mod.rs") {
        names.push(format!("{module}/mod.rs"));
    }
    names
}

// r[verify front.module-map]
#[test]
fn every_module_is_on_the_map_and_every_path_on_it_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut missing = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(root.join("src"))
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        // The crate roots, unit-test files and the test-only kit are not modules of the pipeline.
        if matches!(rel.as_str(), "lib.rs" | "main.rs" | "testkit.rs") || rel.ends_with("/tests.rs")
        {
            continue;
        }
        let named = names(&rel)
            .iter()
            .any(|name| map.contains(&format!("`{name}`")));
        if !named {
            missing.push(rel);
        }
    }
    assert!(
        missing.is_empty(),
        "modules missing from ARCHITECTURE.md's map: {missing:?}"
    );

    // And the other way round: a `src/...` or `dir/file.rs` path the map names is a real file.
    let mut dangling = Vec::new();
    for quoted in map.split('`').skip(1).step_by(2) {
        let path = quoted.trim();
        if path.ends_with(".rs") && !path.contains(' ') && !path.contains('*') {
            let candidates = [root.join(path), root.join("src").join(path)];
            if !candidates.iter().any(|c| c.is_file()) {
                dangling.push(path.to_string());
            }
        }
    }
    assert!(
        dangling.is_empty(),
        "ARCHITECTURE.md names files that do not exist: {dangling:?}"
    );
}

/// A name as a whole word in `text` (so `InputArgs` does not match inside `MyInputArgsX`).
fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let word = |c: char| c.is_alphanumeric() || c == '_';
        let before = text[..at].chars().next_back().is_none_or(|c| !word(c));
        let after = text[at + name.len()..]
            .chars()
            .next()
            .is_none_or(|c| !word(c));
        before && after
    })
}

// r[verify front.plan]
#[test]
fn only_cli_and_plan_read_the_raw_flags() {
    // The clap structs of `cli/args.rs`: every other stage gets a resolved plan, so a flag is
    // checked once, in `plan`, and nothing downstream can read one unchecked.
    let raw = [
        "CheckArgs",
        "ShowArgs",
        "RecordArgs",
        "DiffArgs",
        "TrendArgs",
        "InputArgs",
        "InitArgs",
        "HelpArgs",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut readers = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(root.join("src"))
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("cli/") || rel.starts_with("plan/") {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("source file");
        for name in raw {
            if mentions(&text, name) {
                readers.push(format!("{rel}: {name}"));
            }
        }
    }
    assert!(
        files.iter().any(|f| f.ends_with("cli/args.rs")),
        "the clap types live in src/cli/args.rs"
    );
    assert!(
        readers.is_empty(),
        "modules outside cli/ and plan/ read raw flags (resolve them in plan instead): {readers:?}"
    );
}

// r[verify front.evaluation]
#[test]
fn the_stages_after_evaluate_depend_on_the_evaluation_not_on_the_report_schema() {
    // ARCHITECTURE.md's invariant: evaluate, gate, the release policy, --changed-since, suspect
    // evidence and the baseline comparison work on the model and its evaluation; the report
    // schema's types appear only in `report/` and at the edges that read or write it
    // (`baseline/load.rs`, the orchestration in `comparison`, `cli`).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let schema = [
        "Report",
        "RequirementEntry",
        "TestEntry",
        "DiagnosticEntry",
        "Verification",
        "ResultRef",
        "Summary",
    ];
    let mut found = Vec::new();
    for file in [
        "evaluate.rs",
        "gate.rs",
        "policy.rs",
        "changes.rs",
        "suspect.rs",
        "baseline/mod.rs",
    ] {
        let text =
            std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("src/{file}: {e}"));
        // Code only: comments may talk about the report.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| format!("{l}\n"))
            .collect();
        for word in schema {
            if mentions(&code, word) {
                found.push(format!("src/{file} names `{word}`"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "stages that should read the evaluation name the report schema: {found:?}"
    );
    // The check itself can see a use when there is one.
    assert!(mentions("use crate::report::Report;", "Report"));
    assert!(!mentions("fn of_report(r: Reports)", "Report"));
}

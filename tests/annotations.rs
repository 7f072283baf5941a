//! `--format github` as a pull request sees it (issue 16): a failing requirement is annotated at
//! the test that failed, not at its spec line; with `--changed-since`, only what the change
//! touched is annotated, plus one notice that counts the older gaps left out.

use assert_cmd::Command;
use std::path::Path;

const GIT_ENV: [&str; 6] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_COMMON_DIR",
    "GIT_CEILING_DIRECTORIES",
];

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn git(root: &Path, args: &[&str]) {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(root)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1");
    for var in GIT_ENV {
        cmd.env_remove(var);
    }
    let out = cmd.output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `reqtrail check ROOT --format github ARGS`: (exit code, workflow command lines).
fn annotations(root: &Path, args: &[&str]) -> (i32, Vec<String>) {
    let mut cmd = Command::cargo_bin("reqtrail").expect("binary");
    for var in GIT_ENV {
        cmd.env_remove(var);
    }
    let out = cmd
        .current_dir(root)
        .args(["check", ".", "--format", "github"])
        .args(args)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("runs");
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        // Annotations only: not the `stop-commands` fence around the human summary.
        .filter(|l| {
            l.starts_with("::")
                && !l.starts_with("::stop-commands::")
                && !l.starts_with("::reqtrail-")
        })
        .map(String::from)
        .collect();
    (out.status.code().expect("exit code"), lines)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no {needle}"))
}

const SPEC: &str = "# Key-value store

r[kv.api]
The store has a get/set API.

r[kv.get]
Parents: kv.api

`get` returns the value last `set` for the key.

r[kv.ttl]
Keys expire after their time to live.

r[kv.evict]
The least recently used key is evicted when the store is full.

r[kv.snapshot]
A snapshot can be written while writes go on.

r[kv.restore]
A snapshot restores the store as it was.
";

const LIB: &str = "pub fn get() -> u32 { 1 }

#[cfg(test)]
mod tests {
    // r[verify kv.get]
    #[test]
    fn key_value_get_set() {
        assert_eq!(super::get(), 2);
    }
}
";

const JUNIT: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<testsuites name=\"nextest-run\">
<testsuite name=\"kv\" tests=\"1\" failures=\"1\">
<testcase name=\"tests::key_value_get_set\" classname=\"kv\"><failure message=\"assertion failed\">left: 1, right: 2</failure></testcase>
</testsuite>
</testsuites>
";

fn store(root: &Path) {
    write(root, ".gitignore", "target/\n");
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"kv\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(root, "docs/spec.md", SPEC);
    write(root, "src/lib.rs", LIB);
    write(root, "target/junit.xml", JUNIT);
}

// r[verify gate.github-placement]
#[test]
fn a_failing_requirement_is_annotated_at_its_failing_test() {
    let dir = tempfile::tempdir().expect("tempdir");
    store(dir.path());
    let (code, lines) = annotations(dir.path(), &["--results", "target/junit.xml"]);
    assert_eq!(code, 1);
    let test_line = line_of(LIB, "fn key_value_get_set");
    let of = |id: &str| {
        lines
            .iter()
            .find(|l| l.contains(&format!("::requirement `{id}`")))
            .unwrap_or_else(|| panic!("no annotation for {id}: {lines:#?}"))
            .clone()
    };
    let get = of("kv.get");
    assert!(
        get.starts_with(&format!(
            "::error file=src/lib.rs,line={test_line},title=reqtrail failing-requirement::"
        )),
        "{get}"
    );
    assert!(
        get.contains(&format!(
            "(defined at docs/spec.md:{})",
            line_of(SPEC, "r[kv.get]")
        )),
        "{get}"
    );
    // The parent fails through its child: the same test is where to look.
    let api = of("kv.api");
    assert!(
        api.starts_with(&format!("::error file=src/lib.rs,line={test_line},")),
        "{api}"
    );
    // An unverified requirement stays at its definition.
    let ttl = lines
        .iter()
        .find(|l| l.contains("`kv.ttl`"))
        .expect("kv.ttl");
    assert!(
        ttl.contains(&format!(
            "file=docs/spec.md,line={},",
            line_of(SPEC, "r[kv.ttl]")
        )),
        "{ttl}"
    );
}

// r[verify gate.github-placement]
#[test]
fn with_changed_since_only_the_change_is_annotated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    store(root);
    // The results are not part of this run: the old gaps are kv.api, kv.get, kv.ttl,
    // kv.evict, kv.snapshot and kv.restore (no results: the test counts, so kv.get and kv.api
    // are verified). Four old gaps.
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["config", "user.name", "Test"]);
    git(root, &["config", "user.email", "test@example.org"]);
    git(root, &["config", "commit.gpgsign", "false"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    write(
        root,
        "docs/spec.md",
        &format!("{SPEC}\nr[kv.compact]\nCompaction never loses a live key.\n"),
    );
    git(root, &["commit", "-q", "-am", "compaction"]);

    let (full_code, full) = annotations(root, &[]);
    assert_eq!(full_code, 1);
    let gaps = |lines: &[String]| {
        lines
            .iter()
            .filter(|l| l.contains("unverified-requirement"))
            .count()
    };
    assert_eq!(
        gaps(&full),
        5,
        "without --changed-since every gap: {full:#?}"
    );

    let (code, scoped) = annotations(root, &["--changed-since", "main"]);
    assert_eq!(code, 1, "the new requirement is untested");
    let annotated: Vec<&String> = scoped
        .iter()
        .filter(|l| l.starts_with("::error file=") || l.starts_with("::warning "))
        .collect();
    assert_eq!(annotated.len(), 1, "{scoped:#?}");
    assert!(
        annotated[0].starts_with(&format!(
            "::error file=docs/spec.md,line={},title=reqtrail unverified-requirement::requirement `kv.compact`",
            line_of(SPEC, "r[kv.restore]") + 3
        )),
        "{}",
        annotated[0]
    );
    let notices: Vec<&String> = scoped
        .iter()
        .filter(|l| l.starts_with("::notice "))
        .collect();
    assert_eq!(
        notices,
        [&"::notice title=reqtrail changed since main::1 changed requirement gated; 4 older gaps and 0 diagnostics outside the change not annotated (the summary and the reports list them)".to_string()]
    );
    assert!(
        scoped
            .last()
            .is_some_and(|l| l.starts_with("::error title=reqtrail gate failed::")),
        "{scoped:#?}"
    );
}

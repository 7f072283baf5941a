//! The bad-input suite (issue 8): the real binary on projects made in temporary directories,
//! one test per kind of bad input. Every run must end with exit 0, 1 or 2 as PRODUCT.md
//! section 7 says, without a panic and within a generous time bound, and whatever went wrong
//! must be reported with the file (and the line, where there is one). The parsers' limits on
//! pathological input and the HTML's safety for hostile content are checked here too.
//!
//! Example references in this file are string literals on purpose: reqtrail scans its own
//! tests, and a reference in a comment would count.

use assert_cmd::Command;
use reqtrail::config::{SourceOptions, SpecOptions};
use reqtrail::model::CrateUnit;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long any single run may take before the suite calls it a hang. Debug builds on a
/// shared two-core machine are slow; a hang is forever.
const HANG: Duration = Duration::from_secs(60);

/// A project in a temporary directory.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// A project whose one requirement is verified: the baseline each bad input is added to.
    fn healthy() -> Project {
        let p = Project::new();
        p.write(
            "docs/spec.md",
            "# Spec\n\nr[ok.one]\nThe healthy requirement.\n",
        );
        p.write(
            "tests/ok.rs",
            "// r[verify ok.one]\n#[test]\nfn healthy() {}\n",
        );
        p
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create directories");
        std::fs::write(&path, bytes).expect("write a file");
        path
    }

    /// `reqtrail check ROOT --json - ARGS...`, checked for the basics.
    fn check(&self, args: &[&str]) -> Run {
        let mut cmd = reqtrail();
        cmd.arg("check")
            .arg(self.root())
            .args(["--json", "-"])
            .args(args);
        run_checked(cmd)
    }
}

fn reqtrail() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reqtrail"));
    cmd.env("SOURCE_DATE_EPOCH", "1767225600")
        .env("NO_COLOR", "1")
        .timeout(HANG);
    cmd
}

/// What a run gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn report(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not a JSON report ({e}); exit {}, stderr:\n{}",
                self.code, self.stderr
            )
        })
    }

    /// The diagnostics of the report with this code, as (file, line, message).
    fn diagnostics(&self, code: &str) -> Vec<(String, u64, String)> {
        self.report()["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["code"] == code)
            .map(|d| {
                (
                    d["file"].as_str().unwrap_or("").to_string(),
                    d["line"].as_u64().unwrap_or(0),
                    d["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }

    /// Requirement id -> status.
    fn statuses(&self) -> Vec<(String, String)> {
        self.report()["requirements"]
            .as_array()
            .expect("requirements")
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap_or("").to_string(),
                    r["status"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }

    fn status_of(&self, id: &str) -> String {
        self.statuses()
            .into_iter()
            .find(|(i, _)| i == id)
            .map(|(_, s)| s)
            .unwrap_or_else(|| panic!("no requirement {id} in {:?}", self.statuses()))
    }
}

/// Runs a command and checks what every run in this suite must satisfy: it ends by itself
/// (the harness kills it after [`HANG`], which fails the test as a hang), with exit 0, 1 or 2,
/// and without a panic. How long it took is not judged: timing lives in `scripts/bench`.
fn run_checked(mut cmd: Command) -> Run {
    let output = cmd
        .timeout(HANG)
        .output()
        .unwrap_or_else(|e| panic!("killed after {HANG:?}, so it hangs (or is quadratic): {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("ended by a signal ({:?}); stderr:\n{stderr}", output.status));
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!((0..=2).contains(&code), "exit {code}; stderr:\n{stderr}");
    Run {
        code,
        stdout,
        stderr,
    }
}

/// A run that must fail with exit 2 and an error message holding every one of `needles`.
fn assert_exit_2(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, 2, "stderr:\n{}", run.stderr);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "`{needle}` not in:\n{}",
            run.stderr
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Markdown

// r[verify robust.bad-input]
#[test]
fn malformed_markdown_is_read_as_far_as_it_makes_sense() {
    let p = Project::healthy();
    p.write(
        "docs/broken.md",
        concat!(
            "# Broken *emphasis and [a link](without an end\n",
            "\n",
            "| a | b |\n|---|\n| 1 | 2 | 3 | 4 |\n",
            "\n",
            "r[broken.before]\n",
            "Text with `an unclosed code span, a ]stray bracket and <b>unclosed tags.\n",
            "\n",
            "r[\n",
            "r[broken.unclosed\n",
            "\n",
            "[ref]: <javascript:x\n",
            "\n",
            "r[broken.last] before a fence that never closes.\n",
            "\n",
            "```rust\n",
            "r[broken.in-fence]\n",
        ),
    );
    p.write(
        "tests/broken.rs",
        "// r[verify broken.before]\n// r[verify broken.last]\n#[test]\nfn broken() {}\n",
    );
    let run = p.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ids: Vec<String> = run.statuses().into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["broken.before", "broken.last", "ok.one"]);
    assert_eq!(run.status_of("broken.last"), "verified");
}

// r[verify robust.bad-input]
// r[verify robust.limits]
#[test]
fn a_50_mb_markdown_file_is_read_in_time_and_counted_to_its_last_line() {
    let p = Project::healthy();
    let paragraph = "Prose that goes on and on, with *emphasis*, `code` and [links](https://example.org) in it.\n";
    let mut text = String::from("r[huge.first]\nThe first requirement of a huge file.\n\n");
    let mut lines = 3;
    let mut section = 0;
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&format!("## Section {section}\n\n"));
        for _ in 0..200 {
            text.push_str(paragraph);
        }
        text.push('\n');
        lines += 203;
        section += 1;
    }
    text.push_str("r[huge.last]\nThe last requirement of a huge file.\n");
    p.write("docs/huge.md", &text);
    p.write(
        "tests/huge.rs",
        "// r[verify huge.first]\n// r[verify huge.last]\n#[test]\nfn huge() {}\n",
    );
    let run = p.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.report();
    let last = report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["id"] == "huge.last")
        .expect("huge.last is defined");
    assert_eq!(last["file"], "docs/huge.md");
    assert_eq!(last["line"], lines + 1);
}

// r[verify robust.bad-input]
// r[verify robust.limits]
#[test]
fn a_10_mb_line_in_markdown_and_in_rust() {
    let p = Project::healthy();
    let words = "word ".repeat(2 * 1024 * 1024);
    p.write("docs/long.md", format!("r[long.line] {words}\n"));
    p.write(
        "tests/long.rs",
        format!("// {words} r[verify long.line]\n#[test]\nfn long() {{ let s = \"{words}\"; }}\n"),
    );
    let run = p.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.status_of("long.line"), "verified");
    let report = run.report();
    let long = &report["requirements"][0];
    assert_eq!(
        (long["id"].as_str(), long["line"].as_u64()),
        (Some("long.line"), Some(1))
    );
    assert_eq!(long["title"].as_str().map(|t| t.chars().count()), Some(100));
}

// r[verify robust.bad-input]
// r[verify robust.limits]
#[test]
fn ten_thousand_nested_blockquotes_and_list_levels() {
    let p = Project::healthy();
    let mut text = format!(
        "{} r[deep.quote]\nQuoted deep down.\n\n",
        ">".repeat(10_000)
    );
    text.push_str(&format!("{}item\n\n", "- ".repeat(10_000)));
    text.push_str(&format!("{}item\n\n", "1. ".repeat(10_000)));
    text.push_str(&format!("{}x\n\n", "> - ".repeat(5_000)));
    text.push_str(&format!(
        "{}x{}\n\n",
        "*".repeat(10_000),
        "_".repeat(10_000)
    ));
    // Indented list levels grow the file quadratically; 2,000 levels are 4 MB.
    for level in 0..2_000 {
        text.push_str(&"  ".repeat(level));
        text.push_str("- level\n");
    }
    text.push_str("\nr[deep.after]\nAfter all that.\n");
    let total_lines = text.lines().count();
    p.write("docs/deep.md", &text);
    p.write(
        "tests/deep.rs",
        "// r[verify deep.quote]\n// r[verify deep.after]\n#[test]\nfn deep() {}\n",
    );
    let run = p.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.report();
    let lines: Vec<(String, u64)> = report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|r| r["file"] == "docs/deep.md")
        .map(|r| {
            (
                r["id"].as_str().unwrap_or("").to_string(),
                r["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("deep.quote".to_string(), 1),
            ("deep.after".to_string(), total_lines as u64 - 1)
        ]
    );
}

// r[verify robust.bad-input]
#[test]
fn non_utf8_bytes_are_decoded_with_a_warning_naming_file_and_line() {
    let p = Project::healthy();
    p.write(
        "docs/latin1.md",
        b"# Sp\xe9c\n\nr[latin.one]\nCaf\xe9 cr\xe8me.\n".as_slice(),
    );
    p.write(
        "tests/latin1.rs",
        b"// r[verify latin.one]\n#[test]\nfn latin() {\n    let s = \"\xff\xfe\";\n}\n".as_slice(),
    );
    let run = p.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Nothing was dropped: the requirement and the test made it through.
    assert_eq!(run.status_of("latin.one"), "verified");
    let warnings = run.diagnostics("unreadable-file");
    let places: Vec<(&str, u64)> = warnings.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    assert_eq!(places, [("docs/latin1.md", 1), ("tests/latin1.rs", 4)]);
    assert!(warnings
        .iter()
        .all(|(_, _, m)| m.contains("not valid UTF-8")));
    // A warning is a warning: `--deny warnings` makes the gate fail on it.
    let denied = p.check(&["--deny", "warnings"]);
    assert_eq!(denied.code, 1);
}

// r[verify robust.bad-input]
#[test]
fn binary_files_named_md_or_rs_are_skipped_with_a_warning() {
    let p = Project::healthy();
    let mut elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00".to_vec();
    elf.extend((0..=255u8).cycle().take(20_000));
    p.write("docs/blob.md", &elf);
    p.write("src/blob.rs", &elf);
    // NUL bytes past the first 8 KiB do not make a file binary: it is text with odd bytes.
    let mut late = "r[late.nul]\nText.\n".to_string();
    late.push_str(&"filler line\n".repeat(1_000));
    late.push_str("\0\0\0\n");
    p.write("docs/late.md", &late);
    let run = p.check(&[]);
    // `late.nul` has no test: the gate fails on it, not on the binary files.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.status_of("late.nul"), "unverified");
    let warnings = run.diagnostics("unreadable-file");
    let places: Vec<(&str, u64)> = warnings.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    assert_eq!(places, [("docs/blob.md", 1), ("src/blob.rs", 1)]);
    assert!(
        warnings.iter().all(|(_, _, m)| m.contains("binary")),
        "{warnings:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Rust

// r[verify robust.bad-input]
#[test]
fn rust_that_syn_rejects_keeps_its_tests_and_says_where() {
    let p = Project::new();
    let ids = [
        "syn.braces",
        "syn.string",
        "syn.comment",
        "syn.conflict",
        "syn.newest",
    ];
    let spec: String = ids.iter().map(|id| format!("r[{id}]\nText.\n\n")).collect();
    p.write("docs/spec.md", spec);
    p.write(
        "tests/braces.rs",
        "// r[verify syn.braces]\n#[test]\nfn braces() {\n    if x {{ {\n}\n",
    );
    p.write(
        "tests/string.rs",
        "// r[verify syn.string]\n#[test]\nfn string() {}\n\nconst S: &str = \"never closed;\n",
    );
    p.write(
        "tests/comment.rs",
        "// r[verify syn.comment]\n#[test]\nfn comment() {}\n\n/* never closed\nfn more() {}\n",
    );
    p.write(
        "tests/conflict.rs",
        "// r[verify syn.conflict]\n#[test]\nfn conflict() {}\n<<<<<<< HEAD\nfn a() {}\n=======\nfn b() {}\n>>>>>>> branch\n",
    );
    p.write(
        "tests/newest.rs",
        concat!(
            "unsafe extern \"C\" {\n    pub safe fn abs(x: i32) -> i32;\n}\n",
            "fn captures<'a>(x: &'a u8) -> impl Sized + use<'a> { x }\n",
            "#[unsafe(no_mangle)]\npub extern \"C\" fn exported() {}\n",
            "impl(crate) trait Restricted {}\n",
            "struct Defaults { a: u8 = 1 }\n",
            "gen fn numbers() -> i32 { yield 1; }\n",
            "// r[verify syn.newest]\n#[test]\nfn newest() {\n    let r = &raw const X;\n    if let Some(a) = b && let Some(c) = d {}\n    let g = async || {};\n    let k = k#keyword;\n}\n",
        ),
    );
    let run = p.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for id in ids {
        assert_eq!(run.status_of(id), "verified", "{id}");
    }
    let warnings = run.diagnostics("unparsed-file");
    let places: Vec<(&str, u64)> = warnings.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    // Each rejected file is named at the line where the trouble starts; the newest syntax
    // either parses or is named the same way.
    for expected in [
        ("tests/braces.rs", 4),
        ("tests/comment.rs", 5),
        ("tests/conflict.rs", 4),
        ("tests/string.rs", 5),
    ] {
        assert!(places.contains(&expected), "{expected:?} not in {places:?}");
    }
    let comment = warnings.iter().find(|(f, _, _)| f == "tests/comment.rs");
    assert!(
        comment.is_some_and(|(_, _, m)| m.contains("5:1: unterminated block comment")),
        "{comment:?}"
    );
    for (file, line, message) in &warnings {
        assert!(*line >= 1, "{file}: {message}");
        assert!(message.contains("comments were still scanned"), "{message}");
    }
}

// ---------------------------------------------------------------------------------------------
// The file system

// r[verify robust.bad-input]
#[test]
fn symlink_loops_and_dangling_links_are_not_followed() {
    use std::os::unix::fs::symlink;
    let p = Project::healthy();
    let link = |target: &str, rel: &str| symlink(target, p.path(rel)).expect("symlink");
    link("loop-b.md", "docs/loop-a.md");
    link("loop-a.md", "docs/loop-b.md");
    link(".", "docs/self");
    link("..", "docs/parent");
    link("nowhere.md", "docs/dangling.md");
    link("nowhere.rs", "tests/dangling.rs");
    // A link to a file that is read anyway: following it would define everything twice.
    link("spec.md", "docs/alias.md");
    let run = p.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.statuses(),
        [("ok.one".to_string(), "verified".to_string())]
    );
    assert!(run.diagnostics("duplicate-id").is_empty());
}

// r[verify robust.bad-input]
#[test]
fn a_fifo_named_like_a_spec_does_not_hang_the_walk() {
    let p = Project::healthy();
    let fifo = p.path("docs/pipe.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available here");
        return;
    }
    // Nobody ever writes to the pipe: opening it for reading would block forever.
    let run = p.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.status_of("ok.one"), "verified");
}

/// The prefix that makes permission bits bind: nothing when this process cannot read a file
/// with mode 000; as root, `setpriv` with the capabilities that bypass them dropped. `None`
/// when neither works (root without setpriv).
fn permission_bits_bind(probe: &Path) -> Option<Vec<&'static str>> {
    if std::fs::read(probe).is_err() {
        return Some(Vec::new());
    }
    let wrapper = vec!["setpriv", "--bounding-set=-dac_override,-dac_read_search"];
    let works = std::process::Command::new(wrapper[0])
        .args(&wrapper[1..])
        .arg("true")
        .status()
        .is_ok_and(|s| s.success());
    let still_reads = std::process::Command::new(wrapper[0])
        .args(&wrapper[1..])
        .args(["cat", "--"])
        .arg(probe)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (works && !still_reads).then_some(wrapper)
}

/// `reqtrail ARGS...` under `prefix` (see [`permission_bits_bind`]).
fn reqtrail_under(prefix: &[&str]) -> Command {
    let mut cmd = match prefix.split_first() {
        None => reqtrail(),
        Some((program, rest)) => {
            let mut cmd = Command::new(program);
            cmd.args(rest)
                .arg(env!("CARGO_BIN_EXE_reqtrail"))
                .env("SOURCE_DATE_EPOCH", "1767225600")
                .env("NO_COLOR", "1")
                .timeout(HANG);
            cmd
        }
    };
    cmd.arg("check");
    cmd
}

// r[verify robust.bad-input]
#[test]
fn unreadable_files_and_directories_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::healthy();
    let locked = p.write("docs/locked.md", "r[locked.one]\nText.\n");
    p.write(
        "secret/hidden.rs",
        "// r[verify locked.one]\n#[test]\nfn hidden() {}\n",
    );
    let config = p.write("locked.toml", "project = \"x\"\n");
    let results = p.write("results.xml", "<testsuites/>\n");
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    for path in [&locked, &config, &results] {
        mode(path, 0o000);
    }
    mode(&p.path("secret"), 0o000);
    let Some(prefix) = permission_bits_bind(&locked) else {
        mode(&p.path("secret"), 0o755);
        eprintln!("skipped: running as root without setpriv, so mode 000 does not stop reads");
        return;
    };

    let mut cmd = reqtrail_under(&prefix);
    cmd.arg(p.root()).args(["--json", "-"]);
    let walked = run_checked(cmd);
    let mut cmd = reqtrail_under(&prefix);
    cmd.arg(p.root()).arg("--config").arg(&config);
    let bad_config = run_checked(cmd);
    let mut cmd = reqtrail_under(&prefix);
    cmd.arg(p.root()).arg("--results").arg(&results);
    let bad_results = run_checked(cmd);
    mode(&p.path("secret"), 0o755);

    // An unreadable file or directory in the tree is a warning naming it; the rest is checked
    // and reported, and the run ends with exit 2 because its verdict is incomplete.
    assert_eq!(walked.code, 2, "{}", walked.stderr);
    assert!(
        walked
            .stderr
            .contains("2 input paths could not be read (docs/locked.md, secret)"),
        "{}",
        walked.stderr
    );
    assert!(
        walked.stdout.contains("\"schema\""),
        "the report is still written"
    );
    let warnings = walked.diagnostics("unreadable-file");
    let places: Vec<(&str, u64)> = warnings.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    assert_eq!(
        places,
        [("docs/locked.md", 1), ("secret", 1)],
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .all(|(_, _, m)| m.contains("Permission denied")),
        "{warnings:?}"
    );
    // An unreadable config or results file is input reqtrail was told to use: exit 2.
    assert_exit_2(
        &bad_config,
        &[
            "cannot read config file",
            "locked.toml",
            "Permission denied",
        ],
    );
    assert_exit_2(
        &bad_results,
        &[
            "cannot read results file",
            "results.xml",
            "Permission denied",
        ],
    );
}

// r[verify robust.bad-input]
#[test]
fn an_empty_repository_is_a_no_requirements_error() {
    let p = Project::new();
    let run = p.check(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.diagnostics("no-requirements").len(), 1);
    // Empty files are no different.
    p.write("docs/empty.md", "");
    p.write("src/lib.rs", "");
    p.write("reqtrail.toml", "");
    let run = p.check(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.diagnostics("no-requirements").len(), 1);
    // A root that is not there, or is a file, is a usage error.
    let missing = p.path("nowhere");
    let mut cmd = reqtrail();
    cmd.arg("check").arg(&missing);
    assert_exit_2(&run_checked(cmd), &["nowhere", "is not a directory"]);
    let mut cmd = reqtrail();
    cmd.arg("check").arg(p.path("src/lib.rs"));
    assert_exit_2(&run_checked(cmd), &["lib.rs", "is not a directory"]);
}

// r[verify robust.bad-input]
#[test]
fn config_errors_are_exit_2_with_file_and_line() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "unknown key",
            b"project = \"x\"\n\nspecs = [\"docs/*.md\"]\n\n[waivers]\n\"a.b\" = \"later\"\n",
            "reqtrail.toml:3: unknown field `specs`",
        ),
        (
            "wrong type",
            b"project = \"x\"\nmax-file-bytes = \"big\"\n",
            "reqtrail.toml:2: invalid type: string \"big\"",
        ),
        (
            "wrong type in a list",
            b"spec = [\"docs/*.md\", 3]\n",
            "reqtrail.toml:1: invalid type: integer `3`",
        ),
        (
            "wrong type in a table",
            b"[waivers]\n\"a.b\" = 1\n",
            "reqtrail.toml:2: invalid type: integer `1`",
        ),
        (
            "not TOML",
            b"project = \"x\"\n\n[waivers\n",
            "reqtrail.toml:3:",
        ),
        (
            "bad regex",
            b"style = \"heading\"\nid-pattern = \"[A-Z\"\n",
            "reqtrail.toml:2: id-pattern is not a valid regex",
        ),
        (
            "unknown style",
            b"style = \"fancy\"\n",
            "reqtrail.toml:1: unknown variant `fancy`",
        ),
        (
            "not UTF-8",
            b"# settings\nproject = \"caf\xe9\"\n",
            "reqtrail.toml:2: not valid UTF-8",
        ),
        ("binary", b"\x7fELF\x00\x00\x01\x02", "reqtrail.toml:1:"),
    ];
    for (what, text, expected) in cases {
        let p = Project::healthy();
        p.write("reqtrail.toml", text);
        let run = p.check(&[]);
        assert_eq!(run.code, 2, "{what}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{what}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{what}: no report on a bad config");
    }
}

// r[verify robust.bad-input]
#[test]
fn results_files_that_are_truncated_or_not_results_are_exit_2_with_file_and_line() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "truncated JUnit",
            b"<?xml version=\"1.0\"?>\n<testsuites>\n<testsuite name=\"x\">\n<testcase name=\"healthy\">",
            "truncated.xml:4:",
        ),
        (
            "truncated inside a tag",
            b"<testsuites>\n<testsuite>\n<testcase name=\"t\"><failure message=\"x\"",
            "truncated.xml:",
        ),
        (
            "mismatched tags",
            b"<testsuites>\n<testsuite>\n<testcase name=\"t\"></testsuitex>\n</testsuites>\n",
            "truncated.xml:3:",
        ),
        (
            "truncated JSON lines",
            b"{\"type\":\"suite\",\"event\":\"started\",\"test_count\":1}\n{\"type\":\"test\",\"event\":\"ok\",\"name\":\"heal",
            "truncated.xml:2:",
        ),
        ("prose", b"\n\nthese are not results\n", "truncated.xml:3: not a test results file"),
        ("binary", b"\x00\x01\x02\x03", "truncated.xml:1: not a test results file"),
        ("empty", b"", "truncated.xml:1: the results file is empty"),
        (
            "entity expansion",
            b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<testsuites><testsuite><testcase name=\"&b;\"/></testsuite></testsuites>\n",
            "truncated.xml:2:",
        ),
    ];
    for (what, text, expected) in cases {
        let p = Project::healthy();
        let path = p.write("truncated.xml", text);
        let run = p.check(&["--results", &path.display().to_string()]);
        assert_eq!(run.code, 2, "{what}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{what}: {}", run.stderr);
        assert_eq!(
            run.stderr.trim_end().lines().count(),
            1,
            "{what}: one line: {}",
            run.stderr
        );
    }
    // A directory is no results file either.
    let p = Project::healthy();
    let mut cmd = reqtrail();
    cmd.arg("check")
        .arg(p.root())
        .arg("--results")
        .arg(p.path("docs"));
    assert_exit_2(&run_checked(cmd), &["cannot read results file", "docs"]);
}

// ---------------------------------------------------------------------------------------------
// Ids and diagnostics

// r[verify robust.bad-input]
#[test]
fn ids_with_odd_characters() {
    let p = Project::new();
    let odd = [
        "a/b:c-d_e.f",
        "_under",
        "9lives",
        "x..y",
        "trailing.",
        "v2:api/x-1",
    ];
    let mut spec: String = odd.iter().map(|id| format!("r[{id}]\nText.\n\n")).collect();
    // Not ids by the grammar: plain text, never a requirement, never a crash.
    for not_an_id in [
        "straße",
        "-dash",
        "a b",
        "",
        "a[b]",
        "a\u{7}b",
        "<b>x</b>",
        "\u{202e}rtl",
    ] {
        spec.push_str(&format!("r[{not_an_id}]\nText.\n\n"));
    }
    p.write("docs/odd.md", spec);
    let mut rust = String::new();
    for (i, id) in odd.iter().enumerate() {
        rust.push_str(&format!(
            "// r[verify {id}]\n#[test]\nfn odd_{i}() {{}}\n\n"
        ));
    }
    rust.push_str("// r[verify a/b:c-d_e.g]\n#[test]\nfn near_miss() {}\n");
    p.write("tests/odd.rs", rust);
    let run = p.check(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let expected: Vec<(String, String)> = odd
        .iter()
        .map(|id| (id.to_string(), "verified".to_string()))
        .collect();
    assert_eq!(run.statuses(), expected);
    let unknown = run.diagnostics("unknown-reference");
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    let (file, line, message) = &unknown[0];
    assert_eq!((file.as_str(), *line), ("tests/odd.rs", 25));
    assert!(message.contains("a/b:c-d_e.g"), "{message}");
    let report = run.report();
    let suggestion = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "unknown-reference")
        .map(|d| d["suggestion"].clone());
    assert_eq!(suggestion, Some(Value::from("a/b:c-d_e.f")));
}

// r[verify robust.bad-input]
#[test]
fn duplicate_ids_across_files_name_both_places() {
    let p = Project::healthy();
    p.write("docs/a.md", "# A\n\nr[dup.x]\nFirst.\n");
    p.write("docs/b.md", "# B\n\nSome text.\n\nr[dup.x]\nSecond.\n");
    p.write("tests/dup.rs", "// r[verify dup.x]\n#[test]\nfn dup() {}\n");
    let run = p.check(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let dups = run.diagnostics("duplicate-id");
    assert_eq!(dups.len(), 1, "{dups:?}");
    let (file, line, message) = &dups[0];
    assert_eq!((file.as_str(), *line), ("docs/b.md", 5));
    assert!(message.contains("docs/a.md:3"), "{message}");
}

// r[verify robust.bad-input]
// r[verify robust.limits]
#[test]
fn a_chain_of_50_000_parents_and_a_cycle_through_it() {
    let p = Project::new();
    let mut spec = String::from("r[c0]\nThe root.\n\n");
    for i in 1..50_000 {
        spec.push_str(&format!("r[c{i}]\nCovers: c{}\n\nText.\n\n", i - 1));
    }
    p.write("docs/chain.md", &spec);
    p.write(
        "tests/leaf.rs",
        "// r[verify c49999]\n#[test]\nfn leaf() {}\n",
    );
    // The terminal summary, not the JSON: parsing 50,000 requirements' JSON in a debug build
    // would cost more than the run.
    let human = |args: &[&str]| {
        let mut cmd = reqtrail();
        cmd.args(args).arg(p.root());
        run_checked(cmd)
    };
    let run = human(&["check", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = human(&["show", "c0"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stdout.starts_with("c0  VERIFIED"), "{}", shown.stdout);

    // Closing the chain into one cycle of 50,000 is one error at the first member's definition.
    p.write(
        "docs/chain.md",
        spec.replacen("r[c0]\n", "r[c0]\nCovers: c49999\n", 1),
    );
    let run = human(&["check", "--quiet"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout.matches("error[cycle]").count(),
        1,
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("docs/chain.md:1: error[cycle]"));
}

// r[verify robust.bad-input]
// r[verify robust.limits]
#[test]
fn thousands_of_diagnostics_are_all_reported() {
    let p = Project::healthy();
    let mut rust = String::from("#[test]\nfn many() {\n");
    for i in 0..5_000 {
        rust.push_str(&format!("    // r[verify missing.n{i}]\n"));
    }
    rust.push_str("}\n");
    p.write("tests/many.rs", &rust);
    let run = p.check(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let unknown = run.diagnostics("unknown-reference");
    assert_eq!(unknown.len(), 5_000);
    for (i, (file, line, message)) in unknown.iter().enumerate() {
        assert_eq!(file, "tests/many.rs");
        // Sorted by file and line: the i-th reference sits on line i + 3.
        assert_eq!(*line, i as u64 + 3, "{message}");
    }
    // The terminal summary shows the first 200, counts them all and says where the rest are.
    let mut cmd = reqtrail();
    cmd.arg("check").arg(p.root());
    let human = run_checked(cmd);
    assert_eq!(human.code, 1);
    assert_eq!(
        human.stdout.matches("error[unknown-reference]").count(),
        200
    );
    assert!(human
        .stdout
        .contains("tests/many.rs:3: error[unknown-reference]"));
    assert!(human
        .stdout
        .contains("and 4800 more diagnostics (see --json)"));
    assert!(human.stdout.contains("5000 error(s)"));
}

// ---------------------------------------------------------------------------------------------
// Outputs

// r[verify robust.atomic-write]
#[test]
fn an_output_path_that_cannot_be_written_is_exit_2_naming_it() {
    let p = Project::healthy();
    let file = p.write("plain-file", "not a directory\n");
    let cases = [
        ("--json", "/nonexistent/dir/x.json".to_string()),
        ("--html", format!("{}/report.html", file.display())),
        ("--csv", p.path("docs").display().to_string()),
        ("--sarif", "/nonexistent/x.sarif".to_string()),
        ("--markdown", format!("{}/x.md", file.display())),
    ];
    for (flag, path) in cases {
        let mut cmd = reqtrail();
        cmd.arg("check").arg(p.root()).arg(flag).arg(&path);
        let run = run_checked(cmd);
        assert_exit_2(&run, &["cannot write", &path]);
    }
    // Nothing was left behind next to the paths that were tried.
    let names: Vec<String> = std::fs::read_dir(p.root())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("reqtrail-")), "{names:?}");
}

/// `reqtrail check ROOT --html OUT` in a shell that caps the size of files it may write at 8
/// blocks (4 or 8 KiB, as the shell counts), with SIGXFSZ ignored (the write fails with EFBIG)
/// or not (the kernel kills the process in the middle of the write, as an interrupted run
/// would be).
fn write_capped(root: &Path, out: &Path, ignore_signal: bool) -> std::process::Output {
    let trap = if ignore_signal { "trap '' XFSZ; " } else { "" };
    let script = format!("{trap}ulimit -f 8 && exec \"$0\" check \"$1\" --html \"$2\" --quiet");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_reqtrail"))
        .arg(root)
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .timeout(HANG);
    cmd.output().expect("sh runs")
}

// r[verify robust.atomic-write]
#[test]
fn a_write_that_fails_midway_leaves_the_previous_report_untouched() {
    let p = Project::healthy();
    let out = p.path("out/report.html");
    std::fs::create_dir_all(p.path("out")).expect("mkdir");
    let mut cmd = reqtrail();
    cmd.arg("check").arg(p.root()).arg("--html").arg(&out);
    assert_eq!(run_checked(cmd).code, 0);
    let good = std::fs::read(&out).expect("the first report");
    assert!(
        good.len() > 8 * 1024,
        "the report must outgrow the cap: {}",
        good.len()
    );

    // The write fails with an error: exit 2, a message naming the file, the old report kept,
    // no temporary file left behind.
    p.write(
        "docs/more.md",
        "r[more.one]\nA change that alters the report.\n",
    );
    let failed = write_capped(p.root(), &out, true);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot write") && stderr.contains("report.html"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read(&out).expect("still there"), good);
    let left: Vec<_> = std::fs::read_dir(p.path("out")).expect("list").collect();
    assert_eq!(left.len(), 1, "only the report: {left:?}");

    // The run is killed in the middle of writing: the old report is still whole.
    let killed = write_capped(p.root(), &out, false);
    assert_eq!(killed.status.code(), None, "killed by SIGXFSZ");
    assert_eq!(std::fs::read(&out).expect("still there"), good);
}

// r[verify robust.limits]
#[test]
fn files_over_max_file_bytes_are_skipped_with_a_warning() {
    let p = Project::healthy();
    p.write("reqtrail.toml", "max-file-bytes = 4096\n");
    p.write(
        "docs/big.md",
        format!("r[big.one]\n{}\n", "Text. ".repeat(1_000)),
    );
    p.write(
        "tests/big.rs",
        format!(
            "// r[verify ok.one]\n#[test]\nfn big() {{}}\n// {}\n",
            "x".repeat(5_000)
        ),
    );
    let run = p.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.statuses(),
        [("ok.one".to_string(), "verified".to_string())]
    );
    let warnings = run.diagnostics("unreadable-file");
    let places: Vec<(&str, u64)> = warnings.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    assert_eq!(places, [("docs/big.md", 1), ("tests/big.rs", 1)]);
    assert!(
        warnings
            .iter()
            .all(|(_, _, m)| m.contains("4096-byte limit") && m.contains("max-file-bytes")),
        "{warnings:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// No quadratic behaviour: the parsers on pathological lines, timed

fn spec_options() -> SpecOptions {
    SpecOptions::default()
}

fn unit() -> CrateUnit {
    CrateUnit {
        binary: "pkg::t".to_string(),
        module_path: Vec::new(),
    }
}

/// Runs `f` on a worker and waits for it at most `limit`; a worker still busy then fails the
/// test as a hang. The limit is a hang limit, not a speed bar: quadratic work on these inputs
/// would take hours, linear work takes well under a second even in a debug build. Timing
/// itself lives in `scripts/bench` and `benches/parsers.rs`.
fn timed<T: Send + 'static>(
    what: &str,
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {limit:?}: it hangs or is super-linear")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

const QUICK: Duration = HANG;

// r[verify robust.limits]
#[test]
fn a_megabyte_of_brackets_in_markdown_and_in_rust_comments() {
    let brackets = "[".repeat(1 << 20);
    let closers = "]".repeat(1 << 20);
    let links = "[a](".repeat(1 << 18);
    let markdown = format!(
        "r[br.one] {brackets}\n\nr[br.two] {closers}\n\nr[br.three] {links}\n\n{brackets}{closers}\n"
    );
    let spec = timed("1 MB of brackets in Markdown", QUICK, {
        let markdown = markdown.clone();
        move || reqtrail::spec::parse_spec("docs/b.md", &markdown, &spec_options())
    });
    let ids: Vec<(&str, u32)> = spec
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r.location.line))
        .collect();
    assert_eq!(ids, [("br.one", 1), ("br.two", 3), ("br.three", 5)]);

    let rust = format!(
        "// {brackets}\n// r[verify br.one]\n/// {closers}{links}\n#[test]\nfn t() {{}}\n/* {brackets} */\n"
    );
    let scanned = timed("1 MB of brackets in Rust comments", QUICK, {
        let rust = rust.clone();
        move || {
            reqtrail::source::scan_source("tests/b.rs", &rust, &unit(), &SourceOptions::default())
        }
    });
    assert_eq!(scanned.tests.len(), 1);
    let refs: Vec<(&str, u32, &[usize])> = scanned
        .references
        .iter()
        .map(|r| (r.id.as_str(), r.line, r.tests.as_slice()))
        .collect();
    assert_eq!(refs, [("br.one", 2, [0usize].as_slice())]);
}

// r[verify robust.limits]
#[test]
fn ten_thousand_references_on_one_line() {
    let markers: String = (0..10_000).map(|i| format!("r[verify q.n{i}] ")).collect();
    let list: Vec<String> = (0..10_000).map(|i| format!("q.m{i}")).collect();
    let rust = format!(
        "// {markers}\n// Verifies: {}\n#[test]\nfn t() {{}}\n",
        list.join(", ")
    );
    let scanned = timed("10,000 references on one comment line", QUICK, {
        let rust = rust.clone();
        move || {
            reqtrail::source::scan_source("tests/q.rs", &rust, &unit(), &SourceOptions::default())
        }
    });
    assert_eq!(scanned.references.len(), 20_000);
    assert!(scanned.references[..10_000]
        .iter()
        .all(|r| r.line == 1 && r.tests == [0]));
    assert!(scanned.references[10_000..]
        .iter()
        .all(|r| r.line == 2 && r.tests == [0]));
    assert_eq!(scanned.references[9_999].id, "q.n9999");

    // And as many parents on one attribute line of a requirement.
    let markdown = format!("r[q.child]\nCovers: {}\n\nText.\n", list.join(", "));
    let spec = timed("10,000 parents on one attribute line", QUICK, {
        let markdown = markdown.clone();
        move || reqtrail::spec::parse_spec("docs/q.md", &markdown, &spec_options())
    });
    assert_eq!(spec.requirements[0].parents.len(), 10_000);
    assert!(spec.requirements[0]
        .parents
        .iter()
        .all(|(_, line)| *line == 2));
}

// r[verify robust.limits]
#[test]
fn a_hundred_thousand_unclosed_marker_fragments() {
    let fragments = "r[".repeat(100_000);
    let verbs = "r[verify ".repeat(100_000);
    let ticks: String = (1..400).map(|n| "`".repeat(n) + " ").collect();
    let markdown =
        format!("{fragments}\n\nr[{fragments}\n\n{verbs}\n\nr[frag.ok]\nText {ticks}.\n");
    let spec = timed("100,000 `r[` in Markdown", QUICK, {
        let markdown = markdown.clone();
        move || reqtrail::spec::parse_spec("docs/f.md", &markdown, &spec_options())
    });
    let ids: Vec<&str> = spec.requirements.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["frag.ok"]);

    let rust = format!(
        "// {fragments}\n// {verbs}\n// {ticks}\n// r[verify frag.ok]\n#[test]\nfn t() {{}}\n"
    );
    let scanned = timed("100,000 `r[` in Rust comments", QUICK, {
        let rust = rust.clone();
        move || {
            reqtrail::source::scan_source("tests/f.rs", &rust, &unit(), &SourceOptions::default())
        }
    });
    let refs: Vec<(&str, u32)> = scanned
        .references
        .iter()
        .map(|r| (r.id.as_str(), r.line))
        .collect();
    assert_eq!(refs, [("frag.ok", 4)]);
}

// ---------------------------------------------------------------------------------------------
// HTML safety, end to end

/// Hostile strings, each with its own number so a leak can be traced.
const HOSTILE_TITLE: &str =
    "<script>alert(1)</script> and {{ 7*7 }} and \"><img src=x onerror=alert(2)>";
const HOSTILE_FILE: &str = "<img src=x onerror=alert(3)>.md";
const HOSTILE_RUST_FILE: &str = "<svg onload=alert(4)>.rs";

// r[verify robust.html-safety]
#[test]
fn hostile_content_never_reaches_the_html_unescaped() {
    let p = Project::new();
    p.write(
        "reqtrail.toml",
        concat!(
            "project = \"</title><script>alert(5)</script>{{ 7*7 }}\"\n",
            "style = \"heading\"\n",
            // An id pattern that lets markup into ids.
            "id-pattern = '[^:]+'\n",
        ),
    );
    p.write(
        &format!("docs/{HOSTILE_FILE}"),
        format!(
            concat!(
                "# Hostile\n\n",
                "## <script>alert(6)</script>: {title}\n\n",
                "Rationale: <script>alert(7)</script>\n\n",
                "Text with <img src=x onerror=alert(8)>, </script><script>alert(9)</script>,\n",
                "a [link](javascript:alert(10)), an autolink <javascript:alert(11)>,\n",
                "an image ![x](javascript:alert(12)) and {{{{ config }}}} {{% raw %}}.\n\n",
                "<div onmouseover=\"alert(13)\">an HTML block</div>\n\n",
                "## \"><img src=x onerror=alert(14)>: Second\n\n",
                "Covers: <script>alert(6)</script>\n\n",
                "## {{{{ 7*7 }}}}: Template syntax as an id\n\n",
                "Text.\n\n",
                "## plain.one: A plain requirement the hostile file's test verifies\n",
            ),
            title = HOSTILE_TITLE
        ),
    );
    p.write(
        &format!("tests/{HOSTILE_RUST_FILE}"),
        b"// Verifies: plain.one, javascript:alert\n#[test]\nfn hostile() {}\n// \xff not UTF-8\n"
            .as_slice(),
    );
    p.write(
        "results.xml",
        concat!(
            "<testsuites><testsuite name=\"x\">",
            "<testcase name=\"&lt;script&gt;alert(15)&lt;/script&gt;\" classname=\"&lt;img src=x onerror=alert(16)&gt;\"/>",
            "<testcase name=\"ghost\"><failure message=\"&lt;script&gt;alert(17)&lt;/script&gt;\">&lt;/script&gt;&lt;img src=x onerror=alert(18)&gt;</failure></testcase>",
            "</testsuite></testsuites>\n",
        ),
    );
    // libtest JSON names no binary, so this result joins the test of the hostile file by name.
    p.write(
        "results.json",
        concat!(
            r#"{"type":"test","event":"started","name":"hostile"}"#,
            "\n",
            r#"{"type":"test","event":"failed","name":"hostile","stdout":"</script><img src=x onerror=alert(19)> {{ 7*7 }}"}"#,
            "\n",
        ),
    );
    let out = p.path("report.html");
    let mut cmd = reqtrail();
    cmd.current_dir(p.root())
        .args([
            "check",
            ".",
            "--results",
            "results.xml",
            "--results",
            "results.json",
            "--html",
            "report.html",
        ])
        .args([
            "--source-link",
            "https://example.org/{commit}/{path}#L{line}",
        ]);
    let run = run_checked(cmd);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let html = std::fs::read_to_string(&out).expect("the report");

    // The hostile content did get in (else this test proves nothing), in escaped form.
    let data = script_body(
        &html,
        r#"<script type="application/json" id="reqtrail-data">"#,
    );
    for present in [
        "\\u003cscript\\u003ealert(6)\\u003c/script\\u003e",
        "\\u003cimg src=x onerror=alert(3)\\u003e.md",
        "\\u003csvg onload=alert(4)\\u003e.rs",
        "\\u003c/script\\u003e\\u003cimg src=x onerror=alert(19)\\u003e",
        "{{ 7*7 }}",
    ] {
        assert!(data.contains(present), "`{present}` missing from the data");
    }
    assert!(
        html.contains("&lt;&#x2f;title&gt;&lt;script&gt;alert(5)"),
        "project name"
    );
    assert!(
        html.contains("&lt;svg onload=alert(4)&gt;.rs:1<"),
        "a diagnostic's file"
    );
    assert!(!html.contains(">49<"), "template syntax was evaluated");

    // Exactly the template's two script elements; the data block holds no `<` at all.
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script>").count(), 2);
    assert!(!data.contains('<'));

    // The markup outside the script and style elements has no element or attribute that runs
    // script, and no link with a script scheme; the template's own head elements and form are
    // all there is of their kinds, as on a harmless project's page.
    let markup = without_elements(&html, &["script", "style"]);
    assert_no_active_content(&markup, "the page markup");
    let harmless = Project::healthy();
    let mut cmd = reqtrail();
    cmd.arg("check")
        .arg(harmless.root())
        .arg("--html")
        .arg(harmless.path("report.html"));
    assert_eq!(run_checked(cmd).code, 0);
    let harmless = std::fs::read_to_string(harmless.path("report.html")).expect("the report");
    let harmless = without_elements(&harmless, &["script", "style"]);
    for kind in ["<meta", "<link", "<form", "<input", "data:"] {
        assert_eq!(
            markup.matches(kind).count(),
            harmless.matches(kind).count(),
            "{kind}"
        );
    }

    // The rendered requirement texts (the only data the script hands to innerHTML) are as safe.
    let parsed: Value = serde_json::from_str(data).expect("the data block is JSON");
    let mut rendered = Vec::new();
    collect_html_fields(&parsed, &mut rendered);
    assert!(!rendered.is_empty(), "some requirement text was rendered");
    for fragment in &rendered {
        assert_no_active_content(fragment, "rendered text");
        assert!(!fragment.contains("<div"), "{fragment}");
    }
    let all = rendered.concat();
    // The checker itself sees what it looks for.
    for bad in [
        "<IMG src=x>",
        "<p title=\"x\" onclick=go()>",
        "<a href=\"java\tscript:x\">",
        "<a href='javascript&#58;x'>",
        "<a href= JavaScript:x>",
    ] {
        assert!(!active_content(bad).is_empty(), "{bad}");
    }
    assert!(
        active_content("<p title=\"&lt;img src=x onerror=alert(1)&gt;\">&lt;script&gt;</p>")
            .is_empty()
    );
    assert!(all.contains("&lt;img src=x onerror=alert(8)&gt;"), "{all}");
}

/// The text between `open` and the next `</script>`.
fn script_body<'a>(html: &'a str, open: &str) -> &'a str {
    let start = html
        .find(open)
        .map(|i| i + open.len())
        .expect("the element");
    let len = html[start..].find("</script>").expect("its end");
    &html[start..start + len]
}

/// The page with every element named in `names` (contents included) cut out.
fn without_elements(html: &str, names: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = html;
    loop {
        // The earliest opening tag of any of the elements, and the end of its element.
        let next = names
            .iter()
            .filter_map(|name| {
                let at = rest.find(&format!("<{name}"))?;
                let close = format!("</{name}>");
                let len = rest[at..].find(&close)?;
                Some((at, at + len + close.len()))
            })
            .min();
        match next {
            Some((at, end)) => {
                out.push_str(&rest[..at]);
                rest = &rest[end..];
            }
            None => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// No element that runs or loads anything, no event handler attribute, no script URL.
fn assert_no_active_content(html: &str, what: &str) {
    let found = active_content(html);
    assert!(found.is_empty(), "{what}: {found:?}");
}

/// The elements, event handler attributes and script URLs in `html`.
fn active_content(html: &str) -> Vec<String> {
    const ACTIVE: &[&str] = &[
        "script", "img", "svg", "math", "iframe", "frame", "object", "embed", "base", "video",
        "audio", "source", "style", "template",
    ];
    let mut found = Vec::new();
    for (name, attributes) in tags(html) {
        if ACTIVE.contains(&name.as_str()) {
            found.push(format!("<{name}>"));
        }
        for (attribute, value) in attributes {
            if attribute.starts_with("on") {
                found.push(format!("<{name} {attribute}=...>"));
            }
            let url: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            let script_url = url.starts_with("javascript:") || url.starts_with("vbscript:");
            if script_url && matches!(attribute.as_str(), "href" | "src" | "action" | "formaction")
            {
                found.push(format!("<{name} {attribute}=\"{value}\">"));
            }
        }
    }
    found
}

/// The start tags of `html` with their attributes (names lowercased, values as written):
/// enough of HTML's tokenizer to see what a browser would make an element or an attribute.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let start = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'>' | b'=' | b'/')
            {
                j += 1;
            }
            let attribute = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            let mut k = j;
            while k < b.len() && b[k].is_ascii_whitespace() {
                k += 1;
            }
            if b.get(k) == Some(&b'=') {
                j = k + 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                match b.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[j + 1..].find(q as char).map_or(b.len(), |e| j + 1 + e);
                        value = html[j + 1..end].to_string();
                        j = (end + 1).min(b.len());
                    }
                    _ => {
                        let start = j;
                        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                            j += 1;
                        }
                        value = html[start..j].to_string();
                    }
                }
            }
            attributes.push((attribute, unescape(&value)));
        }
        out.push((name, attributes));
        i = j;
    }
    out
}

/// Character references as a browser decodes them in attribute values (the ones that matter
/// for a scheme: a `javascript&#58;` URL is a javascript: URL).
fn unescape(value: &str) -> String {
    let mut out = value.to_string();
    for (entity, c) in [
        ("&colon;", ":"),
        ("&#58;", ":"),
        ("&#x3a;", ":"),
        ("&#x3A;", ":"),
        ("&quot;", "\""),
        ("&#x27;", "'"),
        ("&#x2f;", "/"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
    ] {
        out = out.replace(entity, c);
    }
    out
}

/// Every string under a key named `h` (the rendered HTML of a text).
fn collect_html_fields(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::String(s) if key == "h" => out.push(s.clone()),
                    _ => collect_html_fields(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_html_fields(v, out)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Fuzzing

/// Lines as an editor numbers them: one more than the number of line feeds.
fn line_count(text: &str) -> u32 {
    text.matches('\n').count() as u32 + 1
}

// r[verify robust.fuzz]
#[test]
fn the_fuzz_targets_are_laid_out_for_cargo_fuzz() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Table = std::fs::read_to_string(root.join("fuzz/Cargo.toml"))
        .expect("fuzz/Cargo.toml")
        .parse()
        .expect("valid TOML");
    assert!(manifest["package"]["metadata"]["cargo-fuzz"]
        .as_bool()
        .unwrap_or(false));
    // Its own workspace, so the root crate's builds never pick it up.
    assert!(manifest.contains_key("workspace"));
    assert!(manifest["dependencies"].get("libfuzzer-sys").is_some());
    let bins: Vec<(&str, &str)> = manifest["bin"]
        .as_array()
        .expect("[[bin]] targets")
        .iter()
        .map(|b| {
            (
                b["name"].as_str().unwrap_or(""),
                b["path"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        bins,
        [
            ("spec", "fuzz_targets/spec.rs"),
            ("source", "fuzz_targets/source.rs"),
            ("results", "fuzz_targets/results.rs"),
            ("config", "fuzz_targets/config.rs"),
            ("nested", "fuzz_targets/nested.rs"),
        ]
    );
    for (_, path) in bins {
        let target = std::fs::read_to_string(root.join("fuzz").join(path)).expect("target");
        assert!(target.contains("fuzz_target!"), "{path}");
    }
}

// r[verify robust.fuzz]
#[test]
fn inputs_the_fuzzers_found_stay_fixed() {
    // The source fuzz target reported this file's tests at line 0: under `cfg(fuzzing)`
    // proc-macro2 tracks no span locations (the target now runs with `--no-cfg-fuzzing`). In
    // a normal build each test sits on its `fn` line.
    let bytes = include_bytes!("../fixtures/robustness/source/test-at-line-zero.rs");
    let text = String::from_utf8_lossy(bytes);
    let unit = CrateUnit {
        binary: "pkg::fuzz".to_string(),
        module_path: vec!["m".to_string()],
    };
    let options = SourceOptions {
        test_attributes: vec!["my_test".to_string()],
        test_macros: Vec::new(),
        prefixes: vec!["r".to_string(), "req".to_string()],
    };
    let scanned = reqtrail::source::scan_source("tests/fuzz.rs", &text, &unit, &options);
    let tests: Vec<(&str, u32)> = scanned
        .tests
        .iter()
        .map(|t| (t.name.as_str(), t.line))
        .collect();
    assert_eq!(
        tests,
        [
            ("m::card_charged_once", 7),
            ("m::refund_capped", 13),
            ("m::idempotency_key_dedupes", 19)
        ]
    );
    let lines = line_count(&text);
    assert!(scanned
        .references
        .iter()
        .all(|r| (1..=lines).contains(&r.line)));
    assert!(scanned
        .references
        .iter()
        .all(|r| r.tests.iter().all(|&t| t < scanned.tests.len())));

    // A reference attribute without its `#` at the very start of a file made the scanner
    // subtract past zero (a panic in debug builds).
    let bytes = include_bytes!("../fixtures/robustness/source/attribute-brackets-open-the-file.rs");
    let text = String::from_utf8_lossy(bytes);
    let scanned = reqtrail::source::scan_source("tests/fuzz.rs", &text, &unit, &options);
    assert_eq!(
        scanned.diagnostics[0].code,
        reqtrail::model::Code::UnparsedFile
    );
    let minimal = "[verifies(\"a.b\")]\n#[test]\nfn t() {}\n";
    let scanned = reqtrail::source::scan_source("tests/fuzz.rs", minimal, &unit, &options);
    assert_eq!(scanned.tests.len(), 1);
    assert!(scanned.references.is_empty(), "no `#`, no attribute");

    // The results reader's error once ran over two lines, quoting a closing tag as written.
    let bytes = include_bytes!("../fixtures/robustness/results/mismatched-end-tag.xml");
    let text = String::from_utf8_lossy(bytes);
    let err = reqtrail::evidence::parse_results("fuzz.xml", &text).expect_err("malformed");
    assert!(err.starts_with("fuzz.xml:18: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Hostile input, round two (issue 17)

/// A prerequisite this machine lacks: under `CI=true` that fails the test (CI must run it);
/// elsewhere the test says so and stops.
fn missing(what: &str) {
    if std::env::var_os("CI").is_some_and(|v| v == "true") {
        panic!("CI=true and {what}: this test must run in CI");
    }
    eprintln!("not run: {what}");
}

/// Runs a command-line tool the test needs; `false` (after [`missing`]) when it did not work.
fn tool(program: &str, args: &[&std::ffi::OsStr]) -> bool {
    let ok = std::process::Command::new(program)
        .args(args)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        missing(&format!("`{program}` failed or is not installed"));
    }
    ok
}

fn file_kind(path: &Path) -> std::fs::FileType {
    std::fs::symlink_metadata(path)
        .expect("the output path still exists")
        .file_type()
}

// r[verify robust.safe-write]
#[test]
fn a_device_node_at_an_output_path_stays_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let p = Project::healthy();
    // A null device of our own, never the system's: major 1, minor 3.
    let null = p.path("null");
    if !tool(
        "mknod",
        &[null.as_os_str(), "c".as_ref(), "1".as_ref(), "3".as_ref()],
    ) {
        return;
    }
    for flag in ["--json", "--html", "--csv", "--sarif", "--markdown"] {
        let mut cmd = reqtrail();
        cmd.arg("check").arg(p.root()).arg(flag).arg(&null);
        let run = run_checked(cmd);
        assert_eq!(run.code, 0, "{flag}: {}", run.stderr);
        assert!(
            file_kind(&null).is_char_device(),
            "{flag} replaced the device with {:?}",
            file_kind(&null)
        );
    }
    // Nothing else was left in the directory.
    let mut names: Vec<String> = std::fs::read_dir(p.root())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["docs", "null", "tests"]);
}

// r[verify robust.safe-write]
#[test]
fn a_fifo_at_an_output_path_is_written_into_and_its_reader_gets_the_report() {
    use std::os::unix::fs::FileTypeExt;
    let p = Project::healthy();
    let pipe = p.path("pipe");
    if !tool("mkfifo", &[pipe.as_os_str()]) {
        return;
    }
    // The reader, as `reqtrail check --csv pipe & consumer < pipe` would have it; `timeout`
    // ends it should nobody ever open the pipe for writing.
    let reader = std::process::Command::new("timeout")
        .arg(HANG.as_secs().to_string())
        .arg("cat")
        .arg(&pipe)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("timeout and cat run");
    let mut cmd = reqtrail();
    cmd.arg("check").arg(p.root()).arg("--csv").arg(&pipe);
    let run = run_checked(cmd);
    let kind = file_kind(&pipe);
    let read = reader.wait_with_output().expect("the reader ends");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(kind.is_fifo(), "the pipe was replaced by {kind:?}");
    let csv = String::from_utf8_lossy(&read.stdout);
    assert!(csv.lines().any(|l| l.starts_with("ok.one,")), "{csv}");
    assert!(file_kind(&pipe).is_fifo(), "{:?}", file_kind(&pipe));
}

// r[verify robust.safe-write]
#[test]
fn a_symlink_at_an_output_path_is_followed_never_replaced() {
    let p = Project::healthy();
    std::fs::create_dir_all(p.path("reports")).expect("mkdir");
    p.write("reports/real.json", "old\n");
    let link = p.path("latest.json");
    std::os::unix::fs::symlink("reports/real.json", &link).expect("symlink");
    // A dangling link names the file to create.
    let dangling = p.path("next.json");
    std::os::unix::fs::symlink("reports/next.json", &dangling).expect("symlink");
    let mut cmd = reqtrail();
    cmd.arg("check")
        .arg(p.root())
        .arg("--json")
        .arg(&link)
        .arg("--sarif")
        .arg(&dangling);
    let run = run_checked(cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(file_kind(&link).is_symlink());
    assert!(file_kind(&dangling).is_symlink());
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(p.path("reports/real.json")).expect("the link's target"),
    )
    .expect("the target holds the JSON report");
    assert_eq!(json["requirements"][0]["id"], "ok.one");
    let sarif = std::fs::read_to_string(p.path("reports/next.json")).expect("created");
    assert!(sarif.contains("\"version\": \"2.1.0\""), "{sarif}");
}

// r[verify robust.safe-write]
#[test]
fn a_link_to_standard_output_is_written_through() {
    // What `--json /dev/stdout` is: a link to the process's descriptor 1. Ours lives in the
    // temporary directory so that before the fix only it could be replaced.
    let p = Project::healthy();
    let link = p.path("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).expect("symlink");
    let mut cmd = reqtrail();
    cmd.arg("check")
        .arg(p.root())
        .arg("--quiet")
        .arg("--json")
        .arg(&link);
    let run = run_checked(cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(file_kind(&link).is_symlink(), "{:?}", file_kind(&link));
    let start = run.stdout.find('{').expect("the JSON on stdout");
    // The report comes first; the terminal summary, if any, follows it.
    let json: Value = serde_json::Deserializer::from_str(&run.stdout[start..])
        .into_iter::<Value>()
        .next()
        .expect("a JSON value")
        .expect("JSON");
    assert_eq!(json["requirements"][0]["id"], "ok.one");
}

// r[verify robust.safe-write]
#[test]
fn a_symlink_planted_at_the_old_temporary_name_does_not_receive_the_report() {
    // The temporary name used to be `.NAME.reqtrail-PID.tmp`, opened without O_EXCL. The shell
    // plants a link under its own PID and then `exec`s reqtrail, which keeps that PID.
    let p = Project::healthy();
    p.write("victim.txt", "precious\n");
    let script = "cd \"$1\" && ln -s victim.txt .report.json.reqtrail-$$.tmp && \
                  exec \"$0\" check . --quiet --json report.json";
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_reqtrail"))
        .arg(p.root())
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .timeout(HANG);
    let run = run_checked(cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(p.path("victim.txt")).expect("victim"),
        "precious\n"
    );
    assert!(file_kind(&p.path("report.json")).is_file());
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(p.path("report.json")).expect("report"))
            .expect("JSON");
    assert_eq!(json["requirements"][0]["id"], "ok.one");
}

// r[verify robust.linear-fallback]
#[test]
fn deeply_nested_rust_is_read_in_one_pass() {
    // syn refuses nesting this deep, so these files go to the fallback scanner, which was
    // quadratic: a million `{` ran past 300 s, `mod m {` 50,000 deep took 116 s and 3.7 GB.
    // The harness kills a run after HANG; a linear scan takes a moment.
    let p = Project::healthy();
    let test_first = "// r[verify ok.one]\n#[test]\nfn before_the_braces() {}\n";
    p.write(
        "tests/braces.rs",
        format!("{test_first}fn f() {}", "{".repeat(1_000_000)),
    );
    p.write(
        "tests/modules.rs",
        format!(
            "{}#[test]\nfn innermost() {{}}\n{}",
            "mod m {\n".repeat(50_000),
            "}\n".repeat(50_000)
        ),
    );
    let run = p.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.status_of("ok.one"), "verified");
    let unparsed: Vec<String> = run
        .diagnostics("unparsed-file")
        .into_iter()
        .map(|(file, _, _)| file)
        .collect();
    assert_eq!(unparsed, ["tests/braces.rs", "tests/modules.rs"]);
}

/// Terminal control sequences a hostile repository could plant: OSC 0 (set the window
/// title), CSI 2J (clear the screen), OSC 52 (write the clipboard), and a C1 CSI.
const HOSTILE_CONTROLS: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{9b}31m";

/// The bytes that let text drive a terminal: ESC, BEL, C1 CSI/OSC, CR.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| matches!(c, '\u{1b}' | '\u{7}' | '\u{9b}' | '\u{9d}' | '\r'))
        .collect()
}

// r[verify robust.terminal-escapes]
#[test]
fn control_characters_from_input_never_reach_the_terminal() {
    let p = Project::healthy();
    p.write(
        "docs/hostile.md",
        format!("# Hostile\n\nr[bad.title]\nRetry {HOSTILE_CONTROLS} later.\n"),
    );
    // A file name with an escape in it, and a diagnostic that names it.
    p.write(
        &format!("docs/\u{1b}[2Jname{HOSTILE_CONTROLS}.md"),
        b"# Notes\n\n\xff\xfe not UTF-8\n",
    );
    p.write(
        "results.xml",
        "<testsuites><testsuite name=\"t\"><testcase classname=\"ok\" \
         name=\"&#27;]0;owned&#7;&#27;[2J\"><failure message=\"&#27;[2J boom\"/>\
         </testcase></testsuite></testsuites>",
    );
    let results = p.path("results.xml");
    let mut cmd = reqtrail();
    cmd.arg("check")
        .arg(p.root())
        .args(["--color", "never", "--results"])
        .arg(&results);
    let check = run_checked(cmd);
    assert!(check.stdout.contains("bad.title"), "{}", check.stdout);
    assert!(
        check.stdout.contains("\\x1b]0;pwned\\x07"),
        "{}",
        check.stdout
    );
    assert_eq!(
        raw_controls(&check.stdout),
        Vec::<char>::new(),
        "{}",
        check.stdout
    );
    assert_eq!(
        raw_controls(&check.stderr),
        Vec::<char>::new(),
        "{}",
        check.stderr
    );

    let mut cmd = reqtrail();
    cmd.arg("show").arg("bad.title").arg(p.root());
    let show = run_checked(cmd);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(
        show.stdout.contains("Retry \\x1b]0;pwned"),
        "{}",
        show.stdout
    );
    assert_eq!(
        raw_controls(&show.stdout),
        Vec::<char>::new(),
        "{}",
        show.stdout
    );
    assert_eq!(
        raw_controls(&show.stderr),
        Vec::<char>::new(),
        "{}",
        show.stderr
    );
}

/// Reads a GitHub Actions log as the runner does: a line is a command when, after leading
/// whitespace, it starts with `::`, or (the legacy form) when it holds `##[`; after
/// `::stop-commands::TOKEN` nothing is until a line `::TOKEN::`. Gives the commands read.
fn workflow_commands(log: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut stopped: Option<String> = None;
    for line in log.lines() {
        let line = line.trim_start();
        if let Some(token) = &stopped {
            if line == format!("::{token}::") {
                stopped = None;
            }
            continue;
        }
        if let Some(token) = line.strip_prefix("::stop-commands::") {
            stopped = Some(token.to_string());
            commands.push(line.to_string());
        } else if line.starts_with("::") || line.contains("##[") {
            commands.push(line.to_string());
        }
    }
    commands
}

// r[verify robust.github-commands]
#[test]
fn input_cannot_inject_workflow_commands_under_format_github() {
    let p = Project::healthy();
    p.write("docs/spec.md", "# Spec\n\nr[ok.one]\nThe healthy one.\n\nr[ok.two]\n::warning::title from input ##[error]legacy\n");
    p.write(
        "tests/::stop-commands::pwned.rs",
        "// r[verify ok.one]\n#[test]\nfn broken( {\n",
    );
    p.write("docs/::add-mask::secret.md", b"# Notes\n\n\xff not UTF-8\n");
    p.write(
        "results.xml",
        "<testsuites><testsuite name=\"t\"><testcase classname=\"ok\" \
         name=\"&#10;::error file=x::injected\"><failure message=\"&#10;##[error]legacy\"/>\
         </testcase></testsuite></testsuites>",
    );
    let results = p.path("results.xml");
    let mut cmd = reqtrail();
    cmd.current_dir(p.root())
        .args(["check", ".", "--format", "github", "--results"])
        .arg(&results);
    let run = run_checked(cmd);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The hostile names do reach the log, as text.
    assert!(
        run.stdout.contains("stop-commands::pwned.rs"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("add-mask::secret.md"), "{}", run.stdout);
    for command in workflow_commands(&run.stdout) {
        let ours = (command.starts_with("::error ") || command.starts_with("::warning "))
            && command.contains("title=reqtrail ")
            || command.starts_with("::stop-commands::reqtrail-");
        assert!(
            ours,
            "input made a workflow command: {command}\nlog:\n{}",
            run.stdout
        );
    }
    // The annotations themselves carry the names escaped.
    assert!(
        run.stdout
            .contains("file=docs/%3A%3Aadd-mask%3A%3Asecret.md"),
        "{}",
        run.stdout
    );
}

/// Requirement id -> title, from a run's JSON report.
fn titles(run: &Run) -> Vec<(String, String)> {
    run.report()["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or("").to_string(),
                r["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

// r[verify robust.titles]
#[test]
fn titles_read_as_the_rendered_markdown_does() {
    let p = Project::healthy();
    p.write(
        "docs/limits.md",
        "# Limits\n\n\
         r[t.stars]\nRetry at most 2*n times, a * b\n\n\
         r[t.code]\nThe buffer holds `MAX_LEN * 2` bytes\n\n\
         r[t.dunder]\nCall `__init__` once, then \\_\\_init\\_\\_ never again\n\n\
         r[t.entity]\nRead &amp; write, at most 5 \\* 3 &lt;items&gt;\n\n\
         r[t.markup]\nThe **bold** and *loud* [linked](https://example.org) word\n",
    );
    p.write(
        "docs/headings.md",
        "# Headings\n\n## REQ-001: Keep `a_b * c` &amp; __d__\n\nText.\n\n## REQ-002: 1. Scope\n\nMore.\n",
    );
    let run = p.check(&[]);
    let got = titles(&run);
    let title = |id: &str| {
        got.iter()
            .find(|(i, _)| i == id)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("no {id} in {got:?}"))
    };
    assert_eq!(title("t.stars"), "Retry at most 2*n times, a * b");
    assert_eq!(title("t.code"), "The buffer holds MAX_LEN * 2 bytes");
    assert_eq!(
        title("t.dunder"),
        "Call __init__ once, then __init__ never again"
    );
    assert_eq!(title("t.entity"), "Read & write, at most 5 * 3 <items>");
    assert_eq!(title("t.markup"), "The bold and loud linked word");
    assert_eq!(title("REQ-001"), "Keep a_b * c & d");
    assert_eq!(title("REQ-002"), "1. Scope");
}

// r[verify robust.lone-cr]
#[test]
fn lone_cr_line_endings_are_line_endings() {
    let p = Project::healthy();
    p.write(
        "docs/classic-mac.md",
        "# Old Mac file\r\rr[cr.one]\rThe first.\r\rr[cr.two]\rThe second.\r",
    );
    let run = p.check(&[]);
    let report = run.report();
    let found: Vec<(String, u64)> = report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|r| r["file"] == "docs/classic-mac.md")
        .map(|r| {
            (
                r["id"].as_str().unwrap_or("").to_string(),
                r["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("cr.one".to_string(), 3), ("cr.two".to_string(), 6)]
    );
    assert_eq!(
        titles(&run)[0],
        ("cr.one".to_string(), "The first".to_string())
    );
}

// r[verify robust.results-input]
#[test]
fn utf16_junit_is_read() {
    let p = Project::healthy();
    let junit = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<testsuites><testsuite name=\"ok\" \
                 tests=\"1\"><testcase classname=\"ok\" name=\"healthy\"><failure message=\"boom\"/>\
                 </testcase></testsuite></testsuites>\n";
    // Little-endian with a byte-order mark, as Windows tools write it, and big-endian without.
    let mut le = vec![0xff, 0xfe];
    le.extend(junit.encode_utf16().flat_map(u16::to_le_bytes));
    let be: Vec<u8> = junit.encode_utf16().flat_map(u16::to_be_bytes).collect();
    for (name, bytes) in [("le.xml", le), ("be.xml", be)] {
        let path = p.write(name, bytes);
        let run = p.check(&["--results", path.to_str().expect("UTF-8 path")]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert_eq!(run.status_of("ok.one"), "failing", "{name}");
    }
}

// r[verify robust.results-input]
#[test]
fn results_files_are_read_up_to_a_configurable_cap() {
    let p = Project::healthy();
    p.write("reqtrail.toml", "max-results-bytes = 4096\n");
    let mut junit = String::from("<testsuites><testsuite name=\"ok\">");
    for n in 0..200 {
        junit.push_str(&format!("<testcase classname=\"ok\" name=\"t{n}\"/>"));
    }
    junit.push_str("</testsuite></testsuites>\n");
    let big = p.write("big.xml", &junit);
    assert!(junit.len() > 4096);
    let run = p.check(&["--results", big.to_str().expect("UTF-8 path")]);
    assert_exit_2(&run, &["big.xml", "4096-byte limit", "max-results-bytes"]);
    // An endless input ends at the cap too (it used to grow without bound).
    let run = p.check(&["--results", "/dev/zero"]);
    assert_exit_2(&run, &["/dev/zero", "4096-byte limit"]);
}

// r[verify robust.results-input]
#[test]
fn mentions_in_the_pr_summary_notify_nobody() {
    let p = Project::healthy();
    p.write(
        "docs/team.md",
        "# Team\n\nr[team.ping]\nAsk @octocat and @acme/security before changing it.\n",
    );
    let mut cmd = reqtrail();
    // In the project: a reqtrail that took `-` for a file name must not write into ours.
    cmd.current_dir(p.root())
        .arg("check")
        .arg(p.root())
        .args(["--markdown", "-", "--quiet"]);
    let run = run_checked(cmd);
    assert!(run.stdout.contains("octocat"), "{}", run.stdout);
    let live: Vec<&str> = run
        .stdout
        .match_indices('@')
        .map(|(i, _)| &run.stdout[i..(i + 12).min(run.stdout.len())])
        .filter(|after| after[1..].starts_with(|c: char| c.is_ascii_alphanumeric()))
        .collect();
    assert_eq!(live, Vec::<&str>::new(), "{}", run.stdout);
}

// r[verify robust.special-files]
#[test]
fn a_fifo_named_like_an_ignore_file_does_not_hang_the_walk() {
    let p = Project::healthy();
    p.write(
        "docs/sub/more.md",
        "# More\n\nr[more.one]\nA requirement.\n",
    );
    // Nobody ever writes to these pipes: reading one blocks forever.
    let pipe = p.path("docs/sub/.gitignore");
    if !tool("mkfifo", &[pipe.as_os_str()]) {
        return;
    }
    let run = p.check(&[]);
    // The directory governed by the pipe was not walked: the verdict is incomplete (exit 2),
    // the rest of the report is there, and the warning names the pipe.
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.status_of("ok.one"), "verified");
    let warnings = run.diagnostics("unreadable-file");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].0, "docs/sub/.gitignore");
    assert!(warnings[0].2.contains("a FIFO"), "{warnings:?}");

    // At the root, where the walk cannot go around it: a clear error.
    let q = Project::healthy();
    let pipe = q.path(".ignore");
    if !tool("mkfifo", &[pipe.as_os_str()]) {
        return;
    }
    let run = q.check(&[]);
    assert_exit_2(&run, &[".ignore", "a FIFO"]);
}

// ---------------------------------------------------------------------------------------------
// Silent no-ops (issue 17, item 10): each is read, or is an error or a warning that says where

// r[verify robust.silent-no-ops]
#[test]
fn every_argument_of_a_reference_attribute_is_read_or_reported() {
    let p = Project::healthy();
    p.write(
        "docs/more.md",
        "# More\n\nr[ok.two]\nTwo.\n\nr[ok.three]\nThree.\n\nr[ok.four]\nFour.\n\nr[ok.five]\nFive.\n",
    );
    p.write(
        "tests/attrs.rs",
        "#[verifies(ok.three, ok.two)]\n#[test]\nfn unquoted() {}\n\n\
         #[verifies(\"ok.four\", ok.five)]\n#[test]\nfn mixed() {}\n\n\
         #[verifies(ok.four, not an id)]\n#[test]\nfn half_readable() {}\n",
    );
    let run = p.check(&[]);
    for id in ["ok.two", "ok.three", "ok.four", "ok.five"] {
        assert_eq!(run.status_of(id), "verified", "{id}: {}", run.stdout);
    }
    let misses = run.diagnostics("near-miss");
    assert_eq!(misses.len(), 1, "{misses:?}");
    assert_eq!((misses[0].0.as_str(), misses[0].1), ("tests/attrs.rs", 9));
    assert!(misses[0].2.contains("`not an id`"), "{misses:?}");
}

// r[verify robust.silent-no-ops]
#[test]
fn globs_outside_the_root_are_an_error_naming_the_glob() {
    let p = Project::healthy();
    let elsewhere = Project::healthy();
    let outside = format!("{}/docs/*.md", elsewhere.root().display());
    for glob in ["../elsewhere/*.md", "docs/../../x/*.md", outside.as_str()] {
        let run = p.check(&["--spec", glob]);
        assert_exit_2(
            &run,
            &[&format!("--spec glob `{glob}`"), "outside the root"],
        );
    }
    let run = p.check(&["--src", "/usr/**/*.rs"]);
    assert_exit_2(&run, &["--src glob `/usr/**/*.rs`", "outside the root"]);
    // An absolute glob under the root names files under the root: they are read.
    let inside = format!("{}/docs/*.md", p.root().display());
    let run = p.check(&["--spec", &inside]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.status_of("ok.one"), "verified");
    assert_eq!(run.diagnostics("unmatched-glob"), []);
    // In the config, the error names the file and line.
    p.write(
        "reqtrail.toml",
        "project = \"p\"\nspec = [\n  \"docs/*.md\",\n  \"../shared/*.md\",\n]\n",
    );
    let run = p.check(&[]);
    assert_exit_2(
        &run,
        &[
            "reqtrail.toml:4: the spec glob `../shared/*.md`",
            "outside the root",
        ],
    );
}

// r[verify robust.silent-no-ops]
#[test]
fn an_empty_spec_or_src_list_is_an_error_not_the_default() {
    for (text, expected) in [
        (
            "project = \"p\"\nspec = []\n",
            "reqtrail.toml:2: `spec = []` selects no file",
        ),
        ("src = [ ]\n", "reqtrail.toml:1: `src = []` selects no file"),
    ] {
        let p = Project::healthy();
        p.write("reqtrail.toml", text);
        let run = p.check(&[]);
        assert_exit_2(&run, &[expected, "remove the key"]);
        assert!(run.stdout.is_empty(), "no report: {}", run.stdout);
    }
}

// r[verify robust.silent-no-ops]
#[test]
fn prefixes_no_marker_can_have_are_rejected_at_their_line() {
    for (text, expected) in [
        (
            "prefixes = [\"req\", \"R\"]\n",
            "reqtrail.toml:1: prefixes: \"R\" cannot be",
        ),
        (
            "project = \"p\"\nprefixes = [\n  \"req\",\n  \"x y\",\n]\n",
            "reqtrail.toml:4: prefixes: \"x y\" cannot be",
        ),
        (
            "\nprefixes = [\"\"]\n",
            "reqtrail.toml:2: prefixes: \"\" cannot be",
        ),
    ] {
        let p = Project::healthy();
        p.write("reqtrail.toml", text);
        let run = p.check(&[]);
        assert_exit_2(&run, &[expected, "lower-case letter"]);
    }
    // A prefix a marker can have still works.
    let p = Project::healthy();
    p.write("reqtrail.toml", "prefixes = [\"req_2\"]\n");
    p.write("docs/more.md", "# More\n\nreq_2[more.one]\nMore.\n");
    p.write(
        "tests/more.rs",
        "// req_2[verify more.one]\n#[test]\nfn more() {}\n",
    );
    let run = p.check(&[]);
    // With two prefixes in use each is a namespace.
    assert_eq!(
        run.status_of("req_2[more.one]"),
        "verified",
        "{}",
        run.stderr
    );
}

// r[verify robust.silent-no-ops]
#[test]
fn a_file_named_on_the_command_line_is_read_even_when_ignored() {
    let p = Project::healthy();
    p.write(
        "generated/spec.md",
        "# Generated\n\nr[gen.one]\nGenerated.\n",
    );
    p.write(
        "generated/more.md",
        "# More\n\nr[gen.two]\nGenerated too.\n",
    );
    p.write(".gitignore", "generated/\n");
    let run = p.check(&["--spec", "generated/spec.md", "--spec", "docs/*.md"]);
    assert_eq!(run.status_of("gen.one"), "unverified", "{}", run.stderr);
    assert_eq!(run.status_of("ok.one"), "verified");
    // A glob selects among the files the walk sees: the ignored ones are left out, and a glob
    // that selects nothing says so.
    let run = p.check(&["--spec", "generated/*.md"]);
    let ids: Vec<String> = run.statuses().into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, Vec::<String>::new());
    let unmatched = run.diagnostics("unmatched-glob");
    assert_eq!(unmatched.len(), 1, "{unmatched:?}");
    assert!(unmatched[0].2.contains("`generated/*.md`"), "{unmatched:?}");
}

// r[verify robust.silent-no-ops]
#[test]
fn a_bad_glob_in_the_config_is_reported_at_its_line() {
    let p = Project::healthy();
    p.write(
        "reqtrail.toml",
        "project = \"p\"\n\nsrc = [\"src/**/*.rs\", \"tests/{a,b.rs\"]\n",
    );
    let run = p.check(&[]);
    assert_exit_2(
        &run,
        &["reqtrail.toml:3: the src glob `tests/{a,b.rs` is not a valid glob"],
    );
    assert!(!run.stderr.contains("--src"), "{}", run.stderr);
    // On the command line it names the flag.
    let q = Project::healthy();
    let run = q.check(&["--spec", "docs/[a.md"]);
    assert_exit_2(&run, &["the --spec glob `docs/[a.md` is not a valid glob"]);
}

// r[verify robust.silent-no-ops]
#[test]
fn the_json_root_is_relative_even_when_given_absolute() {
    let p = Project::healthy();
    let root_of = |cwd: &Path| {
        let mut cmd = reqtrail();
        cmd.current_dir(cwd)
            .arg("check")
            .arg(p.root())
            .args(["--json", "-"]);
        run_checked(cmd).report()["root"].clone()
    };
    // Run in the project, as CI does: `.` as PRODUCT.md section 8 shows.
    assert_eq!(root_of(p.root()), ".");
    // From its parent: the directory's name, relative to where reqtrail ran.
    let parent = p.root().parent().expect("a parent");
    let name = p.root().file_name().expect("a name").to_string_lossy();
    assert_eq!(root_of(parent), name.as_ref());
    // From elsewhere: `.`, never this machine's absolute path.
    let elsewhere = Project::new();
    let root = root_of(elsewhere.root());
    assert_eq!(root, ".");
}

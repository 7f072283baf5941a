//! Real git repositories in temporary directories for the change-awareness tests: write files,
//! commit, branch, tag, and run the `reqtrail` binary in them with a fixed date and no colour.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;
use std::process::Output;
use tempfile::TempDir;

/// Git's own variables would point commands at another repository when the tests run from a
/// git hook; they are removed from every process started here.
const GIT_ENV: [&str; 6] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_CEILING_DIRECTORIES",
    "GIT_PREFIX",
];

pub struct Repo {
    pub dir: TempDir,
}

/// What one run gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
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
    pub fn expect(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl Repo {
    /// An empty repository on branch `main`, with `target/` ignored.
    pub fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Test"]);
        repo.git(&["config", "user.email", "test@example.org"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo.git(&["config", "tag.gpgsign", "false"]);
        repo.write(".gitignore", "target/\n");
        // Outputs go to the ignored `target/`, where neither reqtrail nor git looks.
        repo.write("target/.keep", "");
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).expect("read")
    }

    /// Replaces `from` by `to` in a file; the text must be there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no `{from}`");
        self.write(rel, &text.replacen(from, to, 1));
    }

    pub fn git(&self, args: &[&str]) -> String {
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

    pub fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    pub fn branch(&self, name: &str) {
        self.git(&["checkout", "-q", "-b", name]);
    }

    pub fn tag(&self, name: &str) {
        self.git(&["tag", name]);
    }

    /// `reqtrail ARGS` run in the repository.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = Command::cargo_bin("reqtrail").expect("binary built");
        for var in GIT_ENV {
            cmd.env_remove(var);
        }
        let output = cmd
            .env_remove("GITHUB_SERVER_URL")
            .env_remove("GITHUB_REPOSITORY")
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .current_dir(self.path())
            .args(args)
            .output()
            .expect("runs");
        Run::from(output)
    }

    /// `git status --porcelain --ignored`: what a command must leave as it found it.
    pub fn status(&self) -> String {
        self.git(&["status", "--porcelain", "--ignored"])
    }
}

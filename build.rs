//! Build script: records the git commit the binary is built from, so `reqtrail --version` can
//! say which code it is (`cargo install --path .` and `--git` build from a checkout). Outside a
//! git checkout (a source tarball) the version says so instead of guessing.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn main() {
    // A source tarball unpacked inside some other repository (a home directory under git) must
    // not take that repository's commit: this file has to be tracked where HEAD is read.
    let tracked = git(&["ls-files", "--full-name", "build.rs"]).is_some();
    let commit = tracked
        .then(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .flatten();
    let date = git(&["log", "-1", "--format=%cs", "HEAD"]);
    let described = match (commit, date) {
        (Some(commit), Some(date)) => format!("commit {commit}, {date}"),
        (Some(commit), None) => format!("commit {commit}"),
        _ => "commit unknown: not built from a git checkout".to_string(),
    };
    println!("cargo:rustc-env=REQTRAIL_BUILD_COMMIT={described}");
    // Rebuild when HEAD moves: HEAD itself (a branch switch) and the ref it points at (a commit).
    // Only paths that exist: cargo reruns the script on every build for a missing one.
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(p) = git(&["rev-parse", "--git-path", &name]) {
            if std::path::Path::new(&p).exists() {
                println!("cargo:rerun-if-changed={p}");
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}

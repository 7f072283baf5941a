//! The outputs a command writes (`--json FILE`, `--html -`, ...), checked the same way for
//! `check`, `diff` and `trend`: `-` is standard output for every format and at most one output
//! may go there; no two outputs may name the same file, however the path is spelled.

use super::fold;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// Where one output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// `-`.
    Stdout,
    File(PathBuf),
}

/// The formats written with `--FORMAT PATH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    Json,
    Html,
    Csv,
    Sarif,
    Markdown,
    /// `--write-baseline`: the JSON report without what changes on every run.
    Baseline,
}

impl OutputKind {
    pub fn flag(self) -> &'static str {
        match self {
            OutputKind::Json => "--json",
            OutputKind::Html => "--html",
            OutputKind::Csv => "--csv",
            OutputKind::Sarif => "--sarif",
            OutputKind::Markdown => "--markdown",
            OutputKind::Baseline => "--write-baseline",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub kind: OutputKind,
    pub to: Destination,
}

/// The outputs given, in the order given, with their destinations. `json_on_stdout` is
/// `check --format json`, the JSON on standard output (the same as `--json -`, and named
/// `--format json` when it collides with another output there). Errors name the flags.
pub(crate) fn resolve_outputs(
    given: &[(OutputKind, Option<&PathBuf>)],
    json_on_stdout: bool,
) -> Result<Vec<Output>> {
    let mut outputs: Vec<Output> = given
        .iter()
        .filter_map(|(kind, path)| {
            let path = (*path)?;
            let to = if path.as_os_str() == "-" {
                Destination::Stdout
            } else {
                Destination::File(path.clone())
            };
            Some(Output { kind: *kind, to })
        })
        .collect();
    let json_dash = outputs
        .iter()
        .any(|o| o.kind == OutputKind::Json && o.to == Destination::Stdout);
    if json_on_stdout {
        match outputs.iter_mut().find(|o| o.kind == OutputKind::Json) {
            Some(json) if json.to == Destination::Stdout => {}
            _ => outputs.push(Output {
                kind: OutputKind::Json,
                to: Destination::Stdout,
            }),
        }
    }

    let on_stdout: Vec<String> = outputs
        .iter()
        .filter(|o| o.to == Destination::Stdout)
        .map(|o| {
            if o.kind == OutputKind::Json && !json_dash {
                "--format json".to_string()
            } else {
                format!("{} -", o.kind.flag())
            }
        })
        .collect();
    if let [first @ .., last] = on_stdout.as_slice() {
        if !first.is_empty() {
            bail!(
                "only one output can go to standard output, but {} and {last} {} ask for it: give the others a file path",
                first.join(", "),
                if first.len() == 1 { "both" } else { "all" }
            );
        }
    }

    let mut seen: Vec<(PathBuf, OutputKind, &PathBuf)> = Vec::new();
    for output in &outputs {
        let Destination::File(path) = &output.to else {
            continue;
        };
        let key = identity(path);
        if let Some((_, kind, first)) = seen.iter().find(|(k, _, _)| *k == key) {
            bail!(
                "{} {} and {} {} name the same file: give each output its own path",
                kind.flag(),
                first.display(),
                output.kind.flag(),
                path.display()
            );
        }
        seen.push((key, output.kind, path));
    }
    Ok(outputs)
}

/// What a path names, for comparing two output paths: the file itself when it exists
/// (symlinks followed), else its resolved directory plus its name, else the path made absolute
/// with `.` and `..` folded.
fn identity(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let absolute = std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let folded = fold(&absolute);
    match (folded.parent(), folded.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or_else(|_| folded.clone()),
        _ => folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outputs given, as (format, path).
    type Given = Vec<(OutputKind, PathBuf)>;
    /// The outputs resolved, as (format, whether it goes to standard output).
    type Resolved = Vec<(OutputKind, bool)>;

    fn kinds(outputs: &[Output]) -> Resolved {
        outputs
            .iter()
            .map(|o| (o.kind, o.to == Destination::Stdout))
            .collect()
    }

    // r[verify front.outputs]
    #[test]
    fn one_output_on_standard_output_and_one_output_per_file() {
        use OutputKind::*;
        let dir = tempfile::tempdir().expect("tmp");
        let at = |name: &str| dir.path().join(name);
        std::fs::create_dir(at("sub")).expect("mkdir");
        std::fs::write(at("real.json"), "{}").expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink(at("real.json"), at("link.json")).expect("symlink");
        let dash = PathBuf::from("-");

        // (outputs given, --format json, the outputs resolved as (kind, on stdout))
        let accepted: Vec<(Given, bool, Resolved)> = vec![
            (vec![], false, vec![]),
            (vec![], true, vec![(Json, true)]),
            (vec![(Json, dash.clone())], true, vec![(Json, true)]),
            (
                vec![(Json, at("a.json"))],
                true,
                vec![(Json, false), (Json, true)],
            ),
            (
                vec![
                    (Csv, at("a.csv")),
                    (Json, at("a.json")),
                    (Html, dash.clone()),
                ],
                false,
                vec![(Csv, false), (Json, false), (Html, true)],
            ),
        ];
        for (given, format_json, expected) in &accepted {
            let given: Vec<(OutputKind, Option<&PathBuf>)> =
                given.iter().map(|(k, p)| (*k, Some(p))).collect();
            let outputs = resolve_outputs(&given, *format_json)
                .unwrap_or_else(|e| panic!("{given:?}: {e:#}"));
            assert_eq!(&kinds(&outputs), expected, "{given:?}");
        }

        let mut refused: Vec<(Given, bool, String)> = vec![
            (
                vec![(Json, dash.clone()), (Html, dash.clone())],
                false,
                "only one output can go to standard output, but --json - and --html - both ask for it: give the others a file path".into(),
            ),
            (
                vec![(Csv, dash.clone()), (Json, dash.clone()), (Html, dash.clone())],
                false,
                "--csv -, --json - and --html - all ask for it".into(),
            ),
            (
                vec![(Markdown, dash.clone())],
                true,
                "--markdown - and --format json both ask for it".into(),
            ),
            (
                vec![(Json, at("out.json")), (Html, at("sub/../out.json"))],
                false,
                "name the same file: give each output its own path".into(),
            ),
            (
                vec![(Csv, at("real.json")), (Sarif, at("./real.json"))],
                false,
                format!(
                    "--csv {} and --sarif {} name the same file",
                    at("real.json").display(),
                    at("./real.json").display()
                ),
            ),
        ];
        #[cfg(unix)]
        refused.push((
            vec![(Json, at("real.json")), (Baseline, at("link.json"))],
            false,
            "--json".into(),
        ));
        for (given, format_json, message) in &refused {
            let given: Vec<(OutputKind, Option<&PathBuf>)> =
                given.iter().map(|(k, p)| (*k, Some(p))).collect();
            let err =
                resolve_outputs(&given, *format_json).expect_err(&format!("{given:?} refused"));
            assert!(
                format!("{err:#}").contains(message.as_str()),
                "{given:?}: {err:#}"
            );
        }
    }
}

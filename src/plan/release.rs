//! `diff` and `trend` resolved: which releases (JSON reports or git refs, tags expanded), what a
//! git ref is analysed with, and the outputs, checked like `check`'s.

use super::outputs::{resolve_outputs, Output, OutputKind};
use super::{resolve_input, InputPlan};
use crate::cli::{ColorChoice, DiffArgs, InputArgs, TrendArgs};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// One release to compare or chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// A JSON report written by `reqtrail check --json`, labelled as the user wrote it.
    Report(PathBuf),
    /// A git ref of the repository at the root, analysed from git's object store.
    Ref(String),
}

impl Release {
    /// A file of that name is a report, a directory is an error, anything else is a git ref
    /// (whether it exists is git's to say, when it is read).
    pub fn of(what: &str) -> Result<Release> {
        let path = Path::new(what);
        if path.is_file() {
            return Ok(Release::Report(path.to_path_buf()));
        }
        if path.is_dir() {
            bail!("{what} is a directory: give a JSON report written by `reqtrail check --json`, or a git ref");
        }
        Ok(Release::Ref(what.to_string()))
    }
}

/// How the tree at a git ref is analysed: exported into a directory of its own and resolved
/// like a root given on the command line, with that tree's own config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefInput {
    /// The repository's root (the project's root inside it).
    pub root: PathBuf,
    /// `--config`, read from the tree at the ref at the same place.
    pub config: Option<PathBuf>,
    pub spec: Vec<String>,
    pub src: Vec<String>,
}

impl RefInput {
    /// The input plan for the ref's tree exported at `exported` (the root's place in it).
    pub fn at(&self, exported: &Path) -> Result<InputPlan> {
        let config = self.config.as_ref().map(|c| {
            c.strip_prefix(&self.root)
                .map(|rel| exported.join(rel))
                .unwrap_or_else(|_| exported.join(c))
        });
        resolve_input(&InputArgs {
            root: exported.to_path_buf(),
            config,
            spec: self.spec.clone(),
            src: self.src.clone(),
            results: Vec::new(),
            color: ColorChoice::Never,
        })
    }
}

/// Everything `diff` does, validated.
#[derive(Debug, Clone)]
pub struct DiffPlan {
    pub old: (String, Release),
    pub new: (String, Release),
    pub at_ref: RefInput,
    /// In the order of the flags' help: markdown, html, json.
    pub outputs: Vec<Output>,
}

/// Resolves `diff`.
pub fn resolve_diff(args: &DiffArgs) -> Result<DiffPlan> {
    let outputs = resolve_outputs(
        &[
            (OutputKind::Markdown, args.markdown.as_ref()),
            (OutputKind::Html, args.html.as_ref()),
            (OutputKind::Json, args.json.as_ref()),
        ],
        false,
    )?;
    let old = Release::of(&args.old)?;
    let new = Release::of(&args.new)?;
    let at_ref = ref_input(&args.input, [&old, &new])?;
    Ok(DiffPlan {
        old: (args.old.clone(), old),
        new: (args.new.clone(), new),
        at_ref,
        outputs,
    })
}

/// What `trend` charts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrendSource {
    /// `--reports DIR`: the JSON reports in it, in file-name order.
    Reports(PathBuf),
    /// Git refs, oldest first, `--tags` and `--last` expanded.
    Refs(Vec<String>),
}

/// Everything `trend` does, validated.
#[derive(Debug, Clone)]
pub struct TrendPlan {
    pub source: TrendSource,
    pub at_ref: RefInput,
    /// In the order of the flags' help: csv, json, html.
    pub outputs: Vec<Output>,
}

/// Resolves `trend`. `tags` lists the repository's tags matching a glob, oldest first (git's
/// answer; a parameter so the rules can be tested without a repository).
pub fn resolve_trend(
    args: &TrendArgs,
    tags: impl FnOnce(&Path, &str) -> Result<Vec<String>>,
) -> Result<TrendPlan> {
    let outputs = resolve_outputs(
        &[
            (OutputKind::Csv, args.csv.as_ref()),
            (OutputKind::Json, args.json.as_ref()),
            (OutputKind::Html, args.html.as_ref()),
        ],
        false,
    )?;
    let source = match &args.reports {
        Some(dir) => {
            if !args.refs.is_empty() || args.tags.is_some() || args.last.is_some() {
                bail!("--reports reads a folder of JSON reports: give it without refs, --tags or --last");
            }
            TrendSource::Reports(dir.clone())
        }
        None => {
            let mut refs = args.refs.clone();
            if args.tags.is_some() || args.last.is_some() {
                let glob = args.tags.as_deref().unwrap_or("*");
                let tags = tags(&args.root, glob)?;
                if tags.is_empty() {
                    bail!("no tag matches `{glob}`: list them with `git tag --list '{glob}'` (in CI, fetch tags first)");
                }
                let skip = args.last.map_or(0, |n| tags.len().saturating_sub(n));
                refs.extend(tags.into_iter().skip(skip));
            }
            if refs.is_empty() {
                bail!("give git refs, --tags GLOB, --last N or --reports DIR");
            }
            TrendSource::Refs(refs)
        }
    };
    Ok(TrendPlan {
        source,
        at_ref: RefInput {
            root: args.root.clone(),
            config: args.config.clone(),
            spec: Vec::new(),
            src: Vec::new(),
        },
        outputs,
    })
}

/// How the git refs among `releases` are analysed. `--results` is refused when any of them is
/// a ref: a tree at a ref has no results of its own, and results of the working tree's tests
/// would be joined to other code.
fn ref_input<'a>(
    input: &InputArgs,
    releases: impl IntoIterator<Item = &'a Release>,
) -> Result<RefInput> {
    let any_ref = releases.into_iter().any(|r| matches!(r, Release::Ref(_)));
    if any_ref && !input.results.is_empty() {
        bail!("--results cannot apply to a git ref: a ref is analysed without results (a test counts by its reference); compare JSON reports written by CI runs for statuses with results");
    }
    Ok(RefInput {
        root: input.root.clone(),
        config: input.config.clone(),
        spec: input.spec.clone(),
        src: input.src.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;
    use std::cell::RefCell;

    /// (flags, the tags git has, the refs charted, the glob git was asked for)
    type TrendCase<'a> = (&'a [&'a str], &'a [&'a str], &'a [&'a str], Option<&'a str>);

    fn parse(argv: &[&str]) -> Command {
        Cli::try_parse_from([&["reqtrail"][..], argv].concat())
            .expect("clap accepts")
            .command
    }

    fn trend(argv: &[&str], tags: &[&str], asked: &RefCell<Vec<String>>) -> Result<TrendPlan> {
        let Command::Trend(args) = parse(&[&["trend"][..], argv].concat()) else {
            panic!("not trend");
        };
        resolve_trend(&args, |_, glob| {
            asked.borrow_mut().push(glob.to_string());
            Ok(tags.iter().map(|t| t.to_string()).collect())
        })
    }

    // r[verify front.plan]
    #[test]
    fn trend_takes_refs_tags_or_a_report_folder_but_not_a_mix() {
        let tags = ["v1", "v2", "v3"];
        let accepted: &[TrendCase] = &[
            (&["main"], &tags, &["main"], None),
            (&["--tags", "v*"], &tags, &["v1", "v2", "v3"], Some("v*")),
            (&["--last", "2"], &tags, &["v2", "v3"], Some("*")),
            (
                &["--tags", "v*", "--last", "9"],
                &tags,
                &["v1", "v2", "v3"],
                Some("v*"),
            ),
            (
                &["a", "b", "--tags", "v*", "--last", "1"],
                &tags,
                &["a", "b", "v3"],
                Some("v*"),
            ),
        ];
        for (flags, tags, refs, glob) in accepted {
            let asked = RefCell::new(Vec::new());
            let plan = trend(flags, tags, &asked).unwrap_or_else(|e| panic!("{flags:?}: {e:#}"));
            let expected: Vec<String> = refs.iter().map(|r| r.to_string()).collect();
            assert_eq!(plan.source, TrendSource::Refs(expected), "{flags:?}");
            assert_eq!(
                asked.borrow().first().map(String::as_str),
                *glob,
                "{flags:?}"
            );
        }
        let asked = RefCell::new(Vec::new());
        let plan = trend(&["--reports", "reports", "--csv", "t.csv"], &tags, &asked).expect("ok");
        assert_eq!(plan.source, TrendSource::Reports(PathBuf::from("reports")));
        assert!(
            asked.borrow().is_empty(),
            "a report folder asks git nothing"
        );

        let refused: &[(&[&str], &[&str], &str)] = &[
            (&["--reports", "r", "v1"], &tags, "--reports reads a folder of JSON reports: give it without refs, --tags or --last"),
            (&["--reports", "r", "--tags", "v*"], &tags, "give it without refs"),
            (&["--reports", "r", "--last", "3"], &tags, "give it without refs"),
            (&[], &tags, "give git refs, --tags GLOB, --last N or --reports DIR"),
            (&["--tags", "release-*"], &[], "no tag matches `release-*`: list them with `git tag --list 'release-*'`"),
            (&["v1", "--csv", "-", "--html", "-"], &tags, "only one output can go to standard output, but --csv - and --html - both ask for it"),
            (&["v1", "--json", "t.json", "--html", "./t.json"], &tags, "--json t.json and --html ./t.json name the same file"),
        ];
        for (flags, tags, message) in refused {
            let err = trend(flags, tags, &RefCell::new(Vec::new()))
                .expect_err(&format!("{flags:?} refused"));
            assert!(format!("{err:#}").contains(message), "{flags:?}: {err:#}");
        }
    }

    // r[verify front.plan]
    #[test]
    fn diff_sides_are_reports_or_refs_and_results_never_apply_to_a_ref() {
        let dir = tempfile::tempdir().expect("tmp");
        let report = dir.path().join("v1.json");
        std::fs::write(&report, "{}").expect("write");
        let report = report.to_str().expect("utf-8");
        let folder = dir.path().to_str().expect("utf-8");
        let diff = |argv: &[&str]| {
            let Command::Diff(args) = parse(&[&["diff"][..], argv].concat()) else {
                panic!("not diff");
            };
            resolve_diff(&args)
        };

        let plan = diff(&[report, "v2", "--markdown", "-", "--json", "d.json"]).expect("ok");
        assert_eq!(
            plan.old,
            (report.to_string(), Release::Report(PathBuf::from(report)))
        );
        assert_eq!(plan.new, ("v2".to_string(), Release::Ref("v2".to_string())));
        assert_eq!(
            plan.outputs.iter().map(|o| o.kind).collect::<Vec<_>>(),
            [OutputKind::Markdown, OutputKind::Json]
        );
        let plan =
            diff(&["v1", "v2", ".", "--spec", "docs/*.md", "--config", "c.toml"]).expect("ok");
        assert_eq!(
            plan.at_ref,
            RefInput {
                root: PathBuf::from("."),
                config: Some(PathBuf::from("c.toml")),
                spec: vec!["docs/*.md".to_string()],
                src: Vec::new(),
            }
        );

        let refused: &[(&[&str], &str)] = &[
            (&[report, folder], "is a directory: give a JSON report written by `reqtrail check --json`, or a git ref"),
            (&[folder, "v2"], "is a directory"),
            (&[report, "v2", "--results", "r.xml"], "--results cannot apply to a git ref"),
            (&["v1", report, "--results", "r.xml"], "--results cannot apply to a git ref"),
            (&["v1", "v2", "--markdown", "-", "--html", "-"], "only one output can go to standard output, but --markdown - and --html - both ask for it"),
            (&["v1", "v2", "--markdown", "n.md", "--html", "x/../n.md"], "--markdown n.md and --html x/../n.md name the same file"),
        ];
        for (argv, message) in refused {
            let err = diff(argv).expect_err(&format!("{argv:?} refused"));
            assert!(format!("{err:#}").contains(message), "{argv:?}: {err:#}");
        }
    }
}

//! Suspect evidence from a comparison (PRODUCT.md section 12): a verifying test whose
//! requirement's fingerprint changed while the test and its reference did not was made for
//! other text, so it no longer counts.
//!
//! Two sources, both plain functions of data already in hand: [`from_changes`] takes the old
//! requirements (the spec files at the `--changed-since` base, parsed by the run's own spec
//! parser) and the [`Scope`] the diff gave; [`from_baseline`] takes the baseline's
//! [`Snapshot`], which carries every requirement's fingerprint and text and every test's
//! fingerprint. This run is read from its linked [`Model`]. Editing the
//! test or its reference in the same change clears the suspicion; so does a new revision with
//! the references moved along (their lines changed). Stale references are suspect on their own
//! and need no comparison: the evaluation treats them so.

use crate::baseline::{Snapshot, Standing, TestPrint};
use crate::changes::Scope;
use crate::graph::{Model, TestNode};
use crate::model::PreviousText;
use crate::model::Requirement;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What one comparison found about one reworded requirement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reworded {
    pub previous: PreviousText,
    /// (binary, test name) of the verifying tests left untouched: suspect evidence.
    pub tests: BTreeSet<(String, String)>,
}

/// Every reworded requirement by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suspicion {
    pub requirements: BTreeMap<String, Reworded>,
}

impl Suspicion {
    /// Adds what another comparison found; the first old text found for an id is kept, the
    /// suspect tests of both are.
    pub fn merge(&mut self, other: Suspicion) {
        for (id, found) in other.requirements {
            let entry = self.requirements.entry(id).or_insert_with(|| Reworded {
                previous: found.previous.clone(),
                tests: BTreeSet::new(),
            });
            entry.tests.extend(found.tests);
        }
    }
}

fn differs(old: &str, new: &str) -> bool {
    !old.is_empty() && !new.is_empty() && old != new
}

/// `--changed-since`: requirements of `model` whose fingerprint differs from the same id in
/// `old` (the spec files at the base), and their verifying tests that the diff left alone.
/// `old` ids are matched as the model names them: a marker id under several prefixes is
/// `PREFIX[id]`.
pub fn from_changes(model: &Model, scope: &Scope, old: &[Requirement], from: &str) -> Suspicion {
    let mut by_id: HashMap<String, &Requirement> = HashMap::new();
    for r in old {
        if let Some(prefix) = &r.prefix {
            by_id.entry(format!("{prefix}[{}]", r.id)).or_insert(r);
        }
        by_id.entry(r.id.clone()).or_insert(r);
    }
    let changed_tests: BTreeSet<(&str, &str)> = scope
        .tests
        .iter()
        .map(|t| (t.binary.as_str(), t.test.as_str()))
        .collect();
    let mut out = Suspicion::default();
    for (i, r) in model.requirements.iter().enumerate() {
        let Some(before) = by_id.get(r.id.as_str()) else {
            continue;
        };
        if !differs(&before.fingerprint, &r.fingerprint) {
            continue;
        }
        let tests = untouched(model, i, |t, ref_line| {
            let test_changed =
                changed_tests.contains(&(t.test.binary.as_str(), t.test.name.as_str()));
            let reference_changed = scope
                .lines
                .get(t.file.as_str())
                .is_some_and(|l| l.contains(ref_line));
            !test_changed && !reference_changed
        });
        out.requirements.insert(
            r.id.clone(),
            Reworded {
                previous: PreviousText {
                    title: before.title.clone(),
                    text: before.text.clone(),
                    fingerprint: before.fingerprint.clone(),
                    revision: before.revision,
                    file: before.location.file.clone(),
                    from: from.to_string(),
                },
                tests,
            },
        );
    }
    out
}

/// The current (not stale) verifying tests of requirement `i` that `unchanged` (given the test
/// and the line of its reference) says were left as they were: the ones its rewording makes
/// suspect, as (binary, test).
fn untouched(
    model: &Model,
    i: usize,
    unchanged: impl Fn(&TestNode, u32) -> bool,
) -> BTreeSet<(String, String)> {
    model.verified_by[i]
        .iter()
        .filter(|l| !l.stale && unchanged(&model.tests[l.test], l.ref_line))
        .map(|l| {
            let t = &model.tests[l.test].test;
            (t.binary.clone(), t.name.clone())
        })
        .collect()
}

/// `--baseline`: requirements whose fingerprint differs from the baseline's, and their
/// verifying tests that verified them in the baseline too with the same test fingerprint (the
/// test's lines, its reference above it included, did not change). A baseline written before
/// tests had fingerprints cannot tell: its tests count as unchanged when they sit at the same
/// file and line.
pub fn from_baseline(model: &Model, base: &Snapshot, from: &str) -> Suspicion {
    let mut before: HashMap<&str, &Standing> = HashMap::new();
    for r in &base.requirements {
        before.entry(r.id.as_str()).or_insert(r);
    }
    let old_tests: HashMap<(&str, &str), &TestPrint> = base
        .tests
        .iter()
        .map(|t| ((t.binary.as_str(), t.test.as_str()), t))
        .collect();
    let mut out = Suspicion::default();
    for (i, r) in model.requirements.iter().enumerate() {
        let Some(old) = before.get(r.id.as_str()) else {
            continue;
        };
        if !differs(&old.fingerprint, &r.fingerprint) {
            continue;
        }
        let tests = untouched(model, i, |t, _| {
            let key = (t.test.binary.as_str(), t.test.name.as_str());
            let verified_before = old
                .verified_by
                .iter()
                .any(|(binary, test)| binary == key.0 && test == key.1);
            let unchanged = match old_tests.get(&key) {
                Some(a) if !a.fingerprint.is_empty() => a.fingerprint == t.test.fingerprint,
                Some(a) => a.file == t.file && a.line == t.test.line,
                None => false,
            };
            verified_before && unchanged
        });
        out.requirements.insert(
            r.id.clone(),
            Reworded {
                previous: PreviousText {
                    title: old.title.clone(),
                    text: old.text.clone(),
                    fingerprint: old.fingerprint.clone(),
                    revision: old.revision,
                    file: old.file.clone(),
                    from: from.to_string(),
                },
                tests,
            },
        );
    }
    out
}

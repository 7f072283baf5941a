//! Joining test results onto the tests the Rust scanner found, so each test gets the outcome
//! its run reported (PRODUCT.md section 5).
//!
//! Rules, in the order they are tried for one result:
//! 1. A result naming a binary the scanner knows is matched within that binary only. nextest's
//!    libtest-json names the binary `package::target` rather than by its binary id, so
//!    `pkg::pkg_lib_name` also tries the lib binary `pkg`, and `pkg::NAME` also tries
//!    `pkg::bin/NAME`; the first of these that holds the name wins.
//! 2. A result without a binary but with a libtest suite (plain `cargo test` JSON) is matched
//!    within the binary that suite ran. A suite's binary is told by its set of names: among
//!    the binaries holding every name of the suite that any binary holds, the one with the
//!    fewest tests the suite did not run; on a tie, one no earlier suite took, first in test
//!    order (cargo runs a package's binaries in that order). Names the chosen binary lacks
//!    fall through to rule 3.
//! 3. A result without a binary, or with one no test has (a JUnit producer that writes a class
//!    or module as classname), is matched by name alone. When tests in several binaries share
//!    that name, the result applies to every one of them: nothing tells them apart, and
//!    claiming a result for one at random would be worse. Failing that, `classname::name` is
//!    tried as the name, for producers that split the module path off into the classname.
//! 4. Within a binary (or by name), the full name is tried first, then the name with trailing
//!    `::segment`s stripped one at a time, so `rstest` cases (`check::case_2_big`) and
//!    `test_case` cases (`check::_1_expects_ok`) land on their function.
//!
//! Several results for one test combine: any failed makes it failed, else any errored
//! errored, else any passed passed, else skipped; the message is the one of the first result
//! with the deciding outcome.
//!
//! Everything is hash lookups (one per name segment tried), so 20,000 tests against 20,000
//! results join in milliseconds.

use crate::model::{Outcome, TestResult, TestStatus};
use std::collections::HashMap;

/// Which result each test got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Join {
    /// For `tests[i]`: the combined status and the deciding result's message, or `None` when no
    /// result names the test (it was not run).
    pub per_test: Vec<Option<(TestStatus, Option<String>)>>,
    /// For `tests[i]`: the index into `results` of the deciding result.
    pub deciding: Vec<Option<usize>>,
    /// For `tests[i]`: it passed, and some passing result of it passed only on a retry.
    pub flaky: Vec<bool>,
    /// Indices into `results` of the results that name no test.
    pub unmatched: Vec<usize>,
}

/// Joins `results` onto `tests`, each test given as `(binary, name)` like `model::TestFn`.
pub fn join(tests: &[(String, String)], results: &[TestResult]) -> Join {
    join_aliased(tests, &[], results)
}

/// [`join`], where `aliases` gives tests other names in their binary (`(test, name)`): the
/// names of the tests a macro generates, a doctest's names (`TestFn::generates`). A doctest
/// result's ` (line N)` is left out when looking it up.
pub fn join_aliased(
    tests: &[(String, String)],
    aliases: &[(usize, String)],
    results: &[TestResult],
) -> Join {
    let mut index = Index::default();
    let names = tests
        .iter()
        .enumerate()
        .map(|(i, (_, name))| (i, name))
        .chain(aliases.iter().map(|(i, name)| (*i, name)));
    for (i, name) in names {
        let Some((binary, _)) = tests.get(i) else {
            continue;
        };
        let in_binary = index
            .by_binary
            .entry(binary.as_str())
            .or_default()
            .entry(name.as_str())
            .or_default();
        if !in_binary.contains(&i) {
            in_binary.push(i);
        }
        let by_name = index.by_name.entry(name.as_str()).or_default();
        if !by_name.contains(&i) {
            by_name.push(i);
        }
    }
    let suites = suite_binaries(&index, tests, results);
    // The result deciding each test's status so far.
    let mut deciding: Vec<Option<usize>> = vec![None; tests.len()];
    let mut flaky = vec![false; tests.len()];
    let mut unmatched = Vec::new();
    for (r, result) in results.iter().enumerate() {
        let suite_binary = result.suite.and_then(|s| suites.get(&s).copied());
        let Some(matched) = index.tests_named_by(result, suite_binary) else {
            unmatched.push(r);
            continue;
        };
        for &t in matched {
            flaky[t] |= result.flaky;
            let better = match deciding[t] {
                None => true,
                Some(previous) => rank(result.outcome) > rank(results[previous].outcome),
            };
            if better {
                deciding[t] = Some(r);
            }
        }
    }
    for (t, decided) in deciding.iter().enumerate() {
        if decided.is_some_and(|r| results[r].outcome != Outcome::Passed) {
            flaky[t] = false;
        }
    }
    let per_test = deciding
        .iter()
        .map(|decided| {
            decided.map(|r| {
                (
                    TestStatus::from(results[r].outcome),
                    results[r].message.clone(),
                )
            })
        })
        .collect();
    Join {
        per_test,
        deciding,
        flaky,
        unmatched,
    }
}

/// The binary each libtest suite ran (rule 2), by suite number.
fn suite_binaries<'t>(
    index: &Index<'t>,
    tests: &'t [(String, String)],
    results: &[TestResult],
) -> HashMap<u32, &'t str> {
    // Suites in file order, each with its results that carry no binary.
    let mut order: Vec<u32> = Vec::new();
    let mut members: HashMap<u32, Vec<usize>> = HashMap::new();
    for (r, result) in results.iter().enumerate() {
        if let (None, Some(suite)) = (&result.binary, result.suite) {
            let entry = members.entry(suite).or_default();
            if entry.is_empty() {
                order.push(suite);
            }
            entry.push(r);
        }
    }
    // Binaries in test order, with their test counts.
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    for (i, (binary, _)) in tests.iter().enumerate() {
        first_seen.entry(binary.as_str()).or_insert(i);
    }
    let mut taken: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut chosen = HashMap::new();
    for suite in order {
        // Per binary: how many of the suite's names it holds, and which of its tests they hit.
        let mut holds: HashMap<&str, (usize, std::collections::HashSet<usize>)> = HashMap::new();
        let mut known_names = 0;
        for &r in &members[&suite] {
            let name = doctest_name(&results[r].name);
            let Some(found) = longest_prefix(name, |p| index.by_name.get(p)) else {
                continue;
            };
            known_names += 1;
            let mut binaries: Vec<&str> = found.iter().map(|&t| tests[t].0.as_str()).collect();
            binaries.sort_unstable();
            binaries.dedup();
            for binary in binaries {
                let entry = holds.entry(binary).or_default();
                entry.0 += 1;
                entry
                    .1
                    .extend(found.iter().filter(|&&t| tests[t].0 == binary));
            }
        }
        let best = holds
            .iter()
            .filter(|(_, (count, _))| *count == known_names && known_names > 0)
            .map(|(&binary, (_, hit))| {
                let size = index
                    .by_binary
                    .get(binary)
                    .map_or(0, |names| names.values().map(Vec::len).sum::<usize>());
                let missed = size.saturating_sub(hit.len());
                let order = first_seen.get(binary).copied().unwrap_or(usize::MAX);
                ((missed, taken.contains(binary), order), binary)
            })
            .min();
        if let Some((_, binary)) = best {
            taken.insert(binary);
            chosen.insert(suite, binary);
        }
    }
    chosen
}

/// Which outcome wins when several results name one test.
fn rank(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Failed => 3,
        Outcome::Errored => 2,
        Outcome::Passed => 1,
        Outcome::Skipped => 0,
    }
}

/// The tests by binary then name, and by name alone; values are indices into `tests`.
#[derive(Default)]
struct Index<'t> {
    by_binary: HashMap<&'t str, HashMap<&'t str, Vec<usize>>>,
    by_name: HashMap<&'t str, Vec<usize>>,
}

impl Index<'_> {
    fn tests_named_by(&self, result: &TestResult, suite_binary: Option<&str>) -> Option<&[usize]> {
        let name = doctest_name(&result.name);
        if let Some(tests) = suite_binary.and_then(|b| self.by_binary.get(b)) {
            if let Some(found) = longest_prefix(name, |prefix| tests.get(prefix)) {
                return Some(found);
            }
        }
        if let Some(binary) = result.binary.as_deref() {
            let binaries = self.binaries_for(binary);
            if !binaries.is_empty() {
                return binaries
                    .into_iter()
                    .find_map(|tests| longest_prefix(name, |prefix| tests.get(prefix)));
            }
        }
        longest_prefix(name, |prefix| self.by_name.get(prefix)).or_else(|| {
            let binary = result.binary.as_deref()?;
            longest_prefix(&format!("{binary}::{name}"), |prefix| {
                self.by_name.get(prefix)
            })
        })
    }

    /// The known binaries a result's binary may stand for, most literal first.
    fn binaries_for(&self, binary: &str) -> Vec<&HashMap<&str, Vec<usize>>> {
        let mut found = Vec::new();
        if let Some(tests) = self.by_binary.get(binary) {
            found.push(tests);
        }
        if let Some((package, target)) = binary.split_once("::") {
            if !target.contains(['/', ':']) {
                if target == package.replace('-', "_") {
                    if let Some(tests) = self.by_binary.get(package) {
                        found.push(tests);
                    }
                }
                if let Some(tests) = self
                    .by_binary
                    .get(format!("{package}::bin/{target}").as_str())
                {
                    found.push(tests);
                }
            }
        }
        found
    }
}

/// rustdoc's `src/lib.rs - add (line 5)` without ` (line 5)`; other names as they are.
fn doctest_name(name: &str) -> &str {
    let Some(open) = name.rfind(" (line ") else {
        return name;
    };
    let number = &name[open + " (line ".len()..];
    match number.strip_suffix(')') {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            &name[..open]
        }
        _ => name,
    }
}

/// Looks up `name`, then `name` without its last `::segment`, and so on.
fn longest_prefix<'m>(
    name: &str,
    lookup: impl Fn(&str) -> Option<&'m Vec<usize>>,
) -> Option<&'m [usize]> {
    let mut candidate = name;
    loop {
        if let Some(found) = lookup(candidate) {
            return Some(found.as_slice());
        }
        match candidate.rfind("::") {
            Some(cut) if cut > 0 => candidate = &candidate[..cut],
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;

    fn tests(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(binary, name)| (binary.to_string(), name.to_string()))
            .collect()
    }

    fn result(binary: Option<&str>, name: &str, outcome: Outcome) -> TestResult {
        TestResult {
            binary: binary.map(str::to_string),
            name: name.to_string(),
            outcome,
            message: Some(format!("{name} {outcome:?}")),
            location: Location::new("results.xml", 1),
            suite: None,
            flaky: false,
            requirements: Vec::new(),
        }
    }

    fn statuses(join: &Join) -> Vec<Option<TestStatus>> {
        join.per_test
            .iter()
            .map(|joined| joined.as_ref().map(|(status, _)| *status))
            .collect()
    }

    // r[verify evidence.join]
    #[test]
    fn results_match_by_binary_and_name_exactly() {
        let tests = tests(&[
            ("thermo", "tests::parses"),
            ("thermo::api", "tests::parses"),
            ("thermo::bin/station", "tests::parses"),
            ("thermo", "tests::never_run"),
        ]);
        let results = vec![
            result(Some("thermo::api"), "tests::parses", Outcome::Failed),
            result(Some("thermo"), "tests::parses", Outcome::Passed),
        ];
        let joined = join(&tests, &results);
        assert_eq!(
            statuses(&joined),
            vec![
                Some(TestStatus::Passed),
                Some(TestStatus::Failed),
                None,
                None
            ]
        );
        assert_eq!(
            joined.per_test[1],
            Some((TestStatus::Failed, Some("tests::parses Failed".to_string())))
        );
        assert!(joined.unmatched.is_empty());
    }

    // r[verify evidence.join]
    #[test]
    fn a_result_without_binary_matches_by_name_in_every_binary() {
        let tests = tests(&[
            ("thermo", "tests::parses"),
            ("thermo::api", "tests::parses"),
            ("thermo::api", "garbage_is_rejected"),
        ]);
        let results = vec![
            result(None, "tests::parses", Outcome::Passed),
            result(None, "garbage_is_rejected", Outcome::Skipped),
        ];
        let joined = join(&tests, &results);
        assert_eq!(
            statuses(&joined),
            vec![
                Some(TestStatus::Passed),
                Some(TestStatus::Passed),
                Some(TestStatus::Skipped)
            ]
        );
    }

    // r[verify evidence.join]
    #[test]
    fn parameterised_cases_map_back_to_their_function() {
        let tests = tests(&[
            ("thermo", "parse::tests::reading"),
            ("thermo", "parse::tests::reading::extra"),
            ("thermo::api", "converts"),
        ]);
        let results = vec![
            // rstest
            result(
                Some("thermo"),
                "parse::tests::reading::case_1",
                Outcome::Passed,
            ),
            result(
                Some("thermo"),
                "parse::tests::reading::case_2_big",
                Outcome::Passed,
            ),
            // an exact name wins over stripping
            result(
                Some("thermo"),
                "parse::tests::reading::extra",
                Outcome::Failed,
            ),
            // test_case, by name only
            result(None, "converts::_1_expects_ok", Outcome::Passed),
            result(None, "converts::_2_expects_err", Outcome::Skipped),
        ];
        let joined = join(&tests, &results);
        assert_eq!(
            statuses(&joined),
            vec![
                Some(TestStatus::Passed),
                Some(TestStatus::Failed),
                Some(TestStatus::Passed)
            ]
        );
        assert!(joined.unmatched.is_empty());
    }

    // r[verify evidence.join]
    #[test]
    fn several_results_for_one_test_combine_worst_first() {
        let tests = tests(&[
            ("app", "failed_wins"),
            ("app", "errored_beats_passed"),
            ("app", "passed_beats_skipped"),
            ("app", "only_skipped"),
        ]);
        let r = |name: &str, outcome| result(Some("app"), name, outcome);
        let results = vec![
            r("failed_wins::case_1", Outcome::Passed),
            r("failed_wins::case_2", Outcome::Errored),
            r("failed_wins::case_3", Outcome::Failed),
            r("failed_wins::case_4", Outcome::Failed),
            r("errored_beats_passed", Outcome::Passed),
            r("errored_beats_passed", Outcome::Errored),
            r("passed_beats_skipped", Outcome::Skipped),
            r("passed_beats_skipped", Outcome::Passed),
            r("only_skipped", Outcome::Skipped),
        ];
        let joined = join(&tests, &results);
        assert_eq!(
            statuses(&joined),
            vec![
                Some(TestStatus::Failed),
                Some(TestStatus::Errored),
                Some(TestStatus::Passed),
                Some(TestStatus::Skipped)
            ]
        );
        // The first failure gives the message.
        assert_eq!(
            joined.per_test[0].as_ref().and_then(|(_, m)| m.as_deref()),
            Some("failed_wins::case_3 Failed")
        );
    }

    // r[verify evidence.join]
    #[test]
    fn results_naming_no_test_are_unmatched() {
        let tests = tests(&[("thermo", "tests::parses"), ("thermo::api", "readings")]);
        let results = vec![
            result(Some("thermo"), "tests::parses", Outcome::Passed),
            // known binary, unknown name: no fallback to another binary
            result(Some("thermo"), "readings", Outcome::Passed),
            // doc test
            result(
                None,
                "src/lib.rs - parse_reading (line 12)",
                Outcome::Passed,
            ),
            // another language's JUnit
            result(
                Some("com.example.ConverterTest"),
                "boilingPoint",
                Outcome::Failed,
            ),
            result(Some("thermo::gone"), "old_test", Outcome::Failed),
        ];
        let joined = join(&tests, &results);
        assert_eq!(joined.unmatched, vec![1, 2, 3, 4]);
        assert_eq!(statuses(&joined), vec![Some(TestStatus::Passed), None]);
        let empty = join(&[], &results);
        assert_eq!(empty.unmatched, vec![0, 1, 2, 3, 4]);
        assert!(empty.per_test.is_empty());
    }

    // r[verify evidence.join]
    #[test]
    fn nextest_libtest_json_binaries_and_module_classnames_find_their_tests() {
        let tests = tests(&[
            ("thermo", "tests::parses"),
            ("weather-station", "tests::parses"),
            ("weather-station::bin/station", "tests::starts"),
            ("thermo::api", "readings"),
            ("thermo::thermo", "integration_only"),
        ]);
        let results = vec![
            // the lib, printed as package::lib_name; tests/thermo.rs exists but lacks the name
            result(Some("thermo::thermo"), "tests::parses", Outcome::Failed),
            result(
                Some("weather-station::weather_station"),
                "tests::parses",
                Outcome::Passed,
            ),
            result(
                Some("weather-station::station"),
                "tests::starts",
                Outcome::Passed,
            ),
            result(Some("thermo::api"), "readings", Outcome::Passed),
            result(Some("thermo::thermo"), "integration_only", Outcome::Skipped),
            // a producer that puts the module path in classname
            result(Some("tests"), "parses", Outcome::Passed),
        ];
        let joined = join(&tests, &results);
        assert_eq!(
            statuses(&joined),
            vec![
                Some(TestStatus::Failed),
                Some(TestStatus::Passed),
                Some(TestStatus::Passed),
                Some(TestStatus::Passed),
                Some(TestStatus::Skipped)
            ]
        );
        assert!(joined.unmatched.is_empty(), "{:?}", joined.unmatched);
    }

    // r[verify workspace.libtest-suites]
    #[test]
    fn libtest_suites_are_told_apart_by_their_names() {
        let tests = tests(&[
            ("mini-redis", "tests::default_port"),
            (
                "mini-redis::bin/mini-redis-cli",
                "tests::defaults_to_local_port",
            ),
            ("mini-redis::bin/server", "tests::defaults_to_local_port"),
            ("mini-redis::bin/server", "tests::keeps_explicit_address"),
            ("other::bin/a", "tests::same"),
            ("other::bin/b", "tests::same"),
        ]);
        let in_suite = |suite: u32, name: &str, outcome| TestResult {
            suite: Some(suite),
            ..result(None, name, outcome)
        };
        let results = vec![
            in_suite(0, "tests::default_port", Outcome::Passed),
            // the CLI's suite: only this name, which the server binary holds too
            in_suite(1, "tests::defaults_to_local_port", Outcome::Passed),
            // the server's suite: both names
            in_suite(2, "tests::defaults_to_local_port", Outcome::Failed),
            in_suite(2, "tests::keeps_explicit_address", Outcome::Passed),
            // two binaries with identical names: suites take them in test order
            in_suite(3, "tests::same", Outcome::Passed),
            in_suite(4, "tests::same", Outcome::Failed),
        ];
        let joined = join(&tests, &results);
        assert_eq!(
            statuses(&joined),
            vec![
                Some(TestStatus::Passed),
                Some(TestStatus::Passed),
                Some(TestStatus::Failed),
                Some(TestStatus::Passed),
                Some(TestStatus::Passed),
                Some(TestStatus::Failed),
            ]
        );
        // Without suites the shared name takes the worst result for both, as before.
        let flat: Vec<TestResult> = results
            .iter()
            .map(|r| TestResult {
                suite: None,
                ..r.clone()
            })
            .collect();
        let joined = join(&tests, &flat);
        assert_eq!(
            joined.per_test[1].as_ref().map(|j| j.0),
            Some(TestStatus::Failed)
        );
    }

    // r[verify workspace.doctests]
    // r[verify workspace.generated]
    #[test]
    fn aliases_join_generated_tests_and_doctests() {
        let tests = tests(&[
            ("text-utils", "tests::trim_cases!"),
            ("text-utils", "crates/text-utils/src/lib.rs - add"),
            ("other", "crates/other/src/lib.rs - add"),
        ]);
        let aliases = vec![
            (0, "tests::trims_spaces".to_string()),
            (0, "tests::trims_tabs".to_string()),
            (1, "text-utils/src/lib.rs - add".to_string()),
            (1, "src/lib.rs - add".to_string()),
            (2, "other/src/lib.rs - add".to_string()),
            (2, "src/lib.rs - add".to_string()),
        ];
        let in_suite = |suite: u32, name: &str, outcome| TestResult {
            suite: Some(suite),
            ..result(None, name, outcome)
        };
        let results = vec![
            result(Some("text-utils"), "tests::trims_spaces", Outcome::Passed),
            result(Some("text-utils"), "tests::trims_tabs", Outcome::Failed),
            // cargo prints doctests relative to the workspace, older cargo to the package
            in_suite(
                0,
                "crates/text-utils/src/lib.rs - add (line 8)",
                Outcome::Passed,
            ),
            in_suite(1, "src/lib.rs - add (line 3)", Outcome::Failed),
            result(None, "src/lib.rs - add (line x)", Outcome::Passed),
        ];
        let joined = join_aliased(&tests, &aliases, &results);
        assert_eq!(
            statuses(&joined),
            vec![
                Some(TestStatus::Failed),
                Some(TestStatus::Passed),
                Some(TestStatus::Failed)
            ]
        );
        // `(line x)` is no doctest line: the name is kept whole and names nothing.
        assert_eq!(joined.unmatched, vec![4]);
    }

    // r[verify workspace.flaky]
    #[test]
    fn a_pass_on_retry_is_flaky_unless_another_result_failed() {
        let tests = tests(&[("app", "retried"), ("app", "retried_cases")]);
        let results = vec![
            TestResult {
                flaky: true,
                requirements: Vec::new(),
                ..result(Some("app"), "retried", Outcome::Passed)
            },
            TestResult {
                flaky: true,
                requirements: Vec::new(),
                ..result(Some("app"), "retried_cases::case_1", Outcome::Passed)
            },
            result(Some("app"), "retried_cases::case_2", Outcome::Failed),
        ];
        let joined = join(&tests, &results);
        assert_eq!(joined.flaky, vec![true, false]);
        assert_eq!(joined.deciding, vec![Some(0), Some(2)]);
    }

    // r[verify evidence.join]
    #[test]
    fn twenty_thousand_by_twenty_thousand_join_completely() {
        let tests: Vec<(String, String)> = (0..20_000)
            .map(|i| {
                (
                    format!("pkg{}::t{}", i % 50, i % 7),
                    format!("area{}::module{}::tests::check_{i}", i % 100, i % 13),
                )
            })
            .collect();
        let results: Vec<TestResult> = tests
            .iter()
            .enumerate()
            .map(|(i, (binary, name))| {
                let outcome = if i % 97 == 0 {
                    Outcome::Failed
                } else {
                    Outcome::Passed
                };
                match i % 3 {
                    0 => result(Some(binary), name, outcome),
                    1 => result(None, name, outcome),
                    _ => result(Some(binary), &format!("{name}::case_{i}"), outcome),
                }
            })
            .collect();
        // A nested loop here would not finish under the CI profile's time limit; the speed
        // itself is measured by scripts/bench, never asserted.
        let joined = join(&tests, &results);
        assert!(joined.unmatched.is_empty());
        assert!(joined.per_test.iter().all(Option::is_some));
        assert_eq!(
            joined.per_test[97].as_ref().map(|j| j.0),
            Some(TestStatus::Failed)
        );
    }
}

//! Tests the sources do not spell out as functions: the tests a macro invocation generates,
//! and the examples in an item's documentation (doctests).
//!
//! Both become a [`TestFn`] when a `verify` reference claims them, so the reference has a test
//! and the results of the generated tests join onto it through [`TestFn::generates`]:
//! - a reference right above a module-level macro invocation that is not items
//!   (`trim_cases! { trims_spaces: "  a " => "a"; }`), in test code (a `#[cfg(test)]` module,
//!   an integration-test file) or of a macro this file defines with a test in its body,
//!   claims the tests it generates: one
//!   `TestFn` named `MODULE::NAME!` whose results are the ones named `MODULE::IDENT` for any
//!   identifier of the invocation (a generator names its tests after what it is given);
//! - a reference right above a `macro_rules!` definition whose body holds a test attribute
//!   claims the tests of every invocation of that macro in the file;
//! - a reference above (or in the doc comment of) a function or item whose doc comment has a
//!   Rust code block claims its doctests: one `TestFn` whose results are rustdoc's
//!   `PATH - ITEM (line N)`, `PATH` the file relative to the root or to any directory
//!   between (cargo prints it relative to the workspace, older versions to the package).

use super::items::{Invocation, Outline, ScopeKind};
use super::lexer::{Doc, Lexed};
use crate::model::{CrateUnit, LineSpan, TestFn};
use std::collections::HashMap;

/// The tests created so far, by the scope they stand for, so each is made once.
pub(crate) type Made = HashMap<usize, usize>;

/// The tests (indices into `tests`, created as needed) a verify reference attached to `scope`
/// claims when the scope is a generator invocation, a generator definition or an item with
/// doctests; empty otherwise.
pub(crate) fn claimed(
    outline: &Outline,
    lexed: &Lexed,
    scope: usize,
    file: &str,
    unit: &CrateUnit,
    tests: &mut Vec<TestFn>,
    made: &mut Made,
) -> Vec<usize> {
    let Some(found) = outline.scopes.get(scope) else {
        return Vec::new();
    };
    if let Some(invocation) = outline.invocations.iter().find(|i| i.scope == scope) {
        // A macro call in production code (`lazy_static! { }`) generates no test; in test
        // code, or when this file's definition of the macro holds a test, it may.
        let generator = invocation.in_test_code
            || outline
                .generators
                .iter()
                .any(|(_, g)| *g == invocation.name);
        if !generator {
            return Vec::new();
        }
        return vec![generator_test(outline, invocation, unit, tests, made)];
    }
    if let Some((_, name)) = outline.generators.iter().find(|(s, _)| *s == scope) {
        return outline
            .invocations
            .iter()
            .filter(|i| &i.name == name)
            .map(|i| generator_test(outline, i, unit, tests, made))
            .collect();
    }
    if matches!(found.kind, ScopeKind::Fn | ScopeKind::Item) && has_doctest(lexed, found) {
        if let Some(&t) = made.get(&scope) {
            return vec![t];
        }
        let names = doctest_names(file, &found.path);
        tests.push(TestFn {
            name: names[0].clone(),
            binary: unit.binary.clone(),
            line: found.start,
            span: LineSpan::new(found.start, found.end),
            ignored: false,
            should_panic: false,
            cfg: None,
            attribute: "doctest".to_string(),
            generates: names,
            defects: Vec::new(),
            fingerprint: String::new(),
        });
        made.insert(scope, tests.len() - 1);
        return vec![tests.len() - 1];
    }
    Vec::new()
}

fn generator_test(
    outline: &Outline,
    invocation: &Invocation,
    unit: &CrateUnit,
    tests: &mut Vec<TestFn>,
    made: &mut Made,
) -> usize {
    if let Some(&t) = made.get(&invocation.scope) {
        return t;
    }
    let qualify = |name: &str| {
        if invocation.module.is_empty() {
            name.to_string()
        } else {
            format!("{}::{name}", invocation.module)
        }
    };
    let (start, end) = outline
        .scopes
        .get(invocation.scope)
        .map_or((1, 1), |s| (s.start, s.end));
    tests.push(TestFn {
        name: qualify(&format!("{}!", invocation.name)),
        binary: unit.binary.clone(),
        line: start,
        span: LineSpan::new(start, end),
        ignored: false,
        should_panic: false,
        cfg: None,
        attribute: format!("{}!", invocation.name),
        generates: invocation.idents.iter().map(|i| qualify(i)).collect(),
        defects: Vec::new(),
        fingerprint: String::new(),
    });
    made.insert(invocation.scope, tests.len() - 1);
    tests.len() - 1
}

/// An outer doc comment of the item (in the comment lines right above it, or in its lines)
/// opens a code block rustdoc runs as a test.
fn has_doctest(lexed: &Lexed, scope: &super::items::Scope) -> bool {
    let mut first = scope.start;
    while first > 1 && lexed.is_comment_only_line(first - 1) {
        first -= 1;
    }
    // Only opening fences say what a block is: the closing ``` is bare.
    let mut in_block = false;
    lexed
        .comments
        .iter()
        .filter(|c| c.doc == Doc::Outer && c.line >= first && c.line <= scope.end)
        .flat_map(|c| c.text.lines())
        .filter_map(|l| l.trim_start_matches([' ', '*']).strip_prefix("```"))
        .filter(|_| {
            in_block = !in_block;
            in_block
        })
        .any(|info| {
            let first = info.split([',', ' ']).next().unwrap_or("").trim();
            first.is_empty()
                || first.starts_with("edition")
                || matches!(
                    first,
                    "rust"
                        | "ignore"
                        | "should_panic"
                        | "no_run"
                        | "compile_fail"
                        | "test_harness"
                        | "standalone_crate"
                )
        })
}

/// rustdoc's names for the doctests of `item` in `file` (without ` (line N)`): the file
/// relative to the root first, then relative to each directory below it.
fn doctest_names(file: &str, item: &str) -> Vec<String> {
    let mut names = vec![format!("{file} - {item}")];
    let mut rest = file;
    while let Some(cut) = rest.find('/') {
        rest = &rest[cut + 1..];
        names.push(format!("{rest} - {item}"));
    }
    names
}

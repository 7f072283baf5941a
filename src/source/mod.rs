//! Rust sources: tests and requirement references out of one `.rs` file (PRODUCT.md section 4).
//!
//! One lexer pass finds the comments (syn drops them) and masks literals; the reference forms
//! are read from the comments, and attribute and macro references off the masked text; syn gives
//! the items (tests, modules, impls, traits), but only for files that can hold something: most
//! production code has no test attribute and no reference, and is never parsed.
//! Each reference is then attached to tests or to an item by line (see [`attach`]).
//! A file syn rejects still has its comments scanned, against an outline read off the masked
//! text (see [`fallback`]).

mod code;
mod fallback;
mod generated;
mod items;
mod lexer;
mod names;
mod refs;
mod skeleton;

use crate::config::SourceOptions;
use crate::model::{
    Code, CrateUnit, Diagnostic, LineSpan, RefForm, RefKind, Reference, SourceFile, TestFn,
};
use items::{Outline, ParseFailure, ScopeKind};
use lexer::Lexed;
use refs::FoundRef;

/// Nesting (brackets, angle brackets, runs of prefix operators) beyond which syn may recurse
/// too deep for a 2 MiB thread stack in a debug build. Bodies never reach syn, but signatures,
/// impl headers and item-level brackets do; the nesting is measured over the whole text, which
/// errs on the safe side. Such files are parsed on a thread with a large stack. Real code stays
/// far below (of ~5,000 crates.io files, 7 went past 24).
const DEEP_NESTING: u32 = 24;
/// Beyond this, not even the large stack is safe: the file is read as unparsable.
const TOO_DEEP: u32 = 3000;
/// The stack of the thread that parses deeply nested files.
const DEEP_STACK_BYTES: usize = 512 * 1024 * 1024;

/// Scans one Rust file. Never fails: a file syn rejects still has its comments scanned.
/// Known defects named on tests: ids in an `#[ignore = "..."]` reason and `// Defect: ID`
/// comments, on the lines from the start of a test's span (its comments and attributes) to
/// its `fn` line.
fn find_defects(tests: &mut [TestFn], text: &str) {
    if !text.contains("Defect:") && !text.contains("ignore") {
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    for test in tests.iter_mut() {
        if test.span.first == 0 {
            continue;
        }
        let first = test.span.first as usize - 1;
        let last = (test.line as usize).min(lines.len());
        for line in lines.get(first..last).unwrap_or(&[]) {
            let trimmed = line.trim_start();
            if let Some(comment) = trimmed.strip_prefix("//") {
                let comment = comment.trim_start_matches(['/', '!']).trim_start();
                if let Some(ids) = comment.strip_prefix("Defect:") {
                    test.defects.extend(crate::defects::from_attribute(ids));
                }
            } else if let Some(at) = trimmed.find("ignore = \"") {
                let reason = &trimmed[at + "ignore = \"".len()..];
                let reason = reason.split('"').next().unwrap_or("");
                test.defects.extend(crate::defects::ids_in(reason));
            }
        }
        test.defects.dedup();
    }
}

pub fn scan_source(
    file: &str,
    text: &str,
    unit: &CrateUnit,
    options: &SourceOptions,
) -> SourceFile {
    let lexed = lexer::lex(text, &options.test_attributes);
    let (mut found, mut diagnostics) = refs::comment_refs(&lexed.comments, &options.prefixes, file);
    let (in_code, misses) = code::code_refs(&lexed, text, file);
    found.extend(in_code);
    diagnostics.extend(misses);
    if !lexed.candidate && found.is_empty() {
        return SourceFile {
            file: file.to_string(),
            tests: Vec::new(),
            references: Vec::new(),
            diagnostics,
        };
    }
    let (mut outline, parsed) = match parse(text, unit, options, &lexed) {
        Ok(outline) => (outline, true),
        Err(failure) => {
            diagnostics.push(Diagnostic::at(
                Code::UnparsedFile,
                format!(
                    "cannot parse this file at {}:{}: {}; its comments were still scanned",
                    failure.line, failure.column, failure.message
                ),
                file,
                failure.line,
            ));
            (fallback::outline(&lexed, text, unit, options), false)
        }
    };
    let mut tests = std::mem::take(&mut outline.tests);
    found.sort_by_key(|r| (r.line, r.offset));

    if found.iter().any(|r| r.form == RefForm::FileReference) && tests.is_empty() {
        tests.push(TestFn {
            name: file.to_string(),
            binary: unit.binary.clone(),
            line: 1,
            span: LineSpan::new(1, lexed.line_count()),
            ignored: false,
            should_panic: false,
            cfg: None,
            attribute: "reference".to_string(),
            generates: Vec::new(),
            defects: Vec::new(),
            fingerprint: String::new(),
        });
    }

    set_test_spans(&mut tests, &outline, &lexed);
    find_defects(&mut tests, text);
    let lines = LineFacts::new(&lexed);
    let fallback_spans = if parsed {
        Vec::new()
    } else {
        fallback::test_spans(&outline)
    };
    let mut references = Vec::with_capacity(found.len());
    let mut made = generated::Made::new();
    for r in found {
        let mut module = None;
        let (ref_tests, item) = if r.form == RefForm::FileReference {
            ((0..tests.len()).collect(), None)
        } else {
            let target = if parsed {
                attach(&outline, &lines, &r)
            } else {
                fallback::attach(&fallback_spans, &lines, r.line, r.inner_doc)
            };
            let mut ref_tests = Vec::new();
            if let (true, Target::Scope(s)) = (parsed, target) {
                if outline.out_of_line.contains(&s) {
                    // The module's tests are in its own file: the graph finds them.
                    module = Some((unit.binary.clone(), outline.scopes[s].path.clone()));
                } else if r.kind == RefKind::Verify {
                    ref_tests =
                        generated::claimed(&outline, &lexed, s, file, unit, &mut tests, &mut made);
                }
            }
            let (resolved, item) = resolve(&outline, target);
            ref_tests.extend(resolved);
            (ref_tests, item)
        };
        if r.kind == RefKind::Verify && ref_tests.is_empty() && module.is_none() {
            diagnostics.push(Diagnostic::at(
                Code::VerifyOutsideTest,
                format!(
                    "`verify` reference to `{}` belongs to no test function; put it right above a test, inside one, or above its module",
                    r.id
                ),
                file,
                r.line,
            )
            .about(r.id.clone()));
        }
        references.push(Reference {
            id: r.id,
            revision: r.revision,
            kind: r.kind,
            form: r.form,
            line: r.line,
            tests: ref_tests,
            item,
            module,
        });
    }
    diagnostics.sort_by_key(|d| d.location.as_ref().map_or(0, |l| l.line));
    SourceFile {
        file: file.to_string(),
        tests,
        references,
        diagnostics,
    }
}

/// A file's text with comments and literals blanked (offsets kept) and the byte ranges of its
/// string literals: what `targets` needs to read `mod x;` declarations and `#[path]` values.
pub(crate) struct MaskedText {
    pub masked: Vec<u8>,
    pub strings: Vec<(usize, usize)>,
}

pub(crate) fn lex_for_modules(text: &str) -> MaskedText {
    let lexed = lexer::lex(text, &[]);
    MaskedText {
        masked: lexed.masked,
        strings: lexed.strings,
    }
}

/// The ids of the references written in a piece of Rust text (comments, attributes, macro
/// calls), read with the same lexer and rules as [`scan_source`] but without the item outline:
/// for text that is not a whole file, such as the lines a diff removed.
pub fn reference_ids(text: &str, options: &SourceOptions) -> Vec<String> {
    let lexed = lexer::lex(text, &options.test_attributes);
    let (mut found, _) = refs::comment_refs(&lexed.comments, &options.prefixes, "");
    found.extend(code::code_refs(&lexed, text, "").0);
    found.into_iter().map(|r| r.id).collect()
}

/// Runs syn, on a large stack when the nesting calls for it, not at all when it is absurd.
fn parse(
    text: &str,
    unit: &CrateUnit,
    options: &SourceOptions,
    lexed: &Lexed,
) -> Result<Outline, ParseFailure> {
    // syn would swallow the rest of the file into it, or read it as blank after masking.
    if let Some((line, column, what)) = lexed.unterminated {
        return Err(ParseFailure {
            message: format!("unterminated {what}: it runs to the end of the file"),
            line,
            column,
        });
    }
    let nesting = lexed.max_depth.max(lexed.max_op_run).max(lexed.max_angle);
    let last_line = lexed.line_count();
    if nesting > TOO_DEEP {
        return Err(ParseFailure {
            message: format!("nesting {nesting} levels deep is too deep to parse"),
            line: 1,
            column: 1,
        });
    }
    let (skeleton, balanced) = skeleton::skeleton(text, &lexed.masked, &lexed.comments);
    let run = || items::outline(&skeleton, balanced, text, unit, options, last_line);
    if nesting <= DEEP_NESTING {
        return run();
    }
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("reqtrail-deep-parse".to_string())
            .stack_size(DEEP_STACK_BYTES)
            .spawn_scoped(scope, run);
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(ParseFailure {
                    message: "the parser failed on this file".to_string(),
                    line: 1,
                    column: 1,
                })
            }),
            Err(e) => Err(ParseFailure {
                message: format!("no thread to parse this deeply nested file: {e}"),
                line: 1,
                column: 1,
            }),
        }
    })
}

/// Records the lines each test owns: its function's scope (attributes and doc comments
/// included) widened over the plain comments right above it, where references are written. A
/// test without a scope (one the outline could not place) runs to the line before the next
/// test, or to the end of the file.
fn set_test_spans(tests: &mut [TestFn], outline: &Outline, lexed: &Lexed) {
    let last_line = lexed.line_count().max(1);
    let mut scoped: Vec<Option<(u32, u32)>> = vec![None; tests.len()];
    for scope in &outline.scopes {
        if let (ScopeKind::Fn, Some(t)) = (scope.kind, scope.test) {
            if let Some(slot) = scoped.get_mut(t) {
                *slot = Some((scope.start, scope.end));
            }
        }
    }
    let mut starts: Vec<u32> = tests.iter().map(|t| t.line).collect();
    starts.sort_unstable();
    for (test, scope) in tests.iter_mut().zip(scoped) {
        if test.span != LineSpan::default() {
            continue;
        }
        let (mut first, last) = scope.unwrap_or_else(|| {
            let next = starts.partition_point(|&l| l <= test.line);
            let last = starts.get(next).map_or(last_line, |&l| l.saturating_sub(1));
            (test.line, last)
        });
        while first > 1 && lexed.is_comment_only_line(first - 1) {
            first -= 1;
        }
        test.span = LineSpan::new(first, last.min(last_line).max(test.line));
    }
}

/// Per-line facts for attachment, indexed by line number.
pub(crate) struct LineFacts {
    /// `next_plain[l]`: the first line at or after `l` that is not a comment-only line.
    next_plain: Vec<u32>,
    /// The first line with code on it (past the end when none).
    first_code: u32,
    /// The lines with neither code nor comment.
    blank: Vec<bool>,
}

impl LineFacts {
    fn new(lexed: &Lexed) -> LineFacts {
        let count = lexed.line_count();
        let mut next_plain = vec![count + 1; count as usize + 2];
        let mut blank = vec![false; count as usize + 2];
        for line in (1..=count).rev() {
            next_plain[line as usize] = if lexed.is_comment_only_line(line) {
                next_plain[line as usize + 1]
            } else {
                line
            };
            blank[line as usize] = !lexed.is_code_line(line) && !lexed.is_comment_only_line(line);
        }
        let first_code = (1..=count)
            .find(|&l| lexed.is_code_line(l))
            .unwrap_or(count + 1);
        LineFacts {
            next_plain,
            first_code,
            blank,
        }
    }

    /// Every line strictly between `line` and `below` holds a comment and no code.
    pub(crate) fn only_comments_between(&self, line: u32, below: u32) -> bool {
        self.next_plain
            .get(line as usize + 1)
            .is_none_or(|&next| next >= below)
    }

    pub(crate) fn first_code(&self) -> u32 {
        self.first_code
    }

    /// Some blank line lies strictly between `line` and `below`.
    pub(crate) fn blank_between(&self, line: u32, below: u32) -> bool {
        let from = (line as usize + 1).min(self.blank.len());
        let to = (below as usize).min(self.blank.len()).max(from);
        self.blank[from..to].iter().any(|&b| b)
    }
}

/// Where a reference landed: on a scope (a function, an item, every test of a module), or
/// loose inside a scope (the scope is its item, no test is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Scope(usize),
    Loose(usize),
}

/// Section 4 attachment of a reference written at `line` (a comment, an attribute, a macro
/// call): inside a function, or right above an item (only comments between, or any lines for an
/// outer doc comment, which documents the next item), it is that item's;
/// right above a module, every test in it; at the top of a module before its first item, or in
/// an inner doc comment or attribute, every test of the module; anywhere else, the enclosing
/// item's.
fn attach(outline: &Outline, lines: &LineFacts, r: &FoundRef) -> Target {
    let line = r.line;
    let mut s = 0;
    loop {
        let Some(scope) = outline.scopes.get(s) else {
            return Target::Loose(0);
        };
        let children = &scope.children;
        let idx =
            children.partition_point(|&c| outline.scopes.get(c).is_some_and(|sc| sc.start <= line));
        if let Some(&c) = idx.checked_sub(1).and_then(|i| children.get(i)) {
            let child = &outline.scopes[c];
            if child.end >= line {
                match child.kind {
                    ScopeKind::Fn | ScopeKind::Item => return Target::Scope(c),
                    ScopeKind::Module | ScopeKind::Container | ScopeKind::Group => {
                        s = c;
                        continue;
                    }
                }
            }
        }
        if r.inner_doc && scope.kind == ScopeKind::Module {
            return Target::Scope(s);
        }
        if let Some(&next) = children.get(idx) {
            if r.outer_doc || lines.only_comments_between(line, outline.scopes[next].start) {
                return Target::Scope(next);
            }
        }
        if idx == 0 && matches!(scope.kind, ScopeKind::Module | ScopeKind::Group) {
            return Target::Scope(s);
        }
        return Target::Loose(s);
    }
}

/// The tests and the item a target stands for.
fn resolve(outline: &Outline, target: Target) -> (Vec<usize>, Option<String>) {
    let (Target::Scope(s) | Target::Loose(s)) = target;
    let Some(scope) = outline.scopes.get(s) else {
        return (Vec::new(), None);
    };
    let item = (!scope.path.is_empty()).then(|| scope.path.clone());
    match (target, scope.kind) {
        (Target::Loose(_), _) => (Vec::new(), item),
        (_, ScopeKind::Fn) => match scope.test {
            Some(t) => (vec![t], None),
            None => (Vec::new(), item),
        },
        (_, ScopeKind::Module | ScopeKind::Group) => (outline.tests_under(s), item),
        (_, ScopeKind::Container | ScopeKind::Item) => (Vec::new(), item),
    }
}

#[cfg(test)]
mod tests;

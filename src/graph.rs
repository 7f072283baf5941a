//! Linking: parsed documents, scanned sources and test results become one graph of
//! requirements (petgraph, parent -> child edges) with the tests and code that claim them.
//!
//! This stage resolves names: duplicate ids, references to unknown ids (with a did-you-mean),
//! stale revisions, unknown parents, cycles, results that name no test. It decides nothing about
//! statuses; `evaluate` does that from the [`Model`] built here.

use crate::config::Config;
use crate::evidence;
use crate::model::{
    Code, Diagnostic, Location, RefForm, RefKind, Requirement, SourceFile, SpecFile, TestFn,
    TestResult, TestStatus,
};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeSet, HashMap};

/// A test with where it is and what its results say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestNode {
    pub test: TestFn,
    pub file: String,
    pub status: TestStatus,
    pub message: Option<String>,
    /// Passed, but only on a retry.
    pub flaky: bool,
    /// The deciding result's name when it names a case of this test (an rstest or test-case
    /// case, a `#[values]` combination): which case failed.
    pub case: Option<String>,
    /// Known defects the test names (its `#[ignore]` reason, a `// Defect:` comment).
    pub defects: Vec<String>,
}

/// A link from a requirement to a test that claims to verify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyLink {
    /// Index into [`Model::tests`].
    pub test: usize,
    pub ref_line: u32,
    /// The reference named an older revision than the spec.
    pub stale: bool,
    /// Made for other text than the requirement has now (PRODUCT.md section 12): set by
    /// [`Model::mark_suspect`] from what a `--baseline` or `--changed-since` run found.
    pub suspect: bool,
}

/// A link from a requirement to code that claims to implement it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImplLink {
    pub item: String,
    pub location: Location,
}

/// Evidence that is not a Rust test: a verification record, or a JUnit case from a suite
/// outside the Rust sources that names the requirements it verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherEvidence {
    pub kind: crate::model::EvidenceKind,
    /// The record's method (`inspection`, `manual`...) or `stest` for an external case.
    pub level: String,
    /// What reports call it: the external case's name, or `METHOD by WHO on DATE`.
    pub name: String,
    /// An external case's classname (or suite name).
    pub binary: Option<String>,
    pub status: TestStatus,
    pub location: Location,
    /// A failure message of an external case.
    pub message: Option<String>,
    /// The record itself, for its who, when, version, note and link.
    pub record: Option<crate::model::Record>,
}

/// A link from a requirement to a piece of [`OtherEvidence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvidenceLink {
    /// Index into [`Model::evidence`].
    pub evidence: usize,
    /// Made against an older revision than the spec has: shown, but it does not verify.
    pub stale: bool,
}

/// Everything linked. Requirement `i` is node `i` of `graph`.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Unique by id (the first definition wins; later ones are `duplicate-id` errors), in file
    /// then line order.
    pub requirements: Vec<Requirement>,
    pub index: HashMap<String, usize>,
    /// Edges parent -> child (from the child's `Covers:`/`Parents:`/`Refines:`).
    pub graph: DiGraph<usize, ()>,
    pub tests: Vec<TestNode>,
    /// Per requirement.
    pub verified_by: Vec<Vec<VerifyLink>>,
    /// Per requirement.
    pub implemented_by: Vec<Vec<ImplLink>>,
    /// Records and external results, in the order read.
    pub evidence: Vec<OtherEvidence>,
    /// Per requirement: its records and external results.
    pub evidenced_by: Vec<Vec<EvidenceLink>>,
    /// Per requirement: a waiver reason from the config (documents' waivers are on the requirement).
    pub config_waivers: Vec<Option<String>>,
    /// Requirement indices that take part in a `Covers` cycle.
    pub in_cycle: BTreeSet<usize>,
    pub results_given: bool,
    /// Results that name no test found in the sources, in file order.
    pub unmatched_results: Vec<TestResult>,
    pub diagnostics: Vec<Diagnostic>,
    /// When the documents use several marker prefixes, each prefix is a namespace and marker
    /// requirements are known as `PREFIX[id]`; this maps each bare id to its requirements, so
    /// a reference without a prefix still finds the one it can only mean.
    pub bare_ids: HashMap<String, Vec<usize>>,
    /// The marker prefixes in use when there are several (the namespaces), sorted.
    pub namespaces: Vec<String>,
    /// Per requirement index: what it said before it was reworded, when a comparison found it.
    pub previous: HashMap<usize, crate::model::PreviousText>,
}

/// Why a written id names no single requirement.
enum Unresolved {
    Unknown,
    /// Defined under several prefixes; the qualified ids.
    Ambiguous(Vec<String>),
}

impl Model {
    pub fn node(&self, requirement: usize) -> NodeIndex {
        NodeIndex::new(requirement)
    }

    pub fn parents_of(&self, requirement: usize) -> impl Iterator<Item = usize> + '_ {
        self.graph
            .neighbors_directed(self.node(requirement), petgraph::Direction::Incoming)
            .map(|n| n.index())
    }

    /// Records what a comparison found: the old text of reworded requirements, and the links
    /// (requirement id, test binary, test name) whose evidence is suspect.
    pub fn mark_suspect(&mut self, suspicion: &crate::suspect::Suspicion) {
        for (id, found) in &suspicion.requirements {
            let Some(&i) = self.index.get(id.as_str()) else {
                continue;
            };
            self.previous.insert(i, found.previous.clone());
            for link in &mut self.verified_by[i] {
                let test = &self.tests[link.test].test;
                link.suspect = found
                    .tests
                    .contains(&(test.binary.clone(), test.name.clone()));
            }
        }
    }

    pub fn children_of(&self, requirement: usize) -> impl Iterator<Item = usize> + '_ {
        self.graph
            .neighbors_directed(self.node(requirement), petgraph::Direction::Outgoing)
            .map(|n| n.index())
    }
}

/// Builds the model. `results` is `None` when no `--results` were given.
pub fn build(
    specs: Vec<SpecFile>,
    sources: Vec<SourceFile>,
    results: Option<Vec<TestResult>>,
    config: &Config,
) -> Model {
    let mut model = Model::default();
    collect_requirements(&mut model, specs);
    link_parents(&mut model, config.dotted_parents);
    find_cycles(&mut model);
    apply_config_waivers(&mut model, config);
    check_waiver_reasons(&mut model, config);
    let files: Vec<String> = sources.iter().map(|s| s.file.clone()).collect();
    let references = collect_tests(&mut model, sources);
    let pattern = config.external_id_regex();
    attach_results(&mut model, results, &files, pattern.as_ref());
    link_references(&mut model, references);
    model
}

fn collect_requirements(model: &mut Model, specs: Vec<SpecFile>) {
    // Sized up front: at 100,000 requirements a vector grown by doubling holds up to twice
    // what it needs at the moment of the run's peak memory.
    let mut all = Vec::with_capacity(specs.iter().map(|s| s.requirements.len()).sum());
    for spec in specs {
        model.diagnostics.extend(spec.diagnostics);
        all.extend(spec.requirements);
    }
    all.sort_by(|a, b| a.location.cmp(&b.location));
    let prefixes: BTreeSet<&str> = all.iter().filter_map(|r| r.prefix.as_deref()).collect();
    let namespaced = prefixes.len() > 1;
    if namespaced {
        model.namespaces = prefixes.iter().map(|p| p.to_string()).collect();
    }
    model.requirements.reserve_exact(all.len());
    let mut bare: Vec<Option<String>> = Vec::with_capacity(all.len());
    if namespaced {
        for requirement in &mut all {
            if let Some(prefix) = &requirement.prefix {
                let qualified = format!("{prefix}[{}]", requirement.id);
                bare.push(Some(std::mem::replace(&mut requirement.id, qualified)));
                continue;
            }
            bare.push(None);
        }
    }
    for (k, requirement) in all.into_iter().enumerate() {
        if let Some(&first) = model.index.get(&requirement.id) {
            // Within-file duplicates are reported by the spec parser already.
            let first_location = &model.requirements[first].location;
            if first_location.file != requirement.location.file {
                model.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        format!(
                            "requirement `{}` is defined twice: first at {}, again here",
                            requirement.id, first_location
                        ),
                        Some(requirement.location.clone()),
                    )
                    .about(requirement.id.clone()),
                );
            }
            continue;
        }
        let i = model.requirements.len();
        if let Some(Some(id)) = bare.get_mut(k).map(Option::take) {
            model.bare_ids.entry(id).or_default().push(i);
        }
        model.index.insert(requirement.id.clone(), i);
        model.requirements.push(requirement);
        model.graph.add_node(i);
    }
    let n = model.requirements.len();
    model.verified_by = vec![Vec::new(); n];
    model.implemented_by = vec![Vec::new(); n];
    model.evidenced_by = vec![Vec::new(); n];
    model.config_waivers = vec![None; n];
}

/// The requirement a written id names. `prefix` is the marker prefix it was written with
/// (`i` of `i[verify x]`, or of the requirement whose `Covers:` names it): in a namespaced
/// project it picks `i[x]`; without one, a bare id names the one requirement defined with it.
fn resolve(model: &Model, id: &str, prefix: Option<&str>) -> Result<usize, Unresolved> {
    if !model.namespaces.is_empty() {
        if let Some(prefix) = prefix {
            if let Some(&i) = model.index.get(&format!("{prefix}[{id}]")) {
                return Ok(i);
            }
            if model
                .namespaces
                .binary_search_by(|p| p.as_str().cmp(prefix))
                .is_ok()
            {
                return Err(Unresolved::Unknown);
            }
        }
    }
    if let Some(&i) = model.index.get(id) {
        return Ok(i);
    }
    match model.bare_ids.get(id).map(Vec::as_slice) {
        Some([one]) => Ok(*one),
        Some(several) if !several.is_empty() => {
            let mut qualified: Vec<String> = several
                .iter()
                .map(|&i| model.requirements[i].id.clone())
                .collect();
            qualified.sort();
            Err(Unresolved::Ambiguous(qualified))
        }
        _ => Err(Unresolved::Unknown),
    }
}

/// The message for an id defined under several prefixes.
fn ambiguous(id: &str, qualified: &[String]) -> String {
    format!(
        "`{id}` is defined under several marker prefixes ({}), each its own namespace: write the prefix, e.g. `{}`",
        qualified.join(", "),
        qualified.first().map_or("r[verify id]".to_string(), |q| q.replacen('[', "[verify ", 1))
    )
}

/// The nearest dotted ancestor of a requirement that is defined: `a.b` for `a.b.c`, else `a`.
fn dotted_parent(model: &Model, requirement: &crate::model::Requirement) -> Option<usize> {
    let bare = match (&requirement.prefix, model.namespaces.is_empty()) {
        (Some(prefix), false) => requirement
            .id
            .strip_prefix(prefix.as_str())
            .and_then(|r| r.strip_prefix('['))
            .and_then(|r| r.strip_suffix(']'))
            .unwrap_or(&requirement.id),
        _ => requirement.id.as_str(),
    };
    let mut id = bare;
    while let Some((head, _)) = id.rsplit_once('.') {
        if let Ok(parent) = resolve(model, head, requirement.prefix.as_deref()) {
            return Some(parent);
        }
        id = head;
    }
    None
}

fn link_parents(model: &mut Model, dotted: bool) {
    let suggester = Suggester::new(model.requirements.iter().map(|r| r.id.as_str()));
    let mut edges = Vec::new();
    let mut diagnostics = Vec::new();
    for (child, requirement) in model.requirements.iter().enumerate() {
        if dotted {
            edges.extend(dotted_parent(model, requirement).map(|parent| (parent, child)));
        }
        for (parent_id, line) in &requirement.parents {
            match resolve(model, parent_id, requirement.prefix.as_deref()) {
                Ok(parent) => edges.push((parent, child)),
                Err(Unresolved::Ambiguous(qualified)) => diagnostics.push(Diagnostic::at(
                    Code::UnknownParent,
                    ambiguous(parent_id, &qualified),
                    &requirement.location.file,
                    *line,
                )),
                Err(Unresolved::Unknown) => diagnostics.push(
                    Diagnostic::at(
                        Code::UnknownParent,
                        format!(
                            "`{}` names parent `{parent_id}`, which no document defines",
                            requirement.id
                        ),
                        &requirement.location.file,
                        *line,
                    )
                    .with_suggestion(suggester.suggest(parent_id))
                    .about(requirement.id.clone()),
                ),
            }
        }
    }
    edges.sort_unstable();
    edges.dedup();
    for (parent, child) in edges {
        model
            .graph
            .add_edge(NodeIndex::new(parent), NodeIndex::new(child), ());
    }
    model.diagnostics.extend(diagnostics);
}

fn find_cycles(model: &mut Model) {
    // Kosaraju's walk keeps its stack on the heap; petgraph's Tarjan recurses once per level and
    // overflowed the main thread's stack on a chain of 50,000 `Covers:` in a debug build.
    for component in petgraph::algo::kosaraju_scc(&model.graph) {
        let self_loop =
            component.len() == 1 && model.graph.contains_edge(component[0], component[0]);
        if component.len() < 2 && !self_loop {
            continue;
        }
        let mut members: Vec<usize> = component.iter().map(|n| n.index()).collect();
        members.sort_unstable();
        let ids: Vec<&str> = members
            .iter()
            .map(|&i| model.requirements[i].id.as_str())
            .collect();
        let first = &model.requirements[members[0]];
        let mut diagnostic = Diagnostic::new(
            Code::Cycle,
            format!(
                "requirements cover each other in a cycle: {}",
                ids.join(" -> ")
            ),
            Some(first.location.clone()),
        );
        diagnostic.requirements = ids.iter().map(|id| id.to_string()).collect();
        model.diagnostics.push(diagnostic);
        model.in_cycle.extend(members);
    }
}

fn apply_config_waivers(model: &mut Model, config: &Config) {
    for (id, reason) in &config.waivers {
        match resolve(model, id, None).ok() {
            Some(i) => model.config_waivers[i] = Some(reason.clone()),
            None => model.diagnostics.push(Diagnostic::new(
                Code::UnknownReference,
                format!("the config waives `{id}`, which no document defines"),
                Some(config.waiver_location(id)),
            )),
        }
    }
}

fn check_waiver_reasons(model: &mut Model, config: &Config) {
    for (i, requirement) in model.requirements.iter().enumerate() {
        let document = requirement.waived.as_deref().map(str::trim);
        let configured = model.config_waivers[i].as_deref().map(str::trim);
        if document == Some("") || configured == Some("") {
            let location = if document == Some("") {
                requirement.location.clone()
            } else {
                config.waiver_location(&requirement.id)
            };
            model.diagnostics.push(Diagnostic::new(
                Code::WaiverWithoutReason,
                format!(
                    "`{}` is waived without a reason: say why after `Waived:`, or remove the waiver",
                    requirement.id
                ),
                Some(location),
            )
            .about(requirement.id.clone()));
        }
    }
}

/// A reference with the indices (into `Model::tests`) of the tests it belongs to.
struct PendingReference {
    file: String,
    reference: crate::model::Reference,
    tests: Vec<usize>,
}

fn collect_tests(model: &mut Model, sources: Vec<SourceFile>) -> Vec<PendingReference> {
    model
        .tests
        .reserve_exact(sources.iter().map(|s| s.tests.len()).sum());
    let mut references = Vec::with_capacity(sources.iter().map(|s| s.references.len()).sum());
    for source in sources {
        model.diagnostics.extend(source.diagnostics);
        let offset = model.tests.len();
        for test in source.tests {
            model.tests.push(TestNode {
                file: source.file.clone(),
                status: TestStatus::Unknown,
                message: None,
                flaky: false,
                case: None,
                defects: test.defects.clone(),
                test,
            });
        }
        for reference in source.references {
            let tests: Vec<usize> = reference.tests.iter().map(|t| t + offset).collect();
            references.push(PendingReference {
                file: source.file.clone(),
                reference,
                tests,
            });
        }
    }
    claim_out_of_line_modules(model, &mut references);
    references
}

/// A reference right above `mod x;` belongs to every test of module `x`, whose file is another
/// one: the tests of that binary under that module path.
fn claim_out_of_line_modules(model: &mut Model, references: &mut [PendingReference]) {
    for pending in references.iter_mut() {
        let Some((binary, module)) = &pending.reference.module else {
            continue;
        };
        let prefix = format!("{module}::");
        pending.tests.extend(
            model
                .tests
                .iter()
                .enumerate()
                .filter(|(_, t)| &t.test.binary == binary && t.test.name.starts_with(&prefix))
                .map(|(i, _)| i),
        );
        if pending.tests.is_empty() && pending.reference.kind == crate::model::RefKind::Verify {
            model.diagnostics.push(Diagnostic::at(
                Code::VerifyOutsideTest,
                format!(
                    "`verify` reference to `{}` is above `mod {}`, which has no test function",
                    pending.reference.id,
                    module.rsplit("::").next().unwrap_or(module)
                ),
                &pending.file,
                pending.reference.line,
            ));
        }
    }
}

fn attach_results(
    model: &mut Model,
    results: Option<Vec<TestResult>>,
    files: &[String],
    pattern: Option<&regex::Regex>,
) {
    let Some(results) = results else {
        return;
    };
    model.results_given = true;
    let keys: Vec<(String, String)> = model
        .tests
        .iter()
        .map(|t| (t.test.binary.clone(), t.test.name.clone()))
        .collect();
    let aliases: Vec<(usize, String)> = model
        .tests
        .iter()
        .enumerate()
        .flat_map(|(i, t)| t.test.generates.iter().map(move |g| (i, g.clone())))
        .collect();
    let joined = evidence::join_aliased(&keys, &aliases, &results);
    for (t, (test, outcome)) in model.tests.iter_mut().zip(joined.per_test).enumerate() {
        match outcome {
            Some((status, message)) => {
                test.status = status;
                test.message = message;
            }
            None => test.status = TestStatus::NotRun,
        }
        test.flaky = joined.flaky[t];
        test.case = joined.deciding[t]
            .map(|r| &results[r].name)
            .filter(|name| name.len() > test.test.name.len() && name.starts_with(&test.test.name))
            .cloned();
    }
    // Doctests no reference claims: tests of an item in a scanned file, listed with their
    // result rather than reported as results of nothing.
    let mut doctests: HashMap<String, usize> = HashMap::new();
    for i in joined.unmatched {
        let result = &results[i];
        if let Some(node) = untraced_doctest(model, files, result, &mut doctests) {
            let test = &mut model.tests[node];
            let status = TestStatus::from(result.outcome);
            if test.status == TestStatus::NotRun || doctest_rank(status) > doctest_rank(test.status)
            {
                test.status = status;
                test.message = result.message.clone();
            }
            continue;
        }
        if attach_external(model, result, pattern) {
            continue;
        }
        model.unmatched_results.push(result.clone());
        let name = match &result.binary {
            Some(binary) => format!("{binary} {}", result.name),
            None => result.name.clone(),
        };
        model.diagnostics.push(Diagnostic::new(
            Code::UnknownResult,
            format!("result for `{name}` names no test found in the sources"),
            Some(result.location.clone()),
        ));
    }
}

/// Results from a JUnit file committed under the records globs (a system suite's run kept
/// with the records): each case verifies the requirements it names; a case that names none is
/// a result of nothing, listed like any other.
pub fn attach_external_results(model: &mut Model, results: &[TestResult], config: &Config) {
    let pattern = config.external_id_regex();
    for result in results {
        if attach_external(model, result, pattern.as_ref()) {
            continue;
        }
        model.unmatched_results.push(result.clone());
        model.diagnostics.push(Diagnostic::new(
            Code::UnknownResult,
            format!(
                "result for `{}` names no requirement (no `requirements` property, and the external-id-pattern finds no id)",
                result.name
            ),
            Some(result.location.clone()),
        ));
    }
}

/// The requirement ids an external case names: its `requirement`/`requirements` properties,
/// else the ids `pattern` finds in its name and classname.
fn external_ids(result: &TestResult, pattern: Option<&regex::Regex>) -> Vec<String> {
    let mut ids = result.requirements.clone();
    if ids.is_empty() {
        if let Some(pattern) = pattern {
            for text in [Some(result.name.as_str()), result.binary.as_deref()]
                .into_iter()
                .flatten()
            {
                for found in pattern.captures_iter(text) {
                    let id = found.get(1).or_else(|| found.get(0)).map(|m| m.as_str());
                    ids.extend(id.filter(|id| !id.is_empty()).map(str::to_string));
                }
            }
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

/// Links a result that matches no Rust test to the requirements it names, as `stest`
/// evidence; `false` when it names none.
fn attach_external(model: &mut Model, result: &TestResult, pattern: Option<&regex::Regex>) -> bool {
    let ids = external_ids(result, pattern);
    if ids.is_empty() {
        return false;
    }
    let index = model.evidence.len();
    model.evidence.push(OtherEvidence {
        kind: crate::model::EvidenceKind::External,
        level: "stest".to_string(),
        name: result.name.clone(),
        binary: result.binary.clone(),
        status: TestStatus::from(result.outcome),
        location: result.location.clone(),
        message: result.message.clone(),
        record: None,
    });
    for id in ids {
        match resolve(model, &id, None) {
            Ok(requirement) => model.evidenced_by[requirement].push(EvidenceLink {
                evidence: index,
                stale: false,
            }),
            Err(_) => {
                let suggestion =
                    Suggester::new(model.requirements.iter().map(|r| r.id.as_str())).suggest(&id);
                model.diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownReference,
                        format!(
                            "result `{}` names requirement `{id}`, which no document defines",
                            result.name
                        ),
                        Some(result.location.clone()),
                    )
                    .with_suggestion(suggestion),
                );
            }
        }
    }
    true
}

/// Links verification records to their requirements. A record naming an unknown requirement
/// or a revision the spec does not have is an `unknown-reference` at its line; one made
/// against an older revision is shown but does not verify (`stale-reference`).
pub fn attach_records(model: &mut Model, records: Vec<crate::model::Record>) {
    let suggester = Suggester::new(model.requirements.iter().map(|r| r.id.as_str()));
    let mut diagnostics = Vec::new();
    let mut links = Vec::new();
    for record in records {
        let requirement = match resolve(model, &record.requirement, None) {
            Ok(i) => i,
            Err(Unresolved::Ambiguous(qualified)) => {
                diagnostics.push(Diagnostic::new(
                    Code::UnknownReference,
                    ambiguous(&record.requirement, &qualified),
                    Some(record.location.clone()),
                ));
                continue;
            }
            Err(Unresolved::Unknown) => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownReference,
                        format!(
                            "the record names requirement `{}`, which no document defines",
                            record.requirement
                        ),
                        Some(record.location.clone()),
                    )
                    .with_suggestion(suggester.suggest(&record.requirement)),
                );
                continue;
            }
        };
        let spec_revision = model.requirements[requirement].revision;
        let named = record.revision.unwrap_or(spec_revision);
        let id = model.requirements[requirement].id.clone();
        if named > spec_revision {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownReference,
                    format!("the record was made against revision {named} of `{id}`, but the spec only reaches revision {spec_revision}"),
                    Some(record.location.clone()),
                )
                .about(id),
            );
            continue;
        }
        let current = &model.requirements[requirement].fingerprint;
        let reworded = named == spec_revision
            && record
                .fingerprint
                .as_ref()
                .is_some_and(|f| !current.is_empty() && f != current);
        let stale = named < spec_revision || reworded;
        if named < spec_revision {
            diagnostics.push(
                Diagnostic::new(
                    Code::StaleReference,
                    format!("the record was made against revision {named} of `{id}`, but the spec is at revision {spec_revision}: verify it again against the new text and record that"),
                    Some(record.location.clone()),
                )
                .about(id),
            );
        } else if reworded {
            diagnostics.push(
                Diagnostic::new(
                    Code::StaleReference,
                    format!("the record was made against other text of `{id}` (fingerprint {}, now {current}): verify it again against the new text and record that", record.fingerprint.as_deref().unwrap_or("")),
                    Some(record.location.clone()),
                )
                .about(id),
            );
        }
        let outcome = record.outcome;
        model.evidence.push(OtherEvidence {
            kind: crate::model::EvidenceKind::Record,
            level: record.method.clone(),
            name: format!("{} by {} on {}", record.method, record.by, record.date),
            binary: None,
            status: TestStatus::from(outcome),
            location: record.location.clone(),
            message: None,
            record: Some(record),
        });
        links.push((requirement, model.evidence.len() - 1, stale));
    }
    for (requirement, evidence, stale) in links {
        model.evidenced_by[requirement].push(EvidenceLink { evidence, stale });
    }
    model.diagnostics.extend(diagnostics);
}

/// rustdoc's `PATH - ITEM (line N)` for a file among `files` (the path relative to the root or
/// to a directory below it): the test node standing for that item's doctests, made once.
fn untraced_doctest(
    model: &mut Model,
    files: &[String],
    result: &TestResult,
    made: &mut HashMap<String, usize>,
) -> Option<usize> {
    let (head, line) = result.name.rsplit_once(" (line ")?;
    let digits = line.strip_suffix(')')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (path, item) = head.split_once(" - ")?;
    let file = files
        .iter()
        .find(|f| *f == path || f.ends_with(&format!("/{path}")))?;
    let name = format!("{file} - {item}");
    if let Some(&node) = made.get(&name) {
        return Some(node);
    }
    let binary = model
        .tests
        .iter()
        .find(|t| &t.file == file && t.test.attribute != "doctest")
        .map(|t| t.test.binary.clone())
        .or_else(|| result.binary.clone())
        .unwrap_or_default();
    model.tests.push(TestNode {
        test: crate::model::TestFn {
            name: name.clone(),
            binary,
            line: 1,
            span: crate::model::LineSpan::default(),
            ignored: false,
            should_panic: false,
            cfg: None,
            attribute: "doctest".to_string(),
            generates: Vec::new(),
            defects: Vec::new(),
            fingerprint: String::new(),
        },
        file: file.clone(),
        status: TestStatus::NotRun,
        message: None,
        flaky: false,
        case: None,
        defects: Vec::new(),
    });
    made.insert(name, model.tests.len() - 1);
    Some(model.tests.len() - 1)
}

/// Which of several doctest results of one item decides its status: the worst.
fn doctest_rank(status: TestStatus) -> u8 {
    match status {
        TestStatus::Failed => 4,
        TestStatus::Errored => 3,
        TestStatus::Passed => 2,
        TestStatus::Skipped => 1,
        TestStatus::NotRun | TestStatus::Unknown => 0,
    }
}

fn link_references(model: &mut Model, references: Vec<PendingReference>) {
    let suggester = Suggester::new(model.requirements.iter().map(|r| r.id.as_str()));
    for pending in references {
        let reference = &pending.reference;
        let prefix = match &reference.form {
            RefForm::Marker { prefix } => Some(prefix.as_str()),
            _ => None,
        };
        let resolved = resolve(model, &reference.id, prefix);
        if let Err(Unresolved::Ambiguous(qualified)) = &resolved {
            model.diagnostics.push(Diagnostic::at(
                Code::UnknownReference,
                ambiguous(&reference.id, qualified),
                &pending.file,
                reference.line,
            ));
            continue;
        }
        let Ok(requirement) = resolved else {
            model.diagnostics.push(
                Diagnostic::at(
                    Code::UnknownReference,
                    format!(
                        "`{}` names no requirement defined in the documents",
                        reference.id
                    ),
                    &pending.file,
                    reference.line,
                )
                .with_suggestion(suggester.suggest(&reference.id)),
            );
            continue;
        };
        let spec_revision = model.requirements[requirement].revision;
        let named = reference.revision.unwrap_or(spec_revision);
        let stale = named < spec_revision;
        if stale {
            model.diagnostics.push(Diagnostic::at(
                Code::StaleReference,
                format!(
                    "`{}` is referenced at revision {named}, but the spec is at revision {spec_revision}: review the test against the new text, then update the reference",
                    reference.id
                ),
                &pending.file,
                reference.line,
            )
            .about(reference.id.clone()));
        } else if named > spec_revision {
            model.diagnostics.push(
                Diagnostic::at(
                    Code::UnknownReference,
                    format!(
                        "`{}` is referenced at revision {named}, but the spec only reaches revision {spec_revision}",
                        reference.id
                    ),
                    &pending.file,
                    reference.line,
                )
                .about(reference.id.clone()),
            );
            continue;
        }
        match reference.kind {
            RefKind::Verify => {
                for &test in &pending.tests {
                    model.verified_by[requirement].push(VerifyLink {
                        test,
                        ref_line: reference.line,
                        stale,
                        suspect: false,
                    });
                }
            }
            RefKind::Impl => model.implemented_by[requirement].push(ImplLink {
                item: reference
                    .item
                    .clone()
                    .unwrap_or_else(|| pending.file.clone()),
                location: Location::new(&pending.file, reference.line),
            }),
            RefKind::Depends | RefKind::Related => {}
        }
    }
    for links in &mut model.verified_by {
        links.sort_by_key(|l| (l.test, l.ref_line));
        links.dedup_by_key(|l| l.test);
    }
    for links in &mut model.implemented_by {
        links.sort_by(|a, b| a.location.cmp(&b.location).then(a.item.cmp(&b.item)));
        links.dedup();
    }
}

/// The index in `ids` of the requirement a user named on the command line (`show ID`,
/// `record ID`; a revision suffix allowed), or an error with a did-you-mean.
pub(crate) fn find_requirement(ids: &[&str], id: &str) -> anyhow::Result<usize> {
    let wanted = crate::ids::without_revision(id);
    let found = ids
        .iter()
        .position(|r| *r == id)
        .or_else(|| ids.iter().position(|r| *r == wanted));
    if let Some(index) = found {
        return Ok(index);
    }
    // Ids are case-sensitive, but `kv-003` for `KV-003` is a slip of the shift key that
    // the edit-distance suggester (which counts every changed letter) would not offer.
    let same_but_case = ids
        .iter()
        .find(|r| r.eq_ignore_ascii_case(id) || r.eq_ignore_ascii_case(wanted))
        .map(|r| r.to_string());
    let suggestion = same_but_case
        .or_else(|| Suggester::new(ids.iter().copied()).suggest(id))
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    anyhow::bail!("no requirement `{id}` is defined{suggestion}");
}

/// Did-you-mean for unknown ids: the closest known id by edit distance, when it is close.
///
/// Ids are bucketed by length so a project with thousands of unknown references does not pay
/// a full scan each; suggestions are cached per unknown id. The comparisons of one run are
/// capped at [`SUGGESTION_BUDGET`]: 10,000 unknown ids against 10,000 ids of similar length
/// (every reference after a renamed prefix) would otherwise take minutes.
pub struct Suggester<'a> {
    by_length: HashMap<usize, Vec<&'a str>>,
    cache: std::cell::RefCell<HashMap<String, Option<String>>>,
    /// Edit-distance comparisons left; an unknown id whose candidates do not fit gets none.
    budget: std::cell::Cell<usize>,
}

/// Comparisons one [`Suggester`] makes at most: a fraction of a second, and enough for every
/// unknown id of a project in ordinary shape.
pub const SUGGESTION_BUDGET: usize = 1_000_000;

impl<'a> Suggester<'a> {
    pub fn new(ids: impl Iterator<Item = &'a str>) -> Self {
        let mut by_length: HashMap<usize, Vec<&'a str>> = HashMap::new();
        for id in ids {
            by_length.entry(id.chars().count()).or_default().push(id);
        }
        for bucket in by_length.values_mut() {
            bucket.sort_unstable();
        }
        Suggester {
            by_length,
            cache: Default::default(),
            budget: std::cell::Cell::new(SUGGESTION_BUDGET),
        }
    }

    /// The same suggester with another comparison budget.
    #[cfg(test)]
    fn with_budget(self, budget: usize) -> Self {
        self.budget.set(budget);
        self
    }

    pub fn suggest(&self, unknown: &str) -> Option<String> {
        if let Some(hit) = self.cache.borrow().get(unknown) {
            return hit.clone();
        }
        let length = unknown.chars().count();
        let max_distance = (length / 4).clamp(1, 3);
        let lengths = length.saturating_sub(max_distance)..=length + max_distance;
        let candidates: usize = lengths
            .clone()
            .map(|len| self.by_length.get(&len).map_or(0, Vec::len))
            .sum();
        // All of an id's candidates or none, so a suggestion never depends on where the
        // budget ran out.
        let Some(left) = self.budget.get().checked_sub(candidates) else {
            self.budget.set(0);
            return None;
        };
        self.budget.set(left);
        let mut best: Option<(usize, &str)> = None;
        for len in lengths {
            for &candidate in self.by_length.get(&len).into_iter().flatten() {
                let distance = strsim::levenshtein(unknown, candidate);
                let better = match best {
                    None => true,
                    Some((d, c)) => (distance, candidate) < (d, c),
                };
                if distance <= max_distance && better {
                    best = Some((distance, candidate));
                }
            }
        }
        let found = best.map(|(_, id)| id.to_string());
        self.cache
            .borrow_mut()
            .insert(unknown.to_string(), found.clone());
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify model.unknown-reference]
    #[test]
    fn suggestion_is_the_closest_id_within_reach() {
        let ids = ["limiter.refill", "limiter.burst", "api.quota"];
        let suggester = Suggester::new(ids.into_iter());
        assert_eq!(
            suggester.suggest("limiter.refil").as_deref(),
            Some("limiter.refill")
        );
        assert_eq!(suggester.suggest("api.qouta").as_deref(), Some("api.quota"));
        assert_eq!(suggester.suggest("billing.invoice"), None);
    }

    // r[verify robust.limits]
    #[test]
    fn suggestions_stop_at_the_budget_instead_of_going_quadratic() {
        // Every reference after a renamed prefix is unknown and near every id in length.
        let ids: Vec<String> = (0..2_000).map(|i| format!("area.req{i:05}")).collect();
        let suggester = Suggester::new(ids.iter().map(String::as_str)).with_budget(20_000);
        let found = (0..2_000)
            .filter(|i| suggester.suggest(&format!("aera.req{i:05}")).is_some())
            .count();
        // The first ones get their suggestion; once the budget is spent the rest get none.
        assert_eq!(found, 10);
        assert_eq!(
            suggester.suggest("aera.req00000").as_deref(),
            Some("area.req00000"),
            "cached"
        );
        assert_eq!(suggester.suggest("area.req0000x"), None);
    }

    // r[verify model.unknown-reference]
    // r[verify model.parents]
    // r[verify spec.duplicate-id]
    #[test]
    fn names_resolve_or_become_diagnostics_at_their_place() {
        use crate::model::{Code, Outcome};
        use crate::testkit::{tests_module, Project};
        // (why, specs, tests, results, expected (code, file, line, about))
        type Row<'a> = (
            &'a str,
            &'a [(&'a str, &'a str)],
            &'a [(&'a str, &'a [&'a str])],
            Option<&'a [(&'a str, Outcome)]>,
            &'a [(Code, &'a str, u32, &'a [&'a str])],
        );
        let one = "r[calc.add]\nAdds.\n";
        let rows: &[Row] = &[
            (
                "all resolved",
                &[("docs/a.md", one)],
                &[("t", &["calc.add"])],
                None,
                &[],
            ),
            (
                "a typo in a reference",
                &[("docs/a.md", one)],
                &[("t", &["calc.ad"])],
                None,
                &[(Code::UnknownReference, "src/lib.rs", 3, &[])],
            ),
            (
                "an id defined in two files",
                &[
                    ("docs/a.md", one),
                    ("docs/b.md", "# B\n\nr[calc.add]\nAgain.\n"),
                ],
                &[],
                None,
                &[(Code::DuplicateId, "docs/b.md", 3, &["calc.add"])],
            ),
            (
                "an unknown parent",
                &[("docs/a.md", "r[calc.add]\nCovers: calc.mat\nAdds.\n")],
                &[],
                None,
                &[(Code::UnknownParent, "docs/a.md", 2, &["calc.add"])],
            ),
            (
                "a cycle",
                &[("docs/a.md", "r[a]\nCovers: b\nA.\n\nr[b]\nCovers: a\nB.\n")],
                &[],
                None,
                &[(Code::Cycle, "docs/a.md", 1, &["a", "b"])],
            ),
            (
                "a result for no test",
                &[("docs/a.md", one)],
                &[("t", &["calc.add"])],
                Some(&[
                    ("tests::t", Outcome::Passed),
                    ("tests::gone", Outcome::Passed),
                ]),
                &[(Code::UnknownResult, "results.xml", 2, &[])],
            ),
        ];
        for (why, specs, tests, results, expected) in rows {
            let source = tests_module("r", tests);
            let mut project = Project::new("", &source);
            project.specs = specs.to_vec();
            if let Some(results) = results {
                project = project.with_results(results);
            }
            let model = project.model();
            let mut got: Vec<(Code, String, u32, Vec<String>)> = model
                .diagnostics
                .iter()
                .map(|d| {
                    let place = d.location.clone().unwrap_or_default();
                    let mut about = d.requirements.clone();
                    about.sort();
                    (d.code, place.file, place.line, about)
                })
                .collect();
            got.sort();
            let want: Vec<(Code, String, u32, Vec<String>)> = expected
                .iter()
                .map(|(code, file, line, about)| {
                    (
                        *code,
                        file.to_string(),
                        *line,
                        about.iter().map(|s| s.to_string()).collect(),
                    )
                })
                .collect();
            assert_eq!(got, want, "{why}");
        }
    }

    // r[verify evidence.join]
    #[test]
    fn links_and_results_land_on_the_right_test() {
        use crate::model::{Outcome, TestStatus};
        use crate::testkit::{tests_module, Project};
        let spec = "r[p]\nParent.\n\nr[c]\nCovers: p\nChild.\n";
        let source = tests_module("r", &[("tp", &["p"]), ("tc", &["c", "p"])]);
        let model = Project::new(spec, &source)
            .with_results(&[("tests::tp", Outcome::Failed)])
            .model();
        let p = model.index["p"];
        let c = model.index["c"];
        assert_eq!(model.children_of(p).collect::<Vec<_>>(), vec![c]);
        let names = |i: usize| -> Vec<(String, TestStatus)> {
            let mut v: Vec<_> = model.verified_by[i]
                .iter()
                .map(|l| {
                    let t = &model.tests[l.test];
                    (t.test.name.clone(), t.status)
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            names(p),
            vec![
                ("tests::tc".to_string(), TestStatus::NotRun),
                ("tests::tp".to_string(), TestStatus::Failed)
            ]
        );
        assert_eq!(
            names(c),
            vec![("tests::tc".to_string(), TestStatus::NotRun)]
        );
    }
}

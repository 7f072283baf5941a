//! Release policy (PRODUCT.md section 12): coverage thresholds per class of requirement,
//! declared in `reqtrail.toml` as `[[policy]]` tables (by priority, tag or area; a class with no
//! selector takes every requirement no earlier class took), each class reported and gated on its
//! own. A plain function of the evaluated model and the classes.

use crate::evaluate::Evaluation;
use crate::graph::Model;
use crate::model::{Requirement, Status};
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

/// One `[[policy]]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicyClass {
    /// How reports name the class (`safety`, `rest`).
    pub name: String,
    /// `Priority:` values (any, case-insensitive).
    #[serde(default)]
    pub priority: Vec<String>,
    /// `Tags:` values (any).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Areas (the first id segment: `auth` of `auth.login`; any).
    #[serde(default)]
    pub areas: Vec<String>,
    /// Coverage the class must reach, in percent.
    pub min_coverage: f64,
}

impl PolicyClass {
    fn selects_all(&self) -> bool {
        self.priority.is_empty() && self.tags.is_empty() && self.areas.is_empty()
    }

    fn matches(&self, r: &Requirement) -> bool {
        if self.selects_all() {
            return true;
        }
        // `Priority:` is read into its own field; a document could still carry it among the
        // other fields, as the report shows them.
        let priority = r
            .priority
            .as_ref()
            .or_else(|| r.fields.get("Priority"))
            .is_some_and(|p| {
                self.priority
                    .iter()
                    .any(|w| w.eq_ignore_ascii_case(p.trim()))
            });
        let tag = r.tags.iter().any(|t| self.tags.contains(t));
        let area = self.areas.contains(&crate::evaluate::area_of(&r.id));
        priority || tag || area
    }
}

/// Checks the classes as the config declares them: a name, unique; a threshold from 0 to 100.
pub fn validate(classes: &[PolicyClass]) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for c in classes {
        if c.name.trim().is_empty() {
            bail!("a [[policy]] class in reqtrail.toml has no name: give it `name = \"...\"`");
        }
        if !seen.insert(c.name.as_str()) {
            bail!(
                "[[policy]] class `{}` is declared twice in reqtrail.toml",
                c.name
            );
        }
        if !(0.0..=100.0).contains(&c.min_coverage) || c.min_coverage.is_nan() {
            bail!(
                "[[policy]] class `{}`: min-coverage takes a percentage from 0 to 100, got {}",
                c.name,
                c.min_coverage
            );
        }
    }
    Ok(())
}

/// How one class fared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassResult {
    pub name: String,
    /// The selectors in words: `Priority: high; Tags: safety`, or `every other requirement`.
    pub selects: String,
    pub requirements: usize,
    /// Counted (active or approved) and not waived: what coverage is taken over.
    pub target: usize,
    pub verified: usize,
    pub coverage_percent: f64,
    pub min_coverage: f64,
    pub passed: bool,
}

/// Each requirement goes to the first class that selects it; each class's coverage is verified
/// over counted, not waived members (100% when it has none).
pub fn evaluate(
    model: &Model,
    evaluation: &Evaluation,
    classes: &[PolicyClass],
) -> Vec<ClassResult> {
    if classes.is_empty() {
        return Vec::new();
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); classes.len()];
    for (i, r) in model.requirements.iter().enumerate() {
        if let Some(k) = classes.iter().position(|c| c.matches(r)) {
            members[k].push(i);
        }
    }
    let status = |i: usize| evaluation.requirements[i].status;
    classes
        .iter()
        .zip(members)
        .map(|(c, members)| {
            let counted: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| {
                    model.requirements[i].lifecycle.is_counted() && status(i) != Status::Waived
                })
                .collect();
            let verified = counted
                .iter()
                .filter(|&&i| status(i) == Status::Verified)
                .count();
            let coverage_percent = if counted.is_empty() {
                100.0
            } else {
                (verified as f64 * 1000.0 / counted.len() as f64).round() / 10.0
            };
            let mut selects = Vec::new();
            if !c.priority.is_empty() {
                selects.push(format!("Priority: {}", c.priority.join(", ")));
            }
            if !c.tags.is_empty() {
                selects.push(format!("Tags: {}", c.tags.join(", ")));
            }
            if !c.areas.is_empty() {
                selects.push(format!("areas: {}", c.areas.join(", ")));
            }
            ClassResult {
                name: c.name.clone(),
                selects: if selects.is_empty() {
                    "every other requirement".to_string()
                } else {
                    selects.join("; ")
                },
                requirements: members.len(),
                target: counted.len(),
                verified,
                coverage_percent,
                min_coverage: c.min_coverage,
                passed: coverage_percent >= c.min_coverage,
            }
        })
        .collect()
}

/// One line per class, for the terminal and the Markdown summary.
pub fn line(c: &ClassResult) -> String {
    format!(
        "{} {}: {:.1}% ({} of {} verified), needs {}% ({})",
        if c.passed { "✔" } else { "✘" },
        c.name,
        c.coverage_percent,
        c.verified,
        c.target,
        c.min_coverage,
        c.selects
    )
}

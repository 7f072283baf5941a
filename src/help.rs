//! `reqtrail help [TOPIC]`: the user's guide (docs/guide.md) and the CI guide (docs/ci.md),
//! embedded in the binary, so an installed `reqtrail` can show its documentation without the
//! source tree. A topic is a chapter of the guide, the CI guide, or a diagnostic code.

use std::fmt::Write;

const GUIDE: &str = include_str!("../docs/guide.md");
const CI_GUIDE: &str = include_str!("../docs/ci.md");

/// Topic names of the guide's chapters (`## N. Title`), by chapter number. Short words people
/// type; a test checks that every chapter of the guide has one.
const CHAPTERS: [(&str, &str); 11] = [
    ("1", "start"),
    ("2", "requirements"),
    ("3", "references"),
    ("4", "statuses"),
    ("5", "diagnostics"),
    ("6", "results"),
    ("7", "config"),
    ("8", "outputs"),
    ("9", "other-tools"),
    ("10", "changes"),
    ("11", "evidence"),
];

/// One topic: its name, a one-line description and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Topic {
    pub name: String,
    pub title: String,
    pub text: String,
}

/// Every topic, in the guide's order, then `ci`, then the diagnostic codes.
pub(crate) fn topics() -> Vec<Topic> {
    let mut out = Vec::new();
    for (heading, text) in sections(GUIDE, "## ") {
        let number = heading.split('.').next().unwrap_or("").trim();
        if let Some((_, name)) = CHAPTERS.iter().find(|(n, _)| *n == number) {
            out.push(Topic {
                name: name.to_string(),
                title: heading
                    .split_once(". ")
                    .map_or(heading.as_str(), |(_, title)| title)
                    .to_string(),
                text,
            });
        }
    }
    out.push(Topic {
        name: "ci".to_string(),
        title: "The CI gate, GitHub Actions and GitLab jobs, adopting with a baseline".to_string(),
        text: CI_GUIDE.trim_end().to_string(),
    });
    for (heading, text) in sections(GUIDE, "#### ") {
        // `#### \`unknown-reference\` (error)`
        let Some(code) = heading
            .strip_prefix('`')
            .and_then(|rest| rest.split_once('`'))
            .map(|(code, _)| code)
        else {
            continue;
        };
        out.push(Topic {
            name: code.to_string(),
            title: format!("the {heading} diagnostic").replace('`', ""),
            text,
        });
    }
    out
}

/// The sections of `text` that start with a heading at exactly `marker` (e.g. `"## "`), each up
/// to the next heading of the same or a higher level, skipping fenced code blocks (whose `#`
/// lines are examples, not headings).
fn sections(text: &str, marker: &str) -> Vec<(String, String)> {
    let level = marker.trim_end().len();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            if let Some((_, lines)) = current.as_mut() {
                lines.push(line);
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if let Some(heading_level) = heading_level(line) {
            if heading_level <= level {
                if let Some((heading, lines)) = current.take() {
                    out.push((heading, lines.join("\n").trim_end().to_string()));
                }
            }
            if heading_level == level {
                let heading = line[level..].trim().to_string();
                current = Some((heading, vec![line]));
                continue;
            }
        }
        if let Some((_, lines)) = current.as_mut() {
            lines.push(line);
        }
    }
    if let Some((heading, lines)) = current {
        out.push((heading, lines.join("\n").trim_end().to_string()));
    }
    out
}

/// The level of an ATX heading line (`## x` is 2), or `None`.
fn heading_level(line: &str) -> Option<usize> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6)
        .contains(&hashes)
        .then_some(hashes)
        .filter(|_| line[hashes..].starts_with(' '))
}

/// The list printed by `reqtrail help` with no topic.
pub(crate) fn index() -> String {
    let mut out =
        String::from("reqtrail help TOPIC prints a part of the user's guide. Topics:\n\n");
    let topics = topics();
    for t in topics.iter().filter(|t| !is_code(t)) {
        let _ = writeln!(out, "  {:<14} {}", t.name, t.title);
    }
    let codes: Vec<&str> = topics
        .iter()
        .filter(|t| is_code(t))
        .map(|t| t.name.as_str())
        .collect();
    let _ = writeln!(
        out,
        "\nA diagnostic code is a topic too: {}.\n\nCommands: reqtrail help check, reqtrail help show, reqtrail help init (or --help).\nThe same guide on the web: docs/guide.md in reqtrail's repository.",
        codes.join(", ")
    );
    out
}

fn is_code(t: &Topic) -> bool {
    t.title.ends_with("diagnostic")
}

/// The text of `name`, case-insensitively, or an error listing the topics.
pub(crate) fn topic(name: &str) -> anyhow::Result<String> {
    let topics = topics();
    match topics.iter().find(|t| t.name.eq_ignore_ascii_case(name)) {
        Some(t) => Ok(format!("{}\n", t.text)),
        None => {
            let names: Vec<&str> = topics
                .iter()
                .filter(|t| !is_code(t))
                .map(|t| t.name.as_str())
                .collect();
            anyhow::bail!(
                "no help topic `{name}`: the topics are {}, a command (check, show, init) or a diagnostic code (`reqtrail help` lists them)",
                names.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify cli.help-topics]
    #[test]
    fn every_chapter_of_the_guide_is_a_topic() {
        let chapters: Vec<String> = sections(GUIDE, "## ")
            .into_iter()
            .map(|(h, _)| h)
            .filter(|h| h.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .collect();
        assert_eq!(chapters.len(), CHAPTERS.len(), "{chapters:?}");
        let names: Vec<String> = topics().into_iter().map(|t| t.name).collect();
        for (_, name) in CHAPTERS {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        // The examples inside code fences are not chapters.
        assert!(!names.iter().any(|n| n.contains("REQ")), "{names:?}");
    }

    // r[verify cli.help-topics]
    #[test]
    fn a_chapter_runs_to_the_next_chapter() {
        let text = topic("references").unwrap();
        assert!(
            text.starts_with("## 3. Claiming requirements from Rust"),
            "{text}"
        );
        assert!(text.contains("### 3.5 What is never a reference"));
        assert!(!text.contains("## 4. Statuses"));
        let code = topic("Stale-Reference").unwrap();
        assert!(
            code.starts_with("#### `stale-reference` (warning)"),
            "{code}"
        );
        assert!(!code.contains("#### `unknown-parent`"), "{code}");
        assert!(topic("nonsense").is_err());
    }
}

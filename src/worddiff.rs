//! Word diffs of a reworded requirement (PRODUCT.md section 12): the old and the new text as
//! runs of kept, removed and added words, for `show`, the Markdown summary, the HTML detail
//! panel and `reqtrail diff`. The diff itself is the `similar` crate's; this module only cuts
//! it into runs and writes them in each format.

use serde::{Deserialize, Serialize};

/// What happened to a run of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Same,
    Removed,
    Added,
}

/// A run of words (with the whitespace between them) that one [`Op`] applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub op: Op,
    pub text: String,
}

/// A requirement's title and text as one string to diff: a title change shows too.
pub fn whole(title: &str, text: &str) -> String {
    match (title.is_empty(), text.is_empty()) {
        (true, _) => text.to_string(),
        (false, true) => title.to_string(),
        (false, false) => format!("{title}\n\n{text}"),
    }
}

/// The word diff of `old` and `new`, whitespace normalised first (rewrapping is not a change):
/// adjacent runs of the same kind are merged.
pub fn words(old: &str, new: &str) -> Vec<Piece> {
    let old = normalise(old);
    let new = normalise(new);
    let diff = similar::TextDiff::from_words(old.as_str(), new.as_str());
    let mut pieces: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            similar::ChangeTag::Equal => Op::Same,
            similar::ChangeTag::Delete => Op::Removed,
            similar::ChangeTag::Insert => Op::Added,
        };
        let text = change.value();
        match pieces.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            // Whitespace between two removed (or added) words belongs to the run, not to a
            // separate kept run; a kept space is kept only between kept words.
            _ => pieces.push(Piece {
                op,
                text: text.to_string(),
            }),
        }
    }
    pieces
}

/// Paragraphs kept (a blank line stays one), every other run of whitespace one space.
fn normalise(text: &str) -> String {
    text.split("\n\n")
        .map(|para| para.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Whether anything was removed or added.
pub fn changed(pieces: &[Piece]) -> bool {
    pieces.iter().any(|p| p.op != Op::Same)
}

/// `kept [-removed-]{+added+}`, git's `--word-diff=plain` notation, for terminals and logs.
pub fn plain(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        match p.op {
            Op::Same => out.push_str(&p.text),
            Op::Removed => {
                out.push_str("[-");
                out.push_str(p.text.trim());
                out.push_str("-]");
                push_space(&mut out, &p.text);
            }
            Op::Added => {
                out.push_str("{+");
                out.push_str(p.text.trim());
                out.push_str("+}");
                push_space(&mut out, &p.text);
            }
        }
    }
    out
}

/// A removed or added run keeps its trailing whitespace outside the markers.
fn push_space(out: &mut String, text: &str) {
    if text.ends_with(char::is_whitespace) && !text.trim().is_empty() {
        out.push(' ');
    }
}

/// Markdown: removed words struck through, added words in bold; Markdown in the text escaped by
/// `escape` so a requirement cannot inject markup into the comment.
pub fn markdown(pieces: &[Piece], escape: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut last = Op::Same;
    for p in pieces {
        let body = escape(p.text.trim());
        // `~~old~~ **new**` reads better than the two glued together.
        if last == Op::Removed && p.op == Op::Added && !out.ends_with(' ') {
            out.push(' ');
        }
        last = p.op;
        match p.op {
            Op::Same => out.push_str(&escape(&p.text)),
            Op::Removed if !body.is_empty() => {
                out.push_str("~~");
                out.push_str(&body);
                out.push_str("~~");
                push_space(&mut out, &p.text);
            }
            Op::Added if !body.is_empty() => {
                out.push_str("**");
                out.push_str(&body);
                out.push_str("**");
                push_space(&mut out, &p.text);
            }
            _ => out.push_str(&p.text),
        }
    }
    // A paragraph break inside a list item would end it: keep the diff on one line.
    out.replace("\n\n", " ¶ ")
}

/// HTML: `<del>` and `<ins>`, every text escaped.
pub fn html(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        let text = crate::report::html::escape_text(&p.text);
        match p.op {
            Op::Same => out.push_str(&text),
            Op::Removed => {
                out.push_str("<del>");
                out.push_str(&text);
                out.push_str("</del>");
            }
            Op::Added => {
                out.push_str("<ins>");
                out.push_str(&text);
                out.push_str("</ins>");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify change.word-diff]
    #[test]
    fn a_reworded_sentence_shows_removed_and_added_words_only() {
        let pieces = words(
            "The account locks after five failed logins.",
            "The account locks after three failed logins\nwithin a minute.",
        );
        assert_eq!(
            plain(&pieces),
            "The account locks after [-five-]{+three+} failed [-logins.-]{+logins within a minute.+}"
        );
        assert!(changed(&pieces));
        let md = markdown(&pieces, |s| s.to_string());
        assert!(md.contains("~~five~~ **three**"), "{md}");
        let html = html(&words("a <b> c", "a <i> c"));
        assert_eq!(html, "a <del>&lt;b&gt;</del><ins>&lt;i&gt;</ins> c");
    }

    // r[verify change.word-diff]
    #[test]
    fn rewrapping_is_no_change() {
        let pieces = words("one two\n   three four", "one two three\nfour");
        assert!(!changed(&pieces));
        assert_eq!(plain(&pieces), "one two three four");
    }
}

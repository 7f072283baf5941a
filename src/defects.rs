//! Known defects (PRODUCT.md section 11): the ids people write in a `Defect:` attribute, in an
//! `#[ignore = "..."]` reason or a `// Defect: ID` comment on a test, and the link to each in
//! the tracker (`defect-link` in the config).
//!
//! A defect never changes a verdict: a failing requirement with a tracked defect is still
//! failing. The ids are only carried to the reports, beside the failure.

/// Checks a `defect-link` template: an http(s) or relative URL with an `{id}` placeholder,
/// the same rule the `--source-link` template follows (no `javascript:` in a report).
pub(crate) fn check_link(template: &str) -> anyhow::Result<()> {
    let allowed = match crate::report::html::url_scheme(template) {
        None => true,
        Some(scheme) => scheme == "http" || scheme == "https",
    };
    if !allowed {
        anyhow::bail!("must be an http(s) or relative URL template, got `{template}`");
    }
    if !template.contains("{id}") {
        anyhow::bail!("has no `{{id}}` placeholder: write where the defect's id goes, e.g. `https://tracker.example/browse/{{id}}`");
    }
    Ok(())
}

/// The link to defect `id` through a checked template: `#123` is filled in as `123`.
pub fn href(template: &str, id: &str) -> String {
    let bare = id.trim_start_matches('#');
    let encoded: String = bare
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    template.replace("{id}", &encoded)
}

/// The ids in a `Defect:` attribute value: comma- or space-separated, as written.
pub fn from_attribute(value: &str) -> Vec<String> {
    value
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Upper-case words followed by `-N` that name standards and encodings, not tracker keys.
const NOT_TRACKERS: [&str; 12] = [
    "UTF", "ISO", "IEC", "RFC", "SHA", "MD", "UTC", "GMT", "AES", "CVE", "IEEE", "ASCII",
];

/// Defect ids in free text (an `#[ignore]` reason): tracker keys such as `BUG-42` or
/// `PROJ-1234`, and issue numbers written `#123`. Other words are not ids.
pub fn ids_in(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let boundary = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if boundary && bytes[i] == b'#' {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits > 0 {
                ids.push(text[i..i + 1 + digits].to_string());
                i += 1 + digits;
                continue;
            }
        }
        if boundary && bytes[i].is_ascii_uppercase() {
            let letters = bytes[i..]
                .iter()
                .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || **b == b'_')
                .count();
            let dash = i + letters;
            if dash < bytes.len() && bytes[dash] == b'-' {
                let digits = bytes[dash + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let end = dash + 1 + digits;
                let ends_word = end >= bytes.len() || !bytes[end].is_ascii_alphanumeric();
                let key = &text[i..dash];
                if digits > 0 && ends_word && letters >= 2 && !NOT_TRACKERS.contains(&key) {
                    ids.push(text[i..end].to_string());
                    i = end;
                    continue;
                }
            }
            i += letters.max(1);
            continue;
        }
        i += 1;
    }
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify evidence.defects.links]
    #[test]
    fn defect_ids_are_read_from_ignore_reasons() {
        let rows: &[(&str, &[&str])] = &[
            ("bug #123", &["#123"]),
            ("flaky on CI, see BUG-42", &["BUG-42"]),
            ("PROJ_X-7 and #9", &["PROJ_X-7", "#9"]),
            ("needs a database", &[]),
            ("UTF-8 input", &[]),
            ("issue#12 is not an id, but (#12) is", &["#12"]),
            ("ISO-8601x", &[]),
        ];
        for (text, expected) in rows {
            assert_eq!(ids_in(text), *expected, "{text:?}");
        }
    }

    // r[verify evidence.defects.links]
    #[test]
    fn defect_links_are_checked_and_filled() {
        assert!(check_link("https://tracker.example/browse/{id}").is_ok());
        assert!(check_link("/issues/{id}").is_ok());
        assert!(check_link("javascript:alert({id})").is_err());
        assert!(check_link("https://tracker.example/browse/").is_err());
        assert_eq!(
            href("https://github.com/o/r/issues/{id}", "#123"),
            "https://github.com/o/r/issues/123"
        );
        assert_eq!(href("https://t/{id}", "A B"), "https://t/A%20B");
    }
}

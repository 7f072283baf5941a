//! The one list of names the Rust scanner recognises (PRODUCT.md sections 4 and 13): the
//! attributes that make a function a test and the attributes and macros that write a reference.
//! The lexer (which decides whether a file is worth parsing), the syn outline, the fallback
//! scanner and the code-reference reader all ask here, so they cannot disagree.

use crate::model::RefKind;

/// The last path segments that make a function a test (`#[test]`, `#[tokio::test]`,
/// `#[rstest]`, ...), besides the configured `test-attributes`.
pub(crate) const TEST_ATTRIBUTES: &[&str] = &[
    "test",
    "rstest",
    "test_case",
    "wasm_bindgen_test",
    "quickcheck",
    "proptest",
];

/// Whether an attribute whose path is `path` (`tokio::test`) and last segment `last` (`test`)
/// makes a function a test: a built-in name, or a configured one written as the last segment or
/// the whole path.
pub(crate) fn is_test_attribute(last: &str, path: &str, configured: &[String]) -> bool {
    TEST_ATTRIBUTES.contains(&last) || configured.iter().any(|a| a == last || a == path)
}

/// The last path segments of the reference attributes and macros with fixed names; mantra's
/// `req_*` attributes and `*_req!` macros are recognised by their shape (see [`is_reference_name`]).
const REFERENCE_NAMES: &[&str] = &[
    "verifies",
    "req_test",
    "req_verified",
    "implements",
    "req",
    "verify_req",
    "requirement_covered",
    "reqcov",
];

/// The kind a mantra-style name states: `verify_req!`, `assert_req!`, `#[req_verified]` verify;
/// `clarify_req!`, `#[req_note]`, `link_req!` only relate; everything else (`satisfy_req!`,
/// `#[req_satisfied]`, `reqcov!`) implements. mantra lets projects name their own macros, so
/// the word in the name decides rather than a fixed list.
fn mantra_kind(name: &str) -> RefKind {
    if name.contains("verif") || name.contains("test") || name.starts_with("assert") {
        RefKind::Verify
    } else if name.contains("note") || name.contains("clarif") || name.contains("link") {
        RefKind::Related
    } else {
        RefKind::Impl
    }
}

/// The kind of reference an attribute named `name` writes (`#[verifies("ID")]`), if it is one.
pub(crate) fn reference_attribute(name: &str) -> Option<RefKind> {
    match name {
        "verifies" | "req_test" | "req_verified" => Some(RefKind::Verify),
        "implements" | "req" => Some(RefKind::Impl),
        _ if name.len() > 4 && name.starts_with("req_") => Some(mantra_kind(name)),
        _ => None,
    }
}

/// The kind of reference a macro named `name` writes (`verify_req!("ID")`), if it is one.
pub(crate) fn reference_macro(name: &str) -> Option<RefKind> {
    match name {
        "verify_req" => Some(RefKind::Verify),
        "requirement_covered" | "reqcov" => Some(RefKind::Impl),
        _ if name.len() > 4 && name.ends_with("_req") => Some(mantra_kind(name)),
        _ => None,
    }
}

/// Whether an identifier may name a reference attribute or macro; the lexer records where these
/// stand.
pub(crate) fn is_reference_name(word: &[u8]) -> bool {
    REFERENCE_NAMES.iter().any(|c| c.as_bytes() == word)
        || (word.len() > 4 && (word.starts_with(b"req_") || word.ends_with(b"_req")))
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify src.ref.attribute]
    // r[verify src.tests]
    #[test]
    fn every_name_the_readers_accept_is_one_the_lexer_records() {
        // A name `reference_attribute` or `reference_macro` reads must also be recorded by the
        // lexer, or a file holding only that reference would never be read.
        // The fixed names, and mantra's, which are recognised by their shape.
        let mantra = ["req_satisfied", "assert_req", "link_req"];
        let names = REFERENCE_NAMES.iter().chain(mantra.iter());
        for name in names {
            assert!(
                reference_attribute(name).is_some() || reference_macro(name).is_some(),
                "{name} is read"
            );
            assert!(is_reference_name(name.as_bytes()), "{name} is recorded");
        }
        for word in ["request", "require", "_req", "req_", "verify"] {
            assert!(
                reference_attribute(word).is_none() && reference_macro(word).is_none(),
                "{word} is no reference"
            );
        }
        assert!(is_test_attribute("test", "tokio::test", &[]));
        assert!(is_test_attribute("rstest", "rstest", &[]));
        assert!(!is_test_attribute("bench", "bench", &[]));
        let configured = ["my_test".to_string(), "harness::check".to_string()];
        assert!(is_test_attribute("my_test", "my_test", &configured));
        assert!(is_test_attribute("check", "harness::check", &configured));
        assert!(!is_test_attribute("check", "other::check", &configured));
    }
}

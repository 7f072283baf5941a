//! The one grammar of requirement ids and revisions (PRODUCT.md sections 3 and 4), shared by the
//! spec parser, the Rust reference scanner, `show` and the config, so an id that one of them
//! accepts the others read the same way.
//!
//! - A plain id (markers, backticked headings): `[A-Za-z0-9_][A-Za-z0-9_.\-/:]*`.
//! - An id as a reference may name it: the same, plus `~` for OpenFastTrace's `type~name`.
//! - A revision: `ID+N` (markers and references) or `type~name~N` (OpenFastTrace), N decimal.
//! - A marker prefix: `[a-z][a-z0-9_]*` (`r`, `req`, `spec_v2`).

/// An id and the revision it names, if any.
pub(crate) type IdRev = (String, Option<u32>);

/// The first byte of an id.
pub(crate) fn is_id_start(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A byte of a plain id after its first.
pub(crate) fn is_plain_id_byte(b: u8) -> bool {
    is_id_start(b) || matches!(b, b'.' | b'-' | b'/' | b':')
}

/// An id as markers and backticked headings write it.
pub(crate) fn is_plain_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(|&f| is_id_start(f)) && b.iter().all(|&c| is_plain_id_byte(c))
}

/// A byte of an id as a reference may write it (a plain id's, or `~`).
pub(crate) fn is_id_byte(b: u8) -> bool {
    is_plain_id_byte(b) || b == b'~'
}

/// An id as a reference may write it: a plain id, or an OpenFastTrace `type~name`.
pub(crate) fn is_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(|&f| is_id_start(f)) && b[1..].iter().all(|&c| is_id_byte(c))
}

/// A revision number: one or more decimal digits that fit a `u32`.
pub(crate) fn revision_number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `ID` or `ID+N`, as references write them; `None` when it is no id or the revision is
/// malformed (`ID+`, `ID+x`).
pub(crate) fn parse_id(s: &str) -> Option<IdRev> {
    if let Some((id, rev)) = s.rsplit_once('+') {
        return (is_id(id))
            .then(|| revision_number(rev))
            .flatten()
            .map(|n| (id.to_string(), Some(n)));
    }
    is_id(s).then(|| (s.to_string(), None))
}

/// `type~name~N` or `type~name`, as OpenFastTrace tags write them: the id is `type~name`.
pub(crate) fn parse_oft_id(s: &str) -> Option<IdRev> {
    if !is_id(s) {
        return None;
    }
    if let Some((head, last)) = s.rsplit_once('~') {
        if head.contains('~') {
            if let Some(n) = revision_number(last) {
                return Some((head.to_string(), Some(n)));
            }
        }
    }
    Some((s.to_string(), None))
}

/// The id without the revision it names: `auth.login+2` -> `auth.login`, `feat~login~1` ->
/// `feat~login`; anything else unchanged.
pub(crate) fn without_revision(id: &str) -> &str {
    if let Some((base, rev)) = id.rsplit_once('+') {
        if !base.is_empty() && revision_number(rev).is_some() {
            return base;
        }
    }
    if let Some((base, rev)) = id.rsplit_once('~') {
        if base.contains('~') && revision_number(rev).is_some() {
            return base;
        }
    }
    id
}

/// A byte of a marker prefix after its first (the first is `a-z`).
pub(crate) fn is_prefix_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'
}

/// A marker prefix as `PREFIX[id]` markers write it: `[a-z][a-z0-9_]*`.
pub(crate) fn is_marker_prefix(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(|c| c.is_ascii_lowercase()) && b[1..].iter().all(|&c| is_prefix_byte(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify spec.marker]
    // r[verify spec.oft]
    #[test]
    fn ids_revisions_and_prefixes_follow_one_grammar() {
        // (text, a plain id, a reference id, `ID+N` parse, without its revision)
        type Row<'a> = (&'a str, bool, bool, Option<(&'a str, Option<u32>)>, &'a str);
        let rows: &[Row] = &[
            (
                "auth.login",
                true,
                true,
                Some(("auth.login", None)),
                "auth.login",
            ),
            (
                "auth.login+2",
                false,
                false,
                Some(("auth.login", Some(2))),
                "auth.login",
            ),
            ("REQ-012", true, true, Some(("REQ-012", None)), "REQ-012"),
            ("_x/y:z", true, true, Some(("_x/y:z", None)), "_x/y:z"),
            (
                "req~login~2",
                false,
                true,
                Some(("req~login~2", None)),
                "req~login",
            ),
            (
                "req~login",
                false,
                true,
                Some(("req~login", None)),
                "req~login",
            ),
            ("a+", false, false, None, "a+"),
            ("a+x", false, false, None, "a+x"),
            ("a+99999999999", false, false, None, "a+99999999999"),
            ("+1", false, false, None, "+1"),
            ("-a", false, false, None, "-a"),
            ("", false, false, None, ""),
            ("a b", false, false, None, "a b"),
            ("é", false, false, None, "é"),
        ];
        for (text, plain, reference, parsed, base) in rows {
            assert_eq!(is_plain_id(text), *plain, "plain id {text:?}");
            assert_eq!(is_id(text), *reference, "reference id {text:?}");
            let got = parse_id(text);
            let got = got.as_ref().map(|(id, rev)| (id.as_str(), *rev));
            assert_eq!(got, *parsed, "parse_id {text:?}");
            assert_eq!(without_revision(text), *base, "without_revision {text:?}");
        }
        assert_eq!(
            parse_oft_id("req~login~2"),
            Some(("req~login".to_string(), Some(2)))
        );
        assert_eq!(
            parse_oft_id("req~login"),
            Some(("req~login".to_string(), None))
        );
        for good in ["r", "req", "spec_v2", "i"] {
            assert!(is_marker_prefix(good), "{good}");
        }
        for bad in ["R", "x y", "", "2r", "r-x", "_r"] {
            assert!(!is_marker_prefix(bad), "{bad:?}");
        }
    }
}

//! A requirement's fingerprint: a short hash of what it says (PRODUCT.md section 12), so evidence
//! made for other text can be told from evidence made for this text.
//!
//! Only meaning counts: the title, the text and the attributes that change what must be shown
//! (`Needs:`, `Verification:`). Rewrapping, indentation, blank lines, the line it sits on, its
//! tags, priority, lifecycle or waiver do not change it, so a whitespace-only edit never makes
//! evidence suspect.

use crate::model::Requirement;
use sha2::{Digest, Sha256};

/// Hex digits kept of the SHA-256: 64 bits tell texts apart in any real project and stay short
/// enough to write in a verification record by hand.
const HEX_DIGITS: usize = 16;

/// The fingerprint of `req` as the spec parser built it.
pub(crate) fn fingerprint(req: &Requirement) -> String {
    let mut hasher = Sha256::new();
    // Each part is fed as its words joined by one space and ended by a separator byte that
    // cannot occur in text, so moving a word from the title to the text changes the hash.
    let mut part = |text: &str| {
        for (k, word) in text.split_whitespace().enumerate() {
            if k > 0 {
                hasher.update(b" ");
            }
            hasher.update(word.as_bytes());
        }
        hasher.update([0u8]);
    };
    part(&req.title);
    part(&req.text);
    let mut needs: Vec<&str> = req.needs.iter().map(|n| n.trim()).collect();
    needs.sort_unstable();
    part(&needs.join(" "));
    part(req.verification.as_deref().unwrap_or(""));
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(HEX_DIGITS);
    for byte in digest.iter().take(HEX_DIGITS / 2) {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

#[cfg(test)]
mod tests {
    use crate::spec::parse_spec;

    fn fingerprint_of(markdown: &str) -> String {
        let spec = parse_spec("docs/req.md", markdown, &Default::default());
        spec.requirements[0].fingerprint.clone()
    }

    // r[verify change.fingerprint]
    #[test]
    fn rewrapping_and_indentation_keep_the_fingerprint() {
        let one = fingerprint_of(
            "r[a.b]\nThe account locks after three failed logins within a minute.\n",
        );
        let rewrapped = fingerprint_of(
            "\n\nr[a.b]\nThe account locks   after three\n  failed logins\nwithin a minute.\n",
        );
        assert_eq!(one, rewrapped);
        assert_eq!(one.len(), 16);
    }

    // r[verify change.fingerprint]
    #[test]
    fn a_reworded_requirement_or_new_needs_change_it_and_tags_do_not() {
        let base = "r[a.b]\nThe account locks after five failed logins.\n";
        let reworded = "r[a.b]\nThe account locks after three failed logins.\n";
        let needs = "r[a.b]\nNeeds: itest\nThe account locks after five failed logins.\n";
        let tags =
            "r[a.b]\nTags: security\nPriority: high\nThe account locks after five failed logins.\n";
        assert_ne!(fingerprint_of(base), fingerprint_of(reworded));
        assert_ne!(fingerprint_of(base), fingerprint_of(needs));
        assert_eq!(fingerprint_of(base), fingerprint_of(tags));
    }
}

//! Behaviour of `parse_spec` on whole documents: the three realistic fixtures under
//! `fixtures/spec/`, and small inline documents for each rule and each exclusion.

use super::*;
use crate::model::Location;

const PAYMENTS: &str = include_str!("../../fixtures/spec/payments.md");
const CLI: &str = include_str!("../../fixtures/spec/cli.md");
const DESIGN: &str = include_str!("../../fixtures/spec/design.md");

fn parse(text: &str) -> SpecFile {
    parse_spec("docs/spec.md", text, &SpecOptions::default())
}

fn ids(spec: &SpecFile) -> Vec<(&str, u32)> {
    spec.requirements
        .iter()
        .map(|r| (r.id.as_str(), r.location.line))
        .collect()
}

fn req<'a>(spec: &'a SpecFile, id: &str) -> &'a Requirement {
    match spec.requirements.iter().find(|r| r.id == id) {
        Some(r) => r,
        None => panic!("no requirement {id} in {:?}", ids(spec)),
    }
}

fn parents(r: &Requirement) -> Vec<(&str, u32)> {
    r.parents.iter().map(|(p, l)| (p.as_str(), *l)).collect()
}

// r[verify spec.marker]
#[test]
fn payments_fixture_defines_marker_requirements() {
    let spec = parse_spec("docs/payments.md", PAYMENTS, &SpecOptions::default());
    assert_eq!(spec.file, "docs/payments.md");
    assert_eq!(spec.style, Some(DefinitionStyle::Marker));
    assert_eq!(
        spec.marker_prefixes,
        vec!["r".to_string(), "req".to_string()]
    );
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
    assert_eq!(
        ids(&spec),
        vec![
            ("pay.authorize", 8),
            ("pay.authorize.idempotency", 15),
            ("pay.capture", 31),
            ("pay.refund", 37),
            ("pay.currency", 45),
            ("pay.audit", 66),
        ]
    );
    let revisions: Vec<u32> = spec.requirements.iter().map(|r| r.revision).collect();
    assert_eq!(revisions, vec![1, 2, 1, 3, 1, 1]);

    let authorize = req(&spec, "pay.authorize");
    assert_eq!(authorize.location, Location::new("docs/payments.md", 8));
    assert_eq!(authorize.lifecycle, Lifecycle::Approved);
    assert_eq!(authorize.priority.as_deref(), Some("high"));
    assert_eq!(authorize.tags, vec!["card", "pci"]);
    assert_eq!(
        authorize.title,
        "The service authorizes a card payment with the acquirer before the order is confirmed"
    );
    assert_eq!(
        authorize.text,
        "The service authorizes a card payment with the acquirer before the order is confirmed. An\n\
         authorization that takes longer than 3 seconds is abandoned and reported as `timeout`."
    );

    let idempotency = req(&spec, "pay.authorize.idempotency");
    assert_eq!(parents(idempotency), vec![("pay.authorize", 16)]);
    assert_eq!(
        idempotency.fields.get("Rationale").map(String::as_str),
        Some("the checkout retries on network errors.")
    );
    // The text runs on through the code block (whose marker defines nothing) to the heading.
    assert!(idempotency
        .text
        .starts_with("A repeated authorization request"));
    assert!(idempotency.text.ends_with("r[not.a.requirement]\n```"));

    // Glued to the paragraph above it; the list belongs to its text.
    let capture = req(&spec, "pay.capture");
    assert!(capture
        .text
        .ends_with("- A capture after 7 days fails with `expired`."));

    let refund = req(&spec, "pay.refund");
    assert_eq!(
        parents(refund),
        vec![("pay.capture", 39), ("pay.authorize", 40)]
    );
    assert_eq!(
        refund.waived.as_deref(),
        Some("the acquirer sandbox cannot simulate refunds")
    );
    assert_eq!(refund.text, "A refund never exceeds the captured amount.");

    let currency = req(&spec, "pay.currency");
    assert_eq!(currency.verification.as_deref(), Some("inspection"));

    let audit = req(&spec, "pay.audit");
    assert_eq!(audit.lifecycle, Lifecycle::Draft);
    assert_eq!(audit.fields.get("Section").map(String::as_str), Some("4.2"));
    assert_eq!(
        audit.fields.get("Owner").map(String::as_str),
        Some("risk team")
    );
    assert!(audit.text.starts_with("Every state change"));
}

// r[verify spec.heading]
#[test]
fn cli_fixture_defines_heading_requirements() {
    let spec = parse_spec("docs/cli.md", CLI, &SpecOptions::default());
    assert_eq!(spec.style, Some(DefinitionStyle::Heading));
    assert!(spec.marker_prefixes.is_empty());
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
    assert_eq!(
        ids(&spec),
        vec![
            ("CLI-001", 10),
            ("CLI-002", 26),
            ("CLI-003", 33),
            ("CLI-004", 43),
            ("tally.locale", 50),
            ("REQ_LEGACY", 54),
        ]
    );
    let titles: Vec<&str> = spec.requirements.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "Count lines, words and bytes",
            "Read standard input",
            "JSON output",
            "Exit codes",
            "Locale-aware word splitting",
            "",
        ]
    );
    assert!(spec
        .requirements
        .iter()
        .all(|r| r.style == DefinitionStyle::Heading && r.revision == 1));

    let count = req(&spec, "CLI-001");
    assert_eq!(count.lifecycle, Lifecycle::Approved);
    assert_eq!(count.priority.as_deref(), Some("must"));
    assert_eq!(count.verification.as_deref(), Some("test"));
    // The section body ends at the next heading, whatever its level.
    assert_eq!(
        count.text,
        "`tally FILE...` prints one row per file with the line, word and byte counts, then a `total`\n\
         row when more than one file is given."
    );

    let stdin = req(&spec, "CLI-002");
    assert_eq!(parents(stdin), vec![("CLI-001", 28)]);
    assert_eq!(stdin.tags, vec!["stdin", "pipes"]);
    assert_eq!(
        stdin.text,
        "With no FILE, or when FILE is `-`, `tally` reads standard input."
    );

    let json = req(&spec, "CLI-003");
    assert_eq!(parents(json), vec![("CLI-001", 36), ("CLI-002", 37)]);
    assert_eq!(json.needs, vec!["utest", "itest"]);
    assert_eq!(
        json.fields.get("Owner").map(String::as_str),
        Some("tooling team")
    );

    let exits = req(&spec, "CLI-004");
    assert_eq!(exits.lifecycle, Lifecycle::Active);
    assert_eq!(
        exits.fields.get("Status").map(String::as_str),
        Some("retired")
    );
    assert_eq!(exits.waived.as_deref(), Some(""));

    let legacy = req(&spec, "REQ_LEGACY");
    assert_eq!(
        legacy.fields.get("Rationale").map(String::as_str),
        Some("kept for compatibility with the 1.x scripts.")
    );
    assert_eq!(legacy.text, "The `-c` flag is an alias of `--bytes`.");
}

// r[verify spec.oft]
#[test]
fn design_fixture_defines_oft_requirements() {
    let spec = parse_spec("docs/design.md", DESIGN, &SpecOptions::default());
    assert_eq!(spec.style, Some(DefinitionStyle::Oft));
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
    assert_eq!(
        ids(&spec),
        vec![
            ("feat~login-throttle", 9),
            ("req~login-throttle", 18),
            ("req~audit-failed-logins", 33),
            ("dsn~throttle-store", 44),
        ]
    );
    let revisions: Vec<u32> = spec.requirements.iter().map(|r| r.revision).collect();
    assert_eq!(revisions, vec![1, 2, 1, 1]);
    let titles: Vec<&str> = spec.requirements.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "Login throttle",
            "Throttle after failed logins",
            "Audit failed logins",
            "Throttle store"
        ]
    );

    let feature = req(&spec, "feat~login-throttle");
    assert_eq!(feature.needs, vec!["req"]);
    assert_eq!(
        feature.text,
        "Repeated failed logins slow the attacker down without locking out the real user."
    );

    let throttle = req(&spec, "req~login-throttle");
    assert_eq!(throttle.lifecycle, Lifecycle::Approved);
    assert_eq!(parents(throttle), vec![("feat~login-throttle", 29)]);
    assert_eq!(throttle.needs, vec!["dsn", "utest"]);
    assert_eq!(
        throttle.text,
        "After five failed logins for one account within 15 minutes, every further attempt for that\n\
         account is delayed by 30 seconds.\n\nRationale:\nCredential stuffing tools give up on slow targets."
    );

    let audit = req(&spec, "req~audit-failed-logins");
    assert_eq!(parents(audit), vec![("feat~login-throttle", 37)]);
    assert_eq!(audit.needs, vec!["impl", "utest"]);
    assert_eq!(
        audit.text,
        "Every failed login is written to the audit log with the source address."
    );

    let store = req(&spec, "dsn~throttle-store");
    assert_eq!(parents(store), vec![("req~login-throttle", 49)]);
    assert_eq!(store.needs, vec!["impl", "itest"]);
    assert!(store.text.starts_with(
        "The counters live in Redis with a 15 minute expiry, keyed by account id.\n\n```text"
    ));
}

// r[verify spec.marker]
#[test]
fn marker_revision_text_and_title() {
    let spec = parse("# Auth\n\nr[auth.login.lockout+2] After five *failed* logins the account is locked. It unlocks\nafter 30 minutes.\n\nAn administrator can unlock it sooner.\n\nr[auth.logout]\nLogging out ends the session.\n");
    assert_eq!(
        ids(&spec),
        vec![("auth.login.lockout", 3), ("auth.logout", 8)]
    );
    let lockout = req(&spec, "auth.login.lockout");
    assert_eq!(lockout.revision, 2);
    assert_eq!(lockout.style, DefinitionStyle::Marker);
    assert_eq!(
        lockout.title,
        "After five failed logins the account is locked"
    );
    assert_eq!(
        lockout.text,
        "After five *failed* logins the account is locked. It unlocks\nafter 30 minutes.\n\nAn administrator can unlock it sooner."
    );
    let logout = req(&spec, "auth.logout");
    assert_eq!(logout.revision, 1);
    assert_eq!(logout.title, "Logging out ends the session");
}

// r[verify spec.marker]
#[test]
fn long_first_sentence_is_cut_with_an_ellipsis() {
    let sentence = "The exporter writes every field of every record ".repeat(4);
    let spec = parse(&format!("r[export.all]\n{sentence}\n"));
    let title = &req(&spec, "export.all").title;
    assert_eq!(title.chars().count(), 100);
    assert!(title.ends_with('…'));
    assert!(title.starts_with("The exporter writes every field"));
}

// r[verify spec.marker]
#[test]
fn other_prefixes_only_count_alone_on_their_line() {
    let spec = parse("Note that array[i] is zero here.\n\narray[i] is zero.\n\nreq[store.size]\nThe store holds 1000 items.\n\nr[store.evict] Evicts the oldest item.\n");
    assert_eq!(ids(&spec), vec![("store.size", 5), ("store.evict", 8)]);
    assert_eq!(
        spec.marker_prefixes,
        vec!["r".to_string(), "req".to_string()]
    );
    assert_eq!(req(&spec, "store.evict").text, "Evicts the oldest item.");

    // A configured prefix may be followed by text on its line, like `r`.
    let options = SpecOptions {
        prefixes: vec!["r".to_string(), "req".to_string()],
        ..SpecOptions::default()
    };
    let spec = parse_spec("x.md", "req[store.size] Holds 1000 items.\n", &options);
    assert_eq!(ids(&spec), vec![("store.size", 1)]);
    assert_eq!(spec.requirements[0].text, "Holds 1000 items.");
    // `r[x]text` and `r[x]` mid-line are no markers.
    assert_eq!(parse("r[x]text\n\nSee r[y] here.\n").style, None);
}

// r[verify spec.marker]
#[test]
fn marker_lines_glued_by_commonmark_still_count() {
    let text = "Intro paragraph that runs on\nr[glued.para]\nText of the glued one.\n\n- a list item\nr[glued.item]\nText after the item.\n\nr[first]\nr[second]\nSecond's text.\n";
    let spec = parse(text);
    assert_eq!(
        ids(&spec),
        vec![
            ("glued.para", 2),
            ("glued.item", 6),
            ("first", 9),
            ("second", 10)
        ]
    );
    // The text runs to the next marker, so the list after it belongs to it.
    assert_eq!(
        req(&spec, "glued.para").text,
        "Text of the glued one.\n\n- a list item"
    );
    assert_eq!(req(&spec, "glued.item").text, "Text after the item.");
    assert_eq!(req(&spec, "first").text, "");
    assert_eq!(req(&spec, "second").text, "Second's text.");
    // Glued, but not alone on its line: prose.
    assert_eq!(parse("Intro\nr[x] more text\n").style, None);
}

// r[verify spec.marker]
// r[verify spec.quote]
#[test]
fn markers_inside_blockquotes() {
    let text = "> r[q.one+4]\n> Status: deprecated\n>\n> Quoted text.\n> > A nested quote stays quoted.\n\nNot part of q.one.\n\n> > r[q.two]\n> > Deeply quoted.\n";
    let spec = parse(text);
    assert_eq!(ids(&spec), vec![("q.one", 1), ("q.two", 9)]);
    let one = req(&spec, "q.one");
    assert_eq!(one.revision, 4);
    assert_eq!(one.lifecycle, Lifecycle::Deprecated);
    assert_eq!(one.text, "Quoted text.\n> A nested quote stays quoted.");
    assert_eq!(req(&spec, "q.two").text, "Deeply quoted.");
}

// r[verify spec.detect]
#[test]
fn headings_are_only_headings_in_marker_files() {
    let text = "# Reference\n\n## `asm`\n\n## STDERR_ERROR: what goes to stderr\n\nr[asm.syntax]\nThe syntax of `asm!`.\n\n## REQ-001: Looks like an id\n\nr[asm.operands]\nOperands are listed after the template.\n";
    let spec = parse(text);
    assert_eq!(spec.style, Some(DefinitionStyle::Marker));
    assert_eq!(ids(&spec), vec![("asm.syntax", 7), ("asm.operands", 12)]);
    // The heading still ends the text above it.
    assert_eq!(req(&spec, "asm.syntax").text, "The syntax of `asm!`.");
}

// r[verify spec.detect]
#[test]
fn style_is_detected_per_file_and_can_be_pinned() {
    let mixed = "## REQ-001: Heading style\n\nText.\n\n`req~oft-style~1`\n\nMore.\n";
    let spec = parse(mixed);
    assert_eq!(spec.style, Some(DefinitionStyle::Oft));
    assert_eq!(ids(&spec), vec![("req~oft-style", 5)]);
    assert_eq!(req(&spec, "req~oft-style").title, "REQ-001: Heading style");

    let all = format!("{mixed}\nr[marker.style]\nWins over both.\n");
    let spec = parse(&all);
    assert_eq!(spec.style, Some(DefinitionStyle::Marker));
    assert_eq!(ids(&spec), vec![("marker.style", 9)]);

    let pinned = SpecOptions {
        style: Some(DefinitionStyle::Heading),
        ..SpecOptions::default()
    };
    let spec = parse_spec("x.md", &all, &pinned);
    assert_eq!(spec.style, Some(DefinitionStyle::Heading));
    assert_eq!(ids(&spec), vec![("REQ-001", 1)]);

    let custom = SpecOptions {
        heading_id: regex::Regex::new("^(?:SR[0-9]+)$").ok(),
        ..SpecOptions::default()
    };
    let spec = parse_spec(
        "x.md",
        "# SR12: Custom pattern\n\n# REQ-1: Default pattern\n",
        &custom,
    );
    assert_eq!(ids(&spec), vec![("SR12", 1)]);

    let nothing = parse("# Notes\n\nJust prose.\n");
    assert_eq!(nothing.style, None);
    assert!(nothing.requirements.is_empty());
}

// r[verify spec.exclusions]
#[test]
fn nothing_in_code_defines_a_requirement() {
    let text = "```markdown\nr[fenced]\n## REQ-100: fenced\n`req~fenced~1`\n```\n\n~~~\nr[tilde.fenced]\n~~~\n\n    r[indented]\n    ## REQ-101: indented\n\nUse `r[inline]` like this, or a span over lines: `see\nr[spanned]\n` here.\n\n- item\n\n      r[indented.in.list]\n";
    for style in [
        None,
        Some(DefinitionStyle::Marker),
        Some(DefinitionStyle::Heading),
        Some(DefinitionStyle::Oft),
    ] {
        let options = SpecOptions {
            style,
            ..SpecOptions::default()
        };
        let spec = parse_spec("x.md", text, &options);
        assert!(spec.requirements.is_empty(), "{style:?}: {:?}", ids(&spec));
        assert_eq!(spec.style, None);
    }
}

// r[verify spec.exclusions]
#[test]
fn nothing_in_html_or_comments_defines_a_requirement() {
    let text = "<div class=\"note\">\nr[html.block]\n</div>\n\n<!--\nr[comment.block]\n## REQ-200: commented out\n-->\n\nText <!-- a comment over\nr[comment.inline]\nlines --> and <span\ntitle=\"x\nr[html.inline]\n\">tags</span>.\n\n<details>\n`req~in.html~1`\n</details>\n";
    let spec = parse(text);
    assert!(spec.requirements.is_empty(), "{:?}", ids(&spec));
}

// r[verify spec.exclusions]
#[test]
fn reqtrail_off_and_on_switch_definitions() {
    let text = "r[before]\nBefore.\n\n<!-- reqtrail:off -->\n\nr[hidden]\nHidden.\n\n## REQ-300: hidden heading\n\n<!--reqtrail:on-->\n\nr[after]\nAfter.\n\nInline switch <!-- reqtrail:off --> to the end.\n\nr[never]\n";
    let spec = parse(text);
    assert_eq!(ids(&spec), vec![("before", 1), ("after", 13)]);
    let pinned = SpecOptions {
        style: Some(DefinitionStyle::Heading),
        ..SpecOptions::default()
    };
    assert!(parse_spec("x.md", text, &pinned).requirements.is_empty());
}

// r[verify spec.location]
#[test]
fn lines_are_exact_with_crlf_and_without_final_newline() {
    let lf = "# Title\n\nr[a]\nText a.\n\n> r[b]\n\n```\nr[c]\n```\n- item\nr[d]";
    let crlf = lf.replace('\n', "\r\n");
    for text in [lf.to_string(), crlf] {
        let spec = parse(&text);
        assert_eq!(ids(&spec), vec![("a", 3), ("b", 6), ("d", 12)]);
        assert_eq!(req(&spec, "a").text, "Text a.");
        assert!(spec.requirements.iter().all(|r| !r.text.contains('\r')));
    }
    // A byte-order mark moves nothing.
    let spec = parse("\u{feff}r[bom]\r\nText.\r\n\r\nr[second]\r\n");
    assert_eq!(ids(&spec), vec![("bom", 1), ("second", 4)]);
    let heading = "# Doc\r\n\r\n## REQ-1: One\r\nStatus: draft\r\nBody one.\r\n\r\n## REQ-2: Two\r\nBody two.";
    let spec = parse(heading);
    assert_eq!(ids(&spec), vec![("REQ-1", 3), ("REQ-2", 7)]);
    assert_eq!(req(&spec, "REQ-1").lifecycle, Lifecycle::Draft);
    assert_eq!(req(&spec, "REQ-1").title, "One");
    assert_eq!(req(&spec, "REQ-2").text, "Body two.");
}

// r[verify spec.attributes]
#[test]
fn bold_keys_list_keys_and_bullet_values() {
    let text = "## REQ-10: Attributes\n\n**Status:** proposed\n**Priority**: P1\n- Tags: api, v2\n- Covers:\n  - REQ-1\n  - `REQ-2+3`\n- Section: 4.2\nNeeds:\n\n* impl\n* utest\n\nParents: REQ-7 REQ-8\nRefines: [REQ-9](#req-9)\nThe text starts here: with a colon.\n";
    let spec = parse(text);
    let r = req(&spec, "REQ-10");
    assert_eq!(r.lifecycle, Lifecycle::Proposed);
    assert_eq!(r.priority.as_deref(), Some("P1"));
    assert_eq!(r.tags, vec!["api", "v2"]);
    assert_eq!(
        parents(r),
        vec![
            ("REQ-1", 7),
            ("REQ-2", 8),
            ("REQ-7", 15),
            ("REQ-8", 15),
            ("REQ-9", 16)
        ]
    );
    assert_eq!(r.fields.get("Section").map(String::as_str), Some("4.2"));
    assert_eq!(r.needs, vec!["impl", "utest"]);
    assert_eq!(r.fields.len(), 1);
    assert_eq!(r.text, "The text starts here: with a colon.");
}

// r[verify spec.attributes]
#[test]
fn attributes_stop_at_the_first_other_line() {
    let text = "r[stop]\nStatus: draft\n\nThe service retries three times.\nOwner: not an attribute any more\n";
    let spec = parse(text);
    let r = req(&spec, "stop");
    assert_eq!(r.lifecycle, Lifecycle::Draft);
    assert!(r.fields.is_empty());
    assert_eq!(
        r.text,
        "The service retries three times.\nOwner: not an attribute any more"
    );
    assert_eq!(r.title, "The service retries three times");
}

// r[verify spec.attributes]
#[test]
fn waived_with_and_without_reason() {
    let text = "r[w.reason]\nWaived: needs hardware we do not have\nText.\n\nr[w.empty]\nWaived:\n\nText.\n\nr[w.list]\nWaived:\n- lab closed\n- no vendor support\n\nr[w.none]\nText.\n";
    let spec = parse(text);
    assert_eq!(
        req(&spec, "w.reason").waived.as_deref(),
        Some("needs hardware we do not have")
    );
    assert_eq!(req(&spec, "w.empty").waived.as_deref(), Some(""));
    assert_eq!(req(&spec, "w.empty").text, "Text.");
    assert_eq!(
        req(&spec, "w.list").waived.as_deref(),
        Some("lab closed, no vendor support")
    );
    assert_eq!(req(&spec, "w.none").waived, None);
}

// r[verify spec.attributes]
#[test]
fn unknown_status_keeps_active_and_the_raw_value() {
    let spec = parse("r[s.odd]\nStatus: Retired\nText.\n\nr[s.ok]\nstatus: DEPRECATED\nText.\n");
    let odd = req(&spec, "s.odd");
    assert_eq!(odd.lifecycle, Lifecycle::Active);
    assert_eq!(
        odd.fields.get("Status").map(String::as_str),
        Some("Retired")
    );
    let ok = req(&spec, "s.ok");
    assert_eq!(ok.lifecycle, Lifecycle::Deprecated);
    assert!(ok.fields.is_empty());
}

// r[verify spec.oft]
// r[verify spec.oft.late-attributes]
#[test]
fn oft_ids_headings_titles_and_late_attributes() {
    let text = "# Design\n\n## Storage\n\n`dsn~storage~3`\n\nNeeds: impl\n\nData is kept in SQLite.\n\nCovers:\n- `req~persist~2`\n\n## `req~persist~2`\n\nEvery change is persisted.\n\n## req~backup~1: Nightly backups\n\nA backup runs at 02:00.\n\n`dsn~second~1`\n\nUnder the same heading.\n";
    let spec = parse(text);
    assert_eq!(
        ids(&spec),
        vec![
            ("dsn~storage", 5),
            ("req~persist", 14),
            ("req~backup", 18),
            ("dsn~second", 22)
        ]
    );
    let storage = req(&spec, "dsn~storage");
    assert_eq!(storage.revision, 3);
    assert_eq!(storage.title, "Storage");
    assert_eq!(storage.needs, vec!["impl"]);
    assert_eq!(parents(storage), vec![("req~persist", 12)]);
    assert_eq!(storage.text, "Data is kept in SQLite.");
    assert_eq!(req(&spec, "req~persist").title, "");
    assert_eq!(req(&spec, "req~persist").revision, 2);
    assert_eq!(req(&spec, "req~backup").title, "Nightly backups");
    // Text stops at the next OFT id, even under the same heading.
    assert_eq!(req(&spec, "req~backup").text, "A backup runs at 02:00.");
    assert_eq!(req(&spec, "dsn~second").title, "Nightly backups");
    // Inside a list item or with other text on the line, an OFT id is a reference, not a definition.
    let spec = parse("- `req~x~1`\n\nSee `req~y~1` here.\n\n  `req~z~1`\n");
    assert_eq!(spec.style, None);
}

// r[verify spec.duplicate-id]
#[test]
fn an_id_defined_twice_in_a_file_is_an_error_naming_both_places() {
    let spec = parse_spec(
        "docs/auth.md",
        "r[auth.login]\nFirst.\n\n## Later\n\nr[auth.login+2]\nSecond.\n",
        &SpecOptions::default(),
    );
    assert_eq!(ids(&spec), vec![("auth.login", 1)]);
    assert_eq!(spec.diagnostics.len(), 1);
    let d = &spec.diagnostics[0];
    assert_eq!(d.code, Code::DuplicateId);
    assert_eq!(d.severity, crate::model::Severity::Error);
    assert_eq!(d.location, Some(Location::new("docs/auth.md", 6)));
    assert!(d.message.contains("docs/auth.md:1"), "{}", d.message);
    assert!(d.message.contains("docs/auth.md:6"), "{}", d.message);
    assert!(d.message.contains("auth.login"), "{}", d.message);

    let headings = parse("## REQ-1: A\n\n## REQ-1: B\n");
    assert_eq!(headings.diagnostics.len(), 1);
    let oft = parse("`req~a~1`\n\n`req~a~2`\n");
    assert_eq!(oft.diagnostics.len(), 1);
    // Ids are case-sensitive.
    assert!(parse("r[a]\n\nr[A]\n").diagnostics.is_empty());
}

// r[verify spec.robust]
#[test]
fn hostile_input_never_panics() {
    let deep = format!("{} r[deep]\nText.\n", ">".repeat(10_000));
    let spec = parse(&deep);
    assert_eq!(ids(&spec), vec![("deep", 1)]);
    assert_eq!(req(&spec, "deep").text, "Text.");

    let stairs: String = (0..2_000)
        .map(|i| format!("{} r[s{i}]\n", ">".repeat(i)))
        .collect();
    assert!(!parse(&stairs).requirements.is_empty());

    let huge = format!("r[big] {}\n", "word ".repeat(2_000_000));
    let spec = parse(&huge);
    assert_eq!(req(&spec, "big").title.chars().count(), 100);
    let huge_heading = format!("# {}\n", ":".repeat(10_000_000));
    assert!(parse(&huge_heading).requirements.is_empty());
    let huge_id = format!("r[{}]\n", "a".repeat(10_000_000));
    assert_eq!(parse(&huge_id).requirements[0].id.len(), 10_000_000);

    // Many blank lines inside an item: each is looked at a bounded number of times.
    let blanks = format!(
        "`req~a~1`\n{}Needs: impl\n\nText.\n",
        "\n".repeat(1_000_000)
    );
    // Quadratic work here would not finish; the CI profile's time limit catches that.
    let spec = parse(&blanks);
    assert_eq!(req(&spec, "req~a").needs, vec!["impl"]);
    let blanks = format!("r[a]\nCovers:\n{}x\n", "\n".repeat(1_000_000));
    assert_eq!(req(&parse(&blanks), "a").text, "x");

    let unicode = "# Überblick\n\n## ÄNDERUNG-1: Umlaut\n\nr[straße]\n\n`req~größe~1`\n\n## `名前`: Titel\n\nr[ok.ü] é\n\nr[ok] Ünïcödé text — with dashes… ".to_string()
        + &"é".repeat(300);
    let spec = parse(&unicode);
    assert_eq!(ids(&spec), vec![("ok", 13)]);
    assert_eq!(req(&spec, "ok").title.chars().count(), 100);
    let custom = SpecOptions {
        heading_id: regex::Regex::new(r"^(?:\p{Lu}+-[0-9]+)$").ok(),
        ..SpecOptions::default()
    };
    let spec = parse_spec("x.md", &unicode, &custom);
    assert_eq!(spec.style, Some(DefinitionStyle::Marker));

    for text in [
        "",
        "\n",
        "\r\n",
        "r[",
        "r[x",
        ">",
        "#",
        "`",
        "```",
        "<!--",
        "- ",
        "r[x]",
        "\u{feff}r[x]\n",
        "*\0*",
    ] {
        let _ = parse(text);
        for style in [
            DefinitionStyle::Marker,
            DefinitionStyle::Heading,
            DefinitionStyle::Oft,
        ] {
            let options = SpecOptions {
                style: Some(style),
                ..SpecOptions::default()
            };
            let _ = parse_spec("x.md", text, &options);
        }
    }
    assert_eq!(parse("r[x]").requirements.len(), 1);
}

/// A spec file of the shape the bars assume: `count` marker requirements with attributes, a
/// paragraph, a list and now and then a code block, under a heading every ten requirements.
fn synthetic_spec(file: usize, count: usize) -> String {
    let mut out = format!("# Area {file}\n\nIntro to area {file}.\n\n");
    for i in 0..count {
        if i % 10 == 0 {
            out.push_str(&format!("## Group {}\n\n", i / 10));
        }
        out.push_str(&format!(
            "r[area{file}.group{}.req{i}+2]\nStatus: approved\nCovers: area{file}.root, area{file}.other\nTags: a, b\n\n\
             The component shall handle case {i} within `{i}` ms. It logs the outcome.\n\
             A second line of the paragraph with *emphasis* and a [link](https://example.com).\n\n\
             - first point\n- second point\n\n",
            i / 10
        ));
        if i % 7 == 0 {
            out.push_str("```rust\nlet x = r[not.a.req];\n```\n\n");
        }
    }
    out
}

// r[verify spec.robust]
#[test]
fn a_hundred_files_of_a_hundred_requirements_parse_completely() {
    // Their speed is measured by benches/parsers.rs and scripts/bench, not asserted here.
    let files: Vec<String> = (0..100).map(|f| synthetic_spec(f, 100)).collect();
    let options = SpecOptions::default();
    let mut ids = std::collections::BTreeSet::new();
    for (f, text) in files.iter().enumerate() {
        let spec = parse_spec(&format!("docs/area{f}.md"), text, &options);
        assert!(spec.diagnostics.is_empty());
        assert_eq!(spec.requirements.len(), 100, "docs/area{f}.md");
        // Each one where the text puts it, and owning lines up to the next one.
        for pair in spec.requirements.windows(2) {
            assert!(pair[0].location.line < pair[1].location.line);
            assert!(pair[0].span.last < pair[1].location.line);
            assert!(pair[0].span.first == pair[0].location.line);
        }
        for r in &spec.requirements {
            let line = text.lines().nth(r.location.line as usize - 1).unwrap_or("");
            assert!(line.contains(&r.id), "{}: {line}", r.id);
            ids.insert(r.id.clone());
        }
    }
    assert_eq!(ids.len(), 10_000, "every id once");
}

// r[verify spec.marker]
// r[verify spec.detect]
#[test]
fn reqtrails_own_requirements_parse() {
    let text = include_str!("../../docs/requirements.md");
    let spec = parse_spec("docs/requirements.md", text, &SpecOptions::default());
    assert_eq!(spec.style, Some(DefinitionStyle::Marker));
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
    assert_eq!(spec.marker_prefixes, vec!["r".to_string()]);
    for id in [
        "spec.marker",
        "spec.heading",
        "spec.oft",
        "spec.duplicate-id",
        "src.attach",
    ] {
        let r = req(&spec, id);
        assert!(!r.text.is_empty() && !r.title.is_empty(), "{id}: {r:?}");
        let marker = format!("r[{id}]");
        assert_eq!(
            text.lines().nth(r.location.line as usize - 1),
            Some(marker.as_str())
        );
    }
}

proptest::proptest! {
    // Shrunk failures are reported in the test output; no regressions file is written.
    #![proptest_config(proptest::test_runner::Config {
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    })]

    // r[verify spec.robust]
    #[test]
    fn arbitrary_markdown_never_panics(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "r[a]", "r[a+2]", "req[b.c]", "x[y]", "`req~n~1`", "## ", "# REQ-1: t", "`id`: ",
                "> ", ">", "- ", "* ", "1. ", "    ", "\t", "```", "~~~", "`", "<!--", "-->",
                "<!-- reqtrail:off -->", "<!-- reqtrail:on -->", "<div>", "</div>", "Status: draft",
                "**Covers:** a", "Covers:", "Waived:", "\n", "\r\n", "\n\n", " ", "text", "é", "—",
                "\u{feff}", "===", "---", "[l](u)", "*", "_", "\\", "+", "~", ":",
            ]),
            0..60,
        ),
        style in proptest::option::of(proptest::sample::select(vec![
            DefinitionStyle::Marker, DefinitionStyle::Heading, DefinitionStyle::Oft,
        ])),
    ) {
        let text: String = pieces.concat();
        let options = SpecOptions { style, ..SpecOptions::default() };
        let spec = parse_spec("fuzz.md", &text, &options);
        let line_count = text.split('\n').count() as u32;
        for r in &spec.requirements {
            proptest::prop_assert!(r.location.line >= 1 && r.location.line <= line_count);
            proptest::prop_assert!(!r.id.is_empty());
            if r.style == DefinitionStyle::Marker {
                proptest::prop_assert!(r.title.chars().count() <= 100);
            }
        }
        proptest::prop_assert_eq!(spec.style.is_some(), !spec.requirements.is_empty());
    }

    // r[verify spec.robust]
    #[test]
    fn arbitrary_text_never_panics(text in "(?s).{0,300}") {
        for style in [None, Some(DefinitionStyle::Marker), Some(DefinitionStyle::Heading), Some(DefinitionStyle::Oft)] {
            let options = SpecOptions { style, ..SpecOptions::default() };
            let spec = parse_spec("fuzz.md", &text, &options);
            proptest::prop_assert_eq!(spec.style.is_some(), !spec.requirements.is_empty());
        }
    }
}

//! Reports for the HTML and CSV renderer tests: a realistic hand-built one (with hostile
//! content in it) and a generated one of any size. Shared by `html_report.rs` and
//! `html_browser.rs`; each uses part of it, hence the `dead_code` allowance.
#![allow(dead_code)]

use reqtrail::model::{Code, Lifecycle, Severity, Status, TestStatus};
use reqtrail::report::{
    Coverage, DiagnosticEntry, Implementation, Report, RequirementEntry, Summary, TestEntry, Tool,
    Verification, SCHEMA,
};
use std::collections::BTreeMap;

/// The id of the requirement whose title, text and test are hostile.
pub const HOSTILE_ID: &str = "auth.hostile";
pub const HOSTILE_TITLE: &str = "<script>window.__xss=1</script>";
pub const HOSTILE_TEXT: &str = "Attackers write <img src=x onerror=\"window.__xss=2\"> and \
     [click me](javascript:window.__xss=3) and <b onmouseover=\"window.__xss=7\">hover</b>.";
pub const HOSTILE_TEST_FILE: &str = "tests/<svg onload=window.__xss=4>.rs";
pub const HOSTILE_MESSAGE: &str = "</script><script>window.__xss=5</script>";
pub const HOSTILE_DIAGNOSTIC: &str = "unknown requirement `<script>window.__xss=6</script>`";

pub struct Req {
    pub id: &'static str,
    pub title: &'static str,
    pub file: &'static str,
    pub line: u32,
    pub lifecycle: Lifecycle,
    pub status: Status,
    pub reason: &'static str,
    pub text: &'static str,
    /// (test path, binary, file, line, result)
    pub tests: Vec<(&'static str, &'static str, &'static str, u32, TestStatus)>,
    pub impls: Vec<(&'static str, &'static str, u32)>,
    pub parents: Vec<&'static str>,
    pub children: Vec<&'static str>,
    pub tags: Vec<&'static str>,
    pub waived: Option<&'static str>,
    pub stale: bool,
}

fn req(id: &'static str, title: &'static str, file: &'static str, line: u32) -> Req {
    Req {
        id,
        title,
        file,
        line,
        lifecycle: Lifecycle::Active,
        status: Status::Unverified,
        reason: "no verifying test",
        text: "",
        tests: Vec::new(),
        impls: Vec::new(),
        parents: Vec::new(),
        children: Vec::new(),
        tags: Vec::new(),
        waived: None,
        stale: false,
    }
}

/// A small project as an analyzer would report it: three documents, every status, every
/// lifecycle, failing and skipped tests, a waiver, a stale reference, parents and children,
/// Markdown text, and hostile strings in a title, a text, a file name, a failure message and
/// a diagnostic.
pub fn sample_report() -> Report {
    use Lifecycle::*;
    use TestStatus::*;
    let auth = "docs/auth.md";
    let pay = "docs/payments.md";
    let api = "docs/api.md";
    let reqs = vec![
        Req {
            status: Status::Failing,
            reason: "child auth.login.lockout is failing",
            text: "A registered user **logs in** with their email address and password.\n\n\
                   - the password is checked with `argon2id`\n\
                   - a session token is issued\n\nSee [OWASP ASVS](https://owasp.org/www-project-application-security-verification-standard/).",
            tests: vec![
                ("auth::tests::login_ok", "gateway", "src/auth.rs", 120, Passed),
                ("auth::tests::login_wrong_password", "gateway", "src/auth.rs", 134, Passed),
            ],
            impls: vec![("auth::login", "src/auth.rs", 12)],
            children: vec!["auth.login.lockout"],
            tags: vec!["security"],
            ..req("auth.login", "Log in with email and password", auth, 7)
        },
        Req {
            status: Status::Failing,
            reason: "test auth::tests::lockout_after_five failed",
            text: "After five failed logins within 15 minutes the account is locked for 30 minutes.",
            tests: vec![("auth::tests::lockout_after_five", "gateway", "src/auth.rs", 160, Failed)],
            impls: vec![("auth::record_failure", "src/auth.rs", 58)],
            parents: vec!["auth.login"],
            tags: vec!["security"],
            ..req("auth.login.lockout", "Lock the account after five failed logins", auth, 21)
        },
        Req {
            text: "Logging out ends the session.\nThe server invalidates the session token.",
            impls: vec![("auth::logout", "src/auth.rs", 80)],
            ..req("auth.logout", "Logging out ends the session", auth, 33)
        },
        Req {
            status: Status::Partial,
            reason: "child auth.password-reset.expiry is unverified",
            text: "A user can reset a forgotten password through a link sent by email.",
            tests: vec![("auth::tests::reset_link_sent", "gateway", "src/auth.rs", 200, Passed)],
            children: vec!["auth.password-reset.expiry"],
            ..req("auth.password-reset", "Reset a forgotten password by email", auth, 41)
        },
        Req {
            text: "A reset link expires after one hour.",
            parents: vec!["auth.password-reset"],
            ..req("auth.password-reset.expiry", "Reset links expire after one hour", auth, 50)
        },
        Req {
            lifecycle: Draft,
            text: "Administrators log in with a second factor (TOTP).",
            ..req("auth.mfa", "Second factor for administrators", auth, 58)
        },
        Req {
            lifecycle: Deprecated,
            status: Status::Verified,
            reason: "verified by 1 passing test",
            text: "Single sign-on through SAML 2.0.",
            tests: vec![("auth::tests::saml_roundtrip", "gateway", "src/auth.rs", 240, Passed)],
            ..req("auth.sso", "Single sign-on through SAML", auth, 64)
        },
        Req {
            status: Status::Verified,
            reason: "verified by 1 passing test",
            text: HOSTILE_TEXT,
            tests: vec![("hostile_file_name", "gateway::xss", HOSTILE_TEST_FILE, 3, Passed)],
            ..req(HOSTILE_ID, HOSTILE_TITLE, auth, 70)
        },
        Req {
            status: Status::Verified,
            reason: "verified by 2 passing tests",
            text: "A card is charged once per order; the amount and currency come from the order.\n\n\
                   | field | source |\n|---|---|\n| amount | order total |\n| currency | order currency |",
            tests: vec![
                ("pay::charge::tests::charges_once", "gateway", "src/pay/charge.rs", 90, Passed),
                ("charge_flow", "gateway::e2e", "tests/e2e.rs", 14, Passed),
            ],
            impls: vec![("pay::charge::charge", "src/pay/charge.rs", 20)],
            tags: vec!["pci", "critical"],
            ..req("pay.charge", "Charge a card once per order", pay, 5)
        },
        Req {
            status: Status::Verified,
            reason: "verified by 2 passing tests",
            text: "A payment can be refunded within 180 days of the charge.",
            tests: vec![
                ("pay::refund::tests::full_refund", "gateway", "src/pay/refund.rs", 40, Passed),
                ("pay::refund::tests::refund_after_deadline", "gateway", "src/pay/refund.rs", 55, Passed),
                ("pay::refund::tests::refund_in_other_currency", "gateway", "src/pay/refund.rs", 70, Skipped),
            ],
            impls: vec![
                ("pay::refund::refund", "src/pay/refund.rs", 10),
                ("pay::refund::check_deadline", "src/pay/refund.rs", 25),
                ("pay::ledger::reverse", "src/pay/ledger.rs", 31),
            ],
            children: vec!["pay.refund.partial"],
            tags: vec!["pci"],
            ..req("pay.refund", "Refund within 180 days", pay, 14)
        },
        Req {
            status: Status::Failing,
            reason: "test pay::refund::tests::partial_refund_twice errored",
            text: "Several partial refunds may be made as long as their sum does not exceed the charge.",
            tests: vec![("pay::refund::tests::partial_refund_twice", "gateway", "src/pay/refund.rs", 88, Errored)],
            parents: vec!["pay.refund"],
            ..req("pay.refund.partial", "Partial refunds up to the charged amount", pay, 22)
        },
        Req {
            status: Status::Waived,
            reason: "waived: Only EUR is offered in release 1",
            waived: Some("Only EUR is offered in release 1"),
            text: "Only ISO 4217 currency codes are accepted.",
            ..req("pay.currency", "ISO 4217 currencies only", pay, 30)
        },
        Req {
            reason: "only a stale reference (revision 1; the spec is at revision 2)",
            text: "A request with an idempotency key that was seen in the last 24 hours returns the first response.",
            tests: vec![("pay::tests::idempotent_retry", "gateway", "src/pay/mod.rs", 300, Passed)],
            stale: true,
            ..req("pay.idempotency", "Idempotency keys for 24 hours", pay, 38)
        },
        Req {
            reason: "its tests were not run",
            text: "Every charge and refund writes an audit record with who, what and when.",
            tests: vec![("audit_log_written", "gateway::e2e", "tests/e2e.rs", 60, NotRun)],
            tags: vec!["compliance"],
            ..req("pay.audit", "Audit log of every charge and refund", pay, 46)
        },
        Req {
            status: Status::Verified,
            reason: "verified by 1 passing test",
            text: "Each client may make 100 requests per minute; more get HTTP 429.",
            tests: vec![("rate_limit_429", "gateway::api", "tests/api.rs", 22, Passed)],
            impls: vec![("api::limit::RateLimiter", "src/api/limit.rs", 8)],
            ..req("REQ-001", "Rate limit of 100 requests per minute", api, 3)
        },
        Req {
            text: "Errors are JSON objects `{\"code\": ..., \"message\": ...}` with a stable code.",
            ..req("REQ-002", "JSON errors with a stable code", api, 11)
        },
        Req {
            lifecycle: Proposed,
            text: "Clients can subscribe to webhooks.",
            ..req("REQ-003", "Webhooks for payment events", api, 19)
        },
        Req {
            lifecycle: Rejected,
            text: "XML responses.",
            ..req("REQ-004", "XML responses", api, 25)
        },
    ];
    let mut report = build_report(
        "pay-gateway",
        reqs,
        vec![
            diag(
                Code::UnknownReference,
                "unknown requirement `pay.refnd`",
                "src/pay/refund.rs",
                88,
                Some("pay.refund"),
            ),
            diag(
                Code::StaleReference,
                "`pay.idempotency+1` names revision 1; the spec is at revision 2",
                "src/pay/mod.rs",
                298,
                None,
            ),
            diag(
                Code::VerifyOutsideTest,
                "`auth.logout` is verified outside any test",
                "src/auth.rs",
                78,
                None,
            ),
            diag(
                Code::UnknownReference,
                HOSTILE_DIAGNOSTIC,
                "src/<b>bold</b>.rs",
                1,
                None,
            ),
        ],
    );
    // A test that verifies nothing, with a message that tries to end the data block.
    report.tests.push(TestEntry {
        test: "util::tests::helper".into(),
        binary: "gateway".into(),
        file: "src/util.rs".into(),
        line: 9,
        span: Default::default(),
        ignored: false,
        should_panic: false,
        cfg: None,
        result: TestStatus::Passed,
        message: None,
        flaky: false,
        requirements: vec![],
        fingerprint: String::new(),
    });
    for t in &mut report.tests {
        if t.test == "auth::tests::lockout_after_five" {
            t.message = Some(
                "assertion `left == right` failed: account locked after attempt\n  left: 4\n right: 5"
                    .into(),
            );
        }
        if t.test == "pay::refund::tests::partial_refund_twice" {
            t.message = Some(format!("thread panicked: {HOSTILE_MESSAGE}"));
        }
    }
    report
        .tests
        .sort_by(|a, b| (&a.binary, &a.test).cmp(&(&b.binary, &b.test)));
    report
}

fn diag(
    code: Code,
    message: &str,
    file: &str,
    line: u32,
    suggestion: Option<&str>,
) -> DiagnosticEntry {
    DiagnosticEntry {
        code,
        severity: code.default_severity(),
        message: message.into(),
        file: Some(file.into()),
        line: Some(line),
        suggestion: suggestion.map(Into::into),
        requirements: Vec::new(),
    }
}

/// Assembles a report from requirement descriptions, with the summary, documents, areas and
/// tests computed the way section 6 says, so that the header agrees with the rows.
pub fn build_report(
    project: &str,
    reqs: Vec<Req>,
    mut diagnostics: Vec<DiagnosticEntry>,
) -> Report {
    let mut requirements = Vec::with_capacity(reqs.len());
    let mut tests: BTreeMap<(String, String), TestEntry> = BTreeMap::new();
    for r in reqs {
        let area =
            r.id.split(['.', '-', '_'])
                .next()
                .unwrap_or_default()
                .to_string();
        let mut fields = BTreeMap::new();
        if !r.tags.is_empty() {
            fields.insert("Priority".to_string(), "high".to_string());
        }
        let verified_by = r
            .tests
            .iter()
            .map(|&(test, binary, file, line, result)| {
                let entry = tests
                    .entry((binary.to_string(), test.to_string()))
                    .or_insert_with(|| TestEntry {
                        test: test.into(),
                        binary: binary.into(),
                        file: file.into(),
                        line,
                        span: Default::default(),
                        ignored: false,
                        should_panic: false,
                        cfg: None,
                        result,
                        message: None,
                        flaky: false,
                        requirements: vec![],
                        fingerprint: String::new(),
                    });
                entry.requirements.push(r.id.to_string());
                Verification {
                    test: test.into(),
                    binary: binary.into(),
                    file: file.into(),
                    line,
                    ref_line: line.saturating_sub(1),
                    result,
                    stale: r.stale,
                    ignored: false,
                    kind: Default::default(),
                    level: "utest".into(),
                    by: None,
                    date: None,
                    version: None,
                    note: None,
                    link: None,
                    defects: vec![],
                    suspect: None,
                }
            })
            .collect();
        requirements.push(RequirementEntry {
            id: r.id.into(),
            title: r.title.into(),
            text: r.text.into(),
            file: r.file.into(),
            line: r.line,
            span: Default::default(),
            revision: if r.stale { 2 } else { 1 },
            fingerprint: String::new(),
            lifecycle: r.lifecycle,
            status: r.status,
            reason: r.reason.into(),
            style: if r.id.starts_with("REQ-") {
                "heading"
            } else {
                "marker"
            }
            .into(),
            area,
            tags: r.tags.iter().map(|t| t.to_string()).collect(),
            waived: r.waived.map(Into::into),
            parents: r.parents.iter().map(|p| p.to_string()).collect(),
            children: r.children.iter().map(|c| c.to_string()).collect(),
            fields,
            verified_by,
            implemented_by: r
                .impls
                .iter()
                .map(|&(item, file, line)| Implementation {
                    item: item.into(),
                    file: file.into(),
                    line,
                })
                .collect(),
            levels: vec![],
            defects: vec![],
            previous: None,
        });
    }
    requirements.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    diagnostics.sort();
    let summary = summarise(&requirements, &diagnostics);
    let documents = group(&requirements, |r| r.file.clone());
    let areas = group(&requirements, |r| r.area.clone());
    Report {
        schema: SCHEMA.into(),
        tool: Tool {
            name: "reqtrail".into(),
            version: "0.1.0".into(),
        },
        project: project.into(),
        root: ".".into(),
        commit: Some("4f2a9c1e7b3d5a60c8e1f2a3b4c5d6e7f8091a2b".into()),
        generated_at: "2025-11-24T09:30:00Z".into(),
        results_given: true,
        summary,
        documents,
        areas,
        requirements,
        tests: tests.into_values().collect(),
        diagnostics,
        dirty: false,
        evidence: Default::default(),
        levels: vec![],
        defect_link: None,
        comparison: None,
        policy: Vec::new(),
    }
}

fn counts(reqs: &[&RequirementEntry]) -> Coverage {
    let mut c = Coverage {
        requirements: reqs.len(),
        ..Coverage::default()
    };
    for r in reqs.iter().filter(|r| r.lifecycle.is_counted()) {
        c.active += 1;
        match r.status {
            Status::Verified => c.verified += 1,
            Status::Partial => c.partial += 1,
            Status::Failing => c.failing += 1,
            Status::Unverified => c.unverified += 1,
            Status::Waived => c.waived += 1,
            Status::Suspect => c.suspect += 1,
        }
    }
    let target = c.active - c.waived;
    c.coverage_percent = if target == 0 {
        100.0
    } else {
        (c.verified as f64 * 1000.0 / target as f64).round() / 10.0
    };
    c
}

fn summarise(reqs: &[RequirementEntry], diagnostics: &[DiagnosticEntry]) -> Summary {
    let all: Vec<&RequirementEntry> = reqs.iter().collect();
    let c = counts(&all);
    Summary {
        requirements: c.requirements,
        active: c.active,
        verified: c.verified,
        partial: c.partial,
        failing: c.failing,
        unverified: c.unverified,
        waived: c.waived,
        suspect: c.suspect,
        coverage_percent: c.coverage_percent,
        errors: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
        warnings: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
    }
}

fn group(reqs: &[RequirementEntry], key: impl Fn(&RequirementEntry) -> String) -> Vec<Coverage> {
    let mut groups: BTreeMap<String, Vec<&RequirementEntry>> = BTreeMap::new();
    for r in reqs {
        groups.entry(key(r)).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(name, members)| Coverage {
            name,
            ..counts(&members)
        })
        .collect()
}

/// A synthetic project of `n` requirements in 20 documents and 50 areas, each verified by two
/// tests (so `2n` tests), with about a tenth failing and a tenth unverified, a sentence or two
/// of text, and an implementation reference on most. Deterministic.
pub fn generated_report(n: usize) -> Report {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let words = [
        "account", "charge", "refund", "session", "token", "ledger", "invoice", "limit",
        "currency", "report", "export", "audit", "retry", "timeout", "webhook", "customer",
        "merchant", "card",
    ];
    let mut requirements = Vec::with_capacity(n);
    let mut tests = Vec::with_capacity(2 * n);
    for i in 0..n {
        let doc = format!("docs/spec-{:02}.md", i % 20);
        let area = format!("area{:02}", i % 50);
        let id = format!("{area}.{}.r{i:05}", words[i % words.len()]);
        let title = format!(
            "The {} {} is checked before the {} is stored",
            words[(next() % 18) as usize],
            words[(next() % 18) as usize],
            words[(next() % 18) as usize]
        );
        let text = format!(
            "{title}. When a {} is created, the system validates its {} and records the {} in the audit log. \
             It rejects a {} that exceeds the configured limit.",
            words[(next() % 18) as usize],
            words[(next() % 18) as usize],
            words[(next() % 18) as usize],
            words[(next() % 18) as usize]
        );
        let roll = next() % 10;
        let (status, reason, results) = match roll {
            0 => (
                Status::Failing,
                "test failed".to_string(),
                [TestStatus::Failed, TestStatus::Passed],
            ),
            1 => (
                Status::Unverified,
                "no verifying test".to_string(),
                [TestStatus::Passed; 2],
            ),
            _ => (
                Status::Verified,
                "verified by 2 passing tests".to_string(),
                [TestStatus::Passed; 2],
            ),
        };
        let lifecycle = if i % 97 == 0 {
            Lifecycle::Draft
        } else {
            Lifecycle::Active
        };
        let module = format!("{}::m{:03}", words[i % words.len()], i % 1000);
        let verified_by: Vec<Verification> = if status == Status::Unverified {
            vec![]
        } else {
            (0..2)
                .map(|k| {
                    let test = format!("{module}::tests::checks_{i:05}_{k}");
                    let file = format!("src/{}/m{:03}.rs", words[i % words.len()], i % 1000);
                    let line = 100 + (i % 400) as u32 + k;
                    tests.push(TestEntry {
                        test: test.clone(),
                        binary: "synthetic".into(),
                        file: file.clone(),
                        line,
                        span: Default::default(),
                        ignored: false,
                        should_panic: false,
                        cfg: None,
                        result: results[k as usize],
                        message: (results[k as usize] == TestStatus::Failed)
                            .then(|| format!("assertion failed: limit_ok({i})")),
                        flaky: false,
                        requirements: vec![id.clone()],
                        fingerprint: String::new(),
                    });
                    Verification {
                        test,
                        binary: "synthetic".into(),
                        file,
                        line,
                        ref_line: line - 1,
                        result: results[k as usize],
                        stale: false,
                        ignored: false,
                        kind: Default::default(),
                        level: "utest".into(),
                        by: None,
                        date: None,
                        version: None,
                        note: None,
                        link: None,
                        defects: vec![],
                        suspect: None,
                    }
                })
                .collect()
        };
        let implemented_by = if i % 4 == 3 {
            vec![]
        } else {
            vec![Implementation {
                item: format!("{module}::validate"),
                file: format!("src/{}/m{:03}.rs", words[i % words.len()], i % 1000),
                line: 10 + (i % 90) as u32,
            }]
        };
        requirements.push(RequirementEntry {
            id,
            title,
            text,
            file: doc,
            line: 3 + (i / 20) as u32 * 4,
            span: Default::default(),
            revision: 1,
            fingerprint: String::new(),
            lifecycle,
            status,
            reason,
            style: "marker".into(),
            area,
            tags: if i % 7 == 0 {
                vec!["critical".into()]
            } else {
                vec![]
            },
            waived: None,
            parents: vec![],
            children: vec![],
            fields: BTreeMap::new(),
            verified_by,
            implemented_by,
            levels: vec![],
            defects: vec![],
            previous: None,
        });
    }
    requirements.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    tests.sort_by(|a, b| (&a.binary, &a.test).cmp(&(&b.binary, &b.test)));
    let summary = summarise(&requirements, &[]);
    let documents = group(&requirements, |r| r.file.clone());
    let areas = group(&requirements, |r| r.area.clone());
    Report {
        schema: SCHEMA.into(),
        tool: Tool {
            name: "reqtrail".into(),
            version: "0.1.0".into(),
        },
        project: "synthetic".into(),
        root: ".".into(),
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        generated_at: "2025-11-24T09:30:00Z".into(),
        results_given: true,
        summary,
        documents,
        areas,
        requirements,
        tests,
        diagnostics: vec![],
        dirty: false,
        evidence: Default::default(),
        levels: vec![],
        defect_link: None,
        comparison: None,
        policy: Vec::new(),
    }
}

/// The JSON data block of a rendered page, parsed.
pub fn page_data(html: &str) -> serde_json::Value {
    let open = r#"<script type="application/json" id="reqtrail-data">"#;
    let start = html.find(open).map(|i| i + open.len()).unwrap_or(0);
    let end = html[start..]
        .find("</script>")
        .map(|i| start + i)
        .unwrap_or(start);
    serde_json::from_str(&html[start..end]).unwrap_or(serde_json::Value::Null)
}

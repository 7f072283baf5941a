//! Content checks of the HTML report and the CSV export on hand-built and generated reports:
//! what the page holds, what it escapes, what it refuses to load, its size and determinism.

mod html_support;

use html_support::*;
use regex::Regex;
use reqtrail::model::Status;
use reqtrail::report::csv;
use reqtrail::report::html::{render, HtmlOptions};
use sha2::{Digest, Sha256};

fn page(options: &HtmlOptions) -> String {
    match render(&sample_report(), options) {
        Ok(html) => html,
        Err(e) => panic!("render failed: {e:#}"),
    }
}

fn plain() -> String {
    page(&HtmlOptions::default())
}

/// The text between the first `open` and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text
        .find(open)
        .map(|i| i + open.len())
        .expect("open marker present");
    let end = text[start..].find(close).expect("close marker present");
    &text[start..start + end]
}

/// The page with the inline script and the data block cut out: the markup the template wrote.
fn markup(html: &str) -> String {
    let mut out = html.to_string();
    for open in [
        r#"<script type="application/json" id="reqtrail-data">"#,
        "<script>",
        "<style>",
    ] {
        if let Some(start) = out.find(open) {
            let from = start + open.len();
            if let Some(len) = out[from..].find("</") {
                out.replace_range(from..from + len, "");
            }
        }
    }
    out
}

/// Undoes the escaping minijinja applies inside attribute values and text.
fn unescape(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Writes the sample page where the screenshot step and a curious human can open it.
fn keep_sample(name: &str, html: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let _ = std::fs::write(dir.join(name), html);
}

// r[verify html.matrix]
#[test]
fn every_requirement_and_link_is_in_the_data() {
    let report = sample_report();
    let html = plain();
    keep_sample("reqtrail-sample.html", &html);
    let data = page_data(&html);
    let reqs = data["reqs"].as_array().expect("reqs array");
    let ids: Vec<&str> = reqs.iter().filter_map(|r| r["i"].as_str()).collect();
    let expected: Vec<&str> = report.requirements.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, expected);

    let files = data["files"].as_array().expect("files");
    let tests = data["tests"].as_array().expect("tests");
    let mods = data["mods"].as_array().expect("mods");
    let name_of = |t: &serde_json::Value| -> String {
        let module = mods[t[0].as_u64().unwrap_or(0) as usize]
            .as_str()
            .unwrap_or("");
        let name = t[1].as_str().unwrap_or("");
        if module.is_empty() {
            name.to_string()
        } else {
            format!("{module}::{name}")
        }
    };
    for (entry, r) in reqs.iter().zip(&report.requirements) {
        // A title the text starts with travels as its length.
        let title = match entry["t"].as_u64() {
            Some(n) => entry["x"]
                .as_str()
                .unwrap_or("")
                .chars()
                .take(n as usize)
                .collect(),
            None => entry["t"].as_str().unwrap_or("").to_string(),
        };
        assert_eq!(title, r.title);
        assert_eq!(
            files[entry["f"].as_u64().unwrap_or(0) as usize],
            r.file.as_str()
        );
        assert_eq!(entry["l"], r.line);
        let links = entry["v"].as_array().map(Vec::len).unwrap_or(0);
        assert_eq!(links, r.verified_by.len(), "{}", r.id);
        for (link, v) in entry["v"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(&r.verified_by)
        {
            let test = &tests[link[0].as_u64().unwrap_or(0) as usize];
            assert_eq!(name_of(test), v.test);
            assert_eq!(
                files[test[3].as_u64().unwrap_or(0) as usize],
                v.file.as_str()
            );
            assert_eq!(test[4], v.line);
            assert_eq!(
                link[1].as_i64(),
                Some(i64::from(v.ref_line) - i64::from(v.line))
            );
        }
        let impls = entry["m"].as_array().map(Vec::len).unwrap_or(0);
        assert_eq!(impls, r.implemented_by.len(), "{}", r.id);
    }
    // Status and lifecycle codes follow the order the script's tables use.
    let lockout = &reqs[expected
        .iter()
        .position(|id| *id == "auth.login.lockout")
        .unwrap_or(0)];
    assert_eq!(lockout["s"], 2, "failing");
    assert!(lockout.get("c").is_none(), "active is the default");
    let mfa = &reqs[expected
        .iter()
        .position(|id| *id == "auth.mfa")
        .unwrap_or(0)];
    assert_eq!(mfa["c"], 0, "draft");
    // A failure message reaches the detail view.
    let failing = tests
        .iter()
        .find(|t| name_of(t) == "auth::tests::lockout_after_five")
        .expect("failing test present");
    assert_eq!(failing[5], 1, "failed");
    assert!(failing[7].as_str().unwrap_or("").contains("left: 4"));
    // The matrix has all six columns and a body the script fills.
    for column in [
        "ID",
        "Title",
        "Document",
        "Status",
        "Verifying tests",
        "Implementation",
    ] {
        assert!(
            html.contains(&format!("<button type=\"button\">{column}</button>")),
            "{column}"
        );
    }
}

// r[verify html.matrix]
#[test]
fn failing_and_unverified_rows_stand_out_without_colour() {
    let html = plain();
    let css = between(&html, "<style>", "</style>");
    // A distinct border style for each gap, so the state shows in greyscale and print.
    assert!(css.contains("tbody.st-failing > tr.row > td:first-child { border-left: 6px double"));
    assert!(css.contains("tbody.st-unverified > tr.row > td:first-child { border-left: 5px dashed"));
    assert!(css.contains("tbody.st-failing > tr > td { background:"));
    assert!(css.contains("tbody.nc > tr > td { background: transparent; color: var(--muted); }"));
    let script = between(&html, "<script>", "</script>");
    // Rows get the status class, and badges carry an icon and a label.
    assert!(script.contains("'req st-' + STATUS[r.s]"));
    assert!(script.contains(
        "var STATUS_LABEL = ['Verified', 'Partial', 'Failing', 'Unverified', 'Waived', 'Suspect'];"
    ));
    assert!(script.contains("b.appendChild(document.createTextNode(STATUS_LABEL[r.s]));"));
}

// r[verify html.header]
#[test]
fn header_shows_project_counts_and_coverage() {
    let report = sample_report();
    let html = plain();
    let s = &report.summary;
    assert!(html.contains("<h1>pay-gateway</h1>"));
    assert!(html.contains("4f2a9c1e7b3d</dd>"), "short commit");
    assert!(html.contains("2025-11-24T09:30:00Z"));
    assert!(html.contains("reqtrail 0.1.0"));
    let tile = |status: &str| -> usize {
        let re = Regex::new(&format!(
            r#"data-status="{status}"><span class="n">(\d+)</span>"#
        ))
        .expect("regex");
        re.captures(&html)
            .and_then(|c| c[1].parse().ok())
            .unwrap_or_else(|| panic!("no tile for {status:?}"))
    };
    assert_eq!(tile("failing"), s.failing);
    assert_eq!(tile("unverified"), s.unverified);
    assert_eq!(tile("partial"), s.partial);
    assert_eq!(tile("verified"), s.verified);
    assert_eq!(tile("waived"), s.waived);
    assert_eq!(tile("not-counted"), s.requirements - s.active);
    assert_eq!(tile(""), s.requirements);
    assert_eq!(
        (s.failing, s.unverified, s.partial, s.verified, s.waived),
        (3, 5, 1, 4, 1)
    );
    assert!(html.contains(&format!(
        r#"<span class="coverage-number">{:.1}<span class="pct">%</span>"#,
        s.coverage_percent
    )));
    assert!(html.contains(&format!(
        "{} of {} counted requirements verified",
        s.verified,
        s.active - s.waived
    )));
    // One bar per document and per area, each a row with its own coverage.
    for group in report.documents.iter().chain(&report.areas) {
        assert!(
            unescape(&html).contains(&format!(">{}</button></th>", group.name)),
            "{}",
            group.name
        );
    }
    assert!(unescape(&html).contains(r#"data-doc="docs/payments.md""#));
    assert!(html.contains(r#"data-area="pay""#));
    let bars = html.matches(r#"<div class="bar"#).count();
    assert_eq!(bars, 1 + report.documents.len() + report.areas.len());
    // Segment widths are classes the stylesheet defines, not inline styles.
    assert!(html.contains(".w37{width:37%}"));
    assert!(!Regex::new(r"<[a-z][^>]*\sstyle=")
        .expect("regex")
        .is_match(&markup(&html)));
}

// r[verify html.escape]
#[test]
fn hostile_strings_stay_text() {
    let html = plain();
    // Exactly the two script elements of the template: the data block and the program.
    assert_eq!(html.matches("<script").count(), 2);
    assert!(!html.contains("<script>window.__xss"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<svg"));
    assert!(!html.contains("<b>bold"));
    // No element anywhere carries an event handler attribute.
    let handler = Regex::new(r"(?i)<[a-z][^>]*\son[a-z]+\s*=").expect("regex");
    assert!(!handler.is_match(&html), "{:?}", handler.find(&html));
    // The data block holds no `<` at all, so nothing in it can close the element.
    let data = between(
        &html,
        r#"<script type="application/json" id="reqtrail-data">"#,
        "</script>",
    );
    assert!(!data.contains('<'));
    assert!(data.contains("\\u003cscript\\u003ewindow.__xss=1"));
    // The hostile text is rendered from Markdown with its raw HTML as text, the
    // javascript: link dropped.
    let parsed = page_data(&html);
    let hostile = parsed["reqs"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["i"] == HOSTILE_ID)
        .expect("hostile requirement present");
    let text_html = hostile["h"].as_str().expect("hostile text has markup");
    assert!(
        text_html.contains("&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;")
            || text_html.contains("&lt;img src=x onerror=\"window.__xss=2\"&gt;"),
        "{text_html}"
    );
    assert!(!text_html.contains("javascript"), "{text_html}");
    assert!(!text_html.contains("<b"), "{text_html}");
    assert_eq!(hostile["t"], HOSTILE_TITLE);
    // Template-rendered strings (the diagnostic message and file) are autoescaped.
    assert!(html.contains("unknown requirement `&lt;script&gt;window.__xss=6&lt;&#x2f;script&gt;`"));
    assert!(html.contains("src&#x2f;&lt;b&gt;bold&lt;&#x2f;b&gt;.rs:1"));
    // The script itself never hands data to innerHTML but the sanitised text.
    let script = between(&html, "<script>", "</script>");
    assert_eq!(script.matches("innerHTML").count(), 3);
    assert!(script.contains("text.innerHTML = r.h;"));
    // A word diff, every text of it escaped on the Rust side (src/worddiff.rs).
    assert!(script.contains("diff.innerHTML = r.q[1];"));
    assert!(script.contains("t.innerHTML = h;"));
    assert!(script.contains("htmlText(r.h)"));
}

// r[verify html.self-contained]
#[test]
fn csp_pins_the_inline_script_and_style() {
    let html = plain();
    let csp = between(
        &html,
        r#"<meta http-equiv="Content-Security-Policy" content=""#,
        "\"",
    );
    let csp = unescape(csp);
    assert!(csp.starts_with("default-src 'none'; "), "{csp}");
    assert!(csp.contains("img-src data:"), "{csp}");
    let hash = |s: &str| {
        use base64::Engine;
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
        )
    };
    let script = between(&html, "<script>", "</script>");
    let style = between(&html, "<style>", "</style>");
    assert!(
        csp.contains(&format!("script-src {};", hash(script))),
        "{csp}"
    );
    assert!(
        csp.contains(&format!("style-src {};", hash(style))),
        "{csp}"
    );
    // The CSP meta comes before anything it governs.
    let meta_at = html.find("Content-Security-Policy").unwrap_or(usize::MAX);
    assert!(meta_at < html.find("<style>").unwrap_or(0));
}

// r[verify html.self-contained]
#[test]
fn nothing_is_loaded_from_the_network() {
    let link = "https://git.example.org/pay/blob/{commit}/{path}#L{line}";
    let html = page(&HtmlOptions {
        source_link: Some(link.into()),
        ..Default::default()
    });
    let outside = markup(&html);
    // No external resource of any kind: no src attribute, no stylesheet link, no import.
    assert!(!Regex::new(r"(?i)\ssrc\s*=")
        .expect("regex")
        .is_match(&outside));
    assert!(!outside.contains("<link rel=\"stylesheet\""));
    let links: Vec<&str> = Regex::new(r#"<link [^>]*>"#)
        .expect("regex")
        .find_iter(&outside)
        .map(|m| m.as_str())
        .collect();
    assert_eq!(links, vec![r#"<link rel="icon" href="data:,">"#]);
    let css = between(&html, "<style>", "</style>");
    assert!(!css.contains("@import") && !css.contains("url("));
    let script = between(&html, "<script>", "</script>");
    for api in [
        "fetch(",
        "XMLHttpRequest",
        "WebSocket",
        "import(",
        "sendBeacon",
        "new Image",
    ] {
        assert!(!script.contains(api), "{api}");
    }
    // The only network addresses in hrefs are source links, and they are filled in.
    let hrefs: Vec<String> = Regex::new(r#"href="(https?:[^"]*)""#)
        .expect("regex")
        .captures_iter(&html)
        .filter_map(|c| c.get(1).map(|m| unescape(m.as_str())))
        .collect();
    assert!(!hrefs.is_empty());
    for href in &hrefs {
        assert!(
            href.starts_with(
                "https://git.example.org/pay/blob/4f2a9c1e7b3d5a60c8e1f2a3b4c5d6e7f8091a2b/"
            ),
            "{href}"
        );
    }
    assert!(hrefs.iter().any(|h| h == "https://git.example.org/pay/blob/4f2a9c1e7b3d5a60c8e1f2a3b4c5d6e7f8091a2b/src/pay/refund.rs#L88"));
    assert!(
        hrefs
            .iter()
            .any(|h| h.ends_with("/src/%3Cb%3Ebold%3C/b%3E.rs#L1")),
        "{hrefs:?}"
    );
    // Without --source-link there is no network address in any href at all.
    assert!(!Regex::new(r#"href="https?:"#)
        .expect("regex")
        .is_match(&plain()));
}

// r[verify html.detail]
#[test]
fn detail_data_has_text_links_and_source_template() {
    let link = "https://git.example.org/pay/blob/{commit}/{path}#L{line}";
    let html = page(&HtmlOptions {
        source_link: Some(link.into()),
        ..Default::default()
    });
    let data = page_data(&html);
    assert_eq!(data["link"], link);
    assert_eq!(data["commit"], "4f2a9c1e7b3d5a60c8e1f2a3b4c5d6e7f8091a2b");
    let login = data["reqs"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["i"] == "auth.login")
        .expect("auth.login");
    let text = login["h"].as_str().expect("markup");
    assert!(text.contains("<strong>logs in</strong>"), "{text}");
    assert!(
        text.contains("<li>the password is checked with <code>argon2id</code></li>"),
        "{text}"
    );
    assert!(text.contains("<a href=\"https://owasp.org/"), "{text}");
    assert_eq!(login["k"][0], "auth.login.lockout");
    let reason = login["y"].as_u64().unwrap_or(u64::MAX) as usize;
    assert_eq!(
        data["reasons"][reason],
        "child auth.login.lockout is failing"
    );
    // Plain one-paragraph text travels once, as text.
    let logout = data["reqs"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["i"] == "auth.logout")
        .expect("auth.logout");
    assert!(logout.get("h").is_none());
    assert_eq!(
        logout["x"],
        "Logging out ends the session. The server invalidates the session token."
    );
    // Its title is the text's start, so it travels as a length.
    assert_eq!(logout["t"], "Logging out ends the session".len());
    // A link template that could run script is refused.
    let bad = render(
        &sample_report(),
        &HtmlOptions {
            source_link: Some("javascript:alert('{path}')".into()),
            ..Default::default()
        },
    );
    assert!(bad.is_err());
    // The diagnostics list shows file:line severity[code] message and the suggestion.
    assert!(unescape(&html).contains(r#"<a href="https://git.example.org/pay/blob/4f2a9c1e7b3d5a60c8e1f2a3b4c5d6e7f8091a2b/src/pay/refund.rs#L88" rel="noopener noreferrer">src/pay/refund.rs:88</a>"#));
    assert!(html.contains("error</span><span class=\"mono code\">[unknown-reference]</span> <span class=\"diag-msg\">unknown requirement `pay.refnd`</span> <span class=\"suggest\">did you mean <code>pay.refund</code>?</span>"));
}

// r[verify html.interactive]
#[test]
fn controls_are_wired_by_the_script_only() {
    let html = plain();
    for id in [
        "q",
        "f-status",
        "f-doc",
        "f-area",
        "f-tag",
        "page-size",
        "expand-all",
        "print-btn",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    let script = between(&html, "<script>", "</script>");
    assert!(script.contains("addEventListener('hashchange', function () {"));
    assert!(script.contains("openFromHash();"));
    assert!(script.contains("a.href = '#req-' + encodeURIComponent(id);"));
    for key in ["id", "title", "doc", "status", "tests", "impl"] {
        assert!(html.contains(&format!("data-sort=\"{key}\"")), "{key}");
    }
    // CSP forbids inline handlers; the script must not create any either.
    assert!(!Regex::new(r"setAttribute\('on")
        .expect("regex")
        .is_match(script));
    assert!(!script.contains("eval(") && !script.contains("new Function"));
}

// r[verify html.print]
#[test]
fn print_css_expands_everything_and_hides_controls() {
    let html = plain();
    let css = between(&html, "<style>", "</style>");
    let print = between(css, "@media print {", "\n}\n");
    assert!(print.contains(
        ".no-print, .tog, .grid-section, .masthead, .overview { display: none !important; }"
    ));
    assert!(print.contains("tbody.req { break-inside: avoid;"));
    assert!(print.contains(".scroll { max-height: none; overflow: visible; }"));
    let phone = between(css, "@media screen and (max-width: 700px) {", "\n}\n");
    assert!(phone.contains(".matrix-table colgroup, .matrix-table thead { display: none; }"));
    assert!(css.contains("@media (prefers-color-scheme: dark)"));
    let script = between(&html, "<script>", "</script>");
    assert!(script.contains("addEventListener('beforeprint'"));
    assert!(html.contains(r#"class="controls no-print""#));
    assert!(
        html.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#)
    );
}

// r[verify html.scale]
#[test]
fn ten_thousand_requirements_stay_under_five_megabytes() {
    let report = generated_report(10_000);
    let linked = report
        .requirements
        .iter()
        .filter(|r| !r.verified_by.is_empty())
        .count();
    assert_eq!(report.tests.len(), 2 * linked);
    assert!(report
        .requirements
        .iter()
        .any(|r| r.status == Status::Unverified));
    let started = std::time::Instant::now();
    let html = render(&report, &HtmlOptions::default()).expect("render");
    let took = started.elapsed();
    keep_sample("reqtrail-10k.html", &html);
    eprintln!(
        "10,000 requirements, {} tests: {} bytes of HTML in {:?} (debug build)",
        report.tests.len(),
        html.len(),
        took
    );
    assert!(html.len() < 5 * 1024 * 1024, "{} bytes", html.len());
    // The first rows eager, every requirement in the index, the rest compressed
    // (r[perf.html-lazy]; the next test reads them back).
    let data = page_data(&html);
    assert_eq!(data["reqs"].as_array().map(Vec::len), Some(1_000));
    assert_eq!(data["lazy"]["n"], 10_000);
    assert_eq!(data["lazy"]["s"].as_str().map(str::len), Some(10_000));
}

/// The text of one of a large page's compressed blocks.
fn block(html: &str, id: &str) -> String {
    use base64::Engine;
    let b64 = between(
        html,
        &format!(r#"<script type="application/octet-stream" id="{id}">"#),
        "</script>",
    );
    let z = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("base64");
    let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(&z).expect("a zlib stream");
    String::from_utf8(bytes).expect("UTF-8")
}

// r[verify perf.html-lazy]
#[test]
fn a_large_page_carries_every_requirement_and_test() {
    let report = generated_report(6_000);
    let html = render(&report, &HtmlOptions::default()).expect("render");
    // Compressed in parallel, still the same bytes every time (r[html.deterministic]).
    assert!(html == render(&report, &HtmlOptions::default()).expect("render"));
    let data = page_data(&html);
    let eager = data["reqs"].as_array().expect("reqs");
    assert_eq!(eager.len(), 1_000);
    assert_eq!(data["lazy"]["n"], 6_000);
    // The index: status, lifecycle and test count per requirement, documents in runs.
    let index = &data["lazy"];
    let digits = |key: &str| -> Vec<u32> {
        index[key]
            .as_str()
            .unwrap_or_default()
            .chars()
            .map(|c| c as u32 - 48)
            .collect()
    };
    let counts: Vec<u32> = report
        .requirements
        .iter()
        .map(|r| r.verified_by.len() as u32)
        .collect();
    assert_eq!(digits("nv"), counts);
    let runs: Vec<u64> = index["f"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_u64)
        .collect();
    let files = data["files"].as_array().expect("files");
    let mut documents = Vec::new();
    for run in runs.chunks(2) {
        for _ in 0..run[1] {
            documents.push(files[run[0] as usize].as_str().unwrap_or_default());
        }
    }
    let expected: Vec<&str> = report
        .requirements
        .iter()
        .map(|r| r.file.as_str())
        .collect();
    assert_eq!(documents, expected);
    // One search record per requirement: id, title, text, document, reason, tags, tests, items.
    let hay = block(&html, "reqtrail-z-hay");
    let records: Vec<Vec<&str>> = hay
        .split('\u{1e}')
        .map(|r| r.split('\u{1f}').collect())
        .collect();
    assert_eq!(records.len(), 6_000);
    for (record, r) in records.iter().zip(&report.requirements) {
        let mut expected = vec![
            r.id.as_str(),
            r.title.as_str(),
            r.text.as_str(),
            r.file.as_str(),
            r.reason.as_str(),
        ];
        expected.extend(r.tags.iter().map(String::as_str));
        expected.extend(r.verified_by.iter().map(|v| v.test.as_str()));
        expected.extend(r.implemented_by.iter().map(|m| m.item.as_str()));
        assert_eq!(record, &expected);
    }
    // The other requirements, one line each, with their status and links to tests.
    let lines: Vec<serde_json::Value> = block(&html, "reqtrail-z-reqs")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 5_000);
    let eager_tests = data["tests"].as_array().map_or(0, Vec::len);
    let rest_tests = block(&html, "reqtrail-z-tests").lines().count();
    let linked: usize = report
        .requirements
        .iter()
        .map(|r| r.verified_by.len())
        .sum();
    assert_eq!(eager_tests + rest_tests, linked);
    let statuses = digits("s");
    for (k, (line, r)) in lines.iter().zip(&report.requirements[1_000..]).enumerate() {
        assert_eq!(
            line["v"].as_array().map_or(0, Vec::len),
            r.verified_by.len()
        );
        assert_eq!(line["s"], statuses[1_000 + k]);
    }
    // The eager tables keep the names the first rows use; the block has them all.
    let tables: serde_json::Value =
        serde_json::from_str(&block(&html, "reqtrail-z-tables")).expect("tables");
    let whole = tables["files"].as_array().expect("files");
    assert_eq!(whole.len(), files.len());
    assert!(files.iter().any(|f| f == ""));
    for (kept, name) in files.iter().zip(whole) {
        assert!(kept == "" || kept == name, "{kept} {name}");
    }
    for r in &report.requirements {
        assert!(whole.contains(&serde_json::json!(r.file)));
    }
    // Small pages stay one plain block.
    let small = render(&generated_report(500), &HtmlOptions::default()).expect("render");
    assert!(!small.contains(r#"id="reqtrail-z-"#));
    assert!(page_data(&small).get("lazy").is_none());
}

// r[verify html.header]
#[test]
fn an_empty_report_renders() {
    let mut report = build_report("", Vec::new(), Vec::new());
    report.commit = None;
    report.results_given = false;
    let html = render(&report, &HtmlOptions::default()).expect("render");
    assert!(
        html.contains("<h1>.</h1>"),
        "the root names a project without a name"
    );
    assert!(html.contains(r#"<dd class="mono" title="not a git checkout">none</dd>"#));
    assert!(html.contains("No test results were given"));
    assert!(html.contains(r#"<span class="seg seg-verified w0"></span>"#));
    assert_eq!(page_data(&html)["reqs"], serde_json::json!([]));
    let csv = csv::render(&report);
    assert_eq!(csv.lines().count(), 1);
}

// r[verify html.deterministic]
#[test]
fn same_report_same_bytes() {
    let a = plain();
    let b = plain();
    assert_eq!(a, b);
    let big = generated_report(500);
    let options = HtmlOptions {
        source_link: Some("../{path}#L{line}".into()),
        ..Default::default()
    };
    assert_eq!(
        render(&big, &options).expect("render"),
        render(&big.clone(), &options).expect("render")
    );
}

// r[verify csv.export]
#[test]
fn csv_has_one_row_per_link_and_per_untested_requirement() {
    let report = sample_report();
    let out = csv::render(&report);
    assert!(out.ends_with("\r\n"));
    assert!(!out.replace("\r\n", "").contains('\r'));
    let header = "requirement,title,document,line,lifecycle,status,test,binary,test_file,test_line,result,reason,kind,level,defects\r\n";
    assert!(out.starts_with(header));
    let expected_rows: usize = report
        .requirements
        .iter()
        .map(|r| r.verified_by.len().max(1))
        .sum();
    // Count records, not lines: a quoted field may hold a line break.
    let mut records = 0;
    let mut quoted = false;
    let bytes = out.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\r' if !quoted && bytes.get(i + 1) == Some(&b'\n') => records += 1,
            _ => {}
        }
    }
    assert_eq!(records, expected_rows + 1);
    assert!(out.contains(
        "auth.login.lockout,Lock the account after five failed logins,docs/auth.md,21,active,failing,\
         auth::tests::lockout_after_five,gateway,src/auth.rs,160,failed,test auth::tests::lockout_after_five failed,test,utest,\r\n"
    ));
    assert!(out.contains("REQ-002,JSON errors with a stable code,docs/api.md,11,active,unverified,,,,,,no verifying test,,,\r\n"));
    assert!(out.contains("pay.refund,Refund within 180 days,docs/payments.md,14,active,verified,pay::refund::tests::refund_in_other_currency,gateway,src/pay/refund.rs,70,skipped,verified by 2 passing tests,test,utest,\r\n"));
    // A reason with a comma and a colon is quoted; a hostile title stays as it is (CSV is text).
    assert!(
        out.contains(
            ",\"only a stale reference (revision 1; the spec is at revision 2)\",test,utest,\r\n"
        ) || out.contains(
            ",only a stale reference (revision 1; the spec is at revision 2),test,utest,\r\n"
        )
    );
    assert!(out.contains(",waived: Only EUR is offered in release 1,"));
}

// r[verify csv.export]
#[test]
fn csv_quotes_and_neutralises_formulas() {
    let mut report = sample_report();
    report.requirements[0].title = "=HYPERLINK(\"http://evil\",\"click\")".into();
    report.requirements[1].title = "Line one\nline two, with \"quotes\"".into();
    report.requirements[2].title = "@SUM(1+1)".into();
    report.requirements[3].title = "-2+3".into();
    report.requirements[4].title = "+cmd|' /C calc'!A0".into();
    let out = csv::render(&report);
    assert!(out.contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\","));
    assert!(out.contains(",\"Line one\nline two, with \"\"quotes\"\"\","));
    assert!(out.contains(",'@SUM(1+1),"));
    assert!(out.contains(",'-2+3,"));
    assert!(out.contains(",'+cmd|' /C calc'!A0,"));
    for line in out.split("\r\n") {
        for field in line.split(',') {
            let field = field.trim_start_matches('"');
            assert!(!field.starts_with(['=', '+', '@']), "{line}");
        }
    }
}

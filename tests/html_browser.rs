//! The HTML report in a real headless Chromium, driven through chromedriver's WebDriver HTTP
//! protocol: it loads from file:// without errors or network requests, search and filters
//! show the right rows, hostile content does not run, print and phone layouts hold, and
//! 10,000 requirements open and filter correctly. Without chromium and chromedriver installed
//! each test prints "SKIPPED: chromium not installed" and passes, except under `CI=true`, where
//! it fails: a CI run must never count a browser test it did not run.
//!
//! No test here asserts a duration. The 10,000-requirement test writes the page's load and
//! filter times to the file named by `REQTRAIL_PAGE_TIMINGS` when that is set; `scripts/bench`
//! sets it and reports the figures.

mod html_support;

use html_support::*;
use reqtrail::report::html::{render, HtmlOptions};
use reqtrail::report::Report;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const DRIVER: &str = "/usr/bin/chromedriver";
const BROWSERS: [&str; 2] = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"];
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const LINK: &str = "https://git.example.org/pay/blob/{commit}/{path}#L{line}";

/// One browser at a time: the machine is small and timings should mean something.
static BROWSER_LOCK: Mutex<()> = Mutex::new(());

/// A chromedriver process with one browser session; both end when this is dropped.
struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless session, or returns `None` (after saying so) when
    /// chromium or chromedriver is not installed. Under `CI=true` a missing browser fails the
    /// test instead.
    fn start() -> Option<Browser> {
        // Overridable, so a test can show what happens on a machine without them.
        let chromium = std::env::var_os("REQTRAIL_CHROMIUM").map(PathBuf::from);
        let driver_path = std::env::var_os("REQTRAIL_CHROMEDRIVER")
            .map_or_else(|| PathBuf::from(DRIVER), PathBuf::from);
        let binary = match &chromium {
            Some(path) => path.exists().then(|| path.to_string_lossy().into_owned()),
            None => BROWSERS
                .iter()
                .find(|p| Path::new(p).exists())
                .map(|p| p.to_string()),
        };
        let binary = match (binary, driver_path.exists()) {
            (Some(binary), true) => binary,
            _ => {
                assert!(
                    !under_ci(),
                    "CI=true but chromium ({}) or chromedriver ({}) is missing: install them \
                     (scripts/test does, with apt-get) so the browser tests run",
                    chromium.map_or_else(|| BROWSERS.join(" or "), |p| p.display().to_string()),
                    driver_path.display()
                );
                println!("SKIPPED: chromium not installed");
                eprintln!("SKIPPED: chromium not installed");
                return None;
            }
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .arg("--silent")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("temp profile dir");
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match browser.request("GET", "/status", None) {
                Ok(v) if v["ready"] == true => break,
                _ if Instant::now() > deadline => panic!("chromedriver did not become ready"),
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1400,1000".into(),
            format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": binary, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
            "timeouts": {"script": 30000, "pageLoad": 60000, "implicit": 0}
        }}});
        let created = browser
            .request("POST", "/session", Some(&capabilities))
            .unwrap_or_else(|e| panic!("creating a session: {e}"));
        browser.session = created["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        Some(browser)
    }

    /// One WebDriver call; returns its `value`.
    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        let timeout = Some(Duration::from_secs(90));
        stream
            .set_read_timeout(timeout)
            .map_err(|e| e.to_string())?;
        stream
            .set_write_timeout(timeout)
            .map_err(|e| e.to_string())?;
        let payload = body.map(|b| b.to_string()).unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json; charset=utf-8\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.port,
            payload.len()
        );
        stream
            .write_all(head.as_bytes())
            .map_err(|e| e.to_string())?;
        stream
            .write_all(payload.as_bytes())
            .map_err(|e| e.to_string())?;
        // chromedriver keeps the connection open, so read exactly what Content-Length says.
        let mut raw = Vec::new();
        let mut chunk = [0u8; 65536];
        let (split, headers) = loop {
            if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break (
                    split,
                    String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase(),
                );
            }
            let n = stream.read(&mut chunk).map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("connection closed before the headers ended".into());
            }
            raw.extend_from_slice(&chunk[..n]);
        };
        let header = |name: &str| -> Option<String> {
            headers.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.trim() == name).then(|| value.trim().to_string())
            })
        };
        let chunked = header("transfer-encoding").is_some_and(|v| v.contains("chunked"));
        let length: Option<usize> = header("content-length").and_then(|v| v.parse().ok());
        loop {
            let have = raw.len() - (split + 4);
            let done = match length {
                Some(length) => have >= length,
                None if chunked => raw.ends_with(b"0\r\n\r\n"),
                None => false,
            };
            if done {
                break;
            }
            let n = stream.read(&mut chunk).map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&chunk[..n]);
        }
        let mut body = raw[split + 4..].to_vec();
        if chunked {
            body = dechunk(&body);
        }
        let status: u16 = headers
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let value: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        if status >= 400 {
            return Err(format!("HTTP {status}: {}", value["value"]));
        }
        Ok(value["value"].clone())
    }

    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let body = (method == "POST").then_some(&body);
        self.request(method, &path, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    fn goto(&self, url: &str) {
        self.open(url);
        self.wait_until("document.documentElement.getAttribute('data-ready') === '1'");
    }

    fn open(&self, url: &str) {
        self.call("POST", "/url", json!({ "url": url }));
    }

    fn exec(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
    }

    fn wait_until(&self, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.exec(&format!("return !!({condition});")) != true {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {condition}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn find(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        match found[ELEMENT].as_str() {
            Some(id) => id.to_string(),
            None => panic!("no element for {css}: {found}"),
        }
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/click"), json!({}));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            json!({ "text": text }),
        );
    }

    fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.call(
            "POST",
            "/goog/cdp/execute",
            json!({"cmd": cmd, "params": params}),
        )
    }

    /// The browser console since the last call.
    fn console(&self) -> Vec<Value> {
        let logs = self
            .request(
                "POST",
                &format!("/session/{}/se/log", self.session),
                Some(&json!({"type": "browser"})),
            )
            .or_else(|_| {
                self.request(
                    "POST",
                    &format!("/session/{}/log", self.session),
                    Some(&json!({"type": "browser"})),
                )
            })
            .unwrap_or_else(|e| panic!("reading the browser log: {e}"));
        logs.as_array().cloned().unwrap_or_default()
    }

    fn errors(&self) -> Vec<String> {
        self.console()
            .into_iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Ids of the requirement rows on screen, in order.
    fn rows(&self) -> Vec<String> {
        let ids = self.exec(
            "return Array.from(document.querySelectorAll('#matrix-table tbody.req')).map(b => b.id.slice(4));",
        );
        ids.as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    }

    fn screenshot(&self, name: &str) {
        let png = self.call("GET", "/screenshot", json!({}));
        if let Some(data) = png.as_str() {
            use base64::Engine;
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(data) {
                let _ = std::fs::write(Path::new(env!("CARGO_TARGET_TMPDIR")).join(name), bytes);
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.request("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&body[..end]);
        let size_text = size_text.trim().split(';').next().unwrap_or("0");
        let size = usize::from_str_radix(size_text, 16).unwrap_or(0);
        if size == 0 || body.len() < end + 2 + size {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[(end + 4 + size).min(body.len())..];
    }
    out
}

/// Writes the report page into `dir` and returns its file:// URL.
fn write_page(dir: &Path, report: &Report, options: &HtmlOptions) -> String {
    let html = render(report, options).expect("render");
    let path: PathBuf = dir.join("report.html");
    std::fs::write(&path, html).expect("write page");
    format!("file://{}", path.display())
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn ids_where(
    report: &Report,
    keep: impl Fn(&reqtrail::report::RequirementEntry) -> bool,
) -> Vec<String> {
    report
        .requirements
        .iter()
        .filter(|r| keep(r))
        .map(|r| r.id.clone())
        .collect()
}

// r[verify html.self-contained]
// r[verify html.escape]
#[test]
fn loads_offline_and_runs_nothing_hostile() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let url = write_page(
        dir.path(),
        &sample_report(),
        &HtmlOptions {
            source_link: Some(LINK.into()),
        },
    );
    browser.goto(&url);
    browser.screenshot("reqtrail-sample.png");

    // No request left the page: no resource entries at all, and the console is clean
    // (a CSP violation, a missing resource or a script error would show there).
    let resources =
        browser.exec("return performance.getEntriesByType('resource').map(e => e.name);");
    assert_eq!(resources, json!([]));
    assert_eq!(browser.errors(), Vec::<String>::new());
    assert_eq!(browser.rows().len(), sample_report().requirements.len());

    // Open everything hostile: the requirement, the errored test's message, the grid.
    browser.click("#expand-all");
    browser.click("#grid-details summary");
    browser.wait_until("document.querySelector('#grid table') !== null");
    browser.exec("document.getElementById('grid-details').scrollIntoView();");
    browser.screenshot("reqtrail-grid.png");
    let hostile = browser.exec(&format!(
        "const b = document.getElementById('req-{HOSTILE_ID}');
         return {{title: b.querySelector('.c-title .t').textContent,
                 text: b.querySelector('.req-text').textContent,
                 files: Array.from(b.querySelectorAll('.loc')).map(l => l.textContent)}};"
    ));
    assert_eq!(hostile["title"], HOSTILE_TITLE);
    let text = hostile["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("<img src=x onerror=\"window.__xss=2\">"),
        "{text}"
    );
    assert!(text.contains("click me"), "{text}");
    assert!(hostile["files"]
        .to_string()
        .contains("tests/<svg onload=window.__xss=4>.rs:3"));
    let message = browser.exec(
        "return document.querySelector('#req-pay\\\\.refund\\\\.partial pre.msg').textContent;",
    );
    assert_eq!(message, format!("thread panicked: {HOSTILE_MESSAGE}"));
    let diagnostic = browser.exec("return document.querySelector('.diag-list').textContent;");
    assert!(diagnostic
        .as_str()
        .unwrap_or_default()
        .contains(HOSTILE_DIAGNOSTIC));

    // Nothing ran, and no hostile element exists anywhere in the document.
    assert_eq!(browser.exec("return typeof window.__xss;"), "undefined");
    let elements = browser.exec(
        "return document.querySelectorAll('img, svg, iframe, object, embed, [onerror], [onload], [onmouseover]').length
              + document.scripts.length * 1000;",
    );
    assert_eq!(elements, 2000, "only the two scripts of the template");
    let javascript_links =
        browser.exec("return document.querySelectorAll('a[href^=\"javascript\"]').length;");
    assert_eq!(javascript_links, 0);
    assert_eq!(browser.errors(), Vec::<String>::new());
}

// r[verify html.interactive]
// r[verify html.detail]
#[test]
fn search_filter_sort_and_deep_link() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::start() else {
        return;
    };
    let report = sample_report();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = write_page(
        dir.path(),
        &report,
        &HtmlOptions {
            source_link: Some(LINK.into()),
        },
    );
    browser.goto(&url);
    let all = ids_where(&report, |_| true);
    assert_eq!(browser.rows(), all);

    // Typing in the search box (real key presses) narrows the rows as one types.
    browser.type_into("#q", "refund");
    let refund = ids_where(&report, |r| {
        let hay = format!(
            "{} {} {} {} {} {} {}",
            r.id,
            r.title,
            r.text,
            r.file,
            r.reason,
            r.verified_by
                .iter()
                .map(|v| v.test.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            r.implemented_by
                .iter()
                .map(|m| m.item.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
        hay.to_lowercase().contains("refund")
    });
    assert_eq!(refund, ["pay.refund", "pay.refund.partial", "pay.audit"]);
    assert_eq!(browser.rows(), refund);
    // A status filter on top of the search.
    browser.click("#f-status option[value='failing']");
    assert_eq!(browser.rows(), ["pay.refund.partial"]);
    let count = browser.exec("return document.getElementById('count').textContent;");
    assert!(
        count
            .as_str()
            .unwrap_or_default()
            .starts_with("Showing 1–1 of 1 requirement (filtered from 18)"),
        "{count}"
    );

    // Reset, then each filter alone.
    browser.click("#reset");
    assert_eq!(browser.rows(), all);
    // Search reaches into text with markup (a code span in a list item) too.
    browser.type_into("#q", "argon2");
    assert_eq!(browser.rows(), ["auth.login"]);
    browser.click("#reset");
    // A title sent as a length of the text comes back whole.
    let title = browser
        .exec("return document.querySelector('#req-auth\\\\.logout .c-title .t').textContent;");
    assert_eq!(title, "Logging out ends the session");
    browser.click("#f-status option[value='unverified']");
    let unverified = ids_where(&report, |r| {
        r.lifecycle.is_counted() && r.status == reqtrail::model::Status::Unverified
    });
    assert_eq!(browser.rows(), unverified);
    browser.click("#f-status option[value='not-counted']");
    assert_eq!(
        browser.rows(),
        ids_where(&report, |r| !r.lifecycle.is_counted())
    );
    browser.click("#f-status option[value='']");
    let api = browser.exec("return Array.from(document.querySelectorAll('#f-doc option')).find(o => o.textContent.startsWith('docs/api.md')).value;");
    browser.click(&format!(
        "#f-doc option[value='{}']",
        api.as_str().unwrap_or_default()
    ));
    assert_eq!(browser.rows(), ["REQ-001", "REQ-002", "REQ-003", "REQ-004"]);
    browser.click("#reset");
    let pci = browser.exec("return Array.from(document.querySelectorAll('#f-tag option')).find(o => o.textContent.startsWith('pci ')).value;");
    browser.click(&format!(
        "#f-tag option[value='{}']",
        pci.as_str().unwrap_or_default()
    ));
    assert_eq!(browser.rows(), ["pay.charge", "pay.refund"]);
    browser.click("#reset");
    let area = browser.exec("return Array.from(document.querySelectorAll('#f-area option')).find(o => o.textContent.startsWith('auth ')).value;");
    browser.click(&format!(
        "#f-area option[value='{}']",
        area.as_str().unwrap_or_default()
    ));
    assert_eq!(browser.rows(), ids_where(&report, |r| r.area == "auth"));
    browser.click("#reset");

    // Sorting by status puts the failing rows first, then the unverified; again reverses.
    browser.click("th[data-sort='status'] button");
    let rows = browser.rows();
    let failing = ids_where(&report, |r| {
        r.lifecycle.is_counted() && r.status == reqtrail::model::Status::Failing
    });
    assert_eq!(sorted(rows[..3].to_vec()), sorted(failing.clone()));
    assert_eq!(sorted(rows[3..8].to_vec()), sorted(unverified.clone()));
    assert_eq!(
        browser.exec(
            "return document.querySelector(\"th[data-sort='status']\").getAttribute('aria-sort');"
        ),
        "ascending"
    );
    browser.click("th[data-sort='status'] button");
    let reversed = browser.rows();
    assert_eq!(
        sorted(reversed[reversed.len() - 3..].to_vec()),
        sorted(failing)
    );
    browser.click("th[data-sort='doc'] button");
    assert_eq!(browser.rows(), all);

    // Unverified and failing rows carry the highlight classes and a labelled badge.
    let classes = browser.exec(
        "return ['auth.login.lockout', 'REQ-002', 'pay.charge', 'auth.mfa'].map(id => {
           const b = document.getElementById('req-' + id);
           return [b.className, b.querySelector('.badge').textContent,
                   getComputedStyle(b.querySelector('td')).borderLeftStyle];
         });",
    );
    assert_eq!(
        classes,
        json!([
            ["req st-failing lc-active", "✗Failing", "double"],
            ["req st-unverified lc-active", "○Unverified", "dashed"],
            ["req st-verified lc-active", "✓Verified", "solid"],
            ["req nc lc-draft", "◌draft", "solid"]
        ])
    );

    // A deep link opens the requirement even when the filters hide it, and scrolls to it.
    browser.click("#f-status option[value='verified']");
    browser.exec("location.hash = '#req-auth.login.lockout';");
    browser
        .wait_until("document.querySelector('#req-auth\\\\.login\\\\.lockout tr.detail') !== null");
    let placed = browser.exec(
        "const r = document.getElementById('req-auth.login.lockout').getBoundingClientRect();
         return [r.top >= 0 && r.top < innerHeight, document.getElementById('f-status').value];",
    );
    assert_eq!(placed, json!([true, ""]));
    browser.screenshot("reqtrail-detail.png");

    // The detail view: text, reason, parents, the failing test with its message and links.
    let detail = browser.exec(
        "const d = document.querySelector('#req-auth\\\\.login\\\\.lockout tr.detail');
         return {text: d.querySelector('.req-text').textContent,
                 reason: d.querySelector('.d-reason').textContent,
                 parents: Array.from(d.querySelectorAll('.links a')).map(a => a.getAttribute('href')),
                 result: d.querySelector('.t-res').textContent,
                 test: d.querySelector('.t-table tbody td.mono').firstChild.textContent,
                 message: d.querySelector('pre.msg').textContent,
                 links: Array.from(d.querySelectorAll('a.loc')).map(a => [a.textContent, a.href]),
                 impl: d.querySelector('.impl-list').textContent};",
    );
    assert_eq!(
        detail["text"],
        "After five failed logins within 15 minutes the account is locked for 30 minutes."
    );
    assert_eq!(
        detail["reason"],
        "✗Failing test auth::tests::lockout_after_five failed"
    );
    assert_eq!(detail["parents"], json!(["#req-auth.login"]));
    assert_eq!(detail["result"], "✗failed");
    assert_eq!(detail["test"], "auth::tests::lockout_after_five");
    assert!(detail["message"]
        .as_str()
        .unwrap_or_default()
        .contains("left: 4\n right: 5"));
    let commit = "4f2a9c1e7b3d5a60c8e1f2a3b4c5d6e7f8091a2b";
    assert_eq!(
        detail["links"],
        json!([
            [
                "docs/auth.md:21",
                format!("https://git.example.org/pay/blob/{commit}/docs/auth.md#L21")
            ],
            [
                "src/auth.rs:58",
                format!("https://git.example.org/pay/blob/{commit}/src/auth.rs#L58")
            ],
            [
                "src/auth.rs:160",
                format!("https://git.example.org/pay/blob/{commit}/src/auth.rs#L160")
            ],
            [
                "src/auth.rs:159",
                format!("https://git.example.org/pay/blob/{commit}/src/auth.rs#L159")
            ]
        ])
    );
    assert_eq!(detail["impl"], "auth::record_failure src/auth.rs:58");

    // Following the parent link (a real click) opens the parent's detail, with its children.
    browser.click("#req-auth\\.login\\.lockout .links a");
    browser.wait_until("document.querySelector('#req-auth\\\\.login tr.detail') !== null");
    let parent = browser.exec(
        "const d = document.querySelector('#req-auth\\\\.login tr.detail');
         return [location.hash, d.querySelector('.req-text ul li code').textContent,
                 Array.from(d.querySelectorAll('.links a')).map(a => a.textContent)];",
    );
    assert_eq!(
        parent,
        json!(["#req-auth.login", "argon2id", ["auth.login.lockout"]])
    );

    // A fresh load with a fragment opens that requirement directly.
    browser.goto(&format!("{url}#req-REQ-002"));
    browser.wait_until("document.querySelector('#req-REQ-002 tr.detail') !== null");
    // Clicking a row toggles its detail.
    browser.click("#req-pay\\.charge td.c-title");
    browser.wait_until("document.querySelector('#req-pay\\\\.charge tr.detail') !== null");
    browser.click("#req-pay\\.charge td.c-title");
    browser.wait_until("document.querySelector('#req-pay\\\\.charge tr.detail') === null");
    assert_eq!(browser.errors(), Vec::<String>::new());
}

// r[verify html.print]
#[test]
fn print_expands_every_row_and_phones_get_cards() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::start() else {
        return;
    };
    let report = sample_report();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = write_page(dir.path(), &report, &HtmlOptions::default());
    browser.goto(&url);
    browser.click("#page-size option[value='50']");

    browser.cdp("Emulation.setEmulatedMedia", json!({"media": "print"}));
    browser.exec("window.dispatchEvent(new Event('beforeprint'));");
    let printed = browser.exec(
        "return {rows: document.querySelectorAll('#matrix-table tbody.req').length,
                 details: document.querySelectorAll('#matrix-table tr.detail').length,
                 controls: getComputedStyle(document.getElementById('controls')).display,
                 pager: getComputedStyle(document.getElementById('pager')).display,
                 toggles: getComputedStyle(document.querySelector('.tog')).display,
                 avoid: getComputedStyle(document.querySelector('tbody.req')).breakInside};",
    );
    let n = report.requirements.len();
    assert_eq!(
        printed,
        json!({"rows": n, "details": n, "controls": "none", "pager": "none", "toggles": "none", "avoid": "avoid"})
    );
    browser.screenshot("reqtrail-print.png");
    browser.exec("window.dispatchEvent(new Event('afterprint'));");
    browser.cdp("Emulation.setEmulatedMedia", json!({"media": ""}));
    assert_eq!(
        browser.exec("return document.querySelectorAll('#matrix-table tr.detail').length;"),
        0
    );

    // Dark mode follows the system setting.
    browser.cdp(
        "Emulation.setEmulatedMedia",
        json!({"media": "", "features": [{"name": "prefers-color-scheme", "value": "dark"}]}),
    );
    let background = browser.exec("return getComputedStyle(document.body).backgroundColor;");
    assert_eq!(background, "rgb(15, 18, 23)");
    browser.exec("window.scrollTo(0, 0);");
    browser.screenshot("reqtrail-dark.png");
    browser.cdp(
        "Emulation.setEmulatedMedia",
        json!({"media": "", "features": [{"name": "prefers-color-scheme", "value": "light"}]}),
    );

    // A phone: the table turns into cards, each cell labelled.
    browser.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true}),
    );
    let phone = browser.exec(
        "const b = document.querySelector('tbody.req');
         return [getComputedStyle(document.querySelector('#matrix-table thead')).display,
                 getComputedStyle(b).display,
                 getComputedStyle(b.querySelector('td.c-status'), '::before').content,
                 document.documentElement.scrollWidth <= 390];",
    );
    let wide = browser.exec(
        "return Array.from(document.querySelectorAll('body *'))
           .filter(e => e.getBoundingClientRect().right > 391 && !e.closest('.scroll, .grid-wrap'))
           .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
    );
    assert_eq!(
        phone,
        json!(["none", "block", "\"Status\"", true]),
        "too wide: {wide}"
    );
    browser.exec("document.getElementById('matrix').scrollIntoView();");
    browser.screenshot("reqtrail-phone.png");
    assert_eq!(browser.errors(), Vec::<String>::new());
}

// r[verify front.test-hygiene]
#[test]
fn without_chromium_a_ci_run_fails_and_a_local_run_skips() {
    // This very test binary, asked to run one browser test on a machine without a browser.
    let me = std::env::current_exe().expect("the test binary");
    let run = |ci: Option<&str>| {
        let mut cmd = Command::new(&me);
        cmd.args([
            "--exact",
            "loads_offline_and_runs_nothing_hostile",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("REQTRAIL_CHROMIUM", "/nonexistent/chromium")
        .env("REQTRAIL_CHROMEDRIVER", "/nonexistent/chromedriver")
        .env_remove("CI");
        if let Some(value) = ci {
            cmd.env("CI", value);
        }
        let out = cmd.output().expect("the test binary runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let (passed, text) = run(Some("true"));
    assert!(!passed, "a CI run without chromium passed:\n{text}");
    assert!(
        text.contains("CI=true but chromium (/nonexistent/chromium) or chromedriver (/nonexistent/chromedriver) is missing"),
        "{text}"
    );
    assert!(text.contains("1 failed"), "{text}");
    let (passed, text) = run(None);
    assert!(passed, "a local run without chromium failed:\n{text}");
    assert!(text.contains("SKIPPED: chromium not installed"), "{text}");
    let (passed, text) = run(Some("false"));
    assert!(passed, "CI=false is not a CI run:\n{text}");
}

/// Whether this is a CI run (`CI` set to anything but empty, `0` or `false`), where a test that
/// cannot run must fail rather than skip.
fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

// r[verify html.scale]
// r[verify front.test-hygiene]
#[test]
fn ten_thousand_requirements_open_and_filter_correctly() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::start() else {
        return;
    };
    let report = generated_report(10_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = write_page(dir.path(), &report, &HtmlOptions::default());
    // Warm the browser up on a small page, so the first-launch cost is not counted.
    browser.open("data:text/html,<p>warm</p>");

    browser.goto(&url);
    let load = browser.exec(
        "const n = performance.getEntriesByType('navigation')[0];
         return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
                 rows: document.querySelectorAll('#matrix-table tbody.req').length};",
    );
    assert_eq!(load["rows"], 100, "one page of rows");

    // A status filter, then a search on top, each timed in the page around its event.
    let filter = browser.exec(
        "const s = document.getElementById('f-status');
         const t0 = performance.now();
         s.value = 'failing';
         s.dispatchEvent(new Event('change'));
         const t1 = performance.now();
         const q = document.getElementById('q');
         q.value = 'invoice';
         q.dispatchEvent(new Event('input'));
         const t2 = performance.now();
         return {status_ms: t1 - t0, search_ms: t2 - t1,
                 rows: document.querySelectorAll('#matrix-table tbody.req').length,
                 count: document.getElementById('count').textContent};",
    );
    record_timings(&load, &filter);
    let failing = ids_where(&report, |r| {
        r.lifecycle.is_counted() && r.status == reqtrail::model::Status::Failing
    });
    let expected = report
        .requirements
        .iter()
        .filter(|r| failing.contains(&r.id))
        .filter(|r| {
            let hay = format!(
                "{}\n{}\n{}\n{}\n{}\n{}\n{}",
                r.id,
                r.title,
                r.text,
                r.file,
                r.reason,
                r.verified_by
                    .iter()
                    .map(|v| v.test.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
                r.implemented_by
                    .iter()
                    .map(|m| m.item.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            hay.to_lowercase().contains("invoice")
        })
        .count();
    assert!(expected > 100, "the generator gives a multi-page answer");
    let count = filter["count"].as_str().unwrap_or_default().to_string();
    assert!(
        count.starts_with(&format!(
            "Showing 1–100 of {} requirements (filtered from 10,000)",
            fmt_thousands(expected)
        )),
        "{count}"
    );

    // Real key presses on the big page stay responsive end to end.
    browser.click("#reset");
    browser.type_into("#q", "r00042");
    let rows = browser.rows();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].ends_with(".r00042"));

    // The grid declines a document too large for it.
    browser.click("#grid-details summary");
    browser.wait_until("document.querySelector('#grid p') !== null");
    let grid = browser.exec("return document.querySelector('#grid p').textContent;");
    assert!(
        grid.as_str()
            .unwrap_or_default()
            .starts_with("Too large for a grid: 500 requirements × "),
        "{grid}"
    );

    // Paging and "show all".
    browser.click("#reset");
    browser.click("#pager [data-page='last']");
    let last = browser.exec("return document.getElementById('page-info').textContent;");
    assert_eq!(last, "Page 100 of 100");
    let all = browser.exec(
        "const s = document.getElementById('page-size');
         s.value = 'all';
         s.dispatchEvent(new Event('change'));
         return document.querySelectorAll('#matrix-table tbody.req').length;",
    );
    assert_eq!(all, 10_000);
    assert_eq!(browser.errors(), Vec::<String>::new());
}

/// Writes the page's own timings (navigation entry, and around each filter event) to the file
/// `REQTRAIL_PAGE_TIMINGS` names, one `key value_ms` per line, for `scripts/bench`. Timing is a
/// measurement, never a verdict: nothing here is asserted.
fn record_timings(load: &Value, filter: &Value) {
    let Some(path) = std::env::var_os("REQTRAIL_PAGE_TIMINGS") else {
        return;
    };
    let ms = |v: &Value| v.as_f64().map_or("n/a".to_string(), |x| format!("{x:.1}"));
    let text = format!(
        "dom_content_loaded {}\nload {}\nstatus_filter {}\nsearch {}\n",
        ms(&load["dcl"]),
        ms(&load["load"]),
        ms(&filter["status_ms"]),
        ms(&filter["search_ms"])
    );
    std::fs::write(&path, text).expect("the timings file is writable");
}

fn fmt_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

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

    /// Polls `condition` until it holds. The limit is a hang limit, not a speed bar: with five
    /// builds on two cores (load 16) showing 10,000 rows in batches took over 30 s, so it is
    /// generous; the CI profile's own limit (5 minutes) stays the backstop.
    fn wait_until(&self, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(150);
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
            ..Default::default()
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
            ..Default::default()
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
                 details: document.querySelectorAll('#print-details .detail-body').length,
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
         return {status_ms: t1 - t0, search_ms: t2 - t1};",
    );
    record_timings(&load, &filter);
    // The page reads the search records of its rows after it opens (r[perf.html-lazy]); a
    // search made before waits for them.
    browser.wait_until("!document.documentElement.hasAttribute('data-busy')");
    let filter = browser.exec(
        "return {rows: document.querySelectorAll('#matrix-table tbody.req').length,
                 count: document.getElementById('count').textContent};",
    );
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
    // The first batch at once, the rest in batches while the page stays responsive
    // (r[html.chunked]).
    assert!(all.as_u64().is_some_and(|n| n < 10_000), "{all}");
    // A hang guard, not a timing: on a loaded machine the batches may take a while.
    let deadline = Instant::now() + Duration::from_secs(300);
    while browser.exec("return document.querySelectorAll('#matrix-table tbody.req').length;")
        != 10_000
    {
        assert!(
            Instant::now() < deadline,
            "show all never reached 10,000 rows"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
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

/* ---- issue 16: the audit copy, links with filters, accessibility, big views ---- */

/// `name` on PATH, for the PDF tools. Under `CI=true` a missing tool fails the test.
fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            !under_ci(),
            "CI=true but {name} is not installed: install poppler-utils (scripts/test does)"
        );
        println!("SKIPPED: {name} not installed");
    }
    found
}

/// Runs a process to its end, killing it after `limit` (then the test fails): a hung browser
/// must not hang the suite.
fn run_limited(cmd: &mut Command, limit: Duration) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {cmd:?}: {e}"));
    let deadline = Instant::now() + limit;
    loop {
        if child.try_wait().expect("waiting").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} still ran after {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The demo project's report with its committed results, made by the CLI, and its JSON twin.
fn demo_report(dir: &Path) -> (PathBuf, Value) {
    let html = dir.join("audit.html");
    let json = dir.join("audit.json");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let out = run_limited(
        Command::new(env!("CARGO_BIN_EXE_reqtrail"))
            .arg("check")
            .arg(&demo)
            .arg("--results")
            .arg(demo.join("results/junit.xml"))
            .arg("--html")
            .arg(&html)
            .arg("--json")
            .arg(&json)
            .env("SOURCE_DATE_EPOCH", "1767225600"),
        Duration::from_secs(120),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the demo's gate fails by design"
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(&json).expect("json written")).expect("json");
    (html, report)
}

/// The text of each page (pdftotext puts a form feed between pages). `-layout` keeps lines as
/// they look (for header rows); `-raw` keeps the content stream's order, in which Chromium
/// draws a table cell's wrapped lines one after the other (for names that wrap).
fn pdf_pages(pdftotext: &Path, pdf: &Path, mode: &str) -> Vec<String> {
    let out = run_limited(
        Command::new(pdftotext).arg(mode).arg(pdf).arg("-"),
        Duration::from_secs(60),
    );
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\x0c').map(String::from).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Renders every page to a greyscale image and returns, per page, how many dark pixels lie in
/// the outer `band_mm` of the left and right page margins: anything there ran past the page's
/// content box (cut off on paper, or about to be).
fn ink_in_side_margins(pdftoppm: &Path, pdf: &Path, band_mm: f64) -> Vec<usize> {
    let dir = tempfile::tempdir().expect("tempdir");
    let prefix = dir.path().join("page");
    let out = run_limited(
        Command::new(pdftoppm)
            .args(["-gray", "-r", "50"])
            .arg(pdf)
            .arg(&prefix),
        Duration::from_secs(120),
    );
    assert!(out.status.success(), "pdftoppm failed");
    let mut images: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("pages")
        .map(|e| e.expect("entry").path())
        .collect();
    images.sort();
    let band = (band_mm / 25.4 * 50.0).floor() as usize;
    images
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).expect("page image");
            // Binary PGM: "P5", width, height, maxval, one whitespace, then the pixels.
            let mut fields = Vec::new();
            let mut at = 0;
            while fields.len() < 4 {
                while bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                let start = at;
                while !bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
            }
            assert_eq!(fields[0], "P5", "{}", path.display());
            let width: usize = fields[1].parse().expect("width");
            let height: usize = fields[2].parse().expect("height");
            let pixels = &bytes[at + 1..];
            assert_eq!(pixels.len(), width * height);
            let mut dark = 0;
            for y in 0..height {
                let row = &pixels[y * width..(y + 1) * width];
                dark += row[..band].iter().filter(|&&p| p < 200).count();
                dark += row[width - band..].iter().filter(|&&p| p < 200).count();
            }
            dark
        })
        .collect()
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What every printed copy must hold, whatever the paper: checked on the text of its pages.
fn assert_audit_copy(
    pages: &[String],
    raw: &[String],
    report: &Value,
    results_file: &str,
    paper: &str,
) {
    assert_eq!(pages.len(), raw.len());
    let n = pages.len();
    assert!(n >= 3, "{paper}: {n} pages");
    for (k, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {n}", k + 1)),
            "{paper}: page {} has no page number:\n{page}",
            k + 1
        );
        assert!(
            page.contains("ratekeeper"),
            "{paper}: page {} footer",
            k + 1
        );
    }
    let cover = &pages[0];
    // The coverage the JSON of the same run states, one decimal, as the cover prints it.
    let coverage = format!(
        "{:.1}%",
        report["summary"]["coverage_percent"]
            .as_f64()
            .expect("coverage in the JSON")
    );
    for needed in [
        "REQUIREMENTS TRACEABILITY REPORT",
        "Report date",
        "2026-01-01 00:00 UTC",
        "Generated by",
        "Test results",
        "Counts",
        "Sign-off",
        "Prepared by",
        "Reviewed by",
        "Approved by",
        "Signature",
        coverage.as_str(),
    ] {
        assert!(
            cover.contains(needed),
            "{paper}: cover lacks {needed}:\n{cover}"
        );
    }
    assert!(
        squeeze(cover).contains(&squeeze(results_file)),
        "{paper}: cover lacks the results file {results_file}:\n{cover}"
    );
    match report["commit"].as_str() {
        Some(commit) => assert!(squeeze(cover).contains(commit), "{paper}: commit:\n{cover}"),
        None => assert!(cover.contains("not a git checkout"), "{paper}:\n{cover}"),
    }
    // The cover stands alone on its page.
    assert!(!cover.contains("Traceability matrix"), "{paper}");

    let all = pages.join("\n");
    // Column headers whole, on one line each (the bug: `VERIFI`, `IMPLEMENTA`).
    let lines: Vec<&str> = all.lines().collect();
    let header_line = |words: &[&str]| lines.iter().any(|l| words.iter().all(|w| l.contains(w)));
    for words in [
        &["DOCUMENT", "COVERAGE", "VERIFIED", "GAPS"][..],
        &["AREA", "COVERAGE", "VERIFIED", "GAPS"],
        &[
            "ID",
            "Title",
            "Document",
            "Status",
            "Verifying tests",
            "Implementation",
        ],
        &["RESULT", "TEST", "BINARY", "LOCATION", "REFERENCE"],
    ] {
        assert!(
            header_line(words),
            "{paper}: no whole header line {words:?}"
        );
    }
    // Every page of the matrix repeats its column headers.
    let first = pages
        .iter()
        .position(|p| p.contains("Traceability matrix"))
        .expect("a matrix page");
    let details = pages
        .iter()
        .position(|p| p.contains("Requirement details"))
        .expect("a details page");
    for (k, page) in pages.iter().enumerate().take(details).skip(first) {
        assert!(
            page.lines()
                .any(|l| l.contains("Verifying tests") && l.contains("Implementation")),
            "{paper}: matrix page {} without its column headers:\n{page}",
            k + 1
        );
    }
    let flat = squeeze(&raw.join("\n"));
    let matrix_at = flat.find("Traceabilitymatrix").expect("the matrix");
    let details_at = flat.find("Requirementdetails").expect("the details");
    assert!(
        matrix_at < details_at,
        "{paper}: the matrix, then the details"
    );
    let (matrix, details) = (&flat[matrix_at..details_at], &flat[details_at..]);
    let requirements = report["requirements"].as_array().expect("requirements");
    assert_eq!(requirements.len(), 25);
    for r in requirements {
        let id = r["id"].as_str().expect("id");
        assert!(
            matrix.contains(id),
            "{paper}: {id} missing or cut in the matrix"
        );
        assert!(details.contains(id), "{paper}: {id} has no detail");
        for v in r["verified_by"].as_array().expect("tests") {
            let test = v["test"].as_str().expect("test");
            // A record's label (`inspection by Ines Laporte on 2026-11-27`) has spaces and may
            // wrap inside its cell, and the PDF's text then interleaves it with the cell
            // beside it; every word of it must still be there. A test name has no spaces and
            // must be there whole.
            let whole = details.contains(&squeeze(test));
            let wrapped =
                test.contains(' ') && test.split_whitespace().all(|w| details.contains(w));
            assert!(whole || wrapped, "{paper}: test {test} of {id} cut");
        }
    }
    // Every test's failure shows whole in its requirement's detail.
    assert!(details.contains("draining_one_tenant_leaves_others_untouched"));
}

// r[verify html.print-audit]
// r[verify html.print-fit]
#[test]
fn printed_to_pdf_the_report_is_a_whole_audit_copy() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let (Some(pdftotext), Some(pdftoppm)) = (tool("pdftotext"), tool("pdftoppm")) else {
        return;
    };
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (html, report) = demo_report(dir.path());
    // Inside the root, shown relative to it like every path of the report.
    let results_file = "results/junit.xml".to_string();
    let url = format!("file://{}", html.display());

    // 1. Chromium's own --print-to-pdf, as a user or a CI job would run it (Letter by default).
    let binary = BROWSERS
        .iter()
        .find(|p| Path::new(p).exists())
        .expect("chromium, found by Browser::start");
    let profile = tempfile::tempdir().expect("profile");
    let cli_pdf = dir.path().join("cli.pdf");
    let out = run_limited(
        Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--print-to-pdf={}", cli_pdf.display()))
            .arg(&url),
        Duration::from_secs(120),
    );
    assert!(
        cli_pdf.is_file(),
        "no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // 2. A4 and Letter explicitly, through WebDriver's print (the same engine).
    browser.goto(&url);
    let mut pdfs = vec![("--print-to-pdf", cli_pdf)];
    for (paper, width, height) in [("A4", 21.0, 29.7), ("Letter", 21.59, 27.94)] {
        let data = browser.call(
            "POST",
            "/print",
            json!({"page": {"width": width, "height": height}, "background": true}),
        );
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().expect("base64 PDF"))
            .expect("PDF bytes");
        let path = dir.path().join(format!("{paper}.pdf"));
        std::fs::write(&path, bytes).expect("write PDF");
        pdfs.push((paper, path));
    }
    for (paper, pdf) in &pdfs {
        // Kept for a person to look at (target/tmp), pass or fail.
        let _ = std::fs::copy(
            pdf,
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
                "reqtrail-audit-{}.pdf",
                paper.trim_start_matches('-')
            )),
        );
        let pages = pdf_pages(&pdftotext, pdf, "-layout");
        let raw = pdf_pages(&pdftotext, pdf, "-raw");
        assert_audit_copy(&pages, &raw, &report, &results_file, paper);
        let ink = ink_in_side_margins(&pdftoppm, pdf, 8.0);
        assert!(
            ink.iter().all(|&n| n == 0),
            "{paper}: something runs into the side margins (dark pixels per page: {ink:?})"
        );
    }

    // 3. In the page laid out at each paper's printable width, no cell is clipped and nothing
    //    spills out of its cell (a badge over the next column).
    for (paper, width) in [("A4", 703), ("Letter", 720)] {
        browser.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": false}),
        );
        browser.cdp("Emulation.setEmulatedMedia", json!({"media": "print"}));
        browser.exec("window.dispatchEvent(new Event('beforeprint'));");
        let spills = browser.exec(
            "const bad = [];
             for (const cell of document.querySelectorAll('table td, table th')) {
               if (!cell.getClientRects().length) continue;
               const box = cell.getBoundingClientRect();
               if (cell.scrollWidth > cell.clientWidth + 1) bad.push('clipped ' + cell.textContent.slice(0, 40));
               for (const e of cell.querySelectorAll('*')) {
                 const r = e.getBoundingClientRect();
                 if (r.width && r.right > box.right + 1) { bad.push('spills ' + e.className + ': ' + e.textContent.slice(0, 40)); break; }
               }
             }
             if (document.documentElement.scrollWidth > window.innerWidth) bad.push('page wider than the paper');
             return bad;",
        );
        assert_eq!(spills, json!([]), "{paper}");
        browser.exec("window.dispatchEvent(new Event('afterprint'));");
    }
    assert_eq!(browser.errors(), Vec::<String>::new());
}

/// The sample report plus a requirement verified by two tests of the same name in two crates
/// (a client and a server binary), as a workspace has them.
fn report_with_twins() -> Report {
    use reqtrail::model::TestStatus;
    use reqtrail::report::{TestEntry, Verification};
    let mut report = sample_report();
    let target = report
        .requirements
        .iter_mut()
        .find(|r| r.status == reqtrail::model::Status::Verified && r.lifecycle.is_counted())
        .expect("a verified requirement");
    let id = target.id.clone();
    for (binary, file, result) in [
        ("kv_client", "client/src/lib.rs", TestStatus::Passed),
        ("kv_server", "server/src/lib.rs", TestStatus::Failed),
    ] {
        target.verified_by.push(Verification {
            test: "tests::key_value_get_set".into(),
            binary: binary.into(),
            file: file.into(),
            line: 40,
            ref_line: 39,
            result,
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
        });
        report.tests.push(TestEntry {
            test: "tests::key_value_get_set".into(),
            binary: binary.into(),
            file: file.into(),
            line: 40,
            ignored: false,
            should_panic: false,
            cfg: None,
            result,
            message: None,
            requirements: vec![id.clone()],
            span: Default::default(),
            flaky: false,
            fingerprint: String::new(),
        });
    }
    report
}

// r[verify html.same-name]
// r[verify html.crates]
#[test]
fn same_named_tests_show_their_binary_and_crates_get_a_breakdown() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::start() else {
        return;
    };
    let report = report_with_twins();
    let twin = report
        .requirements
        .iter()
        .find(|r| r.verified_by.iter().any(|v| v.binary == "kv_client"))
        .expect("twin")
        .clone();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = write_page(dir.path(), &report, &HtmlOptions::default());
    browser.goto(&format!("{url}#req-{}", twin.id));
    let chips = browser.exec(&format!(
        "return Array.from(document.getElementById('req-{}').querySelectorAll('.chips .name')).map(e => e.textContent);",
        twin.id
    ));
    let chips: Vec<String> = serde_json::from_value(chips).expect("names");
    assert!(
        chips.contains(&"key_value_get_set \u{b7} kv_client".to_string())
            && chips.contains(&"key_value_get_set \u{b7} kv_server".to_string()),
        "{chips:?}"
    );

    // The grid of its document: two columns, told apart.
    browser.exec("document.getElementById('grid-details').open = true;");
    let doc = report
        .documents
        .iter()
        .position(|d| d.name == twin.file)
        .expect("document");
    browser.exec(&format!(
        "const g = document.getElementById('grid-doc'); g.selectedIndex = {doc}; g.dispatchEvent(new Event('change'));"
    ));
    let headers = browser.exec(
        "return Array.from(document.querySelectorAll('#grid th.tcol')).map(e => e.textContent).filter(t => t.startsWith('key_value'));",
    );
    assert_eq!(
        headers,
        json!([
            "key_value_get_set \u{b7} kv_client",
            "key_value_get_set \u{b7} kv_server"
        ])
    );

    // By crate: one row per crate of the tests, with counts from the report.
    let rows = browser.exec(
        "return Array.from(document.querySelectorAll('.panel-crates tbody tr')).map(tr => Array.from(tr.children).map(c => c.textContent.trim()));",
    );
    let mut expected = Vec::new();
    let crates: std::collections::BTreeSet<&str> = report
        .tests
        .iter()
        .map(|t| t.binary.split("::").next().unwrap_or(""))
        .collect();
    for name in &crates {
        let tests: Vec<_> = report
            .tests
            .iter()
            .filter(|t| t.binary.split("::").next() == Some(name))
            .collect();
        let claimed: std::collections::BTreeSet<&String> =
            tests.iter().flat_map(|t| &t.requirements).collect();
        let failing = tests
            .iter()
            .filter(|t| {
                matches!(
                    t.result,
                    reqtrail::model::TestStatus::Failed | reqtrail::model::TestStatus::Errored
                )
            })
            .count();
        expected.push(json!([
            name,
            tests.len().to_string(),
            tests
                .iter()
                .filter(|t| !t.requirements.is_empty())
                .count()
                .to_string(),
            claimed.len().to_string(),
            if failing == 0 {
                "none".to_string()
            } else {
                format!("\u{2717} {failing}")
            }
        ]));
    }
    assert_eq!(crates.len(), 3, "gateway, kv_client, kv_server");
    assert_eq!(rows, json!(expected));

    // One crate: no breakdown.
    let single = write_page(dir.path(), &sample_report(), &HtmlOptions::default());
    browser.goto(&single);
    assert_eq!(
        browser.exec("return document.querySelectorAll('.panel-crates').length;"),
        0
    );
    assert_eq!(browser.errors(), Vec::<String>::new());
}

// r[verify html.url-filters]
#[test]
fn filters_travel_in_the_link() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::start() else {
        return;
    };
    let report = sample_report();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = write_page(dir.path(), &report, &HtmlOptions::default());
    browser.goto(&url);
    browser.click(".tile-failing");
    let doc = "docs/auth.md";
    browser.exec(&format!(
        "const s = document.getElementById('f-doc');
         s.value = Array.from(s.options).find(o => o.textContent.startsWith('{doc} ')).value;
         s.dispatchEvent(new Event('change'));"
    ));
    let expected = ids_where(&report, |r| {
        r.lifecycle.is_counted() && r.status == reqtrail::model::Status::Failing && r.file == doc
    });
    assert!(!expected.is_empty());
    assert_eq!(browser.rows(), expected);
    let hash = browser.exec("return location.hash;");
    assert_eq!(hash, "#status=failing&doc=docs%2Fauth.md");

    // The link, opened afresh, shows the same rows with the same controls set.
    let shared = format!("{url}#status=failing&doc=docs%2Fauth.md");
    browser.open("data:text/html,<p>elsewhere</p>");
    browser.open(&shared);
    browser.wait_until("document.documentElement.getAttribute('data-ready') === '1'");
    assert_eq!(browser.rows(), expected);
    assert_eq!(
        browser.exec("return [document.getElementById('f-status').value, document.getElementById('f-doc').selectedOptions[0].textContent.split(' ')[0]];"),
        json!(["failing", doc])
    );
    // A search and a sort travel too; names that the report does not have are ignored.
    browser.open(&format!(
        "{url}#q=login&sort=id&dir=desc&doc=docs%2Fnowhere.md"
    ));
    browser.wait_until("document.documentElement.getAttribute('data-ready') === '1'");
    let mut login: Vec<String> = report
        .requirements
        .iter()
        .filter(|r| {
            format!("{}\n{}\n{}", r.id, r.title, r.text)
                .to_lowercase()
                .contains("login")
                || r.verified_by.iter().any(|v| v.test.contains("login"))
                || r.implemented_by.iter().any(|m| m.item.contains("login"))
        })
        .map(|r| r.id.clone())
        .collect();
    login.sort();
    login.reverse();
    let shown = browser.rows();
    assert!(!shown.is_empty());
    assert!(
        shown.iter().all(|id| login.contains(id)),
        "{shown:?} / {login:?}"
    );
    assert_eq!(
        browser.exec("return [document.getElementById('q').value, document.getElementById('f-doc').value, document.querySelector('th[data-sort=id]').getAttribute('aria-sort')];"),
        json!(["login", "", "descending"])
    );
    // A requirement link still opens that requirement.
    browser.open(&format!("{url}#req-{}", report.requirements[0].id));
    browser.wait_until("document.documentElement.getAttribute('data-ready') === '1'");
    assert!(browser
        .exec("return location.hash;")
        .as_str()
        .is_some_and(|h| h.starts_with("#req-")));
    assert_eq!(browser.errors(), Vec::<String>::new());
}

/// WCAG 2 contrast of every visible text against the background it is drawn on.
const CONTRAST_SCRIPT: &str = "
  function rgb(c) { const m = c.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; }
  function lum(c) {
    const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }
  function background(e) {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if ((c[3] === undefined || c[3] > 0.5)) return c;
    }
    return rgb(getComputedStyle(document.body).backgroundColor);
  }
  const bad = [];
  for (const e of document.querySelectorAll('body *')) {
    const own = Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !e.getClientRects().length || e.closest('.visually-hidden, [hidden]')) continue;
    const style = getComputedStyle(e);
    if (style.visibility === 'hidden' || parseFloat(style.opacity) < 0.5) continue;
    if (e.closest('button:disabled')) continue;
    const fg = rgb(style.color), bg = background(e);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) bad.push(e.tagName + '.' + e.className + ' \"' + e.textContent.trim().slice(0, 20) + '\" ' + ratio.toFixed(2));
  }
  return Array.from(new Set(bad)).slice(0, 20);";

// r[verify html.a11y]
#[test]
fn readable_in_dark_mode_and_to_screen_readers() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::start() else {
        return;
    };
    let report = report_with_twins();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = write_page(dir.path(), &report, &HtmlOptions::default());
    browser.goto(&url);
    browser.exec("document.getElementById('grid-details').open = true; document.getElementById('expand-all').click();");
    browser.wait_until("document.querySelector('#grid table')");
    for scheme in ["light", "dark"] {
        browser.cdp(
            "Emulation.setEmulatedMedia",
            json!({"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
        assert_eq!(
            browser.exec(CONTRAST_SCRIPT),
            json!([]),
            "{scheme} mode: under WCAG AA"
        );
    }
    browser.cdp(
        "Emulation.setEmulatedMedia",
        json!({"media": "", "features": [{"name": "prefers-color-scheme", "value": "light"}]}),
    );

    // A result is read out, not an empty cell: the accessibility tree names every result icon
    // of the chips and the grid.
    let tree = browser.cdp("Accessibility.getFullAXTree", json!({}));
    let labels = [
        "passed",
        "failed",
        "errored",
        "skipped",
        "not run",
        "no result",
    ];
    let named: Vec<String> = tree["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["role"]["value"] == "image")
        .filter_map(|n| n["name"]["value"].as_str().map(String::from))
        .filter(|name| labels.contains(&name.as_str()))
        .collect();
    let icons =
        browser.exec("return document.querySelectorAll('.chips .res, #grid td .res').length;");
    assert_eq!(json!(named.len()), icons, "{named:?}");
    for label in ["passed", "failed"] {
        assert!(named.iter().any(|n| n == label), "{label} in {named:?}");
    }
    let empty_cells = browser.exec(
        "return Array.from(document.querySelectorAll('#grid td')).filter(td => td.querySelector('.res') && !td.querySelector('[role=img][aria-label]')).length;",
    );
    assert_eq!(empty_cells, 0);

    // The status tiles say which one is pressed.
    let pressed = "return Array.from(document.querySelectorAll('.tile[data-status]')).map(t => t.getAttribute('data-status') + '=' + t.getAttribute('aria-pressed'));";
    let before = browser.exec(pressed);
    assert!(
        before.as_array().expect("tiles").iter().all(|t| {
            let t = t.as_str().unwrap_or("");
            t == "=true" || t.ends_with("=false")
        }),
        "{before}"
    );
    browser.click(".tile-unverified");
    let after = browser.exec(pressed);
    let on: Vec<&str> = after
        .as_array()
        .expect("tiles")
        .iter()
        .filter_map(|t| t.as_str())
        .filter(|t| t.ends_with("=true"))
        .collect();
    assert_eq!(on, ["unverified=true"]);

    // The row count is a polite live region that speaks once typing pauses, not per key.
    assert_eq!(
        browser.exec("return [document.getElementById('count').getAttribute('aria-live'), document.getElementById('count-live').getAttribute('aria-live')];"),
        json!([null, "polite"])
    );
    browser.click("#reset");
    browser.wait_until("document.getElementById('count-live').textContent !== ''");
    browser.exec(
        "window.__spoken = [];
         new MutationObserver(() => window.__spoken.push(document.getElementById('count-live').textContent))
           .observe(document.getElementById('count-live'), {childList: true, characterData: true, subtree: true});",
    );
    browser.type_into("#q", "login");
    browser.wait_until("window.__spoken.length > 0");
    // Give a stray per-key announcement every chance to arrive before counting.
    browser.exec("return new Promise(r => setTimeout(r, 1500));");
    let spoken = browser.exec("return window.__spoken;");
    let count = browser.exec("return document.getElementById('count').textContent;");
    assert_eq!(
        spoken,
        json!([count]),
        "one announcement, of the final count"
    );
    assert_eq!(browser.errors(), Vec::<String>::new());
}

// r[verify html.chunked]
#[test]
fn show_all_and_print_build_big_views_in_batches() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::start() else {
        return;
    };
    let report = generated_report(3_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = write_page(dir.path(), &report, &HtmlOptions::default());
    browser.goto(&url);
    let first = browser.exec(
        "const s = document.getElementById('page-size');
         s.value = 'all';
         s.dispatchEvent(new Event('change'));
         return document.querySelectorAll('#matrix-table tbody.req').length;",
    );
    let first = first.as_u64().expect("rows");
    assert!(first > 0 && first < 3_000, "{first} rows built at once");
    browser.wait_until("document.querySelectorAll('#matrix-table tbody.req').length === 3000");

    // The print button builds every row and every detail in batches, then prints.
    browser.exec(
        "window.__printed = null;
         window.print = () => { window.__printed = [document.querySelectorAll('#matrix-table tbody.req').length,
                                                    document.querySelectorAll('#print-details .detail-body').length]; };",
    );
    browser.click("#f-status option[value='failing']");
    let failing = ids_where(&report, |r| {
        r.lifecycle.is_counted() && r.status == reqtrail::model::Status::Failing
    })
    .len();
    browser.exec("document.getElementById('page-size').value = '50'; document.getElementById('page-size').dispatchEvent(new Event('change'));");
    browser.click("#print-btn");
    browser.wait_until("window.__printed !== null");
    assert_eq!(
        browser.exec("return window.__printed;"),
        json!([failing, failing])
    );
    assert_eq!(browser.errors(), Vec::<String>::new());
}

/// Copies a fixture directory.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

// r[verify evidence.html]
#[test]
fn levels_and_defects_show_and_failing_filters_tell_tracked_from_untracked() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("kvd");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/evidence"),
        &project,
    );
    let bin = env!("CARGO_BIN_EXE_reqtrail");
    // A failed analysis nobody has filed a defect for yet.
    let out = run_limited(
        Command::new(bin)
            .args(["record", "kv.compaction"])
            .arg(&project)
            .args([
                "--method",
                "analysis",
                "--result",
                "fail",
                "--by",
                "Tomás Ortega",
            ])
            .args(["--note", "A level rewrite needs 2.4x the live data"]),
        Duration::from_secs(60),
    );
    assert!(out.status.success(), "{out:?}");
    let html = dir.path().join("report.html");
    let out = run_limited(
        Command::new(bin)
            .arg("check")
            .arg(&project)
            .arg("--html")
            .arg(&html)
            .env("SOURCE_DATE_EPOCH", "1767225600"),
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    browser.goto(&format!("file://{}", html.display()));
    browser.click("#f-status option[value='failing']");
    assert_eq!(browser.rows(), ["kv.compaction", "kv.ops", "kv.ops.alarm"]);
    browser.click("#f-status option[value='failing-tracked']");
    assert_eq!(browser.rows(), ["kv.ops", "kv.ops.alarm"]);
    browser.click("#f-status option[value='failing-untracked']");
    assert_eq!(browser.rows(), ["kv.compaction"]);
    browser.click("#f-status option[value='']");
    // The defect beside the failing status, linked through the configured template.
    let defect = browser.exec(
        "const a = document.querySelector('#req-kv\\\\.ops\\\\.alarm .c-status a.defect');
         return a ? [a.textContent, a.getAttribute('href')] : null;",
    );
    assert_eq!(
        defect,
        json!([
            "\u{2691} KVD-311",
            "https://tracker.example.org/browse/KVD-311"
        ])
    );
    // The levels with passing evidence, in the tests column.
    let levels = browser.exec(
        "return Array.from(document.querySelectorAll('#req-kv\\\\.persist .c-tests .level')).map(e => e.textContent);",
    );
    assert_eq!(levels, json!(["itest", "manual"]));
    // The detail panel gives each piece of evidence its level, records included.
    browser.click("#req-kv\\.locks .tog");
    let detail = browser.exec(
        "return Array.from(document.querySelectorAll('#req-kv\\\\.locks .t-table tbody tr')).map(tr => [tr.querySelector('.level-cell').textContent, tr.children[1].textContent]);",
    );
    assert_eq!(
        detail,
        json!([["inspection", "inspection by Dana Whitfield on 2026-11-19"]])
    );
    assert_eq!(browser.errors(), Vec::<String>::new());
}

// r[verify robust.html-diagnostics]
#[test]
fn a_page_with_thousands_of_diagnostics_opens_and_reaches_every_one() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::start() else {
        return;
    };
    let mut report = sample_report();
    let total = 3_000;
    report.diagnostics = (0..total)
        .map(|n| reqtrail::report::DiagnosticEntry {
            code: reqtrail::model::Code::UnknownReference,
            severity: reqtrail::model::Severity::Error,
            // One hostile message among the ones the script builds.
            message: if n == total - 2 {
                HOSTILE_DIAGNOSTIC.to_string()
            } else {
                format!("`gone.n{n}` names no requirement")
            },
            file: Some(format!("tests/t{n}.rs")),
            line: Some(n as u32 + 1),
            suggestion: (n % 2 == 0).then(|| format!("kept.n{n}")),
            requirements: Vec::new(),
        })
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = write_page(
        dir.path(),
        &report,
        &HtmlOptions {
            source_link: Some(LINK.into()),
            ..Default::default()
        },
    );
    browser.goto(&url);
    let count = |b: &Browser| b.exec("return document.querySelectorAll('#diag-list > li').length;");
    // The page opened with the first ones rendered and the rest waiting.
    let eager = count(&browser).as_u64().expect("a count");
    assert_eq!(eager, reqtrail::report::html::EAGER_DIAGNOSTICS as u64);
    assert!(eager < total as u64);
    browser.click("#diag-more");
    browser
        .wait_until("document.getElementById('diag-list').getAttribute('data-complete') === '1'");
    assert_eq!(count(&browser), json!(total));
    // Every one is there, in order, built like the rendered ones (location linked, suggestion).
    let last = browser.exec(
        "var li = document.querySelector('#diag-list > li:last-child'); \
         return [li.querySelector('.diag-loc a').textContent, li.querySelector('.diag-loc a').href, \
                 li.querySelector('.diag-msg').textContent, li.className];",
    );
    assert_eq!(last[0], json!(format!("tests/t{}.rs:{}", total - 1, total)));
    assert!(
        last[1]
            .as_str()
            .is_some_and(|h| h.starts_with("https://git.example.org/pay/blob/")),
        "{last}"
    );
    assert_eq!(
        last[2],
        json!(format!("`gone.n{}` names no requirement", total - 1))
    );
    assert_eq!(last[3], json!("diag diag-error"));
    let hint = browser.exec(
        "return document.querySelectorAll('#diag-list > li')[2998].querySelector('.suggest code').textContent;",
    );
    assert_eq!(hint, json!("kept.n2998"));
    // The hostile message is text, and nothing ran.
    let hostile = browser.exec(
        "return [document.querySelectorAll('#diag-list > li')[2998].querySelector('.diag-msg').textContent, \
                 window.__xss === undefined, document.querySelectorAll('#diag-list script').length];",
    );
    assert_eq!(hostile, json!([HOSTILE_DIAGNOSTIC, true, 0]));
    assert!(
        browser.exec("return document.getElementById('diag-more-line').hidden;") == json!(true)
    );
    assert_eq!(browser.errors(), Vec::<String>::new());
}

/* ---- issue 18: the large page reads its rows on demand ---- */

// r[verify perf.html-lazy]
#[test]
fn a_large_page_finds_filters_links_and_prints_rows_it_read_on_demand() {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::start() else {
        return;
    };
    // Over the size where the page carries only its first rows eagerly (6,000 > 5,000).
    let n = 6_000;
    let report = generated_report(n);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = write_page(dir.path(), &report, &HtmlOptions::default());
    let html = std::fs::read_to_string(dir.path().join("report.html")).expect("the page");
    assert!(
        html.contains(r#"<script type="application/octet-stream" id="reqtrail-z-reqs">"#),
        "the page is written lazily"
    );
    // The last failing requirement: far past the first rows, its text, tests and failure
    // message only in the compressed blocks.
    let target = report
        .requirements
        .iter()
        .rposition(|r| r.lifecycle.is_counted() && r.status == reqtrail::model::Status::Failing)
        .expect("a failing requirement");
    assert!(target > 4_000, "{target}");
    let entry = &report.requirements[target];
    let id = entry.id.clone();
    let eager = page_data(&html)["reqs"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|r| r["i"].as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    assert!(
        !eager.contains(id.as_str()),
        "{id} is not in the eager data"
    );
    let failed_test = entry
        .verified_by
        .iter()
        .find(|v| v.result == reqtrail::model::TestStatus::Failed)
        .map(|v| v.test.clone())
        .expect("a failed test");
    let settled = "document.documentElement.getAttribute('data-ready') === '1' \
                   && !document.documentElement.hasAttribute('data-busy')";

    browser.goto(&url);
    assert_eq!(browser.rows().len(), 100, "one page of rows at once");

    // A search typed at once, before or after the blocks are read, finds it.
    browser.type_into("#q", &id);
    browser.wait_until(settled);
    assert_eq!(browser.rows(), vec![id.clone()]);
    browser.click("#reset");
    browser.wait_until(settled);

    // The status filter lists every failing requirement; the last page holds it.
    let failing = ids_where(&report, |r| {
        r.lifecycle.is_counted() && r.status == reqtrail::model::Status::Failing
    });
    browser.exec(
        "const s = document.getElementById('f-status'); s.value = 'failing';
         s.dispatchEvent(new Event('change'));",
    );
    browser.wait_until(settled);
    let count = browser.exec("return document.getElementById('count').textContent;");
    assert!(
        count.as_str().unwrap_or_default().contains(&format!(
            "of {} requirements (filtered from {})",
            fmt_thousands(failing.len()),
            fmt_thousands(n)
        )),
        "{count}"
    );
    browser.click("#pager [data-page='last']");
    browser.wait_until(settled);
    let rows = browser.rows();
    assert_eq!(rows.last(), Some(&id), "{rows:?}");
    assert_eq!(rows, failing[failing.len() - rows.len()..].to_vec());

    // Printed, the view expands every row with its details, this one's included.
    browser.cdp("Emulation.setEmulatedMedia", json!({"media": "print"}));
    browser.exec("window.dispatchEvent(new Event('beforeprint'));");
    let printed = browser.exec(
        "return {rows: document.querySelectorAll('#matrix-table tbody.req').length,
                 details: Array.from(document.querySelectorAll('#print-details .print-detail h3 .mono'))
                   .map(e => e.textContent)};",
    );
    assert_eq!(printed["rows"], failing.len());
    let details: Vec<String> = printed["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    assert_eq!(details, failing);
    let printed_text = browser.exec(&format!(
        "return document.getElementById('print-details-list').children[{}].textContent;",
        failing.len() - 1
    ));
    let printed_text = printed_text.as_str().unwrap_or_default();
    assert!(printed_text.contains(&entry.title), "{printed_text}");
    assert!(printed_text.contains(&failed_test), "{printed_text}");
    browser.exec("window.dispatchEvent(new Event('afterprint'));");
    browser.cdp("Emulation.setEmulatedMedia", json!({"media": ""}));

    // A deep link opens it, details shown, on a fresh load of the page.
    browser.open("about:blank");
    browser.goto(&format!("{url}#req-{id}"));
    browser.wait_until(&format!(
        "{settled} && document.querySelector('tbody.target tr.detail') !== null"
    ));
    let opened = browser.exec(
        "const b = document.querySelector('tbody.target');
         return {id: b.id, text: b.querySelector('tr.detail').textContent};",
    );
    assert_eq!(opened["id"], format!("req-{id}"));
    let text = opened["text"].as_str().unwrap_or_default();
    assert!(text.contains(&entry.text), "{text}");
    assert!(text.contains(&format!("limit_ok({target})")), "{text}");
    assert_eq!(browser.errors(), Vec::<String>::new());

    // A browser without DecompressionStream (before 2023) shows the first rows and says why.
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "delete window.DecompressionStream;"}),
    );
    browser.open("about:blank");
    browser.goto(&url);
    browser.wait_until(
        "document.getElementById('count').textContent.indexOf('could not read the rest') >= 0",
    );
    assert_eq!(browser.rows().len(), 100);
    let count = browser.exec("return document.getElementById('count').textContent;");
    assert_eq!(
        count,
        "This browser could not read the rest of the report: the first 1,000 requirements are \
         shown. A current browser shows all 6,000."
    );
}

//! Synthetic Rust projects with Markdown requirements, for measuring reqtrail's speed and for
//! checking its counts at scale (PRODUCT.md section 10).
//!
//! Shared by `examples/gen/main.rs` (the generator command), `benches/parsers.rs` (the parser
//! micro-benchmarks) and `tests/generator.rs`, each pulling it in with `#[path]`. It is measuring
//! equipment, not something reqtrail ships, so it stays out of the library: the product binary
//! neither compiles nor exposes it.
//!
//! Everything is a function of the parameters and the seed. The random numbers come from a
//! splitmix64 of our own rather than a crate, so a tree is reproducible byte for byte whatever
//! the dependency versions, and a figure taken today can be compared with one taken next year.
//! Each file is rendered from its own stream, derived from (seed, kind, index), so one document or
//! one source file can be produced without the others (the benches do that).
//!
//! The tree is built to test a counter as much as a clock: every kind of text that must not
//! count (fenced and indented code, HTML comments, `reqtrail:off` regions, inline code, string
//! and raw string literals) holds marker text, and it names ids that are either undefined or
//! unverified, so a parser that counts it gets the totals in `EXPECTED.json` wrong.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// A splitmix64 generator: tiny, fast and fully specified, which is all a generator of test
/// data needs.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// An independent stream for one part of the tree, so parts can be rendered alone.
    pub fn derive(seed: u64, stream: u64, index: u64) -> Rng {
        let mut mixer = Rng::new(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        let base = mixer.next_u64();
        let mut mixer = Rng::new(base ^ index.wrapping_mul(0xE703_7ED1_A0B4_28DB));
        Rng::new(mixer.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0); the multiply-shift avoids the bias of `%`.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p` percent.
    pub fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The definition style of the whole project, as `--style` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Marker,
    Heading,
    Oft,
    /// Documents take the three styles in turn; each requirement is referenced in its own
    /// style's form.
    Mixed,
}

impl Style {
    pub const ALL: [Style; 4] = [Style::Marker, Style::Heading, Style::Oft, Style::Mixed];

    pub fn parse(text: &str) -> Option<Style> {
        Style::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Style::Marker => "marker",
            Style::Heading => "heading",
            Style::Oft => "oft",
            Style::Mixed => "mixed",
        }
    }

    fn for_document(self, index: usize) -> DocStyle {
        match self {
            Style::Marker => DocStyle::Marker,
            Style::Heading => DocStyle::Heading,
            Style::Oft => DocStyle::Oft,
            Style::Mixed => [DocStyle::Marker, DocStyle::Heading, DocStyle::Oft][index % 3],
        }
    }
}

/// The style one document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocStyle {
    Marker,
    Heading,
    Oft,
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    pub requirements: usize,
    pub style: Style,
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            requirements: 1000,
            style: Style::Marker,
            seed: 42,
        }
    }
}

/// One generated requirement.
#[derive(Debug, Clone)]
pub struct Req {
    /// The id without revision.
    pub id: String,
    pub revision: u32,
    pub title: String,
    pub style: DocStyle,
    pub area: usize,
    pub verified: bool,
    /// Heading style only: the id is written in backticks (`` ### `sto.cache.evict-4`: ... ``).
    backticked: bool,
    /// OFT only: written as the heading's text rather than on a line of its own.
    oft_heading: bool,
}

/// One Markdown document: a slice of the requirements, all in one style.
#[derive(Debug, Clone)]
pub struct Doc {
    pub path: String,
    pub area: usize,
    pub part: usize,
    pub style: DocStyle,
    pub first: usize,
    pub count: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `src/lib.rs`: declares the area modules.
    Lib,
    /// `src/<area>.rs`: declares its leaf modules.
    Area,
    /// `src/<area>/<topic>_<n>.rs`.
    Leaf,
    /// `tests/<area>_<topic>_<n>.rs`.
    Integration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TestKind {
    Plain,
    Tokio,
    Ignored,
    ShouldPanic,
}

#[derive(Debug, Clone)]
struct TestPlan {
    kind: TestKind,
    /// Requirements this test verifies, by index.
    refs: Vec<usize>,
}

/// One Rust file and what it must claim.
#[derive(Debug, Clone)]
pub struct RustFile {
    pub path: String,
    pub kind: FileKind,
    area: usize,
    topic: usize,
    /// `pub mod` lines (lib.rs and area files).
    mods: Vec<String>,
    tests: Vec<TestPlan>,
    /// Verified by every test of the file's `mod tests` (src) or of the whole file (tests/).
    group_refs: Vec<usize>,
    /// Implementation references, spread over the file's production functions.
    impls: Vec<usize>,
    /// Unverified requirements named in text that must never count (literals, inline code).
    decoys: Vec<usize>,
}

/// The counts reqtrail must report on the generated tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub requirements: usize,
    pub verified: usize,
    pub unverified: usize,
    pub tests: usize,
    pub documents: usize,
    pub rust_files: usize,
    pub verify_references: usize,
    pub impl_references: usize,
}

/// A whole project, decided but not yet rendered.
#[derive(Debug, Clone)]
pub struct Plan {
    pub params: Params,
    pub reqs: Vec<Req>,
    pub docs: Vec<Doc>,
    pub files: Vec<RustFile>,
}

const PACKAGE: &str = "synthproj";

const AREAS: [(&str, &str); 12] = [
    ("storage", "STO"),
    ("network", "NET"),
    ("auth", "AUTH"),
    ("billing", "BILL"),
    ("search", "SRCH"),
    ("render", "REND"),
    ("config", "CFG"),
    ("telemetry", "TEL"),
    ("scheduler", "SCHED"),
    ("export", "EXP"),
    ("ingest", "ING"),
    ("admin", "ADM"),
];

const TOPICS: [&str; 20] = [
    "cache", "index", "session", "token", "queue", "ledger", "shard", "quota", "policy", "journal",
    "bucket", "lease", "snapshot", "router", "batch", "cursor", "schema", "retry", "audit",
    "backup",
];

const VERBS: [&str; 20] = [
    "evict", "expire", "refresh", "reject", "retry", "persist", "rotate", "compact", "validate",
    "merge", "throttle", "replay", "sign", "encode", "limit", "recover", "notify", "split",
    "flush", "check",
];

const NOUNS: [&str; 20] = [
    "entry",
    "request",
    "record",
    "segment",
    "tenant",
    "credential",
    "message",
    "payload",
    "checkpoint",
    "handle",
    "window",
    "offset",
    "replica",
    "partition",
    "signature",
    "header",
    "limit",
    "deadline",
    "counter",
    "digest",
];

const ADJECTIVES: [&str; 15] = [
    "stale",
    "expired",
    "duplicate",
    "partial",
    "oversized",
    "unsigned",
    "idle",
    "orphaned",
    "pending",
    "corrupt",
    "empty",
    "concurrent",
    "remote",
    "cached",
    "encrypted",
];

const CLAUSES: [&str; 12] = [
    "the next write is acknowledged",
    "the operator is notified",
    "a restart completes",
    "the configured deadline passes",
    "any reader can observe it",
    "the quota is charged",
    "the audit log is flushed",
    "a replica takes over",
    "the client retries",
    "the batch is committed",
    "the lease expires",
    "memory pressure rises",
];

const TAGS: [&str; 8] = [
    "core",
    "perf",
    "security",
    "compat",
    "ops",
    "api",
    "durability",
    "ux",
];

const PRIORITIES: [&str; 3] = ["high", "medium", "low"];

const GROUPS: [&str; 10] = [
    "Normal operation",
    "Limits and quotas",
    "Failure handling",
    "Concurrency",
    "Persistence",
    "Observability",
    "Compatibility",
    "Security",
    "Recovery",
    "Administration",
];

impl Plan {
    /// Decides the whole tree: which requirement lives where, which test verifies what.
    pub fn new(params: Params) -> Plan {
        let n = params.requirements;
        let mut rng = Rng::derive(params.seed, 0, 0);

        let doc_count = (n / 100).max(1);
        let mut docs = Vec::with_capacity(doc_count);
        let mut reqs = Vec::with_capacity(n);
        let mut first = 0;
        for d in 0..doc_count {
            let count = n / doc_count + usize::from(d < n % doc_count);
            let area = d % AREAS.len();
            let part = d / AREAS.len() + 1;
            let style = params.style.for_document(d);
            docs.push(Doc {
                path: format!("docs/{}-{:03}.md", AREAS[area].0, part),
                area,
                part,
                style,
                first,
                count,
            });
            for i in first..first + count {
                reqs.push(new_req(&mut rng, i, area, style));
            }
            first += count;
        }

        // Exactly two thirds verified, spread at random over the documents.
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        let verified_count = 2 * n / 3;
        for &i in &order[..verified_count] {
            reqs[i].verified = true;
        }
        let verified: Vec<usize> = order[..verified_count].to_vec();
        let mut unverified: Vec<usize> = order[verified_count..].to_vec();
        unverified.sort_unstable();

        let mut files = plan_files(&mut rng, n);

        // Every test slot that may carry a reference: not ignored, not should_panic, so that
        // "verified" never hinges on how ignored tests are treated.
        let mut slots = Vec::new();
        for (f, file) in files.iter().enumerate() {
            for (t, test) in file.tests.iter().enumerate() {
                if matches!(test.kind, TestKind::Plain | TestKind::Tokio) {
                    slots.push((f, t));
                }
            }
        }

        let mut next = 0;
        // A few requirements are verified for a whole test module or a whole integration file.
        for file in &mut files {
            let share = match file.kind {
                FileKind::Integration => 30,
                _ => 5,
            };
            let claimable = file
                .tests
                .iter()
                .any(|t| matches!(t.kind, TestKind::Plain | TestKind::Tokio));
            if next < verified.len() && claimable && rng.percent(share) {
                file.group_refs.push(verified[next]);
                next += 1;
            }
        }
        // The rest by single tests: each once, half of them twice, a tenth three times.
        for &req in &verified[next..] {
            let times = 1 + usize::from(rng.percent(50)) + usize::from(rng.percent(10));
            for _ in 0..times {
                if slots.is_empty() {
                    break;
                }
                let (f, t) = slots[rng.below(slots.len())];
                let refs = &mut files[f].tests[t].refs;
                if !refs.contains(&req) {
                    refs.push(req);
                }
            }
        }
        // What was actually claimed is what counts: a project too small to have a test to hang
        // a reference on verifies less than two thirds, and EXPECTED.json must say so.
        for r in &mut reqs {
            r.verified = false;
        }
        for file in &files {
            let claimed = file.tests.iter().flat_map(|t| t.refs.iter());
            for &req in file.group_refs.iter().chain(claimed) {
                reqs[req].verified = true;
            }
        }

        // Implementation references on production code, for verified and unverified alike.
        let production: Vec<usize> = (0..files.len())
            .filter(|&f| files[f].kind != FileKind::Integration)
            .collect();
        for i in 0..n {
            if !production.is_empty() && rng.percent(40) {
                let f = production[rng.below(production.len())];
                files[f].impls.push(i);
            }
        }
        for &f in &production {
            let count = rng.range(1, 2);
            for _ in 0..count {
                if !unverified.is_empty() {
                    files[f]
                        .decoys
                        .push(unverified[rng.below(unverified.len())]);
                }
            }
        }

        Plan {
            params,
            reqs,
            docs,
            files,
        }
    }

    pub fn expected(&self) -> Expected {
        let verified = self.reqs.iter().filter(|r| r.verified).count();
        let tests = self.files.iter().map(|f| f.tests.len()).sum();
        let verify_references = self
            .files
            .iter()
            .map(|f| f.group_refs.len() + f.tests.iter().map(|t| t.refs.len()).sum::<usize>())
            .sum();
        Expected {
            requirements: self.reqs.len(),
            verified,
            unverified: self.reqs.len() - verified,
            tests,
            documents: self.docs.len(),
            rust_files: self.files.len(),
            verify_references,
            impl_references: self.files.iter().map(|f| f.impls.len()).sum(),
        }
    }

    /// `EXPECTED.json`: the counts, plus what produced them.
    pub fn expected_json(&self) -> String {
        let e = self.expected();
        format!(
            "{{\n  \"generator\": \"reqtrail examples/gen\",\n  \"seed\": {},\n  \"style\": \"{}\",\n  \"requirements\": {},\n  \"verified\": {},\n  \"unverified\": {},\n  \"tests\": {},\n  \"documents\": {},\n  \"rust_files\": {},\n  \"verify_references\": {},\n  \"impl_references\": {}\n}}\n",
            self.params.seed,
            self.params.style.as_str(),
            e.requirements,
            e.verified,
            e.unverified,
            e.tests,
            e.documents,
            e.rust_files,
            e.verify_references,
            e.impl_references
        )
    }

    pub fn cargo_toml(&self) -> String {
        format!(
            "[package]\nname = \"{PACKAGE}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n\n[dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"
        )
    }

    /// Writes the tree under `out`, which must not exist or be empty.
    pub fn write(&self, out: &Path) -> io::Result<()> {
        std::fs::create_dir_all(out)?;
        std::fs::write(out.join("Cargo.toml"), self.cargo_toml())?;
        std::fs::write(out.join("EXPECTED.json"), self.expected_json())?;
        for d in 0..self.docs.len() {
            write_file(out, &self.docs[d].path, &self.render_doc(d))?;
        }
        for f in 0..self.files.len() {
            write_file(out, &self.files[f].path, &self.render_rust(f))?;
        }
        Ok(())
    }

    /// Renders document `d`.
    pub fn render_doc(&self, d: usize) -> String {
        let doc = &self.docs[d];
        let mut rng = Rng::derive(self.params.seed, 1, d as u64);
        let (area, _) = AREAS[doc.area];
        let mut out = String::with_capacity(doc.count * 420 + 1024);
        let _ = writeln!(
            out,
            "# {} requirements, part {}\n",
            capitalize(area),
            doc.part
        );
        let how = match doc.style {
            DocStyle::Marker => format!(
                "Each requirement starts with a marker such as `r[{area}.example.evict-1]` on a line of its own, and tests claim it with a `// r[verify {area}.example.evict-1]` comment."
            ),
            DocStyle::Heading => format!(
                "Each requirement is a heading such as `### {}-EXAMPLE-00001: Evict stale entries`, and tests claim it with a `// Verifies: {}-EXAMPLE-00001` comment.",
                AREAS[doc.area].1, AREAS[doc.area].1
            ),
            DocStyle::Oft => format!(
                "Each item has an id such as `req~{area}-example-evict-1~1` in backticks on a line of its own, and tests claim it with a `[utest->req~{area}-example-evict-1~1]` tag."
            ),
        };
        let intro = format!(
            "This document lists what the {area} layer must do. {} {how} {}",
            sentence(&mut rng, area),
            sentence(&mut rng, area)
        );
        wrap_into(&mut out, &intro, "");
        out.push('\n');

        let mut ghost = 0;
        for (k, i) in (doc.first..doc.first + doc.count).enumerate() {
            if k % 10 == 0 {
                let _ = writeln!(
                    out,
                    "## {}. {}\n",
                    k / 10 + 1,
                    GROUPS[(k / 10) % GROUPS.len()]
                );
                let prose = format!("{} {}", sentence(&mut rng, area), sentence(&mut rng, area));
                wrap_into(&mut out, &prose, "");
                out.push('\n');
            }
            self.render_req(&mut out, &mut rng, i);
            if k % 12 == 5 {
                ghost += 1;
                render_fake_fence(&mut out, &mut rng, area, d, ghost);
            }
            if k % 25 == 11 {
                ghost += 1;
                render_fake_indented(&mut out, area, d, ghost);
            }
            if k % 50 == 20 {
                ghost += 1;
                render_fake_hidden(&mut out, doc.style, area, d, ghost);
            }
        }
        out
    }

    fn render_req(&self, out: &mut String, rng: &mut Rng, i: usize) {
        let req = &self.reqs[i];
        let area = AREAS[req.area].0;
        let mut attrs = String::new();
        if rng.percent(50) {
            let a = rng.pick(&TAGS);
            let b = rng.pick(&TAGS);
            if a == b {
                let _ = writeln!(attrs, "Tags: {a}");
            } else {
                let _ = writeln!(attrs, "Tags: {a}, {b}");
            }
        }
        if rng.percent(30) {
            let _ = writeln!(attrs, "Priority: {}", rng.pick(&PRIORITIES));
        }
        if rng.percent(10) {
            let _ = writeln!(attrs, "Status: approved");
        }
        let body = format!(
            "{} {}",
            sentence(rng, area),
            if rng.percent(60) {
                sentence(rng, area)
            } else {
                String::new()
            }
        );
        let second = if rng.percent(30) {
            Some(format!("{} {}", sentence(rng, area), sentence(rng, area)))
        } else {
            None
        };
        match req.style {
            DocStyle::Marker => {
                let marker = if req.revision > 1 {
                    format!("r[{}+{}]", req.id, req.revision)
                } else {
                    format!("r[{}]", req.id)
                };
                if rng.percent(5) {
                    // Blockquoted definition, as the Rust Reference writes some.
                    let _ = writeln!(out, "> {marker}");
                    for line in attrs.lines() {
                        let _ = writeln!(out, "> {line}");
                    }
                    out.push_str(">\n");
                    wrap_into(out, body.trim_end(), "> ");
                    out.push('\n');
                    return;
                }
                if rng.percent(3) {
                    // A list glued to the marker line: the marker still counts (section 3).
                    let _ = writeln!(
                        out,
                        "Before this one:\n\n- {} {}s\n- {} {}s",
                        capitalize(rng.pick(&VERBS)),
                        rng.pick(&NOUNS),
                        capitalize(rng.pick(&VERBS)),
                        rng.pick(&NOUNS)
                    );
                }
                let _ = writeln!(out, "{marker}");
                out.push_str(&attrs);
                if !attrs.is_empty() {
                    out.push('\n');
                }
            }
            DocStyle::Heading => {
                if req.backticked {
                    let _ = writeln!(out, "### `{}`: {}\n", req.id, req.title);
                } else {
                    let sep = [": ", " - ", " \u{2013} ", " \u{2014} "][rng.below(4)];
                    let _ = writeln!(out, "### {}{sep}{}\n", req.id, req.title);
                }
                if !attrs.is_empty() {
                    out.push_str(&attrs);
                    out.push('\n');
                }
            }
            DocStyle::Oft => {
                let full = format!("{}~{}", req.id, req.revision);
                if req.oft_heading {
                    let _ = writeln!(out, "### {full}\n");
                    if !attrs.is_empty() {
                        out.push_str(&attrs);
                        out.push('\n');
                    }
                } else {
                    let _ = writeln!(out, "### {}\n", req.title);
                    let _ = writeln!(out, "`{full}`");
                    out.push_str(&attrs);
                    out.push('\n');
                }
            }
        }
        wrap_into(out, body.trim_end(), "");
        out.push('\n');
        if let Some(second) = second {
            wrap_into(out, &second, "");
            out.push('\n');
        }
    }

    /// Renders Rust file `f`.
    pub fn render_rust(&self, f: usize) -> String {
        let file = &self.files[f];
        let mut rng = Rng::derive(self.params.seed, 2, f as u64);
        if file.kind == FileKind::Integration {
            return self.render_integration(file, &mut rng);
        }
        let area = AREAS[file.area].0;
        let topic = TOPICS[file.topic];
        let ty = capitalize(topic);
        let noun = rng.pick(&NOUNS);
        let nouns = plural(noun);
        let a_noun = with_article(noun);
        let mut out = String::with_capacity(8192);

        let _ = writeln!(
            out,
            "//! {} {}s for the {area} layer.\n//!",
            capitalize(topic),
            noun
        );
        let prose = format!("{} {}", sentence(&mut rng, area), sentence(&mut rng, area));
        wrap_into(&mut out, &prose, "//! ");
        out.push('\n');
        for m in &file.mods {
            let _ = writeln!(out, "pub mod {m};");
        }
        if !file.mods.is_empty() {
            out.push('\n');
        }
        out.push_str("use std::collections::BTreeMap;\nuse std::fmt;\n\n");

        let limit = 16 << rng.below(8);
        let _ = writeln!(
            out,
            "/// How many {nouns} one {topic} keeps before it starts to evict.\npub const MAX_{}: usize = {limit};\n",
            nouns.to_uppercase()
        );

        // The error type and its Display: match arms over every variant.
        let _ = write!(
            out,
            "/// Why a {topic} operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum {ty}Error {{
    NotFound(String),
    Full {{ limit: usize }},
    Invalid(String),
}}

impl fmt::Display for {ty}Error {{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{
        match self {{
            {ty}Error::NotFound(key) => write!(f, \"no {noun} named {{key}}\"),
            {ty}Error::Full {{ limit }} => write!(f, \"the {topic} is full ({{limit}} {nouns})\"),
            {ty}Error::Invalid(why) => write!(f, \"invalid {noun}: {{why}}\"),
        }}
    }}
}}

impl std::error::Error for {ty}Error {{}}

/// The life cycle of one {noun}.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum {ty}State {{
    #[default]
    Fresh,
    Stale,
    Pinned,
}}

/// One {noun} held by the {topic}.
#[derive(Debug, Clone, Default)]
pub struct {ty}Entry {{
    pub key: String,
    pub weight: u64,
    hits: u32,
    state: {ty}State,
}}

/// A bounded {topic} of {nouns} keyed by name.
#[derive(Debug, Default)]
pub struct {ty}Store {{
    entries: BTreeMap<String, {ty}Entry>,
    limit: usize,
    evictions: u64,
}}

"
        );

        // Production functions, each a place for implementation references.
        let extra = rng.range(0, 3);
        let fn_count = 5 + extra + 2;
        let mut impl_at: Vec<Vec<usize>> = vec![Vec::new(); fn_count];
        for (k, &req) in file.impls.iter().enumerate() {
            let slot = (k * 7 + rng.below(fn_count)) % fn_count;
            impl_at[slot].push(req);
        }
        let mut slot = 0;
        let mut refs = |out: &mut String, rng: &mut Rng, indent: &str| {
            for &req in &impl_at[slot] {
                let line = self.impl_ref(req, rng);
                let _ = writeln!(out, "{indent}{line}");
            }
            slot += 1;
        };

        let _ = writeln!(out, "impl {ty}Store {{");
        let _ = writeln!(
            out,
            "    /// An empty {topic} holding at most `limit` {nouns}."
        );
        refs(&mut out, &mut rng, "    ");
        let _ = write!(
            out,
            "    pub fn new(limit: usize) -> Self {{
        {ty}Store {{
            entries: BTreeMap::new(),
            limit,
            evictions: 0,
        }}
    }}

    pub fn len(&self) -> usize {{
        self.entries.len()
    }}

"
        );
        refs(&mut out, &mut rng, "    ");
        let _ = write!(
            out,
            "    pub fn is_empty(&self) -> bool {{
        self.entries.is_empty()
    }}

    /// Looks {a_noun} up without touching its hit count.
"
        );
        refs(&mut out, &mut rng, "    ");
        let _ = write!(
            out,
            "    pub fn get<'a>(&'a self, key: &str) -> Option<&'a {ty}Entry> {{
        self.entries.get(key)
    }}

    /// Adds {a_noun}, evicting the lightest one when the {topic} is full.
"
        );
        refs(&mut out, &mut rng, "    ");
        let _ = write!(
            out,
            "    pub fn insert(&mut self, key: &str, weight: u64) -> Result<(), {ty}Error> {{
        if key.is_empty() {{
            return Err({ty}Error::Invalid(\"empty key\".to_string()));
        }}
        if self.limit == 0 {{
            return Err({ty}Error::Full {{ limit: 0 }});
        }}
        if self.entries.len() >= self.limit && !self.entries.contains_key(key) {{
            let lightest = self
                .entries
                .iter()
                .filter(|(_, e)| e.state != {ty}State::Pinned)
                .min_by_key(|(_, e)| (e.weight, e.hits))
                .map(|(k, _)| k.clone())
                .ok_or({ty}Error::Full {{ limit: self.limit }})?;
            self.entries.remove(&lightest);
            self.evictions += 1;
        }}
        let entry = self.entries.entry(key.to_string()).or_default();
        entry.key = key.to_string();
        entry.weight = weight;
        entry.hits += 1;
        Ok(())
    }}

"
        );
        let decoy = file.decoys.first().map(|&r| self.decoy_ref(r));
        refs(&mut out, &mut rng, "    ");
        let _ = write!(
            out,
            "    /// A one-line summary for logs.
    pub fn describe(&self) -> String {{
        format!(
            \"{topic}: {{}} of {{}} {nouns}, {{}} evicted\",
            self.entries.len(),
            self.limit,
            self.evictions
        )
    }}

"
        );
        let mut methods: Vec<String> = Vec::new();
        for _ in 0..extra {
            let verb = rng.pick(&VERBS);
            let adj = rng.pick(&ADJECTIVES);
            let mut method = format!("{verb}_{adj}");
            if methods.contains(&method) {
                method = format!("{method}_{}", methods.len());
            }
            methods.push(method.clone());
            let (lo, hi) = (rng.range(1, 9), rng.range(10, 99));
            let _ = writeln!(
                out,
                "    /// Applies the {verb} rule to every {adj} {noun}; returns how many changed."
            );
            refs(&mut out, &mut rng, "    ");
            let _ = write!(
                out,
                "    pub fn {method}(&mut self, now: u64) -> usize {{
        let mut changed = 0;
        for entry in self.entries.values_mut() {{
            let next = match (entry.state, entry.hits) {{
                ({ty}State::Pinned, _) => continue,
                (_, 0) => {ty}State::Stale,
                (state, {lo}..={hi}) if now % {hi} == 0 => state,
                ({ty}State::Stale, n) if n > {hi} => {ty}State::Fresh,
                (state, _) => state,
            }};
            if next != entry.state {{
                entry.state = next;
                changed += 1;
            }}
        }}
        changed
    }}

"
            );
        }
        if out.ends_with("\n\n") {
            out.pop();
        }
        out.push_str("}\n\n");

        // Free functions; the parser holds marker text in literals that must never count.
        let _ = writeln!(
            out,
            "/// Parses `key=weight`, the form the {topic} is configured in."
        );
        refs(&mut out, &mut rng, "");
        let _ = write!(
            out,
            "pub fn parse_{noun}(line: &str) -> Result<{ty}Entry, {ty}Error> {{
    let (key, weight) = line
        .split_once('=')
        .ok_or_else(|| {ty}Error::Invalid(format!(\"expected key=weight, got {{line:?}}\")))?;
    let weight = weight
        .trim()
        .parse::<u64>()
        .map_err(|e| {ty}Error::Invalid(e.to_string()))?;
    Ok({ty}Entry {{
        key: key.trim().to_string(),
        weight,
        ..{ty}Entry::default()
    }})
}}

"
        );
        refs(&mut out, &mut rng, "");
        if let Some(decoy) = &decoy {
            let _ = write!(
                out,
                "/// The help text shown by `--explain`.
pub fn explain() -> &'static str {{
    r#\"{} is claimed by a test with a comment:
// {decoy}
#[test]
fn claims_it() {{}}
\"#
}}

",
                capitalize(&a_noun)
            );
        } else {
            out.push_str("pub fn explain() -> &'static str {\n    \"nothing to explain\"\n}\n\n");
        }
        if let Some(&second) = file.decoys.get(1) {
            let _ = writeln!(
                out,
                "const LEGACY_NOTE: &str = \"moved from the old tracker: {}\";\n",
                self.decoy_ref(second)
            );
        }

        // The unit tests.
        if !file.tests.is_empty() {
            for &req in &file.group_refs {
                let _ = writeln!(out, "{}", self.verify_ref(req, false, &mut rng));
            }
            out.push_str("#[cfg(test)]\nmod tests {\n    use super::*;\n");
            for (t, test) in file.tests.iter().enumerate() {
                out.push('\n');
                self.render_test(&mut out, &mut rng, file, t, test, "    ", &ty, noun);
            }
            out.push_str("}\n");
        }
        out
    }

    fn render_integration(&self, file: &RustFile, rng: &mut Rng) -> String {
        let area = AREAS[file.area].0;
        let topic = TOPICS[file.topic];
        let ty = capitalize(topic);
        let noun = rng.pick(&NOUNS);
        let topics = plural(topic);
        let mut out = String::with_capacity(4096);
        let _ = writeln!(
            out,
            "//! End-to-end checks of the {area} {topics} through the public API.\n//!"
        );
        let prose = sentence(rng, area);
        wrap_into(&mut out, &prose, "//! ");
        for &req in &file.group_refs {
            let _ = writeln!(out, "//!\n//! {}", self.verify_text(req, true));
        }
        let _ = write!(
            out,
            "
use {PACKAGE}::{area};

fn fixture(count: usize) -> Vec<(String, u64)> {{
    (0..count).map(|i| (format!(\"{noun}-{{i}}\"), i as u64 * 3)).collect()
}}
"
        );
        for (t, test) in file.tests.iter().enumerate() {
            out.push('\n');
            self.render_test(&mut out, rng, file, t, test, "", &ty, noun);
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn render_test(
        &self,
        out: &mut String,
        rng: &mut Rng,
        file: &RustFile,
        t: usize,
        test: &TestPlan,
        indent: &str,
        ty: &str,
        noun: &str,
    ) {
        let integration = file.kind == FileKind::Integration;
        for &req in &test.refs {
            let _ = writeln!(out, "{indent}{}", self.verify_ref(req, integration, rng));
        }
        let name = format!(
            "{}_{}_{}_{t}",
            rng.pick(&VERBS),
            rng.pick(&ADJECTIVES),
            rng.pick(&NOUNS)
        );
        let key = format!("{}-{}", rng.pick(&ADJECTIVES), rng.below(1000));
        let n = rng.range(1, 64);
        let mut body = String::new();
        let async_fn = match test.kind {
            TestKind::Plain => {
                let _ = writeln!(out, "{indent}#[test]");
                false
            }
            TestKind::Tokio => {
                let _ = writeln!(out, "{indent}#[tokio::test]");
                true
            }
            TestKind::Ignored => {
                let _ = writeln!(
                    out,
                    "{indent}#[test]\n{indent}#[ignore = \"needs a live {noun} server\"]"
                );
                false
            }
            TestKind::ShouldPanic => {
                let _ = writeln!(
                    out,
                    "{indent}#[test]\n{indent}#[should_panic(expected = \"invalid {noun}\")]"
                );
                let _ = writeln!(
                    body,
                    "let err = \"\".parse::<u64>().unwrap_err();\npanic!(\"invalid {noun}: {{err}}\");"
                );
                false
            }
        };
        if body.is_empty() {
            if integration {
                let _ = writeln!(
                    body,
                    "let items = fixture({n});\nassert_eq!(items.len(), {n});\nassert!(items.iter().all(|(k, _)| k.starts_with(\"{noun}\")));"
                );
            } else if async_fn {
                let _ = writeln!(
                    body,
                    "let store = {ty}Store::new({n});\nlet handle = tokio::spawn(async move {{ store.len() }});\nassert_eq!(handle.await.unwrap(), 0);"
                );
            } else {
                match rng.below(4) {
                    0 => {
                        let _ = writeln!(
                            body,
                            "let mut store = {ty}Store::new({n});\nstore.insert(\"{key}\", {}).unwrap();\nassert_eq!(store.len(), 1);\nassert_eq!(store.get(\"{key}\").map(|e| e.weight), Some({}));",
                            n * 3,
                            n * 3
                        );
                    }
                    1 => {
                        let _ = writeln!(
                            body,
                            "let err = parse_{noun}(\"{key}\").unwrap_err();\nassert!(matches!(err, {ty}Error::Invalid(_)), \"{{err}}\");"
                        );
                    }
                    2 => {
                        let _ = writeln!(
                            body,
                            "let store = {ty}Store::new(0);\nassert!(store.is_empty());\nassert!(store.describe().contains(\"0 of 0\"));"
                        );
                    }
                    _ => {
                        let _ = writeln!(
                            body,
                            "let mut store = {ty}Store::new({n});\nfor i in 0..{} {{\n    store.insert(&format!(\"{key}-{{i}}\"), i).unwrap();\n}}\nassert_eq!(store.len(), {n});",
                            n + 2
                        );
                    }
                }
            }
            // Marker text in a test body that must not count: a literal and an inline code span.
            if !integration && !file.decoys.is_empty() && rng.percent(15) {
                let decoy = self.decoy_ref(file.decoys[rng.below(file.decoys.len())]);
                let _ = writeln!(
                    body,
                    "// The old spelling `{decoy}` is gone from this test on purpose.\nlet legacy = \"{decoy}\";\nassert!(!legacy.is_empty());"
                );
            }
        }
        let _ = writeln!(
            out,
            "{indent}{}fn {name}() {{",
            if async_fn { "async " } else { "" }
        );
        for line in body.lines() {
            let _ = writeln!(out, "{indent}    {line}");
        }
        let _ = writeln!(out, "{indent}}}");
    }

    /// A verify reference comment in the requirement's own style; a few marker ones are
    /// block comments, which count as much as line comments.
    fn verify_ref(&self, req: usize, integration: bool, rng: &mut Rng) -> String {
        let text = self.verify_text(req, integration);
        match self.reqs[req].style {
            DocStyle::Marker if rng.percent(5) => format!("/* {text} */"),
            DocStyle::Heading if rng.percent(20) => format!("// Tests: {}", self.reqs[req].id),
            _ => format!("// {text}"),
        }
    }

    /// The text of a verify reference, without comment syntax.
    fn verify_text(&self, req: usize, integration: bool) -> String {
        let r = &self.reqs[req];
        match r.style {
            DocStyle::Marker if r.revision > 1 => format!("r[verify {}+{}]", r.id, r.revision),
            DocStyle::Marker => format!("r[verify {}]", r.id),
            DocStyle::Heading => format!("Verifies: {}", r.id),
            DocStyle::Oft => {
                let kind = if integration { "itest" } else { "utest" };
                format!("[{kind}->{}~{}]", r.id, r.revision)
            }
        }
    }

    /// An implementation reference in the requirement's own style.
    fn impl_ref(&self, req: usize, rng: &mut Rng) -> String {
        let r = &self.reqs[req];
        match r.style {
            DocStyle::Marker => {
                let id = if r.revision > 1 {
                    format!("{}+{}", r.id, r.revision)
                } else {
                    r.id.clone()
                };
                if rng.percent(20) {
                    format!("/// r[impl {id}]")
                } else {
                    format!("// r[impl {id}]")
                }
            }
            DocStyle::Heading => format!("// Implements: {}", r.id),
            DocStyle::Oft => format!("// [impl->{}~{}]", r.id, r.revision),
        }
    }

    /// Verify-reference text naming an unverified requirement, for places it must not count.
    fn decoy_ref(&self, req: usize) -> String {
        let r = &self.reqs[req];
        match r.style {
            DocStyle::Marker => format!("r[verify {}]", r.id),
            DocStyle::Heading => format!("Verifies: {}", r.id),
            DocStyle::Oft => format!("[utest->{}~{}]", r.id, r.revision),
        }
    }
}

fn new_req(rng: &mut Rng, i: usize, area: usize, style: DocStyle) -> Req {
    let (name, abbr) = AREAS[area];
    let topic = rng.pick(&TOPICS);
    let verb = rng.pick(&VERBS);
    let adj = rng.pick(&ADJECTIVES);
    let noun = rng.pick(&NOUNS);
    let title = format!("{} {adj} {}", capitalize(verb), plural(noun));
    let number = i + 1;
    let mut backticked = false;
    let mut oft_heading = false;
    let (id, revision) = match style {
        DocStyle::Marker => (
            format!("{name}.{topic}.{verb}-{number}"),
            if rng.percent(10) { 2 } else { 1 },
        ),
        DocStyle::Heading => {
            backticked = rng.percent(10);
            if backticked {
                (
                    format!("{}.{topic}.{verb}-{number}", abbr.to_lowercase()),
                    1,
                )
            } else {
                (format!("{abbr}-{}-{number:05}", topic.to_uppercase()), 1)
            }
        }
        DocStyle::Oft => {
            oft_heading = rng.percent(10);
            let kind = if rng.percent(20) { "dsn" } else { "req" };
            (
                format!("{kind}~{name}-{topic}-{verb}-{number}"),
                if rng.percent(10) { 2 } else { 1 },
            )
        }
    };
    Req {
        id,
        revision,
        title,
        style,
        area,
        verified: false,
        backticked,
        oft_heading,
    }
}

/// N/5 Rust files in all (at least 4), a tenth of them integration tests, 2N tests spread evenly.
fn file_count(n: usize) -> usize {
    (n / 5).max(4)
}

fn plan_files(rng: &mut Rng, n: usize) -> Vec<RustFile> {
    let total = file_count(n);
    let integration = (total / 10).max(1);
    let src = total - integration;
    let areas = (src - 1).min(AREAS.len());
    let leaves = src - 1 - areas;

    let blank = |path: String, kind: FileKind, area: usize, topic: usize| RustFile {
        path,
        kind,
        area,
        topic,
        mods: Vec::new(),
        tests: Vec::new(),
        group_refs: Vec::new(),
        impls: Vec::new(),
        decoys: Vec::new(),
    };
    let mut files = vec![blank("src/lib.rs".to_string(), FileKind::Lib, 0, 0)];
    let mut area_files = Vec::new();
    for (a, (area, _)) in AREAS.iter().enumerate().take(areas) {
        files[0].mods.push(area.to_string());
        area_files.push(files.len());
        let topic = rng.below(TOPICS.len());
        files.push(blank(format!("src/{area}.rs"), FileKind::Area, a, topic));
    }
    let mut leaf_files = Vec::new();
    for j in 0..leaves {
        let a = j % areas;
        let topic = rng.below(TOPICS.len());
        let module = format!("{}_{}", TOPICS[topic], j / areas + 1);
        files[area_files[a]].mods.push(module.clone());
        leaf_files.push(blank(
            format!("src/{}/{module}.rs", AREAS[a].0),
            FileKind::Leaf,
            a,
            topic,
        ));
    }
    // Sorted by path within the tree as a walker would list them; the order only has to be fixed.
    leaf_files.sort_by(|a, b| a.path.cmp(&b.path));
    files.extend(leaf_files);
    for j in 0..integration {
        let a = j % AREAS.len();
        let topic = rng.below(TOPICS.len());
        files.push(blank(
            format!("tests/{}_{}_{}.rs", AREAS[a].0, TOPICS[topic], j + 1),
            FileKind::Integration,
            a,
            topic,
        ));
    }
    let tests = 2 * n;
    let count = files.len();
    for (f, file) in files.iter_mut().enumerate() {
        let mine = tests / count + usize::from(f < tests % count);
        for _ in 0..mine {
            let kind = match rng.below(100) {
                0..=1 => TestKind::Ignored,
                2..=3 => TestKind::ShouldPanic,
                4..=23 if file.kind != FileKind::Integration => TestKind::Tokio,
                _ => TestKind::Plain,
            };
            file.tests.push(TestPlan {
                kind,
                refs: Vec::new(),
            });
        }
    }
    files
}

fn write_file(root: &Path, rel: &str, text: &str) -> io::Result<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// A fenced example holding all three definition forms and a reference: none may count.
fn render_fake_fence(out: &mut String, rng: &mut Rng, area: &str, doc: usize, ghost: usize) {
    let id = format!("{area}.example.ghost-{doc}-{ghost}");
    if rng.percent(50) {
        let _ = writeln!(
            out,
            "An example of the notation, not a requirement:\n\n```markdown\nr[{id}]\nTags: example\n\n### GHOST-EXAMPLE-{doc}{ghost:03}: Not a requirement\n\n`req~ghost-example-{doc}-{ghost}~1`\n```\n"
        );
    } else {
        let _ = writeln!(
            out,
            "A test claims a requirement like this:\n\n```rust\n// r[verify {id}]\n// Verifies: GHOST-EXAMPLE-{doc}{ghost:03}\n#[test]\nfn claims_a_requirement() {{}}\n```\n"
        );
    }
}

/// An indented code block: not a definition either.
fn render_fake_indented(out: &mut String, area: &str, doc: usize, ghost: usize) {
    let _ = writeln!(
        out,
        "The same notation, indented as code:\n\n    r[{area}.indented.ghost-{doc}-{ghost}]\n    ### GHOST-INDENTED-{doc}{ghost:03}: Not a requirement\n    `req~ghost-indented-{doc}-{ghost}~1`\n"
    );
}

/// An HTML comment and a `reqtrail:off` region, each holding a definition in the document's
/// own style, which is the one a detector would take seriously.
fn render_fake_hidden(out: &mut String, style: DocStyle, area: &str, doc: usize, ghost: usize) {
    let def = |what: &str| match style {
        DocStyle::Marker => format!("r[{area}.{what}.ghost-{doc}-{ghost}]"),
        DocStyle::Heading => format!(
            "### GHOST-{}-{doc}{ghost:03}: Not a requirement",
            what.to_uppercase()
        ),
        DocStyle::Oft => format!("`req~ghost-{what}-{doc}-{ghost}~1`"),
    };
    let _ = writeln!(
        out,
        "<!--\n{}\nStill under discussion; not a requirement yet.\n-->\n\n<!-- reqtrail:off -->\n\n{}\n\nAn old wording, kept for the record.\n\n<!-- reqtrail:on -->\n",
        def("draft"),
        def("off")
    );
}

/// One sentence of requirement prose.
fn sentence(rng: &mut Rng, area: &str) -> String {
    let topic = rng.pick(&TOPICS);
    let verb = rng.pick(&VERBS);
    let adj = rng.pick(&ADJECTIVES);
    let noun = rng.pick(&NOUNS);
    let clause = rng.pick(&CLAUSES);
    let nouns = plural(noun);
    let a_noun = with_article(noun);
    let a_adj_noun = with_article(&format!("{adj} {noun}"));
    match rng.below(6) {
        0 => format!("The {topic} must {verb} every {adj} {noun} before {clause}."),
        1 => format!(
            "When {a_noun} is {adj}, the {area} {topic} shall {verb} it within {} ms.",
            rng.range(1, 500)
        ),
        2 => format!(
            "{} is never shown to a caller; the {topic} reports it as missing until {clause}.",
            capitalize(&a_adj_noun)
        ),
        3 => format!(
            "At most {} {nouns} may be {adj} at once, and the {topic} must {verb} the oldest first.",
            rng.range(2, 10_000)
        ),
        4 => format!(
            "Operators can ask the {topic} to {verb} {a_noun} by name, and the request is recorded in the audit trail."
        ),
        _ => format!(
            "If the {topic} cannot {verb} {a_noun}, it keeps the previous one and retries after {} seconds.",
            rng.range(1, 120)
        ),
    }
}

/// English plural of one of our words.
fn plural(word: &str) -> String {
    if let Some(stem) = word.strip_suffix('y') {
        if !stem.ends_with(['a', 'e', 'o', 'u']) {
            return format!("{stem}ies");
        }
    }
    if word.ends_with(['s', 'x']) || word.ends_with("ch") || word.ends_with("sh") {
        return format!("{word}es");
    }
    format!("{word}s")
}

/// `a` or `an` before a phrase, by its first letter (good enough for our vocabulary).
fn with_article(phrase: &str) -> String {
    if phrase.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {phrase}")
    } else {
        format!("a {phrase}")
    }
}

/// Appends `text` wrapped at 96 columns, each line starting with `prefix`; a code span is never
/// split, so marker text in it never starts a line.
fn wrap_into(out: &mut String, text: &str, prefix: &str) {
    let mut tokens: Vec<String> = Vec::new();
    let mut in_code = false;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if in_code {
            let last = tokens.last_mut().expect("a code span has an opening token");
            last.push(' ');
            last.push_str(word);
        } else {
            tokens.push(word.to_string());
        }
        if word.matches('`').count() % 2 == 1 {
            in_code = !in_code;
        }
    }
    let mut line = String::new();
    for token in tokens {
        if !line.is_empty() && prefix.len() + line.len() + 1 + token.len() > 96 {
            let _ = writeln!(out, "{prefix}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&token);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{prefix}{line}");
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A 100-requirement document in one style, the unit the spec-parser benchmark runs on.
pub fn sample_document(style: DocStyle, seed: u64) -> String {
    let style = match style {
        DocStyle::Marker => Style::Marker,
        DocStyle::Heading => Style::Heading,
        DocStyle::Oft => Style::Oft,
    };
    let plan = Plan::new(Params {
        requirements: 100,
        style,
        seed,
    });
    plan.render_doc(0)
}

/// A unit-test source file (`src/<area>/<topic>_<n>.rs`) and an integration-test file of a
/// 1,000-requirement marker project, with their paths: what the source-scanner benchmark runs on.
pub fn sample_sources(seed: u64) -> [(String, String); 2] {
    let plan = Plan::new(Params {
        requirements: 1000,
        style: Style::Marker,
        seed,
    });
    let leaf = plan
        .files
        .iter()
        .position(|f| f.kind == FileKind::Leaf)
        .expect("a 1,000-requirement plan has leaf files");
    let integration = plan
        .files
        .iter()
        .position(|f| f.kind == FileKind::Integration)
        .expect("a plan always has an integration file");
    [
        (plan.files[leaf].path.clone(), plan.render_rust(leaf)),
        (
            plan.files[integration].path.clone(),
            plan.render_rust(integration),
        ),
    ]
}

//! Cargo targets read from a package's `Cargo.toml` and files, the way `cargo metadata` would
//! report them, without running cargo: which test binary each Rust file is compiled into, and
//! under which module path, so each test gets the binary id nextest prints
//! (`pkg`, `pkg::bin/NAME`, `pkg::NAME`, `pkg::example/NAME`, `pkg::bench/NAME`).
//!
//! Targets: `[lib]` (`src/lib.rs` unless `path` says otherwise), `[[bin]]`, `[[test]]`,
//! `[[example]]`, `[[bench]]` with their `name` and `path`, plus the ones Cargo discovers
//! (`src/main.rs`, `src/bin/*.rs`, `src/bin/*/main.rs`, `tests/*.rs`, `tests/*/main.rs`, and the
//! same under `examples/` and `benches/`) unless `autobins`/`autotests`/... turn that off.
//! A discovered file that an explicit target already names is that target, as in Cargo.
//!
//! From each target's root file the `mod x;` declarations are followed (`x.rs`, `x/mod.rs`,
//! `#[path = "..."]`, inline `mod a { mod b; }`), so a module private to a binary belongs to that
//! binary, not to the library. A file no target reaches keeps the layout guess of
//! [`crate::discover::crate_unit`].

use crate::model::CrateUnit;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// What kind of target, for the binary id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Lib,
    Bin,
    Test,
    Example,
    Bench,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    kind: Kind,
    name: String,
    /// Root file relative to the package directory, forward slashes.
    path: String,
}

/// The `Cargo.toml` in `dir` when it declares a package: the package's name and the manifest.
/// The one place a manifest is read (the project's name and every package's targets come
/// from here); a missing or unparsable manifest is no package.
pub(crate) fn package_manifest(dir: &Path) -> Option<(String, toml::Table)> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let table = text.parse::<toml::Table>().ok()?;
    let name = table.get("package")?.get("name")?.as_str()?.to_string();
    Some((name, table))
}

/// The files of one package mapped to their crate unit; keys are relative to the package
/// directory. Files reached from several targets (a module declared by both the library and a
/// binary) keep the first: library, binaries, tests, examples, benches in that order.
pub(crate) fn package_units(
    package_dir: &Path,
    package: &str,
    manifest: &toml::Table,
) -> HashMap<String, CrateUnit> {
    let exists = |rel: &str| package_dir.join(rel).is_file();
    let list_dir = |rel: &str| -> Vec<(String, bool)> {
        let Ok(entries) = std::fs::read_dir(package_dir.join(rel)) else {
            return Vec::new();
        };
        let mut found: Vec<(String, bool)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let is_dir = e.file_type().ok()?.is_dir();
                Some((e.file_name().to_str()?.to_string(), is_dir))
            })
            .collect();
        found.sort();
        found
    };
    let mut units = HashMap::new();
    for target in targets(package, manifest, &exists, &list_dir) {
        let binary = binary_id(package, &target);
        let mut reader = |rel: &str| std::fs::read_to_string(package_dir.join(rel)).ok();
        for (file, module_path) in module_tree(&target.path, &mut reader, &exists) {
            units.entry(file).or_insert_with(|| CrateUnit {
                binary: binary.clone(),
                module_path,
            });
        }
    }
    units
}

fn binary_id(package: &str, target: &Target) -> String {
    match target.kind {
        Kind::Lib => package.to_string(),
        Kind::Bin => format!("{package}::bin/{}", target.name),
        Kind::Test => format!("{package}::{}", target.name),
        Kind::Example => format!("{package}::example/{}", target.name),
        Kind::Bench => format!("{package}::bench/{}", target.name),
    }
}

/// The package's targets in the order their files are claimed.
fn targets(
    package: &str,
    manifest: &toml::Table,
    exists: &dyn Fn(&str) -> bool,
    list_dir: &dyn Fn(&str) -> Vec<(String, bool)>,
) -> Vec<Target> {
    let section = manifest.get("package").and_then(toml::Value::as_table);
    let auto = |key: &str| {
        section
            .and_then(|p| p.get(key))
            .and_then(toml::Value::as_bool)
            .unwrap_or(true)
    };
    let mut out = Vec::new();
    // [lib]: an explicit path, else src/lib.rs when it exists.
    let lib = manifest.get("lib").and_then(toml::Value::as_table);
    let lib_path = lib
        .and_then(|l| l.get("path"))
        .and_then(toml::Value::as_str)
        .map(clean)
        .or_else(|| exists("src/lib.rs").then(|| "src/lib.rs".to_string()));
    if let Some(path) = lib_path {
        let name = lib
            .and_then(|l| l.get("name"))
            .and_then(toml::Value::as_str)
            .map_or_else(|| package.replace('-', "_"), str::to_string);
        out.push(Target {
            kind: Kind::Lib,
            name,
            path,
        });
    }
    let kinds = [
        (Kind::Bin, "bin", "autobins", "src/bin"),
        (Kind::Test, "test", "autotests", "tests"),
        (Kind::Example, "example", "autoexamples", "examples"),
        (Kind::Bench, "bench", "autobenches", "benches"),
    ];
    for (kind, key, auto_key, dir) in kinds {
        let mut explicit: Vec<Target> = Vec::new();
        for entry in manifest
            .get(key)
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = entry.get("name").and_then(toml::Value::as_str) else {
                continue;
            };
            let path = match entry.get("path").and_then(toml::Value::as_str) {
                Some(path) => clean(path),
                None if kind == Kind::Bin && name == package && exists("src/main.rs") => {
                    "src/main.rs".to_string()
                }
                None => {
                    let single = format!("{dir}/{name}.rs");
                    if exists(&single) {
                        single
                    } else {
                        format!("{dir}/{name}/main.rs")
                    }
                }
            };
            explicit.push(Target {
                kind,
                name: name.to_string(),
                path,
            });
        }
        let mut discovered = Vec::new();
        if auto(auto_key) {
            if kind == Kind::Bin && exists("src/main.rs") {
                discovered.push(Target {
                    kind,
                    name: package.to_string(),
                    path: "src/main.rs".to_string(),
                });
            }
            for (entry, is_dir) in list_dir(dir) {
                let (name, path) = if is_dir {
                    (entry.clone(), format!("{dir}/{entry}/main.rs"))
                } else if let Some(stem) = entry.strip_suffix(".rs") {
                    (stem.to_string(), format!("{dir}/{entry}"))
                } else {
                    continue;
                };
                if is_dir && !exists(&path) {
                    continue;
                }
                discovered.push(Target { kind, name, path });
            }
        }
        // Cargo: a discovered file that an explicit target names is that target; a discovered
        // target whose name an explicit one takes is replaced by it.
        discovered.retain(|d| {
            !explicit
                .iter()
                .any(|e| e.path == d.path || e.name == d.name)
        });
        out.extend(explicit);
        out.extend(discovered);
    }
    out
}

/// `./src/x.rs` and `src\x.rs` as `src/x.rs`.
fn clean(path: &str) -> String {
    let path = path.replace('\\', "/");
    path.strip_prefix("./").unwrap_or(&path).to_string()
}

/// The files of the module tree rooted at `root` (relative paths), each with its module path.
/// `read` gives a file's text, `None` when it does not exist; `exists` answers without reading,
/// so choosing between `x.rs` and `x/mod.rs` does not read the file a second time.
fn module_tree(
    root: &str,
    read: &mut dyn FnMut(&str) -> Option<String>,
    exists: &dyn Fn(&str) -> bool,
) -> BTreeMap<String, Vec<String>> {
    let mut files = BTreeMap::new();
    // (file, its module path, the directory its `mod x;` children live in)
    let mut pending = vec![(root.to_string(), Vec::<String>::new(), parent(root))];
    while let Some((file, module_path, child_dir)) = pending.pop() {
        if files.contains_key(&file) {
            continue;
        }
        let Some(text) = read(&file) else {
            continue;
        };
        files.insert(file.clone(), module_path.clone());
        for declared in declared_modules(&text) {
            let mut path = module_path.clone();
            path.extend(declared.inline.iter().cloned());
            path.push(declared.name.clone());
            let base = join(&child_dir, &declared.inline.join("/"));
            let (child, grandchildren) = match &declared.path_attr {
                // `#[path]` is relative to the directory of the declaring file (for inline
                // modules, to that directory plus the inline modules' names).
                Some(p) => {
                    let child = normalize(&join(&base, p));
                    let dir = parent(&child);
                    (child, join(&dir, &declared.name))
                }
                None => {
                    let flat = join(&base, &format!("{}.rs", declared.name));
                    let nested = join(&base, &format!("{}/mod.rs", declared.name));
                    let grandchildren = join(&base, &declared.name);
                    if exists(&flat) {
                        (flat, grandchildren)
                    } else {
                        (nested, grandchildren)
                    }
                }
            };
            // A `mod.rs` (or a `#[path]` file) declares its children next to itself.
            let grandchildren = if child.ends_with("/mod.rs") || declared.path_attr.is_some() {
                parent(&child)
            } else {
                grandchildren
            };
            pending.push((child, path, grandchildren));
        }
    }
    files
}

fn parent(rel: &str) -> String {
    rel.rfind('/')
        .map_or_else(String::new, |i| rel[..i].to_string())
}

fn join(dir: &str, rest: &str) -> String {
    match (dir.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (_, true) => dir.to_string(),
        _ => format!("{dir}/{rest}"),
    }
}

/// Resolves `.` and `..` segments.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// An out-of-line `mod name;` declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Declared {
    name: String,
    /// The inline modules it sits in (`mod a { mod b; }` gives `["a"]` for `b`).
    inline: Vec<String>,
    path_attr: Option<String>,
}

/// The `mod x;` declarations of a file, read off the text with comments and literals masked,
/// tracking inline `mod a { ... }` blocks by brace depth.
fn declared_modules(text: &str) -> Vec<Declared> {
    // Most files of a big tree declare no module out of line; lexing each one only to find
    // that was an eighth of a 10,000-requirement run, all of it on the main thread.
    if !may_declare_modules(text) {
        return Vec::new();
    }
    let lexed = crate::source::lex_for_modules(text);
    let masked = lexed.masked;
    let strings = lexed.strings;
    let mut out = Vec::new();
    // Inline modules open: (name, the brace depth inside them).
    let mut inline: Vec<(String, u32)> = Vec::new();
    let mut depth = 0u32;
    let mut path_attr: Option<String> = None;
    let mut i = 0;
    let word_at = |i: usize| -> &[u8] {
        let end = masked[i..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            .map_or(masked.len(), |n| i + n);
        &masked[i..end]
    };
    let skip_blank = |mut i: usize| {
        while i < masked.len() && masked[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    while i < masked.len() {
        let b = masked[i];
        if b == b'{' {
            depth += 1;
            i += 1;
            continue;
        }
        if b == b'}' {
            if inline.last().is_some_and(|(_, d)| *d == depth) {
                inline.pop();
            }
            depth = depth.saturating_sub(1);
            i += 1;
            continue;
        }
        if b == b'#' {
            // `#[path = "..."]`: the string is masked, its bytes are in the original text.
            let open = skip_blank(i + 1);
            if masked.get(open) == Some(&b'[') {
                let word_start = skip_blank(open + 1);
                if word_at(word_start) == b"path" {
                    let close = masked[open..].iter().position(|&c| c == b']');
                    if let Some(close) = close.map(|n| open + n) {
                        path_attr = strings
                            .iter()
                            .find(|(s, e)| *s > word_start && *e <= close)
                            .and_then(|(s, e)| text.get(*s..*e))
                            .map(|quoted| quoted.trim_matches('"').to_string());
                        i = close + 1;
                        continue;
                    }
                }
            }
            i += 1;
            continue;
        }
        let starts_word = (b.is_ascii_alphabetic() || b == b'_')
            && (i == 0 || !(masked[i - 1].is_ascii_alphanumeric() || masked[i - 1] == b'_'));
        if !starts_word {
            if b == b';' {
                path_attr = None;
            }
            i += 1;
            continue;
        }
        let word = word_at(i);
        let after = i + word.len();
        if word == b"mod" {
            let name_start = skip_blank(after);
            let name = word_at(name_start);
            let name = name.strip_prefix(b"r#").unwrap_or(name);
            if !name.is_empty() && !name[0].is_ascii_digit() {
                let name = String::from_utf8_lossy(name).into_owned();
                let next = skip_blank(name_start + word_at(name_start).len());
                match masked.get(next) {
                    Some(b';') => out.push(Declared {
                        name,
                        inline: inline.iter().map(|(n, _)| n.clone()).collect(),
                        path_attr: path_attr.take(),
                    }),
                    Some(b'{') => {
                        inline.push((name, depth + 1));
                        path_attr = None;
                    }
                    _ => {}
                }
                i = next;
                continue;
            }
        }
        i = after;
    }
    out
}

/// Whether `text` might hold an out-of-line `mod name;`, judged on the raw text without lexing.
/// Only ever errs towards yes: every `mod` word is a candidate unless it is plainly an inline
/// module (`mod name {` with nothing but blanks between), and a comment or anything else between
/// the parts (which the lexer would blank) makes it a candidate. Masking never creates a `mod`
/// word, so a text with no candidate has no declaration.
fn may_declare_modules(text: &str) -> bool {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let skip = |mut i: usize, keep: &dyn Fn(u8) -> bool| {
        while i < bytes.len() && keep(bytes[i]) {
            i += 1;
        }
        i
    };
    text.match_indices("mod").any(|(at, _)| {
        let end = at + 3;
        if at > 0 && ident(bytes[at - 1]) || bytes.get(end).is_some_and(|&b| ident(b)) {
            return false;
        }
        let name = skip(end, &|b| b.is_ascii_whitespace());
        let after_name = skip(name, &|b| ident(b) || b == b'#');
        let next = skip(after_name, &|b| b.is_ascii_whitespace());
        !(after_name > name && bytes.get(next) == Some(&b'{'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify perf.discovery]
    #[test]
    fn files_without_a_module_declaration_are_not_lexed_and_none_is_missed() {
        // Plainly inline modules and words that merely contain `mod` hold no declaration.
        for text in [
            "",
            "fn main() {}\n",
            "#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
            "pub mod wire{ fn f() {} }\nlet model = 1; let x = modulo;\n",
        ] {
            assert!(!may_declare_modules(text), "{text:?}");
            assert!(declared_modules(text).is_empty(), "{text:?}");
        }
        // Every way a declaration can be written is still found, comments between the parts
        // included; a false candidate (in a comment or a string) only costs a lexing pass.
        for (text, names) in [
            ("mod a;\n", vec!["a"]),
            ("pub(crate) mod a ;\n", vec!["a"]),
            ("mod /* x */ a /* { */ ;\n", vec!["a"]),
            ("mod a // {\n;\n", vec!["a"]),
            ("mod outer {\n    mod inner;\n}\n", vec!["inner"]),
            ("#[path = \"x.rs\"]\nmod a;\n", vec!["a"]),
            ("// mod a;\nconst S: &str = \"mod b;\";\n", vec![]),
        ] {
            assert!(may_declare_modules(text), "{text:?}");
            let found: Vec<String> = declared_modules(text).into_iter().map(|d| d.name).collect();
            assert_eq!(found, names, "{text:?}");
        }
    }

    fn manifest(text: &str) -> toml::Table {
        text.parse().unwrap_or_default()
    }

    fn names(targets: &[Target]) -> Vec<(Kind, &str, &str)> {
        targets
            .iter()
            .map(|t| (t.kind, t.name.as_str(), t.path.as_str()))
            .collect()
    }

    // r[verify workspace.targets]
    #[test]
    fn targets_follow_cargo_naming_and_discovery() {
        let files = [
            "src/lib.rs",
            "src/main.rs",
            "src/bin/cli.rs",
            "src/bin/server.rs",
            "src/bin/tool/main.rs",
            "tests/api.rs",
            "tests/it/main.rs",
            "examples/demo.rs",
            "benches/speed.rs",
        ];
        let exists = |rel: &str| files.contains(&rel);
        let list_dir = |dir: &str| -> Vec<(String, bool)> {
            let mut out: Vec<(String, bool)> = files
                .iter()
                .filter_map(|f| f.strip_prefix(&format!("{dir}/")))
                .map(|rest| match rest.split_once('/') {
                    Some((sub, _)) => (sub.to_string(), true),
                    None => (rest.to_string(), false),
                })
                .collect();
            out.sort();
            out.dedup();
            out
        };
        let toml = manifest(
            "[package]\nname = \"mini-redis\"\n[lib]\nname = \"redis_core\"\n\
             [[bin]]\nname = \"mini-redis-cli\"\npath = \"src/bin/cli.rs\"\n\
             [[test]]\nname = \"integration\"\npath = \"tests/api.rs\"\n",
        );
        let found = targets("mini-redis", &toml, &exists, &list_dir);
        assert_eq!(
            names(&found),
            vec![
                (Kind::Lib, "redis_core", "src/lib.rs"),
                (Kind::Bin, "mini-redis-cli", "src/bin/cli.rs"),
                (Kind::Bin, "mini-redis", "src/main.rs"),
                (Kind::Bin, "server", "src/bin/server.rs"),
                (Kind::Bin, "tool", "src/bin/tool/main.rs"),
                (Kind::Test, "integration", "tests/api.rs"),
                (Kind::Test, "it", "tests/it/main.rs"),
                (Kind::Example, "demo", "examples/demo.rs"),
                (Kind::Bench, "speed", "benches/speed.rs"),
            ]
        );
        let ids: Vec<String> = found.iter().map(|t| binary_id("mini-redis", t)).collect();
        assert_eq!(ids[0], "mini-redis");
        assert_eq!(ids[1], "mini-redis::bin/mini-redis-cli");
        assert_eq!(ids[5], "mini-redis::integration");
        assert_eq!(ids[7], "mini-redis::example/demo");
        // autobins = false keeps only the explicit binaries.
        let toml = manifest(
            "[package]\nname = \"p\"\nautobins = false\n[[bin]]\nname = \"only\"\npath = \"src/bin/cli.rs\"\n",
        );
        let bins: Vec<String> = targets("p", &toml, &exists, &list_dir)
            .into_iter()
            .filter(|t| t.kind == Kind::Bin)
            .map(|t| t.name)
            .collect();
        assert_eq!(bins, vec!["only"]);
    }

    // r[verify workspace.targets]
    #[test]
    fn module_trees_follow_mod_declarations() {
        let files: HashMap<&str, &str> = HashMap::from([
            (
                "src/main.rs",
                "// mod commented;\nmod args;\nmod net { pub mod wire; }\n#[path = \"extra/odd_name.rs\"]\nmod odd;\nconst S: &str = \"mod fake;\";\nfn main() {}\n",
            ),
            ("src/args.rs", "mod parse;\n#[cfg(test)]\nmod tests;\n"),
            ("src/args/parse.rs", ""),
            ("src/args/tests.rs", ""),
            ("src/net/wire/mod.rs", "mod frame;\n"),
            ("src/net/wire/frame.rs", ""),
            ("src/extra/odd_name.rs", "mod inner;\n"),
            ("src/extra/inner.rs", ""),
        ]);
        let mut read = |rel: &str| files.get(rel).map(|t| t.to_string());
        let exists = |rel: &str| files.contains_key(rel);
        let tree = module_tree("src/main.rs", &mut read, &exists);
        let got: Vec<(&str, String)> = tree
            .iter()
            .map(|(f, p)| (f.as_str(), p.join("::")))
            .collect();
        assert_eq!(
            got,
            vec![
                ("src/args.rs", "args".to_string()),
                ("src/args/parse.rs", "args::parse".to_string()),
                ("src/args/tests.rs", "args::tests".to_string()),
                ("src/extra/inner.rs", "odd::inner".to_string()),
                ("src/extra/odd_name.rs", "odd".to_string()),
                ("src/main.rs", String::new()),
                ("src/net/wire/frame.rs", "net::wire::frame".to_string()),
                ("src/net/wire/mod.rs", "net::wire".to_string()),
            ]
        );
    }
}

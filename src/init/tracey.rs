//! tracey's configuration, `.config/tracey/config.styx`, as `reqtrail init` needs it: the spec
//! globs, the implementation and test globs and the excludes, translated to reqtrail's glob
//! semantics (PRODUCT.md section 13).
//!
//! Only the subset of Styx that tracey's configs use is read: `key value` pairs, `( ... )`
//! lists, `{ ... }` objects, quoted strings, `//` comments and `@` directives. Anything else
//! is skipped, so an odd file gives fewer globs, never an error.

/// What a tracey config selects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceyConfig {
    /// `include` of each spec: the requirement documents.
    pub spec: Vec<String>,
    /// `include` and `test_include` of each implementation: the sources.
    pub src: Vec<String>,
    /// `exclude` of each implementation.
    pub exclude: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Open(char),
    Close(char),
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '(' | '{' => out.push(Token::Open(c)),
            ')' | '}' => out.push(Token::Close(c)),
            '"' => {
                let mut word = String::new();
                while let Some(n) = chars.next() {
                    match n {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        _ => word.push(n),
                    }
                }
                out.push(Token::Word(word));
            }
            _ if c.is_whitespace() || c == ',' => {}
            _ => {
                let mut word = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || matches!(n, '(' | ')' | '{' | '}' | '"' | ',') {
                        break;
                    }
                    word.push(n);
                    chars.next();
                }
                out.push(Token::Word(word));
            }
        }
    }
    out
}

/// Reads the globs out of a tracey config's text.
pub fn parse(text: &str) -> TraceyConfig {
    let tokens = tokens(text);
    let mut config = TraceyConfig::default();
    // The keys of the objects and lists we are inside, innermost last.
    let mut path: Vec<String> = Vec::new();
    let mut last_word: Option<String> = None;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Open(_) => {
                path.push(last_word.take().unwrap_or_default());
            }
            Token::Close(_) => {
                path.pop();
                last_word = None;
            }
            Token::Word(word) => {
                let key = path.last().map(String::as_str).unwrap_or("");
                let in_impl = path.iter().any(|p| p == "impls");
                let target = match key {
                    "include" if in_impl => Some(&mut config.src),
                    "test_include" => Some(&mut config.src),
                    "include" => Some(&mut config.spec),
                    "exclude" => Some(&mut config.exclude),
                    _ => None,
                };
                match target {
                    Some(list) => list.push(word.clone()),
                    None => {
                        // `include docs/x.md` without parentheses: a single value.
                        if matches!(word.as_str(), "include" | "test_include" | "exclude") {
                            if let Some(Token::Word(value)) = tokens.get(i + 1) {
                                let list = match word.as_str() {
                                    "include" if in_impl => &mut config.src,
                                    "include" => &mut config.spec,
                                    "test_include" => &mut config.src,
                                    _ => &mut config.exclude,
                                };
                                list.push(value.clone());
                                i += 2;
                                last_word = None;
                                continue;
                            }
                        }
                        last_word = Some(word.clone());
                    }
                }
            }
        }
        i += 1;
    }
    for list in [&mut config.spec, &mut config.src, &mut config.exclude] {
        let mut seen = std::collections::BTreeSet::new();
        list.retain(|g| seen.insert(g.clone()));
    }
    config
}

/// A tracey glob in reqtrail's semantics. In tracey's globs `*` also matches `/`; in
/// reqtrail's it stays in its directory (`**` crosses). So each path segment holding a single
/// `*` gets a `**/` before it: `components/*/src/*.rs` becomes
/// `components/**/src/**/*.rs`, which selects the same files.
pub fn translate_glob(glob: &str) -> String {
    let segments: Vec<&str> = glob.split('/').collect();
    let mut out: Vec<String> = Vec::new();
    for (n, segment) in segments.iter().enumerate() {
        let last = n + 1 == segments.len();
        let single_star = segment.contains('*') && !segment.contains("**");
        if *segment == "**" || !single_star {
            out.push(segment.to_string());
        } else if *segment == "*" {
            // `*` alone spans any depth in tracey; as a directory it is `**`, as the last
            // segment (`docs/*`) it is every file below.
            out.push(if last {
                "**/*".to_string()
            } else {
                "**".to_string()
            });
        } else {
            if out.last().map(String::as_str) != Some("**") {
                out.push("**".to_string());
            }
            out.push(segment.to_string());
        }
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify compat.tracey-init]
    #[test]
    fn globs_are_translated_so_star_keeps_crossing_directories() {
        assert_eq!(
            translate_glob("components/*/src/*.rs"),
            "components/**/src/**/*.rs"
        );
        assert_eq!(translate_glob("docs/spec/**/*.md"), "docs/spec/**/*.md");
        assert_eq!(translate_glob("docs/spec.md"), "docs/spec.md");
        assert_eq!(translate_glob("docs/*.md"), "docs/**/*.md");
        assert_eq!(translate_glob("src/*"), "src/**/*");
        assert_eq!(translate_glob("*.md"), "**/*.md");
    }

    // r[verify compat.tracey-init]
    #[test]
    fn config_globs_by_role() {
        let text = r#"@schema {id crate:tracey-config@1, cli tracey}
// a comment (include nothing/*.md)
specs (
    {
        name one
        include (docs/a/*.md "docs/b.md")
        impls (
            { name rust
              include (src/*.rs)
              exclude (src/gen/*.rs)
              test_include (tests/*.rs) }
        )
    }
    { name two include docs/c.md }
)
"#;
        let config = parse(text);
        assert_eq!(config.spec, ["docs/a/*.md", "docs/b.md", "docs/c.md"]);
        assert_eq!(config.src, ["src/*.rs", "tests/*.rs"]);
        assert_eq!(config.exclude, ["src/gen/*.rs"]);
        assert_eq!(
            parse("specs ( { include ( ) } ) ) } {{"),
            TraceyConfig::default()
        );
    }
}

//! The items of a file, read with syn: modules, functions (free, in impls and traits), impls,
//! traits and other named items, with their first and last lines, and the tests among the
//! functions (their attributes say which, and whether ignored, should-panic or cfg-guarded).
//!
//! syn reads the item structure only: attributes, signatures and impl headers are parsed, while
//! function bodies are blanked before tokenizing (see `skeleton`) and other braces stepped over
//! whole. Parsing every statement and expression would cost most of the time and tell attachment
//! nothing (references in bodies are found on the masked text, see `code`). A consequence: a
//! syntax error inside a function body does not make the file unparsable, only a broken item
//! structure or unbalanced delimiters do.
//!
//! The result is an [`Outline`], plain data without spans, so it can leave the parsing thread.

use super::names::is_test_attribute;
use crate::config::SourceOptions;
use crate::model::{CrateUnit, TestFn};
use proc_macro2::{Delimiter, Span};
use syn::buffer::Cursor;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{braced, bracketed, parenthesized, token, Attribute, Ident, Meta, Token};

/// What a scope is, for attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    /// The file itself or an inline `mod x { }` (or a `mod x;` declaration).
    Module,
    /// A function; `test` says whether it is a test.
    Fn,
    /// `impl` or `trait`: methods inside are scopes of their own.
    Container,
    /// Any other named item (struct, enum, const, macro_rules, ...).
    Item,
    /// The inside of `proptest! { }`: its functions are tests.
    Group,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scope {
    pub kind: ScopeKind,
    /// First line, outer attributes and doc comments included.
    pub start: u32,
    pub end: u32,
    /// Item path: `limiter::Bucket::take`; the module path for modules and groups.
    pub path: String,
    pub test: Option<usize>,
    /// Child scopes in source order (their line ranges do not overlap).
    pub children: Vec<usize>,
}

/// The scopes of one file (scope 0 is the file) and its tests.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outline {
    pub scopes: Vec<Scope>,
    pub tests: Vec<TestFn>,
    /// Scopes that are `mod x;` declarations: their tests live in another file.
    pub out_of_line: Vec<usize>,
    /// Item-level macro invocations whose body is not items (`trim_cases! { a: 1; }`): they
    /// may generate tests the sources never spell out.
    pub invocations: Vec<Invocation>,
    /// `macro_rules!` definitions whose body holds a test attribute: (scope, macro name).
    pub generators: Vec<(usize, String)>,
}

/// An item-level macro invocation in a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invocation {
    pub scope: usize,
    /// The macro's name (last path segment).
    pub name: String,
    /// The module path it sits in.
    pub module: String,
    /// Every identifier in its body, in order, without repeats: the names the tests it
    /// generates can take.
    pub idents: Vec<String>,
    /// It sits where tests live: in a `#[cfg(test)]` module or an integration-test file.
    pub in_test_code: bool,
}

impl Outline {
    pub(crate) fn new(root_path: String, last_line: u32) -> Outline {
        Outline {
            scopes: vec![Scope {
                kind: ScopeKind::Module,
                start: 1,
                end: last_line,
                path: root_path,
                test: None,
                children: Vec::new(),
            }],
            tests: Vec::new(),
            out_of_line: Vec::new(),
            invocations: Vec::new(),
            generators: Vec::new(),
        }
    }

    pub(crate) fn add_scope(&mut self, parent: usize, scope: Scope) -> usize {
        let index = self.scopes.len();
        self.scopes.push(scope);
        if let Some(p) = self.scopes.get_mut(parent) {
            p.children.push(index);
        }
        index
    }

    /// Every test inside `scope`, itself included, in index order.
    pub(crate) fn tests_under(&self, scope: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![scope];
        while let Some(s) = stack.pop() {
            let Some(sc) = self.scopes.get(s) else {
                continue;
            };
            out.extend(sc.test);
            stack.extend(sc.children.iter().copied());
        }
        out.sort_unstable();
        out
    }
}

fn line(span: Span) -> u32 {
    span.start().line as u32
}

fn end_line(span: Span) -> u32 {
    span.end().line as u32
}

fn path_string(path: &syn::Path) -> String {
    let mut out = String::new();
    if path.leading_colon.is_some() {
        out.push_str("::");
    }
    for (n, seg) in path.segments.iter().enumerate() {
        if n > 0 {
            out.push_str("::");
        }
        out.push_str(&seg.ident.to_string());
    }
    out
}

fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// What the attributes of a function or module say about its tests.
#[derive(Default)]
struct Facts {
    test_attribute: Option<String>,
    /// `#[cfg(test)]` itself (left out of `cfgs`).
    cfg_test: bool,
    ignored: bool,
    should_panic: bool,
    cfgs: Vec<String>,
}

/// Where an item of unknown inside ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ends {
    /// At a `;` (`use`, `const`, `static`, `type`, `extern crate`).
    Semi,
    /// At a `;` or a `{ }` (`struct`, `enum`, `union`, extern blocks).
    SemiOrBrace,
}

/// The item ahead, told by its keywords.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Fn,
    Mod,
    Impl,
    Trait,
    Macro,
    Other(Ends, Option<String>),
    /// A stray `;`.
    Empty,
    Unknown,
}

fn word_at(c: Cursor) -> Option<(String, Cursor)> {
    c.ident().map(|(i, next)| (i.to_string(), next))
}

fn punct_at(c: Cursor, ch: char) -> Option<Cursor> {
    c.punct()
        .and_then(|(p, next)| (p.as_char() == ch).then_some(next))
}

/// Looks past visibility and qualifiers (`pub(crate) const unsafe extern "C"`) at the keyword
/// that says what the item is.
fn classify(mut c: Cursor) -> Kind {
    if punct_at(c, ';').is_some() {
        return Kind::Empty;
    }
    if punct_at(c, ':').is_some() {
        return Kind::Macro;
    }
    loop {
        let Some((word, next)) = word_at(c) else {
            return Kind::Unknown;
        };
        let following = word_at(next).map(|(w, _)| w);
        match word.as_str() {
            "pub" => {
                c = next
                    .group(Delimiter::Parenthesis)
                    .map_or(next, |(_, _, after)| after);
            }
            "default" | "unsafe" | "async" | "auto" | "safe" if punct_at(next, '!').is_none() => {
                c = next
            }
            "const" => match following.as_deref() {
                Some("fn" | "unsafe" | "async" | "extern") => c = next,
                _ => return Kind::Other(Ends::Semi, following),
            },
            "extern" => {
                if following.as_deref() == Some("crate") {
                    return Kind::Other(Ends::Semi, None);
                }
                let after_abi = next.literal().map_or(next, |(_, after)| after);
                if after_abi.group(Delimiter::Brace).is_some() {
                    return Kind::Other(Ends::SemiOrBrace, None);
                }
                c = after_abi;
            }
            "fn" => return Kind::Fn,
            "mod" => return Kind::Mod,
            "impl" => return Kind::Impl,
            "trait" => return Kind::Trait,
            "struct" | "enum" => return Kind::Other(Ends::SemiOrBrace, following),
            "union" if following.is_some() => return Kind::Other(Ends::SemiOrBrace, following),
            "static" => {
                let name = match following.as_deref() {
                    Some("mut") => word_at(next).and_then(|(_, n)| word_at(n)).map(|(w, _)| w),
                    _ => following,
                };
                return Kind::Other(Ends::Semi, name);
            }
            "type" => return Kind::Other(Ends::Semi, following),
            "use" => return Kind::Other(Ends::Semi, None),
            _ if punct_at(next, '!').is_some() || punct_at(next, ':').is_some() => {
                return Kind::Macro
            }
            _ => return Kind::Unknown,
        }
    }
}

/// `<` nesting over a run of tokens, so that a brace inside generics (`<const N: u8 = { 1 }>`,
/// `-> ArrayVec<u8, { 4 }>`) is not taken for an item's end; `->` and `=>` close nothing.
#[derive(Default)]
struct Angles {
    depth: u32,
    previous: char,
}

impl Angles {
    fn punct(&mut self, ch: char) {
        match ch {
            '<' => self.depth += 1,
            '>' if !matches!(self.previous, '-' | '=') => {
                self.depth = self.depth.saturating_sub(1);
            }
            _ => {}
        }
        self.previous = ch;
    }

    /// Any token but punctuation.
    fn other(&mut self) {
        self.previous = ' ';
    }

    fn outside(&self) -> bool {
        self.depth == 0
    }
}

/// Steps over the tokens of an item whose inside does not matter; returns its last span.
fn skip_item(input: ParseStream, ends: Ends) -> syn::Result<Span> {
    input.step(|cursor| {
        let mut c = *cursor;
        let mut last = c.span();
        let mut angles = Angles::default();
        loop {
            if c.eof() {
                return Ok((last, c));
            }
            if let Some((p, next)) = c.punct() {
                last = p.span();
                c = next;
                if p.as_char() == ';' {
                    return Ok((last, c));
                }
                angles.punct(p.as_char());
                continue;
            }
            angles.other();
            if let Some((_, delimiter, span, next)) = c.any_group() {
                last = span.close();
                c = next;
                if ends == Ends::SemiOrBrace && delimiter == Delimiter::Brace && angles.outside() {
                    return Ok((last, c));
                }
                continue;
            }
            match c.token_tree() {
                Some((tt, next)) => {
                    last = tt.span();
                    c = next;
                }
                None => return Ok((last, c)),
            }
        }
    })
}

/// A function's name, after its qualifiers (`const async unsafe extern "C" fn`), with the rest
/// of its signature (generics, parameters, return type, where clause) stepped over up to the
/// body or the `;`. The outline needs only the name: parsing the parameter and return types as
/// syn's `Signature` was a tenth of all the instructions of a run (docs/performance.md).
fn fn_name(input: ParseStream) -> syn::Result<Ident> {
    while !input.peek(Token![fn]) {
        if input.peek(syn::LitStr) {
            input.parse::<syn::LitStr>()?;
        } else if input.cursor().ident().is_some() {
            input.call(Ident::parse_any)?;
        } else {
            return Err(input.error("expected `fn`"));
        }
    }
    input.parse::<Token![fn]>()?;
    let name = input.call(Ident::parse_any)?;
    input.step(|cursor| {
        let mut c = *cursor;
        let mut angles = Angles::default();
        loop {
            if c.eof() {
                return Ok(((), c));
            }
            if let Some((p, next)) = c.punct() {
                if p.as_char() == ';' && angles.outside() {
                    return Ok(((), c));
                }
                angles.punct(p.as_char());
                c = next;
                continue;
            }
            angles.other();
            if angles.outside() && c.group(Delimiter::Brace).is_some() {
                return Ok(((), c));
            }
            match c.token_tree() {
                Some((_, next)) => c = next,
                None => return Ok(((), c)),
            }
        }
    })?;
    Ok(name)
}

/// A function's `{ body }` stepped over whole, or the `;` of a declaration; returns its end.
fn body_or_semi(input: ParseStream) -> syn::Result<Span> {
    if input.peek(Token![;]) {
        let semi: Token![;] = input.parse()?;
        return Ok(semi.span);
    }
    input.step(|c| match c.group(Delimiter::Brace) {
        Some((_, span, rest)) => Ok((span.close(), rest)),
        None => Err(c.error("expected a function body")),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Module,
    Impl,
    Trait,
}

struct Walker<'a> {
    /// The skeleton syn reads, for attribute text as written.
    text: &'a str,
    binary: &'a str,
    options: &'a SourceOptions,
    outline: Outline,
    /// Module path of the current module, from the file's own path inwards.
    path: Vec<String>,
    /// `#[cfg(...)]` of the enclosing modules, `cfg(test)` left out.
    cfgs: Vec<String>,
    /// Inside a `#[cfg(test)]` module, or in an integration-test binary.
    in_test_code: bool,
}

impl Walker<'_> {
    fn joined(&self, last: &str) -> String {
        let mut parts = self.path.clone();
        parts.push(last.to_string());
        parts.join("::")
    }

    fn scope(
        &mut self,
        parent: usize,
        kind: ScopeKind,
        start: u32,
        end: u32,
        path: String,
    ) -> usize {
        self.outline.add_scope(
            parent,
            Scope {
                kind,
                start,
                end,
                path,
                test: None,
                children: Vec::new(),
            },
        )
    }

    /// The text between two spans (exclusive), as written, whitespace runs made one space.
    fn written_between(&self, open: Span, close: Span) -> Option<String> {
        let from = open.byte_range().end;
        let to = close.byte_range().start;
        let written = self.text.get(from..to)?;
        Some(written.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    fn facts(&self, attrs: &[Attribute]) -> Facts {
        let mut facts = Facts::default();
        for attr in attrs {
            let path = attr.meta.path();
            let last = last_segment(path);
            let is_test =
                is_test_attribute(&last, &path_string(path), &self.options.test_attributes);
            if is_test {
                if facts.test_attribute.is_none() {
                    facts.test_attribute = Some(path_string(path));
                }
                continue;
            }
            if path.segments.len() != 1 {
                continue;
            }
            match last.as_str() {
                "ignore" => facts.ignored = true,
                "should_panic" => facts.should_panic = true,
                "cfg" => {
                    if let Meta::List(list) = &attr.meta {
                        let span = match &list.delimiter {
                            syn::MacroDelimiter::Paren(p) => p.span,
                            syn::MacroDelimiter::Brace(b) => b.span,
                            syn::MacroDelimiter::Bracket(b) => b.span,
                        };
                        let written = self
                            .written_between(span.open(), span.close())
                            .unwrap_or_else(|| list.tokens.to_string());
                        facts.cfg_test |= written == "test";
                        if written != "test" && !written.is_empty() {
                            facts.cfgs.push(written);
                        }
                    }
                }
                _ => {}
            }
        }
        facts
    }

    fn test_fn(&mut self, name: &Ident, facts: &Facts, attribute: String) -> usize {
        let mut cfgs = self.cfgs.clone();
        cfgs.extend(facts.cfgs.iter().cloned());
        let cfg = match cfgs.len() {
            0 => None,
            1 => cfgs.pop(),
            _ => Some(format!("all({})", cfgs.join(", "))),
        };
        self.outline.tests.push(TestFn {
            name: self.joined(&name.to_string()),
            binary: self.binary.to_string(),
            line: line(name.span()),
            span: crate::model::LineSpan::default(),
            ignored: facts.ignored,
            should_panic: facts.should_panic,
            cfg,
            attribute,
            generates: Vec::new(),
            defects: Vec::new(),
            fingerprint: String::new(),
        });
        self.outline.tests.len() - 1
    }

    fn items(&mut self, input: ParseStream, parent: usize, ctx: Ctx) -> syn::Result<()> {
        while !input.is_empty() {
            self.item(input, parent, ctx)?;
        }
        Ok(())
    }

    fn item(&mut self, input: ParseStream, parent: usize, ctx: Ctx) -> syn::Result<()> {
        let attrs = input.call(Attribute::parse_outer)?;
        let start = attrs
            .first()
            .map_or_else(|| line(input.span()), |a| line(a.pound_token.span));
        let kind = classify(input.cursor());
        if !matches!(kind, Kind::Macro | Kind::Empty | Kind::Unknown) {
            input.parse::<syn::Visibility>()?;
        }
        match kind {
            Kind::Fn => {
                input.parse::<Option<Token![default]>>()?;
                let name = fn_name(input)?;
                let end = body_or_semi(input)?;
                let path = self.joined(&name.to_string());
                let scope = self.scope(parent, ScopeKind::Fn, start, end_line(end), path);
                // The harness collects module-level functions only, not methods.
                let facts = self.facts(&attrs);
                if let (Ctx::Module, Some(attribute)) = (ctx, facts.test_attribute.clone()) {
                    let test = self.test_fn(&name, &facts, attribute);
                    self.outline.scopes[scope].test = Some(test);
                }
            }
            Kind::Mod => self.module(input, parent, start, &attrs)?,
            Kind::Impl => {
                input.parse::<Option<Token![default]>>()?;
                input.parse::<Option<Token![unsafe]>>()?;
                input.parse::<Token![impl]>()?;
                input.parse::<syn::Generics>()?;
                input.parse::<Option<Token![const]>>()?;
                input.parse::<Option<Token![!]>>()?;
                let mut self_ty: syn::Type = input.parse()?;
                if input.peek(Token![for]) {
                    input.parse::<Token![for]>()?;
                    self_ty = input.parse()?;
                }
                input.parse::<Option<syn::WhereClause>>()?;
                let name = self.type_name(&self_ty);
                self.container(input, parent, start, name, Ctx::Impl)?;
            }
            Kind::Trait => {
                input.parse::<Option<Token![unsafe]>>()?;
                if input.cursor().ident().is_some_and(|(i, _)| i == "auto") {
                    input.parse::<Ident>()?;
                }
                input.parse::<Token![trait]>()?;
                let ident: Ident = input.parse()?;
                while !input.peek(token::Brace) && !input.peek(Token![;]) && !input.is_empty() {
                    input.parse::<proc_macro2::TokenTree>()?;
                }
                if input.peek(token::Brace) {
                    self.container(input, parent, start, ident.to_string(), Ctx::Trait)?;
                } else {
                    // `trait Alias = Bounds;`
                    let end = skip_item(input, Ends::Semi)?;
                    let path = self.joined(&ident.to_string());
                    self.scope(parent, ScopeKind::Item, start, end_line(end), path);
                }
            }
            Kind::Macro => self.macro_item(input, parent, start, ctx)?,
            Kind::Other(ends, name) => {
                let end = skip_item(input, ends)?;
                if let Some(name) = name {
                    let path = self.joined(&name);
                    self.scope(parent, ScopeKind::Item, start, end_line(end), path);
                }
            }
            Kind::Empty => {
                input.parse::<Token![;]>()?;
            }
            Kind::Unknown => return Err(input.error("expected an item")),
        }
        Ok(())
    }

    /// The name an impl's self type goes by in item paths: `Bucket` for `Bucket<T>`, the type
    /// as written (without spaces) for the others (`[u8]`, `(A, B)`).
    fn type_name(&self, ty: &syn::Type) -> String {
        match ty {
            syn::Type::Path(p) => last_segment(&p.path),
            syn::Type::Reference(r) => self.type_name(&r.elem),
            syn::Type::Paren(p) => self.type_name(&p.elem),
            syn::Type::Group(g) => self.type_name(&g.elem),
            other => {
                let span = syn::spanned::Spanned::span(other);
                let range = span.byte_range();
                let written = self.text.get(range.start..range.end).unwrap_or("_");
                written.chars().filter(|c| !c.is_whitespace()).collect()
            }
        }
    }

    /// The `{ ... }` of an impl or trait: its items are methods and associated items.
    fn container(
        &mut self,
        input: ParseStream,
        parent: usize,
        start: u32,
        name: String,
        ctx: Ctx,
    ) -> syn::Result<()> {
        let content;
        let brace = braced!(content in input);
        let path = self.joined(&name);
        let scope = self.scope(
            parent,
            ScopeKind::Container,
            start,
            end_line(brace.span.close()),
            path,
        );
        content.call(Attribute::parse_inner)?;
        self.path.push(name);
        let result = self.items(&content, scope, ctx);
        self.path.pop();
        result
    }

    fn module(
        &mut self,
        input: ParseStream,
        parent: usize,
        start: u32,
        attrs: &[Attribute],
    ) -> syn::Result<()> {
        input.parse::<Option<Token![unsafe]>>()?;
        input.parse::<Token![mod]>()?;
        let ident: Ident = input.parse()?;
        let name = ident.to_string();
        let path = self.joined(&name);
        if input.peek(Token![;]) {
            let semi: Token![;] = input.parse()?;
            let scope = self.scope(parent, ScopeKind::Module, start, line(semi.span), path);
            self.outline.out_of_line.push(scope);
            return Ok(());
        }
        let content;
        let brace = braced!(content in input);
        let scope = self.scope(
            parent,
            ScopeKind::Module,
            start,
            end_line(brace.span.close()),
            path,
        );
        let inner = content.call(Attribute::parse_inner)?;
        let mut facts = self.facts(attrs);
        let inner_facts = self.facts(&inner);
        facts.cfgs.extend(inner_facts.cfgs);
        let depth = self.cfgs.len();
        self.cfgs.extend(facts.cfgs);
        let was_test_code = self.in_test_code;
        self.in_test_code |= facts.cfg_test || inner_facts.cfg_test;
        self.path.push(name);
        let result = self.items(&content, scope, Ctx::Module);
        self.path.pop();
        self.cfgs.truncate(depth);
        self.in_test_code = was_test_code;
        result
    }

    /// `name! { }`, `macro_rules! name { }`; `proptest! { }` holds tests.
    fn macro_item(
        &mut self,
        input: ParseStream,
        parent: usize,
        start: u32,
        ctx: Ctx,
    ) -> syn::Result<()> {
        let path = input.call(syn::Path::parse_mod_style)?;
        input.parse::<Token![!]>()?;
        // `macro_rules! try { }` names a macro with a keyword.
        let ident: Option<Ident> = if input.cursor().ident().is_some() {
            Some(input.call(syn::ext::IdentExt::parse_any)?)
        } else {
            None
        };
        let macro_name = last_segment(&path);
        let proptest = ident.is_none()
            && ctx == Ctx::Module
            && (macro_name == "proptest" || self.options.test_macros.contains(&macro_name));
        let body = input
            .cursor()
            .any_group()
            .map(|(inside, _, _, _)| inside.token_stream());
        let end = if proptest {
            let content;
            let close = if input.peek(token::Paren) {
                parenthesized!(content in input).span.close()
            } else if input.peek(token::Bracket) {
                bracketed!(content in input).span.close()
            } else {
                braced!(content in input).span.close()
            };
            let module_path = self.path.join("::");
            let group = self.scope(
                parent,
                ScopeKind::Group,
                start,
                end_line(close),
                module_path,
            );
            self.proptest(&content, group, &macro_name)?;
            close
        } else {
            input.step(|c| match c.any_group() {
                Some((_, _, span, rest)) => Ok((span.close(), rest)),
                None => Err(c.error("expected a macro body")),
            })?
        };
        input.parse::<Option<Token![;]>>()?;
        let body = body.unwrap_or_default();
        if let Some(ident) = ident {
            // `macro_rules! name { }`: a named item; its body is a template, not calls.
            let path = self.joined(&ident.to_string());
            let scope = self.scope(parent, ScopeKind::Item, start, end_line(end), path);
            if self.holds_test_attribute(body) {
                self.outline.generators.push((scope, ident.to_string()));
            }
        } else if !proptest && ctx == Ctx::Module {
            self.invocation(body, parent, start, end_line(end), macro_name);
        }
        Ok(())
    }

    /// A module-level macro invocation: when its body reads as items (`keep! { #[test] fn
    /// a() {} }`), those items are walked like the module's own, so tests and references inside
    /// attach inside; otherwise it is recorded as a possible test generator.
    fn invocation(
        &mut self,
        body: proc_macro2::TokenStream,
        parent: usize,
        start: u32,
        end: u32,
        name: String,
    ) {
        let module = self.path.join("::");
        if !body.is_empty() && syn::parse2::<syn::File>(body.clone()).is_ok() {
            let saved = (
                self.outline.scopes.len(),
                self.outline.tests.len(),
                self.outline.out_of_line.len(),
                self.outline.invocations.len(),
                self.outline.generators.len(),
            );
            let children = self.outline.scopes[parent].children.len();
            let group = self.scope(parent, ScopeKind::Group, start, end, module);
            let walked =
                (|input: ParseStream| self.items(input, group, Ctx::Module)).parse2(body.clone());
            if walked.is_ok() {
                return;
            }
            // Not items after all (our reading is stricter than syn's): undo, then record it.
            self.outline.scopes.truncate(saved.0);
            self.outline.tests.truncate(saved.1);
            self.outline.out_of_line.truncate(saved.2);
            self.outline.invocations.truncate(saved.3);
            self.outline.generators.truncate(saved.4);
            self.outline.scopes[parent].children.truncate(children);
            let module = self.path.join("::");
            return self.record_invocation(parent, (start, end), name, module, body);
        }
        self.record_invocation(parent, (start, end), name, module, body);
    }

    fn record_invocation(
        &mut self,
        parent: usize,
        (start, end): (u32, u32),
        name: String,
        module: String,
        body: proc_macro2::TokenStream,
    ) {
        let path = self.joined(&format!("{name}!"));
        let scope = self.scope(parent, ScopeKind::Item, start, end, path);
        let mut idents = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![body];
        while let Some(tokens) = stack.pop() {
            for tree in tokens {
                match tree {
                    proc_macro2::TokenTree::Ident(i) => {
                        let i = i.to_string();
                        if seen.insert(i.clone()) {
                            idents.push(i);
                        }
                    }
                    proc_macro2::TokenTree::Group(g) => stack.push(g.stream()),
                    _ => {}
                }
            }
        }
        self.outline.invocations.push(Invocation {
            scope,
            name,
            module,
            idents,
            in_test_code: self.in_test_code,
        });
    }

    /// Whether a macro body holds `#[test]` or another test attribute, at any depth.
    fn holds_test_attribute(&self, body: proc_macro2::TokenStream) -> bool {
        let mut stack = vec![body];
        while let Some(tokens) = stack.pop() {
            let mut after_pound = false;
            for tree in tokens {
                match tree {
                    proc_macro2::TokenTree::Punct(p) => after_pound = p.as_char() == '#',
                    proc_macro2::TokenTree::Group(g) => {
                        if after_pound && g.delimiter() == Delimiter::Bracket {
                            let words: Vec<String> = g
                                .stream()
                                .into_iter()
                                .take_while(|t| !matches!(t, proc_macro2::TokenTree::Group(_)))
                                .filter_map(|t| match t {
                                    proc_macro2::TokenTree::Ident(i) => Some(i.to_string()),
                                    _ => None,
                                })
                                .collect();
                            if let Some(last) = words.last() {
                                if is_test_attribute(
                                    last,
                                    &words.join("::"),
                                    &self.options.test_attributes,
                                ) {
                                    return true;
                                }
                            }
                        }
                        after_pound = false;
                        stack.push(g.stream());
                    }
                    proc_macro2::TokenTree::Ident(_) | proc_macro2::TokenTree::Literal(_) => {
                        after_pound = false
                    }
                }
            }
        }
        false
    }

    /// The inside of `proptest! { }` (or a configured wrapper macro, `macro_name`):
    /// `#![proptest_config(..)]`, then functions, each a test.
    fn proptest(
        &mut self,
        content: ParseStream,
        group: usize,
        macro_name: &str,
    ) -> syn::Result<()> {
        while !content.is_empty() {
            if content.peek(Token![#]) && content.peek2(Token![!]) {
                content.call(Attribute::parse_inner)?;
                continue;
            }
            let attrs = content.call(Attribute::parse_outer)?;
            let start = attrs
                .first()
                .map_or_else(|| line(content.span()), |a| line(a.pound_token.span));
            // Up to `fn NAME`, over whatever stands before it (`pub`, `async`).
            let name = content.step(|cursor| {
                let mut c = *cursor;
                loop {
                    if c.eof() || punct_at(c, '#').is_some() {
                        return Ok((None, c));
                    }
                    if let Some((word, next)) = c.ident() {
                        if word == "fn" {
                            if let Some((name, after)) = next.ident() {
                                return Ok((Some(name), after));
                            }
                        }
                        c = next;
                        continue;
                    }
                    match c.token_tree() {
                        Some((_, next)) => c = next,
                        None => return Ok((None, c)),
                    }
                }
            })?;
            let Some(name) = name else {
                if attrs.is_empty() && !content.is_empty() && !content.peek(Token![#]) {
                    content.parse::<proc_macro2::TokenTree>()?;
                }
                continue;
            };
            // Over the `(x in strategy)` arguments and return type, to the body.
            let end = content.step(|cursor| {
                let mut c = *cursor;
                let mut last = c.span();
                loop {
                    if let Some((_, span, rest)) = c.group(Delimiter::Brace) {
                        return Ok((span.close(), rest));
                    }
                    match c.token_tree() {
                        Some((tt, next)) => {
                            last = tt.span();
                            c = next;
                        }
                        None => return Ok((last, c)),
                    }
                }
            })?;
            let path = self.joined(&name.to_string());
            let scope = self.scope(group, ScopeKind::Fn, start, end_line(end), path);
            let facts = self.facts(&attrs);
            let test = self.test_fn(&name, &facts, macro_name.to_string());
            self.outline.scopes[scope].test = Some(test);
        }
        Ok(())
    }
}

/// Why syn rejected a file: its message and where (1-based line, 1-based column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseFailure {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// Outlines `text` by parsing its skeleton (the text with function bodies cut out, see
/// `skeleton`). When the delimiters do not balance, syn's tokenizer is run on the whole text for
/// its error (with the file's own line and column); should it accept the text after all, the
/// skeleton is parsed anyway.
/// Spans live in a per-thread table; it is emptied before returning, so nothing of this file
/// stays in memory.
pub(crate) fn outline(
    skeleton: &str,
    balanced: bool,
    text: &str,
    unit: &CrateUnit,
    options: &SourceOptions,
    last_line: u32,
) -> Result<Outline, ParseFailure> {
    let result = if balanced {
        outline_inner(skeleton, unit, options, last_line)
    } else {
        match text.parse::<proc_macro2::TokenStream>() {
            Err(e) => {
                let mut fail = failure(&syn::Error::from(e));
                fail.message = format!("mismatched or unclosed delimiter ({})", fail.message);
                Err(fail)
            }
            Ok(_) => outline_inner(skeleton, unit, options, last_line),
        }
    };
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

/// `pkg::api` (a `tests/` binary), not `pkg`, `pkg::bin/x`, `pkg::example/x`, `pkg::bench/x`.
fn is_test_binary(binary: &str) -> bool {
    binary
        .split_once("::")
        .is_some_and(|(_, target)| !target.contains('/'))
}

fn failure(e: &syn::Error) -> ParseFailure {
    let at = e.span().start();
    ParseFailure {
        message: e.to_string(),
        line: at.line.max(1) as u32,
        column: at.column as u32 + 1,
    }
}

fn outline_inner(
    skeleton: &str,
    unit: &CrateUnit,
    options: &SourceOptions,
    last_line: u32,
) -> Result<Outline, ParseFailure> {
    let mut walker = Walker {
        text: skeleton,
        binary: &unit.binary,
        options,
        outline: Outline::new(unit.module_path.join("::"), last_line),
        path: unit.module_path.clone(),
        cfgs: Vec::new(),
        in_test_code: is_test_binary(&unit.binary),
    };
    let parser = |input: ParseStream| -> syn::Result<()> {
        let inner = input.call(Attribute::parse_inner)?;
        let facts = walker.facts(&inner);
        walker.cfgs = facts.cfgs;
        walker.in_test_code |= facts.cfg_test;
        walker.items(input, 0, Ctx::Module)
    };
    parser.parse_str(skeleton).map_err(|e| failure(&e))?;
    Ok(walker.outline)
}

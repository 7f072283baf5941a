//! The items of a parsed file, as syn sees them: modules, functions (free, in impls and traits),
//! other named items, the tests among the functions, and the references written as attributes
//! (`#[verifies("ID")]`) or macro calls (`verify_req!("ID")`).
//!
//! The result is an [`Outline`]: a tree of scopes with their first and last lines, which is all
//! attachment needs, plus the tests and the references with the scope they sit on. Nothing in it
//! holds a span, so it can leave the thread that parsed the file.

use super::refs::{parse_id, FoundRef, IdRev};
use crate::config::SourceOptions;
use crate::model::{CrateUnit, RefForm, RefKind, TestFn};
use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{AttrStyle, Attribute, Ident, ImplItem, Item, Meta, TraitItem, Visibility};

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

/// The scopes of one file; scope 0 is the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outline {
    pub scopes: Vec<Scope>,
    pub tests: Vec<TestFn>,
    /// References from attributes and macro calls, with the scope they belong to when the
    /// syntax says so (`None`: attach by line, like a comment).
    pub refs: Vec<(FoundRef, Option<usize>)>,
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
            ..Outline::default()
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

/// The last path segments that make a function a test, besides `test` itself and the
/// configured ones.
const TEST_ATTRIBUTES: &[&str] = &[
    "rstest",
    "test_case",
    "wasm_bindgen_test",
    "quickcheck",
    "proptest",
];

fn reference_attribute(name: &str) -> Option<RefKind> {
    match name {
        "verifies" | "req_test" | "req_verified" => Some(RefKind::Verify),
        "implements" | "req" => Some(RefKind::Impl),
        _ => None,
    }
}

fn reference_macro(name: &str) -> Option<RefKind> {
    match name {
        "verify_req" => Some(RefKind::Verify),
        "requirement_covered" => Some(RefKind::Impl),
        _ => None,
    }
}

fn line(span: Span) -> u32 {
    span.start().line as u32
}

fn end_line(span: Span) -> u32 {
    span.end().line as u32
}

fn vis_span(vis: &Visibility) -> Option<Span> {
    match vis {
        Visibility::Public(p) => Some(p.span),
        Visibility::Restricted(r) => Some(r.pub_token.span),
        Visibility::Inherited => None,
    }
}

/// The first line of an item: its first outer attribute (doc comments are attributes) or the
/// first of the given keyword spans.
fn start_line(attrs: &[Attribute], spans: &[Option<Span>]) -> u32 {
    attrs
        .iter()
        .filter(|a| matches!(a.style, AttrStyle::Outer))
        .map(|a| line(a.pound_token.span))
        .chain(spans.iter().flatten().map(|s| line(*s)))
        .min()
        .unwrap_or(1)
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

/// What the attributes of a function say about it as a test.
#[derive(Default)]
struct Facts {
    test_attribute: Option<String>,
    ignored: bool,
    should_panic: bool,
    cfgs: Vec<String>,
}

/// The parts of a free function, method or trait method the walk needs.
struct FnParts<'f> {
    attrs: &'f [Attribute],
    vis: Option<&'f Visibility>,
    sig: &'f syn::Signature,
    body: Option<&'f syn::Block>,
    /// The closing brace (or the `;` of a bodiless trait method).
    end: Span,
}

struct Walker<'a> {
    text: &'a str,
    /// Where the text syn parsed starts in `text` (a byte-order mark is cut off before parsing).
    offset: usize,
    binary: &'a str,
    options: &'a SourceOptions,
    outline: Outline,
    /// Module path of the current module, from the file's own path inwards.
    path: Vec<String>,
    /// `#[cfg(...)]` of the enclosing modules, `cfg(test)` left out.
    cfgs: Vec<String>,
}

impl Walker<'_> {
    fn offset_of(&self, span: Span) -> usize {
        span.byte_range().start + self.offset
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
                let range = other.span().byte_range();
                let written = self
                    .text
                    .get(range.start + self.offset..range.end + self.offset)
                    .unwrap_or("_");
                written.chars().filter(|c| !c.is_whitespace()).collect()
            }
        }
    }

    fn joined(&self, last: &str) -> String {
        let mut parts = self.path.clone();
        parts.push(last.to_string());
        parts.join("::")
    }

    fn push_ref(
        &mut self,
        id: IdRev,
        kind: RefKind,
        form: RefForm,
        at: Span,
        target: Option<usize>,
    ) {
        let found = FoundRef {
            id: id.0,
            revision: id.1,
            kind,
            form,
            line: line(at),
            offset: self.offset_of(at),
            inner_doc: false,
        };
        self.outline.refs.push((found, target));
    }

    /// Reads one attribute: test facts into `facts`, references onto `target`.
    fn meta(&mut self, meta: &Meta, pound: Span, facts: &mut Facts, target: Option<usize>) {
        let path = meta.path();
        let last = last_segment(path);
        let is_test = last == "test"
            || TEST_ATTRIBUTES.contains(&last.as_str())
            || self
                .options
                .test_attributes
                .iter()
                .any(|a| *a == last || *a == path_string(path));
        if is_test {
            if facts.test_attribute.is_none() {
                facts.test_attribute = Some(path_string(path));
            }
            return;
        }
        match last.as_str() {
            "ignore" if path.segments.len() == 1 => facts.ignored = true,
            "should_panic" if path.segments.len() == 1 => facts.should_panic = true,
            "cfg" if path.segments.len() == 1 => {
                if let Meta::List(list) = meta {
                    let written = self.delimited_text(&list.delimiter, &list.tokens);
                    if written != "test" && !written.is_empty() {
                        facts.cfgs.push(written);
                    }
                }
            }
            _ => {
                if let Some(kind) = reference_attribute(&last) {
                    self.attribute_refs(meta, kind, pound, target);
                }
            }
        }
    }

    /// The text between the delimiters of an attribute's argument list, as written.
    fn delimited_text(&self, delimiter: &syn::MacroDelimiter, tokens: &TokenStream) -> String {
        let span = match delimiter {
            syn::MacroDelimiter::Paren(p) => p.span,
            syn::MacroDelimiter::Brace(b) => b.span,
            syn::MacroDelimiter::Bracket(b) => b.span,
        };
        let from = span.open().byte_range().end + self.offset;
        let to = span.close().byte_range().start + self.offset;
        match self.text.get(from..to) {
            Some(written) if from < to => written.split_whitespace().collect::<Vec<_>>().join(" "),
            _ => tokens.to_string(),
        }
    }

    fn attribute_refs(&mut self, meta: &Meta, kind: RefKind, pound: Span, target: Option<usize>) {
        match meta {
            Meta::List(list) => {
                for tt in list.tokens.clone() {
                    if let TokenTree::Literal(lit) = tt {
                        if let syn::Lit::Str(s) = syn::Lit::new(lit) {
                            if let Some(id) = parse_id(s.value().trim()) {
                                self.push_ref(id, kind, RefForm::Attribute, pound, target);
                            }
                        }
                    }
                }
            }
            Meta::NameValue(nv) => {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &nv.value
                {
                    if let Some(id) = parse_id(s.value().trim()) {
                        self.push_ref(id, kind, RefForm::Attribute, pound, target);
                    }
                }
            }
            Meta::Path(_) => {}
        }
    }

    fn attrs(&mut self, attrs: &[Attribute], target: Option<usize>) -> Facts {
        let mut facts = Facts::default();
        for attr in attrs {
            self.meta(&attr.meta, attr.pound_token.span, &mut facts, target);
        }
        facts
    }

    /// A `verify_req!` / `requirement_covered!` call, and any nested in its tokens.
    fn mac(&mut self, mac: &syn::Macro, target: Option<usize>) {
        let last = last_segment(&mac.path);
        if let Some(kind) = reference_macro(&last) {
            let at = mac
                .path
                .segments
                .last()
                .map_or(mac.bang_token.span, |s| s.ident.span());
            if let Some(id) = macro_id(mac.tokens.clone()) {
                self.push_ref(id, kind, RefForm::Macro, at, target);
            }
        }
        self.nested_macros(mac.tokens.clone(), target);
    }

    /// Reference macros inside a token stream syn does not parse (another macro's input).
    fn nested_macros(&mut self, tokens: TokenStream, target: Option<usize>) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tt) in trees.iter().enumerate() {
            match tt {
                TokenTree::Ident(ident) => {
                    let Some(kind) = reference_macro(&ident.to_string()) else {
                        continue;
                    };
                    if let (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(_))) =
                        (trees.get(i + 1), trees.get(i + 2))
                    {
                        if bang.as_char() == '!' {
                            // The group itself is scanned when the loop reaches it.
                            if let Some(TokenTree::Group(g)) = trees.get(i + 2) {
                                if let Some(id) = macro_id(g.stream()) {
                                    self.push_ref(id, kind, RefForm::Macro, ident.span(), target);
                                }
                            }
                        }
                    }
                }
                TokenTree::Group(g) => self.nested_macros(g.stream(), target),
                _ => {}
            }
        }
    }

    fn items(&mut self, parent: usize, items: &[Item]) {
        for item in items {
            self.item(parent, item);
        }
    }

    fn test_fn(&mut self, name: &Ident, fn_line: u32, facts: &Facts, attribute: String) -> usize {
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
            line: fn_line,
            ignored: facts.ignored,
            should_panic: facts.should_panic,
            cfg,
            attribute,
        });
        self.outline.tests.len() - 1
    }

    /// A function with a body (or a trait method without one). `may_test`: only module-level
    /// functions are collected by the test harness, not methods or nested functions.
    fn function(&mut self, parent: usize, f: FnParts, may_test: bool) {
        let FnParts {
            attrs,
            vis,
            sig,
            body,
            end: end_span,
        } = f;
        let start = start_line(
            attrs,
            &[
                vis.and_then(vis_span),
                sig.constness.map(|t| t.span),
                sig.asyncness.map(|t| t.span),
                sig.unsafety.map(|t| t.span),
                sig.abi.as_ref().map(|a| a.extern_token.span),
                Some(sig.fn_token.span),
            ],
        );
        let name = &sig.ident;
        let scope = self.outline.add_scope(
            parent,
            Scope {
                kind: ScopeKind::Fn,
                start,
                end: end_line(end_span),
                path: self.joined(&name.to_string()),
                test: None,
                children: Vec::new(),
            },
        );
        let facts = self.attrs(attrs, Some(scope));
        if may_test {
            if let Some(attribute) = facts.test_attribute.clone() {
                let test = self.test_fn(name, line(name.span()), &facts, attribute);
                self.outline.scopes[scope].test = Some(test);
            }
        }
        let mut visitor = RefVisitor {
            walker: self,
            target: Some(scope),
        };
        visitor.visit_signature(sig);
        if let Some(body) = body {
            visitor.visit_block(body);
        }
    }

    /// A struct, enum, const, ... : one scope, references inside belong to it.
    fn leaf(&mut self, parent: usize, item: &Item, name: Option<&Ident>) {
        let span = item.span();
        let attrs = item_attrs(item);
        let scope = self.outline.add_scope(
            parent,
            Scope {
                kind: ScopeKind::Item,
                start: start_line(attrs, &[Some(span)]),
                end: end_line(span),
                path: match name {
                    Some(n) => self.joined(&n.to_string()),
                    None => self.path.join("::"),
                },
                test: None,
                children: Vec::new(),
            },
        );
        let mut visitor = RefVisitor {
            walker: self,
            target: Some(scope),
        };
        visitor.visit_item(item);
    }

    fn item(&mut self, parent: usize, item: &Item) {
        match item {
            Item::Fn(f) => self.function(
                parent,
                FnParts {
                    attrs: &f.attrs,
                    vis: Some(&f.vis),
                    sig: &f.sig,
                    body: Some(&f.block),
                    end: f.block.brace_token.span.close(),
                },
                true,
            ),
            Item::Mod(m) => self.module(parent, m),
            Item::Impl(imp) => {
                let name = self.type_name(&imp.self_ty);
                let start = start_line(
                    &imp.attrs,
                    &[
                        imp.defaultness.map(|t| t.span),
                        imp.unsafety.map(|t| t.span),
                        Some(imp.impl_token.span),
                    ],
                );
                let path = self.joined(&name);
                let scope = self.container(
                    parent,
                    start,
                    imp.brace_token.span.close(),
                    path,
                    &imp.attrs,
                );
                self.path.push(name);
                for ii in &imp.items {
                    match ii {
                        ImplItem::Fn(f) => self.function(
                            scope,
                            FnParts {
                                attrs: &f.attrs,
                                vis: Some(&f.vis),
                                sig: &f.sig,
                                body: Some(&f.block),
                                end: f.block.brace_token.span.close(),
                            },
                            false,
                        ),
                        ImplItem::Macro(m) => {
                            self.attrs(&m.attrs, None);
                            self.mac(&m.mac, None);
                        }
                        other => self.assoc(scope, other.span(), assoc_impl(other)),
                    }
                }
                self.path.pop();
            }
            Item::Trait(t) => {
                let start = start_line(
                    &t.attrs,
                    &[
                        vis_span(&t.vis),
                        t.unsafety.map(|u| u.span),
                        t.auto_token.map(|a| a.span),
                        Some(t.trait_token.span),
                    ],
                );
                let path = self.joined(&t.ident.to_string());
                let scope =
                    self.container(parent, start, t.brace_token.span.close(), path, &t.attrs);
                self.path.push(t.ident.to_string());
                for ti in &t.items {
                    match ti {
                        TraitItem::Fn(f) => {
                            let end = match (&f.default, &f.semi_token) {
                                (Some(b), _) => b.brace_token.span.close(),
                                (None, Some(semi)) => semi.span,
                                (None, None) => f.sig.fn_token.span,
                            };
                            let parts = FnParts {
                                attrs: &f.attrs,
                                vis: None,
                                sig: &f.sig,
                                body: f.default.as_ref(),
                                end,
                            };
                            self.function(scope, parts, false);
                        }
                        TraitItem::Macro(m) => {
                            self.attrs(&m.attrs, None);
                            self.mac(&m.mac, None);
                        }
                        other => self.assoc(scope, other.span(), assoc_trait(other)),
                    }
                }
                self.path.pop();
            }
            Item::Macro(m) => {
                let last = last_segment(&m.mac.path);
                if m.ident.is_none() && last == "proptest" {
                    self.proptest(parent, m);
                } else if let Some(ident) = &m.ident {
                    // `macro_rules! name { }`: its body is a template, not calls.
                    let span = item.span();
                    let start = start_line(&m.attrs, &[Some(span)]);
                    let path = self.joined(&ident.to_string());
                    let scope = self.outline.add_scope(
                        parent,
                        Scope {
                            kind: ScopeKind::Item,
                            start,
                            end: end_line(span),
                            path,
                            test: None,
                            children: Vec::new(),
                        },
                    );
                    self.attrs(&m.attrs, Some(scope));
                } else {
                    self.attrs(&m.attrs, None);
                    self.mac(&m.mac, None);
                }
            }
            Item::Use(_) | Item::ExternCrate(_) => {}
            Item::Struct(s) => self.leaf(parent, item, Some(&s.ident)),
            Item::Enum(e) => self.leaf(parent, item, Some(&e.ident)),
            Item::Union(u) => self.leaf(parent, item, Some(&u.ident)),
            Item::Const(c) => self.leaf(parent, item, Some(&c.ident)),
            Item::Static(s) => self.leaf(parent, item, Some(&s.ident)),
            Item::Type(t) => self.leaf(parent, item, Some(&t.ident)),
            Item::TraitAlias(t) => self.leaf(parent, item, Some(&t.ident)),
            Item::ForeignMod(_) => self.leaf(parent, item, None),
            _ => {}
        }
    }

    fn container(
        &mut self,
        parent: usize,
        start: u32,
        close: Span,
        path: String,
        attrs: &[Attribute],
    ) -> usize {
        let scope = self.outline.add_scope(
            parent,
            Scope {
                kind: ScopeKind::Container,
                start,
                end: end_line(close),
                path,
                test: None,
                children: Vec::new(),
            },
        );
        self.attrs(attrs, Some(scope));
        scope
    }

    /// An associated const or type in an impl or trait.
    fn assoc(&mut self, parent: usize, span: Span, named: Option<(&[Attribute], &Ident)>) {
        let Some((attrs, ident)) = named else { return };
        let scope = self.outline.add_scope(
            parent,
            Scope {
                kind: ScopeKind::Item,
                start: start_line(attrs, &[Some(span)]),
                end: end_line(span),
                path: self.joined(&ident.to_string()),
                test: None,
                children: Vec::new(),
            },
        );
        self.attrs(attrs, Some(scope));
    }

    fn module(&mut self, parent: usize, m: &syn::ItemMod) {
        let start = start_line(
            &m.attrs,
            &[
                vis_span(&m.vis),
                m.unsafety.map(|u| u.span),
                Some(m.mod_token.span),
            ],
        );
        let end = match (&m.content, &m.semi) {
            (Some((brace, _)), _) => end_line(brace.span.close()),
            (None, Some(semi)) => line(semi.span),
            (None, None) => line(m.ident.span()),
        };
        let name = m.ident.to_string();
        let scope = self.outline.add_scope(
            parent,
            Scope {
                kind: ScopeKind::Module,
                start,
                end,
                path: self.joined(&name),
                test: None,
                children: Vec::new(),
            },
        );
        let facts = self.attrs(&m.attrs, Some(scope));
        let Some((_, items)) = &m.content else { return };
        let depth = self.cfgs.len();
        self.cfgs.extend(facts.cfgs);
        self.path.push(name);
        self.items(scope, items);
        self.path.pop();
        self.cfgs.truncate(depth);
    }

    /// `proptest! { #[test] fn name(x in 0..10) { ... } }`: every `fn` inside is a test.
    fn proptest(&mut self, parent: usize, m: &syn::ItemMacro) {
        let (open, close) = match &m.mac.delimiter {
            syn::MacroDelimiter::Paren(p) => (p.span.open(), p.span.close()),
            syn::MacroDelimiter::Brace(b) => (b.span.open(), b.span.close()),
            syn::MacroDelimiter::Bracket(b) => (b.span.open(), b.span.close()),
        };
        let start = start_line(
            &m.attrs,
            &[
                m.mac.path.segments.first().map(|s| s.ident.span()),
                Some(open),
            ],
        );
        let group = self.outline.add_scope(
            parent,
            Scope {
                kind: ScopeKind::Group,
                start,
                end: end_line(close),
                path: self.path.join("::"),
                test: None,
                children: Vec::new(),
            },
        );
        self.attrs(&m.attrs, Some(group));
        let trees: Vec<TokenTree> = m.mac.tokens.clone().into_iter().collect();
        let mut attrs: Vec<(Meta, Span)> = Vec::new();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Punct(p) if p.as_char() == '#' => {
                    match (trees.get(i + 1), trees.get(i + 2)) {
                        // `#![proptest_config(...)]` configures the block.
                        (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(_)))
                            if bang.as_char() == '!' =>
                        {
                            i += 3
                        }
                        (Some(TokenTree::Group(g)), _) if g.delimiter() == Delimiter::Bracket => {
                            if let Ok(meta) = syn::parse2::<Meta>(g.stream()) {
                                attrs.push((meta, p.span()));
                            }
                            i += 2;
                        }
                        _ => i += 1,
                    }
                }
                TokenTree::Ident(kw) if kw == "fn" => {
                    let Some(TokenTree::Ident(name)) = trees.get(i + 1) else {
                        i += 1;
                        continue;
                    };
                    let mut j = i + 2;
                    let mut body = None;
                    while j < trees.len() {
                        match &trees[j] {
                            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                                body = Some(g.clone());
                                break;
                            }
                            TokenTree::Punct(p) if p.as_char() == ';' => break,
                            _ => j += 1,
                        }
                    }
                    let fn_line = line(name.span());
                    let first = attrs
                        .iter()
                        .map(|(_, s)| line(*s))
                        .chain([line(kw.span())])
                        .min()
                        .unwrap_or(fn_line);
                    let end = body.as_ref().map_or(fn_line, |g| end_line(g.span_close()));
                    let scope = self.outline.add_scope(
                        group,
                        Scope {
                            kind: ScopeKind::Fn,
                            start: first,
                            end,
                            path: self.joined(&name.to_string()),
                            test: None,
                            children: Vec::new(),
                        },
                    );
                    let mut facts = Facts::default();
                    for (meta, pound) in std::mem::take(&mut attrs) {
                        self.meta(&meta, pound, &mut facts, Some(scope));
                    }
                    let test = self.test_fn(name, fn_line, &facts, "proptest".to_string());
                    self.outline.scopes[scope].test = Some(test);
                    if let Some(g) = body {
                        self.nested_macros(g.stream(), Some(scope));
                    }
                    i = j + 1;
                }
                TokenTree::Punct(p) if p.as_char() == ';' => {
                    attrs.clear();
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Struct(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Const(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        _ => &[],
    }
}

fn assoc_impl(item: &ImplItem) -> Option<(&[Attribute], &Ident)> {
    match item {
        ImplItem::Const(c) => Some((&c.attrs, &c.ident)),
        ImplItem::Type(t) => Some((&t.attrs, &t.ident)),
        _ => None,
    }
}

fn assoc_trait(item: &TraitItem) -> Option<(&[Attribute], &Ident)> {
    match item {
        TraitItem::Const(c) => Some((&c.attrs, &c.ident)),
        TraitItem::Type(t) => Some((&t.attrs, &t.ident)),
        _ => None,
    }
}

/// The id in a reference macro's arguments: a string literal, or the tokens up to the first
/// comma joined without spaces (`auth . login` is `auth.login`).
fn macro_id(tokens: TokenStream) -> Option<IdRev> {
    let mut id = String::new();
    for tt in tokens {
        match tt {
            TokenTree::Punct(p) if p.as_char() == ',' => break,
            TokenTree::Literal(lit) => {
                if let syn::Lit::Str(s) = syn::Lit::new(lit.clone()) {
                    if id.is_empty() {
                        return parse_id(s.value().trim());
                    }
                    return None;
                }
                id.push_str(&lit.to_string());
            }
            TokenTree::Ident(i) => id.push_str(&i.to_string()),
            TokenTree::Punct(p) => id.push(p.as_char()),
            TokenTree::Group(_) => return None,
        }
    }
    parse_id(&id)
}

/// Finds reference attributes and macro calls inside a function body or a leaf item.
struct RefVisitor<'w, 'a> {
    walker: &'w mut Walker<'a>,
    target: Option<usize>,
}

impl<'ast> Visit<'ast> for RefVisitor<'_, '_> {
    fn visit_attribute(&mut self, attr: &'ast Attribute) {
        let mut facts = Facts::default();
        self.walker
            .meta(&attr.meta, attr.pound_token.span, &mut facts, self.target);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.walker.mac(mac, self.target);
    }
}

/// Why syn rejected a file: its message and where (1-based line, 1-based column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseFailure {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// Parses `text` and outlines it. Spans live in a per-thread table; it is emptied before
/// returning, so nothing of this file stays in memory.
pub(crate) fn outline(
    text: &str,
    unit: &CrateUnit,
    options: &SourceOptions,
    last_line: u32,
) -> Result<Outline, ParseFailure> {
    let result = outline_inner(text, unit, options, last_line);
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

fn outline_inner(
    text: &str,
    unit: &CrateUnit,
    options: &SourceOptions,
    last_line: u32,
) -> Result<Outline, ParseFailure> {
    // syn::parse_file would cut the byte-order mark and shebang itself, but byte offsets must
    // stay those of `text`; a shebang line is kept as a blank of the same line.
    let (offset, content) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (text.len() - rest.len(), rest),
        None => (0, text),
    };
    let parsed = if content.starts_with("#!") && !content[2..].trim_start().starts_with('[') {
        let cut = content.find('\n').unwrap_or(content.len());
        let blanked = format!("{}{}", " ".repeat(cut), &content[cut..]);
        syn::parse_str::<syn::File>(&blanked)
    } else {
        syn::parse_str::<syn::File>(content)
    };
    let file = parsed.map_err(|e| {
        let at = e.span().start();
        ParseFailure {
            message: e.to_string(),
            line: at.line.max(1) as u32,
            column: at.column as u32 + 1,
        }
    })?;
    let mut walker = Walker {
        text,
        offset,
        binary: &unit.binary,
        options,
        outline: Outline::new(unit.module_path.join("::"), last_line),
        path: unit.module_path.clone(),
        cfgs: Vec::new(),
    };
    let facts = walker.attrs(&file.attrs, Some(0));
    walker.cfgs = facts.cfgs;
    walker.items(0, &file.items);
    Ok(walker.outline)
}

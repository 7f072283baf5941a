//! `--csv`: the traceability matrix as CSV for spreadsheets (RFC 4180).
//!
//! One row per requirement-test link, plus one row for each requirement that no test verifies,
//! so that a filter on an empty `test` column lists the gaps. Columns: requirement, title,
//! document, line, lifecycle, status, test, binary, test_file, test_line, result, reason, and
//! (PRODUCT.md section 11) the evidence's kind and level and the requirement's known defects.

use super::Report;

const HEADER: [&str; 15] = [
    "requirement",
    "title",
    "document",
    "line",
    "lifecycle",
    "status",
    "test",
    "binary",
    "test_file",
    "test_line",
    "result",
    "reason",
    "kind",
    "level",
    "defects",
];

/// Renders the report as CSV with CRLF line ends and a header row.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    write_row(&mut out, HEADER.iter().copied());
    for r in &report.requirements {
        let line = r.line.to_string();
        let head = [
            r.id.as_str(),
            r.title.as_str(),
            r.file.as_str(),
            line.as_str(),
            r.lifecycle.as_str(),
            r.status.as_str(),
        ];
        let defects = r.defects.join(" ");
        if r.verified_by.is_empty() {
            let row = head.iter().copied().chain([
                "",
                "",
                "",
                "",
                "",
                r.reason.as_str(),
                "",
                "",
                defects.as_str(),
            ]);
            write_row(&mut out, row);
            continue;
        }
        for v in &r.verified_by {
            let test_line = v.line.to_string();
            let tail = [
                v.test.as_str(),
                v.binary.as_str(),
                v.file.as_str(),
                test_line.as_str(),
                v.result.as_str(),
                r.reason.as_str(),
                v.kind.as_str(),
                v.level.as_str(),
                defects.as_str(),
            ];
            write_row(&mut out, head.iter().copied().chain(tail));
        }
    }
    out
}

fn write_row<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_field(out, field);
    }
    out.push_str("\r\n");
}

fn write_field(out: &mut String, field: &str) {
    // Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or
    // CR) as a formula, so a requirement title like `=HYPERLINK(...)` from a Markdown file
    // could act when the CSV is opened. A leading `'` makes the cell text (the OWASP advice);
    // the cost is that such a field reads with the quote in other CSV consumers.
    let neutralise = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = field.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if neutralise {
        out.push('\'');
    }
    for c in field.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(value: &str) -> String {
        let mut out = String::new();
        write_field(&mut out, value);
        out
    }

    // r[verify csv.export]
    #[test]
    fn fields_are_quoted_and_neutralised() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-x"), "'-x");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            field("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field(""), "");
    }
}

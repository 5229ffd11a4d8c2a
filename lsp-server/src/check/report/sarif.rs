//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. Columns are UTF-16 code
//! units (the SARIF default, stated with `columnKind`), 1-based like lines; `endColumn` is
//! exclusive. File locations are relative URIs against `%SRCROOT%` (the checkout), so
//! `cairn-lsp check --format sarif` is run from the repository root.

use std::io::{self, Write};
use std::path::Path;

use cairn_analysis::{Rule, Severity};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Value, json};

use super::path_string;
use crate::check::{Diagnostic, Range, Report};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Characters that cannot appear as themselves in a URI path (RFC 3986), plus `%` so a file
/// name containing one round-trips. Non-ASCII characters are always encoded.
const URI_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report))?;
    writeln!(out)
}

fn log(report: &Report) -> Value {
    let results: Vec<Value> = report
        .files
        .iter()
        .flat_map(|file| {
            let location = artifact_location(&file.path);
            file.diagnostics.iter().map(move |d| result(d, &location))
        })
        .collect();
    let notifications: Vec<Value> = report
        .skipped
        .iter()
        .map(|s| {
            json!({
                "level": "warning",
                "message": { "text": format!("skipped {}: {}", path_string(&s.path), s.reason) },
                "locations": [ { "physicalLocation": { "artifactLocation": artifact_location(&s.path) } } ],
            })
        })
        .chain(report.errors.iter().map(|e| {
            json!({ "level": "error", "message": { "text": e } })
        }))
        .collect();
    let mut invocation = json!({ "executionSuccessful": report.errors.is_empty() });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": {
                "name": "cairn",
                "informationUri": REPOSITORY,
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": Rule::ALL.iter().map(|r| rule(*r)).collect::<Vec<_>>(),
            } },
            "invocations": [ invocation ],
            "columnKind": "utf16CodeUnits",
            "results": results,
        } ],
    })
}

fn rule(rule: Rule) -> Value {
    let doc = rule.doc();
    let mut tags = vec![rule.group().to_string()];
    if matches!(rule.group(), "complexity" | "smell") {
        tags.push("maintainability".to_string());
    }
    if let Some(cwe) = doc.cwe {
        tags.push(format!("external/cwe/cwe-{cwe}"));
    }
    let mut properties = json!({ "tags": tags });
    if rule.group() == "security" {
        // GitHub ranks security alerts by this score (CVSS scale): 7.0+ is "high".
        properties["security-severity"] = json!(match doc.default_severity {
            Severity::Error => "8.0",
            Severity::Warning => "5.0",
            Severity::Info | Severity::Hint => "2.0",
        });
    }
    let (example_language, example) = doc.example.split_once('\n').unwrap_or(("", doc.example));
    let example = example.trim_end();
    let cwe = doc.cwe.map_or(String::new(), |c| format!(" CWE-{c}."));
    let help_text = format!(
        "{}\n\nWhat it does: {}\n\nWhy is this bad? {}\n\nExample:\n{example}\n\n\
         Default severity: {}.{cwe} Equivalent: {}.",
        doc.summary,
        doc.what,
        doc.why,
        doc.default_severity.as_str(),
        doc.equivalent
    );
    let help_markdown = format!(
        "{}\n\n### What it does\n\n{}\n\n### Why is this bad?\n\n{}\n\n### Example\n\n\
         ```{example_language}\n{example}\n```\n\nDefault severity: **{}**.{cwe} Equivalent: {}.",
        doc.summary,
        doc.what,
        doc.why,
        doc.default_severity.as_str(),
        doc.equivalent
    );
    json!({
        "id": doc.id,
        "shortDescription": { "text": doc.summary },
        "fullDescription": { "text": doc.what },
        "help": { "text": help_text, "markdown": help_markdown },
        "helpUri": format!("{REPOSITORY}/blob/main/docs/rules.md#{}", doc.id.replace('/', "")),
        "defaultConfiguration": { "level": level(doc.default_severity) },
        "properties": properties,
    })
}

fn result(d: &Diagnostic, location: &Value) -> Value {
    let rule_index = Rule::ALL
        .iter()
        .position(|r| *r == d.rule)
        .expect("every rule is in Rule::ALL");
    let mut result = json!({
        "ruleId": d.rule.id(),
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [ { "physicalLocation": {
            "artifactLocation": location,
            "region": region(d.range),
        } } ],
    });
    if let Some(fix) = &d.fix {
        result["fixes"] = json!([ {
            "description": { "text": fix.title },
            "artifactChanges": [ {
                "artifactLocation": location,
                "replacements": fix.edits.iter().map(|(range, text)| json!({
                    "deletedRegion": region(*range),
                    "insertedContent": { "text": text },
                })).collect::<Vec<_>>(),
            } ],
        } ]);
    }
    result
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn region(range: Range) -> Value {
    json!({
        "startLine": range.start.line + 1,
        "startColumn": range.start.character + 1,
        "endLine": range.end.line + 1,
        "endColumn": range.end.character + 1,
    })
}

/// A relative path becomes a relative URI against `%SRCROOT%`; an absolute one a `file:` URI.
fn artifact_location(path: &Path) -> Value {
    let text = path_string(path);
    if path.is_absolute() {
        let text = if text.starts_with('/') {
            text
        } else {
            format!("/{text}") // C:/src/a.py → file:///C:/src/a.py
        };
        return json!({ "uri": format!("file://{}", utf8_percent_encode(&text, URI_PATH)) });
    }
    let relative = text.trim_start_matches("./");
    json!({
        "uri": utf8_percent_encode(relative, URI_PATH).to_string(),
        "uriBaseId": "%SRCROOT%",
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use cairn_analysis::Language;

    use super::*;
    use crate::check::{CheckedFile, FixEdits, Position};

    fn at(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn a_finding_with_a_fix_becomes_a_valid_sarif_fix() {
        let replace = Range {
            start: at(1, 11),
            end: at(1, 15),
        };
        let report = Report {
            files: vec![CheckedFile {
                path: PathBuf::from("./app/load.py"),
                language: Language::Python,
                functions: Vec::new(),
                diagnostics: vec![Diagnostic {
                    rule: Rule::UnsafeDeserialization,
                    severity: Severity::Error,
                    message: "`yaml.load` can build arbitrary objects".to_string(),
                    range: Range {
                        start: at(1, 6),
                        end: at(1, 20),
                    },
                    line: 2,
                    column: 7,
                    fix: Some(FixEdits {
                        title: "Replace `yaml.load` with `yaml.safe_load`".to_string(),
                        edits: vec![(replace, "safe_load".to_string())],
                    }),
                }],
            }],
            ..Report::default()
        };
        let sarif = log(&report);
        let schema: Value = serde_json::from_str(include_str!(
            "../../../tests/schemas/sarif-schema-2.1.0.json"
        ))
        .unwrap();
        let validator = jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");

        let result = &sarif["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "security/unsafe-deserialization");
        assert_eq!(
            result["fixes"],
            json!([ {
                "description": { "text": "Replace `yaml.load` with `yaml.safe_load`" },
                "artifactChanges": [ {
                    "artifactLocation": { "uri": "app/load.py", "uriBaseId": "%SRCROOT%" },
                    "replacements": [ {
                        "deletedRegion": { "startLine": 2, "startColumn": 12, "endLine": 2, "endColumn": 16 },
                        "insertedContent": { "text": "safe_load" },
                    } ],
                } ],
            } ])
        );
    }

    #[test]
    fn relative_paths_become_encoded_relative_uris() {
        assert_eq!(
            artifact_location(Path::new("./src/my file#1.py")),
            json!({ "uri": "src/my%20file%231.py", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact_location(Path::new("lib/é.rs")),
            json!({ "uri": "lib/%C3%A9.rs", "uriBaseId": "%SRCROOT%" })
        );
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        assert_eq!(
            artifact_location(Path::new("/tmp/a b.py")),
            json!({ "uri": "file:///tmp/a%20b.py" })
        );
    }
}

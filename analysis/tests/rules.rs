//! Snapshots of the findings of every fixture under `fixtures/rules/<rule-name>/`, one
//! directory per rule (the rule id without its group), each file a mix of code that must be
//! reported and look-alikes that must not. For each fix the snapshot shows the fixed lines,
//! and every fixed file must still parse.

use std::fmt::Write;
use std::path::Path;

use cairn_analysis::{Config, Edit, Finding, Language, Rule, analyze, parse};
use proptest::prelude::*;

/// Applies edits (non-overlapping, any order) to `source`.
fn apply(source: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start_byte));
    let mut text = source.to_string();
    let mut previous_start = usize::MAX;
    for edit in edits {
        assert!(
            edit.span.end_byte <= previous_start,
            "fix edits overlap: {edit:?}"
        );
        assert!(
            text.is_char_boundary(edit.span.start_byte)
                && text.is_char_boundary(edit.span.end_byte),
            "fix edit splits a character: {edit:?}"
        );
        text.replace_range(edit.span.start_byte..edit.span.end_byte, &edit.new_text);
        previous_start = edit.span.start_byte;
    }
    text
}

/// The lines of `fixed` that the edits touched; when whole lines were removed, the line
/// before too, so the snapshot shows where they were.
fn fixed_lines(source: &str, fixed: &str, edits: &[Edit]) -> String {
    let first = edits.iter().map(|e| e.span.start_byte).min().unwrap_or(0);
    let removed_lines = edits
        .iter()
        .any(|e| source[e.span.start_byte..e.span.end_byte].contains('\n'));
    let mut line_start = fixed[..first.min(fixed.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    if removed_lines && line_start > 0 {
        line_start = fixed[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    let inserted: usize = edits.iter().map(|e| e.new_text.len()).sum();
    let last = edits.iter().map(|e| e.span.start_byte).max().unwrap_or(0) + inserted;
    let line_end = fixed[last.min(fixed.len())..]
        .find('\n')
        .map_or(fixed.len(), |i| last + i);
    fixed[line_start..line_end.max(line_start)]
        .lines()
        .map(|l| format!("    | {l}\n"))
        .collect()
}

fn render(path: &Path) -> String {
    let source = std::fs::read_to_string(path).unwrap();
    let language = Language::from_path(path).unwrap();
    let analysis = analyze(&source, language, &Config::default());
    let mut out = String::new();
    for finding in &analysis.findings {
        let Finding {
            rule,
            severity,
            message,
            span,
            fix,
        } = finding;
        assert_ne!(
            *rule,
            Rule::SyntaxError,
            "{}: fixtures must parse: {message} at line {}",
            path.display(),
            span.start.line + 1
        );
        writeln!(
            out,
            "{}:{} {rule} {} {message}",
            span.start.line + 1,
            span.start.column + 1,
            severity.as_str()
        )
        .unwrap();
        if let Some(fix) = fix {
            let fixed = apply(&source, &fix.edits);
            let tree = parse(&fixed, language, None);
            assert!(
                !tree.root_node().has_error(),
                "{}: fix `{}` for line {} breaks the syntax:\n{fixed}",
                path.display(),
                fix.title,
                span.start.line + 1
            );
            writeln!(out, "  fix: {}", fix.title).unwrap();
            out.push_str(&fixed_lines(&source, &fixed, &fix.edits));
        }
    }
    if out.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

#[test]
fn findings_of_every_rule_fixture() {
    insta::glob!("fixtures/rules/*/*", |path| {
        insta::assert_snapshot!(render(path));
    });
}

/// Every directory names a rule, and the rule fires somewhere in it.
#[test]
fn every_fixture_directory_exercises_its_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut covered = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let rule = Rule::ALL
            .into_iter()
            .find(|r| r.id().split('/').nth(1) == Some(name.as_str()))
            .unwrap_or_else(|| panic!("fixture directory `{name}` names no rule"));
        let mut fired = false;
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            let source = std::fs::read_to_string(&file).unwrap();
            let language = Language::from_path(&file).unwrap();
            let analysis = analyze(&source, language, &Config::default());
            fired |= analysis.findings.iter().any(|f| f.rule == rule);
        }
        assert!(fired, "no fixture in `{name}` triggers {rule}");
        covered.push(rule);
    }
    for rule in Rule::ALL.into_iter().filter(|r| r.group() == "security") {
        assert!(covered.contains(&rule), "{rule} has no fixture directory");
    }
}

/// Pieces of the code the security rules look at, so random programs exercise them.
const FRAGMENTS: &[&str] = &[
    "eval(",
    "exec(",
    "os.system(",
    "subprocess.run(",
    "shell=True",
    "verify=False",
    ", ",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "`",
    "${",
    "f\"",
    "{x}",
    " + ",
    " % ",
    ".format(",
    "cursor.execute(",
    "db.query(",
    "SELECT * FROM t WHERE a = ",
    "hashlib.md5(",
    "yaml.load(",
    "Loader=",
    "pickle.loads(",
    "requests.get(",
    "timeout=None",
    "random.choice(",
    "token = ",
    "password = ",
    "api_key: ",
    "\"Tr0ub4dor&3\"",
    "\"sGpWLuqIA1id6Vw5DQL05HA064GiIjHGb3CXlMaX\"",
    "-----BEGIN RSA PRIVATE KEY-----", // cairn: ignore[security/hardcoded-secret] test input
    "\\n",
    "MIIEowIBAAKCAQEA7bq3Xk9mPq2Lr8sT4vW6yZ1aB3cD5eF7gH9iJ0kL",
    "rejectUnauthorized: false",
    "InsecureSkipVerify: true",
    ".danger_accept_invalid_certs(true)",
    "Command::new(\"sh\")",
    ".arg(\"-c\")",
    ".arg(",
    "format!(",
    "exec.Command(\"sh\", \"-c\", ",
    "el.innerHTML = ",
    "document.write(",
    "dangerouslySetInnerHTML={{__html: ",
    "<div ",
    "/>",
    "strcpy(",
    "gets(",
    "system(",
    "MessageDigest.getInstance(\"MD5\")",
    "new Random()",
    "Math.random()",
    "import ",
    "from x import ",
    "require(\"child_process\")",
    "const ",
    "let ",
    "def f():\n    ",
    "function f() {",
    "fn f() {",
    "func f() {",
    "\n",
    ";",
    "x",
    "é",
    "😀",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..120).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// On any input, every finding and every fix edit lies on character boundaries within
    /// the text, and a fix's edits do not overlap.
    #[test]
    fn security_findings_and_fixes_stay_inside_the_text(text in soup()) {
        for language in Language::ALL {
            for finding in analyze(&text, language, &Config::default()).findings {
                prop_assert!(finding.span.start_byte <= finding.span.end_byte);
                prop_assert!(text.is_char_boundary(finding.span.start_byte));
                prop_assert!(text.is_char_boundary(finding.span.end_byte));
                if let Some(fix) = &finding.fix {
                    let _ = apply(&text, &fix.edits);
                }
            }
        }
    }
}

/// Shapes the security rules follow (concatenations, method chains, nested calls) nested
/// far deeper than any thread's stack allows recursion.
#[test]
fn deep_security_shapes_do_not_overflow_the_stack() {
    let depth = 20_000;
    let cases = [
        (
            Language::Python,
            format!("cursor.execute(\"SELECT \" + {}x)\n", "x + ".repeat(depth)),
        ),
        (
            Language::Python,
            format!(
                "{}x{}\n",
                "eval(".repeat(depth / 10),
                ")".repeat(depth / 10)
            ),
        ),
        (
            Language::JavaScript,
            format!("el.innerHTML = `${{{}x}}`;\n", "a + ".repeat(depth)),
        ),
        (
            Language::Rust,
            format!(
                "fn f() {{ Command::new(\"sh\"){}.arg(\"-c\").arg(x); sqlx::query({}format!(\"{{x}}\")); }}",
                ".arg(\"a\")".repeat(depth / 10),
                "&".repeat(depth)
            ),
        ),
        (
            Language::Go,
            format!(
                "package p\nfunc f() {{ db.Query(\"SELECT \" + {}x) }}\n",
                "x + ".repeat(depth)
            ),
        ),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            for (language, source) in cases {
                let _ = analyze(&source, language, &Config::default());
            }
        })
        .unwrap();
    handle
        .join()
        .expect("security rules panicked or overflowed the stack on deep input");
}

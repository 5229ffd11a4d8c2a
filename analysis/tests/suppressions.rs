//! Inline suppressions and the "suppress on this line" fix.

use cairn_analysis::{Config, Language, Rule, analyze, suppression_fix};

fn rules(source: &str, language: Language) -> Vec<(u32, Rule)> {
    analyze(source, language, &Config::default())
        .findings
        .iter()
        .map(|f| (f.span.start.line, f.rule))
        .collect()
}

#[test]
fn a_comment_on_the_line_or_alone_above_silences_the_named_rules() {
    let source = "\
import hashlib
def f(x):
    eval(x)  # cairn: ignore[security/eval]
    # cairn: ignore[security]
    eval(x)
    eval(x)  # cairn: ignore[security/weak-hash]
    y = 1  # cairn: ignore[security/eval]
    eval(x)
    hashlib.md5(x)  # cairn: ignore
    eval(x)  # cairn: ignore[security/eval, security/weak-hash]
";
    assert_eq!(
        rules(source, Language::Python),
        vec![(5, Rule::Eval), (7, Rule::Eval)],
        "line 5 names another rule; line 7's comment above is on a line with code"
    );
}

#[test]
fn suppressions_work_in_c_like_comments() {
    let source = "function f(x) {\n  // cairn: ignore[security/eval]\n  eval(x);\n  eval(x); /* cairn: ignore[security] */\n  eval(x);\n}\n";
    assert_eq!(rules(source, Language::JavaScript), vec![(4, Rule::Eval)]);
}

#[test]
fn the_fix_appends_a_comment_or_extends_the_one_there() {
    let apply = |source: &str, language| {
        let analysis = analyze(source, language, &Config::default());
        let finding = analysis.findings.first().expect("a finding").clone();
        let fix = suppression_fix(&finding, source, language);
        let mut text = source.to_string();
        for edit in fix.edits.iter().rev() {
            text.replace_range(edit.span.start_byte..edit.span.end_byte, &edit.new_text);
        }
        (fix.title, text)
    };
    let (title, fixed) = apply("eval(x)\n", Language::Python);
    assert_eq!(title, "Suppress `security/eval` on this line");
    assert_eq!(fixed, "eval(x)  # cairn: ignore[security/eval]\n");
    assert!(rules(&fixed, Language::Python).is_empty());

    let (_, fixed) = apply(
        "eval(x); // cairn: ignore[security/weak-hash]\r\nok();\r\n",
        Language::JavaScript,
    );
    assert_eq!(
        fixed,
        "eval(x); // cairn: ignore[security/weak-hash, security/eval]\r\nok();\r\n"
    );
    assert!(rules(&fixed, Language::JavaScript).is_empty());
}

//! Complexity and smell rules: thresholds over the function metrics.

use crate::config::Thresholds;
use crate::finding::{Finding, Severity};
use crate::metrics::FunctionMetrics;
use crate::rules::{Rule, RuleDoc};

pub(crate) static CYCLOMATIC: RuleDoc = RuleDoc {
    id: "complexity/cyclomatic",
    summary: "A function has more independent paths than the threshold (default 15).",
    what: "Counts 1 + every decision point of a function the way lizard does for the language (`if`, loops, `case`, `catch`, `&&`, `||`, ternaries, Python's `elif`/`except`/`and`/`or`, Rust's match arms and `?`) and reports functions above `thresholds.cyclomatic`.",
    why: "Each independent path needs its own test; functions with many paths are where bugs hide and are hard to change safely.",
    example: "python\ndef route(r):\n    if r.a and r.b or r.c:\n        ...\n    elif r.d:\n        ...  # … sixteen decisions later",
    cwe: None,
    equivalent: "lizard `-C 15`, radon `cc`, clippy `cognitive_complexity` (different metric)",
    default_severity: Severity::Warning,
    languages: "all",
    fixable: false,
};

pub(crate) static COGNITIVE: RuleDoc = RuleDoc {
    id: "complexity/cognitive",
    summary: "A function is harder to understand than the threshold allows (default 15).",
    what: "Computes cognitive complexity as SonarSource specifies it: +1 for each break in linear flow (`if`, `else`, loops, `switch`, `catch`, ternaries, runs of like boolean operators, labelled jumps, recursion) plus the nesting level for nested structures; reports functions above `thresholds.cognitive`.",
    why: "Nested, tangled control flow is what makes code hard to read; unlike cyclomatic complexity this metric penalises nesting rather than size.",
    example: "java\nint sumOfPrimes(int max) {            // cognitive 7\n  OUT: for (int i = 1; i <= max; ++i) {\n    for (int j = 2; j < i; ++j) {\n      if (i % j == 0) continue OUT;\n    }\n  }\n}",
    cwe: None,
    equivalent: "SonarQube S3776, clippy `cognitive_complexity`",
    default_severity: Severity::Warning,
    languages: "all",
    fixable: false,
};

pub(crate) static NESTING: RuleDoc = RuleDoc {
    id: "complexity/nesting",
    summary: "Control structures nest deeper than the threshold (default 4).",
    what: "Measures the deepest nesting of `if`, loops, `switch`/`match` and `catch` inside a function and reports functions above `thresholds.nesting`.",
    why: "Deep nesting forces the reader to keep every enclosing condition in mind; early returns and extracted functions flatten it.",
    example: "javascript\nfor (const a of as) {\n  if (a) {\n    for (const b of a.bs) {\n      if (b) {\n        while (x) { if (y) {} }\n      }\n    }\n  }\n}",
    cwe: None,
    equivalent: "pylint `too-many-nested-blocks`, eslint `max-depth`",
    default_severity: Severity::Warning,
    languages: "all",
    fixable: false,
};

pub(crate) static LONG_FUNCTION: RuleDoc = RuleDoc {
    id: "smell/long-function",
    summary: "A function has more lines of code than the threshold (default 100).",
    what: "Counts the lines holding code (not blank, not only comments) of a function and reports functions above `thresholds.function_lines`.",
    why: "Long functions do several things; they are harder to name, test and reuse.",
    example: "python\ndef main():\n    # … 120 lines of code",
    cwe: None,
    equivalent: "lizard `-L`, pylint `too-many-statements`, eslint `max-lines-per-function`",
    default_severity: Severity::Warning,
    languages: "all",
    fixable: false,
};

pub(crate) static TOO_MANY_PARAMS: RuleDoc = RuleDoc {
    id: "smell/too-many-params",
    summary: "A function takes more parameters than the threshold (default 7).",
    what: "Counts declared parameters (not `self`, `cls`, Rust's `self` or C's `void`) and reports functions above `thresholds.params`.",
    why: "Long parameter lists are easy to call wrongly and usually mean a missing type that groups them.",
    example: "go\nfunc connect(host string, port int, user, pass string, tls bool, timeout, retries int, proxy string) {}",
    cwe: None,
    equivalent: "lizard `-a`, pylint `too-many-arguments`, clippy `too_many_arguments`",
    default_severity: Severity::Warning,
    languages: "all",
    fixable: false,
};

pub(crate) fn check(
    functions: &[FunctionMetrics],
    thresholds: &Thresholds,
    out: &mut Vec<Finding>,
) {
    for f in functions {
        let checks = [
            (Rule::Cyclomatic, f.cyclomatic, thresholds.cyclomatic),
            (Rule::Cognitive, f.cognitive, thresholds.cognitive),
            (Rule::Nesting, f.nesting, thresholds.nesting),
            (Rule::LongFunction, f.lines, thresholds.function_lines),
            (Rule::TooManyParams, f.params, thresholds.params),
        ];
        for (rule, value, limit) in checks {
            // Closures count toward their parent already; reporting both would be noise.
            if value > limit && !(f.is_closure && rule != Rule::TooManyParams) {
                out.push(Finding::new(
                    rule,
                    f.name_span,
                    message(rule, &f.name, value, limit),
                ));
            }
        }
    }
}

fn message(rule: Rule, name: &str, value: u32, limit: u32) -> String {
    match rule {
        Rule::Cyclomatic => {
            format!("`{name}` has a cyclomatic complexity of {value} (threshold {limit})")
        }
        Rule::Cognitive => {
            format!("`{name}` has a cognitive complexity of {value} (threshold {limit})")
        }
        Rule::Nesting => {
            format!("`{name}` nests control flow {value} levels deep (threshold {limit})")
        }
        Rule::LongFunction => format!("`{name}` has {value} lines of code (threshold {limit})"),
        _ => format!("`{name}` takes {value} parameters (threshold {limit})"),
    }
}

//! Snapshots of the function and file metrics of every fixture under `fixtures/metrics/`.
//! Cyclomatic numbers were checked against lizard 1.24 on the same files (see
//! docs/metrics.md for the few places lizard's own parser goes wrong).

use std::fmt::Write;
use std::path::Path;

use cairn_analysis::{Config, Language, analyze};

fn render(path: &Path) -> String {
    let source = std::fs::read_to_string(path).unwrap();
    let language = Language::from_path(path).unwrap();
    let analysis = analyze(&source, language, &Config::default());
    let mut out = String::new();
    for f in &analysis.functions {
        writeln!(
            out,
            "{}-{} {} params={} lines={} cyclomatic={} cognitive={} nesting={}",
            f.start_line,
            f.end_line,
            f.name,
            f.params,
            f.lines,
            f.cyclomatic,
            f.cognitive,
            f.nesting
        )
        .unwrap();
    }
    let m = &analysis.metrics;
    writeln!(
        out,
        "file: lines={} code={} comment={} blank={} functions={} halstead_volume={} maintainability_index={}",
        m.lines, m.code_lines, m.comment_lines, m.blank_lines, m.functions, m.halstead_volume, m.maintainability_index
    )
    .unwrap();
    out
}

#[test]
fn metrics_of_every_fixture() {
    insta::glob!("fixtures/metrics/*/*", |path| {
        insta::assert_snapshot!(render(path));
    });
}

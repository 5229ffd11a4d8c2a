//! docs/rules.md is generated from the rule metadata; this keeps it from drifting.

use assert_cmd::Command;

#[test]
fn docs_rules_md_is_the_output_of_rules_markdown() {
    let output = Command::new(env!("CARGO_BIN_EXE_cairn-lsp"))
        .args(["rules", "--markdown"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let generated = String::from_utf8(output.stdout).unwrap();
    assert_eq!(generated, cairn_analysis::rules::rules_markdown());

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rules.md");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is out of date; regenerate it with\n\
         cargo run -p cairn-lsp -- rules --markdown > docs/rules.md"
    );
}

#[test]
fn rules_lists_every_rule_with_its_default_severity() {
    let output = Command::new(env!("CARGO_BIN_EXE_cairn-lsp"))
        .arg("rules")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.lines().count(), cairn_analysis::Rule::ALL.len());
    assert!(
        text.lines()
            .any(|l| l.starts_with("security/eval ") && l.contains(" error ")),
        "{text}"
    );
}

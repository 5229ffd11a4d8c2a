//! `cairn-lsp rules`: the rule list, or docs/rules.md with `--markdown`.

use std::io::Write;
use std::process::ExitCode;

use cairn_analysis::Rule;

use crate::cli::RulesArgs;

pub fn run(args: &RulesArgs) -> ExitCode {
    let text = if args.markdown {
        cairn_analysis::rules::rules_markdown()
    } else {
        rule_list()
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cairn: writing output: {e}");
            ExitCode::from(2)
        }
    }
}

/// One rule a line: id, default severity, summary.
fn rule_list() -> String {
    let width = Rule::ALL.iter().map(|r| r.id().len()).max().unwrap_or(0);
    Rule::ALL
        .iter()
        .map(|rule| {
            let doc = rule.doc();
            format!(
                "{:width$}  {:7}  {}\n",
                doc.id,
                doc.default_severity.as_str(),
                doc.summary
            )
        })
        .collect()
}

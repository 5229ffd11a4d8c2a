//! `path:line:column: severity[rule] message`, as compilers print diagnostics (editors and
//! terminals turn these into links), then one summary line.

use std::io::{self, Write};

use super::path_string;
use crate::check::{Report, Summary};

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        let path = path_string(&file.path);
        for d in &file.diagnostics {
            writeln!(
                out,
                "{path}:{}:{}: {}[{}] {}",
                d.line,
                d.column,
                d.severity.as_str(),
                d.rule,
                d.message
            )?;
        }
    }
    writeln!(out, "{}", summary_line(&report.summary()))
}

/// `3 files, 7 functions, 2 diagnostics (1 error, 1 warning)`.
pub fn summary_line(s: &Summary) -> String {
    let mut counts = vec![count(s.errors, "error"), count(s.warnings, "warning")];
    if s.infos > 0 {
        counts.push(format!("{} info", s.infos));
    }
    if s.hints > 0 {
        counts.push(count(s.hints, "hint"));
    }
    format!(
        "{}, {}, {} ({})",
        count(s.files, "file"),
        count(s.functions, "function"),
        count(s.diagnostics, "diagnostic"),
        counts.join(", ")
    )
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_uses_singular_and_plural_and_names_rare_severities_only_when_present() {
        let s = Summary {
            files: 1,
            functions: 2,
            diagnostics: 1,
            errors: 1,
            ..Summary::default()
        };
        assert_eq!(
            summary_line(&s),
            "1 file, 2 functions, 1 diagnostic (1 error, 0 warnings)"
        );
        let s = Summary {
            infos: 2,
            hints: 1,
            diagnostics: 3,
            ..Summary::default()
        };
        assert_eq!(
            summary_line(&s),
            "0 files, 0 functions, 3 diagnostics (0 errors, 0 warnings, 2 info, 1 hint)"
        );
    }
}

//! `security/buffer-overflow`: C functions that cannot know the size of the buffer they
//! write.

use super::Scan;
use super::calls::Call;
use crate::finding::Severity;
use crate::rules::Rule;

pub(crate) fn is_c_name(name: &str) -> bool {
    problem(name).is_some()
}

pub(crate) fn c(scan: &mut Scan, call: &Call) {
    if call.receiver.is_some() {
        return;
    }
    if let Some((severity, message)) = problem(call.name) {
        scan.report_at(Rule::BufferOverflow, call, severity, message, None);
    }
}

/// The severity and message for a call of `name`, if it is one of these functions.
fn problem(name: &str) -> Option<(Severity, String)> {
    Some(match name {
        // gets cannot be used safely at all and was removed in C11.
        "gets" | "_getws" => (
            Severity::Error,
            format!(
                "`{name}` cannot limit how much it reads and overflows any buffer (removed in C11); use `fgets(buf, sizeof buf, stdin)`"
            ),
        ),
        "strcpy" | "wcscpy" | "stpcpy" | "lstrcpy" | "lstrcpyA" | "lstrcpyW" => (
            Severity::Warning,
            format!(
                "`{name}` does not check the destination's size; use `snprintf`, `strlcpy` or a length-checked copy"
            ),
        ),
        "strcat" | "wcscat" | "lstrcat" | "lstrcatA" | "lstrcatW" => (
            Severity::Warning,
            format!("`{name}` does not check the destination's size; use `strlcat` or `snprintf`"),
        ),
        "sprintf" | "vsprintf" => (
            Severity::Warning,
            format!(
                "`{name}` does not check the destination's size; use `{}`",
                if name == "sprintf" {
                    "snprintf"
                } else {
                    "vsnprintf"
                }
            ),
        ),
        _ => return None,
    })
}

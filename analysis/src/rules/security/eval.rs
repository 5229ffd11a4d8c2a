//! `security/eval`: code built at run time is executed.

use super::calls::Call;
use super::{Scan, syntax};
use crate::rules::Rule;

pub(crate) fn is_python_name(name: &str) -> bool {
    matches!(name, "eval" | "exec" | "compile")
}

/// Python's `eval`, `exec` and `compile` (the builtins, not `re.compile` or `model.eval`).
pub(crate) fn python(scan: &mut Scan, call: &Call) {
    let name = call.name;
    if !is_python_name(name) {
        return;
    }
    let builtin = match call.receiver {
        None => scan.imports.resolve(scan.text(call.name_node)).is_none(),
        Some(receiver) => matches!(scan.text(receiver), "builtins" | "__builtins__"),
    };
    if !builtin {
        return;
    }
    let Some(code) = call.arg(0).or_else(|| call.keyword_value(scan, "source")) else {
        return;
    };
    if syntax::is_constant(scan.language, code) {
        return;
    }
    let advice = if name == "eval" {
        "use `ast.literal_eval` to read data, or dispatch to known functions"
    } else {
        "dispatch to known functions instead of running a string"
    };
    scan.report(
        Rule::Eval,
        call,
        format!("`{name}` runs code built at run time; anyone who controls part of it can run anything: {advice}"),
    );
}

pub(crate) fn is_javascript_name(name: &str) -> bool {
    matches!(
        name,
        "eval" | "Function" | "setTimeout" | "setInterval" | "setImmediate"
    )
}

/// JavaScript's `eval`, `new Function(...)`, and `setTimeout`/`setInterval` given a string
/// built at run time.
pub(crate) fn javascript(scan: &mut Scan, call: &Call) {
    let name = call.name;
    let global = call
        .receiver
        .is_none_or(|r| matches!(scan.text(r), "window" | "globalThis" | "self" | "global"));
    if !global {
        return;
    }
    match name {
        "eval" if !call.is_new => {
            let Some(code) = call.arg(0) else { return };
            if !syntax::is_constant(scan.language, code) {
                scan.report(
                    Rule::Eval,
                    call,
                    "`eval` runs code built at run time; anyone who controls part of it can run anything: parse data with `JSON.parse` or dispatch to known functions",
                );
            }
        }
        "Function" => {
            let dynamic = call
                .positional()
                .any(|a| !syntax::is_constant(scan.language, a));
            if dynamic {
                scan.report(
                    Rule::Eval,
                    call,
                    "`Function` compiles code built at run time, like `eval`; use a closure or dispatch to known functions",
                );
            }
        }
        "setTimeout" | "setInterval" | "setImmediate" if !call.is_new => {
            let Some(code) = call.arg(0) else { return };
            if syntax::built_string(scan, code).is_some() {
                scan.report(
                    Rule::Eval,
                    call,
                    format!("`{name}` with a string runs it as code, like `eval`; pass a function instead"),
                );
            }
        }
        _ => {}
    }
}

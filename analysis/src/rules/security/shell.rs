//! `security/shell-injection`: a command line built at run time runs through a shell.

use tree_sitter::Node;

use super::calls::{Call, Children};
use super::{Scan, fix, syntax};
use crate::finding::Severity;
use crate::rules::Rule;

/// Programs that run their `-c` argument as a shell script.
const SHELLS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "fish",
    "/bin/sh",
    "/bin/bash",
    "/bin/zsh",
    "/bin/dash",
    "/usr/bin/sh",
    "/usr/bin/bash",
    "/usr/bin/env",
    "cmd",
    "cmd.exe",
    "powershell",
    "powershell.exe",
    "pwsh",
];
const SCRIPT_FLAGS: &[&str] = &[
    "-c", "-lc", "-ec", "-xc", "-ic", "/c", "/C", "-Command", "-command",
];

pub(crate) fn is_python_name(name: &str) -> bool {
    matches!(
        name,
        "run"
            | "call"
            | "check_call"
            | "check_output"
            | "Popen"
            | "getoutput"
            | "getstatusoutput"
            | "system"
            | "popen"
            | "create_subprocess_shell"
    )
}

pub(crate) fn python(scan: &mut Scan, call: &Call) {
    if !is_python_name(call.name) {
        return;
    }
    let path = call.path(scan);
    match path.as_str() {
        "subprocess.getoutput"
        | "subprocess.getstatusoutput"
        | "commands.getoutput"
        | "commands.getstatusoutput"
        | "os.system"
        | "os.popen"
        | "asyncio.create_subprocess_shell" => {
            let command = call.arg(0).or_else(|| call.keyword_value(scan, "cmd"));
            command_line(
                scan,
                call,
                command,
                &path,
                "use `subprocess.run([...])` with a list of arguments",
            );
        }
        "subprocess.run"
        | "subprocess.call"
        | "subprocess.check_call"
        | "subprocess.check_output"
        | "subprocess.Popen" => subprocess(scan, call, &path),
        _ => {}
    }
}

fn subprocess(scan: &mut Scan, call: &Call, path: &str) {
    let Some(shell) = call.keyword_value(scan, "shell") else {
        return;
    };
    if shell.kind() != "true" {
        return;
    }
    let Some(command) = call.arg(0).or_else(|| call.keyword_value(scan, "args")) else {
        return;
    };
    let command = syntax::unwrap(command);
    if matches!(command.kind(), "list" | "tuple") {
        let fix = fix::single("Pass `shell=False`", fix::replace(scan, shell, "False"));
        scan.report_at(
            Rule::ShellInjection,
            call,
            Severity::Warning,
            format!("`{path}` with an argument list and `shell=True` runs only the first element as the command (the rest become the shell's own arguments); use `shell=False`"),
            Some(fix),
        );
    } else if !syntax::is_constant(scan.language, command) {
        scan.report(
            Rule::ShellInjection,
            call,
            format!("`{path}` with `shell=True` runs a command line built at run time through the shell; pass a list of arguments with `shell=False`"),
        );
    }
}

pub(crate) fn is_javascript_name(name: &str) -> bool {
    matches!(name, "exec" | "execSync")
}

pub(crate) fn javascript(scan: &mut Scan, call: &Call) {
    if !is_javascript_name(call.name) || call.is_new {
        return;
    }
    let path = call.path(scan);
    if path != "child_process.exec" && path != "child_process.execSync" {
        return;
    }
    command_line(
        scan,
        call,
        call.arg(0),
        &path,
        "use `execFile` or `spawn` with an argument array",
    );
}

/// A command line given to a shell: reported unless it is a constant.
fn command_line(scan: &mut Scan, call: &Call, command: Option<Node>, what: &str, advice: &str) {
    let Some(command) = command else { return };
    if !syntax::is_constant(scan.language, command) {
        scan.report(
            Rule::ShellInjection,
            call,
            format!("`{what}` runs a command line built at run time through the shell; {advice}"),
        );
    }
}

/// How many arguments of a Go `exec` function come before the program.
pub(crate) fn go_program_index(name: &str) -> Option<usize> {
    match name {
        "Command" => Some(0),
        "CommandContext" => Some(1),
        _ => None,
    }
}

/// `exec.Command("sh", "-c", cmd)`.
pub(crate) fn go(scan: &mut Scan, call: &Call) {
    let Some(skip) = go_program_index(call.name) else {
        return;
    };
    let path = call.path(scan);
    if !matches!(
        path.as_str(),
        "os/exec.Command" | "os/exec.CommandContext" | "exec.Command" | "exec.CommandContext"
    ) {
        return;
    }
    let args: Vec<Node> = call.positional().skip(skip).collect();
    shell_script(
        scan,
        call,
        &args,
        "exec.Command",
        "pass the program and its arguments to `exec.Command` directly",
    );
}

pub(crate) fn is_java_name(name: &str) -> bool {
    matches!(name, "exec" | "ProcessBuilder")
}

pub(crate) fn java(scan: &mut Scan, call: &Call) {
    match call.name {
        "exec" if !call.is_new => {
            let Some(command) = call.arg(0) else { return };
            if syntax::built_string(scan, command).is_some() {
                scan.report(
                    Rule::ShellInjection,
                    call,
                    "`exec` of a command line built at run time; split into arguments (`new String[] {...}` or `ProcessBuilder`) and never pass user input to a shell",
                );
            } else if let Some(items) = array_items(command) {
                shell_script(
                    scan,
                    call,
                    &items,
                    "exec",
                    "run the program directly with an argument array",
                );
            }
        }
        "ProcessBuilder" if call.is_new => {
            let mut args: Vec<Node> = call.positional().collect();
            if args.len() == 1
                && let Some(items) = array_items(args[0])
            {
                args = items;
            }
            shell_script(
                scan,
                call,
                &args,
                "ProcessBuilder",
                "run the program directly with its arguments",
            );
        }
        _ => {}
    }
}

/// `new String[] {"sh", "-c", x}` → its items.
fn array_items(node: Node) -> Option<Vec<Node>> {
    let node = syntax::unwrap(node);
    let init = match node.kind() {
        "array_creation_expression" => node.child_by_field_name("value")?,
        "array_initializer" | "array_expression" => node,
        _ => return None,
    };
    Some(Children::of(Some(init)).collect())
}

/// `["sh", "-c", script]` where the script is not a constant.
fn shell_script(scan: &mut Scan, at: &Call, args: &[Node], what: &str, advice: &str) {
    let [program, flag, script, ..] = args else {
        return;
    };
    let is = |node: &Node, set: &[&str]| {
        syntax::string_value(scan, *node).is_some_and(|v| set.contains(&v))
    };
    if is(program, SHELLS) && is(flag, SCRIPT_FLAGS) && !syntax::is_constant(scan.language, *script)
    {
        scan.report(
            Rule::ShellInjection,
            at,
            format!(
                "`{what}` runs a shell script built at run time (`{} {} ...`); {advice}",
                scan.text(*program).trim_matches('"'),
                scan.text(*flag).trim_matches('"')
            ),
        );
    }
}

/// C and C++ `system` and `popen`.
pub(crate) fn is_c_name(name: &str) -> bool {
    matches!(name, "system" | "popen" | "_popen" | "_wsystem" | "_wpopen")
}

pub(crate) fn c(scan: &mut Scan, call: &Call) {
    if !is_c_name(call.name) || call.receiver.is_some() {
        return;
    }
    command_line(
        scan,
        call,
        call.arg(0),
        call.name,
        "use `execv`/`posix_spawn` with an argument vector",
    );
}

/// `Command::new("sh").arg("-c").arg(script)` and `.args(["-c", script])`.
pub(crate) fn is_rust_name(name: &str) -> bool {
    name == "new"
}

pub(crate) fn rust(scan: &mut Scan, call: &Call) {
    if !is_rust_name(call.name) {
        return;
    }
    let path = call.path(scan);
    if !path.ends_with("Command.new") {
        return;
    }
    let Some(program) = call.arg(0) else { return };
    if !syntax::string_value(scan, program).is_some_and(|p| SHELLS.contains(&p)) {
        return;
    }
    // Follow the method chain upward: `.arg("-c")` then `.arg(x)` (or `.args([...])`).
    let mut current = call.node;
    let mut saw_flag = false;
    for _ in 0..32 {
        let Some(link) = current.parent().filter(|p| p.kind() == "field_expression") else {
            return;
        };
        let Some(outer) = link.parent().filter(|p| p.kind() == "call_expression") else {
            return;
        };
        let method = link
            .child_by_field_name("field")
            .map_or("", |f| scan.text(f));
        let items: Vec<Node> = match method {
            "arg" => Children::of(outer.child_by_field_name("arguments"))
                .take(1)
                .collect(),
            "args" => Children::of(outer.child_by_field_name("arguments"))
                .next()
                .and_then(array_items)
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        for item in items {
            if saw_flag {
                if !syntax::is_constant(scan.language, item) {
                    let Some(outer) = Call::new(scan, outer) else {
                        return;
                    };
                    scan.report(
                        Rule::ShellInjection,
                        &outer,
                        format!("`Command::new({})` runs a shell script built at run time; run the program directly with `.arg()` for each argument", scan.text(program)),
                    );
                }
                return;
            }
            saw_flag = syntax::string_value(scan, item).is_some_and(|f| SCRIPT_FLAGS.contains(&f));
        }
        current = outer;
    }
}

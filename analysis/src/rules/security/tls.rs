//! `security/insecure-tls`: certificate verification is turned off.

use tree_sitter::Node;

use super::bindings::{Binding, BindingKind};
use super::calls::Call;
use super::{Scan, fix, syntax};
use crate::finding::Fix;
use crate::language::Language;
use crate::rules::Rule;

const WHY: &str = "anyone on the network path can read and change the traffic";

pub(crate) fn is_python_name(name: &str) -> bool {
    name == "_create_unverified_context"
}

/// `ssl._create_unverified_context()`.
pub(crate) fn python_call(scan: &mut Scan, call: &Call) {
    if is_python_name(call.name) {
        scan.report(
            Rule::InsecureTls,
            call,
            format!("`ssl._create_unverified_context()` does not verify certificates; {WHY}. Use `ssl.create_default_context()`"),
        );
    }
}

/// `ssl.CERT_NONE` given to something (`ctx.verify_mode = ssl.CERT_NONE`,
/// `wrap_socket(s, cert_reqs=ssl.CERT_NONE)`), not compared against.
pub(crate) fn python_attribute(scan: &mut Scan, node: Node) {
    // Attributes are everywhere in Python: look at the text's end before anything else.
    if !scan.text(node).ends_with(".CERT_NONE") {
        return;
    }
    let given = node.parent().is_some_and(|p| {
        matches!(p.kind(), "assignment" | "keyword_argument")
            && p.child_by_field_name(if p.kind() == "assignment" {
                "right"
            } else {
                "value"
            })
            .is_some_and(|v| v.id() == node.id())
    });
    if given {
        scan.report(
            Rule::InsecureTls,
            node,
            format!("`ssl.CERT_NONE` accepts any certificate; {WHY}. Use `ssl.CERT_REQUIRED`"),
        );
    }
}

pub(crate) fn on_binding(scan: &mut Scan, binding: &Binding) {
    let value = syntax::unwrap(binding.value);
    // Every case below sets a boolean, a number or a string.
    if !matches!(
        value.kind(),
        "true"
            | "false"
            | "integer"
            | "number"
            | "int_literal"
            | "string"
            | "string_literal"
            | "interpreted_string_literal"
    ) {
        return;
    }
    let name = syntax::name_text(scan, binding.name);
    match (scan.language, name) {
        (Language::JavaScript | Language::TypeScript | Language::Tsx, "rejectUnauthorized")
            if value.kind() == "false" =>
        {
            let in_object = binding.kind == BindingKind::Field
                && binding.node.parent().is_some_and(|p| p.kind() == "object");
            let fix = in_object.then(|| {
                fix::single(
                    "Remove `rejectUnauthorized: false`",
                    fix::remove_list_item(scan, binding.node),
                )
            });
            report(
                scan,
                binding.node,
                format!(
                    "`rejectUnauthorized: false` turns off certificate verification; {WHY}. Remove it, or pass the server's CA in `ca`"
                ),
                fix,
            );
        }
        (
            Language::JavaScript | Language::TypeScript | Language::Tsx,
            "NODE_TLS_REJECT_UNAUTHORIZED",
        ) if binding.kind == BindingKind::Assignment && is_zero(scan, value) => {
            report(
                scan,
                binding.node,
                format!(
                    "`NODE_TLS_REJECT_UNAUTHORIZED = 0` turns off certificate verification for the whole process; {WHY}"
                ),
                None,
            );
        }
        (Language::Python, "PYTHONHTTPSVERIFY")
            if binding.kind == BindingKind::Assignment && is_zero(scan, value) =>
        {
            report(
                scan,
                binding.node,
                format!(
                    "`PYTHONHTTPSVERIFY = 0` turns off certificate verification for the standard library; {WHY}"
                ),
                None,
            );
        }
        // `requests.get(url, verify=False)`, `httpx.Client(verify=False)`,
        // `aiohttp.TCPConnector(verify_ssl=False)`.
        (Language::Python, "verify" | "verify_ssl")
            if binding.node.kind() == "keyword_argument" && value.kind() == "false" =>
        {
            let fix = fix::single(
                format!("Remove `{name}=False`"),
                fix::remove_list_item(scan, binding.node),
            );
            report(
                scan,
                binding.node,
                format!(
                    "`{name}=False` turns off certificate verification; {WHY}. Remove it, or point `verify` at a CA bundle"
                ),
                Some(fix),
            );
        }
        (Language::Python, "check_hostname")
            if binding.kind == BindingKind::Assignment && value.kind() == "false" =>
        {
            report(
                scan,
                binding.node,
                format!("`check_hostname = False` accepts a valid certificate for any host; {WHY}"),
                None,
            );
        }
        (Language::Go, "InsecureSkipVerify") if value.kind() == "true" => {
            let fix = (binding.kind == BindingKind::Field).then(|| {
                fix::single(
                    "Remove `InsecureSkipVerify: true`",
                    fix::remove_list_item(scan, binding.node),
                )
            });
            report(
                scan,
                binding.node,
                format!(
                    "`InsecureSkipVerify: true` turns off certificate verification; {WHY}. Remove it, or set `RootCAs`"
                ),
                fix,
            );
        }
        _ => {}
    }
}

fn is_zero(scan: &Scan, value: Node) -> bool {
    syntax::string_value(scan, value).map_or_else(|| scan.text(value) == "0", |v| v == "0")
}

fn report(scan: &mut Scan, node: Node, message: String, fix: Option<Fix>) {
    scan.report_fix(Rule::InsecureTls, node, message, fix);
}

pub(crate) fn is_rust_name(name: &str) -> bool {
    matches!(
        name,
        "danger_accept_invalid_certs" | "danger_accept_invalid_hostnames"
    )
}

/// reqwest's `danger_accept_invalid_certs(true)` / `danger_accept_invalid_hostnames(true)`.
pub(crate) fn rust_call(scan: &mut Scan, call: &Call) {
    let name = call.name;
    if !is_rust_name(name) {
        return;
    }
    let Some(arg) = call.arg(0) else { return };
    if scan.text(arg) != "true" {
        return;
    }
    // `.danger_accept_invalid_certs(true)` can go from the builder chain.
    let dot = call
        .name_node
        .prev_sibling()
        .filter(|d| d.kind() == ".")
        .map(|d| d.start_byte());
    let fix = dot.map(|dot| {
        fix::single(
            format!("Remove `.{name}(true)`"),
            fix::remove_chain_link(scan, dot, call.node.end_byte()),
        )
    });
    scan.report_fix(
        Rule::InsecureTls,
        call,
        format!("`{name}(true)` turns off certificate verification; {WHY}. Add the server's CA with `add_root_certificate` instead"),
        fix,
    );
}

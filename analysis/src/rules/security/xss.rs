//! `security/xss`: HTML built at run time is written into the page.

use tree_sitter::Node;

use super::bindings::{Binding, BindingKind};
use super::calls::{Call, Children};
use super::{Scan, syntax};
use crate::rules::Rule;

const ADVICE: &str = "set `textContent` for text, or sanitize the HTML (DOMPurify) first";

pub(crate) fn is_javascript_name(name: &str) -> bool {
    matches!(
        name,
        "write" | "writeln" | "insertAdjacentHTML" | "createContextualFragment"
    )
}

/// `document.write(html)`, `el.insertAdjacentHTML(pos, html)`,
/// `range.createContextualFragment(html)`.
pub(crate) fn javascript_call(scan: &mut Scan, call: &Call) {
    let name = call.name;
    let html = match name {
        "write" | "writeln"
            if call
                .receiver
                .is_some_and(|r| scan.text(r).ends_with("document")) =>
        {
            call.arg(0)
        }
        "insertAdjacentHTML" => call.arg(1),
        "createContextualFragment" => call.arg(0),
        _ => return,
    };
    let Some(html) = html else { return };
    if is_safe(scan, html) {
        return;
    }
    let shown = if matches!(name, "write" | "writeln") {
        format!("document.{name}")
    } else {
        name.to_string()
    };
    scan.report(
        Rule::Xss,
        call,
        format!("`{shown}` with HTML built at run time can run injected scripts; {ADVICE}"),
    );
}

/// `el.innerHTML = html`, `el.outerHTML += html`.
pub(crate) fn on_binding(scan: &mut Scan, binding: &Binding) {
    if !matches!(
        binding.kind,
        BindingKind::Assignment | BindingKind::Augmented
    ) || !matches!(
        binding.target.kind(),
        "member_expression" | "subscript_expression"
    ) {
        return;
    }
    let name = syntax::name_text(scan, binding.name);
    if !matches!(name, "innerHTML" | "outerHTML") || is_safe(scan, binding.value) {
        return;
    }
    scan.report(
        Rule::Xss,
        binding.node,
        format!("assigning HTML built at run time to `{name}` can run injected scripts; {ADVICE}"),
    );
}

/// `<div dangerouslySetInnerHTML={{ __html: html }} />`.
pub(crate) fn jsx_attribute(scan: &mut Scan, node: Node) {
    let mut parts = Children::of(Some(node));
    let Some(name) = parts.next() else { return };
    if scan.text(name) != "dangerouslySetInnerHTML" {
        return;
    }
    let Some(expression) = parts.find(|p| p.kind() == "jsx_expression") else {
        return;
    };
    let Some(object) = Children::of(Some(expression)).next().map(syntax::unwrap) else {
        return;
    };
    let html = if object.kind() == "object" {
        Children::of(Some(object))
            .filter(|p| p.kind() == "pair")
            .find(|p| {
                p.child_by_field_name("key")
                    .is_some_and(|k| syntax::name_text(scan, k) == "__html")
            })
            .and_then(|p| p.child_by_field_name("value"))
    } else {
        // `dangerouslySetInnerHTML={props.html}`: the object comes from elsewhere.
        Some(object)
    };
    let Some(html) = html else { return };
    if is_safe(scan, html) {
        return;
    }
    scan.report(
        Rule::Xss,
        node,
        format!("`dangerouslySetInnerHTML` with HTML built at run time can run injected scripts; {ADVICE}"),
    );
}

/// A constant, a sanitizer's result, or a template/concatenation of only those.
fn is_safe(scan: &Scan, node: Node) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let n = syntax::unwrap(n);
        if syntax::is_constant(scan.language, n) {
            continue;
        }
        match n.kind() {
            "template_string" => {
                stack.extend(
                    Children::of(Some(n))
                        .filter(|c| c.kind() == "template_substitution")
                        .filter_map(|c| Children::of(Some(c)).next()),
                );
            }
            "binary_expression" if syntax::operator(n) == Some("+") => {
                stack.extend(n.child_by_field_name("left"));
                stack.extend(n.child_by_field_name("right"));
            }
            "call_expression" if is_sanitizer(scan, n) => {}
            _ => return false,
        }
    }
    true
}

fn is_sanitizer(scan: &Scan, call: Node) -> bool {
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    let name = match function.kind() {
        "member_expression" => function.child_by_field_name("property"),
        _ => Some(function),
    };
    name.is_some_and(|n| {
        let name = scan.text(n).to_ascii_lowercase();
        ["sanitize", "escape", "purify", "encode"]
            .iter()
            .any(|s| name.contains(s))
    })
}

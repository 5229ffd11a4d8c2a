//! `security/unsafe-deserialization`: data is turned into objects by a format that can
//! run code while loading (pickle, marshal, `yaml.load` with an unsafe loader, Java
//! serialization, node-serialize).

use super::calls::Call;
use super::{Scan, fix};
use crate::finding::Fix;
use crate::rules::Rule;

/// YAML loaders that only build plain data.
const SAFE_LOADERS: &[&str] = &["SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"];
/// YAML loaders that construct arbitrary Python objects.
const UNSAFE_LOADERS: &[&str] = &["Loader", "UnsafeLoader", "CLoader", "CUnsafeLoader"];

pub(crate) fn is_python_name(name: &str) -> bool {
    matches!(
        name,
        "load"
            | "loads"
            | "Unpickler"
            | "open"
            | "decode"
            | "read_pickle"
            | "load_all"
            | "unsafe_load"
            | "unsafe_load_all"
    )
}

pub(crate) fn python(scan: &mut Scan, call: &Call) {
    let name = call.name;
    if !is_python_name(name) {
        return;
    }
    let path = call.path(scan);
    let module = path.rsplit_once('.').map_or("", |(m, _)| m);
    match (module, name) {
        (
            "pickle" | "cPickle" | "_pickle" | "dill" | "cloudpickle" | "joblib",
            "load" | "loads" | "Unpickler",
        )
        | ("marshal", "load" | "loads")
        | ("shelve", "open")
        | ("jsonpickle", "decode" | "loads")
        | ("pandas" | "pd", "read_pickle") => {
            scan.report(
                Rule::UnsafeDeserialization,
                call,
                format!("`{path}` can run arbitrary code while loading; never load data from an untrusted source this way, use JSON or another data-only format"),
            );
        }
        ("numpy" | "np", "load")
            if call
                .keyword_value(scan, "allow_pickle")
                .is_some_and(|v| v.kind() == "true") =>
        {
            scan.report(
                Rule::UnsafeDeserialization,
                call,
                "`numpy.load` with `allow_pickle=True` unpickles object arrays, which can run arbitrary code; keep `allow_pickle=False` for untrusted files",
            );
        }
        ("yaml", "load" | "load_all") => yaml_load(scan, call, name),
        ("yaml", "unsafe_load" | "unsafe_load_all") => {
            let safe = name.replacen("unsafe_", "safe_", 1);
            let fix = call.receiver.map(|_| rename_fix(scan, call, &safe));
            scan.report_fix(
                Rule::UnsafeDeserialization,
                call,
                format!("`yaml.{name}` constructs arbitrary Python objects and can run code; use `yaml.{safe}`"),
                fix,
            );
        }
        _ => {}
    }
}

/// `yaml.load(…)` → `yaml.safe_load(…)`: only the called name changes.
fn rename_fix(scan: &Scan, call: &Call, safe: &str) -> Fix {
    fix::single(
        format!("Use `yaml.{safe}`"),
        fix::replace(scan, call.name_node, safe.to_string()),
    )
}

fn yaml_load(scan: &mut Scan, call: &Call, name: &str) {
    let safe = format!("safe_{name}");
    let loader = call.keyword_value(scan, "Loader").or_else(|| call.arg(1));
    match loader {
        None => {
            // Only `yaml.load(...)` can be renamed in place; a bare `load` imported from
            // yaml would need the import changed.
            let fix = call
                .receiver
                .filter(|_| !call.has_keyword_splat())
                .map(|_| rename_fix(scan, call, &safe));
            scan.report_fix(
                Rule::UnsafeDeserialization,
                call,
                format!("`yaml.{name}` without a safe `Loader` can construct arbitrary Python objects; use `yaml.{safe}`"),
                fix,
            );
        }
        Some(loader) => {
            let text = scan.text(loader);
            let last = text.rsplit('.').next().unwrap_or(text);
            if SAFE_LOADERS.contains(&last) || !UNSAFE_LOADERS.contains(&last) {
                return;
            }
            scan.report(
                Rule::UnsafeDeserialization,
                call,
                format!("`yaml.{name}` with `{last}` constructs arbitrary Python objects and can run code; use `yaml.{safe}` or `Loader=yaml.SafeLoader`"),
            );
        }
    }
}

/// node-serialize's `unserialize` evaluates functions embedded in the data.
pub(crate) fn is_javascript_name(name: &str) -> bool {
    name == "unserialize"
}

pub(crate) fn javascript(scan: &mut Scan, call: &Call) {
    if !is_javascript_name(call.name) || call.is_new {
        return;
    }
    scan.report(
        Rule::UnsafeDeserialization,
        call,
        "`unserialize` (node-serialize) runs functions embedded in the data (CVE-2017-5941); use `JSON.parse`",
    );
}

pub(crate) fn is_java_name(name: &str) -> bool {
    matches!(name, "readObject" | "readUnshared")
}

/// `ObjectInputStream.readObject()` and `XMLDecoder.readObject()`.
pub(crate) fn java(scan: &mut Scan, call: &Call) {
    let name = call.name;
    if !is_java_name(name) || call.arg_count() != 0 || call.is_new {
        return;
    }
    // `in.readObject()` inside a class's own `readObject(ObjectInputStream in)` is part of
    // implementing `Serializable`, not where untrusted data comes in.
    let mut parent = call.node.parent();
    while let Some(p) = parent {
        if p.kind() == "method_declaration" {
            let own = p.child_by_field_name("name").is_some_and(|n| {
                matches!(
                    scan.text(n),
                    "readObject" | "readExternal" | "readObjectNoData"
                )
            });
            if own {
                return;
            }
            break;
        }
        parent = p.parent();
    }
    let stream = if scan.source.contains("ObjectInputStream") {
        "ObjectInputStream"
    } else if scan.source.contains("XMLDecoder") {
        "XMLDecoder"
    } else {
        return;
    };
    scan.report(
        Rule::UnsafeDeserialization,
        call,
        format!("`{name}` from an `{stream}` builds any class on the classpath from the data (gadget chains run code); use a data format such as JSON, or an `ObjectInputFilter` allow-list"),
    );
}

//! `security/weak-hash`: MD5 or SHA-1 (or older) is used.

use super::calls::Call;
use super::{Scan, fix, syntax};
use crate::finding::{Edit, Fix};
use crate::rules::Rule;

const ADVICE: &str = "use SHA-256 or better (and Argon2, scrypt or bcrypt for passwords)";

/// Algorithm names as strings (`hashlib.new("md5")`, `createHash("sha1")`,
/// `MessageDigest.getInstance("SHA-1")`) → the name to show.
fn weak_name(value: &str) -> Option<&'static str> {
    Some(match value.to_ascii_lowercase().as_str() {
        "md5" => "MD5",
        "md4" => "MD4",
        "md2" => "MD2",
        "sha1" | "sha-1" | "sha" => "SHA-1",
        _ => return None,
    })
}

pub(crate) fn is_python_name(name: &str) -> bool {
    matches!(name, "md5" | "sha1" | "new" | "MD5" | "SHA1" | "SHA")
}

pub(crate) fn python(scan: &mut Scan, call: &Call) {
    let name = call.name;
    if !is_python_name(name) {
        return;
    }
    let path = call.path(scan);
    // `usedforsecurity=False` (Python 3.9+) says the hash is not a security use.
    let not_for_security = call
        .keyword_value(scan, "usedforsecurity")
        .is_some_and(|v| v.kind() == "false");
    match path.as_str() {
        "hashlib.md5" | "hashlib.sha1" => {
            if not_for_security {
                return;
            }
            let algorithm = if name == "md5" { "MD5" } else { "SHA-1" };
            // Only `hashlib.md5` can become `hashlib.sha256` in place; a bare `md5` imported
            // from hashlib would need the import changed too.
            let fix = call.receiver.map(|_| {
                fix::single(
                    format!("Use `hashlib.sha256` instead of `hashlib.{name}`"),
                    fix::replace(scan, call.name_node, "sha256"),
                )
            });
            report(scan, call, algorithm, &format!("`{path}`"), fix);
        }
        "hashlib.new" => {
            if not_for_security {
                return;
            }
            let Some(arg) = call.arg(0).or_else(|| call.keyword_value(scan, "name")) else {
                return;
            };
            let Some(algorithm) = syntax::string_value(scan, arg).and_then(weak_name) else {
                return;
            };
            let fix = content_fix(scan, arg, "sha256");
            report(scan, call, algorithm, "`hashlib.new`", Some(fix));
        }
        _ if path.ends_with("hashes.MD5")
            || path.ends_with("Hash.MD5.new")
            || path == "MD5.new" =>
        {
            report(scan, call, "MD5", &format!("`{path}`"), None);
        }
        _ if path.ends_with("hashes.SHA1")
            || path.ends_with("Hash.SHA1.new")
            || path.ends_with("Hash.SHA.new")
            || path == "SHA1.new" =>
        {
            report(scan, call, "SHA-1", &format!("`{path}`"), None);
        }
        _ => {}
    }
}

pub(crate) fn is_javascript_name(name: &str) -> bool {
    name == "createHash"
}

pub(crate) fn javascript(scan: &mut Scan, call: &Call) {
    if !is_javascript_name(call.name) {
        return;
    }
    let Some(arg) = call.arg(0) else { return };
    let Some(algorithm) = syntax::string_value(scan, arg).and_then(weak_name) else {
        return;
    };
    let fix = content_fix(scan, arg, "sha256");
    report(scan, call, algorithm, "`createHash`", Some(fix));
}

pub(crate) fn is_go_name(name: &str) -> bool {
    matches!(name, "New" | "Sum")
}

pub(crate) fn go(scan: &mut Scan, call: &Call) {
    if !is_go_name(call.name) {
        return;
    }
    let path = call.path(scan);
    let algorithm = match path.split_once('.').map(|(package, _)| package) {
        Some("crypto/md5" | "md5") => "MD5",
        Some("crypto/sha1" | "sha1") => "SHA-1",
        _ => return,
    };
    let shown = path.strip_prefix("crypto/").unwrap_or(&path);
    report(scan, call, algorithm, &format!("`{shown}`"), None);
}

/// `MessageDigest.getInstance`, and the MD5 and SHA-1 methods of `DigestUtils` and
/// Guava's `Hashing`.
pub(crate) fn is_java_name(name: &str) -> bool {
    matches!(name, "getInstance" | "sha" | "shaHex")
        || ["md5", "sha1", "getMd5", "getSha1"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

pub(crate) fn java(scan: &mut Scan, call: &Call) {
    let name = call.name;
    let receiver = call.receiver.map_or("", |r| scan.text(r));
    match name {
        "getInstance" if receiver.ends_with("MessageDigest") => {
            let Some(arg) = call.arg(0) else { return };
            let Some(algorithm) = syntax::string_value(scan, arg).and_then(weak_name) else {
                return;
            };
            let fix = content_fix(scan, arg, "SHA-256");
            report(
                scan,
                call,
                algorithm,
                "`MessageDigest.getInstance`",
                Some(fix),
            );
        }
        _ if receiver.ends_with("DigestUtils") => {
            let algorithm = if name.starts_with("md5") || name.starts_with("getMd5") {
                "MD5"
            } else if name.starts_with("sha1")
                || name.starts_with("shaHex")
                || name == "sha"
                || name.starts_with("getSha1")
            {
                "SHA-1"
            } else {
                return;
            };
            report(
                scan,
                call,
                algorithm,
                &format!("`DigestUtils.{name}`"),
                None,
            );
        }
        "md5" | "sha1" if receiver.ends_with("Hashing") => {
            let algorithm = if name == "md5" { "MD5" } else { "SHA-1" };
            report(scan, call, algorithm, &format!("`Hashing.{name}`"), None);
        }
        _ => {}
    }
}

pub(crate) fn is_rust_name(name: &str) -> bool {
    matches!(
        name,
        "compute" | "new" | "digest" | "default" | "new_with_prefix" | "from"
    )
}

pub(crate) fn rust(scan: &mut Scan, call: &Call) {
    if !is_rust_name(call.name) {
        return;
    }
    let path = call.path(scan);
    let mut segments = path.rsplit('.');
    let (Some(last), Some(owner)) = (segments.next(), segments.next()) else {
        return;
    };
    let algorithm = match (owner, last) {
        ("md5", "compute") | ("Md5" | "Md5Core", _) => "MD5",
        ("Sha1" | "Sha1Core", _) => "SHA-1",
        _ => return,
    };
    report(
        scan,
        call,
        algorithm,
        &format!("`{}`", path.replace('.', "::")),
        None,
    );
}

/// The algorithm of a C function that starts an MD5, MD4 or SHA-1 hash.
pub(crate) fn c_algorithm(name: &str) -> Option<&'static str> {
    Some(match name {
        "MD5" | "MD5_Init" | "EVP_md5" | "CC_MD5" | "CC_MD5_Init" => "MD5",
        "MD4" | "MD4_Init" | "EVP_md4" => "MD4",
        "SHA1" | "SHA1_Init" | "EVP_sha1" | "CC_SHA1" | "CC_SHA1_Init" => "SHA-1",
        _ => return None,
    })
}

pub(crate) fn c(scan: &mut Scan, call: &Call) {
    let name = call.name;
    let Some(algorithm) = c_algorithm(name) else {
        return;
    };
    if call.receiver.is_some() {
        return;
    }
    report(scan, call, algorithm, &format!("`{name}`"), None);
}

fn report(scan: &mut Scan, call: &Call, algorithm: &str, what: &str, fix: Option<Fix>) {
    let message = format!(
        "{what} uses {algorithm}, which is broken for security purposes (collisions are practical); {ADVICE}"
    );
    scan.report_fix(Rule::WeakHash, call, message, fix);
}

/// Replaces the content of a string literal (keeping its quotes).
fn content_fix(scan: &Scan, literal: tree_sitter::Node, new: &str) -> Fix {
    let (start, end) = syntax::string_content_range(syntax::unwrap(literal));
    fix::single(
        format!("Use `{new}` instead of `{}`", scan.slice(start, end)),
        Edit {
            span: scan.span(start, end),
            new_text: new.to_string(),
        },
    )
}

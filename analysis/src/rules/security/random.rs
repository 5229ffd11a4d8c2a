//! `security/insecure-random`: a predictable generator is used where a secret is made.
//!
//! Any use of `random` would be far too noisy (shuffling, sampling, jitter), so a call
//! counts only in a secret context: its result goes to a secret-looking name (`token =`,
//! `password:`, `session_id :=`), it gets a secret-looking argument, or it sits in a
//! function named like one (`generate_token`, `makePassword`, `newSessionID`).

use tree_sitter::Node;

use super::bindings;
use super::calls::Call;
use super::{Scan, secrets, syntax};
use crate::rules::Rule;

/// Words that make a name about a secret for this rule, beyond those of
/// `hardcoded-secret` (session ids, salts and one-time codes are secrets here). `key` alone
/// is left out: `random_key(d)` usually picks a dictionary key.
const CONTEXT_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "tokens",
    "apikey",
    "salt",
    "nonce",
    "otp",
    "totp",
    "csrf",
    "xsrf",
    "session",
    "sessionid",
    "sid",
    "passcode",
    "pin",
    "credential",
    "credentials",
    "auth",
    "reset",
    "verification",
    "iv",
    "cookie",
    "captcha",
    "signature",
    "hmac",
];

fn is_context_name(name: &str) -> bool {
    secrets::secret_name(name).is_some()
        || syntax::words(name)
            .iter()
            .any(|w| CONTEXT_WORDS.iter().any(|c| w.eq_ignore_ascii_case(c)))
}

pub(crate) fn is_python_name(name: &str) -> bool {
    matches!(
        name,
        "random"
            | "randint"
            | "randrange"
            | "choice"
            | "choices"
            | "sample"
            | "getrandbits"
            | "randbytes"
            | "uniform"
            | "shuffle"
    )
}

pub(crate) fn python(scan: &mut Scan, call: &Call) {
    let name = call.name;
    if !is_python_name(name) {
        return;
    }
    if call.path(scan) != format!("random.{name}") {
        return;
    }
    report(
        scan,
        call,
        &format!("random.{name}"),
        "use the `secrets` module (`secrets.token_urlsafe()`, `secrets.choice()`)",
    );
}

pub(crate) fn is_javascript_name(name: &str) -> bool {
    name == "random"
}

pub(crate) fn javascript(scan: &mut Scan, call: &Call) {
    if !is_javascript_name(call.name) || call.path(scan) != "Math.random" {
        return;
    }
    report(
        scan,
        call,
        "Math.random",
        "use `crypto.randomBytes()` / `crypto.randomUUID()` (Node) or `crypto.getRandomValues()` (browsers)",
    );
}

/// Functions of `math/rand` and `math/rand/v2`.
pub(crate) fn is_go_name(name: &str) -> bool {
    matches!(
        name,
        "Int"
            | "Intn"
            | "IntN"
            | "Int31"
            | "Int31n"
            | "Int32"
            | "Int32N"
            | "Int63"
            | "Int63n"
            | "Int64"
            | "Int64N"
            | "Uint"
            | "UintN"
            | "Uint32"
            | "Uint32N"
            | "Uint64"
            | "Uint64N"
            | "Float32"
            | "Float64"
            | "Perm"
            | "Shuffle"
            | "Read"
            | "N"
            | "NormFloat64"
            | "ExpFloat64"
    )
}

pub(crate) fn go(scan: &mut Scan, call: &Call) {
    if call.receiver.is_none() || !is_go_name(call.name) {
        return;
    }
    let path = call.path(scan);
    let Some(function) = path
        .strip_prefix("math/rand.")
        .or_else(|| path.strip_prefix("math/rand/v2."))
    else {
        return;
    };
    report(
        scan,
        call,
        &format!("math/rand.{function}"),
        "use `crypto/rand` (`rand.Read`, `rand.Text`)",
    );
}

/// `new Random()`, `ThreadLocalRandom.current()`, `Math.random()` and the
/// `RandomStringUtils.random…` methods.
pub(crate) fn is_java_name(name: &str) -> bool {
    matches!(name, "Random" | "current") || name.starts_with("random")
}

pub(crate) fn java(scan: &mut Scan, call: &Call) {
    let name = call.name;
    let what = if call.is_new {
        if !matches!(scan.text(call.name_node), "Random") {
            return;
        }
        "java.util.Random"
    } else {
        match call.path(scan).as_str() {
            "Math.random" => "Math.random",
            "ThreadLocalRandom.current" => "ThreadLocalRandom",
            p if p.starts_with("RandomStringUtils.random") && name.starts_with("random") => {
                "RandomStringUtils"
            }
            _ => return,
        }
    };
    report(scan, call, what, "use `java.security.SecureRandom`");
}

fn report(scan: &mut Scan, call: &Call, what: &str, advice: &str) {
    let Some(reason) = secret_context(scan, call) else {
        return;
    };
    scan.report(
        Rule::InsecureRandom,
        call,
        format!("`{what}` is predictable and must not make secrets ({reason}); {advice}"),
    );
}

/// Why a call is in a secret context, if it is.
fn secret_context(scan: &Scan, call: &Call) -> Option<String> {
    for arg in call.positional() {
        // A buffer filled with random bytes may simply be called `key` (`rand.Read(key)`).
        let filled = scan.text(arg);
        if arg.kind() == "identifier"
            && (is_context_name(filled) || filled.eq_ignore_ascii_case("key"))
        {
            return Some(format!("it fills `{}`", scan.text(arg)));
        }
    }
    let spec = scan.language.spec();
    let mut child = call.node;
    let mut steps = 0;
    while let Some(parent) = child.parent() {
        steps += 1;
        if steps > 48 {
            return None;
        }
        let kind = parent.kind();
        if spec.functions.contains(&kind) || spec.closures.contains(&kind) {
            match (spec.function_name)(parent) {
                Some(name) => {
                    let name = scan.text(name);
                    return is_context_name(name)
                        .then(|| format!("in `{}`", syntax::shorten(name, 40)));
                }
                None => {
                    child = parent;
                    continue;
                }
            }
        }
        if let Some(name) = bound_name(scan, parent, child)
            && is_context_name(name)
        {
            return Some(format!("assigned to `{}`", syntax::shorten(name, 40)));
        }
        child = parent;
    }
    None
}

/// If `parent` binds a name to a value containing `child`, that name.
fn bound_name<'a>(scan: &Scan<'a>, parent: Node, child: Node) -> Option<&'a str> {
    let mut found = None;
    bindings::for_each(scan, parent, |binding| {
        let value = binding.value;
        if found.is_none()
            && value.start_byte() <= child.start_byte()
            && child.end_byte() <= value.end_byte()
        {
            found = Some(syntax::name_text(scan, binding.name));
        }
    });
    found
}

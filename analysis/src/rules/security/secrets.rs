//! `security/hardcoded-secret`, and [`find_secrets`]: the same detection over any text, so
//! the language server can redact secrets before a prompt leaves the machine.
//!
//! Two detectors:
//! - provider keys by their documented shapes (AWS, GitHub, OpenAI, Anthropic, Slack,
//!   Google, Stripe, GitLab, PEM private keys), anywhere in the text, comments included;
//! - values that look random (Shannon entropy, length, mixed characters) given to a name
//!   that says "secret" (`password`, `api_key`, `clientSecret`, `AUTH_TOKEN`, ...). The rule
//!   reads names from the syntax tree; [`find_secrets`] from `name = value`, `name: value`
//!   and `"name": "value"` in plain text.
//!
//! Placeholders (`changeme`, `<your-token>`, `${VAR}`, `xxxx`, `example`...) are not secrets.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use tree_sitter::Node;

use super::Scan;
use super::bindings::Binding;
use super::syntax;
use crate::finding::Finding;
use crate::rules::Rule;

/// What kind of secret a [`SecretMatch`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretKind {
    AwsAccessKeyId,
    GitHubToken,
    OpenAiKey,
    AnthropicKey,
    SlackToken,
    GoogleApiKey,
    StripeKey,
    GitLabToken,
    PrivateKey,
    /// A random-looking value given to a secret-looking name (`password`, `api_key`, ...).
    NamedSecret,
}

impl SecretKind {
    /// What to call it in a message or a redaction marker.
    pub fn label(self) -> &'static str {
        match self {
            SecretKind::AwsAccessKeyId => "AWS access key id",
            SecretKind::GitHubToken => "GitHub token",
            SecretKind::OpenAiKey => "OpenAI API key",
            SecretKind::AnthropicKey => "Anthropic API key",
            SecretKind::SlackToken => "Slack token",
            SecretKind::GoogleApiKey => "Google API key",
            SecretKind::StripeKey => "Stripe secret key",
            SecretKind::GitLabToken => "GitLab token",
            SecretKind::PrivateKey => "private key",
            SecretKind::NamedSecret => "secret",
        }
    }
}

/// A secret in a text: its kind and its byte range (for a private key, the whole block from
/// `-----BEGIN` to `-----END ...-----` when the end is there).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretMatch {
    pub kind: SecretKind,
    pub range: Range<usize>,
}

/// Every secret in `text`, ordered by position, without overlaps. Pure and cheap enough to
/// run on every chat prompt: the language server replaces each range before text leaves the
/// machine.
pub fn find_secrets(text: &str) -> Vec<SecretMatch> {
    let mut found = provider_keys(text);
    if NAME_HINT.is_match(text) {
        for caps in NAMED_VALUE.captures_iter(text) {
            let (Some(name), Some(value)) = (caps.get(1), caps.get(2)) else {
                continue;
            };
            let Some(kind) = secret_name(name.as_str()) else {
                continue;
            };
            if looks_like_code(value.as_str()) || !looks_secret(kind, value.as_str(), name.as_str())
            {
                continue;
            }
            let range = value.range();
            if found
                .iter()
                .any(|m| m.range.start < range.end && range.start < m.range.end)
            {
                continue;
            }
            found.push(SecretMatch {
                kind: SecretKind::NamedSecret,
                range,
            });
        }
        found.sort_by_key(|m| m.range.start);
    }
    found
}

/// In plain text a value may be an expression (`config.db.password`, `get_token(`), not a
/// literal.
fn looks_like_code(value: &str) -> bool {
    if value.contains(['(', '[', '{']) {
        return true;
    }
    value.contains('.')
        && value.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
        })
}

/// Provider key shapes. Fixed-length ones are checked for a following word character after
/// the match (a longer token is something else).
static PROVIDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u:\b)(?:",
        r"(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}",
        r"|gh[pousr]_[0-9A-Za-z]{36,251}",
        r"|github_pat_[0-9A-Za-z_]{22,255}",
        r"|sk-ant-[0-9A-Za-z_\-]{32,}",
        r"|sk-(?:proj|svcacct|admin)-[0-9A-Za-z_\-]{32,}",
        r"|sk-[0-9A-Za-z]{32,}",
        r"|xox[abprs]-[0-9]+-[0-9A-Za-z\-]{8,}",
        r"|AIza[0-9A-Za-z_\-]{35}",
        r"|[sr]k_live_[0-9A-Za-z]{24,}",
        r"|glpat-[0-9A-Za-z_\-]{20,}",
        r")"
    ))
    .expect("provider key pattern is valid")
});

/// A PEM/PGP private key header followed by key material (a bare header in a parser's
/// `startswith` check is not a key).
static PRIVATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:\\[nr]|[\s"'+,\\])*[A-Za-z0-9+/=]{32}"#,
    )
    .expect("private key pattern is valid")
});

/// A cheap test before the `name = value` pattern.
static NAME_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)pass|pwd|secret|token|key|auth|cred").expect("name hint pattern is valid")
});

/// `name = "value"`, `name: value`, `"name": "value"`, `NAME=value`, with an optional
/// `Bearer ` scheme before the value.
static NAMED_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)([a-z0-9_.\-]{0,64}(?:pass|pwd|secret|token|key|auth|cred)[a-z0-9_.\-]{0,64})["']?[ \t]*(?::=|=>|:|=)[ \t]*["'`]?(?:(?:bearer|basic|token)[ \t]+)?([^\s"'`,;)}\]]{6,512})"#,
    )
    .expect("named value pattern is valid")
});

fn provider_keys(text: &str) -> Vec<SecretMatch> {
    provider_keys_in(text, 0..text.len())
}

/// Every match of `pattern` that starts in `range` and ends by its end; `text` around the
/// range is context (word boundaries), so searching a file part by part finds the same
/// matches as searching it whole.
fn matches_in<'t>(
    pattern: &Regex,
    text: &'t str,
    range: Range<usize>,
) -> impl Iterator<Item = regex::Match<'t>> {
    let haystack = text.get(..range.end).unwrap_or_default();
    let mut at = range.start;
    std::iter::from_fn(move || {
        let m = pattern.find_at(haystack, at)?;
        at = if m.end() > m.start() {
            m.end()
        } else {
            m.end() + 1
        };
        Some(m)
    })
}

/// The provider keys and private keys in `text[range]`.
fn provider_keys_in(text: &str, range: Range<usize>) -> Vec<SecretMatch> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for m in matches_in(&PROVIDER, text, range.clone()) {
        let value = m.as_str();
        let kind = provider_kind(value);
        let fixed_length = matches!(kind, SecretKind::AwsAccessKeyId | SecretKind::GoogleApiKey);
        let continues = bytes
            .get(m.end())
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-');
        if fixed_length && continues {
            continue;
        }
        let body = value
            .find(['_', '-'])
            .filter(|_| kind != SecretKind::AwsAccessKeyId)
            .map_or(&value[4.min(value.len())..], |i| &value[i + 1..]);
        if value.contains("EXAMPLE") || entropy(body) < 3.0 {
            continue;
        }
        found.push(SecretMatch {
            kind,
            range: m.range(),
        });
    }
    let part = text.get(range.clone()).unwrap_or_default();
    if part.contains("PRIVATE KEY") {
        let text = text.get(..range.end).unwrap_or_default();
        for m in matches_in(&PRIVATE_KEY, text, range) {
            let end = text
                .get(m.end()..)
                .and_then(|rest| {
                    let at = rest.get(..rest.len().min(64 * 1024))?.find("-----END")?;
                    let after = m.end() + at + "-----END".len();
                    let close = text.get(after..)?.find("-----")?;
                    Some(after + close + "-----".len())
                })
                .unwrap_or_else(|| {
                    m.end()
                        + text[m.end()..]
                            .bytes()
                            .take_while(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b))
                            .count()
                });
            found.push(SecretMatch {
                kind: SecretKind::PrivateKey,
                range: m.start()..end,
            });
        }
        found.sort_by_key(|m| m.range.start);
    }
    found
}

fn provider_kind(value: &str) -> SecretKind {
    let b = value.as_bytes();
    match b.first() {
        Some(b'A') if value.starts_with("AIza") => SecretKind::GoogleApiKey,
        Some(b'A') => SecretKind::AwsAccessKeyId,
        Some(b'g') if value.starts_with("glpat-") => SecretKind::GitLabToken,
        Some(b'g') => SecretKind::GitHubToken,
        Some(b'x') => SecretKind::SlackToken,
        _ if value.starts_with("sk-ant-") => SecretKind::AnthropicKey,
        _ if value.starts_with("sk-") => SecretKind::OpenAiKey,
        _ => SecretKind::StripeKey,
    }
}

/// The public prefix of a key, safe to show (`ghp_`, `AKIA`, `sk-proj-`).
fn public_prefix(kind: SecretKind, value: &str) -> &str {
    let end = match kind {
        SecretKind::AwsAccessKeyId | SecretKind::GoogleApiKey => 4,
        SecretKind::OpenAiKey if value.starts_with("sk-proj-") => 8,
        SecretKind::OpenAiKey => 3,
        SecretKind::AnthropicKey => 7,
        SecretKind::GitHubToken if value.starts_with("github_pat_") => 11,
        SecretKind::GitHubToken => 4,
        SecretKind::SlackToken => 5,
        SecretKind::StripeKey => 8,
        SecretKind::GitLabToken => 6,
        SecretKind::PrivateKey | SecretKind::NamedSecret => 0,
    };
    value.get(..end).unwrap_or_default()
}

/// Reports provider keys anywhere in the file, comments included.
/// Reports the provider keys in `scan.source[start..end]`.
pub(crate) fn report_provider_keys(scan: &mut Scan, start: usize, end: usize) {
    for m in provider_keys_in(scan.source, start..end) {
        let text = scan.slice(m.range.start, m.range.end);
        let (span_end, message) = if m.kind == SecretKind::PrivateKey {
            // Squiggle the header line, not the whole block.
            let header = text.find("KEY-----").map_or(text.len(), |i| i + 8);
            let header = text
                .find(" BLOCK-----")
                .map_or(header, |i| i + 11)
                .min(text.len());
            (
                m.range.start + header,
                "hard-coded private key; remove it from the source, rotate it and load it from a file or secret store outside the repository".to_string(),
            )
        } else {
            (
                m.range.end,
                format!(
                    "hard-coded {} `{}…` ({} characters); revoke it and load it from the environment or a secret store",
                    m.kind.label(),
                    public_prefix(m.kind, text),
                    text.len()
                ),
            )
        };
        scan.push(Finding::new(
            Rule::HardcodedSecret,
            scan.span(m.range.start, span_end),
            message,
        ));
        scan.provider_secrets.push(m.range);
    }
}

/// A binding of a literal to a secret-looking name.
pub(crate) fn on_binding(scan: &mut Scan, binding: &Binding) {
    let Some((value_node, start, end)) = literal(scan, binding.value) else {
        return;
    };
    let value = scan.slice(start, end);
    if value.len() < 6 {
        return;
    }
    let name = syntax::name_text(scan, binding.name);
    let Some(kind) = secret_name(name) else {
        return;
    };
    let (scheme, secret) = strip_scheme(value);
    if !looks_secret(kind, secret, name) {
        return;
    }
    let (start, end) = (start + scheme, end);
    if scan
        .provider_secrets
        .iter()
        .any(|r| r.start < end && start < r.end)
    {
        return;
    }
    let shown = syntax::shorten(name, 40);
    let message = match kind {
        NameKind::Password => format!(
            "`{shown}` is set to a hard-coded password; read it from the environment or a secret store"
        ),
        NameKind::Secret => format!(
            "`{shown}` is set to a hard-coded secret ({} characters); read it from the environment or a secret store",
            secret.chars().count()
        ),
    };
    scan.report(Rule::HardcodedSecret, value_node, message);
}

/// The string a value is, if it is a literal: `"x"`, Rust's `"x".to_string()` /
/// `String::from("x")`, a C `#define X "x"`. Returns the node and the content range.
fn literal<'t>(scan: &Scan, value: Node<'t>) -> Option<(Node<'t>, usize, usize)> {
    let mut node = syntax::unwrap(value);
    if node.kind() == "preproc_arg" {
        let text = scan.text(node);
        let trimmed = text.trim();
        let offset = text.len() - text.trim_start().len();
        if trimmed.len() >= 2 && trimmed.starts_with('"') && trimmed.ends_with('"') {
            let start = node.start_byte() + offset + 1;
            return Some((node, start, start + trimmed.len() - 2));
        }
        return None;
    }
    if node.kind() == "call_expression" && scan.language == crate::language::Language::Rust {
        let function = node.child_by_field_name("function")?;
        node = match function.kind() {
            "field_expression" => {
                let method = scan.text(function.child_by_field_name("field")?);
                if !matches!(method, "to_string" | "to_owned" | "into") {
                    return None;
                }
                function.child_by_field_name("value")?
            }
            "scoped_identifier" if scan.text(function).ends_with("String::from") => {
                node.child_by_field_name("arguments")?.named_child(0)?
            }
            _ => return None,
        };
    }
    if !syntax::is_string(scan.language, node) {
        return None;
    }
    let (start, end) = syntax::string_content_range(node);
    Some((node, start, end))
}

/// `Bearer abc` → (7, `abc`).
fn strip_scheme(value: &str) -> (usize, &str) {
    for scheme in ["Bearer ", "bearer ", "Basic ", "basic ", "Token ", "token "] {
        if let Some(rest) = value.strip_prefix(scheme) {
            return (scheme.len(), rest);
        }
    }
    (0, value)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameKind {
    Password,
    Secret,
}

/// Words that make a name secret-looking on their own.
const SECRET_WORDS: &[&str] = &[
    "secret",
    "secrets",
    "token",
    "tokens",
    "apikey",
    "apikeys",
    "accesskey",
    "privatekey",
    "secretkey",
    "credential",
    "credentials",
    "creds",
    "auth",
    "authorization",
    "bearer",
];
const PASSWORD_WORDS: &[&str] = &["password", "passwd", "passphrase", "passwords"];
/// Words before `pass` that make it a password (`db_pass`, `SMTP_PASS`).
const PASS_OWNERS: &[&str] = &[
    "db", "database", "user", "admin", "root", "smtp", "mail", "email", "ftp", "sftp", "ssh",
    "mysql", "pg", "postgres", "redis", "mongo", "ldap", "proxy", "login", "account", "bind",
    "service", "wifi", "vnc", "sql", "auth", "basic",
];
/// Two-word secret names: `api_key`, `access_key`, `clientSecret` is covered by `secret`.
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("access", "key"),
    ("private", "key"),
    ("secret", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("app", "key"),
    ("session", "key"),
    ("license", "key"),
    ("client", "key"),
];
/// A last word that makes the name about a secret rather than the secret itself
/// (`password_field`, `token_type`, `secret_name`, `auth_url`).
const NOT_THE_SECRET: &[&str] = &[
    "name",
    "names",
    "type",
    "types",
    "kind",
    "url",
    "urls",
    "uri",
    "endpoint",
    "path",
    "file",
    "filename",
    "dir",
    "field",
    "fields",
    "label",
    "prompt",
    "placeholder",
    "hint",
    "id",
    "ids",
    "length",
    "len",
    "size",
    "count",
    "min",
    "max",
    "pattern",
    "regex",
    "re",
    "format",
    "env",
    "var",
    "header",
    "headers",
    "hdr",
    "params",
    "param",
    "column",
    "col",
    "expiry",
    "expires",
    "expiration",
    "ttl",
    "timeout",
    "prefix",
    "suffix",
    "policy",
    "mode",
    "message",
    "msg",
    "error",
    "text",
    "title",
    "description",
    "help",
    "link",
    "input",
    "button",
    "template",
    "class",
    "style",
    "route",
    "event",
    "method",
    "scope",
    "scopes",
    "version",
    "algorithm",
    "alg",
    "cookie",
    "key",
    "hash",
    "required",
    "enabled",
    "provider",
    "source",
    "store",
    "manager",
    "service",
    "validator",
    "strength",
    "reset",
    "changed",
    "char",
    "chars",
    "charset",
    "index",
    "idx",
    "position",
    "pos",
    "storage",
    "location",
    "attr",
    "attribute",
    "property",
    "prop",
    "option",
    "setting",
    "config",
    "cache",
    "handler",
    "callback",
    "fn",
    "func",
    "lookup",
    "ref",
];

/// Does `name` (an identifier, key or property) name a secret?
pub(crate) fn secret_name(name: &str) -> Option<NameKind> {
    let words = syntax::words(name);
    let last = *words.last()?;
    let is = |w: &str, set: &[&str]| set.iter().any(|s| w.eq_ignore_ascii_case(s));
    // `api_key`, `secret_key` end in "key" and are secrets; a last "key" after anything
    // else (`token_key`, `password_key`) names where a secret goes.
    let pair = words.windows(2).any(|w| {
        SECRET_PAIRS
            .iter()
            .any(|(a, b)| w[0].eq_ignore_ascii_case(a) && w[1].eq_ignore_ascii_case(b))
    });
    let ends_in_pair = words.len() >= 2 && {
        let w = &words[words.len() - 2..];
        SECRET_PAIRS
            .iter()
            .any(|(a, b)| w[0].eq_ignore_ascii_case(a) && w[1].eq_ignore_ascii_case(b))
    };
    if is(last, NOT_THE_SECRET) && !ends_in_pair {
        return None;
    }
    // `pass` alone is too common (`allPass`, a compiler pass): only `db_pass`, `smtpPass`...
    let credential_pass = words.len() >= 2
        && last.eq_ignore_ascii_case("pass")
        && is(words[words.len() - 2], PASS_OWNERS);
    if words.iter().any(|w| is(w, PASSWORD_WORDS)) || credential_pass {
        return Some(NameKind::Password);
    }
    if pair || words.iter().any(|w| is(w, SECRET_WORDS)) {
        return Some(NameKind::Secret);
    }
    None
}

/// Values that stand for a secret rather than being one.
const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "change me",
    "<",
    ">",
    "${",
    "{{",
    "}}",
    "%(",
    "%s",
    "{}",
    "xxx",
    "***",
    "...",
    "…",
    "your",
    "example",
    "placeholder",
    "dummy",
    "sample",
    "redacted",
    "replace",
    "insert",
    "fixme",
    "todo",
    "fake",
    "mock",
    "test",
    "notasecret",
    "secret_here",
    "here",
];

/// Does this literal look like a real secret for a name of this kind?
pub(crate) fn looks_secret(kind: NameKind, value: &str, name: &str) -> bool {
    if value.bytes().any(|b| b.is_ascii_whitespace()) || value.contains("://") {
        return false;
    }
    if value.starts_with('/') || value.starts_with("./") || value.starts_with('$') {
        return false;
    }
    if value.starts_with('%') && value.ends_with('%') {
        return false;
    }
    if value.eq_ignore_ascii_case(name) {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if PLACEHOLDERS.iter().any(|p| lower.contains(p)) {
        return false;
    }
    // `_`, `-` and `.` separate words in names; they do not make a value look like a password.
    let (mut lowers, mut uppers, mut digits, mut others) = (0, 0, 0, 0);
    for c in value.chars() {
        if c.is_ascii_lowercase() {
            lowers += 1;
        } else if c.is_ascii_uppercase() {
            uppers += 1;
        } else if c.is_ascii_digit() {
            digits += 1;
        } else if !matches!(c, '_' | '-' | '.') {
            others += 1;
        }
    }
    let classes = [lowers, uppers, digits, others]
        .iter()
        .filter(|n| **n > 0)
        .count();
    let length = value.chars().count();
    match kind {
        // Passwords are short and chosen by people: any non-placeholder with two kinds of
        // characters, one of them a digit or a symbol (`overEvery` is a word, not a password).
        NameKind::Password => length >= 6 && classes >= 2 && (digits > 0 || others > 0),
        // Keys and tokens are generated: long, random-looking, letters and digits
        // (`my_super_secret_value` and `Proxy-Authorization` are names, not keys).
        NameKind::Secret => {
            length >= 16 && digits > 0 && lowers + uppers > 0 && entropy(value) >= 3.0
        }
    }
}

/// Shannon entropy in bits per byte.
pub(crate) fn entropy(text: &str) -> f64 {
    if text.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in text.bytes() {
        counts[usize::from(b)] += 1;
    }
    let len = text.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(SecretKind, &str)> {
        find_secrets(text)
            .into_iter()
            .map(|m| (m.kind, &text[m.range]))
            .collect()
    }

    // The keys below are made up, and split in the source so that secret scanners (this
    // one included) do not report this file.
    const GITHUB: &str = concat!("gh", "p_Zk8vQ2mX7pL4nR9sT1wY6cB3dF5gH0jK2aE8");
    const AWS: &str = concat!("AK", "IAZ3MN8QW2RT5YX7PL");

    #[test]
    fn provider_keys_are_found_in_any_text() {
        let openai = concat!(
            "sk",
            "-proj-Qw3rT8yU1iO5pA9sD2fG6hJ0kL4zX7cV3bN8mQ1wE5rT9yU2iO6p"
        );
        let anthropic = concat!(
            "sk",
            "-ant-api03-Zx9Cv8Bn7Mq6Wr5Et4Yu3Io2Pa1SdFgHjKl0QwErTy"
        );
        let slack = concat!("xo", "xb-2048123456-9087654321-Abc8Def7Ghi6Jkl5");
        let text = format!("aws {AWS} and {GITHUB}, {openai} {anthropic} {slack}");
        assert_eq!(
            kinds(&text),
            [
                (SecretKind::AwsAccessKeyId, AWS),
                (SecretKind::GitHubToken, GITHUB),
                (SecretKind::OpenAiKey, openai),
                (SecretKind::AnthropicKey, anthropic),
                (SecretKind::SlackToken, slack),
            ]
        );
    }

    #[test]
    fn documentation_examples_and_lookalikes_are_not_keys() {
        assert!(find_secrets("AKIAIOSFODNN7EXAMPLE").is_empty());
        assert!(find_secrets(concat!("gh", "p_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")).is_empty());
        assert!(find_secrets(&format!("ta{}", &GITHUB.replace("ghp_", "sk-"))).is_empty());
        // 21 characters: not an access key id.
        assert!(find_secrets(&format!("{AWS}Q")).is_empty());
        assert!(find_secrets("if pem.startswith('-----BEGIN RSA PRIVATE KEY-----'):").is_empty());
    }

    #[test]
    fn a_private_key_block_is_redacted_whole() {
        let text = concat!(
            "key = \"\"\"-----BEGIN RSA PRIVATE",
            " KEY-----\nMIIEowIBAAKCAQEA7bq3Xk9mPq2Lr8sT4vW6yZ1aB3cD5eF7gH9iJ0kL\n-----END RSA PRIVATE KEY-----\"\"\""
        );
        let found = find_secrets(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, SecretKind::PrivateKey);
        let block = &text[found[0].range.clone()];
        assert!(block.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
        assert!(block.ends_with("-----END RSA PRIVATE KEY-----"));
    }

    #[test]
    fn named_values_in_text_are_found_but_placeholders_are_not() {
        assert_eq!(
            kinds("DB_PASSWORD=hunter22\nAPI_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n"),
            [
                (SecretKind::NamedSecret, "hunter22"),
                (SecretKind::NamedSecret, "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
            ]
        );
        assert_eq!(
            kinds(r#"{"client_secret": "Q2hpY2tlbk5vb2RsZVNvdXA5OTk="}"#),
            [(SecretKind::NamedSecret, "Q2hpY2tlbk5vb2RsZVNvdXA5OTk=")]
        );
        assert_eq!(
            kinds("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sIg9x"),
            [(
                SecretKind::NamedSecret,
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sIg9x"
            )]
        );
        for text in [
            "password = \"changeme\"",
            "api_key: <your-api-key>",
            "token = ${GITHUB_TOKEN}",
            "password = os.environ['PASSWORD']",
            "password = config.db.password",
            "password = new_password",
            "token = get_token(user)",
            "secret_name = my-app-secret-2024-prod-eu",
            "token_type = Bearer",
            "password: ''",
            "the key: value of this",
        ] {
            assert_eq!(kinds(text), [], "{text}");
        }
    }

    #[test]
    fn secret_names_are_recognised_by_their_words() {
        for name in [
            "password",
            "DB_PASSWORD",
            "userPasswd",
            "db_pass",
            "api_key",
            "apiKey",
            "APIKey",
            "client_secret",
            "clientSecret",
            "AUTH_TOKEN",
            "accessToken",
            "secret_key",
            "private_key",
            "SECRET",
            "authorization",
            "github_token",
            "stripeApiKey",
            "SMTP_PASS",
        ] {
            assert!(secret_name(name).is_some(), "{name}");
        }
        for name in [
            "key",
            "token_type",
            "password_field",
            "secret_name",
            "auth_url",
            "author",
            "tokenizer",
            "passive",
            "keyboard",
            "monkey",
            "bypass_cache",
            "password_key",
            "apiKeyHeader",
            "PASSWORD_MIN_LENGTH",
            "allPass",
            "BenchmarkPhioptPass",
        ] {
            assert!(secret_name(name).is_none(), "{name}");
        }
    }

    #[test]
    fn find_secrets_never_panics_on_odd_text() {
        for text in [
            "",
            "é",
            "password=ééééééééé",
            "-----BEGIN PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // cairn: ignore[security/hardcoded-secret] test input
            "ghp_",
            "AKIA",
            "token:😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
        ] {
            let _ = find_secrets(text);
        }
    }
}

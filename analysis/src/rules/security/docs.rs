//! Documentation of the security rules (rendered into docs/rules.md).

use crate::finding::Severity;
use crate::rules::RuleDoc;

pub(crate) static EVAL: RuleDoc = RuleDoc {
    id: "security/eval",
    summary: "Code built at run time is executed.",
    what: "Code built at run time is executed.",
    why: "Code built at run time is executed.",
    example: "text\n",
    cwe: Some(95),
    equivalent: "bandit B307 (eval), semgrep `eval-detected`",
    default_severity: Severity::Error,
    languages: "",
    fixable: false,
};

pub(crate) static SHELL_INJECTION: RuleDoc = RuleDoc {
    id: "security/shell-injection",
    summary: "A command runs through a shell with input that is not a literal.",
    what: "A command runs through a shell with input that is not a literal.",
    why: "A command runs through a shell with input that is not a literal.",
    example: "text\n",
    cwe: Some(78),
    equivalent: "bandit B602/B605, semgrep `subprocess-shell-true`",
    default_severity: Severity::Error,
    languages: "",
    fixable: false,
};

pub(crate) static SQL_INJECTION: RuleDoc = RuleDoc {
    id: "security/sql-injection",
    summary: "A SQL query is built by string formatting or concatenation.",
    what: "A SQL query is built by string formatting or concatenation.",
    why: "A SQL query is built by string formatting or concatenation.",
    example: "text\n",
    cwe: Some(89),
    equivalent: "bandit B608, semgrep `formatted-sql-query`",
    default_severity: Severity::Error,
    languages: "",
    fixable: false,
};

pub(crate) static HARDCODED_SECRET: RuleDoc = RuleDoc {
    id: "security/hardcoded-secret",
    summary: "A credential is written in the source.",
    what: "A credential is written in the source.",
    why: "A credential is written in the source.",
    example: "text\n",
    cwe: Some(798),
    equivalent: "bandit B105/B106, gitleaks, semgrep `generic.secrets`",
    default_severity: Severity::Error,
    languages: "",
    fixable: false,
};

pub(crate) static WEAK_HASH: RuleDoc = RuleDoc {
    id: "security/weak-hash",
    summary: "MD5 or SHA-1 is used.",
    what: "MD5 or SHA-1 is used.",
    why: "MD5 or SHA-1 is used.",
    example: "text\n",
    cwe: Some(328),
    equivalent: "bandit B303/B324, semgrep `insecure-hash-algorithm`",
    default_severity: Severity::Warning,
    languages: "",
    fixable: false,
};

pub(crate) static UNSAFE_DESERIALIZATION: RuleDoc = RuleDoc {
    id: "security/unsafe-deserialization",
    summary: "Untrusted data may be deserialized into objects (pickle, yaml.load, marshal).",
    what: "Untrusted data may be deserialized into objects (pickle, yaml.load, marshal).",
    why: "Untrusted data may be deserialized into objects (pickle, yaml.load, marshal).",
    example: "text\n",
    cwe: Some(502),
    equivalent: "bandit B301/B506, semgrep `avoid-pickle`",
    default_severity: Severity::Error,
    languages: "",
    fixable: false,
};

pub(crate) static INSECURE_TLS: RuleDoc = RuleDoc {
    id: "security/insecure-tls",
    summary: "TLS certificate verification is turned off.",
    what: "TLS certificate verification is turned off.",
    why: "TLS certificate verification is turned off.",
    example: "text\n",
    cwe: Some(295),
    equivalent: "bandit B501, semgrep `disabled-cert-validation`",
    default_severity: Severity::Error,
    languages: "",
    fixable: false,
};

pub(crate) static INSECURE_RANDOM: RuleDoc = RuleDoc {
    id: "security/insecure-random",
    summary: "A non-cryptographic random generator is used where a secret may be made.",
    what: "A non-cryptographic random generator is used where a secret may be made.",
    why: "A non-cryptographic random generator is used where a secret may be made.",
    example: "text\n",
    cwe: Some(338),
    equivalent: "bandit B311, semgrep `insecure-random`",
    default_severity: Severity::Warning,
    languages: "",
    fixable: false,
};

pub(crate) static REQUEST_WITHOUT_TIMEOUT: RuleDoc = RuleDoc {
    id: "security/request-without-timeout",
    summary: "An HTTP request has no timeout.",
    what: "An HTTP request has no timeout.",
    why: "An HTTP request has no timeout.",
    example: "text\n",
    cwe: Some(400),
    equivalent: "bandit B113, semgrep `request-without-timeout`",
    default_severity: Severity::Warning,
    languages: "",
    fixable: false,
};

pub(crate) static XSS: RuleDoc = RuleDoc {
    id: "security/xss",
    summary: "Non-literal HTML is written into the page.",
    what: "Non-literal HTML is written into the page.",
    why: "Non-literal HTML is written into the page.",
    example: "text\n",
    cwe: Some(79),
    equivalent: "semgrep `insecure-document-method`, eslint-plugin-react `no-danger`",
    default_severity: Severity::Error,
    languages: "",
    fixable: false,
};

pub(crate) static BUFFER_OVERFLOW: RuleDoc = RuleDoc {
    id: "security/buffer-overflow",
    summary: "A C function that cannot bound its writes is called (gets, strcpy, strcat, sprintf).",
    what: "A C function that cannot bound its writes is called (gets, strcpy, strcat, sprintf).",
    why: "A C function that cannot bound its writes is called (gets, strcpy, strcat, sprintf).",
    example: "text\n",
    cwe: Some(120),
    equivalent: "flawfinder, semgrep `insecure-use-gets-fn`",
    default_severity: Severity::Error,
    languages: "",
    fixable: false,
};

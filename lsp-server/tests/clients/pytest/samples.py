"""Source files with known findings (see docs/rules.md), and what their quick fixes make of
them. Non-ASCII text and emoji sit before findings on purpose: in UTF-16 an emoji is a
surrogate pair (two code units), in UTF-8 four bytes, so a server that counts columns in the
wrong unit puts every range after it in the wrong place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    file_name: str
    language_id: str
    text: str
    # (rule id, the exact source text its diagnostic covers), in document order.
    findings: tuple[tuple[str, str], ...]
    # The finding whose preferred quick fix the tests apply, and the text that gives.
    fixed_rule: str
    fixed_text: str
    # The text after `source.fixAll.cairn`: every finding that has a fix, fixed.
    all_fixed_text: str


PYTHON = Sample(
    file_name="handler.py",
    language_id="python",
    text='''"""Grüße aus Köln 😀: findings on purpose."""
import hashlib
import yaml


def handler(user_input, data, x):
    value = eval(user_input)
    config = yaml.load(data)
    label = "😀 naïve"; digest = hashlib.md5(x).hexdigest()
    return value, config, label, digest


def grade(score):
    if score > 90 and score < 100:
        return "très bien 😀"
    elif score > 50:
        return "bien"
    return "😐"
''',
    findings=(
        ("security/eval", "eval(user_input)"),
        ("security/unsafe-deserialization", "yaml.load(data)"),
        ("security/weak-hash", "hashlib.md5(x)"),
    ),
    fixed_rule="security/weak-hash",
    fixed_text='''"""Grüße aus Köln 😀: findings on purpose."""
import hashlib
import yaml


def handler(user_input, data, x):
    value = eval(user_input)
    config = yaml.load(data)
    label = "😀 naïve"; digest = hashlib.sha256(x).hexdigest()
    return value, config, label, digest


def grade(score):
    if score > 90 and score < 100:
        return "très bien 😀"
    elif score > 50:
        return "bien"
    return "😐"
''',
    all_fixed_text='''"""Grüße aus Köln 😀: findings on purpose."""
import hashlib
import yaml


def handler(user_input, data, x):
    value = eval(user_input)
    config = yaml.safe_load(data)
    label = "😀 naïve"; digest = hashlib.sha256(x).hexdigest()
    return value, config, label, digest


def grade(score):
    if score > 90 and score < 100:
        return "très bien 😀"
    elif score > 50:
        return "bien"
    return "😐"
''',
)

TYPESCRIPT = Sample(
    file_name="checksum.ts",
    language_id="typescript",
    text="""import { createHash } from "crypto";

// Prüfsumme 😀
export function checksum(data: string): string {
  const tag = "😀"; return tag + createHash("md5").update(data).digest("hex");
}

export function run(code: string): unknown {
  return eval(code);
}
""",
    findings=(
        ("security/weak-hash", 'createHash("md5")'),
        ("security/eval", "eval(code)"),
    ),
    fixed_rule="security/weak-hash",
    fixed_text="""import { createHash } from "crypto";

// Prüfsumme 😀
export function checksum(data: string): string {
  const tag = "😀"; return tag + createHash("sha256").update(data).digest("hex");
}

export function run(code: string): unknown {
  return eval(code);
}
""",
    all_fixed_text="""import { createHash } from "crypto";

// Prüfsumme 😀
export function checksum(data: string): string {
  const tag = "😀"; return tag + createHash("sha256").update(data).digest("hex");
}

export function run(code: string): unknown {
  return eval(code);
}
""",
)

RUST = Sample(
    file_name="client.rs",
    language_id="rust",
    text="""// Zertifikate prüfen 😀
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent("😀 café").danger_accept_invalid_certs(true)
        .build()
        .unwrap()
}
""",
    findings=(("security/insecure-tls", "danger_accept_invalid_certs(true)"),),
    fixed_rule="security/insecure-tls",
    fixed_text="""// Zertifikate prüfen 😀
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent("😀 café")
        .build()
        .unwrap()
}
""",
    all_fixed_text="""// Zertifikate prüfen 😀
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent("😀 café")
        .build()
        .unwrap()
}
""",
)

SAMPLES = [PYTHON, TYPESCRIPT, RUST]

//! `.cairn.toml`: which rules run, at which severity, with which thresholds, on which files.
//!
//! ```toml
//! [rules]
//! select = ["security", "complexity/cognitive"]   # default: every rule
//! ignore = ["smell/long-function"]
//! [rules.severity]
//! "security/weak-hash" = "warning"
//! [thresholds]
//! cyclomatic = 15
//! cognitive = 15
//! nesting = 4
//! function_lines = 100
//! params = 7
//! [files]
//! exclude = ["vendor/**", "**/*.min.js"]
//! ```
//!
//! Parsing lives here; finding the file (walking up from the analysed file) is the caller's
//! job, since this crate does no I/O.

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::finding::Severity;
use crate::rules::Rule;

/// The name of the configuration file looked up from a file's directory upward.
pub const CONFIG_FILE_NAME: &str = ".cairn.toml";

#[derive(Clone, Debug)]
pub struct Config {
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    severity: BTreeMap<Rule, Severity>,
    pub thresholds: Thresholds,
    exclude: GlobSet,
    exclude_patterns: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    pub cyclomatic: u32,
    pub cognitive: u32,
    pub nesting: u32,
    pub function_lines: u32,
    pub params: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            cyclomatic: 15,
            cognitive: 15,
            nesting: 4,
            function_lines: 100,
            params: 7,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            select: None,
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            thresholds: Thresholds::default(),
            exclude: GlobSet::empty(),
            exclude_patterns: Vec::new(),
        }
    }
}

/// A configuration that cannot be used, with the file, the key and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct ConfigError {
    pub origin: String,
    /// The dotted key at fault (`rules.severity."security/eval"`), when known.
    pub key: Option<String>,
    pub message: String,
    /// 0-based line of the fault in the file, when known.
    pub line: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    rules: RawRules,
    thresholds: Thresholds,
    files: RawFiles,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawRules {
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    severity: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawFiles {
    exclude: Vec<String>,
}

impl Config {
    /// Parses the text of a `.cairn.toml`; `origin` names the file in error messages.
    pub fn from_toml(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() as u32);
            ConfigError {
                origin: origin.to_string(),
                key: None,
                message: format!(
                    "invalid configuration{}: {}",
                    line.map_or(String::new(), |l| format!(" at line {}", l + 1)),
                    e.message()
                ),
                line,
            }
        })?;
        let error = |key: String, message: String| ConfigError {
            origin: origin.to_string(),
            line: find_line(text, &key),
            key: Some(key),
            message,
        };
        let known = || {
            let groups = ["security", "complexity", "smell", "syntax"];
            let ids: Vec<_> = Rule::ALL.iter().map(|r| r.id()).collect();
            format!(
                "a group ({}) or a rule id ({})",
                groups.join(", "),
                ids.join(", ")
            )
        };
        for (key, list) in [
            (
                "rules.select",
                raw.rules.select.as_deref().unwrap_or_default(),
            ),
            ("rules.ignore", &raw.rules.ignore),
        ] {
            for selector in list {
                if !Rule::is_selector(selector) {
                    return Err(error(
                        key.to_string(),
                        format!(
                            "`{key}` names unknown rule `{selector}`; expected {}",
                            known()
                        ),
                    ));
                }
            }
        }
        let mut severity = BTreeMap::new();
        for (selector, level) in &raw.rules.severity {
            let key = format!("rules.severity.\"{selector}\"");
            if !Rule::is_selector(selector) {
                return Err(error(
                    key.clone(),
                    format!(
                        "`{key}` names unknown rule `{selector}`; expected {}",
                        known()
                    ),
                ));
            }
            let level: Severity = level
                .parse()
                .map_err(|e: String| error(key.clone(), format!("`{key}`: {e}")))?;
            for rule in Rule::ALL.into_iter().filter(|r| r.matches(selector)) {
                // A rule's own entry wins over its group's.
                if selector == rule.id() || !severity.contains_key(&rule) {
                    severity.insert(rule, level);
                }
            }
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in &raw.files.exclude {
            let glob = Glob::new(pattern).map_err(|e| {
                error(
                    "files.exclude".to_string(),
                    format!("`files.exclude` has an invalid glob `{pattern}`: {e}"),
                )
            })?;
            builder.add(glob);
        }
        let exclude = builder
            .build()
            .map_err(|e| error("files.exclude".to_string(), format!("`files.exclude`: {e}")))?;
        Ok(Config {
            select: raw.rules.select,
            ignore: raw.rules.ignore,
            severity,
            thresholds: raw.thresholds,
            exclude,
            exclude_patterns: raw.files.exclude,
        })
    }

    pub fn is_enabled(&self, rule: Rule) -> bool {
        let selected = self
            .select
            .as_ref()
            .is_none_or(|s| s.iter().any(|sel| rule.matches(sel)));
        selected && !self.ignore.iter().any(|sel| rule.matches(sel))
    }

    pub fn severity(&self, rule: Rule) -> Severity {
        self.severity_override(rule)
            .unwrap_or(rule.doc().default_severity)
    }

    /// The severity the configuration sets for a rule, if it sets one. Without one, each
    /// finding keeps the severity its rule gave it (a rule may report some cases more
    /// severely than its default, e.g. `gets` among the buffer-overflow calls).
    pub fn severity_override(&self, rule: Rule) -> Option<Severity> {
        self.severity.get(&rule).copied()
    }

    /// Is this path (relative to the directory holding the configuration) excluded?
    pub fn is_excluded(&self, relative_path: &std::path::Path) -> bool {
        self.exclude.is_match(relative_path)
    }

    pub fn exclude_patterns(&self) -> &[String] {
        &self.exclude_patterns
    }
}

/// The first line that mentions the last part of a dotted key, for pointing at it.
fn find_line(text: &str, key: &str) -> Option<u32> {
    let needle = key.rsplit('.').next()?.trim_matches('"');
    text.lines()
        .position(|l| l.contains(needle))
        .map(|l| l as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_defaults() {
        let config = Config::from_toml("", "x").unwrap();
        assert!(Rule::ALL.iter().all(|r| config.is_enabled(*r)));
        assert_eq!(config.thresholds, Thresholds::default());
    }

    #[test]
    fn select_ignore_and_severity_apply_to_groups_and_ids() {
        let config = Config::from_toml(
            "[rules]\nselect = [\"security\", \"complexity/cognitive\"]\nignore = [\"security/eval\"]\n\
             [rules.severity]\nsecurity = \"info\"\n\"security/weak-hash\" = \"hint\"\n[thresholds]\ncognitive = 3\n\
             [files]\nexclude = [\"vendor/**\"]\n",
            ".cairn.toml",
        )
        .unwrap();
        assert!(config.is_enabled(Rule::WeakHash));
        assert!(config.is_enabled(Rule::Cognitive));
        assert!(!config.is_enabled(Rule::Cyclomatic));
        assert!(!config.is_enabled(Rule::Eval));
        assert_eq!(config.severity(Rule::WeakHash), Severity::Hint);
        assert_eq!(config.severity(Rule::Xss), Severity::Info);
        assert_eq!(config.thresholds.cognitive, 3);
        assert_eq!(config.thresholds.cyclomatic, 15);
        assert!(config.is_excluded(std::path::Path::new("vendor/a/b.py")));
        assert!(!config.is_excluded(std::path::Path::new("src/b.py")));
    }

    #[test]
    fn an_unknown_rule_names_the_file_key_and_choices() {
        let err = Config::from_toml("[rules]\nignore = [\"security/evil\"]\n", "/p/.cairn.toml")
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("/p/.cairn.toml: `rules.ignore` names unknown rule `security/evil`"),
            "{text}"
        );
        assert!(text.contains("security/eval"), "{text}");
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn an_unknown_key_or_bad_value_is_an_error_with_its_line() {
        let err = Config::from_toml("[thresholds]\ncyclomatc = 3\n", "c.toml").unwrap_err();
        assert!(
            err.to_string().contains("unknown field `cyclomatc`"),
            "{err}"
        );
        assert!(err.to_string().contains("cyclomatic"), "{err}");
        assert_eq!(err.line, Some(1));
        let err = Config::from_toml(
            "[rules.severity]\n\"security/eval\" = \"fatal\"\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("expected one of error, warning, info, hint"),
            "{err}"
        );
        let err = Config::from_toml("[thresholds]\nnesting = \"deep\"\n", "c.toml").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}

//! The client's settings for Cairn: from `initializationOptions`, from
//! `workspace/didChangeConfiguration`, or pulled with `workspace/configuration` (section
//! `cairn`). Analysis settings live in `.cairn.toml`, shared with `cairn-lsp check`; these
//! are about the editor session.

use serde_json::Value;
use tracing::level_filters::LevelFilter;

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The level of the logs sent to the client's `window/logMessage`.
    pub log_level: LevelFilter,
    /// Code lenses with each function's complexity.
    pub code_lens: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            log_level: LevelFilter::INFO,
            code_lens: true,
        }
    }
}

impl Settings {
    /// `base` updated with what `value` says. `value` is `{ "cairn": { ... } }` or the
    /// section itself; null or a non-object leaves `base` as it is. A wrong value is
    /// reported (key, what was given, what is allowed) and leaves that setting unchanged.
    pub fn merged(base: &Settings, value: &Value) -> (Settings, Vec<String>) {
        let mut settings = base.clone();
        let mut problems = Vec::new();
        let section = value.get("cairn").unwrap_or(value);
        let Some(section) = section.as_object() else {
            return (settings, problems);
        };
        for (key, value) in section {
            match key.as_str() {
                "logLevel" => match value.as_str().map(str::parse::<LevelFilter>) {
                    Some(Ok(level)) => settings.log_level = level,
                    _ => problems.push(format!(
                        "setting cairn.logLevel: {value} is not one of \"off\", \"error\", \"warn\", \"info\", \"debug\", \"trace\""
                    )),
                },
                "codeLens" => match value.as_bool() {
                    Some(on) => settings.code_lens = on,
                    None => problems.push(format!(
                        "setting cairn.codeLens: {value} is not true or false"
                    )),
                },
                // Settings of later Cairn versions, or of the editor extension itself.
                other => tracing::debug!("ignoring the unknown setting cairn.{other}"),
            }
        }
        (settings, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_cairn_section_or_the_section_itself() {
        let base = Settings::default();
        let (s, problems) = Settings::merged(
            &base,
            &json!({"cairn": {"logLevel": "debug", "codeLens": false}}),
        );
        assert_eq!((s.log_level, s.code_lens), (LevelFilter::DEBUG, false));
        assert!(problems.is_empty());
        let (s, _) = Settings::merged(&base, &json!({"logLevel": "warn"}));
        assert_eq!(s.log_level, LevelFilter::WARN);
        assert_eq!(Settings::merged(&base, &Value::Null).0, base);
    }

    #[test]
    fn a_wrong_value_is_reported_and_keeps_the_previous_one() {
        let base = Settings::default();
        let (s, problems) = Settings::merged(
            &base,
            &json!({"logLevel": "loud", "codeLens": "yes", "future": 1}),
        );
        assert_eq!(s, base);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.contains("cairn.logLevel: \"loud\"")),
            "{problems:?}"
        );
    }
}

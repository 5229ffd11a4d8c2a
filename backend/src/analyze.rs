//! `POST /api/v1/analyze`: the `check --format json` report of one text, computed by the
//! analysis engine on a blocking thread (bounded by the number of cores) and cached by a
//! hash of everything that decides the answer (engine version, language, path, config,
//! code) for an hour. The answer says whether it was cached (`X-Cache`).

use bytes::Bytes;
use cairn_analysis::{Config, Language, LineCol, LineIndex};
use cairn_protocol::check::{
    AnalyzeRequest, CheckReport, CheckSummary, CheckedFile, DiagnosticReport, FunctionReport,
    Position, Range,
};
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::auth::{Permission, Principal};
use crate::cache::Namespace;
use crate::error::{AppError, AppResult};
use crate::validate;

pub async fn analyze(
    state: &AppState,
    principal: &Principal,
    req: AnalyzeRequest,
) -> AppResult<(Bytes, bool)> {
    principal.require(Permission::ReadPublic)?;
    let language = language(&req.language)?;
    let path = req.path.unwrap_or_else(|| "input".to_string());
    validate::name("path", &path, 1, 500)?;
    let config = match &req.config {
        Some(text) => Config::from_toml(text, ".cairn.toml")
            .map_err(|e| AppError::validation("config", e.to_string()))?,
        None => Config::default(),
    };
    let key = cache_key(language, &path, req.config.as_deref(), &req.code);
    if let Some(hit) = state.cache.get(Namespace::Analysis, &key).await {
        return Ok((hit, true));
    }
    let _permit = state
        .analysis_permits
        .acquire()
        .await
        .map_err(|_| AppError::internal("analysis pool closed"))?;
    let code = req.code;
    let json = tokio::task::spawn_blocking(move || {
        serde_json::to_vec(&report(&code, language, &config, path))
    })
    .await
    .map_err(|e| AppError::internal(format!("analysis task: {e}")))?
    .map_err(AppError::internal)?;
    let json = Bytes::from(json);
    state
        .cache
        .put(Namespace::Analysis, &key, json.clone())
        .await;
    Ok((json, false))
}

fn language(name: &str) -> AppResult<Language> {
    Language::ALL
        .into_iter()
        .find(|l| l.name() == name)
        .or_else(|| Language::from_lsp_id(name))
        .ok_or_else(|| {
            let names: Vec<&str> = Language::ALL.iter().map(|l| l.name()).collect();
            AppError::validation("language", format!("must be one of {}", names.join(", ")))
        })
}

fn cache_key(language: Language, path: &str, config: Option<&str>, code: &str) -> String {
    let mut hash = Sha256::new();
    for part in [
        env!("CARGO_PKG_VERSION"),
        language.name(),
        path,
        config.unwrap_or("\u{0}default"),
        code,
    ] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hex::encode(hash.finalize())
}

/// The same report `cairn-lsp check --format json` prints for a file with this text.
pub fn report(source: &str, language: Language, config: &Config, path: String) -> CheckReport {
    // Like `check`: a byte-order mark is not part of the text editors show.
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let analysis = cairn_analysis::analyze(source, language, config);
    let index = LineIndex::new(source);
    let position = |at: LineCol| Position {
        line: at.line,
        character: index.utf16_column(at),
    };
    let functions: Vec<FunctionReport> = analysis
        .functions
        .iter()
        .map(|f| FunctionReport {
            name: f.name.clone(),
            start_line: f.start_line,
            end_line: f.end_line,
            params: f.params,
            lines: f.lines,
            cyclomatic: f.cyclomatic,
            cognitive: f.cognitive,
            nesting: f.nesting,
        })
        .collect();
    let diagnostics: Vec<DiagnosticReport> = analysis
        .findings
        .iter()
        .map(|finding| DiagnosticReport {
            rule: finding.rule.id().to_string(),
            severity: finding.severity.as_str().to_string(),
            message: finding.message.clone(),
            range: Range {
                start: position(finding.span.start),
                end: position(finding.span.end),
            },
        })
        .collect();
    CheckReport {
        summary: CheckSummary {
            files: 1,
            functions: functions.len(),
            diagnostics: diagnostics.len(),
        },
        files: vec![CheckedFile {
            path,
            language: language.name().to_string(),
            functions,
            diagnostics,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_has_check_s_shape_with_utf16_columns() {
        let report = report(
            "def f(x):\n    s = 'é😀'; return eval(x)\n",
            Language::Python,
            &Config::default(),
            "a.py".into(),
        );
        let file = &report.files[0];
        assert_eq!(file.language, "python");
        assert_eq!(file.functions[0].name, "f");
        let eval = file
            .diagnostics
            .iter()
            .find(|d| d.rule == "security/eval")
            .expect("eval is found");
        // `    s = 'é😀'; return ` is 22 UTF-16 code units (😀 is two), 21 characters
        assert_eq!(
            eval.range.start,
            Position {
                line: 1,
                character: 22
            }
        );
        assert_eq!(report.summary.diagnostics, file.diagnostics.len());
    }

    #[test]
    fn the_cache_key_separates_every_input() {
        let a = cache_key(Language::Python, "p", None, "x");
        assert_ne!(a, cache_key(Language::Rust, "p", None, "x"));
        assert_ne!(a, cache_key(Language::Python, "q", None, "x"));
        assert_ne!(a, cache_key(Language::Python, "p", Some(""), "x"));
        assert_ne!(a, cache_key(Language::Python, "p", None, "y"));
        assert_ne!(
            cache_key(Language::Python, "ab", None, "c"),
            cache_key(Language::Python, "a", None, "bc")
        );
    }

    #[test]
    fn languages_accept_check_names_and_lsp_ids() {
        assert_eq!(language("tsx").unwrap(), Language::Tsx);
        assert_eq!(language("typescriptreact").unwrap(), Language::Tsx);
        assert!(matches!(
            language("cobol"),
            Err(AppError::Validation { .. })
        ));
    }
}

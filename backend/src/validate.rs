//! Checks on request fields. Each failure names the field. Text is stored verbatim: no
//! trimming, no normalisation; the only characters refused anywhere are NUL (PostgreSQL
//! cannot store it in text, and SQLite must not differ) and, in names, control characters.

use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::store::PageRequest;

pub const DEFAULT_PAGE: u32 = 20;
pub const MAX_PAGE: u32 = 100;

/// A text of `min..=max` characters without NUL.
pub fn text(field: &str, value: &str, min: usize, max: usize) -> AppResult<()> {
    if value.contains('\0') {
        return Err(AppError::validation(
            field,
            "must not contain NUL characters",
        ));
    }
    let chars = value.chars().count();
    if chars < min {
        return Err(AppError::validation(
            field,
            if min == 1 {
                "must not be empty".to_string()
            } else {
                format!("must be at least {min} characters")
            },
        ));
    }
    if chars > max {
        return Err(AppError::validation(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// A one-line name (titles, token names): also no control characters.
pub fn name(field: &str, value: &str, min: usize, max: usize) -> AppResult<()> {
    text(field, value, min, max)?;
    if value.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// 3–32 letters (any script), digits, `_`, `-`, `.`.
pub fn username(value: &str) -> AppResult<()> {
    text("username", value, 3, 32)?;
    if !value
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(AppError::validation(
            "username",
            "may contain only letters, digits, `_`, `-` and `.`",
        ));
    }
    Ok(())
}

/// `local@domain`, at most 254 characters, no whitespace; non-ASCII allowed (RFC 6531).
pub fn email(value: &str) -> AppResult<()> {
    text("email", value, 3, 254)?;
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if !valid {
        return Err(AppError::validation(
            "email",
            "is not an email address such as ada@example.com",
        ));
    }
    Ok(())
}

/// 8 characters to 1024 bytes (longer inputs only cost hashing time).
pub fn password(value: &str) -> AppResult<()> {
    text("password", value, 8, 1024)?;
    if value.len() > 1024 {
        return Err(AppError::validation(
            "password",
            "must be at most 1024 bytes",
        ));
    }
    Ok(())
}

/// `?limit=&cursor=` for id-ordered pages.
pub fn page(limit: Option<u32>, cursor: Option<&str>) -> AppResult<PageRequest<Uuid>> {
    Ok(PageRequest {
        before: match cursor.filter(|c| !c.is_empty()) {
            Some(c) => Some(Uuid::parse_str(c).map_err(|_| {
                AppError::validation("cursor", "is not a cursor this API returned")
            })?),
            None => None,
        },
        limit: page_size(limit)?,
    })
}

pub fn page_size(limit: Option<u32>) -> AppResult<u32> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(n @ 1..=MAX_PAGE) => Ok(n),
        Some(_) => Err(AppError::validation(
            "limit",
            format!("must be from 1 to {MAX_PAGE}"),
        )),
    }
}

/// The words of a search: runs of letters and digits (any script), at most 16, each at most
/// 64 characters. Everything else separates words, so no query syntax survives.
pub fn search_words(query: &str) -> AppResult<Vec<String>> {
    text("q", query, 0, 500)?;
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(64).collect::<String>().to_lowercase())
        .take(16)
        .collect();
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_allow_letters_of_any_script_but_no_sql_punctuation() {
        assert!(username("ada_lovelace").is_ok());
        assert!(username("Zoë.Ørsted-李").is_ok());
        let err = username("x'; DROP TABLE users; --").unwrap_err();
        assert!(matches!(err, AppError::Validation { ref field, .. } if field == "username"));
        assert!(username("ab").is_err());
    }

    #[test]
    fn text_keeps_everything_but_nul() {
        assert!(text("title", "'; DROP TABLE conversations; -- 🤖 ñ", 1, 200).is_ok());
        assert!(text("title", "a\0b", 1, 200).is_err());
        assert!(text("title", &"é".repeat(200), 1, 200).is_ok());
        assert!(text("title", &"é".repeat(201), 1, 200).is_err());
    }

    #[test]
    fn search_words_drop_query_syntax() {
        assert_eq!(
            search_words("title:\"x\" OR NEAR(a b) -- ünïcode").unwrap(),
            vec!["title", "x", "or", "near", "a", "b", "ünïcode"]
        );
        assert!(search_words("* ' ;").unwrap().is_empty());
    }

    #[test]
    fn emails_and_pages() {
        assert!(email("ada@example.com").is_ok());
        assert!(email("josé@exämple.de").is_ok());
        assert!(email("no-at-sign").is_err());
        assert!(email("a b@c.d").is_err());
        assert!(page(Some(0), None).is_err());
        assert!(page(None, Some("nope")).is_err());
        assert_eq!(page(None, None).unwrap().limit, DEFAULT_PAGE);
    }
}

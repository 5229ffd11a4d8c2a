//! Random secrets and their stored digests.

use base64::Engine;
use sha2::{Digest, Sha256};

/// 256 random bits as URL-safe base64 (43 characters) after `prefix`.
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    fill(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// What the database keeps of a high-entropy token: its SHA-256.
pub fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub fn digest_hex(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The alphabet of RFC 8628 §6.1's example: consonants only, no look-alikes, no vowels
/// (so no words).
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

/// `WDJB-MJHT`: 8 characters of a 20-letter alphabet (~34.5 bits), easy to type.
pub fn user_code() -> String {
    let mut bytes = [0u8; 8];
    fill(&mut bytes);
    let letters: String = bytes
        .iter()
        // 256 = 12·20 + 16: values ≥ 240 would bias; redraw them.
        .map(|b| {
            let mut b = *b;
            while b >= 240 {
                let mut one = [0u8; 1];
                fill(&mut one);
                b = one[0];
            }
            USER_CODE_ALPHABET[usize::from(b) % USER_CODE_ALPHABET.len()] as char
        })
        .collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

/// A user code as typed: case, spaces and dashes do not matter.
pub fn normalize_user_code(input: &str) -> Option<String> {
    let letters: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (letters.len() == 8 && letters.bytes().all(|b| USER_CODE_ALPHABET.contains(&b)))
        .then(|| format!("{}-{}", &letters[..4], &letters[4..]))
}

fn fill(bytes: &mut [u8]) {
    // The OS random source failing is not something a request can recover from.
    getrandom::fill(bytes).expect("the operating system's random source is unavailable");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_prefixed() {
        let a = random_token("cairn_pat_");
        let b = random_token("cairn_pat_");
        assert!(a.starts_with("cairn_pat_") && a.len() == 10 + 43);
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 32);
    }

    #[test]
    fn user_codes_normalize() {
        let code = user_code();
        assert_eq!(code.len(), 9);
        assert_eq!(
            normalize_user_code(&code.to_lowercase()),
            Some(code.clone())
        );
        assert_eq!(
            normalize_user_code(&code.replace('-', " ")),
            Some(code.clone())
        );
        assert_eq!(normalize_user_code("AAAA-AAAA"), None);
        assert_eq!(normalize_user_code("'; DROP"), None);
    }
}

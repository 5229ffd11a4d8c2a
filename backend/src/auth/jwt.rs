//! Access tokens: HS256 JWTs with the algorithm pinned (a token naming any other algorithm,
//! `none` included, is refused before its signature is looked at), issuer and audience
//! checked, and a short lifetime. The token names the session (`sid`), so signing out or a
//! detected refresh-token reuse ends it before it expires.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const ISSUER: &str = "cairn-server";
pub const AUDIENCE: &str = "cairn-api";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: Uuid,
    /// The session (refresh-token family) id.
    pub sid: Uuid,
    pub iat: u64,
    pub exp: u64,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    #[error("the access token has expired")]
    Expired,
    #[error("the access token is invalid")]
    Invalid,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl: Duration) -> JwtKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        validation.validate_exp = true;
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    pub fn issue(
        &self,
        user_id: Uuid,
        session_id: Uuid,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = unix_now();
        let claims = Claims {
            iss: ISSUER.to_string(),
            aud: AUDIENCE.to_string(),
            sub: user_id,
            sid: session_id,
            iat: now,
            exp: now + self.ttl.as_secs(),
        };
        self.sign(&claims)
    }

    /// Signs arbitrary claims with the server's key (tests forge expired tokens with it).
    pub fn sign(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, JwtError> {
        match decode::<Claims>(token, &self.decoding, &self.validation) {
            Ok(data) => Ok(data.claims),
            Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => {
                Err(JwtError::Expired)
            }
            Err(e) => {
                tracing::debug!(error = %e, "access token refused");
                Err(JwtError::Invalid)
            }
        }
    }
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(&[7u8; 64], Duration::from_secs(900))
    }

    fn b64(value: &serde_json::Value) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
    }

    #[test]
    fn a_token_verifies_with_its_claims() {
        let keys = keys();
        let (user, session) = (Uuid::now_v7(), Uuid::now_v7());
        let claims = keys.verify(&keys.issue(user, session).unwrap()).unwrap();
        assert_eq!((claims.sub, claims.sid), (user, session));
        assert_eq!(claims.exp - claims.iat, 900);
    }

    #[test]
    fn alg_none_wrong_key_expired_and_wrong_audience_are_refused() {
        let keys = keys();
        let token = keys.issue(Uuid::now_v7(), Uuid::now_v7()).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let none = format!(
            "{}.{payload}.",
            b64(&serde_json::json!({"alg": "none", "typ": "JWT"}))
        );
        assert!(matches!(keys.verify(&none), Err(JwtError::Invalid)));
        let other = JwtKeys::new(&[8u8; 64], Duration::from_secs(900));
        assert!(matches!(other.verify(&token), Err(JwtError::Invalid)));
        let mut claims = keys.verify(&token).unwrap();
        claims.exp = unix_now() - 60;
        assert!(matches!(
            keys.verify(&keys.sign(&claims).unwrap()),
            Err(JwtError::Expired)
        ));
        let mut claims = keys.verify(&token).unwrap();
        claims.aud = "someone-else".into();
        assert!(matches!(
            keys.verify(&keys.sign(&claims).unwrap()),
            Err(JwtError::Invalid)
        ));
        let mut claims = keys.verify(&token).unwrap();
        claims.iss = "evil".into();
        assert!(matches!(
            keys.verify(&keys.sign(&claims).unwrap()),
            Err(JwtError::Invalid)
        ));
    }
}

//! Password hashing: argon2id with OWASP's recommended parameters (19 MiB, 2 iterations,
//! 1 lane — argon2's defaults), on blocking threads, a bounded number at a time so a flood
//! of sign-ins cannot take every core or all memory.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::AppError;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified against when the account does not exist, so that answer takes as long as
    /// a wrong password (no account enumeration by timing).
    dummy_hash: Arc<String>,
}

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m = 19456 KiB, t = 2, p = 1.
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl Passwords {
    pub fn new(concurrency: usize) -> Passwords {
        let dummy = hash_blocking("cairn dummy password").expect("hashing a constant");
        Passwords {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: Arc::new(dummy),
        }
    }

    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        self.run(move || hash_blocking(&password)).await?
    }

    /// True when `password` matches `hash`; `None` as the hash checks the dummy instead.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, AppError> {
        let password = password.to_owned();
        let (hash, real) = match hash {
            Some(hash) => (hash.to_owned(), true),
            None => (self.dummy_hash.as_str().to_owned(), false),
        };
        let matches = self
            .run(move || {
                PasswordHash::new(&hash)
                    .map(|parsed| {
                        argon2()
                            .verify_password(password.as_bytes(), &parsed)
                            .is_ok()
                    })
                    .unwrap_or(false)
            })
            .await?;
        Ok(real && matches)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::internal("password hasher closed"))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| AppError::internal(format!("password hashing task: {e}")))
    }
}

fn hash_blocking(password: &str) -> Result<String, AppError> {
    // a random 16-byte salt, from the operating system
    let hash: PasswordHash = argon2()
        .hash_password(password.as_bytes())
        .map_err(AppError::internal)?;
    Ok(hash.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let passwords = Passwords::new(2);
        let hash = passwords
            .hash("correct horse battery staple")
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            passwords
                .verify("correct horse battery staple", Some(&hash))
                .await
                .unwrap()
        );
        assert!(!passwords.verify("wrong", Some(&hash)).await.unwrap());
        assert!(
            !passwords
                .verify("cairn dummy password", None)
                .await
                .unwrap()
        );
        assert!(!passwords.verify("x", Some("not a hash")).await.unwrap());
    }
}

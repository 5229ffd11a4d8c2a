//! The JWT signing key: given, or generated once and kept in the data directory with mode
//! 0600 so that restarts (and `cairn-server migrate` / `user create`) keep tokens valid.

use std::io::Write;
use std::path::Path;

use base64::Engine;

use super::ConfigError;

const FILE_NAME: &str = "jwt-secret";

pub fn load_or_create_jwt_secret(data_dir: &Path) -> Result<Vec<u8>, ConfigError> {
    let io = |what: &str, path: &Path, e: std::io::Error| {
        ConfigError::Io(format!("{what} {}: {e}", path.display()))
    };
    create_private_dir(data_dir).map_err(|e| io("creating", data_dir, e))?;
    let path = data_dir.join(FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            warn_if_readable_by_others(&path);
            let secret = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| ConfigError::Io(format!("{}: not base64", path.display())))?;
            if secret.len() < 32 {
                return Err(ConfigError::Io(format!(
                    "{}: the secret is shorter than 32 bytes",
                    path.display()
                )));
            }
            Ok(secret)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = vec![0u8; 64];
            getrandom::fill(&mut secret)
                .map_err(|e| ConfigError::Io(format!("no randomness for the secret: {e}")))?;
            let text = base64::engine::general_purpose::STANDARD.encode(&secret);
            match write_private(&path, text.as_bytes()) {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "generated a JWT secret");
                    Ok(secret)
                }
                // Another process (a parallel `migrate`) won the race: use its secret.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    load_or_create_jwt_secret(data_dir)
                }
                Err(e) => Err(io("writing", &path, e)),
            }
        }
        Err(e) => Err(io("reading", &path, e)),
    }
}

/// Creates the data directory readable by its owner only (0700), if missing.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "the JWT secret is readable by other users; chmod 600 it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_secret_is_private_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = load_or_create_jwt_secret(&data).unwrap();
        assert_eq!(first.len(), 64);
        let second = load_or_create_jwt_secret(&data).unwrap();
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(data.join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

//! Finding the `.cairn.toml` that applies to a file: the nearest one in the file's directory
//! or above it, or the one given with `--config`. Lookups are cached per directory, so a tree
//! of thousands of files reads each configuration once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cairn_analysis::Config;
use cairn_analysis::config::CONFIG_FILE_NAME;

/// A configuration and the directory its `[files] exclude` globs are relative to.
#[derive(Debug, Default)]
pub struct ResolvedConfig {
    pub config: Config,
    /// The canonical directory holding the configuration file; `None` for the defaults.
    pub root: Option<PathBuf>,
}

impl ResolvedConfig {
    /// Is this file (a canonical path) excluded? A glob that matches one of the file's
    /// directories excludes everything below it, so `vendor` works as well as `vendor/**`.
    pub fn is_excluded(&self, file: &Path) -> bool {
        let Some(root) = &self.root else {
            return false;
        };
        let Ok(relative) = file.strip_prefix(root) else {
            return false;
        };
        relative
            .ancestors()
            .take_while(|p| !p.as_os_str().is_empty())
            .any(|p| self.config.is_excluded(p))
    }
}

pub struct ConfigDiscovery {
    /// The `--config` file, used for every file when given.
    fixed: Option<Arc<ResolvedConfig>>,
    defaults: Arc<ResolvedConfig>,
    /// Canonical directory → the configuration that applies there.
    by_dir: HashMap<PathBuf, Arc<ResolvedConfig>>,
    /// Canonical working directory, to name configuration files by a short path in messages.
    cwd: Option<PathBuf>,
}

impl ConfigDiscovery {
    /// Discovery upward from each file, or a fixed configuration file.
    pub fn new(fixed: Option<&Path>) -> Result<ConfigDiscovery, String> {
        let cwd = std::env::current_dir().and_then(|d| d.canonicalize()).ok();
        let mut discovery = ConfigDiscovery {
            fixed: None,
            defaults: Arc::new(ResolvedConfig::default()),
            by_dir: HashMap::new(),
            cwd,
        };
        if let Some(path) = fixed {
            let canonical = path
                .canonicalize()
                .map_err(|e| format!("{}: {}", path.display(), crate::check::io_message(&e)))?;
            let root = canonical.parent().map(Path::to_path_buf);
            discovery.fixed = Some(Arc::new(discovery.load(path, root)?));
        }
        Ok(discovery)
    }

    /// The configuration for files in `dir`, a canonical directory.
    pub fn for_dir(&mut self, dir: &Path) -> Result<Arc<ResolvedConfig>, String> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let mut visited = Vec::new();
        let mut current = Some(dir);
        let found = loop {
            let Some(here) = current else {
                break self.defaults.clone();
            };
            if let Some(known) = self.by_dir.get(here) {
                break known.clone();
            }
            visited.push(here.to_path_buf());
            let candidate = here.join(CONFIG_FILE_NAME);
            if candidate.is_file() {
                let shown = self.shown(&candidate);
                break Arc::new(self.load(&shown, Some(here.to_path_buf()))?);
            }
            current = here.parent();
        };
        for dir in visited {
            self.by_dir.insert(dir, found.clone());
        }
        Ok(found)
    }

    fn load(&self, path: &Path, root: Option<PathBuf>) -> Result<ResolvedConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: {}", path.display(), crate::check::io_message(&e)))?;
        let origin = path.display().to_string();
        tracing::debug!(config = %origin, "loading configuration");
        let config = Config::from_toml(&text, &origin).map_err(|e| match (e.key, e.line) {
            (Some(_), Some(line)) => format!("{}:{}: {}", e.origin, line + 1, e.message),
            _ => format!("{}: {}", e.origin, e.message),
        })?;
        Ok(ResolvedConfig { config, root })
    }

    /// A configuration path as the user would write it: relative to the working directory
    /// when it is below it.
    fn shown(&self, path: &Path) -> PathBuf {
        self.cwd
            .as_deref()
            .and_then(|cwd| path.strip_prefix(cwd).ok())
            .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_glob_excludes_the_files_below_it() {
        let config =
            Config::from_toml("[files]\nexclude = [\"vendor\", \"**/*.min.js\"]\n", "t").unwrap();
        let resolved = ResolvedConfig {
            config,
            root: Some(PathBuf::from("/p")),
        };
        assert!(resolved.is_excluded(Path::new("/p/vendor/lib/a.py")));
        assert!(resolved.is_excluded(Path::new("/p/web/app.min.js")));
        assert!(!resolved.is_excluded(Path::new("/p/src/vendor.py")));
        assert!(!resolved.is_excluded(Path::new("/elsewhere/vendor/a.py")));
    }
}

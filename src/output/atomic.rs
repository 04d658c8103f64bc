//! Results folders written to a temporary sibling and renamed into place, so a failed run
//! never leaves half a folder or clobbers the previous results.

use std::path::{Path, PathBuf};

/// A folder being written; becomes `target` on [`AtomicDir::commit`].
pub struct AtomicDir {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
}

impl AtomicDir {
    /// Starts writing a new version of `target`.
    pub fn create(target: &Path) -> std::io::Result<AtomicDir> {
        let parent = target.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "results".to_string());
        let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if temp.exists() {
            std::fs::remove_dir_all(&temp)?;
        }
        std::fs::create_dir_all(&temp)?;
        Ok(AtomicDir {
            target: target.to_path_buf(),
            temp,
            committed: false,
        })
    }

    /// The folder to write files into.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Replaces `target` with what was written.
    pub fn commit(mut self) -> std::io::Result<PathBuf> {
        if self.target.exists() {
            let old = self.temp.with_extension("old");
            if old.exists() {
                std::fs::remove_dir_all(&old)?;
            }
            std::fs::rename(&self.target, &old)?;
            std::fs::rename(&self.temp, &self.target)?;
            std::fs::remove_dir_all(&old)?;
        } else {
            std::fs::rename(&self.temp, &self.target)?;
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for AtomicDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
    }
}

/// Writes `bytes` to `path` through a temporary sibling and a rename, so readers never see
/// a partial file.
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&temp, bytes)?;
    std::fs::rename(&temp, path)
}

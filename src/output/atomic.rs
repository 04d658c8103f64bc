//! Results folders written to a temporary sibling and swapped into place, so a failed or
//! interrupted run never leaves half a folder, a hidden leftover or clobbered results.
//!
//! Temporary siblings are named `.<name>.tmp-<pid>-<n>` (and `.<name>.old-<pid>-<n>` for
//! the previous version during the swap). Those of processes that no longer exist are
//! swept by the next run into the same folder; SIGINT and SIGTERM remove this process's
//! own (see [`install_interrupt_cleanup`]).

use std::io::{Error, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Temporary folders of this process not yet committed or dropped. Creating, committing
/// and dropping an [`AtomicDir`] and the interrupt handler all hold this lock, so an
/// interrupt never lands in the middle of a swap.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Makes temporary names unique within this process (two runs may share a target name).
static COUNTER: AtomicU64 = AtomicU64::new(0);

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A folder being written; becomes `target` on [`AtomicDir::commit`], vanishes on drop.
pub struct AtomicDir {
    target: PathBuf,
    temp: PathBuf,
    /// `.<name>.old-<pid>-<n>`: where the previous version waits during the swap.
    old: PathBuf,
    committed: bool,
}

impl AtomicDir {
    /// Checks the destination and starts writing a new version of `target`: the folder's
    /// name must be one path component, every existing ancestor a folder, `target` a
    /// folder or absent, and the parent writable. Stale temporaries of dead processes
    /// beside `target` are swept first.
    pub fn create(target: &Path) -> std::io::Result<AtomicDir> {
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| bad_input(format!("{}: not a folder name", target.display())))?;
        crate::input::path_name::check(name)
            .map_err(|e| bad_input(format!("{}: {e}", target.display())))?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        check_ancestors(parent)?;
        std::fs::create_dir_all(parent).map_err(|e| {
            Error::new(
                e.kind(),
                format!("cannot create folder {}: {e}", parent.display()),
            )
        })?;
        if let Ok(m) = std::fs::metadata(target) {
            if !m.is_dir() {
                return Err(Error::new(
                    ErrorKind::AlreadyExists,
                    format!(
                        "{} exists and is not a folder (move it away or choose another --out)",
                        target.display()
                    ),
                ));
            }
        }
        sweep_stale(parent, name, target);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let pid = std::process::id();
        let temp = parent.join(format!(".{name}.tmp-{pid}-{n}"));
        let old = parent.join(format!(".{name}.old-{pid}-{n}"));
        let mut live = live();
        std::fs::create_dir(&temp).map_err(|e| {
            Error::new(
                e.kind(),
                format!("cannot write into {}: {e}", parent.display()),
            )
        })?;
        live.push(temp.clone());
        Ok(AtomicDir {
            target: target.to_path_buf(),
            temp,
            old,
            committed: false,
        })
    }

    /// Checks that `target` could be written, leaving nothing behind: [`AtomicDir::create`]
    /// and drop. Used to fail before simulating rather than after.
    pub fn preflight(target: &Path) -> std::io::Result<()> {
        AtomicDir::create(target).map(drop)
    }

    /// The folder to write files into.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Replaces `target` with what was written: all or nothing. When the new version
    /// cannot be moved into place the previous one is moved back.
    pub fn commit(mut self) -> std::io::Result<PathBuf> {
        let mut live = live();
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &self.old)?;
        }
        if let Err(e) = std::fs::rename(&self.temp, &self.target) {
            if had_old {
                // Put the previous results back; the temporary is removed on drop.
                let _ = std::fs::rename(&self.old, &self.target);
            }
            return Err(e);
        }
        live.retain(|t| t != &self.temp);
        self.committed = true;
        drop(live);
        if had_old {
            // Best effort: a leftover carries this process's id and is swept by the next run.
            let _ = std::fs::remove_dir_all(&self.old);
        }
        Ok(self.target.clone())
    }
}

impl Drop for AtomicDir {
    fn drop(&mut self) {
        if !self.committed {
            let mut live = live();
            remove_tree(&self.temp);
            live.retain(|t| t != &self.temp);
        }
    }
}

fn bad_input(message: String) -> Error {
    Error::new(ErrorKind::InvalidInput, message)
}

/// Fails with a clear message when the nearest existing ancestor of `dir` is not a folder
/// (`--out` naming a file, or a path through a file).
fn check_ancestors(dir: &Path) -> std::io::Result<()> {
    for ancestor in dir.ancestors().filter(|a| !a.as_os_str().is_empty()) {
        match std::fs::metadata(ancestor) {
            Ok(m) if m.is_dir() => return Ok(()),
            Ok(_) => {
                return Err(Error::new(
                    ErrorKind::AlreadyExists,
                    format!(
                        "{} exists and is not a folder, so results cannot go under it",
                        ancestor.display()
                    ),
                ))
            }
            Err(_) => continue,
        }
    }
    Ok(())
}

/// Removes `.<name>.tmp-<pid>…` and `.<name>.old-<pid>…` siblings of `target` left by
/// processes that no longer run (killed while writing). A stale `.old` holds the previous
/// results of a swap cut short: it goes back to `target` when `target` is missing.
fn sweep_stale(parent: &Path, name: &str, target: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let (is_old, owner) = if let Some(r) = rest.strip_prefix("tmp-") {
            (false, r)
        } else if let Some(r) = rest.strip_prefix("old-") {
            (true, r)
        } else {
            continue;
        };
        let Some(pid) = owner.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        let path = entry.path();
        if is_old && !target.exists() && std::fs::rename(&path, target).is_ok() {
            continue;
        }
        remove_tree(&path);
    }
}

/// Whether process `pid` exists (signal 0 probes without sending anything). Unknown
/// answers count as alive, so nothing of a running process is ever swept.
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    use nix::errno::Errno;
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    // pid 0 and negative values address process groups, not a process.
    let Ok(raw) = i32::try_from(pid) else {
        return true;
    };
    if raw <= 0 {
        return true;
    }
    !matches!(kill(Pid::from_raw(raw), None), Err(Errno::ESRCH))
}

/// Without a way to ask, every owner counts as alive and nothing is swept.
#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Removes a folder or file, retrying a few times when a writer thread adds files while
/// it is being removed (the interrupt handler races with running simulations).
fn remove_tree(path: &Path) {
    for _ in 0..10 {
        let result = if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
        if result.is_ok() || !path.exists() {
            return;
        }
    }
}

/// Installs a SIGINT/SIGTERM (Ctrl-C) handler that removes this process's temporary
/// results folders and exits with status 130. Committed results are never touched: the
/// handler waits for a swap in progress to finish.
pub fn install_interrupt_cleanup() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| {
        let live = live();
        for temp in live.iter() {
            remove_tree(temp);
        }
        eprintln!(
            "interrupted: removed {} unfinished results folder(s)",
            live.len()
        );
        std::process::exit(130);
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("k8sim-atomic-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A pid that no process has: above the kernel's pid_max (at most 2^22 on Linux).
    const DEAD_PID: u32 = 2_000_000_000;

    #[test]
    fn replacing_keeps_nothing_but_the_new_folder() {
        let d = scratch("replace");
        let target = d.join("seed-1");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("old.csv"), "old").unwrap();
        let dir = AtomicDir::create(&target).unwrap();
        std::fs::write(dir.path().join("new.csv"), "new").unwrap();
        dir.commit().unwrap();
        assert_eq!(listing(&d), ["seed-1"]);
        assert_eq!(listing(&target), ["new.csv"]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_swept() {
        let d = scratch("sweep");
        let target = d.join("seed-42");
        std::fs::create_dir_all(&target).unwrap();
        // The naming of earlier versions and of this one; a live process's is kept.
        for stale in [
            format!(".seed-42.tmp-{DEAD_PID}"),
            format!(".seed-42.tmp-{DEAD_PID}-3"),
            format!(".seed-42.old-{DEAD_PID}-3"),
        ] {
            std::fs::create_dir_all(d.join(stale).join("plots")).unwrap();
        }
        std::fs::create_dir_all(d.join(".seed-42.tmp-1-0")).unwrap();
        std::fs::create_dir_all(d.join(".seed-7.tmp-2000000000-0")).unwrap();
        drop(AtomicDir::create(&target).unwrap());
        assert_eq!(
            listing(&d),
            [".seed-42.tmp-1-0", ".seed-7.tmp-2000000000-0", "seed-42"]
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_swap_cut_short_gets_the_previous_results_back() {
        let d = scratch("restore");
        let old = d.join(format!(".seed-1.old-{DEAD_PID}-0"));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("summary.csv"), "previous").unwrap();
        drop(AtomicDir::create(&d.join("seed-1")).unwrap());
        assert_eq!(listing(&d), ["seed-1"]);
        let kept = std::fs::read_to_string(d.join("seed-1/summary.csv")).unwrap();
        assert_eq!(kept, "previous");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_file_in_the_way_fails_at_create() {
        let d = scratch("file");
        std::fs::write(d.join("seed-1"), "not a folder").unwrap();
        let e = AtomicDir::create(&d.join("seed-1"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("seed-1 exists and is not a folder"), "{e}");
        let e = AtomicDir::create(&d.join("seed-1/x/seed-2"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("seed-1 exists and is not a folder"), "{e}");
        assert_eq!(listing(&d), ["seed-1"]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_dropped_folder_leaves_nothing() {
        let d = scratch("drop");
        let dir = AtomicDir::create(&d.join("seed-1")).unwrap();
        std::fs::write(dir.path().join("pods.csv"), "x").unwrap();
        drop(dir);
        assert!(listing(&d).is_empty());
        assert!(AtomicDir::create(&d.join("..")).is_err());
        std::fs::remove_dir_all(&d).unwrap();
    }
}

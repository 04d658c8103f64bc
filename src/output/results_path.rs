//! Where results go: `<out>/<scenario>/<scheduler>/seed-<n>/` for a run and
//! `<out>/<scenario>/compare/` for a comparison, with every name checked to stay one
//! folder inside its parent (issue 18: a profile file `...yaml` must not write to
//! `<out>/<scenario>/../seed-<n>`).

use crate::input::path_name;
use crate::input::scheduler_config::looks_like_file;
use std::path::{Path, PathBuf};

/// The comparison folder's name inside `<out>/<scenario>/`.
pub const COMPARE_DIR: &str = "compare";
/// The plan folder's name under a scenario's results (`k8sim plan`).
pub const PLAN_DIR: &str = "plan";

/// The folder name of a scheduler's runs: a built-in profile's name, or a
/// KubeSchedulerConfiguration file's stem (`configs/tight.yaml` -> `tight`).
pub fn scheduler_folder(scheduler: &str) -> Result<String, String> {
    let folder = if looks_like_file(scheduler) {
        Path::new(scheduler)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        scheduler.to_owned()
    };
    let what = if looks_like_file(scheduler) {
        format!("scheduler {scheduler:?}: its file stem names the results folder, and")
    } else {
        format!("scheduler {scheduler:?}: its name names the results folder, and")
    };
    path_name::check(&folder).map_err(|e| format!("{what} {e}"))?;
    if folder == COMPARE_DIR || folder == PLAN_DIR {
        return Err(format!(
            "{what} {folder:?} is reserved for the comparison and plan folders (rename the file)"
        ));
    }
    Ok(folder)
}

/// `<out>/<scenario>/<scheduler folder>/seed-<seed>`.
pub fn run_dir(out: &Path, scenario: &str, scheduler: &str, seed: u64) -> Result<PathBuf, String> {
    path_name::check(scenario).map_err(|e| format!("scenario name: {e}"))?;
    Ok(out
        .join(scenario)
        .join(scheduler_folder(scheduler)?)
        .join(format!("seed-{seed}")))
}

/// `<out>/<scenario>/compare`.
pub fn compare_dir(out: &Path, scenario: &str) -> Result<PathBuf, String> {
    path_name::check(scenario).map_err(|e| format!("scenario name: {e}"))?;
    Ok(out.join(scenario).join(COMPARE_DIR))
}

/// `<out>/<scenario>/plan`.
pub fn plan_dir(out: &Path, scenario: &str) -> Result<PathBuf, String> {
    path_name::check(scenario).map_err(|e| format!("scenario name: {e}"))?;
    Ok(out.join(scenario).join(PLAN_DIR))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_and_file_stems_become_one_folder() {
        let out = Path::new("out");
        assert_eq!(
            run_dir(out, "sc", "default", 3).unwrap(),
            Path::new("out/sc/default/seed-3")
        );
        assert_eq!(
            run_dir(out, "sc", "../configs/tight.yaml", 3).unwrap(),
            Path::new("out/sc/tight/seed-3")
        );
    }

    #[test]
    fn dot_dot_file_stems_are_refused() {
        // Issue 18: `...yaml` and `./...yaml` have the stem "..".
        for s in ["...yaml", "./...yaml", "/tmp/...yml", "..yaml"] {
            let e = run_dir(Path::new("out"), "sc", s, 1).unwrap_err();
            assert!(e.contains("starts with '.'"), "{s}: {e}");
            assert!(e.contains(&format!("{s:?}")), "{s}: {e}");
        }
        let e = scheduler_folder("compare.yaml").unwrap_err();
        assert!(
            e.contains("reserved for the comparison and plan folders"),
            "{e}"
        );
        let e = scheduler_folder("plan").unwrap_err();
        assert!(
            e.contains("reserved for the comparison and plan folders"),
            "{e}"
        );
        let e = scheduler_folder("a\u{7}b").unwrap_err();
        assert!(e.contains("contains '\\u{7}'"), "{e}");
    }

    #[test]
    fn scenario_names_are_checked_too() {
        let e = compare_dir(Path::new("out"), "..").unwrap_err();
        assert!(e.starts_with("scenario name: "), "{e}");
        assert!(run_dir(Path::new("out"), "a/b", "default", 1).is_err());
    }
}

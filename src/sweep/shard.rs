//! Shards: `--shard I/N` runs the cells whose index ≡ I (mod N); `--shard auto` reads I and
//! N from a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX` + `--shards N`) or a Slurm job
//! array (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`).

use std::fmt;

/// One shard of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl Shard {
    /// The whole sweep as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Checks `index < count` and `count >= 1`.
    pub fn new(index: usize, count: usize) -> Result<Shard, String> {
        if count == 0 {
            return Err("the number of shards must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "shard index {index} is out of range: expected 0..{} for {count} shards",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// Parses `I/N`, or `auto` with `env` (a variable lookup) and `shards` (`--shards N`).
    pub fn parse(
        text: &str,
        shards: Option<usize>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Shard, String> {
        if text.trim() == "auto" {
            return Self::from_env(shards, env);
        }
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("--shard {text:?}: expected I/N (e.g. 0/3) or auto"))?;
        let num = |s: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| format!("--shard {text:?}: {s:?} is not a number"))
        };
        Self::new(num(i)?, num(n)?).map_err(|e| format!("--shard {text}: {e}"))
    }

    fn from_env(
        shards: Option<usize>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Shard, String> {
        let num = |name: &str, v: String| {
            v.trim()
                .parse::<usize>()
                .map_err(|_| format!("--shard auto: {name}={v:?} is not a number"))
        };
        if let Some(i) = env("JOB_COMPLETION_INDEX") {
            let n = shards.ok_or(
                "--shard auto in a Kubernetes Indexed Job needs --shards N (the Job's completions)",
            )?;
            return Self::new(num("JOB_COMPLETION_INDEX", i)?, n)
                .map_err(|e| format!("--shard auto (JOB_COMPLETION_INDEX): {e}"));
        }
        if let Some(i) = env("SLURM_ARRAY_TASK_ID") {
            let i = num("SLURM_ARRAY_TASK_ID", i)?;
            // Arrays usually start at 0 (`--array=0-2`); SLURM_ARRAY_TASK_MIN shifts others.
            let min = match env("SLURM_ARRAY_TASK_MIN") {
                Some(m) => num("SLURM_ARRAY_TASK_MIN", m)?,
                None => 0,
            };
            let n = match (env("SLURM_ARRAY_TASK_COUNT"), shards) {
                (Some(n), _) => num("SLURM_ARRAY_TASK_COUNT", n)?,
                (None, Some(n)) => n,
                (None, None) => {
                    return Err(
                        "--shard auto: SLURM_ARRAY_TASK_COUNT is not set; give --shards N".into(),
                    )
                }
            };
            if let Some(s) = shards.filter(|&s| s != n) {
                return Err(format!(
                    "--shards {s} disagrees with SLURM_ARRAY_TASK_COUNT={n}"
                ));
            }
            let index = i.checked_sub(min).ok_or_else(|| {
                format!("--shard auto: SLURM_ARRAY_TASK_ID {i} is below SLURM_ARRAY_TASK_MIN {min}")
            })?;
            return Self::new(index, n)
                .map_err(|e| format!("--shard auto (SLURM_ARRAY_TASK_ID): {e}"));
        }
        Err("--shard auto: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set".into())
    }

    /// Whether this shard runs cell `index`.
    pub fn contains(&self, index: usize) -> bool {
        index % self.count == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn shards_from_flags_and_engines() {
        assert_eq!(
            Shard::parse("1/3", None, env(&[])),
            Ok(Shard { index: 1, count: 3 })
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "2")]);
        assert_eq!(
            Shard::parse("auto", Some(3), k8s),
            Ok(Shard { index: 2, count: 3 })
        );
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ]);
        assert_eq!(
            Shard::parse("auto", None, slurm),
            Ok(Shard { index: 0, count: 3 })
        );
        let slurm1 = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ]);
        assert_eq!(
            Shard::parse("auto", None, slurm1),
            Ok(Shard { index: 2, count: 3 })
        );
    }

    #[test]
    fn bad_shards_are_explained() {
        let e = Shard::parse("3/3", None, env(&[])).unwrap_err();
        assert!(e.contains("out of range: expected 0..2"), "{e}");
        assert!(Shard::parse("0/0", None, env(&[]))
            .unwrap_err()
            .contains("at least 1"));
        assert!(Shard::parse("x", None, env(&[]))
            .unwrap_err()
            .contains("expected I/N"));
        let e = Shard::parse("auto", None, env(&[("JOB_COMPLETION_INDEX", "1")])).unwrap_err();
        assert!(e.contains("needs --shards N"), "{e}");
        let e = Shard::parse("auto", Some(3), env(&[("JOB_COMPLETION_INDEX", "5")])).unwrap_err();
        assert!(e.contains("out of range"), "{e}");
        assert!(Shard::parse("auto", None, env(&[]))
            .unwrap_err()
            .contains("neither"));
    }
}

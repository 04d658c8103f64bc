//! The ceilings k8sim puts on every input, checked while reading (before anything is
//! allocated), each reported with the field, the value and the ceiling. The table is in
//! docs/manifests.md ("Limits"); these constants are its single source.

/// Largest input file (scenario, manifest, KubeSchedulerConfiguration) in bytes. Read
/// through a capped reader, so `/dev/zero` is refused at once.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Most YAML nodes one document may expand to, aliases included (an alias bomb stops here).
pub const MAX_YAML_NODES: usize = 250_000;

/// Deepest YAML nesting of one document.
pub const MAX_YAML_DEPTH: usize = 200;

/// Most nodes a scenario may have (all node groups and Node manifests together).
pub const MAX_NODES: u64 = 100_000;

/// Largest `replicas` of a Deployment, ReplicaSet, StatefulSet or ReplicationController.
/// Kubernetes allows any int32; the rolling-update arithmetic (replicas + 25% surge) must
/// stay inside i32, and no simulated cluster holds more pods than this anyway.
pub const MAX_REPLICAS: i64 = 1_000_000;

/// Largest Job `completions` (Kubernetes caps Indexed Jobs at 100,000 too:
/// pkg/apis/batch/validation/validation.go `completionsSoftLimit`).
pub const MAX_COMPLETIONS: i64 = 100_000;

/// Largest Job `parallelism` (Kubernetes caps Indexed Jobs at 100,000:
/// `parallelismLimitForHighCompletions`).
pub const MAX_PARALLELISM: i64 = 100_000;

/// Longest simulated `duration` (and any time or duration in a scenario): ten years.
pub const MAX_DURATION_MS: u64 = 10 * 365 * 86_400_000;

/// Most metric samples a run may take (`duration / sample_every`).
pub const MAX_SAMPLES: u64 = 10_000_000;

/// Most timeline entries of a scenario.
pub const MAX_TIMELINE_ENTRIES: usize = 100_000;

/// Reads a whole input file, refusing it as soon as it passes [`MAX_FILE_BYTES`] (so a
/// device such as `/dev/zero` is refused at once, not read until memory runs out).
pub fn read_capped(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "the file is larger than the ceiling of {} bytes (64 MiB) for one input file",
            grouped(MAX_FILE_BYTES)
        ));
    }
    Ok(bytes)
}

pub use crate::model::thousands::thousands as grouped;

/// The message for `value` over `ceiling` in `what`.
pub fn over(value: impl std::fmt::Display, ceiling: u64, what: &str) -> String {
    format!(
        "{value} exceeds the ceiling of {} {what} (k8sim's input limits: docs/manifests.md#limits)",
        grouped(ceiling)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_print_with_separators() {
        assert!(over(2_147_483_647, 100_000, "nodes")
            .starts_with("2147483647 exceeds the ceiling of 100,000 nodes"));
    }
}

//! Timeline actions: kubectl command lines and node faults, parsed at load time so a bad
//! entry fails before the run starts. Verbs, flags and their spellings follow kubectl's
//! (staging/src/k8s.io/kubectl/pkg/cmd/*); an unknown verb or flag is an error naming it.

mod args;
mod lex;
#[cfg(test)]
mod tests;
mod verbs;

pub use lex::shell_words;
pub use verbs::parse_kubectl;

/// A kind as kubectl names it on the command line (`deployment`, `deploy`, `sts`, ...).
pub fn canonical_kind(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "deployment" | "deployments" | "deploy" | "deployment.apps" => "Deployment",
        "replicaset" | "replicasets" | "rs" => "ReplicaSet",
        // ReplicationControllers are simulated as the equivalent ReplicaSet.
        "replicationcontroller" | "replicationcontrollers" | "rc" => "ReplicaSet",
        "statefulset" | "statefulsets" | "sts" => "StatefulSet",
        "job" | "jobs" => "Job",
        "cronjob" | "cronjobs" | "cj" => "CronJob",
        "daemonset" | "daemonsets" | "ds" => "DaemonSet",
        "pod" | "pods" | "po" => "Pod",
        "node" | "nodes" | "no" => "Node",
        "service" | "services" | "svc" => "Service",
        "poddisruptionbudget" | "poddisruptionbudgets" | "pdb" => "PodDisruptionBudget",
        "persistentvolumeclaim" | "persistentvolumeclaims" | "pvc" => "PersistentVolumeClaim",
        _ => return None,
    })
}

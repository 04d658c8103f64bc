//! Timeline actions: kubectl command lines and node faults, parsed at load time so a bad
//! entry fails before the run starts.

/// A kind as kubectl names it on the command line (`deployment`, `deploy`, `sts`, ...).
pub fn canonical_kind(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "deployment" | "deployments" | "deploy" | "deployment.apps" => "Deployment",
        "replicaset" | "replicasets" | "rs" => "ReplicaSet",
        "statefulset" | "statefulsets" | "sts" => "StatefulSet",
        "job" | "jobs" => "Job",
        "cronjob" | "cronjobs" | "cj" => "CronJob",
        "daemonset" | "daemonsets" | "ds" => "DaemonSet",
        "pod" | "pods" | "po" => "Pod",
        "node" | "nodes" | "no" => "Node",
        _ => return None,
    })
}

/// One action of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `kubectl scale KIND NAME --replicas=N`.
    Scale {
        /// Kind (Deployment, ReplicaSet, StatefulSet).
        kind: &'static str,
        /// Object name.
        name: String,
        /// Namespace.
        namespace: String,
        /// New replica count.
        replicas: i32,
    },
    /// `kubectl delete KIND NAME`.
    Delete {
        /// Kind.
        kind: &'static str,
        /// Object name.
        name: String,
        /// Namespace.
        namespace: String,
    },
    /// `kubectl rollout undo deployment NAME [--to-revision=N]`.
    RolloutUndo {
        /// Deployment name.
        name: String,
        /// Namespace.
        namespace: String,
        /// Target revision (0 = previous).
        to_revision: i64,
    },
    /// `kubectl set image deployment/NAME CONTAINER=IMAGE`.
    SetImage {
        /// Kind.
        kind: &'static str,
        /// Object name.
        name: String,
        /// Namespace.
        namespace: String,
        /// Container name.
        container: String,
        /// New image.
        image: String,
    },
    /// `kubectl cordon NODE` (true) / `uncordon NODE` (false).
    Cordon {
        /// Node name.
        node: String,
        /// Cordon or uncordon.
        unschedulable: bool,
    },
    /// `node: {fail: NAME}`.
    NodeFail(String),
    /// `node: {recover: NAME}`.
    NodeRecover(String),
}

fn split_kind_name(args: &mut Vec<&str>) -> Result<(&'static str, String), String> {
    if args.is_empty() {
        return Err("expected KIND NAME or KIND/NAME".to_string());
    }
    let first = args.remove(0);
    let (kind_word, name) = if let Some((k, n)) = first.split_once('/') {
        (k, n.to_string())
    } else {
        if args.is_empty() {
            return Err(format!("expected a name after {first:?}"));
        }
        (first, args.remove(0).to_string())
    };
    let kind =
        canonical_kind(kind_word).ok_or_else(|| format!("unknown resource type {kind_word:?}"))?;
    Ok((kind, name))
}

/// Parses a kubectl command line (with or without the leading `kubectl`).
pub fn parse_kubectl(line: &str) -> Result<Action, String> {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    if words.first() == Some(&"kubectl") {
        words.remove(0);
    }
    if words.is_empty() {
        return Err("empty kubectl command".to_string());
    }
    // Pull out flags: --replicas=N, --to-revision=N, -n NS / --namespace=NS.
    let mut namespace = "default".to_string();
    let mut flags: Vec<(String, String)> = Vec::new();
    let mut args: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w == "-n" || w == "--namespace" {
            namespace = words
                .get(i + 1)
                .ok_or("expected a namespace after -n")?
                .to_string();
            i += 2;
            continue;
        }
        if let Some(flag) = w.strip_prefix("--") {
            let (k, v) = match flag.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => {
                    let v = words
                        .get(i + 1)
                        .ok_or_else(|| format!("expected a value after --{flag}"))?;
                    i += 1;
                    (flag.to_string(), v.to_string())
                }
            };
            if k == "namespace" {
                namespace = v;
            } else {
                flags.push((k, v));
            }
        } else {
            args.push(w);
        }
        i += 1;
    }
    let verb = args.remove(0);
    let take_flag = |flags: &mut Vec<(String, String)>, name: &str| -> Option<String> {
        let pos = flags.iter().position(|(k, _)| k == name)?;
        Some(flags.remove(pos).1)
    };
    let action = match verb {
        "scale" => {
            let (kind, name) = split_kind_name(&mut args)?;
            if !matches!(kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
                return Err(format!("cannot scale a {kind}"));
            }
            let replicas = take_flag(&mut flags, "replicas")
                .ok_or("scale needs --replicas=N")?;
            let replicas: i32 = replicas
                .parse()
                .ok()
                .filter(|r| *r >= 0)
                .ok_or_else(|| format!("--replicas: expected a non-negative integer, found {replicas:?}"))?;
            Action::Scale {
                kind,
                name,
                namespace,
                replicas,
            }
        }
        "delete" => {
            let (kind, name) = split_kind_name(&mut args)?;
            Action::Delete {
                kind,
                name,
                namespace,
            }
        }
        "rollout" => {
            if args.is_empty() || args.remove(0) != "undo" {
                return Err("supported rollout subcommands: undo".to_string());
            }
            let (kind, name) = split_kind_name(&mut args)?;
            if kind != "Deployment" {
                return Err(format!("rollout undo supports deployments, not {kind}"));
            }
            let to_revision = match take_flag(&mut flags, "to-revision") {
                None => 0,
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|r| *r >= 0)
                    .ok_or_else(|| format!("--to-revision: expected a non-negative integer, found {v:?}"))?,
            };
            Action::RolloutUndo {
                name,
                namespace,
                to_revision,
            }
        }
        "set" => {
            if args.is_empty() || args.remove(0) != "image" {
                return Err("supported set subcommands: image".to_string());
            }
            let (kind, name) = split_kind_name(&mut args)?;
            let assignment = args.pop().ok_or("set image needs CONTAINER=IMAGE")?;
            let (container, image) = assignment
                .split_once('=')
                .ok_or_else(|| format!("expected CONTAINER=IMAGE, found {assignment:?}"))?;
            Action::SetImage {
                kind,
                name,
                namespace,
                container: container.to_string(),
                image: image.to_string(),
            }
        }
        "cordon" | "uncordon" => {
            let node = args.pop().ok_or("expected a node name")?.to_string();
            Action::Cordon {
                node,
                unschedulable: verb == "cordon",
            }
        }
        other => {
            return Err(format!(
                "unsupported kubectl verb {other:?}: expected scale, delete, rollout undo, set image, cordon or uncordon"
            ))
        }
    };
    if !args.is_empty() {
        return Err(format!("unexpected arguments {args:?}"));
    }
    if let Some((k, _)) = flags.first() {
        return Err(format!("unsupported flag --{k} for {verb}"));
    }
    Ok(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_seed_notes_verbs() {
        assert_eq!(
            parse_kubectl("kubectl scale deployment test-k8s --replicas=5"),
            Ok(Action::Scale {
                kind: "Deployment",
                name: "test-k8s".into(),
                namespace: "default".into(),
                replicas: 5
            })
        );
        assert_eq!(
            parse_kubectl("rollout undo deployment test-k8s --to-revision=2"),
            Ok(Action::RolloutUndo {
                name: "test-k8s".into(),
                namespace: "default".into(),
                to_revision: 2
            })
        );
        assert!(matches!(
            parse_kubectl("delete deployment/test-k8s -n prod"),
            Ok(Action::Delete { ref namespace, .. }) if namespace == "prod"
        ));
    }

    #[test]
    fn rejects_bad_commands() {
        assert!(parse_kubectl("frobnicate deployment x").is_err());
        assert!(parse_kubectl("scale deployment x --replicas=-1").is_err());
        assert!(parse_kubectl("scale deployment x").is_err());
        assert!(parse_kubectl("scale deployment x --replicas=2 --bogus=1").is_err());
        assert!(parse_kubectl("scale widget x --replicas=2").is_err());
    }
}

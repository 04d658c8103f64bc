//! The kubectl verbs: turns a lexed command line into an [`Action`], one function per verb.

use super::args::{
    create_deployment_yaml, non_negative_i32, parse_image_pairs, parse_patch, parse_resource_list,
    parse_taint_effect, run_pod_yaml,
};
use super::lex::{lex, node_only, CommandLine};
use crate::model::labels::{Taint, TaintEffect};
use crate::model::workload::PropagationPolicy;
use crate::scenario::action::{Action, ApplySource};

/// Parses a kubectl command line (with or without the leading `kubectl`).
pub fn parse_kubectl(line: &str) -> Result<Action, String> {
    let mut cmd = lex(line)?;
    let verb = cmd.verb.clone();
    let action = match verb.as_str() {
        "apply" => apply(&mut cmd)?,
        "scale" => scale(&mut cmd)?,
        "delete" => delete(&mut cmd)?,
        "rollout" => rollout(&mut cmd)?,
        "set" => set(&mut cmd)?,
        "create" => create(&mut cmd)?,
        "run" => run(&mut cmd)?,
        "cordon" | "uncordon" => Action::Cordon {
            node: cmd.node_arg()?,
            unschedulable: verb == "cordon",
        },
        "drain" => drain(&mut cmd)?,
        "label" => label(&mut cmd)?,
        "taint" => taint(&mut cmd)?,
        "patch" => patch(&mut cmd)?,
        other => {
            return Err(format!(
                "unsupported kubectl verb {other:?}: expected apply, delete, scale, rollout, set, create, run, cordon, uncordon, drain, label, taint or patch"
            ))
        }
    };
    if !cmd.args.is_empty() {
        return Err(format!("{verb}: unexpected arguments {:?}", cmd.args));
    }
    if let Some((k, _)) = cmd.flags.first() {
        return Err(format!("{verb}: flag --{k} is not supported here"));
    }
    Ok(action)
}

/// `kubectl apply -f FILE [--server-side]`.
fn apply(cmd: &mut CommandLine) -> Result<Action, String> {
    let file = cmd.take("filename").ok_or("apply: expected -f FILE")?;
    cmd.take("server-side");
    Ok(Action::Apply {
        source: ApplySource::File(file),
        objects: Vec::new(),
    })
}

/// `kubectl scale KIND/NAME --replicas=N` for a Deployment, ReplicaSet or StatefulSet.
fn scale(cmd: &mut CommandLine) -> Result<Action, String> {
    let (kind, name) = cmd.kind_name()?;
    if !matches!(kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
        return Err(format!(
            "cannot scale a {kind}: expected a deployment, replicaset or statefulset"
        ));
    }
    let replicas = cmd
        .take("replicas")
        .ok_or("scale: required flag --replicas not set")?;
    let replicas = non_negative_i32("replicas", &replicas)?;
    Ok(Action::Scale {
        kind,
        name,
        namespace: cmd.namespace.clone(),
        replicas,
    })
}

/// `kubectl delete KIND/NAME` or `kubectl delete -f FILE`, with the grace period
/// (`--grace-period`, `--now`, `--force`) and `--cascade`.
fn delete(cmd: &mut CommandLine) -> Result<Action, String> {
    let grace_period_s = grace_period_flag(cmd)?;
    let now = cmd.has("now");
    let force = cmd.has("force");
    cmd.take("wait");
    let grace_period_s = if now {
        Some(1)
    } else if force {
        Some(0)
    } else {
        grace_period_s
    };
    let propagation = match cmd.take("cascade") {
        None => PropagationPolicy::Background,
        Some(v) => parse_cascade(&v)?,
    };
    if let Some(file) = cmd.take("filename") {
        return Ok(Action::DeleteFile {
            file,
            targets: Vec::new(),
            propagation,
        });
    }
    let (kind, name) = cmd.kind_name()?;
    if kind == "Node" {
        return Err("delete node: use `node: {remove: NAME}`".into());
    }
    Ok(Action::Delete {
        kind,
        name,
        namespace: cmd.namespace.clone(),
        grace_period_s,
        propagation,
    })
}

/// `--grace-period=SECONDS` of `delete` and `drain`, if given.
fn grace_period_flag(cmd: &mut CommandLine) -> Result<Option<i64>, String> {
    cmd.take("grace-period")
        .map(|v| {
            v.parse::<i64>().map_err(|_| {
                format!("invalid argument {v:?} for --grace-period: expected an integer")
            })
        })
        .transpose()
}

/// `kubectl rollout undo|restart|pause|resume KIND/NAME`.
fn rollout(cmd: &mut CommandLine) -> Result<Action, String> {
    let sub = cmd.next_arg("a subcommand (undo, restart, pause, resume)")?;
    let (kind, name) = cmd.kind_name()?;
    let namespace = cmd.namespace.clone();
    match sub.as_str() {
        "undo" => {
            if kind != "Deployment" {
                return Err(format!("rollout undo supports deployments, not {kind}"));
            }
            let to_revision = match cmd.take("to-revision") {
                None => 0,
                Some(v) => v.parse::<i64>().ok().filter(|r| *r >= 0).ok_or_else(|| {
                    format!(
                        "invalid argument {v:?} for --to-revision: expected a non-negative integer"
                    )
                })?,
            };
            Ok(Action::RolloutUndo {
                name,
                namespace,
                to_revision,
            })
        }
        "restart" => {
            if !matches!(kind, "Deployment" | "StatefulSet") {
                return Err(format!(
                    "rollout restart supports deployments and statefulsets, not {kind}"
                ));
            }
            Ok(Action::RolloutRestart {
                kind,
                name,
                namespace,
            })
        }
        "pause" | "resume" => {
            if kind != "Deployment" {
                return Err(format!("rollout {sub} supports deployments, not {kind}"));
            }
            Ok(Action::RolloutPause {
                name,
                namespace,
                paused: sub == "pause",
            })
        }
        other => Err(format!(
            "unsupported rollout subcommand {other:?}: expected undo, restart, pause or resume"
        )),
    }
}

/// `kubectl set image|resources KIND/NAME ...` for a Deployment or StatefulSet.
fn set(cmd: &mut CommandLine) -> Result<Action, String> {
    let sub = cmd.next_arg("a subcommand (image, resources)")?;
    let (kind, name) = cmd.kind_name()?;
    if !matches!(kind, "Deployment" | "StatefulSet") {
        return Err(format!(
            "set {sub}: supported for deployments and statefulsets, not {kind}"
        ));
    }
    let namespace = cmd.namespace.clone();
    match sub.as_str() {
        "image" => {
            let images = parse_image_pairs(&cmd.args)?;
            cmd.args.clear();
            Ok(Action::SetImage {
                kind,
                name,
                namespace,
                images,
            })
        }
        "resources" => {
            let container = cmd.take("containers");
            let requests = resource_list_flag(cmd, "requests")?;
            let limits = resource_list_flag(cmd, "limits")?;
            if requests.is_empty() && limits.is_empty() {
                return Err("set resources: expected --requests or --limits".into());
            }
            Ok(Action::SetResources {
                kind,
                name,
                namespace,
                container,
                requests,
                limits,
            })
        }
        other => Err(format!(
            "unsupported set subcommand {other:?}: expected image or resources"
        )),
    }
}

/// `--requests=...` or `--limits=...` of `set resources`; empty when not given.
fn resource_list_flag(
    cmd: &mut CommandLine,
    flag: &str,
) -> Result<Vec<crate::scenario::action::ResourceAssignment>, String> {
    match cmd.take(flag) {
        Some(v) => parse_resource_list(flag, &v),
        None => Ok(Vec::new()),
    }
}

/// `kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=PORT]`.
fn create(cmd: &mut CommandLine) -> Result<Action, String> {
    let sub = cmd.next_arg("a subcommand (deployment)")?;
    if !matches!(sub.as_str(), "deployment" | "deploy") {
        return Err(format!("unsupported create subcommand {sub:?}: expected deployment (use apply -f for other objects)"));
    }
    let name = cmd.next_arg("NAME")?;
    let image = cmd
        .take("image")
        .ok_or("create deployment: required flag --image not set")?;
    let replicas = match cmd.take("replicas") {
        Some(v) => non_negative_i32("replicas", &v)?,
        None => 1,
    };
    let port = port_flag(cmd)?;
    Ok(Action::Apply {
        source: ApplySource::Generated(create_deployment_yaml(
            &name,
            &cmd.namespace,
            &image,
            replicas,
            port,
        )),
        objects: Vec::new(),
    })
}

/// `kubectl run NAME --image=IMAGE [--restart=POLICY] [--labels=K=V,...] [--port=PORT]`.
fn run(cmd: &mut CommandLine) -> Result<Action, String> {
    let name = cmd.next_arg("NAME")?;
    let image = cmd
        .take("image")
        .ok_or("run: required flag --image not set")?;
    let restart = cmd.take("restart").unwrap_or_else(|| "Always".into());
    if !matches!(restart.as_str(), "Always" | "OnFailure" | "Never") {
        return Err(format!(
            "invalid restart policy: {restart} (expected Always, OnFailure or Never)"
        ));
    }
    let labels = match cmd.take("labels") {
        Some(l) => l
            .split(',')
            .map(|kv| {
                kv.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .ok_or_else(|| format!("--labels: expected KEY=VALUE, found {kv:?}"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        None => vec![("run".to_string(), name.clone())],
    };
    let port = port_flag(cmd)?;
    Ok(Action::Apply {
        source: ApplySource::Generated(run_pod_yaml(
            &name,
            &cmd.namespace,
            &image,
            &restart,
            &labels,
            port,
        )),
        objects: Vec::new(),
    })
}

/// `--port=PORT` of `create deployment` and `run`, if given: 1 to 65535.
fn port_flag(cmd: &mut CommandLine) -> Result<Option<i32>, String> {
    cmd.take("port")
        .map(|v| {
            v.parse::<i32>()
                .ok()
                .filter(|p| (1..=65535).contains(p))
                .ok_or_else(|| format!("invalid argument {v:?} for --port"))
        })
        .transpose()
}

/// `kubectl drain NODE` with its grace period, timeout and eviction flags.
fn drain(cmd: &mut CommandLine) -> Result<Action, String> {
    let node = cmd.node_arg()?;
    let grace_period_s = grace_period_flag(cmd)?.unwrap_or(-1);
    let timeout_ms = match cmd.take("timeout") {
        None => 0,
        Some(v) => {
            crate::input::duration::parse_duration_ms(&v).map_err(|e| format!("--timeout: {e}"))?
        }
    };
    cmd.take("delete-emptydir-data");
    Ok(Action::Drain {
        node,
        grace_period_s,
        ignore_daemonsets: cmd.has("ignore-daemonsets"),
        force: cmd.has("force"),
        disable_eviction: cmd.has("disable-eviction"),
        timeout_ms,
    })
}

/// `kubectl label node NAME KEY=VALUE... KEY-... [--overwrite]`.
fn label(cmd: &mut CommandLine) -> Result<Action, String> {
    let node = node_only(cmd)?;
    let overwrite = cmd.has("overwrite");
    let (mut set, mut remove) = (Vec::new(), Vec::new());
    for w in std::mem::take(&mut cmd.args) {
        if let Some(k) = w.strip_suffix('-') {
            remove.push(k.to_string());
        } else if let Some((k, v)) = w.split_once('=') {
            set.push((k.to_string(), v.to_string()));
        } else {
            return Err(format!("label: expected KEY=VALUE or KEY-, found {w:?}"));
        }
    }
    if set.is_empty() && remove.is_empty() {
        return Err("label: at least one label update is required".into());
    }
    Ok(Action::Label {
        node,
        set,
        remove,
        overwrite,
    })
}

/// `kubectl taint node NAME KEY[=VALUE]:EFFECT... KEY[:EFFECT]-... [--overwrite]`.
fn taint(cmd: &mut CommandLine) -> Result<Action, String> {
    let node = node_only(cmd)?;
    let overwrite = cmd.has("overwrite");
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    for w in std::mem::take(&mut cmd.args) {
        if let Some(spec) = w.strip_suffix('-') {
            remove.push(taint_removal(spec)?);
        } else {
            add.push(taint_addition(&w)?);
        }
    }
    if add.is_empty() && remove.is_empty() {
        return Err("taint: at least one taint update is required".into());
    }
    Ok(Action::Taint {
        node,
        add,
        remove,
        overwrite,
    })
}

/// A taint to remove, `KEY[=VALUE][:EFFECT]` (the trailing `-` stripped): its key, and its
/// effect if named.
fn taint_removal(spec: &str) -> Result<(String, Option<TaintEffect>), String> {
    let (key, effect) = match spec.split_once(':') {
        Some((k, e)) => (k, Some(parse_taint_effect(e)?)),
        None => (spec, None),
    };
    let key = key.split('=').next().unwrap_or(key);
    Ok((key.to_string(), effect))
}

/// A taint to add, `KEY[=VALUE]:EFFECT`.
fn taint_addition(w: &str) -> Result<Taint, String> {
    let (kv, effect) = w
        .split_once(':')
        .ok_or_else(|| format!("invalid taint spec: {w} (expected KEY[=VALUE]:EFFECT)"))?;
    let (key, value) = kv.split_once('=').unwrap_or((kv, ""));
    if key.is_empty() {
        return Err(format!("invalid taint spec: {w}: empty key"));
    }
    Ok(Taint {
        key: key.to_string(),
        value: value.to_string(),
        effect: parse_taint_effect(effect)?,
    })
}

/// `kubectl patch KIND/NAME -p PATCH [--type=strategic|merge]`: replicas and images of a
/// Deployment, StatefulSet or ReplicaSet, or `spec.suspend` of a CronJob.
fn patch(cmd: &mut CommandLine) -> Result<Action, String> {
    let (kind, name) = cmd.kind_name()?;
    if !matches!(
        kind,
        "Deployment" | "StatefulSet" | "ReplicaSet" | "CronJob"
    ) {
        return Err(format!(
            "patch: supported for deployments, statefulsets, replicasets and cronjobs, not {kind}"
        ));
    }
    if let Some(t) = cmd.take("type") {
        if !matches!(t.as_str(), "strategic" | "merge") {
            return Err(format!(
                "patch: --type={t} is not supported (expected strategic or merge)"
            ));
        }
    }
    let p = cmd
        .take("patch")
        .ok_or("patch: required flag -p/--patch not set")?;
    let changes = parse_patch(&p)?;
    if kind == "CronJob" {
        if changes.replicas.is_some() || !changes.images.is_empty() {
            return Err("patch: a CronJob supports only spec.suspend (true or false)".into());
        }
    } else if changes.suspend.is_some() {
        return Err(format!(
            "patch: spec.suspend is a field of cronjobs, not of a {kind}"
        ));
    }
    if kind == "ReplicaSet" && !changes.images.is_empty() {
        return Err("patch: a ReplicaSet's template cannot be patched in k8sim".into());
    }
    Ok(Action::Patch {
        kind,
        name,
        namespace: cmd.namespace.clone(),
        replicas: changes.replicas,
        images: changes.images,
        suspend: changes.suspend,
    })
}

/// The value of `kubectl delete --cascade=VALUE` (kubectl delete_flags.go
/// parseCascadingFlag): `background`, `foreground` or `orphan`, or the deprecated boolean
/// forms Go's `strconv.ParseBool` accepts (true: background, false: orphan).
fn parse_cascade(value: &str) -> Result<PropagationPolicy, String> {
    match value {
        "background" | "1" | "t" | "T" | "true" | "TRUE" | "True" => {
            Ok(PropagationPolicy::Background)
        }
        "foreground" => Ok(PropagationPolicy::Foreground),
        "orphan" | "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(PropagationPolicy::Orphan),
        other => Err(format!(
            "invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
        )),
    }
}

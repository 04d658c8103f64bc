//! Timeline actions: kubectl command lines and node faults, parsed at load time so a bad
//! entry fails before the run starts. Verbs, flags and their spellings follow kubectl's
//! (staging/src/k8s.io/kubectl/pkg/cmd/*); an unknown verb or flag is an error naming it.

use super::manifest::Object;
use crate::model::labels::{Taint, TaintEffect};
use crate::model::pod::RunDuration;
use crate::model::quantity::Quantity;

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
        "service" | "services" | "svc" => "Service",
        "poddisruptionbudget" | "poddisruptionbudgets" | "pdb" => "PodDisruptionBudget",
        "persistentvolumeclaim" | "persistentvolumeclaims" | "pvc" => "PersistentVolumeClaim",
        _ => return None,
    })
}

/// Where the objects of an `apply` come from.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplySource {
    /// `apply -f FILE` / `delete -f FILE`: a manifest file relative to the scenario.
    File(String),
    /// `create deployment` / `run`: a manifest kubectl would generate.
    Generated(String),
}

/// A resource change of `kubectl set resources`: (resource name, quantity).
pub type ResourceAssignment = (String, Quantity);

/// One action of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `kubectl apply -f FILE`, `kubectl create deployment`, `kubectl run`.
    Apply {
        /// Where the objects come from.
        source: ApplySource,
        /// The objects, filled in at load time.
        objects: Vec<Object>,
    },
    /// `kubectl delete -f FILE`: deletes every object of the file.
    DeleteFile {
        /// The file.
        file: String,
        /// (kind, namespace, name) of each object, filled in at load time.
        targets: Vec<(&'static str, String, String)>,
    },
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
        /// `--grace-period` in seconds (pods only), if given.
        grace_period_s: Option<i64>,
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
    /// `kubectl rollout restart KIND NAME`: stamps `kubectl.kubernetes.io/restartedAt`
    /// into the template, which starts a rollout.
    RolloutRestart {
        /// Kind (Deployment, StatefulSet).
        kind: &'static str,
        /// Name.
        name: String,
        /// Namespace.
        namespace: String,
    },
    /// `kubectl rollout pause|resume deployment NAME`.
    RolloutPause {
        /// Deployment name.
        name: String,
        /// Namespace.
        namespace: String,
        /// Pause (true) or resume (false).
        paused: bool,
    },
    /// `kubectl set image KIND/NAME CONTAINER=IMAGE ...`.
    SetImage {
        /// Kind.
        kind: &'static str,
        /// Object name.
        name: String,
        /// Namespace.
        namespace: String,
        /// (container, image) pairs; container `*` means every container.
        images: Vec<(String, String)>,
    },
    /// `kubectl set resources KIND NAME [-c C] --requests=cpu=..,memory=.. --limits=..`.
    SetResources {
        /// Kind.
        kind: &'static str,
        /// Object name.
        name: String,
        /// Namespace.
        namespace: String,
        /// `-c`/`--containers`: container name, `None` for all.
        container: Option<String>,
        /// Requests to set.
        requests: Vec<ResourceAssignment>,
        /// Limits to set.
        limits: Vec<ResourceAssignment>,
    },
    /// `kubectl patch KIND NAME -p JSON` changing replicas and/or container images.
    Patch {
        /// Kind.
        kind: &'static str,
        /// Name.
        name: String,
        /// Namespace.
        namespace: String,
        /// New spec.replicas, if patched.
        replicas: Option<i32>,
        /// (container, image) pairs patched into the template.
        images: Vec<(String, String)>,
    },
    /// `kubectl cordon NODE` (true) / `uncordon NODE` (false).
    Cordon {
        /// Node name.
        node: String,
        /// Cordon or uncordon.
        unschedulable: bool,
    },
    /// `kubectl drain NODE`: cordon, then evict every pod through the eviction API,
    /// retrying every 5 s while a PodDisruptionBudget refuses.
    Drain {
        /// Node name.
        node: String,
        /// `--grace-period` seconds (negative: each pod's own).
        grace_period_s: i64,
        /// `--ignore-daemonsets`.
        ignore_daemonsets: bool,
        /// `--force`: also delete pods without a controller.
        force: bool,
        /// `--disable-eviction`: delete instead of evict (bypasses PDBs).
        disable_eviction: bool,
        /// `--timeout` in ms (0: infinite).
        timeout_ms: u64,
    },
    /// `kubectl label nodes NODE k=v k-`.
    Label {
        /// Node name.
        node: String,
        /// Labels to set.
        set: Vec<(String, String)>,
        /// Label keys to remove.
        remove: Vec<String>,
        /// `--overwrite`.
        overwrite: bool,
    },
    /// `kubectl taint nodes NODE k=v:Effect k:Effect-`.
    Taint {
        /// Node name.
        node: String,
        /// Taints to add.
        add: Vec<Taint>,
        /// Taints to remove: key and optional effect.
        remove: Vec<(String, Option<TaintEffect>)>,
        /// `--overwrite`.
        overwrite: bool,
    },
    /// `node: {fail: NAME}`: the node stops (kubelet heartbeats stop).
    NodeFail(String),
    /// `node: {recover: NAME}`.
    NodeRecover(String),
    /// `node: {add: GROUP, count: N}`: N more nodes like those of the group.
    NodeAdd {
        /// Node group.
        group: String,
        /// How many.
        count: u32,
    },
    /// `node: {remove: NAME}`: the Node object is deleted (pods on it are garbage-collected).
    NodeRemove(String),
    /// `zone: {fail: ZONE}`: every node labelled `topology.kubernetes.io/zone=ZONE` (or
    /// the given label) fails.
    ZoneFail {
        /// Label key.
        label: String,
        /// Label value.
        value: String,
    },
    /// `faults: {group: G, mtbf: exp(24h), mttr: 10m}`: from `at` on, each node of group
    /// G fails after a time drawn from `mtbf` and recovers after a time drawn from `mttr`,
    /// over and over.
    RandomFaults {
        /// Node group.
        group: String,
        /// Time between failures.
        mtbf: RunDuration,
        /// Time to repair.
        mttr: RunDuration,
    },
    /// `zone: {recover: ZONE}`.
    ZoneRecover {
        /// Label key.
        label: String,
        /// Label value.
        value: String,
    },
}

/// Splits a command line into words like a POSIX shell (single and double quotes,
/// backslash escapes), so `-p '{"spec": {"replicas": 3}}'` is one word.
pub fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unterminated single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => cur.push(c),
                            None => return Err("unterminated double quote".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unterminated double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    cur.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// A flag a verb accepts: long name, short name, whether it takes a value.
type FlagSpec = (&'static str, Option<char>, bool);

/// Flags every verb accepts.
const GLOBAL_FLAGS: &[FlagSpec] = &[("namespace", Some('n'), true)];

fn verb_flags(verb: &str) -> &'static [FlagSpec] {
    match verb {
        "apply" => &[("filename", Some('f'), true), ("server-side", None, false)],
        "delete" => &[
            ("filename", Some('f'), true),
            ("grace-period", None, true),
            ("now", None, false),
            ("force", None, false),
            ("wait", None, true),
        ],
        "scale" => &[("replicas", None, true)],
        "rollout" => &[("to-revision", None, true)],
        "set" => &[
            ("containers", Some('c'), true),
            ("requests", None, true),
            ("limits", None, true),
        ],
        "create" => &[
            ("image", None, true),
            ("replicas", Some('r'), true),
            ("port", None, true),
        ],
        "run" => &[
            ("image", None, true),
            ("restart", None, true),
            ("port", None, true),
            ("labels", Some('l'), true),
        ],
        "drain" => &[
            ("grace-period", None, true),
            ("ignore-daemonsets", None, false),
            ("delete-emptydir-data", None, false),
            ("force", None, false),
            ("disable-eviction", None, false),
            ("timeout", None, true),
        ],
        "label" | "taint" => &[("overwrite", None, false)],
        "patch" => &[("patch", Some('p'), true), ("type", None, true)],
        _ => &[],
    }
}

/// A parsed command line: positional words and flags.
struct CommandLine {
    verb: String,
    args: Vec<String>,
    flags: Vec<(&'static str, String)>,
    namespace: String,
}

impl CommandLine {
    fn take(&mut self, name: &str) -> Option<String> {
        let pos = self.flags.iter().position(|(k, _)| *k == name)?;
        Some(self.flags.remove(pos).1)
    }

    fn has(&mut self, name: &str) -> bool {
        match self.take(name) {
            None => false,
            Some(v) => v != "false",
        }
    }

    fn next_arg(&mut self, what: &str) -> Result<String, String> {
        if self.args.is_empty() {
            return Err(format!("{}: expected {what}", self.verb));
        }
        Ok(self.args.remove(0))
    }

    /// `KIND NAME` or `KIND/NAME`.
    fn kind_name(&mut self) -> Result<(&'static str, String), String> {
        let first = self.next_arg("KIND NAME or KIND/NAME")?;
        let (kind_word, name) = match first.split_once('/') {
            Some((k, n)) => (k.to_string(), n.to_string()),
            None => {
                let name = self.next_arg(&format!("a name after {first:?}"))?;
                (first, name)
            }
        };
        let kind = canonical_kind(&kind_word)
            .ok_or_else(|| format!("the server doesn't have a resource type {kind_word:?}"))?;
        if name.is_empty() {
            return Err(format!("{}: expected a name after {kind_word}/", self.verb));
        }
        Ok((kind, name))
    }

    fn node_arg(&mut self) -> Result<String, String> {
        let first = self.next_arg("NODE")?;
        let word = first.to_ascii_lowercase();
        if matches!(word.as_str(), "node" | "nodes" | "no") {
            return self.next_arg("NODE");
        }
        if let Some(n) = first
            .strip_prefix("node/")
            .or_else(|| first.strip_prefix("nodes/"))
        {
            return Ok(n.to_string());
        }
        Ok(first)
    }
}

fn lex(line: &str) -> Result<CommandLine, String> {
    let mut words = shell_words(line)?;
    if words.first().map(String::as_str) == Some("kubectl") {
        words.remove(0);
    }
    let Some(verb_pos) = words.iter().position(|w| !w.starts_with('-')) else {
        return Err("empty kubectl command".to_string());
    };
    let verb = words[verb_pos].clone();
    let known = verb_flags(&verb);
    let lookup_long = |name: &str| {
        GLOBAL_FLAGS
            .iter()
            .chain(known.iter())
            .find(|f| f.0 == name)
    };
    let lookup_short = |c: char| {
        GLOBAL_FLAGS
            .iter()
            .chain(known.iter())
            .find(|f| f.1 == Some(c))
    };
    let mut cmd = CommandLine {
        verb: verb.clone(),
        args: Vec::new(),
        flags: Vec::new(),
        namespace: "default".to_string(),
    };
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if i - 1 == verb_pos {
            continue;
        }
        let (spec, inline) = if let Some(body) = w.strip_prefix("--") {
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let spec = lookup_long(name).ok_or_else(|| format!("unknown flag: --{name}"))?;
            (spec, value)
        } else if let Some(body) = w.strip_prefix('-').filter(|b| !b.is_empty() && w != "-") {
            let c = body.chars().next().expect("non-empty");
            let rest = &body[c.len_utf8()..];
            let spec =
                lookup_short(c).ok_or_else(|| format!("unknown shorthand flag: {c:?} in {w}"))?;
            let value = match rest.strip_prefix('=') {
                Some(v) => Some(v.to_string()),
                None if rest.is_empty() => None,
                None => Some(rest.to_string()),
            };
            (spec, value)
        } else {
            cmd.args.push(w.clone());
            continue;
        };
        let value = if spec.2 {
            match inline {
                Some(v) => v,
                None => {
                    let v = words
                        .get(i)
                        .ok_or_else(|| format!("flag needs an argument: --{}", spec.0))?;
                    i += 1;
                    v.clone()
                }
            }
        } else {
            inline.unwrap_or_else(|| "true".to_string())
        };
        if spec.0 == "namespace" {
            cmd.namespace = value;
        } else {
            cmd.flags.push((spec.0, value));
        }
    }
    Ok(cmd)
}

fn non_negative_i32(flag: &str, v: &str) -> Result<i32, String> {
    v.parse::<i32>().ok().filter(|r| *r >= 0).ok_or_else(|| {
        format!("invalid argument {v:?} for --{flag}: expected a non-negative integer")
    })
}

fn parse_image_pairs(words: &[String]) -> Result<Vec<(String, String)>, String> {
    if words.is_empty() {
        return Err("set image: expected CONTAINER=IMAGE".into());
    }
    words
        .iter()
        .map(|w| match w.split_once('=') {
            Some((c, i)) if !c.is_empty() && !i.is_empty() => Ok((c.to_string(), i.to_string())),
            _ => Err(format!("set image: expected CONTAINER=IMAGE, found {w:?}")),
        })
        .collect()
}

fn parse_resource_list(flag: &str, v: &str) -> Result<Vec<ResourceAssignment>, String> {
    v.split(',')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, q) = kv
                .split_once('=')
                .ok_or_else(|| format!("--{flag}: expected NAME=QUANTITY, found {kv:?}"))?;
            if !matches!(k, "cpu" | "memory" | "ephemeral-storage") {
                return Err(format!(
                    "--{flag}: unsupported resource {k:?}: expected cpu, memory or ephemeral-storage"
                ));
            }
            let q = Quantity::parse(q).map_err(|e| format!("--{flag}: {k}={q}: {e}"))?;
            if q.is_negative() {
                return Err(format!("--{flag}: {k} must not be negative"));
            }
            Ok((k.to_string(), q))
        })
        .collect()
}

fn parse_taint_effect(s: &str) -> Result<TaintEffect, String> {
    match s {
        "NoSchedule" => Ok(TaintEffect::NoSchedule),
        "PreferNoSchedule" => Ok(TaintEffect::PreferNoSchedule),
        "NoExecute" => Ok(TaintEffect::NoExecute),
        other => Err(format!(
            "invalid taint effect: {other}, unsupported taint effect (expected NoSchedule, PreferNoSchedule or NoExecute)"
        )),
    }
}

/// The manifest `kubectl create deployment NAME --image=I --replicas=N [--port=P]` sends.
fn create_deployment_yaml(
    name: &str,
    ns: &str,
    image: &str,
    replicas: i32,
    port: Option<i32>,
) -> String {
    let container = image_base_name(image);
    let ports = port
        .map(|p| format!("\n        ports:\n        - containerPort: {p}"))
        .unwrap_or_default();
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: {container}\n        image: {image}{ports}\n"
    )
}

/// The container name `kubectl create deployment` derives from an image: its last path
/// segment without tag or digest.
fn image_base_name(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split('@').next().unwrap_or(base);
    base.split(':').next().unwrap_or(base).to_string()
}

/// The pod `kubectl run NAME --image=I [--restart=Never|OnFailure|Always]` creates.
fn run_pod_yaml(
    name: &str,
    ns: &str,
    image: &str,
    restart: &str,
    labels: &[(String, String)],
    port: Option<i32>,
) -> String {
    let labels: String = labels
        .iter()
        .map(|(k, v)| format!("\n    {k}: {v:?}"))
        .collect();
    let ports = port
        .map(|p| format!("\n    ports:\n    - containerPort: {p}"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:{labels}\nspec:\n  restartPolicy: {restart}\n  containers:\n  - name: {name}\n    image: {image}{ports}\n"
    )
}

/// What a patch changes: new replicas and (container, image) pairs.
type PatchChanges = (Option<i32>, Vec<(String, String)>);

fn parse_patch(p: &str) -> Result<PatchChanges, String> {
    let v: serde_json::Value =
        serde_json::from_str(p).map_err(|e| format!("patch: -p is not valid JSON: {e}"))?;
    let obj = v.as_object().ok_or("patch: expected a JSON object")?;
    let mut replicas = None;
    let mut images = Vec::new();
    for (k, v) in obj {
        if k != "spec" {
            return Err(format!("patch: only spec.replicas and spec.template.spec.containers[].image can be patched, found {k:?}"));
        }
        let spec = v.as_object().ok_or("patch: spec must be an object")?;
        for (k, v) in spec {
            match k.as_str() {
                "replicas" => {
                    let r = v.as_i64().filter(|r| *r >= 0 && *r <= i32::MAX as i64).ok_or_else(
                        || format!("patch: spec.replicas: expected a non-negative integer, found {v}"),
                    )?;
                    replicas = Some(r as i32);
                }
                "template" => {
                    let containers = v
                        .get("spec")
                        .and_then(|s| s.get("containers"))
                        .and_then(|c| c.as_array())
                        .filter(|_| v.as_object().is_some_and(|o| o.len() == 1))
                        .ok_or("patch: spec.template supports only spec.containers[{name, image}]")?;
                    for c in containers {
                        let name = c.get("name").and_then(|n| n.as_str());
                        let image = c.get("image").and_then(|n| n.as_str());
                        match (name, image) {
                            (Some(n), Some(i)) => images.push((n.to_string(), i.to_string())),
                            _ => return Err("patch: each container needs a name and an image".into()),
                        }
                    }
                }
                other => {
                    return Err(format!(
                        "patch: only spec.replicas and spec.template can be patched, found spec.{other}"
                    ))
                }
            }
        }
    }
    if replicas.is_none() && images.is_empty() {
        return Err("patch: the patch changes nothing".into());
    }
    Ok((replicas, images))
}

/// Parses a kubectl command line (with or without the leading `kubectl`).
pub fn parse_kubectl(line: &str) -> Result<Action, String> {
    let mut cmd = lex(line)?;
    let namespace = cmd.namespace.clone();
    let verb = cmd.verb.clone();
    let action = match verb.as_str() {
        "apply" => {
            let file = cmd.take("filename").ok_or("apply: expected -f FILE")?;
            cmd.take("server-side");
            Action::Apply {
                source: ApplySource::File(file),
                objects: Vec::new(),
            }
        }
        "scale" => {
            let (kind, name) = cmd.kind_name()?;
            if !matches!(kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
                return Err(format!("cannot scale a {kind}: expected a deployment, replicaset or statefulset"));
            }
            let replicas = cmd.take("replicas").ok_or("scale: required flag --replicas not set")?;
            let replicas = non_negative_i32("replicas", &replicas)?;
            Action::Scale {
                kind,
                name,
                namespace,
                replicas,
            }
        }
        "delete" => {
            let grace_period_s = match cmd.take("grace-period") {
                None => None,
                Some(v) => Some(v.parse::<i64>().map_err(|_| {
                    format!("invalid argument {v:?} for --grace-period: expected an integer")
                })?),
            };
            let now = cmd.has("now");
            let force = cmd.has("force");
            cmd.take("wait");
            let grace_period_s = if now { Some(1) } else if force { Some(0) } else { grace_period_s };
            if let Some(file) = cmd.take("filename") {
                Action::DeleteFile {
                    file,
                    targets: Vec::new(),
                }
            } else {
                let (kind, name) = cmd.kind_name()?;
                if kind == "Node" {
                    return Err("delete node: use `node: {remove: NAME}`".into());
                }
                Action::Delete {
                    kind,
                    name,
                    namespace,
                    grace_period_s,
                }
            }
        }
        "rollout" => {
            let sub = cmd.next_arg("a subcommand (undo, restart, pause, resume)")?;
            let (kind, name) = cmd.kind_name()?;
            match sub.as_str() {
                "undo" => {
                    if kind != "Deployment" {
                        return Err(format!("rollout undo supports deployments, not {kind}"));
                    }
                    let to_revision = match cmd.take("to-revision") {
                        None => 0,
                        Some(v) => v.parse::<i64>().ok().filter(|r| *r >= 0).ok_or_else(|| {
                            format!("invalid argument {v:?} for --to-revision: expected a non-negative integer")
                        })?,
                    };
                    Action::RolloutUndo {
                        name,
                        namespace,
                        to_revision,
                    }
                }
                "restart" => {
                    if !matches!(kind, "Deployment" | "StatefulSet") {
                        return Err(format!("rollout restart supports deployments and statefulsets, not {kind}"));
                    }
                    Action::RolloutRestart {
                        kind,
                        name,
                        namespace,
                    }
                }
                "pause" | "resume" => {
                    if kind != "Deployment" {
                        return Err(format!("rollout {sub} supports deployments, not {kind}"));
                    }
                    Action::RolloutPause {
                        name,
                        namespace,
                        paused: sub == "pause",
                    }
                }
                other => {
                    return Err(format!(
                        "unsupported rollout subcommand {other:?}: expected undo, restart, pause or resume"
                    ))
                }
            }
        }
        "set" => {
            let sub = cmd.next_arg("a subcommand (image, resources)")?;
            let (kind, name) = cmd.kind_name()?;
            if !matches!(kind, "Deployment" | "StatefulSet") {
                return Err(format!("set {sub}: supported for deployments and statefulsets, not {kind}"));
            }
            match sub.as_str() {
                "image" => {
                    let images = parse_image_pairs(&cmd.args)?;
                    cmd.args.clear();
                    Action::SetImage {
                        kind,
                        name,
                        namespace,
                        images,
                    }
                }
                "resources" => {
                    let container = cmd.take("containers");
                    let requests = match cmd.take("requests") {
                        Some(v) => parse_resource_list("requests", &v)?,
                        None => Vec::new(),
                    };
                    let limits = match cmd.take("limits") {
                        Some(v) => parse_resource_list("limits", &v)?,
                        None => Vec::new(),
                    };
                    if requests.is_empty() && limits.is_empty() {
                        return Err("set resources: expected --requests or --limits".into());
                    }
                    Action::SetResources {
                        kind,
                        name,
                        namespace,
                        container,
                        requests,
                        limits,
                    }
                }
                other => {
                    return Err(format!("unsupported set subcommand {other:?}: expected image or resources"))
                }
            }
        }
        "create" => {
            let sub = cmd.next_arg("a subcommand (deployment)")?;
            if !matches!(sub.as_str(), "deployment" | "deploy") {
                return Err(format!("unsupported create subcommand {sub:?}: expected deployment (use apply -f for other objects)"));
            }
            let name = cmd.next_arg("NAME")?;
            let image = cmd.take("image").ok_or("create deployment: required flag --image not set")?;
            let replicas = match cmd.take("replicas") {
                Some(v) => non_negative_i32("replicas", &v)?,
                None => 1,
            };
            let port = match cmd.take("port") {
                Some(v) => Some(v.parse::<i32>().ok().filter(|p| (1..=65535).contains(p)).ok_or_else(|| format!("invalid argument {v:?} for --port"))?),
                None => None,
            };
            Action::Apply {
                source: ApplySource::Generated(create_deployment_yaml(&name, &namespace, &image, replicas, port)),
                objects: Vec::new(),
            }
        }
        "run" => {
            let name = cmd.next_arg("NAME")?;
            let image = cmd.take("image").ok_or("run: required flag --image not set")?;
            let restart = cmd.take("restart").unwrap_or_else(|| "Always".into());
            if !matches!(restart.as_str(), "Always" | "OnFailure" | "Never") {
                return Err(format!("invalid restart policy: {restart} (expected Always, OnFailure or Never)"));
            }
            let labels = match cmd.take("labels") {
                Some(l) => l
                    .split(',')
                    .map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).ok_or_else(|| format!("--labels: expected KEY=VALUE, found {kv:?}")))
                    .collect::<Result<Vec<_>, _>>()?,
                None => vec![("run".to_string(), name.clone())],
            };
            let port = match cmd.take("port") {
                Some(v) => Some(v.parse::<i32>().ok().filter(|p| (1..=65535).contains(p)).ok_or_else(|| format!("invalid argument {v:?} for --port"))?),
                None => None,
            };
            Action::Apply {
                source: ApplySource::Generated(run_pod_yaml(&name, &namespace, &image, &restart, &labels, port)),
                objects: Vec::new(),
            }
        }
        "cordon" | "uncordon" => Action::Cordon {
            node: cmd.node_arg()?,
            unschedulable: verb == "cordon",
        },
        "drain" => {
            let node = cmd.node_arg()?;
            let grace_period_s = match cmd.take("grace-period") {
                None => -1,
                Some(v) => v.parse::<i64>().map_err(|_| format!("invalid argument {v:?} for --grace-period: expected an integer"))?,
            };
            let timeout_ms = match cmd.take("timeout") {
                None => 0,
                Some(v) => super::duration::parse_duration_ms(&v).map_err(|e| format!("--timeout: {e}"))?,
            };
            cmd.take("delete-emptydir-data");
            Action::Drain {
                node,
                grace_period_s,
                ignore_daemonsets: cmd.has("ignore-daemonsets"),
                force: cmd.has("force"),
                disable_eviction: cmd.has("disable-eviction"),
                timeout_ms,
            }
        }
        "label" => {
            let node = node_only(&mut cmd)?;
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
            Action::Label {
                node,
                set,
                remove,
                overwrite,
            }
        }
        "taint" => {
            let node = node_only(&mut cmd)?;
            let overwrite = cmd.has("overwrite");
            let (mut add, mut remove) = (Vec::new(), Vec::new());
            for w in std::mem::take(&mut cmd.args) {
                if let Some(spec) = w.strip_suffix('-') {
                    let (key, effect) = match spec.split_once(':') {
                        Some((k, e)) => (k, Some(parse_taint_effect(e)?)),
                        None => (spec, None),
                    };
                    let key = key.split('=').next().unwrap_or(key);
                    remove.push((key.to_string(), effect));
                } else {
                    let (kv, effect) = w
                        .split_once(':')
                        .ok_or_else(|| format!("invalid taint spec: {w} (expected KEY[=VALUE]:EFFECT)"))?;
                    let (key, value) = kv.split_once('=').unwrap_or((kv, ""));
                    if key.is_empty() {
                        return Err(format!("invalid taint spec: {w}: empty key"));
                    }
                    add.push(Taint {
                        key: key.to_string(),
                        value: value.to_string(),
                        effect: parse_taint_effect(effect)?,
                    });
                }
            }
            if add.is_empty() && remove.is_empty() {
                return Err("taint: at least one taint update is required".into());
            }
            Action::Taint {
                node,
                add,
                remove,
                overwrite,
            }
        }
        "patch" => {
            let (kind, name) = cmd.kind_name()?;
            if !matches!(kind, "Deployment" | "StatefulSet" | "ReplicaSet") {
                return Err(format!("patch: supported for deployments, statefulsets and replicasets, not {kind}"));
            }
            if let Some(t) = cmd.take("type") {
                if !matches!(t.as_str(), "strategic" | "merge") {
                    return Err(format!("patch: --type={t} is not supported (expected strategic or merge)"));
                }
            }
            let p = cmd.take("patch").ok_or("patch: required flag -p/--patch not set")?;
            let (replicas, images) = parse_patch(&p)?;
            if kind == "ReplicaSet" && !images.is_empty() {
                return Err("patch: a ReplicaSet's template cannot be patched in k8sim".into());
            }
            Action::Patch {
                kind,
                name,
                namespace,
                replicas,
                images,
            }
        }
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

fn node_only(cmd: &mut CommandLine) -> Result<String, String> {
    let first = cmd.next_arg("nodes NODE")?;
    let (kind, name) = match first.split_once('/') {
        Some((k, n)) => (k.to_string(), n.to_string()),
        None => (first, cmd.next_arg("NODE")?),
    };
    match canonical_kind(&kind) {
        Some("Node") => Ok(name),
        _ => Err(format!(
            "{}: only nodes are supported, not {kind:?}",
            cmd.verb
        )),
    }
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
        assert!(matches!(
            parse_kubectl("kubectl scale --replicas 3 sts/web"),
            Ok(Action::Scale {
                kind: "StatefulSet",
                replicas: 3,
                ..
            })
        ));
    }

    #[test]
    fn parses_node_verbs() {
        assert!(matches!(
            parse_kubectl("drain node-1 --ignore-daemonsets --grace-period=10"),
            Ok(Action::Drain { ref node, grace_period_s: 10, ignore_daemonsets: true, .. }) if node == "node-1"
        ));
        let Ok(Action::Taint { add, remove, .. }) =
            parse_kubectl("taint nodes n1 dedicated=gpu:NoSchedule old:NoExecute-")
        else {
            panic!("taint did not parse");
        };
        assert_eq!(add[0].key, "dedicated");
        assert_eq!(add[0].value, "gpu");
        assert_eq!(
            remove,
            vec![("old".to_string(), Some(TaintEffect::NoExecute))]
        );
        assert!(matches!(
            parse_kubectl("label node n1 disk=ssd zone- --overwrite"),
            Ok(Action::Label { ref set, ref remove, overwrite: true, .. }) if set.len() == 1 && remove == &["zone"]
        ));
    }

    #[test]
    fn parses_patch_json_with_quotes() {
        assert_eq!(
            parse_kubectl(r#"patch deployment web -p '{"spec": {"replicas": 4}}'"#),
            Ok(Action::Patch {
                kind: "Deployment",
                name: "web".into(),
                namespace: "default".into(),
                replicas: Some(4),
                images: vec![]
            })
        );
    }

    #[test]
    fn create_deployment_names_the_container_after_the_image() {
        let Ok(Action::Apply {
            source: ApplySource::Generated(y),
            ..
        }) = parse_kubectl("create deployment web --image=registry.k8s.io/nginx:1.27 --replicas=3")
        else {
            panic!("create did not parse");
        };
        assert!(y.contains("- name: nginx\n"), "{y}");
        assert!(y.contains("replicas: 3"), "{y}");
    }

    #[test]
    fn rejects_bad_commands() {
        assert!(parse_kubectl("frobnicate deployment x").is_err());
        assert!(parse_kubectl("scale deployment x --replicas=-1").is_err());
        assert!(parse_kubectl("scale deployment x").is_err());
        assert_eq!(
            parse_kubectl("scale deployment x --replicas=2 --bogus=1"),
            Err("unknown flag: --bogus".to_string())
        );
        assert!(parse_kubectl("scale widget x --replicas=2").is_err());
        assert!(parse_kubectl("drain n1 --replicas=2").is_err());
        assert!(parse_kubectl("taint nodes n1 a=b:Sometimes").is_err());
        assert!(parse_kubectl("patch deployment x -p '{\"metadata\":{}}'").is_err());
        assert!(parse_kubectl("set image deployment/x nginx").is_err());
        assert!(parse_kubectl("rollout status deployment x").is_err());
    }
}

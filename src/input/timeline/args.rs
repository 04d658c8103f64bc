//! Value parsers of kubectl flags and arguments, and the manifests `kubectl create
//! deployment` and `kubectl run` generate.

use crate::model::labels::TaintEffect;
use crate::model::quantity::Quantity;
use crate::scenario::action::ResourceAssignment;

pub(super) fn non_negative_i32(flag: &str, v: &str) -> Result<i32, String> {
    v.parse::<i32>().ok().filter(|r| *r >= 0).ok_or_else(|| {
        format!("invalid argument {v:?} for --{flag}: expected a non-negative integer")
    })
}

pub(super) fn parse_image_pairs(words: &[String]) -> Result<Vec<(String, String)>, String> {
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

pub(super) fn parse_resource_list(flag: &str, v: &str) -> Result<Vec<ResourceAssignment>, String> {
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

pub(super) fn parse_taint_effect(s: &str) -> Result<TaintEffect, String> {
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
pub(super) fn create_deployment_yaml(
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
pub(super) fn image_base_name(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split('@').next().unwrap_or(base);
    base.split(':').next().unwrap_or(base).to_string()
}

/// The pod `kubectl run NAME --image=I [--restart=Never|OnFailure|Always]` creates.
pub(super) fn run_pod_yaml(
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

/// What a `kubectl patch -p JSON` changes.
#[derive(Debug, Default)]
pub(super) struct PatchChanges {
    /// `spec.replicas`.
    pub replicas: Option<i32>,
    /// `spec.template.spec.containers[{name, image}]`.
    pub images: Vec<(String, String)>,
    /// `spec.suspend` (CronJobs).
    pub suspend: Option<bool>,
}

/// Parses the JSON of `kubectl patch -p`: `spec.replicas`, container images under
/// `spec.template` and `spec.suspend`; any other field is an error naming it.
pub(super) fn parse_patch(p: &str) -> Result<PatchChanges, String> {
    let v: serde_json::Value =
        serde_json::from_str(p).map_err(|e| format!("patch: -p is not valid JSON: {e}"))?;
    let obj = v.as_object().ok_or("patch: expected a JSON object")?;
    let mut out = PatchChanges::default();
    for (k, v) in obj {
        if k != "spec" {
            return Err(format!("patch: only spec.replicas, spec.template.spec.containers[].image and spec.suspend can be patched, found {k:?}"));
        }
        let spec = v.as_object().ok_or("patch: spec must be an object")?;
        for (k, v) in spec {
            match k.as_str() {
                "replicas" => {
                    let r = v.as_i64().filter(|r| *r >= 0 && *r <= i32::MAX as i64).ok_or_else(
                        || format!("patch: spec.replicas: expected a non-negative integer, found {v}"),
                    )?;
                    out.replicas = Some(r as i32);
                }
                "suspend" => {
                    let b = v.as_bool().ok_or_else(|| {
                        format!("patch: spec.suspend: expected true or false, found {v}")
                    })?;
                    out.suspend = Some(b);
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
                            (Some(n), Some(i)) => out.images.push((n.to_string(), i.to_string())),
                            _ => return Err("patch: each container needs a name and an image".into()),
                        }
                    }
                }
                other => {
                    return Err(format!(
                        "patch: only spec.replicas, spec.template and spec.suspend can be patched, found spec.{other}"
                    ))
                }
            }
        }
    }
    if out.replicas.is_none() && out.images.is_empty() && out.suspend.is_none() {
        return Err("patch: the patch changes nothing".into());
    }
    Ok(out)
}

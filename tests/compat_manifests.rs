//! Manifests as `kubectl apply -f` takes them: the shapes used by the Kubernetes
//! documentation examples are accepted, and broken files get one error naming the file, the
//! line, the field and what was expected. All manifests here are small ones written for these
//! tests.

use k8sim::input::error::InputError;
use k8sim::input::manifest::{load_str, ManifestSet};
use k8sim::model::resources::{ResourceNames, CPU, MEMORY};
use k8sim::scenario::object::Object;
use std::path::Path;
use std::process::Command;

fn load(text: &str) -> Result<ManifestSet, Vec<InputError>> {
    load_str(Path::new("m.yaml"), text, &mut ResourceNames::default())
}

fn one_error(text: &str) -> InputError {
    let errs = load(text).expect_err("expected the manifest to be rejected");
    assert_eq!(errs.len(), 1, "expected exactly one error, got {errs:?}");
    errs.into_iter().next().unwrap()
}

const POD_SPEC: &str = "spec: {containers: [{name: c, image: nginx}]}";

// ---- accepted shapes -------------------------------------------------------------------

/// Flow/JSON-style documents after a `---` line, with comments inside (the style of many
/// kubernetes/website examples).
#[test]
fn flow_style_document_with_comments_is_accepted() {
    let text = "---\n{\n  apiVersion: \"v1\",\n  kind: \"Pod\",\n  metadata: {name: \"p\"},\n  spec: {\n    # a comment inside flow style\n    containers: [{name: \"c\", image: \"i\"}],\n  },\n}\n";
    let set = load(text).unwrap();
    assert_eq!(set.objects.len(), 1);
}

/// Quantities written as YAML numbers are read from their own text: `.5` cpu, `1e3` bytes.
#[test]
fn numeric_quantities_keep_their_text() {
    let set = load("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    resources:\n      requests: {cpu: .5, memory: 1e3, example.com/dongle: 3}\n").unwrap();
    let Object::Pod(p) = &set.objects[0].object else {
        panic!("expected a pod")
    };
    assert_eq!(p.template.spec.requests.get(CPU), 500);
    assert_eq!(p.template.spec.requests.get(MEMORY), 1000);
}

/// Anchors and aliases inside one document, `...` document end, empty documents and a
/// comment after `---`.
#[test]
fn anchors_and_document_markers() {
    let text = "--- # first\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: &s {containers: [{name: c, image: i, resources: {}}]}\n...\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: List\nitems:\n- &pod {apiVersion: v1, kind: Pod, metadata: {name: b}, spec: {containers: [{name: c, image: i}]}}\n";
    let set = load(text).unwrap();
    assert_eq!(set.objects.len(), 2);
}

/// `metadata.generateName` stands in for the name.
#[test]
fn generate_name_is_accepted() {
    let set = load(&format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{generateName: web-}}\n{POD_SPEC}\n"
    ))
    .unwrap();
    assert!(set.objects[0].object.key().1.starts_with("web-"));
}

/// ReplicationController (core/v1) runs like a ReplicaSet; its map selector defaults to the
/// template labels (pkg/apis/core/v1/defaults.go SetDefaults_ReplicationController).
#[test]
fn replication_controller_is_simulated_as_a_replica_set() {
    let text = "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: nginx}\nspec:\n  replicas: 3\n  template:\n    metadata: {labels: {app: nginx}}\n    spec: {containers: [{name: nginx, image: nginx}]}\n";
    let set = load(text).unwrap();
    let Object::ReplicaSet(rs) = &set.objects[0].object else {
        panic!("expected a ReplicaSet")
    };
    assert_eq!(rs.replicas, 3);
    assert_eq!(
        rs.selector.match_labels.get("app").map(String::as_str),
        Some("nginx")
    );
}

/// A ReplicationController selector that does not match its template is rejected.
#[test]
fn replication_controller_selector_must_match() {
    let e = one_error("apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n  selector: {app: other}\n  template:\n    metadata: {labels: {app: nginx}}\n    spec: {containers: [{name: c, image: i}]}\n");
    assert_eq!(e.field, "spec.selector");
    assert_eq!(e.line, Some(5));
}

/// Built-in kinds that do not affect scheduling are counted, whatever their apiVersion
/// (ConfigMap, networking.k8s.io/v1beta1 Ingress, removed PSP); a policy/v1
/// PodDisruptionBudget is simulated (drain respects it).
#[test]
fn not_simulated_builtin_kinds_are_counted() {
    let text = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata: {name: c}\n---\napiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: d}\n---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: e}\n";
    let set = load(text).unwrap();
    assert_eq!(set.not_simulated.values().sum::<usize>(), 4);
    assert_eq!(set.objects.len(), 1, "the PodDisruptionBudget is simulated");
    assert!(set
        .warnings
        .iter()
        .any(|w| w.contains("removed in Kubernetes 1.25")));
}

/// Pod-level resources (PodLevelResources, beta since 1.34): the pod-level request replaces
/// the container sum for cpu and memory.
#[test]
fn pod_level_resources_set_the_effective_request() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  resources:\n    requests: {cpu: \"1\", memory: 100Mi}\n  containers:\n  - name: a\n    image: i\n    resources: {requests: {cpu: 250m, memory: 50Mi}}\n  - name: b\n    image: i\n";
    let set = load(text).unwrap();
    let Object::Pod(p) = &set.objects[0].object else {
        panic!("expected a pod")
    };
    assert_eq!(p.template.spec.requests.get(CPU), 1000);
    assert_eq!(p.template.spec.requests.get(MEMORY), 100 * 1024 * 1024);
}

/// `nodeName`, `schedulerName` and a builtin `priorityClassName` validate; a manifest file
/// alone does not resolve priority classes (scenarios do).
#[test]
fn node_name_scheduler_name_and_builtin_priority() {
    let set = load("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeName: node-1\n  schedulerName: my-scheduler\n  priorityClassName: system-node-critical\n  containers: [{name: c, image: i}]\n").unwrap();
    let Object::Pod(p) = &set.objects[0].object else {
        panic!("expected a pod")
    };
    assert_eq!(p.template.spec.node_name.as_deref(), Some("node-1"));
    assert_eq!(p.template.spec.scheduler_name, "my-scheduler");
}

// ---- rejected input ----------------------------------------------------------------------

#[test]
fn tab_indentation_names_line_and_field() {
    let e = one_error("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n");
    assert_eq!(e.line, Some(4));
    assert!(e.message.contains("spaces, not tabs"), "{e}");
}

#[test]
fn bad_indentation_names_the_line() {
    let e = one_error("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec: {}\n");
    assert_eq!(e.line, Some(5));
}

#[test]
fn string_where_integer_expected_names_the_field() {
    let e = one_error("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: three\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i}]}\n");
    assert_eq!((e.line, e.field.as_str()), (Some(5), "spec.replicas"));
    assert!(e.message.contains("expected an integer"), "{e}");
}

#[test]
fn map_where_list_expected_names_the_field() {
    let e = one_error(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    name: c\n    image: i\n",
    );
    assert_eq!(e.line, Some(6));
    assert!(e.field.starts_with("spec.containers"), "{e}");
    assert!(e.message.contains("expected a list"), "{e}");
}

#[test]
fn missing_kind_and_missing_api_version() {
    let e = one_error(&format!(
        "apiVersion: v1\nmetadata: {{name: p}}\n{POD_SPEC}\n"
    ));
    assert_eq!((e.line, e.field.as_str()), (Some(1), "kind"));
    let e = one_error(&format!("kind: Pod\nmetadata: {{name: p}}\n{POD_SPEC}\n"));
    assert_eq!(e.field, "apiVersion");
    assert!(e.message.contains("missing apiVersion"), "{e}");
}

/// kubectl: "error: no objects passed to apply".
#[test]
fn empty_and_comment_only_files_are_rejected() {
    for text in ["", "# nothing\n---\n# here\n"] {
        let e = one_error(text);
        assert!(e.message.contains("no objects"), "{e}");
    }
}

#[test]
fn huge_and_negative_quantities() {
    let e = one_error("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    resources:\n      requests:\n        cpu: 99999999999999999999999999999999999999\n");
    assert_eq!(e.line, Some(10));
    assert_eq!(e.field, "spec.containers[0].resources.requests.cpu");
    let e = one_error("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    resources:\n      requests:\n        memory: -1Gi\n");
    assert_eq!(e.field, "spec.containers[0].resources.requests.memory");
    assert!(e.message.contains("non-negative"), "{e}");
}

/// sigs.k8s.io/yaml (used by kubectl) rejects a key repeated in one mapping.
#[test]
fn duplicate_keys_are_rejected() {
    let e = one_error(&format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n{POD_SPEC}\n"
    ));
    assert_eq!((e.line, e.field.as_str()), (Some(5), "metadata.name"));
    assert!(e.message.contains("duplicate mapping key"), "{e}");
}

/// NodeSelectorRequirement operators: In, NotIn, Exists, DoesNotExist, Gt, Lt
/// (core/v1 types.go NodeSelectorOperator).
#[test]
fn unknown_operator_is_rejected() {
    let e = one_error("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - {key: a, operator: Equals, values: [b]}\n");
    assert_eq!(e.line, Some(11));
    assert!(e.field.ends_with("matchExpressions[0].operator"), "{e}");
}

/// TaintEffect: NoSchedule, PreferNoSchedule, NoExecute (core/v1 types.go).
#[test]
fn invalid_effect_is_rejected() {
    let e = one_error("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n  tolerations:\n  - key: a\n    operator: Exists\n    effect: NoScheduel\n");
    assert_eq!(
        (e.line, e.field.as_str()),
        (Some(9), "spec.tolerations[0].effect")
    );
}

/// Toleration operators Gt/Lt are alpha (off by default) in Kubernetes 1.35.
#[test]
fn numeric_toleration_operators_are_explained() {
    let e = one_error("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n  tolerations:\n  - {key: level, operator: Gt, value: \"900\", effect: NoSchedule}\n");
    assert!(e.message.contains("feature gate"), "{e}");
}

/// Deployments allow only restartPolicy Always (apps validation).
#[test]
fn restart_policy_rules() {
    let e = one_error("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: i}]\n");
    assert_eq!(e.field, "spec.template.spec.restartPolicy");
    assert_eq!(e.line, Some(9));
}

/// Custom resources stay an error with file and line: k8sim cannot know their schema.
#[test]
fn unknown_crd_kind_is_an_error() {
    let e = one_error("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");
    assert_eq!((e.line, e.field.as_str()), (Some(2), "kind"));
    assert!(e.message.contains("custom resource"), "{e}");
}

#[test]
fn too_many_extended_resources() {
    let e = one_error("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i, resources: {requests: {a.com/x: 1, b.com/x: 1, c.com/x: 1, d.com/x: 1, e.com/x: 1}}}]\n");
    assert!(e.message.contains("at most 4"), "{e}");
}

#[test]
fn top_level_list_or_scalar_is_rejected() {
    for text in ["[1, 2]\n", "just text\n"] {
        let e = one_error(text);
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("expected a mapping"), "{e}");
    }
}

/// `k8sim validate` on a binary file: an error with the line, never a panic.
#[test]
fn validate_binary_file_reports_not_utf8() {
    let dir = std::env::temp_dir().join(format!("k8sim-compat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bin.yaml");
    std::fs::write(&f, b"apiVersion: v1\n\x00\xff\xfe garbage").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .arg("validate")
        .arg(&f)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bin.yaml:2") && stderr.contains("not UTF-8"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

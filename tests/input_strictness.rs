//! Input strictness as `kubectl apply` and the API server apply it: label and annotation values
//! must be strings (the JSON decoding into `map[string]string` fails on `version: 2`), and an
//! error inside a `kind: List` points at the item's own line.

use k8sim::input::error::InputError;
use k8sim::input::manifest::{load_str, ManifestSet};
use k8sim::model::resources::ResourceNames;
use std::path::Path;

fn load(text: &str) -> Result<ManifestSet, Vec<InputError>> {
    load_str(
        Path::new("strict.yaml"),
        text,
        &mut ResourceNames::default(),
    )
}

fn errors(text: &str) -> Vec<InputError> {
    match load(text) {
        Ok(_) => panic!("expected the manifest to be rejected"),
        Err(e) => e,
    }
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
    version: 2
  annotations:
    enabled: true
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels:
        app: web
        canary: false
    spec:
      containers:
      - name: c
        image: nginx
";

#[test]
fn label_value_written_as_a_number_is_rejected_at_its_line() {
    let errs = errors(DEPLOYMENT);
    let e = errs
        .iter()
        .find(|e| e.field == "metadata.labels.version")
        .unwrap_or_else(|| panic!("no error for the label: {errs:?}"));
    assert_eq!(e.line, Some(7));
    assert_eq!(e.file, Path::new("strict.yaml"));
    assert!(
        e.message.contains("expected a string; quote it: \"2\""),
        "{}",
        e.message
    );
}

#[test]
fn annotation_and_template_label_bools_are_rejected_too() {
    let errs = errors(DEPLOYMENT);
    let annotation = errs
        .iter()
        .find(|e| e.field == "metadata.annotations.enabled")
        .expect("annotation error");
    assert_eq!(annotation.line, Some(9));
    assert!(annotation.message.contains("quote it: \"true\""));
    let template = errs
        .iter()
        .find(|e| e.field == "spec.template.metadata.labels.canary")
        .expect("template label error");
    assert_eq!(template.line, Some(17));
    assert_eq!(errs.len(), 3, "{errs:?}");
}

#[test]
fn quoted_numbers_and_bools_are_accepted_as_strings() {
    let set = load(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {version: \"2\", enabled: 'true'}\nspec:\n  containers: [{name: c, image: nginx}]\n",
    )
    .expect("quoted values are strings");
    assert_eq!(set.objects.len(), 1);
}

#[test]
fn a_bare_pod_reports_its_bad_label_once() {
    // A bare Pod's metadata is also its template's: the error must not appear twice.
    let errs = errors(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    tier: 3\nspec:\n  containers: [{name: c, image: nginx}]\n",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].line, Some(6));
    assert_eq!(errs[0].field, "metadata.labels.tier");
}

#[test]
fn json_label_numbers_are_rejected() {
    let errs = errors(
        r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j","labels":{"v":1.5}},"spec":{"containers":[{"name":"c","image":"x"}]}}"#,
    );
    assert!(errs[0].message.contains("quote it: \"1.5\""), "{errs:?}");
}

#[test]
fn list_item_errors_point_at_the_items_own_line() {
    let errs = errors(
        "apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: ok}
  spec: {containers: [{name: c, image: nginx}]}
- apiVersion: v1
  kind: Pod
  metadata:
    name: bad
    labels: {version: 2}
  spec: {containers: [{name: c, image: nginx}]}
- apiVersion: v1
  kind: Frobnicator
  metadata: {name: x}
",
    );
    assert_eq!(errs.len(), 2, "{errs:?}");
    // The second item starts on line 8, the third on line 14 (not the List's line 1).
    assert_eq!(errs[0].line, Some(8), "{errs:?}");
    assert_eq!(errs[0].field, "metadata.labels.version");
    assert_eq!(errs[1].line, Some(14), "{errs:?}");
    assert_eq!(errs[1].field, "kind");
}

/// Issue 11 item 8: `request:` instead of `requests:` validated `ok` and the run defaulted
/// the request from the limit. kubectl's default field validation is Strict
/// (staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go, `--validate=strict`), so an unknown
/// field is an error naming file, line, field path and the nearest valid name.
#[test]
fn misspelt_requests_is_an_error_with_a_suggestion() {
    let errs = errors(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx
        resources:
          request: {cpu: 100m}
          limits: {cpu: 200m}
",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = &errs[0];
    assert_eq!(e.file, Path::new("strict.yaml"));
    assert_eq!(e.line, Some(16));
    assert_eq!(e.field, "spec.template.spec.containers[].resources.request");
    assert!(
        e.message
            .starts_with("unknown field \"request\": did you mean \"requests\"?"),
        "{}",
        e.message
    );
}

#[test]
fn unknown_top_level_and_metadata_fields_are_errors() {
    let errs = errors(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  lables: {app: x}\nspec:\n  containers: [{name: c, image: nginx}]\n",
    );
    assert_eq!(errs[0].line, Some(5), "{errs:?}");
    assert!(
        errs[0].message.contains("did you mean \"labels\"?"),
        "{errs:?}"
    );
    let errs = errors(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspek:\n  containers: [{name: c, image: nginx}]\n",
    );
    assert!(
        errs[0].message.contains("did you mean \"spec\"?"),
        "{errs:?}"
    );
}

/// Fields Kubernetes has but k8sim does not simulate (probes, env, securityContext,
/// status, managedFields, other volume sources, ...) are accepted: a manifest exported
/// from a real cluster must load unchanged.
#[test]
fn kubernetes_fields_that_are_not_simulated_are_accepted() {
    let set = load(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  uid: 1234
  resourceVersion: \"42\"
  creationTimestamp: \"2026-01-01T00:00:00Z\"
  managedFields: [{manager: kubectl}]
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      securityContext: {runAsNonRoot: true}
      dnsPolicy: ClusterFirst
      volumes:
      - name: cfg
        configMap: {name: web}
      containers:
      - name: c
        image: nginx
        imagePullPolicy: IfNotPresent
        command: [nginx]
        env: [{name: A, value: b}]
        ports: [{name: http, containerPort: 80}]
        livenessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 10}
        volumeMounts: [{name: cfg, mountPath: /etc/web}]
        resources:
          requests: {cpu: 100m}
status:
  replicas: 1
",
    )
    .expect("Kubernetes fields that are not simulated load");
    assert_eq!(set.objects.len(), 1);
}

#[test]
fn scenario_typo_suggests_the_scenario_key() {
    let dir = std::env::temp_dir().join(format!("k8sim-strict-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("typo.yaml");
    std::fs::write(
        &path,
        "name: t\nduration: 1m\ncluster:\n  nodes:\n    - name: w\n      alocatable: {cpu: \"4\", memory: 8Gi}\nworkloads: []\n",
    )
    .unwrap();
    let err = k8sim::input::scenario::load(&path).unwrap_err().to_string();
    assert!(err.contains("typo.yaml:6"), "{err}");
    assert!(err.contains("cluster.nodes[].alocatable"), "{err}");
    assert!(err.contains("did you mean \"allocatable\"?"), "{err}");
}

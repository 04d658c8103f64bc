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

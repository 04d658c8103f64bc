//! Kubernetes manifests exactly as `kubectl apply -f` takes them: multi-document YAML, JSON,
//! and `List` objects, dispatched on `apiVersion`/`kind` and converted into model objects.

mod catalog;
pub mod convert;
pub mod kinds;
pub mod raw;

use super::error::InputError;
use super::yaml::{parse_document, split_documents, Document};
use crate::model::resources::ResourceNames;
use crate::scenario::object::{Located, Object};
use catalog::{accepted_versions, BUILTIN_GROUPS, NOT_SIMULATED, REMOVED};
use convert::Ctx;
use std::collections::BTreeMap;
use std::path::Path;

/// Everything read from a set of manifest files.
#[derive(Debug, Default)]
pub struct ManifestSet {
    /// Simulated objects, in file order.
    pub objects: Vec<Located>,
    /// Known kinds that are not simulated, with how many objects of each were seen.
    pub not_simulated: BTreeMap<String, usize>,
    /// Warnings (deprecated API versions, ...).
    pub warnings: Vec<String>,
}

/// Reads one manifest file. All problems are collected and returned together.
pub fn load_file(
    path: &Path,
    resources: &mut ResourceNames,
) -> Result<ManifestSet, Vec<InputError>> {
    let bytes = super::limits::read_capped(path).map_err(|e| {
        vec![InputError::new(
            path,
            None,
            "",
            format!("cannot read manifest: {e}"),
        )]
    })?;
    let text = utf8_text(path, bytes).map_err(|e| vec![e])?;
    load_str(path, &text, resources)
}

/// The file's text, or an error at the line of the first byte that is not UTF-8 (a binary
/// file, or text in another encoding).
pub fn utf8_text(path: &Path, bytes: Vec<u8>) -> Result<String, InputError> {
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..good].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        InputError::new(
            path,
            Some(line),
            "",
            format!(
                "not UTF-8 text (byte 0x{:02x} at offset {good}): expected a YAML or JSON manifest, found binary data or another encoding",
                bytes[good]
            ),
        )
    })
}

/// Reads manifests from `text` (named `path` in errors).
pub fn load_str(
    path: &Path,
    text: &str,
    resources: &mut ResourceNames,
) -> Result<ManifestSet, Vec<InputError>> {
    let mut set = ManifestSet::default();
    let mut errors = Vec::new();
    let docs = split_documents(text);
    if docs.is_empty() {
        // kubectl apply -f refuses such a file: "error: no objects passed to apply".
        return Err(vec![InputError::new(
            path,
            None,
            "",
            "no objects found: the file is empty or holds only comments and `---` separators (kubectl apply: no objects passed to apply)",
        )]);
    }
    for doc in docs {
        load_document(path, &doc, resources, &mut set, &mut errors);
    }
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(errors)
    }
}

/// What a document states before its body: its kind and apiVersion, and where.
struct DocHeader {
    kind: String,
    kind_line: u64,
    api_version: String,
    /// The document's first line.
    doc_line: u64,
}

/// Reads one document of a manifest into `set`: a simulated object, a List's items, or a
/// count of a kind that is not simulated.
fn load_document(
    path: &Path,
    doc: &Document<'_>,
    resources: &mut ResourceNames,
    set: &mut ManifestSet,
    errors: &mut Vec<InputError>,
) {
    let header = match doc_header(path, doc) {
        Ok(h) => h,
        Err(e) => {
            errors.push(e);
            return;
        }
    };
    let Some(versions) = accepted_versions(&header.kind) else {
        unsimulated_kind(path, doc, header, resources, set, errors);
        return;
    };
    if let Err(e) = check_api_version(path, &header, versions, set) {
        errors.push(e);
        return;
    }
    if header.kind == "List" {
        load_list(path, doc, resources, set, errors);
        return;
    }
    let mut ctx = Ctx {
        file: path,
        line_offset: doc.line_offset,
        doc_line: header.doc_line,
        resources,
        errors: Vec::new(),
    };
    let object = match convert_kind(&mut ctx, &header.kind, &header.api_version, doc) {
        Ok(o) => o,
        Err(e) => {
            errors.push(e);
            return;
        }
    };
    errors.append(&mut ctx.errors);
    set.objects.push(Located {
        object,
        file: path.to_path_buf(),
        line: header.doc_line,
    });
}

/// The document's `kind` and `apiVersion`, both required.
fn doc_header(path: &Path, doc: &Document<'_>) -> Result<DocHeader, InputError> {
    let doc_line = doc.line_offset + 1;
    let meta: raw::TypeMeta = parse_document(path, doc)?;
    let Some(kind) = meta.kind else {
        return Err(InputError::new(
            path,
            Some(doc_line),
            "kind",
            "expected a `kind` (e.g. Deployment) in every document",
        ));
    };
    let kind_line = kind.referenced.line() + doc.line_offset;
    let kind = kind.value;
    let Some(api_version) = meta
        .api_version
        .map(|v| v.value)
        .filter(|v| !v.trim().is_empty())
    else {
        return Err(InputError::new(
            path,
            Some(doc_line),
            "apiVersion",
            format!(
                "missing apiVersion: every object needs one, e.g. `apiVersion: {}` for kind {kind}",
                accepted_versions(&kind).map(|v| v[0].0).unwrap_or("v1")
            ),
        ));
    };
    Ok(DocHeader {
        kind,
        kind_line,
        api_version,
        doc_line,
    })
}

/// A kind k8sim does not simulate: counted (with a warning if Kubernetes removed it) when
/// it is a built-in kind, read as a list when it is one (`PodList`, ...), else an error.
fn unsimulated_kind(
    path: &Path,
    doc: &Document<'_>,
    header: DocHeader,
    resources: &mut ResourceNames,
    set: &mut ManifestSet,
    errors: &mut Vec<InputError>,
) {
    let DocHeader {
        kind,
        kind_line,
        api_version,
        doc_line,
    } = header;
    let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    if NOT_SIMULATED.contains(&kind.as_str()) && BUILTIN_GROUPS.contains(&group) {
        if let Some((_, warning)) = REMOVED.iter().find(|(k, _)| *k == kind) {
            set.warnings
                .push(format!("{}:{doc_line}: {warning}", path.display()));
        }
        *set.not_simulated.entry(kind).or_default() += 1;
    } else if kind.ends_with("List") && BUILTIN_GROUPS.contains(&group) {
        load_list(path, doc, resources, set, errors);
    } else if !BUILTIN_GROUPS.contains(&group) {
        errors.push(InputError::new(
            path,
            Some(kind_line),
            "kind",
            format!("unknown kind {kind:?} of {api_version:?}: custom resources (CRDs) are not built into Kubernetes and k8sim cannot simulate or skip them; remove the document or apply it elsewhere"),
        ));
    } else {
        errors.push(InputError::new(
            path,
            Some(kind_line),
            "kind",
            format!("unknown kind {kind:?}: expected one of Pod, Deployment, ReplicaSet, ReplicationController, StatefulSet, Job, CronJob, DaemonSet, PersistentVolume, PersistentVolumeClaim, StorageClass, PriorityClass, Node, List (or a known kind that is not simulated, such as Service)"),
        ));
    }
}

/// The document's apiVersion must be one its kind accepts; a deprecated one adds a
/// warning to `set`.
fn check_api_version(
    path: &Path,
    header: &DocHeader,
    versions: &[(&str, Option<&str>)],
    set: &mut ManifestSet,
) -> Result<(), InputError> {
    let DocHeader {
        kind,
        api_version,
        doc_line,
        ..
    } = header;
    match versions.iter().find(|(v, _)| v == api_version) {
        None => {
            let expected: Vec<&str> = versions.iter().map(|(v, _)| *v).collect();
            return Err(InputError::new(
                path,
                Some(*doc_line),
                "apiVersion",
                format!(
                    "expected apiVersion {} for kind {kind}, found {api_version:?}",
                    expected.join(" or ")
                ),
            ));
        }
        Some((_, Some(warning))) => set
            .warnings
            .push(format!("{}:{doc_line}: {warning}", path.display())),
        Some((_, None)) => {}
    }
    Ok(())
}

fn convert_kind(
    ctx: &mut Ctx,
    kind: &str,
    api_version: &str,
    doc: &Document<'_>,
) -> Result<Object, InputError> {
    let path = ctx.file;
    Ok(match kind {
        "Pod" => Object::Pod(kinds::pod(ctx, &parse_document(path, doc)?)),
        "Deployment" => Object::Deployment(kinds::deployment(ctx, &parse_document(path, doc)?)),
        "ReplicaSet" => Object::ReplicaSet(kinds::replica_set(ctx, &parse_document(path, doc)?)),
        "ReplicationController" => Object::ReplicaSet(kinds::replication_controller(
            ctx,
            &parse_document(path, doc)?,
        )),
        "StatefulSet" => Object::StatefulSet(kinds::stateful_set(ctx, &parse_document(path, doc)?)),
        "DaemonSet" => Object::DaemonSet(kinds::daemon_set(ctx, &parse_document(path, doc)?)),
        "Job" => Object::Job(kinds::job(ctx, &parse_document(path, doc)?)),
        "CronJob" => Object::CronJob(kinds::cron_job(ctx, &parse_document(path, doc)?)),
        "PersistentVolume" => {
            Object::PersistentVolume(kinds::persistent_volume(ctx, &parse_document(path, doc)?))
        }
        "PersistentVolumeClaim" => {
            Object::PersistentVolumeClaim(kinds::pvc(ctx, &parse_document(path, doc)?, ""))
        }
        "StorageClass" => {
            Object::StorageClass(kinds::storage_class(ctx, &parse_document(path, doc)?))
        }
        "PriorityClass" => {
            Object::PriorityClass(kinds::priority_class(ctx, &parse_document(path, doc)?))
        }
        "Node" => Object::Node(kinds::node(ctx, &parse_document(path, doc)?)),
        "Service" => Object::Service(kinds::service(ctx, &parse_document(path, doc)?)),
        "PodDisruptionBudget" => {
            Object::PodDisruptionBudget(kinds::pdb(ctx, &parse_document(path, doc)?))
        }
        "HorizontalPodAutoscaler" if api_version == "autoscaling/v1" => {
            Object::HorizontalPodAutoscaler(kinds::hpa_v1(ctx, &parse_document(path, doc)?))
        }
        "HorizontalPodAutoscaler" => {
            Object::HorizontalPodAutoscaler(kinds::hpa_v2(ctx, &parse_document(path, doc)?))
        }
        other => unreachable!("kind {other} has accepted versions but no converter"),
    })
}

/// A `List` (or `DeploymentList`, ...): each item is re-read as its own document, and its
/// errors point at the item's own first line.
fn load_list(
    path: &Path,
    doc: &Document<'_>,
    resources: &mut ResourceNames,
    set: &mut ManifestSet,
    errors: &mut Vec<InputError>,
) {
    #[derive(serde::Deserialize)]
    struct List {
        #[serde(default)]
        items: Vec<serde_saphyr::Spanned<serde_json::Value>>,
    }
    let list: List = match parse_document(path, doc) {
        Ok(l) => l,
        Err(e) => {
            errors.push(e);
            return;
        }
    };
    for item in list.items {
        // JSON is YAML: the item is re-read as one line, placed at the item's own line.
        let text = item.value.to_string();
        let item_line = match item.referenced.line() {
            0 => 1,
            l => l,
        };
        let item_doc = Document {
            text: &text,
            line_offset: doc.line_offset + item_line - 1,
        };
        load_document(path, &item_doc, resources, set, errors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<ManifestSet, Vec<InputError>> {
        load_str(Path::new("test.yaml"), text, &mut ResourceNames::default())
    }

    #[test]
    fn list_objects_are_expanded() {
        let set = load(
            r#"
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a}
  spec: {containers: [{name: c, image: nginx}]}
- apiVersion: v1
  kind: Service
  metadata: {name: s}
"#,
        )
        .unwrap();
        assert_eq!(set.objects.len(), 2);
        assert_eq!(set.objects[1].object.kind(), "Service");
    }

    #[test]
    fn json_manifests_are_accepted() {
        let set = load(r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"},"spec":{"containers":[{"name":"c","image":"x","resources":{"requests":{"cpu":0.5}}}]}}"#).unwrap();
        let Object::Pod(p) = &set.objects[0].object else {
            panic!("expected a pod")
        };
        assert_eq!(
            p.template.spec.requests.get(crate::model::resources::CPU),
            500
        );
    }

    #[test]
    fn replication_controller_is_simulated_as_a_replica_set() {
        let set = load(
            "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: nginx}\nspec:\n  replicas: 3\n  selector: {app: nginx}\n  template:\n    metadata: {labels: {app: nginx}}\n    spec: {containers: [{name: nginx, image: nginx}]}\n",
        )
        .unwrap();
        let Object::ReplicaSet(rs) = &set.objects[0].object else {
            panic!("expected a ReplicaSet")
        };
        assert_eq!(rs.replicas, 3);
        assert_eq!(
            rs.selector.match_labels.get("app").map(|s| s.as_str()),
            Some("nginx")
        );
    }

    #[test]
    fn unknown_kind_names_file_and_line() {
        let errs =
            load("---\napiVersion: v1\nkind: Frobnicator\nmetadata: {name: x}\n").unwrap_err();
        assert_eq!(errs[0].line, Some(3));
        assert_eq!(errs[0].field, "kind");
    }
}

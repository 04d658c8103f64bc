//! Unit tests of the kubectl parser.

use super::*;
use crate::model::labels::TaintEffect;
use crate::model::workload::PropagationPolicy;
use crate::scenario::action::{Action, ApplySource};

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
            images: vec![],
            suspend: None,
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

/// The propagation `delete deployment web ARGS` parses to.
fn cascade(args: &str) -> Result<PropagationPolicy, String> {
    match parse_kubectl(&format!("delete deployment web {args}"))? {
        Action::Delete { propagation, .. } => Ok(propagation),
        other => panic!("{other:?}"),
    }
}

// kubectl delete_flags.go parseCascadingFlag: background by default and for a bare
// `--cascade`; the deprecated booleans go through strconv.ParseBool (true: background,
// false: orphan); anything else is kubectl's error.
#[test]
fn parses_delete_cascade_like_kubectl() {
    use PropagationPolicy::*;
    for (args, want) in [
        ("", Background),
        ("--cascade", Background),
        ("--cascade=background", Background),
        ("--cascade=foreground", Foreground),
        ("--cascade=orphan", Orphan),
        ("--cascade=true", Background),
        ("--cascade=T", Background),
        ("--cascade=1", Background),
        ("--cascade=false", Orphan),
        ("--cascade=0", Orphan),
        ("--cascade=F", Orphan),
    ] {
        assert_eq!(cascade(args), Ok(want), "{args}");
    }
    assert_eq!(
        cascade("--cascade=sideways"),
        Err(
            r#"invalid cascade value (sideways). Must be "background", "foreground", or "orphan""#
                .into()
        )
    );
    assert!(matches!(
        parse_kubectl("delete -f web.yaml --cascade=foreground"),
        Ok(Action::DeleteFile {
            propagation: PropagationPolicy::Foreground,
            ..
        })
    ));
    // ReplicationControllers are simulated as ReplicaSets.
    assert!(matches!(
        parse_kubectl("delete rc legacy"),
        Ok(Action::Delete {
            kind: "ReplicaSet",
            ..
        })
    ));
}

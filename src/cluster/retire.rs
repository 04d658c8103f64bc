//! Retiring a pod: a pod gone from the API whose record has been taken leaves the pod
//! table, and its label class is released with its last pod, so a long run keeps only what
//! is live (issue 18).

use super::{Cluster, Pod, PodId};

impl Cluster {
    /// Takes gone pod `p` out of the pod table and returns true, or returns false and
    /// keeps it while it stands for its label class (the class's representative, which
    /// selectors are evaluated against) and other pods of the class remain: retire a
    /// class's pods newest first and the representative goes last.
    pub fn retire_pod(&mut self, p: PodId) -> bool {
        let pod = &self.pods[p.ix()];
        assert!(pod.gone, "pod {} retired before it is gone", pod.name);
        let class = self.pod_label_class[p.ix()];
        let left = &mut self.class_pods[class as usize];
        if *left > 1 && self.topology.class_rep[class as usize] == p {
            return false;
        }
        *left -= 1;
        let pod = self.pods.retire(p);
        if *left == 0 {
            // No pod of the class is left: a new pod with these labels starts a new class.
            let Pod {
                namespace, labels, ..
            } = *pod;
            self.label_pairs.remove(&namespace, &labels, class);
            if let Some(classes) = self.label_classes.get_mut(&namespace) {
                classes.remove(&*labels);
                if classes.is_empty() {
                    self.label_classes.remove(&namespace);
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::{Cluster, Owner, Pod, PodId};
    use crate::engine::SimTime;
    use crate::model::labels::Labels;

    fn add(c: &mut Cluster, name: &str, app: &str) -> PodId {
        let labels: Labels = [("app".to_string(), app.to_string())].into_iter().collect();
        let spec = std::sync::Arc::new(Default::default());
        let pod = Pod::new(
            name.into(),
            "ns".into(),
            labels,
            Owner::None,
            spec,
            SimTime::ZERO,
        );
        c.add_pod(pod)
    }

    fn gone(c: &mut Cluster, p: PodId) {
        c.forget_name(p);
        c.pods[p.ix()].gone = true;
    }

    /// Two pods of one class: the representative (the first) stays while the other is
    /// left; retired newest first, both go and the class is released, so a later pod with
    /// the same labels gets a new class.
    #[test]
    fn class_representative_retires_last() {
        let mut c = Cluster::default();
        let (a, b) = (add(&mut c, "a", "x"), add(&mut c, "b", "x"));
        gone(&mut c, a);
        gone(&mut c, b);
        assert!(!c.retire_pod(a), "the representative stays while b is left");
        assert!(c.retire_pod(b) && c.pods.get(b).is_none());
        assert!(c.retire_pod(a));
        assert_eq!(c.pods.retained(), 0);
        let d = add(&mut c, "d", "x");
        assert_eq!(
            c.pod_label_class[d.ix()],
            1,
            "a released class is not reused"
        );
        assert_eq!(c.label_class_count(), 2);
    }

    /// Classes are keyed by namespace and labels (the two-level map `add_pod` looks up
    /// with borrowed keys): same labels in another namespace is another class, and the
    /// namespace's entry goes with its last class.
    #[test]
    fn classes_by_namespace_then_labels() {
        let mut c = Cluster::default();
        let (a, b) = (add(&mut c, "a", "x"), add(&mut c, "b", "y"));
        let mut other = c.pods[a.ix()].clone();
        (other.name, other.namespace) = ("o".into(), "other".into());
        let o = c.add_pod(other);
        let a2 = add(&mut c, "a2", "x");
        let classes: Vec<u32> = [a, b, o, a2].map(|p| c.pod_label_class[p.ix()]).into();
        assert_eq!(classes, [0, 1, 2, 0]);
        gone(&mut c, o);
        assert!(c.retire_pod(o));
        assert!(!c.label_classes.contains_key("other"));
        assert_eq!(c.label_classes["ns"].len(), 2);
    }

    #[test]
    #[should_panic(expected = "retired before it is gone")]
    fn a_live_pod_cannot_retire() {
        let mut c = Cluster::default();
        let a = add(&mut c, "a", "x");
        c.retire_pod(a);
    }
}

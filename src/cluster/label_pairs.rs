//! Label classes by (namespace, label key, label value): the classes whose labels carry a
//! given pair, so a selector with a `matchLabels` entry is tried against those classes
//! only instead of against every live class (issue 14: each StatefulSet pod carries its
//! own `statefulset.kubernetes.io/pod-name` label and so is a class of its own, and a
//! scan of all classes per scheduling cycle grew with the pod count).

use crate::model::labels::Labels;
use std::collections::{BTreeMap, BTreeSet};

/// Classes by namespace, then label key, then label value.
#[derive(Debug, Clone, Default)]
pub struct LabelPairIndex {
    by_namespace: BTreeMap<String, BTreeMap<String, BTreeMap<String, BTreeSet<u32>>>>,
}

impl LabelPairIndex {
    /// Class `class` of pods in `namespace` with `labels` was created.
    pub fn add(&mut self, namespace: &str, labels: &Labels, class: u32) {
        if labels.is_empty() {
            return;
        }
        let keys = match self.by_namespace.get_mut(namespace) {
            Some(keys) => keys,
            None => self.by_namespace.entry(namespace.to_string()).or_default(),
        };
        for (k, v) in labels {
            let values = match keys.get_mut(k.as_str()) {
                Some(values) => values,
                None => keys.entry(k.clone()).or_default(),
            };
            match values.get_mut(v.as_str()) {
                Some(classes) => classes.insert(class),
                None => values.entry(v.clone()).or_default().insert(class),
            };
        }
    }

    /// Class `class` (of `namespace`, `labels`) was released: no pod has it any more.
    pub fn remove(&mut self, namespace: &str, labels: &Labels, class: u32) {
        let Some(keys) = self.by_namespace.get_mut(namespace) else {
            return;
        };
        for (k, v) in labels {
            let Some(values) = keys.get_mut(k.as_str()) else {
                continue;
            };
            if let Some(classes) = values.get_mut(v.as_str()) {
                classes.remove(&class);
                if classes.is_empty() {
                    values.remove(v.as_str());
                }
            }
            if values.is_empty() {
                keys.remove(k.as_str());
            }
        }
        if keys.is_empty() {
            self.by_namespace.remove(namespace);
        }
    }

    /// The classes of `namespace` whose labels have `key` = `value`, lowest id first.
    pub fn classes(&self, namespace: &str, key: &str, value: &str) -> Option<&BTreeSet<u32>> {
        self.by_namespace.get(namespace)?.get(key)?.get(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::labels::labels_from as labels;

    fn ids(ix: &LabelPairIndex, ns: &str, k: &str, v: &str) -> Vec<u32> {
        ix.classes(ns, k, v)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }

    #[test]
    fn classes_are_found_by_each_of_their_pairs() {
        let mut ix = LabelPairIndex::default();
        ix.add(
            "ns",
            &labels(&[("app", "kafka"), ("pod-name", "kafka-0")]),
            0,
        );
        ix.add(
            "ns",
            &labels(&[("app", "kafka"), ("pod-name", "kafka-1")]),
            1,
        );
        ix.add("other", &labels(&[("app", "kafka")]), 2);
        assert_eq!(ids(&ix, "ns", "app", "kafka"), vec![0, 1]);
        assert_eq!(ids(&ix, "ns", "pod-name", "kafka-1"), vec![1]);
        assert_eq!(ids(&ix, "other", "app", "kafka"), vec![2]);
        assert!(ids(&ix, "ns", "app", "web").is_empty());
        assert!(ids(&ix, "none", "app", "kafka").is_empty());
    }

    #[test]
    fn a_released_class_leaves_no_empty_entries() {
        let mut ix = LabelPairIndex::default();
        let a = labels(&[("app", "kafka"), ("pod-name", "kafka-0")]);
        let b = labels(&[("app", "kafka"), ("pod-name", "kafka-1")]);
        ix.add("ns", &a, 0);
        ix.add("ns", &b, 1);
        ix.remove("ns", &a, 0);
        assert_eq!(ids(&ix, "ns", "app", "kafka"), vec![1]);
        assert!(ids(&ix, "ns", "pod-name", "kafka-0").is_empty());
        ix.remove("ns", &b, 1);
        assert!(ix.by_namespace.is_empty());
    }
}

//! Labels and the selectors that match them: label selectors, node selector terms,
//! taints and tolerations.

use std::collections::BTreeMap;

/// A sorted set of labels (sorted so output never depends on hash order).
pub type Labels = BTreeMap<String, String>;

/// An operator of a label or node selector requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectorOp {
    /// Value is one of the listed values.
    In,
    /// Value is none of the listed values (or the key is absent).
    NotIn,
    /// Key is present.
    Exists,
    /// Key is absent.
    DoesNotExist,
    /// Value, as an integer, is greater than the single listed value (node selectors only).
    Gt,
    /// Value, as an integer, is less than the single listed value (node selectors only).
    Lt,
}

/// One `key op values` requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// Label key.
    pub key: String,
    /// Operator.
    pub op: SelectorOp,
    /// Values (meaning depends on `op`).
    pub values: Vec<String>,
}

impl Requirement {
    /// True if `labels` satisfy this requirement.
    pub fn matches(&self, labels: &Labels) -> bool {
        let v = labels.get(&self.key);
        match self.op {
            SelectorOp::In => v.is_some_and(|v| self.values.contains(v)),
            SelectorOp::NotIn => v.is_none_or(|v| !self.values.contains(v)),
            SelectorOp::Exists => v.is_some(),
            SelectorOp::DoesNotExist => v.is_none(),
            SelectorOp::Gt | SelectorOp::Lt => {
                let (Some(v), Some(bound)) = (v, self.values.first()) else {
                    return false;
                };
                match (v.parse::<i64>(), bound.parse::<i64>()) {
                    (Ok(v), Ok(b)) => {
                        if self.op == SelectorOp::Gt {
                            v > b
                        } else {
                            v < b
                        }
                    }
                    _ => false,
                }
            }
        }
    }
}

/// A `metav1.LabelSelector`: matchLabels and matchExpressions, all ANDed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    /// Exact key=value pairs.
    pub match_labels: Labels,
    /// Set-based requirements.
    pub match_expressions: Vec<Requirement>,
}

impl LabelSelector {
    /// The selector an absent (nil) `labelSelector` stands for: it matches nothing
    /// (`metav1.LabelSelectorAsSelector(nil)` is `labels.Nothing()`), modelled as an
    /// impossible requirement.
    pub fn nothing() -> LabelSelector {
        LabelSelector {
            match_labels: Labels::new(),
            match_expressions: vec![Requirement {
                key: String::new(),
                op: SelectorOp::In,
                values: Vec::new(),
            }],
        }
    }

    /// True if `labels` satisfy every part. An empty selector matches everything.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| r.matches(labels))
    }

    /// True if the selector has no requirement at all.
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }
}

/// A node selector term: label expressions and `metadata.name` field expressions, ANDed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeSelectorTerm {
    /// Requirements on node labels.
    pub match_expressions: Vec<Requirement>,
    /// Requirements on node fields (only `metadata.name` is supported, as in Kubernetes).
    pub match_fields: Vec<Requirement>,
}

impl NodeSelectorTerm {
    /// True if the node with `labels` and `name` satisfies the term. A term with no
    /// requirement matches nothing, as in Kubernetes.
    pub fn matches(&self, labels: &Labels, name: &str) -> bool {
        if self.match_expressions.is_empty() && self.match_fields.is_empty() {
            return false;
        }
        let mut fields = Labels::new();
        fields.insert("metadata.name".to_string(), name.to_string());
        self.match_expressions.iter().all(|r| r.matches(labels))
            && self.match_fields.iter().all(|r| r.matches(&fields))
    }
}

/// The effect of a taint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaintEffect {
    /// New pods are not scheduled.
    NoSchedule,
    /// The scheduler tries to avoid the node.
    PreferNoSchedule,
    /// New pods are not scheduled and running pods are evicted.
    NoExecute,
}

impl TaintEffect {
    /// Kubernetes' spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

/// A node taint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    /// Key.
    pub key: String,
    /// Value (may be empty).
    pub value: String,
    /// Effect.
    pub effect: TaintEffect,
}

/// A pod toleration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toleration {
    /// Key; empty with `Exists` tolerates every taint.
    pub key: String,
    /// `true` for operator Exists, `false` for Equal.
    pub exists: bool,
    /// Value compared under Equal.
    pub value: String,
    /// Effect; `None` matches every effect.
    pub effect: Option<TaintEffect>,
    /// For NoExecute: how long the pod stays bound after the taint appears (ms).
    pub toleration_seconds: Option<i64>,
}

impl Toleration {
    /// True if this toleration tolerates `taint` (`v1.Toleration.ToleratesTaint`).
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if self.effect.is_some_and(|e| e != taint.effect) {
            return false;
        }
        if !self.key.is_empty() && self.key != taint.key {
            return false;
        }
        if self.exists {
            true
        } else {
            self.value == taint.value
        }
    }
}

/// Labels from `(key, value)` pairs (for tests).
#[cfg(test)]
pub(crate) fn labels_from(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::labels_from as labels;
    use super::*;

    #[test]
    fn label_selector_ands_everything() {
        let sel = LabelSelector {
            match_labels: labels(&[("app", "web")]),
            match_expressions: vec![Requirement {
                key: "tier".into(),
                op: SelectorOp::NotIn,
                values: vec!["db".into()],
            }],
        };
        assert!(sel.matches(&labels(&[("app", "web")])));
        assert!(!sel.matches(&labels(&[("app", "web"), ("tier", "db")])));
        assert!(LabelSelector::default().matches(&labels(&[])));
    }

    #[test]
    fn gt_lt_compare_integers() {
        let r = Requirement {
            key: "cores".into(),
            op: SelectorOp::Gt,
            values: vec!["4".into()],
        };
        assert!(r.matches(&labels(&[("cores", "8")])));
        assert!(!r.matches(&labels(&[("cores", "4")])));
        assert!(!r.matches(&labels(&[("cores", "x")])));
    }

    // v1.Toleration.ToleratesTaint semantics (k8s.io/api/core/v1/toleration.go).
    #[test]
    fn empty_key_exists_tolerates_everything() {
        let t = Toleration {
            key: String::new(),
            exists: true,
            value: String::new(),
            effect: None,
            toleration_seconds: None,
        };
        let taint = Taint {
            key: "a".into(),
            value: "b".into(),
            effect: TaintEffect::NoExecute,
        };
        assert!(t.tolerates(&taint));
    }
}

//! Serde structs that mirror the Kubernetes manifest format for the subset k8sim simulates.
//! Unknown fields are ignored, as `kubectl apply` would keep them but we do not need them.

use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

mod cluster;
mod pod;
mod workloads;

pub use cluster::*;
pub use pod::*;
pub use workloads::*;

/// A scalar that may be written as a YAML number or string (quantities, int-or-string).
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        // Asking for a string gets the scalar's own text (`1e3`, `.5`, `0100`), so a quantity
        // written as a plain YAML number is read exactly as written, never through an f64.
        d.deserialize_str(V)
    }
}

/// A map from resource name to quantity, each with its position.
pub type RawResourceList = BTreeMap<String, Spanned<Scalar>>;

/// apiVersion and kind, read first to pick the concrete type.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TypeMeta {
    /// apiVersion.
    pub api_version: Option<Spanned<String>>,
    /// kind.
    pub kind: Option<Spanned<String>>,
}

/// metadata.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct Meta {
    /// name.
    pub name: Option<Spanned<String>>,
    /// generateName.
    pub generate_name: Option<String>,
    /// namespace.
    pub namespace: Option<String>,
    /// labels.
    pub labels: BTreeMap<String, String>,
    /// annotations.
    pub annotations: BTreeMap<String, String>,
}

/// A label selector.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelector {
    /// matchLabels.
    pub match_labels: BTreeMap<String, String>,
    /// matchExpressions.
    pub match_expressions: Vec<Requirement>,
}

/// A selector requirement.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct Requirement {
    /// key.
    pub key: String,
    /// operator.
    pub operator: Option<Spanned<String>>,
    /// values.
    pub values: Vec<String>,
}

/// A node selector term.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelectorTerm {
    /// matchExpressions.
    pub match_expressions: Vec<Requirement>,
    /// matchFields.
    pub match_fields: Vec<Requirement>,
}

/// A node selector.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelector {
    /// nodeSelectorTerms.
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

//! Serde structs that mirror the Kubernetes manifest format for the subset k8sim simulates.
//! Unknown fields are errors, as kubectl's default (Strict) field validation makes them: a
//! typo such as `request:` must not silently change a result. Kubernetes fields that k8sim
//! does not simulate are declared as [`NotSimulated`] so real manifests load unchanged.

use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

mod autoscaling;
mod cluster;
mod pod;
mod workloads;

pub use autoscaling::*;
pub use cluster::*;
pub use pod::*;
pub use workloads::*;

/// A Kubernetes field that k8sim accepts (so real manifests load) but does not simulate;
/// its value is skipped unread.
pub type NotSimulated = Option<serde::de::IgnoredAny>;

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

/// A value of a `map[string]string` field (labels, annotations) as written: its text, and
/// whether it was a YAML string. A plain `2`, `true` or `null` is not one: the API server's
/// JSON decoding into `map[string]string` fails on it (`kubectl apply`: "json: cannot
/// unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"), so the
/// conversion rejects it with its line.
#[derive(Debug, Clone, PartialEq)]
pub struct MapValue {
    /// The text (a number or bool as printed, empty for null).
    pub text: String,
    /// True if it was written as a string.
    pub is_string: bool,
}

impl<'de> Deserialize<'de> for MapValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = MapValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<MapValue, E> {
                Ok(MapValue {
                    text: v.to_string(),
                    is_string: true,
                })
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<MapValue, E> {
                Ok(not_string(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<MapValue, E> {
                Ok(not_string(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<MapValue, E> {
                Ok(not_string(v))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<MapValue, E> {
                Ok(not_string(format!("{v:?}")))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<MapValue, E> {
                Ok(not_string(""))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<MapValue, E> {
                Ok(not_string(""))
            }
        }
        fn not_string(v: impl ToString) -> MapValue {
            MapValue {
                text: v.to_string(),
                is_string: false,
            }
        }
        // `deserialize_any` keeps a plain scalar's YAML type, which a string target would lose.
        d.deserialize_any(V)
    }
}

/// A `map[string]string` field (labels, annotations), each value with its position.
pub type StringMap = BTreeMap<String, Spanned<MapValue>>;

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
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Meta {
    /// name.
    pub name: Option<Spanned<String>>,
    /// generateName.
    pub generate_name: Option<String>,
    /// namespace.
    pub namespace: Option<String>,
    /// labels.
    pub labels: StringMap,
    /// annotations.
    pub annotations: StringMap,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "selfLink")]
    pub self_link_: NotSimulated,
    #[serde(rename = "uid")]
    pub uid_: NotSimulated,
    #[serde(rename = "resourceVersion")]
    pub resource_version_: NotSimulated,
    #[serde(rename = "generation")]
    pub generation_: NotSimulated,
    #[serde(rename = "creationTimestamp")]
    pub creation_timestamp_: NotSimulated,
    #[serde(rename = "deletionTimestamp")]
    pub deletion_timestamp_: NotSimulated,
    #[serde(rename = "deletionGracePeriodSeconds")]
    pub deletion_grace_period_seconds_: NotSimulated,
    #[serde(rename = "ownerReferences")]
    pub owner_references_: NotSimulated,
    #[serde(rename = "finalizers")]
    pub finalizers_: NotSimulated,
    #[serde(rename = "managedFields")]
    pub managed_fields_: NotSimulated,
}

/// A label selector.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct LabelSelector {
    /// matchLabels.
    pub match_labels: BTreeMap<String, String>,
    /// matchExpressions.
    pub match_expressions: Vec<Requirement>,
}

/// A selector requirement.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
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
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct NodeSelectorTerm {
    /// matchExpressions.
    pub match_expressions: Vec<Requirement>,
    /// matchFields.
    pub match_fields: Vec<Requirement>,
}

/// A node selector.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct NodeSelector {
    /// nodeSelectorTerms.
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

//! The objects a scenario brings: workloads, storage, priority classes, nodes, Services
//! and PodDisruptionBudgets, as the manifest reader made them, with where each was written.

use crate::model::autoscaling::HorizontalPodAutoscaler;
use crate::model::node::NodeSpec;
use crate::model::workload::*;
use std::path::PathBuf;

/// A simulated object read from a manifest.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    /// A bare Pod.
    Pod(BarePod),
    /// A Deployment.
    Deployment(Deployment),
    /// A ReplicaSet.
    ReplicaSet(ReplicaSet),
    /// A StatefulSet.
    StatefulSet(StatefulSet),
    /// A Job.
    Job(Job),
    /// A CronJob.
    CronJob(CronJob),
    /// A DaemonSet.
    DaemonSet(DaemonSet),
    /// A PersistentVolume.
    PersistentVolume(PersistentVolume),
    /// A PersistentVolumeClaim.
    PersistentVolumeClaim(PersistentVolumeClaim),
    /// A StorageClass.
    StorageClass(StorageClass),
    /// A PriorityClass.
    PriorityClass(PriorityClass),
    /// A Node.
    Node(NodeSpec),
    /// A Service (its selector: endpoints are the Ready pods it selects).
    Service(Service),
    /// A PodDisruptionBudget.
    PodDisruptionBudget(PodDisruptionBudget),
    /// A HorizontalPodAutoscaler.
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
}

impl Object {
    /// The kind, as Kubernetes spells it.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Pod(_) => "Pod",
            Object::Deployment(_) => "Deployment",
            Object::ReplicaSet(_) => "ReplicaSet",
            Object::StatefulSet(_) => "StatefulSet",
            Object::Job(_) => "Job",
            Object::CronJob(_) => "CronJob",
            Object::DaemonSet(_) => "DaemonSet",
            Object::PersistentVolume(_) => "PersistentVolume",
            Object::PersistentVolumeClaim(_) => "PersistentVolumeClaim",
            Object::StorageClass(_) => "StorageClass",
            Object::PriorityClass(_) => "PriorityClass",
            Object::Node(_) => "Node",
            Object::Service(_) => "Service",
            Object::PodDisruptionBudget(_) => "PodDisruptionBudget",
            Object::HorizontalPodAutoscaler(_) => "HorizontalPodAutoscaler",
        }
    }

    /// (namespace, name); cluster-scoped kinds have an empty namespace.
    pub fn key(&self) -> (&str, &str) {
        match self {
            Object::Pod(o) => (&o.meta.namespace, &o.meta.name),
            Object::Deployment(o) => (&o.meta.namespace, &o.meta.name),
            Object::ReplicaSet(o) => (&o.meta.namespace, &o.meta.name),
            Object::StatefulSet(o) => (&o.meta.namespace, &o.meta.name),
            Object::Job(o) => (&o.meta.namespace, &o.meta.name),
            Object::CronJob(o) => (&o.meta.namespace, &o.meta.name),
            Object::DaemonSet(o) => (&o.meta.namespace, &o.meta.name),
            Object::PersistentVolumeClaim(o) => (&o.meta.namespace, &o.meta.name),
            Object::PersistentVolume(o) => ("", &o.meta.name),
            Object::StorageClass(o) => ("", &o.meta.name),
            Object::PriorityClass(o) => ("", &o.name),
            Object::Node(o) => ("", &o.name),
            Object::Service(o) => (&o.meta.namespace, &o.meta.name),
            Object::PodDisruptionBudget(o) => (&o.meta.namespace, &o.meta.name),
            Object::HorizontalPodAutoscaler(o) => (&o.meta.namespace, &o.meta.name),
        }
    }
}

/// An object and where it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// The object.
    pub object: Object,
    /// Source file.
    pub file: PathBuf,
    /// Line where its document starts.
    pub line: u64,
}

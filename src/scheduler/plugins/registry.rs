//! The registry: plugin name -> constructor (kube's `plugins/registry.go`). Out-of-tree
//! plugins are added with [`Registry::register`] (see `examples/custom_policy.rs`).

use super::*;
use crate::model::resources::{ResourceIdx, ResourceNames};
use crate::scheduler::config::{PluginArgs, ResourceSpec};
use crate::scheduler::framework::Plugin;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Builds a plugin from its args.
pub type Constructor =
    Box<dyn Fn(&PluginArgs, &ResourceNames) -> Result<Arc<dyn Plugin>, String> + Send + Sync>;

/// Name -> constructor.
pub struct Registry {
    entries: BTreeMap<String, Constructor>,
}

/// A constructor for a plugin that refuses args.
fn no_args<P: Plugin + 'static>(make: fn() -> P) -> Constructor {
    Box::new(move |args, _| match args {
        PluginArgs::None => Ok(Arc::new(make()) as Arc<dyn Plugin>),
        _ => Err("this plugin takes no args".to_string()),
    })
}

/// `resources` args as (resource, weight) pairs.
fn resource_list(specs: &[ResourceSpec]) -> Vec<(ResourceIdx, i64)> {
    specs.iter().map(|s| (s.resource, s.weight)).collect()
}

/// The volume plugins, which read the storage model.
fn storage_plugins() -> Vec<(&'static str, Constructor)> {
    vec![
        (
            names::VOLUME_RESTRICTIONS,
            no_args(|| volume_restrictions::VolumeRestrictions),
        ),
        (
            names::VOLUME_BINDING,
            no_args(|| volume_binding::VolumeBinding),
        ),
        (names::VOLUME_ZONE, no_args(|| volume_zone::VolumeZone)),
    ]
}

/// kube-scheduler's plugins that take no args.
fn kube_plugins_without_args() -> Vec<(&'static str, Constructor)> {
    vec![
        (
            names::PRIORITY_SORT,
            no_args(|| priority_sort::PrioritySort),
        ),
        (
            names::SCHEDULING_GATES,
            no_args(|| scheduling_gates::SchedulingGates),
        ),
        (
            names::NODE_UNSCHEDULABLE,
            no_args(|| node_unschedulable::NodeUnschedulable),
        ),
        (names::NODE_NAME, no_args(|| node_name::NodeName)),
        (names::NODE_PORTS, no_args(|| node_ports::NodePorts)),
        (
            names::NODE_AFFINITY,
            no_args(|| node_affinity::NodeAffinity),
        ),
        (
            names::TAINT_TOLERATION,
            no_args(|| taint_toleration::TaintToleration),
        ),
        (
            names::IMAGE_LOCALITY,
            no_args(image_locality::ImageLocality::default),
        ),
        (
            names::DEFAULT_BINDER,
            no_args(|| default_binder::DefaultBinder),
        ),
    ]
}

/// kube-scheduler's plugins configured by `pluginConfig` args.
fn kube_plugins_with_args() -> Vec<(&'static str, Constructor)> {
    vec![
        (
            names::NODE_RESOURCES_FIT,
            Box::new(node_resources_fit_with) as Constructor,
        ),
        (
            names::NODE_RESOURCES_BALANCED_ALLOCATION,
            Box::new(balanced_allocation_with) as Constructor,
        ),
        (
            names::POD_TOPOLOGY_SPREAD,
            Box::new(pod_topology_spread_with) as Constructor,
        ),
        (
            names::INTER_POD_AFFINITY,
            Box::new(inter_pod_affinity_with) as Constructor,
        ),
        (
            names::DEFAULT_PREEMPTION,
            Box::new(default_preemption_with) as Constructor,
        ),
    ]
}

/// k8sim's policy plugins (bin packing, fairness, round robin).
fn policy_plugins() -> Vec<(&'static str, Constructor)> {
    vec![
        (
            names::DOMINANT_RESOURCE_FAIRNESS,
            no_args(|| drf::DominantResourceFairness),
        ),
        (names::FIRST_FIT, no_args(|| first_fit::FirstFit)),
        (names::BEST_FIT, no_args(|| best_fit::BestFit)),
        (names::WORST_FIT, no_args(|| worst_fit::WorstFit)),
        (
            names::ROUND_ROBIN,
            no_args(round_robin::RoundRobin::default),
        ),
        (names::TETRIS, no_args(|| tetris::Tetris)),
    ]
}

/// NodeResourcesFit from NodeResourcesFitArgs (default: LeastAllocated over `res`).
fn node_resources_fit_with(
    args: &PluginArgs,
    res: &ResourceNames,
) -> Result<Arc<dyn Plugin>, String> {
    let mut fit = node_resources_fit::NodeResourcesFit::new(
        node_resources_fit::ScoringStrategy::LeastAllocated,
        res.clone(),
    );
    match args {
        PluginArgs::None => {}
        PluginArgs::NodeResourcesFit {
            strategy,
            resources,
        } => {
            fit.strategy = strategy.clone();
            if !resources.is_empty() {
                fit.resources = resource_list(resources);
            }
        }
        _ => return Err("expected NodeResourcesFitArgs".into()),
    }
    Ok(Arc::new(fit) as Arc<dyn Plugin>)
}

/// NodeResourcesBalancedAllocation from its args.
fn balanced_allocation_with(
    args: &PluginArgs,
    _: &ResourceNames,
) -> Result<Arc<dyn Plugin>, String> {
    let mut b = balanced_allocation::BalancedAllocation::default();
    match args {
        PluginArgs::None => {}
        PluginArgs::BalancedAllocation { resources } => {
            if !resources.is_empty() {
                b.resources = resource_list(resources);
            }
        }
        _ => return Err("expected NodeResourcesBalancedAllocationArgs".into()),
    }
    Ok(Arc::new(b) as Arc<dyn Plugin>)
}

/// PodTopologySpread from PodTopologySpreadArgs (`List` replaces the system defaults).
fn pod_topology_spread_with(
    args: &PluginArgs,
    _: &ResourceNames,
) -> Result<Arc<dyn Plugin>, String> {
    let mut p = pod_topology_spread::PodTopologySpread::default();
    match args {
        PluginArgs::None => {}
        PluginArgs::PodTopologySpread {
            system,
            default_constraints,
        } => {
            if !*system {
                p.system_defaulted = false;
                p.default_constraints = default_constraints
                    .iter()
                    .map(|(skew, key, when)| pod_topology_spread::DefaultConstraint {
                        max_skew: *skew,
                        topology_key: key.clone(),
                        when_unsatisfiable: *when,
                    })
                    .collect();
            }
        }
        _ => return Err("expected PodTopologySpreadArgs".into()),
    }
    Ok(Arc::new(p) as Arc<dyn Plugin>)
}

/// InterPodAffinity from InterPodAffinityArgs.
fn inter_pod_affinity_with(
    args: &PluginArgs,
    _: &ResourceNames,
) -> Result<Arc<dyn Plugin>, String> {
    let mut p = inter_pod_affinity::InterPodAffinity::default();
    match args {
        PluginArgs::None => {}
        PluginArgs::InterPodAffinity {
            hard_pod_affinity_weight,
            ignore_preferred_terms_of_existing_pods,
        } => {
            p.hard_pod_affinity_weight = *hard_pod_affinity_weight;
            p.ignore_preferred_terms_of_existing_pods = *ignore_preferred_terms_of_existing_pods;
        }
        _ => return Err("expected InterPodAffinityArgs".into()),
    }
    Ok(Arc::new(p) as Arc<dyn Plugin>)
}

/// DefaultPreemption from DefaultPreemptionArgs.
fn default_preemption_with(
    args: &PluginArgs,
    _: &ResourceNames,
) -> Result<Arc<dyn Plugin>, String> {
    let mut p = default_preemption::DefaultPreemption::default();
    match args {
        PluginArgs::None => {}
        PluginArgs::DefaultPreemption {
            min_candidate_nodes_percentage,
            min_candidate_nodes_absolute,
        } => {
            p.min_candidate_nodes_percentage = *min_candidate_nodes_percentage;
            p.min_candidate_nodes_absolute = *min_candidate_nodes_absolute;
        }
        _ => return Err("expected DefaultPreemptionArgs".into()),
    }
    Ok(Arc::new(p) as Arc<dyn Plugin>)
}

impl Registry {
    /// The in-tree plugins (VolumeBinding, VolumeZone and VolumeRestrictions included,
    /// reading the storage model) and k8sim's policy plugins.
    pub fn in_tree() -> Registry {
        let mut r = Registry {
            entries: BTreeMap::new(),
        };
        let families = [
            storage_plugins(),
            kube_plugins_without_args(),
            kube_plugins_with_args(),
            policy_plugins(),
        ];
        for (name, ctor) in families.into_iter().flatten() {
            r.register(name, ctor);
        }
        r
    }

    /// Adds (or replaces) a plugin constructor.
    pub fn register(&mut self, name: &str, ctor: Constructor) {
        self.entries.insert(name.to_string(), ctor);
    }

    /// True if `name` is registered.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// Registered names, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.entries.keys().map(String::as_str).collect()
    }

    /// Builds plugin `name` with `args`.
    pub fn build(
        &self,
        name: &str,
        args: &PluginArgs,
        resources: &ResourceNames,
    ) -> Result<Arc<dyn Plugin>, String> {
        let ctor = self
            .entries
            .get(name)
            .ok_or_else(|| format!("unknown plugin {name:?}"))?;
        ctor(args, resources).map_err(|e| format!("plugin {name:?}: {e}"))
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::in_tree()
    }
}

//! A validated KubeSchedulerConfiguration (`kubescheduler.config.k8s.io/v1`) in model
//! terms, and the merge of its plugin sets with the default plugins into [`Profile`]s
//! (kube's `mergePlugins` and the framework's multiPoint expansion).
//! Parsing the file is `input::scheduler_config`'s job.

use super::framework::Plugin;
use super::plugins::names;
use super::plugins::registry::Registry;
use super::profile::{Profile, WeightedScore};
use super::ConfigError;
use crate::model::pod::WhenUnsatisfiable;
use crate::model::pod::DEFAULT_SCHEDULER_NAME;
use crate::model::resources::{ResourceIdx, ResourceNames};
use std::path::PathBuf;
use std::sync::Arc;

/// Where a configuration value came from, for error messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<u64>,
}

/// One entry of an `enabled` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnabledPlugin {
    /// Plugin name.
    pub name: String,
    /// Score weight (0 = unset).
    pub weight: i64,
    /// Where it was written.
    pub origin: Origin,
}

/// `plugins.<extensionPoint>`: enabled and disabled names (`*` disables every default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PluginSet {
    /// Enabled, in order.
    pub enabled: Vec<EnabledPlugin>,
    /// Disabled names.
    pub disabled: Vec<String>,
}

/// The extension points of `plugins:`, in kube's order.
pub const EXTENSION_POINTS: [&str; 13] = [
    "multiPoint",
    "preEnqueue",
    "queueSort",
    "preFilter",
    "filter",
    "postFilter",
    "preScore",
    "score",
    "reserve",
    "permit",
    "preBind",
    "bind",
    "postBind",
];

/// A resource with a weight (NodeResourcesFit and BalancedAllocation `resources`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSpec {
    /// Resource slot.
    pub resource: ResourceIdx,
    /// Weight.
    pub weight: i64,
}

/// `pluginConfig[].args`, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginArgs {
    /// No args given.
    None,
    /// NodeResourcesFitArgs.
    NodeResourcesFit {
        /// `LeastAllocated`, `MostAllocated` or `RequestedToCapacityRatio` as
        /// `super::plugins::node_resources_fit::ScoringStrategy`.
        strategy: super::plugins::node_resources_fit::ScoringStrategy,
        /// Scored resources (empty: cpu and memory, weight 1).
        resources: Vec<ResourceSpec>,
    },
    /// NodeResourcesBalancedAllocationArgs.
    BalancedAllocation {
        /// Resources (empty: cpu and memory).
        resources: Vec<ResourceSpec>,
    },
    /// PodTopologySpreadArgs.
    PodTopologySpread {
        /// `defaultingType: System` (true) or `List`.
        system: bool,
        /// defaultConstraints (used with `List`).
        default_constraints: Vec<(i32, String, WhenUnsatisfiable)>,
    },
    /// InterPodAffinityArgs.
    InterPodAffinity {
        /// hardPodAffinityWeight.
        hard_pod_affinity_weight: i64,
        /// ignorePreferredTermsOfExistingPods.
        ignore_preferred_terms_of_existing_pods: bool,
    },
    /// DefaultPreemptionArgs.
    DefaultPreemption {
        /// minCandidateNodesPercentage.
        min_candidate_nodes_percentage: i64,
        /// minCandidateNodesAbsolute.
        min_candidate_nodes_absolute: i64,
    },
}

/// One profile of the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileConfig {
    /// schedulerName.
    pub scheduler_name: String,
    /// `plugins.<point>` by [`EXTENSION_POINTS`] index.
    pub plugins: Vec<PluginSet>,
    /// pluginConfig: (name, args, origin).
    pub plugin_config: Vec<(String, PluginArgs, Origin)>,
    /// percentageOfNodesToScore of this profile, if set.
    pub percentage_of_nodes_to_score: Option<u32>,
    /// Where the profile starts.
    pub origin: Origin,
}

/// A whole configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// Profiles.
    pub profiles: Vec<ProfileConfig>,
    /// Top-level percentageOfNodesToScore.
    pub percentage_of_nodes_to_score: Option<u32>,
}

/// The default plugins and score weights of Kubernetes v1.36
/// (`pkg/scheduler/apis/config/v1/default_plugins.go` `getDefaultPlugins`, all under
/// multiPoint, in kube's order). v1.36 also enables NodeVolumeLimits and, with the
/// DynamicResourceAllocation gate on by default, DynamicResources: both only act on CSI
/// volumes and ResourceClaims, which k8sim does not simulate, so they are left out. The
/// volume plugins are part of the set once the storage model registers them.
pub fn default_multi_point(registry: &Registry) -> Vec<(&'static str, i64)> {
    let all: [(&'static str, i64); 18] = [
        (names::SCHEDULING_GATES, 0),
        (names::PRIORITY_SORT, 0),
        (names::NODE_UNSCHEDULABLE, 0),
        (names::NODE_NAME, 0),
        (names::TAINT_TOLERATION, 3),
        (names::NODE_AFFINITY, 2),
        (names::NODE_PORTS, 0),
        (names::NODE_RESOURCES_FIT, 1),
        (names::VOLUME_RESTRICTIONS, 0),
        (names::VOLUME_BINDING, 0),
        (names::VOLUME_ZONE, 0),
        (names::POD_TOPOLOGY_SPREAD, 2),
        (names::INTER_POD_AFFINITY, 2),
        (names::DEFAULT_PREEMPTION, 0),
        (names::NODE_RESOURCES_BALANCED_ALLOCATION, 1),
        (names::IMAGE_LOCALITY, 1),
        (names::DEFAULT_BINDER, 0),
        ("", 0),
    ];
    all.into_iter()
        .filter(|(n, _)| !n.is_empty() && registry.contains(n))
        .collect()
}

/// Largest accepted score weight (keeps weighted sums far from overflow).
pub const MAX_WEIGHT: i64 = 1_000_000;

fn err(origin: &Origin, field: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        file: origin.file.clone(),
        line: origin.line,
        field: field.into(),
        message: message.into(),
    }
}

/// True if `plugin` implements the extension point at [`EXTENSION_POINTS`] index `ep`.
fn implements(plugin: &dyn Plugin, ep: usize) -> bool {
    match EXTENSION_POINTS[ep] {
        "multiPoint" => true,
        "preEnqueue" => plugin.as_pre_enqueue().is_some(),
        "queueSort" => plugin.as_queue_sort().is_some(),
        "preFilter" | "filter" => plugin.as_filter().is_some(),
        "postFilter" => plugin.as_post_filter().is_some(),
        "preScore" | "score" => plugin.as_score().is_some(),
        "reserve" => plugin.as_reserve().is_some(),
        "permit" => plugin.as_permit().is_some(),
        "preBind" => plugin.as_pre_bind().is_some(),
        "bind" => plugin.as_bind().is_some(),
        _ => plugin.as_post_bind().is_some(),
    }
}

/// A plugin entry of a profile: name, weight (0 = unset) and where it was written.
type Entry = (String, i64, Origin);

/// A plugin instance with its score weight, as one extension point lists it.
type Weighted = (Arc<dyn Plugin>, i64);

/// Builds one profile: the v1.36 defaults merged with `pc`'s plugin sets.
pub fn build_profile(
    pc: &ProfileConfig,
    registry: &Registry,
    resources: &ResourceNames,
    default_percentage: u32,
) -> Result<Profile, ConfigError> {
    let multi = merged_multi_point(pc, registry);
    check_plugin_config(pc, registry)?;
    let mut instances = Instances {
        pc,
        registry,
        resources,
        built: Vec::new(),
    };
    let mut points: Vec<Vec<Weighted>> = vec![Vec::new(); EXTENSION_POINTS.len()];
    for (ep, list) in points.iter_mut().enumerate().skip(1) {
        *list = plugins_at_point(ep, &multi, &mut instances)?;
    }
    assemble(pc, &points, default_percentage)
}

/// multiPoint: the defaults minus the disabled ones (`*`: all), then the enabled ones
/// (an enabled default is replaced in place).
fn merged_multi_point(pc: &ProfileConfig, registry: &Registry) -> Vec<Entry> {
    let mp = &pc.plugins[0];
    let mut multi: Vec<Entry> = if mp.disabled.iter().any(|d| d == "*") {
        Vec::new()
    } else {
        default_multi_point(registry)
            .into_iter()
            .filter(|(n, _)| !mp.disabled.iter().any(|d| d == n))
            .map(|(n, w)| (n.to_string(), w, pc.origin.clone()))
            .collect()
    };
    for e in &mp.enabled {
        if let Some(slot) = multi.iter_mut().find(|(n, _, _)| *n == e.name) {
            *slot = (e.name.clone(), e.weight, e.origin.clone());
        } else {
            multi.push((e.name.clone(), e.weight, e.origin.clone()));
        }
    }
    multi
}

/// The error for plugin `name`, which the registry does not know, written at `field`.
fn unknown_plugin(
    registry: &Registry,
    origin: &Origin,
    field: impl Into<String>,
    name: &str,
) -> ConfigError {
    err(
        origin,
        field,
        format!(
            "unknown plugin {name:?}; known: {}",
            registry.names().join(", ")
        ),
    )
}

/// Every pluginConfig entry must name a registered plugin.
fn check_plugin_config(pc: &ProfileConfig, registry: &Registry) -> Result<(), ConfigError> {
    for (name, _, origin) in &pc.plugin_config {
        if !registry.contains(name) {
            return Err(unknown_plugin(registry, origin, "pluginConfig.name", name));
        }
    }
    Ok(())
}

/// The plugins of one profile built so far: one instance per plugin name, shared by
/// every extension point, built with the profile's pluginConfig args on first use.
struct Instances<'a> {
    /// The profile.
    pc: &'a ProfileConfig,
    /// Where constructors are found.
    registry: &'a Registry,
    /// The cluster's resource names, for plugins that score resources.
    resources: &'a ResourceNames,
    /// Instances built, by plugin name.
    built: Vec<(String, Arc<dyn Plugin>)>,
}

impl Instances<'_> {
    /// The instance of plugin `name`; `origin` locates a build error.
    fn get(&mut self, name: &str, origin: &Origin) -> Result<Arc<dyn Plugin>, ConfigError> {
        if let Some((_, p)) = self.built.iter().find(|(n, _)| n == name) {
            return Ok(p.clone());
        }
        let args = self
            .pc
            .plugin_config
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, a, _)| a.clone())
            .unwrap_or(PluginArgs::None);
        let p = self
            .registry
            .build(name, &args, self.resources)
            .map_err(|m| err(origin, "plugins", m))?;
        self.built.push((name.to_string(), p.clone()));
        Ok(p)
    }
}

/// The plugin names of extension point `set`, in order: its enabled entries that
/// override a multiPoint one, then multiPoint's (unless disabled here), then its other
/// enabled entries.
fn names_at_point(set: &PluginSet, multi: &[Entry]) -> Vec<Entry> {
    let star = set.disabled.iter().any(|d| d == "*");
    let mut names_here: Vec<Entry> = Vec::new();
    for e in &set.enabled {
        if multi.iter().any(|(n, _, _)| *n == e.name) {
            names_here.push((e.name.clone(), e.weight, e.origin.clone()));
        }
    }
    for (n, w, o) in multi {
        if star || set.disabled.iter().any(|d| d == n) {
            continue;
        }
        if names_here.iter().any(|(x, _, _)| x == n) {
            continue;
        }
        names_here.push((n.clone(), *w, o.clone()));
    }
    for e in &set.enabled {
        if !names_here.iter().any(|(x, _, _)| *x == e.name) {
            names_here.push((e.name.clone(), e.weight, e.origin.clone()));
        }
    }
    names_here
}

/// The plugins of extension point `ep` (an [`EXTENSION_POINTS`] index) with their
/// weights (0 becomes 1). Each must be known, implement the point (multiPoint plugins
/// that do not are left out) and have a weight in range.
fn plugins_at_point(
    ep: usize,
    multi: &[Entry],
    instances: &mut Instances<'_>,
) -> Result<Vec<Weighted>, ConfigError> {
    // Copies of the references, so that building instances below may borrow `instances`.
    let (pc, registry): (&ProfileConfig, &Registry) = (instances.pc, instances.registry);
    let set = &pc.plugins[ep];
    let field = format!("plugins.{}", EXTENSION_POINTS[ep]);
    for e in &set.enabled {
        if !registry.contains(&e.name) {
            let at = format!("{field}.enabled");
            return Err(unknown_plugin(registry, &e.origin, at, &e.name));
        }
    }
    let mut list = Vec::new();
    for (n, w, o) in names_at_point(set, multi) {
        let from_multi = set.enabled.iter().all(|e| e.name != n);
        if !registry.contains(&n) {
            return Err(unknown_plugin(
                registry,
                &o,
                "plugins.multiPoint.enabled",
                &n,
            ));
        }
        let p = instances.get(&n, &o)?;
        if !implements(p.as_ref(), ep) {
            if from_multi {
                continue;
            }
            return Err(err(
                &o,
                format!("{field}.enabled"),
                format!(
                    "plugin {n:?} does not implement the {} extension point",
                    EXTENSION_POINTS[ep]
                ),
            ));
        }
        if !(0..=MAX_WEIGHT).contains(&w) {
            return Err(err(
                &o,
                format!("{field}.enabled.weight"),
                format!(
                    "weight {w} of plugin {n:?} must be between 0 and {MAX_WEIGHT} (0 means 1)"
                ),
            ));
        }
        list.push((p, if w == 0 { 1 } else { w }));
    }
    Ok(list)
}

/// The profile from the plugins of each extension point (`points`, by
/// [`EXTENSION_POINTS`] index): exactly one queueSort plugin, at least one bind plugin.
fn assemble(
    pc: &ProfileConfig,
    points: &[Vec<Weighted>],
    default_percentage: u32,
) -> Result<Profile, ConfigError> {
    let take = |ep: &str| -> Vec<Weighted> {
        let i = EXTENSION_POINTS
            .iter()
            .position(|e| *e == ep)
            .expect("known point");
        points[i].clone()
    };
    let queue_sort = take("queueSort");
    if queue_sort.len() != 1 {
        return Err(err(
            &pc.origin,
            "plugins.queueSort",
            format!(
                "exactly one queueSort plugin must be enabled, found {}",
                queue_sort.len()
            ),
        ));
    }
    let binders = take("bind");
    if binders.is_empty() {
        return Err(err(
            &pc.origin,
            "plugins.bind",
            "at least one bind plugin must be enabled",
        ));
    }
    let scores = take("score")
        .into_iter()
        .map(|(plugin, weight)| WeightedScore { plugin, weight })
        .collect();
    Ok(Profile {
        scheduler_name: pc.scheduler_name.clone(),
        queue_sort: queue_sort[0].0.clone(),
        pre_enqueue: plain(take("preEnqueue")),
        filters: merged_filters(take("filter"), take("preFilter")),
        post_filters: plain(take("postFilter")),
        scores,
        reserves: plain(take("reserve")),
        permits: plain(take("permit")),
        pre_binds: plain(take("preBind")),
        binders: plain(binders),
        post_binds: plain(take("postBind")),
        percentage_of_nodes_to_score: pc
            .percentage_of_nodes_to_score
            .unwrap_or(default_percentage),
    })
}

/// The plugins of `list` without their weights.
fn plain(list: Vec<Weighted>) -> Vec<Arc<dyn Plugin>> {
    list.into_iter().map(|(p, _)| p).collect()
}

/// preFilter/filter and preScore/score name the same plugins: kube runs PreFilter of
/// every filter plugin; here the two lists are merged, filter order first.
fn merged_filters(filter: Vec<Weighted>, pre_filter: Vec<Weighted>) -> Vec<Arc<dyn Plugin>> {
    let mut filters = plain(filter);
    for p in plain(pre_filter) {
        if !filters.iter().any(|f| f.name() == p.name()) {
            filters.push(p);
        }
    }
    filters
}

/// Builds every profile of `config`; profiles must name distinct schedulers and share
/// one queueSort plugin, as kube requires.
pub fn build_profiles(
    config: &SchedulerConfig,
    registry: &Registry,
    resources: &ResourceNames,
) -> Result<Vec<Profile>, ConfigError> {
    let pct = config.percentage_of_nodes_to_score.unwrap_or(0);
    let mut out: Vec<Profile> = Vec::new();
    for pc in &config.profiles {
        if out.iter().any(|p| p.scheduler_name == pc.scheduler_name) {
            return Err(err(
                &pc.origin,
                "profiles.schedulerName",
                format!("duplicate schedulerName {:?}", pc.scheduler_name),
            ));
        }
        let p = build_profile(pc, registry, resources, pct)?;
        if let Some(first) = out.first() {
            if first.queue_sort.name() != p.queue_sort.name() {
                return Err(err(
                    &pc.origin,
                    "plugins.queueSort",
                    "all profiles must use the same queueSort plugin",
                ));
            }
        }
        out.push(p);
    }
    if out.is_empty() {
        let pc = ProfileConfig::named(DEFAULT_SCHEDULER_NAME);
        out.push(build_profile(&pc, registry, resources, pct)?);
    }
    Ok(out)
}

impl ProfileConfig {
    /// A profile with no changes to the defaults.
    pub fn named(scheduler_name: &str) -> ProfileConfig {
        ProfileConfig {
            scheduler_name: scheduler_name.to_string(),
            plugins: vec![PluginSet::default(); EXTENSION_POINTS.len()],
            plugin_config: Vec::new(),
            percentage_of_nodes_to_score: None,
            origin: Origin::default(),
        }
    }

    /// The plugin set of extension point `ep` (one of [`EXTENSION_POINTS`]).
    pub fn set_mut(&mut self, ep: &str) -> &mut PluginSet {
        let i = EXTENSION_POINTS
            .iter()
            .position(|e| *e == ep)
            .expect("known extension point");
        &mut self.plugins[i]
    }
}

//! KubeSchedulerConfiguration (`kubescheduler.config.k8s.io/v1`) files: raw serde structs
//! mirroring the file, and their conversion into `scheduler::config::SchedulerConfig`
//! with errors naming file, line and field.

use super::error::{InputError, InputErrors};
use super::yaml;
use crate::model::pod::WhenUnsatisfiable;
use crate::model::resources::ResourceNames;
use crate::scheduler::config::{
    EnabledPlugin, Origin, PluginArgs, PluginSet, ProfileConfig, ResourceSpec, SchedulerConfig,
    EXTENSION_POINTS,
};
use crate::scheduler::plugins::names;
use crate::scheduler::plugins::node_resources_fit::{ScoringStrategy, MAX_CUSTOM_PRIORITY_SCORE};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::path::{Path, PathBuf};

/// The only accepted apiVersion.
pub const API_VERSION: &str = "kubescheduler.config.k8s.io/v1";

mod raw {
    use super::*;

    // The IgnoredAny fields exist so that real configuration files load unchanged; they
    // are never read.
    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Config {
        pub api_version: Spanned<String>,
        pub kind: Spanned<String>,
        pub percentage_of_nodes_to_score: Option<Spanned<i64>>,
        #[serde(default)]
        pub profiles: Vec<Spanned<Profile>>,
        // Accepted for compatibility; they do not affect a simulation.
        pub parallelism: Option<IgnoredAny>,
        pub leader_election: Option<IgnoredAny>,
        pub client_connection: Option<IgnoredAny>,
        pub health_z_bind_address: Option<IgnoredAny>,
        pub metrics_bind_address: Option<IgnoredAny>,
        pub enable_profiling: Option<IgnoredAny>,
        pub enable_contention_profiling: Option<IgnoredAny>,
        pub pod_initial_backoff_seconds: Option<IgnoredAny>,
        pub pod_max_backoff_seconds: Option<IgnoredAny>,
        pub delay_cache_until_active: Option<IgnoredAny>,
        pub extenders: Option<IgnoredAny>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Profile {
        pub scheduler_name: Option<String>,
        pub percentage_of_nodes_to_score: Option<Spanned<i64>>,
        #[serde(default)]
        pub plugins: Plugins,
        #[serde(default)]
        pub plugin_config: Vec<PluginConfig>,
    }

    #[derive(Debug, Deserialize, Default)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Plugins {
        pub multi_point: Option<Set>,
        pub pre_enqueue: Option<Set>,
        pub queue_sort: Option<Set>,
        pub pre_filter: Option<Set>,
        pub filter: Option<Set>,
        pub post_filter: Option<Set>,
        pub pre_score: Option<Set>,
        pub score: Option<Set>,
        pub reserve: Option<Set>,
        pub permit: Option<Set>,
        pub pre_bind: Option<Set>,
        pub bind: Option<Set>,
        pub post_bind: Option<Set>,
    }

    #[derive(Debug, Deserialize, Default, Clone)]
    #[serde(deny_unknown_fields)]
    pub struct Set {
        #[serde(default)]
        pub enabled: Vec<Plugin>,
        #[serde(default)]
        pub disabled: Vec<Plugin>,
    }

    #[derive(Debug, Deserialize, Clone)]
    #[serde(deny_unknown_fields)]
    pub struct Plugin {
        pub name: Spanned<String>,
        pub weight: Option<Spanned<i64>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct PluginConfig {
        pub name: Spanned<String>,
        pub args: Option<Spanned<Args>>,
    }

    /// The union of the args fields of the plugins k8sim configures; each plugin accepts
    /// only its own.
    #[allow(dead_code)]
    #[derive(Debug, Deserialize, Default)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Args {
        pub api_version: Option<IgnoredAny>,
        pub kind: Option<IgnoredAny>,
        pub scoring_strategy: Option<Spanned<ScoringStrategy>>,
        pub ignored_resources: Option<IgnoredAny>,
        pub ignored_resource_groups: Option<IgnoredAny>,
        pub resources: Option<Vec<Resource>>,
        pub defaulting_type: Option<Spanned<String>>,
        pub default_constraints: Option<Vec<Constraint>>,
        pub hard_pod_affinity_weight: Option<Spanned<i64>>,
        pub ignore_preferred_terms_of_existing_pods: Option<bool>,
        pub min_candidate_nodes_percentage: Option<Spanned<i64>>,
        pub min_candidate_nodes_absolute: Option<Spanned<i64>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct ScoringStrategy {
        #[serde(rename = "type")]
        pub kind: Option<Spanned<String>>,
        pub resources: Option<Vec<Resource>>,
        pub requested_to_capacity_ratio: Option<Rtcr>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Rtcr {
        pub shape: Vec<Spanned<ShapePoint>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ShapePoint {
        pub utilization: i64,
        pub score: i64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Resource {
        pub name: Spanned<String>,
        pub weight: Option<Spanned<i64>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Constraint {
        pub max_skew: Spanned<i64>,
        pub topology_key: String,
        pub when_unsatisfiable: Spanned<String>,
    }
}

/// True if a scenario's `scheduler:` value names a file rather than a built-in policy.
pub fn looks_like_file(value: &str) -> bool {
    value.ends_with(".yaml") || value.ends_with(".yml") || value.contains('/')
}

/// Loads `value` as a file path relative to the directory of `scenario_source`.
pub fn load_relative(
    value: &str,
    scenario_source: &Path,
    resources: &mut ResourceNames,
) -> Result<SchedulerConfig, InputErrors> {
    let p = Path::new(value);
    let path: PathBuf = if p.is_absolute() {
        p.to_path_buf()
    } else {
        scenario_source.parent().unwrap_or(Path::new(".")).join(p)
    };
    load(&path, resources)
}

/// Reads and converts a KubeSchedulerConfiguration file.
pub fn load(path: &Path, resources: &mut ResourceNames) -> Result<SchedulerConfig, InputErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        InputError::new(
            path,
            None,
            "",
            format!("cannot read KubeSchedulerConfiguration: {e}"),
        )
    })?;
    parse(path, &text, resources)
}

struct Ctx<'a> {
    file: &'a Path,
    errors: Vec<InputError>,
}

impl Ctx<'_> {
    fn origin(&self, line: u64) -> Origin {
        Origin {
            file: self.file.to_path_buf(),
            line: Some(line),
        }
    }
    fn error(&mut self, line: u64, field: impl Into<String>, message: impl Into<String>) {
        self.errors
            .push(InputError::new(self.file, Some(line), field, message));
    }
}

/// Parses the text of a KubeSchedulerConfiguration file.
pub fn parse(
    file: &Path,
    text: &str,
    resources: &mut ResourceNames,
) -> Result<SchedulerConfig, InputErrors> {
    let docs = yaml::split_documents(text);
    let Some(doc) = docs.first() else {
        return Err(InputError::new(file, None, "", "empty KubeSchedulerConfiguration").into());
    };
    let cfg: raw::Config = yaml::parse_document(file, doc)?;
    let mut cx = Ctx {
        file,
        errors: Vec::new(),
    };
    if cfg.api_version.value != API_VERSION {
        cx.error(
            cfg.api_version.referenced.line(),
            "apiVersion",
            format!("expected {API_VERSION}, got {:?}", cfg.api_version.value),
        );
    }
    if cfg.kind.value != "KubeSchedulerConfiguration" {
        cx.error(
            cfg.kind.referenced.line(),
            "kind",
            format!(
                "expected KubeSchedulerConfiguration, got {:?}",
                cfg.kind.value
            ),
        );
    }
    let pct = percentage(
        &mut cx,
        &cfg.percentage_of_nodes_to_score,
        "percentageOfNodesToScore",
    );
    let mut profiles = Vec::new();
    for (i, sp) in cfg.profiles.iter().enumerate() {
        let line = sp.referenced.line();
        let p = &sp.value;
        let field = format!("profiles[{i}]");
        let mut pc = ProfileConfig::named(
            p.scheduler_name
                .as_deref()
                .unwrap_or(crate::model::pod::DEFAULT_SCHEDULER_NAME),
        );
        pc.origin = cx.origin(line);
        pc.percentage_of_nodes_to_score = percentage(
            &mut cx,
            &p.percentage_of_nodes_to_score,
            &format!("{field}.percentageOfNodesToScore"),
        );
        let sets = [
            &p.plugins.multi_point,
            &p.plugins.pre_enqueue,
            &p.plugins.queue_sort,
            &p.plugins.pre_filter,
            &p.plugins.filter,
            &p.plugins.post_filter,
            &p.plugins.pre_score,
            &p.plugins.score,
            &p.plugins.reserve,
            &p.plugins.permit,
            &p.plugins.pre_bind,
            &p.plugins.bind,
            &p.plugins.post_bind,
        ];
        for (ep, set) in sets.iter().enumerate() {
            let Some(set) = set else {
                continue;
            };
            let mut out = PluginSet::default();
            for e in &set.enabled {
                let weight = match &e.weight {
                    None => 0,
                    Some(w) if w.value < 0 => {
                        cx.error(
                            w.referenced.line(),
                            format!("{field}.plugins.{}.enabled.weight", EXTENSION_POINTS[ep]),
                            format!(
                                "weight {} of plugin {:?} must not be negative",
                                w.value, e.name.value
                            ),
                        );
                        0
                    }
                    Some(w) => w.value,
                };
                out.enabled.push(EnabledPlugin {
                    name: e.name.value.clone(),
                    weight,
                    origin: cx.origin(e.name.referenced.line()),
                });
            }
            out.disabled = set.disabled.iter().map(|d| d.name.value.clone()).collect();
            pc.plugins[ep] = out;
        }
        for (k, c) in p.plugin_config.iter().enumerate() {
            let f = format!("{field}.pluginConfig[{k}]");
            let args = match &c.args {
                None => PluginArgs::None,
                Some(a) => convert_args(&mut cx, &c.name.value, a, &f, resources),
            };
            pc.plugin_config.push((
                c.name.value.clone(),
                args,
                cx.origin(c.name.referenced.line()),
            ));
        }
        profiles.push(pc);
    }
    if !cx.errors.is_empty() {
        return Err(InputErrors(cx.errors));
    }
    Ok(SchedulerConfig {
        profiles,
        percentage_of_nodes_to_score: pct,
    })
}

fn percentage(cx: &mut Ctx<'_>, v: &Option<Spanned<i64>>, field: &str) -> Option<u32> {
    let v = v.as_ref()?;
    if !(0..=100).contains(&v.value) {
        cx.error(
            v.referenced.line(),
            field,
            format!("{} is not a percentage between 0 and 100", v.value),
        );
        return None;
    }
    Some(v.value as u32)
}

fn resource_specs(
    cx: &mut Ctx<'_>,
    list: &[raw::Resource],
    field: &str,
    resources: &mut ResourceNames,
) -> Vec<ResourceSpec> {
    let mut out = Vec::new();
    for r in list {
        let line = r.name.referenced.line();
        let weight = r.weight.as_ref().map(|w| w.value).unwrap_or(1);
        if weight <= 0 || weight > 100 {
            cx.error(
                line,
                format!("{field}.weight"),
                format!("resource weight {weight} must be between 1 and 100"),
            );
            continue;
        }
        match resources.intern(&r.name.value) {
            Some(resource) => out.push(ResourceSpec { resource, weight }),
            None => cx.error(
                line,
                format!("{field}.name"),
                format!("too many distinct resources to add {:?}", r.name.value),
            ),
        }
    }
    out
}

/// Converts `args` for plugin `name`, rejecting fields that belong to another plugin.
fn convert_args(
    cx: &mut Ctx<'_>,
    name: &str,
    args: &Spanned<raw::Args>,
    field: &str,
    resources: &mut ResourceNames,
) -> PluginArgs {
    let line = args.referenced.line();
    let a = &args.value;
    let field = format!("{field}.args");
    let foreign = |present: &[(&str, bool)]| -> Option<String> {
        present
            .iter()
            .find(|(_, p)| *p)
            .map(|(f, _)| (*f).to_string())
    };
    let fit_fields = [
        ("scoringStrategy", a.scoring_strategy.is_some()),
        ("ignoredResources", a.ignored_resources.is_some()),
        ("ignoredResourceGroups", a.ignored_resource_groups.is_some()),
    ];
    let spread_fields = [
        ("defaultingType", a.defaulting_type.is_some()),
        ("defaultConstraints", a.default_constraints.is_some()),
    ];
    let ipa_fields = [
        (
            "hardPodAffinityWeight",
            a.hard_pod_affinity_weight.is_some(),
        ),
        (
            "ignorePreferredTermsOfExistingPods",
            a.ignore_preferred_terms_of_existing_pods.is_some(),
        ),
    ];
    let pre_fields = [
        (
            "minCandidateNodesPercentage",
            a.min_candidate_nodes_percentage.is_some(),
        ),
        (
            "minCandidateNodesAbsolute",
            a.min_candidate_nodes_absolute.is_some(),
        ),
    ];
    let ba_fields = [("resources", a.resources.is_some())];
    let allowed: &[&[(&str, bool)]] = match name {
        names::NODE_RESOURCES_FIT => &[&fit_fields],
        names::NODE_RESOURCES_BALANCED_ALLOCATION => &[&ba_fields],
        names::POD_TOPOLOGY_SPREAD => &[&spread_fields],
        names::INTER_POD_AFFINITY => &[&ipa_fields],
        names::DEFAULT_PREEMPTION => &[&pre_fields],
        _ => &[],
    };
    for group in [
        &fit_fields[..],
        &ba_fields,
        &spread_fields,
        &ipa_fields,
        &pre_fields,
    ] {
        if allowed.iter().any(|g| std::ptr::eq(*g, group)) {
            continue;
        }
        if let Some(f) = foreign(group) {
            cx.error(
                line,
                format!("{field}.{f}"),
                format!("plugin {name:?} has no arg {f:?}"),
            );
            return PluginArgs::None;
        }
    }
    match name {
        names::NODE_RESOURCES_FIT => {
            let Some(ss) = &a.scoring_strategy else {
                return PluginArgs::None;
            };
            let sf = format!("{field}.scoringStrategy");
            let kind = ss.value.kind.as_ref();
            let kind_str = kind.map(|k| k.value.as_str()).unwrap_or("LeastAllocated");
            let kind_line = kind
                .map(|k| k.referenced.line())
                .unwrap_or(ss.referenced.line());
            let res = resource_specs(
                cx,
                ss.value.resources.as_deref().unwrap_or(&[]),
                &format!("{sf}.resources"),
                resources,
            );
            let strategy = match kind_str {
                "LeastAllocated" => ScoringStrategy::LeastAllocated,
                "MostAllocated" => ScoringStrategy::MostAllocated,
                "RequestedToCapacityRatio" => {
                    let Some(r) = &ss.value.requested_to_capacity_ratio else {
                        cx.error(
                            kind_line,
                            format!("{sf}.requestedToCapacityRatio"),
                            "RequestedToCapacityRatio needs requestedToCapacityRatio.shape",
                        );
                        return PluginArgs::None;
                    };
                    let mut shape = Vec::new();
                    let mut prev = -1;
                    for p in &r.shape {
                        let (u, s) = (p.value.utilization, p.value.score);
                        let l = p.referenced.line();
                        if !(0..=100).contains(&u) || u <= prev {
                            cx.error(
                                l,
                                format!("{sf}.requestedToCapacityRatio.shape.utilization"),
                                format!("utilization {u} must be in 0..=100 and increasing"),
                            );
                        }
                        if !(0..=MAX_CUSTOM_PRIORITY_SCORE).contains(&s) {
                            cx.error(
                                l,
                                format!("{sf}.requestedToCapacityRatio.shape.score"),
                                format!("score {s} must be in 0..={MAX_CUSTOM_PRIORITY_SCORE}"),
                            );
                        }
                        prev = u;
                        shape.push((u, s * (100 / MAX_CUSTOM_PRIORITY_SCORE)));
                    }
                    if shape.is_empty() {
                        cx.error(
                            kind_line,
                            format!("{sf}.requestedToCapacityRatio.shape"),
                            "shape needs at least one point",
                        );
                    }
                    ScoringStrategy::RequestedToCapacityRatio(shape)
                }
                other => {
                    cx.error(
                        kind_line,
                        format!("{sf}.type"),
                        format!(
                            "unknown scoringStrategy type {other:?}: expected LeastAllocated, MostAllocated or RequestedToCapacityRatio"
                        ),
                    );
                    return PluginArgs::None;
                }
            };
            PluginArgs::NodeResourcesFit {
                strategy,
                resources: res,
            }
        }
        names::NODE_RESOURCES_BALANCED_ALLOCATION => PluginArgs::BalancedAllocation {
            resources: resource_specs(
                cx,
                a.resources.as_deref().unwrap_or(&[]),
                &format!("{field}.resources"),
                resources,
            ),
        },
        names::POD_TOPOLOGY_SPREAD => {
            let system = match &a.defaulting_type {
                None => true,
                Some(t) if t.value == "System" => true,
                Some(t) if t.value == "List" => false,
                Some(t) => {
                    cx.error(
                        t.referenced.line(),
                        format!("{field}.defaultingType"),
                        format!("expected System or List, got {:?}", t.value),
                    );
                    true
                }
            };
            let mut dc = Vec::new();
            for c in a.default_constraints.as_deref().unwrap_or(&[]) {
                let when = match c.when_unsatisfiable.value.as_str() {
                    "DoNotSchedule" => WhenUnsatisfiable::DoNotSchedule,
                    "ScheduleAnyway" => WhenUnsatisfiable::ScheduleAnyway,
                    other => {
                        cx.error(
                            c.when_unsatisfiable.referenced.line(),
                            format!("{field}.defaultConstraints.whenUnsatisfiable"),
                            format!("expected DoNotSchedule or ScheduleAnyway, got {other:?}"),
                        );
                        continue;
                    }
                };
                if c.max_skew.value < 1 {
                    cx.error(
                        c.max_skew.referenced.line(),
                        format!("{field}.defaultConstraints.maxSkew"),
                        "maxSkew must be at least 1",
                    );
                    continue;
                }
                dc.push((c.max_skew.value as i32, c.topology_key.clone(), when));
            }
            if system && !dc.is_empty() {
                cx.error(
                    line,
                    format!("{field}.defaultConstraints"),
                    "defaultConstraints need defaultingType: List",
                );
            }
            PluginArgs::PodTopologySpread {
                system,
                default_constraints: dc,
            }
        }
        names::INTER_POD_AFFINITY => {
            let w = a.hard_pod_affinity_weight.as_ref();
            let weight = w.map(|w| w.value).unwrap_or(1);
            if !(0..=100).contains(&weight) {
                cx.error(
                    w.map(|w| w.referenced.line()).unwrap_or(line),
                    format!("{field}.hardPodAffinityWeight"),
                    format!("{weight} is not between 0 and 100"),
                );
            }
            PluginArgs::InterPodAffinity {
                hard_pod_affinity_weight: weight,
                ignore_preferred_terms_of_existing_pods: a
                    .ignore_preferred_terms_of_existing_pods
                    .unwrap_or(false),
            }
        }
        names::DEFAULT_PREEMPTION => {
            let pct = a.min_candidate_nodes_percentage.as_ref();
            let abs = a.min_candidate_nodes_absolute.as_ref();
            let p = pct.map(|v| v.value).unwrap_or(10);
            let n = abs.map(|v| v.value).unwrap_or(100);
            if !(0..=100).contains(&p) {
                cx.error(
                    pct.map(|v| v.referenced.line()).unwrap_or(line),
                    format!("{field}.minCandidateNodesPercentage"),
                    format!("{p} is not between 0 and 100"),
                );
            }
            if n < 0 || (p == 0 && n == 0) {
                cx.error(
                    abs.map(|v| v.referenced.line()).unwrap_or(line),
                    format!("{field}.minCandidateNodesAbsolute"),
                    format!("{n} must be non-negative and not 0 when the percentage is 0"),
                );
            }
            PluginArgs::DefaultPreemption {
                min_candidate_nodes_percentage: p,
                min_candidate_nodes_absolute: n,
            }
        }
        _ => PluginArgs::None,
    }
}

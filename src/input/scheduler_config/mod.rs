//! KubeSchedulerConfiguration (`kubescheduler.config.k8s.io/v1`) files: raw serde structs
//! mirroring the file, and their conversion into `scheduler::config::SchedulerConfig`
//! with errors naming file, line and field.

use super::error::{InputError, InputErrors};
use super::yaml;
use crate::model::resources::ResourceNames;
use crate::scenario::Scenario;
use crate::scheduler::choice::SchedulerChoice;
use crate::scheduler::config::{
    EnabledPlugin, Origin, PluginArgs, PluginSet, ProfileConfig, SchedulerConfig, EXTENSION_POINTS,
};
use serde_saphyr::Spanned;
use std::path::{Path, PathBuf};

mod args;
mod raw;

use args::convert_args;

/// The only accepted apiVersion.
pub const API_VERSION: &str = "kubescheduler.config.k8s.io/v1";

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
    let bytes = super::limits::read_capped(path).map_err(|e| {
        InputError::new(
            path,
            None,
            "",
            format!("cannot read KubeSchedulerConfiguration: {e}"),
        )
    })?;
    let text = super::manifest::utf8_text(path, bytes)?;
    parse(path, &text, resources)
}

struct Ctx<'a> {
    file: &'a Path,
    /// Lines before the document (a leading `---` and comments): added to every line
    /// of the document to give the file line.
    line_offset: u64,
    errors: Vec<InputError>,
}

impl Ctx<'_> {
    fn origin(&self, line: u64) -> Origin {
        Origin {
            file: self.file.to_path_buf(),
            line: Some(line + self.line_offset),
        }
    }
    fn error(&mut self, line: u64, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(InputError::new(
            self.file,
            Some(line + self.line_offset),
            field,
            message,
        ));
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
        line_offset: doc.line_offset,
        errors: Vec::new(),
    };
    check_type(&mut cx, &cfg);
    not_simulated(&mut cx, &cfg);
    let pct = percentage(
        &mut cx,
        &cfg.percentage_of_nodes_to_score,
        "percentageOfNodesToScore",
    );
    let profiles = cfg
        .profiles
        .iter()
        .enumerate()
        .map(|(i, sp)| profile(&mut cx, sp, &format!("profiles[{i}]"), resources))
        .collect();
    if !cx.errors.is_empty() {
        return Err(InputErrors(cx.errors));
    }
    Ok(SchedulerConfig {
        profiles,
        percentage_of_nodes_to_score: pct,
    })
}

/// `apiVersion` and `kind` must name a KubeSchedulerConfiguration of [`API_VERSION`].
fn check_type(cx: &mut Ctx<'_>, cfg: &raw::Config) {
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
}

/// One profile (`field`, e.g. `profiles[0]`): its scheduler name, percentage of nodes to
/// score, plugins by extension point and plugin args.
fn profile(
    cx: &mut Ctx<'_>,
    sp: &Spanned<raw::Profile>,
    field: &str,
    resources: &mut ResourceNames,
) -> ProfileConfig {
    let p = &sp.value;
    let mut pc = ProfileConfig::named(
        p.scheduler_name
            .as_deref()
            .unwrap_or(crate::model::pod::DEFAULT_SCHEDULER_NAME),
    );
    pc.origin = cx.origin(sp.referenced.line());
    pc.percentage_of_nodes_to_score = percentage(
        cx,
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
        if let Some(set) = set {
            let field = format!("{field}.plugins.{}", EXTENSION_POINTS[ep]);
            pc.plugins[ep] = plugin_set(cx, set, &field);
        }
    }
    for (k, c) in p.plugin_config.iter().enumerate() {
        let f = format!("{field}.pluginConfig[{k}]");
        let args = match &c.args {
            None => PluginArgs::None,
            Some(a) => convert_args(cx, &c.name.value, a, &f, resources),
        };
        pc.plugin_config.push((
            c.name.value.clone(),
            args,
            cx.origin(c.name.referenced.line()),
        ));
    }
    pc
}

/// The plugins enabled (with their weights) and disabled at one extension point (`field`,
/// e.g. `profiles[0].plugins.score`).
fn plugin_set(cx: &mut Ctx<'_>, set: &raw::Set, field: &str) -> PluginSet {
    let mut out = PluginSet::default();
    for e in &set.enabled {
        let weight = match &e.weight {
            None => 0,
            Some(w) if w.value < 0 => {
                cx.error(
                    w.referenced.line(),
                    format!("{field}.enabled.weight"),
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
    out
}

/// Top-level fields k8sim does not simulate are errors that say so, never dropped silently
/// (back-off values equal to kube-scheduler's defaults are what the queue does anyway).
fn not_simulated(cx: &mut Ctx<'_>, cfg: &raw::Config) {
    if let Some(e) = &cfg.extenders {
        cx.error(
            e.referenced.line(),
            "extenders",
            "scheduler extenders are not simulated (k8sim cannot call an HTTP extender); remove `extenders` or express the policy with in-tree plugins",
        );
    }
    let backoffs = [
        (
            &cfg.pod_initial_backoff_seconds,
            "podInitialBackoffSeconds",
            1,
        ),
        (&cfg.pod_max_backoff_seconds, "podMaxBackoffSeconds", 10),
    ];
    for (v, field, default) in backoffs {
        if let Some(v) = v.as_ref().filter(|v| v.value != default) {
            cx.error(
                v.referenced.line(),
                field,
                format!("{field} {} is not simulated: k8sim's scheduling queue uses kube-scheduler's default {default}; remove the field or set it to {default}", v.value),
            );
        }
    }
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

/// Resolves a run's `scheduler` (the scenario's `scheduler:` or `--scheduler`): a built-in
/// policy name stays a name; anything that looks like a file is read (relative to the
/// scenario file) and parsed here, once, so that building the simulation reads nothing.
pub fn resolve(scenario: &Scenario, scheduler: &str) -> Result<SchedulerChoice, InputErrors> {
    if crate::scheduler::is_builtin(scheduler) || !looks_like_file(scheduler) {
        return Ok(SchedulerChoice::Named(scheduler.to_string()));
    }
    let mut resources = scenario.resources.clone();
    let config = load_relative(scheduler, &scenario.source, &mut resources)?;
    Ok(SchedulerChoice::Configured {
        name: scheduler.to_string(),
        config,
        resources,
    })
}

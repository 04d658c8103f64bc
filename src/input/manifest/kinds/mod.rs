//! One converter per Kubernetes kind: raw document -> typed model object.

mod apps;
mod autoscaling;
mod batch;
mod cluster;

pub use apps::*;
pub use autoscaling::*;
pub use batch::*;
pub use cluster::*;

use super::convert::{self as cv, Ctx, RestartRule};
use super::raw;
use crate::model::workload::BarePod;

/// A Pod.
pub fn pod(ctx: &mut Ctx, r: &raw::Pod) -> BarePod {
    let meta = cv::meta(ctx, &r.metadata, "Pod");
    let tmpl = raw::PodTemplate {
        metadata: r.metadata.clone(),
        spec: r.spec.clone(),
    };
    let reported = ctx.errors.len();
    let template = cv::pod_template(ctx, &tmpl, "", RestartRule::Any);
    // The template shares the Pod's metadata: drop the label errors `meta` already reported.
    let new: Vec<_> = ctx.errors.drain(reported..).collect();
    for e in new {
        if !ctx.errors.contains(&e) {
            ctx.errors.push(e);
        }
    }
    BarePod { meta, template }
}

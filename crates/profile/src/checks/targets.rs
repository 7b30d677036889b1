//! Metrics and resource targets: at least one metric, well-formed targets,
//! requests behind Utilization targets, limits not below requests, and every
//! quantity parsable.

use super::Ctx;
use super::ids::*;
use super::quantity::parse_quantity;
use crate::model::{Quantity, ResourceList, ResourceTarget};
use crate::resolve::{ResourceName, TargetValue};
use scaleplan_diag::Diagnostic;

/// Reports a malformed quantity; returns its value when it parses.
pub fn quantity(
    ctx: &Ctx<'_, '_>,
    ptr: &str,
    q: &Quantity,
    out: &mut Vec<Diagnostic>,
) -> Option<f64> {
    match parse_quantity(q.as_str()) {
        Ok(v) => Some(v),
        Err(why) => {
            out.push(
                ctx.value_error(MALFORMED_QUANTITY, ptr, format!("malformed quantity `{q}`: {why}: expected e.g. `500m`, `2`, `128Mi`"))
                    .help("a quantity is a number with an optional suffix and no spaces: m, k, M, G, Ki, Mi, Gi, ..."),
            );
            None
        }
    }
}

pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Diagnostic>) {
    let spec = &ctx.profile.spec;
    if ctx.resolved.resource_targets.is_empty() && spec.queue.is_none() {
        let at = if spec.targets.is_some() {
            "/spec/targets"
        } else {
            "/spec"
        };
        out.push(
            ctx.error(
                NO_METRIC,
                at,
                "the HPA would have no metric: expected a cpu or memory target or a queue",
            )
            .field("spec.targets")
            .help("add `targets: {cpu: {averageUtilization: 70}}`, a `queue`, or a preset"),
        );
    }
    if let Some(t) = &spec.targets {
        for (name, target) in [("cpu", &t.cpu), ("memory", &t.memory)] {
            if let Some(Some(target)) = target {
                check_target(ctx, name, target, out);
            }
        }
    }
    // Containers: quantities, limits >= requests, requests behind Utilization targets.
    for (i, c) in spec.workload.containers.iter().enumerate() {
        let base = format!("/spec/workload/containers/{i}/resources");
        let req = lists(ctx, &format!("{base}/requests"), &c.resources.requests, out);
        let lim = lists(ctx, &format!("{base}/limits"), &c.resources.limits, out);
        for (k, name) in ["cpu", "memory"].iter().enumerate() {
            if let (Some(r), Some(l)) = (req[k], lim[k])
                && l < r
            {
                let (rq, lq) = match k {
                    0 => (&c.resources.requests.cpu, &c.resources.limits.cpu),
                    _ => (&c.resources.requests.memory, &c.resources.limits.memory),
                };
                out.push(
                    ctx.value_error(
                        LIMIT_BELOW_REQUEST,
                        &format!("{base}/limits/{name}"),
                        format!(
                            "container `{}`: {name} limit {} is below its request {}: expected limit >= request",
                            c.name,
                            lq.as_ref().map_or("", |q| q.as_str()),
                            rq.as_ref().map_or("", |q| q.as_str())
                        ),
                    )
                    .help("the API server rejects the pod; raise the limit or lower the request"),
                );
            }
        }
    }
    for t in &ctx.resolved.resource_targets {
        if !matches!(t.target, TargetValue::Utilization(_)) {
            continue;
        }
        for (i, c) in spec.workload.containers.iter().enumerate() {
            let has = match t.resource {
                ResourceName::Cpu => c.resources.requests.cpu.is_some(),
                ResourceName::Memory => c.resources.requests.memory.is_some(),
            };
            if !has {
                let r = t.resource.as_str();
                let tptr = format!("/spec/targets/{r}");
                out.push(
                    ctx.error(
                        MISSING_REQUEST,
                        &format!("/spec/workload/containers/{i}/resources/requests"),
                        format!(
                            "container `{}` has no {r} request, but the {r} target{} is a Utilization: expected `resources.requests.{r}`",
                            c.name,
                            ctx.origin(&tptr)
                        ),
                    )
                    .field(format!("spec.workload.containers[{i}].resources.requests.{r}"))
                    .help(format!(
                        "utilization is a percentage of the request; without it the HPA reports `missing request for {r}` and never scales; add the request (to the workload too) or use `averageValue`"
                    )),
                );
            }
        }
    }
}

fn lists(
    ctx: &Ctx<'_, '_>,
    base: &str,
    l: &ResourceList,
    out: &mut Vec<Diagnostic>,
) -> [Option<f64>; 2] {
    let cpu = l
        .cpu
        .as_ref()
        .and_then(|q| quantity(ctx, &format!("{base}/cpu"), q, out));
    let mem = l
        .memory
        .as_ref()
        .and_then(|q| quantity(ctx, &format!("{base}/memory"), q, out));
    [cpu, mem]
}

fn check_target(ctx: &Ctx<'_, '_>, name: &str, t: &ResourceTarget, out: &mut Vec<Diagnostic>) {
    let base = format!("/spec/targets/{name}");
    match (t.average_utilization, &t.average_value) {
        (Some(_), Some(_)) => out.push(
            ctx.error(TARGET_INVALID, &base, format!("the {name} target sets both averageUtilization and averageValue: expected exactly one"))
                .help("keep averageUtilization (percent of request) or averageValue (per-pod amount), not both"),
        ),
        (None, None) => out.push(
            ctx.error(TARGET_INVALID, &base, format!("the {name} target sets neither averageUtilization nor averageValue: expected exactly one"))
                .help(format!("write `{name}: {{averageUtilization: 70}}`, or `{name}: null` to remove the preset's target")),
        ),
        (Some(u), None) => {
            if u < 1 || u > i32::MAX as i64 {
                out.push(
                    ctx.value_error(TARGET_INVALID, &format!("{base}/averageUtilization"), format!("averageUtilization is {u}: expected at least 1"))
                        .help("a percentage of the request such as 70; values above 100 are allowed"),
                );
            }
        }
        (None, Some(q)) => {
            let ptr = format!("{base}/averageValue");
            if let Some(v) = quantity(ctx, &ptr, q, out)
                && v <= 0.0
            {
                out.push(
                    ctx.value_error(TARGET_INVALID, &ptr, format!("averageValue is {q}: expected a quantity greater than 0"))
                        .help(format!("the average {name} usage per pod to aim for, e.g. `500m` or `512Mi`")),
                );
            }
        }
    }
}

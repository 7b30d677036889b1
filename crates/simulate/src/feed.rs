//! Which trace column (or the simulated backlog) feeds each metric of the HPA,
//! and what a column's number means for that metric.
//!
//! A column is named after the metric it feeds:
//!
//! | metric | column name | a column value is |
//! |---|---|---|
//! | Resource, Utilization target | resource name (`cpu`, `memory`) | the **total** demand in percent of **one** pod's request, shared by the ready pods: `350` = 3.5 pods' worth of requested CPU. With 5 ready pods each reports 70%. |
//! | Resource, AverageValue target | resource name | the **total** usage across pods in the resource's unit (cores for cpu, bytes for memory), shared by the ready pods |
//! | ContainerResource | `<container>/<resource>` (`worker/cpu`) | as Resource, for that container |
//! | Pods | metric name | the **total** across pods (e.g. requests/s arriving at the Service), shared by the ready pods |
//! | Object | metric name | the object's value as the adapter returns it (e.g. the queue length) |
//! | External | metric name | the value (the sum of the series the selector matches) |
//!
//! Per-pod metrics take a total because that is the load, which does not
//! change when the HPA adds pods; the per-pod value does, and the simulator
//! works it out from the pods that are ready at each sync. That is the
//! feedback the question "what will this HPA do under this load?" needs.

use crate::trace::Trace;
use scaleplan_diag::{Diagnostic, Location};
use scaleplan_hpa::model::{HpaSpec, MetricSourceType, MetricSpec};

/// Rule IDs of mismatches between the trace and the HPA.
pub mod rules {
    /// A trace column that no metric of the HPA uses.
    pub const UNUSED_COLUMN: &str = "S0301";
    /// A metric of the HPA that no trace column (and not the backlog) feeds.
    pub const UNFED_METRIC: &str = "S0302";
    /// Closed loop: no `arrivals` column, or no queue metric for the backlog.
    pub const CLOSED_LOOP: &str = "S0303";
    /// The HPA uses a metric the simulator cannot drive.
    pub const UNSUPPORTED: &str = "S0304";
}

/// The name of the arrivals column in closed-loop mode.
pub const ARRIVALS: &str = "arrivals";

/// How a metric's value is produced each sync.
#[derive(Clone, Debug, PartialEq)]
pub enum Feed {
    /// A trace column holding a total that the ready pods share.
    Shared { column: usize, kind: SharedKind },
    /// A trace column holding the value of an Object/External metric.
    Value { column: usize },
    /// The simulated backlog (closed loop).
    Backlog,
}

/// What the ready pods report from a shared total.
#[derive(Clone, Debug, PartialEq)]
pub enum SharedKind {
    /// A resource metric: each pod reports `total / ready` of `resource` in
    /// `container` (`None` = the pod's only container). Utilization columns are
    /// in percent of one pod's request.
    Resource {
        resource: String,
        container: Option<String>,
        utilization: bool,
    },
    /// A Pods metric.
    PodsMetric { name: String },
}

/// One metric of the HPA and what feeds it.
#[derive(Clone, Debug)]
pub struct MetricFeed {
    /// The column name (or metric name, for the backlog).
    pub name: String,
    pub source: MetricSourceType,
    pub feed: Feed,
}

/// The column a metric reads, by the table in the module docs.
pub fn column_name(m: &MetricSpec) -> Option<String> {
    match m.source_type {
        MetricSourceType::Resource => m.resource.as_ref().map(|r| r.name.clone()),
        MetricSourceType::ContainerResource => m
            .container_resource
            .as_ref()
            .map(|r| format!("{}/{}", r.container, r.name)),
        MetricSourceType::Pods => m.pods.as_ref().map(|p| p.metric.name.clone()),
        MetricSourceType::Object => m.object.as_ref().map(|o| o.metric.name.clone()),
        MetricSourceType::External => m.external.as_ref().map(|e| e.metric.name.clone()),
        _ => None,
    }
}

/// Binds every metric to its feed, and reports every column no metric uses
/// and every metric nothing feeds. `metric_locations[i]` is where metric `i`
/// is written in the HPA file; `queue_metric` is the metric the backlog
/// feeds in closed-loop mode.
pub fn bind(
    hpa: &HpaSpec,
    metric_locations: &[Option<Location>],
    trace: &Trace,
    trace_file: &str,
    queue_metric: Option<&str>,
) -> Result<Vec<MetricFeed>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut feeds = Vec::new();
    let mut used = vec![false; trace.columns.len()];
    if queue_metric.is_some() {
        match trace.column(ARRIVALS) {
            Some(i) => used[i] = true,
            None => problems.push(
                Diagnostic::error(
                    rules::CLOSED_LOOP,
                    format!("--service-rate needs an `{ARRIVALS}` column (tasks arriving per second)"),
                )
                .at(Location::point(trace_file, trace.columns[0].line, 1))
                .help(format!("add a column `{ARRIVALS}`, or drop --service-rate to replay metric values directly")),
            ),
        }
    }
    for (i, m) in hpa.metrics.iter().enumerate() {
        let loc = metric_locations.get(i).cloned().flatten();
        let Some(name) = column_name(m) else {
            problems.push(
                Diagnostic::error(
                    rules::UNSUPPORTED,
                    format!(
                        "metric {} has type `{}`, which the controller cannot compute",
                        i,
                        m.source_type.as_str()
                    ),
                )
                .at_opt(loc)
                .field(format!("spec.metrics[{i}]"))
                .help("use one of Resource, ContainerResource, Pods, Object, External"),
            );
            continue;
        };
        let is_value = matches!(
            m.source_type,
            MetricSourceType::Object | MetricSourceType::External
        );
        if is_value && queue_metric == Some(name.as_str()) {
            feeds.push(MetricFeed {
                name,
                source: m.source_type.clone(),
                feed: Feed::Backlog,
            });
            continue;
        }
        let Some(column) = trace.column(&name) else {
            let closed_hint = if is_value && queue_metric.is_some() {
                format!(", or name it with --queue-metric {name} so the backlog feeds it")
            } else {
                String::new()
            };
            problems.push(
                Diagnostic::error(
                    rules::UNFED_METRIC,
                    format!("metric `{}` has no column `{name}` in {trace_file}", m.display_name()),
                )
                .at_opt(loc)
                .field(format!("spec.metrics[{i}]"))
                .help(format!("add a column `{name}` to the trace{closed_hint}; see `scaleplan simulate --help` for what its values mean")),
            );
            continue;
        };
        used[column] = true;
        let feed = match m.source_type {
            MetricSourceType::Object | MetricSourceType::External => Feed::Value { column },
            MetricSourceType::Pods => Feed::Shared {
                column,
                kind: SharedKind::PodsMetric {
                    name: m
                        .pods
                        .as_ref()
                        .map(|p| p.metric.name.clone())
                        .unwrap_or_default(),
                },
            },
            _ => {
                let (resource, container, target) = match (&m.resource, &m.container_resource) {
                    (Some(r), _) if m.source_type == MetricSourceType::Resource => {
                        (r.name.clone(), None, &r.target)
                    }
                    (_, Some(c)) => (c.name.clone(), Some(c.container.clone()), &c.target),
                    _ => unreachable!("column_name returned a name"),
                };
                // The controller picks the path by the field that is set (§6.9).
                let utilization = target.average_value_milli.is_none();
                Feed::Shared {
                    column,
                    kind: SharedKind::Resource {
                        resource,
                        container,
                        utilization,
                    },
                }
            }
        };
        feeds.push(MetricFeed {
            name,
            source: m.source_type.clone(),
            feed,
        });
    }
    if let Some(q) = queue_metric
        && !feeds.iter().any(|f| f.feed == Feed::Backlog)
    {
        problems.push(
            Diagnostic::error(
                rules::CLOSED_LOOP,
                format!("--queue-metric `{q}` is not an Object or External metric of this HPA"),
            )
            .help("name the Object/External metric that reports the queue length"),
        );
    }
    mixed_resource_paths(hpa, metric_locations, &mut problems);
    // What the columns could be called, for the hint.
    let mut expected: Vec<String> = feeds
        .iter()
        .filter(|f| f.feed != Feed::Backlog)
        .map(|f| f.name.clone())
        .collect();
    if queue_metric.is_some() {
        expected.insert(0, ARRIVALS.to_string());
    }
    let backlog_note = match queue_metric {
        Some(q) => format!(" (`{q}` comes from the simulated backlog, not from the trace)"),
        None => String::new(),
    };
    for (c, used) in trace.columns.iter().zip(used) {
        if !used {
            problems.push(
                Diagnostic::error(
                    rules::UNUSED_COLUMN,
                    format!("no metric of the HPA uses column `{}`", c.name),
                )
                .at(Location::point(trace_file, c.line, c.col))
                .help(format!(
                    "this HPA reads the columns: {}{backlog_note}; remove the column or fix its name",
                    expected.join(", ")
                )),
            );
        }
    }
    if problems.is_empty() {
        Ok(feeds)
    } else {
        Err(problems)
    }
}

/// A Resource and a ContainerResource metric on the same resource would need
/// a split of the pod's usage between containers that a trace cannot state.
fn mixed_resource_paths(
    hpa: &HpaSpec,
    locations: &[Option<Location>],
    problems: &mut Vec<Diagnostic>,
) {
    for (i, m) in hpa.metrics.iter().enumerate() {
        let Some(c) = &m.container_resource else {
            continue;
        };
        if m.source_type != MetricSourceType::ContainerResource {
            continue;
        }
        let clash = hpa.metrics.iter().any(|o| {
            o.source_type == MetricSourceType::Resource
                && o.resource.as_ref().is_some_and(|r| r.name == c.name)
        });
        if clash {
            problems.push(
                Diagnostic::error(
                    rules::UNSUPPORTED,
                    format!("the simulator cannot drive both a Resource and a ContainerResource metric on `{}`", c.name),
                )
                .at_opt(locations.get(i).cloned().flatten())
                .field(format!("spec.metrics[{i}]"))
                .help("simulate one of the two: they read the same usage split differently"),
            );
        }
    }
}

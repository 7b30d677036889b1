//! ## What it does
//! Checks Object and External metrics whose name says they count a backlog
//! (queue length, lag, pending or visible messages, depth) for a target of
//! type `Value`, in every HPA version; and KEDA triggers of queue scalers
//! (RabbitMQ, Redis lists and streams, Kafka, SQS, Service Bus, Pub/Sub, ...)
//! with `metricType: Value`, which KEDA turns into the same External `Value`
//! target.
//!
//! ## Why is this bad?
//! `Value` means "the metric should equal the target at the current size":
//! the controller proposes `ceil(readyPods × metric / target)`. A backlog is
//! a total that does not fall because pods were added in the last 15 s, so
//! each sync multiplies the replica count again, up to `maxReplicas`; when
//! the queue empties it collapses to `minReplicas`. With `AverageValue` the
//! proposal is `ceil(metric / target)` ("one replica per N queued items"),
//! independent of the current size. The Kubernetes walkthrough's own queue
//! example uses `AverageValue`.
//!
//! Example: 5 ready pods, queue 1000, target 100: `Value` proposes 50,
//! `AverageValue` 10.
//!
//! ## Example
//! ```yaml
//! - type: Object
//!   object:
//!     metric: {name: celery_queue_length}
//!     target: {type: Value, value: "30"}
//! ```
//!
//! Use instead:
//! ```yaml
//! - type: External
//!   external:
//!     metric: {name: celery_queue_length, selector: {matchLabels: {queue_name: celery}}}
//!     target: {type: AverageValue, averageValue: "30"}
//! ```
//!
//! ## References
//! - hpa-algorithm.md §6.5, §6.7, §15.4
//! - <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/#autoscaling-on-metrics-not-related-to-kubernetes-objects>

use crate::pointer::Member;
use super::hpa_shape::metric_name;
use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "HPA007",
    name: "queue-metric-value-target",
    severity: Severity::Warning,
    enabled: true,
    summary: "A queue-like Object/External metric has a Value target, which escalates with the replica count",
    check: Check::Document(check),
};

/// Words that mark a metric as a backlog: a total of waiting work.
const BACKLOG_WORDS: [&str; 10] = [
    "queue",
    "backlog",
    "lag",
    "pending",
    "messages",
    "depth",
    "waiting",
    "outstanding",
    "unacked",
    "enqueued",
];

pub(crate) fn is_backlog(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        BACKLOG_WORDS
            .iter()
            .any(|b| w == *b || (w.starts_with(b) && w.len() <= b.len() + 1))
    })
}

/// KEDA scalers whose metric is a backlog.
const QUEUE_SCALERS: [&str; 16] = [
    "rabbitmq",
    "redis",
    "redis-cluster",
    "redis-sentinel",
    "redis-streams",
    "redis-cluster-streams",
    "redis-sentinel-streams",
    "kafka",
    "apache-kafka",
    "aws-sqs-queue",
    "azure-queue",
    "azure-servicebus",
    "gcp-pubsub",
    "nats-jetstream",
    "activemq",
    "artemis-queue",
];

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() == ObjectKind::ScaledObject {
        check_keda(ctx, out);
        return;
    }
    if ctx.kind() != ObjectKind::HorizontalPodAutoscaler {
        return;
    }
    let hpa = ctx.hpa();
    for (i, m) in hpa.metrics().iter().enumerate() {
        let Some((block, name)) = metric_name(m) else {
            continue;
        };
        if block == "pods" || !is_backlog(name) {
            continue;
        }
        let target = m.member(block).and_then(|b| b.member("target"));
        let uses_value = match block {
            // Object: the type chooses; External: a set averageValue wins.
            "object" => target.and_then(|t| t.member("type")).and_then(Value::as_str) == Some("Value"),
            _ => {
                target.is_some_and(|t| t.member("averageValue").is_none() && t.member("value").is_some())
            }
        };
        if !uses_value {
            continue;
        }
        let v2 = format!("/spec/metrics/{i}/{block}/target/value");
        let pointer = hpa.source_pointer(&v2);
        let value = target
            .and_then(|t| t.member("value"))
            .map(display)
            .unwrap_or_default();
        out.push(
            ctx.value_finding(
                &pointer,
                format!(
                    "{name} counts a backlog, but its target is a Value ({value}): the HPA proposes ready pods × {name} / {value}, which keeps multiplying while the backlog drains and runs to maxReplicas"
                ),
            )
            .help(format!("use target: {{type: AverageValue, averageValue: \"{value}\"}} (one replica per {value} items)")),
        );
    }
}

fn check_keda(ctx: &DocumentContext<'_>, out: &mut Findings) {
    let Some(Value::Array(triggers)) = ctx.get("/spec/triggers") else {
        return;
    };
    for (i, t) in triggers.iter().enumerate() {
        let Some(kind) = t.member("type").and_then(Value::as_str) else {
            continue;
        };
        if !QUEUE_SCALERS.contains(&kind)
            || t.member("metricType").and_then(Value::as_str) != Some("Value")
        {
            continue;
        }
        out.push(
            ctx.value_finding(
                &format!("/spec/triggers/{i}/metricType"),
                format!("the {kind} trigger measures a backlog, but metricType Value makes KEDA's HPA propose ready pods × backlog / target, which keeps multiplying while the backlog drains and runs to maxReplicaCount"),
            )
            .help("remove metricType (AverageValue, the default: one replica per target items)"),
        );
    }
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backlog_names() {
        for n in [
            "celery_queue_length",
            "sqs_messages_visible",
            "kafka_consumergroup_lag",
            "queue_messages_ready",
            "jobs_pending",
            "rabbitmq_queue_messages",
        ] {
            assert!(super::is_backlog(n), "{n}");
        }
        for n in [
            "p95_latency_seconds",
            "http_requests_per_second",
            "cpu_usage",
            "language_count",
        ] {
            assert!(!super::is_backlog(n), "{n}");
        }
    }
}

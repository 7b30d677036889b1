//! The queue part: a positive backlog target, at least one queue, the broker
//! as a Secret reference without inline credentials, a pinned exporter image,
//! a valid port and Prometheus URL.

use super::Ctx;
use super::ids::*;
use super::targets::quantity;
use crate::model::QueueSpec;
use scaleplan_diag::Diagnostic;

pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Diagnostic>) {
    let Some(q) = &ctx.profile.spec.queue else {
        return;
    };
    let ptr = "/spec/queue/backlogPerReplica";
    if let Some(v) = quantity(ctx, ptr, &q.backlog_per_replica, out)
        && v <= 0.0
    {
        out.push(
            ctx.value_error(QUEUE_TARGET, ptr, format!("backlogPerReplica is {}: expected a quantity greater than 0", q.backlog_per_replica))
                .help("the number of queued tasks one replica should take on, e.g. 30; replicas = ceil(backlog / backlogPerReplica)"),
        );
    }
    queues(ctx, q, out);
    broker(ctx, q, out);
    if let Some(e) = &q.exporter {
        if let Some(image) = &e.image
            && let Some(why) = unpinned(image)
        {
            out.push(
                ctx.value_error(EXPORTER_IMAGE_UNPINNED, "/spec/queue/exporter/image", format!("exporter image `{image}` {why}: expected a pinned tag or digest"))
                    .help("pin a version such as `danihodovic/celery-exporter:0.12.2` so that metric names and flags cannot change under you"),
            );
        }
        if let Some(port) = e.port
            && !(1..=65535).contains(&port)
        {
            out.push(
                ctx.value_error(
                    EXPORTER_PORT,
                    "/spec/queue/exporter/port",
                    format!("port is {port}: expected 1 to 65535"),
                )
                .help("danihodovic/celery-exporter listens on 9808 by default"),
            );
        }
        if let Some(r) = &e.resources {
            let base = "/spec/queue/exporter/resources";
            for (part, list) in [("requests", &r.requests), ("limits", &r.limits)] {
                for (n, v) in [("cpu", &list.cpu), ("memory", &list.memory)] {
                    if let Some(v) = v {
                        quantity(ctx, &format!("{base}/{part}/{n}"), v, out);
                    }
                }
            }
        }
    }
    if let Some(url) = q.prometheus.as_ref().and_then(|p| p.url.as_ref()) {
        let host = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .map(|r| r.split(['/', ':']).next().unwrap_or(""));
        if host.is_none_or(str::is_empty) {
            out.push(
                ctx.value_error(PROMETHEUS_URL, "/spec/queue/prometheus/url", format!("`{url}` is not an http(s) URL with a host: expected e.g. `http://prometheus-operated.monitoring.svc:9090`"))
                    .help("give the URL prometheus-adapter uses to reach Prometheus, or remove it to derive it from the stack and release"),
            );
        }
    }
    if let Some(name) = q.metric.as_ref().and_then(|m| m.name.as_ref()) {
        let ok = name.bytes().enumerate().all(|(i, b)| {
            b.is_ascii_alphabetic() || b == b'_' || b == b':' || (i > 0 && b.is_ascii_digit())
        });
        if name.is_empty() || !ok {
            out.push(
                ctx.value_error(INVALID_VALUE, "/spec/queue/metric/name", format!("metric name `{name}` is not a Prometheus metric name: expected [a-zA-Z_:][a-zA-Z0-9_:]*"))
                    .help("the default `celery_queue_length` is what danihodovic/celery-exporter exposes"),
            );
        }
    }
}

fn queues(ctx: &Ctx<'_, '_>, q: &QueueSpec, out: &mut Vec<Diagnostic>) {
    if q.queues.is_empty() {
        out.push(
            ctx.value_error(NO_QUEUE, "/spec/queue/queues", "no queue listed: expected at least one Celery queue name")
                .help("list the queues the workload consumes, e.g. `queues: [celery]` (Celery's default queue)"),
        );
    }
    for (i, name) in q.queues.iter().enumerate() {
        let ptr = format!("/spec/queue/queues/{i}");
        if name.trim().is_empty() {
            out.push(
                ctx.value_error(
                    NO_QUEUE,
                    &ptr,
                    "empty queue name: expected a Celery queue name",
                )
                .help("remove the entry or name the queue"),
            );
        } else if q.queues[..i].contains(name) {
            out.push(
                ctx.value_error(
                    DUPLICATE_METRIC,
                    &ptr,
                    format!("queue `{name}` is listed twice: expected each queue once"),
                )
                .help("remove the duplicate entry"),
            );
        }
    }
}

fn broker(ctx: &Ctx<'_, '_>, q: &QueueSpec, out: &mut Vec<Diagnostic>) {
    let b = &q.broker;
    let base = "/spec/queue/broker";
    if let Some(url) = &b.url
        && let Some(what) = credentials(url)
    {
        out.push(
            ctx.value_error(INLINE_CREDENTIALS, &format!("{base}/url"), format!("the broker URL carries {what} inline: expected a Secret reference"))
                .help("store the URL in a Secret (`kubectl create secret generic celery-broker --from-literal=url=...`) and write `broker: {secretName: celery-broker, key: url}`"),
        );
    }
    let problem = match (&b.secret_name, &b.key, &b.url) {
        (Some(_), Some(_), None) | (None, None, Some(_)) => None,
        (Some(_), None, None) => Some((
            "key",
            "the Secret reference has no `key`: expected `secretName` and `key`",
        )),
        (None, Some(_), None) => Some((
            "key",
            "the Secret reference has no `secretName`: expected `secretName` and `key`",
        )),
        (None, None, None) => Some((
            "",
            "no broker: expected `secretName` and `key` of the Secret holding the broker URL",
        )),
        _ => Some((
            "url",
            "both a Secret reference and a `url`: expected one of them",
        )),
    };
    if let Some((field, msg)) = problem {
        let ptr = if field.is_empty() || !ctx.written(&format!("{base}/{field}")) {
            base.to_string()
        } else {
            format!("{base}/{field}")
        };
        out.push(
            ctx.error(BROKER_REFERENCE, &ptr, msg)
                .help("write `broker: {secretName: <secret>, key: <key>}`; a plain `url` is accepted only for a broker without a password"),
        );
    }
}

/// What credentials a URL carries in its userinfo, if any.
fn credentials(url: &str) -> Option<&'static str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (userinfo, _) = authority.rsplit_once('@')?;
    match userinfo.split_once(':') {
        Some((_, pw)) if !pw.is_empty() => Some("a password"),
        _ if !userinfo.is_empty() => Some("a user name"),
        _ => None,
    }
}

/// Why an image reference is not pinned, if it is not.
fn unpinned(image: &str) -> Option<&'static str> {
    if image.contains('@') {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => Some("has no tag (it means `:latest`)"),
        Some((_, "latest")) => Some("uses `:latest`"),
        Some((_, "")) => Some("has an empty tag"),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_credentials() {
        assert_eq!(
            credentials("redis://:s3cret@redis:6379/0"),
            Some("a password")
        );
        assert_eq!(credentials("amqp://user:pw@rabbit/"), Some("a password"));
        assert_eq!(credentials("redis://redis-service:6379/0"), None);
    }

    #[test]
    fn image_pinning() {
        assert!(unpinned("danihodovic/celery-exporter").is_some());
        assert!(unpinned("danihodovic/celery-exporter:latest").is_some());
        assert!(unpinned("registry:5000/celery-exporter").is_some());
        assert!(unpinned("danihodovic/celery-exporter:0.12.2").is_none());
        assert!(unpinned("x/y@sha256:abc").is_none());
    }
}

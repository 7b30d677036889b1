//! Names, namespaces, labels and annotations as Kubernetes validates them
//! (apimachinery `validation.IsDNS1123Label`, `IsDNS1123Subdomain`,
//! `IsDNS1035Label`, `IsQualifiedName`, `IsValidLabelValue`), including the
//! length of the names we generate from them.

use super::Ctx;
use super::ids::*;
use crate::names::{CRONJOB_NAME_MAX, DNS_LABEL_MAX, DNS_SUBDOMAIN_MAX};
use scaleplan_diag::Diagnostic;

fn label_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
}

/// Why `s` is not a DNS-1123 label (lowercase alphanumerics and `-`, at most 63).
pub fn dns1123_label(s: &str) -> Option<String> {
    if s.is_empty() {
        Some("is empty".into())
    } else if s.len() > DNS_LABEL_MAX {
        Some(format!(
            "is {} characters long (at most {DNS_LABEL_MAX})",
            s.len()
        ))
    } else if !label_chars(s) {
        Some("must consist of lowercase letters, digits and `-`, and start and end with a letter or digit".into())
    } else {
        None
    }
}

/// Why `s` is not a DNS-1123 label that starts with a letter (Service names).
pub fn dns1035_label(s: &str) -> Option<String> {
    dns1123_label(s).or_else(|| {
        (!s.starts_with(|c: char| c.is_ascii_lowercase()))
            .then(|| "must start with a lowercase letter (it names a Service)".into())
    })
}

/// Why `s` is not a DNS-1123 subdomain (dot-separated labels, at most 253).
pub fn dns1123_subdomain(s: &str) -> Option<String> {
    if s.is_empty() {
        Some("is empty".into())
    } else if s.len() > DNS_SUBDOMAIN_MAX {
        Some(format!(
            "is {} characters long (at most {DNS_SUBDOMAIN_MAX})",
            s.len()
        ))
    } else if !s.split('.').all(label_chars) {
        Some("must consist of lowercase letters, digits, `-` and `.`, and start and end with a letter or digit".into())
    } else {
        None
    }
}

fn qualified_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
}

/// Why `k` is not a valid label or annotation key (`[prefix/]name`).
pub fn qualified_name(k: &str) -> Option<String> {
    let (prefix, name) = match k.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    if let Some(p) = prefix
        && let Some(why) = dns1123_subdomain(p)
    {
        return Some(format!("has a prefix `{p}` that {why}"));
    }
    (!qualified_part(name)).then(|| {
        "must be at most 63 characters of letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit (optionally after a DNS prefix and `/`)".into()
    })
}

/// Why `v` is not a valid label value (empty, or a qualified-name part).
pub fn label_value(v: &str) -> Option<String> {
    (!v.is_empty() && !qualified_part(v)).then(|| {
        "must be empty or at most 63 characters of letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit".into()
    })
}

pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Diagnostic>) {
    let p = ctx.profile;
    let mut name = |ptr: &str, what: &str, why: Option<String>, help: &str| {
        if let Some(why) = why {
            out.push(
                ctx.value_error(INVALID_NAME, ptr, format!("{what} {why}"))
                    .help(help.to_string()),
            );
        }
    };
    let m = &p.metadata.name;
    name(
        "/metadata/name",
        &format!("profile name `{m}`"),
        dns1123_label(m),
        "use a DNS-1123 label such as `celery-worker`; it prefixes generated names",
    );
    if let Some(h) = &p.spec.hpa_name {
        name(
            "/spec/hpaName",
            &format!("HPA name `{h}`"),
            dns1123_subdomain(h),
            "use lowercase letters, digits and `-`",
        );
    }
    let w = &p.spec.workload.name;
    name(
        "/spec/workload/name",
        &format!("workload name `{w}`"),
        dns1123_subdomain(w),
        "use the Deployment's or StatefulSet's `metadata.name`",
    );
    for (i, c) in p.spec.workload.containers.iter().enumerate() {
        name(
            &format!("/spec/workload/containers/{i}/name"),
            &format!("container name `{}`", c.name),
            dns1123_label(&c.name),
            "use the container's name from the pod template",
        );
    }
    if let Some(q) = &p.spec.queue {
        if let Some(s) = &q.broker.secret_name {
            name(
                "/spec/queue/broker/secretName",
                &format!("Secret name `{s}`"),
                dns1123_subdomain(s),
                "use the `metadata.name` of the Secret",
            );
        }
        if let Some(k) = &q.broker.key {
            let bad = k.is_empty()
                || k.len() > 253
                || !k
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            name(
                "/spec/queue/broker/key",
                &format!("Secret key `{k}`"),
                bad.then(|| "must consist of letters, digits, `-`, `_` and `.`".into()),
                "use the key under the Secret's `data`",
            );
        }
        if let Some(e) = q.exporter.as_ref().and_then(|e| e.name.as_ref()) {
            name(
                "/spec/queue/exporter/name",
                &format!("exporter name `{e}`"),
                dns1035_label(e),
                "use a DNS-1035 label such as `celery-exporter`",
            );
        }
        if let Some(r) = q.prometheus.as_ref().and_then(|p| p.release.as_ref()) {
            name(
                "/spec/queue/prometheus/release",
                &format!("Helm release name `{r}`"),
                dns1123_label(r),
                "use the release name given to `helm install`",
            );
        }
    }
    if let Some(s) = &p.spec.schedule {
        for (i, win) in s.windows.iter().enumerate() {
            name(
                &format!("/spec/schedule/windows/{i}/name"),
                &format!("window name `{}`", win.name),
                dns1123_label(&win.name),
                "use a DNS-1123 label such as `business-hours`; it is part of the CronJob names",
            );
        }
    }

    let mut ns = |ptr: &str, v: &str| {
        if let Some(why) = dns1123_label(v) {
            out.push(
                ctx.value_error(INVALID_NAMESPACE, ptr, format!("namespace `{v}` {why}"))
                    .help("namespaces are DNS-1123 labels, e.g. `fastapi-k8-proto`"),
            );
        }
    };
    ns("/metadata/namespace", &p.metadata.namespace);
    if let Some(n) = p
        .spec
        .queue
        .as_ref()
        .and_then(|q| q.prometheus.as_ref())
        .and_then(|p| p.namespace.as_ref())
    {
        ns("/spec/queue/prometheus/namespace", n);
    }

    for (k, v) in &p.metadata.labels {
        let ptr = format!(
            "/metadata/labels/{}",
            k.replace('~', "~0").replace('/', "~1")
        );
        if let Some(why) = qualified_name(k) {
            out.push(
                ctx.error(INVALID_LABEL, &ptr, format!("label key `{k}` {why}"))
                    .help("label keys look like `app.kubernetes.io/part-of`"),
            );
        }
        if let Some(why) = label_value(v) {
            out.push(
                ctx.value_error(INVALID_LABEL, &ptr, format!("label value `{v}` {why}"))
                    .help("shorten the value or move it to an annotation"),
            );
        }
    }
    for k in p.metadata.annotations.keys() {
        let ptr = format!(
            "/metadata/annotations/{}",
            k.replace('~', "~0").replace('/', "~1")
        );
        if let Some(why) = qualified_name(k) {
            out.push(
                ctx.error(INVALID_LABEL, &ptr, format!("annotation key `{k}` {why}"))
                    .help("annotation keys follow the label-key rules"),
            );
        }
    }
    if let Some(q) = &p.spec.queue {
        for (i, name) in q.queues.iter().enumerate() {
            if !name.is_empty()
                && let Some(why) = label_value(name)
            {
                out.push(
                    ctx.value_error(INVALID_LABEL, &format!("/spec/queue/queues/{i}"), format!("queue name `{name}` {why}"))
                        .help("the queue name becomes a `queue_name` label selector value of the HPA metric"),
                );
            }
        }
    }
    generated(ctx, out);
}

/// Names we build from the user's: CronJobs (52), the exporter Service (63).
fn generated(ctx: &Ctx<'_, '_>, out: &mut Vec<Diagnostic>) {
    let r = ctx.resolved;
    for (i, w) in r.schedule.iter().enumerate() {
        let longest = &w.start_job_name;
        if longest.len() > CRONJOB_NAME_MAX {
            out.push(
                ctx.value_error(
                    GENERATED_NAME_TOO_LONG,
                    &format!("/spec/schedule/windows/{i}/name"),
                    format!(
                        "the generated CronJob name `{longest}` is {} characters: expected at most {CRONJOB_NAME_MAX}",
                        longest.len()
                    ),
                )
                .help(format!(
                    "CronJobs are named `<profile>-<window>-start`; shorten the window name (to at most {} characters) or the profile name",
                    CRONJOB_NAME_MAX.saturating_sub(r.name.len() + "--start".len())
                )),
            );
        }
    }
    if let Some(q) = &r.queue
        && ctx
            .profile
            .spec
            .queue
            .as_ref()
            .and_then(|q| q.exporter.as_ref())
            .and_then(|e| e.name.as_ref())
            .is_none()
        && dns1123_label(&r.name).is_none()
        && let Some(why) = dns1035_label(&q.exporter.name)
    {
        out.push(
            ctx.value_error(
                GENERATED_NAME_TOO_LONG,
                "/metadata/name",
                format!(
                    "the generated exporter Service name `{}` {why}",
                    q.exporter.name
                ),
            )
            .help("set `queue.exporter.name` to a short name such as `celery-exporter`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_name_rules() {
        assert!(dns1123_label("fastapi-k8-proto").is_none());
        assert!(dns1123_label("Fastapi").is_some());
        assert!(dns1123_label("-a").is_some());
        assert!(dns1123_label(&"a".repeat(64)).is_some());
        assert!(dns1123_subdomain("a.b-c").is_none());
        assert!(dns1035_label("9a").is_some());
        assert!(qualified_name("app.kubernetes.io/name").is_none());
        assert!(qualified_name("Bad Key").is_some());
        assert!(label_value("").is_none());
        assert!(label_value("a b").is_some());
    }
}

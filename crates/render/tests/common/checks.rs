//! Our own checks of a render's objects: what must hold for every profile
//! that validates. Returns every violation, not just the first.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{Service, ServiceAccount};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use scaleplan_hpa::{FeatureGates, validate};
use scaleplan_profile::LoadedProfile;
use scaleplan_render::adapter::AdapterValues;
use scaleplan_render::adapter_query::{external_query, object_query};
use scaleplan_render::writer::is_generated;
use scaleplan_render::{Artifact, ArtifactKind};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn docs<T: DeserializeOwned>(a: &Artifact) -> Vec<T> {
    serde_saphyr::from_multiple(&a.contents)
        .unwrap_or_else(|e| panic!("{} does not parse back: {e}", a.path))
}

fn find<'a>(artifacts: &'a [Artifact], dir: &str, file: &str) -> Option<&'a Artifact> {
    artifacts.iter().find(|a| a.path == format!("{dir}/{file}"))
}

fn dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Checks the artifacts of one profile (rendered alone).
pub fn check(p: &LoadedProfile, artifacts: &[Artifact]) -> Vec<String> {
    let mut v = Vec::new();
    let r = &p.resolved;
    let dir = format!("{}/{}", r.namespace, r.name);
    for a in artifacts {
        if !is_generated(&a.contents) {
            v.push(format!("{}: no header", a.path));
        }
        if matches!(a.kind, ArtifactKind::Manifest | ArtifactKind::HelmValues) {
            // Every YAML artifact reads back as YAML.
            let _: Vec<Value> = docs(a);
        }
    }
    // The HPA passes the API server's validation (hpa-algorithm.md §12).
    let hpa_file = find(artifacts, &dir, "horizontalpodautoscaler.yaml").expect("an HPA");
    let hpas: Vec<HorizontalPodAutoscaler> = docs(hpa_file);
    let hpa = &hpas[0];
    let gates = FeatureGates {
        hpa_scale_to_zero: r.queue.as_ref().is_some_and(|q| q.scale_to_zero),
        hpa_configurable_tolerance: true,
    };
    match scaleplan_hpa::from_k8s::hpa_spec_from_k8s(hpa) {
        Ok(spec) => {
            for e in validate(&spec, None, &gates) {
                v.push(format!(
                    "HPA fails API validation: {}: {}",
                    e.field, e.message
                ));
            }
        }
        Err(e) => v.push(format!("HPA does not convert: {e:?}")),
    }
    if hpa.metadata.name.as_deref() != Some(r.hpa_name.as_str()) {
        v.push("HPA name differs from the resolved one".into());
    }
    if let Some(q) = &r.queue {
        check_queue(&mut v, artifacts, &dir, hpa, q, &r.namespace);
    }
    if !r.schedule.is_empty() {
        check_schedule(&mut v, artifacts, &dir, &r.hpa_name, &r.scheduler_name);
    }
    lint(&mut v, artifacts, scaleplan_diag::Severity::Error);
    v
}

/// Our linter finds nothing at `at_least` or above in what we render
/// (manifests and adapter values, linted together for cross-object rules).
/// Errors for any valid profile; the examples are also warning-free, but a
/// valid profile may still earn a warning for a choice its author made
/// (e.g. minReplicas == maxReplicas).
pub fn lint(v: &mut Vec<String>, artifacts: &[Artifact], at_least: scaleplan_diag::Severity) {
    let inputs: Vec<scaleplan_lint::Input> = artifacts
        .iter()
        .filter(|a| matches!(a.kind, ArtifactKind::Manifest | ArtifactKind::HelmValues))
        .map(|a| scaleplan_lint::Input::Text {
            name: a.path.clone(),
            text: a.contents.clone(),
        })
        .collect();
    let options = scaleplan_lint::LintOptions {
        jobs: 1,
        ..Default::default()
    };
    for d in scaleplan_lint::lint(&inputs, &options).diagnostics {
        if d.severity >= at_least {
            v.push(format!(
                "lint {} {}: {} ({})",
                d.rule,
                d.severity,
                d.message,
                d.location.map(|l| l.to_string()).unwrap_or_default()
            ));
        }
    }
}

fn check_queue(
    v: &mut Vec<String>,
    artifacts: &[Artifact],
    dir: &str,
    hpa: &HorizontalPodAutoscaler,
    q: &scaleplan_profile::ResolvedQueue,
    namespace: &str,
) {
    let dep: Vec<Deployment> = docs(find(artifacts, dir, "deployment.yaml").unwrap());
    let svc: Vec<Service> = docs(find(artifacts, dir, "service.yaml").unwrap());
    let values: AdapterValues = serde_saphyr::from_str(
        &find(artifacts, dir, "prometheus-adapter-values.yaml")
            .unwrap()
            .contents,
    )
    .unwrap();
    let pod = dep[0]
        .spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap();
    let c = &pod.containers[0];
    let port = c.ports.as_ref().unwrap()[0].clone();
    let env: Vec<(String, Option<String>)> = c
        .env
        .as_ref()
        .unwrap()
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect();
    if !env.contains(&("CE_PORT".into(), Some(port.container_port.to_string()))) {
        v.push("exporter does not listen on its container port (CE_PORT)".into());
    }
    if !env.contains(&("CE_QUEUES".into(), Some(q.queues.join(",")))) {
        v.push("exporter does not always report the HPA's queues (CE_QUEUES)".into());
    }
    let broker = c
        .env
        .as_ref()
        .unwrap()
        .iter()
        .find(|e| e.name == "CE_BROKER_URL");
    if broker.is_none() {
        v.push("exporter has no CE_BROKER_URL".into());
    }
    let sp = &svc[0].spec.as_ref().unwrap().ports.as_ref().unwrap()[0];
    if sp.port != port.container_port || sp.name != port.name {
        v.push("Service port differs from the exporter's".into());
    }
    let svc_labels = svc[0].metadata.labels.clone().unwrap_or_default();
    let selector = svc[0]
        .spec
        .as_ref()
        .unwrap()
        .selector
        .clone()
        .unwrap_or_default();
    let pod_labels = dep[0]
        .spec
        .as_ref()
        .unwrap()
        .template
        .metadata
        .as_ref()
        .unwrap()
        .labels
        .clone()
        .unwrap();
    if !selector
        .iter()
        .all(|(k, val)| pod_labels.get(k) == Some(val))
    {
        v.push("Service selector does not select the exporter pods".into());
    }
    if let Some(sm) = find(artifacts, dir, "servicemonitor.yaml") {
        let sm: Vec<Value> = docs(sm);
        let sel = &sm[0]["spec"]["selector"]["matchLabels"];
        let ok = sel
            .as_object()
            .unwrap()
            .iter()
            .all(|(k, val)| svc_labels.get(k).map(String::as_str) == val.as_str());
        if !ok {
            v.push("ServiceMonitor does not select the exporter Service".into());
        }
        if sm[0]["spec"]["endpoints"][0]["port"].as_str() != sp.name.as_deref() {
            v.push("ServiceMonitor endpoint port is not the Service port name".into());
        }
        if sm[0]["metadata"]["labels"]["release"].as_str() != Some(q.prometheus.release.as_str()) {
            v.push("ServiceMonitor lacks the release label kube-prometheus-stack selects".into());
        }
    } else if svc[0]
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("prometheus.io/port"))
        != Some(&sp.port.to_string())
    {
        v.push("community stack: Service lacks prometheus.io/port".into());
    }
    // The HPA's metric is exactly the one the rule serves.
    let spec = hpa.spec.as_ref().unwrap();
    let m = spec.metrics.as_ref().unwrap().last().unwrap();
    let (rules, metric, described) = match m.type_.as_str() {
        "External" => (
            &values.rules.external,
            &m.external.as_ref().unwrap().metric,
            None,
        ),
        "Object" => {
            let o = m.object.as_ref().unwrap();
            (
                &values.rules.custom,
                &o.metric,
                Some(o.described_object.clone()),
            )
        }
        t => {
            v.push(format!("queue metric has type {t}"));
            return;
        }
    };
    let target = match m.type_.as_str() {
        "External" => &m.external.as_ref().unwrap().target,
        _ => &m.object.as_ref().unwrap().target,
    };
    if target.type_ != "AverageValue"
        || target.average_value.as_ref().map(|q| q.0.as_str())
            != Some(q.backlog_per_replica.0.as_str())
    {
        v.push("queue target is not AverageValue backlogPerReplica".into());
    }
    if rules.len() != 1
        || values.rules.default
        || values.rules.custom.len() + values.rules.external.len() != 1
    {
        v.push(
            "adapter values must hold exactly one rule, in the list the metric type reads".into(),
        );
        return;
    }
    let rule = &rules[0];
    if rule.name.as_ != metric.name {
        v.push(format!(
            "adapter serves {} but the HPA asks for {}",
            rule.name.as_, metric.name
        ));
    }
    if !rule.series_query.starts_with(&format!("{}{{", metric.name)) {
        v.push("seriesQuery selects another metric".into());
    }
    if !rule.resources.overrides.contains_key("namespace") {
        v.push("adapter rule does not map namespace".into());
    }
    let requirements = scaleplan_render::hpa::QueueSelector {
        label: "queue_name".into(),
        queues: q.queues.clone(),
    }
    .requirements();
    let query = match &described {
        None => external_query(rule, &metric.name, namespace, &requirements),
        Some(d) => {
            if d.kind != "Service" || Some(&d.name) != svc[0].metadata.name.as_ref() {
                v.push("Object metric does not describe the exporter Service".into());
            }
            if !rule.resources.overrides.contains_key("service") {
                v.push("Object rule does not map service".into());
            }
            object_query(
                rule,
                &metric.name,
                namespace,
                "service",
                &d.name,
                &requirements,
            )
        }
    };
    if let Err(e) = promql_parser::parser::parse(&query) {
        v.push(format!("adapter query does not parse: {query}: {e}"));
    }
    if let Err(e) = promql_parser::parser::parse(&rule.series_query) {
        v.push(format!("seriesQuery does not parse: {e}"));
    }
    let url = &values.prometheus.url;
    if !(url.starts_with("http://") || url.starts_with("https://"))
        || url
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
    {
        v.push(format!(
            "prometheus.url must have a scheme and no port: {url}"
        ));
    }
}

fn check_schedule(
    v: &mut Vec<String>,
    artifacts: &[Artifact],
    dir: &str,
    hpa: &str,
    sa_name: &str,
) {
    let jobs: Vec<CronJob> = docs(find(artifacts, dir, "cronjob.yaml").unwrap());
    let sa: Vec<ServiceAccount> = docs(find(artifacts, dir, "serviceaccount.yaml").unwrap());
    let role: Vec<Role> = docs(find(artifacts, dir, "role.yaml").unwrap());
    let rb: Vec<RoleBinding> = docs(find(artifacts, dir, "rolebinding.yaml").unwrap());
    if sa[0].metadata.name.as_deref() != Some(sa_name) {
        v.push("ServiceAccount name".into());
    }
    let rules = role[0].rules.as_ref().unwrap();
    if rules.len() != 1
        || rules[0].resource_names.as_deref() != Some(&[hpa.to_string()][..])
        || rules[0].verbs != ["get", "patch"]
        || rules[0].resources.as_deref() != Some(&["horizontalpodautoscalers".to_string()][..])
    {
        v.push("Role is not limited to get/patch on the HPA".into());
    }
    let subj = &rb[0].subjects.as_ref().unwrap()[0];
    if subj.name != sa_name || rb[0].role_ref.name != role[0].metadata.name.clone().unwrap() {
        v.push("RoleBinding does not bind the Role to the ServiceAccount".into());
    }
    for j in &jobs {
        let name = j.metadata.name.clone().unwrap();
        if name.len() > 52 || !dns_label(&name) {
            v.push(format!("CronJob name {name} is not a valid CronJob name"));
        }
        let spec = j.spec.as_ref().unwrap();
        if spec.concurrency_policy.as_deref() != Some("Forbid")
            || spec.starting_deadline_seconds.is_none()
        {
            v.push(format!("{name}: concurrencyPolicy/startingDeadlineSeconds"));
        }
        let job = spec.job_template.spec.as_ref().unwrap();
        if job.ttl_seconds_after_finished.is_none() {
            v.push(format!("{name}: no ttlSecondsAfterFinished"));
        }
        let pod = job.template.spec.as_ref().unwrap();
        if pod.service_account_name.as_deref() != Some(sa_name) {
            v.push(format!("{name}: runs as another ServiceAccount"));
        }
        let c = &pod.containers[0];
        let image = c.image.clone().unwrap_or_default();
        if !image.contains(':') || image.ends_with(":latest") {
            v.push(format!("{name}: image not pinned"));
        }
        let sc = c.security_context.as_ref().unwrap();
        if sc.allow_privilege_escalation != Some(false)
            || sc.run_as_non_root != Some(true)
            || sc.capabilities.as_ref().and_then(|c| c.drop.clone())
                != Some(vec!["ALL".to_string()])
        {
            v.push(format!("{name}: not a restricted securityContext"));
        }
        let res = c.resources.as_ref().unwrap();
        if res.requests.is_none() || res.limits.is_none() {
            v.push(format!("{name}: no requests/limits"));
        }
        let args = c.args.clone().unwrap_or_default();
        if !args.contains(&hpa.to_string()) {
            v.push(format!("{name}: does not patch the HPA"));
        }
        let patch = args
            .iter()
            .find_map(|a| a.strip_prefix("--patch="))
            .unwrap_or("");
        let json: Value = serde_json::from_str(patch).unwrap_or(Value::Null);
        if !json["spec"]["minReplicas"].is_i64() {
            v.push(format!("{name}: patch does not set minReplicas: {patch}"));
        }
    }
}

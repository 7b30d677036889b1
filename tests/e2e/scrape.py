"""How Prometheus in a cluster would find and label the exporter, rebuilt as a
static scrape job: the ServiceMonitor route (kube-prometheus-stack) or the
Service annotations (community `prometheus` chart), with the target labels
their Kubernetes service discovery adds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from manifests import labels_of, name_of, namespace_of
from pod import container_port

# A scrape of danihodovic's exporter takes ~2 s: /metrics runs
# `inspect().stats()` and `inspect().active_queues()`, each waiting 1 s for
# worker replies. A 1 s timeout would mark the target down.
SCRAPE_INTERVAL = "3s"


@dataclass
class ScrapeJob:
    job_name: str
    pod_port: int | None  # the pod port Prometheus connects to; None = no target
    path: str
    honor_labels: bool
    labels: dict[str, str]
    metric_relabel_configs: list[dict] = field(default_factory=list)
    how: str = ""
    problem: str = ""  # why there is no target, if pod_port is None


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _relabelings(items: list[dict] | None) -> list[dict]:
    """ServiceMonitor RelabelConfig (camelCase) -> Prometheus relabel_config."""
    out = []
    for item in items or []:
        out.append({_snake(k): v for k, v in item.items()})
    return out


def _service_port(service: dict, name_or_number) -> dict | None:
    for p in (service.get("spec") or {}).get("ports") or []:
        if p.get("name") == name_or_number or p.get("port") == name_or_number:
            return p
    return None


def scrape_job(pipeline, stack: str = "", release: str = "prometheus") -> ScrapeJob:
    """`stack` is the profile's Prometheus: kube-prometheus-stack scrapes only
    ServiceMonitors labelled `release: <release>` (its default
    serviceMonitorSelector); the community `prometheus` chart only annotated
    Services. Empty: whichever the rendering has."""
    service, container = pipeline.service, pipeline.container
    pod_name = name_of(pipeline.exporter) + "-e2e"
    if service is None:
        return ScrapeJob("exporter", None, "/metrics", False, {}, how="none",
                         problem="no Service selects the exporter pod's labels: no endpoints to scrape")
    ns, svc = namespace_of(service), name_of(service)
    sm = pipeline.service_monitor
    if stack == "prometheus":
        sm = None  # no operator in the community chart: ServiceMonitors are ignored
    if stack == "kube-prometheus-stack":
        if sm is None:
            return ScrapeJob(svc, None, "/metrics", False, {}, how="ServiceMonitor",
                             problem="kube-prometheus-stack scrapes only ServiceMonitors (annotations are "
                                     "ignored) and no ServiceMonitor selects the exporter Service")
        if labels_of(sm).get("release") != release:
            return ScrapeJob(svc, None, "/metrics", False, {}, how="ServiceMonitor",
                             problem=f"ServiceMonitor {name_of(sm)} lacks label release={release}: "
                                     f"kube-prometheus-stack's serviceMonitorSelector would not pick it")
    if sm is not None:
        spec = sm.get("spec") or {}
        endpoints = spec.get("endpoints") or []
        if not endpoints:
            return ScrapeJob(svc, None, "/metrics", False, {}, how="ServiceMonitor",
                             problem="ServiceMonitor has no endpoints")
        ep = endpoints[0]
        job = labels_of(service).get(spec.get("jobLabel", ""), svc) if spec.get("jobLabel") else svc
        labels = {"namespace": ns, "service": svc, "pod": pod_name,
                  "container": container.get("name", ""), "job": job}
        if "port" in ep:
            sp = _service_port(service, ep["port"])
            if sp is None or sp.get("name") != ep["port"]:
                return ScrapeJob(job, None, "/metrics", False, labels, how="ServiceMonitor",
                                 problem=f"ServiceMonitor endpoint port {ep['port']!r} names no port of "
                                         f"Service {svc}")
            pod_port = container_port(container, sp.get("targetPort", sp.get("port")))
            labels["endpoint"] = ep["port"]
        elif "targetPort" in ep:
            pod_port = container_port(container, ep["targetPort"])
            labels["endpoint"] = str(ep["targetPort"])
        else:
            return ScrapeJob(job, None, "/metrics", False, labels, how="ServiceMonitor",
                             problem="ServiceMonitor endpoint has neither port nor targetPort")
        if pod_port is None:
            return ScrapeJob(job, None, "/metrics", False, labels, how="ServiceMonitor",
                             problem="the Service's targetPort names no container port of the exporter")
        relabel = _relabelings(ep.get("metricRelabelings"))
        return ScrapeJob(job, pod_port, ep.get("path") or "/metrics", bool(ep.get("honorLabels")),
                         labels, relabel, how=f"ServiceMonitor {name_of(sm)} endpoint {ep.get('port')}")

    ann = (service.get("metadata") or {}).get("annotations") or {}
    if str(ann.get("prometheus.io/scrape", "")).lower() == "true":
        # prometheus chart, job kubernetes-service-endpoints: address = endpoint IP
        # with the annotation's port (a pod port), honor_labels true, labels
        # namespace, service, node and the Service's own labels.
        # labelmap __meta_kubernetes_service_label_(.+): names sanitized to [a-zA-Z0-9_].
        labels = {re.sub(r"[^a-zA-Z0-9_]", "_", k): v for k, v in labels_of(service).items()}
        labels.update({"namespace": ns, "service": svc, "node": "e2e-node",
                       "job": "kubernetes-service-endpoints"})
        if "prometheus.io/port" in ann:
            pod_port = int(str(ann["prometheus.io/port"]))
        else:
            sp = ((service.get("spec") or {}).get("ports") or [{}])[0]
            pod_port = container_port(container, sp.get("targetPort", sp.get("port")))
        if pod_port is None:
            return ScrapeJob("kubernetes-service-endpoints", None, "/metrics", True, labels,
                             how="Service annotations",
                             problem="the Service's targetPort names no container port of the exporter")
        return ScrapeJob("kubernetes-service-endpoints", pod_port,
                         ann.get("prometheus.io/path") or "/metrics", True, labels,
                         how="Service annotations prometheus.io/*")
    return ScrapeJob(svc, None, "/metrics", False, {}, how="none",
                     problem="neither a ServiceMonitor selecting the Service nor prometheus.io/scrape "
                             "annotations on it: Prometheus would not scrape the exporter")


def prometheus_config(jobs: list[tuple[ScrapeJob, int | list[tuple[int, dict]] | None]]) -> dict:
    """A Prometheus config with one static job per ScrapeJob; its targets are a
    loopback port, or (port, per-target labels) for each pod of a Deployment."""
    scrape_configs = []
    for job, targets in jobs:
        if targets is None:
            continue
        if isinstance(targets, int):
            targets = [(targets, {})]
        common = {k: v for k, v in job.labels.items() if k != "job"}
        cfg = {
            "job_name": job.job_name,
            "honor_labels": job.honor_labels,
            "metrics_path": job.path,
            "scrape_interval": SCRAPE_INTERVAL,
            "scrape_timeout": SCRAPE_INTERVAL,
            "static_configs": [{"targets": [f"127.0.0.1:{port}"], "labels": dict(common, **extra)}
                               for port, extra in targets],
        }
        if "job" in job.labels and job.labels["job"] != job.job_name:
            cfg["relabel_configs"] = [{"target_label": "job", "replacement": job.labels["job"]}]
        if job.metric_relabel_configs:
            cfg["metric_relabel_configs"] = job.metric_relabel_configs
        scrape_configs.append(cfg)
    return {"global": {"scrape_interval": SCRAPE_INTERVAL, "scrape_timeout": SCRAPE_INTERVAL,
                       "evaluation_interval": SCRAPE_INTERVAL},
            "scrape_configs": scrape_configs}

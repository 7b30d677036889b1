"""Reads a rendered output directory the way a cluster would see it: every
Kubernetes object in it, plus the prometheus-adapter Helm values, and picks
the objects that form the queue pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPORTER_IMAGE_HINT = "celery-exporter"


@dataclass
class Rendered:
    root: Path
    objects: list[tuple[Path, dict]] = field(default_factory=list)
    adapter_values: dict | None = None
    adapter_values_path: Path | None = None

    def of_kind(self, kind: str) -> list[dict]:
        return [o for _, o in self.objects if o.get("kind") == kind]


class PipelineError(Exception):
    """The rendered files do not form a pipeline the test can run."""


def load(root: Path, recursive: bool = True) -> Rendered:
    rendered = Rendered(root)
    for path in sorted(root.rglob("*.y*ml") if recursive else root.glob("*.y*ml")):
        try:
            docs = list(yaml.safe_load_all(path.read_text()))
        except yaml.YAMLError as e:
            raise PipelineError(f"{path}: not YAML: {e}") from e
        for doc in docs:
            if not isinstance(doc, dict):
                continue
            if "kind" in doc and "apiVersion" in doc:
                rendered.objects.append((path, doc))
            elif "rules" in doc and "prometheus" in doc:
                rendered.adapter_values = doc
                rendered.adapter_values_path = path
    return rendered


def name_of(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("name", "")


def namespace_of(obj: dict, default: str = "default") -> str:
    return (obj.get("metadata") or {}).get("namespace") or default


def labels_of(obj: dict) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("labels") or {})


def selector_matches(selector: dict | None, labels: dict[str, str]) -> bool:
    """metav1.LabelSelector semantics (matchLabels AND matchExpressions)."""
    if not selector:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


@dataclass
class QueuePipeline:
    """The objects of one queue-driven workload, as rendered."""

    hpa: dict
    metric: dict  # one entry of hpa.spec.metrics (External or Object)
    exporter: dict  # the exporter Deployment
    container: dict  # the exporter container
    service: dict | None
    service_monitor: dict | None
    secrets: list[dict]
    config_maps: list[dict]
    adapter_values: dict | None

    @property
    def namespace(self) -> str:
        return namespace_of(self.hpa)

    @property
    def metric_type(self) -> str:
        return self.metric["type"]

    @property
    def metric_spec(self) -> dict:
        return self.metric["external" if self.metric_type == "External" else "object"]

    @property
    def metric_name(self) -> str:
        return (self.metric_spec.get("metric") or {}).get("name", "")

    @property
    def metric_selector(self) -> dict:
        return (self.metric_spec.get("metric") or {}).get("selector") or {}

    @property
    def target(self) -> dict:
        return self.metric_spec.get("target") or {}


def queue_pipeline(rendered: Rendered) -> QueuePipeline:
    """Finds the queue HPA and the exporter Deployment/Service/ServiceMonitor it
    relies on. Raises PipelineError naming what is missing."""
    hpas = [h for h in rendered.of_kind("HorizontalPodAutoscaler")
            if any(m.get("type") in ("External", "Object")
                   for m in (h.get("spec") or {}).get("metrics") or [])]
    if not hpas:
        raise PipelineError("no HorizontalPodAutoscaler with an External or Object metric")
    if len(hpas) > 1:
        raise PipelineError("more than one queue HPA: pass a single profile's directory")
    hpa = hpas[0]
    metric = next(m for m in hpa["spec"]["metrics"] if m.get("type") in ("External", "Object"))

    exporters = []
    for d in rendered.of_kind("Deployment"):
        pod = ((d.get("spec") or {}).get("template") or {}).get("spec") or {}
        for c in pod.get("containers") or []:
            if EXPORTER_IMAGE_HINT in (c.get("image") or ""):
                exporters.append((d, c))
    if not exporters:
        raise PipelineError(f"no Deployment with a container image containing {EXPORTER_IMAGE_HINT!r}")
    exporter, container = exporters[0]
    pod_labels = dict(((exporter["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {})

    services = [s for s in rendered.of_kind("Service")
                if namespace_of(s) == namespace_of(exporter)
                and (s.get("spec") or {}).get("selector")
                and all(pod_labels.get(k) == v for k, v in s["spec"]["selector"].items())]
    service = services[0] if services else None

    monitors = []
    if service is not None:
        for sm in rendered.of_kind("ServiceMonitor"):
            spec = sm.get("spec") or {}
            ns_sel = spec.get("namespaceSelector") or {}
            if ns_sel.get("any"):
                ns_ok = True
            elif ns_sel.get("matchNames"):
                ns_ok = namespace_of(service) in ns_sel["matchNames"]
            else:
                ns_ok = namespace_of(sm) == namespace_of(service)
            if ns_ok and selector_matches(spec.get("selector"), labels_of(service)):
                monitors.append(sm)
    return QueuePipeline(
        hpa=hpa, metric=metric, exporter=exporter, container=container, service=service,
        service_monitor=monitors[0] if monitors else None,
        secrets=rendered.of_kind("Secret"), config_maps=rendered.of_kind("ConfigMap"),
        adapter_values=rendered.adapter_values,
    )


def parse_quantity(value: Any) -> float:
    """Kubernetes resource.Quantity to a float (enough for metric targets)."""
    if isinstance(value, (int, float)):
        return float(value)
    s = str(value).strip()
    suffixes = {"n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
                "P": 1e15, "E": 1e18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
                "Pi": 2**50, "Ei": 2**60}
    for suf in sorted(suffixes, key=len, reverse=True):
        if s.endswith(suf):
            return float(s[: -len(suf)]) * suffixes[suf]
    return float(s)

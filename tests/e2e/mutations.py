"""Deliberately broken copies of the rendered files, one link at a time. Each
must make the chain fail: a test that cannot fail proves nothing."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from manifests import EXPORTER_IMAGE_HINT


@dataclass
class Mutation:
    link: str  # metric name | label | port | query | scrape | exporter config | hpa
    name: str
    apply: Callable[[list[tuple[Path, list]]], str | None]  # returns what it changed, or None
    must_pass: bool = False  # a change the chain must survive (a control, not a break)


def _load(root: Path) -> list[tuple[Path, list]]:
    return [(p, list(yaml.safe_load_all(p.read_text()))) for p in sorted(root.rglob("*.y*ml"))]


def _save(files: list[tuple[Path, list]]) -> None:
    for path, docs in files:
        path.write_text(yaml.safe_dump_all(docs, sort_keys=False))


def _objs(files, kind: str):
    for _, docs in files:
        for d in docs:
            if isinstance(d, dict) and d.get("kind") == kind:
                yield d


def _values(files) -> dict | None:
    for _, docs in files:
        for d in docs:
            if isinstance(d, dict) and "rules" in d and "prometheus" in d:
                return d
    return None


def _queue_metric(files) -> dict | None:
    for hpa in _objs(files, "HorizontalPodAutoscaler"):
        for m in hpa["spec"].get("metrics") or []:
            if m.get("type") in ("External", "Object"):
                return m["external" if m["type"] == "External" else "object"]
    return None


def _exporter_container(files) -> dict | None:
    for d in _objs(files, "Deployment"):
        for c in d["spec"]["template"]["spec"].get("containers") or []:
            if EXPORTER_IMAGE_HINT in (c.get("image") or ""):
                return c
    return None


def _rules(files) -> list[dict]:
    v = _values(files) or {}
    metric = None
    for hpa in _objs(files, "HorizontalPodAutoscaler"):
        for m in hpa["spec"].get("metrics") or []:
            if m.get("type") in ("External", "Object"):
                metric = m["type"]
    key = "external" if metric == "External" else "custom"
    return ((v.get("rules") or {}).get(key)) or []


def hpa_metric_name(files):
    m = _queue_metric(files)
    if not m:
        return None
    old = m["metric"]["name"]
    m["metric"]["name"] = old + "_typo"
    return f"HPA metric.name {old} -> {old}_typo"


def rule_series_name(files):
    changed = []
    for r in _rules(files):
        if "celery_queue_length" in r.get("seriesQuery", ""):
            r["seriesQuery"] = r["seriesQuery"].replace("celery_queue_length", "celery_tasks_pending")
            changed.append(r["seriesQuery"])
    return f"adapter seriesQuery -> {changed}" if changed else None


def hpa_selector_label(files):
    m = _queue_metric(files)
    sel = (m or {}).get("metric", {}).get("selector") or {}
    ml = sel.get("matchLabels") or {}
    if "queue_name" in ml:
        ml["queue"] = ml.pop("queue_name")
        return "HPA selector matchLabels queue_name -> queue"
    for e in sel.get("matchExpressions") or []:
        if e.get("key") == "queue_name":
            e["key"] = "queue"
            return "HPA selector matchExpressions key queue_name -> queue"
    return None


def hpa_selector_value(files):
    m = _queue_metric(files)
    sel = (m or {}).get("metric", {}).get("selector") or {}
    for k in list((sel.get("matchLabels") or {})):
        sel["matchLabels"][k] = "not-a-queue"
        return f"HPA selector {k} value -> not-a-queue"
    for e in sel.get("matchExpressions") or []:
        if e.get("values"):
            e["values"] = ["not-a-queue"]
            return f"HPA selector {e['key']} {e['operator']} values -> [not-a-queue]"
    return None


def rule_namespace_label(files):
    for r in _rules(files):
        ov = (r.get("resources") or {}).get("overrides") or {}
        for label, spec in list(ov.items()):
            if str((spec or {}).get("resource", "")).startswith("namespace"):
                ov["kubernetes_namespace"] = ov.pop(label)
                return f"adapter resources.overrides {label} -> kubernetes_namespace"
    return None


def hpa_namespace(files):
    for hpa in _objs(files, "HorizontalPodAutoscaler"):
        old = hpa["metadata"].get("namespace", "default")
        hpa["metadata"]["namespace"] = old + "-other"
        return f"HPA namespace {old} -> {old}-other (exporter stays in {old})"
    return None


def exporter_port(files):
    c = _exporter_container(files)
    if not c or not c.get("ports"):
        return None
    old = [p["containerPort"] for p in c["ports"]]
    for p in c["ports"]:
        p["containerPort"] = 9540
    for svc in _objs(files, "Service"):
        for sp in svc["spec"].get("ports") or []:
            if isinstance(sp.get("targetPort"), int) and sp["targetPort"] in old:
                sp["targetPort"] = 9540
        ann = svc["metadata"].get("annotations") or {}
        if "prometheus.io/port" in ann:
            ann["prometheus.io/port"] = "9540"
    return f"exporter containerPort {old} -> 9540 (and what routes to it); the exporter's own port is unchanged"


def service_target_port(files):
    for svc in _objs(files, "Service"):
        ann = svc["metadata"].get("annotations") or {}
        if "prometheus.io/port" in ann:
            ann["prometheus.io/port"] = "9540"
            return "Service annotation prometheus.io/port -> 9540"
        for sp in svc["spec"].get("ports") or []:
            old = sp.get("targetPort")
            sp["targetPort"] = 9540
            return f"Service targetPort {old} -> 9540"
    return None


def exporter_listen_port(files):
    c = _exporter_container(files)
    for e in (c or {}).get("env") or []:
        if e.get("name") == "CE_PORT":
            old = e.get("value")
            e["value"] = "9540"
            return f"env CE_PORT {old} -> 9540 (containerPort unchanged)"
    args = (c or {}).get("args") or []
    for i, a in enumerate(args):
        if a == "--port" and i + 1 < len(args):
            old, args[i + 1] = args[i + 1], "9540"
            return f"arg --port {old} -> 9540 (containerPort unchanged)"
    if c is not None:
        c.setdefault("env", []).append({"name": "CE_PORT", "value": "9540"})
        return "added env CE_PORT=9540 (containerPort unchanged)"
    return None


def hpa_target_value(files):
    m = _queue_metric(files)
    t = (m or {}).get("target") or {}
    if t.get("type") != "AverageValue":
        return None
    m["target"] = {"type": "Value", "value": t["averageValue"]}
    return f"HPA target AverageValue {t['averageValue']} -> Value {t['averageValue']}"


def hpa_target_number(files):
    m = _queue_metric(files)
    t = (m or {}).get("target") or {}
    if "averageValue" not in t:
        return None
    old = t["averageValue"]
    t["averageValue"] = "10" if str(old) != "10" else "20"
    return f"HPA target averageValue {old} -> {t['averageValue']} (profile's backlogPerReplica unchanged)"


def adapter_prometheus_url(files):
    v = _values(files)
    if not v or "prometheus" not in v:
        return None
    old = f"{v['prometheus'].get('url')}:{v['prometheus'].get('port')}"
    kps = any(True for _ in _objs(files, "ServiceMonitor"))
    # The tutorial's URL on a kube-prometheus-stack install, and the other way round.
    v["prometheus"]["url"] = ("http://prometheus-server.monitoring.svc.cluster.local" if kps
                              else "http://prometheus-kube-prometheus-prometheus.monitoring.svc")
    v["prometheus"]["port"] = 80 if kps else 9090
    return f"adapter prometheus {old} -> {v['prometheus']['url']}:{v['prometheus']['port']}"


def exporter_replicas(files):
    for d in _objs(files, "Deployment"):
        if _exporter_container([(None, [d])]) is not None:
            d["spec"]["replicas"] = 2
            return "exporter Deployment replicas 1 -> 2 (two pods, duplicate series)"
    return None


def replicas_summed(files):
    if exporter_replicas(files) is None:
        return None
    for r in _rules(files):
        q = r.get("metricsQuery", "")
        if "max by" in q:
            r["metricsQuery"] = q.replace("max by", "sum by", 1)
            return f"exporter replicas 2 and metricsQuery -> {r['metricsQuery']}"
    return None


def broker_env_name(files):
    c = _exporter_container(files)
    for e in (c or {}).get("env") or []:
        if e.get("name") == "CE_BROKER_URL":
            e["name"] = "CELERY_BROKER_URL"
            return "env CE_BROKER_URL -> CELERY_BROKER_URL"
    return None


def queues_env(files):
    c = _exporter_container(files)
    if not c:
        return None
    before = len(c.get("env") or []) + len(c.get("args") or [])
    c["env"] = [e for e in c.get("env") or [] if e.get("name") != "CE_QUEUES"]
    args = c.get("args") or []
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-Q", "--queues"):
            skip = True
            continue
        if a.startswith("--queues="):
            continue
        out.append(a)
    if args:
        c["args"] = out
    return "removed CE_QUEUES / --queues" if len(c["env"]) + len(out) < before else None


def query_without_matchers(files):
    changed = 0
    for r in _rules(files):
        q = r.get("metricsQuery", "")
        new = re.sub(r"\{\s*<<\s*\.LabelMatchers\s*>>\s*\}", "", q)
        if new != q:
            r["metricsQuery"] = new
            changed += 1
    return "metricsQuery without {<<.LabelMatchers>>}" if changed else None


def _is_external(files) -> bool:
    return any(m.get("type") == "External" for hpa in _objs(files, "HorizontalPodAutoscaler")
               for m in hpa["spec"].get("metrics") or [])


def query_group_by_comma(files):
    if not _is_external(files):
        return None  # for custom rules GroupBy is the resource label: valid
    for r in _rules(files):
        q = r.get("metricsQuery", "")
        new = re.sub(r"max by \(", "max by (<<.GroupBy>>, ", q, count=1)
        if new != q and "<<.GroupBy>>, " not in q:
            r["metricsQuery"] = new
            return f"metricsQuery -> {new}"
    return None


def series_query_function(files):
    for r in _rules(files):
        if r.get("seriesQuery"):
            r["seriesQuery"] = f"rate({r['seriesQuery']}[5m])"
            return f"seriesQuery -> {r['seriesQuery']}"
    return None


def service_monitor_release(files):
    for sm in _objs(files, "ServiceMonitor"):
        labels = sm["metadata"].get("labels") or {}
        if "release" in labels:
            old = labels["release"]
            labels["release"] = "kube-prometheus-stack"
            return f"ServiceMonitor label release={old} -> release=kube-prometheus-stack"
    return None


def service_selector(files):
    for svc in _objs(files, "Service"):
        sel = svc["spec"].get("selector") or {}
        for k in list(sel):
            sel[k] = str(sel[k]) + "-typo"
            return f"Service {svc['metadata']['name']} selector {k} -> {sel[k]}"
    return None


def scrape_route(files):
    for sm in _objs(files, "ServiceMonitor"):
        for ep in sm["spec"].get("endpoints") or []:
            if "port" in ep:
                ep["port"] = "metrics"
                return "ServiceMonitor endpoint port -> metrics (no Service port of that name)"
    for svc in _objs(files, "Service"):
        ann = svc["metadata"].get("annotations") or {}
        if "prometheus.io/scrape" in ann:
            del ann["prometheus.io/scrape"]
            return "Service annotation prometheus.io/scrape removed"
    return None


MUTATIONS = [
    Mutation("metric name", "HPA asks for a metric the adapter does not serve", hpa_metric_name),
    Mutation("metric name", "adapter rule discovers a series the exporter does not have", rule_series_name),
    Mutation("label", "HPA selector uses a label the exporter does not set", hpa_selector_label),
    Mutation("label", "HPA selector names a queue the workload does not use", hpa_selector_value),
    Mutation("label", "adapter maps the namespace to a label Prometheus does not add", rule_namespace_label),
    Mutation("label", "HPA in another namespace than the exporter's series", hpa_namespace),
    Mutation("port", "container port is not where the exporter listens", exporter_port),
    Mutation("port", "Service/annotation routes to a port the exporter does not listen on",
             service_target_port),
    Mutation("port", "exporter told to listen on another port than the container port",
             exporter_listen_port),
    Mutation("scrape", "scrape route names no Service port", scrape_route),
    Mutation("scrape", "Service selects no pod", service_selector),
    Mutation("scrape", "ServiceMonitor not selected by the stack's Prometheus", service_monitor_release),
    Mutation("adapter", "adapter pointed at the other stack's Prometheus Service", adapter_prometheus_url),
    Mutation("hpa", "HPA target type Value on a backlog", hpa_target_value),
    Mutation("hpa", "HPA target is not the profile's backlogPerReplica", hpa_target_number),
    Mutation("exporter config", "broker URL under the wrong variable name", broker_env_name),
    Mutation("query", "two exporter pods and a metricsQuery that adds them up", replicas_summed),
    Mutation("control", "two exporter pods: the rendered query still reads N", exporter_replicas,
             must_pass=True),
    Mutation("exporter config", "queues not listed for the exporter (no worker has been seen)", queues_env),
    Mutation("query", "metricsQuery drops <<.LabelMatchers>>", query_without_matchers),
    Mutation("query", "metricsQuery groups by (<<.GroupBy>>, ...) (empty for external rules)",
             query_group_by_comma),
    Mutation("query", "seriesQuery is a PromQL function", series_query_function),
]


def broken_copy(src: Path, dst: Path, mutation: Mutation) -> str | None:
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    files = _load(dst)
    what = mutation.apply(files)
    if what is not None:
        _save(files)
    return what

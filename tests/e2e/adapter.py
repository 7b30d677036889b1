"""prometheus-adapter, emulated on a real Prometheus: the relist (seriesQuery
through /api/v1/series, name and resource association), the query the adapter
builds for one HPA metric (pkg/naming/metrics_query.go: Build / BuildExternal),
and how it maps the result back to the HPA's object. Everything the adapter
asks Prometheus goes over the HTTP API; only the Kubernetes side (discovery,
RESTMapper) is modelled, with the few resources a queue pipeline uses."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from manifests import parse_quantity
from prom import Prometheus

# RESTMapper stand-in: singular/plural/kind -> (group, plural resource).
_RESOURCES = {
    "namespace": ("", "namespaces"), "service": ("", "services"), "pod": ("", "pods"),
    "node": ("", "nodes"), "persistentvolume": ("", "persistentvolumes"),
    "deployment": ("apps", "deployments"), "statefulset": ("apps", "statefulsets"),
    "replicaset": ("apps", "replicasets"), "daemonset": ("apps", "daemonsets"),
    "job": ("batch", "jobs"), "ingress": ("networking.k8s.io", "ingresses"),
}
NAMESPACES = ("", "namespaces")
_ROOT_SCOPED = {("", "namespaces"), ("", "nodes"), ("", "persistentvolumes")}


def group_resource(resource: str, group: str = "") -> tuple[str, str] | None:
    key = resource.lower()
    for singular, gr in _RESOURCES.items():
        if key in (singular, gr[1]) and (not group or group == gr[0]):
            return gr
    return None


class AdapterError(Exception):
    """An error the adapter would return (or log) for this request."""


@dataclass
class ResourceConverter:
    """`resources:` of one rule: overrides and/or template, plus `namespaced`."""

    overrides: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> group resource
    template: str | None = None
    namespaced: bool = True
    problems: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, resources: dict | None) -> "ResourceConverter":
        conv = cls()
        resources = resources or {}
        for label, spec in (resources.get("overrides") or {}).items():
            gr = group_resource(str((spec or {}).get("resource", "")), str((spec or {}).get("group", "")))
            if gr is None:
                conv.problems.append(f"override {label}: unknown resource {spec!r}")
            else:
                conv.overrides[label] = gr
        conv.template = resources.get("template")
        conv.namespaced = resources.get("namespaced", True) is not False
        return conv

    def _template_regex(self) -> re.Pattern | None:
        if not self.template:
            return None
        pattern = re.escape(self.template)
        pattern = pattern.replace(re.escape("<<.Group>>"), r"(?P<group>[a-z0-9_]+?)")
        pattern = pattern.replace(re.escape("<<.Resource>>"), r"(?P<resource>[a-z0-9_]+?)")
        return re.compile(f"^{pattern}$")

    def resource_for_label(self, label: str) -> tuple[str, str] | None:
        if label in self.overrides:
            return self.overrides[label]
        rx = self._template_regex()
        if rx and (m := rx.match(label)):
            group = (m.groupdict().get("group") or "").replace("_", ".")
            return group_resource(m.group("resource"), group)
        return None

    def label_for_resource(self, gr: tuple[str, str]) -> str:
        for label, mapped in self.overrides.items():
            if mapped == gr:
                return label
        if self.template:
            singular = next(s for s, g in _RESOURCES.items() if g == gr)
            return (self.template.replace("<<.Group>>", gr[0].replace(".", "_"))
                    .replace("<<.Resource>>", singular))
        raise AdapterError(f"no label is mapped to resource {gr[1]}")


@dataclass
class Registered:
    """One metric the adapter would serve."""

    name: str
    series: str  # the Prometheus series name (<<.Series>>)
    rule: dict
    converter: ResourceConverter
    resource: tuple[str, str] | None = None  # custom metrics only
    namespaced: bool = True


def _go_expand(template: str, m: re.Match) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda g: (m.group(int(g.group(1))) or "")
                  if g.group(1).isdigit() else (m.groupdict().get(g.group(1)) or ""), template)


def metric_name(rule: dict, series_name: str) -> str | None:
    """seriesFilters + name.matches/as (pkg/naming/metric_namer.go)."""
    for f in rule.get("seriesFilters") or []:
        if "is" in f and not re.search(f["is"], series_name):
            return None
        if "isNot" in f and re.search(f["isNot"], series_name):
            return None
    name = rule.get("name") or {}
    rx = re.compile(name.get("matches") or ".*")
    m = rx.search(series_name)
    if m is None:
        return None
    default_as = "$1" if rx.groups == 1 else "$0"
    if rx.groups > 1 and not name.get("as"):
        raise AdapterError(f"name.matches {rx.pattern!r} has more than one group and no `as`")
    return _go_expand(name.get("as") or default_as, m)


@dataclass
class Relist:
    """The outcome of one relist over a rule list (custom or external)."""

    metrics: list[Registered]
    error: str = ""


def relist(prom: Prometheus, rules: list[dict], external: bool) -> Relist:
    """All-or-nothing like the adapter: one failing seriesQuery and the whole
    list comes back empty ("unable to update list of all metrics")."""
    found: dict[tuple, Registered] = {}
    for rule in rules:
        query = rule.get("seriesQuery", "")
        res = prom.series(query)
        if not res.ok:
            return Relist([], f"unable to update list of all metrics: unable to fetch metrics for query "
                              f"{query!r}: {res.error_type}: {res.error}")
        conv = ResourceConverter.of(rule.get("resources"))
        for series in res.data or []:
            sname = series.get("__name__", "")
            mname = metric_name(rule, sname)
            if mname is None:
                continue
            if external:
                found[("ext", mname)] = Registered(mname, sname, rule, conv, None, conv.namespaced)
                continue
            resources = {lbl: conv.resource_for_label(lbl) for lbl in series if lbl != "__name__"}
            resources = {lbl: gr for lbl, gr in resources.items() if gr}
            namespaced = NAMESPACES in resources.values()
            for gr in resources.values():
                ns = namespaced and gr not in _ROOT_SCOPED
                # Later rules win, like SetSeries (rules must be mutually exclusive).
                found[(gr, mname, ns)] = Registered(mname, sname, rule, conv, gr, ns)
    return Relist(list(found.values()))


def selector_requirements(selector: dict) -> list[tuple[str, str, list[str]]]:
    """metav1.LabelSelector -> labels.Selector requirements, sorted by key."""
    reqs = [(k, "=", [str(v)]) for k, v in (selector.get("matchLabels") or {}).items()]
    for e in selector.get("matchExpressions") or []:
        reqs.append((e["key"], e["operator"], sorted(str(v) for v in e.get("values") or [])))
    return sorted(reqs, key=lambda r: r[0])


def _go_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def label_matchers(reqs: list[tuple[str, str, list[str]]]) -> list[str]:
    out = []
    for key, op, values in reqs:
        if op in ("=", "==") and len(values) == 1:
            out.append(f"{key}={_go_quote(values[0])}")
        elif op in ("=", "==", "In") and values:
            out.append(f"{key}=~{_go_quote('|'.join(values))}")
        elif op == "!=" and len(values) == 1:
            out.append(f"{key}!={_go_quote(values[0])}")
        elif op in ("!=", "NotIn") and values:
            out.append(f"{key}!~{_go_quote('|'.join(values))}")
        elif op == "Exists":
            out.append(f'{key}!=""')
        elif op == "DoesNotExist":
            out.append(f'{key}=""')
        else:
            raise AdapterError(f"selector requirement {key} {op} {values} cannot be turned into PromQL")
    return out


def render_template(template: str, series: str, matchers: list[str], group_by: list[str]) -> str:
    """The Go text/template with << >> delimiters, for the fields rules use."""
    fields = {".Series": series, ".LabelMatchers": ",".join(matchers), ".GroupBy": ",".join(group_by)}

    def action(m: re.Match) -> str:
        body = m.group(2).strip()
        if body not in fields:
            raise AdapterError(f"metricsQuery action <<{m.group(2)}>> is not emulated by this test")
        return fields[body]

    # Trim markers: "<<- " eats whitespace before, " ->>" after.
    text = re.sub(r"\s*<<-\s", "<<", template)
    text = re.sub(r"\s->>\s*", ">>", text)
    out = re.sub(r"<<(-?)(.*?)>>", action, text)
    if not out:
        raise AdapterError("empty query produced by metrics query template")
    return out


@dataclass
class MetricAnswer:
    """What the HPA would get from the metrics API for one metric."""

    query: str
    value: float | None  # the value the HPA computes with (External: sum of items)
    items: list[dict]
    error: str = ""


def external_query(reg: Registered, selector: dict, hpa_namespace: str) -> str:
    """BuildExternal: selector matchers, then the namespace (unless
    `namespaced: false`); GroupBy is empty."""
    matchers = label_matchers(selector_requirements(selector))
    if reg.namespaced:
        matchers.append(f"{reg.converter.label_for_resource(NAMESPACES)}={_go_quote(hpa_namespace)}")
    return render_template(reg.rule.get("metricsQuery", ""), reg.series, matchers, [])


def object_query(reg: Registered, selector: dict, hpa_namespace: str, obj_name: str) -> tuple[str, str]:
    """Build: selector matchers, the namespace, then `<resource label>="<name>"`;
    GroupBy is the resource label. Returns (query, resource label)."""
    matchers = label_matchers(selector_requirements(selector))
    if reg.namespaced:
        matchers.append(f"{reg.converter.label_for_resource(NAMESPACES)}={_go_quote(hpa_namespace)}")
    res_label = reg.converter.label_for_resource(reg.resource)
    matchers.append(f"{res_label}={_go_quote(obj_name)}")
    return render_template(reg.rule.get("metricsQuery", ""), reg.series, matchers, [res_label]), res_label


def external_metric(prom: Prometheus, relisted: Relist, name: str, selector: dict,
                    hpa_namespace: str) -> MetricAnswer:
    if relisted.error:
        return MetricAnswer("", None, [], relisted.error)
    reg = next((m for m in relisted.metrics if m.name == name), None)
    if reg is None:
        return MetricAnswer("", None, [], f"the server could not find the requested resource "
                                          f"(get {name}.external.metrics.k8s.io): no externalRules "
                                          f"series maps to {name!r}")
    try:
        query = external_query(reg, selector, hpa_namespace)
    except AdapterError as e:
        return MetricAnswer("", None, [], f"unable to fetch metrics: {e}")
    res = prom.query(query)
    if not res.ok:
        return MetricAnswer(query, None, [], f"unable to fetch metrics: {res.error_type}: {res.error}")
    items = _samples(res.data)
    if not items:
        return MetricAnswer(query, None, [], "no metrics returned from external metrics API")
    # The HPA sums every item (GetExternalMetric / GetExternalPerPodMetricReplicas).
    return MetricAnswer(query, sum(i["value"] for i in items), items)


def object_metric(prom: Prometheus, relisted: Relist, name: str, selector: dict,
                  hpa_namespace: str, described: dict) -> MetricAnswer:
    if relisted.error:
        return MetricAnswer("", None, [], relisted.error)
    kind = described.get("kind", "")
    api_group = (described.get("apiVersion") or "v1").rpartition("/")[0]
    gr = group_resource(kind, api_group)
    if gr is None:
        return MetricAnswer("", None, [], f"describedObject kind {kind!r} is not modelled by this test")
    namespaced = gr not in _ROOT_SCOPED
    reg = next((m for m in relisted.metrics
                if m.name == name and m.resource == gr and m.namespaced == namespaced), None)
    if reg is None:
        return MetricAnswer("", None, [], f"unable to fetch metrics from custom metrics API: the server "
                                          f"could not find the metric {name} for {gr[1]}")
    obj_name = hpa_namespace if gr == NAMESPACES else described.get("name", "")
    try:
        query, res_label = object_query(reg, selector, hpa_namespace, obj_name)
    except AdapterError as e:
        return MetricAnswer("", None, [], f"unable to fetch metrics: {e}")
    res = prom.query(query)
    if not res.ok:
        return MetricAnswer(query, None, [], f"unable to fetch metrics: {res.error_type}: {res.error}")
    items = _samples(res.data)
    if not items:
        return MetricAnswer(query, None, [], f"the server could not find the metric {name} for "
                                             f"{gr[1]} {obj_name} (query returned no series)")
    # MatchValuesToNames: keyed by the resource label; later samples win.
    by_name = {i["labels"][res_label]: i for i in items if res_label in i["labels"]}
    if obj_name not in by_name:
        return MetricAnswer(query, None, items,
                            f"None of the results returned by when fetching metric {gr[1]}/{name}"
                            f"(namespaced) for \"{hpa_namespace}/{obj_name}\" matched the resource "
                            f"name (results carry {res_label}={sorted(by_name) or 'nothing'})")
    return MetricAnswer(query, by_name[obj_name]["value"], [by_name[obj_name]])


def _samples(data) -> list[dict]:
    if not data:
        return []
    if data.get("resultType") == "scalar":
        return [{"labels": {}, "value": float(data["result"][1])}]
    if data.get("resultType") != "vector":
        return []
    return [{"labels": r.get("metric", {}), "value": float(r["value"][1])} for r in data["result"]]


def desired_replicas(value: float, target: dict, current: int, lo: int, hi: int) -> int:
    """What the HPA asks for from one metric, clamped (no tolerance band:
    the test picks a backlog far from the current replicas)."""
    if target.get("type") == "AverageValue":
        raw = math.ceil(value / parse_quantity(target["averageValue"]))
    elif target.get("type") == "Value":
        raw = math.ceil(current * value / parse_quantity(target["value"]))
    else:
        raise AdapterError(f"target type {target.get('type')!r} is not used for queue metrics")
    return max(lo, min(hi, raw))

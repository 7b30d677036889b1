"""Anchors the adapter emulation to queries verified against the real
adapter's code path (research notes, metrics-pipeline.md §3.1 and §5.4): if
the emulation drifts, the chain checks built on it would prove nothing."""

from __future__ import annotations

import adapter
from checks import Report

SELECTOR = {"matchLabels": {"queue_name": "celery"}}
NS = "fastapi-k8-proto"
EXTERNAL_RULE = {
    "seriesQuery": 'celery_queue_length{namespace!="",queue_name!=""}',
    "resources": {"overrides": {"namespace": {"resource": "namespace"}}},
    "name": {"matches": "^celery_queue_length$", "as": "celery_queue_length"},
    "metricsQuery": "sum(max by (queue_name) (<<.Series>>{<<.LabelMatchers>>}))",
}
OBJECT_RULE = {
    "seriesQuery": 'celery_queue_length{namespace!="",service!=""}',
    "resources": {"overrides": {"namespace": {"resource": "namespace"},
                                "service": {"resource": "service"}}},
    "name": {"matches": "^celery_queue_length$", "as": "celery_queue_length"},
    "metricsQuery": "sum(max by (<<.GroupBy>>, queue_name) (<<.Series>>{<<.LabelMatchers>>})) "
                    "by (<<.GroupBy>>)",
}
EXPECTED = {
    "external": 'sum(max by (queue_name) (celery_queue_length{queue_name="celery",'
                'namespace="fastapi-k8-proto"}))',
    "object": 'sum(max by (service, queue_name) (celery_queue_length{queue_name="celery",'
              'namespace="fastapi-k8-proto",service="celery-exporter"})) by (service)',
    "external-groupby-comma": "sum(max by (, queue_name) (celery_queue_length",
    "in-two-values": 'queue_name=~"celery|emails"',
}


def run(report: Report) -> None:
    report.section("adapter emulation reproduces the adapter's verified queries")
    ext = adapter.Registered("celery_queue_length", "celery_queue_length", EXTERNAL_RULE,
                             adapter.ResourceConverter.of(EXTERNAL_RULE["resources"]))
    got = adapter.external_query(ext, SELECTOR, NS)
    report.check("external rule query (BuildExternal)", got == EXPECTED["external"], got)
    obj = adapter.Registered("celery_queue_length", "celery_queue_length", OBJECT_RULE,
                             adapter.ResourceConverter.of(OBJECT_RULE["resources"]),
                             ("", "services"), True)
    got, label = adapter.object_query(obj, SELECTOR, NS, "celery-exporter")
    report.check("custom rule query for Object on a Service (Build)",
                 got == EXPECTED["object"] and label == "service", got)
    comma = dict(OBJECT_RULE)
    ext_comma = adapter.Registered("celery_queue_length", "celery_queue_length", comma,
                                   adapter.ResourceConverter.of(comma["resources"]))
    got = adapter.external_query(ext_comma, SELECTOR, NS)
    report.check("external rule renders <<.GroupBy>> empty", got.startswith(EXPECTED["external-groupby-comma"]),
                 got)
    two = {"matchExpressions": [{"key": "queue_name", "operator": "In", "values": ["emails", "celery"]}]}
    got = adapter.external_query(ext, two, NS)
    report.check("In with two values becomes a sorted regex matcher", EXPECTED["in-two-values"] in got, got)

//! Every PromQL query we render parses with promql-parser: each adapter
//! rule's `seriesQuery` (which must be a plain series selector, since the
//! adapter sends it as `match[]` to /api/v1/series) and its `metricsQuery`
//! as the adapter fills it in for the HPA's request.

mod common;

use promql_parser::parser::{self, Expr};
use scaleplan_render::adapter::{AdapterParams, AdapterRule, PrometheusEndpoint, RuleKind, rule};
use scaleplan_render::adapter_query::{Requirement, external_query, object_query};

fn is_plain_selector(e: &Expr) -> bool {
    match e {
        Expr::VectorSelector(_) => true,
        Expr::Paren(p) => is_plain_selector(&p.expr),
        _ => false,
    }
}

fn params(kind: RuleKind) -> AdapterParams {
    AdapterParams {
        prometheus: PrometheusEndpoint {
            url: "http://prometheus-kube-prometheus-prometheus.monitoring.svc".into(),
            port: 9090,
            path: String::new(),
        },
        metric: "celery_queue_length".into(),
        queue_label: "queue_name".into(),
        kind,
        relist_interval: "1m".into(),
    }
}

fn selectors() -> Vec<Vec<Requirement>> {
    vec![
        vec![Requirement::Equals("queue_name".into(), "celery".into())],
        vec![Requirement::In(
            "queue_name".into(),
            vec!["high".into(), "default".into()],
        )],
        vec![],
    ]
}

fn check_rule(r: &AdapterRule) {
    let series =
        parser::parse(&r.series_query).unwrap_or_else(|e| panic!("{}: {e}", r.series_query));
    assert!(
        is_plain_selector(&series),
        "seriesQuery must be a series selector: {}",
        r.series_query
    );
}

#[test]
fn external_rule_queries_parse_and_match_metrics_pipeline_5_4() {
    let r = rule(&params(RuleKind::External));
    check_rule(&r);
    for sel in selectors() {
        let q = external_query(&r, "celery_queue_length", "fastapi-k8-proto", &sel);
        parser::parse(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
        assert!(!q.contains("(,") && !q.contains("by ()"), "{q}");
    }
    // The exact query of metrics-pipeline.md §5.4 (verified there with promtool).
    assert_eq!(
        external_query(
            &r,
            "celery_queue_length",
            "fastapi-k8-proto",
            &selectors()[0]
        ),
        r#"sum(max by (queue_name) (celery_queue_length{queue_name="celery",namespace="fastapi-k8-proto"}))"#
    );
    assert_eq!(
        external_query(&r, "celery_queue_length", "ns", &selectors()[1]),
        r#"sum(max by (queue_name) (celery_queue_length{queue_name=~"default|high",namespace="ns"}))"#
    );
}

#[test]
fn object_rule_queries_parse_and_match_metrics_pipeline_5_4() {
    let r = rule(&params(RuleKind::ObjectOnService));
    check_rule(&r);
    for sel in selectors() {
        let q = object_query(
            &r,
            "celery_queue_length",
            "fastapi-k8-proto",
            "service",
            "celery-exporter",
            &sel,
        );
        parser::parse(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
    }
    assert_eq!(
        object_query(
            &r,
            "celery_queue_length",
            "fastapi-k8-proto",
            "service",
            "celery-exporter",
            &selectors()[0]
        ),
        r#"sum(max by (service, queue_name) (celery_queue_length{queue_name="celery",namespace="fastapi-k8-proto",service="celery-exporter"})) by (service)"#
    );
}

#[test]
fn the_external_rule_would_break_if_it_used_group_by_with_a_comma() {
    // Guard for the test itself: an empty GroupBy followed by a comma is
    // what §5.4 warns about, and promql-parser rejects it like Prometheus.
    let mut r = rule(&params(RuleKind::External));
    r.metrics_query =
        "sum(max by (<<.GroupBy>>, queue_name) (<<.Series>>{<<.LabelMatchers>>}))".into();
    let q = external_query(&r, "celery_queue_length", "ns", &selectors()[0]);
    assert!(parser::parse(&q).is_err(), "{q}");
}

#[test]
fn every_rendered_adapter_values_file_holds_parseable_queries() {
    let artifacts = scaleplan_render::render_profiles(&common::all_examples());
    let mut seen = 0;
    for a in artifacts
        .iter()
        .filter(|a| a.path.ends_with("prometheus-adapter-values.yaml"))
    {
        let v: scaleplan_render::adapter::AdapterValues =
            serde_saphyr::from_str(&a.contents).unwrap();
        for r in v.rules.external.iter().chain(&v.rules.custom) {
            check_rule(r);
            let q = external_query(r, &r.name.as_, "fastapi-k8-proto", &selectors()[0]);
            parser::parse(&q).unwrap_or_else(|e| panic!("{}: {q}: {e}", a.path));
            seen += 1;
        }
    }
    assert!(seen >= 1, "the examples render at least one adapter rule");
}

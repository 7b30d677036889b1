//! Property: every generated profile that passes validation describes an HPA
//! that the API server's validation (`scaleplan_hpa::validate`) accepts, and
//! the safety-net check P0406 never has to fire: the specific checks catch
//! every problem first, each with its own located message.

use proptest::prelude::*;
use scaleplan_diag::SourceFile;
use scaleplan_profile::model::*;
use scaleplan_profile::{api_validation, check_source};

fn rules() -> impl Strategy<Value = Option<ScalingRules>> {
    let policy = (
        prop_oneof![Just(PolicyType::Pods), Just(PolicyType::Percent)],
        prop_oneof![4 => 1i64..12, 1 => -2i64..1],
        prop_oneof![4 => 1i64..1800, 1 => -5i64..2000],
    )
        .prop_map(|(policy_type, value, period_seconds)| ScalingPolicy {
            policy_type,
            value,
            period_seconds,
        });
    proptest::option::of(
        (
            proptest::option::of(prop_oneof![4 => 0i64..3600, 1 => -10i64..4000]),
            proptest::option::of(prop_oneof![
                Just(SelectPolicy::Max),
                Just(SelectPolicy::Min),
                Just(SelectPolicy::Disabled)
            ]),
            proptest::option::of(prop_oneof![
                4 => proptest::collection::vec(policy.clone(), 1..3),
                1 => proptest::collection::vec(policy, 0..1)
            ]),
            proptest::option::weighted(
                0.3,
                prop_oneof![
                    Just("-0.1"),
                    Just("0"),
                    Just("0.05"),
                    Just("50m"),
                    Just("x")
                ],
            ),
        )
            .prop_map(|(w, sp, policies, tol)| ScalingRules {
                stabilization_window_seconds: w,
                select_policy: sp,
                policies,
                tolerance: tol.map(Quantity::from),
            }),
    )
}

fn target() -> impl Strategy<Value = Option<Option<ResourceTarget>>> {
    proptest::option::of(proptest::option::of(
        (
            proptest::option::of(prop_oneof![3 => 1i64..150, 1 => -5i64..1]),
            proptest::option::of(prop_oneof![
                Just("500m"),
                Just("0"),
                Just("-1"),
                Just("1Gi"),
                Just("1GB")
            ]),
        )
            .prop_map(|(u, v)| ResourceTarget {
                average_utilization: u,
                average_value: v.map(Quantity::from),
            }),
    ))
}

fn queue() -> impl Strategy<Value = Option<QueueSpec>> {
    proptest::option::of(
        (
            prop_oneof![4 => Just("30"), 1 => Just("0"), 1 => Just("-3"), 1 => Just("0.5"), 1 => Just("10k")],
            prop_oneof![
                4 => proptest::collection::vec(prop_oneof![Just("celery"), Just("reports")], 1..2),
                1 => proptest::collection::vec(Just("celery"), 0..3)
            ],
            any::<bool>(),
            prop_oneof![
                Just(QueueMetricType::External),
                Just(QueueMetricType::Object)
            ],
        )
            .prop_map(|(backlog, queues, zero, mt)| QueueSpec {
                broker: BrokerRef {
                    secret_name: Some("broker".into()),
                    key: Some("url".into()),
                    url: None,
                },
                queues: queues.into_iter().map(String::from).collect(),
                backlog_per_replica: Quantity::from(backlog),
                metric: Some(QueueMetricSpec {
                    metric_type: Some(mt),
                    name: None,
                }),
                scale_to_zero: zero,
                exporter: None,
                prometheus: None,
            }),
    )
}

fn profile() -> impl Strategy<Value = ScalingProfile> {
    (
        proptest::option::of(prop_oneof![Just(Preset::Api), Just(Preset::Worker)]),
        proptest::option::of(prop_oneof![4 => 1i64..6, 1 => -1i64..1]),
        proptest::option::of(prop_oneof![4 => 3i64..12, 1 => -1i64..4]),
        (target(), target()),
        (rules(), rules()),
        queue(),
        prop_oneof![4 => Just(true), 1 => Just(false)],
    )
        .prop_map(
            |(preset, min, max, (cpu, memory), (up, down), queue, mem_request)| ScalingProfile {
                api_version: API_VERSION.into(),
                kind: KIND.into(),
                metadata: ProfileMetadata {
                    name: "gen".into(),
                    namespace: "ns".into(),
                    labels: Default::default(),
                    annotations: Default::default(),
                },
                spec: ProfileSpec {
                    preset,
                    hpa_name: None,
                    workload: Workload {
                        kind: WorkloadKind::Deployment,
                        name: "gen".into(),
                        containers: vec![Container {
                            name: "app".into(),
                            resources: ResourceRequirements {
                                requests: ResourceList {
                                    cpu: Some(Quantity::from("100m")),
                                    memory: mem_request.then(|| Quantity::from("128Mi")),
                                },
                                limits: ResourceList::default(),
                            },
                        }],
                    },
                    replicas: (min.is_some() || max.is_some()).then_some(Replicas { min, max }),
                    targets: (cpu.is_some() || memory.is_some()).then_some(Targets { cpu, memory }),
                    behavior: (up.is_some() || down.is_some()).then_some(Behavior {
                        scale_up: up,
                        scale_down: down,
                    }),
                    queue,
                    schedule: None,
                },
            },
        )
}

#[test]
fn valid_profiles_give_valid_hpas() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 1024,
        ..ProptestConfig::default()
    });
    let valid = std::cell::Cell::new(0usize);
    runner
        .run(&profile(), |p| {
            // JSON is YAML: the profile goes through the same loader as a file.
            let text = serde_json::to_string_pretty(&p).unwrap();
            let (loaded, diags) = check_source(&SourceFile::new("gen.yaml", text.clone()));
            prop_assert!(
                diags.iter().all(|d| d.rule != "P0406"),
                "a specific check missed an API rule:\n{text}\n{diags:#?}"
            );
            if diags
                .iter()
                .all(|d| d.severity != scaleplan_diag::Severity::Error)
            {
                valid.set(valid.get() + 1);
                let r = &loaded[0].resolved;
                let errs = api_validation(r);
                prop_assert!(errs.is_empty(), "{text}\n{errs:?}");
                prop_assert!(r.min_replicas <= r.max_replicas);
            }
            Ok(())
        })
        .unwrap();
    // The generator must reach both sides, or the property says nothing.
    eprintln!("{} of 1024 generated profiles valid", valid.get());
    assert!(
        valid.get() >= 50,
        "only {} of 1024 generated profiles were valid",
        valid.get()
    );
    assert!(
        valid.get() <= 1000,
        "{} of 1024 valid: the generator hardly makes mistakes",
        valid.get()
    );
}

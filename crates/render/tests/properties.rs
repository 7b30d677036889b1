//! Every profile that validates renders objects that pass our own checks
//! (common/checks.rs): the HPA passes API validation, the queue pipeline
//! agrees end to end, the schedule's RBAC is limited to its HPA.

mod common;

#[path = "common/checks.rs"]
mod checks;
#[path = "common/generate.rs"]
mod generate;

use generate::{Choice, QueueChoice, profile_yaml};
use proptest::prelude::*;
use scaleplan_diag::SourceFile;
use scaleplan_profile::check_source;
use scaleplan_render::render_profiles;

fn queue() -> impl Strategy<Value = Option<QueueChoice>> {
    proptest::option::of(
        (
            any::<bool>(),
            any::<bool>(),
            1u8..4,
            1i64..200,
            0usize..3,
            any::<bool>(),
        )
            .prop_map(
                |(object, community, queues, per_replica, release, scale_to_zero)| QueueChoice {
                    object,
                    community,
                    queues,
                    per_replica,
                    release: ["prometheus", "kube-prometheus-stack", "mon"][release],
                    scale_to_zero,
                },
            ),
    )
}

fn choice() -> impl Strategy<Value = Choice> {
    (
        (
            0usize..3,
            any::<bool>(),
            0i64..5,
            0i64..40,
            0u8..4,
            0u8..4,
            1i64..150,
        ),
        (
            any::<bool>(),
            0i64..4000,
            any::<bool>(),
            queue(),
            0u8..3,
            1i64..6,
        ),
    )
        .prop_map(
            |(
                (preset, statefulset, min, extra, cpu, memory, utilization),
                (behavior, stabilization, select_min, queue, windows, window_min),
            )| Choice {
                preset: [None, Some("api"), Some("worker")][preset],
                statefulset,
                min,
                max: min + extra,
                cpu,
                memory,
                utilization,
                behavior,
                stabilization,
                select_min,
                queue,
                windows,
                window_min,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn valid_profiles_render_objects_that_pass_our_checks(c in choice(), name_len in 1usize..40) {
        let name: String = "p".repeat(name_len);
        let yaml = profile_yaml(&name, "team-ns", &c);
        let (profiles, diags) = check_source(&SourceFile::new("gen.yaml", yaml.clone()));
        let valid = !diags.iter().any(|d| d.severity == scaleplan_diag::Severity::Error);
        prop_assume!(valid && profiles.len() == 1);
        let artifacts = render_profiles(&profiles);
        let violations = checks::check(&profiles[0], &artifacts);
        prop_assert!(violations.is_empty(), "{yaml}\n{violations:#?}");
    }
}

/// The generator must mostly produce valid profiles, or the property above
/// would test little: at least 3 in 4 of a fixed sample validate.
#[test]
fn the_generator_produces_mostly_valid_profiles() {
    let mut valid = 0;
    for i in 0..200 {
        let yaml = profile_yaml(&format!("p{i}"), "ns", &generate::choice(i));
        let (_, diags) = check_source(&SourceFile::new("gen.yaml", yaml));
        if !diags
            .iter()
            .any(|d| d.severity == scaleplan_diag::Severity::Error)
        {
            valid += 1;
        }
    }
    assert!(
        valid >= 150,
        "only {valid} of 200 generated profiles validate"
    );
}

#[test]
fn the_examples_pass_our_checks() {
    for p in common::all_examples() {
        let artifacts = render_profiles(std::slice::from_ref(&p));
        let mut violations = checks::check(&p, &artifacts);
        checks::lint(
            &mut violations,
            &artifacts,
            scaleplan_diag::Severity::Warning,
        );
        assert!(violations.is_empty(), "{}: {violations:#?}", p.file);
    }
}

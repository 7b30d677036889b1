//! The autoscaling rules, one per file.
//!
//! To add a rule:
//! 1. Create `src/rules/<rule_name>.rs` (snake_case of the rule's kebab-case
//!    name). Start it with the user docs as `//!` comments in the house
//!    sections: `## What it does`, `## Why is this bad?`, `## Example`,
//!    `Use instead:`, `## References`. `scaleplan explain <ID>` prints this
//!    comment verbatim, so write it for users.
//! 2. Declare `pub(crate) const RULE: Rule` (ID, kebab-case name, default
//!    severity, enabled by default or not, one-line summary without a final
//!    period, and the check) and write the check function.
//!    [`Check::Document`](crate::rule::Check) rules see one document with
//!    positions; [`Check::Objects`](crate::rule::Check) rules see the
//!    [`Index`](crate::index::Index) of every object in the input set.
//! 3. Add the module name to the list below (keep it sorted by ID).
//! 4. Add a fixture under `tests/fixtures/lint/<rule_name>/` and a snapshot.
//!
//! `hpa_min_above_max.rs` is the worked example.

crate::registry::register! { RULES:
    hpa_min_above_max,
    hpa_min_equals_max,
    hpa_api_validation,
    invalid_scale_target_ref,
    hpa_no_metrics,
    scale_down_without_stabilization,
    queue_metric_value_target,
    utilization_above_request,
    throughput_metric,
    stale_scale_target_version,
    removed_api_version,
    deprecated_api_version,
    scale_target_missing,
    target_sets_replicas,
    target_missing_request,
    pdb_blocks_eviction,
    multiple_autoscalers,
    cronjob_patches_hpa,
    series_query_not_selector,
    metrics_query_ignores_templates,
    group_by_in_external_rule,
    metric_not_exposed,
    promql_parse_error,
    default_rules_overlap,
    unmaintained_exporter_image,
    metric_not_exported,
    exporter_port_mismatch,
    exporter_env_names,
    scrape_annotations_without_monitor,
    described_object_not_metric_source,
    keda_replica_bounds,
    keda_idle_replica_count_nonzero,
    keda_fallback_invalid,
    keda_trigger_invalid,
    keda_name_too_long,
    keda_scaling_modifiers_invalid,
    keda_cpu_memory_scale_to_zero,
    keda_cron_trigger_invalid,
    keda_activation_above_target,
}

// Knowledge the rules share: HPAs in the v2 shape, scale targets and their
// pods, prometheus-adapter rules, and the Celery exporters.
mod adapter_rules;
pub(crate) mod celery_exporter;
pub(crate) mod hpa_shape;
mod retired_apis;
pub(crate) mod workload;

/// What a rule file usually needs.
#[allow(unused_imports)]
mod prelude {
    pub(crate) use crate::index::{Index, IndexedObject};
    pub(crate) use crate::kind::ObjectKind;
    pub(crate) use crate::rule::{Check, DocumentContext, Findings, ObjectsContext, Rule};
    pub(crate) use crate::version::KubeVersion;
    pub(crate) use scaleplan_diag::Severity;
    pub(crate) use serde_json::Value;
}

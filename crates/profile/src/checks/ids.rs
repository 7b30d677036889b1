//! Every validation check with its stable ID. IDs never change meaning; a
//! retired check keeps its number unused. `docs/profiles.md` lists them and a
//! test requires an invalid fixture for each one.

/// One check: stable ID, a short kebab-case name (also the fixture's file
/// name under `tests/fixtures/profiles/invalid/`), and what it rejects.
#[derive(Clone, Copy, Debug)]
pub struct CheckInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
}

macro_rules! checks {
    ($($konst:ident = $id:literal, $name:literal, $summary:literal;)*) => {
        $(#[doc = $summary] pub const $konst: &str = $id;)*
        /// Every check, in ID order.
        pub const CHECKS: &[CheckInfo] = &[$(CheckInfo { id: $id, name: $name, summary: $summary }),*];
    };
}

checks! {
    NOT_A_PROFILE = "P0001", "not-a-profile", "A document in a profile path is not a ScalingProfile.";
    IO = "P0002", "unreadable-path", "A path given on the command line cannot be read.";
    UNKNOWN_FIELD = "P0101", "unknown-field", "A field the profile format does not have (usually a typo).";
    WRONG_TYPE = "P0102", "wrong-type", "A field has the wrong type (a string where a number belongs, ...).";
    MISSING_FIELD = "P0103", "missing-field", "A required field is missing or a required list is empty.";
    INVALID_VALUE = "P0104", "invalid-value", "A field has a value outside its allowed set (apiVersion, kind, enums).";
    MIN_ABOVE_MAX = "P0201", "min-above-max", "minReplicas is greater than maxReplicas.";
    MIN_BELOW_ONE = "P0202", "min-below-one", "minReplicas is below 1 (0 needs a queue metric and queue.scaleToZero).";
    MAX_BELOW_ONE = "P0203", "max-below-one", "maxReplicas is below 1.";
    MAX_MISSING = "P0204", "max-missing", "No maxReplicas: neither the profile nor a preset sets it.";
    REPLICAS_RANGE = "P0205", "replicas-out-of-range", "A replica count does not fit in the API's 32-bit integer.";
    NO_METRIC = "P0301", "no-metric", "The HPA would have no metric at all.";
    DUPLICATE_METRIC = "P0302", "duplicate-metric", "The same queue is listed twice (a target repeated as a YAML key is already a YAML001 duplicate-key error).";
    TARGET_INVALID = "P0303", "target-invalid", "A resource target sets neither or both of averageUtilization and averageValue, or a non-positive one.";
    MISSING_REQUEST = "P0304", "missing-request", "A cpu/memory Utilization target while a container has no request for that resource.";
    LIMIT_BELOW_REQUEST = "P0305", "limit-below-request", "A container's limit is below its request.";
    MALFORMED_QUANTITY = "P0306", "malformed-quantity", "A quantity Kubernetes cannot parse (e.g. `500 m`, `1GB`).";
    WINDOW_RANGE = "P0401", "stabilization-window-range", "stabilizationWindowSeconds outside [0, 3600].";
    POLICY_VALUE = "P0402", "policy-value", "A scaling policy value is not greater than 0.";
    POLICY_PERIOD = "P0403", "policy-period", "A scaling policy periodSeconds outside [1, 1800].";
    EMPTY_POLICIES = "P0404", "empty-policies", "An explicit empty policies list, which the API server rejects.";
    NEGATIVE_TOLERANCE = "P0405", "negative-tolerance", "A negative tolerance.";
    HPA_API_REJECTS = "P0406", "hpa-api-rejects", "The generated HPA fails the API server's validation in a way no more specific check caught (a safety net; reaching it is a bug).";
    TOLERANCE_GATE = "P0407", "tolerance-gate", "Warning: `tolerance` needs the alpha HPAConfigurableTolerance feature gate.";
    INVALID_NAME = "P0501", "invalid-name", "A name Kubernetes rejects (DNS-1123 label or subdomain rules).";
    INVALID_NAMESPACE = "P0502", "invalid-namespace", "A namespace Kubernetes rejects.";
    INVALID_LABEL = "P0503", "invalid-label", "A label or annotation key or value Kubernetes rejects.";
    GENERATED_NAME_TOO_LONG = "P0504", "generated-name-too-long", "A generated object name would exceed its limit (CronJob: 52 characters).";
    QUEUE_TARGET = "P0601", "queue-target", "backlogPerReplica is not a positive quantity.";
    NO_QUEUE = "P0602", "no-queue", "queue.queues is empty or has an empty name.";
    INLINE_CREDENTIALS = "P0603", "inline-credentials", "The broker URL carries a password or user inline.";
    BROKER_REFERENCE = "P0604", "broker-reference", "The broker is neither a complete Secret reference nor a URL, or both.";
    EXPORTER_IMAGE_UNPINNED = "P0605", "exporter-image-unpinned", "The exporter image is untagged or `:latest`.";
    EXPORTER_PORT = "P0606", "exporter-port", "The exporter port is outside [1, 65535].";
    PROMETHEUS_URL = "P0607", "prometheus-url", "The Prometheus URL override is not an http(s) URL.";
    SCALE_TO_ZERO_GATE = "P0608", "scale-to-zero-gate", "Warning: minReplicas 0 needs the alpha HPAScaleToZero feature gate.";
    INVALID_CRON = "P0701", "invalid-cron", "A schedule Kubernetes rejects or that never fires.";
    INVALID_TIME_ZONE = "P0702", "invalid-time-zone", "A time zone not in the IANA database.";
    SCHEDULED_REPLICAS = "P0703", "scheduled-replicas", "Scheduled or restored replicas outside [1, maxReplicas].";
    OVERLAPPING_WINDOWS = "P0704", "overlapping-windows", "Two schedule windows are open at the same time.";
    DUPLICATE_WINDOW = "P0705", "duplicate-window", "Two windows of a profile have the same name.";
    DUPLICATE_HPA = "P0801", "duplicate-hpa", "Two profiles generate the same HPA.";
    DUPLICATE_WORKLOAD = "P0802", "duplicate-workload", "Two profiles scale the same workload.";
    DUPLICATE_OBJECT = "P0803", "duplicate-object", "Two profiles generate another object (exporter, CronJob, RBAC) with the same name.";
}

/// The registry entry of an ID.
pub fn info(id: &str) -> Option<&'static CheckInfo> {
    CHECKS.iter().find(|c| c.id == id)
}

//! Generated scaling profiles for the property test and the benchmark:
//! every combination of preset, targets, queue pipeline and schedule that
//! the model offers, written as profile YAML.

/// The choices that make one profile.
#[derive(Clone, Debug)]
pub struct Choice {
    pub preset: Option<&'static str>,
    pub statefulset: bool,
    pub min: i64,
    pub max: i64,
    /// 0: preset's, 1: utilization, 2: averageValue, 3: removed (`null`)
    pub cpu: u8,
    pub memory: u8,
    pub utilization: i64,
    pub behavior: bool,
    pub stabilization: i64,
    pub select_min: bool,
    pub queue: Option<QueueChoice>,
    /// 0..=2 windows.
    pub windows: u8,
    pub window_min: i64,
}

#[derive(Clone, Debug)]
pub struct QueueChoice {
    pub object: bool,
    pub community: bool,
    pub queues: u8,
    pub per_replica: i64,
    pub release: &'static str,
    pub scale_to_zero: bool,
}

/// A choice from a number, for reproducible sets (the benchmark).
pub fn choice(seed: u64) -> Choice {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |n: u64| {
        s ^= s >> 33;
        s = s.wrapping_mul(0xff51afd7ed558ccd);
        s ^= s >> 29;
        (s % n) as i64
    };
    let preset = [None, Some("api"), Some("worker")][next(3) as usize];
    let min = 1 + next(4);
    let queue = (next(2) == 0).then(|| QueueChoice {
        object: next(2) == 0,
        community: next(2) == 0,
        queues: 1 + next(3) as u8,
        per_replica: 1 + next(100),
        release: ["prometheus", "kube-prometheus-stack", "mon"][next(3) as usize],
        scale_to_zero: false,
    });
    Choice {
        preset,
        statefulset: next(4) == 0,
        min,
        max: min + next(30),
        cpu: next(4) as u8,
        memory: next(4) as u8,
        utilization: 1 + next(100),
        behavior: next(2) == 0,
        stabilization: next(3601),
        select_min: next(2) == 0,
        queue,
        windows: next(3) as u8,
        window_min: 1 + next(3),
    }
}

fn target(kind: u8, resource: &str, utilization: i64) -> Option<String> {
    match kind {
        1 => Some(format!(
            "    {resource}: {{averageUtilization: {utilization}}}\n"
        )),
        2 => Some(match resource {
            "cpu" => format!("    cpu: {{averageValue: {}m}}\n", 10 * utilization),
            _ => format!("    memory: {{averageValue: {}Mi}}\n", utilization),
        }),
        3 => Some(format!("    {resource}: null\n")),
        _ => None,
    }
}

/// Profile YAML for `name` in `namespace`.
pub fn profile_yaml(name: &str, namespace: &str, c: &Choice) -> String {
    let mut y = format!(
        "apiVersion: scaleplan.dev/v1alpha1\nkind: ScalingProfile\nmetadata:\n  name: {name}\n  namespace: {namespace}\n  labels: {{team: t{}}}\nspec:\n",
        name.len() % 3
    );
    if let Some(p) = c.preset {
        y.push_str(&format!("  preset: {p}\n"));
    }
    y.push_str(&format!(
        "  workload:\n    kind: {}\n    name: {name}-app\n    containers:\n    - name: app\n      resources:\n        requests: {{cpu: 100m, memory: 128Mi}}\n        limits: {{cpu: '1', memory: 1Gi}}\n    - name: sidecar\n      resources:\n        requests: {{cpu: 10m, memory: 16Mi}}\n",
        if c.statefulset { "StatefulSet" } else { "Deployment" }
    ));
    y.push_str(&format!("  replicas: {{min: {}, max: {}}}\n", c.min, c.max));
    let targets: Vec<String> = [
        target(c.cpu, "cpu", c.utilization),
        target(c.memory, "memory", c.utilization),
    ]
    .into_iter()
    .flatten()
    .collect();
    // Without a preset, keep at least one metric.
    let targets =
        if c.preset.is_none() && c.queue.is_none() && targets.iter().all(|t| t.contains("null")) {
            vec![format!(
                "    cpu: {{averageUtilization: {}}}\n",
                c.utilization
            )]
        } else {
            targets
        };
    if !targets.is_empty() {
        y.push_str("  targets:\n");
        for t in targets {
            y.push_str(&t);
        }
    }
    if c.behavior {
        y.push_str(&format!(
            "  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: {}\n      selectPolicy: {}\n      policies: [{{type: Pods, value: 1, periodSeconds: 60}}, {{type: Percent, value: 10, periodSeconds: 120}}]\n    scaleUp:\n      policies: [{{type: Percent, value: 100, periodSeconds: 15}}]\n",
            c.stabilization,
            if c.select_min { "Min" } else { "Max" }
        ));
    }
    if let Some(q) = &c.queue {
        let queues: Vec<String> = (0..q.queues).map(|i| format!("q{i}")).collect();
        y.push_str(&format!(
            "  queue:\n    broker: {{secretName: {name}-broker, key: url}}\n    queues: [{}]\n    backlogPerReplica: {}\n    scaleToZero: {}\n    metric: {{type: {}}}\n    prometheus: {{stack: {}, release: {}, namespace: monitoring}}\n",
            queues.join(", "),
            q.per_replica,
            q.scale_to_zero,
            if q.object { "Object" } else { "External" },
            if q.community { "prometheus" } else { "kube-prometheus-stack" },
            q.release,
        ));
    }
    if c.windows > 0 {
        y.push_str("  schedule:\n    windows:\n");
        let w = c.window_min.min(c.max);
        y.push_str(&format!(
            "    - {{name: morning, start: '0 8 * * 1-5', end: '0 12 * * 1-5', timeZone: Europe/Berlin, minReplicas: {w}}}\n"
        ));
        if c.windows > 1 {
            y.push_str(&format!(
                "    - {{name: afternoon, start: '0 13 * * 1-5', end: '0 18 * * 1-5', minReplicas: {w}, maxReplicas: {}}}\n",
                c.max
            ));
        }
    }
    y
}

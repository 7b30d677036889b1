//! The scale target's pods as the controller sees them: created when the HPA
//! raises `spec.replicas`, Pending until `--pod-startup` has passed, then
//! Running and Ready; removed at once when it lowers it.
//!
//! Every pod takes the same time to start, so pods become ready in the order
//! they were created: the ready pods are always a prefix of the list. A
//! ReplicaSet scaling down deletes not-ready pods first, then the most
//! recently ready, which is always the tail. Both keep the bookkeeping to a
//! `Vec` that only grows and shrinks at its end.

use scaleplan_hpa::observations::{ContainerRequests, PodObservation, PodPhase};

/// Every pod's request for every resource, in milli-units: one "pod's worth".
/// Utilization columns are in percent of this, so its size cancels out.
pub const REQUEST_MILLI: i64 = 1000;

/// One pod's lifetime.
#[derive(Clone, Copy, Debug)]
pub struct PodTimes {
    pub created: f64,
    pub ready_at: f64,
}

/// The target's pods, kept next to the observation list the controller reads
/// so that a sync updates them in place instead of rebuilding them.
#[derive(Debug)]
pub struct Pods {
    pub times: Vec<PodTimes>,
    pub observed: Vec<PodObservation>,
    /// Containers every pod has, with a request for every resource a metric reads.
    template: Vec<ContainerRequests>,
    startup: f64,
    next_id: u64,
    /// How many pods were ready at the last `refresh`.
    ready: usize,
}

impl Pods {
    /// `initial` pods that have been ready since long before the trace.
    pub fn new(initial: usize, start: f64, startup: f64, template: Vec<ContainerRequests>) -> Self {
        let mut pods = Pods {
            times: Vec::new(),
            observed: Vec::new(),
            template,
            startup,
            next_id: 0,
            ready: 0,
        };
        let long_ago = start - 3600.0;
        for _ in 0..initial {
            pods.push(long_ago, long_ago);
        }
        pods.refresh(start);
        pods
    }

    fn push(&mut self, created: f64, ready_at: f64) {
        self.times.push(PodTimes { created, ready_at });
        self.observed.push(PodObservation {
            name: format!("pod-{}", self.next_id),
            phase: PodPhase::Pending,
            ready: Some(false),
            ready_transition_s: secs(created),
            start_time_s: Some(secs(created)),
            deleting: false,
            containers: self.template.clone(),
            pod_requests: None,
        });
        self.next_id += 1;
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Pods ready at `t` (a prefix of the list).
    pub fn ready_at(&self, t: f64) -> usize {
        self.times.partition_point(|p| p.ready_at <= t)
    }

    /// When the next pod becomes ready after `t`, if one is starting.
    pub fn next_ready_after(&self, t: f64) -> Option<f64> {
        self.times.get(self.ready_at(t)).map(|p| p.ready_at)
    }

    /// Brings phases and Ready conditions up to time `t`; returns the ready count.
    pub fn refresh(&mut self, t: f64) -> usize {
        let ready = self.ready_at(t);
        for i in self.ready.min(ready)..ready {
            let o = &mut self.observed[i];
            o.phase = PodPhase::Running;
            o.ready = Some(true);
            o.ready_transition_s = secs(self.times[i].ready_at);
        }
        self.ready = ready;
        ready
    }

    /// Sets the pod count to `n` at time `t`.
    pub fn scale_to(&mut self, n: usize, t: f64) {
        while self.len() < n {
            self.push(t, t + self.startup);
        }
        self.times.truncate(n);
        self.observed.truncate(n);
        self.ready = self.ready.min(n);
    }
}

/// The controller's clock is whole seconds.
pub fn secs(t: f64) -> i64 {
    t.round() as i64
}

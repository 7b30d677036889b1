//! The closed loop's work queue, as a fluid: tasks arrive at the trace's rate,
//! ready pods drain them at `service rate × ready pods`, first in first out.
//! Between two events every rate is constant, so the backlog is piecewise
//! linear and is integrated exactly (no time step to choose).

use std::collections::VecDeque;

/// Below this many tasks the queue counts as empty: the float sums of a long
/// run leave crumbs that are not work.
const EMPTY: f64 = 1e-9;

/// The backlog, what went through it, and the history the metric lag and the
/// waiting times need.
#[derive(Clone, Debug)]
pub struct Queue {
    /// Tasks waiting now.
    pub backlog: f64,
    /// Tasks that have arrived since the start.
    pub arrived: f64,
    /// Tasks that have been served since the start.
    pub served: f64,
    pub peak_backlog: f64,
    /// Longest time a task waited between arriving and being served, in seconds.
    pub longest_wait: f64,
    /// `(time, backlog)` breakpoints back to the oldest instant a lagged metric reads.
    history: VecDeque<(f64, f64)>,
    /// `(time, arrived)` breakpoints of the tasks not yet served, oldest first:
    /// the FIFO order a task's wait is read from.
    arrivals: VecDeque<(f64, f64)>,
}

impl Queue {
    pub fn new(start: f64) -> Self {
        Queue {
            backlog: 0.0,
            arrived: 0.0,
            served: 0.0,
            peak_backlog: 0.0,
            longest_wait: 0.0,
            history: VecDeque::from([(start, 0.0)]),
            arrivals: VecDeque::from([(start, 0.0)]),
        }
    }

    /// Runs the queue from `t0` to `t1` with `rate_in` tasks/s arriving and
    /// `capacity` tasks/s of service.
    pub fn advance(&mut self, t0: f64, t1: f64, rate_in: f64, capacity: f64) {
        let dt = t1 - t0;
        if dt <= 0.0 {
            return;
        }
        let net = rate_in - capacity;
        // The queue empties inside this interval: split there so that both
        // pieces are linear.
        if self.backlog > EMPTY && net < 0.0 {
            let t_empty = t0 + self.backlog / -net;
            if t_empty < t1 {
                self.piece(t0, t_empty, rate_in, capacity);
                self.backlog = 0.0;
                self.piece(t_empty, t1, rate_in, capacity);
                return;
            }
        }
        self.piece(t0, t1, rate_in, capacity);
    }

    /// One linear piece: the queue is either busy throughout or empty throughout.
    fn piece(&mut self, t0: f64, t1: f64, rate_in: f64, capacity: f64) {
        let dt = t1 - t0;
        if dt <= 0.0 {
            return;
        }
        let busy = self.backlog > EMPTY || rate_in > capacity;
        let out_rate = if busy { capacity } else { rate_in };
        let d0 = self.served;
        self.arrived += rate_in * dt;
        self.served += out_rate * dt;
        self.backlog = (self.backlog + (rate_in - out_rate) * dt).max(0.0);
        if self.backlog <= EMPTY {
            // Served caught up with arrived; keep them consistent to the bit.
            self.served = self.arrived - self.backlog;
        }
        self.peak_backlog = self.peak_backlog.max(self.backlog);
        self.history.push_back((t1, self.backlog));
        if rate_in > 0.0 {
            self.arrivals.push_back((t1, self.arrived));
        }
        self.track_waits(t0, d0, t1, self.served);
    }

    /// FIFO waiting times. The task served at `s` arrived when the arrival
    /// count reached the served count `D(s)`; its wait is the horizontal gap
    /// between the two cumulative curves. Both are piecewise linear, so the
    /// largest gap is at a breakpoint of one of them: at `s1`, or where `D`
    /// crosses an arrival breakpoint inside `[s0, s1]`.
    fn track_waits(&mut self, s0: f64, d0: f64, s1: f64, d1: f64) {
        if self.backlog <= EMPTY {
            // Everything that arrived has been served: the last task waited
            // only if the queue was busy up to now, which the crossing below
            // already measured; start afresh.
            self.drain_crossings(s0, d0, s1, d1);
            self.arrivals.clear();
            self.arrivals.push_back((s1, self.arrived));
            return;
        }
        self.drain_crossings(s0, d0, s1, d1);
        if let Some(u) = self.arrival_time_of(d1) {
            self.longest_wait = self.longest_wait.max(s1 - u);
        }
    }

    fn drain_crossings(&mut self, s0: f64, d0: f64, s1: f64, d1: f64) {
        // Keep the front as the breakpoint at or before D so it can interpolate.
        while self.arrivals.len() > 1 && self.arrivals[1].1 <= d1 + EMPTY {
            let (u, a) = self.arrivals[1];
            if d1 > d0 && a > d0 {
                let s = s0 + (a - d0) / (d1 - d0) * (s1 - s0);
                self.longest_wait = self.longest_wait.max(s - u);
            }
            self.arrivals.pop_front();
        }
    }

    /// When the task numbered `d` (cumulatively) arrived.
    fn arrival_time_of(&self, d: f64) -> Option<f64> {
        let &(u0, a0) = self.arrivals.front()?;
        match self.arrivals.get(1) {
            Some(&(u1, a1)) if a1 > a0 && d > a0 => Some(u0 + (d - a0) / (a1 - a0) * (u1 - u0)),
            _ => Some(u0),
        }
    }

    /// The backlog at time `t` (at most as old as the last `forget_before`).
    pub fn backlog_at(&self, t: f64) -> f64 {
        let i = self.history.partition_point(|&(ht, _)| ht <= t);
        if i == 0 {
            return self.history.front().map_or(0.0, |h| h.1);
        }
        let (t0, b0) = self.history[i - 1];
        match self.history.get(i) {
            Some(&(t1, b1)) if t1 > t0 => b0 + (b1 - b0) * (t - t0) / (t1 - t0),
            _ => b0,
        }
    }

    /// Drops history older than `t`, keeping the breakpoint at or before it.
    pub fn forget_before(&mut self, t: f64) {
        while self.history.len() > 1 && self.history[1].0 <= t {
            self.history.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_drains_and_waits_are_fifo() {
        // 10 tasks/s for 10 s into 5 tasks/s of service: 50 queued at t=10,
        // drained at t=20; the last task (arrived t=10) is served at t=20.
        let mut q = Queue::new(0.0);
        q.advance(0.0, 10.0, 10.0, 5.0);
        assert!((q.backlog - 50.0).abs() < 1e-9);
        q.advance(10.0, 30.0, 0.0, 5.0);
        assert_eq!(q.backlog, 0.0);
        assert!((q.longest_wait - 10.0).abs() < 1e-9, "{}", q.longest_wait);
        assert!((q.arrived - q.served).abs() < 1e-9);
        assert!((q.peak_backlog - 50.0).abs() < 1e-9);
    }

    #[test]
    fn lagged_reads_interpolate() {
        let mut q = Queue::new(0.0);
        q.advance(0.0, 10.0, 2.0, 0.0);
        assert!((q.backlog_at(5.0) - 10.0).abs() < 1e-9);
        assert_eq!(q.backlog_at(-3.0), 0.0);
        q.forget_before(9.0);
        assert!((q.backlog_at(10.0) - 20.0).abs() < 1e-9);
    }
}

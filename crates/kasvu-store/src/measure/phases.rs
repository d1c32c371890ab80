//! Where a value write's time goes, phase by phase, for the benchmark
//! (`kasvu-bench --import-only` prints the breakdown). Timing costs a clock
//! read per phase; only builds with the `testing` feature keep the figures.

use std::time::{Duration, Instant};

/// Accumulated time per named phase of one write.
pub(super) struct Phases {
    last: Instant,
    times: Vec<(&'static str, Duration)>,
}

impl Phases {
    pub(super) fn new() -> Phases {
        Phases {
            last: Instant::now(),
            times: Vec::new(),
        }
    }

    /// Adds the time since the previous mark to `name`.
    pub(super) fn mark(&mut self, name: &'static str) {
        let now = Instant::now();
        let d = now - self.last;
        self.last = now;
        match self.times.iter_mut().find(|(n, _)| *n == name) {
            Some((_, t)) => *t += d,
            None => self.times.push((name, d)),
        }
    }

    /// Keeps the figures for [`last_write_phases`].
    pub(super) fn publish(self) {
        #[cfg(feature = "testing")]
        {
            let mut last = LAST
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *last = self.times;
        }
    }
}

#[cfg(feature = "testing")]
static LAST: std::sync::Mutex<Vec<(&'static str, Duration)>> = std::sync::Mutex::new(Vec::new());

/// The phases of the last value write that finished in this process, in
/// order ("read" is the time spent between pushes, i.e. by the caller
/// reading the file). For the benchmark only.
#[cfg(feature = "testing")]
pub fn last_write_phases() -> Vec<(&'static str, Duration)> {
    LAST.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

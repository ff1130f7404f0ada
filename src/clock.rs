//! Simulated batch time: the clock advances by one batch interval per tick, and a browser
//! timer only decides *when* the next tick happens (see DESIGN.md, "Time").

use gloo_timers::future::TimeoutFuture;

/// The page's clock in milliseconds (`performance.now()`); 0 outside a browser.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// The slowest playback speed the page offers (a quarter of real time).
pub const MIN_SPEED: f64 = 0.25;
/// The fastest playback speed the page offers (ten batches per batch interval).
pub const MAX_SPEED: f64 = 10.0;

/// The batch clock of a streaming context: how many batches ran, and at which simulated time.
///
/// Batch `i` (0-based) has time `(i + 1) * batch_interval_ms`, as in Spark, where the zero time
/// is one batch before the first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchClock {
    batch_interval_ms: u64,
    batches_done: u64,
}

impl BatchClock {
    /// A clock before its first batch.
    pub fn new(batch_interval_ms: u64) -> Self {
        Self {
            batch_interval_ms,
            batches_done: 0,
        }
    }

    pub fn batch_interval_ms(&self) -> u64 {
        self.batch_interval_ms
    }

    /// How many batches have run.
    pub fn batches_done(&self) -> u64 {
        self.batches_done
    }

    /// The simulated time of the last batch that ran; `None` before the first batch.
    pub fn last_batch_time_ms(&self) -> Option<u64> {
        (self.batches_done > 0).then(|| self.batches_done * self.batch_interval_ms)
    }

    /// Runs the next batch's tick and returns its simulated time.
    pub fn tick(&mut self) -> u64 {
        self.batches_done += 1;
        self.batches_done * self.batch_interval_ms
    }
}

/// Real milliseconds between two ticks when playing at `speed` (1.0 = one batch per batch
/// interval); the speed is held to [`MIN_SPEED`, `MAX_SPEED`], and anything that is not a
/// number plays at real time.
pub fn tick_delay_ms(batch_interval_ms: u64, speed: f64) -> u32 {
    let speed = if speed.is_nan() {
        1.0
    } else {
        speed.clamp(MIN_SPEED, MAX_SPEED)
    };
    let delay = (batch_interval_ms as f64 / speed).round();
    if delay >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        delay as u32
    }
}

/// `4000` → `4 s`, `500` → `500 ms`, `3600000` → `1 h`.
pub fn duration(ms: u64) -> String {
    if ms >= 3_600_000 && ms.is_multiple_of(3_600_000) {
        format!("{} h", ms / 3_600_000)
    } else if ms >= 60_000 && ms.is_multiple_of(60_000) {
        format!("{} min", ms / 60_000)
    } else if ms >= 1000 && ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else if ms >= 1000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{ms} ms")
    }
}

/// Waits for one real browser timer (the delay for `speed`), then ticks `clock` once and
/// returns the new batch's simulated time. Only works in a browser.
pub async fn tick_after_timer(clock: &mut BatchClock, speed: f64) -> u64 {
    TimeoutFuture::new(tick_delay_ms(clock.batch_interval_ms, speed)).await;
    clock.tick()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_times_follow_sparks_zero_time() {
        let mut clock = BatchClock::new(500);
        assert_eq!(clock.last_batch_time_ms(), None);
        assert_eq!(clock.tick(), 500);
        assert_eq!(clock.tick(), 1000);
        assert_eq!(clock.tick(), 1500);
        assert_eq!(clock.batches_done(), 3);
        assert_eq!(clock.last_batch_time_ms(), Some(1500));
    }

    #[test]
    fn speed_scales_the_real_delay_within_bounds() {
        assert_eq!(tick_delay_ms(1000, 1.0), 1000);
        assert_eq!(tick_delay_ms(1000, 4.0), 250);
        assert_eq!(tick_delay_ms(1000, 0.25), 4000);
        assert_eq!(tick_delay_ms(1000, 100.0), 100, "held to 10x");
        assert_eq!(tick_delay_ms(1000, 0.0), 4000, "held to 0.25x");
        assert_eq!(tick_delay_ms(1000, f64::NAN), 1000);
        assert_eq!(tick_delay_ms(u64::MAX, 0.25), u32::MAX);
    }
}

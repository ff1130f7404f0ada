//! Browser test: the batch clock advances on real gloo timers in Chromium, one batch interval
//! of simulated time per timer, whatever the playback speed.
#![cfg(target_arch = "wasm32")]

use dstream_playground::clock::{tick_after_timer, BatchClock};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn each_timer_advances_simulated_time_by_one_batch() {
    let mut clock = BatchClock::new(500);
    // 10x speed: a real 50 ms timer per 500 ms batch.
    let mut times = Vec::new();
    for _ in 0..3 {
        times.push(tick_after_timer(&mut clock, 10.0).await);
    }
    assert_eq!(times, vec![500, 1000, 1500]);
    assert_eq!(clock.batches_done(), 3);
    assert_eq!(clock.last_batch_time_ms(), Some(1500));
}

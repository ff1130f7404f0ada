//! The batch timer: while playing, a gloo `Interval` asks for the next tick every
//! `delay_ms` of real time. Simulated time stays in the engine; the timer only decides when,
//! and remembers when each tick was due so the page can show the scheduling delay.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

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

/// Calls `on_tick(due_ms, started_ms)` every `delay_ms` while `playing`.
///
/// # Arguments
/// * `playing`: the timer runs only while true; a change restarts it.
/// * `delay_ms`: real time between ticks (batch interval / speed).
/// * `on_tick`: the latest callback is always the one called.
///
/// # Example
/// ```ignore
/// use_ticker(state.playing, tick_delay_ms(interval, speed), Callback::from(move |(due, started)| {
///     dispatch(Action::Tick { due_ms: due, started_ms: started })
/// }));
/// ```
#[hook]
pub fn use_ticker(playing: bool, delay_ms: u32, on_tick: Callback<(f64, f64)>) {
    let latest = use_mut_ref(|| on_tick.clone());
    *latest.borrow_mut() = on_tick;
    use_effect_with((playing, delay_ms), move |&(playing, delay)| {
        let interval = playing.then(|| start(delay, latest));
        move || drop(interval)
    });
}

fn start(delay: u32, latest: Rc<RefCell<Callback<(f64, f64)>>>) -> Interval {
    let due = Rc::new(Cell::new(now_ms() + f64::from(delay)));
    Interval::new(delay, move || {
        let started = now_ms();
        let due_now = due.get();
        due.set(due_now + f64::from(delay));
        let cb = latest.borrow().clone();
        cb.emit((due_now, started));
    })
}

//! A minimal hand-written windowed word count, the practical limit for the same work in a
//! page: each batch's words (lines split on ' ') counted by interned id in an FxHash map, the
//! window kept incrementally (the entering batch added, the one leaving subtracted, as
//! `reduceByKeyAndWindow` with an inverse does), then the top 10 by (count, word). Same raw
//! exports as the engine's wasm: the page writes a batch into `input`, calls `batch`.

use std::cell::RefCell;
use std::collections::VecDeque;

use rustc_hash::FxHashMap;

const WINDOW: usize = 30;

#[derive(Default)]
struct State {
    ids: FxHashMap<Box<str>, u32>,
    words: Vec<Box<str>>,
    /// Per id: the count over the window.
    window: Vec<i64>,
    /// The batches in the window: (id, count) each.
    batches: VecDeque<Vec<(u32, i64)>>,
    /// Per id: this batch's count (reset after each batch).
    scratch: Vec<i64>,
    input: Vec<u8>,
    output: String,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

#[no_mangle]
pub extern "C" fn input(len: usize) -> *mut u8 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.input.resize(len, 0);
        s.input.as_mut_ptr()
    })
}

#[no_mangle]
pub extern "C" fn output_ptr() -> *const u8 {
    STATE.with(|s| s.borrow().output.as_ptr())
}

#[no_mangle]
pub extern "C" fn output_len() -> usize {
    STATE.with(|s| s.borrow().output.len())
}

#[no_mangle]
pub extern "C" fn start(_window_batches: u32) -> u32 {
    STATE.with(|s| *s.borrow_mut() = State::default());
    0
}

/// Counts the batch in the input; its words, and its top 10 as output.
#[no_mangle]
pub extern "C" fn batch(len: usize) -> u32 {
    STATE.with(|s| s.borrow_mut().batch(len))
}

impl State {
    fn batch(&mut self, len: usize) -> u32 {
        let input = std::mem::take(&mut self.input);
        let text = std::str::from_utf8(&input[..len.min(input.len())]).unwrap_or("");
        let mut touched: Vec<u32> = Vec::new();
        let mut words = 0u32;
        for line in text.split('\n') {
            for w in line.split(' ') {
                words += 1;
                let id = match self.ids.get(w) {
                    Some(&id) => id,
                    None => {
                        let id = self.words.len() as u32;
                        self.ids.insert(w.into(), id);
                        self.words.push(w.into());
                        self.window.push(0);
                        self.scratch.push(0);
                        id
                    }
                };
                let c = &mut self.scratch[id as usize];
                if *c == 0 {
                    touched.push(id);
                }
                *c += 1;
            }
        }
        let mut counts = Vec::with_capacity(touched.len());
        for id in touched {
            let c = std::mem::take(&mut self.scratch[id as usize]);
            self.window[id as usize] += c;
            counts.push((id, c));
        }
        self.batches.push_back(counts);
        if self.batches.len() > WINDOW {
            if let Some(old) = self.batches.pop_front() {
                for (id, c) in old {
                    self.window[id as usize] -= c;
                }
            }
        }
        // The 10 largest (count, word), largest first.
        let mut top: Vec<(i64, &str)> = Vec::with_capacity(11);
        for (id, &c) in self.window.iter().enumerate() {
            if c <= 0 {
                continue;
            }
            let key = (c, &*self.words[id]);
            if top.len() < 10 || key > top[top.len() - 1] {
                let at = top.partition_point(|k| *k > key);
                top.insert(at, key);
                top.truncate(10);
            }
        }
        self.output.clear();
        for (i, (c, w)) in top.iter().enumerate() {
            if i > 0 {
                self.output.push(' ');
            }
            self.output.push_str(w);
            self.output.push(':');
            self.output.push_str(&c.to_string());
        }
        self.input = input;
        words
    }
}

//! The engine's windowed word count as the side-by-side bench drives it: textInput lines →
//! `flatMap(line => line.split(" "))` → `map(PAIR)` → `reduceByKeyAndWindow(REDUCE, _ - _,
//! 30 s, 1 s)` → `foreachRDD` top 10 by `(count, word)`. [`Run`] is the driver (the native
//! binary uses it directly); in wasm, a few raw exports reach it through one thread-local run,
//! with text passed as UTF-8 bytes in a buffer the module owns (no wasm-bindgen, so the page
//! measures the engine, not glue).

use std::cell::RefCell;

use dstream_engine::{Engine, Value};

/// The pipeline, with the pair and reduce lambdas and the window (in batches) filled in.
pub fn pipeline(pair: &str, reduce: &str, window_batches: u64) -> String {
    fill(&[
        ("@PAIR", pair),
        ("@REDUCE", reduce),
        ("@WINDOW", &(window_batches * 1000).to_string()),
    ])
}

fn fill(subs: &[(&str, &str)]) -> String {
    let mut s = r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
      {"id": "lines", "op": "textInput"},
      {"id": "words", "op": "flatMap", "inputs": ["lines"], "fn": "line => line.split(\" \")"},
      {"id": "pairs", "op": "map", "inputs": ["words"], "fn": "@PAIR"},
      {"id": "counts", "op": "reduceByKeyAndWindow", "inputs": ["pairs"],
       "fn": "@REDUCE", "inverse": "_ - _", "window_ms": @WINDOW, "slide_ms": 1000},
      {"id": "top", "op": "foreachRDD", "inputs": ["counts"], "action": "top", "n": 10,
       "fn": "p => (p._2, p._1)"}
    ]}"#
    .to_string();
    for (from, to) in subs {
        s = s.replace(from, &to.replace('\\', "\\\\").replace('"', "\\\""));
    }
    s
}

/// One run of the word count.
pub struct Run {
    engine: Engine,
    /// The last batch's top 10, `word:count` separated by spaces.
    pub top: String,
    /// Words the last batch had.
    pub words: u64,
}

impl Run {
    pub fn new(pair: &str, reduce: &str, window_batches: u64) -> Result<Run, String> {
        let engine = Engine::from_json(&pipeline(pair, reduce, window_batches))
            .map_err(|e| format!("{e:?}"))?;
        Ok(Run {
            engine,
            top: String::new(),
            words: 0,
        })
    }

    /// Feeds one batch (lines separated by `\n`) and runs it.
    pub fn batch(&mut self, text: &str) -> Result<(), String> {
        let lines: Vec<Value> = text.split('\n').map(Value::str).collect();
        self.engine
            .feed("lines", lines)
            .map_err(|e| e.to_string())?;
        let report = self.engine.tick().map_err(|e| e.to_string())?;
        self.words = report.nodes[1].count;
        self.top.clear();
        for (i, r) in report.outputs[0].records.iter().enumerate() {
            if let Some((Value::Str(w), Value::Int(c))) = r.as_pair() {
                if i > 0 {
                    self.top.push(' ');
                }
                self.top.push_str(w);
                self.top.push(':');
                self.top.push_str(&c.to_string());
            }
        }
        Ok(())
    }
}

/// The criterion benchmark's pipeline (the engine's own generator, about 22.5k words a batch)
/// with a window of `window_batches`, filled.
pub fn window_engine(window_batches: u64) -> Result<Engine, String> {
    let spec = format!(
        r#"{{"version": 1, "batch_interval_ms": 1000, "nodes": [
          {{"id": "lines", "op": "generator", "kind": "words", "rate_per_s": 5000, "seed": 42}},
          {{"id": "words", "op": "flatMap", "inputs": ["lines"], "fn": "line => line.split(\" \")"}},
          {{"id": "pairs", "op": "map", "inputs": ["words"], "fn": "w => (w, 1)"}},
          {{"id": "counts", "op": "reduceByKeyAndWindow", "inputs": ["pairs"],
           "fn": "_ + _", "inverse": "_ - _", "window_ms": {}, "slide_ms": 1000}},
          {{"id": "out", "op": "foreachRDD", "inputs": ["counts"], "action": "count"}}]}}"#,
        window_batches * 1000
    );
    let mut e = Engine::from_json(&spec).map_err(|e| format!("{e:?}"))?;
    e.set_sample_limit(10);
    for _ in 0..window_batches + 20 {
        e.tick().map_err(|e| e.to_string())?;
    }
    Ok(e)
}

thread_local! {
    static RUN: RefCell<Option<Run>> = const { RefCell::new(None) };
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<String> = const { RefCell::new(String::new()) };
    static WINDOWS: RefCell<Vec<Engine>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `len` bytes the page writes text into before a call that reads it.
#[no_mangle]
pub extern "C" fn input(len: usize) -> *mut u8 {
    INPUT.with(|b| {
        let mut b = b.borrow_mut();
        b.resize(len, 0);
        b.as_mut_ptr()
    })
}

fn input_text() -> String {
    INPUT.with(|b| String::from_utf8_lossy(&b.borrow()).into_owned())
}

fn set_output(s: &str) {
    OUTPUT.with(|o| {
        let mut o = o.borrow_mut();
        o.clear();
        o.push_str(s);
    });
}

/// The text the last call wrote (a top 10 or an error).
#[no_mangle]
pub extern "C" fn output_ptr() -> *const u8 {
    OUTPUT.with(|o| o.borrow().as_ptr())
}

#[no_mangle]
pub extern "C" fn output_len() -> usize {
    OUTPUT.with(|o| o.borrow().len())
}

/// Starts a run; the input holds `pair\nreduce`. 0 on success, else 1 and the error as output.
#[no_mangle]
pub extern "C" fn start(window_batches: u32) -> u32 {
    let text = input_text();
    let (pair, reduce) = text.split_once('\n').unwrap_or((&text, "_ + _"));
    match Run::new(pair, reduce, u64::from(window_batches)) {
        Ok(run) => {
            RUN.with(|r| *r.borrow_mut() = Some(run));
            0
        }
        Err(e) => {
            set_output(&e);
            1
        }
    }
}

/// Runs the batch in the input (lines separated by `\n`): its words, and its top 10 as output
/// (`u32::MAX` and the error as output on failure).
#[no_mangle]
pub extern "C" fn batch(len: usize) -> u32 {
    let result = INPUT.with(|b| {
        let b = b.borrow();
        let text = std::str::from_utf8(&b[..len.min(b.len())]).map_err(|e| e.to_string())?;
        RUN.with(|r| match r.borrow_mut().as_mut() {
            Some(run) => run.batch(text).map(|()| (run.words, run.top.clone())),
            None => Err("no run started".to_string()),
        })
    });
    match result {
        Ok((words, top)) => {
            set_output(&top);
            words as u32
        }
        Err(e) => {
            set_output(&e);
            u32::MAX
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod clock {
    #[link(wasm_import_module = "env")]
    extern "C" {
        /// `performance.now()`, from the page.
        pub fn now() -> f64;
    }
}

/// Two filled window engines ([`window_engine`]) of `a` and `b` batches, for
/// `window_ticks`. 0 on success, else 1 and the error as output.
#[no_mangle]
pub extern "C" fn window_start(a: u32, b: u32) -> u32 {
    match (window_engine(u64::from(a)), window_engine(u64::from(b))) {
        (Ok(x), Ok(y)) => {
            WINDOWS.with(|w| *w.borrow_mut() = vec![x, y]);
            0
        }
        (Err(e), _) | (_, Err(e)) => {
            set_output(&e);
            1
        }
    }
}

/// `ticks` ticks of window engine `which`: milliseconds per tick (negative on failure).
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn window_ticks(which: u32, ticks: u32) -> f64 {
    WINDOWS.with(|w| {
        let mut w = w.borrow_mut();
        let Some(e) = w.get_mut(which as usize) else {
            return -1.0;
        };
        // SAFETY: `now` is the page's `performance.now`, which takes nothing and returns a
        // number.
        let t0 = unsafe { clock::now() };
        for _ in 0..ticks {
            if e.tick().is_err() {
                return -1.0;
            }
        }
        (unsafe { clock::now() } - t0) / f64::from(ticks.max(1))
    })
}

//! Browser benchmark (ignored by the test run; `node tests/bench/boundary.mjs` runs it): what
//! crossing to the engine worker costs, the old way (JSON text, a snapshot's bytes as a JSON
//! array of numbers) against the new (`wire`: a JS value through serde-wasm-bindgen, the bytes
//! as a transferred `Uint8Array`), interleaved in one page. Each message goes through a real
//! `MessageChannel` (structured clone, transfer) and is decoded on the other side; the
//! engine's own work (a tick, `Engine::restore`) is timed apart, the same either way.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use dstream_engine::{BatchReport, Engine, Snapshot, Value};
use dstream_playground::protocol::{Reply, Request};
use dstream_playground::wire;
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const RUNS: usize = 15;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// The protocol before this change: requests and replies as JSON text.
#[derive(Serialize, Deserialize)]
enum OldRequest {
    Restore {
        generation: u64,
        bytes: Vec<u8>,
        spec: Option<String>,
        sample_limit: usize,
    },
}

#[derive(Serialize, Deserialize)]
enum OldReply {
    Report {
        generation: u64,
        report: BatchReport,
    },
}

/// Posts `msg` through a fresh `MessageChannel` and resolves to what arrives on the other
/// port (a structured clone, with `transfer`'s buffers moved).
async fn cross(msg: &JsValue, transfer: &js_sys::Array) -> JsValue {
    let channel = web_sys::MessageChannel::new().expect("a channel");
    let got: Rc<RefCell<Option<JsValue>>> = Rc::default();
    let promise = {
        let got = got.clone();
        js_sys::Promise::new(&mut |resolve, _| {
            let got = got.clone();
            let on = Closure::once_into_js(move |e: web_sys::MessageEvent| {
                *got.borrow_mut() = Some(e.data());
                let _ = resolve.call0(&JsValue::NULL);
            });
            channel.port2().set_onmessage(Some(on.unchecked_ref()));
        })
    };
    channel
        .port1()
        .post_message_with_transferable(msg, transfer)
        .expect("post");
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("arrives");
    let v = got.borrow_mut().take().expect("a message");
    v
}

/// The windowed word count's report at batch 1, and a 100 000-key snapshot (1.5 MB).
fn fixtures() -> (BatchReport, Vec<u8>) {
    let spec = dstream_playground::examples::find("windowed-word-count")
        .map(|e| e.json)
        .expect("example");
    let mut e = Engine::from_json(spec).expect("valid");
    e.set_sample_limit(dstream_playground::protocol::SAMPLE_LIMIT);
    e.tick().expect("tick");
    let report = e.tick().expect("tick");
    let json = r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
        {"id": "in", "op": "textInput"},
        {"id": "pairs", "op": "map", "inputs": ["in"], "fn": "l => (l, 1)"},
        {"id": "totals", "op": "updateStateByKey", "inputs": ["pairs"], "fn": "(vs, s) => Some(vs.sum + s.getOrElse(0))"},
        {"id": "out", "op": "foreachRDD", "inputs": ["totals"], "action": "count"}]}"#;
    let mut big = Engine::from_json(json).expect("valid");
    let lines: Vec<Value> = (0..100_000)
        .map(|i| Value::str(&format!("key-{i}")))
        .collect();
    big.feed("in", lines).expect("feed");
    big.tick().expect("tick");
    big.tick().expect("tick");
    (report, big.snapshot().to_bytes())
}

#[wasm_bindgen_test]
#[ignore]
async fn the_worker_boundary_json_text_against_js_values_and_a_transferred_buffer() {
    let (report, bytes) = fixtures();
    let (mut tick_old, mut tick_new, mut restore_old, mut restore_new, mut engine_restore) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let none = js_sys::Array::new();
    for _ in 0..RUNS {
        // A tick's reply, old: JSON text out, parsed back.
        let t0 = now();
        let text = serde_json::to_string(&OldReply::Report {
            generation: 1,
            report: report.clone(),
        })
        .expect("json");
        let got = cross(&JsValue::from_str(&text), &none).await;
        let back: OldReply = serde_json::from_str(&got.as_string().expect("text")).expect("parse");
        let OldReply::Report { report: r, .. } = back;
        assert_eq!(r.outputs.len(), report.outputs.len());
        tick_old.push(now() - t0);

        // New: a JS value, decoded back.
        let t0 = now();
        let reply = Reply::Report {
            generation: 1,
            report: report.clone(),
            snapshot: None,
        };
        let (msg, transfer) = wire::encode(&reply, None).expect("encode");
        let got = cross(&msg, &transfer).await;
        let (back, _) = wire::decode::<Reply>(got).expect("decode");
        let Reply::Report { report: r, .. } = back else {
            panic!("a report")
        };
        assert_eq!(r.outputs.len(), report.outputs.len());
        tick_new.push(now() - t0);

        // A 1.5 MB restore, old: the bytes as a JSON array of numbers.
        let t0 = now();
        let text = serde_json::to_string(&OldRequest::Restore {
            generation: 2,
            bytes: bytes.clone(),
            spec: None,
            sample_limit: 24,
        })
        .expect("json");
        let got = cross(&JsValue::from_str(&text), &none).await;
        let OldRequest::Restore { bytes: b, .. } =
            serde_json::from_str(&got.as_string().expect("text")).expect("parse");
        assert_eq!(b.len(), bytes.len());
        restore_old.push(now() - t0);

        // New: the bytes beside the message, their buffer transferred.
        let t0 = now();
        let request = Request::Restore {
            generation: 2,
            pipeline: None,
            lab: Default::default(),
            bytes: Vec::new(),
        };
        let (msg, transfer) = wire::encode(&request, Some(bytes.clone())).expect("encode");
        let got = cross(&msg, &transfer).await;
        let (_, b) = wire::decode::<Request>(got).expect("decode");
        assert_eq!(b.map(|b| b.len()), Some(bytes.len()));
        restore_new.push(now() - t0);

        // The engine's part of a restore, the same with either boundary.
        let t0 = now();
        let snapshot = Snapshot::from_bytes(&bytes).expect("intact");
        Engine::restore(snapshot).expect("restores");
        engine_restore.push(now() - t0);
    }
    console_log!(
        "boundary, median of {RUNS}: tick reply {:.3} ms as JSON text, {:.3} ms as a JS value ({:.1}x); {} B snapshot {:.1} ms as JSON numbers, {:.1} ms transferred ({:.1}x); the engine's restore itself {:.1} ms either way",
        median(tick_old.clone()),
        median(tick_new.clone()),
        median(tick_old) / median(tick_new.clone()),
        bytes.len(),
        median(restore_old.clone()),
        median(restore_new.clone()),
        median(restore_old) / median(restore_new),
        median(engine_restore)
    );
}

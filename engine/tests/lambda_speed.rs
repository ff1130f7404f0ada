//! How long a call costs on word count's hot path. Prints nanoseconds per call (meaningful
//! with `cargo test --release --test lambda_speed -- --nocapture`); asserts only the results,
//! never a time.

use std::hint::black_box;
use std::time::Instant;

use dstream_engine::lambda::{compile, Signature};
use dstream_engine::{Type, Value};

/// The best of several rounds, so that a busy machine disturbs the figure less.
fn per_call(name: &str, n: u32, mut f: impl FnMut() -> Value) -> Value {
    let mut last = f();
    let rounds = 9;
    let mut best = f64::INFINITY;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..n / rounds {
            last = black_box(f());
        }
        best = best.min(start.elapsed().as_nanos() as f64 / f64::from(n / rounds));
    }
    println!("{name:40} {best:8.1} ns/call");
    last
}

#[test]
fn word_count_lambdas_cost_tens_of_nanoseconds() {
    let n: u32 = std::env::var("LAMBDA_SPEED_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let split = compile(
        "line => line.split(\" \")",
        &Signature {
            params: vec![Type::String],
            result: Type::list(Type::Var(0)),
        },
    )
    .unwrap();
    let pair = compile(
        "w => (w, 1)",
        &Signature {
            params: vec![Type::String],
            result: Type::Var(0),
        },
    )
    .unwrap();
    let add = compile(
        "_ + _",
        &Signature {
            params: vec![Type::Int, Type::Int],
            result: Type::Int,
        },
    )
    .unwrap();

    let line = [Value::str("the quick brown fox jumps over the lazy dog")];
    let words = per_call("line.split(\" \") (9 words)", n / 10, || {
        split.call(black_box(&line)).unwrap()
    });
    match &words {
        Value::List(ws) => assert_eq!(ws.len(), 9),
        other => panic!("{other}"),
    }
    let word = [Value::str("fox")];
    let p = per_call("w => (w, 1)", n, || pair.call(black_box(&word)).unwrap());
    assert_eq!(p, Value::pair(Value::str("fox"), Value::Int(1)));
    let args = [Value::Int(20), Value::Int(22)];
    let s = per_call("_ + _", n, || add.call(black_box(&args)).unwrap());
    assert_eq!(s, Value::Int(42));
    // For scale: the same work written in Rust by hand.
    let by_hand = per_call("(by hand) Int + Int", n, || match black_box(&args) {
        [Value::Int(a), Value::Int(b)] => Value::Int(a.wrapping_add(*b)),
        _ => Value::Int(0),
    });
    assert_eq!(by_hand, Value::Int(42));
}

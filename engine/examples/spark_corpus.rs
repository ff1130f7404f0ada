//! Writes the corpus `scripts/test-spark.sh` runs on real Spark: every conformance case and a
//! set of generated pipelines (generators, typed lines, mapWithState, print: what the oracle
//! cannot run; and text that must stay inside its literals and comments on the real compilers), each as `NAME.json`, its `--jsonl` PySpark and Scala programs, the engine's
//! lines (`NAME.expected.jsonl`) and the lines PySpark should print (`NAME.pyspark.jsonl`:
//! the engine's lines of the same pipeline as PySpark computes it, see `pyspark_model`).
//!
//!   cargo run --release -p dstream-engine --example spark_corpus -- OUT_DIR CASES_DIR SEEDS

use std::collections::BTreeMap;
use std::path::Path;

use dstream_engine::export::{self, pyspark_recomputes, ExportOptions, Language};
use dstream_engine::{Engine, NodeSpec, PipelineSpec, Value};
use serde_json::json;

/// The engine's lines of `spec`, feeding `typed` to its textInput nodes batch by batch.
fn run(spec: &PipelineSpec, typed: &Typed) -> Result<String, String> {
    let mut engine = Engine::new(spec.clone()).map_err(|e| format!("{e:?}"))?;
    let ticks = engine.plan().ticks;
    let mut out = String::new();
    for b in 0..ticks as usize {
        for (node, batches) in typed {
            if let Some(lines) = batches.get(b) {
                let records = lines.iter().map(|l| Value::str(l)).collect();
                engine.feed(node, records).map_err(|e| e.to_string())?;
            }
        }
        let report = engine.tick().map_err(|e| e.to_string())?;
        for l in report.outputs {
            out.push_str(&l.to_json_line());
            out.push('\n');
        }
    }
    Ok(out)
}

/// The pipeline as PySpark computes it: PySpark's `PythonReducedWindowedDStream` reduces a
/// window shorter than 5 slides again instead of subtracting (keys at zero disappear, an
/// empty scalar window gives no record): the same as the op without its inverse, then its
/// filter.
fn pyspark_model(spec: &PipelineSpec) -> PipelineSpec {
    let mut out = spec.clone();
    out.nodes.clear();
    let slide_of = |spec: &PipelineSpec, id: &str| -> u64 {
        // Enough for the generated pipelines and the corpus: a window's slide, else the batch.
        spec.nodes
            .iter()
            .find(|n| n.id == id)
            .and_then(|n| n.field("slide_ms").and_then(|v| v.as_u64()))
            .unwrap_or(spec.batch_interval_ms)
    };
    for n in &spec.nodes {
        let w = n.field("window_ms").and_then(|v| v.as_u64()).unwrap_or(0);
        let parent = n
            .inputs
            .first()
            .map(|i| slide_of(spec, i))
            .unwrap_or(spec.batch_interval_ms);
        let s = n
            .field("slide_ms")
            .and_then(|v| v.as_u64())
            .unwrap_or(parent);
        let short = pyspark_recomputes(w, s);
        match n.op.as_str() {
            "reduceByKeyAndWindow" if short && n.field("inverse").is_some() => {
                let mut m = n.clone();
                m.fields.remove("inverse");
                let filter = m.fields.remove("filter");
                match filter {
                    Some(f) => {
                        m.id = format!("{}_unfiltered", n.id);
                        out.nodes.push(m);
                        out.nodes.push(
                            NodeSpec::new(&n.id, "filter", &[&format!("{}_unfiltered", n.id)])
                                .with("fn", f),
                        );
                    }
                    None => out.nodes.push(m),
                }
            }
            "reduceByWindow" if short && n.field("inverse").is_some() => {
                let mut m = n.clone();
                m.fields.remove("inverse");
                out.nodes.push(m);
            }
            "countByWindow" if short => {
                let ones = format!("{}_ones", n.id);
                out.nodes
                    .push(NodeSpec::new(&ones, "map", &[&n.inputs[0]]).with("fn", json!("x => 1")));
                let mut m = NodeSpec::new(&n.id, "reduceByWindow", &[&ones])
                    .with("fn", json!("_ + _"))
                    .with("window_ms", json!(w));
                if let Some(sl) = n.field("slide_ms") {
                    m = m.with("slide_ms", sl.clone());
                }
                out.nodes.push(m);
            }
            _ => out.nodes.push(n.clone()),
        }
    }
    out
}

/// Lines typed into each textInput node, batch by batch.
type Typed = BTreeMap<String, Vec<Vec<String>>>;

/// Pipelines the oracle cannot run, varied by `seed`.
fn generated(seed: u64) -> Vec<(String, PipelineSpec, Typed)> {
    let mut out = Vec::new();
    let mut add =
        |name: &str, text: serde_json::Value, typed: BTreeMap<String, Vec<Vec<String>>>| {
            let spec: PipelineSpec = serde_json::from_value(text).expect("a generated pipeline");
            out.push((format!("gen_{name}_{seed}"), spec, typed));
        };
    let rate = 5 + seed * 7 % 40;
    add(
        "words_window",
        json!({"version": 1, "name": "generated words", "batch_interval_ms": 1000, "ticks": 12,
            "nodes": [
            {"id": "lines", "op": "generator", "kind": "words", "rate_per_s": rate, "seed": seed},
            {"id": "words", "op": "flatMap", "inputs": ["lines"], "fn": "_.split(\" \")"},
            {"id": "pairs", "op": "map", "inputs": ["words"], "fn": "w => (w, 1)"},
            {"id": "counts", "op": "reduceByKeyAndWindow", "inputs": ["pairs"], "fn": "_ + _",
             "inverse": "_ - _", "window_ms": 5000, "slide_ms": 1000},
            {"id": "top", "op": "transform", "inputs": ["counts"],
             "rdd": [{"op": "sortBy", "fn": "kv => (-kv._2, kv._1)"}, {"op": "take", "n": 5}]},
            {"id": "out", "op": "foreachRDD", "inputs": ["top"], "action": "collect"},
            {"id": "shown", "op": "print", "inputs": ["counts"], "num": 1000}]}),
        BTreeMap::new(),
    );
    add(
        "logs_alarm",
        json!({"version": 1, "name": "generated logs", "batch_interval_ms": 500, "ticks": 10,
            "nodes": [
            {"id": "logs", "op": "generator", "kind": "logs", "rate_per_s": rate * 2, "seed": seed + 1},
            {"id": "status", "op": "map", "inputs": ["logs"], "fn": "l => l.split(\"\\\\s+\")(3).toInt"},
            {"id": "bad", "op": "map", "inputs": ["status"], "fn": "s => if (s >= 500) (1, 1) else (0, 1)"},
            {"id": "ratio", "op": "reduceByWindow", "inputs": ["bad"],
             "fn": "(a, b) => (a._1 + b._1, a._2 + b._2)", "inverse": "(a, b) => (a._1 - b._1, a._2 - b._2)",
             "window_ms": 1500, "slide_ms": 500},
            {"id": "alarm", "op": "map", "inputs": ["ratio"],
             "fn": "t => if (t._2 > 0 && t._1 * 4 >= t._2) \"ALERT \" + t._1 * 100 / t._2 + \"% \" + t._1 * 1.0 / t._2 else \"fine \" + t"},
            {"id": "out", "op": "foreachRDD", "inputs": ["alarm"], "action": "collect"},
            {"id": "n", "op": "countByWindow", "inputs": ["logs"], "window_ms": 1000, "slide_ms": 500},
            {"id": "count_out", "op": "foreachRDD", "inputs": ["n"], "action": "collect"}]}),
        BTreeMap::new(),
    );
    add(
        "sales_state",
        json!({"version": 1, "name": "generated sales", "batch_interval_ms": 1000, "ticks": 23,
            "nodes": [
            {"id": "sales", "op": "generator", "kind": "sales", "rate_per_s": 3 + seed % 5, "seed": seed + 2},
            {"id": "kv", "op": "map", "inputs": ["sales"],
             "fn": "line => (line.substring(0, line.indexOf(\",\")), line.substring(line.indexOf(\",\") + 1).toDouble)"},
            {"id": "totals", "op": "mapWithState", "inputs": ["kv"], "timeout_ms": 3000,
             "fn": "(product, price, state) => {\n  val sum = price.getOrElse(0.0) + state.getOption.getOrElse(0.0)\n  if (!state.isTimingOut) state.update(sum)\n  (product, if (state.isTimingOut) -1.0 else sum)\n}"},
            {"id": "out", "op": "foreachRDD", "inputs": ["totals"], "action": "collect"},
            {"id": "running", "op": "updateStateByKey", "inputs": ["kv"],
             "fn": "(vs, s) => Some(vs.size + s.getOrElse(0))"},
            {"id": "state_out", "op": "foreachRDD", "inputs": ["running"], "action": "collect"}]}),
        BTreeMap::new(),
    );
    // Text that must stay inside its string literal or comment, on the real compilers: quotes,
    // backslashes, `\u0022` as text, `*/`, triple quotes, line breaks and separators, and
    // characters beyond U+FFFF.
    let nasty = "q\"uo'te \\ back\\slash \\u0022 \\n */ \"\"\" \r\u{2028}\u{85} é😀 ${x} %s {0}";
    if seed == 1 {
        add(
            "escapes",
            json!({"version": 1, "name": nasty, "description": format!("{nasty}\nsecond line"),
                "batch_interval_ms": 1000, "ticks": 3, "nodes": [
                {"id": "lines", "op": "queueStream", "batches": [[nasty, "plain", ""], [format!("{nasty}{nasty}")]]},
                {"id": "tagged", "op": "map", "inputs": ["lines"],
                 "fn": "s => s + \" \\\"q\\\" \\\\ */ \\u00e9 \\u0022 \\\\u0022\" + s.length"},
                {"id": "quoted", "op": "filter", "inputs": ["tagged"], "fn": "s => s.contains(\"\\\"\")"},
                {"id": "out", "op": "foreachRDD", "inputs": ["quoted"], "action": "collect"},
                {"id": "shown", "op": "print", "inputs": ["tagged"]}]}),
            BTreeMap::new(),
        );
    }
    let typed: Vec<Vec<String>> = (0..6)
        .map(|b| {
            (0..(b + seed as usize) % 4)
                .map(|k| format!("{} -{} {}.5 x,,y,, {}", k * 7 + b, seed, b, "é😀 \"q\""))
                .collect()
        })
        .collect();
    add(
        "typed_jvm",
        json!({"version": 1, "name": "typed lines", "batch_interval_ms": 1000, "ticks": 7,
            "nodes": [
            {"id": "lines", "op": "textInput"},
            {"id": "fields", "op": "map", "inputs": ["lines"],
             "fn": "l => { val p = l.split(\" \"); val n = p(0).toInt; (n / -3, n % -3, -n / 2, p(1).toInt * 9223372036854775807L, p(2).toDouble * 1e7, p(3).split(\",\").size, \"\" + p(2).toDouble / 1000.0 + (n, p(3).length > 3) + \" \" + p(4).length) }"},
            {"id": "out", "op": "foreachRDD", "inputs": ["fields"], "action": "collect"},
            {"id": "chars", "op": "map", "inputs": ["lines"], "fn": "l => (l.length, l.indexOf(\"q\"), l.trim.toUpperCase)"},
            {"id": "shown", "op": "print", "inputs": ["chars"]},
            {"id": "n", "op": "foreachRDD", "inputs": ["lines"], "action": "count", "accumulate": true}]}),
        BTreeMap::from([("lines".to_string(), typed)]),
    );
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out_dir, cases_dir, seeds] = args.as_slice() else {
        eprintln!("usage: spark_corpus OUT_DIR CASES_DIR SEEDS");
        std::process::exit(2);
    };
    let seeds: u64 = seeds.parse().unwrap_or(2);
    let out_dir = Path::new(out_dir);
    std::fs::create_dir_all(out_dir).expect("the output folder");
    let mut all = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(cases_dir)
        .expect("the cases folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    for p in names {
        let text = std::fs::read_to_string(&p).expect("a case");
        let spec = PipelineSpec::from_json(&text).expect("a case parses");
        let stem = p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        all.push((stem, spec, BTreeMap::new()));
    }
    for s in 1..=seeds {
        all.extend(generated(s));
    }
    for (name, spec, typed) in &all {
        let options = ExportOptions {
            jsonl: true,
            typed_lines: typed.clone(),
        };
        let write = |ext: &str, text: &str| {
            std::fs::write(out_dir.join(format!("{name}.{ext}")), text).expect("a corpus file")
        };
        write("json", &spec.to_json());
        let py = export::export(spec, Language::PySpark, &options).expect("exports");
        write("py", &py.text);
        let scala = export::export(spec, Language::Scala, &options).expect("exports");
        write("scala", &format!("package {name}\n\n{}", scala.text));
        write(
            "expected.jsonl",
            &run(spec, typed).expect("the engine runs it"),
        );
        write(
            "pyspark.jsonl",
            &run(&pyspark_model(spec), typed).expect("the engine runs the PySpark model"),
        );
    }
    println!(
        "{}",
        all.iter()
            .map(|(n, _, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
}

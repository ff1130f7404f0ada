//! The PySpark program of a pipeline: a `StreamingContext`, each node as its DStream call
//! with its lambdas in Python ([`super::py_lambda`]), the output ops, `start` and
//! `awaitTermination`; typed lines and generators as a socket on a cluster and a stand-in
//! replaying the playground's records locally. Where PySpark's DStreams differ from Scala's,
//! a comment at the op says how.

use std::collections::BTreeSet;

use super::py_lambda::{py_float, py_value, python_fn, PyFn, KEYWORDS};
use super::text::{comment_text, py_str, Out};
use super::tree::{node_lambda, Lam};
use super::{batches, checkpoints, pyspark_recomputes, ExportOptions, Language, Program};
use crate::plan::{NodeOp, Plan};
use crate::sources::generator;
use crate::spec::{NodeSpec, PipelineSpec};
use crate::value::Value;

const RUNTIME: &str = include_str!("runtime.py");

const RESERVED: &[&str] = &[
    "sc",
    "ssc",
    "conf",
    "main",
    "create_context",
    "rdd",
    "t",
    "sys",
    "tempfile",
    "threading",
    "SparkConf",
    "SparkContext",
    "StreamingContext",
    "StreamingListener",
    "APP_NAME",
    "BATCH_MS",
    "BATCH_INTERVAL",
    "BATCHES",
    "CHECKPOINT_DIR",
    "USE_STAND_INS",
    "list",
    "float",
    "int",
    "str",
    "len",
    "max",
    "min",
    "print",
    "range",
    "sum",
    "set",
    "dict",
    "tuple",
    "id",
    "type",
    "object",
    "input",
    "next",
    "iter",
    "map",
    "filter",
    "open",
    "format",
    "vars",
];

/// The Python variable of a node: its id, unless Python or the program uses that name.
fn var(id: &str) -> String {
    if KEYWORDS.contains(&id) || RESERVED.contains(&id) || id.starts_with('_') {
        format!("{id}_")
    } else {
        id.to_string()
    }
}

/// Seconds for PySpark's durations, which it turns back into `int(seconds * 1000)` ms: the
/// shortest float that gives exactly `ms` back.
pub(crate) fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        return (ms / 1000).to_string();
    }
    let mut s = ms as f64 / 1000.0;
    while ((s * 1000.0) as u64) < ms {
        s = f64::from_bits(s.to_bits() + 1);
    }
    py_float(s)
}

/// The helpers `used` names and those they call, in runtime.py's order.
fn helpers(used: &BTreeSet<&'static str>) -> String {
    let mut sections: Vec<(String, Vec<String>, String)> = Vec::new();
    for chunk in RUNTIME.split("# @helper ").skip(1) {
        let (head, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        let mut words = head.split_whitespace().map(str::to_string);
        let name = words.next().unwrap_or_default();
        sections.push((name, words.collect(), body.trim_end().to_string()));
    }
    let mut want: BTreeSet<String> = used.iter().map(|s| s.to_string()).collect();
    loop {
        let before = want.len();
        for (name, deps, _) in &sections {
            if want.contains(name) {
                want.extend(deps.iter().cloned());
            }
        }
        if want.len() == before {
            break;
        }
    }
    let mut out = String::new();
    for (name, _, body) in &sections {
        if want.contains(name) {
            out.push_str(body);
            out.push_str("\n\n");
        }
    }
    out
}

struct W<'a> {
    spec: &'a PipelineSpec,
    plan: &'a Plan,
    options: &'a ExportOptions,
    out: Out,
    used: BTreeSet<&'static str>,
    first_source: Option<String>,
}

impl W<'_> {
    fn lam(&self, i: usize, field: &str) -> Result<Lam, String> {
        node_lambda(self.plan, &self.spec.nodes[i], i, field)
            .map_err(|e| format!("node `{}`, {field}: {e}", self.spec.nodes[i].id))
    }

    /// The Python function for a lambda field: inline, or a `def` written first.
    fn func(&mut self, i: usize, field: &str) -> Result<String, String> {
        let lam = self.lam(i, field)?;
        let id = &self.spec.nodes[i].id;
        let suffix = field.replace(['[', ']', '.'], "_").replace("__", "_");
        let def_name = format!("{}_{}", id, suffix.trim_end_matches('_'));
        match python_fn(&lam, &def_name, &mut self.used) {
            PyFn::Inline(s) => Ok(s),
            PyFn::Def { name, lines } => {
                for l in lines {
                    self.out.line(format!("    {l}"));
                }
                Ok(name)
            }
        }
    }

    fn line(&mut self, s: impl Into<String>) {
        self.out.line(format!("    {}", s.into()));
    }
}

fn num(n: &NodeSpec, field: &str) -> Option<u64> {
    n.field(field).and_then(|v| v.as_u64())
}

fn window_args(n: &NodeSpec, parent_slide: u64) -> (u64, u64) {
    let w = num(n, "window_ms").unwrap_or(parent_slide);
    let s = num(n, "slide_ms").unwrap_or(parent_slide);
    (w, s)
}

fn queue_literal(batches: &[Vec<Value>], pad_to: u64) -> String {
    let mut items: Vec<String> = batches
        .iter()
        .map(|b| {
            format!(
                "[{}]",
                b.iter().map(py_value).collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    while (items.len() as u64) < pad_to {
        items.push("[]".into());
    }
    format!("[{}]", items.join(", "))
}

pub(crate) fn write(
    spec: &PipelineSpec,
    plan: &Plan,
    options: &ExportOptions,
) -> Result<Program, String> {
    let mut w = W {
        spec,
        plan,
        options,
        out: Out::default(),
        used: BTreeSet::new(),
        first_source: None,
    };
    let mut body = Out::default();
    std::mem::swap(&mut w.out, &mut body);
    for i in 0..spec.nodes.len() {
        w.out.begin_node(&spec.nodes[i].id);
        node(&mut w, i)?;
        w.out.end_node();
    }
    let jsonl = options.jsonl;
    if jsonl {
        if let Some(first) = w.first_source.clone() {
            w.line("# Spark posts no batch-completed event for a batch without a job: this no-op");
            w.line("# output gives every batch one, so the clock below can wait for each batch.");
            w.line(format!("{first}.foreachRDD(lambda rdd: None)"));
        }
    }
    let nodes_out = std::mem::replace(&mut w.out, body);
    if jsonl {
        w.used.insert("_emit");
    }

    let name = spec.name.as_deref().unwrap_or("pipeline");
    let b = plan.batch_interval_ms;
    let has_stand_ins = plan
        .nodes
        .iter()
        .any(|n| matches!(n.op, NodeOp::TextInput | NodeOp::Generator(_)));
    let uses_generator = plan
        .nodes
        .iter()
        .any(|n| matches!(n.op, NodeOp::Generator(_)));
    let ck = checkpoints(spec);

    let o = &mut w.out;
    o.line("#!/usr/bin/env python3");
    o.line(format!("# {}", comment_text(name)));
    if let Some(d) = &spec.description {
        o.line(format!("# {}", comment_text(d)));
    }
    o.line("#");
    o.line("# Exported from DStream Playground: a PySpark Streaming program for Spark 4.3.0.");
    o.line("# Run it with pyspark installed (pip install pyspark==4.3.0): python3 THIS_FILE.py");
    if jsonl {
        o.line(format!(
            "# It runs {} batches on Spark's manual clock and prints one JSON line per output",
            batches(plan)
        ));
        o.line("# per batch, the playground's replay format (compare them with compare.py).");
    }
    o.line("");
    o.line("import sys");
    if jsonl {
        o.line("import tempfile");
        o.line("import threading");
    }
    o.line("");
    o.line("from pyspark import SparkConf, SparkContext");
    o.line("from pyspark.streaming import StreamingContext");
    if jsonl {
        o.line("from pyspark.streaming.listener import StreamingListener");
    }
    o.line("");
    o.line("APP_NAME = ".to_string() + &py_str(name));
    o.line(format!("BATCH_MS = {b}"));
    o.line(format!("BATCH_INTERVAL = {}  # seconds", seconds(b)));
    o.line(format!("BATCHES = {}", batches(plan)));
    if jsonl {
        o.line("CHECKPOINT_DIR = tempfile.mkdtemp(prefix=\"dstream-playground-\")");
    } else {
        o.line("CHECKPOINT_DIR = \"checkpoint\"  # on a cluster: a directory on HDFS or S3");
    }
    if has_stand_ins {
        o.line("# True: typed lines and generators replay the playground's records (a local run");
        o.line("# prints what the page printed); False: read them from a socket (nc -lk 9999).");
        o.line(format!("USE_STAND_INS = {}", "True"));
    }
    o.line("");
    if uses_generator {
        o.line(format!(
            "_GEN_VOCABULARY = [{}]",
            generator::VOCABULARY
                .iter()
                .map(|s| py_str(s))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        o.line(format!("_GEN_IPS = {}", generator::IPS));
        o.line(format!(
            "_GEN_METHODS = [{}]",
            generator::METHODS
                .iter()
                .map(|(m, w)| format!("({}, {w})", py_str(m)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        o.line(format!(
            "_GEN_PATHS = [{}]",
            generator::PATHS
                .iter()
                .map(|s| py_str(s))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        o.line(format!(
            "_GEN_STATUSES = [{}]",
            generator::STATUSES
                .iter()
                .map(|(m, w)| format!("({}, {w})", py_str(m)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        o.line(format!(
            "_GEN_PRODUCTS = [{}]",
            generator::PRODUCTS
                .iter()
                .map(|(p, c)| format!("({}, {})", py_str(p), py_str(c)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        o.line("");
    }
    let helper_text = helpers(&w.used);
    let o = &mut w.out;
    if !helper_text.is_empty() {
        o.line("# The JVM's meaning of the lambdas (the playground's lambdas are Scala's):");
        o.line("# Long arithmetic wraps at 64 bits, Long / Long truncates, % takes the");
        o.line("# dividend's sign, split is Java's, + on a String uses the JVM's toString.");
        o.line("");
        o.lines_of("", &helper_text);
    }
    o.line("def create_context():");
    o.line(
        "    conf = SparkConf().setAppName(APP_NAME).setIfMissing(\"spark.master\", \"local[2]\")",
    );
    if jsonl {
        o.line("    # The manual clock: main() advances it one batch at a time.");
        o.line("    conf.set(\"spark.streaming.clock\", \"org.apache.spark.util.ManualClock\")");
        o.line("    conf.set(\"spark.ui.enabled\", \"false\").set(\"spark.ui.showConsoleProgress\", \"false\")");
        o.line("    conf.set(\"spark.default.parallelism\", \"2\")");
    }
    o.line("    sc = SparkContext.getOrCreate(conf)");
    if jsonl {
        o.line("    sc.setLogLevel(\"ERROR\")");
    }
    o.line("    ssc = StreamingContext(sc, BATCH_INTERVAL)");
    if ck {
        o.line("    ssc.checkpoint(CHECKPOINT_DIR)");
    }
    o.append(&nodes_out);
    o.line("    return ssc");
    o.line("");
    o.line("");
    o.line("def main():");
    if ck {
        o.line("    # Recovers the context from the checkpoint if there is one, as on a driver restart.");
        o.line("    ssc = StreamingContext.getOrCreate(CHECKPOINT_DIR, create_context)");
    } else {
        o.line("    ssc = create_context()");
    }
    if jsonl {
        o.line("    done, cond = set(), threading.Condition()");
        o.line("");
        o.line("    class Completed(StreamingListener):");
        o.line("        def onBatchCompleted(self, event):");
        o.line("            with cond:");
        o.line("                done.add(event.batchInfo().batchTime().milliseconds())");
        o.line("                cond.notify_all()");
        o.line("");
        o.line("    ssc.addStreamingListener(Completed())");
        o.line("    ssc.start()");
        o.line("    clock = ssc._jssc.ssc().scheduler().clock()");
        o.line("    start = clock.getTimeMillis()");
        o.line("    for i in range(BATCHES):");
        o.line("        clock.advance(BATCH_MS)");
        o.line("        with cond:");
        o.line("            if not cond.wait_for(lambda: start + (i + 1) * BATCH_MS in done, timeout=300):");
        o.line("                sys.exit(\"batch %d did not complete\" % i)");
        o.line("    sys.stdout.flush()");
        o.line("    ssc.stop(stopSparkContext=True, stopGraceFully=False)");
    } else {
        o.line("    ssc.start()");
        o.line("    ssc.awaitTermination()");
    }
    o.line("");
    o.line("");
    o.line("if __name__ == \"__main__\":");
    o.line("    main()");
    Ok(Program {
        language: Language::PySpark,
        text: w.out.text(),
        nodes: w.out.nodes,
    })
}

fn node(w: &mut W, i: usize) -> Result<(), String> {
    let n = &w.spec.nodes[i];
    let p = &w.plan.nodes[i];
    let v = var(&n.id);
    let input = |k: usize| var(&w.plan.nodes[p.inputs[k]].id);
    let parent_slide = p
        .inputs
        .first()
        .map_or(w.plan.batch_interval_ms, |&j| w.plan.nodes[j].slide_ms);
    let parts = |n: &NodeSpec| num(n, "partitions").map(|k| k.to_string());
    let opt_parts = |n: &NodeSpec| parts(n).map_or(String::new(), |k| format!(", {k}"));
    w.line(format!("# {}: {}", n.id, n.op));
    let jsonl = w.options.jsonl;
    let pad = if jsonl { batches(w.plan) } else { 0 };
    match &p.op {
        NodeOp::Queue(b) => {
            w.line(format!("{v}_batches = {}", queue_literal(b, pad)));
            w.line(format!(
                "{v} = ssc.queueStream([sc.parallelize(b, 2) for b in {v}_batches], oneAtATime=True)"
            ));
            w.first_source.get_or_insert(v);
        }
        NodeOp::TextInput => {
            let typed: Vec<Vec<Value>> = w
                .options
                .typed_lines
                .get(&n.id)
                .map(|bs| {
                    bs.iter()
                        .map(|b| b.iter().map(|s| Value::str(s)).collect())
                        .collect()
                })
                .unwrap_or_default();
            w.line("if USE_STAND_INS:");
            w.line("    # The lines typed in the playground, one list per batch.");
            w.line(format!("    {v}_batches = {}", queue_literal(&typed, pad)));
            w.line(format!(
                "    {v} = ssc.queueStream([sc.parallelize(b, 2) for b in {v}_batches], oneAtATime=True)"
            ));
            w.line("else:");
            w.line(format!(
                "    {v} = ssc.socketTextStream(\"localhost\", 9999)"
            ));
            w.first_source.get_or_insert(v);
        }
        NodeOp::Generator(g) => {
            w.used.insert("_generate");
            w.used.insert("_zero_ms");
            w.used.insert("_batch_ms");
            let kind = match g.kind {
                generator::Kind::Words => "words",
                generator::Kind::Logs => "logs",
                generator::Kind::Sales => "sales",
            };
            w.line("if USE_STAND_INS:");
            w.line(format!(
                "    # The playground's {kind} generator ({} records/s, seed {}): the same records",
                g.rate_per_s, g.seed
            ));
            w.line("    # at the same batch, drawn when Spark asks for the batch.");
            w.line(format!(
                "    {v} = ssc.queueStream([], oneAtATime=True, default=sc.parallelize([0], 1)).transform("
            ));
            w.line(format!(
                "        lambda t, rdd: rdd.context.parallelize(_generate({}, {}, {}, _batch_ms(t) - _zero_ms(), BATCH_MS), 2))",
                py_str(kind),
                g.rate_per_s,
                g.seed
            ));
            w.line("else:");
            w.line("    # On a cluster: Kafka (PySpark has no Kafka DStream since Spark 3: read the topic");
            w.line("    # in Scala with KafkaUtils.createDirectStream) or, as here, a socket.");
            w.line(format!(
                "    {v} = ssc.socketTextStream(\"localhost\", 9999)"
            ));
            w.first_source.get_or_insert(v);
        }
        NodeOp::Map(_) => {
            let f = w.func(i, "fn")?;
            w.line(format!("{v} = {}.map({f})", input(0)));
        }
        NodeOp::FlatMap(_) => {
            let f = w.func(i, "fn")?;
            w.line(format!("{v} = {}.flatMap({f})", input(0)));
        }
        NodeOp::Filter(_) => {
            let f = w.func(i, "fn")?;
            w.line(format!("{v} = {}.filter({f})", input(0)));
        }
        NodeOp::MapValues(_) => {
            let f = w.func(i, "fn")?;
            w.line(format!("{v} = {}.mapValues({f})", input(0)));
        }
        NodeOp::FlatMapValues(_) => {
            let f = w.func(i, "fn")?;
            w.line(format!("{v} = {}.flatMapValues({f})", input(0)));
        }
        NodeOp::ReduceByKey(..) => {
            let f = w.func(i, "fn")?;
            w.line(format!(
                "{v} = {}.reduceByKey({f}{})",
                input(0),
                opt_parts(n)
            ));
        }
        NodeOp::GroupByKey(_) => {
            w.line(format!(
                "{v} = {}.groupByKey({}).mapValues(list)",
                input(0),
                parts(n).unwrap_or_default()
            ));
        }
        NodeOp::CountByValue(_) => match parts(n) {
            Some(k) => w.line(format!(
                "{v} = {}.map(lambda x: (x, 1)).reduceByKey(lambda a, b: a + b, {k})",
                input(0)
            )),
            None => w.line(format!("{v} = {}.countByValue()", input(0))),
        },
        NodeOp::Count => w.line(format!("{v} = {}.count()", input(0))),
        NodeOp::Reduce(_) => {
            let f = w.func(i, "fn")?;
            w.line(format!("{v} = {}.reduce({f})", input(0)));
        }
        NodeOp::Repartition(k) => w.line(format!("{v} = {}.repartition({k})", input(0))),
        NodeOp::Union => {
            let all: Vec<String> = (0..p.inputs.len()).map(input).collect();
            w.line(format!("{v} = ssc.union({})", all.join(", ")));
        }
        NodeOp::Join(..) | NodeOp::Cogroup(_) => {
            let call = match n.op.as_str() {
                "join" => "join",
                "leftOuterJoin" => "leftOuterJoin",
                "rightOuterJoin" => "rightOuterJoin",
                "fullOuterJoin" => "fullOuterJoin",
                _ => "cogroup",
            };
            let tail = if call == "cogroup" {
                ".mapValues(lambda vw: (list(vw[0]), list(vw[1])))"
            } else {
                ""
            };
            w.line(format!(
                "{v} = {}.{call}({}{}){tail}",
                input(0),
                input(1),
                opt_parts(n)
            ));
        }
        NodeOp::Intersection | NodeOp::Subtract | NodeOp::Cartesian => {
            w.line(format!(
                "{v} = {}.transformWith(lambda a, b: a.{}(b), {})",
                input(0),
                n.op,
                input(1)
            ));
        }
        NodeOp::Transform(_) => {
            let list = n
                .field("rdd")
                .and_then(|r| r.as_array())
                .cloned()
                .unwrap_or_default();
            let mut steps = Vec::new();
            for (k, e) in list.iter().enumerate() {
                let op = e.get("op").and_then(|o| o.as_str()).unwrap_or("");
                let field = format!("rdd[{k}].fn");
                let f = if e.get("fn").is_some() {
                    Some(w.func(i, &field)?)
                } else {
                    None
                };
                let asc = e.get("ascending").and_then(|a| a.as_bool()).unwrap_or(true);
                let py_bool = if asc { "True" } else { "False" };
                let n_of = e.get("n").and_then(|x| x.as_u64()).unwrap_or(0);
                steps.push(match op {
                    "distinct" => "rdd = rdd.distinct()".to_string(),
                    "sample" => {
                        let fr = e.get("fraction").and_then(|x| x.as_f64()).unwrap_or(0.0);
                        let seed = e.get("seed").and_then(|x| x.as_u64()).unwrap_or(0);
                        format!(
                            "rdd = rdd.sample(False, {}, {seed})  # Spark's sampler: other records than the playground's",
                            py_float(fr)
                        )
                    }
                    "sortBy" => format!(
                        "rdd = rdd.sortBy({}, ascending={py_bool}, numPartitions=rdd.getNumPartitions())",
                        f.unwrap_or_default()
                    ),
                    "sortByKey" => format!("rdd = rdd.sortByKey(ascending={py_bool})"),
                    "take" => format!("rdd = rdd.context.parallelize(rdd.take({n_of}), 1)"),
                    "top" => match f {
                        Some(f) => format!(
                            "rdd = rdd.context.parallelize(rdd.top({n_of}, key={f}), 1)"
                        ),
                        None => format!("rdd = rdd.context.parallelize(rdd.top({n_of}), 1)"),
                    },
                    other => return Err(format!("node `{}`: unknown RDD op {other}", n.id)),
                });
            }
            w.line(format!("def {v}_rdd(rdd):"));
            for s in steps {
                w.line(format!("    {s}"));
            }
            w.line("    return rdd");
            w.line(format!("{v} = {}.transform({v}_rdd)", input(0)));
        }
        NodeOp::Window(_) => window(w, i, &v, &input(0), parent_slide)?,
        NodeOp::UpdateStateByKey(..) => {
            let f = w.func(i, "fn")?;
            w.line(format!(
                "{v} = {}.updateStateByKey({f}{})",
                input(0),
                opt_parts(n)
            ));
        }
        NodeOp::MapWithState(_, timeout, parts) => {
            w.used.insert("_map_with_state");
            w.used.insert("_zero_ms");
            w.used.insert("_batch_ms");
            let f = w.func(i, "fn")?;
            let t = timeout.map_or("None".to_string(), |t| t.to_string());
            w.line("# PySpark has no mapWithState: _map_with_state runs Spark's rules (the Scala");
            w.line("# program calls the real one, StateSpec.function(...).timeout(...)).");
            w.line(format!(
                "{v} = _map_with_state({}, {f}, {t}, {parts}, BATCH_MS, {})",
                input(0),
                p.slide_ms
            ));
        }
        NodeOp::Output { .. } => output(w, i, &v, &input(0))?,
    }
    Ok(())
}

fn window(w: &mut W, i: usize, v: &str, input: &str, parent_slide: u64) -> Result<(), String> {
    let n = &w.spec.nodes[i];
    let (win, slide) = window_args(n, parent_slide);
    let (ws, ss) = (seconds(win), seconds(slide));
    let parts = num(n, "partitions").map(|k| k.to_string());
    let has_inverse = n.field("inverse").is_some();
    let recomputes = pyspark_recomputes(win, slide);
    match n.op.as_str() {
        "window" => w.line(format!("{v} = {input}.window({ws}, {ss})")),
        "countByWindow" => {
            if recomputes {
                w.line("# PySpark differs from Scala Spark here: with a window shorter than 5 slides it");
                w.line("# recounts the window instead of subtracting, so an empty window gives no record");
                w.line("# where Scala gives [0].");
            }
            w.line(format!("{v} = {input}.countByWindow({ws}, {ss})"));
        }
        "reduceByWindow" => {
            let f = w.func(i, "fn")?;
            let inv = if has_inverse {
                w.func(i, "inverse")?
            } else {
                "None".into()
            };
            if has_inverse && recomputes {
                w.line("# PySpark differs from Scala Spark here: with a window shorter than 5 slides it");
                w.line("# reduces the whole window instead of using the inverse, so an empty window gives");
                w.line("# no record where Scala gives the inverse's zero.");
            }
            w.line(format!(
                "{v} = {input}.reduceByWindow({f}, {inv}, {ws}, {ss})"
            ));
        }
        "reduceByKeyAndWindow" => {
            let f = w.func(i, "fn")?;
            let inv = if has_inverse {
                Some(w.func(i, "inverse")?)
            } else {
                None
            };
            let filter = if n.field("filter").is_some() {
                Some(w.func(i, "filter")?)
            } else {
                None
            };
            if inv.is_some() && recomputes {
                w.line("# PySpark differs from Scala Spark here: with a window shorter than 5 slides it");
                w.line("# reduces the whole window again instead of subtracting what left it, so a key");
                w.line("# whose value falls back to zero disappears, where Scala keeps it at 0.");
            }
            let mut args = vec![
                f,
                inv.unwrap_or_else(|| "None".into()),
                ws,
                ss,
                parts.unwrap_or_else(|| "None".into()),
            ];
            if let Some(fl) = filter {
                args.push(format!("filterFunc={fl}"));
            }
            w.line(format!(
                "{v} = {input}.reduceByKeyAndWindow({})",
                args.join(", ")
            ));
        }
        "countByValueAndWindow" => {
            let extra = parts.map_or(String::new(), |k| format!(", {k}"));
            w.line(format!(
                "{v} = {input}.countByValueAndWindow({ws}, {ss}{extra})"
            ));
        }
        "groupByKeyAndWindow" => {
            let extra = parts.map_or(String::new(), |k| format!(", {k}"));
            if !recomputes {
                w.line("# PySpark builds this on an incremental reduceByKeyAndWindow: a key whose values");
                w.line("# all left the window stays with an empty list, where Scala drops it.");
            }
            w.line(format!(
                "{v} = {input}.groupByKeyAndWindow({ws}, {ss}{extra}).mapValues(list)"
            ));
        }
        other => return Err(format!("node `{}`: unknown window op {other}", n.id)),
    }
    Ok(())
}

fn output(w: &mut W, i: usize, v: &str, input: &str) -> Result<(), String> {
    let n = &w.spec.nodes[i];
    let p = &w.plan.nodes[i];
    let jsonl = w.options.jsonl;
    let id = n.id.clone();
    let ordered = if p.ordered { "True" } else { "False" };
    let (records, acc) = if n.op == "print" {
        let k = num(n, "num").unwrap_or(10);
        if !jsonl {
            w.used.insert("_print_batch");
            w.line(format!(
                "# print({k}), writing records as the JVM does (PySpark's pprint shows Python's repr)."
            ));
            w.line(format!(
                "{input}.foreachRDD(lambda t, rdd: _print_batch(t, rdd.take({}), {k}))",
                k + 1
            ));
            return Ok(());
        }
        (format!("rdd.take({k})"), None)
    } else {
        let action = n
            .field("action")
            .and_then(|a| a.as_str())
            .unwrap_or("collect");
        let accumulate = n
            .field("accumulate")
            .and_then(|a| a.as_bool())
            .unwrap_or(false);
        let k = num(n, "n").unwrap_or(0);
        match action {
            "collect" => ("rdd.collect()".to_string(), None),
            "count" => ("[rdd.count()]".to_string(), accumulate.then_some("count")),
            "countByValue" => ("list(rdd.countByValue().items())".to_string(), None),
            "take" => (format!("rdd.take({k})"), None),
            "top" => match n.field("fn") {
                Some(_) => {
                    let f = w.func(i, "fn")?;
                    (format!("rdd.top({k}, key={f})"), None)
                }
                None => (format!("rdd.top({k})"), None),
            },
            "reduce" => {
                let f = w.func(i, "fn")?;
                w.line(format!("{v}_fn = {f}"));
                (
                    format!("([] if rdd.isEmpty() else [rdd.reduce({v}_fn)])"),
                    accumulate.then_some("reduce"),
                )
            }
            other => return Err(format!("node `{id}`: unknown action {other}")),
        }
    };
    let show = |records: &str| {
        if jsonl {
            format!("_emit({}, {ordered}, t, {records})", py_str(&id))
        } else {
            format!("_show({}, t, {records})", py_str(&id))
        }
    };
    w.used.insert(if jsonl { "_emit" } else { "_show" });
    match acc {
        None => {
            let s = show(&records);
            w.line(format!("{input}.foreachRDD(lambda t, rdd: {s})"));
        }
        Some(kind) => {
            w.used.insert("_wrap");
            w.line(format!("{v}_total = [None]  # the driver's running total"));
            w.line(format!("def {v}_accumulate(t, rdd):"));
            w.line(format!("    got = {records}"));
            if kind == "count" {
                w.line(format!(
                    "    {v}_total[0] = _wrap(({v}_total[0] or 0) + got[0])"
                ));
            } else {
                w.line("    if got:");
                w.line(format!(
                    "        {v}_total[0] = got[0] if {v}_total[0] is None else {v}_fn({v}_total[0], got[0])"
                ));
            }
            let s = show(&format!("[] if {v}_total[0] is None else [{v}_total[0]]"));
            w.line(format!("    {s}"));
            w.line(format!("{input}.foreachRDD({v}_accumulate)"));
        }
    }
    Ok(())
}

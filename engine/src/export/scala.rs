//! The Scala program of a pipeline: one `object Main` with a `StreamingContext`, each node as
//! a `val` bound to its DStream call with its lambdas in Scala ([`super::scala_lambda`]), the
//! output ops, `start` and `awaitTermination`. A lambda whose Scala spelling differs from what
//! the learner typed keeps the typed text in a comment above it, which the importer
//! (`crate::import::scala`) takes back when the code still says the same.

use super::scala_lambda::{scala_fn, scala_ident, scala_type, scala_value, Context};
use super::text::{comment_text, scala_str, Out};
use super::tree::{lambda_fields, node_lambda};
use super::{batches, checkpoints, ExportOptions, Language, Program};
use crate::plan::{NodeOp, Plan};
use crate::sources::generator;
use crate::spec::{NodeSpec, PipelineSpec};
use crate::value::Value;

const RUNTIME: &str = include_str!("Runtime.scala");
const GENERATOR: &str = include_str!("Generator.scala");

/// Names the program itself defines; a node with one of these ids gets `id_` as its `val`.
pub(crate) const RESERVED: &[&str] = &[
    "ssc",
    "conf",
    "createContext",
    "main",
    "queue",
    "generated",
    "generate",
    "emit",
    "show",
    "json",
    "zeroMs",
    "Running",
    "reduced",
    "AppName",
    "BatchMs",
    "Batches",
    "CheckpointDir",
    "UseStandIns",
    "Seq",
    "List",
    "Some",
    "None",
    "Option",
    "math",
    "println",
    "mutable",
    "String",
    "Long",
    "Double",
    "Boolean",
    "Seconds",
    "Milliseconds",
    "Minutes",
    "State",
    "StateSpec",
    "StreamingContext",
    "SparkConf",
    "RDD",
    "DStream",
    "Time",
    "Main",
    "args",
    "rdd",
    "time",
    "Ordering",
    "Array",
    "System",
    "java",
    "scala",
    "org",
];

/// The Scala `val` of a node.
pub(crate) fn val_name(id: &str) -> String {
    if RESERVED.contains(&id) {
        format!("{id}_")
    } else {
        scala_ident(id)
    }
}

/// A duration as Spark's Scala API writes it: `Seconds(4)`, `Milliseconds(500)`.
pub(crate) fn duration(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("Seconds({})", ms / 1000)
    } else {
        format!("Milliseconds({ms})")
    }
}

/// A JSON string of `s` with every non-ASCII character escaped (for a line comment).
pub(crate) fn json_ascii(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// The Scala text of lambda `field` of node `i` (what the importer compares a comment's
/// original with).
pub(crate) fn lambda_text(
    spec: &PipelineSpec,
    plan: &Plan,
    i: usize,
    field: &str,
) -> Result<String, String> {
    let lam = node_lambda(plan, &spec.nodes[i], i, field)?;
    let n = &spec.nodes[i];
    let context = if matches!(n.op.as_str(), "flatMap" | "flatMapValues") && field == "fn" {
        Context::FlatMap
    } else if n.op == "updateStateByKey" {
        Context::UpdateState
    } else {
        Context::Plain
    };
    Ok(scala_fn(&lam, context))
}

struct W<'a> {
    spec: &'a PipelineSpec,
    plan: &'a Plan,
    options: &'a ExportOptions,
    out: Out,
    first_source: Option<String>,
}

impl W<'_> {
    fn line(&mut self, s: impl Into<String>) {
        self.out.line(format!("    {}", s.into()));
    }

    /// The Scala function of a lambda field; its original text in a comment when it differs.
    fn func(&mut self, i: usize, field: &str) -> Result<String, String> {
        let text = lambda_text(self.spec, self.plan, i, field)
            .map_err(|e| format!("node `{}`, {field}: {e}", self.spec.nodes[i].id))?;
        let original = lambda_fields(&self.spec.nodes[i])
            .into_iter()
            .find(|(f, _, _)| f == field)
            .map(|(_, _, s)| s)
            .unwrap_or_default();
        if original != text {
            self.line(format!("// playground {field}: {}", json_ascii(&original)));
        }
        Ok(text)
    }
}

fn num(n: &NodeSpec, field: &str) -> Option<u64> {
    n.field(field).and_then(|v| v.as_u64())
}

fn seq_literal(batches: &[Vec<Value>]) -> String {
    let items: Vec<String> = batches
        .iter()
        .map(|b| {
            format!(
                "Seq({})",
                b.iter().map(scala_value).collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    format!("Seq({})", items.join(", "))
}

fn str_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| scala_str(s))
        .collect::<Vec<_>>()
        .join(", ")
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
        first_source: None,
    };
    for i in 0..spec.nodes.len() {
        w.out.begin_node(&spec.nodes[i].id);
        node(&mut w, i)?;
        w.out.end_node();
    }
    let jsonl = options.jsonl;
    if jsonl {
        if let Some(first) = w.first_source.clone() {
            w.line("// Spark posts no batch-completed event for a batch without a job: this no-op");
            w.line("// output gives every batch one, so main can wait for each batch.");
            w.line(format!("{first}.foreachRDD(rdd => ())"));
        }
    }
    let body = std::mem::take(&mut w.out);

    let name = spec
        .name
        .as_deref()
        .unwrap_or(crate::import::scala::UNNAMED_APP);
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
    let mut o = Out::default();
    match &spec.name {
        Some(n) => o.line(format!("// {}", comment_text(n))),
        // The importer reads this title back as "no name".
        None => o.line(format!("// {}", crate::import::scala::UNNAMED)),
    }
    if let Some(d) = &spec.description {
        o.line(format!("// description: {}", comment_text(d)));
    }
    if let Some(t) = spec.ticks {
        o.line(format!("// ticks: {t}"));
    }
    o.line("//");
    o.line("// Exported from DStream Playground: a Spark Streaming program for Spark 4.3.0, in Scala 2.13.");
    o.line("// Compile it against Spark's jars and run it: spark-submit --class Main main.jar");
    if jsonl {
        o.line(format!(
            "// It runs {} batches on Spark's manual clock and prints one JSON line per output per",
            batches(plan)
        ));
        o.line("// batch, the playground's replay format (compare them with compare.py).");
    }
    o.line("");
    o.line("import scala.collection.mutable");
    o.line("import scala.reflect.ClassTag");
    o.line("import org.apache.spark.SparkConf");
    o.line("import org.apache.spark.rdd.RDD");
    o.line("import org.apache.spark.streaming._");
    o.line("import org.apache.spark.streaming.dstream.DStream");
    if jsonl {
        o.line("import org.apache.spark.streaming.scheduler.{StreamingListener, StreamingListenerBatchCompleted}");
    }
    o.line("");
    o.line("object Main {");
    o.line(format!("  val AppName = {}", scala_str(name)));
    o.line(format!("  val BatchMs = {b}L"));
    o.line(format!("  val Batches = {}", batches(plan)));
    if jsonl {
        o.line("  val CheckpointDir = java.nio.file.Files.createTempDirectory(\"dstream-playground-\").toString");
    } else {
        o.line("  val CheckpointDir = \"checkpoint\" // on a cluster: a directory on HDFS or S3");
    }
    if has_stand_ins {
        o.line(
            "  // true: typed lines and generators replay the playground's records (a local run",
        );
        o.line("  // prints what the page printed); false: read them from a socket (nc -lk 9999).");
        o.line("  val UseStandIns = true");
    }
    o.line("");
    o.line("  def createContext(): StreamingContext = {");
    o.line("    val conf = new SparkConf().setAppName(AppName).setIfMissing(\"spark.master\", \"local[2]\")");
    if jsonl {
        o.line("    // The manual clock: main advances it one batch at a time.");
        o.line("    conf.set(\"spark.streaming.clock\", \"org.apache.spark.util.ManualClock\")");
        o.line("    conf.set(\"spark.ui.enabled\", \"false\").set(\"spark.ui.showConsoleProgress\", \"false\")");
        o.line("    conf.set(\"spark.default.parallelism\", \"2\")");
    }
    o.line(format!(
        "    val ssc = new StreamingContext(conf, {})",
        duration(b)
    ));
    if jsonl {
        o.line("    ssc.sparkContext.setLogLevel(\"ERROR\")");
    }
    if ck {
        o.line("    ssc.checkpoint(CheckpointDir)");
    }
    o.append(&body);
    o.line("    ssc");
    o.line("  }");
    o.line("");
    o.line("  def main(args: Array[String]): Unit = {");
    if ck {
        o.line("    // Recovers the context from the checkpoint if there is one, as on a driver restart.");
        o.line("    val ssc = StreamingContext.getOrCreate(CheckpointDir, () => createContext())");
    } else {
        o.line("    val ssc = createContext()");
    }
    if jsonl {
        o.line("    val done = mutable.Set.empty[Long]");
        o.line("    ssc.addStreamingListener(new StreamingListener {");
        o.line("      override def onBatchCompleted(e: StreamingListenerBatchCompleted): Unit =");
        o.line("        done.synchronized { done += e.batchInfo.batchTime.milliseconds; done.notifyAll() }");
        o.line("    })");
        o.line("    ssc.start()");
        o.line("    // The manual clock is Spark's own (private[spark]): reached by reflection.");
        o.line(
            "    val scheduler = classOf[StreamingContext].getMethod(\"scheduler\").invoke(ssc)",
        );
        o.line("    val clock = scheduler.getClass.getMethod(\"clock\").invoke(scheduler)");
        o.line("    val now = clock.getClass.getMethod(\"getTimeMillis\")");
        o.line("    val advance = clock.getClass.getMethod(\"advance\", classOf[Long])");
        o.line("    val start = now.invoke(clock).asInstanceOf[Long]");
        o.line("    for (i <- 0 until Batches) {");
        o.line("      advance.invoke(clock, Long.box(BatchMs))");
        o.line("      val target = start + (i + 1) * BatchMs");
        o.line("      val deadline = System.currentTimeMillis() + 300000");
        o.line("      done.synchronized {");
        o.line("        while (!done.contains(target) && System.currentTimeMillis() < deadline) done.wait(100)");
        o.line("      }");
        o.line("      if (!done.contains(target)) sys.error(s\"batch $i did not complete\")");
        o.line("    }");
        o.line("    ssc.stop(stopSparkContext = true, stopGracefully = false)");
    } else {
        o.line("    ssc.start()");
        o.line("    ssc.awaitTermination()");
    }
    o.line("  }");
    o.line("");
    o.lines_of("", RUNTIME);
    if uses_generator {
        o.line("");
        o.line(format!(
            "  val GenVocabulary = Vector({})",
            str_list(generator::VOCABULARY)
        ));
        o.line(format!("  val GenIps = {}L", generator::IPS));
        let pairs = |items: &[(&str, u64)]| {
            items
                .iter()
                .map(|(s, n)| format!("({}, {n}L)", scala_str(s)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        o.line(format!(
            "  val GenMethods = Vector({})",
            pairs(generator::METHODS)
        ));
        o.line(format!(
            "  val GenPaths = Vector({})",
            str_list(generator::PATHS)
        ));
        o.line(format!(
            "  val GenStatuses = Vector({})",
            pairs(generator::STATUSES)
        ));
        o.line(format!(
            "  val GenProducts = Vector({})",
            generator::PRODUCTS
                .iter()
                .map(|(p, c)| format!("({}, {})", scala_str(p), scala_str(c)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        o.lines_of("", GENERATOR);
    }
    o.line("}");
    Ok(Program {
        language: Language::Scala,
        text: o.text(),
        nodes: o.nodes,
    })
}

fn node(w: &mut W, i: usize) -> Result<(), String> {
    let n = &w.spec.nodes[i];
    let p = &w.plan.nodes[i];
    let v = val_name(&n.id);
    let input = |k: usize| val_name(&w.plan.nodes[p.inputs[k]].id);
    let parts = num(n, "partitions");
    let with_parts = |s: String| match parts {
        Some(k) => format!("{s}, {k}"),
        None => s,
    };
    w.line(format!("// {}: {}", n.id, n.op));
    match &p.op {
        NodeOp::Queue(b) => {
            let ty = scala_type(&p.ty).unwrap_or_else(|| "String".into());
            w.line(format!("val {v} = queue[{ty}](ssc, {})", seq_literal(b)));
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
            w.line(format!("val {v} = if (UseStandIns) {{"));
            w.line("  // The lines typed in the playground, one Seq per batch.");
            w.line(format!("  queue[String](ssc, {})", seq_literal(&typed)));
            w.line("} else ssc.socketTextStream(\"localhost\", 9999)");
            w.first_source.get_or_insert(v);
        }
        NodeOp::Generator(g) => {
            let kind = match g.kind {
                generator::Kind::Words => "words",
                generator::Kind::Logs => "logs",
                generator::Kind::Sales => "sales",
            };
            let seed = match n.field("seed") {
                Some(_) => format!(", seed = {}L", g.seed),
                None => String::new(),
            };
            w.line(format!("val {v} = if (UseStandIns) {{"));
            w.line(format!(
                "  // The playground's {kind} generator: the same records at the same batch."
            ));
            w.line(format!(
                "  generated(ssc, \"{kind}\", {}L{seed})",
                g.rate_per_s
            ));
            w.line("} else {");
            w.line(
                "  // On a cluster, a Kafka topic (spark-streaming-kafka-0-10 on the classpath):",
            );
            w.line("  //   KafkaUtils.createDirectStream[String, String](ssc, LocationStrategies.PreferConsistent,");
            w.line("  //     ConsumerStrategies.Subscribe[String, String](Seq(\"lines\"), kafkaParams)).map(_.value)");
            w.line("  ssc.socketTextStream(\"localhost\", 9999)");
            w.line("}");
            w.first_source.get_or_insert(v);
        }
        NodeOp::Map(_)
        | NodeOp::FlatMap(_)
        | NodeOp::Filter(_)
        | NodeOp::MapValues(_)
        | NodeOp::FlatMapValues(_) => {
            let f = w.func(i, "fn")?;
            w.line(format!("val {v} = {}.{}({f})", input(0), n.op));
        }
        NodeOp::ReduceByKey(..) => {
            let f = w.func(i, "fn")?;
            w.line(format!(
                "val {v} = {}.reduceByKey({})",
                input(0),
                with_parts(f)
            ));
        }
        NodeOp::GroupByKey(_) => {
            let args = parts.map_or(String::new(), |k| k.to_string());
            w.line(format!(
                "val {v} = {}.groupByKey({args}).mapValues(_.toList)",
                input(0)
            ));
        }
        NodeOp::CountByValue(_) => {
            let args = parts.map_or(String::new(), |k| k.to_string());
            w.line(format!("val {v} = {}.countByValue({args})", input(0)));
        }
        NodeOp::Count => w.line(format!("val {v} = {}.count()", input(0))),
        NodeOp::Reduce(_) => {
            let f = w.func(i, "fn")?;
            w.line(format!("val {v} = {}.reduce({f})", input(0)));
        }
        NodeOp::Repartition(k) => w.line(format!("val {v} = {}.repartition({k})", input(0))),
        NodeOp::Union => {
            let rest: Vec<String> = (1..p.inputs.len()).map(input).collect();
            let mut e = input(0);
            for r in rest {
                e = format!("{e}.union({r})");
            }
            w.line(format!("val {v} = {e}"));
        }
        NodeOp::Join(..) => w.line(format!(
            "val {v} = {}.{}({})",
            input(0),
            n.op,
            with_parts(input(1))
        )),
        NodeOp::Cogroup(_) => w.line(format!(
            "val {v} = {}.cogroup({}).mapValues(vw => (vw._1.toList, vw._2.toList))",
            input(0),
            with_parts(input(1))
        )),
        NodeOp::Intersection | NodeOp::Subtract | NodeOp::Cartesian => {
            let t = scala_type(&w.plan.nodes[p.inputs[0]].ty).unwrap_or_else(|| "Any".into());
            let u = scala_type(&w.plan.nodes[p.inputs[1]].ty).unwrap_or_else(|| "Any".into());
            w.line(format!(
                "val {v} = {}.transformWith({}, (a: RDD[{t}], b: RDD[{u}]) => a.{}(b))",
                input(0),
                input(1),
                n.op
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
                let asc = e.get("ascending").and_then(|a| a.as_bool());
                let asc_arg = |lead: &str| match asc {
                    Some(a) => format!("{lead}ascending = {a}"),
                    None => String::new(),
                };
                let n_of = e.get("n").and_then(|x| x.as_u64()).unwrap_or(0);
                steps.push(match op {
                    "distinct" => ".distinct()".to_string(),
                    "sample" => {
                        let fr = e.get("fraction").and_then(|x| x.as_f64()).unwrap_or(0.0);
                        let seed = e.get("seed").and_then(|x| x.as_u64()).unwrap_or(0);
                        format!(
                            ".sample(false, {}, {seed}L)",
                            super::scala_lambda::scala_double(fr)
                        )
                    }
                    "sortBy" => format!(".sortBy({}{})", f.unwrap_or_default(), asc_arg(", ")),
                    "sortByKey" => format!(".sortByKey({})", asc_arg("")),
                    "take" => format!("=r.sparkContext.parallelize(r.take({n_of}).toSeq, 1)"),
                    "top" => match f {
                        Some(f) => format!(
                            "=r.sparkContext.parallelize(r.top({n_of})(Ordering.by({f})).toSeq, 1)"
                        ),
                        None => format!("=r.sparkContext.parallelize(r.top({n_of}).toSeq, 1)"),
                    },
                    other => return Err(format!("node `{}`: unknown RDD op {other}", n.id)),
                });
            }
            let t = scala_type(&p.ty).unwrap_or_else(|| "Any".into());
            w.line(format!(
                "val {v} = {}.transform((rdd: RDD[{t}]) => {{",
                input(0)
            ));
            w.line("  var r = rdd");
            for s in steps {
                match s.strip_prefix('=') {
                    Some(e) => w.line(format!("  r = {e}")),
                    None => w.line(format!("  r = r{s}")),
                }
            }
            w.line("  r");
            w.line("})");
        }
        NodeOp::Window(_) => window(w, i, &v, &input(0))?,
        NodeOp::UpdateStateByKey(..) => {
            let f = w.func(i, "fn")?;
            let s = match &p.ty {
                crate::types::Type::Tuple(ts) if ts.len() == 2 => scala_type(&ts[1]),
                _ => None,
            };
            let targ = s.map_or(String::new(), |s| format!("[{s}]"));
            w.line(format!(
                "val {v} = {}.updateStateByKey{targ}({})",
                input(0),
                with_parts(f)
            ));
        }
        NodeOp::MapWithState(_, timeout, _) => {
            let f = w.func(i, "fn")?;
            let t = timeout.map_or(String::new(), |t| format!(".timeout({})", duration(t)));
            w.line(format!(
                "val {v} = {}.mapWithState(StateSpec.function({f}){t})",
                input(0)
            ));
        }
        NodeOp::Output { .. } => output(w, i, &input(0))?,
    }
    Ok(())
}

fn window(w: &mut W, i: usize, v: &str, input: &str) -> Result<(), String> {
    let n = &w.spec.nodes[i];
    let win = duration(num(n, "window_ms").unwrap_or(0));
    let slide = num(n, "slide_ms").map(duration);
    let slide_or_parent = slide
        .clone()
        .unwrap_or_else(|| format!("{input}.slideDuration"));
    let parts = num(n, "partitions");
    let line = match n.op.as_str() {
        "window" => match slide {
            Some(s) => format!("val {v} = {input}.window({win}, {s})"),
            None => format!("val {v} = {input}.window({win})"),
        },
        "countByWindow" => format!("val {v} = {input}.countByWindow({win}, {slide_or_parent})"),
        "reduceByWindow" => {
            let f = w.func(i, "fn")?;
            match n.field("inverse") {
                Some(_) => {
                    let inv = w.func(i, "inverse")?;
                    format!(
                        "val {v} = {input}.reduceByWindow({f}, {inv}, {win}, {slide_or_parent})"
                    )
                }
                None => format!("val {v} = {input}.reduceByWindow({f}, {win}, {slide_or_parent})"),
            }
        }
        "reduceByKeyAndWindow" => {
            let f = w.func(i, "fn")?;
            let inv = match n.field("inverse") {
                Some(_) => Some(w.func(i, "inverse")?),
                None => None,
            };
            let filter = match n.field("filter") {
                Some(_) => Some(w.func(i, "filter")?),
                None => None,
            };
            let mut args = vec![f];
            if let Some(inv) = inv {
                args.push(inv);
                args.push(win);
                args.push(slide_or_parent);
                if let Some(k) = parts {
                    args.push(format!("numPartitions = {k}"));
                }
                if let Some(fl) = filter {
                    args.push(format!("filterFunc = {fl}"));
                }
            } else {
                args.push(win);
                match (slide, parts) {
                    (s, Some(k)) => {
                        args.push(s.unwrap_or(slide_or_parent));
                        args.push(k.to_string());
                    }
                    (Some(s), None) => args.push(s),
                    (None, None) => {}
                }
            }
            format!(
                "val {v} = {input}.reduceByKeyAndWindow({})",
                args.join(", ")
            )
        }
        "countByValueAndWindow" => {
            let extra = parts.map_or(String::new(), |k| format!(", {k}"));
            format!("val {v} = {input}.countByValueAndWindow({win}, {slide_or_parent}{extra})")
        }
        "groupByKeyAndWindow" => {
            let args = match (slide, parts) {
                (s, Some(k)) => format!("{win}, {}, {k}", s.unwrap_or(slide_or_parent)),
                (Some(s), None) => format!("{win}, {s}"),
                (None, None) => win,
            };
            format!("val {v} = {input}.groupByKeyAndWindow({args}).mapValues(_.toList)")
        }
        other => return Err(format!("node `{}`: unknown window op {other}", n.id)),
    };
    w.line(line);
    Ok(())
}

fn output(w: &mut W, i: usize, input: &str) -> Result<(), String> {
    let n = &w.spec.nodes[i];
    let p = &w.plan.nodes[i];
    let jsonl = w.options.jsonl;
    let id = n.id.clone();
    let v = val_name(&id);
    let show = |records: &str| {
        if jsonl {
            format!("emit(\"{id}\", {}, time, {records})", p.ordered)
        } else {
            format!("show(\"{id}\", time, {records})")
        }
    };
    if n.op == "print" {
        let k = num(n, "num");
        if jsonl {
            let s = show(&format!("rdd.take({}).toSeq", k.unwrap_or(10)));
            w.line(format!("{input}.foreachRDD((rdd, time) => {s})"));
        } else {
            let args = k.map_or(String::new(), |k| k.to_string());
            w.line(format!("{input}.print({args})"));
        }
        return Ok(());
    }
    let action = n
        .field("action")
        .and_then(|a| a.as_str())
        .unwrap_or("collect");
    let accumulate = n
        .field("accumulate")
        .and_then(|a| a.as_bool())
        .unwrap_or(false);
    let k = num(n, "n").unwrap_or(0);
    let records = match action {
        "collect" => "rdd.collect().toSeq".to_string(),
        "count" if accumulate => {
            w.line(format!(
                "val {v}Total = new Running[Long](_ + _) // the driver's running total"
            ));
            format!("{v}Total.add(Some(rdd.count()))")
        }
        "count" => "Seq(rdd.count())".to_string(),
        "countByValue" => "rdd.countByValue().toSeq".to_string(),
        "take" => format!("rdd.take({k}).toSeq"),
        "top" => match n.field("fn") {
            Some(_) => {
                let f = w.func(i, "fn")?;
                format!("rdd.top({k})(Ordering.by({f})).toSeq")
            }
            None => format!("rdd.top({k}).toSeq"),
        },
        "reduce" => {
            let f = w.func(i, "fn")?;
            if accumulate {
                let t = scala_type(&p.ty).unwrap_or_else(|| "Any".into());
                w.line(format!(
                    "val {v}Total = new Running[{t}]({f}) // the driver's running total"
                ));
                format!("{v}Total.add(reduced(rdd, {f}))")
            } else {
                format!("reduced(rdd, {f}).toSeq")
            }
        }
        other => return Err(format!("node `{id}`: unknown action {other}")),
    };
    let s = show(&records);
    w.line(format!("{input}.foreachRDD((rdd, time) => {s})"));
    Ok(())
}

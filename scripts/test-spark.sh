#!/usr/bin/env bash
# The exported programs on real Spark 4.3.0: every conformance case and a set of generated
# pipelines (generators, typed lines, mapWithState, print), exported as PySpark and as Scala
# with --jsonl, run in local mode on Spark's manual clock, their lines compared with the
# engine's (compare.py's rules). PySpark is held to the engine's lines of the same pipeline as
# PySpark computes it (a window shorter than 5 slides reduced again, not subtracted), Scala to
# the engine's own lines.
#   bash scripts/test-spark.sh [SEEDS]      (SEEDS: generated variants per template, default 1)
#   SPARK_PROOF_JOBS=N: PySpark processes sharing the programs (default 2)
# pyspark==4.3.0 (which ships Spark's jars and scala-compiler 2.13) comes from PyPI into a
# venv under ~/.cache unless one is there. Logs: target/spark-proof/.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SHARED=${DSTREAM_SHARED_DIR:-$ROOT/../shared}
CASES=${DSTREAM_CONFORMANCE_DIR:-$SHARED/conformance}/cases
COMPARE=${DSTREAM_CONFORMANCE_DIR:-$SHARED/conformance}/compare.py
SEEDS=${1:-1}
OUT=$ROOT/target/spark-proof
T0=$(date +%s)

# Java 17 (Spark 4 runs on it; scalac from Spark's jars, `jar`) and python3's venv, from apt
# when missing, as scripts/setup.sh installs the other tools.
need=()
{ command -v jar >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; } || need+=(openjdk-17-jdk-headless)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -eq 0 ]; then
  echo "setup: java 17 and python3-venv (already installed)"
else
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  s=$(date +%s)
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"; } >/dev/null 2>&1 \
    || { echo "setup: ERROR: cannot install ${need[*]} with apt-get (the Spark proof needs Java 17 and python3-venv)"; exit 1; }
  echo "setup: ${need[*]} (installed with apt in $(( $(date +%s) - s ))s)"
fi

venv_ok() { [ -x "$1/bin/python" ] && "$1/bin/python" -c 'import pyspark, sys; sys.exit(pyspark.__version__ != "4.3.0")' 2>/dev/null; }
VENV=""
for v in "${DSTREAM_SPARK_VENV:-}" "$HOME/.cache/oracle-venv" "$HOME/.cache/dstream-spark-venv"; do
  if [ -n "$v" ] && venv_ok "$v"; then VENV=$v; break; fi
done
if [ -n "$VENV" ]; then
  echo "setup: pyspark 4.3.0 already installed ($VENV)"
else
  VENV=$HOME/.cache/dstream-spark-venv
  s=$(date +%s)
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q pyspark==4.3.0 >/dev/null \
    || { echo "setup: ERROR: cannot install pyspark==4.3.0 into $VENV (pip install pyspark==4.3.0 needs PyPI)"; exit 1; }
  echo "setup: pyspark 4.3.0 installed in $(( $(date +%s) - s ))s ($VENV)"
fi
PY=$VENV/bin/python
SPARK_HOME=$("$PY" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
JARS=$SPARK_HOME/jars
export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON=$PY

rm -rf "$OUT" && mkdir -p "$OUT/classes"
cargo build -q --release -p dstream-engine --example spark_corpus || exit 1
NAMES=$("$ROOT/target/release/examples/spark_corpus" "$OUT" "$CASES" "$SEEDS") || exit 1
N=$(echo $NAMES | wc -w)
echo "spark: $N pipelines exported as PySpark and Scala ($(( $(date +%s) - T0 ))s)"

# Scala, in the background: one scalac compiles every program (each in its own package), one
# JVM runs them. PySpark meanwhile: JOBS Python processes (default 2) share the programs, each
# running its share in turn on one SparkContext (tests/spark/run_pyspark.py). The runs mostly
# wait on Spark's scheduler, so they overlap well even on 2 cores.
JOBS=${SPARK_PROOF_JOBS:-2}
(
  s=$(date +%s)
  files=()
  for n in $NAMES; do files+=("$OUT/$n.scala"); done
  if ! java -cp "$JARS/*" scala.tools.nsc.Main -nowarn -usejavacp -cp "$JARS/*" -d "$OUT/classes" \
      tests/spark/RunMany.scala "${files[@]}" > "$OUT/scalac.log" 2>&1; then
    echo "spark: FAIL: scalac (see $OUT/scalac.log)"; tail -20 "$OUT/scalac.log"; exit 1
  fi
  (cd "$OUT/classes" && jar cf "$OUT/programs.jar" .)
  echo "spark: scalac compiled $N programs in $(( $(date +%s) - s ))s"
  s=$(date +%s)
  args=()
  for n in $NAMES; do args+=("$n" "$OUT/$n.scala.out"); done
  "$SPARK_HOME/bin/spark-submit" --master 'local[2]' --conf spark.ui.enabled=false \
    --driver-java-options "-Dlog4j2.level=error" --class RunMany "$OUT/programs.jar" "${args[@]}" \
    > "$OUT/scala.log" 2>&1
  echo "spark: Scala ran $N programs in $(( $(date +%s) - s ))s"
) > "$OUT/scala.summary" 2>&1 &
SCALA_PID=$!

s=$(date +%s)
pids=()
for j in $(seq 0 $((JOBS - 1))); do
  args=()
  k=0
  for n in $NAMES; do
    [ $((k % JOBS)) -eq "$j" ] && args+=("$OUT/$n.py" "$OUT/$n.py.out")
    k=$((k + 1))
  done
  [ ${#args[@]} -eq 0 ] && continue
  "$PY" tests/spark/run_pyspark.py "${args[@]}" 2> "$OUT/pyspark.$j.log" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
echo "spark: PySpark ran $N programs in $(( $(date +%s) - s ))s ($JOBS processes)"
wait "$SCALA_PID" || { cat "$OUT/scala.summary"; exit 1; }
cat "$OUT/scala.summary"

pass=0; fail=0
for n in $NAMES; do
  for lang in scala py; do
    want=$OUT/$n.expected.jsonl; [ $lang = py ] && want=$OUT/$n.pyspark.jsonl
    got=$OUT/$n.$lang.out
    if [ -s "$got.err" ]; then
      fail=$((fail+1)); echo "FAIL $n ($lang): the program failed: $(grep -m1 -E 'Error|Exception' "$got.err" | cut -c1-200)"
    elif r=$(python3 "$COMPARE" "$want" "$got" 2>&1); then
      pass=$((pass+1))
    else
      fail=$((fail+1)); echo "FAIL $n ($lang): $(echo "$r" | head -3 | tr '\n' ' ' | cut -c1-400)"
    fi
  done
done
# What PySpark must differ in: the pipelines whose PySpark lines are not the engine's.
differ=0
for n in $NAMES; do cmp -s "$OUT/$n.expected.jsonl" "$OUT/$n.pyspark.jsonl" || differ=$((differ+1)); done
echo "spark: $N pipelines, $differ with PySpark's short-window difference expected; $(( $(date +%s) - T0 ))s in all"
echo "spark: $pass passed, $fail failed"
[ $fail -eq 0 ]

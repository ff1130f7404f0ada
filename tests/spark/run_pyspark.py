#!/usr/bin/env python3
"""Runs exported PySpark programs one after another in this one Python process, each as
`python3 P.py` would run it, its stdout into its own file, on one SparkContext: a program's
`ssc.stop(stopSparkContext=True)` stops only its StreamingContext here, and the next
program's `SparkContext.getOrCreate(conf)` gets the same context back. The programs set the
same configuration (local[2], the manual clock, 2 default partitions, no UI) but their app
name, so sharing the context changes nothing they compute; it saves a JVM context start per
program.

  run_pyspark.py PROGRAM.py OUT.jsonl [PROGRAM.py OUT.jsonl ...]

Exit 0 if every program ran to its end; a failing program's error goes to OUT.jsonl.err."""
import contextlib
import runpy
import sys
import time
import traceback


def keep_the_spark_context():
    """Returns the StreamingContext's own stop, after making stop() keep the SparkContext."""
    from pyspark.streaming import StreamingContext

    stop = StreamingContext.stop

    def stop_streaming_only(self, stopSparkContext=True, stopGraceFully=False):
        stop(self, False, stopGraceFully)

    StreamingContext.stop = stop_streaming_only
    return stop


def main(args):
    from pyspark import SparkContext
    from pyspark.streaming import StreamingContext

    stop = keep_the_spark_context()
    failed = 0
    for program, out in zip(args[::2], args[1::2]):
        started = time.time()
        with open(out, "w", encoding="utf-8") as f, contextlib.redirect_stdout(f):
            try:
                runpy.run_path(program, run_name="__main__")
            except BaseException:  # a program's sys.exit or failure ends only that program
                failed += 1
                with open(out + ".err", "w", encoding="utf-8") as e:
                    traceback.print_exc(file=e)
                active = StreamingContext.getActive()
                if active is not None:
                    stop(active, False, False)
        print("ran %s in %.1fs" % (program, time.time() - started), file=sys.stderr)
    if SparkContext._active_spark_context is not None:
        SparkContext._active_spark_context.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

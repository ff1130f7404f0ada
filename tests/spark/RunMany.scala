// Runs exported Scala programs one after another in this one JVM, each as
// `spark-submit --class Main` would run it (its Main.main), its stdout into its own file.
//   RunMany PACKAGE OUT.jsonl [PACKAGE OUT.jsonl ...]   (PACKAGE.Main is the program)
object RunMany {
  def main(args: Array[String]): Unit = {
    var failed = 0
    for (Array(pkg, out) <- args.grouped(2)) {
      val started = System.nanoTime()
      val file = new java.io.PrintStream(new java.io.FileOutputStream(out), true, "UTF-8")
      val saved = System.out
      System.setOut(file)
      try {
        Console.withOut(file) {
          Class.forName(pkg + ".Main").getMethod("main", classOf[Array[String]]).invoke(null, Array.empty[String])
        }
      } catch {
        case e: Throwable =>
          failed += 1
          val err = new java.io.PrintStream(new java.io.FileOutputStream(out + ".err"))
          (if (e.getCause != null) e.getCause else e).printStackTrace(err)
          err.close()
      } finally {
        System.setOut(saved)
        file.close()
      }
      System.err.println(f"ran $pkg in ${(System.nanoTime() - started) / 1e9}%.1fs")
    }
    System.exit(if (failed > 0) 1 else 0)
  }
}

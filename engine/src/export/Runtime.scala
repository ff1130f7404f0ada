  // ---- What the program above uses: stand-ins for the playground's sources, its outputs ----

  /** A queueStream of these batches, each an RDD in 2 partitions as the playground slices it. */
  def queue[T: ClassTag](ssc: StreamingContext, batches: Seq[Seq[T]]): DStream[T] = {
    val padded = batches ++ Seq.fill(math.max(0, Batches - batches.size))(Seq.empty[T])
    ssc.queueStream(mutable.Queue(padded.map(b => ssc.sparkContext.parallelize(b, 2)): _*), oneAtATime = true)
  }

  /** The running context's zero time: a batch's time minus it is the playground's time. */
  def zeroMs(): Long = {
    val ssc = StreamingContext.getActive().get
    val graph = classOf[StreamingContext].getMethod("graph").invoke(ssc)
    graph.getClass.getMethod("zeroTime").invoke(graph).asInstanceOf[Time].milliseconds
  }

  /** A running total the driver keeps across batches (foreachRDD's accumulate). */
  class Running[T](f: (T, T) => T) extends Serializable {
    var total: Option[T] = None
    def add(x: Option[T]): Seq[T] = {
      total = (total, x) match {
        case (Some(a), Some(b)) => Some(f(a, b))
        case (a, b) => b.orElse(a)
      }
      total.toSeq
    }
  }

  /** rdd.reduce(f), or nothing for an empty batch. */
  def reduced[T](rdd: RDD[T], f: (T, T) => T): Option[T] =
    if (rdd.isEmpty()) None else Some(rdd.reduce(f))

  /** A record as the replay lines write it: tuples and lists as arrays, None as null. */
  def json(x: Any): String = x match {
    case null | None => "null"
    case Some(v) => json(v)
    case s: String =>
      s.flatMap {
        case '"' => "\\\""
        case '\\' => "\\\\"
        case c if c < ' ' || c > '~' => f"\\u${c.toInt}%04x"
        case c => c.toString
      }.mkString("\"", "", "\"")
    case d: Double => if (d.isNaN || d.isInfinite) "null" else java.lang.Double.toString(d)
    case _: Unit => "[]"
    case a: Array[_] => a.map(json).mkString("[", ",", "]")
    case it: Iterable[_] => it.map(json).mkString("[", ",", "]")
    case p: Product => p.productIterator.map(json).mkString("[", ",", "]")
    case other => other.toString
  }

  /** One replay line: an output's records at a batch. */
  def emit(output: String, ordered: Boolean, time: Time, records: Seq[Any]): Unit = {
    val ms = time.milliseconds - zeroMs()
    val order = if (ordered) ",\"ordered\":true" else ""
    System.out.println(s"""{"batch":${ms / BatchMs - 1},"time_ms":$ms,"output":"$output"$order,"records":[${records.map(json).mkString(",")}]}""")
    System.out.flush()
  }

  /** An output's records at a batch, as the playground lists them. */
  def show(output: String, time: Time, records: Seq[Any]): Unit =
    println(s"$output at ${time.milliseconds} ms: ${records.mkString(", ")}")


  /** The playground's generator as a stream: the records of each batch drawn when Spark asks. */
  def generated(ssc: StreamingContext, kind: String, ratePerS: Long, seed: Long = 0L): DStream[String] =
    ssc.queueStream(mutable.Queue.empty[RDD[String]], oneAtATime = true, defaultRDD = ssc.sparkContext.parallelize(Seq(""), 1))
      .transform((rdd: RDD[String], time: Time) =>
        rdd.sparkContext.parallelize(generate(kind, ratePerS, seed, time.milliseconds - zeroMs(), BatchMs), 2))

  /** The records of the batch at timeMs: SplitMix64 seeded by the seed and the batch time,
    * as engine/src/sources/generator.rs draws them. */
  def generate(kind: String, ratePerS: Long, seed: Long, timeMs: Long, batchMs: Long): Seq[String] = {
    var st = (seed * 0x9E3779B97F4A7C15L) ^ timeMs
    def draw(): Long = {
      st += 0x9E3779B97F4A7C15L
      var z = st
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL
      z ^ (z >>> 31)
    }
    def below(n: Long): Long = java.lang.Long.remainderUnsigned(draw(), math.max(n, 1L))
    def weighted(items: Seq[(String, Long)]): String = {
      var x = below(items.map(_._2).sum)
      for ((item, w) <- items) { if (x < w) return item; x -= w }
      items.last._1
    }
    def zipfWord(): String = {
      var hi = GenVocabulary.size.toLong
      var coins = draw()
      while (hi > 1 && (coins & 1L) == 0L) { hi = (hi + 1) / 2; coins >>>= 1 }
      GenVocabulary(below(hi).toInt)
    }
    draw()
    (0L until ratePerS * batchMs / 1000).map { _ =>
      kind match {
        case "words" => Seq.fill((1 + below(8)).toInt)(()).map(_ => zipfWord()).mkString(" ")
        case "logs" =>
          val ip = 1 + below(GenIps)
          val method = weighted(GenMethods)
          val path = GenPaths(below(GenPaths.size.toLong).toInt)
          s"10.0.0.$ip $method $path ${weighted(GenStatuses)}"
        case _ =>
          val (product, price) = GenProducts(below(GenProducts.size.toLong).toInt)
          s"$product,$price"
      }
    }
  }

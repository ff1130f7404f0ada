# The JVM's meaning of the playground's lambdas, in Python: the PySpark exporter copies the
# helpers a program uses (each `# @helper NAME DEPS...` section) into the program it writes.
# Ints are the JVM's Long (64-bit, wrapping), Some(x) is x and None is None, Lists are lists.

# @helper _wrap
def _wrap(n):
    """An integer as the JVM's Long: wrapped to 64 bits."""
    return ((n + 0x8000000000000000) & 0xFFFFFFFFFFFFFFFF) - 0x8000000000000000

# @helper _is_int
def _is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)

# @helper _jdouble
def _jdouble(d):
    """Java's Double.toString: 1.0E7, 1.0E-4, 0.001, 3.0, NaN, Infinity."""
    if d != d:
        return "NaN"
    if d in (float("inf"), float("-inf")):
        return "Infinity" if d > 0 else "-Infinity"
    if d == 0:
        return "-0.0" if str(d).startswith("-") else "0.0"
    sign = "-" if d < 0 else ""
    digits, exp = "%r" % abs(d), 0
    if "e" in digits:
        mant, e = digits.split("e")
        exp = int(e)
    else:
        mant = digits
    whole, _, frac = mant.partition(".")
    ds = (whole + frac).lstrip("0")
    exp += len(whole) - 1 if whole != "0" else -(len(frac) - len(frac.lstrip("0")) + 1)
    ds = ds.rstrip("0") or "0"
    if -3 <= exp < 7:
        if exp >= 0:
            ip, fp = ds[: exp + 1].ljust(exp + 1, "0"), ds[exp + 1 :]
        else:
            ip, fp = "0", "0" * (-exp - 1) + ds
        return sign + ip + "." + (fp or "0")
    return sign + ds[0] + "." + (ds[1:] or "0") + "E" + str(exp)

# @helper _str _is_int _jdouble
def _str(x):
    """The JVM's toString: (a,1), List(1, 2), true, 1.0E7."""
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return _jdouble(x)
    if isinstance(x, tuple):
        return "(" + ",".join(_str(e) for e in x) + ")"
    if isinstance(x, list):
        return "List(" + ", ".join(_str(e) for e in x) + ")"
    if x is None:
        return "None"
    return str(x)

# @helper _tstr _str
def _tstr(x, t):
    """toString of a value whose type holds an Option: t is "O" + inner, ("T", parts) or
    ("L", inner), None for a type without one."""
    if t is None:
        return _str(x)
    if t[0] == "O":
        return "None" if x is None else "Some(" + _tstr(x, t[1]) + ")"
    if t[0] == "T":
        return "(" + ",".join(_tstr(e, p) for e, p in zip(x, t[1])) + ")"
    return "List(" + ", ".join(_tstr(e, t[1]) for e in x) + ")"

# @helper _add _wrap _is_int _str
def _add(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return _str(a) + _str(b)
    if _is_int(a) and _is_int(b):
        return _wrap(a + b)
    return float(a) + float(b)

# @helper _sub _wrap _is_int
def _sub(a, b):
    if _is_int(a) and _is_int(b):
        return _wrap(a - b)
    return float(a) - float(b)

# @helper _mul _wrap _is_int
def _mul(a, b):
    if _is_int(a) and _is_int(b):
        return _wrap(a * b)
    return float(a) * float(b)

# @helper _div _wrap _is_int
def _div(a, b):
    """Long / Long truncates toward zero; Double / 0.0 is Infinity or NaN, as on the JVM."""
    if _is_int(a) and _is_int(b):
        if b == 0:
            raise ArithmeticError("java.lang.ArithmeticException: / by zero")
        q = abs(a) // abs(b)
        return _wrap(q if (a < 0) == (b < 0) else -q)
    a, b = float(a), float(b)
    if b == 0:
        if a == 0 or a != a:
            return float("nan")
        neg = (a < 0) != (str(b).startswith("-"))
        return float("-inf") if neg else float("inf")
    return a / b

# @helper _rem _is_int
def _rem(a, b):
    """% takes the dividend's sign, as on the JVM."""
    import math
    if _is_int(a) and _is_int(b):
        if b == 0:
            raise ArithmeticError("java.lang.ArithmeticException: / by zero")
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    a, b = float(a), float(b)
    if b == 0 or a != a or b != b or a in (float("inf"), float("-inf")):
        return float("nan")
    return math.fmod(a, b)

# @helper _neg _wrap _is_int
def _neg(a):
    return _wrap(-a) if _is_int(a) else -a

# @helper _abs _wrap _is_int
def _abs(a):
    return _wrap(abs(a)) if _is_int(a) else abs(a)

# @helper _math_max _is_int
def _math_max(a, b):
    if _is_int(a) and _is_int(b):
        return max(a, b)
    a, b = float(a), float(b)
    if a != a or b != b:
        return float("nan")
    if a == 0 and b == 0:
        return b if str(a).startswith("-") else a
    return max(a, b)

# @helper _math_min _is_int
def _math_min(a, b):
    if _is_int(a) and _is_int(b):
        return min(a, b)
    a, b = float(a), float(b)
    if a != a or b != b:
        return float("nan")
    if a == 0 and b == 0:
        return a if str(a).startswith("-") else b
    return min(a, b)

# @helper _utf16
def _utf16(s):
    """Whether s has characters Java counts as two (beyond U+FFFF)."""
    return any(ord(c) > 0xFFFF for c in s)

# @helper _length _utf16
def _length(x):
    if isinstance(x, str) and _utf16(x):
        return len(x.encode("utf-16-le")) // 2
    return len(x)

# @helper _substring _utf16
def _substring(s, begin, end=None):
    units = s.encode("utf-16-le") if _utf16(s) else None
    n = len(units) // 2 if units is not None else len(s)
    end = n if end is None else end
    if begin < 0 or begin > end or end > n:
        raise IndexError("java.lang.StringIndexOutOfBoundsException: begin %d, end %d, length %d" % (begin, end, n))
    if units is None:
        return s[begin:end]
    return units[2 * begin : 2 * end].decode("utf-16-le")

# @helper _index_of _utf16
def _index_of(s, t, last=False):
    i = s.rfind(t) if last else s.find(t)
    if i < 0 or not _utf16(s):
        return i
    return len(s[:i].encode("utf-16-le")) // 2

# @helper _trim
def _trim(s):
    """Java's trim: every character up to U+0020 at either end."""
    b, e = 0, len(s)
    while b < e and s[b] <= " ":
        b += 1
    while e > b and s[e - 1] <= " ":
        e -= 1
    return s[b:e]

# @helper _split
def _split(s, sep):
    """Java's String.split on a one-character separator: trailing empty strings dropped."""
    parts = s.split(sep)
    if len(parts) == 1:
        return parts
    while parts and parts[-1] == "":
        parts.pop()
    return parts

# @helper _split_re
def _split_re(s, pattern):
    """Java's String.split(regex): a zero-width match at the start makes no leading empty
    string, trailing empty strings are dropped, no match gives [s]."""
    import re
    parts, start = [], 0
    for m in re.finditer(pattern, s, re.ASCII):
        if m.end() == 0:
            continue
        parts.append(s[start : m.start()])
        start = m.end()
    if not parts:
        return [s]
    parts.append(s[start:])
    while parts and parts[-1] == "":
        parts.pop()
    return parts

# @helper _to_long _wrap
def _to_long(x):
    """toInt: Long.parseLong of a String (no spaces, an optional sign), a Double truncated
    and saturated as the JVM's d.toLong."""
    import re
    if isinstance(x, str):
        if not re.fullmatch(r"[+-]?[0-9]+", x):
            raise ValueError('java.lang.NumberFormatException: For input string: "%s"' % x)
        n = int(x)
        if n != _wrap(n):
            raise ValueError('java.lang.NumberFormatException: For input string: "%s"' % x)
        return n
    if isinstance(x, float):
        if x != x:
            return 0
        if x >= 9.223372036854775807e18:
            return 0x7FFFFFFFFFFFFFFF
        if x <= -9.223372036854775808e18:
            return -0x8000000000000000
        return int(x)
    return x

# @helper _to_double _trim
def _to_double(x):
    """toDouble: Double.parseDouble of a String (trimmed; NaN, Infinity, a d/f suffix)."""
    import re
    if isinstance(x, str):
        t = _trim(x)
        m = re.fullmatch(r"([+-]?)(NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[dDfF]?", t)
        if not m or (m.group(2) in ("NaN", "Infinity") and t[-1] in "dDfF"):
            raise ValueError('java.lang.NumberFormatException: For input string: "%s"' % t)
        v = float(m.group(2).replace("Infinity", "inf"))
        return -v if m.group(1) == "-" else v
    return float(x)

# @helper _is_empty
def _is_empty(x):
    return len(x) == 0

# @helper _contains
def _contains(x, e):
    return e in x

# @helper _sum_long _wrap
def _sum_long(xs):
    total = 0
    for x in xs:
        total = _wrap(total + x)
    return total

# @helper _sum_double
def _sum_double(xs):
    total = 0.0
    for x in xs:
        total += x
    return total

# @helper _head
def _head(xs):
    if not xs:
        raise IndexError("java.util.NoSuchElementException: head of empty list")
    return xs[0]

# @helper _last
def _last(xs):
    if not xs:
        raise IndexError("java.util.NoSuchElementException: last of empty list")
    return xs[-1]

# @helper _at
def _at(xs, i):
    if i < 0 or i >= len(xs):
        raise IndexError("java.lang.IndexOutOfBoundsException: %d" % i)
    return xs[i]

# @helper _get
def _get(o):
    if o is None:
        raise ValueError("java.util.NoSuchElementException: None.get")
    return o

# @helper _get_or_else
def _get_or_else(o, default):
    return default() if o is None else o

# @helper _mk_string _str
def _mk_string(xs, *seps):
    if len(seps) == 3:
        return seps[0] + seps[1].join(_str(x) for x in xs) + seps[2]
    return (seps[0] if seps else "").join(_str(x) for x in xs)

# @helper _json _is_int
def _json(x):
    """A record as the conformance lines write it: tuples and lists as arrays, None as null,
    a Double always with a fraction or an exponent."""
    import json
    if isinstance(x, (tuple, list)):
        return "[" + ",".join(_json(e) for e in x) + "]"
    if isinstance(x, float):
        if x != x or x in (float("inf"), float("-inf")):
            return "null"
        return repr(x).replace("e+", "e")
    return json.dumps(x)

# @helper _State
class _State:
    """Spark's State[S] for one call of mapWithState's function (the rules of StateImpl)."""

    def __init__(self, state, exists, timing_out=False):
        self.state, self.defined, self.timing_out = state, exists, timing_out
        self.updated = self.removed = False

    def exists(self):
        return self.defined

    def get(self):
        if not self.defined:
            raise ValueError("java.util.NoSuchElementException: State is not set")
        return self.state

    def getOption(self):
        return self.state if self.defined else None

    def isTimingOut(self):
        return self.timing_out

    def update(self, s):
        if self.removed:
            raise ValueError("requirement failed: Cannot update the state after it has been removed")
        if self.timing_out:
            raise ValueError("requirement failed: Cannot update the state that is timing out")
        self.state, self.defined, self.updated = s, True, True
        return ()

    def remove(self):
        if self.timing_out:
            raise ValueError("requirement failed: Cannot remove the state that is timing out")
        if self.removed:
            raise ValueError("requirement failed: Cannot remove the state that has already been removed")
        self.state, self.defined, self.updated, self.removed = None, False, False, True
        return ()

# @helper _map_with_state _State
def _map_with_state(stream, fn, timeout_ms, partitions, batch_ms, slide_ms):
    """Spark's mapWithState (PySpark has none): per key, fn(key, value, state) for each record
    in arrival order; the state is kept in an RDD carried from batch to batch, saved with the
    batch time when updated (or, with a timeout, whenever the key had data); keys idle for
    timeout_ms time out only in a full scan, every 10 slides, as Spark's MapWithStateRDD."""
    def step(time, rdd):
        # The state lives in this process, not in the function, so checkpointing the
        # DStream graph (which pickles the function) never pickles an RDD.
        import sys
        states = sys.__dict__.setdefault("_dstream_playground_map_with_state", {})
        holder = states.setdefault((id(fn), rdd.context.applicationId), {"state": None, "zero": None})
        ms = int(round(time.timestamp() * 1000))
        if holder["zero"] is None:
            holder["zero"] = ms - batch_ms
        now = ms - holder["zero"]
        full_scan = now % (10 * slide_ms) == 0
        prev = holder["state"] if holder["state"] is not None else rdd.context.parallelize([], partitions)
        tagged = prev.map(lambda kv: (kv[0], (0, kv[1]))).union(
            rdd.zipWithIndex().map(lambda r: (r[0][0], (1, (r[1], r[0][1])))))

        def run(part):
            states, order, out = {}, [], []
            for key, (kind, x) in part:
                if kind == 0:
                    states[key] = x
                else:
                    order.append((x[0], key, x[1]))
            order.sort(key=lambda o: o[0])
            for _, key, value in order:
                saved = states.get(key)
                st = _State(saved[0] if saved else None, saved is not None)
                mapped = fn(key, value, st)
                out.append((0, mapped))
                if st.removed:
                    states.pop(key, None)
                elif st.defined and (st.updated or timeout_ms is not None):
                    states[key] = (st.state, now)
            if full_scan and timeout_ms is not None:
                for key, (s, updated) in list(states.items()):
                    if updated < now - timeout_ms:
                        del states[key]
                        out.append((0, fn(key, None, _State(s, True, True))))
            out.extend((1, (k, v)) for k, v in states.items())
            return out

        both = tagged.partitionBy(partitions).mapPartitions(run).cache()
        holder["state"] = both.filter(lambda r: r[0] == 1).map(lambda r: r[1]).cache()
        if full_scan:
            holder["state"].checkpoint()
        holder["state"].count()
        return both.filter(lambda r: r[0] == 0).map(lambda r: r[1])

    return stream.transform(step)

# @helper _generate
def _generate(kind, rate, seed, time_ms, batch_ms):
    """The playground's generator: the records of the batch at time_ms (SplitMix64 seeded by
    the seed and the batch time, as engine/src/sources/generator.rs draws them)."""
    mask = 0xFFFFFFFFFFFFFFFF
    st = [((seed * 0x9E3779B97F4A7C15) & mask) ^ time_ms]

    def draw():
        st[0] = (st[0] + 0x9E3779B97F4A7C15) & mask
        z = st[0]
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)

    def below(n):
        return draw() % max(n, 1)

    def weighted(items):
        x = below(sum(w for _, w in items))
        for item, w in items:
            if x < w:
                return item
            x -= w
        return items[-1][0]

    def zipf_word():
        hi, coins = len(_GEN_VOCABULARY), draw()
        while hi > 1 and coins & 1 == 0:
            hi, coins = (hi + 1) // 2, coins >> 1
        return _GEN_VOCABULARY[below(hi)]

    draw()
    lines = []
    for _ in range(rate * batch_ms // 1000):
        if kind == "words":
            lines.append(" ".join(zipf_word() for _ in range(1 + below(8))))
        elif kind == "logs":
            ip = 1 + below(_GEN_IPS)
            method = weighted(_GEN_METHODS)
            path = _GEN_PATHS[below(len(_GEN_PATHS))]
            lines.append("10.0.0.%d %s %s %s" % (ip, method, path, weighted(_GEN_STATUSES)))
        else:
            product, price = _GEN_PRODUCTS[below(len(_GEN_PRODUCTS))]
            lines.append(product + "," + price)
    return lines

# @helper _zero_ms
def _zero_ms():
    """The running StreamingContext's zero time: a batch's time minus it is the time the
    playground gives that batch."""
    from pyspark.streaming import StreamingContext
    return StreamingContext.getActive()._jssc.ssc().graph().zeroTime().milliseconds()

# @helper _batch_ms
def _batch_ms(time):
    """A batch time (PySpark passes a datetime) in milliseconds."""
    return int(round(time.timestamp() * 1000))

# @helper _emit _json _batch_ms _zero_ms
def _emit(output, ordered, time, records):
    """One replay line: this output's records at this batch."""
    ms = _batch_ms(time) - _zero_ms()
    line = '{"batch":%d,"time_ms":%d,"output":"%s"%s,"records":[%s]}' % (
        ms // BATCH_MS - 1, ms, output, ',"ordered":true' if ordered else "",
        ",".join(_json(r) for r in records))
    print(line, flush=True)

# @helper _show _str _batch_ms
def _show(output, time, records):
    """An output's records at a batch, as the playground lists them."""
    print("%s at %d ms: %s" % (output, _batch_ms(time), ", ".join(_str(r) for r in records)), flush=True)

# @helper _print_batch _str _batch_ms
def _print_batch(time, records, num):
    """What Spark's DStream.print(num) writes (PySpark's pprint prints Python's repr)."""
    dashes = "-------------------------------------------"
    print("%s\nTime: %d ms\n%s" % (dashes, _batch_ms(time), dashes))
    for r in records[:num]:
        print(_str(r))
    if len(records) > num:
        print("...")
    print("", flush=True)

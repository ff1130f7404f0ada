//! Lambdas evaluate with the JVM's semantics (conformance README § "Lambdas use JVM
//! semantics"), and every run-time failure is an `EvalError` named as the JVM names it.

use dstream_engine::lambda::{compile, Signature};
use dstream_engine::{Type, Value};

fn run_on(src: &str, t: Type, arg: Value) -> Result<Value, String> {
    let sig = Signature {
        params: vec![t],
        result: Type::Var(0),
    };
    let l = compile(src, &sig).unwrap_or_else(|e| panic!("{src:?} should compile: {e}"));
    l.call(&[arg]).map_err(|e| e.message)
}

fn show(r: Result<Value, String>) -> String {
    match r {
        Ok(v) => v.to_string(),
        Err(e) => format!("ERR {e}"),
    }
}

fn int(src: &str, x: i64) -> String {
    show(run_on(src, Type::Int, Value::Int(x)))
}

fn dbl(src: &str, x: f64) -> String {
    show(run_on(src, Type::Double, Value::Double(x)))
}

fn string(src: &str, s: &str) -> String {
    show(run_on(src, Type::String, Value::str(s)))
}

fn failure(src: &str, t: Type, arg: Value) -> String {
    match run_on(src, t, arg) {
        Ok(v) => panic!("{src:?} should fail, gave {v}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

#[test]
fn int_division_truncates_and_remainder_takes_the_dividends_sign() {
    // The conformance case lambda_integer_division.
    assert_eq!(int("n => (n, n / 3, n % 3)", 7), "(7,2,1)");
    assert_eq!(int("n => (n, n / 3, n % 3)", -7), "(-7,-2,-1)");
    assert_eq!(int("n => (n / -4, n % -4)", 7), "(-1,3)");
    assert_eq!(int("n => (n / -4, n % -4)", -7), "(1,-3)");
    assert_eq!(int("n => -n / 2", 7), "-3");
    assert_eq!(int("n => -n / 2", -7), "3");
}

#[test]
fn int_arithmetic_wraps_as_the_jvms_long() {
    let max = i64::MAX;
    let min = i64::MIN;
    assert_eq!(int("n => n + 1", max), min.to_string());
    assert_eq!(int("n => n - 1", min), max.to_string());
    assert_eq!(int("n => n * 2", max), "-2");
    assert_eq!(int("n => n / -1", min), min.to_string());
    assert_eq!(int("n => n % -1", min), "0");
    assert_eq!(int("n => -n", min), min.to_string());
    assert_eq!(int("n => math.abs(n)", min), min.to_string());
    assert_eq!(int("n => List(n, n).sum", max), "-2");
}

#[test]
fn int_division_by_zero_is_an_arithmetic_exception() {
    assert_eq!(
        int("n => n / 0", 1),
        "ERR java.lang.ArithmeticException: / by zero"
    );
    assert_eq!(
        int("n => n % 0", 1),
        "ERR java.lang.ArithmeticException: / by zero"
    );
    assert_eq!(
        int("n => 10 / (n - n)", 3),
        "ERR java.lang.ArithmeticException: / by zero"
    );
}

#[test]
fn double_arithmetic_is_ieee() {
    assert_eq!(dbl("d => d / 0", 1.0), "Infinity");
    assert_eq!(dbl("d => -d / 0", 1.0), "-Infinity");
    assert_eq!(dbl("d => d / 0", 0.0), "NaN");
    assert_eq!(dbl("d => d % 0", 1.0), "NaN");
    assert_eq!(dbl("d => d % 2", -7.5), "-1.5");
    assert_eq!(dbl("d => d + 0.2", 0.1), "0.30000000000000004");
    assert_eq!(dbl("d => d == d", f64::NAN), "false");
    assert_eq!(dbl("d => d < 1 || d >= 1", f64::NAN), "false");
    assert_eq!(dbl("d => -d", 0.0), "-0.0");
    assert_eq!(int("n => n / 2.0", 7), "3.5");
    assert_eq!(int("n => n * 1.0 / 2", 7), "3.5");
    assert_eq!(dbl("d => math.max(d, 1.0)", f64::NAN), "NaN");
    assert_eq!(dbl("d => math.max(d, 0.0)", -0.0), "0.0");
    assert_eq!(dbl("d => math.min(d, 0.0)", -0.0), "-0.0");
}

#[test]
fn comparisons_and_equality_follow_scala() {
    assert_eq!(int("n => n == 3.0", 3), "true");
    assert_eq!(int("n => (n, 1) == (3, 1.0)", 3), "true");
    assert_eq!(string("s => s < \"b\"", "a"), "true");
    assert_eq!(
        string("s => s > \"B\"", "a"),
        "true",
        "Java compares UTF-16 units"
    );
    assert_eq!(string("s => s == \"abc\" && s != \"x\"", "abc"), "true");
    assert_eq!(int("n => List(1, 2, 3).contains(n)", 2), "true");
    assert_eq!(int("n => Some(n) == None", 2), "false");
    assert_eq!(
        int("n => n > 2 && 10 / (n - n) > 0", 1),
        "false",
        "&& short-circuits"
    );
    assert_eq!(
        int("n => n < 2 || 10 / (n - n) > 0", 1),
        "true",
        "|| short-circuits"
    );
    assert_eq!(
        int("n => if (n > 0) 1 else 10 / (n - n)", 1),
        "1",
        "if evaluates one branch"
    );
    assert_eq!(
        int("n => Some(n).getOrElse(10 / (n - n))", 1),
        "1",
        "getOrElse's default is lazy"
    );
}

// ---------------------------------------------------------------------------------------------
// Strings

#[test]
fn string_concatenation_uses_the_jvms_to_string() {
    assert_eq!(int("n => \"\" + n * 1.0e7", 1), "1.0E7");
    assert_eq!(int("n => \"\" + n * 1.0e-4", 1), "1.0E-4");
    assert_eq!(int("n => \"\" + n * 100.0", 1), "100.0");
    assert_eq!(int("n => \"\" + (\"a\", n)", 1), "(a,1)");
    assert_eq!(int("n => \"\" + (n > 0)", 1), "true");
    assert_eq!(int("n => \"\" + List(n, 2)", 1), "List(1, 2)");
    assert_eq!(int("n => \"\" + Some(n) + None", 1), "Some(1)None");
    assert_eq!(int("n => \"\" + (1, (2.5, \"x\"))", 1), "(1,(2.5,x))");
    assert_eq!(int("n => n.toString + 1", 7), "71");
    // The conformance case log_alarmer.
    let alarm = "t => if (t._1 * 1.0 / t._2 > 0.3) \"ALARM \" + t._1 + \"/\" + t._2 else \"ok \" + t._1 + \"/\" + t._2";
    let t = Type::pair(Type::Int, Type::Int);
    let v = |a, b| Value::pair(Value::Int(a), Value::Int(b));
    assert_eq!(show(run_on(alarm, t.clone(), v(2, 5))), "ALARM 2/5");
    assert_eq!(show(run_on(alarm, t, v(1, 5))), "ok 1/5");
}

#[test]
fn split_follows_java() {
    let split = |sep: &str, s: &str| string(&format!("line => line.split({sep})"), s);
    // Trailing empty strings dropped, leading ones kept; no match gives the input.
    assert_eq!(split("\",\"", ",,"), "List()");
    assert_eq!(split("\",\"", ""), "List()");
    assert_eq!(
        show(run_on(
            "line => line.split(\",\").size",
            Type::String,
            Value::str("")
        )),
        "1"
    );
    assert_eq!(split("\",\"", "a,,b,,"), "List(a, , b)");
    assert_eq!(split("\",\"", ",a"), "List(, a)");
    assert_eq!(split("\",\"", "abc"), "List(abc)");
    assert_eq!(split("\" \"", "x a b"), "List(x, a, b)");
    assert_eq!(split("\" \"", " a  b "), "List(, a, , b)");
    // Regexes: `"\\s+"` in the lambda is the regex \s+.
    assert_eq!(split("\"\\\\s+\"", " a \t b  c "), "List(, a, b, c)");
    assert_eq!(split("\"[,;]\"", "a;b,c"), "List(a, b, c)");
    assert_eq!(split("\"\\\\.\"", "a.b"), "List(a, b)");
    assert_eq!(
        split("\".\"", "a.b"),
        "List()",
        "'.' is a regex matching everything"
    );
    assert_eq!(split("'.'", "a.b"), "List(a, b)", "a Char splits literally");
    assert_eq!(
        split("\"|\"", "a|b"),
        "List(a, |, b)",
        "'|' matches the empty string everywhere"
    );
    // A zero-width match at the start gives no leading empty string.
    assert_eq!(split("\"\"", "abc"), "List(a, b, c)");
    let sig = Signature {
        params: vec![Type::String],
        result: Type::Var(0),
    };
    let e = compile("s => s.split(\"(?=b)\")", &sig).unwrap_err();
    assert_eq!(e.column, 14);
    assert!(
        e.message.starts_with("invalid regex \"(?=b)\""),
        "look-ahead is not supported: {e}"
    );
}

#[test]
fn split_keeps_java_results_for_the_conformance_cases() {
    let parts = |s: &str| {
        let r = run_on("line => line.split(\",\")", Type::String, Value::str(s)).unwrap();
        match r {
            Value::List(items) => items.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
            other => panic!("{other}"),
        }
    };
    assert_eq!(parts("a,b,,"), ["a", "b"]);
    assert_eq!(parts(",x"), ["", "x"]);
    assert_eq!(parts(""), [""]);
    assert_eq!(parts(",,,"), Vec::<String>::new());
    assert_eq!(parts("é,ü"), ["é", "ü"]);
}

#[test]
fn a_split_separator_computed_at_run_time_works_too() {
    let t = Type::pair(Type::String, Type::String);
    let v = |a: &str, b: &str| Value::pair(Value::str(a), Value::str(b));
    let src = "p => p._1.split(p._2)";
    assert_eq!(
        show(run_on(src, t.clone(), v("a-b-c", "-"))),
        "List(a, b, c)"
    );
    assert_eq!(
        show(run_on(src, t.clone(), v("a1b22c", "[0-9]+"))),
        "List(a, b, c)"
    );
    assert!(show(run_on(src, t, v("abc", "(")))
        .starts_with("ERR java.util.regex.PatternSyntaxException"));
}

#[test]
fn string_methods_count_characters() {
    assert_eq!(string("s => s.length", "héllo"), "5");
    assert_eq!(string("s => s.size", "héllo"), "5");
    assert_eq!(string("s => s.indexOf(\"l\")", "héllo"), "2");
    assert_eq!(string("s => s.lastIndexOf(\"l\")", "héllo"), "3");
    assert_eq!(string("s => s.indexOf(\"z\")", "héllo"), "-1");
    assert_eq!(string("s => s.indexOf('o')", "héllo"), "4");
    assert_eq!(string("s => s.substring(1, 3)", "héllo"), "él");
    assert_eq!(string("s => s.substring(5)", "héllo"), "");
    assert_eq!(string("s => s.toUpperCase", "héllo"), "HÉLLO");
    assert_eq!(string("s => s.toLowerCase", "HÉLLO"), "héllo");
    assert_eq!(string("s => s.trim", "\t x y \n"), "x y");
    assert_eq!(
        string("s => s.trim.isEmpty", " \u{1} "),
        "true",
        "Java trims chars <= ' '"
    );
    assert_eq!(string("s => s.replace(\"a\", \"-\")", "banana"), "b-n-n-");
    assert_eq!(string("s => s.replace(\"\", \"-\")", "ab"), "-a-b-");
    assert_eq!(
        string(
            "s => (s.contains(\"an\"), s.startsWith(\"ba\"), s.endsWith(\"na\"))",
            "banana"
        ),
        "(true,true,true)"
    );
    assert_eq!(string("s => (s.isEmpty, s.nonEmpty)", ""), "(true,false)");
    // The conformance case join_orders_payments.
    let src = "line => (line.substring(0, line.indexOf(\",\")), line.substring(line.indexOf(\",\") + 1).toDouble)";
    assert_eq!(string(src, "o1,12.5"), "(o1,12.5)");
}

#[test]
fn strings_count_utf16_units_as_java_does() {
    // U+1F600 is one character and two UTF-16 units: Java's "a😀b".length() is 4.
    let s = "a\u{1F600}b\u{1F600}";
    assert_eq!(string("s => s.length", s), "6");
    assert_eq!(string("s => s.indexOf(\"b\")", s), "3");
    assert_eq!(string("s => s.lastIndexOf(\"\u{1F600}\")", s), "4");
    assert_eq!(string("s => s.substring(1, 3)", s), "\u{1F600}");
    assert_eq!(string("s => s.substring(3)", s), "b\u{1F600}");
    assert_eq!(string("s => s.substring(6)", s), "");
    let half = failure("s => s.substring(0, 2)", Type::String, Value::str(s));
    assert!(half.contains("substring(0, 2) would cut"), "{half}");
    let past = failure("s => s.substring(7)", Type::String, Value::str(s));
    assert!(
        past.contains("StringIndexOutOfBoundsException: begin 7, end 6, length 6"),
        "{past}"
    );
}

#[test]
fn to_int_parses_the_64_bit_range_as_java_does() {
    assert_eq!(string("s => s.toInt", "+3"), "3");
    assert_eq!(string("s => s.toInt", "-0"), "0");
    assert_eq!(string("s => s.toInt", "007"), "7");
    assert_eq!(
        string("s => s.toInt", "9223372036854775807"),
        "9223372036854775807"
    );
    assert_eq!(
        string("s => s.toInt", "-9223372036854775808"),
        "-9223372036854775808"
    );
    for bad in [
        "x",
        "",
        " 3",
        "3 ",
        "+",
        "-",
        "1.0",
        "9223372036854775808",
        "1_000",
        "0x10",
        // Java reads one UTF-16 unit at a time: MATHEMATICAL BOLD DIGIT ZERO is no digit.
        "\u{1D7CE}",
        "\u{661}.",
    ] {
        assert_eq!(
            string("s => s.toInt", bad),
            format!("ERR java.lang.NumberFormatException: For input string: \"{bad}\""),
            "{bad:?}"
        );
    }
}

#[test]
fn to_int_reads_every_scripts_decimal_digits_as_java_does() {
    // Outputs of Long.parseLong on Java 17 for the same strings.
    for (input, out) in [
        ("\u{661}\u{662}", "12"),
        ("-\u{661}", "-1"),
        ("+\u{661}", "1"),
        ("\u{FF11}\u{FF12}", "12"),
        ("\u{661}2", "12"),
        ("\u{967}\u{966}", "10"),
        ("\u{ABF9}", "9"),
    ] {
        assert_eq!(string("s => s.toInt", input), out, "{input:?}");
    }
}

#[test]
fn to_double_reads_javas_hexadecimal_form() {
    // Outputs of Double.parseDouble on Java 17 for the same strings.
    for (input, out) in [
        ("0x1p3", "8.0"),
        ("0X1P3", "8.0"),
        ("0x1.8p1", "3.0"),
        ("0x.8p1", "1.0"),
        ("0x1.p1", "2.0"),
        ("0x1p3d", "8.0"),
        ("0x1p3F", "8.0"),
        (" 0x1p3 ", "8.0"),
        ("-0x1p3", "-8.0"),
        ("+0x1p-1", "0.5"),
        ("0x1p+3", "8.0"),
        ("0x0p0", "0.0"),
        ("-0x0p0", "-0.0"),
        ("0x1p-1075", "0.0"),
        ("0x1.8p-1074", "1.0E-323"),
        ("0xcp-1076", "1.5E-323"),
        ("0x1.fffffffffffffp1023", "1.7976931348623157E308"),
        ("0x1.fffffffffffff8p1023", "Infinity"),
        ("0x1.fffffffffffff7ffp1023", "1.7976931348623157E308"),
        ("0x1p1024", "Infinity"),
        ("0x123456789abcdef123p0", "3.358127276707303E20"),
        ("0x1.000000000000080000000001p0", "1.0000000000000002"),
        ("0x1.00000000000008p0", "1.0"),
        ("0x1.00000000000018p0", "1.0000000000000004"),
        ("0x00000000000000000000001p0", "1.0"),
        ("0x1p99999999999", "Infinity"),
        ("0x1p-99999999999", "0.0"),
        ("0x1.0000000000001p-1022", "2.225073858507202E-308"),
        ("0x1p-1023", "1.1125369292536007E-308"),
        ("0x1.ffffffffffffffp-1023", "2.2250738585072014E-308"),
        ("0xfffffffffffffc00p-1022", "4.1045368012983762E-289"),
        ("0x.00000000000000000000000000000000000000001p160", "0.0625"),
    ] {
        assert_eq!(string("s => s.toDouble", input), out, "{input:?}");
    }
    for bad in [
        "0x1", "0xp3", "0x.p1", "0x1P", "0x1p3.0", "0x1_0p0", "00x1p3", "\u{661}",
    ] {
        assert_eq!(
            string("s => s.toDouble", bad),
            format!("ERR java.lang.NumberFormatException: For input string: \"{bad}\""),
            "{bad:?}"
        );
    }
}

#[test]
fn to_double_parses_as_java_parse_double() {
    for (input, out) in [
        ("1.5", "1.5"),
        (" 1e3 ", "1000.0"),
        ("-2.5E-3", "-0.0025"),
        ("+.5", "0.5"),
        ("5.", "5.0"),
        ("1d", "1.0"),
        ("2.5f", "2.5"),
        ("NaN", "NaN"),
        ("-Infinity", "-Infinity"),
        ("1e400", "Infinity"),
        ("0.1", "0.1"),
    ] {
        assert_eq!(string("s => s.toDouble", input), out, "{input:?}");
    }
    for bad in ["x", "1e", "1.5.5", "inf", "nan", "1,5", ".", "e3", "1dd"] {
        assert_eq!(
            string("s => s.toDouble", bad),
            format!("ERR java.lang.NumberFormatException: For input string: \"{bad}\""),
            "{bad:?}"
        );
    }
    assert_eq!(
        string("s => s.toDouble", "  "),
        "ERR java.lang.NumberFormatException: empty String"
    );
}

#[test]
fn double_to_int_truncates_like_the_jvms_long_cast() {
    assert_eq!(dbl("d => d.toInt", 2.9), "2");
    assert_eq!(dbl("d => d.toInt", -2.9), "-2");
    assert_eq!(dbl("d => d.toInt", f64::NAN), "0");
    assert_eq!(dbl("d => d.toInt", 1e300), i64::MAX.to_string());
    assert_eq!(dbl("d => d.toInt", f64::NEG_INFINITY), i64::MIN.to_string());
    assert_eq!(int("n => n.toDouble", 3), "3.0");
}

// ---------------------------------------------------------------------------------------------
// Lists and options

#[test]
fn list_and_option_methods() {
    let xs = "List(3, 1, 2)";
    assert_eq!(int(&format!("n => {xs}.sum"), 0), "6");
    assert_eq!(
        int(
            &format!("n => ({xs}.max, {xs}.min, {xs}.head, {xs}.last)"),
            0
        ),
        "(3,1,3,2)"
    );
    assert_eq!(
        int(
            &format!("n => ({xs}.size, {xs}.length, {xs}.isEmpty, {xs}.nonEmpty)"),
            0
        ),
        "(3,3,false,true)"
    );
    assert_eq!(int(&format!("n => {xs}.mkString(\"-\")"), 0), "3-1-2");
    assert_eq!(int(&format!("n => {xs}.mkString"), 0), "312");
    assert_eq!(
        int(&format!("n => {xs}.mkString(\"[\", \", \", \"]\")"), 0),
        "[3, 1, 2]"
    );
    assert_eq!(int("n => List(1.5, 2.5).sum", 0), "4.0");
    assert_eq!(int("n => List(\"b\", \"a\").max", 0), "b");
    let empty_ints = Value::list(vec![]);
    let ints = Type::list(Type::Int);
    let doubles = Type::list(Type::Double);
    assert_eq!(
        show(run_on("xs => xs.sum", ints.clone(), empty_ints.clone())),
        "0"
    );
    assert_eq!(
        show(run_on("xs => xs.sum", doubles, empty_ints.clone())),
        "0.0"
    );
    assert_eq!(
        show(run_on(
            "xs => xs(1)",
            ints.clone(),
            Value::list(vec![Value::Int(4), Value::Int(5)])
        )),
        "5"
    );
    assert_eq!(
        int(
            "n => (Some(n).isDefined, Some(n).get, None.isEmpty, Some(n).getOrElse(0))",
            4
        ),
        "(true,4,true,4)"
    );
    assert_eq!(
        show(run_on(
            "o => o.getOrElse(-1)",
            Type::option(Type::Int),
            Value::none()
        )),
        "-1"
    );
    assert_eq!(
        show(run_on(
            "xs => xs.mkString(\",\")",
            Type::list(Type::Unknown),
            empty_ints
        )),
        ""
    );
}

// ---------------------------------------------------------------------------------------------
// Every run-time failure

#[test]
fn every_runtime_failure_is_named_as_the_jvm_names_it() {
    let ints = Type::list(Type::Int);
    let none = Value::none();
    let empty = Value::list(vec![]);
    let three = Value::list(vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
    let cases: Vec<(&str, Type, Value, &str)> = vec![
        ("n => n / 0", Type::Int, Value::Int(1), "java.lang.ArithmeticException: / by zero"),
        ("s => s.toInt", Type::String, Value::str("x"), "java.lang.NumberFormatException: For input string: \"x\""),
        ("s => s.toDouble", Type::String, Value::str("x"), "java.lang.NumberFormatException: For input string: \"x\""),
        ("o => o.get", Type::option(Type::Int), none, "java.util.NoSuchElementException: None.get"),
        ("xs => xs.head", ints.clone(), empty.clone(), "java.util.NoSuchElementException: head of empty list"),
        ("xs => xs.last", ints.clone(), empty.clone(), "java.util.NoSuchElementException: last of empty list"),
        ("xs => xs.max", ints.clone(), empty.clone(), "java.lang.UnsupportedOperationException: empty.max"),
        ("xs => xs.min", ints.clone(), empty, "java.lang.UnsupportedOperationException: empty.min"),
        ("xs => xs(9)", ints.clone(), three.clone(), "java.lang.ArrayIndexOutOfBoundsException: Index 9 out of bounds for length 3"),
        ("xs => xs(-1)", ints, three, "java.lang.ArrayIndexOutOfBoundsException: Index -1 out of bounds for length 3"),
        ("s => s.substring(5)", Type::String, Value::str("abc"), "java.lang.StringIndexOutOfBoundsException: begin 5, end 3, length 3"),
        ("s => s.substring(2, 1)", Type::String, Value::str("abc"), "java.lang.StringIndexOutOfBoundsException: begin 2, end 1, length 3"),
        ("s => s.substring(-1)", Type::String, Value::str("abc"), "java.lang.StringIndexOutOfBoundsException: begin -1, end 3, length 3"),
        ("s => s.split(\",\")(1)", Type::String, Value::str("a"), "java.lang.ArrayIndexOutOfBoundsException: Index 1 out of bounds for length 1"),
        // A record of another type than the node's inferred one (possible only for unknown types).
        ("x => x * 2", Type::Unknown, Value::str("a"), "java.lang.ClassCastException: class java.lang.String cannot be cast to class java.lang.Number"),
    ];
    for (src, t, arg, message) in cases {
        assert_eq!(failure(src, t, arg), message, "{src:?}");
    }
}

#[test]
fn calling_with_the_wrong_number_of_arguments_fails_cleanly() {
    let sig = Signature {
        params: vec![Type::Int, Type::Int],
        result: Type::Int,
    };
    let l = compile("_ + _", &sig).unwrap();
    assert!(l.call(&[Value::Int(1)]).is_err());
    assert!(l.call(&[]).is_err());
    assert_eq!(
        l.call(&[Value::Int(1), Value::Int(2)]).unwrap(),
        Value::Int(3)
    );
}

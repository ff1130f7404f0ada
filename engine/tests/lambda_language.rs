//! The lambda language's syntax and types, through the public contract: what parses, what it
//! means, which types come out, and which errors (with their columns) a learner sees.

use dstream_engine::lambda::{compile, compile_for, Lambda, LambdaError, Signature};
use dstream_engine::{Type, Value};

fn sig(params: Vec<Type>, result: Type) -> Signature {
    Signature { params, result }
}

/// The planner's signature for `map` over records of type `t`.
fn map(t: Type) -> Signature {
    sig(vec![t], Type::Var(0))
}

fn ok(src: &str, s: &Signature) -> Lambda {
    compile(src, s).unwrap_or_else(|e| panic!("{src:?} should compile: {e}"))
}

/// `src` compiled against `s` and called on `args`.
fn call(src: &str, s: &Signature, args: &[Value]) -> Value {
    match ok(src, s).call(args) {
        Ok(v) => v,
        Err(e) => panic!("{src}: {e}"),
    }
}

fn error(src: &str, s: &Signature) -> LambdaError {
    match compile(src, s) {
        Ok(l) => panic!("{src:?} should not compile, got {l:?}"),
        Err(e) => e,
    }
}

/// Evaluates a map over `t` on `arg` and prints the result as the JVM would.
fn run(src: &str, t: Type, arg: Value) -> String {
    let l = ok(src, &map(t));
    match l.call(&[arg]) {
        Ok(v) => v.to_string(),
        Err(e) => format!("ERR {e}"),
    }
}

fn int(src: &str, x: i64) -> String {
    run(src, Type::Int, Value::Int(x))
}

fn string(src: &str, s: &str) -> String {
    run(src, Type::String, Value::str(s))
}

fn kv(k: &str, v: i64) -> Value {
    Value::pair(Value::str(k), Value::Int(v))
}

fn kv_type() -> Type {
    Type::pair(Type::String, Type::Int)
}

// ---------------------------------------------------------------------------------------------
// Syntax

#[test]
fn operators_follow_scala_precedence() {
    assert_eq!(int("x => 1 + 2 * 3", 0), "7");
    assert_eq!(int("x => (1 + 2) * 3", 0), "9");
    assert_eq!(int("x => 10 - 4 - 3", 0), "3");
    assert_eq!(int("x => 20 / 2 / 5", 0), "2");
    assert_eq!(int("x => -x * 3", 2), "-6");
    assert_eq!(int("x => 7 % 4 * 2", 0), "6");
    assert_eq!(int("x => 1 + 2 < 4", 0), "true");
    assert_eq!(int("x => 1 < 2 == 3 < 4", 0), "true");
    assert_eq!(int("x => x > 0 && x < 10 || x == 42", 42), "true");
    assert_eq!(int("x => !(x > 0) || false && true", 5), "false");
    assert_eq!(int("x => !true == false", 0), "true");
    assert_eq!(int("x => - -x", 5), "5");
}

#[test]
fn if_extends_as_far_right_as_possible() {
    assert_eq!(int("x => if (x > 0) 1 else 2 + 10", 1), "1");
    assert_eq!(int("x => if (x > 0) 1 else 2 + 10", -1), "12");
    assert_eq!(int("x => 100 + (if (x > 0) 1 else 2)", -1), "102");
    assert_eq!(
        int(
            "x => if (x > 0) \"pos\" else if (x < 0) \"neg\" else \"zero\"",
            0
        ),
        "zero"
    );
}

#[test]
fn lambdas_take_the_shapes_learners_type() {
    assert_eq!(int("x => x * x", 7), "49");
    assert_eq!(int("(x) => x + 1", 7), "8");
    assert_eq!(int("(x: Int) => x + 1", 7), "8");
    assert_eq!(int("_ * 2", 7), "14");
    assert_eq!(int("_ => 5", 7), "5");
    let add = sig(vec![Type::Int, Type::Int], Type::Int);
    assert_eq!(
        call("(x, y) => x + y", &add, &[Value::Int(2), Value::Int(3)]),
        Value::Int(5)
    );
    assert_eq!(
        call("_ - _", &add, &[Value::Int(2), Value::Int(3)]),
        Value::Int(-1)
    );
    assert_eq!(
        call(
            "(a: Long, b: Long) => a * b",
            &add,
            &[Value::Int(2), Value::Int(3)]
        ),
        Value::Int(6)
    );
    assert_eq!(string("_.split(\" \")", "a b"), "List(a, b)");
    assert_eq!(run("_._2", kv_type(), kv("a", 3)), "3");
    assert_eq!(
        run("kv => (kv._1, kv._2 + 1)", kv_type(), kv("a", 3)),
        "(a,4)"
    );
    assert_eq!(run("kv => kv._1 -> kv._2", kv_type(), kv("a", 3)), "(a,3)");
    assert_eq!(
        string("line => line.substring(line.length - 3).toInt", "ab123"),
        "123"
    );
    assert_eq!(
        int("x => math.max(x, 3) + math.min(x, 3) + math.abs(-x)", 5),
        "13"
    );
    assert_eq!(int("x => List(1, 2)", 0), "List(1, 2)");
    assert_eq!(int("x => List(10, 20, 30)(x)", 1), "20");
    assert_eq!(int("x => Nil", 1), "List()");
    assert_eq!(int("x => None", 1), "None");
    assert_eq!(string("s => s.trim().length()", "  ab "), "2");
    assert_eq!(string("s => s.trim.toUpperCase", "  ab "), "AB");
    assert_eq!(string("  s   =>   s . length  ", "abc"), "3");
}

#[test]
fn each_placeholder_is_the_next_parameter() {
    let s = sig(vec![Type::String, Type::Int, Type::Int], Type::Var(0));
    let l = ok("_ + (_ - _)", &s);
    let v = l
        .call(&[Value::str("r"), Value::Int(10), Value::Int(3)])
        .unwrap();
    assert_eq!(v.to_string(), "r7");
}

#[test]
fn literals_read_as_scala_reads_them() {
    assert_eq!(
        int("x => \"\\\\s+\"", 0),
        "\\s+",
        "the source \"\\\\s+\" is the regex \\s+"
    );
    assert_eq!(int("x => \"a\\tb\\n\".length", 0), "4");
    assert_eq!(int("x => \"say \\\"hi\\\"\"", 0), "say \"hi\"");
    assert_eq!(int("x => \"\\u0041\\u00e9\"", 0), "Aé");
    assert_eq!(int("x => \"\"\"raw \\s+\"\"\"", 0), "raw \\s+");
    assert_eq!(
        int("x => (1.0, 0.3, 1e3, 2.5E-3, .5, 1d, 1.5f)", 0),
        "(1.0,0.3,1000.0,0.0025,0.5,1.0,1.5)"
    );
    assert_eq!(int("x => (true, false, 10L)", 0), "(true,false,10)");
    assert_eq!(int("x => 9223372036854775807", 0), "9223372036854775807");
    assert_eq!(int("x => -9223372036854775808", 0), "-9223372036854775808");
    assert_eq!(int("x => 1.toDouble", 0), "1.0");
}

#[test]
fn integer_literals_out_of_range_are_errors() {
    let e = error("x => x + 9223372036854775808", &map(Type::Int));
    assert_eq!(e.column, 10);
    assert_eq!(
        e.message,
        "the number 9223372036854775808 is out of range for Int (64-bit)"
    );
    let e = error("x => -9223372036854775809", &map(Type::Int));
    assert_eq!(e.column, 6);
    assert!(e.message.contains("out of range"), "{e}");
    assert!(error("x => 1e999", &map(Type::Int))
        .message
        .contains("too large"));
}

#[test]
fn syntax_errors_name_the_column() {
    let s = map(Type::Int);
    let cases: &[(&str, usize, &str)] = &[
        (
            "x => x +",
            9,
            "expected an expression, found the end of the lambda",
        ),
        (
            "x => (x + 1",
            12,
            "expected ',' or ')', found the end of the lambda",
        ),
        (
            "x => x = 1",
            8,
            "expected the end of the lambda, found '=' (to compare, write '==')",
        ),
        ("x => x # 1", 8, "expected the end of the lambda, found '#'"),
        (
            "x => if (x > 0) 1",
            18,
            "expected 'else' (every 'if' here needs an 'else'), found the end of the lambda",
        ),
        (
            "x => if x > 0 1 else 2",
            9,
            "expected '(' after 'if', found the name 'x'",
        ),
        (
            "x => x.",
            8,
            "expected a method name after '.', found the end of the lambda",
        ),
        ("x => \"abc", 6, "this string has no closing '\"'"),
        ("(a, b => a", 7, "expected ',' or ')', found '=>'"),
        (
            "x => ()",
            7,
            "'()' is not a value here; write an expression inside",
        ),
        ("", 1, "expected an expression, found the end of the lambda"),
        (
            "x =>",
            5,
            "expected an expression, found the end of the lambda",
        ),
        (
            "x => y => y",
            8,
            "expected the end of the lambda, found '=>'",
        ),
    ];
    for (src, column, message) in cases {
        let e = error(src, &s);
        assert_eq!(
            (e.column, e.message.as_str()),
            (*column, *message),
            "{src:?}"
        );
    }
    let e = error("x => \"a\\qb\"", &s);
    assert_eq!(e.column, 8);
    assert!(e.message.starts_with("invalid escape '\\q'"), "{e}");
}

#[test]
fn columns_count_characters_not_bytes() {
    let e = error("s => \"héllo wörld\" + y", &map(Type::String));
    assert_eq!(e.column, 22);
    assert_eq!(e.message, "unknown name 'y'");
}

#[test]
fn nesting_too_deep_is_an_error_not_a_crash() {
    let s = map(Type::Int);
    let deep = format!("x => {}x{}", "(".repeat(5000), ")".repeat(5000));
    assert!(error(&deep, &s).message.contains("nested too deeply"));
    let long = format!("x => x{}", " + 1".repeat(5000));
    assert!(error(&long, &s).message.contains("nested too deeply"));
    let negs = format!("x => {}x", "-".repeat(5000));
    assert!(error(&negs, &s).message.contains("nested too deeply"));
    let types = format!("(x: {}Int{}) => 1", "List[".repeat(5000), "]".repeat(5000));
    assert!(compile(&types, &s).is_err());
    // A realistic size still compiles.
    let fine = format!("x => x{}", " + 1".repeat(60));
    assert_eq!(int(&fine, 0), "60");
}

// ---------------------------------------------------------------------------------------------
// Types

#[test]
fn results_are_inferred_for_the_planners_signatures() {
    let l = ok("w => (w, 1)", &map(Type::String));
    assert_eq!(l.params(), &[Type::String]);
    assert_eq!(l.result(), &Type::pair(Type::String, Type::Int));

    let flat = sig(vec![Type::String], Type::list(Type::Var(0)));
    let l = ok("line => line.split(\" \")", &flat);
    assert_eq!(l.result(), &Type::list(Type::String));

    let filter = sig(vec![Type::Int], Type::Boolean);
    assert_eq!(ok("s => s >= 500", &filter).result(), &Type::Boolean);

    let reduce = sig(vec![Type::Int, Type::Int], Type::Int);
    assert_eq!(ok("_ + _", &reduce).result(), &Type::Int);
    let pairs = Type::pair(Type::Int, Type::Int);
    let reduce_pairs = sig(vec![pairs.clone(), pairs.clone()], pairs.clone());
    let l = ok("(a, b) => (a._1 + b._1, a._2 + b._2)", &reduce_pairs);
    assert_eq!(
        l.call(&[
            Value::pair(Value::Int(1), Value::Int(2)),
            Value::pair(Value::Int(10), Value::Int(20))
        ])
        .unwrap()
        .to_string(),
        "(11,22)"
    );

    let sort = map(kv_type());
    assert_eq!(
        ok("kv => (-kv._2, kv._1)", &sort).result(),
        &Type::pair(Type::Int, Type::String)
    );

    let window_filter = sig(vec![kv_type()], Type::Boolean);
    assert!(call("kv => kv._2 > 0", &window_filter, &[kv("a", 1)]) == Value::Bool(true));
}

#[test]
fn update_state_by_key_resolves_the_state_type() {
    let s = |v: Type| {
        sig(
            vec![Type::list(v), Type::option(Type::Var(0))],
            Type::option(Type::Var(0)),
        )
    };
    let l = ok(
        "(values, state) => Some(values.sum + state.getOrElse(0))",
        &s(Type::Int),
    );
    assert_eq!(
        l.params(),
        &[Type::list(Type::Int), Type::option(Type::Int)]
    );
    assert_eq!(l.result(), &Type::option(Type::Int));
    let ints = Value::list(vec![Value::Int(2), Value::Int(3)]);
    assert_eq!(
        l.call(&[ints.clone(), Value::none()]).unwrap().to_string(),
        "Some(5)"
    );
    assert_eq!(
        l.call(&[ints.clone(), Value::some(Value::Int(10))])
            .unwrap()
            .to_string(),
        "Some(15)"
    );

    // The literal 0 becomes 0.0 when the values are Doubles: the state is a Double.
    let l = ok(
        "(values, state) => Some(values.sum + state.getOrElse(0))",
        &s(Type::Double),
    );
    assert_eq!(l.result(), &Type::option(Type::Double));
    let ds = Value::list(vec![Value::Double(1.5)]);
    assert_eq!(
        l.call(&[ds, Value::none()]).unwrap().to_string(),
        "Some(1.5)"
    );
    let empty = Value::list(vec![]);
    assert_eq!(
        l.call(&[empty, Value::none()]).unwrap().to_string(),
        "Some(0.0)"
    );

    let l = ok(
        "(values, state) => if (values.isEmpty) None else Some(values.sum + state.getOrElse(0))",
        &s(Type::Int),
    );
    assert_eq!(l.result(), &Type::option(Type::Int));
    assert_eq!(
        l.call(&[Value::list(vec![]), Value::some(Value::Int(1))])
            .unwrap(),
        Value::none()
    );

    let l = ok(
        "(values, state) => Some(state.getOrElse(0) + values.size)",
        &s(Type::String),
    );
    assert_eq!(l.result(), &Type::option(Type::Int));

    // Declared Scala types, as in Spark's guide.
    let l = ok(
        "(newValues: Seq[Int], runningCount: Option[Int]) => Some(runningCount.getOrElse(0) + newValues.sum)",
        &s(Type::Int),
    );
    assert_eq!(l.result(), &Type::option(Type::Int));

    // Nothing fixes the state: it stays unknown.
    let l = ok("(values, state) => state", &s(Type::Int));
    assert_eq!(l.result(), &Type::option(Type::Unknown));
    assert_eq!(l.params()[1], Type::option(Type::Unknown));
}

#[test]
fn shared_variables_tie_params_and_result() {
    // reduce over an unknown element type: `_ + _` leaves it open, the literal fixes it.
    let s = sig(vec![Type::Var(3), Type::Var(3)], Type::Var(3));
    assert_eq!(
        ok("(a, b) => a + b + 1", &s).params(),
        &[Type::Int, Type::Int]
    );
    assert_eq!(ok("(a, b) => a + b + 1.5", &s).result(), &Type::Double);
    let l = ok("_ + _", &s);
    assert_eq!(l.result(), &Type::Unknown);
    assert_eq!(
        l.call(&[Value::str("a"), Value::str("b")]).unwrap(),
        Value::str("ab")
    );
    assert_eq!(
        l.call(&[Value::Int(1), Value::Int(2)]).unwrap(),
        Value::Int(3)
    );
    // An unknown record type is learned from the methods used on it.
    let l = ok("line => line.split(\",\")", &map(Type::Unknown));
    assert_eq!(l.params(), &[Type::String]);
    assert_eq!(l.result(), &Type::list(Type::String));
}

#[test]
fn ints_widen_to_doubles_where_scala_widens() {
    let l = ok("x => if (x > 0) 1 else 2.0", &map(Type::Int));
    assert_eq!(l.result(), &Type::Double);
    assert_eq!(l.call(&[Value::Int(1)]).unwrap(), Value::Double(1.0));
    assert_eq!(int("x => List(x, 2.5)", 1), "List(1.0, 2.5)");
    assert_eq!(int("x => math.max(x, 0.5)", 1), "1.0");
    assert_eq!(int("x => x * 1.0 / 4", 1), "0.25");
    assert_eq!(
        int("x => 1 / 2 + 0.5", 0),
        "0.5",
        "Int division first, then widened"
    );
    assert_eq!(int("x => if (x > 0) 1 / 2 else 0.5", 1), "0.0");
    assert_eq!(int("x => (if (x > 0) (x, 1) else (x, 2.5))", 1), "(1,1.0)");
    assert_eq!(int("x => Some(x).getOrElse(2.5)", 1), "1.0");
    assert_eq!(int("x => x == 1.0", 1), "true");
    let reduce = sig(vec![Type::Double, Type::Double], Type::Double);
    assert_eq!(
        call(
            "(a, b) => 0",
            &reduce,
            &[Value::Double(1.0), Value::Double(2.0)]
        ),
        Value::Double(0.0)
    );
    assert_eq!(
        call(
            "(a, b) => a.toInt",
            &reduce,
            &[Value::Double(1.5), Value::Double(2.0)]
        ),
        Value::Double(1.0)
    );
}

#[test]
fn strings_concatenate_with_anything() {
    assert_eq!(int("x => \"n=\" + x", 3), "n=3");
    assert_eq!(int("x => x + \"!\"", 3), "3!");
    assert_eq!(int("x => 1 + 2 + \"a\" + 1 + 2", 0), "3a12");
    let e = error("x => x - \"a\"", &map(Type::Int));
    assert_eq!(
        (e.column, e.message.as_str()),
        (10, "'-' needs numbers, found String")
    );
}

#[test]
fn type_errors_name_the_column() {
    let s = map(Type::String);
    let cases: &[(&str, usize, &str)] = &[
        (
            "s => s.len",
            8,
            "String has no method 'len' (did you mean 'length'?)",
        ),
        (
            "s => s.toLong",
            8,
            "String has no method 'toLong' (did you mean 'toInt'?)",
        ),
        (
            "s => s.lenght",
            8,
            "String has no method 'lenght' (did you mean 'length'?)",
        ),
        ("s => y", 6, "unknown name 'y'"),
        (
            "line => lin.length",
            9,
            "unknown name 'lin' (did you mean 'line'?)",
        ),
        ("s => s.substring(\"a\")", 18, "expected Int, found String"),
        (
            "s => s.substring(1, 2, 3)",
            8,
            "'substring' takes 1 or 2 arguments, found 3",
        ),
        ("s => s.split", 8, "'split' takes 1 argument, found 0"),
        ("s => s * 2", 6, "'*' needs numbers, found String"),
        ("s => if (s) 1 else 2", 10, "expected Boolean, found String"),
        (
            "s => if (s.isEmpty) 1 else \"x\"",
            28,
            "the two branches of this 'if' differ: Int and String",
        ),
        (
            "s => s == 1",
            8,
            "'==' compares values of one type, but these are String and Int",
        ),
        ("s => s.length && true", 6, "expected Boolean, found Int"),
        ("s => !s", 7, "expected Boolean, found String"),
        ("s => -s", 7, "expected a number, found String"),
        ("s => s < 1", 10, "expected String, found Int"),
        ("s => s._1", 8, "String is not a tuple, so it has no _1"),
        ("s => s.length.foo", 15, "Int has no method 'foo'"),
        (
            "s => List(1, \"a\")",
            14,
            "the elements of a List share one type: expected Int, found String",
        ),
        (
            "s => Some(1).getOrElse(\"a\")",
            24,
            "expected Int, found String",
        ),
        (
            "s => s(0)",
            7,
            "a String cannot be indexed here; use s.substring(i, i + 1)",
        ),
        (
            "s => math.pow(2, 3)",
            11,
            "math has no function 'pow' (it has max, min and abs)",
        ),
        ("s => math.max(s, 1)", 15, "expected a number, found String"),
        (
            "s => 'a'",
            6,
            "'a' is a character; this language has strings only, write \"a\"",
        ),
        (
            "s => s.split(\"(\")",
            14,
            "invalid regex \"(\": unclosed group",
        ),
        ("s => s.abs", 8, "String has no method 'abs'"),
        (
            "s => s.length.abs",
            15,
            "Int has no method 'abs' (use math.abs(…))",
        ),
        (
            "(s: Int) => s",
            2,
            "s is declared Int but its op passes String",
        ),
        (
            "(s: Strin) => s",
            5,
            "unknown type 'Strin' (did you mean 'String'?)",
        ),
        (
            "s => List(s).sum",
            14,
            "'sum' needs a List of numbers, found List[String]",
        ),
        ("s => Some(s).foo", 14, "Option[String] has no method 'foo'"),
    ];
    for (src, column, message) in cases {
        let e = error(src, &s);
        assert_eq!(
            (e.column, e.message.as_str()),
            (*column, *message),
            "{src:?}"
        );
    }
    let t = map(kv_type());
    let e = error("kv => kv._3", &t);
    assert_eq!(
        (e.column, e.message.as_str()),
        (10, "tuple (String, Int) has no _3")
    );
    let e = error("x => x + 1", &sig(vec![Type::Int], Type::Boolean));
    assert_eq!(
        (e.column, e.message.as_str()),
        (6, "expected Boolean, found Int")
    );
}

#[test]
fn arity_must_match_except_for_untupling() {
    let reduce = sig(vec![Type::Int, Type::Int], Type::Int);
    let e = compile_for("reduceByKey", "x => x + 1", &reduce).unwrap_err();
    assert_eq!(e.column, 1);
    assert_eq!(
        e.message,
        "this lambda takes 1 parameter but reduceByKey passes 2 (a: Int, b: Int)"
    );
    let e = compile_for("map", "(a, b) => a", &map(Type::Int)).unwrap_err();
    assert_eq!(
        e.message,
        "this lambda takes 2 parameters but map passes 1 (x: Int)"
    );
    let e = compile_for("map", "42", &map(Type::Int)).unwrap_err();
    assert_eq!(
        e.message,
        "this lambda takes no parameter but map passes 1 (x: Int)"
    );
    let e = compile("_ + _ + _", &reduce).unwrap_err();
    assert_eq!(
        e.message,
        "this lambda takes 3 parameters but its op passes 2 (a: Int, b: Int)"
    );
    let e = compile("(a, b) => a + _", &reduce).unwrap_err();
    assert!(
        e.message.contains("'_' cannot stand for a parameter"),
        "{e}"
    );

    // One pair, two names: the pair is taken apart.
    let l = ok("(k, v) => k + v", &map(kv_type()));
    assert_eq!(l.params(), &[kv_type()]);
    assert_eq!(l.call(&[kv("a", 3)]).unwrap(), Value::str("a3"));
    let l = ok("_ + _", &map(kv_type()));
    assert_eq!(l.call(&[kv("a", 3)]).unwrap(), Value::str("a3"));
    let triple = Type::Tuple(vec![Type::Int, Type::Int, Type::Int]);
    let l = ok("(a, b, c) => a * b + c", &map(triple));
    let v = Value::tuple(vec![Value::Int(2), Value::Int(3), Value::Int(4)]);
    assert_eq!(l.call(&[v]).unwrap(), Value::Int(10));
    let e = compile("(a, b, c) => a", &map(kv_type())).unwrap_err();
    assert!(
        e.message.starts_with("this lambda takes 3 parameters"),
        "{e}"
    );
    // Over an unknown record type, two names make it a pair.
    let l = ok("(k, v) => v", &map(Type::Unknown));
    assert_eq!(l.params(), &[Type::pair(Type::Unknown, Type::Unknown)]);
}

#[test]
fn a_minus_against_a_number_is_a_negative_literal() {
    assert_eq!(int("x => -1.toString", 0), "-1");
    assert_eq!(int("x => -2.5.toInt", 0), "-2");
    assert_eq!(int("x => - 1 + x", 5), "4");
    assert_eq!(int("x => x-1", 5), "4", "a binary minus stays binary");
    assert_eq!(int("x => x -1", 5), "4");
    assert_eq!(int("x => -x.toString.length", 12), "-2");
}

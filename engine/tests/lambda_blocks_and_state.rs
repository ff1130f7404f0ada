//! The lambda language's blocks (`{ val x = e; …; result }`) and mapWithState's `State[S]`
//! parameter with Spark's API: what they evaluate to, Spark's `StateImpl` rules at run time,
//! and the type errors a learner sees.

use dstream_engine::lambda::StateImpl;
use dstream_engine::lambda::{compile, compile_with_state, Lambda, LambdaError, Signature};
use dstream_engine::{Type, Value};

/// Spark's `StatefulNetworkWordCount` mapping function, as its source writes it.
const SPARK_EXAMPLE: &str = "(word, one, state) => {
  val sum = one.getOrElse(0) + state.getOption.getOrElse(0)
  val output = (word, sum)
  state.update(sum)
  output
}";

fn map_sig(t: Type) -> Signature {
    Signature {
        params: vec![t],
        result: Type::Var(0),
    }
}

/// mapWithState's parameters for a `(String, Int)` stream.
fn state_sig() -> Signature {
    Signature {
        params: vec![Type::String, Type::option(Type::Int)],
        result: Type::Unknown,
    }
}

fn with_state(src: &str) -> Lambda {
    compile_with_state("mapWithState", src, &state_sig()).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn state_error(src: &str) -> LambdaError {
    match compile_with_state("mapWithState", src, &state_sig()) {
        Ok(l) => panic!("{src} compiled: {l:?}"),
        Err(e) => e,
    }
}

fn int(src: &str, x: i64) -> String {
    let l = compile(src, &map_sig(Type::Int)).unwrap_or_else(|e| panic!("{src}: {e}"));
    l.call(&[Value::Int(x)])
        .map(|v| v.to_string())
        .unwrap_or_else(|e| format!("error: {e}"))
}

fn word(w: &str, one: Option<i64>) -> [Value; 2] {
    [
        Value::str(w),
        one.map_or_else(Value::none, |n| Value::some(Value::Int(n))),
    ]
}

#[test]
fn a_block_binds_vals_and_ends_with_its_value() {
    assert_eq!(int("x => { val y = x * 2; y + 1 }", 3), "7");
    // Statements on separate lines, no semicolons; a val may carry a type.
    assert_eq!(
        int(
            "x => {\n  val y: Int = x * 2\n  val z = y + 1\n  (y, z)\n}",
            3
        ),
        "(6,7)"
    );
    // Blocks nest, an inner val hides an outer one of the same name, only inside its block.
    assert_eq!(
        int(
            "x => { val y = x; val z = { val y = 10; y + 1 }; y + z }",
            3
        ),
        "14"
    );
    assert_eq!(
        int("x => if (x > 0) { val h = x / 2; h } else { 0 }", 9),
        "4"
    );
    // Parameters untupled over a pair can use blocks too.
    let l = compile(
        "(k, v) => { val twice = v * 2; k + twice }",
        &map_sig(Type::pair(Type::String, Type::Int)),
    )
    .unwrap();
    let r = l
        .call(&[Value::pair(Value::str("a"), Value::Int(4))])
        .unwrap();
    assert_eq!(r.to_string(), "a8");
    // Doubles: a literal val adapts as Scala adapts it.
    let l = compile("x => { val y = 1; y + x }", &map_sig(Type::Double)).unwrap();
    assert_eq!(l.result(), &Type::Double);
    assert_eq!(l.call(&[Value::Double(0.5)]).unwrap().to_string(), "1.5");
}

#[test]
fn a_line_break_in_a_block_ends_a_statement_as_in_scala() {
    // `(y, 1)` on its own line is a new statement, not a call of y.
    assert_eq!(int("x => {\n  val y = x\n  (y, 1)\n}", 5), "(5,1)");
    // Inside parentheses a line break is only a space.
    assert_eq!(int("x => {\n  val y = (x\n    + 1)\n  y\n}", 5), "6");
    // A method chain may continue on the next line.
    assert_eq!(
        int("x => {\n  val s = x.toString\n    .length\n  s\n}", 12345),
        "5"
    );
    // Outside a block, line breaks change nothing (as before blocks existed).
    assert_eq!(int("x => x\n + 1", 5), "6");
}

#[test]
fn block_mistakes_are_named() {
    let e = compile("x => { val y = x }", &map_sig(Type::Int)).unwrap_err();
    assert!(
        e.message.contains("write an expression after the last val"),
        "{e}"
    );
    let e = compile("x => { }", &map_sig(Type::Int)).unwrap_err();
    assert!(e.message.contains("empty block"), "{e}");
    let e = compile("x => { var y = x; y }", &map_sig(Type::Int)).unwrap_err();
    assert!(e.message.contains("use 'val'"), "{e}");
    let e = compile("x => { val y = x; y", &map_sig(Type::Int)).unwrap_err();
    assert!(e.message.contains("'}'"), "{e}");
    let e = compile("x => { val y = x y }", &map_sig(Type::Int)).unwrap_err();
    assert!(e.message.contains("';', a new line or '}'"), "{e}");
    assert_eq!(e.column, 18, "{e}");
    let e = compile("x => { val y: String = x; y }", &map_sig(Type::Int)).unwrap_err();
    assert!(e.message.contains("expected String, found Int"), "{e}");
    // A val is visible only in its block.
    let e = compile("x => { val y = x; y } + y", &map_sig(Type::Int)).unwrap_err();
    assert!(e.message.contains("unknown name 'y'"), "{e}");
    assert_eq!(e.column, 25);
    // `val x = 1` reads `=`; comparing still needs `==`.
    let e = compile("x => x = 1", &map_sig(Type::Int)).unwrap_err();
    assert!(e.message.contains("to compare, write '=='"), "{e}");
}

#[test]
fn sparks_stateful_word_count_function_runs_as_written() {
    let l = with_state(SPARK_EXAMPLE);
    assert_eq!(l.state_type(), Some(&Type::Int));
    assert_eq!(l.result(), &Type::pair(Type::String, Type::Int));
    assert_eq!(l.params(), &[Type::String, Type::option(Type::Int)]);
    // A new key: no state; the function sets it.
    let mut st = StateImpl::wrap(None);
    let out = l.call_with_state(&word("spark", Some(1)), &mut st).unwrap();
    assert_eq!(out.to_string(), "(spark,1)");
    assert!(st.is_updated() && !st.is_removed());
    assert_eq!(st.get_option(), Some(Value::Int(1)));
    // A known key: the running sum.
    let mut st = StateImpl::wrap(Some(Value::Int(4)));
    let out = l.call_with_state(&word("spark", Some(1)), &mut st).unwrap();
    assert_eq!(out.to_string(), "(spark,5)");
    assert_eq!(st.get_option(), Some(Value::Int(5)));
    // Declared types, and Scala's `get()` with parentheses, are accepted too.
    let l = with_state(
        "(word: String, one: Option[Int], state: State[Int]) => { \
         val sum = one.getOrElse(0) + (if (state.exists()) state.get() else 0); \
         state.update(sum); (word, sum) }",
    );
    assert_eq!(l.state_type(), Some(&Type::Int));
}

#[test]
fn state_reads_see_this_calls_update_and_remove() {
    let l = with_state(
        "(k, v, state) => { val before = state.exists; state.update(v.getOrElse(0) * 10); \
         val mid = state.get; state.remove(); (before, mid, state.exists, state.getOption, state.isTimingOut) }",
    );
    let mut st = StateImpl::wrap(None);
    let out = l.call_with_state(&word("a", Some(2)), &mut st).unwrap();
    assert_eq!(out.to_string(), "(false,20,false,None,false)");
    assert!(st.is_removed() && !st.is_updated() && !st.exists());
}

/// Spark's `StateImpl` rules, each a run-time failure with Spark's message.
#[test]
fn state_misuse_fails_with_sparks_messages() {
    let cases = [
        (
            "(k, v, state) => { state.remove(); state.update(1); k }",
            StateImpl::wrap(Some(Value::Int(1))),
            "java.lang.IllegalArgumentException: requirement failed: Cannot update the state after it has been removed",
        ),
        (
            "(k, v, state) => { state.update(1); k }",
            StateImpl::timing_out(Value::Int(1)),
            "requirement failed: Cannot update the state that is timing out",
        ),
        (
            "(k, v, state) => { state.update(1); state.remove(); k }",
            StateImpl::timing_out(Value::Int(1)),
            "Cannot update the state that is timing out",
        ),
        (
            "(k, v, state) => { if (state.isTimingOut) state.remove() else state.update(1); k }",
            StateImpl::timing_out(Value::Int(1)),
            "requirement failed: Cannot remove the state that is timing out",
        ),
        (
            "(k, v, state) => { state.update(1); state.remove(); state.remove(); k }",
            StateImpl::wrap(None),
            "requirement failed: Cannot remove the state that has already been removed",
        ),
        (
            "(k, v, state) => { state.update(1); state.remove(); k + state.get }",
            StateImpl::wrap(None),
            "java.util.NoSuchElementException: State is not set",
        ),
    ];
    for (src, mut st, reason) in cases {
        let l = with_state(src);
        let e = l
            .call_with_state(&word("a", Some(1)), &mut st)
            .expect_err(src);
        assert!(e.message.contains(reason), "{src}: {e}");
    }
    // `get` on a key with no state yet.
    let l = with_state("(k, v, state) => { val s = state.get; state.update(s + 1); s }");
    let e = l
        .call_with_state(&word("a", Some(1)), &mut StateImpl::wrap(None))
        .unwrap_err();
    assert_eq!(
        e.message,
        "java.util.NoSuchElementException: State is not set"
    );
}

#[test]
fn the_state_type_comes_from_update_and_errors_say_what_was_expected() {
    // No update: nothing tells S.
    let e = state_error("(k, v, state) => (k, v.getOrElse(0))");
    assert!(
        e.message.contains("cannot tell the type of the state"),
        "{e}"
    );
    assert!(e.message.contains("state.update"), "{e}");
    assert_eq!(e.column, 8, "points at the state parameter: {e}");
    // Two updates that disagree.
    let e = state_error("(k, v, state) => { state.update(1); state.update(\"one\"); k }");
    assert!(
        e.message
            .contains("state.update expects Int (the state's type, set by the first state.update), found String"),
        "{e}"
    );
    assert_eq!(e.column, 50);
    // An update of the wrong type for how the state is read.
    let e = state_error("(k, v, state) => { val s: String = state.get; state.update(1); s }");
    assert!(e.message.contains("state.update expects String"), "{e}");
    assert!(e.message.contains("found Int"), "{e}");
    // `state.get` of an Int state used as a String.
    let e = state_error("(k, v, state) => { state.update(1); val s: String = state.get; s }");
    assert!(e.message.contains("expected String, found Int"), "{e}");
    let e = state_error("(k, v, state) => { state.update(1); state.get.toUpperCase }");
    assert!(e.message.contains("Int has no method 'toUpperCase'"), "{e}");
    // The declared S and the updates must agree.
    let e = state_error("(k, v, state: State[String]) => { state.update(v.getOrElse(0)); k }");
    assert!(e.message.contains("state.update expects String"), "{e}");
    // Ints widen to a Double state.
    let l = with_state("(k, v, state) => { state.update(0.5); state.update(v.getOrElse(0)); k }");
    assert_eq!(l.state_type(), Some(&Type::Double));
    let mut st = StateImpl::wrap(None);
    l.call_with_state(&word("a", Some(3)), &mut st).unwrap();
    assert_eq!(st.get_option(), Some(Value::Double(3.0)));
}

#[test]
fn the_state_parameter_is_used_through_its_methods_only() {
    let e = state_error("(k, v, state) => { state.update(1); (k, state) }");
    assert!(e.message.contains("state is mapWithState's State"), "{e}");
    let e = state_error("(k, v, state) => { state.set(1); k }");
    assert!(e.message.contains("State has no method 'set'"), "{e}");
    let e = state_error("(k, v, state) => { state.update(); k }");
    assert!(e.message.contains("state.update takes 1 argument"), "{e}");
    let e = state_error("(k, v, state) => { state.update(1); state.get(2) }");
    assert!(e.message.contains("state.get takes no argument"), "{e}");
    let e = state_error("(k, v) => k");
    assert!(
        e.message.contains(
            "mapWithState's function takes 3 parameters: (a: String, b: Option[Int], state: State[S]) => …"
        ),
        "{e}"
    );
    let e = state_error("(k, v, state: Option[Int]) => k");
    assert!(
        e.message
            .contains("state is declared Option but mapWithState passes a State[S]"),
        "{e}"
    );
    // A val named like the state hides it.
    let l = with_state("(k, v, st) => { st.update(1); val st2 = 5; { val st = 2; st + st2 } }");
    assert_eq!(l.result(), &Type::Int);
    // Ordinary lambdas have no State: `state` there is an unknown name.
    let e = compile("state => state.update(1)", &map_sig(Type::Int)).unwrap_err();
    assert!(e.message.contains("Int has no method 'update'"), "{e}");
}

#[test]
fn an_update_as_the_last_statement_makes_a_unit_result() {
    let l = with_state("(k, v, state) => state.update(v.getOrElse(0))");
    assert_eq!(l.result(), &Type::Tuple(Vec::new()));
    let out = l
        .call_with_state(&word("a", Some(2)), &mut StateImpl::wrap(None))
        .unwrap();
    assert_eq!(out.to_string(), "()");
}

#[test]
fn an_if_statement_in_a_block_may_leave_out_its_else() {
    let l = with_state(
        "(k, v, state) => {\n  if (!state.isTimingOut) state.update(v.getOrElse(0))\n  (k, state.exists)\n}",
    );
    assert_eq!(l.state_type(), Some(&Type::Int));
    let mut st = StateImpl::timing_out(Value::Int(7));
    let out = l.call_with_state(&word("a", None), &mut st).unwrap();
    assert_eq!(out.to_string(), "(a,true)");
    assert!(!st.is_updated());
    // As the block's value, or as an expression elsewhere, an `if` still needs its else.
    let e = compile("x => if (x > 1) 2", &map_sig(Type::Int)).unwrap_err();
    assert!(e.message.contains("every 'if' here needs an 'else'"), "{e}");
    // `if (c) a` alone is Unit, whatever a is.
    assert_eq!(int("x => { if (x > 1) x + 1; x }", 5), "5");
    let e = compile("x => { if (x > 1) x }", &map_sig(Type::Int)).unwrap();
    assert_eq!(e.result(), &Type::Tuple(Vec::new()));
}

//! Property tests: no lambda source, however broken, makes `compile` panic; and random
//! well-typed lambdas compile, and evaluate on random records without panicking, to values of
//! the type the checker announced.

use dstream_engine::lambda::{compile, compile_with_state, Signature, StateImpl};
use dstream_engine::{Type, Value};
use proptest::prelude::*;

/// Signatures the planner passes.
fn signatures() -> Vec<Signature> {
    let s = |params: Vec<Type>, result: Type| Signature { params, result };
    let kv = Type::pair(Type::String, Type::Int);
    vec![
        s(vec![Type::String], Type::Var(0)),
        s(vec![Type::Int], Type::list(Type::Var(0))),
        s(vec![Type::Double], Type::Boolean),
        s(vec![Type::Int, Type::Int], Type::Int),
        s(vec![kv.clone()], Type::Boolean),
        s(vec![kv], Type::Var(0)),
        s(
            vec![Type::list(Type::Int), Type::option(Type::Var(0))],
            Type::option(Type::Var(0)),
        ),
        s(vec![Type::Unknown], Type::Var(1)),
        s(vec![Type::Var(2), Type::Var(2)], Type::Var(2)),
    ]
}

/// Does `v` have type `t` (`Unknown` and variables admit anything)?
fn conforms(v: &Value, t: &Type) -> bool {
    match (v, t) {
        (_, Type::Unknown | Type::Var(_)) => true,
        (Value::Int(_), Type::Int)
        | (Value::Double(_), Type::Double)
        | (Value::Bool(_), Type::Boolean)
        | (Value::Str(_), Type::String) => true,
        (Value::Tuple(items), Type::Tuple(ts)) => {
            items.len() == ts.len() && items.iter().zip(ts).all(|(v, t)| conforms(v, t))
        }
        (Value::List(items), Type::List(t)) => items.iter().all(|v| conforms(v, t)),
        (Value::Opt(o), Type::Option(t)) => o.as_deref().is_none_or(|v| conforms(v, t)),
        _ => false,
    }
}

/// Is `got` the type `want`, up to parts left unknown (`None` is an `Option[?]`)?
fn refines(want: &Type, got: &Type) -> bool {
    match (want, got) {
        (_, Type::Unknown) => true,
        (Type::Tuple(ws), Type::Tuple(gs)) => {
            ws.len() == gs.len() && ws.iter().zip(gs).all(|(w, g)| refines(w, g))
        }
        (Type::List(w), Type::List(g)) | (Type::Option(w), Type::Option(g)) => refines(w, g),
        (w, g) => w == g,
    }
}

/// A deterministic random source for the generators below.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

fn value_of(t: &Type, rng: &mut Rng, depth: u32) -> Value {
    match t {
        Type::Int => {
            let r = rng.next() as i64;
            Value::Int(*rng.pick(&[0, 1, -1, 2, 3, 7, -7, 10, 100, i64::MAX, i64::MIN, r]))
        }
        Type::Double => Value::Double(*rng.pick(&[
            0.0,
            -0.0,
            0.5,
            -2.5,
            1e7,
            1e-4,
            f64::NAN,
            f64::INFINITY,
            3.0,
        ])),
        Type::Boolean => Value::Bool(rng.below(2) == 0),
        Type::String => Value::str(rng.pick::<&str>(&[
            "",
            "a",
            "a b",
            " x ",
            "a,b,,",
            ",",
            "12",
            "+3",
            "-7",
            "1.5",
            "héllo wörld",
            "日本",
            "\t\n",
            "NaN",
            "abc123",
        ])),
        Type::Tuple(ts) => Value::tuple(ts.iter().map(|t| value_of(t, rng, depth + 1)).collect()),
        Type::List(t) => {
            let n = if depth > 2 { 0 } else { rng.below(4) };
            Value::list((0..n).map(|_| value_of(t, rng, depth + 1)).collect())
        }
        Type::Option(t) => {
            if rng.below(3) == 0 {
                Value::none()
            } else {
                Value::some(value_of(t, rng, depth + 1))
            }
        }
        Type::Var(_) | Type::Unknown => value_of(
            rng.pick(&[Type::Int, Type::String, Type::Double]),
            rng,
            depth,
        ),
    }
}

/// Source text of an expression of type `t`, using the parameter `x` of type `param`.
fn expr_of(t: &Type, param: &Type, rng: &mut Rng, depth: u32) -> String {
    if t == param && rng.below(3) == 0 {
        return "x".into();
    }
    let leaf = depth >= 4 || rng.below(4) == 0;
    let g = |t: &Type, rng: &mut Rng| expr_of(t, param, rng, depth + 1);
    let int = Type::Int;
    let dbl = Type::Double;
    let s = Type::String;
    let b = Type::Boolean;
    let ints = Type::list(Type::Int);
    match t {
        Type::Int if leaf => rng
            .pick(&[
                "0",
                "1",
                "-1",
                "3",
                "(-7)",
                "9223372036854775807",
                "-9223372036854775808",
            ])
            .to_string(),
        Type::Int => match rng.below(22) {
            0 => format!("({} + {})", g(&int, rng), g(&int, rng)),
            1 => format!("({} - {})", g(&int, rng), g(&int, rng)),
            2 => format!("({} * {})", g(&int, rng), g(&int, rng)),
            3 => format!("({} / {})", g(&int, rng), g(&int, rng)),
            4 => format!("({} % {})", g(&int, rng), g(&int, rng)),
            5 => format!("(-{})", g(&int, rng)),
            6 => format!("{}.length", g(&s, rng)),
            7 => format!("{}.indexOf({})", g(&s, rng), g(&s, rng)),
            8 => format!("{}.toInt", g(&s, rng)),
            9 => format!("{}.toInt", g(&dbl, rng)),
            10 => format!("{}.sum", g(&ints, rng)),
            11 => format!("{}.max", g(&ints, rng)),
            12 => format!("{}.head", g(&ints, rng)),
            13 => format!("{}({})", g(&ints, rng), g(&int, rng)),
            14 => format!(
                "{}.getOrElse({})",
                g(&Type::option(Type::Int), rng),
                g(&int, rng)
            ),
            15 => format!("{}.get", g(&Type::option(Type::Int), rng)),
            16 => format!("math.max({}, {})", g(&int, rng), g(&int, rng)),
            17 => format!("math.abs({})", g(&int, rng)),
            18 => format!(
                "(if ({}) {} else {})",
                g(&b, rng),
                g(&int, rng),
                g(&int, rng)
            ),
            19 => format!("{{ val y = {}; y * {} }}", g(&int, rng), g(&int, rng)),
            20 => format!(
                "{{ val y = {}\n  val z: Int = y + {}\n  z - y }}",
                g(&int, rng),
                g(&int, rng)
            ),
            _ => format!("{}._2", g(&Type::pair(Type::String, Type::Int), rng)),
        },
        Type::Double if leaf => rng.pick(&["0.0", "1.5", "1e3", "(-2.5)", ".5"]).to_string(),
        Type::Double => match rng.below(7) {
            0 => format!("({} + {})", g(&dbl, rng), g(&int, rng)),
            1 => format!("({} / {})", g(&dbl, rng), g(&dbl, rng)),
            2 => format!("({} % {})", g(&int, rng), g(&dbl, rng)),
            3 => format!("{}.toDouble", g(&s, rng)),
            4 => format!("{}.toDouble", g(&int, rng)),
            5 => format!("math.min({}, {})", g(&dbl, rng), g(&int, rng)),
            _ => format!(
                "(if ({}) {} else {})",
                g(&b, rng),
                g(&int, rng),
                g(&dbl, rng)
            ),
        },
        Type::String if leaf => rng
            .pick(&[
                "\"\"",
                "\"a\"",
                "\",\"",
                "\" \"",
                "\"\\\\s+\"",
                "\"x,y\"",
                "\"é\"",
            ])
            .to_string(),
        Type::String => match rng.below(12) {
            0 => format!("({} + {})", g(&s, rng), g(&s, rng)),
            1 => format!("({} + {})", g(&s, rng), g(&int, rng)),
            2 => format!("({} + {})", g(&dbl, rng), g(&s, rng)),
            3 => format!("{}.trim", g(&s, rng)),
            4 => format!("{}.toUpperCase()", g(&s, rng)),
            5 => format!("{}.substring({})", g(&s, rng), g(&int, rng)),
            6 => format!(
                "{}.substring({}, {})",
                g(&s, rng),
                g(&int, rng),
                g(&int, rng)
            ),
            7 => format!("{}.replace({}, {})", g(&s, rng), g(&s, rng), g(&s, rng)),
            8 => format!("{}.mkString({})", g(&ints, rng), g(&s, rng)),
            9 => format!("{}.split({})({})", g(&s, rng), g(&s, rng), g(&int, rng)),
            10 => format!("{}._1", g(&Type::pair(Type::String, Type::Int), rng)),
            _ => format!("{}.toString", g(&int, rng)),
        },
        Type::Boolean if leaf => rng.pick(&["true", "false"]).to_string(),
        Type::Boolean => match rng.below(9) {
            0 => format!("({} < {})", g(&int, rng), g(&dbl, rng)),
            1 => format!("({} == {})", g(&s, rng), g(&s, rng)),
            2 => format!("({} && {})", g(&b, rng), g(&b, rng)),
            3 => format!("(!{})", g(&b, rng)),
            4 => format!("{}.contains({})", g(&s, rng), g(&s, rng)),
            5 => format!("{}.isEmpty", g(&s, rng)),
            6 => format!("{}.contains({})", g(&ints, rng), g(&int, rng)),
            7 => format!("{}.isDefined", g(&Type::option(Type::Int), rng)),
            _ => format!("({} >= {})", g(&s, rng), g(&s, rng)),
        },
        Type::List(e) if **e == Type::Int => match rng.below(3) {
            0 => "List()".into(),
            1 => format!("List({})", g(&int, rng)),
            _ => format!("List({}, {})", g(&int, rng), g(&int, rng)),
        },
        Type::List(_) => format!("{}.split({})", g(&s, rng), g(&s, rng)),
        Type::Option(_) => match rng.below(2) {
            0 => "None".into(),
            _ => format!("Some({})", g(&int, rng)),
        },
        Type::Tuple(_) => format!("({}, {})", g(&s, rng), g(&int, rng)),
        _ => "0".into(),
    }
}

fn param_types() -> Vec<Type> {
    vec![
        Type::Int,
        Type::Double,
        Type::String,
        Type::pair(Type::String, Type::Int),
        Type::list(Type::Int),
        Type::option(Type::Int),
    ]
}

const TOKENS: &[&str] = &[
    "x",
    "y",
    "_",
    "(",
    ")",
    ",",
    ".",
    "=>",
    "+",
    "-",
    "*",
    "/",
    "%",
    "<",
    "<=",
    ">",
    "==",
    "!=",
    "&&",
    "||",
    "!",
    "if",
    "else",
    "0",
    "1",
    "2.5",
    "1e3",
    "9223372036854775808",
    "\"a\"",
    "\" \"",
    "\"\\\\s+\"",
    "\"(\"",
    "'c'",
    "true",
    "None",
    "Some",
    "List",
    "Nil",
    "math",
    "max",
    "abs",
    "split",
    "length",
    "size",
    "toInt",
    "toDouble",
    "_1",
    "_2",
    "_3",
    "getOrElse",
    "get",
    "substring",
    "sum",
    "head",
    "mkString",
    "[",
    "]",
    ":",
    "Int",
    "List[",
    "->",
    "\"",
    "=",
    "#",
    "é",
    "\\",
    "\n",
    "{",
    "}",
    ";",
    "val",
    "var",
    "s",
    "state",
    "update",
    "getOption",
    "remove",
    "exists",
    "isTimingOut",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn compiling_any_text_never_panics(src in "\\PC{0,80}") {
        for sig in signatures() {
            let _ = compile(&src, &sig);
        }
    }

    #[test]
    fn compiling_any_token_sequence_never_panics(
        picks in prop::collection::vec(0..TOKENS.len(), 0..40),
        spaced in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let sep = if spaced { " " } else { "" };
        let src = picks.iter().map(|&i| TOKENS[i]).collect::<Vec<_>>().join(sep);
        let mut rng = Rng(seed | 1);
        for sig in signatures() {
            if let Ok(l) = compile(&src, &sig) {
                let args: Vec<Value> = l.params().iter().map(|t| value_of(t, &mut rng, 0)).collect();
                let _ = l.call(&args);
            }
        }
        // mapWithState's (key, value, state) form, with and without a state.
        let sig = Signature {
            params: vec![Type::String, Type::option(Type::Int)],
            result: Type::Unknown,
        };
        if let Ok(l) = compile_with_state("mapWithState", &src, &sig) {
            let args: Vec<Value> = l.params().iter().map(|t| value_of(t, &mut rng, 0)).collect();
            let _ = l.call_with_state(&args, &mut StateImpl::wrap(None));
            let s = l.state_type().map(|t| value_of(t, &mut rng, 0)).unwrap_or(Value::Int(0));
            let _ = l.call_with_state(&args, &mut StateImpl::timing_out(s));
        }
    }

    #[test]
    fn compiling_any_text_with_a_state_never_panics(src in "\\PC{0,80}") {
        let sig = Signature {
            params: vec![Type::String, Type::option(Type::Int)],
            result: Type::Unknown,
        };
        let _ = compile_with_state("mapWithState", &src, &sig);
        let braced = format!("(k, v, state) => {{ {src} }}");
        let _ = compile_with_state("mapWithState", &braced, &sig);
    }

    #[test]
    fn well_typed_lambdas_compile_and_evaluate_without_panicking(seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        let types = param_types();
        let param = rng.pick(&types).clone();
        let all = [Type::Int, Type::Double, Type::String, Type::Boolean, Type::list(Type::Int),
            Type::list(Type::String), Type::option(Type::Int), Type::pair(Type::String, Type::Int)];
        let want = rng.pick(&all).clone();
        let body = expr_of(&want, &param, &mut rng, 0);
        let src = format!("x => {body}");
        let sig = Signature { params: vec![param.clone()], result: Type::Var(0) };
        let l = match compile(&src, &sig) {
            Ok(l) => l,
            Err(e) => return Err(TestCaseError::fail(format!("{src} over {param}: {e}"))),
        };
        prop_assert!(refines(&want, l.result()), "{} gave {} for {}", src, l.result(), want);
        for _ in 0..8 {
            let arg = value_of(&param, &mut rng, 0);
            if let Ok(v) = l.call(std::slice::from_ref(&arg)) {
                prop_assert!(conforms(&v, l.result()), "{} on {} gave {}", src, arg, v);
            }
        }
    }
}

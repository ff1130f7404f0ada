use super::*;
use crate::types::Type;
use crate::value::Value;

fn sig(params: Vec<Type>, result: Type) -> Signature {
    Signature { params, result }
}

fn map_sig(t: Type) -> Signature {
    sig(vec![t], Type::Var(0))
}

/// Compiles `src` as a map over `t` and applies it to `arg`.
fn eval1(src: &str, t: Type, arg: Value) -> Result<Value, String> {
    let l = compile(src, &map_sig(t)).map_err(|e| format!("compile: {e}"))?;
    l.call(&[arg]).map_err(|e| e.message)
}

fn show(r: Result<Value, String>) -> String {
    match r {
        Ok(v) => v.to_string(),
        Err(e) => format!("ERR {e}"),
    }
}

#[test]
fn smoke() {
    assert_eq!(show(eval1("x => x * x", Type::Int, Value::Int(7))), "49");
    assert_eq!(
        show(eval1("w => (w, 1)", Type::String, Value::str("a"))),
        "(a,1)"
    );
    assert_eq!(
        show(eval1(
            "line => line.split(\" \")",
            Type::String,
            Value::str("a b  c")
        )),
        "List(a, b, , c)"
    );
}

//! A playground lambda as Python with its JVM meaning: arithmetic, `toString`, `split` and the
//! other methods go through the helpers of `runtime.py` (64-bit wrapping, truncating
//! division, Java's `split`), a lambda whose body is a block becomes a named function.

use std::collections::BTreeSet;

use super::text::py_str;
use super::tree::{static_type, Arith, Cmp, Lam, Method, Splitter, StateMethod, TNode, TStep};
use crate::types::Type;
use crate::value::Value;

/// A lambda printed as Python: an inline `lambda`, or a `def` (its lines, unindented) and the
/// name to pass.
pub(crate) enum PyFn {
    Inline(String),
    Def { name: String, lines: Vec<String> },
}

/// Python's keywords (also the node variables' in `pyspark.rs`).
pub(crate) const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// The modules the exported program imports, which a lambda's names must not shadow.
const MODULES: &[&str] = &["re", "math", "json", "sys"];

/// A Python identifier for a Scala one (`$` is not Python), not a keyword, not in `taken`.
fn py_name(name: &str, taken: &mut Vec<String>) -> String {
    let mut n: String = name
        .chars()
        .map(|c| if c == '$' { '_' } else { c })
        .collect();
    if n.starts_with('_') && n.len() > 1 && n[1..].chars().all(|c| c.is_ascii_digit()) {
        n = format!("p{n}");
    }
    if KEYWORDS.contains(&n.as_str()) || MODULES.contains(&n.as_str()) || n.starts_with("_") {
        n.push('_');
    }
    let base = n.clone();
    let mut k = 2;
    while taken.contains(&n) {
        n = format!("{base}_{k}");
        k += 1;
    }
    taken.push(n.clone());
    n
}

struct Ctx<'a> {
    lam: &'a Lam,
    helpers: &'a mut BTreeSet<&'static str>,
    /// Names and types of the frame's slots: parameters, the State, then `val`s in scope.
    frame: Vec<(String, Type)>,
    taken: Vec<String>,
    next_val: usize,
    state_name: String,
}

impl Ctx<'_> {
    fn help(&mut self, name: &'static str) -> &'static str {
        self.helpers.insert(name);
        name
    }
    fn types(&self) -> Vec<Type> {
        self.frame.iter().map(|(_, t)| t.clone()).collect()
    }
    fn ty(&self, n: &TNode) -> Type {
        static_type(n, self.lam, &self.types())
    }
    fn bind_val(&mut self, value_ty: Type) -> String {
        let src = self
            .lam
            .vals
            .get(self.next_val)
            .cloned()
            .unwrap_or_else(|| format!("v{}", self.next_val));
        self.next_val += 1;
        let name = py_name(&src, &mut self.taken);
        self.frame.push((name.clone(), value_ty));
        name
    }
}

/// A Python literal of a record value.
pub(crate) fn py_value(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Double(d) => py_float(*d),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Str(s) => py_str(s),
        Value::Tuple(items) if items.is_empty() => "()".into(),
        Value::Tuple(items) if items.len() == 1 => format!("({},)", py_value(&items[0])),
        Value::Tuple(items) => format!(
            "({})",
            items.iter().map(py_value).collect::<Vec<_>>().join(", ")
        ),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(py_value).collect::<Vec<_>>().join(", ")
        ),
        Value::Opt(None) => "None".into(),
        Value::Opt(Some(x)) => py_value(x),
    }
}

pub(crate) fn py_float(d: f64) -> String {
    if d.is_nan() {
        "float(\"nan\")".into()
    } else if d.is_infinite() {
        if d > 0.0 {
            "float(\"inf\")"
        } else {
            "float(\"-inf\")"
        }
        .into()
    } else {
        // Rust's `{:?}` is the shortest round trip, as Python's repr.
        let s = format!("{d:?}");
        if s.contains('.') || s.contains('e') || s.contains("inf") {
            s
        } else {
            format!("{s}.0")
        }
    }
}

/// The `_tstr` descriptor of a type holding an Option.
fn option_desc(t: &Type) -> String {
    match t {
        Type::Option(e) => format!("(\"O\", {})", option_desc(e)),
        Type::Tuple(ts) if ts.iter().any(super::tree::has_option) => format!(
            "(\"T\", ({},))",
            ts.iter().map(option_desc).collect::<Vec<_>>().join(", ")
        ),
        Type::List(e) if super::tree::has_option(e) => format!("(\"L\", {})", option_desc(e)),
        _ => "None".into(),
    }
}

/// Prints `lam` as a Python function; `def_name` names it if it needs a `def`.
pub(crate) fn python_fn(lam: &Lam, def_name: &str, helpers: &mut BTreeSet<&'static str>) -> PyFn {
    let mut taken = Vec::new();
    let mut frame = Vec::new();
    for (n, t) in lam.names.iter().zip(&lam.params) {
        let name = py_name(n, &mut taken);
        frame.push((name, t.clone()));
    }
    let state_name = match &lam.state {
        Some((n, s)) => {
            let name = py_name(n, &mut taken);
            frame.push((name.clone(), s.clone()));
            name
        }
        None => String::new(),
    };
    let params: Vec<String> = frame.iter().map(|(n, _)| n.clone()).collect();
    let mut cx = Ctx {
        lam,
        helpers,
        frame,
        taken,
        next_val: 0,
        state_name,
    };
    match &lam.body {
        TNode::Block(steps, result) => {
            let mut lines = vec![format!("def {def_name}({}):", params.join(", "))];
            for s in steps {
                match s {
                    TStep::Val(x) => {
                        let e = expr(x, &mut cx);
                        let t = cx.ty(x);
                        let name = cx.bind_val(t);
                        lines.push(format!("    {name} = {e}"));
                    }
                    TStep::Effect(x) => {
                        let e = expr(x, &mut cx);
                        lines.push(format!("    {e}"));
                    }
                }
            }
            let r = expr(result, &mut cx);
            lines.push(format!("    return {r}"));
            PyFn::Def {
                name: def_name.to_string(),
                lines,
            }
        }
        body => {
            let e = expr(body, &mut cx);
            PyFn::Inline(format!("lambda {}: {e}", params.join(", ")))
        }
    }
}

fn simple(n: &TNode) -> bool {
    match n {
        TNode::Param(_) | TNode::Untupled(_) | TNode::Local(_) | TNode::Const(_) => true,
        TNode::Call(Method::Field(_), r, _) => simple(r),
        _ => false,
    }
}

fn call(cx: &mut Ctx, helper: &'static str, args: &[String]) -> String {
    let h = cx.help(helper);
    format!("{h}({})", args.join(", "))
}

/// `x` as a String operand of `+`: an Option inside needs its type to print as Scala does.
fn concat_operand(n: &TNode, cx: &mut Ctx) -> String {
    let t = cx.ty(n);
    let e = expr(n, cx);
    if super::tree::has_option(&t) {
        let d = option_desc(&t);
        call(cx, "_tstr", &[e, d])
    } else {
        e
    }
}

/// Python converting the value in `var` from `from` to `to` (Ints to floats inside).
fn widen(var: &str, from: &Type, to: &Type, depth: usize) -> Option<String> {
    match (from, to) {
        (Type::Int, Type::Double) => Some(format!("float({var})")),
        (Type::Tuple(fs), Type::Tuple(ts)) if fs.len() == ts.len() => {
            let parts: Vec<Option<String>> = fs
                .iter()
                .zip(ts)
                .enumerate()
                .map(|(i, (f, t))| widen(&format!("{var}[{i}]"), f, t, depth))
                .collect();
            if parts.iter().all(Option::is_none) {
                return None;
            }
            let items: Vec<String> = parts
                .into_iter()
                .enumerate()
                .map(|(i, p)| p.unwrap_or(format!("{var}[{i}]")))
                .collect();
            Some(format!(
                "({}{})",
                items.join(", "),
                if items.len() == 1 { "," } else { "" }
            ))
        }
        (Type::List(f), Type::List(t)) => {
            let e = format!("e{depth}");
            let inner = widen(&e, f, t, depth + 1)?;
            Some(format!("[{inner} for {e} in {var}]"))
        }
        (Type::Option(f), Type::Option(t)) => {
            let inner = widen(var, f, t, depth)?;
            Some(format!("(None if {var} is None else {inner})"))
        }
        _ => None,
    }
}

fn expr(n: &TNode, cx: &mut Ctx) -> String {
    match n {
        TNode::Const(v) => py_value(v),
        TNode::Param(i) | TNode::Local(i) => cx
            .frame
            .get(*i)
            .map(|(n, _)| n.clone())
            .unwrap_or_else(|| format!("slot{i}")),
        TNode::Untupled(i) => format!("{}[{i}]", cx.frame.first().map_or("t", |(n, _)| n)),
        TNode::Tuple(xs) => {
            let items: Vec<String> = xs.iter().map(|x| expr(x, cx)).collect();
            match items.len() {
                0 => "()".into(),
                1 => format!("({},)", items[0]),
                _ => format!("({})", items.join(", ")),
            }
        }
        TNode::List(xs) => {
            let items: Vec<String> = xs.iter().map(|x| expr(x, cx)).collect();
            format!("[{}]", items.join(", "))
        }
        TNode::Some(x) => expr(x, cx),
        TNode::Neg(x) => {
            let e = expr(x, cx);
            call(cx, "_neg", &[e])
        }
        TNode::Not(x) => format!("(not {})", expr(x, cx)),
        TNode::Arith(op, a, b) => {
            let (ea, eb) = if *op == Arith::Add {
                (concat_operand(a, cx), concat_operand(b, cx))
            } else {
                (expr(a, cx), expr(b, cx))
            };
            let h = match op {
                Arith::Add => "_add",
                Arith::Sub => "_sub",
                Arith::Mul => "_mul",
                Arith::Div => "_div",
                Arith::Rem => "_rem",
            };
            call(cx, h, &[ea, eb])
        }
        TNode::Cmp(op, a, b) => {
            let s = match op {
                Cmp::Lt => "<",
                Cmp::Le => "<=",
                Cmp::Gt => ">",
                Cmp::Ge => ">=",
            };
            format!("({} {s} {})", expr(a, cx), expr(b, cx))
        }
        TNode::Eq(eq, a, b) => format!(
            "({} {} {})",
            expr(a, cx),
            if *eq { "==" } else { "!=" },
            expr(b, cx)
        ),
        TNode::And(a, b) => format!("({} and {})", expr(a, cx), expr(b, cx)),
        TNode::Or(a, b) => format!("({} or {})", expr(a, cx), expr(b, cx)),
        TNode::If(c, a, b) => {
            let c = expr(c, cx);
            format!("({} if {c} else {})", expr(a, cx), expr(b, cx))
        }
        TNode::Call(m, r, args) => method(m, r, args, cx),
        TNode::Math(m, args) => {
            let es: Vec<String> = args.iter().map(|a| expr(a, cx)).collect();
            let h = match m {
                Method::MathMax => "_math_max",
                Method::MathMin => "_math_min",
                _ => "_abs",
            };
            call(cx, h, &es)
        }
        TNode::GetOrElse(o, d) => {
            if simple(o) {
                let eo = expr(o, cx);
                let ed = expr(d, cx);
                format!("({ed} if {eo} is None else {eo})")
            } else {
                let eo = expr(o, cx);
                let ed = expr(d, cx);
                call(cx, "_get_or_else", &[eo, format!("lambda: {ed}")])
            }
        }
        TNode::Index(xs, i) => {
            let a = expr(xs, cx);
            let b = expr(i, cx);
            call(cx, "_at", &[a, b])
        }
        TNode::Widen(x, from, to) => {
            let e = expr(x, cx);
            let (f, t) = (cx.lam.resolve(from), cx.lam.resolve(to));
            match widen("w", &f, &t, 0) {
                Some(_) if matches!((&f, &t), (Type::Int, Type::Double)) => format!("float({e})"),
                Some(w) => format!("(lambda w: {w})({e})"),
                None => e,
            }
        }
        TNode::Block(steps, result) => {
            let depth = cx.frame.len();
            let mut parts = Vec::new();
            for s in steps {
                match s {
                    TStep::Val(x) => {
                        let e = expr(x, cx);
                        let t = cx.ty(x);
                        let name = cx.bind_val(t);
                        parts.push(format!("({name} := {e})"));
                    }
                    TStep::Effect(x) => parts.push(expr(x, cx)),
                }
            }
            parts.push(expr(result, cx));
            cx.frame.truncate(depth);
            format!("({})[-1]", parts.join(", "))
        }
        TNode::State(m, arg) => {
            let s = cx.state_name.clone();
            match (m, arg) {
                (StateMethod::Exists, _) => format!("{s}.exists()"),
                (StateMethod::Get, _) => format!("{s}.get()"),
                (StateMethod::GetOption, _) => format!("{s}.getOption()"),
                (StateMethod::IsTimingOut, _) => format!("{s}.isTimingOut()"),
                (StateMethod::Update, Some(x)) => format!("{s}.update({})", expr(x, cx)),
                (StateMethod::Update, None) => format!("{s}.update(None)"),
                (StateMethod::Remove, _) => format!("{s}.remove()"),
            }
        }
    }
}

fn method(m: &Method, r: &TNode, args: &[TNode], cx: &mut Ctx) -> String {
    let rt = cx.ty(r);
    let recv = expr(r, cx);
    let es: Vec<String> = args.iter().map(|a| expr(a, cx)).collect();
    let with = |cx: &mut Ctx, h: &'static str| {
        let mut all = vec![recv.clone()];
        all.extend(es.iter().cloned());
        call(cx, h, &all)
    };
    match m {
        Method::Length => with(cx, "_length"),
        Method::ToUpperCase => format!("{recv}.upper()"),
        Method::ToLowerCase => format!("{recv}.lower()"),
        Method::Trim => with(cx, "_trim"),
        Method::Split(Some(Splitter::Char(c))) => {
            call(cx, "_split", &[recv, py_str(&c.to_string())])
        }
        Method::Split(Some(Splitter::Regex(re))) => {
            call(cx, "_split_re", &[recv, py_str(re.as_str())])
        }
        Method::Split(None) => with(cx, "_split_re"),
        Method::Contains => with(cx, "_contains"),
        Method::StartsWith => format!("{recv}.startswith({})", es.join(", ")),
        Method::EndsWith => format!("{recv}.endswith({})", es.join(", ")),
        Method::Substring => with(cx, "_substring"),
        Method::Replace => format!("{recv}.replace({})", es.join(", ")),
        Method::IndexOf => with(cx, "_index_of"),
        Method::LastIndexOf => {
            let mut all = vec![recv];
            all.extend(es);
            all.push("True".into());
            call(cx, "_index_of", &all)
        }
        Method::ToInt => with(cx, "_to_long"),
        Method::ToDouble => with(cx, "_to_double"),
        Method::ToString => {
            if super::tree::has_option(&rt) {
                let d = option_desc(&rt);
                call(cx, "_tstr", &[recv, d])
            } else {
                with(cx, "_str")
            }
        }
        Method::IsEmpty => match rt {
            Type::Option(_) => format!("({recv} is None)"),
            _ => with(cx, "_is_empty"),
        },
        Method::NonEmpty => match rt {
            Type::Option(_) => format!("({recv} is not None)"),
            _ => format!("(not {})", with(cx, "_is_empty")),
        },
        Method::Sum(t) => {
            if cx.lam.resolve(t) == Type::Double {
                with(cx, "_sum_double")
            } else {
                with(cx, "_sum_long")
            }
        }
        Method::Max => format!("max({recv})"),
        Method::Min => format!("min({recv})"),
        Method::Head => with(cx, "_head"),
        Method::Last => with(cx, "_last"),
        Method::MkString => with(cx, "_mk_string"),
        Method::IsDefined => format!("({recv} is not None)"),
        Method::Get => with(cx, "_get"),
        Method::Field(i) => format!("{recv}[{i}]"),
        Method::Abs => with(cx, "_abs"),
        Method::MathMax => with(cx, "_math_max"),
        Method::MathMin => with(cx, "_math_min"),
    }
}

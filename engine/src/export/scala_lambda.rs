//! A playground lambda as Scala with the engine's meaning: the engine's `Int` is the JVM's
//! `Long`, so literals are `1L`, `length`/`indexOf` widen to `Long`, `toInt` is `toLong` and
//! indices narrow back; `split` gives a `List` where an `Array` would print or compare
//! differently; parameters carry their types, so overloaded ops resolve.

use super::text::scala_str;
use super::tree::{static_type, Arith, Cmp, Lam, Method, Splitter, StateMethod, TNode, TStep};
use crate::import::lexer::KEYWORDS;
use crate::types::Type;
use crate::value::Value;

/// Words an exported identifier is backquoted for beyond Scala 2.13's reserved ones
/// (`import::lexer::KEYWORDS`): `macro`, and Scala 3's `then`, `enum`, `export`, `given`.
const SOFT_KEYWORDS: &[&str] = &["macro", "then", "enum", "export", "given"];

/// A Scala identifier: backquoted if it is a keyword.
pub(crate) fn scala_ident(name: &str) -> String {
    if KEYWORDS.contains(&name) || SOFT_KEYWORDS.contains(&name) {
        format!("`{name}`")
    } else {
        name.to_string()
    }
}

/// The Scala type of a record type (`Int` is `Long`); `None` where it is not known.
pub(crate) fn scala_type(t: &Type) -> Option<String> {
    Some(match t {
        Type::Int => "Long".into(),
        Type::Double => "Double".into(),
        Type::Boolean => "Boolean".into(),
        Type::String => "String".into(),
        Type::Tuple(ts) if ts.is_empty() => "Unit".into(),
        Type::Tuple(ts) => format!(
            "({})",
            ts.iter()
                .map(scala_type)
                .collect::<Option<Vec<_>>>()?
                .join(", ")
        ),
        Type::List(e) => format!("List[{}]", scala_type(e)?),
        Type::Option(e) => format!("Option[{}]", scala_type(e)?),
        Type::Var(_) | Type::Unknown => return None,
    })
}

/// A Scala literal of a record value.
pub(crate) fn scala_value(v: &Value) -> String {
    match v {
        Value::Int(i) => format!("{i}L"),
        Value::Double(d) => scala_double(*d),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => scala_str(s),
        Value::Tuple(items) if items.is_empty() => "()".into(),
        Value::Tuple(items) => format!(
            "({})",
            items.iter().map(scala_value).collect::<Vec<_>>().join(", ")
        ),
        Value::List(items) => format!(
            "List({})",
            items.iter().map(scala_value).collect::<Vec<_>>().join(", ")
        ),
        Value::Opt(None) => "None".into(),
        Value::Opt(Some(x)) => format!("Some({})", scala_value(x)),
    }
}

pub(crate) fn scala_double(d: f64) -> String {
    if d.is_nan() {
        "Double.NaN".into()
    } else if d.is_infinite() {
        if d > 0.0 {
            "Double.PositiveInfinity".into()
        } else {
            "Double.NegativeInfinity".into()
        }
    } else {
        let s = format!("{d:?}");
        if s.contains('.') || s.contains('e') {
            s
        } else {
            format!("{s}.0")
        }
    }
}

/// Where a lambda is passed, for what Scala needs around it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    Plain,
    /// The body may be an `Array` (flatMap takes any collection).
    FlatMap,
    /// updateStateByKey's values are a `Seq`.
    UpdateState,
}

struct Ctx<'a> {
    lam: &'a Lam,
    frame: Vec<(String, Type)>,
    next_val: usize,
    state: String,
    indent: usize,
}

impl Ctx<'_> {
    fn ty(&self, n: &TNode) -> Type {
        let types: Vec<Type> = self.frame.iter().map(|(_, t)| t.clone()).collect();
        static_type(n, self.lam, &types)
    }
}

/// `lam` as a Scala function literal.
pub(crate) fn scala_fn(lam: &Lam, context: Context) -> String {
    let mut frame: Vec<(String, Type)> = lam
        .names
        .iter()
        .zip(&lam.params)
        .map(|(n, t)| (scala_ident(n), t.clone()))
        .collect();
    let state = match &lam.state {
        Some((n, s)) => {
            frame.push((scala_ident(n), s.clone()));
            scala_ident(n)
        }
        None => String::new(),
    };
    let mut cx = Ctx {
        lam,
        frame: frame.clone(),
        next_val: 0,
        state,
        indent: 0,
    };
    let body = expr(&lam.body, &mut cx, context == Context::FlatMap);
    if let Some(parts) = &lam.parts {
        let names: Vec<String> = parts.iter().map(|p| scala_ident(p)).collect();
        return format!("{{ case ({}) => {body} }}", names.join(", "));
    }
    let mut params: Vec<String> = frame
        .iter()
        .take(lam.params.len())
        .enumerate()
        .map(|(k, (n, t))| match scala_type(t) {
            Some(st) if k == 0 && context == Context::UpdateState => {
                format!("{n}: Seq{}", st.trim_start_matches("List"))
            }
            Some(st) => format!("{n}: {st}"),
            None => n.clone(),
        })
        .collect();
    if let Some((_, s)) = &lam.state {
        let st = scala_type(s).unwrap_or_else(|| "Any".into());
        params.push(format!("{}: State[{st}]", cx.state));
    }
    format!("({}) => {body}", params.join(", "))
}

fn untupled_name(cx: &Ctx, i: usize) -> String {
    cx.lam
        .parts
        .as_ref()
        .and_then(|p| p.get(i))
        .map_or(format!("x{i}"), |n| scala_ident(n))
}

fn widen(e: &str, from: &Type, to: &Type) -> Option<String> {
    match (from, to) {
        (Type::Int, Type::Double) => Some(format!("{e}.toDouble")),
        (Type::Tuple(fs), Type::Tuple(ts)) if fs.len() == ts.len() => {
            let parts: Vec<Option<String>> = fs
                .iter()
                .zip(ts)
                .enumerate()
                .map(|(i, (f, t))| widen(&format!("w._{}", i + 1), f, t))
                .collect();
            if parts.iter().all(Option::is_none) {
                return None;
            }
            let items: Vec<String> = parts
                .into_iter()
                .enumerate()
                .map(|(i, p)| p.unwrap_or(format!("w._{}", i + 1)))
                .collect();
            Some(format!("{{ val w = {e}; ({}) }}", items.join(", ")))
        }
        (Type::List(f), Type::List(t)) | (Type::Option(f), Type::Option(t)) => {
            let inner = widen("e", f, t)?;
            Some(format!("{e}.map(e => {inner})"))
        }
        _ => None,
    }
}

/// `array_ok`: an `Array` from `split` may stand here (a receiver, a flatMap's body).
fn expr(n: &TNode, cx: &mut Ctx, array_ok: bool) -> String {
    match n {
        TNode::Const(v) => scala_value(v),
        TNode::Param(i) | TNode::Local(i) => cx
            .frame
            .get(*i)
            .map(|(n, _)| n.clone())
            .unwrap_or_else(|| format!("slot{i}")),
        TNode::Untupled(i) => untupled_name(cx, *i),
        TNode::Tuple(xs) => {
            let items: Vec<String> = xs.iter().map(|x| expr(x, cx, false)).collect();
            format!("({})", items.join(", "))
        }
        TNode::List(xs) => {
            let items: Vec<String> = xs.iter().map(|x| expr(x, cx, false)).collect();
            format!("List({})", items.join(", "))
        }
        TNode::Some(x) => format!("Some({})", expr(x, cx, false)),
        TNode::Neg(x) => format!("-({})", expr(x, cx, false)),
        TNode::Not(x) => format!("!({})", expr(x, cx, false)),
        TNode::Arith(op, a, b) => {
            let s = match op {
                Arith::Add => "+",
                Arith::Sub => "-",
                Arith::Mul => "*",
                Arith::Div => "/",
                Arith::Rem => "%",
            };
            format!("({} {s} {})", expr(a, cx, false), expr(b, cx, false))
        }
        TNode::Cmp(op, a, b) => {
            let s = match op {
                Cmp::Lt => "<",
                Cmp::Le => "<=",
                Cmp::Gt => ">",
                Cmp::Ge => ">=",
            };
            format!("({} {s} {})", expr(a, cx, false), expr(b, cx, false))
        }
        TNode::Eq(eq, a, b) => format!(
            "({} {} {})",
            expr(a, cx, false),
            if *eq { "==" } else { "!=" },
            expr(b, cx, false)
        ),
        TNode::And(a, b) => format!("({} && {})", expr(a, cx, false), expr(b, cx, false)),
        TNode::Or(a, b) => format!("({} || {})", expr(a, cx, false), expr(b, cx, false)),
        TNode::If(c, a, b) => format!(
            "(if ({}) {} else {})",
            expr(c, cx, false),
            expr(a, cx, array_ok),
            expr(b, cx, array_ok)
        ),
        TNode::Call(m, r, args) => method(m, r, args, cx, array_ok),
        TNode::Math(m, args) => {
            let es: Vec<String> = args.iter().map(|a| expr(a, cx, false)).collect();
            let f = match m {
                Method::MathMax => "max",
                Method::MathMin => "min",
                _ => "abs",
            };
            format!("math.{f}({})", es.join(", "))
        }
        TNode::GetOrElse(o, d) => {
            format!("{}.getOrElse({})", expr(o, cx, true), expr(d, cx, false))
        }
        TNode::Index(xs, i) => format!("{}(({}).toInt)", expr(xs, cx, true), expr(i, cx, false)),
        TNode::Widen(x, from, to) => {
            let e = expr(x, cx, false);
            let (f, t) = (cx.lam.resolve(from), cx.lam.resolve(to));
            widen(&format!("({e})"), &f, &t).unwrap_or(e)
        }
        TNode::Block(steps, result) => {
            let depth = cx.frame.len();
            cx.indent += 1;
            let pad = "  ".repeat(cx.indent + 1);
            let mut lines = Vec::new();
            for s in steps {
                match s {
                    TStep::Val(x) => {
                        let e = expr(x, cx, false);
                        let t = cx.ty(x);
                        let name = cx
                            .lam
                            .vals
                            .get(cx.next_val)
                            .cloned()
                            .unwrap_or_else(|| format!("v{}", cx.next_val));
                        cx.next_val += 1;
                        let name = scala_ident(&name);
                        lines.push(format!("{pad}val {name} = {e}"));
                        cx.frame.push((name, t));
                    }
                    TStep::Effect(x) => {
                        let e = expr(x, cx, false);
                        lines.push(format!("{pad}{e}"));
                    }
                }
            }
            let r = expr(result, cx, array_ok);
            lines.push(format!("{pad}{r}"));
            cx.frame.truncate(depth);
            cx.indent -= 1;
            format!("{{\n{}\n{}}}", lines.join("\n"), "  ".repeat(cx.indent + 1))
        }
        TNode::State(m, arg) => {
            let s = cx.state.clone();
            match (m, arg) {
                (StateMethod::Exists, _) => format!("{s}.exists()"),
                (StateMethod::Get, _) => format!("{s}.get()"),
                (StateMethod::GetOption, _) => format!("{s}.getOption()"),
                (StateMethod::IsTimingOut, _) => format!("{s}.isTimingOut()"),
                (StateMethod::Update, Some(x)) => format!("{s}.update({})", expr(x, cx, false)),
                (StateMethod::Update, None) => format!("{s}.update(())"),
                (StateMethod::Remove, _) => format!("{s}.remove()"),
            }
        }
    }
}

fn regex_meta(c: char) -> bool {
    ".$|()[{^?*+\\".contains(c)
}

fn method(m: &Method, r: &TNode, args: &[TNode], cx: &mut Ctx, array_ok: bool) -> String {
    let keep_array = !matches!(m, Method::ToString);
    let recv = expr(r, cx, keep_array);
    let es: Vec<String> = args.iter().map(|a| expr(a, cx, false)).collect();
    let list_unless = |s: String| if array_ok { s } else { format!("{s}.toList") };
    match m {
        Method::Length => format!("{recv}.length.toLong"),
        Method::ToUpperCase => format!("{recv}.toUpperCase"),
        Method::ToLowerCase => format!("{recv}.toLowerCase"),
        Method::Trim => format!("{recv}.trim"),
        Method::Split(Some(Splitter::Char(c))) => {
            let sep = if regex_meta(*c) {
                match c {
                    '\\' => "'\\\\'".to_string(),
                    c => format!("'{c}'"),
                }
            } else {
                scala_str(&c.to_string())
            };
            list_unless(format!("{recv}.split({sep})"))
        }
        Method::Split(Some(Splitter::Regex(re))) => {
            list_unless(format!("{recv}.split({})", scala_str(re.as_str())))
        }
        Method::Split(None) => list_unless(format!("{recv}.split({})", es.join(", "))),
        Method::Contains => format!("{recv}.contains({})", es.join(", ")),
        Method::StartsWith => format!("{recv}.startsWith({})", es.join(", ")),
        Method::EndsWith => format!("{recv}.endsWith({})", es.join(", ")),
        Method::Substring => {
            let idx: Vec<String> = es.iter().map(|e| format!("({e}).toInt")).collect();
            format!("{recv}.substring({})", idx.join(", "))
        }
        Method::Replace => format!("{recv}.replace({})", es.join(", ")),
        Method::IndexOf => format!("{recv}.indexOf({}).toLong", es.join(", ")),
        Method::LastIndexOf => format!("{recv}.lastIndexOf({}).toLong", es.join(", ")),
        Method::ToInt => format!("{recv}.toLong"),
        Method::ToDouble => format!("{recv}.toDouble"),
        Method::ToString => format!("{recv}.toString"),
        Method::IsEmpty => format!("{recv}.isEmpty"),
        Method::NonEmpty => format!("{recv}.nonEmpty"),
        Method::Sum(_) => format!("{recv}.sum"),
        Method::Max => format!("{recv}.max"),
        Method::Min => format!("{recv}.min"),
        Method::Head => format!("{recv}.head"),
        Method::Last => format!("{recv}.last"),
        Method::MkString => format!("{recv}.mkString({})", es.join(", ")),
        Method::IsDefined => format!("{recv}.isDefined"),
        Method::Get => format!("{recv}.get"),
        Method::Field(i) => format!("{recv}._{}", i + 1),
        Method::Abs => format!("math.abs({recv})"),
        Method::MathMax => format!("math.max({recv}, {})", es.join(", ")),
        Method::MathMin => format!("math.min({recv}, {})", es.join(", ")),
    }
}

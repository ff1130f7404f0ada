//! The exporters' one view of the lambda language's typed tree: each lambda of a checked
//! pipeline re-checked against the types the planner gave its node, with the names its source
//! gave its parameters and `val`s. Only this file reads `crate::lambda::typed`.

use crate::lambda::typed::{Checked, ExprKind, LambdaAst, Node, Step, Stmt};
use crate::lambda::{typed_tree, Signature};
use crate::plan::Plan;
use crate::spec::NodeSpec;
use crate::types::Type;

pub(crate) use crate::lambda::typed::{Arith, Cmp, Method, Splitter, StateMethod};
pub(crate) type TNode = Node;
pub(crate) type TStep = Step;

/// One lambda of the pipeline, typed.
pub(crate) struct Lam {
    /// Parameter types after inference (without mapWithState's `State`).
    pub params: Vec<Type>,
    /// A name per parameter (`_` placeholders get `a`, `b`, …).
    pub names: Vec<String>,
    /// `(a, b) => …` over one tuple: the names of its parts (the parameter is `names[0]`).
    pub parts: Option<Vec<String>>,
    /// mapWithState's `State[S]`: its name and `S`.
    pub state: Option<(String, Type)>,
    pub body: Node,
    /// The `val`s in the order the typed tree introduces them.
    pub vals: Vec<String>,
    checked: Checked,
}

impl Lam {
    /// The final type of an inference type inside the tree.
    pub fn resolve(&self, t: &Type) -> Type {
        self.checked.resolve(t)
    }
}

const PLACEHOLDER_NAMES: &[&str] = &["a", "b", "c", "d", "e", "f"];

/// Re-checks `source` as `op`'s `field` of a node whose inputs have `inputs` types.
/// `result_of_fn`: the resolved result of the node's `fn` (for reduceByKeyAndWindow's
/// `filter`, which receives `(key, reduced)`).
pub(crate) fn lambda(op: &str, field: &str, source: &str, inputs: &[Type]) -> Result<Lam, String> {
    let t = inputs.first().cloned().unwrap_or(Type::Unknown);
    let (k, v) = match t.as_pair() {
        Some((k, v)) => (k.clone(), v.clone()),
        None => (Type::Unknown, Type::Unknown),
    };
    let var = Type::Var(0);
    let (params, result, with_state) = match (op, field) {
        ("map", _) | ("sortBy", _) | ("top", _) => (vec![t], var, false),
        ("flatMap", _) => (vec![t], Type::list(var), false),
        ("filter", _) => (vec![t], Type::Boolean, false),
        ("mapValues", _) => (vec![v], var, false),
        ("flatMapValues", _) => (vec![v], Type::list(var), false),
        ("reduceByKey", _) | ("reduceByKeyAndWindow", "fn" | "inverse") => {
            (vec![v.clone(), v.clone()], v, false)
        }
        ("reduceByKeyAndWindow", _) => (vec![Type::pair(k, v)], Type::Boolean, false),
        ("reduce", _) | ("reduceByWindow", _) => (vec![t.clone(), t.clone()], t, false),
        ("updateStateByKey", _) => (
            vec![Type::list(v), Type::option(var.clone())],
            Type::option(var),
            false,
        ),
        ("mapWithState", _) => (vec![k, Type::option(v)], Type::Unknown, true),
        _ => return Err(format!("{op} has no lambda `{field}`")),
    };
    let sig = Signature { params, result };
    let (ast, checked) = typed_tree(source, &sig, with_state)?;
    Ok(build(ast, checked, with_state))
}

fn build(ast: LambdaAst, checked: Checked, with_state: bool) -> Lam {
    let params: Vec<Type> = checked.params.iter().map(|t| checked.resolve(t)).collect();
    let declared: Vec<String> = match &ast.params {
        Some(ps) => ps.iter().map(|p| p.name.clone()).collect(),
        None => (0..ast.placeholders)
            .map(|i| {
                PLACEHOLDER_NAMES
                    .get(i)
                    .map_or(format!("x{i}"), |s| s.to_string())
            })
            .collect(),
    };
    let mut declared: Vec<String> = declared
        .into_iter()
        .enumerate()
        .map(|(i, n)| if n == "_" { format!("unused{i}") } else { n })
        .collect();
    let state = if with_state {
        let name = declared.pop().unwrap_or_else(|| "state".into());
        let s = checked
            .state
            .as_ref()
            .map_or(Type::Unknown, |t| checked.resolve(t));
        Some((name, s))
    } else {
        None
    };
    let (names, parts) = if params.len() == 1 && declared.len() > 1 {
        let mut t = "t".to_string();
        while declared.contains(&t) {
            t.push('_');
        }
        (vec![t], Some(declared))
    } else {
        let mut names = declared;
        while names.len() < params.len() {
            names.push(format!("x{}", names.len()));
        }
        (names, None)
    };
    let mut ast_vals = Vec::new();
    ast_val_names(&ast.body, &mut ast_vals);
    let mut typed_vals = 0;
    count_vals(&checked.body, &mut typed_vals);
    let vals = if ast_vals.len() == typed_vals {
        ast_vals
    } else {
        (0..typed_vals).map(|i| format!("v{i}")).collect()
    };
    Lam {
        params,
        names,
        parts,
        state,
        body: checked.body.clone(),
        vals,
        checked,
    }
}

fn ast_val_names(e: &crate::lambda::typed::Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Block(stmts, result) => {
            for s in stmts {
                match s {
                    Stmt::Val { name, value, .. } => {
                        ast_val_names(value, out);
                        out.push(name.clone());
                    }
                    Stmt::Expr(x) => ast_val_names(x, out),
                }
            }
            ast_val_names(result, out);
        }
        ExprKind::Tuple(xs) => xs.iter().for_each(|x| ast_val_names(x, out)),
        ExprKind::Unary(_, x) => ast_val_names(x, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            ast_val_names(lhs, out);
            ast_val_names(rhs, out);
        }
        ExprKind::If(c, a, b) => {
            ast_val_names(c, out);
            ast_val_names(a, out);
            ast_val_names(b, out);
        }
        ExprKind::Member { recv, args, .. } => {
            ast_val_names(recv, out);
            for a in args.iter().flatten() {
                ast_val_names(a, out);
            }
        }
        ExprKind::Apply { callee, args, .. } => {
            ast_val_names(callee, out);
            args.iter().for_each(|a| ast_val_names(a, out));
        }
        _ => {}
    }
}

/// Calls `f` on every direct child of `n`.
pub(crate) fn children(n: &Node, f: &mut dyn FnMut(&Node)) {
    match n {
        Node::Tuple(xs) | Node::List(xs) | Node::Math(_, xs) => xs.iter().for_each(f),
        Node::Some(x) | Node::Neg(x) | Node::Not(x) | Node::Widen(x, _, _) => f(x),
        Node::Arith(_, a, b)
        | Node::Cmp(_, a, b)
        | Node::Eq(_, a, b)
        | Node::And(a, b)
        | Node::Or(a, b)
        | Node::GetOrElse(a, b)
        | Node::Index(a, b) => {
            f(a);
            f(b);
        }
        Node::If(c, a, b) => {
            f(c);
            f(a);
            f(b);
        }
        Node::Call(_, r, args) => {
            f(r);
            args.iter().for_each(f);
        }
        Node::Block(steps, r) => {
            for s in steps {
                match s {
                    Step::Val(x) | Step::Effect(x) => f(x),
                }
            }
            f(r);
        }
        Node::State(_, Some(x)) => f(x),
        _ => {}
    }
}

fn count_vals(n: &Node, count: &mut usize) {
    match n {
        Node::Block(steps, r) => {
            for s in steps {
                match s {
                    Step::Val(x) => {
                        count_vals(x, count);
                        *count += 1;
                    }
                    Step::Effect(x) => count_vals(x, count),
                }
            }
            count_vals(r, count);
        }
        _ => children(n, &mut |c| count_vals(c, count)),
    }
}

/// Each lambda field of a node: `(field, source)`, `rdd[i].fn` for transform's RDD ops.
pub(crate) fn lambda_fields(n: &NodeSpec) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for field in ["fn", "inverse", "filter"] {
        if let Some(s) = n.field(field).and_then(|v| v.as_str()) {
            let op = if n.op == "foreachRDD" {
                match n.field("action").and_then(|a| a.as_str()) {
                    Some("top") => "top",
                    _ => "reduce",
                }
            } else {
                n.op.as_str()
            };
            out.push((field.to_string(), op.to_string(), s.to_string()));
        }
    }
    if let Some(list) = n.field("rdd").and_then(|v| v.as_array()) {
        for (i, e) in list.iter().enumerate() {
            if let (Some(op), Some(s)) = (
                e.get("op").and_then(|o| o.as_str()),
                e.get("fn").and_then(|f| f.as_str()),
            ) {
                out.push((format!("rdd[{i}].fn"), op.to_string(), s.to_string()));
            }
        }
    }
    out
}

/// The typed lambda of `field` of node `i` of a checked pipeline.
pub(crate) fn node_lambda(
    plan: &Plan,
    spec_node: &NodeSpec,
    i: usize,
    field: &str,
) -> Result<Lam, String> {
    let inputs: Vec<Type> = plan.nodes[i]
        .inputs
        .iter()
        .map(|&j| plan.nodes[j].ty.clone())
        .collect();
    let (_, op, src) = lambda_fields(spec_node)
        .into_iter()
        .find(|(f, _, _)| f == field)
        .ok_or_else(|| format!("node `{}` has no lambda `{field}`", spec_node.id))?;
    let mut inputs = inputs;
    if op == "reduceByKeyAndWindow" && field == "filter" {
        // The filter receives (key, reduced): the reduce keeps the value type.
        if let Some(t) = inputs.first().cloned() {
            inputs = vec![t];
        }
    }
    lambda(&op, field, &src, &inputs)
}

fn elem(t: &Type) -> Type {
    match t {
        Type::List(e) | Type::Option(e) => (**e).clone(),
        _ => Type::Unknown,
    }
}

/// The static type of `n` as far as the tree tells it (`Unknown` where it does not):
/// `frame` holds the types of the parameters, the `State` and the `val`s in scope, by slot.
pub(crate) fn static_type(n: &Node, lam: &Lam, frame: &[Type]) -> Type {
    let ty = |x: &Node| static_type(x, lam, frame);
    match n {
        Node::Const(v) => v.type_of(),
        Node::Param(i) | Node::Local(i) => frame.get(*i).cloned().unwrap_or(Type::Unknown),
        Node::Untupled(i) => match lam.params.first() {
            Some(Type::Tuple(ts)) => ts.get(*i).cloned().unwrap_or(Type::Unknown),
            _ => Type::Unknown,
        },
        Node::Tuple(xs) => Type::Tuple(xs.iter().map(ty).collect()),
        Node::List(xs) => Type::list(xs.first().map_or(Type::Unknown, ty)),
        Node::Some(x) => Type::option(ty(x)),
        Node::Neg(x) => ty(x),
        Node::Not(_) | Node::Cmp(..) | Node::Eq(..) | Node::And(..) | Node::Or(..) => Type::Boolean,
        Node::Arith(op, a, b) => match (ty(a), ty(b)) {
            (Type::String, _) | (_, Type::String) if *op == Arith::Add => Type::String,
            (Type::Int, Type::Int) => Type::Int,
            (Type::Double, Type::Int | Type::Double) | (Type::Int, Type::Double) => Type::Double,
            _ => Type::Unknown,
        },
        Node::If(_, a, b) => match ty(a) {
            Type::Unknown => ty(b),
            t => t,
        },
        Node::Call(m, r, _) => match m {
            Method::Length | Method::IndexOf | Method::LastIndexOf | Method::ToInt => Type::Int,
            Method::ToUpperCase
            | Method::ToLowerCase
            | Method::Trim
            | Method::Substring
            | Method::Replace
            | Method::ToString
            | Method::MkString => Type::String,
            Method::Split(_) => Type::list(Type::String),
            Method::Contains
            | Method::StartsWith
            | Method::EndsWith
            | Method::IsEmpty
            | Method::NonEmpty
            | Method::IsDefined => Type::Boolean,
            Method::ToDouble => Type::Double,
            Method::Sum(t) => lam.resolve(t),
            Method::Max | Method::Min | Method::Head | Method::Last | Method::Get => elem(&ty(r)),
            Method::Field(i) => match ty(r) {
                Type::Tuple(ts) => ts.get(*i).cloned().unwrap_or(Type::Unknown),
                _ => Type::Unknown,
            },
            Method::Abs | Method::MathMax | Method::MathMin => ty(r),
        },
        Node::Math(_, args) => {
            let ts: Vec<Type> = args.iter().map(ty).collect();
            if ts.contains(&Type::Double) {
                Type::Double
            } else {
                ts.first().cloned().unwrap_or(Type::Unknown)
            }
        }
        Node::GetOrElse(o, d) => match elem(&ty(o)) {
            Type::Unknown => ty(d),
            t => t,
        },
        Node::Index(xs, _) => elem(&ty(xs)),
        Node::Widen(_, _, to) => lam.resolve(to),
        Node::Block(..) => Type::Unknown,
        Node::State(m, _) => {
            let s = lam.state.as_ref().map_or(Type::Unknown, |(_, s)| s.clone());
            match m {
                StateMethod::Get => s,
                StateMethod::GetOption => Type::option(s),
                StateMethod::Exists | StateMethod::IsTimingOut => Type::Boolean,
                StateMethod::Update | StateMethod::Remove => Type::Tuple(Vec::new()),
            }
        }
    }
}

/// Whether a type holds an `Option` anywhere (its `toString` then needs the type).
pub(crate) fn has_option(t: &Type) -> bool {
    match t {
        Type::Option(_) => true,
        Type::Tuple(ts) => ts.iter().any(has_option),
        Type::List(e) => has_option(e),
        _ => false,
    }
}

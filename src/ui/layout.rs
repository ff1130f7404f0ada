//! Automatic DAG layout: longest-path layers from left to right, nodes ordered inside a
//! layer by the average position of their inputs (fewer crossings), so any edit keeps the
//! graph readable without the learner dragging boxes around.

use std::collections::HashMap;

use dstream_engine::NodeSpec;

/// Node box size and the gaps between boxes, in SVG units.
pub const NODE_W: f64 = 142.0;
pub const NODE_H: f64 = 58.0;
pub const GAP_X: f64 = 86.0;
pub const GAP_Y: f64 = 22.0;
pub const MARGIN: f64 = 16.0;

/// Where each node's box goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Top-left corner of each node's box, by id.
    pub pos: HashMap<String, (f64, f64)>,
    pub layer: HashMap<String, usize>,
    pub width: f64,
    pub height: f64,
}

/// Lays out `nodes`: a node's layer is one more than its deepest input's (sources at 0).
/// Inputs that name no node, or a cycle in a spec being edited, are tolerated.
pub fn layout(nodes: &[NodeSpec]) -> Layout {
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut layer: Vec<Option<usize>> = vec![None; nodes.len()];
    for i in 0..nodes.len() {
        depth(i, nodes, &index, &mut layer, &mut vec![false; nodes.len()]);
    }
    let layers = layer.iter().map(|l| l.unwrap_or(0)).collect::<Vec<_>>();
    let n_layers = layers.iter().copied().max().map_or(0, |m| m + 1);

    // Order inside each layer: by the mean row of the inputs, ties in spec order.
    let mut row: Vec<f64> = vec![0.0; nodes.len()];
    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); n_layers];
    for (l, column) in columns.iter_mut().enumerate() {
        let mut members: Vec<(f64, usize)> = (0..nodes.len())
            .filter(|&i| layers[i] == l)
            .map(|i| {
                let rows: Vec<f64> = nodes[i]
                    .inputs
                    .iter()
                    .filter_map(|inp| index.get(inp.as_str()))
                    .filter(|&&j| layers[j] < l)
                    .map(|&j| row[j])
                    .collect();
                let key = if rows.is_empty() {
                    i as f64
                } else {
                    rows.iter().sum::<f64>() / rows.len() as f64
                };
                (key, i)
            })
            .collect();
        members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (r, &(_, i)) in members.iter().enumerate() {
            row[i] = r as f64;
        }
        *column = members.into_iter().map(|(_, i)| i).collect();
    }

    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let height =
        MARGIN * 2.0 + tallest as f64 * (NODE_H + GAP_Y) - if tallest > 0 { GAP_Y } else { 0.0 };
    let width =
        MARGIN * 2.0 + n_layers as f64 * (NODE_W + GAP_X) - if n_layers > 0 { GAP_X } else { 0.0 };
    let mut pos = HashMap::new();
    for (l, members) in columns.iter().enumerate() {
        // Centre short columns against the tallest one.
        let offset = (tallest - members.len()) as f64 * (NODE_H + GAP_Y) / 2.0;
        for (r, &i) in members.iter().enumerate() {
            let x = MARGIN + l as f64 * (NODE_W + GAP_X);
            let y = MARGIN + offset + r as f64 * (NODE_H + GAP_Y);
            pos.insert(nodes[i].id.clone(), (x, y));
        }
    }
    Layout {
        pos,
        layer: nodes
            .iter()
            .zip(&layers)
            .map(|(n, &l)| (n.id.clone(), l))
            .collect(),
        width: width.max(NODE_W + 2.0 * MARGIN),
        height: height.max(NODE_H + 2.0 * MARGIN),
    }
}

fn depth(
    i: usize,
    nodes: &[NodeSpec],
    index: &HashMap<&str, usize>,
    memo: &mut [Option<usize>],
    visiting: &mut [bool],
) -> usize {
    if let Some(d) = memo[i] {
        return d;
    }
    if visiting[i] {
        return 0;
    }
    visiting[i] = true;
    let d = nodes[i]
        .inputs
        .iter()
        .filter_map(|inp| index.get(inp.as_str()).copied())
        .map(|j| depth(j, nodes, index, memo, visiting) + 1)
        .max()
        .unwrap_or(0);
    visiting[i] = false;
    memo[i] = Some(d);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, inputs: &[&str]) -> NodeSpec {
        NodeSpec::new(id, "map", inputs)
    }

    #[test]
    fn layers_follow_the_longest_path() {
        let nodes = vec![
            node("a", &[]),
            node("b", &["a"]),
            node("c", &["b"]),
            node("d", &["a", "c"]),
            node("e", &[]),
        ];
        let l = layout(&nodes);
        assert_eq!(l.layer["a"], 0);
        assert_eq!(l.layer["c"], 2);
        assert_eq!(l.layer["d"], 3, "d waits for its deepest input");
        assert_eq!(l.layer["e"], 0);
        assert!(l.pos["d"].0 > l.pos["c"].0);
        // No two boxes overlap.
        let boxes: Vec<_> = l.pos.values().collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let apart = (a.0 - b.0).abs() >= NODE_W || (a.1 - b.1).abs() >= NODE_H;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn cycles_and_dangling_inputs_do_not_hang() {
        let nodes = vec![
            node("a", &["b"]),
            node("b", &["a"]),
            node("c", &["nowhere"]),
        ];
        let l = layout(&nodes);
        assert_eq!(l.pos.len(), 3);
        assert_eq!(l.layer["c"], 0);
    }
}

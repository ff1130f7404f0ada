//! The worker's code requests: a pipeline exported as a PySpark or Scala program, and a
//! pasted Scala program imported as a pipeline. Neither needs a running context, so the host
//! serves them at once, even during a re-run; the page links none of this.

use std::collections::BTreeMap;

use dstream_engine::export::{export, ExportOptions, Language};
use dstream_engine::import::{scala, ImportError};
use dstream_engine::{InputLog, PipelineSpec};

use crate::protocol::{Code, CodeLanguage, CodeNote, ImportedCode, Reply};

/// `Request::Export`: the program, the text-input stand-ins replaying what `input` logged.
pub fn exported(tag: u64, language: CodeLanguage, spec_json: &str, input: &InputLog) -> Reply {
    let code = PipelineSpec::from_json(spec_json)
        .map_err(|e| vec![e])
        .and_then(|spec| {
            let language = match language {
                CodeLanguage::PySpark => Language::PySpark,
                CodeLanguage::Scala => Language::Scala,
            };
            let options = ExportOptions {
                jsonl: false,
                typed_lines: typed_lines(input),
            };
            let program = export(&spec, language, &options)?;
            Ok(Code {
                language: match language {
                    Language::PySpark => CodeLanguage::PySpark,
                    Language::Scala => CodeLanguage::Scala,
                },
                file_name: language.file_name(&spec),
                nodes: program
                    .nodes
                    .iter()
                    .map(|n| {
                        let ranges = n.ranges.iter().map(|&(a, b)| (line(a), line(b)));
                        (n.node.clone(), ranges.collect())
                    })
                    .collect(),
                text: program.text,
            })
        });
    Reply::Exported { tag, code }
}

/// `Request::Import`: the pipeline a Scala program builds, or where it cannot be read.
pub fn imported(tag: u64, text: &str) -> Reply {
    let result = scala::import(text)
        .map(|i| ImportedCode {
            spec_json: i.spec.to_json(),
            notes: i.notes.iter().map(note).collect(),
            typed_lines: i.typed_lines,
        })
        .map_err(|errors| errors.iter().map(note).collect());
    Reply::Imported { tag, result }
}

/// The log's lines per text input, batch by batch from batch 0 (a batch without lines empty).
fn typed_lines(input: &InputLog) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut by_node: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for e in &input.lines {
        let batches = by_node.entry(e.node.clone()).or_default();
        let at = usize::try_from(e.batch).unwrap_or(usize::MAX);
        if at >= batches.len() && at < usize::MAX {
            batches.resize(at + 1, Vec::new());
        }
        if let Some(b) = batches.get_mut(at) {
            b.extend(e.lines.iter().map(|l| l.to_string()));
        }
    }
    by_node
}

fn line(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn note(e: &ImportError) -> CodeNote {
    CodeNote {
        line: line(e.line),
        column: line(e.column),
        message: e.message.clone(),
    }
}

//! The learner's typed input: the log the engine keeps (every line sent, with the batch it
//! went into, mirrored here so a new context (an edit) gets the same batches with the same
//! records), and what each `textInput` box holds now, the next batch.

use std::collections::BTreeMap;
use std::rc::Rc;

use dstream_engine::InputLog;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Input {
    /// What the engine was fed, by batch (the worker's log, as of its last answer).
    pub log: Rc<InputLog>,
    /// Each `textInput` box's text, not sent yet.
    pub drafts: BTreeMap<String, String>,
}

impl Input {
    /// Takes every box's non-empty lines: they become batch `batch`, and the log says so.
    pub fn take(&mut self, batch: u64) -> Vec<(String, Vec<String>)> {
        let typed: Vec<(String, Vec<String>)> = std::mem::take(&mut self.drafts)
            .into_iter()
            .map(|(node, text)| (node, lines(&text)))
            .filter(|(_, lines)| !lines.is_empty())
            .collect();
        if !typed.is_empty() {
            let log = Rc::make_mut(&mut self.log);
            for (node, lines) in &typed {
                log.push(batch, node, lines.iter().map(String::as_str));
            }
        }
        typed
    }

    /// Lines logged for `batch` at `node`: a failed batch's input, waiting to run again.
    pub fn logged(&self, node: &str, batch: u64) -> usize {
        self.log.lines_of(node, batch).len()
    }

    /// Lines logged for `batch`, at every node.
    pub fn logged_at(&self, batch: u64) -> usize {
        self.log
            .lines
            .iter()
            .filter(|e| e.batch == batch)
            .map(|e| e.lines.len())
            .sum()
    }

    /// After a restart from a checkpoint taken after `n` batches: the log is the
    /// checkpoint's, and the lines this page had sent for batch `n` and later go back into
    /// their boxes (a socket source does not send them again, but nothing typed is lost).
    /// Returns how many lines went back.
    pub fn restart(&mut self, log: InputLog, n: u64) -> usize {
        let mut back = 0;
        for e in self.log.lines.iter().filter(|e| e.batch >= n) {
            let text = self.drafts.entry(e.node.clone()).or_default();
            for line in &e.lines {
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(line);
                back += 1;
            }
        }
        self.log = Rc::new(log);
        back
    }

    /// A new context from nothing (Reset, another pipeline): no log; boxes keep their text.
    pub fn clear_log(&mut self) {
        self.log = Rc::default();
    }
}

/// A text box's records: its non-empty lines.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_lines_are_logged_with_their_batch_and_come_back_after_a_rewind() {
        let mut input = Input::default();
        input.drafts.insert("in".into(), "a b\n\nc".into());
        assert_eq!(
            input.take(0),
            vec![("in".into(), vec!["a b".into(), "c".into()])]
        );
        assert!(input.drafts.is_empty());
        input.drafts.insert("in".into(), "d".into());
        input.take(1);
        assert_eq!((input.logged("in", 0), input.logged("in", 1)), (2, 1));
        input.drafts.insert("in".into(), "e".into());
        let kept = input.log.before(1);
        assert_eq!(input.restart(kept, 1), 1);
        assert_eq!(input.drafts.get("in").map(String::as_str), Some("e\nd"));
        assert_eq!(input.log.line_count(), 2);
    }
}

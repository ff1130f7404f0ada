//! The code view and the paste box: the pipeline shown as the Spark program the worker
//! exports (asked again whenever the pipeline or its typed input changes; an answer to an
//! older ask is dropped), and a pasted Scala program read into the playground, which on
//! success becomes the pipeline (a new context, as Spark must) and on failure changes nothing.

use std::rc::Rc;

use dstream_engine::{InputLog, PipelineSpec, SpecError};

use super::{Action, Effect, Input, Lookup, Saver, State, Worker};
use crate::protocol::{Code, CodeLanguage, CodeNote, ImportedCode, Reply, Request};

/// What the code view and the paste box ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum CodeAction {
    /// Show the program in this language.
    Show(CodeLanguage),
    /// A click on line `n` (1-based) of the program: select the node it belongs to.
    ClickLine(u32),
    /// Copy the program shown to the clipboard.
    Copy,
    /// The clipboard's answer.
    Copied(Result<(), String>),
    /// Save the program shown as a file.
    Download,
    /// The paste box's whole text.
    Paste(String),
    /// Read the paste box's program into the playground.
    Import,
}

/// Where the last "Read into the playground" is.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ImportStatus {
    #[default]
    Idle,
    /// The worker is reading it.
    Reading,
    /// It became the pipeline: what the importer substituted, and the typed lines it queued
    /// (lines, batches).
    Read {
        notes: Vec<CodeNote>,
        queued: (usize, usize),
    },
    /// It could not be read: nothing changed.
    Failed(Vec<CodeNote>),
}

/// The pipeline and input an export was asked for, and in which language.
#[derive(Clone, Debug, PartialEq)]
struct Asked {
    spec: Rc<PipelineSpec>,
    input: Rc<InputLog>,
    language: CodeLanguage,
}

/// The code view's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodeView {
    /// The tab shown.
    pub language: CodeLanguage,
    /// The worker's program for the pipeline shown (or, while `pending`, for the one before).
    pub code: Option<Rc<Code>>,
    /// Why the pipeline has no program (the planner's errors): no code is shown then.
    pub errors: Vec<SpecError>,
    /// An export is on its way.
    pub pending: bool,
    /// What the Copy button said ("Copied", or the clipboard's refusal).
    pub copy_status: Option<Result<(), String>>,
    /// The paste box's text (kept whatever happens to the import).
    pub paste: String,
    pub import: ImportStatus,
    /// The tags of the last export and import asked: answers with other tags are stale.
    export_tag: u64,
    import_tag: u64,
    asked: Option<Asked>,
    /// The pipeline the last read program became: `Read` is said only while it is shown.
    imported: Option<Rc<PipelineSpec>>,
}

impl CodeView {
    /// Whether the last export asked was for this pipeline, input and language.
    fn asked_for(&self, spec: &Rc<PipelineSpec>, input: &Rc<InputLog>) -> bool {
        self.asked.as_ref().is_some_and(|a| {
            a.language == self.language
                && (Rc::ptr_eq(&a.spec, spec) || a.spec == *spec)
                && (Rc::ptr_eq(&a.input, input) || a.input == *input)
        })
    }

    fn next_tag(&self) -> u64 {
        self.export_tag.max(self.import_tag) + 1
    }
}

impl State {
    pub(super) fn on_code(&mut self, action: CodeAction, fx: &mut Vec<Effect>) {
        match action {
            CodeAction::Show(language) => {
                if language != self.code.language {
                    self.code.language = language;
                    self.code.copy_status = None;
                }
            }
            CodeAction::ClickLine(line) => {
                if let Some(node) = self.code.code.as_ref().and_then(|c| c.node_at(line)) {
                    self.selected = Some(node.to_string());
                }
            }
            CodeAction::Copy => {
                if let Some(code) = self.shown_code() {
                    fx.push(Effect::Clipboard(code.text.clone()));
                }
            }
            CodeAction::Copied(result) => self.code.copy_status = Some(result),
            CodeAction::Download => {
                if let Some(code) = self.shown_code() {
                    fx.push(Effect::Download {
                        file_name: code.file_name.clone(),
                        text: code.text.clone(),
                        from: Saver::CodeView,
                    });
                }
            }
            CodeAction::Paste(text) => self.code.paste = text,
            CodeAction::Import => {
                if self.code.paste.trim().is_empty() {
                    return;
                }
                let tag = self.code.next_tag();
                self.code.import_tag = tag;
                self.code.import = ImportStatus::Reading;
                let text = self.code.paste.clone();
                self.send(fx, Request::Import { tag, text });
            }
        }
    }

    /// The program of the pipeline shown, in the tab shown, if it is up to date.
    pub fn shown_code(&self) -> Option<&Code> {
        let code = self.code.code.as_deref()?;
        (!self.code.pending && code.language == self.code.language).then_some(code)
    }

    /// After every action: asks the worker for the program again if the pipeline, its typed
    /// input or the tab changed since the last ask.
    /// Asked only once the worker is ready, after what waited for it (the run goes first).
    pub(super) fn refresh_code(&mut self, fx: &mut Vec<Effect>) {
        let imported = self.code.imported.as_ref();
        if matches!(self.code.import, ImportStatus::Read { .. })
            && !imported.is_some_and(|i| Rc::ptr_eq(i, &self.spec))
        {
            // Edited or replaced since: the read program is not what runs any more.
            self.code.import = ImportStatus::Idle;
            self.code.imported = None;
        }
        if self.worker != Worker::Ready || self.code.asked_for(&self.spec, &self.input.log) {
            return;
        }
        let tag = self.code.next_tag();
        self.code.export_tag = tag;
        self.code.pending = true;
        self.code.copy_status = None;
        self.code.asked = Some(Asked {
            spec: self.spec.clone(),
            input: self.input.log.clone(),
            language: self.code.language,
        });
        let request = Request::Export {
            tag,
            language: self.code.language,
            spec_json: self.spec.to_json(),
            input: (*self.input.log).clone(),
        };
        self.send(fx, request);
    }

    /// The worker's answer to an export or an import; an answer to an older ask changes
    /// nothing.
    pub(super) fn on_code_reply(&mut self, reply: Reply, fx: &mut Vec<Effect>) {
        match reply {
            Reply::Exported { tag, code } if tag == self.code.export_tag => {
                self.code.pending = false;
                match code {
                    Ok(code) => {
                        self.code.code = Some(Rc::new(code));
                        self.code.errors.clear();
                    }
                    Err(errors) => {
                        self.code.code = None;
                        self.code.errors = errors;
                    }
                }
            }
            Reply::Imported { tag, result } if tag == self.code.import_tag => match result {
                Ok(imported) => self.load_imported(imported, fx),
                Err(errors) => self.code.import = ImportStatus::Failed(errors),
            },
            _ => {}
        }
    }

    /// The imported program becomes the pipeline: a new context from its first batch, its
    /// typed lines logged as the input of batches 0, 1, …, as its stand-in would feed them.
    fn load_imported(&mut self, imported: ImportedCode, fx: &mut Vec<Effect>) {
        let spec = match PipelineSpec::from_json(&imported.spec_json) {
            Ok(spec) => spec,
            Err(e) => {
                self.code.import = ImportStatus::Failed(vec![CodeNote {
                    line: 1,
                    column: 1,
                    message: format!("the imported pipeline does not read back: {e}"),
                }]);
                return;
            }
        };
        let mut log = InputLog::default();
        let (mut lines, mut batches) = (0, 0);
        for (node, per_batch) in imported.typed_lines {
            batches = batches.max(per_batch.len());
            for (b, typed) in per_batch.into_iter().enumerate() {
                lines += typed.len();
                log.push(b as u64, &node, typed);
            }
        }
        self.spec = Rc::new(spec);
        self.example = None;
        self.plan = None;
        self.spec_errors.clear();
        self.playing = false;
        self.confirm_reset = false;
        self.followed = None;
        self.lineage = None;
        self.input = Input {
            log: Rc::new(log),
            drafts: Default::default(),
        };
        self.run.batches_run = 0;
        self.run.target = 0;
        self.run.history = Rc::default();
        self.run.metrics = Rc::default();
        self.run.queued.clear();
        self.checkpoints.lookup = Lookup::Idle;
        self.checkpoints.ready = true;
        self.lab.new_context();
        if !self.checkpointing() {
            self.checkpoints
                .without_directory(dstream_engine::checkpoint::pipeline_key(&self.spec));
        }
        self.select_first_window();
        self.create(fx);
        self.code.imported = Some(self.spec.clone());
        self.code.import = ImportStatus::Read {
            notes: imported.notes,
            queued: (lines, batches),
        };
    }
}

impl From<CodeAction> for Action {
    fn from(a: CodeAction) -> Action {
        Action::Code(a)
    }
}

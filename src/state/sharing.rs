//! Share links, import and export: the link to the pipeline and its logged input, a link or
//! a pipeline file opened (decoded on the page, compiled by the worker, then shown at batch 0
//! with its input queued, or refused with a message naming what is wrong and nothing changed),
//! and the pipeline JSON written to a file.

use dstream_engine::{InputLog, SpecError};

use super::document::{How, Load};
use super::{Effect, PageEffect, Saver, State, Status};
use crate::examples;
use crate::protocol::Request;
use crate::share::{self, OpenError, Shared};

/// Where a pipeline being opened came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Link,
    File(String),
}

impl Source {
    fn refused(&self, e: &OpenError) -> String {
        match self {
            Source::Link => format!("The link was not opened: {e}. Nothing on the page changed."),
            Source::File(name) => {
                format!("{name} was not imported: {e}. Nothing on the page changed.")
            }
        }
    }
}

/// A decoded pipeline waiting for the worker to say it compiles.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub token: u64,
    pub shared: Shared,
    pub source: Source,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sharing {
    /// The last link made, as the page put it together.
    pub link: Option<String>,
    /// Whether it went to the clipboard (or why not).
    pub copied: Option<Result<(), String>>,
    /// What the page says about the last link or file opened, or the export.
    pub message: Option<Status>,
    pub pending: Option<Pending>,
    next_token: u64,
}

impl State {
    /// Share: the link holds the pipeline and every line logged for it.
    pub(super) fn share(&mut self, fx: &mut Vec<Effect>) {
        let fragment = share::encode(&self.spec, &self.input.log);
        self.sharing.link = None;
        self.sharing.copied = None;
        fx.push(Effect::Page(PageEffect::CopyLink(fragment)));
    }

    pub(super) fn close_share_bar(&mut self) {
        self.sharing.link = None;
        self.sharing.copied = None;
        self.sharing.message = None;
    }

    pub(super) fn shared(&mut self, url: String, copied: Result<(), String>) {
        self.sharing.link = Some(url);
        self.sharing.copied = Some(copied);
    }

    /// A link's fragment: at page load, or when the address changes.
    pub(super) fn open_link(&mut self, fragment: &str, fx: &mut Vec<Effect>) {
        match share::decode(fragment) {
            None => {}
            Some(Err(e)) => self.refuse(&Source::Link, &e),
            Some(Ok(shared)) => self.check(shared, Source::Link, fx),
        }
    }

    /// A pipeline file the learner picked (its text, or why the browser could not read it).
    pub(super) fn import(
        &mut self,
        file: String,
        text: Result<String, String>,
        fx: &mut Vec<Effect>,
    ) {
        let source = Source::File(file);
        let spec = match text {
            Err(why) => {
                self.sharing.message = Some(Status::Error(match &source {
                    Source::File(name) => {
                        format!("{name} was not imported: {why}. Nothing on the page changed.")
                    }
                    Source::Link => why,
                }));
                return;
            }
            Ok(text) => share::decode_file(&text),
        };
        match spec {
            Err(e) => self.refuse(&source, &e),
            Ok(pipeline) => self.check(
                Shared {
                    pipeline,
                    input: InputLog::default(),
                },
                source,
                fx,
            ),
        }
    }

    /// Export: the pipeline JSON, as the replay CLI and `--export` read it.
    pub(super) fn export(&mut self, fx: &mut Vec<Effect>) {
        let file = file_name(self.spec.name.as_deref());
        self.sharing.message = Some(Status::Info(format!(
            "Exported {file}: the pipeline JSON (pipeline-spec.md). `replay {file}` runs it natively, `replay --export scala {file}` prints it as a Spark program."
        )));
        fx.push(Effect::Download {
            file_name: file,
            text: self.spec.to_json(),
            from: Saver::PipelineFile,
        });
    }

    fn refuse(&mut self, source: &Source, e: &OpenError) {
        self.sharing.message = Some(Status::Error(source.refused(e)));
    }

    /// Asks the worker whether the pipeline compiles before anything changes.
    fn check(&mut self, shared: Shared, source: Source, fx: &mut Vec<Effect>) {
        self.sharing.next_token += 1;
        let token = self.sharing.next_token;
        let spec_json = shared.pipeline.to_json();
        self.sharing.pending = Some(Pending {
            token,
            shared,
            source,
        });
        self.send(fx, Request::Check { token, spec_json });
    }

    /// The worker's answer: the pipeline opens at batch 0 with its input queued, or is
    /// refused; page load's getOrCreate, if it waited, goes on then.
    pub(super) fn checked(&mut self, token: u64, errors: Vec<SpecError>, fx: &mut Vec<Effect>) {
        let Some(p) = self.sharing.pending.take_if(|p| p.token == token) else {
            return;
        };
        let waited = self.doc.load == Load::Deferred;
        if !errors.is_empty() {
            self.refuse(&p.source, &OpenError::Compile(errors));
            if waited {
                self.get_or_create(true, fx);
            }
            return;
        }
        let Shared { pipeline, input } = p.shared;
        let lines = input.line_count();
        let batches: Vec<u64> = input.lines.iter().map(|e| e.batch).collect();
        let name = pipeline
            .name
            .clone()
            .unwrap_or_else(|| "the pipeline".into());
        let opened = match &p.source {
            Source::Link => format!("Opened {name} from the link"),
            Source::File(file) => format!("Imported {name} from {file}"),
        };
        let queued = match (batches.first(), batches.last()) {
            (Some(a), Some(b)) if a == b => format!(
                ", with the {lines} line(s) typed for batch #{a} queued: they go in as it runs"
            ),
            (Some(a), Some(b)) => format!(
                ", with the {lines} line(s) typed for batches #{a} to #{b} queued: each goes in with its batch"
            ),
            _ => String::new(),
        };
        self.sharing.message = Some(Status::Info(format!(
            "{opened}: a new context at batch 0{queued}. Undo (Ctrl+Z) brings back the pipeline you had."
        )));
        self.sharing.link = None;
        if self.doc.load != Load::Reading {
            self.remember(How::Switch, None);
        }
        self.doc.load = Load::Done;
        self.doc.based_on = None;
        self.doc.saved_as = None;
        let example = examples::matching(&pipeline).map(|e| e.slug.to_string());
        self.open_fresh(pipeline, example, input, fx);
        if p.source == Source::Link {
            // A reload shows the draft (this pipeline now), not the link again at batch 0.
            fx.push(Effect::Page(PageEffect::ClearFragment));
        }
    }
}

/// A file name for the pipeline: its name in lower case, words joined by `-`.
pub fn file_name(name: Option<&str>) -> String {
    let base: String = name
        .unwrap_or("pipeline")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let base: Vec<&str> = base.split('-').filter(|s| !s.is_empty()).collect();
    let base = if base.is_empty() {
        "pipeline".to_string()
    } else {
        base.join("-")
    };
    format!("{}.json", base.chars().take(60).collect::<String>())
}

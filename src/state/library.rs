//! My pipelines: the learner's pipelines saved by name in IndexedDB; save as, rename, open,
//! delete (after a question). The list is storage's answer after each change.

use std::rc::Rc;

use super::document::How;
use super::{Effect, State, Status};
use crate::share;
use crate::storage::{LibraryChange, SavedPipeline, StorageRequest};

/// What the My pipelines card asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum LibraryAction {
    /// Saves the pipeline shown under this name (which becomes its name).
    SaveAs(String),
    Open(String),
    Rename {
        from: String,
        to: String,
    },
    /// Delete asks first.
    Delete(String),
    ConfirmDelete(bool),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Library {
    /// The saved pipelines, by name (storage's last answer).
    pub items: Rc<Vec<SavedPipeline>>,
    pub status: Option<Status>,
    /// Delete was pressed for this one: the page asks first.
    pub confirm_delete: Option<String>,
}

impl Library {
    pub fn find(&self, name: &str) -> Option<&SavedPipeline> {
        self.items.iter().find(|p| p.name == name)
    }
}

/// A name for My pipelines: plain text, not empty.
fn valid_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a saved pipeline needs a name".into());
    }
    share::plain_text("name", name, share::MAX_NAME).map_err(|e| e.to_string())?;
    Ok(name.to_string())
}

impl State {
    pub(super) fn library(&mut self, a: LibraryAction, fx: &mut Vec<Effect>) {
        match a {
            LibraryAction::SaveAs(name) => {
                let name = match valid_name(&name) {
                    Ok(n) => n,
                    Err(e) => {
                        self.library.status = Some(Status::Error(format!("Not saved: {e}.")));
                        return;
                    }
                };
                if self.spec.name.as_deref() != Some(name.as_str()) {
                    self.set_text("name", name.clone());
                }
                self.doc.saved_as = Some(name.clone());
                let p = SavedPipeline {
                    name,
                    spec: (*self.spec).clone(),
                };
                fx.push(Effect::Store(StorageRequest::SavePipeline(p)));
            }
            LibraryAction::Open(name) => {
                let Some(p) = self.library.find(&name).cloned() else {
                    return;
                };
                self.remember(How::Switch, None);
                self.doc.based_on = None;
                self.doc.saved_as = Some(p.name);
                let example = crate::examples::matching(&p.spec).map(|e| e.slug.to_string());
                self.switch(p.spec, example, fx);
            }
            LibraryAction::Rename { from, to } => {
                let to = match valid_name(&to) {
                    Ok(n) => n,
                    Err(e) => {
                        self.library.status = Some(Status::Error(format!("Not renamed: {e}.")));
                        return;
                    }
                };
                let names: Vec<String> =
                    self.library.items.iter().map(|p| p.name.clone()).collect();
                if let Err(e) = crate::storage::check_rename(&names, &from, &to) {
                    self.library.status = Some(Status::Error(format!("Not renamed: {e}.")));
                    return;
                }
                fx.push(Effect::Store(StorageRequest::RenamePipeline { from, to }));
            }
            LibraryAction::Delete(name) => self.library.confirm_delete = Some(name),
            LibraryAction::ConfirmDelete(yes) => {
                if let Some(name) = self.library.confirm_delete.take().filter(|_| yes) {
                    fx.push(Effect::Store(StorageRequest::DeletePipeline(name)));
                }
            }
        }
    }

    /// Storage's answer after a change to My pipelines.
    pub(super) fn library_stored(
        &mut self,
        change: LibraryChange,
        result: Result<(), String>,
        list: Result<Vec<SavedPipeline>, String>,
    ) {
        if let Ok(list) = list {
            self.library.items = Rc::new(list);
        }
        let status = match (&change, result) {
            (LibraryChange::Listed, Ok(())) => None,
            (LibraryChange::Listed, Err(e)) => Some(Status::Error(format!(
                "My pipelines cannot be read from IndexedDB: {e}."
            ))),
            (LibraryChange::Saved(name), Ok(())) => Some(Status::Info(format!(
                "Saved as \"{name}\" in My pipelines."
            ))),
            (LibraryChange::Saved(name), Err(e)) => Some(Status::Error(format!(
                "\"{name}\" was not saved: {e}. Your pipeline stays on the page (and in its draft)."
            ))),
            (LibraryChange::Renamed { from, to }, Ok(())) => {
                if self.doc.saved_as.as_deref() == Some(from.as_str()) {
                    self.doc.saved_as = Some(to.clone());
                    self.set_text("name", to.clone());
                }
                Some(Status::Info(format!("Renamed \"{from}\" to \"{to}\".")))
            }
            (LibraryChange::Renamed { from, .. }, Err(e)) => {
                Some(Status::Error(format!("\"{from}\" was not renamed: {e}.")))
            }
            (LibraryChange::Deleted(name), Ok(())) => {
                if self.doc.saved_as.as_deref() == Some(name.as_str()) {
                    self.doc.saved_as = None;
                }
                Some(Status::Info(format!(
                    "Deleted \"{name}\" from My pipelines."
                )))
            }
            (LibraryChange::Deleted(name), Err(e)) => {
                Some(Status::Error(format!("\"{name}\" was not deleted: {e}.")))
            }
        };
        if status.is_some() || change == LibraryChange::Listed {
            self.library.status = status;
        }
    }
}

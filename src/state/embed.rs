//! Embed mode (`?embed`, for an `<iframe>` in course notes): one pipeline from a share link's
//! fragment, compact, with no storage at all, so it never writes a draft or a checkpoint, nor
//! reads or changes the host page's other pipelines. Its link back opens the same pipeline in
//! the playground.

use super::{Effect, Load, PageEffect, State};
use crate::share;

impl State {
    /// The page opened with `?embed`: the link's pipeline (or the first example) at batch 0.
    pub(super) fn embed(&mut self, fragment: Option<String>, fx: &mut Vec<Effect>) {
        self.embedded = true;
        self.doc.load = Load::Done;
        self.embed_fragment = fragment.clone();
        match fragment.as_deref().and_then(share::decode) {
            Some(_) => self.open_link(fragment.as_deref().unwrap_or_default(), fx),
            None => {
                let spec = (*self.spec).clone();
                let example = self.example.clone();
                self.open_fresh(spec, example, Default::default(), fx);
            }
        }
    }

    /// The address that opens what the embed shows in the playground: the link it was
    /// opened with, or a link to its pipeline.
    pub fn open_in_playground(&self) -> String {
        match &self.embed_fragment {
            Some(f) if share::decode(f).is_some_and(|r| r.is_ok()) => {
                format!("./#{}", f.trim_start_matches('#'))
            }
            _ => format!("./#{}", share::encode(&self.spec, &self.input.log)),
        }
    }

    /// What an embed leaves out of the effects: all storage, and the address bar (the
    /// iframe's link stays what the host page wrote).
    pub(super) fn embed_filter(&self, fx: &mut Vec<Effect>) {
        if self.embedded {
            fx.retain(|e| {
                !matches!(
                    e,
                    Effect::Store(_) | Effect::Page(PageEffect::ClearFragment)
                )
            });
        }
    }
}

//! The example gallery's pipelines (`www/examples/*.json`), compiled into the page so each
//! loads with one click and no request.

use dstream_engine::{PipelineSpec, SpecError};

/// One gallery entry: `slug` names its test hook (`example-<slug>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    pub slug: &'static str,
    pub json: &'static str,
}

impl Example {
    pub fn spec(&self) -> Result<PipelineSpec, SpecError> {
        PipelineSpec::from_json(self.json)
    }
    /// The pipeline's `name`, or the slug if it has none.
    pub fn title(&self) -> String {
        self.spec()
            .ok()
            .and_then(|s| s.name)
            .unwrap_or_else(|| self.slug.to_string())
    }
    /// The short story told beside it.
    pub fn story(&self) -> String {
        self.spec()
            .ok()
            .and_then(|s| s.description)
            .unwrap_or_default()
    }
}

macro_rules! example {
    ($slug:literal) => {
        Example {
            slug: $slug,
            json: include_str!(concat!("../www/examples/", $slug, ".json")),
        }
    };
}

/// The gallery, in the order it is shown.
pub const EXAMPLES: &[Example] = &[
    example!("windowed-word-count"),
    example!("log-alarmer"),
    example!("top-sellers"),
    example!("running-totals"),
    example!("stateful-word-count"),
    example!("join-streams"),
    example!("typed-lines"),
    example!("firehose"),
];

pub fn find(slug: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.slug == slug)
}

/// The gallery example whose pipeline `spec` is, unchanged.
pub fn matching(spec: &PipelineSpec) -> Option<&'static Example> {
    let key = dstream_engine::checkpoint::pipeline_key(spec);
    EXAMPLES.iter().find(|e| {
        e.spec()
            .is_ok_and(|s| dstream_engine::checkpoint::pipeline_key(&s) == key)
    })
}

/// A pipeline with no nodes (the gallery is compiled in, so this is only a fallback).
pub fn empty() -> PipelineSpec {
    PipelineSpec {
        version: 1,
        name: None,
        description: None,
        batch_interval_ms: 1000,
        ticks: None,
        checkpoint: None,
        nodes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_parses_and_has_a_story() {
        for e in EXAMPLES {
            let spec = e.spec().unwrap_or_else(|err| panic!("{}: {err}", e.slug));
            assert!(spec.name.is_some(), "{} has no name", e.slug);
            assert!(
                spec.description.as_deref().is_some_and(|d| d.len() > 80),
                "{} has no story",
                e.slug
            );
        }
    }
}

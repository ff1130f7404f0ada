//! Native scenarios of embed mode (`?embed` with a share link's fragment) on the page's run
//! model: the link's pipeline runs at batch 0 and steps like the playground, and nothing is
//! ever stored (no draft, no checkpoint, not even a read), so the host page's own pipelines
//! stay as they were; the link back opens the same pipeline.
#![cfg(not(target_arch = "wasm32"))]

use dstream_engine::InputLog;
use dstream_playground::examples;
use dstream_playground::share;
use dstream_playground::sim::Sim;
use dstream_playground::state::{Action, CheckpointAction, Effect, Phase, State, WorkerEvent};

fn embed(fragment: Option<String>) -> Sim {
    let mut sim = Sim::new(State::default());
    sim.dispatch(Action::Embed(fragment));
    sim.dispatch(Action::Worker(WorkerEvent::Ready));
    sim.settle();
    sim
}

fn link(slug: &str) -> String {
    let spec = examples::find(slug).and_then(|e| e.spec().ok()).unwrap();
    format!("#{}", share::encode(&spec, &InputLog::default()))
}

#[test]
fn an_embed_runs_its_links_pipeline_and_stores_nothing() {
    let fragment = link("join-streams");
    let mut sim = embed(Some(fragment.clone()));
    assert!(sim.state.embedded);
    assert_eq!(sim.state.spec.name.as_deref(), Some("Joining two streams"));
    assert_eq!(sim.state.run.phase, Phase::Ready);
    sim.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        1000,
    ))));
    sim.steps(2);
    assert_eq!(sim.state.clock(), (2, 2000));
    assert_eq!(
        sim.printed("paid_orders"),
        vec!["(o3,(ink,1))", "(o3,(ink,4))"]
    );
    // Nothing stored, nothing read.
    assert!(sim.storage.draft.is_none());
    assert!(sim.storage.bytes.is_empty());
    assert!(sim.storage.saved.is_empty());
    assert!(sim.state.checkpoints.kept.is_empty());
    // Every effect a step causes is a request to the worker or the timer.
    let (_, fx) = sim.state.reduce(Action::Tick {
        due_ms: 9.0,
        fired_ms: 9.0,
    });
    assert!(
        fx.iter()
            .all(|e| matches!(e, Effect::Send(_) | Effect::Timer(_))),
        "{fx:?}"
    );
    assert_eq!(sim.state.open_in_playground(), format!("./{fragment}"));
}

#[test]
fn an_embed_without_a_link_shows_the_first_example_and_links_to_it() {
    let mut sim = embed(None);
    assert_eq!(sim.state.run.phase, Phase::Ready);
    sim.steps(2);
    assert!(!sim.printed("out").is_empty());
    assert!(sim.storage.draft.is_none() && sim.storage.bytes.is_empty());
    let back = sim.state.open_in_playground();
    let shared = share::decode(back.trim_start_matches("./"))
        .unwrap()
        .unwrap();
    assert_eq!(shared.pipeline, *sim.state.spec);
}

#[test]
fn the_demo_page_embeds_two_gallery_examples() {
    let page = include_str!("../www/embed-demo.html");
    let frames: Vec<&str> = page
        .split("src=\"./?embed#")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or_default())
        .collect();
    assert_eq!(frames.len(), 2, "two iframes");
    for f in frames {
        let shared = share::decode(f).expect("a share link").expect("it opens");
        assert!(
            examples::matching(&shared.pipeline).is_some(),
            "{:?} is a gallery example",
            shared.pipeline.name
        );
    }
}

//! The question a reload asks when the draft is not the pipeline its newest checkpoint was
//! taken from: Spark recovers the checkpointed DAG, so a changed program needs a new
//! checkpoint directory; the learner picks one of the two.

use yew::prelude::*;

use crate::state::{Action, ReloadChoice};

#[derive(Properties, PartialEq)]
pub struct ReloadChoiceProps {
    /// The checkpoint a recovery would use (`checkpoint-T`) and the batch it continues at.
    pub checkpoint: String,
    pub next_batch: u64,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn ReloadChoiceDialog(props: &ReloadChoiceProps) -> Html {
    let act = |c: ReloadChoice| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::Choose(c)))
    };
    let name = &props.checkpoint;
    html! {
        <section class="card reload-choice" role="alertdialog" aria-labelledby="reload-choice-title" data-testid="reload-choice">
            <h2 id="reload-choice-title">{ "Your pipeline changed after its last checkpoint" }</h2>
            <p>{ format!(
                "{name} was taken before your edit. A StreamingContext recovered from a checkpoint (StreamingContext.getOrCreate) \
                 runs the DAG the checkpoint holds, not the edited code: a changed Spark program needs a new checkpoint directory."
            ) }</p>
            <div class="choice-buttons">
                <button class="btn" data-testid="recover-checkpointed" onclick={act(ReloadChoice::RecoverCheckpointed)}>
                    { format!("Recover {name}: the pipeline before the edit, from batch #{}", props.next_batch) }
                </button>
                <button class="btn primary" data-testid="start-edited" onclick={act(ReloadChoice::StartEdited)}>
                    { "Start the edited pipeline at batch 0 (a new checkpoint directory)" }
                </button>
            </div>
        </section>
    }
}

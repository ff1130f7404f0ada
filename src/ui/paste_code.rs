//! The "Paste code" box: a Scala DStream program read into the playground. What the importer
//! substituted is listed with its line and column; code it cannot read is listed the same way,
//! and then nothing of the pipeline changed and the text stays in the box.

use yew::prelude::*;

use crate::protocol::CodeNote;
use crate::state::{Action, CodeAction, ImportStatus};
use crate::ui::event_value;

#[derive(Properties, PartialEq)]
pub struct PasteCodeProps {
    pub text: String,
    pub status: ImportStatus,
    pub on_action: Callback<Action>,
}

fn at(n: &CodeNote) -> String {
    format!("line {}, column {}: {}", n.line, n.column, n.message)
}

#[function_component]
pub fn PasteCode(props: &PasteCodeProps) -> Html {
    let oninput = {
        let cb = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            cb.emit(Action::Code(CodeAction::Paste(event_value(&e))))
        })
    };
    let onclick = {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::Code(CodeAction::Import)))
    };
    let status = match &props.status {
        ImportStatus::Idle => Html::default(),
        ImportStatus::Reading => {
            html! { <p class="small muted" role="status">{ "Reading the program…" }</p> }
        }
        ImportStatus::Read {
            notes,
            queued: (lines, batches),
        } => html! {
            <div class="import-read" data-testid="import-read" role="status">
                <p class="small ok">{ "Read: this program is the pipeline now, in a new StreamingContext from batch #0." }</p>
                if *lines > 0 {
                    <p class="small">{ format!("{lines} typed line{} queued as the input of batch{} #0{}.",
                        if *lines == 1 { "" } else { "s" },
                        if *batches == 1 { "" } else { "es" },
                        if *batches > 1 { format!("–#{}", batches - 1) } else { String::new() }) }</p>
                }
                if !notes.is_empty() {
                    <p class="small">{ "What the playground runs instead:" }</p>
                    <ul class="notes">{ for notes.iter().map(|n| html! { <li class="small" data-testid="import-note">{ at(n) }</li> }) }</ul>
                }
            </div>
        },
        ImportStatus::Failed(errors) => html! {
            <div class="import-failed" data-testid="import-failed" role="alert">
                <p class="small error">{ "Not read: your pipeline is unchanged. The playground cannot read this code:" }</p>
                <ul>{ for errors.iter().map(|e| html! { <li class="small error" data-testid="import-error">{ at(e) }</li> }) }</ul>
            </div>
        },
    };
    html! {
        <section class="card paste-code" aria-label="paste code">
            <h2>{ "Paste code" }<span class="muted small">{ " · a Scala DStream program" }</span></h2>
            <textarea class="code" rows="8" spellcheck="false" wrap="off" data-testid="paste-text"
                placeholder={"val ssc = new StreamingContext(\"local[*]\", \"App\", Seconds(1))\nval lines = ssc.socketTextStream(\"localhost\", 9999)\n…"}
                value={props.text.clone()} {oninput} />
            <button class="btn small" data-testid="paste-import" disabled={props.text.trim().is_empty() || props.status == ImportStatus::Reading}
                {onclick}>{ "Read into the playground" }</button>
            { status }
        </section>
    }
}

//! My pipelines: the learner's pipelines saved by name in this browser (IndexedDB). Save the
//! one shown under a name; open, rename or delete a saved one.

use std::rc::Rc;

use yew::prelude::*;

use crate::state::{Action, LibraryAction, Status};
use crate::storage::SavedPipeline;
use crate::ui::event_value;

#[derive(Properties, PartialEq)]
pub struct LibraryProps {
    pub items: Rc<Vec<SavedPipeline>>,
    /// The name the pipeline shown is saved under, and whether it changed since.
    pub saved_as: Option<String>,
    pub unsaved: bool,
    /// The name Save as offers: the pipeline's own.
    pub name: Option<String>,
    pub confirm_delete: Option<String>,
    pub status: Option<Status>,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn Library(props: &LibraryProps) -> Html {
    let typed = use_state(|| None::<String>);
    let renaming = use_state(|| None::<(String, String)>);
    let name = (*typed)
        .clone()
        .or_else(|| props.name.clone())
        .unwrap_or_default();
    let lib = |a: LibraryAction| Action::Library(a);
    let on_name = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| typed.set(Some(event_value(&e))))
    };
    let on_save = {
        let (cb, typed, name) = (props.on_action.clone(), typed.clone(), name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit(lib(LibraryAction::SaveAs(name.clone())));
            typed.set(None);
        })
    };
    let taken = props.items.iter().any(|p| p.name == name.trim());
    let save_label = match (&props.saved_as, taken) {
        (Some(s), true) if *s == name.trim() => "Save",
        (_, true) => "Replace",
        _ => "Save as",
    };
    let rows = props.items.iter().map(|p| {
        let current = props.saved_as.as_deref() == Some(p.name.as_str());
        let n = p.name.clone();
        let act = |a: LibraryAction| {
            let cb = props.on_action.clone();
            Callback::from(move |_: MouseEvent| cb.emit(Action::Library(a.clone())))
        };
        let editing = renaming.as_ref().filter(|(from, _)| *from == p.name).map(|(_, to)| to.clone());
        let body = match editing {
            Some(to) => {
                let on_input = {
                    let (renaming, from) = (renaming.clone(), n.clone());
                    Callback::from(move |e: InputEvent| renaming.set(Some((from.clone(), event_value(&e)))))
                };
                let on_submit = {
                    let (cb, renaming, from, to) = (props.on_action.clone(), renaming.clone(), n.clone(), to.clone());
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        cb.emit(Action::Library(LibraryAction::Rename { from: from.clone(), to: to.clone() }));
                        renaming.set(None);
                    })
                };
                html! {
                    <form class="rename" onsubmit={on_submit}>
                        <input type="text" value={to} data-testid="rename-to" aria-label="new name" oninput={on_input} />
                        <button class="btn small" type="submit" data-testid="rename-ok">{ "Rename" }</button>
                    </form>
                }
            }
            None => {
                let start_rename = {
                    let (renaming, from) = (renaming.clone(), n.clone());
                    Callback::from(move |_: MouseEvent| renaming.set(Some((from.clone(), from.clone()))))
                };
                html! {
                    <>
                        <button class="saved-name" data-testid="open-saved" title="Open it (its checkpoints, if any, are recovered)"
                            onclick={act(LibraryAction::Open(n.clone()))}>
                            { &p.name }
                            if current { <span class="small muted">{ if props.unsaved { " · shown, changed" } else { " · shown" } }</span> }
                        </button>
                        <button class="icon-button" data-testid="rename-saved" title="Rename" onclick={start_rename}>{ "✎" }</button>
                        <button class="icon-button" data-testid="delete-saved" title="Delete" onclick={act(LibraryAction::Delete(n.clone()))}>{ "🗑" }</button>
                    </>
                }
            }
        };
        html! {
            <li class={classes!("saved", current.then_some("current"))} data-testid="saved-pipeline" data-name={p.name.clone()} key={p.name.clone()}>
                { body }
            </li>
        }
    });
    let confirm = props.confirm_delete.as_ref().map(|n| {
        let act = |yes: bool| {
            let cb = props.on_action.clone();
            Callback::from(move |_: MouseEvent| cb.emit(Action::Library(LibraryAction::ConfirmDelete(yes))))
        };
        html! {
            <div class="confirm" role="alertdialog" data-testid="confirm-delete">
                <p class="small">{ format!("Delete \"{n}\" from My pipelines? The pipeline on the page stays as it is.") }</p>
                <button class="btn danger small" data-testid="confirm-delete-yes" onclick={act(true)}>{ "Delete" }</button>
                <button class="btn small" data-testid="confirm-delete-no" onclick={act(false)}>{ "Keep" }</button>
            </div>
        }
    });
    html! {
        <section class="card library" aria-label="my pipelines" data-testid="library">
            <h2>{ "My pipelines" }</h2>
            <form class="save-as" onsubmit={on_save}>
                <input type="text" value={name} data-testid="save-name" aria-label="name to save under" oninput={on_name}
                    placeholder="a name" />
                <button class="btn small" type="submit" data-testid="save-as">{ save_label }</button>
            </form>
            if props.items.is_empty() {
                <p class="small muted">{ "Nothing saved yet: saved pipelines stay in this browser." }</p>
            }
            <ul>{ for rows }</ul>
            { for confirm }
            if let Some(s) = &props.status {
                {
                    match s {
                        Status::Info(t) => html! { <p class="small muted" data-testid="library-status">{ t }</p> },
                        Status::Error(t) => html! { <p class="small error" data-testid="library-status">{ t }</p> },
                    }
                }
            }
        </section>
    }
}

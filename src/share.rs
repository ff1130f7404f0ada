//! Share links and pipeline files. A link's fragment holds a pipeline and its logged input:
//! `#pipeline=v1.` then base64url (no padding) of the zlib-deflated JSON
//! `{"pipeline": …, "input": …}`; a file is the pipeline JSON (`pipeline-spec.md`). Decoding
//! names every way a link or a file can be wrong, so the page can say it and change nothing;
//! whether the pipeline compiles is the engine worker's answer (`Request::Check`).

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::{DecodeError, Engine as _};
use dstream_engine::{InputLog, PipelineSpec, SpecError};
use miniz_oxide::inflate::TINFLStatus;
use serde::{Deserialize, Serialize};

/// The share-link format this playground writes (and the only one it reads).
pub const FORMAT: u32 = 1;
/// What a share link's fragment starts with, before `v<format>.`.
pub const PREFIX: &str = "pipeline=";
/// The longest link fragment read: far above what a pipeline needs (the gallery's are under
/// 1,500), far below what would slow the page.
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// The most a link's data or a file may hold once decompressed.
pub const MAX_JSON_BYTES: usize = 512 * 1024;
/// A pipeline's name, and its description, at most (characters).
pub const MAX_NAME: usize = 120;
pub const MAX_DESCRIPTION: usize = 4000;
/// Lines a link's input log may hold.
pub const MAX_INPUT_LINES: usize = 20_000;

/// What a link carries: the pipeline and what was typed into it, by batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shared {
    pub pipeline: PipelineSpec,
    #[serde(default)]
    pub input: InputLog,
}

/// Why a link or a file cannot be opened.
#[derive(Clone, Debug, PartialEq)]
pub enum OpenError {
    TooLong {
        chars: usize,
    },
    FileTooBig {
        bytes: usize,
    },
    NotAVersion(String),
    OtherFormat(u32),
    Empty,
    Base64(DecodeError),
    Truncated,
    Corrupt,
    Checksum,
    Inflates,
    NotUtf8,
    Json(String),
    NotAPipeline(String),
    SpecVersion(u32),
    Markup {
        field: String,
        text: String,
    },
    TextTooLong {
        field: String,
        chars: usize,
        max: usize,
    },
    Control {
        field: String,
    },
    InputNode(String),
    InputOrder,
    TooManyLines(usize),
    /// The engine's planner refused it (a type error, an unknown op, a bad field…).
    Compile(Vec<SpecError>),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::TooLong { chars } => write!(
                f,
                "it is {chars} characters long, more than the {MAX_LINK_CHARS} a share link may have"
            ),
            OpenError::FileTooBig { bytes } => write!(
                f,
                "it is {bytes} bytes, more than the {MAX_JSON_BYTES} a pipeline file may have"
            ),
            OpenError::NotAVersion(v) => write!(
                f,
                "its format version \"{v}\" is not one a share link has (this playground writes v{FORMAT})"
            ),
            OpenError::OtherFormat(v) => write!(
                f,
                "it is in share-link format v{v}; this playground reads format v{FORMAT} only"
            ),
            OpenError::Empty => write!(f, "it holds no pipeline after \"#{PREFIX}v{FORMAT}.\""),
            OpenError::Base64(DecodeError::InvalidByte(at, b)) => write!(
                f,
                "its data is not base64url: {} at position {} cannot be in it (was the link changed?)",
                byte_name(*b),
                PREFIX.len() + 3 + at
            ),
            OpenError::Base64(_) => write!(
                f,
                "its data does not end where base64url data can: the link was cut short or changed"
            ),
            OpenError::Truncated => write!(
                f,
                "its data ends before the compressed pipeline does: the link was cut short (copy all of it)"
            ),
            OpenError::Corrupt => write!(
                f,
                "its data does not decompress (it is not zlib data): the link was changed or damaged"
            ),
            OpenError::Checksum => write!(
                f,
                "its data decompresses, but the checksum does not match: the link was changed"
            ),
            OpenError::Inflates => write!(
                f,
                "it decompresses to more than {MAX_JSON_BYTES} bytes, more than any pipeline needs"
            ),
            OpenError::NotUtf8 => write!(f, "its pipeline is not UTF-8 text"),
            OpenError::Json(e) => write!(f, "it is not JSON: {e}"),
            OpenError::NotAPipeline(e) => write!(f, "it is not a pipeline: {e}"),
            OpenError::SpecVersion(v) => write!(
                f,
                "the pipeline is in pipeline format version {v}; this playground reads version 1"
            ),
            OpenError::Markup { field, text } => write!(
                f,
                "the pipeline's {field} holds HTML markup ({text}): names and descriptions are plain text"
            ),
            OpenError::TextTooLong { field, chars, max } => write!(
                f,
                "the pipeline's {field} is {chars} characters long, more than {max}"
            ),
            OpenError::Control { field } => write!(
                f,
                "the pipeline's {field} holds control characters: names and descriptions are plain text"
            ),
            OpenError::InputNode(node) => write!(
                f,
                "its input is typed into `{node}`, which is not a textInput of the pipeline"
            ),
            OpenError::InputOrder => write!(f, "its input log is not in batch order"),
            OpenError::TooManyLines(n) => write!(
                f,
                "its input holds {n} lines, more than the {MAX_INPUT_LINES} a link may carry"
            ),
            OpenError::Compile(errors) => {
                write!(f, "the pipeline does not compile: ")?;
                let shown: Vec<String> = errors.iter().take(3).map(|e| e.to_string()).collect();
                write!(f, "{}", shown.join("; "))?;
                if errors.len() > 3 {
                    write!(f, " (and {} more)", errors.len() - 3)?;
                }
                Ok(())
            }
        }
    }
}

fn byte_name(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("the byte 0x{b:02x}")
    }
}

/// The fragment (without `#`) of a link to `spec` with `input` queued.
pub fn encode(spec: &PipelineSpec, input: &InputLog) -> String {
    let shared = Shared {
        pipeline: spec.clone(),
        input: input.clone(),
    };
    let json = serde_json::to_vec(&shared).unwrap_or_default();
    let deflated = miniz_oxide::deflate::compress_to_vec_zlib(&json, 10);
    format!("{PREFIX}v{FORMAT}.{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// Reads a link's fragment (with or without its `#`): `None` when it is no share link at all,
/// else the pipeline and input it holds or why it cannot be opened. The pipeline is checked
/// as far as the page can ([`check`]); whether it compiles the worker says.
pub fn decode(fragment: &str) -> Option<Result<Shared, OpenError>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let rest = fragment.strip_prefix(PREFIX)?;
    Some(decode_payload(fragment.len(), rest))
}

fn decode_payload(total: usize, rest: &str) -> Result<Shared, OpenError> {
    if total > MAX_LINK_CHARS {
        return Err(OpenError::TooLong { chars: total });
    }
    let (version, data) = rest.split_once('.').unwrap_or((rest, ""));
    let number = version
        .strip_prefix('v')
        .and_then(|v| v.parse::<u32>().ok())
        .ok_or_else(|| OpenError::NotAVersion(version.chars().take(12).collect()))?;
    if number != FORMAT {
        return Err(OpenError::OtherFormat(number));
    }
    if data.is_empty() {
        return Err(OpenError::Empty);
    }
    let bytes = URL_SAFE_NO_PAD.decode(data).map_err(OpenError::Base64)?;
    let json = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&bytes, MAX_JSON_BYTES)
        .map_err(|e| match e.status {
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                OpenError::Truncated
            }
            TINFLStatus::Adler32Mismatch => OpenError::Checksum,
            TINFLStatus::HasMoreOutput => OpenError::Inflates,
            _ => OpenError::Corrupt,
        })?;
    let text = std::str::from_utf8(&json).map_err(|_| OpenError::NotUtf8)?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| OpenError::Json(e.to_string()))?;
    spec_version(value.get("pipeline"))?;
    let shared: Shared =
        serde_json::from_value(value).map_err(|e| OpenError::NotAPipeline(e.to_string()))?;
    check(&shared.pipeline)?;
    check_input(&shared.pipeline, &shared.input)?;
    Ok(shared)
}

/// Reads a pipeline file (the pipeline JSON, as export writes it and the replay CLI reads).
pub fn decode_file(text: &str) -> Result<PipelineSpec, OpenError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(OpenError::FileTooBig { bytes: text.len() });
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| OpenError::Json(e.to_string()))?;
    spec_version(Some(&value))?;
    let spec: PipelineSpec =
        serde_json::from_value(value).map_err(|e| OpenError::NotAPipeline(e.to_string()))?;
    check(&spec)?;
    Ok(spec)
}

/// A pipeline of another format version is refused by its number, before its fields are read.
fn spec_version(v: Option<&serde_json::Value>) -> Result<(), OpenError> {
    match v.and_then(|p| p.get("version")).and_then(|v| v.as_u64()) {
        Some(1) | None => Ok(()),
        Some(n) => Err(OpenError::SpecVersion(u32::try_from(n).unwrap_or(u32::MAX))),
    }
}

/// What the page checks of a pipeline from outside before it shows it: its name and
/// description are plain text of a sensible length.
pub fn check(spec: &PipelineSpec) -> Result<(), OpenError> {
    if let Some(name) = &spec.name {
        plain_text("name", name, MAX_NAME)?;
    }
    if let Some(d) = &spec.description {
        plain_text("description", d, MAX_DESCRIPTION)?;
    }
    Ok(())
}

/// A name or description: no HTML tags, no control characters (line breaks aside), at most
/// `max` characters. The page renders every text as text anyway; this keeps a pipeline's
/// texts what they look like wherever they go (a Spark program's comments, a file).
pub fn plain_text(field: &str, text: &str, max: usize) -> Result<(), OpenError> {
    let chars = text.chars().count();
    if chars > max {
        return Err(OpenError::TextTooLong {
            field: field.to_string(),
            chars,
            max,
        });
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(OpenError::Control {
            field: field.to_string(),
        });
    }
    if let Some(tag) = markup(text) {
        return Err(OpenError::Markup {
            field: field.to_string(),
            text: tag,
        });
    }
    Ok(())
}

/// The first thing in `text` that reads as an HTML tag, comment or entity: `<` followed by a
/// letter, `/`, `!` or `?`, or `&name;` / `&#…;`.
fn markup(text: &str) -> Option<String> {
    let b = text.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        let next = b.get(i + 1).copied().unwrap_or(b' ');
        let tag = c == b'<' && (next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?'));
        let entity = c == b'&'
            && text[i + 1..].find(';').is_some_and(|end| {
                end > 0 && end <= 10 && {
                    let name = &text[i + 1..i + 1 + end];
                    name.strip_prefix('#')
                        .unwrap_or(name)
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric())
                }
            });
        if tag || entity {
            return Some(text[i..].chars().take(24).collect());
        }
    }
    None
}

/// A link's input must be typed into the pipeline's own textInputs, in batch order.
fn check_input(spec: &PipelineSpec, input: &InputLog) -> Result<(), OpenError> {
    let lines = input.line_count();
    if lines > MAX_INPUT_LINES {
        return Err(OpenError::TooManyLines(lines));
    }
    if !input.lines.windows(2).all(|w| w[0].batch <= w[1].batch)
        || !input.lost.windows(2).all(|w| w[0] <= w[1])
    {
        return Err(OpenError::InputOrder);
    }
    let text_input = |id: &str| spec.nodes.iter().any(|n| n.id == id && n.op == "textInput");
    if let Some(e) = input.lines.iter().find(|e| !text_input(&e.node)) {
        return Err(OpenError::InputNode(e.node.clone()));
    }
    if let Some(l) = input
        .lost
        .iter()
        .find(|l| !spec.nodes.iter().any(|n| n.id == l.node))
    {
        return Err(OpenError::InputNode(l.node.clone()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> PipelineSpec {
        PipelineSpec::from_json(
            r#"{"version":1,"name":"n","batch_interval_ms":1000,"nodes":[
            {"id":"socket","op":"textInput"},
            {"id":"out","op":"print","inputs":["socket"]}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_link_round_trips_its_pipeline_and_input() {
        let mut log = InputLog::default();
        log.push(0, "socket", ["a b".to_string()]);
        log.push(2, "socket", ["c".to_string()]);
        let link = encode(&spec(), &log);
        assert!(link.starts_with("pipeline=v1."));
        let back = decode(&format!("#{link}")).unwrap().unwrap();
        assert_eq!(back.pipeline, spec());
        assert_eq!(back.input, log);
        assert!(decode("#section-2").is_none(), "not a share link");
    }

    #[test]
    fn markup_is_found_and_plain_comparisons_are_not() {
        assert!(markup("a < b and c > d").is_none());
        assert!(markup("AT&T and 3 <= 4").is_none());
        assert_eq!(markup("x <img src=x>").as_deref(), Some("<img src=x>"));
        assert!(markup("&lt;b&gt;").is_some());
        assert!(markup("<!-- c -->").is_some());
    }
}

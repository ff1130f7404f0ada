//! How a request or a reply crosses between the page and the engine worker: the message as
//! a JS value (`serde-wasm-bindgen`, 64-bit integers as `BigInt`), and a snapshot's bytes
//! beside it as a `Uint8Array` whose buffer is transferred, not copied.

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// A value as the worker boundary carries it.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_large_number_types_as_bigints(true)
        .serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(|e| e.to_string())
}

pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// `{msg, bytes?}` and the transfer list that goes with it.
pub fn encode<T: Serialize>(msg: &T, bytes: Option<Vec<u8>>) -> Result<(JsValue, Array), String> {
    let envelope = Object::new();
    let transfer = Array::new();
    let set = |k: &str, v: &JsValue| {
        Reflect::set(&envelope, &JsValue::from_str(k), v).map_err(|_| format!("cannot set {k}"))
    };
    set("msg", &to_js(msg)?)?;
    if let Some(bytes) = bytes {
        let array = Uint8Array::from(bytes.as_slice());
        transfer.push(&array.buffer());
        set("bytes", &array)?;
    }
    Ok((envelope.into(), transfer))
}

/// The message and the bytes an [`encode`]d envelope carries.
pub fn decode<T: DeserializeOwned>(data: JsValue) -> Result<(T, Option<Vec<u8>>), String> {
    let get = |k: &str| Reflect::get(&data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let msg = from_js(get("msg"))?;
    let bytes = get("bytes")
        .dyn_into::<Uint8Array>()
        .ok()
        .map(|a| a.to_vec());
    Ok((msg, bytes))
}

//! Fuzzes `towerapi_encode::transcode` (the response model's token path) against the JSON round
//! trip it replaces: for any JSON document, reading a model through `Tokens` must give what
//! `serde_json::from_slice(serde_json::to_vec(value))` gives (the same value, or an error on
//! both sides), and never panic.
//!
//! Input: a JSON document (anything serde_json does not parse is skipped).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use towerapi_encode::transcode::Tokens;

#[derive(Deserialize, Serialize, Debug, PartialEq)]
struct Item {
    name: String,
    #[serde(default)]
    description: Option<String>,
    price: f64,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize, Serialize, Debug, PartialEq)]
#[serde(untagged)]
enum Either {
    Item(Item),
    Number(f64),
    List(Vec<Value>),
}

/// Both readings of `value` as `T` agree.
fn same<T>(value: &Value)
where
    T: serde::de::DeserializeOwned + Serialize + std::fmt::Debug + PartialEq,
{
    let tokens = Tokens::from_value(value).expect("any JSON value records");
    let by_tokens = tokens.deserialize::<T>().map_err(|e| e.path().to_string());
    let bytes = serde_json::to_vec(value).expect("a JSON value writes");
    let by_json = serde_json::from_slice::<T>(&bytes);
    match (&by_tokens, &by_json) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        _ => panic!("transcode {by_tokens:?} but the JSON round trip {by_json:?} for {value}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    same::<Value>(&value);
    same::<Item>(&value);
    same::<Vec<Item>>(&value);
    same::<(i64, String)>(&value);
    same::<Either>(&value);
    same::<std::collections::BTreeMap<String, i64>>(&value);
});

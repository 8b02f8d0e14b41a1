//! `transcode`: reading a value as another through tokens gives what the JSON round trip gives.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Serialize};
use towerapi_encode::transcode::{Presence, Tokens};

/// Transcoding gives what a JSON round trip gives.
fn same_as_json<T: Serialize, M: DeserializeOwned + PartialEq + fmt::Debug>(value: &T) {
    let via_json: Result<M, _> = serde_json::from_slice(&serde_json::to_vec(value).expect("json"));
    let via_tokens: Result<M, _> = Tokens::from_value(value).expect("tokens").deserialize();
    match (via_json, via_tokens) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("json {a:?} vs tokens {b:?}"),
    }
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum E {
    Unit,
    New(i32),
    Tuple(i32, String),
    Struct { a: Option<f64> },
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct All {
    b: bool,
    i: i8,
    u: u64,
    f: f32,
    d: f64,
    c: char,
    s: String,
    o: Option<String>,
    v: Vec<E>,
    t: (u8, String),
    m: BTreeMap<u32, String>,
    unit: (),
    #[serde(with = "serde_bytes_like")]
    bytes: Vec<u8>,
}

mod serde_bytes_like {
    pub(super) fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        serde::Deserialize::deserialize(d)
    }
}

#[test]
fn round_trips_like_json() {
    let all = All {
        b: true,
        i: -3,
        u: u64::MAX,
        f: 0.1,
        d: -2.5e300,
        c: 'é',
        s: "héllo \"q\"".into(),
        o: None,
        v: vec![
            E::Unit,
            E::New(-1),
            E::Tuple(2, "x".into()),
            E::Struct { a: Some(1.5) },
            E::Struct { a: None },
        ],
        t: (7, "seven".into()),
        m: [(1, "one".into()), (20, "twenty".into())]
            .into_iter()
            .collect(),
        unit: (),
        bytes: vec![0, 255],
    };
    same_as_json::<All, All>(&all);
    same_as_json::<All, serde_json::Value>(&all);
    same_as_json::<serde_json::Value, All>(&serde_json::to_value(&all).expect("value"));
    // A type mismatch fails both ways.
    same_as_json::<serde_json::Value, All>(&serde_json::json!({"b": "not a bool"}));
    // Extra fields are ignored, missing ones are errors.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Few {
        s: String,
        o: Option<String>,
    }
    same_as_json::<All, Few>(&all);
    #[derive(Deserialize, Debug, PartialEq)]
    struct More {
        s: String,
        missing: u8,
    }
    same_as_json::<All, More>(&all);
}

#[test]
fn errors_carry_the_path() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        price: f64,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Order {
        items: Vec<Item>,
    }
    let t = Tokens::from_value(
        &serde_json::json!({"items": [{"name": "a", "price": 1}, {"name": "b", "price": "x"}]}),
    )
    .expect("tokens");
    let err = t.deserialize::<Order>().expect_err("bad price");
    assert_eq!(err.path().to_string(), "items[1].price");
    assert!(
        err.inner()
            .to_string()
            .contains("invalid type: string \"x\", expected f64"),
        "{}",
        err.inner()
    );
    let t = Tokens::from_value(&serde_json::json!({"items": [{"name": "a"}]})).expect("tokens");
    let err = t.deserialize::<Order>().expect_err("missing price");
    assert_eq!(err.inner().to_string(), "missing field `price`");
    assert_eq!(err.path().to_string(), "items[0]");
}

/// A visitor that reads only the first entry of a map.
#[derive(Debug, PartialEq)]
struct FirstEntry(String);

impl<'de> Deserialize<'de> for FirstEntry {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FirstEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<FirstEntry, A::Error> {
                let (key, _): (String, de::IgnoredAny) = map
                    .next_entry()?
                    .ok_or_else(|| de::Error::custom("empty"))?;
                Ok(FirstEntry(key))
            }
        }
        d.deserialize_map(V)
    }
}

#[test]
fn a_visitor_that_stops_early_sees_the_rest_refused() {
    // As serde_json: reading fewer elements or entries than there are is an error...
    same_as_json::<Vec<u8>, (u8, u8)>(&vec![1, 2, 3]);
    assert_eq!(
        Tokens::from_value(&vec![1, 2, 3])
            .expect("tokens")
            .deserialize::<(u8, u8)>()
            .expect_err("a third element")
            .inner()
            .to_string(),
        "trailing elements in a sequence"
    );
    let two: BTreeMap<&str, u8> = [("a", 1), ("b", 2)].into_iter().collect();
    same_as_json::<_, FirstEntry>(&two);
    assert_eq!(
        Tokens::from_value(&two)
            .expect("tokens")
            .deserialize::<FirstEntry>()
            .expect_err("a second entry")
            .inner()
            .to_string(),
        "trailing entries in a map"
    );
    // ...and reading exactly all of them, without asking for one more, is not.
    same_as_json::<Vec<u8>, (u8, u8, u8)>(&vec![1, 2, 3]);
    let one: BTreeMap<&str, u8> = [("a", 1)].into_iter().collect();
    same_as_json::<_, FirstEntry>(&one);
    assert_eq!(
        Tokens::from_value(&one)
            .expect("tokens")
            .deserialize::<FirstEntry>()
            .expect("one entry"),
        FirstEntry("a".into())
    );
    // Nested: the inner map's end is not taken for the outer one's.
    same_as_json::<_, Vec<FirstEntry>>(&vec![one.clone(), two.clone(), one]);
}

#[test]
fn keys_must_be_strings_or_integers() {
    let mut m = BTreeMap::new();
    m.insert((1, 2), 3);
    assert_eq!(
        Tokens::from_value(&m).expect_err("tuple key").to_string(),
        "key must be a string"
    );
    assert_eq!(
        Tokens::from_value(&i128::MAX)
            .expect_err("too big")
            .to_string(),
        "integer out of 64-bit range"
    );
}

#[test]
fn presence_and_fields() {
    let t = Tokens::from_value(&serde_json::json!({"a": 1, "b": {"c": null}, "d": [{"e": 1}, {}]}))
        .expect("tokens");
    let p = t.presence();
    let Presence::Map(keys) = &p else {
        panic!("{p:?}")
    };
    assert_eq!(keys.len(), 3);
    assert_eq!(
        keys["b"],
        Presence::Map([("c".to_owned(), Presence::Leaf)].into_iter().collect())
    );
    assert_eq!(
        keys["d"],
        Presence::Seq(vec![
            Presence::Map([("e".to_owned(), Presence::Leaf)].into_iter().collect()),
            Presence::Map(HashMap::new())
        ])
    );
    let fields = t.fields().expect("a map");
    assert_eq!(
        fields.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["a", "b", "d"]
    );
    assert!(fields[1]
        .1
        .same_value(&Tokens::from_value(&serde_json::json!({"c": null})).expect("t")));
    assert!(Tokens::from_value(&1.0)
        .expect("t")
        .same_value(&Tokens::from_value(&1u8).expect("t")));
    assert!(!Tokens::from_value(&1.5)
        .expect("t")
        .same_value(&Tokens::from_value(&1u8).expect("t")));
    assert!(Tokens::from_value(&None::<u8>).expect("t").is_null());
}

mod property {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    /// Values whose keys and strings are often the model's field names.
    fn value() -> impl Strategy<Value = Value> {
        let names = || {
            prop_oneof![
                Just("a".to_owned()),
                Just("b".to_owned()),
                Just("c".to_owned())
            ]
        };
        common::json_value(
            prop_oneof!["\\PC{0,6}", names()],
            prop_oneof![names(), "[a-z]{1,3}"],
            5,
        )
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Model {
        a: Option<Vec<Value>>,
        #[serde(default)]
        b: Option<(Value, Value)>,
        c: Option<String>,
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Any JSON-like value reads as the JSON round trip reads it, into open and closed
        /// types, including visitors that know a length and stop there.
        #[test]
        fn transcoding_is_the_json_round_trip(v in value()) {
            prop_assert_eq!(
                Tokens::from_value(&v).expect("tokens").deserialize::<Value>().expect("value"),
                v.clone()
            );
            same_as_json::<Value, Model>(&v);
            same_as_json::<Value, Vec<Model>>(&v);
            same_as_json::<Value, (Value, Value)>(&v);
            same_as_json::<Value, FirstEntry>(&v);
            same_as_json::<Value, BTreeMap<String, FirstEntry>>(&v);
        }
    }
}

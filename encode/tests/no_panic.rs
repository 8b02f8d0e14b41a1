//! Every `with::*` deserializer reads request input when a struct that uses it is a request
//! body (`axum::Json<T>`): whatever the string, it answers a value or a serde error, never a
//! panic. Strings near the formats (ISO dates and durations with multi-byte characters cut
//! in, digits, signs, separators) and arbitrary ones, through `serde_json::from_str` of a
//! one-field struct, as a body is read.
#![allow(clippy::unwrap_used, missing_docs)]

use proptest::prelude::*;
use serde::Deserialize;
use serde_json::json;
use towerapi_encode::with;

/// Parses `{"v": <s as a JSON string>}` into `T`; `Err` is fine, a panic fails the test.
fn read<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value::<T>(json!({ "v": s })).map_err(|e| e.to_string())
}

macro_rules! field {
    ($name:ident, $with:literal, $ty:ty) => {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct $name {
            #[serde(with = $with)]
            v: $ty,
        }
    };
}

field!(StdSeconds, "with::duration_seconds", std::time::Duration);
field!(StdIso, "with::duration_iso8601", std::time::Duration);
field!(Bytes, "with::bytes_utf8", Vec<u8>);

/// Every reader of a string this crate has, for the features enabled.
fn read_all(s: &str) -> Vec<Result<(), String>> {
    let mut out = vec![
        read::<StdSeconds>(s).map(drop),
        read::<StdIso>(s).map(drop),
        read::<Bytes>(s).map(drop),
    ];
    #[cfg(feature = "chrono")]
    out.extend(chrono_readers::read_all(s));
    #[cfg(feature = "time")]
    out.extend(time_readers::read_all(s));
    #[cfg(feature = "decimal")]
    out.extend(decimal_readers::read_all(s));
    out
}

#[cfg(feature = "chrono")]
mod chrono_readers {
    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};

    use super::{read, with, Deserialize};

    field!(A1, "with::isoformat", NaiveDateTime);
    field!(A2, "with::isoformat", DateTime<Utc>);
    field!(A3, "with::isoformat", DateTime<FixedOffset>);
    field!(A4, "with::isoformat", NaiveDate);
    field!(A5, "with::isoformat", NaiveTime);
    field!(B1, "with::isoformat_z", NaiveDateTime);
    field!(B2, "with::isoformat_z", DateTime<Utc>);
    field!(B3, "with::isoformat_z", DateTime<FixedOffset>);
    field!(B4, "with::isoformat_z", NaiveDate);
    field!(B5, "with::isoformat_z", NaiveTime);
    field!(D1, "with::duration_seconds", TimeDelta);
    field!(D2, "with::duration_iso8601", TimeDelta);

    pub(super) fn read_all(s: &str) -> Vec<Result<(), String>> {
        vec![
            read::<A1>(s).map(drop),
            read::<A2>(s).map(drop),
            read::<A3>(s).map(drop),
            read::<A4>(s).map(drop),
            read::<A5>(s).map(drop),
            read::<B1>(s).map(drop),
            read::<B2>(s).map(drop),
            read::<B3>(s).map(drop),
            read::<B4>(s).map(drop),
            read::<B5>(s).map(drop),
            read::<D1>(s).map(drop),
            read::<D2>(s).map(drop),
        ]
    }
}

#[cfg(feature = "time")]
mod time_readers {
    use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

    use super::{read, with, Deserialize};

    field!(A1, "with::isoformat", PrimitiveDateTime);
    field!(A2, "with::isoformat", OffsetDateTime);
    field!(A3, "with::isoformat", Date);
    field!(A4, "with::isoformat", Time);
    field!(B1, "with::isoformat_z", PrimitiveDateTime);
    field!(B2, "with::isoformat_z", OffsetDateTime);
    field!(D1, "with::duration_seconds", Duration);
    field!(D2, "with::duration_iso8601", Duration);

    pub(super) fn read_all(s: &str) -> Vec<Result<(), String>> {
        vec![
            read::<A1>(s).map(drop),
            read::<A2>(s).map(drop),
            read::<A3>(s).map(drop),
            read::<A4>(s).map(drop),
            read::<B1>(s).map(drop),
            read::<B2>(s).map(drop),
            read::<D1>(s).map(drop),
            read::<D2>(s).map(drop),
        ]
    }
}

#[cfg(feature = "decimal")]
mod decimal_readers {
    use rust_decimal::Decimal;

    use super::{read, with, Deserialize};

    field!(N, "with::decimal_number", Decimal);
    field!(S, "with::decimal_string", Decimal);

    pub(super) fn read_all(s: &str) -> Vec<Result<(), String>> {
        vec![read::<N>(s).map(drop), read::<S>(s).map(drop)]
    }
}

/// The report's case: byte 10 inside a character. It was a panic (`byte index 10 is not a
/// char boundary`); it is a serde error naming the expected format.
#[cfg(feature = "chrono")]
#[test]
fn a_date_cut_inside_a_character_is_an_error() {
    field!(Date, "with::isoformat", chrono::NaiveDate);
    for s in [
        "2024-01-0\u{e9}",
        "2024-01-0\u{e9}T00:00:00",
        "2024-1\u{e9}-01",
        "2024-01-\u{1f642}",
    ] {
        let err = read::<Date>(s).unwrap_err();
        assert_eq!(
            err,
            format!("invalid ISO 8601 value for chrono::naive::date::NaiveDate: {s:?}"),
            "{s}"
        );
        for result in chrono_readers::read_all(s) {
            assert!(result.is_err(), "{s} is not a valid value: {result:?}");
        }
    }
}

/// Strings made of the pieces the formats use, and characters of 1 to 4 bytes.
fn near_format() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("2024".to_owned()),
        Just("-".to_owned()),
        Just("01".to_owned()),
        Just("T".to_owned()),
        Just(":".to_owned()),
        Just(".".to_owned()),
        Just(",".to_owned()),
        Just("+".to_owned()),
        Just("Z".to_owned()),
        Just("P".to_owned()),
        Just("1D".to_owned()),
        Just("2H".to_owned()),
        Just("3.5S".to_owned()),
        Just("1e400".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("\u{e9}".to_owned()),
        Just("\u{2713}".to_owned()),
        Just("\u{1f642}".to_owned()),
        Just(" ".to_owned()),
        "[0-9]{1,3}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn near_format_strings_never_panic(s in near_format()) {
        let _ = read_all(&s);
    }

    #[test]
    fn any_string_never_panics(s in any::<String>()) {
        let _ = read_all(&s);
    }
}

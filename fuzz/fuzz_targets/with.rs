//! Fuzzes every `towerapi_encode::with::*` deserializer as a request body reaches it:
//! `serde_json::from_slice` of a struct whose fields use them (chrono and time dates and
//! durations, decimals, bytes). Whatever the bytes, the answer is a value or a serde error,
//! never a panic; a value that is read writes output it reads back, stable after one round.
//!
//! Input: a selector byte (which helper; odd: the rest is a JSON document, even: the rest is the
//! string of `{"v": ...}`), then the bytes. One helper per input, so a fault in one is not hidden
//! by another's error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize};
use towerapi_encode::with;

macro_rules! fields {
    ($($name:ident: $with:literal, $ty:ty;)*) => {
        $(
            #[derive(Deserialize, Serialize)]
            struct $name {
                #[serde(with = $with)]
                v: $ty,
            }
        )*

        /// Reads `data` with helper number `which` (one per input, so that each input costs one
        /// parse and 10^7 inputs take minutes).
        fn run(which: u8, data: &[u8]) {
            let readers: &[fn(&[u8])] = &[$(|data: &[u8]| {
                if let Ok(value) = serde_json::from_slice::<$name>(data) {
                    // What was read writes and reads its own output; after that one round the
                    // writing is stable (a JSON number is read through f64, so a decimal beyond
                    // 2^64 may change once, never twice).
                    let written = serde_json::to_vec(&value).expect(concat!(stringify!($name), " writes"));
                    let again: $name = serde_json::from_slice(&written).expect(concat!(stringify!($name), " reads its own output"));
                    let rewritten = serde_json::to_vec(&again).expect("writes");
                    let third: $name = serde_json::from_slice(&rewritten).expect(concat!(stringify!($name), " reads its own output again"));
                    assert_eq!(serde_json::to_vec(&third).expect("writes"), rewritten, stringify!($name));
                }
            }),*];
            readers[usize::from(which) % readers.len()](data);
        }
    };
}

fields! {
    StdSeconds: "with::duration_seconds", std::time::Duration;
    StdIso: "with::duration_iso8601", std::time::Duration;
    Bytes: "with::bytes_utf8", Vec<u8>;
    ChronoNaive: "with::isoformat", chrono::NaiveDateTime;
    ChronoUtc: "with::isoformat", chrono::DateTime<chrono::Utc>;
    ChronoOffset: "with::isoformat", chrono::DateTime<chrono::FixedOffset>;
    ChronoDate: "with::isoformat", chrono::NaiveDate;
    ChronoTime: "with::isoformat", chrono::NaiveTime;
    ChronoNaiveZ: "with::isoformat_z", chrono::NaiveDateTime;
    ChronoUtcZ: "with::isoformat_z", chrono::DateTime<chrono::Utc>;
    ChronoOffsetZ: "with::isoformat_z", chrono::DateTime<chrono::FixedOffset>;
    ChronoDeltaSeconds: "with::duration_seconds", chrono::TimeDelta;
    ChronoDeltaIso: "with::duration_iso8601", chrono::TimeDelta;
    TimePrimitive: "with::isoformat", time::PrimitiveDateTime;
    TimeOffset: "with::isoformat", time::OffsetDateTime;
    TimeDate: "with::isoformat", time::Date;
    TimeTime: "with::isoformat", time::Time;
    TimeOffsetZ: "with::isoformat_z", time::OffsetDateTime;
    TimeDurationSeconds: "with::duration_seconds", time::Duration;
    TimeDurationIso: "with::duration_iso8601", time::Duration;
    DecimalNumber: "with::decimal_number", rust_decimal::Decimal;
    DecimalString: "with::decimal_string", rust_decimal::Decimal;
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    // Odd selectors read the bytes as a JSON document, even ones as the string of
    // `{"v": ...}` (when UTF-8): every helper that reads text sees them whatever JSON they are.
    if which % 2 == 1 {
        run(which / 2, rest);
    } else if let Ok(text) = std::str::from_utf8(rest) {
        let doc = serde_json::to_vec(&serde_json::json!({ "v": text })).expect("a JSON string");
        run(which / 2, &doc);
    }
});

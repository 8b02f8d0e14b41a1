//! FastAPI's encoding rules: the `with` helpers on both paths, chrono and time, custom
//! encoders, and that `FastJson` writes the same JSON as `Json`.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use serde::{Deserialize, Serialize};
use towerapi_encode::class::{Json, ResponseClass};
use towerapi_encode::{with, Reply};

fn json<T: Serialize>(v: &T) -> String {
    String::from_utf8(Json::to_vec(v).unwrap()).unwrap()
}

#[test]
fn std_duration_both_paths() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct D {
        #[serde(with = "with::duration_seconds")]
        a: std::time::Duration,
        #[serde(with = "with::duration_iso8601")]
        b: std::time::Duration,
    }
    let d = D {
        a: std::time::Duration::new(93_603, 500_000_000),
        b: std::time::Duration::new(93_603, 500_000_000),
    };
    let s = json(&d);
    assert_eq!(s, r#"{"a":93603.5,"b":"P1DT2H3.5S"}"#);
    assert_eq!(serde_json::from_str::<D>(&s).unwrap(), d);
    // Each reads the other path's form too.
    assert_eq!(
        serde_json::from_str::<D>(r#"{"a":"P1DT2H3.5S","b":93603.5}"#).unwrap(),
        d
    );
    assert!(
        serde_json::from_str::<D>(r#"{"a":-1.0,"b":"PT1S"}"#).is_err(),
        "std durations are not negative"
    );
    assert!(serde_json::from_str::<D>(r#"{"a":1.0,"b":"1 second"}"#).is_err());
}

#[test]
fn bytes_as_text() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct B {
        #[serde(with = "with::bytes_utf8")]
        bytes: Vec<u8>,
    }
    assert_eq!(
        json(&B {
            bytes: b"hello bytes".to_vec()
        }),
        r#"{"bytes":"hello bytes"}"#
    );
    assert_eq!(
        serde_json::from_str::<B>(r#"{"bytes":"hi"}"#).unwrap(),
        B {
            bytes: b"hi".to_vec()
        }
    );
    let err = Json::to_vec(&B { bytes: vec![0xff] }).unwrap_err();
    assert!(err.to_string().contains("bytes are not UTF-8"), "{err}");
}

#[cfg(feature = "chrono")]
#[test]
fn chrono_both_paths() {
    use chrono::{
        DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
    };

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct A {
        #[serde(with = "with::isoformat")]
        naive: NaiveDateTime,
        #[serde(with = "with::isoformat")]
        utc: DateTime<Utc>,
        #[serde(with = "with::isoformat")]
        offset: DateTime<FixedOffset>,
        #[serde(with = "with::isoformat")]
        date: NaiveDate,
        #[serde(with = "with::isoformat")]
        time: NaiveTime,
        #[serde(with = "with::duration_seconds")]
        delta: TimeDelta,
    }
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct B {
        #[serde(with = "with::isoformat_z")]
        naive: NaiveDateTime,
        #[serde(with = "with::isoformat_z")]
        utc: DateTime<Utc>,
        #[serde(with = "with::isoformat_z")]
        offset: DateTime<FixedOffset>,
        #[serde(with = "with::isoformat_z")]
        date: NaiveDate,
        #[serde(with = "with::isoformat_z")]
        time: NaiveTime,
        #[serde(with = "with::duration_iso8601")]
        delta: TimeDelta,
    }
    let plain = NaiveDate::from_ymd_opt(2024, 1, 2)
        .unwrap()
        .and_hms_opt(3, 4, 5)
        .unwrap();
    let naive = NaiveDate::from_ymd_opt(2024, 1, 2)
        .unwrap()
        .and_hms_micro_opt(3, 4, 5, 123_456)
        .unwrap();
    let utc = Utc.from_utc_datetime(&plain);
    let offset = FixedOffset::east_opt(19_800)
        .unwrap()
        .from_local_datetime(&plain)
        .unwrap();
    let date = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
    let time = NaiveTime::from_hms_micro_opt(3, 4, 5, 500_000).unwrap();
    let delta = TimeDelta::new(93_603, 500_000_000).unwrap();

    let a = A {
        naive,
        utc,
        offset,
        date,
        time,
        delta,
    };
    let s = json(&a);
    // FastAPI path A (`/resp/encode`; docs/behaviour/responses.md, "Dates, durations, decimals,
    // bytes"), and Python's six-digit microseconds.
    assert_eq!(
        s,
        r#"{"naive":"2024-01-02T03:04:05.123456","utc":"2024-01-02T03:04:05+00:00","offset":"2024-01-02T03:04:05+05:30","date":"2024-01-02","time":"03:04:05.500000","delta":93603.5}"#
    );
    assert_eq!(serde_json::from_str::<A>(&s).unwrap(), a);

    let b = B {
        naive,
        utc,
        offset,
        date,
        time,
        delta,
    };
    let s = json(&b);
    // FastAPI path B (`/resp/encode-model`; docs/behaviour/responses.md, "Dates, durations,
    // decimals, bytes"): `Z` and an ISO duration.
    assert_eq!(
        s,
        r#"{"naive":"2024-01-02T03:04:05.123456","utc":"2024-01-02T03:04:05Z","offset":"2024-01-02T03:04:05+05:30","date":"2024-01-02","time":"03:04:05.500000","delta":"P1DT2H3.5S"}"#
    );
    assert_eq!(serde_json::from_str::<B>(&s).unwrap(), b);

    // Negative durations, and nanoseconds cut to microseconds as Python keeps them.
    #[derive(Serialize)]
    struct N {
        #[serde(with = "with::duration_seconds")]
        a: TimeDelta,
        #[serde(with = "with::duration_iso8601")]
        b: TimeDelta,
        #[serde(with = "with::isoformat")]
        t: NaiveTime,
    }
    let n = N {
        a: TimeDelta::seconds(-90),
        b: TimeDelta::seconds(-90),
        t: NaiveTime::from_hms_nano_opt(1, 2, 3, 999).unwrap(),
    };
    assert_eq!(json(&n), r#"{"a":-90.0,"b":"-PT1M30S","t":"01:02:03"}"#);

    // Shapes must match: a date is not a datetime.
    assert!(serde_json::from_str::<A>(&json(&a).replace(
        "\"date\":\"2024-01-02\"",
        "\"date\":\"2024-01-02T00:00:00\""
    ))
    .is_err());
}

#[cfg(feature = "time")]
#[test]
fn time_crate_both_paths() {
    use time::macros::{date, datetime, time};
    use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct A {
        #[serde(with = "with::isoformat")]
        primitive: PrimitiveDateTime,
        #[serde(with = "with::isoformat")]
        utc: OffsetDateTime,
        #[serde(with = "with::isoformat_z")]
        utc_z: OffsetDateTime,
        #[serde(with = "with::isoformat")]
        offset: OffsetDateTime,
        #[serde(with = "with::isoformat")]
        date: Date,
        #[serde(with = "with::isoformat")]
        time: Time,
        #[serde(with = "with::duration_seconds")]
        delta: Duration,
        #[serde(with = "with::duration_iso8601")]
        delta_iso: Duration,
    }
    let a = A {
        primitive: datetime!(2024-01-02 03:04:05.123456),
        utc: datetime!(2024-01-02 03:04:05 UTC),
        utc_z: datetime!(2024-01-02 03:04:05 UTC),
        offset: datetime!(2024-01-02 03:04:05 +05:30),
        date: date!(2024 - 01 - 02),
        time: time!(03:04:05),
        delta: Duration::new(93_603, 500_000_000),
        delta_iso: Duration::new(93_603, 500_000_000),
    };
    let s = json(&a);
    assert_eq!(
        s,
        r#"{"primitive":"2024-01-02T03:04:05.123456","utc":"2024-01-02T03:04:05+00:00","utc_z":"2024-01-02T03:04:05Z","offset":"2024-01-02T03:04:05+05:30","date":"2024-01-02","time":"03:04:05","delta":93603.5,"delta_iso":"P1DT2H3.5S"}"#
    );
    assert_eq!(serde_json::from_str::<A>(&s).unwrap(), a);
}

#[cfg(feature = "decimal")]
#[test]
fn decimal_both_paths() {
    use rust_decimal::Decimal;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct A {
        #[serde(with = "with::decimal_number")]
        int: Decimal,
        #[serde(with = "with::decimal_number")]
        frac: Decimal,
        #[serde(with = "with::decimal_number")]
        exp: Decimal,
        #[serde(with = "with::decimal_string")]
        s_int: Decimal,
        #[serde(with = "with::decimal_string")]
        s_frac: Decimal,
    }
    let a = A {
        int: "10".parse().unwrap(),
        frac: "10.25".parse().unwrap(),
        exp: Decimal::from_scientific("1E+2").unwrap(),
        s_int: "10".parse().unwrap(),
        s_frac: "10.25".parse().unwrap(),
    };
    let s = json(&a);
    assert_eq!(
        s,
        r#"{"int":10,"frac":10.25,"exp":100,"s_int":"10","s_frac":"10.25"}"#
    );
    assert_eq!(serde_json::from_str::<A>(&s).unwrap(), a);
    // Each reads the other form.
    let swapped = r#"{"int":"10","frac":"10.25","exp":"1E+2","s_int":10,"s_frac":10.25}"#;
    assert_eq!(serde_json::from_str::<A>(swapped).unwrap(), a);
    // A decimal like 10.0 keeps its scale: Python's float(Decimal("10.0")) is 10.0.
    #[derive(Serialize)]
    struct F {
        #[serde(with = "with::decimal_number")]
        x: Decimal,
    }
    assert_eq!(
        json(&F {
            x: "10.0".parse().unwrap()
        }),
        r#"{"x":10.0}"#
    );
    // Correctly rounded, as CPython's float(Decimal("-4444.44444444444444444444411595")).
    assert_eq!(
        json(&F {
            x: "-4444.44444444444444444444411595".parse().unwrap()
        }),
        r#"{"x":-4444.444444444444}"#
    );
    // A float reads as its shortest digits (pydantic's Decimal(str(float))), so what is written
    // reads back to the same bytes.
    let read: A = serde_json::from_str(
        r#"{"int":1,"frac":-4444.444444444444,"exp":1e-07,"s_int":"1","s_frac":0.1}"#,
    )
    .unwrap();
    assert_eq!(read.frac.to_string(), "-4444.444444444444");
    assert_eq!(read.exp.to_string(), "0.0000001");
    assert_eq!(read.s_frac.to_string(), "0.1");
    assert_eq!(
        json(&read),
        r#"{"int":1,"frac":-4444.444444444444,"exp":1e-07,"s_int":"1","s_frac":"0.1"}"#
    );
}

#[cfg(feature = "uuid")]
#[test]
fn uuid_needs_no_helper() {
    let u: uuid::Uuid = "12345678-1234-5678-1234-567812345678".parse().unwrap();
    assert_eq!(json(&u), r#""12345678-1234-5678-1234-567812345678""#);
}

#[test]
fn custom_encoder_through_the_pipeline() {
    use towerapi_encode::custom::{encode, Encoded, Encoder};

    /// FastAPI: `jsonable_encoder(obj, custom_encoder={IpAddr: lambda ip: {"ip": str(ip)}})`.
    struct IpAsObject;
    #[derive(Serialize)]
    struct IpOut {
        ip: String,
        v6: bool,
    }
    impl Encoder<std::net::IpAddr> for IpAsObject {
        type Output = IpOut;
        fn encode(value: &std::net::IpAddr) -> IpOut {
            IpOut {
                ip: value.to_string(),
                v6: value.is_ipv6(),
            }
        }
    }
    #[derive(Serialize)]
    struct Peer {
        name: &'static str,
        #[serde(serialize_with = "encode::<IpAsObject, _, _>")]
        addr: std::net::IpAddr,
    }

    let res = Reply::new(Peer {
        name: "a",
        addr: "10.0.0.1".parse().unwrap(),
    })
    .into_http_response();
    let rendered = Json.render(res.extensions().get().unwrap()).unwrap();
    assert_eq!(
        rendered.body,
        r#"{"name":"a","addr":{"ip":"10.0.0.1","v6":false}}"#
    );

    let addr: std::net::IpAddr = "::1".parse().unwrap();
    let res = Reply::new(Encoded::<_, IpAsObject>::new(addr)).into_http_response();
    let rendered = Json.render(res.extensions().get().unwrap()).unwrap();
    assert_eq!(rendered.body, r#"{"ip":"::1","v6":true}"#);
}

#[test]
fn nested_floats_are_checked_everywhere() {
    use std::collections::BTreeMap;
    #[derive(Serialize)]
    enum E {
        V { x: f64 },
        T(f64, f64),
    }
    #[derive(Serialize)]
    struct Wrap(Vec<Option<f32>>);
    let mut map = BTreeMap::new();
    map.insert("k", vec![1.0, f64::INFINITY]);
    assert!(Json::to_vec(&map).is_err());
    assert!(Json::to_vec(&E::V { x: f64::NAN }).is_err());
    assert!(Json::to_vec(&E::T(1.0, f64::NEG_INFINITY)).is_err());
    assert!(Json::to_vec(&Wrap(vec![Some(1.0), Some(f32::NAN)])).is_err());
    assert!(Json::to_vec(&(1, (2, [3.0, f64::NAN]))).is_err());
    assert_eq!(
        Json::to_vec(&E::T(1.0, 2.5)).unwrap(),
        br#"{"T":[1.0,2.5]}"#
    );
}

#[cfg(feature = "fast-json")]
mod fast_json {
    use proptest::prelude::*;
    use serde_json::Value;
    use towerapi_encode::class::{FastJson, Json, ResponseClass};
    use towerapi_encode::Payload;

    fn value() -> impl Strategy<Value = Value> {
        crate::common::json_value(prop_oneof!["\\PC*", any::<String>()], any::<String>(), 8)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn fast_json_parses_to_the_same_json(v in value()) {
            let payload = Payload::new(v.clone());
            let a = Json.render(&payload).unwrap().body;
            let b = FastJson.render(&payload).unwrap().body;
            let a: Value = serde_json::from_slice(&a).unwrap();
            let b: Value = serde_json::from_slice(&b).unwrap();
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(&a, &v);
        }

        #[test]
        fn fast_json_typed_structs(x in any::<i32>(), f in prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO, s in any::<String>(), v in prop::collection::vec(any::<u16>(), 0..20)) {
            #[derive(serde::Serialize)]
            struct T { x: i32, f: f64, s: String, v: Vec<u16>, o: Option<bool> }
            let payload = Payload::new(T { x, f, s, v, o: None });
            let a: Value = serde_json::from_slice(&Json.render(&payload).unwrap().body).unwrap();
            let b: Value = serde_json::from_slice(&FastJson.render(&payload).unwrap().body).unwrap();
            prop_assert_eq!(a, b);
        }
    }
}

#[test]
fn text_classes_take_any_value_that_serializes_as_a_string() {
    use towerapi_encode::class::{Html, Redirect};
    use towerapi_encode::Payload;

    #[derive(Serialize)]
    struct Markup(String);
    let rendered = Html
        .render(&Payload::new(Markup("<b>x</b>".into())))
        .unwrap();
    assert_eq!(rendered.body, "<b>x</b>");
    let rendered = Redirect
        .render(&Payload::new(std::borrow::Cow::Borrowed("/a b")))
        .unwrap();
    assert_eq!(rendered.headers["location"], "/a%20b");
    let err = Html.render(&Payload::new(42)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Html needs a value that serializes as a string, got `i32`"
    );
}

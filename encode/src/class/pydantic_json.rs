//! JSON as FastAPI writes it for a route with a response model: pydantic-core's `dump_json`.

use bytes::Bytes;
use http::HeaderValue;
use serde::Serialize;

use super::{
    capacity_hint, internal_server_error, remember_len, RenderError, Rendered, ResponseClass,
};
use crate::body::Body;
use crate::json_format::write_pydantic_json as write_json;
pub use crate::json_format::PydanticFloatFormatter;
use crate::payload::Payload;

const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// JSON, as FastAPI writes a route with a response model: pydantic-core's `dump_json`, sent
/// with `content-type: application/json`. Compact, non-ASCII written as is (control characters,
/// `"` and `\` escaped), as [`Json`](super::Json); only floats differ:
///
/// - the exponent has a sign and no padding: `1e-7`, `1e+16`, `5e-324` (`Json`: `1e-07`);
/// - fixed notation reaches one decimal further down: `0.00001` and `0.000012345`, then `1e-6`
///   (`Json`: `1e-05`); up top both write `1000000000000000.0`, then `1e+16`;
/// - NaN and ±infinity are `null` (pydantic's default `ser_json_inf_nan="null"`), where `Json`
///   refuses them with a 500.
///
/// The digits are the shortest that round-trip, as Python's; `1.0`, `-0.0` and
/// `1.2345678901234568e+17` are written as by `Json`. An `f32` is written with its own shortest
/// digits (`0.1f32` is `0.1`, not the widened double's `0.10000000149011612`).
///
/// # Which class FastAPI uses
///
/// | FastAPI route | FastAPI's writer | class |
/// |---|---|---|
/// | no `response_model` (nor return annotation), default class | `jsonable_encoder` + `json.dumps` | [`Json`](super::Json) |
/// | `response_model=M` (or `-> M`), default class | pydantic-core `dump_json` | `PydanticJson` |
/// | `response_model=M` and `response_class=JSONResponse` | pydantic's JSON-mode dict + `json.dumps` | [`Json`](super::Json) |
///
/// Values other than floats (datetimes, durations, decimals) are written by their `Serialize`
/// impls under either class: with a response model, pick the path-B helpers of
/// [`with`](crate::with) for them.
///
/// # Example
/// ```
/// use towerapi_encode::class::PydanticJson;
///
/// let res = PydanticJson::response(&serde_json::json!({"big": 1e20, "small": 1e-7, "x": f64::NAN}));
/// assert_eq!(res.headers()["content-type"], "application/json");
/// assert_eq!(res.headers()["content-length"], "35"); // bytes: {"big":1e+20,"small":1e-7,"x":null}
///
/// assert_eq!(PydanticJson::to_vec(&[0.00001, 1e-6, 1e16]).unwrap(), b"[0.00001,1e-6,1e+16]");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct PydanticJson;

impl PydanticJson {
    /// The response FastAPI sends for a route with a response model: serialized now, status
    /// 200. A value that cannot be written gives the 500 response and an error event in the log.
    pub fn response<T: Serialize + ?Sized>(value: &T) -> http::Response<Body> {
        let mut out = Vec::with_capacity(128);
        match write_json(value, &mut out) {
            Ok(()) => Rendered::ok(APPLICATION_JSON, Bytes::from(out)).into_http_response(),
            Err(error) => {
                tracing::error!(target: "towerapi::encode", %error, type_name = std::any::type_name::<T>(), "PydanticJson could not serialize a value");
                internal_server_error()
            }
        }
    }

    /// Writes a value with these rules.
    ///
    /// # Errors
    /// When the value has no JSON form (a map key that is not a string, a `Serialize` impl
    /// that fails). NaN and infinities are not errors: they are `null`.
    pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
        let mut out = Vec::with_capacity(128);
        write_json(value, &mut out)?;
        Ok(out)
    }
}

impl ResponseClass for PydanticJson {
    fn media_type(&self) -> Option<&'static str> {
        Some("application/json")
    }

    fn render(&self, payload: &Payload) -> Result<Rendered, RenderError> {
        let mut out = Vec::with_capacity(capacity_hint());
        payload
            .write_pydantic_json(&mut out)
            .map_err(|e| RenderError::new("PydanticJson", payload, e))?;
        remember_len(out.len());
        Ok(Rendered::ok(APPLICATION_JSON, out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pyd(v: f64) -> String {
        String::from_utf8(PydanticJson::to_vec(&v).expect("no error")).expect("utf-8")
    }

    #[test]
    fn floats_as_pydantic_core() {
        // Each right-hand side is what pydantic-core 2.50.5's `to_json` writes.
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-1.0, "-1.0"),
            (100.0, "100.0"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (12345.678, "12345.678"),
            // The low boundary: fixed down to a decimal exponent of -5.
            (0.0001, "0.0001"),
            (1e-5, "0.00001"),
            (0.00001, "0.00001"),
            (1.2345e-5, "0.000012345"),
            (9.999999999999999e-6, "9.999999999999999e-6"),
            (1e-6, "1e-6"),
            (2.5e-6, "2.5e-6"),
            (1e-7, "1e-7"),
            (-2.5e-10, "-2.5e-10"),
            // The high boundary: fixed up to a decimal exponent of 15.
            (1e15, "1000000000000000.0"),
            (1.0000000000000002e15, "1000000000000000.2"),
            (123456789012345.6, "123456789012345.6"),
            (1234567890123456.0, "1234567890123456.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (9007199254740993.0, "9007199254740992.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1.5e+16, "1.5e+16"),
            (12345678901234567.0, "1.2345678901234568e+16"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (1e20, "1e+20"),
            (1e22, "1e+22"),
            // Three-digit exponents, extremes.
            (1.5e300, "1.5e+300"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN, "-1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            // Not finite: `null`.
            (f64::NAN, "null"),
            (-f64::NAN, "null"),
            (f64::INFINITY, "null"),
            (f64::NEG_INFINITY, "null"),
        ];
        for (v, want) in cases {
            assert_eq!(pyd(*v), *want, "{v:e}");
        }
    }

    #[test]
    fn f32_uses_its_own_shortest_digits() {
        let cases: &[(f32, &[u8])] = &[
            (0.1, b"0.1"),
            (1.0, b"1.0"),
            (-0.0, b"-0.0"),
            (1e-5, b"0.00001"),
            (1e-6, b"1e-6"),
            (1e15, b"1000000000000000.0"),
            (1e16, b"1e+16"),
            (1e20, b"1e+20"),
            (16777216.0, b"16777216.0"),
            (f32::MAX, b"3.4028235e+38"),
            (f32::NAN, b"null"),
            (f32::INFINITY, b"null"),
            (f32::NEG_INFINITY, b"null"),
        ];
        for (v, want) in cases {
            assert_eq!(
                PydanticJson::to_vec(v).expect("no error"),
                *want,
                "{v:e}: {}",
                String::from_utf8_lossy(want)
            );
        }
    }

    #[test]
    fn nan_model_row() {
        // docs/behaviour/responses.md, "JSON, path B" (`/resp/nan-model`): 200, 10 bytes.
        #[derive(Serialize)]
        struct Nan {
            x: f64,
        }
        let res = PydanticJson::response(&Nan { x: f64::NAN });
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/json");
        assert_eq!(res.headers()["content-length"], "10");
        assert_eq!(
            PydanticJson::to_vec(&Nan { x: f64::NAN }).expect("no error"),
            br#"{"x":null}"#
        );
    }

    #[test]
    fn floats_model_row() {
        // docs/behaviour/responses.md, "JSON, path B": 118 bytes, `1e-7` where `Json` writes `1e-07`.
        #[derive(Serialize)]
        struct Floats {
            one: f64,
            big: f64,
            small: f64,
            tenth: f64,
            third: f64,
            neg_zero: f64,
            int_big: u64,
        }
        let ordered = Floats {
            one: 1.0,
            big: 1e20,
            small: 1e-7,
            tenth: 0.1,
            third: 1.0 / 3.0,
            neg_zero: -0.0,
            int_big: 9007199254740993,
        };
        let body = PydanticJson::to_vec(&ordered).expect("no error");
        let want = r#"{"one":1.0,"big":1e+20,"small":1e-7,"tenth":0.1,"third":0.3333333333333333,"neg_zero":-0.0,"int_big":9007199254740993}"#;
        assert_eq!(String::from_utf8(body).expect("utf-8"), want);
        assert_eq!(want.len(), 118);
    }

    #[test]
    fn render_writes_the_payload() {
        let payload = Payload::new(vec![1e-7, f64::INFINITY, 0.00001]);
        let rendered = PydanticJson.render(&payload).expect("renders");
        assert_eq!(rendered.status, 200);
        assert_eq!(
            rendered.content_type,
            Some(HeaderValue::from_static("application/json"))
        );
        assert!(rendered.headers.is_empty());
        assert_eq!(rendered.body, "[1e-7,null,0.00001]");
    }

    #[test]
    fn strings_as_json() {
        let v = serde_json::json!({"ctrl": "tab\there\nnl\u{1}\u{7f}", "quote": "\"q\" \\ /", "text": "héllo ✓ 日本 🙂"});
        assert_eq!(
            PydanticJson::to_vec(&v).expect("ok"),
            super::super::Json::to_vec(&v).expect("ok")
        );
    }

    #[test]
    fn non_string_keys_are_errors() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1u8], 1.0);
        assert!(PydanticJson::to_vec(&map).is_err());
        let payload = Payload::new(map);
        let err = PydanticJson.render(&payload).expect_err("no JSON form");
        assert_eq!(err.class(), "PydanticJson");
    }
}

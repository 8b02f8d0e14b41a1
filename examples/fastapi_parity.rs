//! FastAPI's reference app (FastAPI 0.165; its document is `tests/data/fastapi-0.165-openapi.json`), ported route for route to towerapi on
//! axum: the same paths and methods, models, schemes, users, secret and data.
//! `tests/fastapi_parity.rs` checks its answers against FastAPI's (`docs/behaviour.md` says what
//! they are, and where they differ on purpose); `docs/from-fastapi.md` sets each FastAPI
//! construct used here beside its towerapi counterpart.
//!
//! ```text
//! cargo run --example fastapi_parity                  # listens on 127.0.0.1:8000
//! cargo run --example fastapi_parity 127.0.0.1:0      # any free port
//! curl -d 'username=alice&password=secret&scope=items:read' http://127.0.0.1:8000/token
//! curl -H "Authorization: Bearer <access_token>" http://127.0.0.1:8000/me
//! ```
//!
//! Where app.py relies on FastAPI's request validation (404, 405, the 422s of query parameters
//! and JSON bodies), axum answers as axum does; the 422 of `/resp/query-int`'s `max_length` is
//! written by hand.

use std::collections::{BTreeSet, HashSet};
use std::io;
use std::path::PathBuf;

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use axum::Router;
use chrono::{
    DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
};
use http::request::Parts;
use http::StatusCode;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tower::ServiceBuilder;
use towerapi::auth::form::{
    FieldError, FormRejection, OAuth2PasswordRequestForm, OAuth2PasswordRequestFormStrict,
};
use towerapi::auth::jwt::{bearer_challenge, Claims, JwtIssuer, JwtVerifier};
use towerapi::auth::scheme::{OAuthFlow, OAuthFlows};
use towerapi::auth::{
    constant_time_eq, ApiKey, ApiKeyCookie, ApiKeyHeader, ApiKeyQuery, AuthError, AuthLayer,
    AuthorizationValue, BearerToken, HttpAuthorizationCredentials, HttpBase, HttpBasic,
    HttpBasicCredentials, HttpBearer, HttpDigest, OAuth2, OAuth2AuthorizationCodeBearer,
    OAuth2PasswordBearer, OpenIdConnect, Principal, ScopesLayer, SecurityScopes,
};
use towerapi::encode::class::{internal_server_error, File, Html, Json, Redirect, Stream};
use towerapi::encode::with;
use towerapi::layers::ResponseModelLayer;
use towerapi::openapi::{delete, get, post, ApiRouter, Docs, Info, OpenApi};
use towerapi::prelude::*;
use towerapi::schemars::{self, JsonSchema};

/// The file the `FileResponse` routes serve (the same bytes as app.py's `static/hello.txt`).
pub(crate) const STATIC_FILE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/examples/static/hello.txt");

/// app.py's `SECRET_KEY` (HS256).
const SECRET_KEY: &[u8] = b"oracle-secret";
/// app.py's `FIXED_EXP`: 2100-01-01T00:00:00Z, so a token is a pure function of its claims.
const FIXED_EXP: u64 = 4_102_444_800;

// ---- models --------------------------------------------------------------------------------

/// `class UserIn(BaseModel)`.
#[derive(Clone, Default, Serialize, Deserialize, JsonSchema)]
pub(crate) struct UserIn {
    username: String,
    password: String,
    email: Option<String>,
    full_name: Option<String>,
}

/// `class UserOut(BaseModel)`.
#[derive(Clone, Default, Serialize, Deserialize, JsonSchema)]
pub(crate) struct UserOut {
    username: String,
    email: Option<String>,
    full_name: Option<String>,
}

impl From<UserIn> for UserOut {
    fn from(u: UserIn) -> Self {
        UserOut {
            username: u.username,
            email: u.email,
            full_name: u.full_name,
        }
    }
}

/// `class Item(BaseModel)`: `tax: float = 10.5`, `tags: list[str] = []`.
#[derive(Clone, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Item {
    name: String,
    #[serde(default)]
    description: Option<String>,
    price: f64,
    #[serde(default = "default_tax")]
    tax: f64,
    #[serde(default)]
    tags: Vec<String>,
}

fn default_tax() -> f64 {
    10.5
}

impl Default for Item {
    fn default() -> Self {
        Item {
            name: String::new(),
            description: None,
            price: 0.0,
            tax: default_tax(),
            tags: Vec::new(),
        }
    }
}

/// `class Order(BaseModel)`.
#[derive(Serialize, Deserialize, JsonSchema)]
pub(crate) struct Order {
    id: i64,
    owner: UserIn,
    items: Vec<Item>,
}

/// `class AliasModel(BaseModel)`: `Field(alias="itemName")`, `Field(default=0, alias="itemCount")`.
#[derive(Serialize, Deserialize, JsonSchema)]
pub(crate) struct AliasModel {
    #[serde(rename = "itemName")]
    item_name: String,
    #[serde(rename = "itemCount", default)]
    item_count: i64,
}

/// `class Floats(BaseModel)`, and app.py's `FLOATS` dict (same keys, same order).
#[derive(Serialize, Deserialize, JsonSchema)]
pub(crate) struct Floats {
    one: f64,
    big: f64,
    small: f64,
    tenth: f64,
    third: f64,
    neg_zero: f64,
    int_big: i64,
}

pub(crate) fn floats() -> Floats {
    Floats {
        one: 1.0,
        big: 1e20,
        small: 1e-7,
        tenth: 0.1,
        third: 1.0 / 3.0,
        neg_zero: -0.0,
        int_big: (1 << 53) + 1,
    }
}

/// `class NanModel(BaseModel)`, and the `{"x": float("nan")}` dict.
#[derive(Serialize, Deserialize, JsonSchema)]
pub(crate) struct NanModel {
    x: f64,
}

/// `class Color(enum.Enum)`.
#[derive(Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Color {
    Red,
}

/// `class Level(enum.IntEnum)`.
#[derive(Clone, Copy, serde_repr::Serialize_repr, serde_repr::Deserialize_repr)]
#[repr(u8)]
pub(crate) enum Level {
    High = 3,
}

/// `IntEnum`: an integer with one value, as pydantic writes it.
impl JsonSchema for Level {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Level".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "integer", "enum": [3], "title": "Level"})
    }
}

/// app.py's `encode_values()` dict, written as FastAPI writes a route's value without a response
/// model (`jsonable_encoder`: UTC as `+00:00`, a timedelta as seconds, decimals as numbers).
#[derive(Serialize, JsonSchema)]
pub(crate) struct EncodeValues {
    #[serde(with = "with::isoformat")]
    #[schemars(with = "String")]
    datetime_naive: NaiveDateTime,
    #[serde(with = "with::isoformat")]
    #[schemars(with = "String")]
    datetime_utc: DateTime<Utc>,
    #[serde(with = "with::isoformat")]
    #[schemars(with = "String")]
    datetime_offset: DateTime<FixedOffset>,
    #[serde(with = "with::isoformat")]
    #[schemars(with = "String")]
    date: NaiveDate,
    #[serde(with = "with::isoformat")]
    #[schemars(with = "String")]
    time: NaiveTime,
    #[serde(with = "with::duration_seconds")]
    #[schemars(with = "f64")]
    timedelta: TimeDelta,
    #[schemars(with = "String")]
    uuid: uuid::Uuid,
    #[serde(with = "with::decimal_number")]
    #[schemars(with = "f64")]
    decimal_int: Decimal,
    #[serde(with = "with::decimal_number")]
    #[schemars(with = "f64")]
    decimal_frac: Decimal,
    #[serde(with = "with::decimal_number")]
    #[schemars(with = "f64")]
    decimal_exp: Decimal,
    enum_str: Color,
    enum_int: Level,
    set: HashSet<i64>,
    frozenset: BTreeSet<i64>,
    #[serde(with = "with::bytes_utf8")]
    #[schemars(with = "String")]
    bytes: Vec<u8>,
    tuple: (i64, String),
    path: PathBuf,
    nested_model: UserOut,
}

/// `class EncodeModel(BaseModel)`: the same fields, written as pydantic writes them (UTC as `Z`,
/// a timedelta as an ISO 8601 duration, decimals as strings).
#[derive(Serialize, Deserialize, JsonSchema)]
pub(crate) struct EncodeModel {
    #[serde(with = "with::isoformat_z")]
    // No offset: not an RFC 3339 `date-time`, whatever pydantic's schema says.
    #[schemars(with = "String")]
    datetime_naive: NaiveDateTime,
    #[serde(with = "with::isoformat_z")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    datetime_utc: DateTime<Utc>,
    #[serde(with = "with::isoformat_z")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    datetime_offset: DateTime<FixedOffset>,
    #[serde(with = "with::isoformat_z")]
    #[schemars(with = "String", extend("format" = "date"))]
    date: NaiveDate,
    #[serde(with = "with::isoformat_z")]
    // No offset: not an RFC 3339 `time`.
    #[schemars(with = "String")]
    time: NaiveTime,
    #[serde(with = "with::duration_iso8601")]
    // Fractional seconds: not an RFC 3339 `duration`.
    #[schemars(with = "String")]
    timedelta: TimeDelta,
    #[schemars(with = "String", extend("format" = "uuid"))]
    uuid: uuid::Uuid,
    #[serde(with = "with::decimal_string")]
    #[schemars(with = "String")]
    decimal_int: Decimal,
    #[serde(with = "with::decimal_string")]
    #[schemars(with = "String")]
    decimal_frac: Decimal,
    #[serde(with = "with::decimal_string")]
    #[schemars(with = "String")]
    decimal_exp: Decimal,
    enum_str: Color,
    enum_int: Level,
    set: HashSet<i64>,
    frozenset: BTreeSet<i64>,
    #[serde(with = "with::bytes_utf8")]
    #[schemars(with = "String")]
    bytes: Vec<u8>,
    tuple: (i64, String),
    path: PathBuf,
    nested_model: UserOut,
}

pub(crate) fn encode_values() -> EncodeValues {
    let date = NaiveDate::from_ymd_opt(2024, 1, 2).expect("a valid date");
    let time = NaiveTime::from_hms_opt(3, 4, 5).expect("a valid time");
    let plain = date.and_time(time);
    let offset = FixedOffset::east_opt(5 * 3600 + 30 * 60).expect("a valid offset");
    EncodeValues {
        datetime_naive: date
            .and_hms_micro_opt(3, 4, 5, 123_456)
            .expect("a valid time"),
        datetime_utc: Utc.from_utc_datetime(&plain),
        datetime_offset: offset
            .from_local_datetime(&plain)
            .single()
            .expect("a fixed offset has one local time"),
        date,
        time,
        timedelta: TimeDelta::days(1)
            + TimeDelta::hours(2)
            + TimeDelta::seconds(3)
            + TimeDelta::microseconds(500_000),
        uuid: "12345678-1234-5678-1234-567812345678"
            .parse()
            .expect("a valid UUID"),
        decimal_int: Decimal::from(10),
        decimal_frac: Decimal::new(1025, 2),
        decimal_exp: Decimal::from_scientific("1E+2").expect("a valid decimal"),
        enum_str: Color::Red,
        enum_int: Level::High,
        set: HashSet::from([7]),
        frozenset: BTreeSet::from([5]),
        bytes: b"hello bytes".to_vec(),
        tuple: (1, "a".to_owned()),
        path: PathBuf::from("/tmp/x.txt"),
        nested_model: UserOut {
            username: "nested".to_owned(),
            email: None,
            full_name: None,
        },
    }
}

/// `@dataclasses.dataclass class Point`.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Point {
    x: i64,
    y: i64,
    label: Option<String>,
}

/// app.py's `ITEMS`: a store of JSON documents, so a key that is absent is "unset".
fn item(id: &str) -> Option<Value> {
    match id {
        "foo" => Some(json!({"name": "Foo", "price": 50.2})),
        "bar" => {
            Some(json!({"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2}))
        }
        "baz" => Some(
            json!({"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []}),
        ),
        _ => None,
    }
}

/// `return ITEMS[item_id]`: an unknown id is a `KeyError`, a 500 in FastAPI too.
async fn item_by_id(Path(item_id): Path<String>) -> Response {
    match item(&item_id) {
        Some(value) => Reply::new(value).into_response(),
        None => internal_server_error().into_response(),
    }
}

// ---- FastAPI's JSON for a route with a response model ----------------------------------------

/// `response_model=M` with the default response class: check and filter with `M`, write as
/// pydantic does (`1e-7`, NaN as `null`).
fn model<M>(layer: ResponseModelLayer<M>) -> (SerializeLayer<PydanticJson>, ResponseModelLayer<M>) {
    (SerializeLayer::pydantic(), layer)
}

/// `response_model=M, response_class=JSONResponse`: check and filter with `M`, write as
/// `json.dumps` does.
fn model_json_class<M>(
    layer: ResponseModelLayer<M>,
) -> (SerializeLayer<Json>, ResponseModelLayer<M>) {
    (SerializeLayer::new(Json), layer)
}

// ---- /resp/... : response pipeline ---------------------------------------------------------

#[derive(Serialize, JsonSchema)]
pub(crate) struct Dict {
    message: &'static str,
    n: i64,
    f: f64,
    ok: bool,
    none: Option<i64>,
    nested: Nested,
}

#[derive(Serialize, JsonSchema)]
pub(crate) struct Nested {
    a: Vec<i64>,
}

#[derive(Serialize, JsonSchema)]
pub(crate) struct Unicode {
    text: &'static str,
    emoji: &'static str,
    ctrl: &'static str,
    quote: &'static str,
}

/// app.py's `/resp/dict` value.
pub(crate) fn dict() -> Dict {
    Dict {
        message: "hello",
        n: 1,
        f: 1.5,
        ok: true,
        none: None,
        nested: Nested { a: vec![1, 2] },
    }
}

/// app.py's `/resp/list` value.
pub(crate) fn list() -> Value {
    json!([1, "two", 3.5, null, true, {"k": "v"}])
}

/// app.py's `/resp/unicode` value.
pub(crate) fn unicode() -> Unicode {
    Unicode {
        text: "h\u{e9}llo w\u{f6}rld \u{2713} \u{65e5}\u{672c}",
        emoji: "\u{1f642}",
        ctrl: "tab\there\nnl",
        quote: "\"q\" \\ /",
    }
}

/// app.py's `/resp/dataclass` value.
pub(crate) fn point() -> Point {
    Point {
        x: 1,
        y: 2,
        label: None,
    }
}

#[derive(Serialize, JsonSchema)]
struct JsonDirect {
    direct: bool,
    b: Option<bool>,
}

/// `n: int, tag: Annotated[str | None, Query(max_length=3)] = None`.
#[derive(Deserialize)]
struct QueryInt {
    n: i64,
    tag: Option<String>,
}

#[derive(Serialize, JsonSchema)]
struct QueryIntOut {
    n: i64,
    tag: Option<String>,
}

/// `Query(max_length=3)`: FastAPI's 422 for a longer `tag` (request validation is axum's, which
/// has no length constraint).
fn tag_too_long(tag: &str, max_length: usize) -> Response {
    let msg = format!("String should have at most {max_length} characters");
    let error = FieldError::new("string_too_long", ["query", "tag"], msg, tag)
        .ctx(json!({ "max_length": max_length }));
    FormRejection::Validation(vec![error]).into_response()
}

fn resp_routes() -> ApiRouter {
    let by_id = |layer: ResponseModelLayer<Item>| get(item_by_id).layer(model(layer));
    ApiRouter::new()
        .route(
            "/resp/dict",
            get(|| async { Reply::new(dict()) }),
        )
        .route(
            "/resp/list",
            get(|| async { Reply::new(list()) }),
        )
        .route("/resp/str", get(|| async { Reply::new("hello") }))
        .route("/resp/int", get(|| async { Reply::new(42) }))
        .route("/resp/none", get(|| async { Reply::new(()) }))
        .route("/resp/tuple", get(|| async { Reply::new((1, "two")) }))
        .route(
            "/resp/dataclass",
            get(|| async { Reply::new(point()) }),
        )
        .route(
            "/resp/unicode",
            get(|| async { Reply::new(unicode()) }),
        )
        .route("/resp/floats", get(|| async { Reply::new(floats()) }))
        .route(
            "/resp/floats-model",
            get(|| async { Reply::new(floats()) }).layer(model(ResponseModelLayer::<Floats>::new())),
        )
        .route(
            "/resp/nan",
            get(|| async { Reply::new(NanModel { x: f64::NAN }) }),
        )
        .route(
            "/resp/nan-model",
            get(|| async { Reply::new(NanModel { x: f64::NAN }) })
                .layer(model(ResponseModelLayer::<NanModel>::new())),
        )
        .route("/resp/encode", get(|| async { Reply::new(encode_values()) }))
        .route(
            "/resp/encode-model",
            get(|| async { Reply::new(encode_values()) })
                .layer(model(ResponseModelLayer::<EncodeModel>::new())),
        )
        .route(
            "/resp/encode-model-json-class",
            get(|| async { Reply::new(encode_values()) })
                .layer(model_json_class(ResponseModelLayer::<EncodeModel>::new())),
        )
        .route(
            "/resp/floats-model-json-class",
            get(|| async { Reply::new(floats()) })
                .layer(model_json_class(ResponseModelLayer::<Floats>::new())),
        )
        .route(
            "/resp/model-filter",
            get(|| async {
                Reply::new(json!({"username": "alice", "password": "hunter2", "email": "alice@example.com", "full_name": null}))
            })
            .layer(model(ResponseModelLayer::<UserOut>::new())),
        )
        .route(
            "/resp/model-filter-object",
            get(|| async {
                Reply::new(UserIn {
                    username: "alice".into(),
                    password: "hunter2".into(),
                    email: Some("alice@example.com".into()),
                    full_name: None,
                })
            })
            .layer(model(ResponseModelLayer::<UserOut>::new().from::<UserIn>())),
        )
        .route(
            // `-> UserOut`: a return annotation is a response model.
            "/resp/return-annotation",
            get(|| async {
                Reply::new(UserIn {
                    username: "alice".into(),
                    password: "hunter2".into(),
                    email: None,
                    full_name: Some("Alice".into()),
                })
            })
            .layer(model(ResponseModelLayer::<UserOut>::new().from::<UserIn>())),
        )
        .route(
            "/resp/list-model",
            get(|| async {
                Reply::new(json!([
                    {"username": "a", "password": "x"},
                    {"username": "b", "password": "y", "email": "b@example.com"},
                ]))
            })
            .layer(model(ResponseModelLayer::<Vec<UserOut>>::new())),
        )
        .route("/resp/full/{item_id}", by_id(ResponseModelLayer::new()))
        .route(
            "/resp/exclude-unset/{item_id}",
            by_id(ResponseModelLayer::new().exclude_unset()),
        )
        .route(
            "/resp/exclude-unset-object",
            get(|| async {
                Reply::new(Item {
                    name: "Obj".into(),
                    price: 1.5,
                    ..Item::default()
                })
            })
            .layer(model(ResponseModelLayer::<Item>::new().exclude_unset())),
        )
        .route(
            "/resp/exclude-defaults/{item_id}",
            by_id(ResponseModelLayer::new().exclude_defaults()),
        )
        .route(
            "/resp/exclude-none/{item_id}",
            by_id(ResponseModelLayer::new().exclude_none()),
        )
        .route(
            "/resp/include/{item_id}",
            by_id(ResponseModelLayer::new().include(["name", "description"])),
        )
        .route(
            "/resp/exclude/{item_id}",
            by_id(ResponseModelLayer::new().exclude(["tax"])),
        )
        .route(
            "/resp/include-exclude/{item_id}",
            by_id(
                ResponseModelLayer::new()
                    .include(["name", "price", "tax"])
                    .exclude(["tax"]),
            ),
        )
        .route(
            // `response_model_exclude={"owner": {"password"}, "items": {"__all__": {"tax", "tags"}}}`
            "/resp/nested-exclude",
            get(|| async {
                Reply::new(json!({
                    "id": 7,
                    "owner": {"username": "alice", "password": "hunter2"},
                    "items": [item("foo"), item("bar")],
                }))
            })
            .layer(model(ResponseModelLayer::<Order>::new().exclude([
                "owner.password",
                "items.*.tax",
                "items.*.tags",
            ]))),
        )
        .route(
            "/resp/alias",
            get(|| async { Reply::new(json!({"itemName": "widget", "itemCount": 3})) })
                .layer(model(ResponseModelLayer::<AliasModel>::new())),
        )
        .route(
            "/resp/alias-by-name",
            get(|| async { Reply::new(json!({"itemName": "widget", "itemCount": 3})) })
                .layer(model(ResponseModelLayer::<AliasModel>::new().by_alias(false))),
        )
        .route(
            "/resp/default-post",
            post(|| async { Reply::new(json!({"created": false})) }),
        )
        .route(
            "/resp/created",
            post(|| async { Reply::new(json!({"id": 1})) })
                .layer(StatusLayer::default_status(StatusCode::CREATED)),
        )
        .route(
            "/resp/created-model",
            post(|| async { Reply::new(json!({"username": "new", "password": "pw"})) }).layer(
                ServiceBuilder::new()
                    .layer(StatusLayer::default_status(StatusCode::CREATED))
                    .layer(model(ResponseModelLayer::<UserOut>::new())),
            ),
        )
        .route(
            "/resp/no-content",
            delete(|| async { Reply::new(()) })
                .layer(StatusLayer::default_status(StatusCode::NO_CONTENT)),
        )
        .route(
            "/resp/no-content-body",
            get(|| async { Reply::new(json!({"ignored": true})) })
                .layer(StatusLayer::default_status(StatusCode::NO_CONTENT)),
        )
        .route(
            "/resp/not-modified",
            get(|| async { Reply::new(json!({"ignored": true})) })
                .layer(StatusLayer::default_status(StatusCode::NOT_MODIFIED)),
        )
        .route(
            "/resp/informational",
            get(|| async { Reply::new(json!({"ignored": true})) })
                .layer(StatusLayer::default_status(StatusCode::EARLY_HINTS)),
        )
        .route(
            // `response: Response` + `response.status_code = 202` and a header.
            "/resp/dynamic-status",
            get(|| async {
                Reply::new(json!({"dynamic": true}))
                    .status(StatusCode::ACCEPTED)
                    .header("x-oracle-extra", "dynamic")
            }),
        )
        .route(
            "/resp/dynamic-204",
            get(|| async { Reply::new(json!({"ignored": true})).status(StatusCode::NO_CONTENT) }),
        )
        .route("/resp/html", get(|| async { Html::response("<h1>Hello</h1>") }))
        .route(
            "/resp/html-class",
            get(|| async { Reply::new("<p>via response_class</p>") })
                .layer(SerializeLayer::new(Html)),
        )
        .route(
            "/resp/plain",
            get(|| async { PlainText::response("plain text \u{2713}") }),
        )
        .route(
            "/resp/plain-class",
            get(|| async { Reply::new("via response_class") })
                .layer(SerializeLayer::new(PlainText)),
        )
        .route(
            "/resp/json-direct",
            get(|| async {
                let body = JsonDirect {
                    direct: true,
                    b: None,
                };
                (StatusCode::ACCEPTED, Json::response(&body))
            }),
        )
        .route(
            "/resp/json-direct-headers",
            get(|| async {
                (
                    [("x-oracle-extra", "yes")],
                    Json::response(&json!({"direct": true})),
                )
            }),
        )
        .route(
            "/resp/json-class",
            get(|| async { Reply::new(json!({"explicit": "json"})) })
                .layer(SerializeLayer::new(Json)),
        )
        .route(
            "/resp/json-class-model",
            get(|| async { Reply::new(item("bar").unwrap_or_default()) })
                .layer(model_json_class(ResponseModelLayer::<Item>::new())),
        )
        .route("/resp/redirect", get(|| async { Redirect::to("/resp/dict") }))
        .route(
            "/resp/redirect-301",
            get(|| async { Redirect::with_status("/resp/dict", StatusCode::MOVED_PERMANENTLY) }),
        )
        .route(
            "/resp/redirect-class",
            get(|| async { Reply::new("/resp/list") }).layer(SerializeLayer::new(Redirect)),
        )
        .route(
            "/resp/redirect-class-302",
            get(|| async { Reply::new("/resp/list") }).layer(
                ServiceBuilder::new()
                    .layer(SerializeLayer::new(Redirect))
                    .layer(StatusLayer::default_status(StatusCode::FOUND)),
            ),
        )
        .route(
            "/resp/redirect-quoting",
            get(|| async { Redirect::to("https://example.com/a b/\u{e9}?q=1 2&r=\u{e9}#frag") }),
        )
        .route("/resp/file", get(|| async { File::new(STATIC_FILE) }))
        .route(
            "/resp/file-download",
            get(|| async { File::new(STATIC_FILE).filename("report.txt") }),
        )
        .route(
            "/resp/file-unicode-name",
            get(|| async { File::new(STATIC_FILE).filename("r\u{e9}sum\u{e9} 1.txt") }),
        )
        .route(
            "/resp/file-media-type",
            get(|| async { File::new(STATIC_FILE).media_type("application/octet-stream") }),
        )
        .route(
            // `response_class=FileResponse` returning the path: the handler returns the file.
            "/resp/file-class",
            get(|| async { File::new(STATIC_FILE) }),
        )
        .route(
            "/resp/stream",
            get(|| async { Stream::from_iter(["chunk1\n", "chunk2\n"]).media_type("text/plain") }),
        )
        .route(
            "/resp/stream-no-media-type",
            get(|| async { Stream::from_iter(["a", "b"]) }),
        )
        .route(
            // A generator endpoint with `response_class=StreamingResponse`.
            "/resp/stream-generator",
            get(|| async { Stream::from_iter(["x", "y"]) }),
        )
        .route(
            "/resp/validation-error",
            get(|| async { Reply::new(json!({"name": "broken"})) })
                .layer(model(ResponseModelLayer::<Item>::new())),
        )
        .route(
            "/resp/validation-error-type",
            get(|| async { Reply::new(json!({"name": "x", "price": "not-a-number"})) })
                .layer(model(ResponseModelLayer::<Item>::new())),
        )
        .route(
            // `api_route(methods=["GET", "HEAD"])`: axum's `get` answers HEAD too.
            "/resp/head",
            get(|| async { Reply::new(json!({"head": "ok"})) }),
        )
        .route(
            "/resp/query-int",
            get(|Query(q): Query<QueryInt>| async move {
                match q.tag {
                    Some(tag) if tag.chars().count() > 3 => tag_too_long(&tag, 3),
                    tag => Reply::new(QueryIntOut { n: q.n, tag }).into_response(),
                }
            }),
        )
}

// ---- /auth/... : security schemes ----------------------------------------------------------

pub(crate) fn oauth2_password() -> OAuth2PasswordBearer {
    OAuth2PasswordBearer::new("token").scopes([
        ("items:read", "Read items."),
        ("items:write", "Write items."),
        ("me", "Read information about the current user."),
    ])
}

pub(crate) fn oauth2_authcode() -> OAuth2AuthorizationCodeBearer {
    OAuth2AuthorizationCodeBearer::new(
        "https://auth.example.com/authorize",
        "https://auth.example.com/token",
    )
    .refresh_url("https://auth.example.com/refresh")
    .scopes([("openid", "OpenID"), ("profile", "Profile")])
}

pub(crate) fn oauth2_flows() -> OAuth2 {
    OAuth2::new(
        OAuthFlows::new()
            .password(OAuthFlow::password("token").scopes([("items:read", "Read items.")]))
            .client_credentials(OAuthFlow::client_credentials(
                "https://auth.example.com/token",
            ))
            .implicit(
                OAuthFlow::implicit("https://auth.example.com/authorize").scopes([("x", "X")]),
            ),
    )
    .scheme_name("OAuth2Flows")
    .description("Generic OAuth2 with several flows")
}

pub(crate) fn http_basic_realm() -> HttpBasic {
    HttpBasic::new()
        .realm("oracle realm")
        .expect("a realm without quotes")
}

pub(crate) fn http_bearer() -> HttpBearer {
    HttpBearer::new()
        .bearer_format("JWT")
        .description("Bearer token")
}

pub(crate) fn http_base_custom() -> HttpBase {
    HttpBase::new("custom")
        .expect("a valid scheme name")
        .scheme_name("HTTPCustom")
}

pub(crate) fn api_key_query() -> ApiKeyQuery {
    ApiKeyQuery::new("api_key")
}

pub(crate) fn api_key_header() -> ApiKeyHeader {
    ApiKeyHeader::new("X-API-Key")
}

pub(crate) fn api_key_cookie() -> ApiKeyCookie {
    ApiKeyCookie::new("session")
}

pub(crate) fn openid() -> OpenIdConnect {
    OpenIdConnect::new("https://auth.example.com/.well-known/openid-configuration")
}

/// app.py's `_opt`: whether the optional scheme gave a value, and the value.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Opt_{T}")]
struct Opt<T> {
    present: bool,
    value: Option<T>,
}

fn opt<T: Serialize + JsonSchema + Send + Sync + 'static>(value: Option<T>) -> Reply<Opt<T>> {
    Reply::new(Opt {
        present: value.is_some(),
        value,
    })
}

/// `HTTPBasicCredentials.model_dump()`.
#[derive(Serialize, JsonSchema)]
struct Basic {
    username: String,
    password: String,
}

impl From<HttpBasicCredentials> for Basic {
    fn from(c: HttpBasicCredentials) -> Self {
        Basic {
            username: c.username,
            password: c.password,
        }
    }
}

/// `HTTPAuthorizationCredentials.model_dump()`.
#[derive(Serialize, JsonSchema)]
struct Credentials {
    scheme: String,
    credentials: String,
}

impl From<HttpAuthorizationCredentials> for Credentials {
    fn from(c: HttpAuthorizationCredentials) -> Self {
        Credentials {
            scheme: c.scheme,
            credentials: c.credentials,
        }
    }
}

#[derive(Serialize, JsonSchema)]
struct MultiOptional {
    bearer: Option<String>,
    api_key: Option<String>,
}

#[derive(Serialize, JsonSchema)]
struct OrderOut {
    credentials: String,
    n: i64,
    item: Item,
}

#[derive(Deserialize)]
struct OrderQuery {
    n: i64,
}

#[derive(Serialize, JsonSchema)]
struct ScopesOut {
    scopes: Vec<String>,
    scope_str: String,
}

fn auth_routes() -> ApiRouter {
    let token = |t: BearerToken| async move { Reply::new(json!({"token": t.0})) };
    let token_opt = |t: Option<BearerToken>| async move { opt(t.map(|t| t.0)) };
    let authorization =
        |a: AuthorizationValue| async move { Reply::new(json!({"authorization": a.0})) };
    let authorization_opt = |a: Option<AuthorizationValue>| async move { opt(a.map(|a| a.0)) };
    let basic = |c: HttpBasicCredentials| async move { Reply::new(Basic::from(c)) };
    let basic_opt = |c: Option<HttpBasicCredentials>| async move { opt(c.map(Basic::from)) };
    let http = |c: HttpAuthorizationCredentials| async move { Reply::new(Credentials::from(c)) };
    let http_opt =
        |c: Option<HttpAuthorizationCredentials>| async move { opt(c.map(Credentials::from)) };
    let key = |k: ApiKey| async move { Reply::new(json!({"key": k.0})) };
    let key_opt = |k: Option<ApiKey>| async move { opt(k.map(|k| k.0)) };
    ApiRouter::new()
        .route(
            "/auth/oauth2-password",
            get(token).layer(AuthLayer::new(oauth2_password())),
        )
        .route(
            "/auth/oauth2-password-optional",
            get(token_opt).layer(AuthLayer::new(oauth2_password().auto_error(false))),
        )
        .route(
            "/auth/oauth2-authcode",
            get(token).layer(AuthLayer::new(oauth2_authcode())),
        )
        .route(
            "/auth/oauth2-authcode-optional",
            get(token_opt).layer(AuthLayer::new(oauth2_authcode().auto_error(false))),
        )
        .route(
            "/auth/oauth2-flows",
            get(authorization).layer(AuthLayer::new(oauth2_flows())),
        )
        .route(
            "/auth/oauth2-flows-optional",
            get(authorization_opt).layer(AuthLayer::new(oauth2_flows().auto_error(false))),
        )
        .route(
            "/auth/http-basic",
            get(basic).layer(AuthLayer::new(HttpBasic::new())),
        )
        .route(
            "/auth/http-basic-optional",
            get(basic_opt).layer(AuthLayer::new(HttpBasic::new().auto_error(false))),
        )
        .route(
            "/auth/http-basic-realm",
            get(basic).layer(AuthLayer::new(http_basic_realm())),
        )
        .route(
            "/auth/http-bearer",
            get(http).layer(AuthLayer::new(http_bearer())),
        )
        .route(
            "/auth/http-bearer-optional",
            get(http_opt).layer(AuthLayer::new(http_bearer().auto_error(false))),
        )
        .route(
            "/auth/http-digest",
            get(http).layer(AuthLayer::new(HttpDigest::new())),
        )
        .route(
            "/auth/http-digest-optional",
            get(http_opt).layer(AuthLayer::new(HttpDigest::new().auto_error(false))),
        )
        .route(
            "/auth/http-custom",
            get(http).layer(AuthLayer::new(http_base_custom())),
        )
        .route(
            "/auth/http-custom-optional",
            get(http_opt).layer(AuthLayer::new(http_base_custom().auto_error(false))),
        )
        .route(
            "/auth/apikey-query",
            get(key).layer(AuthLayer::new(api_key_query())),
        )
        .route(
            "/auth/apikey-query-optional",
            get(key_opt).layer(AuthLayer::new(api_key_query().auto_error(false))),
        )
        .route(
            "/auth/apikey-header",
            get(key).layer(AuthLayer::new(api_key_header())),
        )
        .route(
            "/auth/apikey-header-optional",
            get(key_opt).layer(AuthLayer::new(api_key_header().auto_error(false))),
        )
        .route(
            "/auth/apikey-cookie",
            get(key).layer(AuthLayer::new(api_key_cookie())),
        )
        .route(
            "/auth/apikey-cookie-optional",
            get(key_opt).layer(AuthLayer::new(api_key_cookie().auto_error(false))),
        )
        .route(
            "/auth/openid",
            get(authorization).layer(AuthLayer::new(openid())),
        )
        .route(
            "/auth/openid-optional",
            get(authorization_opt).layer(AuthLayer::new(openid().auto_error(false))),
        )
        .route(
            // Two optional schemes, both run (FastAPI's two dependencies), not alternatives.
            "/auth/multi-optional",
            get(
                |b: Option<HttpAuthorizationCredentials>, k: Option<ApiKey>| async move {
                    Reply::new(MultiOptional {
                        bearer: b.map(|b| b.credentials),
                        api_key: k.map(|k| k.0),
                    })
                },
            )
            .layer(
                ServiceBuilder::new()
                    .layer(AuthLayer::new(http_bearer().auto_error(false)))
                    .layer(AuthLayer::new(api_key_header().auto_error(false))),
            ),
        )
        .route(
            // `dependencies=[Security(api_key_header)]`: the layer alone, the handler takes nothing.
            "/auth/route-dependency",
            get(|| async { Reply::new(json!({"ok": true})) })
                .layer(AuthLayer::new(api_key_header())),
        )
        .route(
            // The layer answers before axum's extractors read the query and the body.
            "/auth/order",
            post(
                |c: HttpAuthorizationCredentials,
                 Query(q): Query<OrderQuery>,
                 axum::Json(item): axum::Json<Item>| async move {
                    Reply::new(OrderOut {
                        credentials: c.credentials,
                        n: q.n,
                        item,
                    })
                },
            )
            .layer(AuthLayer::new(http_bearer())),
        )
        .route(
            // `Security(scopes_outer, scopes=["route"])` -> `Security(scopes_inner, scopes=[...])`:
            // the outer layer's scopes first.
            "/auth/security-scopes",
            get(|s: SecurityScopes| async move {
                Reply::new(ScopesOut {
                    scopes: s.scopes().to_vec(),
                    scope_str: s.scope_str(),
                })
            })
            .layer(
                ServiceBuilder::new()
                    .layer(ScopesLayer::new(["route"]))
                    .layer(ScopesLayer::new(["inner:a", "inner:b"])),
            ),
        )
}

// ---- /token and /me : OAuth2 password flow with JWT (FastAPI docs recipe) -------------------

/// A row of app.py's `USERS`.
struct UserInDb {
    username: &'static str,
    password: &'static str,
    full_name: &'static str,
    email: &'static str,
    disabled: bool,
}

const USERS: [UserInDb; 2] = [
    UserInDb {
        username: "alice",
        password: "secret",
        full_name: "Alice Oracle",
        email: "alice@example.com",
        disabled: false,
    },
    UserInDb {
        username: "bob",
        password: "builder",
        full_name: "Bob Disabled",
        email: "bob@example.com",
        disabled: true,
    },
];

fn get_user(username: &str) -> Option<&'static UserInDb> {
    USERS.iter().find(|u| u.username == username)
}

/// `class Token(BaseModel)`.
#[derive(Default, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Token {
    access_token: String,
    token_type: String,
}

/// `class TokenData(BaseModel)`, read from the token's claims: `sub` (must be a string when
/// present) and `scopes` (must be a list of strings).
#[derive(Clone, Deserialize)]
pub(crate) struct TokenData {
    #[serde(rename = "sub")]
    username: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // the verifier reads the scopes; kept to mirror app.py's model
    scopes: Vec<String>,
}

/// `class User(BaseModel)`.
#[derive(Clone, Default, Serialize, Deserialize, JsonSchema)]
pub(crate) struct User {
    username: String,
    email: Option<String>,
    full_name: Option<String>,
    disabled: Option<bool>,
}

impl From<&UserInDb> for User {
    fn from(u: &UserInDb) -> Self {
        User {
            username: u.username.to_owned(),
            email: Some(u.email.to_owned()),
            full_name: Some(u.full_name.to_owned()),
            disabled: Some(u.disabled),
        }
    }
}

#[derive(Serialize)]
struct AccessClaims<'a> {
    sub: &'a str,
    scopes: &'a [String],
}

fn create_access_token(username: &str, scopes: &[String]) -> Option<String> {
    let claims = AccessClaims {
        sub: username,
        scopes,
    };
    JwtIssuer::hs256(SECRET_KEY)
        .issue_at(&claims, FIXED_EXP)
        .ok()
}

/// `POST /token`: the password form, the user table, a token with the requested scopes.
async fn login_for_access_token(form: OAuth2PasswordRequestForm) -> Result<Reply<Token>, Response> {
    let incorrect = || {
        AuthError::custom(StatusCode::BAD_REQUEST, "Incorrect username or password").into_response()
    };
    let user = get_user(&form.username).ok_or_else(incorrect)?;
    if !constant_time_eq(user.password, &form.password) {
        return Err(incorrect());
    }
    let access_token = create_access_token(user.username, &form.scopes)
        .ok_or_else(|| internal_server_error().into_response())?;
    Ok(Reply::new(Token {
        access_token,
        token_type: "bearer".to_owned(),
    }))
}

/// What `/token/form-echo` and `/token/strict-echo` answer, in app.py's key order.
#[derive(Serialize, JsonSchema)]
struct FormEcho {
    grant_type: Option<String>,
    username: String,
    password: String,
    scopes: Vec<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

impl From<OAuth2PasswordRequestForm> for FormEcho {
    fn from(f: OAuth2PasswordRequestForm) -> Self {
        FormEcho {
            grant_type: f.grant_type,
            username: f.username,
            password: f.password,
            scopes: f.scopes,
            client_id: f.client_id,
            client_secret: f.client_secret,
        }
    }
}

/// `get_current_user` after the JWT check (signature, algorithm, `exp`, `nbf`, `iat`, `aud`,
/// `TokenData`'s shape, done by `JwtVerifier`): the user must exist. The layer then checks the
/// route's scopes against the token's.
async fn get_current_user(claims: Claims<TokenData>, parts: &Parts) -> Result<User, AuthError> {
    let user = claims.custom.username.as_deref().and_then(get_user);
    user.map(User::from).ok_or_else(|| {
        AuthError::unauthorized("Could not validate credentials")
            .with_challenge(bearer_challenge(parts))
    })
}

/// `get_current_active_user`: refused with `400 Inactive user` when disabled. It runs after the
/// layer's scope check, as FastAPI's runs after `get_current_user`'s.
fn get_current_active_user(user: &User, _: &Parts) -> Result<(), AuthError> {
    match user.disabled {
        Some(true) => Err(AuthError::inactive_user()),
        _ => Ok(()),
    }
}

#[derive(Serialize, JsonSchema)]
struct MyItem {
    item_id: &'static str,
    owner: String,
}

#[derive(Serialize, JsonSchema)]
struct Status {
    status: &'static str,
    user: String,
}

fn token_routes() -> ApiRouter {
    let get_current_user = AuthLayer::new(oauth2_password())
        .jwt(JwtVerifier::<TokenData>::hs256(SECRET_KEY))
        .and_then(get_current_user);
    let get_current_active_user = get_current_user.clone().authorize(get_current_active_user);
    ApiRouter::new()
        .route(
            "/token",
            post(login_for_access_token)
                .describe(OAuth2PasswordRequestForm::openapi())
                .layer(model(ResponseModelLayer::<Token>::new())),
        )
        .route(
            "/token/form-echo",
            post(|f: OAuth2PasswordRequestForm| async move { Reply::new(FormEcho::from(f)) })
                .describe(OAuth2PasswordRequestForm::openapi()),
        )
        .route(
            "/token/strict-echo",
            post(|f: OAuth2PasswordRequestFormStrict| async move {
                Reply::new(FormEcho::from(OAuth2PasswordRequestForm::from(f)))
            })
            .describe(OAuth2PasswordRequestFormStrict::openapi()),
        )
        .route(
            // `Depends(get_current_active_user)`, which is `Security(get_current_user,
            // scopes=["items:read"])`.
            "/me",
            get(|Principal(user): Principal<User>| async move { Reply::new(user) }).layer(
                ServiceBuilder::new()
                    .layer(ScopesLayer::new(["items:read"]))
                    .layer(get_current_active_user.clone())
                    .layer(model(ResponseModelLayer::<User>::new())),
            ),
        )
        .route(
            // `Security(get_current_active_user, scopes=["items:write"])`: the route's scope
            // first, then the dependency's.
            "/me/items",
            get(|Principal(user): Principal<User>| async move {
                Reply::new([MyItem {
                    item_id: "Foo",
                    owner: user.username,
                }])
            })
            .layer(
                ServiceBuilder::new()
                    .layer(ScopesLayer::new(["items:write"]))
                    .layer(ScopesLayer::new(["items:read"]))
                    .layer(get_current_active_user),
            ),
        )
        .route(
            // `Depends(get_current_user)`: no scopes, no active-user check.
            "/me/status",
            get(|Principal(user): Principal<User>| async move {
                Reply::new(Status {
                    status: "ok",
                    user: user.username,
                })
            })
            .layer(get_current_user),
        )
}

/// app.py's routes, documented: every route, JSON as the default class, FastAPI's status rules.
pub(crate) fn api() -> ApiRouter {
    ApiRouter::new()
        .merge(resp_routes())
        .merge(auth_routes())
        .merge(token_routes())
        .layer(SerializeLayer::json())
        .layer(StatusLayer::new())
}

/// app.py's `FastAPI(title="FastAPI oracle", version="1.0.0")`.
pub(crate) fn info() -> Info {
    Info::new("FastAPI oracle", "1.0.0")
}

/// The OpenAPI document of app.py's routes, read off their layers.
#[allow(dead_code)] // used by the tests that include this file
pub(crate) fn document() -> OpenApi {
    api().finish(info()).expect("app.py's routes are valid").1
}

/// app.py as an axum router, with `/openapi.json`, `/docs` and `/redoc`.
pub(crate) fn app() -> Router {
    let (router, doc) = api().finish(info()).expect("app.py's routes are valid");
    router.merge(Docs::new(&doc).router())
}

#[tokio::main]
async fn main() -> io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    println!("listening on {base}");
    println!("  GET  {base}/resp/dict (and every other route of app.py)");
    println!("  POST {base}/token");
    println!("  GET  {base}/me");
    println!("  GET  {base}/docs (Swagger UI), {base}/redoc, {base}/openapi.json");
    axum::serve(listener, app()).await
}

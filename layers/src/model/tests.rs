#![allow(clippy::unwrap_used)]

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower::{service_fn, Layer, ServiceBuilder, ServiceExt};
use towerapi_encode::{Body, Payload, Reply};

use super::filter::snake_case;
use crate::{ResponseModelLayer, ResponseValidationError, SerializeLayer, StatusLayer};

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Item {
    name: String,
    #[serde(default)]
    description: Option<String>,
    price: f64,
    #[serde(default = "ten_five")]
    tax: f64,
    #[serde(default)]
    tags: Vec<String>,
}

fn ten_five() -> f64 {
    10.5
}

impl Default for Item {
    fn default() -> Self {
        Item {
            name: String::new(),
            description: None,
            price: 0.0,
            tax: 10.5,
            tags: vec![],
        }
    }
}

fn items(id: &str) -> serde_json::Value {
    match id {
        "foo" => json!({"name": "Foo", "price": 50.2}),
        "bar" => json!({"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2}),
        _ => json!({"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []}),
    }
}

async fn run<M, F>(layer: ResponseModelLayer<M>, make: F) -> (StatusCode, String, Bytes)
where
    M: Serialize + serde::de::DeserializeOwned + HasSchema + Send + Sync + 'static,
    F: Fn() -> Response<Body> + Clone + Send + 'static,
{
    let svc = ServiceBuilder::new()
        .layer(SerializeLayer::json())
        .layer(layer)
        .service(service_fn(move |_r: Request<()>| {
            let make = make.clone();
            async move { Ok::<_, Infallible>(make()) }
        }));
    let res = svc.oneshot(Request::new(())).await.unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        ct,
        res.into_body().collect().await.unwrap().to_bytes(),
    )
}

async fn body<M>(layer: ResponseModelLayer<M>, value: serde_json::Value) -> String
where
    M: Serialize + serde::de::DeserializeOwned + HasSchema + Send + Sync + 'static,
{
    let (status, _, body) = run(layer, move || {
        Reply::new(value.clone()).into_http_response()
    })
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    String::from_utf8(body.to_vec()).unwrap()
}

// ---- the three paths ----------------------------------------------------------------------

static SERIALIZED: AtomicUsize = AtomicUsize::new(0);
static DESERIALIZED: AtomicUsize = AtomicUsize::new(0);

/// A model whose serde impls count their calls.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, PartialEq)]
struct Counted {
    x: u32,
}

impl Serialize for Counted {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SERIALIZED.fetch_add(1, Ordering::SeqCst);
        #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
        #[derive(Serialize)]
        struct Raw {
            x: u32,
        }
        Raw { x: self.x }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Counted {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        DESERIALIZED.fetch_add(1, Ordering::SeqCst);
        #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
        #[derive(Deserialize)]
        struct Raw {
            x: u32,
        }
        Raw::deserialize(d).map(|r| Counted { x: r.x })
    }
}

static ROW_SERIALIZED: AtomicUsize = AtomicUsize::new(0);

/// A "database row" whose Serialize counts its calls.
struct Row {
    x: u32,
    _secret: &'static str,
}

impl Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ROW_SERIALIZED.fetch_add(1, Ordering::SeqCst);
        s.serialize_u32(self.x)
    }
}

impl From<Row> for Counted {
    fn from(row: Row) -> Self {
        Counted { x: row.x }
    }
}

#[tokio::test]
async fn same_type_from_and_generic_paths() {
    // One test, so the counters are not shared with another running at the same time.
    let (_, _, b) = run(ResponseModelLayer::<Counted>::new(), || {
        Reply::new(Counted { x: 7 }).into_http_response()
    })
    .await;
    assert_eq!(b, r#"{"x":7}"#);
    assert_eq!(
        SERIALIZED.load(Ordering::SeqCst),
        1,
        "serialized once, by SerializeLayer"
    );
    assert_eq!(DESERIALIZED.load(Ordering::SeqCst), 0, "never converted");

    let layer = ResponseModelLayer::<Counted>::new().from::<Row>();
    let (_, _, b) = run(layer, || {
        Reply::new(Row {
            x: 8,
            _secret: "hash",
        })
        .into_http_response()
    })
    .await;
    assert_eq!(b, r#"{"x":8}"#);
    assert_eq!(
        ROW_SERIALIZED.load(Ordering::SeqCst),
        0,
        "From<Row>: the row is never serialized"
    );
    assert_eq!(DESERIALIZED.load(Ordering::SeqCst), 0);
    assert_eq!(SERIALIZED.load(Ordering::SeqCst), 2);

    let (_, _, b) = run(ResponseModelLayer::<Counted>::new(), || {
        Reply::new(json!({"x": 9, "secret": "hash"})).into_http_response()
    })
    .await;
    assert_eq!(b, r#"{"x":9}"#);
    assert_eq!(
        DESERIALIZED.load(Ordering::SeqCst),
        1,
        "any other type: read into the model once"
    );
    assert_eq!(SERIALIZED.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_status_set_on_the_replys_response_survives_every_model_path() {
    // axum's `(StatusCode::CREATED, Reply::new(..))`: the status is set on the response after
    // the reply became one, and is the explicit status whichever path the model takes. (Types
    // of its own: the counters of `Counted` and `Row` belong to another test.)
    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    #[derive(Serialize, Deserialize)]
    struct Out {
        x: u32,
    }
    #[derive(Serialize)]
    struct Src {
        x: u32,
        secret: &'static str,
    }
    impl From<Src> for Out {
        fn from(src: Src) -> Self {
            Out { x: src.x }
        }
    }
    fn created<T: Serialize + Send + Sync + 'static>(value: T) -> Response<Body> {
        let mut res = Reply::new(value).into_http_response();
        *res.status_mut() = StatusCode::CREATED;
        res
    }
    let same = run(ResponseModelLayer::<Out>::new(), || created(Out { x: 1 })).await;
    let from = run(ResponseModelLayer::<Out>::new().from::<Src>(), || {
        created(Src {
            x: 2,
            secret: "hash",
        })
    })
    .await;
    let generic = run(ResponseModelLayer::<Out>::new(), || {
        created(Src {
            x: 3,
            secret: "hash",
        })
    })
    .await;
    let json = "application/json".to_owned();
    assert_eq!(
        vec![same, from, generic],
        vec![
            (
                StatusCode::CREATED,
                json.clone(),
                Bytes::from_static(br#"{"x":1}"#)
            ),
            (
                StatusCode::CREATED,
                json.clone(),
                Bytes::from_static(br#"{"x":2}"#)
            ),
            (StatusCode::CREATED, json, Bytes::from_static(br#"{"x":3}"#)),
        ]
    );
}

#[tokio::test]
async fn filters_a_secret_and_keeps_status_and_headers() {
    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    #[derive(Serialize, Deserialize)]
    struct UserOut {
        username: String,
        email: Option<String>,
        full_name: Option<String>,
    }
    let svc = ServiceBuilder::new()
        .layer(StatusLayer::default_status(StatusCode::CREATED))
        .layer(SerializeLayer::json())
        .layer(ResponseModelLayer::<UserOut>::new())
        .service(service_fn(|_r: Request<()>| async {
            Ok::<_, Infallible>(
                Reply::new(json!({"username": "new", "password": "pw"}))
                    .header("x-a", "1")
                    .into_http_response(),
            )
        }));
    let res = svc.oneshot(Request::new(())).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["x-a"], "1");
    assert_eq!(res.headers()["content-length"], "48");
    assert_eq!(
        res.into_body().collect().await.unwrap().to_bytes(),
        r#"{"username":"new","email":null,"full_name":null}"#
    );
}

#[tokio::test]
async fn list_models() {
    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    #[derive(Serialize, Deserialize)]
    struct UserOut {
        username: String,
        email: Option<String>,
        full_name: Option<String>,
    }
    let v = json!([{"username": "a", "password": "x"}, {"username": "b", "password": "y", "email": "b@example.com"}]);
    assert_eq!(
        body(ResponseModelLayer::<Vec<UserOut>>::new(), v).await,
        r#"[{"username":"a","email":null,"full_name":null},{"username":"b","email":"b@example.com","full_name":null}]"#
    );
}

// ---- options ------------------------------------------------------------------------------

#[tokio::test]
async fn no_options_bar() {
    assert_eq!(
        body(ResponseModelLayer::<Item>::new(), items("bar")).await,
        r#"{"name":"Bar","description":"The bartenders","price":62.0,"tax":20.2,"tags":[]}"#
    );
}

#[tokio::test]
async fn exclude_unset() {
    let l = || ResponseModelLayer::<Item>::new().exclude_unset();
    assert_eq!(
        body(l(), items("foo")).await,
        r#"{"name":"Foo","price":50.2}"#
    );
    assert_eq!(
        body(l(), items("baz")).await,
        r#"{"name":"Baz","description":null,"price":50.2,"tax":10.5,"tags":[]}"#
    );
    // A typed value: "unset" is "equal to the field's default".
    let (_, _, b) = run(l(), || {
        Reply::new(Item {
            name: "Obj".into(),
            price: 1.5,
            ..Item::default()
        })
        .into_http_response()
    })
    .await;
    assert_eq!(b, r#"{"name":"Obj","price":1.5}"#);
    // A required field is never left out, even when it equals `Default`.
    let (_, _, b) = run(l(), || {
        Reply::new(Item {
            price: 0.0,
            ..Item::default()
        })
        .into_http_response()
    })
    .await;
    assert_eq!(b, r#"{"name":"","price":0.0}"#);
}

#[tokio::test]
async fn exclude_defaults() {
    let l = || ResponseModelLayer::<Item>::new().exclude_defaults();
    assert_eq!(
        body(l(), items("baz")).await,
        r#"{"name":"Baz","price":50.2}"#
    );
    assert_eq!(
        body(l(), items("bar")).await,
        r#"{"name":"Bar","description":"The bartenders","price":62.0,"tax":20.2}"#
    );
}

#[tokio::test]
async fn exclude_none() {
    let l = || ResponseModelLayer::<Item>::new().exclude_none();
    assert_eq!(
        body(l(), items("baz")).await,
        r#"{"name":"Baz","price":50.2,"tax":10.5,"tags":[]}"#
    );
    assert_eq!(
        body(l(), items("foo")).await,
        r#"{"name":"Foo","price":50.2,"tax":10.5,"tags":[]}"#
    );
}

#[tokio::test]
async fn include_and_exclude() {
    assert_eq!(
        body(
            ResponseModelLayer::<Item>::new().include(["name", "description"]),
            items("bar")
        )
        .await,
        r#"{"name":"Bar","description":"The bartenders"}"#
    );
    assert_eq!(
        body(
            ResponseModelLayer::<Item>::new().exclude(["tax"]),
            items("bar")
        )
        .await,
        r#"{"name":"Bar","description":"The bartenders","price":62.0,"tags":[]}"#
    );
    assert_eq!(
        body(
            ResponseModelLayer::<Item>::new()
                .include(["name", "price", "tax"])
                .exclude(["tax"]),
            items("bar")
        )
        .await,
        r#"{"name":"Bar","price":62.0}"#
    );
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize, Default)]
struct UserIn {
    username: String,
    password: String,
    email: Option<String>,
    full_name: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize, Default)]
struct Order {
    id: u32,
    owner: UserIn,
    items: Vec<Item>,
}

#[tokio::test]
async fn nested_paths_and_every_element() {
    let order = json!({"id": 7, "owner": {"username": "alice", "password": "hunter2"}, "items": [items("foo"), items("bar")]});
    assert_eq!(
        body(
            ResponseModelLayer::<Order>::new().exclude([
                "owner.password",
                "items.*.tax",
                "items.__all__.tags"
            ]),
            order.clone()
        )
        .await,
        r#"{"id":7,"owner":{"username":"alice","email":null,"full_name":null},"items":[{"name":"Foo","description":null,"price":50.2},{"name":"Bar","description":"The bartenders","price":62.0}]}"#
    );
    // One element by index; include below a list.
    assert_eq!(
        body(
            ResponseModelLayer::<Order>::new().include(["id", "items.1.name"]),
            order.clone()
        )
        .await,
        r#"{"id":7,"items":[{"name":"Bar"}]}"#
    );
    assert_eq!(
        body(
            ResponseModelLayer::<Order>::new()
                .include(["owner"])
                .exclude(["owner.password"]),
            order.clone()
        )
        .await,
        r#"{"owner":{"username":"alice","email":null,"full_name":null}}"#
    );
    // exclude_unset at depth: the owner had two keys, the items what the store held.
    assert_eq!(
        body(ResponseModelLayer::<Order>::new().exclude_unset(), order).await,
        r#"{"id":7,"owner":{"username":"alice","password":"hunter2"},"items":[{"name":"Foo","price":50.2},{"name":"Bar","description":"The bartenders","price":62.0,"tax":20.2}]}"#
    );
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AliasModel {
    item_name: String,
    #[serde(default)]
    item_count: u32,
}

#[tokio::test]
async fn by_alias() {
    let v = json!({"itemName": "widget", "itemCount": 3});
    assert_eq!(
        body(ResponseModelLayer::<AliasModel>::new(), v.clone()).await,
        r#"{"itemName":"widget","itemCount":3}"#
    );
    assert_eq!(
        body(ResponseModelLayer::<AliasModel>::new().by_alias(false), v).await,
        r#"{"item_name":"widget","item_count":3}"#
    );
    assert_eq!(snake_case("itemName"), "item_name");
    assert_eq!(snake_case("HTTPCode"), "h_t_t_p_code");
    assert_eq!(snake_case("already_snake"), "already_snake");
    assert_eq!(snake_case("kebab-case"), "kebab_case");
}

// ---- failures -----------------------------------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn invalid_payload_is_a_logged_500_with_the_path() {
    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || LogWriter(writer.clone()))
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let seen = Arc::new(Mutex::new(Vec::<ResponseValidationError>::new()));
    let hook = seen.clone();
    let layer =
        ResponseModelLayer::<Item>::new().on_error(move |e| hook.lock().unwrap().push(e.clone()));

    for (payload, path, message) in [
        (json!({"name": "broken"}), ".", "missing field `price`"),
        (
            json!({"name": "x", "price": "not-a-number"}),
            "price",
            "invalid type: string \"not-a-number\", expected f64",
        ),
        (
            json!({"name": "x", "price": 1, "tags": [1]}),
            "tags[0]",
            "invalid type: integer `1`, expected a string",
        ),
    ] {
        let p = payload.clone();
        let (status, ct, b) = run(layer.clone(), move || {
            Reply::new(p.clone()).into_http_response()
        })
        .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(ct, "text/plain; charset=utf-8");
        assert_eq!(b, "Internal Server Error");
        let last = seen.lock().unwrap().last().cloned().unwrap();
        assert_eq!((last.path(), last.message()), (path, message), "{payload}");
        assert_eq!(last.payload_type(), "serde_json::value::Value");
        assert!(last.model().ends_with("Item"));
    }
    let logs = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert_eq!(
        logs.matches("ERROR towerapi::response_model").count(),
        3,
        "{logs}"
    );
    assert!(logs.contains("path=price"), "{logs}");
    // The log names the model, the path and the kind of fault, never the value.
    assert!(logs.contains("error=invalid type, expected f64"), "{logs}");
    assert!(
        logs.contains("error=invalid type, expected a string"),
        "{logs}"
    );
    assert!(logs.contains("error=missing field `price`"), "{logs}");
    assert!(
        !logs.contains("not-a-number") && !logs.contains("broken"),
        "{logs}"
    );
    let last = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.kind(), "invalid type, expected a string");
    assert!(
        last.to_string()
            .ends_with("Item` at `tags[0]`: invalid type, expected a string"),
        "{last}"
    );
}

#[derive(Clone)]
struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn responses_without_payload_pass() {
    let (status, ct, b) = run(ResponseModelLayer::<Item>::new(), || {
        let mut r = Response::new(Body::full("raw"));
        *r.status_mut() = StatusCode::ACCEPTED;
        r
    })
    .await;
    assert_eq!(
        (status, ct.as_str(), b.as_ref()),
        (StatusCode::ACCEPTED, "", b"raw".as_slice())
    );
}

// ---- property: nothing undeclared leaves ---------------------------------------------------

mod property {
    use std::collections::BTreeSet;

    use proptest::prelude::*;
    use serde_json::{Map, Value};

    use super::*;

    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    #[derive(Serialize, Deserialize)]
    struct Tag {
        name: String,
    }

    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    #[derive(Serialize, Deserialize)]
    struct Profile {
        bio: Option<String>,
        tags: Vec<Tag>,
    }

    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    #[derive(Serialize, Deserialize)]
    struct Public {
        username: String,
        email: Option<String>,
        profile: Profile,
    }

    fn junk() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-z]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// An object with the declared keys (valid values) and random extra keys.
    fn with_extras(declared: Vec<(&'static str, Value)>, extras: Map<String, Value>) -> Value {
        let mut m = extras;
        for (k, v) in declared {
            m.insert(k.to_owned(), v);
        }
        Value::Object(m)
    }

    fn extras() -> impl Strategy<Value = Map<String, Value>> {
        prop::collection::btree_map("[a-z_]{1,10}", junk(), 0..6)
            .prop_map(|m| m.into_iter().collect())
    }

    fn payload() -> impl Strategy<Value = Value> {
        (
            "[a-z]{1,8}",
            prop::option::of("[a-z]{1,8}"),
            prop::option::of("[a-z ]{0,12}"),
            prop::collection::vec(("[a-z]{1,5}", extras()), 0..4),
            extras(),
            extras(),
        )
            .prop_map(|(username, email, bio, tags, profile_extra, top_extra)| {
                let tags = tags
                    .into_iter()
                    .map(|(name, e)| with_extras(vec![("name", Value::String(name))], e))
                    .collect();
                let profile = with_extras(
                    vec![
                        ("bio", bio.map_or(Value::Null, Value::String)),
                        ("tags", Value::Array(tags)),
                    ],
                    profile_extra,
                );
                with_extras(
                    vec![
                        ("username", Value::String(username)),
                        ("email", email.map_or(Value::Null, Value::String)),
                        ("profile", profile),
                    ],
                    top_extra,
                )
            })
    }

    fn keys(v: &Value) -> BTreeSet<&str> {
        v.as_object().unwrap().keys().map(String::as_str).collect()
    }

    fn assert_only_declared(body: &Value) {
        assert_eq!(
            keys(body),
            ["email", "profile", "username"].into_iter().collect()
        );
        let profile = &body["profile"];
        assert_eq!(keys(profile), ["bio", "tags"].into_iter().collect());
        for tag in profile["tags"].as_array().unwrap() {
            assert_eq!(keys(tag), ["name"].into_iter().collect());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn the_body_holds_only_declared_fields(p in payload(), exclude_none in any::<bool>(), as_map in any::<bool>()) {
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let layer = if exclude_none { ResponseModelLayer::<Public>::new().exclude_none() } else { ResponseModelLayer::<Public>::new() };
            // A `serde_json::Value` is read as a tree; any other type (here a `Map`) goes
            // through the token buffer.
            let (status, _, body) = rt.block_on(run(layer, move || {
                if as_map {
                    Reply::new(p.as_object().unwrap().clone()).into_http_response()
                } else {
                    Reply::new(p.clone()).into_http_response()
                }
            }));
            prop_assert_eq!(status, StatusCode::OK);
            let body: Value = serde_json::from_slice(&body).unwrap();
            if exclude_none {
                // Only declared keys, and none of them null.
                for k in keys(&body) {
                    prop_assert!(["email", "profile", "username"].contains(&k));
                    prop_assert!(!body[k].is_null());
                }
            } else {
                assert_only_declared(&body);
            }
        }
    }
}

/// `JsonSchema` with the `openapi` feature (a response model then describes itself), nothing
/// without it.
#[cfg(feature = "openapi")]
trait HasSchema: schemars::JsonSchema {}
#[cfg(feature = "openapi")]
impl<T: schemars::JsonSchema> HasSchema for T {}
#[cfg(not(feature = "openapi"))]
trait HasSchema {}
#[cfg(not(feature = "openapi"))]
impl<T> HasSchema for T {}

// ---- the generic path's reused models ------------------------------------------------------

#[derive(Serialize, Clone)]
struct Source {
    name: String,
    nick: Option<String>,
    tags: Vec<String>,
    counts: std::collections::BTreeMap<String, u32>,
    inner: Vec<SourceInner>,
    secret: String,
}

#[derive(Serialize, Clone)]
struct SourceInner {
    label: String,
    n: u32,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Public {
    name: String,
    nick: Option<String>,
    tags: Vec<String>,
    counts: std::collections::BTreeMap<String, u32>,
    inner: Vec<PublicInner>,
    #[serde(default)]
    extra: Vec<u32>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct PublicInner {
    label: String,
}

fn source(i: usize) -> Source {
    // Each value differs from the last in every way a reused model could get wrong: longer
    // and shorter strings and lists, Some then None, map entries added and gone.
    let n = [5, 1, 0, 3][i % 4];
    Source {
        name: "x".repeat([40, 2, 0, 7][i % 4]),
        nick: i.is_multiple_of(2).then(|| format!("nick {i}")),
        tags: (0..n).map(|t| format!("tag {t} of {i}")).collect(),
        counts: (0..n).map(|t| (format!("k{}", t + i), t as u32)).collect(),
        inner: (0..n)
            .map(|t| SourceInner {
                label: format!("inner {t}"),
                n: t as u32,
            })
            .collect(),
        secret: "hunter2".to_owned(),
    }
}

#[tokio::test]
async fn the_generic_path_reads_into_reused_models_and_answers_as_a_fresh_read() {
    let layer = ResponseModelLayer::<Public>::new();
    for i in 0..12 {
        // What a JSON round trip through the model gives.
        answers_as_the_model(&layer, source(i), i).await;
        // The response is gone: its model is back on the shelf, one at a time.
        assert_eq!(layer.config.pool.kept(), 1, "value {i}");
    }
}

#[tokio::test]
async fn a_model_read_from_large_strings_is_not_kept() {
    let layer = ResponseModelLayer::<Public>::new();
    let mut value = source(0);
    value.name = "y".repeat(super::pool::MAX_TEXT + 1);
    let name = value.name.clone();
    let (status, _, body) = run(layer.clone(), move || {
        Reply::new(value.clone()).into_http_response()
    })
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(std::str::from_utf8(&body).unwrap().contains(&name));
    assert_eq!(layer.config.pool.kept(), 0);
}

#[tokio::test]
async fn a_failed_read_into_a_kept_model_is_a_500_and_the_next_read_is_whole() {
    #[derive(Serialize, Clone)]
    struct Broken {
        name: u32,
    }
    let layer = ResponseModelLayer::<Public>::new();
    let first = source(0);
    run(layer.clone(), move || {
        Reply::new(first.clone()).into_http_response()
    })
    .await;
    assert_eq!(layer.config.pool.kept(), 1);
    let (status, content_type, body) = run(layer.clone(), || {
        Reply::new(Broken { name: 7 }).into_http_response()
    })
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(content_type, "text/plain; charset=utf-8");
    assert_eq!(&body[..], b"Internal Server Error");
    // The half-written model was dropped, not kept.
    assert_eq!(layer.config.pool.kept(), 0);
    let next = source(1);
    let expected: Public = serde_json::from_value(serde_json::to_value(&next).unwrap()).unwrap();
    let (status, _, body) = run(layer.clone(), move || {
        Reply::new(next.clone()).into_http_response()
    })
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        std::str::from_utf8(&body).unwrap(),
        serde_json::to_string(&expected).unwrap()
    );
}

#[tokio::test]
async fn a_field_missing_from_the_next_value_is_not_kept_from_the_last() {
    #[derive(Serialize, Clone)]
    struct Full {
        name: &'static str,
        nick: Option<&'static str>,
        tags: Vec<&'static str>,
        counts: std::collections::BTreeMap<&'static str, u32>,
        inner: Vec<SourceInner>,
        extra: Vec<u32>,
    }
    #[derive(Serialize, Clone)]
    struct Bare {
        name: &'static str,
        tags: Vec<&'static str>,
        counts: std::collections::BTreeMap<&'static str, u32>,
        inner: Vec<SourceInner>,
    }
    let layer = ResponseModelLayer::<Public>::new();
    let full = Full {
        name: "a",
        nick: Some("n"),
        tags: vec!["t"],
        counts: [("k", 1)].into(),
        inner: vec![SourceInner {
            label: "l".to_owned(),
            n: 1,
        }],
        extra: vec![7, 8],
    };
    let (_, _, body) = run(layer.clone(), move || {
        Reply::new(full.clone()).into_http_response()
    })
    .await;
    assert_eq!(
        std::str::from_utf8(&body).unwrap(),
        r#"{"name":"a","nick":"n","tags":["t"],"counts":{"k":1},"inner":[{"label":"l"}],"extra":[7,8]}"#
    );
    assert_eq!(layer.config.pool.kept(), 1);
    // The kept model had `nick` and `extra` set; a value without them reads as a fresh read
    // would: `nick` null (a missing `Option`), `extra` its default.
    let bare = Bare {
        name: "b",
        tags: vec![],
        counts: Default::default(),
        inner: vec![],
    };
    let (_, _, body) = run(layer.clone(), move || {
        Reply::new(bare.clone()).into_http_response()
    })
    .await;
    assert_eq!(
        std::str::from_utf8(&body).unwrap(),
        r#"{"name":"b","nick":null,"tags":[],"counts":{},"inner":[],"extra":[]}"#
    );
}

// ---- the generic path's shortcut: a struct with the model's own field types ----------------

#[derive(Serialize, Clone, Debug)]
struct UserRow {
    id: u64,
    #[serde(rename = "userName")]
    name: String,
    password_hash: String,
    email: Option<String>,
    inner: Vec<PublicInner>,
    score: f64,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct UserPublic {
    id: u64,
    #[serde(rename = "userName")]
    name: String,
    email: Option<String>,
    inner: Vec<PublicInner>,
    score: f64,
}

fn user_row(i: usize) -> UserRow {
    UserRow {
        id: i as u64,
        name: "é\"\u{1}".repeat(i % 3),
        password_hash: "hunter2".to_owned(),
        email: i.is_multiple_of(2).then(|| format!("u{i}@example.com")),
        inner: (0..i % 4)
            .map(|t| PublicInner {
                label: format!("inner {t}"),
            })
            .collect(),
        score: [0.1, 1e20, -0.0, 97.25][i % 4],
    }
}

/// What the model read from the value gives (a JSON round trip), as the `Json` class writes it.
fn as_model<M: Serialize + serde::de::DeserializeOwned + Send + Sync + 'static>(
    value: &impl Serialize,
) -> String {
    let model: M = serde_json::from_value(serde_json::to_value(value).unwrap()).unwrap();
    let mut out = Vec::new();
    towerapi_encode::Payload::new(model)
        .write_json(&mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

/// Sends `value` through the layer: a 200 with the body of the model read from the value.
async fn answers_as_the_model<M, T>(layer: &ResponseModelLayer<M>, value: T, i: usize) -> String
where
    M: Serialize + serde::de::DeserializeOwned + HasSchema + Send + Sync + 'static,
    T: Serialize + Clone + Send + Sync + 'static,
{
    let expected = as_model::<M>(&value);
    let (status, content_type, body) = run(layer.clone(), move || {
        Reply::new(value.clone()).into_http_response()
    })
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/json");
    assert_eq!(std::str::from_utf8(&body).unwrap(), expected, "value {i}");
    assert!(!expected.contains("hunter2"));
    expected
}

/// The payload the model layer leaves, with no serializer outside it.
#[cfg(feature = "openapi")]
async fn payload_after<M, T>(layer: ResponseModelLayer<M>, value: T) -> towerapi_encode::Payload
where
    M: Serialize + serde::de::DeserializeOwned + HasSchema + Send + Sync + 'static,
    T: Serialize + Clone + Send + Sync + 'static,
{
    let svc = ServiceBuilder::new()
        .layer(layer)
        .service(service_fn(move |_r: Request<()>| {
            let value = value.clone();
            async move { Ok::<_, Infallible>(Reply::new(value).into_http_response()) }
        }));
    let res = svc.oneshot(Request::new(())).await.unwrap();
    res.extensions()
        .get::<towerapi_encode::Payload>()
        .unwrap()
        .clone()
}

#[cfg(feature = "openapi")]
#[tokio::test]
async fn a_row_with_the_models_field_types_is_written_as_the_model_once_trusted() {
    let layer = ResponseModelLayer::<UserPublic>::new();
    for i in 0..12 {
        answers_as_the_model(&layer, user_row(i), i).await;
        let samples = u32::try_from(i + 1).unwrap().min(super::fast::SAMPLES);
        assert_eq!(layer.config.fast.state(), (true, samples), "value {i}");
    }
    // Trusted: no model is read any more; the payload is the row, written as the model.
    let kept = layer.config.pool.kept();
    assert_eq!(kept, 1);
    let payload = payload_after(layer.clone(), user_row(5)).await;
    assert!(payload.downcast_ref::<UserPublic>().is_none());
    assert!(payload.downcast_ref::<UserRow>().is_none());
    assert_eq!(payload.type_name(), std::any::type_name::<UserPublic>());
    let mut json = Vec::new();
    payload.write_json(&mut json).unwrap();
    assert_eq!(
        std::str::from_utf8(&json).unwrap(),
        as_model::<UserPublic>(&user_row(5))
    );
    assert_eq!(layer.config.pool.kept(), kept, "no model was taken");

    // A value that does not fit still gets the full check: a 500 with the path.
    #[derive(Serialize, Clone)]
    struct NoName {
        id: u64,
        email: Option<String>,
        inner: Vec<PublicInner>,
        score: f64,
    }
    let (status, _, refused) = run(layer.clone(), || {
        Reply::new(NoName {
            id: 1,
            email: None,
            inner: vec![],
            score: 1.0,
        })
        .into_http_response()
    })
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(&refused[..], b"Internal Server Error");
    // And a JSON-like value is read as before.
    assert_eq!(
        body(
            layer.clone(),
            json!({"id": 2, "userName": "b", "email": null, "inner": [], "score": 2, "x": 1})
        )
        .await,
        r#"{"id":2,"userName":"b","email":null,"inner":[],"score":2.0}"#
    );
    // A NaN is the class's business, as for the model itself: Json refuses it.
    let mut nan = user_row(1);
    nan.score = f64::NAN;
    let (status, _, _) = run(layer.clone(), move || {
        Reply::new(nan.clone()).into_http_response()
    })
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn a_model_that_skips_a_field_when_serializing_never_takes_the_shortcut() {
    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Sparse {
        id: u64,
        #[serde(rename = "userName")]
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        email: Option<String>,
        inner: Vec<PublicInner>,
        score: f64,
    }
    let layer = ResponseModelLayer::<Sparse>::new();
    for i in 0..(2 * super::fast::SAMPLES as usize + 2) {
        let expected = answers_as_the_model(&layer, user_row(i), i).await;
        assert_eq!(expected.contains("email"), i % 2 == 0);
        assert_eq!(layer.config.fast.state(), (false, 0));
    }
}

#[tokio::test]
async fn a_model_whose_serialize_changes_its_fields_is_found_out_by_a_sample() {
    /// The derived shape, but a hand-written `Serialize` that writes the name in capitals.
    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    #[derive(Deserialize, Debug, PartialEq)]
    struct Loud {
        id: u64,
        #[serde(rename = "userName")]
        name: String,
        email: Option<String>,
        inner: Vec<PublicInner>,
        score: f64,
    }
    impl Serialize for Loud {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeStruct;
            let mut st = s.serialize_struct("Loud", 5)?;
            st.serialize_field("id", &self.id)?;
            st.serialize_field("userName", &self.name.to_uppercase())?;
            st.serialize_field("email", &self.email)?;
            st.serialize_field("inner", &self.inner)?;
            st.serialize_field("score", &self.score)?;
            st.end()
        }
    }
    let layer = ResponseModelLayer::<Loud>::new();
    for i in 0..12 {
        answers_as_the_model(&layer, user_row(i), i).await;
    }
    // The first value has an empty name, which capitals do not change: it matched. The
    // second did not, and the shortcut is off for good.
    #[cfg(feature = "openapi")]
    assert_eq!(layer.config.fast.state(), (true, u32::MAX));
    #[cfg(not(feature = "openapi"))]
    assert_eq!(layer.config.fast.state(), (false, 0));
}

#[test]
fn random_rows_through_the_shortcut_answer_as_the_model_read_from_them() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let label = any::<String>().prop_map(|label| PublicInner { label });
    let finite = proptest::num::f64::NORMAL
        | proptest::num::f64::SUBNORMAL
        | proptest::num::f64::ZERO
        | proptest::num::f64::NEGATIVE;
    let rows = (
        any::<u64>(),
        any::<String>(),
        any::<String>(),
        proptest::option::of(any::<String>()),
        proptest::collection::vec(label, 0..4),
        finite,
    )
        .prop_map(|(id, name, password_hash, email, inner, score)| UserRow {
            id,
            name,
            password_hash,
            email,
            inner,
            score,
        });
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // One layer for every case: after the first 8 it answers through the shortcut.
    let layer = ResponseModelLayer::<UserPublic>::new();
    let mut runner = TestRunner::new(Config::with_cases(400));
    runner
        .run(&rows, |row| {
            let expected = as_model::<UserPublic>(&row);
            let (status, _, body) = rt.block_on(run(layer.clone(), move || {
                Reply::new(row.clone()).into_http_response()
            }));
            prop_assert_eq!(status, StatusCode::OK);
            prop_assert_eq!(std::str::from_utf8(&body).unwrap(), expected);
            Ok(())
        })
        .unwrap();
    #[cfg(feature = "openapi")]
    assert_eq!(layer.config.fast.state(), (true, super::fast::SAMPLES));
}

#[tokio::test]
async fn a_model_that_writes_a_field_through_serialize_with_never_takes_the_shortcut() {
    /// Writes an empty name as null: a change the samples below never show in the bytes.
    fn empty_as_null<S: serde::Serializer>(name: &str, s: S) -> Result<S::Ok, S::Error> {
        if name.is_empty() {
            s.serialize_none()
        } else {
            s.serialize_str(name)
        }
    }
    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Nulled {
        id: u64,
        #[serde(rename = "userName", serialize_with = "empty_as_null")]
        name: String,
        email: Option<String>,
        inner: Vec<PublicInner>,
        score: f64,
    }
    let layer = ResponseModelLayer::<Nulled>::new();
    // Names that are never empty: the bytes alone would match.
    for i in 1..=12 {
        let mut row = user_row(i);
        row.name = format!("user {i}");
        answers_as_the_model(&layer, row, i).await;
    }
    // The model's `Serialize` wrote `name` through serde's wrapper type: found out on the
    // first sample, whatever the value.
    #[cfg(feature = "openapi")]
    assert_eq!(layer.config.fast.state(), (true, u32::MAX));
    let body = answers_as_the_model(&layer, user_row(0), 0).await;
    assert!(body.contains(r#""userName":null"#), "{body}");
}

#[tokio::test]
async fn a_list_of_rows_is_written_as_the_list_model_once_trusted() {
    let layer = ResponseModelLayer::<Vec<UserPublic>>::new();
    let rows = |i: usize| (0..i % 3).map(|k| user_row(i + k)).collect::<Vec<_>>();
    let mut samples = 0;
    for i in 0..30 {
        let value = rows(i);
        let empty = value.is_empty();
        let expected = answers_as_the_model(&layer, value, i).await;
        if empty {
            assert_eq!(expected, "[]");
        }
        // An empty list shows nothing of how the model writes its fields: not a sample.
        if !empty {
            samples = (samples + 1).min(super::fast::SAMPLES);
        }
        #[cfg(feature = "openapi")]
        assert_eq!(layer.config.fast.state(), (true, samples), "value {i}");
    }
    #[cfg(feature = "openapi")]
    {
        assert_eq!(samples, super::fast::SAMPLES);
        let payload = payload_after(layer.clone(), rows(4)).await;
        assert!(
            payload.downcast_ref::<Vec<UserPublic>>().is_none(),
            "projected"
        );
    }
}

#[cfg(feature = "openapi")]
#[test]
fn a_set_model_is_not_projected_its_order_is_its_own() {
    #[derive(
        Serialize, Deserialize, schemars::JsonSchema, PartialEq, Eq, PartialOrd, Ord, Debug,
    )]
    struct Tag {
        id: u64,
        name: String,
    }
    assert!(
        towerapi_encode::project::Projection::of::<std::collections::BTreeSet<Tag>>()
            .unwrap()
            .is_list()
    );
    assert!(super::fast::plan_of::<std::collections::BTreeSet<Tag>>().is_none());
    assert!(super::fast::plan_of::<Vec<Tag>>().unwrap().is_list());
    assert!(!super::fast::plan_of::<Tag>().unwrap().is_list());
}

#[tokio::test]
async fn a_refused_value_is_the_500_with_its_error_through_serialize_and_alone() {
    // A reply with headers and a status of its own: none of them survive the refusal.
    let make = || {
        Reply::new(json!({"name": "broken"}))
            .status(StatusCode::CREATED)
            .header("x-kept", "no")
            .into_http_response()
    };
    let serialized = ServiceBuilder::new()
        .layer(SerializeLayer::json())
        .layer(ResponseModelLayer::<Item>::new())
        .service(service_fn(move |_r: Request<()>| async move {
            Ok::<_, Infallible>(make())
        }));
    let alone =
        ResponseModelLayer::<Item>::new().layer(service_fn(move |_r: Request<()>| async move {
            Ok::<_, Infallible>(make())
        }));
    let answers = [
        serialized
            .oneshot(Request::new(()))
            .await
            .unwrap()
            .map(Body::new),
        alone.oneshot(Request::new(())).await.unwrap(),
    ];
    for res in answers {
        let (parts, body) = res.into_parts();
        assert_eq!(parts.status, StatusCode::INTERNAL_SERVER_ERROR);
        let headers: Vec<_> = parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
            .collect();
        assert_eq!(
            headers,
            [
                (
                    "content-type".to_owned(),
                    "text/plain; charset=utf-8".to_owned()
                ),
                ("content-length".to_owned(), "21".to_owned()),
            ]
        );
        let error = parts.extensions.get::<ResponseValidationError>().unwrap();
        assert_eq!(
            (error.path(), error.message()),
            (".", "missing field `price`")
        );
        assert!(parts.extensions.get::<Payload>().is_none());
        assert_eq!(
            &body.collect().await.unwrap().to_bytes()[..],
            b"Internal Server Error"
        );
    }
}

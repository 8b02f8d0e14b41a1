//! The OpenAPI document `examples/fastapi_parity.rs` serves, against the one FastAPI 0.165
//! serves for the same app (`tests/data/fastapi-0.165-openapi.json`): the security schemes
//! equal, and for every operation in scope the security list, the response statuses and media
//! types, and the response schemas' properties, types and required fields.
//!
//! Deliberate differences, each checked below rather than skipped:
//! - optional auth (`auto_error(false)`) adds an anonymous `{}` requirement, which FastAPI's
//!   document leaves out (its Authorize button cannot tell optional from required);
//! - two stacked optional schemes are every combination, `{A, B}`, `{A}`, `{B}`, `{}`; FastAPI
//!   lists `{A}`, `{B}`, which says "one of them is required";
//! - an auth layer documents its `401` (and a `ScopesLayer` its `403`): FastAPI documents
//!   neither, so Swagger UI shows them as "Undocumented";
//! - every operation has its own operationId (FastAPI gives GET and HEAD of `/resp/head` one,
//!   which validators reject); axum's `get` answers HEAD, documented as the GET;
//! - where FastAPI documents `{}` (a route without a return annotation), we document the
//!   handler's return type when it has one;
//! - FastAPI's request validation (path and query parameters, JSON bodies, their `422`s) is
//!   axum's, out of scope; the password form's `422` is ours and is compared;
//! - a file or a stream a handler returns is documented without content: its media type is
//!   known only when it is sent. FastAPI documents the route's JSON class for those it returns
//!   directly (`{}` under `application/json`), and no content for `response_class=FileResponse`
//!   and `StreamingResponse`, as here.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

#[allow(dead_code)]
#[path = "../examples/fastapi_parity.rs"]
mod parity;

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use common::{send, serve_axum};

const FASTAPI: &str = include_str!("data/fastapi-0.165-openapi.json");

/// FastAPI's routes whose document is out of scope here, and why.
const NOT_PORTED: [(&str, &str, &str); 1] = [(
    "head",
    "/resp/head",
    "axum's get answers HEAD; the GET is documented",
)];

/// The routes returning a file or a stream directly, which FastAPI documents as JSON.
const FILE_OR_STREAM: [&str; 6] = [
    "/resp/file",
    "/resp/file-download",
    "/resp/file-unicode-name",
    "/resp/file-media-type",
    "/resp/stream",
    "/resp/stream-no-media-type",
];

/// Routes whose `422` is FastAPI's request validation (axum's here).
fn request_validation_422(path: &str) -> bool {
    !path.starts_with("/token")
}

async fn served() -> Value {
    let server = serve_axum(parity::app()).await;
    let res = send(server.addr, "GET", "/openapi.json", &[]).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    serde_json::from_slice(&res.body).unwrap()
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.clone(), path.clone(), op.clone()));
        }
    }
    out
}

/// `$ref` followed into the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// A schema reduced to what the two documents must share: its types (from `type`, `anyOf`,
/// `enum`, `$ref`), its properties' shapes, its required fields and its items' shape. Titles,
/// defaults, formats and bounds are left out.
fn shape(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    let mut types = BTreeSet::new();
    let mut collect = |s: &Value| {
        let s = resolve(doc, s);
        match s.get("type") {
            Some(Value::String(t)) => {
                types.insert(t.clone());
            }
            Some(Value::Array(ts)) => {
                types.extend(ts.iter().filter_map(|t| t.as_str().map(str::to_owned)))
            }
            _ => {}
        }
    };
    collect(schema);
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = schema.get(key).and_then(Value::as_array) {
            alts.iter().for_each(&mut collect);
        }
    }
    let mut out = Map::new();
    out.insert("types".into(), json!(types));
    if depth == 0 {
        return Value::Object(out);
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let props: Map<String, Value> = props
            .iter()
            .map(|(k, v)| (k.clone(), shape(doc, v, depth - 1)))
            .collect();
        out.insert("properties".into(), Value::Object(props));
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        out.insert("required".into(), json!(required));
    }
    if let Some(items) = schema.get("items") {
        out.insert("items".into(), shape(doc, items, depth - 1));
    }
    Value::Object(out)
}

#[tokio::test]
async fn security_schemes_are_fastapis() {
    let ours = served().await;
    let theirs: Value = serde_json::from_str(FASTAPI).unwrap();
    assert_eq!(
        ours["components"]["securitySchemes"],
        theirs["components"]["securitySchemes"]
    );
    assert_eq!(ours["openapi"], "3.1.0");
    assert_eq!(ours["info"], theirs["info"]);
}

#[tokio::test]
async fn every_operation_matches_fastapis() {
    let ours = served().await;
    let theirs: Value = serde_json::from_str(FASTAPI).unwrap();
    let mut compared = 0;
    for (method, path, theirs_op) in operations(&theirs) {
        if NOT_PORTED
            .iter()
            .any(|(m, p, _)| *m == method && *p == path)
        {
            assert!(
                ours["paths"][&path].get(&method).is_none(),
                "{method} {path}"
            );
            continue;
        }
        let ours_op = &ours["paths"][&path][&method];
        assert!(ours_op.is_object(), "{method} {path} is documented");
        let at = format!("{} {path}", method.to_uppercase());

        // Security: FastAPI's list, plus `{}` when the route's auth is optional.
        let their_security = theirs_op.get("security").cloned().unwrap_or(Value::Null);
        let our_security = ours_op.get("security").cloned().unwrap_or(Value::Null);
        if path == "/auth/multi-optional" {
            assert_eq!(
                our_security,
                json!([{"HTTPBearer": [], "APIKeyHeader": []}, {"HTTPBearer": []}, {"APIKeyHeader": []}, {}]),
                "{at}"
            );
        } else if path.ends_with("-optional") {
            let mut want = their_security.as_array().unwrap().clone();
            want.push(json!({}));
            assert_eq!(our_security, Value::Array(want), "{at}");
        } else {
            assert_eq!(our_security, their_security, "{at}");
        }

        // Statuses: FastAPI's, without the request-validation 422 that is axum's, plus the 401
        // and 403 our auth layers document.
        let their_statuses: BTreeSet<&str> = theirs_op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|s| *s != "422" || !request_validation_422(&path))
            .collect();
        let mut want = their_statuses.clone();
        let optional = path.ends_with("-optional") || path == "/auth/multi-optional";
        // Optional schemes without a verifier never answer 401, but a malformed Basic value does.
        if our_security != Value::Null && (!optional || path == "/auth/http-basic-optional") {
            want.insert("401");
        }
        if path == "/me" || path == "/me/items" || path == "/auth/security-scopes" {
            want.insert("403");
        }
        let our_statuses: BTreeSet<&str> = ours_op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(our_statuses, want, "{at}");

        for status in &their_statuses {
            let theirs_r = &theirs_op["responses"][*status];
            let ours_r = &ours_op["responses"][*status];
            let their_media: Vec<&String> = theirs_r
                .get("content")
                .and_then(Value::as_object)
                .map(|c| c.keys().collect())
                .unwrap_or_default();
            let our_media: Vec<&String> = ours_r
                .get("content")
                .and_then(Value::as_object)
                .map(|c| c.keys().collect())
                .unwrap_or_default();
            if FILE_OR_STREAM.contains(&path.as_str()) {
                assert_eq!(their_media, ["application/json"], "{at}");
                assert!(our_media.is_empty(), "{at}: {our_media:?}");
                continue;
            }
            assert_eq!(our_media, their_media, "{at} {status}");
            for media in their_media {
                let their_schema = &theirs_r["content"][media]["schema"];
                let our_schema = &ours_r["content"][media]["schema"];
                if *their_schema == json!({}) {
                    // No return annotation in app.py: FastAPI says nothing; we may say more.
                    continue;
                }
                assert_eq!(
                    shape(&ours, our_schema, 4),
                    shape(&theirs, their_schema, 4),
                    "{at} {status} {media}: ours {our_schema} theirs {their_schema}"
                );
            }
        }
        compared += 1;
    }
    assert_eq!(
        compared, 98,
        "every operation of app.py but HEAD /resp/head"
    );
}

#[tokio::test]
async fn operation_ids_are_unique() {
    let ours = served().await;
    let ids: Vec<String> = operations(&ours)
        .into_iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap().to_owned())
        .collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
}

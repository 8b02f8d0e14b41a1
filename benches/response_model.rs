//! ResponseModelLayer's three paths against serializing the payload once, in one run.
//!
//! `cargo bench --bench response_model`. The payload: a "row" of 12 fields (two of them
//! secrets the model leaves out) with a 20-element list; the model: its 10 public fields.
//!
//! - `serde_json::to_vec(row)`: the baseline, serializing the payload once.
//! - `layer: same type`, `layer: From<Row>`, `layer: generic`: a response through the layer,
//!   minus `bare inner` (the handler's part), is the layer's cost.
//!   The generic path on this row takes the layer's shortcut (the row's fields have the
//!   model's types: the row is written as the model), so its work is in the serialization:
//! - `serialized: ...`: the same with `SerializeLayer` outside, the body written: the paths
//!   compared whole; `serialized: generic, model read` is the full read, on a model with a
//!   `skip_serializing_if` (which the shortcut does not take).
//! - `transcode`: the full generic path's work alone (record the row, read the model).
//! - `M built by cloning the row's fields`: the allocations any generic path pays to hand over
//!   an owned model (its Strings and Vec), built and dropped: the floor under `transcode`.
//! - `layer: generic (Value)`: the payload is a `serde_json::Value` (FastAPI's dict), read into
//!   the model directly, against `serde_json::to_vec` of that Value.
//! - `naive Value round trip`: `from_value(to_value(row))`, and `JSON text round trip`:
//!   `from_slice(to_vec(row))`, for the record.
//! - `user row: ...`: the generic path again on one flat database row of a user (10 fields, 5
//!   strings, the password hash left out by the model).
#![allow(missing_docs, clippy::unwrap_used)]

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use http::{Request, Response};
use serde::{Deserialize, Serialize};
use tower::{service_fn, Layer, Service};
use towerapi::encode::transcode::Tokens;
use towerapi::layers::ResponseModelLayer;
use towerapi::prelude::*;
use towerapi::schemars::{self, JsonSchema};

#[derive(Serialize, Deserialize, Clone, JsonSchema)]
struct Tag {
    id: u32,
    label: String,
}

#[derive(Serialize, Clone)]
struct OrderRow {
    id: u64,
    customer: String,
    email: String,
    active: bool,
    total: f64,
    currency: String,
    created_at: String,
    note: Option<String>,
    priority: i32,
    tags: Vec<Tag>,
    password_hash: String,
    internal_note: String,
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct OrderOut {
    id: u64,
    customer: String,
    email: String,
    active: bool,
    total: f64,
    currency: String,
    created_at: String,
    note: Option<String>,
    priority: i32,
    tags: Vec<Tag>,
}

/// `OrderOut` with `note` left out when it is None: its schema for serialization has `note`
/// optional, so the layer reads this model in full.
#[derive(Serialize, Deserialize, JsonSchema)]
struct OrderOutSparse {
    id: u64,
    customer: String,
    email: String,
    active: bool,
    total: f64,
    currency: String,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    priority: i32,
    tags: Vec<Tag>,
}

impl From<OrderRow> for OrderOut {
    fn from(r: OrderRow) -> Self {
        OrderOut {
            id: r.id,
            customer: r.customer,
            email: r.email,
            active: r.active,
            total: r.total,
            currency: r.currency,
            created_at: r.created_at,
            note: r.note,
            priority: r.priority,
            tags: r.tags,
        }
    }
}

fn row() -> OrderRow {
    OrderRow {
        id: 123_456_789,
        customer: "Alice Oracle".into(),
        email: "alice@example.com".into(),
        active: true,
        total: 1234.56,
        currency: "EUR".into(),
        created_at: "2024-01-02T03:04:05+00:00".into(),
        note: None,
        priority: -3,
        tags: (0..20)
            .map(|i| Tag {
                id: i,
                label: format!("tag-{i}"),
            })
            .collect(),
        password_hash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo".into(),
        internal_note: "do not show".into(),
    }
}

/// A second payload, the issue's own example: one database row of a user, its password hash
/// left out by the model. Fewer strings, no nested list.
#[derive(Serialize, Clone)]
struct UserRow {
    id: u64,
    username: String,
    email: String,
    full_name: Option<String>,
    hashed_password: String,
    disabled: bool,
    created_at: String,
    balance: f64,
    login_count: u64,
    score: f64,
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct UserPublic {
    id: u64,
    username: String,
    email: String,
    full_name: Option<String>,
    disabled: bool,
    created_at: String,
    balance: f64,
    login_count: u64,
    score: f64,
}

fn user_row() -> UserRow {
    UserRow {
        id: 42,
        username: "alice".into(),
        email: "alice@example.com".into(),
        full_name: Some("Alice Oracle".into()),
        hashed_password: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo".into(),
        disabled: false,
        created_at: "2024-01-02T03:04:05+00:00".into(),
        balance: 1234.56,
        login_count: 317,
        score: 0.875,
    }
}

fn now<F: Future>(fut: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(fut).poll(&mut cx) {
        Poll::Ready(out) => out,
        Poll::Pending => unreachable!("the services in this benchmark never wait"),
    }
}

/// A handler that hands over an owned clone of `value` on each call.
fn handler<T: Serialize + Clone + Send + Sync + 'static>(
    value: T,
) -> impl Service<Request<()>, Response = Response<Body>, Error = Infallible> + Clone {
    service_fn(move |_r: Request<()>| {
        std::future::ready(Ok::<_, Infallible>(
            Reply::new(value.clone()).into_http_response(),
        ))
    })
}

/// One response of `svc` per iteration (the services here never wait).
fn bench_call<S>(g: &mut BenchmarkGroup<'_, WallTime>, name: &str, mut svc: S)
where
    S: Service<Request<()>>,
    S::Error: std::fmt::Debug,
{
    g.bench_function(name, |b| {
        b.iter(|| black_box(now(svc.call(Request::new(()))).unwrap()))
    });
}

fn bench(c: &mut Criterion) {
    let value = row();
    let mut g = c.benchmark_group("response_model");
    g.bench_function("serde_json::to_vec(row)", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)).unwrap())
    });
    g.bench_function("transcode", |b| {
        b.iter(|| {
            Tokens::with_reused(|tokens| {
                tokens.record(black_box(&value)).unwrap();
                black_box(tokens.deserialize::<OrderOut>().unwrap())
            })
        })
    });
    g.bench_function("transcode: record only", |b| {
        b.iter(|| Tokens::with_reused(|tokens| tokens.record(black_box(&value)).unwrap()))
    });
    // The floor of any generic path: the model's own Strings and Vec, built from borrowed
    // fields and dropped (what `transcode` cannot avoid, since it must hand over an owned M).
    g.bench_function("M built by cloning the row's fields", |b| {
        b.iter(|| {
            let r = black_box(&value);
            black_box(OrderOut {
                id: r.id,
                customer: r.customer.clone(),
                email: r.email.clone(),
                active: r.active,
                total: r.total,
                currency: r.currency.clone(),
                created_at: r.created_at.clone(),
                note: r.note.clone(),
                priority: r.priority,
                tags: r.tags.clone(),
            })
        })
    });
    let recorded = Tokens::from_value(&value).unwrap();
    g.bench_function("transcode: read only (drop not timed)", |b| {
        b.iter_with_large_drop(|| black_box(&recorded).deserialize::<OrderOut>().unwrap())
    });
    g.bench_function("JSON text round trip", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<OrderOut>(&serde_json::to_vec(black_box(&value)).unwrap())
                    .unwrap(),
            )
        })
    });
    g.bench_function("naive Value round trip", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_value::<OrderOut>(
                    serde_json::to_value(black_box(&value)).unwrap(),
                )
                .unwrap(),
            )
        })
    });

    // Same type: the payload is an OrderOut already.
    let out_payload = Reply::new(OrderOut::from(row()))
        .into_http_response()
        .extensions()
        .get::<Payload>()
        .unwrap()
        .clone();
    let same = service_fn(move |_r: Request<()>| {
        let mut res = Response::new(Body::empty());
        res.extensions_mut().insert(out_payload.clone());
        std::future::ready(Ok::<_, Infallible>(res))
    });
    bench_call(&mut g, "bare inner (same type)", same.clone());
    bench_call(
        &mut g,
        "layer: same type",
        ResponseModelLayer::<OrderOut>::new().layer(same),
    );

    // From<OrderRow>: the handler hands over an owned row (cloned here, in both services).
    let owned = handler(row());
    bench_call(&mut g, "bare inner (owned row)", owned.clone());
    bench_call(
        &mut g,
        "layer: From<Row>",
        ResponseModelLayer::<OrderOut>::new()
            .from::<OrderRow>()
            .layer(owned.clone()),
    );
    // Generic: the same row. Its fields have the model's types, so once the layer trusts its
    // shortcut (after 8 responses, long before criterion measures) the row is written as the
    // model at serialization: this figure is the check alone.
    bench_call(
        &mut g,
        "layer: generic",
        ResponseModelLayer::<OrderOut>::new().layer(owned.clone()),
    );
    // So the paths are compared with the serialization in: the body written by `SerializeLayer`.
    bench_call(
        &mut g,
        "serialized: bare inner (owned row)",
        SerializeLayer::json().layer(owned.clone()),
    );
    bench_call(
        &mut g,
        "serialized: From<Row>",
        SerializeLayer::json().layer(
            ResponseModelLayer::<OrderOut>::new()
                .from::<OrderRow>()
                .layer(owned.clone()),
        ),
    );
    bench_call(
        &mut g,
        "serialized: generic",
        SerializeLayer::json().layer(ResponseModelLayer::<OrderOut>::new().layer(owned.clone())),
    );
    // The full read, which every value takes where the shortcut does not apply: a model that
    // leaves a field out when it is None (`skip_serializing_if`).
    bench_call(
        &mut g,
        "serialized: generic, model read",
        SerializeLayer::json().layer(ResponseModelLayer::<OrderOutSparse>::new().layer(owned)),
    );

    // A JSON-like payload (FastAPI's dict from a store): a `serde_json::Value` with the row's keys.
    let json = serde_json::to_value(row()).unwrap();
    g.bench_function("serde_json::to_vec(Value row)", |b| {
        b.iter(|| serde_json::to_vec(black_box(&json)).unwrap())
    });
    let owned_json = handler(json.clone());
    bench_call(&mut g, "bare inner (owned Value)", owned_json.clone());
    bench_call(
        &mut g,
        "layer: generic (Value)",
        ResponseModelLayer::<OrderOut>::new().layer(owned_json),
    );

    // The user row: the same generic path on a plainer payload.
    let user = user_row();
    g.bench_function("user row: serde_json::to_vec", |b| {
        b.iter(|| serde_json::to_vec(black_box(&user)).unwrap())
    });
    g.bench_function("user row: transcode", |b| {
        b.iter(|| {
            Tokens::with_reused(|tokens| {
                tokens.record(black_box(&user)).unwrap();
                black_box(tokens.deserialize::<UserPublic>().unwrap())
            })
        })
    });
    let owned_user = handler(user_row());
    bench_call(
        &mut g,
        "user row: bare inner (owned row)",
        owned_user.clone(),
    );
    bench_call(
        &mut g,
        "user row: layer: generic",
        ResponseModelLayer::<UserPublic>::new().layer(owned_user),
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

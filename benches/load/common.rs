//! What `benches/load.rs` and `benches/load_allocations.rs` share: both example routers, the
//! request each route gets, and one call.

// Each bench uses part of it.
#![allow(dead_code, unreachable_pub)]

// Each example carries its own copy of `examples/load/shared.rs`, as when it is built alone.
#[path = "../../examples/load_axum.rs"]
#[allow(clippy::duplicate_mod)]
pub mod axum_app;
#[path = "../../examples/load_towerapi.rs"]
#[allow(clippy::duplicate_mod)]
pub mod towerapi_app;

#[path = "../support/headers.rs"]
mod headers;

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum::body::Body;
use axum::Router;
use http::header::{HeaderName, HeaderValue};
use http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

/// Polls a future that is ready at once (both routers answer without waiting).
pub fn now<F: Future>(fut: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(fut).poll(&mut cx) {
        Poll::Ready(out) => out,
        Poll::Pending => unreachable!("the routes in this benchmark never wait"),
    }
}

/// `GET path` with the 8 ordinary headers and the route's credentials header, if any.
pub fn request(path: &str, auth: Option<&(HeaderName, HeaderValue)>) -> Request<Body> {
    let mut req = Request::get(path).body(Body::empty()).unwrap();
    let headers = req.headers_mut();
    headers::insert_ordinary(headers, "127.0.0.1:8000");
    if let Some((name, value)) = auth {
        headers.insert(name.clone(), value.clone());
    }
    req
}

/// One call: the status and the length of the whole body.
pub fn call(
    router: &Router,
    path: &str,
    auth: Option<&(HeaderName, HeaderValue)>,
) -> (StatusCode, usize) {
    let res = now(router.clone().oneshot(request(path, auth))).unwrap();
    let status = res.status();
    let body = now(res.into_body().collect()).unwrap().to_bytes();
    (status, black_box(body).len())
}

/// The credentials header of a call, if any.
pub type Header<'a> = Option<&'a (HeaderName, HeaderValue)>;

/// A route and the header it needs.
pub type Route = (&'static str, Option<(HeaderName, HeaderValue)>);

/// Both routers with their routes, each answering 200 with the same number of bytes on every
/// route (checked here, before anything is measured).
pub struct Apps {
    pub axum: Router,
    pub towerapi: Router,
    pub axum_routes: Vec<Route>,
    pub towerapi_routes: Vec<Route>,
}

fn routes(announced: Vec<(&'static str, Option<(&'static str, String)>)>) -> Vec<Route> {
    announced
        .into_iter()
        .map(|(path, header)| {
            let header = header.map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_str(&value).unwrap(),
                )
            });
            (path, header)
        })
        .collect()
}

impl Apps {
    pub fn new() -> Self {
        let axum_keys = axum_app::shared::Keys::generate();
        let towerapi_keys = towerapi_app::shared::Keys::generate();
        // `axum::serve` calls `with_state(())` once per connection, which turns each handler
        // into a route; without it every `oneshot` would redo that (and more of it for each
        // route-level layer), work a served router never does per request.
        let apps = Self {
            axum: axum_app::app(&axum_keys).with_state(()),
            towerapi: towerapi_app::app(&towerapi_keys).with_state(()),
            axum_routes: routes(axum_keys.routes()),
            towerapi_routes: routes(towerapi_keys.routes()),
        };
        for ((path, a), (same, t)) in apps.axum_routes.iter().zip(&apps.towerapi_routes) {
            assert_eq!(path, same);
            let a = call(&apps.axum, path, a.as_ref());
            let t = call(&apps.towerapi, path, t.as_ref());
            assert_eq!(a.0, StatusCode::OK, "axum {path}");
            assert_eq!(a, t, "{path}");
        }
        apps
    }

    /// The routes in order, with the header each router needs there.
    pub fn each(&self) -> impl Iterator<Item = (&'static str, Header<'_>, Header<'_>)> {
        self.axum_routes
            .iter()
            .zip(&self.towerapi_routes)
            .map(|((path, a), (_, t))| (*path, a.as_ref(), t.as_ref()))
    }
}

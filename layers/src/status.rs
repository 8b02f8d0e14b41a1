//! [`StatusLayer`]: the route's default status and the body rules.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body::{Frame, SizeHint};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;
use towerapi_encode::{Payload, Serialized, StatusFixed};

use crate::rules;

/// FastAPI's `status_code=` of a route, and the body rules that go with a status.
///
/// - Status hierarchy: the status set on the [`Reply`](towerapi_encode::Reply) wins, then this
///   layer's default, then the response class's (200, or 307 for a redirect). With several
///   status layers, the one closest to the handler wins (a route's over the router's).
/// - Body rules: for 1xx, 204 and 304 the body and `content-length` are removed (the
///   content-type stays, as FastAPI sends it); for a HEAD request the body is removed and
///   `content-length` is kept, as GET would have sent it.
/// - It works before or after [`SerializeLayer`](crate::SerializeLayer) in the stack: it acts on
///   a payload not yet serialized, or on a response that layer marked as serialized.
/// - Responses that did not come from a `Reply` (built by the handler, or a 500 from a failed
///   serialization) pass through untouched.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use http::{Method, Request, StatusCode};
/// use tower::{service_fn, ServiceBuilder, ServiceExt};
/// use towerapi_encode::Reply;
/// use towerapi_layers::{SerializeLayer, StatusLayer};
///
/// let svc = ServiceBuilder::new()
///     .layer(SerializeLayer::json())
///     .layer(StatusLayer::default_status(StatusCode::NO_CONTENT))
///     .service(service_fn(|_req: Request<()>| async {
///         Ok::<_, std::convert::Infallible>(Reply::new(()).into_http_response())
///     }));
/// let req = Request::builder().method(Method::DELETE).body(()).unwrap();
/// let res = svc.oneshot(req).await.unwrap();
/// assert_eq!(res.status(), StatusCode::NO_CONTENT);
/// assert_eq!(res.headers()["content-type"], "application/json");
/// assert!(res.headers().get("content-length").is_none());
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[must_use]
pub struct StatusLayer {
    default: Option<StatusCode>,
}

impl StatusLayer {
    /// Only the body rules; the status stays the reply's or the class's.
    pub fn new() -> Self {
        Self { default: None }
    }

    /// The route's default status (FastAPI's `status_code=`), and the body rules.
    pub fn default_status(status: StatusCode) -> Self {
        Self {
            default: Some(status),
        }
    }

    /// The route's default status, if set.
    pub fn status(&self) -> Option<StatusCode> {
        self.default
    }
}

impl<S> Layer<S> for StatusLayer {
    type Service = Status<S>;

    fn layer(&self, inner: S) -> Self::Service {
        #[cfg(feature = "openapi")]
        towerapi_openapi::note(self);
        Status {
            inner,
            default: self.default,
        }
    }
}

/// The service of [`StatusLayer`].
#[derive(Clone, Copy, Debug)]
pub struct Status<S> {
    inner: S,
    default: Option<StatusCode>,
}

impl<S> Status<S> {
    /// Wraps `inner` with a default status (or none).
    pub fn new(inner: S, default: Option<StatusCode>) -> Self {
        Self { inner, default }
    }

    /// A [`StatusLayer`] with this default.
    pub fn layer(default: StatusCode) -> StatusLayer {
        StatusLayer::default_status(default)
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Status<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: http_body::Body<Data = Bytes>,
{
    type Response = Response<StatusBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        ResponseFuture {
            head: req.method() == Method::HEAD,
            default: self.default,
            future: self.inner.call(req),
        }
    }
}

pin_project! {
    /// The response future of [`Status`].
    pub struct ResponseFuture<F> {
        #[pin]
        future: F,
        default: Option<StatusCode>,
        head: bool,
    }
}

impl<F> std::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("default", &self.default)
            .field("head", &self.head)
            .finish_non_exhaustive()
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<StatusBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut res = ready!(this.future.poll(cx))?;
        if let Some(payload) = res.extensions_mut().get_mut::<Payload>() {
            // Not serialized yet: the serializing layer outside applies status and rules.
            if let Some(default) = *this.default {
                payload.set_route_status_if_unset(default);
            }
            return Poll::Ready(Ok(res.map(StatusBody::inner)));
        }
        if res.extensions().get::<Serialized>().is_none() {
            return Poll::Ready(Ok(res.map(StatusBody::inner)));
        }
        if let Some(default) = *this.default {
            if res.extensions_mut().insert(StatusFixed).is_none() {
                *res.status_mut() = default;
            }
        }
        let status = res.status();
        if rules::apply(status, res.headers_mut(), *this.head) {
            return Poll::Ready(Ok(res.map(|_| StatusBody::empty())));
        }
        Poll::Ready(Ok(res.map(StatusBody::inner)))
    }
}

pin_project! {
    /// The response body of [`Status`]: the inner body, or none.
    pub struct StatusBody<B> {
        #[pin]
        inner: Option<B>,
    }
}

impl<B> StatusBody<B> {
    fn inner(body: B) -> Self {
        Self { inner: Some(body) }
    }

    fn empty() -> Self {
        Self { inner: None }
    }
}

impl<B> std::fmt::Debug for StatusBody<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusBody")
            .field("empty", &self.inner.is_none())
            .finish()
    }
}

impl<B> http_body::Body for StatusBody<B>
where
    B: http_body::Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        match self.project().inner.as_pin_mut() {
            Some(body) => body.poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner
            .as_ref()
            .is_none_or(http_body::Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), http_body::Body::size_hint)
    }
}

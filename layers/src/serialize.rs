//! [`SerializeLayer`]: a payload becomes bytes with the route's response class.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use http::{header, HeaderValue, Method, Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;
use towerapi_encode::class::{
    internal_server_error, File, FileRequest, Json, PydanticJson, ResponseClass,
};
use towerapi_encode::{Body, BoxError, LayerBody, Payload, Serialized, StatusFixed};

/// The content-type of [`Reply`](towerapi_encode::Reply)'s unrendered placeholder.
const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");

use crate::model::ResponseValidationError;
use crate::rules;

/// Writes a [`Payload`] with a [`ResponseClass`] and sets `content-type` and `content-length`.
///
/// - On the router, it is the app's default class (FastAPI's `default_response_class`); on a
///   route (`route_layer`, `MethodRouter::layer`) it overrides it: the inner layer serializes
///   first and the outer one then sees no payload.
/// - The status is the reply's explicit one ([`Reply::status`], or a status set on the response
///   after the reply became one, as axum's `(StatusCode::CREATED, Reply::new(item))` does),
///   else the route's default (a [`StatusLayer`] closer to the handler), else the class's; the
///   body rules of [`StatusLayer`] apply.
/// - A `Reply` or a `File` that reaches the client without passing a `SerializeLayer` is a
///   `500 Internal Server Error` that logs (target `towerapi::serialize`) that the layer is
///   missing, never an empty `200`.
/// - A value that cannot be written (a map with non-string keys, NaN for [`Json`], a non-string
///   for a text class) gives `500`, `text/plain; charset=utf-8`, `Internal Server Error`, and an
///   error event (target `towerapi::serialize`) with the reason, never in the body.
/// - A [`File`] returned by the handler is served here, with the request's range and
///   conditional headers.
/// - Any other response passes through untouched.
///
/// [`StatusLayer`]: crate::StatusLayer
/// [`Reply::status`]: towerapi_encode::Reply::status
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use http::Request;
/// use http_body_util::BodyExt;
/// use tower::{service_fn, ServiceExt};
/// use towerapi_encode::{class::Html, Reply};
/// use towerapi_layers::SerializeLayer;
///
/// let svc = SerializeLayer::new(Html).layer(service_fn(|_req: Request<()>| async {
///     Ok::<_, std::convert::Infallible>(Reply::new("<p>via response_class</p>").into_http_response())
/// }));
/// # use tower::Layer;
/// let res = svc.oneshot(Request::new(())).await.unwrap();
/// assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
/// assert_eq!(res.headers()["content-length"], "25");
/// assert_eq!(res.into_body().collect().await.unwrap().to_bytes(), "<p>via response_class</p>");
/// # }
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct SerializeLayer<C = Json> {
    class: C,
}

impl SerializeLayer<Json> {
    /// JSON, FastAPI's default class.
    pub fn json() -> Self {
        Self { class: Json }
    }
}

impl SerializeLayer<PydanticJson> {
    /// JSON as pydantic-core writes it: FastAPI's default class on a route with a
    /// `response_model` (or a return annotation). Floats differ from [`json`](Self::json):
    /// `1e-7` rather than `1e-07`, `0.00001` rather than `1e-05`, NaN and infinities `null`
    /// rather than a 500. A route with a response model *and* `response_class=JSONResponse`
    /// keeps [`json`](Self::json). See [`PydanticJson`].
    pub fn pydantic() -> Self {
        Self {
            class: PydanticJson,
        }
    }
}

impl<C: ResponseClass> SerializeLayer<C> {
    /// Serializes with `class`.
    pub fn new(class: C) -> Self {
        Self { class }
    }

    /// The class.
    pub fn class(&self) -> &C {
        &self.class
    }
}

impl<S, C: ResponseClass> Layer<S> for SerializeLayer<C> {
    type Service = SerializeResponse<S, C>;

    fn layer(&self, inner: S) -> Self::Service {
        #[cfg(feature = "openapi")]
        towerapi_openapi::note(self);
        SerializeResponse {
            inner,
            class: self.class.clone(),
        }
    }
}

/// The service of [`SerializeLayer`].
#[derive(Clone, Debug)]
pub struct SerializeResponse<S, C = Json> {
    inner: S,
    class: C,
}

impl<S, C: ResponseClass> SerializeResponse<S, C> {
    /// Wraps `inner`.
    pub fn new(inner: S, class: C) -> Self {
        Self { inner, class }
    }

    /// A [`SerializeLayer`] with this class.
    pub fn layer(class: C) -> SerializeLayer<C> {
        SerializeLayer::new(class)
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

impl<S, C, ReqBody, ResBody> Service<Request<ReqBody>> for SerializeResponse<S, C>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    C: ResponseClass,
    ResBody: http_body::Body<Data = Bytes>,
    ResBody::Error: Into<BoxError>,
{
    type Response = Response<LayerBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, C>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        // The JSON path reads the method; file serving's range and conditional headers are
        // copied only when the request has one (see `FileRequest::conditions`).
        let method = req.method().clone();
        let conditions = FileRequest::conditions(&method, req.headers()).map(Box::new);
        ResponseFuture {
            state: State::Inner {
                future: self.inner.call(req),
            },
            class: self.class.clone(),
            method,
            conditions,
        }
    }
}

type FileFuture = Pin<Box<dyn Future<Output = Response<Body>> + Send>>;

pin_project! {
    /// The response future of [`SerializeResponse`].
    pub struct ResponseFuture<F, C> {
        #[pin]
        state: State<F>,
        class: C,
        method: Method,
        // Only for a request with range or conditional headers: rare, so boxed.
        conditions: Option<Box<FileRequest>>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        Inner { #[pin] future: F },
        // File serving is I/O bound and rare: one box there keeps the common future small.
        File { future: FileFuture },
    }
}

impl<F, C> std::fmt::Debug for ResponseFuture<F, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<F, C, B, E> Future for ResponseFuture<F, C>
where
    F: Future<Output = Result<Response<B>, E>>,
    C: ResponseClass,
{
    type Output = Result<Response<LayerBody<B>>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            let this = self.as_mut().project();
            match this.state.project() {
                StateProj::Inner { future } => {
                    let mut res = ready!(future.poll(cx))?;
                    if let Some(payload) = res.extensions_mut().remove::<Payload>() {
                        let head = *this.method == Method::HEAD;
                        return Poll::Ready(Ok(render(res, &payload, this.class, head)));
                    }
                    if let Some(file) = res.extensions_mut().remove::<File>() {
                        let req = match this.conditions.take() {
                            Some(conditions) => *conditions,
                            None => FileRequest::plain(std::mem::take(this.method)),
                        };
                        let future: FileFuture = Box::pin(async move { file.serve(&req).await });
                        self.as_mut().project().state.set(State::File { future });
                        continue;
                    }
                    // A value the response model refused (it took the value and left its
                    // error): the 500, with the error kept in the extensions.
                    if res.extensions().get::<ResponseValidationError>().is_some() {
                        let (parts, placeholder) = res.into_parts();
                        let (fresh, body) = internal_server_error().into_parts();
                        let mut res =
                            Response::from_parts(fresh, LayerBody::replacing(body, placeholder));
                        *res.extensions_mut() = parts.extensions;
                        return Poll::Ready(Ok(res));
                    }
                    return Poll::Ready(Ok(res.map(LayerBody::inner)));
                }
                StateProj::File { future } => {
                    let res = ready!(future.as_mut().poll(cx));
                    return Poll::Ready(Ok(res.map(LayerBody::own)));
                }
            }
        }
    }
}

fn render<B, C: ResponseClass>(
    res: Response<B>,
    payload: &Payload,
    class: &C,
    head: bool,
) -> Response<LayerBody<B>> {
    let (mut parts, placeholder) = res.into_parts();
    let rendered = match class.render(payload) {
        Ok(rendered) => rendered,
        Err(error) => {
            tracing::error!(
                target: "towerapi::serialize",
                class = error.class(),
                type_name = error.type_name(),
                error = %error,
                cause = ?std::error::Error::source(&error).map(ToString::to_string),
                "the response value could not be serialized"
            );
            return internal_server_error().map(|body| LayerBody::replacing(body, placeholder));
        }
    };
    // Reply's placeholder text content-type goes (its 500 is not an explicit status, see
    // `Payload::explicit_status`). A class with a content-type overwrites it in place, so
    // only a class without one (a bare status, a redirect's empty body) removes it.
    if rendered.content_type.is_none()
        && payload.is_from_reply()
        && parts.headers.get(header::CONTENT_TYPE) == Some(&TEXT_PLAIN)
    {
        parts.headers.remove(header::CONTENT_TYPE);
    }
    let (status, status_fixed) = rules::status(
        payload.explicit_status(parts.status),
        payload.route_status(),
        rendered.status,
    );
    let body = rendered.apply_to(&mut parts);
    parts.status = status;
    parts.extensions.insert(Serialized);
    if status_fixed {
        parts.extensions.insert(StatusFixed);
    }
    let body = if rules::apply(status, &mut parts.headers, head) {
        Bytes::new()
    } else {
        body
    };
    // The placeholder goes with the body that replaces it: a background task waiting for the
    // response body (a BackgroundTasksLayer inside this one) waits for the rendered body.
    Response::from_parts(parts, LayerBody::replacing(Body::full(body), placeholder))
}

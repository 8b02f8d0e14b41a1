//! [`RejectionLayer`]: one hook for every towerapi rejection of an app, and [`Problem`], RFC
//! 9457's `application/problem+json`.
//!
//! Every rejection this crate answers carries itself, as a [`Rejection`], in the response's
//! extensions: an [`AuthLayer`](crate::AuthLayer)'s ([`Rejection::Auth`]), a scope check's
//! ([`Rejection::Scopes`], from a [`ScopesLayer`](crate::ScopesLayer) or an `AuthLayer`), a
//! password form's ([`Rejection::Form`], from the axum extractor or
//! [`FormRejection::into_http_response`]) and an [`AuthError`] a handler answers with
//! ([`Rejection::Handler`], through `IntoResponse` or [`AuthError::to_response`]). A
//! `RejectionLayer` outside them all sees each one, with the request's method and URI, and may
//! answer something else.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode, Uri, Version};
use pin_project_lite::pin_project;
use serde::Serialize;
use tower_layer::Layer;
use tower_service::Service;
use towerapi_encode::{Body, BoxError, LayerBody, Payload};

use crate::form::{FieldError, FormRejection};
use crate::AuthError;

/// A towerapi rejection, as a typed value: what a [`RejectionLayer`]'s hook receives, and what
/// the response of every rejection carries in its extensions.
///
/// The response as FastAPI sends it is already built when the hook runs; [`status`](Self::status),
/// [`detail`](Self::detail) and [`challenges`](Self::challenges) say what it holds, and
/// [`problem_json`](Self::problem_json) gives the same rejection as RFC 9457 problem details.
/// Nothing here holds an internal error's text except [`FormRejection`]'s
/// [`source`](std::error::Error::source), which is for the log.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Rejection {
    /// An [`AuthLayer`](crate::AuthLayer) refused the request: credentials missing or
    /// unreadable (`401 Not authenticated`), refused by the verifier, or by its
    /// [`authorize`](crate::AuthLayer::authorize) check.
    Auth(AuthError),
    /// A scope the route requires is not granted: `403 {"detail":"Not enough permissions"}`
    /// with `WWW-Authenticate: Bearer scope="..."`, from a [`ScopesLayer`](crate::ScopesLayer)
    /// or an [`AuthLayer`](crate::AuthLayer)'s scope check.
    Scopes(AuthError),
    /// A [`FormRejection`]: the password form's `422` (missing or invalid fields, any other
    /// content type included, as FastAPI reads it), `413` (over the limit) or `400` (a body
    /// that cannot be read or parsed), or a `422` of [`FieldError`]s of your own.
    Form(Arc<FormRejection>),
    /// An [`AuthError`] answered by a handler (or any other service) through axum's
    /// `IntoResponse`, [`AuthError::to_response`] or [`AuthError::into_http_response`].
    Handler(AuthError),
}

/// FastAPI's `detail` of a [`Rejection`]: a text, or the list of field errors of a `422`.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Detail<'a> {
    /// `{"detail": "..."}`.
    Text(&'a str),
    /// `{"detail": [...]}`, pydantic's error list.
    Errors(&'a [FieldError]),
}

impl Rejection {
    /// The status of the rejection's response.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Auth(e) | Self::Scopes(e) | Self::Handler(e) => e.status(),
            Self::Form(f) => f.status(),
        }
    }

    /// FastAPI's `detail`: never an internal error's message.
    pub fn detail(&self) -> Detail<'_> {
        match self {
            Self::Auth(e) | Self::Scopes(e) | Self::Handler(e) => Detail::Text(e.detail()),
            Self::Form(f) => f.detail(),
        }
    }

    /// The `WWW-Authenticate` challenges of the response (none for a form).
    pub fn challenges(&self) -> &[HeaderValue] {
        match self {
            Self::Auth(e) | Self::Scopes(e) | Self::Handler(e) => e.challenges(),
            Self::Form(_) => &[],
        }
    }

    /// The [`AuthError`], unless this is a form's rejection.
    pub fn auth_error(&self) -> Option<&AuthError> {
        match self {
            Self::Auth(e) | Self::Scopes(e) | Self::Handler(e) => Some(e),
            Self::Form(_) => None,
        }
    }

    /// The [`FormRejection`], if this is one.
    pub fn form(&self) -> Option<&FormRejection> {
        match self {
            Self::Form(f) => Some(f),
            _ => None,
        }
    }

    /// The rejection as RFC 9457 problem details: `type` `about:blank`, `title` the status's
    /// reason phrase, `status`, `detail` FastAPI's text, and for a `422` the field errors as the
    /// extension member `errors` (no `detail`). Add an `instance` or change a member before
    /// [`to_response`](Problem::to_response).
    pub fn problem(&self) -> Problem {
        let problem = Problem::new(self.status());
        match self.detail() {
            Detail::Text(text) => problem.detail(text),
            Detail::Errors(errors) => problem.errors(errors.to_vec()),
        }
    }

    /// [`problem`](Self::problem) as a response: the status, `content-type:
    /// application/problem+json`, `content-length`, and the rejection's `WWW-Authenticate`
    /// challenges. What [`RejectionLayer::problem_json`] answers.
    ///
    /// ```
    /// use towerapi_auth::{AuthError, Rejection};
    ///
    /// let r = Rejection::Auth(AuthError::not_authenticated(vec!["Bearer".parse().unwrap()]));
    /// let res = r.problem_json();
    /// assert_eq!(res.status(), 401);
    /// assert_eq!(res.headers()["content-type"], "application/problem+json");
    /// assert_eq!(res.headers()["www-authenticate"], "Bearer");
    /// assert_eq!(
    ///     serde_json::to_string(&r.problem()).unwrap(),
    ///     r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}"#
    /// );
    /// ```
    pub fn problem_json(&self) -> Response<Body> {
        let mut res = self.problem().to_response();
        for challenge in self.challenges() {
            res.headers_mut()
                .append(header::WWW_AUTHENTICATE, challenge.clone());
        }
        res
    }
}

impl fmt::Display for Rejection {
    /// The rejection's own `Display`: FastAPI's detail text, or the list of invalid fields;
    /// never an internal error's message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Auth(e) | Self::Scopes(e) | Self::Handler(e) => fmt::Display::fmt(e, f),
            Self::Form(r) => fmt::Display::fmt(&**r, f),
        }
    }
}

/// The media type of [`Problem`]'s responses.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// RFC 9457 problem details, serialized as `{"type":..,"title":..,"status":..,"detail":..,
/// "instance":..,"errors":[..]}` (the absent members left out).
///
/// ```
/// use http::StatusCode;
/// use towerapi_auth::Problem;
///
/// let p = Problem::new(StatusCode::FORBIDDEN).detail("Not enough permissions").instance("/items/1");
/// assert_eq!(
///     serde_json::to_string(&p).unwrap(),
///     r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not enough permissions","instance":"/items/1"}"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    type_uri: Cow<'static, str>,
    title: Cow<'static, str>,
    #[serde(serialize_with = "serialize_status")]
    status: StatusCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<FieldError>>,
}

fn serialize_status<S: serde::Serializer>(status: &StatusCode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u16(status.as_u16())
}

impl Problem {
    /// `type` `about:blank` and `title` the status's reason phrase (`Unauthorized`,
    /// `Unprocessable Entity`; http's canonical phrases), as RFC 9457 asks of `about:blank`.
    pub fn new(status: StatusCode) -> Self {
        let title = match status.canonical_reason() {
            Some(reason) => reason,
            None if status.is_client_error() => "Client Error",
            None if status.is_server_error() => "Server Error",
            None => "Error",
        };
        Self {
            type_uri: Cow::Borrowed("about:blank"),
            title: Cow::Borrowed(title),
            status,
            detail: None,
            instance: None,
            errors: None,
        }
    }

    /// The `type` member: a URI naming the problem type (then set a `title` of its own).
    #[must_use]
    pub fn type_uri(mut self, uri: impl Into<String>) -> Self {
        self.type_uri = Cow::Owned(uri.into());
        self
    }

    /// The `title` member.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Cow::Owned(title.into());
        self
    }

    /// The `detail` member.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The `instance` member: a URI reference to this occurrence (the request's path, say).
    #[must_use]
    pub fn instance(mut self, instance: impl Into<String>) -> Self {
        self.instance = Some(instance.into());
        self
    }

    /// The extension member `errors`: FastAPI's field errors of a `422`.
    #[must_use]
    pub fn errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = Some(errors);
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The JSON body.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Strings, a number and JSON values: serialization cannot fail; keep a body anyway.
        serde_json::to_vec(self).unwrap_or_else(|_| {
            format!(
                r#"{{"type":"about:blank","status":{}}}"#,
                self.status.as_u16()
            )
            .into_bytes()
        })
    }

    /// The response: the status, `content-type: application/problem+json`, `content-length`
    /// and the JSON body.
    pub fn to_response(&self) -> Response<Body> {
        let bytes = self.to_bytes();
        let len = bytes.len();
        let mut res = Response::new(Body::full(bytes));
        *res.status_mut() = self.status;
        let headers = res.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        res
    }
}

/// What a [`RejectionLayer`]'s hook sees of the request: its method, URI and version, and the
/// headers named by [`capture_headers`](RejectionLayer::capture_headers) (none by default).
///
/// The inner service takes the request, so the layer keeps this copy of it for every request
/// it passes on: a method and a URI (reference counts for a URI hyper parsed, no copy of its
/// bytes) and the captured headers' values.
#[derive(Clone, Debug)]
pub struct RequestHead {
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
}

impl RequestHead {
    /// The head of `req`, every header included (for testing a hook).
    pub fn of<B>(req: &Request<B>) -> Self {
        Self {
            method: req.method().clone(),
            uri: req.uri().clone(),
            version: req.version(),
            headers: req.headers().clone(),
        }
    }

    /// The head of `req` with only the headers named `capture`.
    fn capture<B>(req: &Request<B>, capture: &[HeaderName]) -> Self {
        let mut headers = HeaderMap::new();
        for name in capture {
            for value in req.headers().get_all(name) {
                headers.append(name.clone(), value.clone());
            }
        }
        Self {
            method: req.method().clone(),
            uri: req.uri().clone(),
            version: req.version(),
            headers,
        }
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URI, as the request line gave it.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The HTTP version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The captured headers (see [`RejectionLayer::capture_headers`]).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

type Hook = dyn Fn(&Rejection, &RequestHead) -> Option<Response<Body>> + Send + Sync;

/// One rejection hook for the whole app: sees every towerapi [`Rejection`] as a typed value,
/// with the request's [`RequestHead`], and may answer something else (`Some`) or keep
/// FastAPI's answer (`None`).
///
/// Put it once on the router, outside every towerapi layer (`Router::layer` after the others;
/// `ApiRouter::layer` too). It sees the rejections of [`AuthLayer`](crate::AuthLayer)s,
/// [`ScopesLayer`](crate::ScopesLayer)s, the password form extractors and every [`AuthError`]
/// a handler answers with; other responses pass untouched.
///
/// The hook's response replaces the rejection's body; of the rejection's response it keeps:
///
/// - the status, unless the hook's is other than `200` (or the hook returns a
///   [`Reply`](towerapi_encode::Reply) with a status of its own);
/// - the `WWW-Authenticate` challenges, unless the hook's response has its own;
/// - every other header, except the old body's `content-type`, `content-length` and
///   `content-encoding`: a header the hook sets replaces the one of the same name;
/// - the extensions (the hook's added on top), the `Rejection` among them.
///
/// `content-length` is computed from the new body: any that the hook or the rejection set is
/// removed, and the body's exact size, when it has one, is set (never on a `204`, a `304` or a
/// `1xx`).
///
/// A rejection already shaped by a more specific hook passes untouched: an
/// [`AuthLayer::on_reject`](crate::AuthLayer::on_reject) hook, which runs first, or another
/// `RejectionLayer` nearer to the route.
///
/// The hook runs only for rejections, but the request's method and URI are kept for each
/// request (a clone of each: reference counts for what hyper parsed); headers only when asked
/// for with [`capture_headers`](Self::capture_headers). [`problem_json`](Self::problem_json)
/// keeps nothing.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use http::{Request, Response};
/// use http_body_util::BodyExt;
/// use tower::{service_fn, ServiceBuilder, ServiceExt};
/// use towerapi_auth::{AuthLayer, HttpBearer, RejectionLayer};
///
/// let svc = ServiceBuilder::new()
///     .layer(RejectionLayer::new(|rejection, head| {
///         Some(rejection.problem().instance(head.uri().path()).to_response())
///     }))
///     .layer(AuthLayer::new(HttpBearer::new()))
///     .service(service_fn(|_req: Request<()>| async {
///         Ok::<_, std::convert::Infallible>(Response::new(towerapi_encode::Body::full("ok")))
///     }));
/// let res = svc.oneshot(Request::get("/items/1").body(()).unwrap()).await.unwrap();
/// assert_eq!(res.status(), 401);
/// assert_eq!(res.headers()["www-authenticate"], "Bearer");
/// assert_eq!(res.headers()["content-type"], "application/problem+json");
/// let length = res.headers()["content-length"].clone();
/// let body = res.into_body().collect().await.unwrap().to_bytes();
/// assert_eq!(
///     body,
///     r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated","instance":"/items/1"}"#
/// );
/// assert_eq!(length, body.len().to_string());
/// # }
/// ```
#[derive(Clone)]
#[must_use]
pub struct RejectionLayer {
    hook: Arc<Hook>,
    capture: Arc<[HeaderName]>,
    keep_head: bool,
    doc_problem: bool,
}

impl fmt::Debug for RejectionLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RejectionLayer")
            .field("capture", &self.capture)
            .field("problem_json", &self.doc_problem)
            .finish_non_exhaustive()
    }
}

impl RejectionLayer {
    /// Calls `hook` for every rejection; `Some` is the answer (see the rules above), `None`
    /// keeps the rejection's own.
    pub fn new<F>(hook: F) -> Self
    where
        F: Fn(&Rejection, &RequestHead) -> Option<Response<Body>> + Send + Sync + 'static,
    {
        Self {
            hook: Arc::new(hook),
            capture: Arc::new([]),
            keep_head: true,
            doc_problem: false,
        }
    }

    /// Answers every rejection with [`Rejection::problem_json`]: RFC 9457's
    /// `application/problem+json`, the status and challenges kept, FastAPI's detail as
    /// `detail` and a `422`'s field errors as `errors`. The OpenAPI document says so.
    pub fn problem_json() -> Self {
        Self {
            hook: Arc::new(|rejection: &Rejection, _: &RequestHead| Some(rejection.problem_json())),
            capture: Arc::new([]),
            keep_head: false,
            doc_problem: true,
        }
    }

    /// Keeps these request headers for the hook ([`RequestHead::headers`]): `accept`, say,
    /// to answer in the client's format. Each request pays a copy of their values.
    pub fn capture_headers<I: IntoIterator<Item = HeaderName>>(mut self, names: I) -> Self {
        self.capture = names.into_iter().collect();
        self.keep_head = true;
        self
    }

    /// Tells the OpenAPI document that the hook answers problem details, as
    /// [`problem_json`](Self::problem_json) does (a hook that adds an `instance`, say).
    /// Otherwise the rejections of the routes under a hook are documented without a body
    /// schema: the body is the hook's.
    pub fn document_problem_json(mut self) -> Self {
        self.doc_problem = true;
        self
    }
}

impl<S> Layer<S> for RejectionLayer {
    type Service = Rejections<S>;

    fn layer(&self, inner: S) -> Self::Service {
        #[cfg(feature = "openapi")]
        towerapi_openapi::note(self);
        Rejections {
            inner,
            shared: Arc::new(Shared {
                hook: self.hook.clone(),
                capture: self.capture.clone(),
                keep_head: self.keep_head,
            }),
        }
    }
}

struct Shared {
    hook: Arc<Hook>,
    capture: Arc<[HeaderName]>,
    keep_head: bool,
}

/// The service of [`RejectionLayer`].
pub struct Rejections<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S: Clone> Clone for Rejections<S> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            shared: self.shared.clone(),
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for Rejections<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejections")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl<S> Rejections<S> {
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

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Rejections<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: http_body::Body<Data = Bytes>,
    ResBody::Error: Into<BoxError>,
{
    type Response = Response<LayerBody<ResBody>>;
    type Error = S::Error;
    type Future = RejectionFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        let head = self
            .shared
            .keep_head
            .then(|| RequestHead::capture(&req, &self.shared.capture));
        RejectionFuture {
            future: self.inner.call(req),
            head,
            shared: self.shared.clone(),
        }
    }
}

pin_project! {
    /// The response future of [`Rejections`].
    pub struct RejectionFuture<F> {
        #[pin]
        future: F,
        head: Option<RequestHead>,
        shared: Arc<Shared>,
    }
}

impl<F> fmt::Debug for RejectionFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RejectionFuture").finish_non_exhaustive()
    }
}

impl<F, B, E> Future for RejectionFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<LayerBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let res = ready!(this.future.poll(cx))?;
        Poll::Ready(Ok(respond(res, this.shared, this.head.take())))
    }
}

/// Put into a response by a hook that shaped its rejection (an `on_reject`, a
/// `RejectionLayer`): the outer `RejectionLayer`s leave it as it is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reshaped;

/// Puts `rejection` into the response's extensions (and its `AuthError`, as the layers always
/// did).
pub(crate) fn mark<B>(res: &mut Response<B>, rejection: Rejection) {
    if let Some(error) = rejection.auth_error() {
        res.extensions_mut().insert(error.clone());
    }
    res.extensions_mut().insert(rejection);
}

/// Marks the response as shaped by a hook already.
pub(crate) fn mark_reshaped<B>(res: &mut Response<B>) {
    res.extensions_mut().insert(Reshaped);
}

/// Turns the response's [`Rejection::Auth`] into a [`Rejection::Scopes`]: the layer's scope
/// check refused the request.
pub(crate) fn into_scopes<B>(mut res: Response<B>) -> Response<B> {
    if let Some(Rejection::Auth(error)) = res.extensions_mut().remove::<Rejection>() {
        res.extensions_mut().insert(Rejection::Scopes(error));
    }
    res
}

/// The rejection of a response, if it is one that no hook shaped yet.
fn rejection_of<B>(res: &Response<B>) -> Option<Cow<'_, Rejection>> {
    let extensions = res.extensions();
    if extensions.get::<Reshaped>().is_some() {
        return None;
    }
    if let Some(rejection) = extensions.get::<Rejection>() {
        return Some(Cow::Borrowed(rejection));
    }
    // An AuthError put there by hand.
    extensions
        .get::<AuthError>()
        .map(|error| Cow::Owned(Rejection::Handler(error.clone())))
}

fn respond<B>(
    res: Response<B>,
    shared: &Shared,
    head: Option<RequestHead>,
) -> Response<LayerBody<B>> {
    let answer = match rejection_of(&res) {
        None => None,
        Some(rejection) => {
            let head = head.unwrap_or_else(|| RequestHead {
                method: Method::default(),
                uri: Uri::default(),
                version: Version::default(),
                headers: HeaderMap::new(),
            });
            (shared.hook)(&rejection, &head)
        }
    };
    match answer {
        None => res.map(LayerBody::inner),
        Some(answer) => reshape(res, answer),
    }
}

/// The status of a rejection hook's answer (`AuthLayer::on_reject`, [`RejectionLayer`]): the
/// one the answer chose, else the refusal's. A value not rendered yet (a [`Payload`]) keeps its
/// response's status and takes the refusal's as its explicit one unless it chose its own
/// ([`Payload::explicit_status`]); an outer `SerializeLayer` renders it. Any other answer chose
/// its status unless it is `200`.
pub(crate) fn answer_status(
    answer: StatusCode,
    extensions: &mut http::Extensions,
    refusal: StatusCode,
) -> StatusCode {
    match extensions.get_mut::<Payload>() {
        Some(payload) => {
            if payload.explicit_status(answer).is_none() {
                payload.set_status(Some(refusal));
            }
            answer
        }
        None if answer == StatusCode::OK => refusal,
        None => answer,
    }
}

/// The rejection's response with the hook's answer, by the rules of [`RejectionLayer`].
fn reshape<B>(rejection: Response<B>, answer: Response<Body>) -> Response<LayerBody<B>> {
    let (mut parts, old_body) = rejection.into_parts();
    drop(old_body);
    let (answer, body) = answer.into_parts();
    let mut extensions = answer.extensions;

    parts.status = answer_status(answer.status, &mut extensions, parts.status);

    // The headers of the old body.
    for name in [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
    ] {
        parts.headers.remove(name);
    }
    let mut current: Option<HeaderName> = None;
    for (name, value) in answer.headers {
        if let Some(name) = name {
            parts.headers.remove(&name);
            current = Some(name);
        }
        if let Some(name) = &current {
            parts.headers.append(name.clone(), value);
        }
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    let status = parts.status;
    let bodiless = status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    if !bodiless {
        if let Some(len) = http_body::Body::size_hint(&body).exact() {
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        }
    }

    parts.extensions.extend(extensions);
    parts.extensions.insert(Reshaped);
    Response::from_parts(parts, LayerBody::own(body))
}

// ---- OpenAPI --------------------------------------------------------------------------------

/// The note a `RejectionLayer` leaves in the operation it wraps, under a response key the
/// document never writes (only status codes are), for the layers inside it that document a
/// rejection. Were it ever written, `x-` keys are OpenAPI extensions.
#[cfg(feature = "openapi")]
const DOC_NOTE: &str = "x-towerapi-rejections";
#[cfg(feature = "openapi")]
const NOTE_PROBLEM: &str = "problem+json";
#[cfg(feature = "openapi")]
const NOTE_HOOK: &str = "hook";

/// How the rejections of an operation are documented.
#[cfg(feature = "openapi")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DocShape {
    /// FastAPI's body (no `RejectionLayer` outside).
    Fastapi,
    /// Problem details.
    Problem,
    /// A hook's body, unknown.
    Hook,
}

/// The shape the `RejectionLayer`s outside this layer give its rejections.
#[cfg(feature = "openapi")]
pub(crate) fn doc_shape(op: &towerapi_openapi::OperationDraft) -> DocShape {
    match op.operation.responses.get(DOC_NOTE) {
        None => DocShape::Fastapi,
        Some(note) if note.description == NOTE_PROBLEM => DocShape::Problem,
        Some(_) => DocShape::Hook,
    }
}

/// A rejection's documented response as the `RejectionLayer` outside reshapes it: a problem
/// details body (`errors`: the schema of the field errors, for a 422) or no schema.
#[cfg(feature = "openapi")]
pub(crate) fn document(
    shape: DocShape,
    response: &mut towerapi_openapi::model::Response,
    errors: Option<towerapi_openapi::schemars::Schema>,
) {
    use towerapi_openapi::model::{MediaType, OrderedMap};
    use towerapi_openapi::schemars::json_schema;
    match shape {
        DocShape::Fastapi => {}
        DocShape::Hook => response.content = OrderedMap::new(),
        DocShape::Problem => {
            let mut schema = json_schema!({
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "instance": {"type": "string"}
                },
                "required": ["type", "title", "status"]
            });
            if let Some(items) = errors {
                if let Some(properties) = schema
                    .get_mut("properties")
                    .and_then(serde_json::Value::as_object_mut)
                {
                    properties.insert(
                        "errors".to_owned(),
                        serde_json::json!({"type": "array", "items": items}),
                    );
                }
                if let Some(required) = schema
                    .get_mut("required")
                    .and_then(serde_json::Value::as_array_mut)
                {
                    required.push("errors".into());
                }
            }
            let mut content = OrderedMap::new();
            content.insert(
                PROBLEM_JSON,
                MediaType {
                    schema: Some(schema),
                },
            );
            response.content = content;
        }
    }
}

/// The layer's part of the OpenAPI document: the rejections that the layers inside it
/// document (an [`AuthLayer`](crate::AuthLayer)'s `401`, a [`ScopesLayer`](crate::ScopesLayer)'s
/// `403`, the password form's `422`) are written as it answers them: problem details
/// (`application/problem+json`, with `errors` for the `422`) under
/// [`problem_json`](RejectionLayer::problem_json) or
/// [`document_problem_json`](RejectionLayer::document_problem_json), else without a body
/// schema. Their `WWW-Authenticate` headers stay. A `401` of an `AuthLayer` with its own
/// [`on_reject`](crate::AuthLayer::on_reject) is that hook's, as before.
#[cfg(feature = "openapi")]
impl towerapi_openapi::Describe for RejectionLayer {
    fn describe(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<(), towerapi_openapi::DocError> {
        // The layer nearest to the route shapes the rejections: it describes last, and wins.
        let note = if self.doc_problem {
            NOTE_PROBLEM
        } else {
            NOTE_HOOK
        };
        cx.operation()
            .operation
            .responses
            .insert(DOC_NOTE, towerapi_openapi::model::Response::new(note));
        Ok(())
    }
}

#[cfg(test)]
mod tests;

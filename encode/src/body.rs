//! The body type of the responses this crate builds.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::BodyExt;

/// A boxed error, as tower-http and axum use.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body of every response built by this crate: bytes in memory, or a stream (a file, a
/// [`Stream`](crate::class::Stream) response).
///
/// With axum it converts into `axum::body::Body`; with hyper it is served as is.
pub struct Body(Kind);

enum Kind {
    Full(Option<Bytes>),
    Boxed(UnsyncBoxBody<Bytes, BoxError>),
    /// The `500 Internal Server Error` text of a [`Reply`](crate::Reply) or
    /// [`File`](crate::class::File) that no `SerializeLayer` took over: logged when it is sent.
    Unrendered {
        what: &'static str,
        bytes: Option<Bytes>,
    },
}

impl Body {
    /// An empty body.
    pub fn empty() -> Self {
        Self(Kind::Full(None))
    }

    /// A body of the given bytes.
    pub fn full(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        if bytes.is_empty() {
            Self::empty()
        } else {
            Self(Kind::Full(Some(bytes)))
        }
    }

    /// The body of the `500` a [`Reply`](crate::Reply) or a [`File`](crate::class::File) is
    /// until a `SerializeLayer` replaces it: `Internal Server Error`, and an error event
    /// (target `towerapi::serialize`) naming `what` the first time it is polled, which happens
    /// only when the response is sent without having been rendered.
    pub(crate) fn unrendered(what: &'static str) -> Self {
        Self(Kind::Unrendered {
            what,
            bytes: Some(Bytes::from_static(
                crate::class::INTERNAL_SERVER_ERROR.as_bytes(),
            )),
        })
    }

    /// Wraps any other body.
    pub fn new<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Self(Kind::Boxed(body.map_err(Into::into).boxed_unsync()))
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Full(b) => f.debug_tuple("Body::Full").field(b).finish(),
            Kind::Boxed(_) => f.write_str("Body::Stream"),
            Kind::Unrendered { what, .. } => f.debug_tuple("Body::Unrendered").field(what).finish(),
        }
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self::full(bytes)
    }
}

impl From<String> for Body {
    fn from(s: String) -> Self {
        Self::full(s)
    }
}

impl From<&'static str> for Body {
    fn from(s: &'static str) -> Self {
        Self::full(s)
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.0 {
            Kind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Boxed(body) => Pin::new(body).poll_frame(cx),
            Kind::Unrendered { what, bytes } => Poll::Ready(bytes.take().map(|b| {
                tracing::error!(
                    target: "towerapi::serialize",
                    value = *what,
                    "a response was sent unrendered, as 500 Internal Server Error: no \
                     SerializeLayer is on this route to turn the returned value into a body \
                     (add SerializeLayer::json(), or another class, to the router or the route)"
                );
                Ok(Frame::data(b))
            })),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            Kind::Full(bytes) => bytes.is_none(),
            Kind::Boxed(body) => body.is_end_stream(),
            Kind::Unrendered { bytes, .. } => bytes.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Kind::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Boxed(body) => body.size_hint(),
            Kind::Unrendered { bytes, .. } => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
        }
    }
}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for Body {
    fn into_response(self) -> axum_core::response::Response {
        http::Response::new(axum_core::body::Body::new(self))
    }
}

/// Turns a response of ours into an axum response.
#[cfg(feature = "axum")]
pub(crate) fn into_axum(res: http::Response<Body>) -> axum_core::response::Response {
    res.map(axum_core::body::Body::new)
}

pin_project_lite::pin_project! {
    /// The response body of a layer that passes the inner response on or answers itself (a
    /// rejection, a serialized payload): either the inner body, untouched, or a [`Body`] of ours.
    pub struct LayerBody<B> {
        #[pin]
        kind: LayerKind<B>,
    }
}

pin_project_lite::pin_project! {
    #[project = LayerKindProj]
    enum LayerKind<B> {
        Inner { #[pin] body: B },
        Own { #[pin] body: Body },
        Replacing { #[pin] body: Body, replaced: B },
    }
}

impl<B> LayerBody<B> {
    /// The inner service's body.
    pub fn inner(body: B) -> Self {
        Self {
            kind: LayerKind::Inner { body },
        }
    }

    /// A body of ours.
    pub fn own(body: Body) -> Self {
        Self {
            kind: LayerKind::Own { body },
        }
    }

    /// A body of ours that stands for the inner one, which is kept, never polled, until this
    /// one is dropped: what waits for the inner body to go (background tasks started when the
    /// body is sent) waits for the body that is actually sent.
    pub fn replacing(body: Body, replaced: B) -> Self {
        Self {
            kind: LayerKind::Replacing { body, replaced },
        }
    }
}

impl<B> fmt::Debug for LayerBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            LayerKind::Inner { .. } => f.write_str("LayerBody::Inner"),
            LayerKind::Own { body } | LayerKind::Replacing { body, .. } => {
                f.debug_tuple("LayerBody::Own").field(body).finish()
            }
        }
    }
}

impl<B> http_body::Body for LayerBody<B>
where
    B: http_body::Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.project().kind.project() {
            LayerKindProj::Inner { body } => body.poll_frame(cx).map_err(Into::into),
            LayerKindProj::Own { body } | LayerKindProj::Replacing { body, .. } => {
                body.poll_frame(cx)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            LayerKind::Inner { body } => body.is_end_stream(),
            LayerKind::Own { body } | LayerKind::Replacing { body, .. } => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            LayerKind::Inner { body } => body.size_hint(),
            LayerKind::Own { body } | LayerKind::Replacing { body, .. } => body.size_hint(),
        }
    }
}

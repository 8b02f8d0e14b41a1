//! Streamed bodies, as Starlette's `StreamingResponse`.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream as FuturesStream;
use http::{header, HeaderValue};
use http_body::Frame;
use pin_project_lite::pin_project;

use super::with_charset;
use crate::body::{Body, BoxError};

/// A streamed response, as FastAPI's `StreamingResponse`: chunked (no `content-length`), and no
/// `content-type` unless one is given (`text/*` types get `; charset=utf-8`).
///
/// # Example
/// ```
/// use towerapi_encode::class::Stream;
///
/// let res = Stream::from_iter(["chunk1\n", "chunk2\n"]).media_type("text/plain").into_http_response();
/// assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
/// assert!(res.headers().get("content-length").is_none());
/// ```
#[must_use]
#[derive(Debug)]
pub struct Stream {
    body: Body,
    media_type: Option<String>,
}

impl Stream {
    /// Streams the items of `stream`; an error ends the response early (the connection is
    /// closed, as when a Python generator raises).
    pub fn new<S, E>(stream: S) -> Self
    where
        S: FuturesStream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Self {
            body: Body::new(StreamBody { stream }),
            media_type: None,
        }
    }

    /// Streams the items of an iterator, one chunk each.
    #[allow(clippy::should_implement_trait)]
    pub fn from_iter<I>(chunks: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Bytes>,
        I::IntoIter: Send + Unpin + 'static,
    {
        Self::new(Iter(chunks.into_iter()))
    }

    /// The media type (none by default).
    pub fn media_type(mut self, media_type: impl Into<String>) -> Self {
        self.media_type = Some(media_type.into());
        self
    }

    /// The response. A media type that is not a valid header value is left out and logged.
    pub fn into_http_response(self) -> http::Response<Body> {
        let mut res = http::Response::new(self.body);
        if let Some(media_type) = self.media_type {
            match HeaderValue::try_from(with_charset(&media_type).as_ref()) {
                Ok(v) => {
                    res.headers_mut().insert(header::CONTENT_TYPE, v);
                }
                Err(_) => {
                    tracing::error!(target: "towerapi::encode", media_type, "Stream was given an invalid media type");
                }
            }
        }
        res
    }
}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for Stream {
    fn into_response(self) -> axum_core::response::Response {
        crate::body::into_axum(Stream::into_http_response(self))
    }
}

struct Iter<I>(I);

impl<I> FuturesStream for Iter<I>
where
    I: Iterator + Unpin,
    I::Item: Into<Bytes>,
{
    type Item = Result<Bytes, std::convert::Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.0.next().map(|b| Ok(b.into())))
    }
}

pin_project! {
    struct StreamBody<S> {
        #[pin]
        stream: S,
    }
}

impl<S, E> http_body::Body for StreamBody<S>
where
    S: FuturesStream<Item = Result<Bytes, E>>,
{
    type Data = Bytes;
    type Error = E;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, E>>> {
        self.project()
            .stream
            .poll_next(cx)
            .map(|item| item.map(|r| r.map(Frame::data)))
    }
}

//! Text classes: HTML and plain text.

use http::HeaderValue;

use super::{RenderError, Rendered, ResponseClass};
use crate::body::Body;
use crate::payload::Payload;

pub(crate) const TEXT_HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");
pub(crate) const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");

/// HTML, as FastAPI's `HTMLResponse`: the payload must be a string, sent as is with
/// `content-type: text/html; charset=utf-8`.
///
/// # Example
/// ```
/// use towerapi_encode::class::Html;
///
/// let res = Html::response("<h1>Hello</h1>");
/// assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
/// assert_eq!(res.headers()["content-length"], "14");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Html;

/// Plain text, as FastAPI's `PlainTextResponse`: the payload must be a string, sent as is with
/// `content-type: text/plain; charset=utf-8`.
///
/// # Example
/// ```
/// use towerapi_encode::class::PlainText;
///
/// let res = PlainText::response("plain text ✓");
/// assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
/// assert_eq!(res.headers()["content-length"], "14");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct PlainText;

impl Html {
    /// FastAPI's `HTMLResponse(content)` returned directly.
    pub fn response(content: impl Into<String>) -> http::Response<Body> {
        Rendered::ok(TEXT_HTML, content.into()).into_http_response()
    }
}

impl PlainText {
    /// FastAPI's `PlainTextResponse(content)` returned directly.
    pub fn response(content: impl Into<String>) -> http::Response<Body> {
        Rendered::ok(TEXT_PLAIN, content.into()).into_http_response()
    }
}

fn render_text(
    class: &'static str,
    content_type: HeaderValue,
    payload: &Payload,
) -> Result<Rendered, RenderError> {
    // A static string is sent as it is, without a copy.
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        return Ok(Rendered::ok(
            content_type,
            bytes::Bytes::from_static(text.as_bytes()),
        ));
    }
    let text = payload
        .as_text()
        .ok_or_else(|| RenderError::not_text(class, payload))?;
    Ok(Rendered::ok(content_type, text.into_owned()))
}

impl ResponseClass for Html {
    fn media_type(&self) -> Option<&'static str> {
        Some("text/html")
    }

    fn render(&self, payload: &Payload) -> Result<Rendered, RenderError> {
        render_text("Html", TEXT_HTML, payload)
    }
}

impl ResponseClass for PlainText {
    fn media_type(&self) -> Option<&'static str> {
        Some("text/plain")
    }

    fn render(&self, payload: &Payload) -> Result<Rendered, RenderError> {
        render_text("PlainText", TEXT_PLAIN, payload)
    }
}

//! Redirects, as Starlette's `RedirectResponse`.

use http::{header, HeaderMap, HeaderValue, StatusCode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{RenderError, Rendered, ResponseClass};
use crate::body::Body;
use crate::payload::Payload;

/// Characters Starlette leaves unquoted in a redirect URL:
/// `quote(url, safe=":/%#?=@[]!$&'()*+,;")`, plus Python's always-safe `_.-~`.
const URL_QUOTE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~')
    .remove(b':')
    .remove(b'/')
    .remove(b'%')
    .remove(b'#')
    .remove(b'?')
    .remove(b'=')
    .remove(b'@')
    .remove(b'[')
    .remove(b']')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';');

/// A redirect, as FastAPI's `RedirectResponse`: `307 Temporary Redirect` by default, a
/// `location` header with the URL percent-quoted as Starlette quotes it (spaces and non-ASCII
/// encoded; `:/?#[]@!$&'()*+,;=%` kept), no content-type and `content-length: 0`.
///
/// As a route's class (`SerializeLayer::new(Redirect)`), the handler returns the URL as a string
/// and the route's status (a `StatusLayer`) may replace the 307.
///
/// # Example
/// ```
/// use towerapi_encode::class::Redirect;
///
/// let res = Redirect::to("https://example.com/a b/é?q=1 2#frag");
/// assert_eq!(res.status(), 307);
/// assert_eq!(res.headers()["location"], "https://example.com/a%20b/%C3%A9?q=1%202#frag");
/// assert_eq!(res.headers()["content-length"], "0");
/// assert!(res.headers().get("content-type").is_none());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Redirect;

impl Redirect {
    /// `307 Temporary Redirect` to `url`.
    pub fn to(url: &str) -> http::Response<Body> {
        Self::with_status(url, StatusCode::TEMPORARY_REDIRECT)
    }

    /// A redirect with another status (301, 302, 303, 308...), as `RedirectResponse(url,
    /// status_code=...)`.
    pub fn with_status(url: &str, status: StatusCode) -> http::Response<Body> {
        let mut rendered = render_url(url);
        rendered.status = status;
        rendered.into_http_response()
    }

    /// The URL as Starlette writes it into `location`.
    pub fn quote(url: &str) -> String {
        utf8_percent_encode(url, URL_QUOTE).to_string()
    }
}

fn render_url(url: &str) -> Rendered {
    let quoted = Redirect::quote(url);
    let mut headers = HeaderMap::with_capacity(2);
    // Every byte outside visible ASCII was percent-encoded, so this is a valid header value.
    if let Ok(location) = HeaderValue::try_from(quoted) {
        headers.insert(header::LOCATION, location);
    }
    Rendered {
        status: StatusCode::TEMPORARY_REDIRECT,
        content_type: None,
        headers,
        body: bytes::Bytes::new(),
    }
}

impl ResponseClass for Redirect {
    fn media_type(&self) -> Option<&'static str> {
        None
    }

    fn default_status(&self) -> StatusCode {
        StatusCode::TEMPORARY_REDIRECT
    }

    fn render(&self, payload: &Payload) -> Result<Rendered, RenderError> {
        let url = payload
            .as_text()
            .ok_or_else(|| RenderError::not_text("Redirect", payload))?;
        Ok(render_url(&url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_as_starlette() {
        assert_eq!(
            Redirect::quote("https://example.com/a b/é?q=1 2&r=é#frag"),
            "https://example.com/a%20b/%C3%A9?q=1%202&r=%C3%A9#frag"
        );
        assert_eq!(Redirect::quote("/already%20quoted"), "/already%20quoted");
        assert_eq!(
            Redirect::quote("/x\r\ny\"<>{}|\\^`"),
            "/x%0D%0Ay%22%3C%3E%7B%7D%7C%5C%5E%60"
        );
        assert_eq!(
            Redirect::quote("/a_b.c-d~e:f@g!h$i&j'k(l)m*n+o,p;q=r[s]"),
            "/a_b.c-d~e:f@g!h$i&j'k(l)m*n+o,p;q=r[s]"
        );
    }

    #[test]
    fn statuses() {
        for status in [301u16, 302, 303, 307, 308] {
            let s = StatusCode::from_u16(status).expect("valid");
            let res = Redirect::with_status("/resp/dict", s);
            assert_eq!(res.status(), s);
            assert_eq!(res.headers()["location"], "/resp/dict");
            assert_eq!(res.headers()["content-length"], "0");
            assert_eq!(res.headers().len(), 2);
        }
    }
}

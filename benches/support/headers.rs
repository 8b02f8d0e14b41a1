//! The ordinary headers of a browser or API client's request, which every benchmark request
//! carries so that header lookups pay what they pay in production.

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// Inserts the 8 ordinary headers (host, user-agent, accept, accept-encoding, accept-language,
/// connection, cookie, x-request-id).
pub(crate) fn insert_ordinary(headers: &mut HeaderMap, host: &'static str) {
    let ordinary = [
        (header::HOST, host),
        (
            header::USER_AGENT,
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101",
        ),
        (header::ACCEPT, "application/json, text/plain, */*"),
        (header::ACCEPT_ENCODING, "gzip, deflate, br"),
        (header::ACCEPT_LANGUAGE, "en-US,en;q=0.9"),
        (header::CONNECTION, "keep-alive"),
        (header::COOKIE, "session=3f9a1c; theme=dark; lang=en"),
        (
            HeaderName::from_static("x-request-id"),
            "6f1d2c3b-9a8e-4b7f-8c6d-5e4f3a2b1c0d",
        ),
    ];
    for (name, value) in ordinary {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

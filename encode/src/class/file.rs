//! Files, as Starlette's `FileResponse`, served by tower-http's `ServeFile`.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use tower_http::services::ServeFile;
use tower_service::Service;

use super::{internal_server_error, with_charset};
use crate::body::Body;

/// Python's `urllib.parse.quote(s)` (safe `/`, plus the always-safe `_.-~`).
const FILENAME_QUOTE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~')
    .remove(b'/');

/// A file, as FastAPI's `FileResponse`.
///
/// - `content-type` is the given media type, or guessed from the download name (or the path),
///   `text/plain` when nothing is known; `text/*` types get `; charset=utf-8`, as Starlette does.
/// - With [`filename`](File::filename): `content-disposition: attachment; filename="report.txt"`,
///   or `attachment; filename*=utf-8''r%C3%A9sum%C3%A9%201.txt` when the name needs quoting.
/// - `Range`, `If-Modified-Since`, `If-Unmodified-Since`, `last-modified`, `accept-ranges` and HEAD
///   are tower-http's [`ServeFile`]; this type adds an `etag` (from the file's modification time
///   and size, as Starlette's) and answers `If-None-Match` with `304`.
/// - A file that does not exist or cannot be read is a server fault: `500 Internal Server
///   Error` and an error event, as Starlette raises.
///
/// A file needs the request's conditional and range headers. Return it from a handler under a
/// `SerializeLayer`, which serves it with the request it saw, or call [`File::serve`] yourself.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use towerapi_encode::class::{File, FileRequest};
///
/// # let dir = std::env::temp_dir().join("towerapi-doc-file"); std::fs::create_dir_all(&dir).unwrap();
/// # let path = dir.join("hello.txt"); std::fs::write(&path, "hello\n").unwrap();
/// let res = File::new(&path).filename("résumé 1.txt").serve(&FileRequest::get()).await;
/// assert_eq!(res.status(), 200);
/// assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
/// assert_eq!(res.headers()["content-disposition"], "attachment; filename*=utf-8''r%C3%A9sum%C3%A9%201.txt");
/// # }
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct File {
    path: PathBuf,
    filename: Option<String>,
    media_type: Option<String>,
    inline: bool,
}

/// What serving a file reads of the request: the method and the range and conditional headers.
/// Capturing it copies only those headers, and only when present.
#[derive(Clone, Debug)]
pub struct FileRequest {
    method: Method,
    headers: HeaderMap,
}

const FILE_REQUEST_HEADERS: [HeaderName; 6] = [
    header::RANGE,
    header::IF_RANGE,
    header::IF_MODIFIED_SINCE,
    header::IF_UNMODIFIED_SINCE,
    header::IF_NONE_MATCH,
    header::IF_MATCH,
];

impl FileRequest {
    /// A plain `GET` with no conditions.
    pub fn get() -> Self {
        Self::plain(Method::GET)
    }

    /// A request with this method and no range or conditional header.
    pub fn plain(method: Method) -> Self {
        Self {
            method,
            headers: HeaderMap::new(),
        }
    }

    /// The request's method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// Takes what file serving needs from a request.
    pub fn from_request<B>(req: &Request<B>) -> Self {
        Self::new(req.method(), req.headers())
    }

    /// Takes what file serving needs from a method and headers.
    pub fn new(method: &Method, headers: &HeaderMap) -> Self {
        Self::conditions(method, headers).unwrap_or_else(|| Self::plain(method.clone()))
    }

    /// What file serving needs, only when the request has a range or conditional header:
    /// `None` for the usual request, which [`plain`](Self::plain) with its method stands for.
    /// `SerializeLayer` calls this on every request, so that a JSON response costs one scan
    /// of the header names and no copy.
    pub fn conditions(method: &Method, headers: &HeaderMap) -> Option<Self> {
        // One pass over the request's few headers, with a test on the name's first bytes
        // (all six are `range` or start with `if-`) before the exact comparison.
        let mut kept: Option<HeaderMap> = None;
        for (name, value) in headers {
            let bytes = name.as_str().as_bytes();
            let candidate = bytes.starts_with(b"if-") || bytes == b"range";
            if candidate && FILE_REQUEST_HEADERS.contains(name) {
                kept.get_or_insert_with(HeaderMap::new)
                    .append(name.clone(), value.clone());
            }
        }
        kept.map(|headers| Self {
            method: method.clone(),
            headers,
        })
    }
}

impl File {
    /// The file at `path`.
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_path_buf(),
            filename: None,
            media_type: None,
            inline: false,
        }
    }

    /// The download name: adds `content-disposition: attachment; ...`.
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }

    /// The media type, instead of guessing it.
    pub fn media_type(mut self, media_type: impl Into<String>) -> Self {
        self.media_type = Some(media_type.into());
        self
    }

    /// `content-disposition: inline` instead of `attachment` (Starlette's
    /// `content_disposition_type="inline"`).
    pub fn inline(mut self) -> Self {
        self.inline = true;
        self
    }

    /// A response that a `SerializeLayer` serves with the request's headers. Without such a
    /// layer on the route it stays a `500 Internal Server Error`, and an error event (target
    /// `towerapi::serialize`) says the layer is missing when the response is sent.
    pub fn into_http_response(self) -> http::Response<Body> {
        let mut res = internal_server_error();
        *res.body_mut() = Body::unrendered("towerapi_encode::class::File");
        res.extensions_mut().insert(self);
        res
    }

    /// Serves the file for this request.
    pub async fn serve(self, req: &FileRequest) -> http::Response<Body> {
        match self.try_serve(req).await {
            Ok(res) => res,
            Err(error) => {
                tracing::error!(target: "towerapi::encode", %error, path = %self.path.display(), "File could not be served");
                internal_server_error()
            }
        }
    }

    async fn try_serve(&self, req: &FileRequest) -> Result<http::Response<Body>, FileError> {
        let meta = tokio_metadata(&self.path).await?;
        if !meta.is_file() {
            return Err(FileError::NotAFile);
        }
        let media_type = match &self.media_type {
            Some(m) => with_charset(m).into_owned(),
            None => {
                let name = self
                    .filename
                    .as_deref()
                    .map(Path::new)
                    .unwrap_or(&self.path);
                let guess = mime_guess::from_path(name)
                    .first_raw()
                    .unwrap_or("text/plain");
                with_charset(guess).into_owned()
            }
        };
        let mime: mime_guess::mime::Mime = media_type.parse().map_err(|_| FileError::MediaType)?;
        let etag = etag(&meta);

        if matches!(req.method, Method::GET | Method::HEAD) {
            if let Some(inm) = req.headers.get(header::IF_NONE_MATCH) {
                if if_none_match_hits(inm, &etag) {
                    let mut res = http::Response::new(Body::empty());
                    *res.status_mut() = StatusCode::NOT_MODIFIED;
                    res.headers_mut().insert(header::ETAG, etag);
                    return Ok(res);
                }
            }
        }

        // Starlette serves a FileResponse for any method; tower-http's ServeFile only for GET
        // and HEAD.
        let method = if req.method == Method::HEAD {
            Method::HEAD
        } else {
            Method::GET
        };
        let mut inner = Request::new(http_body_util::Empty::<bytes::Bytes>::new());
        *inner.method_mut() = method;
        *inner.headers_mut() = req.headers.clone();
        let res = match ServeFile::new_with_mime(&self.path, &mime)
            .call(inner)
            .await
        {
            Ok(res) => res,
            Err(never) => match never {},
        };
        let mut res = res.map(Body::new);
        if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
            res.headers_mut().insert(header::ETAG, etag);
        }
        if res.status().is_success() {
            if let Some(disposition) = self.disposition() {
                res.headers_mut()
                    .insert(header::CONTENT_DISPOSITION, disposition);
            }
        }
        Ok(res)
    }

    fn disposition(&self) -> Option<HeaderValue> {
        let kind = if self.inline { "inline" } else { "attachment" };
        let value = match &self.filename {
            None if self.inline => kind.to_owned(),
            None => return None,
            Some(name) => {
                let quoted = utf8_percent_encode(name, FILENAME_QUOTE).to_string();
                if quoted != *name {
                    format!("{kind}; filename*=utf-8''{quoted}")
                } else {
                    format!("{kind}; filename=\"{name}\"")
                }
            }
        };
        // Anything outside the quote set was percent-encoded: a valid header value.
        HeaderValue::try_from(value).ok()
    }
}

async fn tokio_metadata(path: &Path) -> Result<std::fs::Metadata, FileError> {
    tokio::fs::metadata(path).await.map_err(FileError::Io)
}

fn etag(meta: &std::fs::Metadata) -> HeaderValue {
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    HeaderValue::try_from(format!("\"{mtime:x}-{:x}\"", meta.len()))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

fn if_none_match_hits(header: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(header) = header.to_str() else {
        return false;
    };
    let etag = etag.as_bytes();
    header.split(',').map(str::trim).any(|tag| {
        tag == "*"
            || tag.as_bytes() == etag
            || tag.strip_prefix("W/").is_some_and(|t| t.as_bytes() == etag)
    })
}

#[derive(Debug)]
enum FileError {
    Io(std::io::Error),
    NotAFile,
    MediaType,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read the file: {e}"),
            Self::NotAFile => f.write_str("the path is not a file"),
            Self::MediaType => f.write_str("the media type is not valid"),
        }
    }
}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for File {
    fn into_response(self) -> axum_core::response::Response {
        crate::body::into_axum(File::into_http_response(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(n, v)| (HeaderName::from_static(n), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn an_ordinary_request_has_no_conditions_to_copy() {
        let ordinary = headers(&[
            ("host", "127.0.0.1"),
            ("accept", "*/*"),
            ("accept-encoding", "gzip"),
            ("if-custom", "x"),
            ("ranges", "bytes=0-1"),
            ("x-range", "bytes=0-1"),
        ]);
        assert!(FileRequest::conditions(&Method::GET, &ordinary).is_none());
        let plain = FileRequest::new(&Method::HEAD, &ordinary);
        assert_eq!(plain.method(), Method::HEAD);
        assert!(plain.headers.is_empty());
    }

    #[test]
    fn conditions_keep_exactly_the_six_headers_in_order() {
        let six = [
            ("range", "bytes=0-4"),
            ("if-range", "\"e\""),
            ("if-modified-since", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("if-unmodified-since", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("if-none-match", "\"a\""),
            ("if-none-match", "\"b\""),
            ("if-match", "*"),
        ];
        let mut sent = vec![("host", "127.0.0.1")];
        sent.extend(six);
        sent.push(("if-custom", "x"));
        let kept = FileRequest::conditions(&Method::POST, &headers(&sent)).expect("conditions");
        assert_eq!(kept.method(), Method::POST);
        let list: Vec<(&str, &str)> = kept
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_str().expect("ASCII")))
            .collect();
        assert_eq!(list, six);
    }
}

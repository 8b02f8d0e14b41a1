//! Shared by the integration tests: servers on 127.0.0.1 (axum and bare hyper) and a raw
//! HTTP/1.1 client that shows exactly what went over the wire; the built examples as child
//! processes (`examples`); outside tools run bounded in time (`tools`).
#![allow(dead_code, clippy::unwrap_used, unreachable_pub, missing_docs)]

pub mod examples;
pub mod tools;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A server on 127.0.0.1; stopped when dropped.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn serve_axum(app: axum::Router) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Server { addr, task }
}

/// Bare hyper 1 + hyper-util: one task per connection, HTTP/1.1.
pub async fn serve_hyper<S, B>(svc: S) -> Server
where
    S: tower::Service<
            http::Request<hyper::body::Incoming>,
            Response = http::Response<B>,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let svc = hyper_util::service::TowerToHyperService::new(svc.clone());
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Server { addr, task }
}

/// What came back, as bytes on the wire.
#[derive(Debug)]
pub struct Wire {
    pub status: u16,
    /// Every header in order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Wire {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The headers without the ones that vary between runs, and without `connection: close`
    /// that hyper echoes to our `connection: close`.
    pub fn stable_headers(&self) -> Vec<(String, String)> {
        let mut h: Vec<_> = self
            .headers
            .iter()
            .filter(|(n, _)| {
                !matches!(n.as_str(), "date" | "etag" | "last-modified" | "connection")
            })
            .cloned()
            .collect();
        h.sort();
        h
    }
}

/// Sends one request (`Connection: close`) and reads the whole answer.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra_headers: &[(&str, &str)],
) -> Wire {
    let mut req = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (n, v) in extra_headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("the server answered within 10 s")
        .unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Wire {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_ascii_lowercase(), v.trim().to_owned())
        })
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v == "chunked")
    {
        body = dechunk(&body);
    }
    Wire {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

pub fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<_> = pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

/// Sends one request with raw header bytes (latin-1 values), `Connection: close`.
pub async fn send_bytes(
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra_headers: &[(&str, &[u8])],
) -> Wire {
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n").into_bytes();
    for (n, v) in extra_headers {
        req.extend_from_slice(n.as_bytes());
        req.extend_from_slice(b": ");
        req.extend_from_slice(v);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"\r\n");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(&req).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("the server answered within 10 s")
        .unwrap();
    parse(&raw)
}

/// Sends one request with a body (`content-length` set), `Connection: close`.
pub async fn send_body(
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra_headers: &[(&str, &str)],
    body: &[u8],
) -> Wire {
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    )
    .into_bytes();
    for (n, v) in extra_headers {
        req.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    req.extend_from_slice(body);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(&req).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("the server answered within 10 s")
        .unwrap();
    parse(&raw)
}

/// Bare-hyper routing for the tests: a request, a boxed route, and a route made of a handler
/// under a layer (the layer's response body boxed into ours so every route has one type).
pub mod hyper_routes {
    use std::convert::Infallible;

    use http::{Request, Response};
    use tower::util::BoxCloneSyncService;
    use tower::{service_fn, Layer, ServiceExt};
    use towerapi::Body;

    pub type Req = Request<hyper::body::Incoming>;
    pub type Route = BoxCloneSyncService<Req, Response<Body>, Infallible>;

    /// Any response whose body can become ours.
    pub struct Boxed(pub Response<Body>);

    impl<B> From<Response<B>> for Boxed
    where
        B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
        B::Error: Into<towerapi::encode::BoxError>,
    {
        fn from(r: Response<B>) -> Self {
            Boxed(r.map(Body::new))
        }
    }

    /// `handler` under `layer`.
    pub fn route<L>(layer: L, handler: fn(&Req) -> Response<Body>) -> Route
    where
        L: Layer<Route>,
        L::Service: tower::Service<Req, Error = Infallible> + Clone + Send + Sync + 'static,
        <L::Service as tower::Service<Req>>::Response: Into<Boxed>,
        <L::Service as tower::Service<Req>>::Future: Send + 'static,
    {
        let inner: Route = BoxCloneSyncService::new(service_fn(move |req: Req| {
            let res = handler(&req);
            async move { Ok::<_, Infallible>(res) }
        }));
        BoxCloneSyncService::new(layer.layer(inner).map_response(|r| r.into().0))
    }

    /// The last segment of the request's path (a `{item_id}`).
    pub fn last_segment(req: &Req) -> &str {
        req.uri().path().rsplit('/').next().unwrap_or_default()
    }
}

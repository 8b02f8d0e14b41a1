//! Serving the document: `/openapi.json`, Swagger UI at `/docs` (with its OAuth2 redirect
//! page) and ReDoc at `/redoc`, as FastAPI serves them.

use std::collections::hash_map::DefaultHasher;
use std::convert::Infallible;
use std::fmt;
use std::future::{ready, Ready};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::Full;
use serde_json::{json, Map, Value};
use tower_service::Service;

use crate::OpenApi;

/// An asset shipped inside the crate.
#[cfg(feature = "ui")]
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

#[cfg(feature = "ui")]
const SWAGGER_JS: Asset = Asset {
    name: "swagger-ui-bundle.js",
    content_type: "text/javascript; charset=utf-8",
    bytes: include_bytes!("../assets/swagger-ui-bundle.js"),
};

#[cfg(feature = "ui")]
const SWAGGER_CSS: Asset = Asset {
    name: "swagger-ui.css",
    content_type: "text/css; charset=utf-8",
    bytes: include_bytes!("../assets/swagger-ui.css"),
};

#[cfg(feature = "ui")]
const REDOC_JS: Asset = Asset {
    name: "redoc.standalone.js",
    content_type: "text/javascript; charset=utf-8",
    bytes: include_bytes!("../assets/redoc.standalone.js"),
};

/// swagger-ui-dist's `oauth2-redirect.js`, inlined into the redirect page.
const OAUTH2_REDIRECT_JS: &str = include_str!("../assets/oauth2-redirect.js");

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";
/// The assets' URLs carry their hash, so they can be cached for a year.
#[cfg(feature = "ui")]
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages and the document are revalidated (cheaply, with their ETag).
const REVALIDATE: &str = "no-cache";

/// The docs pages and the document, as FastAPI's `openapi_url`, `docs_url`, `redoc_url`,
/// `swagger_ui_oauth2_redirect_url`, `swagger_ui_parameters`, `swagger_ui_init_oauth` and
/// the asset URLs of `get_swagger_ui_html` / `get_redoc_html`.
///
/// Build with [`new`](Self::new) from the document, adjust, then serve with
/// [`router`](Self::router) (axum) or [`service`](Self::service) (any tower stack, bare hyper).
/// The document is serialized once; every response comes from memory with an `ETag`.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use http::Request;
/// use tower::ServiceExt;
/// use towerapi_openapi::{Docs, Info, OpenApi};
///
/// let doc = OpenApi::new(Info::new("Shop", "1.0.0"));
/// let docs = Docs::new(&doc).init_oauth(serde_json::json!({"clientId": "docs", "usePkceWithAuthorizationCodeGrant": true}));
/// let res = docs.service().oneshot(Request::get("/openapi.json").body(()).unwrap()).await.unwrap();
/// assert_eq!(res.status(), 200);
/// assert_eq!(res.headers()["content-type"], "application/json");
/// # }
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct Docs {
    json: Bytes,
    title: String,
    prefix: String,
    root_path: String,
    openapi_url: String,
    docs_url: Option<String>,
    redoc_url: Option<String>,
    oauth2_redirect_url: Option<String>,
    swagger_ui_parameters: Map<String, Value>,
    init_oauth: Option<Value>,
    swagger_js_url: Option<String>,
    swagger_css_url: Option<String>,
    redoc_js_url: Option<String>,
    favicon_url: Option<String>,
}

impl Docs {
    /// FastAPI's defaults: `/openapi.json`, `/docs`, `/docs/oauth2-redirect`, `/redoc`, the
    /// title from the document, Swagger UI's default parameters plus `validatorUrl: null` (the
    /// page never asks a validator on another origin), and the assets shipped in the crate.
    pub fn new(doc: &OpenApi) -> Self {
        let mut swagger_ui_parameters = Map::new();
        swagger_ui_parameters.insert("dom_id".into(), json!("#swagger-ui"));
        swagger_ui_parameters.insert("layout".into(), json!("BaseLayout"));
        swagger_ui_parameters.insert("deepLinking".into(), json!(true));
        swagger_ui_parameters.insert("showExtensions".into(), json!(true));
        swagger_ui_parameters.insert("showCommonExtensions".into(), json!(true));
        swagger_ui_parameters.insert("validatorUrl".into(), Value::Null);
        Self {
            json: Bytes::from(doc.to_json()),
            title: doc.info.title.clone(),
            prefix: String::new(),
            root_path: String::new(),
            openapi_url: "/openapi.json".into(),
            docs_url: Some("/docs".into()),
            redoc_url: Some("/redoc".into()),
            oauth2_redirect_url: Some("/docs/oauth2-redirect".into()),
            swagger_ui_parameters,
            init_oauth: None,
            swagger_js_url: None,
            swagger_css_url: None,
            redoc_js_url: None,
            favicon_url: None,
        }
    }

    /// The pages' title (default: the document's `info.title`).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Serves everything under `prefix` (`/api` gives `/api/docs`, `/api/openapi.json`); the
    /// pages link to the prefixed URLs.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into().trim_end_matches('/').to_owned();
        self
    }

    /// FastAPI's `root_path`: a proxy strips this prefix before the request reaches the
    /// server, so the pages link to it but the routes do not include it.
    pub fn root_path(mut self, root_path: impl Into<String>) -> Self {
        self.root_path = root_path.into().trim_end_matches('/').to_owned();
        self
    }

    /// The document's URL (default `/openapi.json`).
    pub fn openapi_url(mut self, url: impl Into<String>) -> Self {
        self.openapi_url = url.into();
        self
    }

    /// Swagger UI's URL (default `/docs`); `None` turns it off.
    pub fn docs_url(mut self, url: Option<&str>) -> Self {
        self.docs_url = url.map(str::to_owned);
        self
    }

    /// ReDoc's URL (default `/redoc`); `None` turns it off.
    pub fn redoc_url(mut self, url: Option<&str>) -> Self {
        self.redoc_url = url.map(str::to_owned);
        self
    }

    /// The OAuth2 redirect page's URL (default `/docs/oauth2-redirect`); `None` turns it off.
    pub fn oauth2_redirect_url(mut self, url: Option<&str>) -> Self {
        self.oauth2_redirect_url = url.map(str::to_owned);
        self
    }

    /// One Swagger UI parameter (FastAPI's `swagger_ui_parameters`), over the defaults:
    /// `.swagger_ui_parameter("persistAuthorization", true)`.
    pub fn swagger_ui_parameter(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.swagger_ui_parameters
            .insert(name.to_owned(), value.into());
        self
    }

    /// Swagger UI's `initOAuth` (FastAPI's `swagger_ui_init_oauth`): `clientId`,
    /// `usePkceWithAuthorizationCodeGrant`, `scopes`...
    pub fn init_oauth(mut self, config: Value) -> Self {
        self.init_oauth = Some(config);
        self
    }

    /// Loads Swagger UI's script and stylesheet from these URLs (a CDN) instead of the copies
    /// shipped in the crate.
    pub fn swagger_ui_urls(mut self, js: impl Into<String>, css: impl Into<String>) -> Self {
        self.swagger_js_url = Some(js.into());
        self.swagger_css_url = Some(css.into());
        self
    }

    /// Loads ReDoc's script from this URL instead of the copy shipped in the crate.
    pub fn redoc_js_url(mut self, url: impl Into<String>) -> Self {
        self.redoc_js_url = Some(url.into());
        self
    }

    /// The pages' favicon (default: none, so the browser asks for nothing).
    pub fn favicon_url(mut self, url: impl Into<String>) -> Self {
        self.favicon_url = Some(url.into());
        self
    }

    /// The docs as a tower service: answers its URLs, `404` for any other.
    pub fn service(&self) -> DocsService {
        DocsService {
            inner: Arc::new(self.build()),
        }
    }

    /// The docs as an axum `Router` to merge into the app's.
    #[cfg(feature = "axum")]
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> axum::Router<S> {
        let service = self.service();
        let mut router = axum::Router::new();
        for path in service.inner.routes.iter().map(|(p, _)| p.clone()) {
            router = router.route_service(&path, service.clone());
        }
        router
    }

    fn link(&self, url: &str) -> String {
        format!("{}{}{url}", self.root_path, self.prefix)
    }

    fn build(&self) -> Inner {
        let mut routes: Vec<(String, Entry)> = Vec::new();
        let openapi_url = format!("{}{}", self.prefix, self.openapi_url);
        routes.push((openapi_url, Entry::new(JSON, self.json.clone(), REVALIDATE)));

        if let Some(docs_url) = &self.docs_url {
            let (js, css) = match (&self.swagger_js_url, &self.swagger_css_url) {
                (Some(js), Some(css)) => (js.clone(), css.clone()),
                #[cfg(feature = "ui")]
                _ => {
                    let mut urls = Vec::new();
                    for asset in [&SWAGGER_JS, &SWAGGER_CSS] {
                        let entry = Entry::new(
                            asset.content_type,
                            Bytes::from_static(asset.bytes),
                            IMMUTABLE,
                        );
                        let path = format!("{}{docs_url}/{}", self.prefix, asset.name);
                        urls.push(format!(
                            "{}?v={}",
                            self.link(&format!("{docs_url}/{}", asset.name)),
                            entry.hash
                        ));
                        routes.push((path, entry));
                    }
                    (urls[0].clone(), urls[1].clone())
                }
                #[cfg(not(feature = "ui"))]
                _ => (
                    "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"
                        .to_owned(),
                    "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css".to_owned(),
                ),
            };
            let page = self.swagger_html(&js, &css);
            routes.push((
                format!("{}{docs_url}", self.prefix),
                Entry::new(HTML, Bytes::from(page), REVALIDATE),
            ));
        }
        if let Some(redirect) = &self.oauth2_redirect_url {
            let page = format!(
                "<!doctype html>\n<html lang=\"en-US\">\n<head>\n<title>Swagger UI: OAuth2 Redirect</title>\n</head>\n<body>\n<script>\n{}\n</script>\n</body>\n</html>\n",
                OAUTH2_REDIRECT_JS.trim_end()
            );
            routes.push((
                format!("{}{redirect}", self.prefix),
                Entry::new(HTML, Bytes::from(page), REVALIDATE),
            ));
        }
        if let Some(redoc_url) = &self.redoc_url {
            let js = match &self.redoc_js_url {
                Some(js) => js.clone(),
                #[cfg(feature = "ui")]
                None => {
                    let entry = Entry::new(
                        REDOC_JS.content_type,
                        Bytes::from_static(REDOC_JS.bytes),
                        IMMUTABLE,
                    );
                    let url = format!(
                        "{}?v={}",
                        self.link(&format!("{redoc_url}/{}", REDOC_JS.name)),
                        entry.hash
                    );
                    routes.push((
                        format!("{}{redoc_url}/{}", self.prefix, REDOC_JS.name),
                        entry,
                    ));
                    url
                }
                #[cfg(not(feature = "ui"))]
                None => {
                    "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js".to_owned()
                }
            };
            let page = self.redoc_html(&js);
            routes.push((
                format!("{}{redoc_url}", self.prefix),
                Entry::new(HTML, Bytes::from(page), REVALIDATE),
            ));
        }
        Inner { routes }
    }

    fn favicon(&self) -> String {
        match &self.favicon_url {
            Some(url) => format!("<link rel=\"shortcut icon\" href=\"{}\">", escape_html(url)),
            // An empty data URL: the browser does not ask for /favicon.ico.
            None => "<link rel=\"icon\" href=\"data:,\">".to_owned(),
        }
    }

    /// FastAPI's `get_swagger_ui_html`, with the parameters as JSON.
    fn swagger_html(&self, js: &str, css: &str) -> String {
        let mut config = Map::new();
        config.insert("url".into(), json!(self.link(&self.openapi_url)));
        for (k, v) in &self.swagger_ui_parameters {
            config.insert(k.clone(), v.clone());
        }
        let redirect = self
            .oauth2_redirect_url
            .as_ref()
            .map(|r| {
                format!(
                    "\nconfig.oauth2RedirectUrl = window.location.origin + {};",
                    script_json(&json!(self.link(r)))
                )
            })
            .unwrap_or_default();
        let init_oauth = self
            .init_oauth
            .as_ref()
            .map(|c| format!("\nui.initOAuth({});", script_json(c)))
            .unwrap_or_default();
        format!(
            "<!DOCTYPE html>
<html>
<head>
<meta charset=\"utf-8\">
<link type=\"text/css\" rel=\"stylesheet\" href=\"{css}\">
{favicon}
<title>{title} - Swagger UI</title>
</head>
<body>
<div id=\"swagger-ui\">
</div>
<script src=\"{js}\"></script>
<script>
const config = {config};{redirect}
config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
const ui = SwaggerUIBundle(config);{init_oauth}
</script>
</body>
</html>
",
            css = escape_html(css),
            js = escape_html(js),
            favicon = self.favicon(),
            title = escape_html(&self.title),
            config = script_json(&Value::Object(config)),
        )
    }

    /// FastAPI's `get_redoc_html`, without the Google fonts (nothing from another origin).
    fn redoc_html(&self, js: &str) -> String {
        format!(
            "<!DOCTYPE html>
<html>
<head>
<title>{title} - ReDoc</title>
<meta charset=\"utf-8\"/>
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
{favicon}
<style>
body {{ margin: 0; padding: 0; }}
</style>
</head>
<body>
<noscript>ReDoc requires Javascript to function. Please enable it to browse the documentation.</noscript>
<redoc spec-url=\"{spec}\"></redoc>
<script src=\"{js}\"> </script>
</body>
</html>
",
            title = escape_html(&self.title),
            favicon = self.favicon(),
            spec = escape_html(&self.link(&self.openapi_url)),
            js = escape_html(js),
        )
    }
}

/// JSON that can sit inside a `<script>` element (no `</script>` or `<!--` in strings).
fn script_json(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// One served resource, its headers made once.
#[derive(Clone, Debug)]
struct Entry {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    etag: HeaderValue,
    #[cfg_attr(not(feature = "ui"), allow(dead_code))]
    hash: String,
    body: Bytes,
}

impl Entry {
    fn new(content_type: &'static str, body: Bytes, cache_control: &'static str) -> Self {
        let mut hasher = DefaultHasher::new();
        body.hash(&mut hasher);
        let hash = format!("{:016x}", hasher.finish());
        let etag = HeaderValue::try_from(format!("\"{hash}\""))
            .unwrap_or(HeaderValue::from_static("\"0\""));
        Self {
            content_type: HeaderValue::from_static(content_type),
            cache_control: HeaderValue::from_static(cache_control),
            etag,
            hash,
            body,
        }
    }

    fn respond(
        &self,
        method: &Method,
        if_none_match: Option<&HeaderValue>,
    ) -> Response<Full<Bytes>> {
        let not_modified = if_none_match.is_some_and(|v| {
            v.as_bytes() == b"*"
                || v.to_str().is_ok_and(|v| {
                    v.split(',').any(|t| {
                        t.trim().trim_start_matches("W/").as_bytes() == self.etag.as_bytes()
                    })
                })
        });
        let (status, body) = if not_modified {
            (StatusCode::NOT_MODIFIED, Bytes::new())
        } else if method == Method::HEAD {
            (StatusCode::OK, Bytes::new())
        } else {
            (StatusCode::OK, self.body.clone())
        };
        let mut res = Response::new(Full::new(body));
        *res.status_mut() = status;
        let headers = res.headers_mut();
        headers.insert(ETAG, self.etag.clone());
        headers.insert(CACHE_CONTROL, self.cache_control.clone());
        if status == StatusCode::OK {
            headers.insert(CONTENT_TYPE, self.content_type.clone());
            headers.insert(CONTENT_LENGTH, HeaderValue::from(self.body.len()));
        }
        res
    }
}

struct Inner {
    /// (path, resource): a handful, so a scan is as fast as a map.
    routes: Vec<(String, Entry)>,
}

/// The service of [`Docs`]: answers `GET` and `HEAD` of its URLs from memory (`304` for a
/// matching `If-None-Match`), `405` for other methods there, `404` elsewhere. For a bare hyper
/// server, [`respond`](Self::respond) answers only its own URLs and leaves the rest to you.
#[derive(Clone)]
pub struct DocsService {
    inner: Arc<Inner>,
}

impl fmt::Debug for DocsService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocsService")
            .field(
                "routes",
                &self
                    .inner
                    .routes
                    .iter()
                    .map(|(p, _)| p.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl DocsService {
    /// The answer when `req` is for one of the docs' URLs; `None` otherwise.
    pub fn respond<B>(&self, req: &Request<B>) -> Option<Response<Full<Bytes>>> {
        let path = req.uri().path();
        let (_, entry) = self.inner.routes.iter().find(|(p, _)| p == path)?;
        let method = req.method();
        if method != Method::GET && method != Method::HEAD {
            let mut res = Response::new(Full::new(Bytes::from_static(
                b"{\"detail\":\"Method Not Allowed\"}",
            )));
            *res.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            res.headers_mut()
                .insert(http::header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            res.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
            return Some(res);
        }
        Some(entry.respond(method, req.headers().get(IF_NONE_MATCH)))
    }

    /// The URLs it answers.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.inner.routes.iter().map(|(p, _)| p.as_str())
    }
}

impl<B> Service<Request<B>> for DocsService {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        ready(Ok(self.respond(&req).unwrap_or_else(|| {
            let mut res =
                Response::new(Full::new(Bytes::from_static(b"{\"detail\":\"Not Found\"}")));
            *res.status_mut() = StatusCode::NOT_FOUND;
            res.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
            res
        })))
    }
}

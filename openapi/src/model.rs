//! The OpenAPI 3.1 document: the parts towerapi writes, as plain serde types.
//!
//! Small on purpose: each type has the fields a layer or the collector fills, public, and
//! writes exactly the keys that are set (no `null`s). Maps keep the order things were added in
//! (the order of routes, of schemes, of scopes), except `components.schemas`, which is sorted by
//! name as FastAPI sorts it.

use std::collections::BTreeMap;

use schemars::Schema;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// A map that keeps insertion order and writes as a JSON object.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderedMap<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<V> OrderedMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value under `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Sets `key` (in place if present, else at the end); returns the value it replaced.
    pub fn insert(&mut self, key: impl Into<String>, value: V) -> Option<V> {
        let key = key.into();
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// The value under `key`, inserted with `make` when absent.
    pub fn entry_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.entries.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                self.entries.push((key.to_owned(), make()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    /// Whether the key is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The entries, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sorts the entries by key.
    pub fn sort_keys(&mut self) {
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
    }
}

impl<K: Into<String>, V> FromIterator<(K, V)> for OrderedMap<V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = Self::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The document's root (`openapi`, `info`, `paths`, `components`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenApi {
    /// The OpenAPI version: `3.1.0`.
    pub openapi: String,
    /// Title, version and description of the API.
    pub info: Info,
    /// Where the API is served.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<Server>,
    /// The operations, by path, in the order they were routed.
    pub paths: OrderedMap<PathItem>,
    /// Security schemes and schemas.
    #[serde(skip_serializing_if = "Components::is_empty")]
    pub components: Components,
    /// Tag descriptions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// What each operation's layers enforce (not part of the JSON).
    #[serde(skip)]
    pub(crate) report: crate::SecurityReport,
}

impl OpenApi {
    /// An empty document.
    pub fn new(info: Info) -> Self {
        Self {
            openapi: "3.1.0".to_owned(),
            info,
            servers: Vec::new(),
            paths: OrderedMap::new(),
            components: Components::default(),
            tags: Vec::new(),
            report: crate::SecurityReport::default(),
        }
    }

    /// Every operation's security, from the layers that enforce it: the audit beside the
    /// document. Empty for a document built by hand.
    pub fn security_report(&self) -> &crate::SecurityReport {
        &self.report
    }

    /// The document as JSON bytes (what `/openapi.json` serves).
    pub fn to_json(&self) -> Vec<u8> {
        // Every type here serializes infallibly: string keys, no foreign Serialize impls that
        // can fail (schemars' `Schema` is a JSON value).
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The operation at `method` and `path`, if documented.
    pub fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        self.paths.get(path)?.get(method)
    }
}

/// `info`: FastAPI's `title`, `version`, `summary`, `description`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Info {
    /// The title (FastAPI's default: `FastAPI`).
    pub title: String,
    /// A short summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// A description (CommonMark).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The API's version (not OpenAPI's).
    pub version: String,
}

impl Info {
    /// `title` and `version`.
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            summary: None,
            description: None,
            version: version.into(),
        }
    }

    /// The description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The summary.
    #[must_use]
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }
}

/// A server the API is reachable at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Server {
    /// Its URL (may be relative, as `/api`).
    pub url: String,
    /// What it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A tag's description.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tag {
    /// The tag.
    pub name: String,
    /// What the operations under it do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The operations of one path, by lower-case method, in the order they were added.
pub type PathItem = OrderedMap<Operation>;

/// One operation.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// Tags (groups in Swagger UI).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// A one-line summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// A description (CommonMark).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Unique among the document's operations.
    pub operation_id: String,
    /// Path, query, header and cookie parameters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
    /// The request body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<RequestBody>,
    /// The answers, by status code.
    pub responses: OrderedMap<Response>,
    /// Deprecated.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// Alternatives (any one suffices), each a set of schemes that all apply; `{}` means
    /// anonymous access is allowed. Absent: no security.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security: Option<Vec<SecurityRequirement>>,
}

/// One security requirement: scheme name to the scopes it needs.
pub type SecurityRequirement = OrderedMap<Vec<String>>;

/// Where a parameter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParameterIn {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In a cookie.
    Cookie,
}

/// A parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Where it is.
    #[serde(rename = "in")]
    pub location: ParameterIn,
    /// Whether it must be present (always for path parameters).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// What it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<Schema>,
}

/// A request body.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestBody {
    /// What it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// By media type.
    pub content: OrderedMap<MediaType>,
    /// Whether it must be sent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

/// A response.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Response {
    /// What it means (required by OpenAPI).
    pub description: String,
    /// Headers it carries.
    #[serde(skip_serializing_if = "OrderedMap::is_empty")]
    pub headers: OrderedMap<Header>,
    /// Its body, by media type; empty for no body.
    #[serde(skip_serializing_if = "OrderedMap::is_empty")]
    pub content: OrderedMap<MediaType>,
}

impl Response {
    /// A response without a body.
    pub fn new(description: impl Into<String>) -> Self {
        Self {
            description: description.into(),
            headers: OrderedMap::new(),
            content: OrderedMap::new(),
        }
    }

    /// With a body of this media type and schema.
    #[must_use]
    pub fn content(mut self, media_type: &str, schema: Schema) -> Self {
        self.content.insert(
            media_type,
            MediaType {
                schema: Some(schema),
            },
        );
        self
    }

    /// With this header.
    #[must_use]
    pub fn header(mut self, name: &str, description: impl Into<String>) -> Self {
        self.headers.insert(
            name,
            Header {
                description: Some(description.into()),
                schema: Some(schemars::json_schema!({"type": "string"})),
            },
        );
        self
    }
}

/// A header of a response.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Header {
    /// What it carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<Schema>,
}

/// A body of one media type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MediaType {
    /// Its schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<Schema>,
}

/// `components`: schemas and security schemes.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Components {
    /// Schemas by name, sorted.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub schemas: BTreeMap<String, Schema>,
    /// Security schemes by name, in the order the layers met them.
    #[serde(skip_serializing_if = "OrderedMap::is_empty")]
    pub security_schemes: OrderedMap<SecurityScheme>,
}

impl Components {
    /// Whether there is nothing in it.
    pub fn is_empty(&self) -> bool {
        self.schemas.is_empty() && self.security_schemes.is_empty()
    }
}

/// A security scheme: FastAPI's `securitySchemes` entry, written in FastAPI's key order
/// (`type`, `description`, then the type's fields).
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityScheme {
    /// The type and its fields.
    pub kind: SecuritySchemeKind,
    /// The description.
    pub description: Option<String>,
}

impl SecurityScheme {
    /// Whether requirements of this scheme carry scopes (`oauth2`, `openIdConnect`).
    pub fn has_scopes(&self) -> bool {
        matches!(
            self.kind,
            SecuritySchemeKind::OAuth2 { .. } | SecuritySchemeKind::OpenIdConnect { .. }
        )
    }
}

impl Serialize for SecurityScheme {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let kind = match &self.kind {
            SecuritySchemeKind::ApiKey { .. } => "apiKey",
            SecuritySchemeKind::Http { .. } => "http",
            SecuritySchemeKind::OAuth2 { .. } => "oauth2",
            SecuritySchemeKind::OpenIdConnect { .. } => "openIdConnect",
        };
        map.serialize_entry("type", kind)?;
        if let Some(description) = &self.description {
            map.serialize_entry("description", description)?;
        }
        match &self.kind {
            SecuritySchemeKind::ApiKey { location, name } => {
                map.serialize_entry("in", location)?;
                map.serialize_entry("name", name)?;
            }
            SecuritySchemeKind::Http {
                scheme,
                bearer_format,
            } => {
                map.serialize_entry("scheme", scheme)?;
                if let Some(format) = bearer_format {
                    map.serialize_entry("bearerFormat", format)?;
                }
            }
            SecuritySchemeKind::OAuth2 { flows } => map.serialize_entry("flows", flows)?,
            SecuritySchemeKind::OpenIdConnect {
                open_id_connect_url,
            } => map.serialize_entry("openIdConnectUrl", open_id_connect_url)?,
        }
        map.end()
    }
}

/// The kinds of security scheme.
#[derive(Clone, Debug, PartialEq)]
// A few of these exist per document; boxing the flows would only make them harder to build.
#[allow(clippy::large_enum_variant)]
pub enum SecuritySchemeKind {
    /// `apiKey`: a key in a query parameter, a header or a cookie.
    ApiKey {
        /// Where it is.
        location: ParameterIn,
        /// Its name.
        name: String,
    },
    /// `http`: an `Authorization` scheme (`basic`, `bearer`, `digest`, or any other).
    Http {
        /// The scheme, as FastAPI writes it.
        scheme: String,
        /// The token format (`JWT`).
        bearer_format: Option<String>,
    },
    /// `oauth2` with its flows.
    OAuth2 {
        /// The flows.
        flows: OAuthFlows,
    },
    /// `openIdConnect` with its discovery URL.
    OpenIdConnect {
        /// The discovery document's URL.
        open_id_connect_url: String,
    },
}

/// The flows of an `oauth2` scheme.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthFlows {
    /// The implicit flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implicit: Option<OAuthFlow>,
    /// The password flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<OAuthFlow>,
    /// The client-credentials flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_credentials: Option<OAuthFlow>,
    /// The authorization-code flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_code: Option<OAuthFlow>,
}

/// One flow, in FastAPI's key order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthFlow {
    /// `refreshUrl`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_url: Option<String>,
    /// The scopes and their descriptions (always written, `{}` when none).
    pub scopes: OrderedMap<String>,
    /// `authorizationUrl` (implicit, authorization code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_url: Option<String>,
    /// `tokenUrl` (password, client credentials, authorization code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
}

//! The collector's core: operations as lists of describing layers, turned into the document.
//! Shared by the axum router ([`ApiRouter`](crate::ApiRouter)) and the bare-tower builder
//! ([`DocBuilder`]).

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use http::{Method, StatusCode};
use schemars::generate::SchemaSettings;
use schemars::{json_schema, Schema};
use tower_layer::Layer;

use crate::describe::{describe_layer, Describe, DescribeCx, Described, DocProbe, OperationDraft};
use crate::model::{Info, OpenApi, Operation, Parameter, ParameterIn, Response};
use crate::output::DescribeOutput;
use crate::{DocError, OutputDoc};

pub(crate) type OutputFn = fn(&mut DescribeCx<'_>) -> Result<(), DocError>;

/// The per-operation extras: what no layer knows (summary, tags, ...), set with one call each
/// on an [`ApiMethodRouter`](crate::ApiMethodRouter) or in [`DocBuilder::route_with`].
#[derive(Clone, Default)]
#[must_use]
pub struct OperationSpec {
    pub(crate) summary: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) operation_id: Option<String>,
    pub(crate) deprecated: bool,
    pub(crate) responses: Vec<(u16, Response)>,
    pub(crate) describers: Vec<Described>,
    pub(crate) public: bool,
    pub(crate) output: Option<OutputFn>,
    pub(crate) handler_name: Option<&'static str>,
}

impl fmt::Debug for OperationSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationSpec")
            .field("summary", &self.summary)
            .field("description", &self.description)
            .field("tags", &self.tags)
            .field("operation_id", &self.operation_id)
            .field("deprecated", &self.deprecated)
            .field("responses", &self.responses)
            .field("describers", &self.describers.len())
            .field("public", &self.public)
            .field("handler_name", &self.handler_name)
            .finish()
    }
}

impl OperationSpec {
    /// No extras.
    pub fn new() -> Self {
        Self::default()
    }

    /// The summary (default: the handler function's name in words, as FastAPI writes it).
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }

    /// The description (CommonMark).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// One more tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// The operationId (default: FastAPI's `{function}{path}_{method}`, or `{path}_{method}`
    /// for a closure); must be unique in the document.
    pub fn operation_id(mut self, id: impl Into<String>) -> Self {
        self.operation_id = Some(id.into());
        self
    }

    /// Marks the operation deprecated.
    pub fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    /// One more documented response.
    pub fn response(mut self, status: u16, response: Response) -> Self {
        self.responses.push((status, response));
        self
    }

    /// One more describer, applied after the layers (closest to the handler): an extractor's
    /// description such as the password form's.
    pub fn describe<D: Describe>(mut self, describer: D) -> Self {
        self.describers.push(Arc::new(describer));
        self
    }

    /// Says the route needs no security, for [`require_security`](crate::ApiRouter::require_security).
    pub fn public(mut self) -> Self {
        self.public = true;
        self
    }

    /// Documents the handler's return type as `T` (the axum routing functions do this from the
    /// handler itself; for bare tower, say it here).
    pub fn returns<T: DescribeOutput>(mut self) -> Self {
        self.output = Some(T::describe_output);
        self
    }
}

/// One documented operation before the document is built.
#[derive(Clone, Debug)]
pub(crate) struct OpEntry {
    pub(crate) method: Method,
    pub(crate) path: String,
    /// Outermost first.
    pub(crate) layers: Vec<Described>,
    pub(crate) spec: OperationSpec,
}

impl OpEntry {
    /// `outer` now wraps this operation.
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    pub(crate) fn wrap(&mut self, outer: &[Described]) {
        self.layers.splice(0..0, outer.iter().cloned());
    }
}

/// One row of the [`SecurityReport`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityRow {
    /// Upper-case method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The requirement alternatives as written in the document (`OAuth2PasswordBearer[me]`,
    /// `{}` for anonymous), or empty when no layer enforces any.
    pub requirements: Vec<String>,
    /// What the layers enforce, outermost first, as they describe it.
    pub enforced: Vec<String>,
    /// Marked `.public()`.
    pub public: bool,
}

/// Every operation's enforced security, from the layers that enforce it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityReport {
    /// One row per operation, in document order.
    pub rows: Vec<SecurityRow>,
}

impl SecurityReport {
    /// The operations that no security layer covers and that are not marked public.
    pub fn unsecured(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| r.requirements.is_empty() && !r.public)
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }
}

impl fmt::Display for SecurityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for row in &self.rows {
            let security = if row.requirements.is_empty() {
                if row.public {
                    "public".to_owned()
                } else {
                    "NONE".to_owned()
                }
            } else {
                row.requirements.join(" | ")
            };
            write!(f, "{:<7} {:<40} {}", row.method, row.path, security)?;
            if !row.enforced.is_empty() {
                write!(f, "   ({})", row.enforced.join("; "))?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// The schema generator of one document: draft 2020-12, definitions under
/// `#/components/schemas`.
pub(crate) fn generator() -> schemars::SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator()
}

/// Path parameters of an axum 0.8 path (`{id}`, `{*rest}`), and the path as OpenAPI writes it.
pub(crate) fn openapi_path(path: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(path.len());
    let mut params = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if let Some(stripped) = after.strip_prefix('{') {
            // `{{` is a literal brace in axum 0.8.
            out.push('{');
            rest = stripped;
            continue;
        }
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = after[..close].trim_start_matches('*');
        out.push('{');
        out.push_str(name);
        out.push('}');
        params.push(name.to_owned());
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    (out, params)
}

/// Checks a route path as axum 0.8 would, so that it is refused here rather than panicking there.
pub(crate) fn check_path(path: &str) -> Result<(), DocError> {
    let invalid = |reason: &str| {
        Err(DocError::InvalidPath {
            path: path.to_owned(),
            reason: reason.to_owned(),
        })
    };
    if !path.starts_with('/') {
        return invalid("a path must start with '/'");
    }
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        if segment.starts_with(':') || segment.starts_with('*') {
            return invalid("axum 0.8 writes parameters as {name} and {*rest}");
        }
        let mut depth = 0i32;
        for c in segment.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if !(0..=1).contains(&depth) {
                return invalid("unbalanced braces");
            }
        }
        if depth != 0 {
            return invalid("unbalanced braces");
        }
        if segment.contains("{*") && i + 1 != segments.len() {
            return invalid("a {*wildcard} must be the last segment");
        }
        if segment.contains("{}") {
            return invalid("a parameter needs a name");
        }
    }
    Ok(())
}

/// FastAPI's `generate_unique_id`: `{name}{path}` with every non-word character made `_`, then
/// `_{method}`.
fn operation_id(name: Option<&str>, path: &str, method: &str) -> String {
    let raw = format!("{}{path}", name.unwrap_or(""));
    let mut id: String = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_none() {
        id = id.trim_start_matches('_').to_owned();
    }
    id.push('_');
    id.push_str(method);
    id
}

/// FastAPI's summary from a function name: `read_me` -> `Read Me`.
fn summary_from(name: &str) -> String {
    name.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A closure's summary from its path, in the same style: `/resp/full/{item_id}` -> `Resp Full
/// Item Id` (FastAPI's summary when the function is named after its path, as they often are).
fn summary_from_path(path: &str) -> String {
    let words: String = path
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    match summary_from(&words) {
        s if s.is_empty() => "Root".to_owned(),
        s => s,
    }
}

/// A handler's function name from its type name (`crate::module::read_me` -> `read_me`), or
/// `None` for a closure.
#[cfg_attr(not(feature = "axum"), allow(dead_code))]
pub(crate) fn handler_name<H>() -> Option<&'static str> {
    let full = std::any::type_name::<H>();
    if full.contains("{{closure}}") || full.contains('<') || full.contains('(') {
        return None;
    }
    full.rsplit("::").next()
}

fn requirement_label(
    names: &[String],
    scopes: &[String],
    has_scopes: impl Fn(&str) -> bool,
) -> String {
    if names.is_empty() {
        return "{}".to_owned();
    }
    names
        .iter()
        .map(|n| {
            if has_scopes(n) && !scopes.is_empty() {
                format!("{n}[{}]", scopes.join(" "))
            } else {
                n.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Builds the document from the operations, in order; `outer` wraps every operation.
pub(crate) fn build(
    info: Info,
    entries: &[OpEntry],
    outer: &[Described],
    require_security: bool,
) -> Result<OpenApi, DocError> {
    let mut doc = OpenApi::new(info);
    // OpenAPI's default server, written out: linters (redocly's `no-empty-servers`) want it.
    doc.servers.push(crate::model::Server {
        url: "/".to_owned(),
        description: None,
    });
    let mut generator = generator();
    let mut ids = HashSet::new();
    let mut report = SecurityReport::default();
    for entry in entries {
        let method = entry.method.as_str().to_ascii_lowercase();
        let (path, params) = openapi_path(&entry.path);
        let mut draft = OperationDraft::default();
        {
            let mut cx = DescribeCx {
                op: &mut draft,
                components: &mut doc.components,
                generator: &mut generator,
                method: &method,
                path: &path,
            };
            for layer in outer.iter().chain(&entry.layers) {
                layer.describe(&mut cx)?;
            }
            for describer in &entry.spec.describers {
                describer.describe(&mut cx)?;
            }
            if let Some(output) = entry.spec.output {
                output(&mut cx)?;
            }
        }
        let spec = &entry.spec;
        let name = spec.handler_name;
        let id = match &spec.operation_id {
            Some(id) => {
                if !ids.insert(id.clone()) {
                    return Err(DocError::DuplicateOperationId { id: id.clone() });
                }
                id.clone()
            }
            None => {
                let base = operation_id(name, &path, &method);
                let mut id = base.clone();
                let mut n = 2;
                while !ids.insert(id.clone()) {
                    id = format!("{base}_{n}");
                    n += 1;
                }
                id
            }
        };

        let main = main_response(&draft).ok_or_else(|| DocError::MissingSerializer {
            method: method.to_ascii_uppercase(),
            path: path.clone(),
        })?;
        let mut others: Vec<(u16, Response)> = draft
            .operation
            .responses
            .iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, v.clone())))
            .collect();
        others.extend(spec.responses.iter().cloned());
        others.sort_by_key(|(status, _)| *status);

        let mut op = Operation {
            tags: spec.tags.clone(),
            summary: spec
                .summary
                .clone()
                .or(draft.operation.summary.take())
                .or_else(|| name.map(summary_from))
                .or_else(|| Some(summary_from_path(&path))),
            description: spec
                .description
                .clone()
                .or(draft.operation.description.take()),
            operation_id: id,
            parameters: params
                .into_iter()
                .map(|p| Parameter {
                    name: p,
                    location: ParameterIn::Path,
                    required: true,
                    description: None,
                    schema: Some(json_schema!({"type": "string"})),
                })
                .collect(),
            request_body: draft.operation.request_body.take(),
            deprecated: spec.deprecated || draft.operation.deprecated,
            security: None,
            ..Operation::default()
        };
        op.parameters.append(&mut draft.operation.parameters);
        op.tags.append(&mut draft.operation.tags);
        op.responses.insert(main.0.as_u16().to_string(), main.1);
        for (status, response) in others {
            let key = status.to_string();
            if !op.responses.contains_key(&key) {
                op.responses.insert(key, response);
            }
        }

        let has_scopes = |name: &str| {
            doc.components
                .security_schemes
                .get(name)
                .is_some_and(|s| s.has_scopes())
        };
        let mut labels = Vec::new();
        if let Some(mut alternatives) = draft.security.take() {
            // Anonymous access last, as a reader expects it.
            alternatives.sort_by_key(|a| a.is_empty());
            let mut requirements = Vec::with_capacity(alternatives.len());
            for names in &alternatives {
                labels.push(requirement_label(names, &draft.scopes, has_scopes));
                requirements.push(
                    names
                        .iter()
                        .map(|n| {
                            let scopes = if has_scopes(n) {
                                draft.scopes.clone()
                            } else {
                                Vec::new()
                            };
                            (n.clone(), scopes)
                        })
                        .collect(),
                );
            }
            op.security = Some(requirements);
        }
        report.rows.push(SecurityRow {
            method: method.to_ascii_uppercase(),
            path: path.clone(),
            requirements: labels,
            enforced: std::mem::take(&mut draft.enforced),
            public: spec.public,
        });

        let item = doc.paths.entry_or_insert_with(&path, Default::default);
        if item.contains_key(&method) {
            return Err(DocError::DuplicateOperation {
                method: method.to_ascii_uppercase(),
                path,
            });
        }
        item.insert(method, op);
    }
    if require_security {
        let routes = report.unsecured();
        if !routes.is_empty() {
            return Err(DocError::Unsecured { routes });
        }
    }
    for (name, schema) in generator.take_definitions(true) {
        let schema = Schema::try_from(schema).map_err(|_| DocError::Undescribed {
            type_name: "a schema definition",
            reason: format!("{name} is not a JSON schema"),
        })?;
        doc.components.schemas.insert(name, schema);
    }
    doc.report = report;
    Ok(doc)
}

/// The successful response: its status and what its body is. `None`: a payload that no
/// serializing layer writes.
fn main_response(draft: &OperationDraft) -> Option<(StatusCode, Response)> {
    let status = draft
        .status
        .or(draft.class.map(|c| c.status))
        .unwrap_or(StatusCode::OK);
    let mut response = Response::new("Successful Response");
    let no_body = status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    match (&draft.output, draft.class) {
        (Some(OutputDoc::Opaque), _) => {}
        (Some(OutputDoc::Direct { media_type, schema }), _) => {
            if !no_body {
                response = response.content(media_type, schema.clone());
            }
        }
        (output, Some(class)) => {
            if let (Some(media_type), false) = (class.media_type, no_body) {
                let schema = if class.json {
                    draft
                        .model
                        .clone()
                        .or(match output {
                            Some(OutputDoc::Payload(schema)) => Some(schema.clone()),
                            _ => None,
                        })
                        .unwrap_or_else(|| json_schema!({}))
                } else {
                    json_schema!({"type": "string"})
                };
                response = response.content(media_type, schema);
            }
        }
        (Some(OutputDoc::Payload(_)), None) => return None,
        (None, None) => {}
    }
    Some((status, response))
}

/// The same document for a bare tower or hyper service, from the same layer values.
///
/// # Example
/// ```
/// use http::Method;
/// use towerapi_openapi::{DocBuilder, Info, OperationSpec};
///
/// let doc = DocBuilder::new()
///     .route_with(Method::GET, "/health", &tower_layer::Identity::new(), |op: OperationSpec| {
///         op.summary("Health").public()
///     })
///     .require_security()
///     .finish(Info::new("svc", "1"))
///     .unwrap();
/// assert_eq!(doc.operation("get", "/health").unwrap().summary.as_deref(), Some("Health"));
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct DocBuilder {
    outer: Vec<Described>,
    entries: Vec<OpEntry>,
    errors: Vec<DocError>,
    require_security: bool,
}

impl DocBuilder {
    /// No routes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A layer around the whole service (`ServiceBuilder::new().layer(..).service(app)`): it
    /// covers every route, those added before and after.
    pub fn layer<L: Layer<DocProbe>>(mut self, layer: &L) -> Self {
        match describe_layer(layer) {
            Ok(found) => self.outer.extend(found),
            Err(e) => self.errors.push(e),
        }
        self
    }

    /// A route and the layers of its stack (`&(a, b)`, a `ServiceBuilder`, or `&Identity::new()`).
    pub fn route<L: Layer<DocProbe>>(self, method: Method, path: &str, layer: &L) -> Self {
        self.route_with(method, path, layer, |op| op)
    }

    /// A route, its layers and its extras.
    pub fn route_with<L: Layer<DocProbe>>(
        mut self,
        method: Method,
        path: &str,
        layer: &L,
        extras: impl FnOnce(OperationSpec) -> OperationSpec,
    ) -> Self {
        if let Err(e) = check_path(path) {
            self.errors.push(e);
            return self;
        }
        if self
            .entries
            .iter()
            .any(|e| e.method == method && e.path == path)
        {
            self.errors.push(DocError::DuplicateOperation {
                method: method.to_string(),
                path: path.to_owned(),
            });
            return self;
        }
        match describe_layer(layer) {
            Ok(layers) => self.entries.push(OpEntry {
                method,
                path: path.to_owned(),
                layers,
                spec: extras(OperationSpec::new()),
            }),
            Err(e) => self.errors.push(e),
        }
        self
    }

    /// Makes [`finish`](Self::finish) fail when a route has no security layer and was not
    /// marked public.
    pub fn require_security(mut self) -> Self {
        self.require_security = true;
        self
    }

    /// The document.
    ///
    /// # Errors
    /// The first [`DocError`] met.
    pub fn finish(self, info: Info) -> Result<OpenApi, DocError> {
        if let Some(e) = self.errors.into_iter().next() {
            return Err(e);
        }
        build(info, &self.entries, &self.outer, self.require_security)
    }
}

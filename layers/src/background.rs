//! Background tasks that run after the response has been sent.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use http_body::{Frame, SizeHint};
use pin_project_lite::pin_project;
use tokio::runtime::Handle;
use tower_layer::Layer;
use tower_service::Service;

type BoxTask = Pin<Box<dyn Future<Output = ()> + Send>>;

enum Task {
    Async(BoxTask),
    Blocking(Box<dyn FnOnce() + Send>),
}

/// FastAPI's `BackgroundTasks`: work added by the handler that runs after the response body
/// has been sent (or dropped, when the client went away), in the order it was added.
///
/// A [`BackgroundTasksLayer`] puts one into each request's extensions; with axum, take it as
/// an extractor. Each task runs in a tokio task of its own, one after the other: a task that
/// panics is logged at error level (target `towerapi::background`) and the next one still
/// runs. Blocking work (`add_blocking`) runs on tokio's blocking pool, as Starlette runs sync
/// tasks in its thread pool.
#[derive(Clone, Default)]
pub struct BackgroundTasks {
    tasks: Arc<Mutex<Vec<Task>>>,
}

impl BackgroundTasks {
    /// An empty set of tasks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an async task.
    pub fn add<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.push(Task::Async(Box::pin(task)));
    }

    /// Adds a blocking task (run on tokio's blocking pool).
    pub fn add_blocking<F>(&self, task: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.push(Task::Blocking(Box::new(task)));
    }

    /// How many tasks wait.
    pub fn len(&self) -> usize {
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether no task waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn push(&self, task: Task) {
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(task);
    }

    fn take(&self) -> Vec<Task> {
        std::mem::take(&mut *self.tasks.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Runs the tasks now, in order, each in its own tokio task; returns when all are done.
    /// The layer calls this after the body is sent; call it yourself where there is no layer.
    pub async fn run(self) {
        for (index, task) in self.take().into_iter().enumerate() {
            let result = match task {
                Task::Async(fut) => tokio::spawn(fut).await,
                Task::Blocking(f) => tokio::task::spawn_blocking(f).await,
            };
            if let Err(error) = result {
                tracing::error!(target: "towerapi::background", task = index, panicked = error.is_panic(), "a background task failed");
            }
        }
    }
}

impl fmt::Debug for BackgroundTasks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackgroundTasks")
            .field("len", &self.len())
            .finish()
    }
}

/// Puts a [`BackgroundTasks`] into each request and runs what the handler added once the
/// response body has been sent or dropped.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use http::Request;
/// use http_body_util::BodyExt;
/// use tower::{service_fn, Layer, ServiceExt};
/// use towerapi_layers::{BackgroundTasks, BackgroundTasksLayer};
///
/// let (tx, rx) = tokio::sync::oneshot::channel();
/// let tx = std::sync::Mutex::new(Some(tx));
/// let svc = BackgroundTasksLayer::new().layer(service_fn(move |req: Request<()>| {
///     let tx = tx.lock().unwrap().take();
///     async move {
///         let tasks = req.extensions().get::<BackgroundTasks>().unwrap();
///         tasks.add(async move { let _ = tx.unwrap().send("sent"); });
///         Ok::<_, std::convert::Infallible>(http::Response::new(String::from("ok")))
///     }
/// }));
/// let res = svc.oneshot(Request::new(())).await.unwrap();
/// assert_eq!(res.into_body().collect().await.unwrap().to_bytes(), "ok"); // the body is sent...
/// assert_eq!(rx.await.unwrap(), "sent");                                // ...then the task runs
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[must_use]
pub struct BackgroundTasksLayer {
    _priv: (),
}

impl BackgroundTasksLayer {
    /// The layer.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<S> Layer<S> for BackgroundTasksLayer {
    type Service = BackgroundTasksService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        #[cfg(feature = "openapi")]
        towerapi_openapi::note(self);
        BackgroundTasksService { inner }
    }
}

/// The service of [`BackgroundTasksLayer`].
#[derive(Clone, Copy, Debug)]
pub struct BackgroundTasksService<S> {
    inner: S,
}

impl<S> BackgroundTasksService<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        Self { inner }
    }

    /// The layer.
    pub fn layer() -> BackgroundTasksLayer {
        BackgroundTasksLayer::new()
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for BackgroundTasksService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: http_body::Body<Data = Bytes>,
{
    type Response = Response<BackgroundBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqBody>) -> Self::Future {
        let tasks = BackgroundTasks::new();
        req.extensions_mut().insert(tasks.clone());
        ResponseFuture {
            future: self.inner.call(req),
            tasks: Some(tasks),
        }
    }
}

pin_project! {
    /// The response future of [`BackgroundTasksService`].
    pub struct ResponseFuture<F> {
        #[pin]
        future: F,
        tasks: Option<BackgroundTasks>,
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<BackgroundBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // If the handler fails, its tasks are dropped with the error, as Starlette's are.
        let res = ready!(this.future.poll(cx))?;
        let runner = Runner(this.tasks.take().filter(|t| !t.is_empty()));
        Poll::Ready(Ok(res.map(|inner| BackgroundBody { inner, runner })))
    }
}

/// Starts the tasks when dropped, which hyper does once the body has been written (or the
/// connection is gone).
struct Runner(Option<BackgroundTasks>);

impl Drop for Runner {
    fn drop(&mut self) {
        let Some(tasks) = self.0.take() else { return };
        match Handle::try_current() {
            Ok(handle) => {
                handle.spawn(tasks.run());
            }
            Err(_) => {
                tracing::error!(target: "towerapi::background", dropped = tasks.len(), "background tasks need a tokio runtime; none was running");
            }
        }
    }
}

pin_project! {
    /// The response body of [`BackgroundTasksService`]: the inner body; the tasks start when
    /// it has been sent and dropped.
    pub struct BackgroundBody<B> {
        #[pin]
        inner: B,
        runner: Runner,
    }
}

impl<B> fmt::Debug for BackgroundBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackgroundBody").finish_non_exhaustive()
    }
}

impl<B> http_body::Body for BackgroundBody<B>
where
    B: http_body::Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        self.project().inner.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The rejection of the `BackgroundTasks` extractor when no [`BackgroundTasksLayer`] is on the
/// route: a server misconfiguration, answered `500 Internal Server Error` and logged.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct MissingBackgroundTasksLayer;

impl fmt::Display for MissingBackgroundTasksLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the BackgroundTasks extractor needs a BackgroundTasksLayer on the route or the router",
        )
    }
}

impl std::error::Error for MissingBackgroundTasksLayer {}

#[cfg(feature = "axum")]
mod axum_impls {
    use axum_core::extract::FromRequestParts;
    use axum_core::response::{IntoResponse, Response};
    use http::request::Parts;

    use super::{BackgroundTasks, MissingBackgroundTasksLayer};

    impl<S: Send + Sync> FromRequestParts<S> for BackgroundTasks {
        type Rejection = MissingBackgroundTasksLayer;

        async fn from_request_parts(
            parts: &mut Parts,
            _state: &S,
        ) -> Result<Self, Self::Rejection> {
            parts
                .extensions
                .get::<BackgroundTasks>()
                .cloned()
                .ok_or(MissingBackgroundTasksLayer)
        }
    }

    impl IntoResponse for MissingBackgroundTasksLayer {
        fn into_response(self) -> Response {
            tracing::error!(target: "towerapi::rejection", status = 500, rejection = "MissingBackgroundTasksLayer", "{self}");
            towerapi_encode::class::internal_server_error().into_response()
        }
    }
}

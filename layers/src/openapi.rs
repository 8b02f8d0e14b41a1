//! How each layer describes itself in the OpenAPI document (feature `openapi`).

use towerapi_encode::class::ResponseClass;
use towerapi_openapi::{ClassDoc, Describe, DescribeCx, DocError};

use crate::{BackgroundTasksLayer, ResponseModelLayer, SerializeLayer, StatusLayer};

/// The class's media type and default status (the innermost `SerializeLayer` wins, as it
/// serializes first).
impl<C: ResponseClass> Describe for SerializeLayer<C> {
    fn describe(&self, cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        let class = self.class();
        cx.operation().set_class(ClassDoc {
            media_type: class.media_type(),
            json: class.is_json(),
            status: class.default_status(),
        });
        Ok(())
    }
}

/// The route's default status; `204`, `304` and 1xx are documented without content.
impl Describe for StatusLayer {
    fn describe(&self, cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        if let Some(status) = self.status() {
            cx.operation().set_default_status(status);
        }
        Ok(())
    }
}

/// `M`'s schema as the successful response's, under `M`'s schema name (FastAPI names the
/// component after the model class); it replaces the handler's return type.
impl<M> Describe for ResponseModelLayer<M>
where
    M: schemars::JsonSchema + 'static,
    Self: Send + Sync,
{
    fn describe(&self, cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        let schema = cx.schema_for::<M>()?;
        cx.operation().set_model(schema);
        Ok(())
    }
}

/// Background tasks change nothing a client sees.
impl Describe for BackgroundTasksLayer {
    fn describe(&self, _cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        Ok(())
    }
}

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use http::{Method, StatusCode};
    use serde_json::{json, Value};
    use towerapi_encode::class::{Html, Redirect};
    use towerapi_openapi::{describe_layer, DocBuilder, Info, OpenApi, OperationSpec};

    use crate::{BackgroundTasksLayer, ResponseModelLayer, SerializeLayer, StatusLayer};

    /// A model.
    #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
    struct UserOut {
        username: String,
        email: Option<String>,
    }

    fn document<L: tower_layer::Layer<towerapi_openapi::DocProbe>>(layer: &L) -> OpenApi {
        DocBuilder::new()
            .route_with(Method::GET, "/x", layer, |op: OperationSpec| {
                op.returns::<towerapi_encode::Reply<Vec<i64>>>()
            })
            .finish(Info::new("t", "1"))
            .unwrap()
    }

    fn responses(doc: &OpenApi) -> Value {
        serde_json::to_value(&doc.operation("get", "/x").unwrap().responses).unwrap()
    }

    #[test]
    fn each_layer_reports_itself() {
        assert_eq!(describe_layer(&SerializeLayer::json()).unwrap().len(), 1);
        assert_eq!(describe_layer(&StatusLayer::new()).unwrap().len(), 1);
        assert_eq!(
            describe_layer(&ResponseModelLayer::<UserOut>::new())
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            describe_layer(&BackgroundTasksLayer::new()).unwrap().len(),
            1
        );
    }

    #[test]
    fn serialize_layer_gives_the_media_type_and_the_payload_schema() {
        let doc = document(&SerializeLayer::json());
        assert_eq!(
            responses(&doc),
            json!({"200": {"description": "Successful Response", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "integer", "format": "int64"}}}}}})
        );
        let doc = document(&SerializeLayer::new(Html));
        assert_eq!(
            responses(&doc),
            json!({"200": {"description": "Successful Response", "content": {"text/html": {"schema": {"type": "string"}}}}})
        );
        // A redirect class: its 307 and no content.
        let doc = document(&SerializeLayer::new(Redirect));
        assert_eq!(
            responses(&doc),
            json!({"307": {"description": "Successful Response"}})
        );
        // The inner class wins, as it serializes first.
        let doc = document(&(SerializeLayer::json(), SerializeLayer::new(Html)));
        assert!(responses(&doc)["200"]["content"].get("text/html").is_some());
        // Without a serializing layer a payload would be an empty body: an error.
        let err = DocBuilder::new()
            .route_with(
                Method::GET,
                "/x",
                &StatusLayer::new(),
                |op: OperationSpec| op.returns::<towerapi_encode::Reply<i64>>(),
            )
            .finish(Info::new("t", "1"))
            .unwrap_err();
        assert_eq!(
            err,
            towerapi_openapi::DocError::MissingSerializer {
                method: "GET".into(),
                path: "/x".into()
            }
        );
    }

    #[test]
    fn status_layer_gives_the_default_status_and_no_content_for_204() {
        let doc = document(&(
            SerializeLayer::json(),
            StatusLayer::default_status(StatusCode::CREATED),
        ));
        assert_eq!(responses(&doc)["201"]["description"], "Successful Response");
        assert!(responses(&doc)["201"]["content"]["application/json"].is_object());
        for status in [StatusCode::NO_CONTENT, StatusCode::NOT_MODIFIED] {
            let doc = document(&(SerializeLayer::json(), StatusLayer::default_status(status)));
            assert_eq!(
                responses(&doc),
                json!({status.as_str(): {"description": "Successful Response"}})
            );
        }
        // No default: the class's.
        let doc = document(&(SerializeLayer::json(), StatusLayer::new()));
        assert!(responses(&doc).get("200").is_some());
    }

    #[test]
    fn response_model_replaces_the_return_type_with_a_component() {
        let doc = document(&(
            SerializeLayer::pydantic(),
            ResponseModelLayer::<UserOut>::new(),
        ));
        assert_eq!(
            responses(&doc)["200"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/UserOut"})
        );
        let component = serde_json::to_value(&doc.components.schemas["UserOut"]).unwrap();
        assert_eq!(component["required"], json!(["username"]));
        assert_eq!(
            component["properties"]["email"]["type"],
            json!(["string", "null"])
        );
    }

    #[test]
    fn background_tasks_change_nothing() {
        assert_eq!(
            responses(&document(&(
                SerializeLayer::json(),
                BackgroundTasksLayer::new()
            ))),
            responses(&document(&SerializeLayer::json()))
        );
    }
}

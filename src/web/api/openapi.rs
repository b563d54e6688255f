//! The OpenAPI document, generated from the handlers' annotations so it cannot drift.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document's frame: title and description. Its paths and schemas come from the one
/// route registration (`super::routes`), its shared parts from the modifiers.
#[derive(OpenApi)]
#[openapi(info(
    title = "workplan API",
    description = "政务公开工作要点分工方案跟踪系统接口"
))]
pub struct ApiDoc;

/// The API description served at /api/v1/openapi.json, built once from the registration.
pub fn api_doc() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        use utoipa_actix_web::AppExt;
        let (_, mut doc) = actix_web::App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .service(utoipa_actix_web::scope("/api/v1").configure(super::routes))
            .split_for_parts();
        for m in [&BearerAuth as &dyn Modify, &ErrorContract, &NaiveTimes] {
            m.modify(&mut doc);
        }
        doc
    })
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The error answers every operation may give, whatever its own annotation lists: they
/// come from the one error mapping (src/web/error.rs), not from the handler.
struct ErrorContract;

impl Modify for ErrorContract {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in operations.into_iter().flatten() {
                let mut common = vec![
                    ("400", "请求格式有误"),
                    ("503", "数据库暂时不可用，请稍后重试"),
                ];
                if op.security.is_some() {
                    common.push(("401", "未登录或登录已过期"));
                }
                if path.contains('{') {
                    common.push(("404", "路径中的记录不存在"));
                }
                if op.request_body.is_some() {
                    common.push(("413", "请求体过大"));
                    common.push(("422", "内容不符合要求"));
                }
                if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                    common.push(("422", "参数不符合要求"));
                }
                for (status, description) in common {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error(description).into());
                }
            }
        }
    }
}

/// Timestamps travel as UTC without an offset (`2026-11-24T09:30:00.123`), which JSON
/// Schema's `date-time` does not allow: say so with a pattern instead.
struct NaiveTimes;

impl Modify for NaiveTimes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ArrayItems, KnownFormat, Schema, SchemaFormat};
        use utoipa::openapi::RefOr;
        fn walk(schema: &mut Schema) {
            let inner = |r: &mut RefOr<Schema>| {
                if let RefOr::T(s) = r {
                    walk(s);
                }
            };
            match schema {
                Schema::Object(o) => {
                    if matches!(
                        o.format,
                        Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))
                    ) {
                        o.format = None;
                        o.pattern =
                            Some(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$".into());
                        o.description
                            .get_or_insert_with(|| "UTC 时间，不带时区后缀".to_string());
                    }
                    o.properties.values_mut().for_each(inner);
                }
                Schema::Array(a) => {
                    if let ArrayItems::RefOrSchema(items) = &mut a.items {
                        inner(items);
                    }
                }
                Schema::OneOf(o) => o.items.iter_mut().for_each(inner),
                Schema::AllOf(o) => o.items.iter_mut().for_each(inner),
                Schema::AnyOf(o) => o.items.iter_mut().for_each(inner),
                _ => {}
            }
        }
        if let Some(components) = openapi.components.as_mut() {
            for schema in components.schemas.values_mut() {
                if let RefOr::T(s) = schema {
                    walk(s);
                }
            }
        }
    }
}

/// The methods the API answers on a concrete path (`/api/v1/items/12` → `["GET", "PATCH"]`),
/// read from the document, which the tests keep equal to the registered routes.
pub fn methods_of(path: &str) -> Vec<&'static str> {
    static ROUTES: std::sync::OnceLock<Vec<(Vec<String>, Vec<&'static str>)>> =
        std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        api_doc()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, has)| has.then_some(m))
                .collect();
                (template.split('/').map(str::to_string).collect(), methods)
            })
            .collect()
    });
    // A template segment `{kind}.xlsx` matches any non-empty text between its fixed ends.
    let matches = |t: &str, p: &str| match (t.find('{'), t.rfind('}')) {
        (Some(open), Some(close)) => {
            let (prefix, suffix) = (&t[..open], &t[close + 1..]);
            p.len() > prefix.len() + suffix.len() && p.starts_with(prefix) && p.ends_with(suffix)
        }
        _ => t == p,
    };
    let parts: Vec<&str> = path.split('/').collect();
    routes
        .iter()
        .find(|(template, _)| {
            template.len() == parts.len() && template.iter().zip(&parts).all(|(t, p)| matches(t, p))
        })
        .map(|(_, methods)| methods.clone())
        .unwrap_or_default()
}

/// Serves the document.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(api_doc())
}

#[cfg(test)]
mod tests {
    use super::methods_of;

    #[test]
    fn a_path_knows_its_methods() {
        let cases: &[(&str, &[&str])] = &[
            ("/api/v1/items/12", &["GET", "PATCH"]),
            ("/api/v1/plans/3/export/ledger.xlsx", &["GET"]),
            ("/api/v1/plans/3/export/annual-report.docx", &["GET"]),
            ("/api/v1/auth/login", &["POST"]),
            ("/api/v1/items//reports", &[]),
            ("/api/v1/nothing", &[]),
        ];
        for (path, want) in cases {
            assert_eq!(methods_of(path), *want, "{path}");
        }
    }
}

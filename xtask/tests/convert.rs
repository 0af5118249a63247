//! Each conversion rule on a tiny hand-written Swagger 2.0 document, and the
//! errors for documents that cannot be converted faithfully.

use serde_json::{Value, json};
use xtask::convert::swagger2_to_openapi3;

/// A minimal valid document with `extra` merged over it at the top level.
fn swagger(extra: Value) -> Value {
    let mut doc = json!({
        "swagger": "2.0",
        "info": { "title": "t", "version": "1" },
        "paths": {},
    });
    for (k, v) in extra.as_object().unwrap() {
        doc[k] = v.clone();
    }
    doc
}

/// A document with one operation, `POST /x`.
fn with_op(op: Value) -> Value {
    swagger(json!({ "paths": { "/x": { "post": op } } }))
}

fn ok() -> Value {
    json!({ "200": { "description": "OK" } })
}

fn convert(doc: Value) -> Value {
    let out = swagger2_to_openapi3(&doc).unwrap_or_else(|e| panic!("conversion failed: {e:#}"));
    assert_refs_resolve(&out);
    out
}

fn error(doc: Value) -> String {
    match swagger2_to_openapi3(&doc) {
        Ok(out) => panic!("expected an error, got {out:#}"),
        Err(e) => format!("{e:#}"),
    }
}

fn assert_refs_resolve(doc: &Value) {
    fn walk(root: &Value, v: &Value) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    let ptr = r.strip_prefix('#').expect("local ref").replace("%25", "%");
                    assert!(root.pointer(&ptr).is_some(), "{r} does not resolve");
                }
                m.values().for_each(|v| walk(root, v));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(root, v)),
            _ => {}
        }
    }
    walk(doc, doc);
}

// ---- document level -------------------------------------------------------------

#[test]
fn rejects_what_is_not_swagger_2() {
    let e = error(json!({ "openapi": "3.0.0", "info": {}, "paths": {} }));
    assert!(
        e.contains("/swagger") && e.contains("already an OpenAPI"),
        "{e}"
    );
    let e = error(json!({ "swagger": "1.2", "info": {}, "paths": {} }));
    assert!(e.contains("/swagger") && e.contains("\"2.0\""), "{e}");
    assert!(error(json!({ "info": {} })).contains("/swagger"));
    assert!(error(json!([1, 2])).starts_with("/:"));
    let e = error(json!({ "swagger": "2.0", "paths": {} }));
    assert!(e.contains("/info"), "{e}");
    let e = error(swagger(json!({ "webhooks": {} })));
    assert!(e.contains("/webhooks"), "{e}");
}

#[test]
fn writes_openapi_3_0_and_keeps_info_tags_and_extensions() {
    let out = convert(swagger(json!({
        "tags": [{ "name": "stacks", "description": "Stacks" }],
        "externalDocs": { "url": "https://example.com" },
        "x-top": { "a": 1 },
    })));
    assert_eq!(out["openapi"], "3.0.3");
    assert_eq!(out["info"], json!({ "title": "t", "version": "1" }));
    assert_eq!(
        out["tags"],
        json!([{ "name": "stacks", "description": "Stacks" }])
    );
    assert_eq!(out["externalDocs"]["url"], "https://example.com");
    assert_eq!(out["x-top"], json!({ "a": 1 }));
    assert!(out.get("swagger").is_none());
}

#[test]
fn servers_come_from_host_base_path_and_schemes() {
    let out = convert(swagger(json!({
        "host": "portainer.example:9443",
        "basePath": "/api",
        "schemes": ["https", "http"],
    })));
    assert_eq!(
        out["servers"],
        json!([{ "url": "https://portainer.example:9443/api" }, { "url": "http://portainer.example:9443/api" }])
    );
    let out = convert(swagger(json!({ "basePath": "/api" })));
    assert_eq!(
        out["servers"],
        json!([{ "url": "/api" }]),
        "the base path alone is a relative server URL"
    );
    let out = convert(swagger(json!({ "basePath": "/api/", "host": "h" })));
    assert_eq!(
        out["servers"],
        json!([{ "url": "//h/api" }]),
        "no scheme: scheme-relative; trailing slash dropped"
    );
    let out = convert(swagger(json!({ "host": "h", "basePath": "/" })));
    assert_eq!(out["servers"], json!([{ "url": "//h" }]));
    assert!(convert(swagger(json!({}))).get("servers").is_none());
    assert!(error(swagger(json!({ "basePath": "api" }))).contains("/basePath"));
}

#[test]
fn operation_schemes_that_differ_get_their_own_servers() {
    let doc = swagger(json!({
        "host": "h", "basePath": "/api", "schemes": ["https"],
        "paths": {
            "/ws": { "get": { "schemes": ["wss"], "responses": ok() } },
            "/same": { "get": { "schemes": ["https"], "responses": ok() } },
        },
    }));
    let out = convert(doc);
    assert_eq!(
        out["paths"]["/ws"]["get"]["servers"],
        json!([{ "url": "wss://h/api" }])
    );
    assert!(out["paths"]["/same"]["get"].get("servers").is_none());
}

// ---- components -----------------------------------------------------------------

#[test]
fn definitions_become_component_schemas_with_names_and_refs_kept() {
    let out = convert(swagger(json!({
        "definitions": {
            "portainer.Stack": {
                "type": "object",
                "properties": {
                    "Env": { "type": "array", "items": { "$ref": "#/definitions/portainer.Pair" } },
                    "Weird": { "$ref": "#/definitions/a~1b c" },
                    "Deep": { "$ref": "#/definitions/portainer.Pair/properties/name" },
                },
            },
            "portainer.Pair": { "type": "object", "properties": { "name": { "type": "string" } } },
            "a/b c": { "type": "string" },
        },
    })));
    let schemas = &out["components"]["schemas"];
    assert!(schemas.get("portainer.Stack").is_some() && schemas.get("a/b c").is_some());
    let props = &schemas["portainer.Stack"]["properties"];
    assert_eq!(
        props["Env"]["items"]["$ref"],
        "#/components/schemas/portainer.Pair"
    );
    assert_eq!(props["Weird"]["$ref"], "#/components/schemas/a~1b c");
    assert_eq!(
        props["Deep"]["$ref"],
        "#/components/schemas/portainer.Pair/properties/name"
    );
    assert!(out.get("definitions").is_none());
}

#[test]
fn percent_encoded_refs_resolve_and_a_literal_percent_is_re_encoded() {
    let out = convert(swagger(json!({
        "definitions": {
            "A": { "properties": { "b": { "$ref": "#/definitions/B%20C" }, "p": { "$ref": "#/definitions/100%25" } } },
            "B C": { "type": "string" },
            "100%": { "type": "integer" },
        },
    })));
    let props = &out["components"]["schemas"]["A"]["properties"];
    assert_eq!(props["b"]["$ref"], "#/components/schemas/B C");
    assert_eq!(props["p"]["$ref"], "#/components/schemas/100%25");
}

#[test]
fn shared_parameters_and_responses_become_components() {
    let out = convert(swagger(json!({
        "parameters": {
            "id": { "name": "id", "in": "path", "required": true, "type": "integer" },
            "payload": { "name": "body", "in": "body", "required": true, "schema": { "$ref": "#/definitions/P" } },
            "upload": { "name": "file", "in": "formData", "type": "file" },
        },
        "responses": {
            "NotFound": { "description": "gone", "schema": { "$ref": "#/definitions/E" } },
        },
        "definitions": { "P": { "type": "object" }, "E": { "type": "object" } },
        "paths": {
            "/x/{id}": {
                "put": {
                    "parameters": [{ "$ref": "#/parameters/id" }, { "$ref": "#/parameters/payload" }],
                    "responses": { "404": { "$ref": "#/responses/NotFound" } },
                },
                "post": {
                    "consumes": ["multipart/form-data"],
                    "parameters": [{ "$ref": "#/parameters/id" }, { "$ref": "#/parameters/upload" }],
                    "responses": ok(),
                },
            },
        },
    })));
    let c = &out["components"];
    assert_eq!(
        c["parameters"]["id"]["schema"],
        json!({ "type": "integer" })
    );
    assert!(c["parameters"].get("payload").is_none() && c["parameters"].get("upload").is_none());
    assert_eq!(
        c["requestBodies"]["payload"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/P"
    );
    assert_eq!(c["requestBodies"]["payload"]["required"], true);
    assert_eq!(
        c["requestBodies"]["upload"]["content"]["multipart/form-data"]["schema"]["properties"]["file"],
        json!({ "type": "string", "format": "binary" })
    );
    assert_eq!(
        c["responses"]["NotFound"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/E"
    );

    let put = &out["paths"]["/x/{id}"]["put"];
    assert_eq!(
        put["parameters"],
        json!([{ "$ref": "#/components/parameters/id" }])
    );
    assert_eq!(
        put["requestBody"],
        json!({ "$ref": "#/components/requestBodies/payload" })
    );
    assert_eq!(
        put["responses"]["404"],
        json!({ "$ref": "#/components/responses/NotFound" })
    );
    // A shared form field is one field of this operation's form, so it is inlined.
    let post = &out["paths"]["/x/{id}"]["post"];
    assert_eq!(
        post["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["file"]["format"],
        "binary"
    );
}

#[test]
fn a_shared_body_is_inlined_when_the_operation_consumes_other_types() {
    let out = convert(swagger(json!({
        "parameters": { "payload": { "name": "body", "in": "body", "schema": { "type": "string" } } },
        "paths": { "/x": { "post": {
            "consumes": ["text/plain"],
            "parameters": [{ "$ref": "#/parameters/payload" }],
            "responses": ok(),
        } } },
    })));
    assert_eq!(
        out["paths"]["/x"]["post"]["requestBody"],
        json!({ "content": { "text/plain": { "schema": { "type": "string" } } } })
    );
}

#[test]
fn security_definitions_become_security_schemes() {
    let out = convert(swagger(json!({
        "securityDefinitions": {
            "ApiKeyAuth": { "type": "apiKey", "in": "header", "name": "X-API-KEY", "description": "key" },
            "basic": { "type": "basic", "x-ext": true },
            "implicit": { "type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a", "scopes": { "r": "read" } },
            "password": { "type": "oauth2", "flow": "password", "tokenUrl": "https://t" },
            "app": { "type": "oauth2", "flow": "application", "tokenUrl": "https://t" },
            "code": { "type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t" },
        },
        "security": [{ "ApiKeyAuth": [] }],
    })));
    let s = &out["components"]["securitySchemes"];
    assert_eq!(
        s["ApiKeyAuth"],
        json!({ "type": "apiKey", "name": "X-API-KEY", "in": "header", "description": "key" })
    );
    assert_eq!(
        s["basic"],
        json!({ "type": "http", "scheme": "basic", "x-ext": true })
    );
    assert_eq!(
        s["implicit"]["flows"],
        json!({ "implicit": { "authorizationUrl": "https://a", "scopes": { "r": "read" } } })
    );
    assert_eq!(
        s["password"]["flows"],
        json!({ "password": { "tokenUrl": "https://t", "scopes": {} } })
    );
    assert_eq!(
        s["app"]["flows"],
        json!({ "clientCredentials": { "tokenUrl": "https://t", "scopes": {} } })
    );
    assert_eq!(
        s["code"]["flows"],
        json!({ "authorizationCode": { "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {} } })
    );
    assert_eq!(out["security"], json!([{ "ApiKeyAuth": [] }]));
    assert!(out.get("securityDefinitions").is_none());
}

#[test]
fn bad_security_definitions_are_errors() {
    let e = error(swagger(
        json!({ "securityDefinitions": { "k": { "type": "apiKey", "in": "cookie", "name": "k" } } }),
    ));
    assert!(e.contains("/securityDefinitions/k/in"), "{e}");
    let e = error(swagger(
        json!({ "securityDefinitions": { "o": { "type": "oauth2", "flow": "implicit" } } }),
    ));
    assert!(e.contains("/securityDefinitions/o/authorizationUrl"), "{e}");
    let e = error(swagger(
        json!({ "securityDefinitions": { "o": { "type": "digest" } } }),
    ));
    assert!(e.contains("/securityDefinitions/o/type"), "{e}");
    let e = error(with_op(
        json!({ "security": [{ "jwt": [] }], "responses": ok() }),
    ));
    assert!(e.contains("/paths/~1x/post/security/0/jwt"), "{e}");
}

// ---- parameters -----------------------------------------------------------------

#[test]
fn simple_parameters_get_a_schema() {
    let out = convert(with_op(json!({
        "parameters": [
            { "name": "id", "in": "path", "type": "integer", "format": "int64", "description": "the id" },
            { "name": "state", "in": "query", "type": "string", "enum": ["a", "b"], "default": "a", "required": false },
            { "name": "limit", "in": "query", "type": "integer", "minimum": 1, "maximum": 100, "x-ext": 1 },
            { "name": "X-Trace", "in": "header", "type": "string", "pattern": "^[a-z]+$" },
            { "name": "q", "in": "query", "type": "string", "allowEmptyValue": true, "example": "x" },
        ],
        "responses": ok(),
    })));
    let p = &out["paths"]["/x"]["post"]["parameters"];
    assert_eq!(
        p[0],
        json!({ "name": "id", "in": "path", "description": "the id", "required": true,
                "schema": { "type": "integer", "format": "int64" } }),
        "a path parameter is always required"
    );
    assert_eq!(
        p[1],
        json!({ "name": "state", "in": "query", "required": false,
                "schema": { "type": "string", "default": "a", "enum": ["a", "b"] } })
    );
    assert_eq!(
        p[2]["schema"],
        json!({ "type": "integer", "maximum": 100, "minimum": 1 })
    );
    assert_eq!(p[2]["x-ext"], 1);
    assert_eq!(p[3]["in"], "header");
    assert_eq!(p[3]["schema"]["pattern"], "^[a-z]+$");
    assert_eq!(p[4]["allowEmptyValue"], true);
    assert_eq!(p[4]["example"], "x");
}

#[test]
fn collection_formats_become_style_and_explode() {
    let array = |name: &str, location: &str, format: Option<&str>| {
        let mut p =
            json!({ "name": name, "in": location, "type": "array", "items": { "type": "string" } });
        if let Some(f) = format {
            p["collectionFormat"] = f.into();
        }
        p
    };
    let out = convert(swagger(json!({ "paths": { "/x/{ids}": { "get": {
        "parameters": [
            array("default", "query", None),
            array("csv", "query", Some("csv")),
            array("multi", "query", Some("multi")),
            array("ssv", "query", Some("ssv")),
            array("pipes", "query", Some("pipes")),
            array("ids", "path", Some("csv")),
            array("X-List", "header", None),
        ],
        "responses": ok(),
    } } } })));
    let p = &out["paths"]["/x/{ids}"]["get"]["parameters"];
    let style = |i: usize| (p[i]["style"].clone(), p[i]["explode"].clone());
    assert_eq!(
        style(0),
        (json!("form"), json!(false)),
        "Swagger's default is csv"
    );
    assert_eq!(style(1), (json!("form"), json!(false)));
    assert_eq!(style(2), (json!("form"), json!(true)));
    assert_eq!(style(3), (json!("spaceDelimited"), json!(false)));
    assert_eq!(style(4), (json!("pipeDelimited"), json!(false)));
    assert_eq!(style(5), (json!("simple"), Value::Null));
    assert_eq!(style(6), (json!("simple"), Value::Null));
    assert_eq!(
        p[0]["schema"],
        json!({ "type": "array", "items": { "type": "string" } })
    );
}

#[test]
fn nested_items_lose_only_their_collection_format() {
    let out = convert(with_op(json!({
        "parameters": [{
            "name": "m", "in": "query", "type": "array", "collectionFormat": "multi",
            "items": { "type": "array", "collectionFormat": "csv", "items": { "type": "integer", "enum": [1, 2] } },
        }],
        "responses": ok(),
    })));
    assert_eq!(
        out["paths"]["/x"]["post"]["parameters"][0]["schema"],
        json!({ "type": "array", "items": { "type": "array", "items": { "type": "integer", "enum": [1, 2] } } })
    );
}

#[test]
fn inexpressible_collection_formats_are_errors() {
    let e = error(with_op(json!({
        "parameters": [{ "name": "t", "in": "query", "type": "array", "items": { "type": "string" }, "collectionFormat": "tsv" }],
        "responses": ok(),
    })));
    assert!(
        e.contains("/paths/~1x/post/parameters/0/collectionFormat") && e.contains("tsv"),
        "{e}"
    );
    let e = error(with_op(json!({
        "parameters": [{ "name": "h", "in": "header", "type": "array", "items": { "type": "string" }, "collectionFormat": "multi" }],
        "responses": ok(),
    })));
    assert!(e.contains("parameters/0/collectionFormat"), "{e}");
}

#[test]
fn malformed_parameters_are_errors() {
    let param_error = |p: Value| error(with_op(json!({ "parameters": [p], "responses": ok() })));
    let e = param_error(json!({ "name": "q", "in": "query" }));
    assert!(e.contains("/paths/~1x/post/parameters/0/type"), "{e}");
    let e = param_error(json!({ "name": "q", "in": "cookie", "type": "string" }));
    assert!(e.contains("parameters/0/in") && e.contains("cookie"), "{e}");
    let e = param_error(json!({ "name": "b", "in": "body" }));
    assert!(e.contains("parameters/0/schema"), "{e}");
    let e = param_error(json!({ "name": "f", "in": "query", "type": "file" }));
    assert!(e.contains("parameters/0/type"), "{e}");
    let e = param_error(json!({ "in": "query", "type": "string" }));
    assert!(e.contains("parameters/0/name"), "{e}");
    let e = param_error(json!({ "name": "q", "in": "query", "type": "string", "bogus": 1 }));
    assert!(e.contains("parameters/0/bogus"), "{e}");
}

#[test]
fn path_level_parameters_stay_at_path_level() {
    let out = convert(swagger(json!({ "paths": { "/x/{id}": {
        "parameters": [{ "name": "id", "in": "path", "required": true, "type": "integer" }],
        "x-path-ext": "kept",
        "get": { "responses": ok() },
    } } })));
    let item = &out["paths"]["/x/{id}"];
    assert_eq!(item["parameters"][0]["name"], "id");
    assert_eq!(item["x-path-ext"], "kept");
    assert!(item["get"].get("parameters").is_none());
}

#[test]
fn path_level_body_parameters_apply_to_each_operation_unless_overridden() {
    let out = convert(swagger(json!({ "paths": { "/x": {
        "parameters": [{ "name": "body", "in": "body", "schema": { "type": "string" } }],
        "put": { "responses": ok() },
        "post": { "parameters": [{ "name": "body", "in": "body", "schema": { "type": "integer" } }], "responses": ok() },
    } } })));
    let item = &out["paths"]["/x"];
    assert!(
        item.get("parameters").is_none(),
        "a body is not a path-level parameter in OpenAPI 3"
    );
    assert_eq!(
        item["put"]["requestBody"]["content"]["application/json"]["schema"]["type"],
        "string"
    );
    assert_eq!(
        item["post"]["requestBody"]["content"]["application/json"]["schema"]["type"],
        "integer"
    );
}

// ---- request bodies ---------------------------------------------------------------

#[test]
fn a_body_parameter_becomes_a_request_body_under_each_consumed_type() {
    let body = json!({ "name": "body", "in": "body", "required": true, "description": "payload",
                       "schema": { "$ref": "#/definitions/P" }, "x-body-ext": 1 });
    let defs = json!({ "P": { "type": "object" } });
    let out = convert(swagger(json!({
        "definitions": defs,
        "paths": { "/x": { "post": {
            "consumes": ["application/json", "application/yaml"],
            "parameters": [body],
            "responses": ok(),
        } } },
    })));
    let rb = &out["paths"]["/x"]["post"]["requestBody"];
    let schema = json!({ "schema": { "$ref": "#/components/schemas/P" } });
    assert_eq!(
        rb,
        &json!({ "description": "payload", "required": true, "x-body-ext": 1,
                 "content": { "application/json": schema, "application/yaml": schema } })
    );
    assert!(out["paths"]["/x"]["post"].get("parameters").is_none());

    // The document-wide list applies when the operation has none, then JSON.
    let global = convert(swagger(json!({
        "consumes": ["text/plain"],
        "paths": { "/x": { "post": { "parameters": [body.clone()], "responses": ok() } } },
        "definitions": defs,
    })));
    let content = &global["paths"]["/x"]["post"]["requestBody"]["content"];
    assert_eq!(
        content.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["text/plain"]
    );
    let default = convert(swagger(json!({
        "paths": { "/x": { "post": { "parameters": [body], "responses": ok() } } },
        "definitions": defs,
    })));
    let content = &default["paths"]["/x"]["post"]["requestBody"]["content"];
    assert_eq!(
        content.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["application/json"]
    );
}

#[test]
fn form_fields_become_one_object_schema() {
    let fields = json!([
        { "name": "Name", "in": "formData", "type": "string", "required": true, "description": "stack name" },
        { "name": "file", "in": "formData", "type": "file", "x-field": true },
        { "name": "ids", "in": "formData", "type": "array", "items": { "type": "integer" } },
        { "name": "n", "in": "formData", "type": "integer", "default": 3 },
    ]);
    let out = convert(with_op(json!({ "parameters": fields, "responses": ok() })));
    let rb = &out["paths"]["/x"]["post"]["requestBody"];
    assert_eq!(
        rb["required"], true,
        "a required field makes the body required"
    );
    assert_eq!(
        rb["content"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["multipart/form-data"]
    );
    assert_eq!(
        rb["content"]["multipart/form-data"]["schema"],
        json!({
            "type": "object",
            "properties": {
                "Name": { "description": "stack name", "type": "string" },
                "file": { "type": "string", "format": "binary", "x-field": true },
                "ids": { "type": "array", "items": { "type": "integer" } },
                "n": { "type": "integer", "default": 3 },
            },
            "required": ["Name"],
        })
    );
}

#[test]
fn url_encoded_forms_follow_consumes_and_keep_array_styles() {
    let out = convert(with_op(json!({
        "consumes": ["application/x-www-form-urlencoded"],
        "parameters": [
            { "name": "a", "in": "formData", "type": "string" },
            { "name": "tags", "in": "formData", "type": "array", "items": { "type": "string" }, "collectionFormat": "multi" },
        ],
        "responses": ok(),
    })));
    let rb = &out["paths"]["/x"]["post"]["requestBody"];
    assert!(rb.get("required").is_none(), "no field is required");
    let media = &rb["content"]["application/x-www-form-urlencoded"];
    assert_eq!(
        media["schema"]["properties"]["a"],
        json!({ "type": "string" })
    );
    assert_eq!(
        media["encoding"],
        json!({ "tags": { "style": "form", "explode": true } })
    );
    assert!(rb["content"].get("multipart/form-data").is_none());
}

/// Portainer CE 2.14.2's StackCreate: several JSON payload variants and a
/// multipart upload on one operation. All are kept.
#[test]
fn body_variants_and_form_fields_are_all_kept() {
    let out = convert(swagger(json!({
        "definitions": { "A": { "type": "object" }, "B": { "type": "object" } },
        "paths": { "/stacks": { "post": {
            "consumes": ["application/json", "multipart/form-data"],
            "parameters": [
                { "name": "type", "in": "query", "type": "integer", "required": true },
                { "name": "body_a", "in": "body", "description": "when a", "schema": { "$ref": "#/definitions/A" } },
                { "name": "body_b", "in": "body", "schema": { "$ref": "#/definitions/B" } },
                { "name": "Name", "in": "formData", "type": "string" },
                { "name": "file", "in": "formData", "type": "file" },
            ],
            "responses": ok(),
        } } },
    })));
    let op = &out["paths"]["/stacks"]["post"];
    assert_eq!(op["parameters"].as_array().unwrap().len(), 1);
    let rb = &op["requestBody"];
    assert_eq!(
        rb["content"]["application/json"]["schema"],
        json!({ "oneOf": [{ "$ref": "#/components/schemas/A" }, { "$ref": "#/components/schemas/B" }] })
    );
    let form = &rb["content"]["multipart/form-data"]["schema"];
    assert_eq!(
        form["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["Name", "file"]
    );
    assert_eq!(rb["description"], "One of:\n\n`body_a`: when a\n\n`body_b`");
    assert!(rb.get("required").is_none());
}

#[test]
fn a_body_beside_form_fields_defaults_to_json() {
    let out = convert(with_op(json!({
        "consumes": ["multipart/form-data"],
        "parameters": [
            { "name": "body", "in": "body", "required": true, "schema": { "type": "object" } },
            { "name": "f", "in": "formData", "type": "string" },
        ],
        "responses": ok(),
    })));
    let rb = &out["paths"]["/x"]["post"]["requestBody"];
    let mut types: Vec<_> = rb["content"].as_object().unwrap().keys().cloned().collect();
    types.sort();
    assert_eq!(types, ["application/json", "multipart/form-data"]);
    assert_eq!(rb["required"], true);
}

// ---- responses ----------------------------------------------------------------------

#[test]
fn response_schemas_go_under_each_produced_type() {
    let out = convert(swagger(json!({
        "produces": ["application/xml"],
        "definitions": { "S": { "type": "object" } },
        "paths": {
            "/op": { "get": {
                "produces": ["application/json", " text/plain ", "application/json"],
                "responses": {
                    "200": { "description": "OK", "schema": { "$ref": "#/definitions/S" }, "x-resp": 1 },
                    "204": { "description": "No Content" },
                    "default": { "description": "error", "schema": { "type": "string" } },
                },
            } },
            "/global": { "get": { "responses": { "200": { "description": "OK", "schema": { "type": "string" } } } } },
        },
    })));
    let r = &out["paths"]["/op"]["get"]["responses"];
    let s = json!({ "schema": { "$ref": "#/components/schemas/S" } });
    assert_eq!(
        r["200"],
        json!({ "description": "OK", "content": { "application/json": s, "text/plain": s }, "x-resp": 1 }),
        "media types are trimmed and deduplicated"
    );
    assert_eq!(
        r["204"],
        json!({ "description": "No Content" }),
        "no schema, no content"
    );
    assert_eq!(
        r["default"]["content"]["application/json"]["schema"]["type"],
        "string"
    );
    let g = &out["paths"]["/global"]["get"]["responses"]["200"]["content"];
    assert_eq!(
        g.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["application/xml"]
    );
}

#[test]
fn responses_default_to_json_and_files_become_binary() {
    let out = convert(with_op(json!({
        "responses": {
            "200": { "description": "OK", "schema": { "type": "object" } },
            "201": { "description": "archive", "schema": { "type": "file" } },
        },
    })));
    let r = &out["paths"]["/x"]["post"]["responses"];
    assert_eq!(
        r["200"]["content"],
        json!({ "application/json": { "schema": { "type": "object" } } })
    );
    assert_eq!(
        r["201"]["content"]["application/json"]["schema"],
        json!({ "type": "string", "format": "binary" })
    );
}

#[test]
fn response_headers_and_examples_are_converted() {
    let out = convert(with_op(json!({
        "produces": ["application/json"],
        "responses": { "200": {
            "description": "OK",
            "schema": { "type": "object" },
            "examples": { "application/json": { "a": 1 } },
            "headers": {
                "X-Rate": { "type": "integer", "format": "int32", "description": "left" },
                "X-Ids": { "type": "array", "items": { "type": "string" } },
            },
        } },
    })));
    let r = &out["paths"]["/x"]["post"]["responses"]["200"];
    assert_eq!(
        r["headers"]["X-Rate"],
        json!({ "description": "left", "schema": { "type": "integer", "format": "int32" } })
    );
    assert_eq!(
        r["headers"]["X-Ids"],
        json!({ "style": "simple", "schema": { "type": "array", "items": { "type": "string" } } })
    );
    assert_eq!(
        r["content"]["application/json"]["example"],
        json!({ "a": 1 })
    );
}

#[test]
fn malformed_responses_are_errors() {
    let e = error(with_op(json!({ "description": "no responses" })));
    assert!(e.contains("/paths/~1x/post/responses"), "{e}");
    let e = error(with_op(json!({ "responses": {} })));
    assert!(
        e.contains("/paths/~1x/post/responses") && e.contains("at least one"),
        "{e}"
    );
    let e = error(with_op(
        json!({ "responses": { "2xx": { "description": "?" } } }),
    ));
    assert!(e.contains("/paths/~1x/post/responses/2xx"), "{e}");
    let e = error(with_op(
        json!({ "responses": { "200": { "$ref": "#/responses/Missing" } } }),
    ));
    assert!(
        e.contains("/paths/~1x/post/responses/200/$ref") && e.contains("Missing"),
        "{e}"
    );
}

// ---- schemas ------------------------------------------------------------------------

#[test]
fn x_nullable_becomes_nullable() {
    let out = convert(swagger(json!({ "definitions": {
        "T": { "type": "object", "properties": {
            "a": { "type": "string", "x-nullable": true },
            "b": { "$ref": "#/definitions/U", "x-nullable": true, "description": "maybe" },
            "c": { "type": "integer", "x-nullable": false },
        } },
        "U": { "type": "object" },
    } })));
    let p = &out["components"]["schemas"]["T"]["properties"];
    assert_eq!(p["a"], json!({ "type": "string", "nullable": true }));
    // OpenAPI 3.0 ignores siblings of $ref, so the reference is wrapped.
    assert_eq!(
        p["b"],
        json!({ "allOf": [{ "$ref": "#/components/schemas/U" }], "description": "maybe", "nullable": true })
    );
    assert_eq!(p["c"], json!({ "type": "integer", "nullable": false }));
}

#[test]
fn discriminator_names_become_objects_and_schema_keywords_are_walked() {
    // Not `convert`: its generic check would take the example's `$ref` for a reference.
    let out = swagger2_to_openapi3(&swagger(json!({ "definitions": {
        "Pet": { "type": "object", "discriminator": "kind", "required": ["kind"],
                 "properties": { "kind": { "type": "string" } } },
        "Cat": { "allOf": [{ "$ref": "#/definitions/Pet" }, { "properties": { "lives": { "type": "integer" } } }],
                 "x-go-name": "Cat" },
        "Map": { "type": "object", "additionalProperties": { "$ref": "#/definitions/Cat" } },
        "List": { "type": "array" },
        "File": { "type": "file" },
        "Prop$ref": { "type": "object", "properties": { "$ref": { "type": "string" } },
                      "example": { "$ref": "#/definitions/not-a-ref" } },
    } })))
    .unwrap();
    let s = &out["components"]["schemas"];
    assert_eq!(s["Pet"]["discriminator"], json!({ "propertyName": "kind" }));
    assert_eq!(s["Cat"]["allOf"][0]["$ref"], "#/components/schemas/Pet");
    assert_eq!(s["Cat"]["x-go-name"], "Cat");
    assert_eq!(
        s["Map"]["additionalProperties"]["$ref"],
        "#/components/schemas/Cat"
    );
    assert_eq!(
        s["List"],
        json!({ "type": "array", "items": {} }),
        "OpenAPI 3.0 requires items"
    );
    assert_eq!(s["File"], json!({ "type": "string", "format": "binary" }));
    // A property named `$ref` and an example holding one are data, not references.
    assert_eq!(
        s["Prop$ref"]["properties"]["$ref"],
        json!({ "type": "string" })
    );
    assert_eq!(s["Prop$ref"]["example"]["$ref"], "#/definitions/not-a-ref");
}

#[test]
fn broken_references_name_where_they_are() {
    let e = error(swagger(json!({ "definitions": {
        "A": { "properties": { "b": { "$ref": "#/definitions/Missing" } } },
    } })));
    assert!(
        e.starts_with("/definitions/A/properties/b/$ref:") && e.contains("Missing"),
        "{e}"
    );
    let e = error(with_op(json!({
        "parameters": [{ "$ref": "#/parameters/nope" }],
        "responses": ok(),
    })));
    assert!(e.contains("/paths/~1x/post/parameters/0/$ref"), "{e}");
    let e = error(with_op(json!({
        "parameters": [{ "name": "b", "in": "body", "schema": { "$ref": "other.yaml#/definitions/A" } }],
        "responses": ok(),
    })));
    assert!(
        e.contains("/paths/~1x/post/parameters/0/schema/$ref") && e.contains("not local"),
        "{e}"
    );
    let e = error(swagger(json!({
        "parameters": { "p": { "name": "p", "in": "query", "type": "string" } },
        "definitions": { "A": { "$ref": "#/parameters/p" } },
    })));
    assert!(
        e.contains("/definitions/A/$ref") && e.contains("#/definitions/"),
        "{e}"
    );
}

// ---- operations -----------------------------------------------------------------------

#[test]
fn operation_fields_and_extensions_are_kept() {
    let out = convert(swagger(json!({
        "securityDefinitions": { "jwt": { "type": "apiKey", "in": "header", "name": "Authorization" } },
        "paths": { "/stacks/{id}": { "delete": {
            "operationId": "StackDelete",
            "tags": ["stacks"],
            "summary": "Remove a stack",
            "description": "Long text",
            "deprecated": true,
            "externalDocs": { "url": "https://docs" },
            "security": [{ "jwt": [] }],
            "x-op": [1, 2],
            "parameters": [{ "name": "id", "in": "path", "required": true, "type": "integer" }],
            "responses": { "204": { "description": "Success" } },
        } } },
    })));
    let op = &out["paths"]["/stacks/{id}"]["delete"];
    for (key, value) in [
        ("operationId", json!("StackDelete")),
        ("tags", json!(["stacks"])),
        ("summary", json!("Remove a stack")),
        ("description", json!("Long text")),
        ("deprecated", json!(true)),
        ("externalDocs", json!({ "url": "https://docs" })),
        ("security", json!([{ "jwt": [] }])),
        ("x-op", json!([1, 2])),
    ] {
        assert_eq!(op[key], value, "{key}");
    }
    assert!(op.get("consumes").is_none() && op.get("produces").is_none());
}

#[test]
fn unexpected_fields_are_errors_not_silently_dropped() {
    let e = error(with_op(json!({ "callbacks": {}, "responses": ok() })));
    assert!(e.contains("/paths/~1x/post/callbacks"), "{e}");
    let e = error(swagger(
        json!({ "paths": { "/x": { "summary": "3.0 only" } } }),
    ));
    assert!(e.contains("/paths/~1x/summary"), "{e}");
    let e = error(swagger(json!({ "paths": { "x": {} } })));
    assert!(e.contains("/paths/x"), "{e}");
}

//! Generated operations on the wire, against a mockito server on 127.0.0.1:
//! path, query, body and headers, and the executor seeing every request.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mockito::Matcher;
use portainer_sdk_gen::multipart::{FilePart, StackCreateDockerStandaloneFileForm};
use portainer_sdk_gen::types::UpdateStackPayload;
use portainer_sdk_gen::{Client, Error, ExecFuture, Executor, Hooks, Operation};
use serde_json::json;

/// Adds the API key, as portainer-sdk does, and records what it sent.
#[derive(Debug)]
struct KeyExecutor {
    http: reqwest::Client,
    seen: AtomicUsize,
    last_op: std::sync::Mutex<Option<&'static Operation>>,
}

impl Executor for KeyExecutor {
    fn execute<'a>(
        &'a self,
        mut request: reqwest::Request,
        op: &'static Operation,
    ) -> ExecFuture<'a> {
        self.seen.fetch_add(1, Ordering::SeqCst);
        *self.last_op.lock().unwrap() = Some(op);
        request
            .headers_mut()
            .insert("X-API-Key", "ptr_test".parse().unwrap());
        Box::pin(self.http.execute(request))
    }
}

fn client(server: &mockito::Server) -> (Client, Arc<KeyExecutor>) {
    portainer_tests::install_crypto_provider();
    let http = reqwest::Client::new();
    let exec = Arc::new(KeyExecutor {
        http: http.clone(),
        seen: AtomicUsize::new(0),
        last_op: Default::default(),
    });
    let client = Client::new_with_client(
        &format!("{}/api", server.url()),
        http,
        Hooks::new(exec.clone()),
    );
    (client, exec)
}

#[tokio::test]
async fn stack_list_sends_filters_and_key() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::UrlEncoded(
            "filters".into(),
            r#"{"EndpointID":2}"#.into(),
        ))
        .match_header("x-api-key", "ptr_test")
        .with_header("content-type", "application/json")
        .with_body(portainer_tests::response("stacks_list__mgm-mootse.json"))
        .create_async()
        .await;
    let (client, exec) = client(&server);
    let stacks = client
        .stack_list()
        .filters(r#"{"EndpointID":2}"#)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(stacks.len(), 4);
    assert_eq!(exec.seen.load(Ordering::SeqCst), 1);
    let op = exec
        .last_op
        .lock()
        .unwrap()
        .expect("executor saw the operation");
    assert_eq!((op.id, op.method, op.path), ("StackList", "GET", "/stacks"));
}

#[tokio::test]
async fn stack_update_sends_path_query_and_json_body() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("PUT", "/api/stacks/61")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "2".into()))
        .match_header("x-api-key", "ptr_test")
        .match_body(Matcher::Json(
            json!({"StackFileContent": "services: {}", "Prune": false}),
        ))
        .with_header("content-type", "application/json")
        .with_body(portainer_tests::response(
            "stack_inspect__mgm-mootse61.json",
        ))
        .create_async()
        .await;
    let (client, _) = client(&server);
    let body = UpdateStackPayload {
        stack_file_content: Some("services: {}".into()),
        prune: Some(false),
        ..Default::default()
    };
    let stack = client
        .stack_update()
        .id(61)
        .endpoint_id(2)
        .body(&body)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(stack.id, Some(61));
}

#[tokio::test]
async fn array_query_parameters_are_repeated_keys() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("GET", "/api/endpoints")
        .match_query(Matcher::Regex("^groupIds=1&groupIds=2$".into()))
        .with_header("content-type", "application/json")
        .with_body("[]")
        .create_async()
        .await;
    let (client, _) = client(&server);
    let groups = vec![1, 2];
    let result = client.endpoint_list().group_ids(&groups).send().await;
    mock.assert_async().await;
    assert!(result.unwrap().into_inner().is_empty());
}

#[tokio::test]
async fn multipart_stack_create_sends_form_fields_and_file() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("POST", "/api/stacks/create/standalone/file")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "3".into()))
        .match_header("x-api-key", "ptr_test")
        .match_header(
            "content-type",
            Matcher::Regex("^multipart/form-data; boundary=".into()),
        )
        .match_body(Matcher::AllOf(vec![
            Matcher::Regex(r#"name="Name"\r\n\r\nweb\r\n"#.into()),
            Matcher::Regex(r#"name="file"; filename="docker-compose.yml""#.into()),
            Matcher::Regex("services:\n  web:\n    image: nginx".into()),
        ]))
        .with_header("content-type", "application/json")
        .with_body(portainer_tests::response(
            "stack_inspect__mgm-mootse61.json",
        ))
        .create_async()
        .await;
    let (client, exec) = client(&server);
    let form = StackCreateDockerStandaloneFileForm {
        name: "web".into(),
        env: None,
        file: Some(FilePart::new(
            "docker-compose.yml",
            "services:\n  web:\n    image: nginx\n",
        )),
    };
    let stack = client
        .stack_create_docker_standalone_file()
        .endpoint_id(3)
        .body(form)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(stack.id, Some(61));
    let op = exec.last_op.lock().unwrap().unwrap();
    assert!(op.multipart);
    assert_eq!(op.id, "StackCreateDockerStandaloneFile");
}

#[tokio::test]
async fn error_responses_carry_the_server_message() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks/7")
        .with_status(403)
        .with_header("content-type", "application/json")
        .with_body(portainer_tests::response(
            "error_403_access_denied__portainer-docs-access.json",
        ))
        .create_async()
        .await;
    let (client, _) = client(&server);
    match client.stack_inspect().id(7).send().await {
        Err(Error::ErrorResponse(rv)) => {
            assert_eq!(rv.status().as_u16(), 403);
            assert_eq!(rv.message.as_deref(), Some("Access denied"));
            assert_eq!(rv.details.as_deref(), Some("Unauthorized"));
        }
        other => panic!("expected an error response, got {other:?}"),
    }
}

/// A list response's body as Go's `encoding/json` may write it: a nil slice
/// is `null`, and some servers send no body at all.
#[tokio::test]
async fn a_null_or_empty_list_body_is_an_empty_list() {
    let mut server = mockito::Server::new_async().await;
    let (client, _) = client(&server);
    for body in ["null\n", "", " \r\n"] {
        let mock = server
            .mock("GET", "/api/stacks")
            .with_header("content-type", "application/json")
            .with_body(body)
            .create_async()
            .await;
        let stacks = client.stack_list().send().await.unwrap();
        assert_eq!(stacks.status().as_u16(), 200);
        assert!(stacks.is_empty(), "{body:?}");
        mock.remove_async().await;
    }
}

#[tokio::test]
async fn a_body_that_does_not_decode_is_kept_in_the_error() {
    let mut server = mockito::Server::new_async().await;
    let (client, _) = client(&server);
    // An object where a list belongs, a truncated list, bytes that are not UTF-8.
    let bodies: [&[u8]; 3] = [b"{}", b"[{\"Id\": 1}", b"[{\"Name\": \"\xff\"}]"];
    for body in bodies {
        let mock = server
            .mock("GET", "/api/stacks")
            .with_header("content-type", "application/json")
            .with_body(body)
            .create_async()
            .await;
        match client.stack_list().send().await {
            Err(Error::InvalidResponsePayload(kept, e)) => {
                assert_eq!(&kept[..], body);
                assert!(e.to_string().contains("line 1 column"), "{e}");
            }
            other => panic!("{body:?}: expected InvalidResponsePayload, got {other:?}"),
        }
        mock.remove_async().await;
    }
}

#[test]
fn every_operation_is_in_the_table() {
    let table = portainer_sdk_gen::OPERATIONS;
    assert_eq!(table.len(), 428);
    assert!(
        table.windows(2).all(|w| w[0].name < w[1].name),
        "sorted for binary search"
    );
    for op in table {
        assert_eq!(portainer_sdk_gen::operation(op.name), Some(op));
    }
}

#[tokio::test]
async fn builder_sends_only_the_parameters_set() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("GET", "/api/endpoints")
        .match_query(Matcher::Regex("^limit=10&search=prod$".into()))
        .with_header("content-type", "application/json")
        .with_body("[]")
        .create_async()
        .await;
    let (client, _) = client(&server);
    let result = client.endpoint_list().limit(10).search("prod").send().await;
    mock.assert_async().await;
    assert!(result.unwrap().into_inner().is_empty());
}

#[tokio::test]
async fn builder_without_a_required_parameter_sends_nothing() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("PUT", Matcher::Any)
        .expect(0)
        .create_async()
        .await;
    let (client, exec) = client(&server);
    let body = UpdateStackPayload::default();
    let err = client
        .stack_update()
        .id(61)
        .body(&body)
        .send()
        .await
        .unwrap_err();
    match err {
        Error::InvalidRequest(message) => assert!(
            message.contains("stack_update") && message.contains("`endpoint_id`"),
            "names the operation and the parameter: {message}"
        ),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    // A multipart operation checks its form the same way.
    let err = client
        .stack_create_docker_standalone_file()
        .endpoint_id(3)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("stack_create_docker_standalone_file") && m.contains("`body`")),
        "{err:?}"
    );
    mock.assert_async().await;
    assert_eq!(exec.seen.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn every_operation_sends_the_spec_version_once() {
    use portainer_sdk_gen::ClientInfo;
    let mut server = mockito::Server::new_async().await;
    // One value, the spec's: `Client::run` sets it for every operation.
    let mock = server
        .mock("DELETE", "/api/stacks/3")
        .match_query(Matcher::Any)
        .match_header("api-version", Client::api_version())
        .match_request(|r| r.header("api-version").len() == 1)
        .with_status(204)
        .create_async()
        .await;
    let (client, _) = client(&server);
    client
        .stack_delete()
        .id(3)
        .endpoint_id(1)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

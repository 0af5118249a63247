//! One span per operation with its id, method, path template, status and
//! duration; the key never appears.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn span_names_the_operation_and_hides_the_key() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/stacks/61")
        .with_status(200)
        .with_body(common::response("stack_inspect__mgm-mootse61.json"))
        .create_async()
        .await;
    common::client(&server).stacks().get(61).await.unwrap();

    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("portainer.request"), "{out}");
    assert!(out.contains("operation=\"StackInspect\""), "{out}");
    assert!(out.contains("method=\"GET\""), "{out}");
    assert!(out.contains("path=\"/stacks/{id}\""), "{out}");
    assert!(out.contains("status=200"), "{out}");
    assert!(out.contains("duration_ms="), "{out}");
    assert!(!out.contains(common::KEY), "{out}");
}

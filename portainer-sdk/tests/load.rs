//! Load: 1000 concurrent `stacks().list()` calls through one `Client` against
//! a local keep-alive server. No call fails, the connections are reused (the
//! server counts the sockets it accepts), and memory stays bounded.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use portainer_sdk::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CALLS: usize = 1000;

/// A stack list of `n` stacks, about 400 bytes each.
fn stacks_body(n: i64) -> String {
    let stacks: Vec<_> = (1..=n)
        .map(|id| {
            serde_json::json!({
                "Id": id, "Name": format!("stack-{id}"), "Type": 2, "EndpointId": 2,
                "SwarmId": "", "EntryPoint": "docker-compose.yml",
                "Env": [{"name": "TAG", "value": "1.27"}], "Status": 1,
                "ProjectPath": format!("/data/compose/{id}"), "CreationDate": 1_700_000_000,
                "CreatedBy": "admin", "UpdateDate": 0, "UpdatedBy": "",
                "AdditionalFiles": null, "AutoUpdate": null, "GitConfig": null
            })
        })
        .collect();
    serde_json::Value::Array(stacks).to_string()
}

struct Counts {
    accepted: AtomicUsize,
    requests: AtomicUsize,
    /// Connections open at the same time, at most.
    peak_open: AtomicUsize,
    open: AtomicUsize,
}

/// A keep-alive HTTP/1.1 server answering every request with `body`.
async fn server(body: String) -> (String, Arc<Counts>, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let counts = Arc::new(Counts {
        accepted: AtomicUsize::new(0),
        requests: AtomicUsize::new(0),
        peak_open: AtomicUsize::new(0),
        open: AtomicUsize::new(0),
    });
    let response = Arc::new(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    );
    let c = counts.clone();
    let task = tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            c.accepted.fetch_add(1, Ordering::SeqCst);
            let open = c.open.fetch_add(1, Ordering::SeqCst) + 1;
            c.peak_open.fetch_max(open, Ordering::SeqCst);
            let (c, response) = (c.clone(), response.clone());
            tokio::spawn(async move {
                serve(sock, &response, &c).await;
                c.open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    (url, counts, task)
}

async fn serve(mut sock: TcpStream, response: &[u8], counts: &Counts) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // GETs have no body: a request ends at the blank line.
        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            buf.drain(..end + 4);
            counts.requests.fetch_add(1, Ordering::SeqCst);
            if sock.write_all(response).await.is_err() {
                return;
            }
        }
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// This process's resident memory in KiB (Linux), or `None` elsewhere.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_lists_through_one_client() {
    let (url, counts, task) = server(stacks_body(20)).await;
    let client = Client::builder(&url)
        .api_key("ptr_load_key")
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    // Warm up: the first call opens a connection and allocates the pools.
    assert_eq!(client.stacks().list().send().await.unwrap().len(), 20);
    let before = rss_kib();

    // Memory is sampled while the calls run (a measurement, not a synchronization).
    let peak = Arc::new(AtomicUsize::new(0));
    let sampling = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                if let Some(kib) = rss_kib() {
                    peak.fetch_max(kib as usize, Ordering::SeqCst);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..CALLS {
        let c = client.clone();
        calls.spawn(async move { c.stacks().list().send().await });
    }
    let mut ok = 0;
    let mut errors = Vec::new();
    while let Some(joined) = calls.join_next().await {
        match joined.expect("no call panicked") {
            Ok(stacks) => {
                assert_eq!(stacks.len(), 20);
                assert_eq!(stacks[19].name.as_deref(), Some("stack-20"));
                ok += 1;
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    sampling.abort();

    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    assert_eq!(ok, CALLS);
    assert_eq!(counts.requests.load(Ordering::SeqCst), CALLS + 1);
    let accepted = counts.accepted.load(Ordering::SeqCst);
    let peak_open = counts.peak_open.load(Ordering::SeqCst);
    println!("{CALLS} calls: {accepted} connections accepted, {peak_open} open at most");
    // At most 32 exchanges are on the wire at once. A connection goes back to
    // the pool a moment after its body is read, so a call that just got its
    // turn may open a new one instead, and the pool then keeps both. Hence a
    // few more sockets than the limit, never one per call.
    let limit = portainer_sdk::DEFAULT_MAX_CONCURRENT_REQUESTS;
    assert!(
        accepted <= 2 * limit,
        "{accepted} connections for {CALLS} calls"
    );
    // 1000 decoded lists of 20 stacks are about 8 MB; the growth while they
    // were in flight stays far below what one connection per call would cost.
    if let (Some(before), peak) = (before, peak.load(Ordering::SeqCst) as u64) {
        let grown_mib = peak.saturating_sub(before) / 1024;
        println!("resident memory grew by {grown_mib} MiB at most");
        assert!(grown_mib < 256, "memory grew by {grown_mib} MiB");
    }
    task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_concurrency_limit_is_configurable_and_can_be_lifted() {
    let (url, counts, task) = server(stacks_body(1)).await;
    let client = Client::builder(&url)
        .max_concurrent_requests(4)
        .build()
        .unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let c = client.clone();
        calls.spawn(async move { c.stacks().list().send().await });
    }
    while let Some(r) = calls.join_next().await {
        r.unwrap().unwrap();
    }
    let accepted = counts.accepted.load(Ordering::SeqCst);
    assert!(accepted <= 2 * 4, "{accepted} connections for 200 calls");
    task.abort();

    // Without a limit each concurrent call may open its own connection; the
    // calls still all succeed.
    let (url, counts, task) = server(stacks_body(1)).await;
    let client = Client::builder(&url)
        .max_concurrent_requests(0)
        .build()
        .unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let c = client.clone();
        calls.spawn(async move { c.stacks().list().send().await });
    }
    while let Some(r) = calls.join_next().await {
        r.unwrap().unwrap();
    }
    assert_eq!(counts.requests.load(Ordering::SeqCst), 50);
    task.abort();
}

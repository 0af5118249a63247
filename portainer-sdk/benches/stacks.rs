//! Call overhead of listing stacks through the SDK: run by `cargo xtask bench`
//! (or `cargo bench -p portainer-sdk --bench stacks`).
//!
//! One loopback HTTP/1.1 server (keep-alive) serves `GET /api/stacks` as a
//! list of 1000 stacks shaped like genuine Portainer responses. Against that
//! one server, in one process, it compares:
//! - the generated operation called through the SDK's executor
//!   (`client.raw().stack_list(None)`, which `stacks().list().send()` is
//!   becoming) with a hand-written `reqwest` + `serde_json` call decoding
//!   into a minimal struct, at concurrency 1 (calls interleaved one by one)
//!   and 64 (rounds rotated);
//! - decoding alone, on the same bytes: the generated model's
//!   `Vec<Stack>`, decoded as the generated client decodes it
//!   (`json_body::decode_list`), against `Vec<MinimalStack>`, in wall-clock
//!   time and in time on a CPU (which waiting for a CPU on a loaded machine
//!   does not inflate);
//! - pyportainer (`--python`/`--driver`, set up by `cargo xtask bench`), a
//!   separate Python process calling the same server.
//!
//! Figures are ratios between runs made side by side; absolute times are
//! printed for context only. The last three lines are the summary.

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const STACKS: usize = 1000;
const API_KEY: &str = "ptr_benchmarkbenchmarkbenchmarkbenchmark0000";

/// The generated model of a stack, which the SDK's stack list returns.
type Stack = portainer_sdk::models::Stack;

/// The body decoded as the generated client decodes a JSON list response.
fn decode_generated(body: &[u8]) -> Vec<Stack> {
    portainer_sdk_gen::json_body::decode_list(body).expect("generated decode")
}

/// What a hand-written script reads from a stack list.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct MinimalStack {
    #[serde(rename = "Id")]
    id: i64,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Type")]
    stack_type: i64,
    #[serde(rename = "EndpointId")]
    endpoint_id: i64,
    #[serde(rename = "Status")]
    status: i64,
    #[serde(rename = "Env")]
    env: Option<Vec<MinimalEnv>>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct MinimalEnv {
    name: String,
    value: String,
}

// ---------------------------------------------------------------- data

/// A small deterministic generator (xorshift64*), so every run serves the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    fn alnum(&mut self, len: usize) -> String {
        const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        (0..len)
            .map(|_| CHARS[self.below(CHARS.len() as u64) as usize] as char)
            .collect()
    }
    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from_digit(self.below(16) as u32, 16).unwrap())
            .collect()
    }
    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(4),
            self.hex(4),
            self.hex(12)
        )
    }
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// One stack in Portainer's field order (Go struct order), compact like Go's encoder.
fn stack_json(rng: &mut Rng, id: u64, out: &mut String) {
    const APPS: &[&str] = &[
        "web",
        "api",
        "db",
        "proxy",
        "traefik",
        "grafana",
        "prometheus",
        "nextcloud",
        "gitea",
        "redis",
        "ddns-cloud",
        "backup",
        "minio",
        "keycloak",
        "wordpress",
        "mootse-stack-test",
    ];
    const USERS: &[&str] = &["admin", "lucas", "ci-bot", "deploy", "maria.k"];
    const VARS: &[&str] = &[
        "TAG",
        "API_KEY",
        "API_ZONE",
        "API_SUBDOMAIN",
        "DB_PASSWORD",
        "DB_HOST",
        "TZ",
        "PUID",
        "PGID",
        "DOMAIN",
        "LOG_LEVEL",
        "REPLICAS",
    ];
    let kind = match rng.below(100) {
        0..55 => 2,
        55..85 => 1,
        _ => 3,
    };
    let name = if kind == 3 && rng.chance(30) {
        String::new()
    } else {
        format!("{}-{id}", rng.pick(APPS))
    };
    let endpoint = 1 + rng.below(12);
    let swarm_id = if kind == 1 {
        Rng(endpoint * 7919).alnum(25).to_lowercase()
    } else {
        String::new()
    };
    let entry = match kind {
        3 => "manifest.yml",
        _ => rng.pick(&["docker-compose.yml", "docker-compose.yml", "compose.yaml"]),
    };
    let env = match rng.below(100) {
        0..35 => "null".to_owned(),
        35..55 => "[]".to_owned(),
        _ => {
            let n = 1 + rng.below(10);
            let vars: Vec<String> = (0..n)
                .map(|_| {
                    let len = 4 + rng.below(40) as usize;
                    format!(
                        "{{\"name\":{},\"value\":{}}}",
                        q(rng.pick(VARS)),
                        q(&rng.alnum(len))
                    )
                })
                .collect();
            format!("[{}]", vars.join(","))
        }
    };
    let resource_control = if kind == 3 && rng.chance(50) {
        "null".to_owned()
    } else {
        let users: Vec<String> = (0..rng.below(3))
            .map(|_| format!("{{\"UserId\":{},\"AccessLevel\":1}}", 1 + rng.below(40)))
            .collect();
        let teams: Vec<String> = (0..rng.below(3))
            .map(|_| format!("{{\"TeamId\":{},\"AccessLevel\":1}}", 1 + rng.below(8)))
            .collect();
        let public = rng.chance(10);
        let admins = !public && users.is_empty() && teams.is_empty();
        format!(
            "{{\"Id\":{},\"ResourceId\":{},\"SubResourceIds\":[],\"Type\":6,\"UserAccesses\":[{}],\"TeamAccesses\":[{}],\"Public\":{public},\"AdministratorsOnly\":{admins},\"System\":false}}",
            id + 2,
            q(&format!("{endpoint}_{name}")),
            users.join(","),
            teams.join(",")
        )
    };
    let status = if rng.chance(80) { 1 } else { 2 };
    let created = 1_600_000_000 + rng.below(130_000_000);
    let created_by = rng.pick(USERS);
    let (updated, updated_by) = if rng.chance(40) {
        (0, "")
    } else {
        (created + rng.below(20_000_000), rng.pick(USERS))
    };
    let additional = if rng.chance(90) {
        "null".to_owned()
    } else {
        "[\"docker-compose.override.yml\"]".to_owned()
    };
    let git = rng.chance(if kind == 3 { 60 } else { 20 });
    let auto_update = if git && rng.chance(50) {
        format!(
            "{{\"Interval\":{},\"Webhook\":{},\"ForceUpdate\":{},\"ForcePullImage\":false,\"JobID\":{}}}",
            q(rng.pick(&["5m", "1h", ""])),
            q(&if rng.chance(50) {
                rng.uuid()
            } else {
                String::new()
            }),
            rng.chance(20),
            q(&rng.below(500).to_string())
        )
    } else {
        "null".to_owned()
    };
    let option = if rng.chance(70) {
        "null".to_owned()
    } else {
        format!("{{\"Prune\":{}}}", rng.chance(50))
    };
    let git_config = if git {
        let auth = if rng.chance(50) {
            "null".to_owned()
        } else {
            format!(
                "{{\"Username\":{},\"Password\":\"\",\"GitCredentialID\":0}}",
                q(rng.pick(USERS))
            )
        };
        format!(
            "{{\"URL\":{},\"ReferenceName\":{},\"ConfigFilePath\":{},\"Authentication\":{auth},\"ConfigHash\":{},\"TLSSkipVerify\":false}}",
            q(&format!("https://github.com/acme/{}-ops", rng.pick(APPS))),
            q(rng.pick(&["refs/heads/main", "refs/heads/master", "refs/tags/v1.4.2"])),
            q(entry),
            q(&rng.hex(40))
        )
    } else {
        "null".to_owned()
    };
    let namespace = if kind == 3 {
        format!("ns-{}", rng.below(20))
    } else {
        String::new()
    };
    let webhook = if rng.chance(10) {
        rng.uuid()
    } else {
        String::new()
    };
    out.push_str(&format!(
        "{{\"Id\":{id},\"Name\":{},\"Type\":{kind},\"EndpointId\":{endpoint},\"SwarmId\":{},\"EntryPoint\":{},\"Env\":{env},\"ResourceControl\":{resource_control},\"Status\":{status},\"ProjectPath\":{},\"CreationDate\":{created},\"CreatedBy\":{},\"UpdateDate\":{updated},\"UpdatedBy\":{},\"AdditionalFiles\":{additional},\"AutoUpdate\":{auto_update},\"Option\":{option},\"GitConfig\":{git_config},\"FromAppTemplate\":{},\"Namespace\":{},\"IsComposeFormat\":{},\"Webhook\":{},\"SupportRelativePath\":false,\"FilesystemPath\":\"\"}}",
        q(&name),
        q(&swarm_id),
        q(entry),
        q(&format!("/data/compose/{id}")),
        q(created_by),
        q(updated_by),
        rng.chance(5),
        q(&namespace),
        kind == 3 && rng.chance(30),
        q(&webhook),
    ));
}

/// The body: compact JSON and a newline, as Portainer's Go encoder writes it.
fn stacks_body() -> Vec<u8> {
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let mut s = String::from("[");
    for i in 0..STACKS {
        if i > 0 {
            s.push(',');
        }
        stack_json(&mut rng, 4 + i as u64, &mut s);
    }
    s.push_str("]\n");
    s.into_bytes()
}

// ---------------------------------------------------------------- server

/// A minimal HTTP/1.1 server with keep-alive: `GET /api/stacks` answers the
/// prepared response, anything else 404. Requests carry no body.
async fn serve(listener: TcpListener, ok: Arc<Vec<u8>>) {
    const NOT_FOUND: &[u8] =
        b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 27\r\n\r\n{\"message\":\"not found\"}\r\n\r\n";
    loop {
        let Ok((mut sock, _)) = listener.accept().await else {
            continue;
        };
        let _ = sock.set_nodelay(true);
        let ok = ok.clone();
        tokio::spawn(async move {
            let mut buf = Vec::with_capacity(4096);
            let mut chunk = [0u8; 4096];
            loop {
                let end = loop {
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break p + 4;
                    }
                    if buf.len() > 64 * 1024 {
                        return;
                    }
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = &buf[..end];
                let found =
                    head.starts_with(b"GET /api/stacks ") || head.starts_with(b"GET /api/stacks?");
                let resp: &[u8] = if found { &ok } else { NOT_FOUND };
                if sock.write_all(resp).await.is_err() {
                    return;
                }
                buf.drain(..end);
            }
        });
    }
}

fn response(body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\nx-content-type-options: nosniff\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

// ---------------------------------------------------------------- clients

#[derive(Clone)]
struct Clients {
    sdk: portainer_sdk::Client,
    raw: reqwest::Client,
    raw_url: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Sdk,
    Raw,
    /// The raw call's transport with the SDK's decoding: splits the SDK's
    /// extra latency into transport and decoding.
    RawSdkDecode,
}

impl Clients {
    async fn call(&self, kind: Kind) -> usize {
        match kind {
            Kind::Sdk => {
                let stacks = self.sdk.stacks().list().send().await.expect("sdk list");
                black_box(&stacks);
                stacks.len()
            }
            Kind::Raw => {
                let stacks: Vec<MinimalStack> = self
                    .raw
                    .get(&self.raw_url)
                    .header("X-API-Key", API_KEY)
                    .send()
                    .await
                    .and_then(|r| r.error_for_status())
                    .expect("raw send")
                    .json()
                    .await
                    .expect("raw json");
                black_box(&stacks);
                stacks.len()
            }
            Kind::RawSdkDecode => {
                let body = self
                    .raw
                    .get(&self.raw_url)
                    .header("X-API-Key", API_KEY)
                    .send()
                    .await
                    .and_then(|r| r.error_for_status())
                    .expect("raw send")
                    .bytes()
                    .await
                    .expect("raw body");
                let stacks = decode_generated(&body);
                black_box(&stacks);
                stacks.len()
            }
        }
    }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort_unstable();
    let n = v.len();
    if n == 0 {
        Duration::ZERO
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

struct Measured {
    median: Duration,
    calls: usize,
    busy: Duration,
    /// Minor page faults per call, when Linux tells (at concurrency 64,
    /// the process's faults over a round, divided by its calls).
    faults: f64,
}

/// The process's minor page faults so far (Linux's /proc), to tell memory
/// freshly mapped from the kernel apart from memory the allocator reuses.
fn minor_faults() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces): state is the
    // 3rd field of the line, minflt the 10th.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    rest.split(' ').nth(7)?.parse().ok()
}

impl Measured {
    fn rps(&self) -> f64 {
        self.calls as f64 / self.busy.as_secs_f64()
    }
}

/// Concurrency 1: the three calls interleaved one by one, the order rotated
/// every time, until `calls` each or `budget` is spent.
async fn sequential(c: &Clients, calls: usize, budget: Duration) -> [Measured; 3] {
    let kinds = [Kind::Sdk, Kind::Raw, Kind::RawSdkDecode];
    let mut lat: [Vec<Duration>; 3] = Default::default();
    let mut faults = [0u64; 3];
    let start = Instant::now();
    for i in 0..calls {
        for k in 0..kinds.len() {
            let slot = (i + k) % kinds.len();
            let f = minor_faults();
            let t = Instant::now();
            c.call(kinds[slot]).await;
            lat[slot].push(t.elapsed());
            faults[slot] += minor_faults()
                .zip(f)
                .map_or(0, |(b, a)| b.saturating_sub(a));
        }
        if start.elapsed() > budget {
            break;
        }
    }
    let busy = lat.each_ref().map(|v| v.iter().sum());
    measured(lat, busy, faults)
}

/// Concurrency `tasks`: rounds of `tasks` tasks doing `per_task` calls each,
/// one round of each kind per group, the order rotated every group, until
/// `rounds` groups or `budget` is spent.
async fn concurrent(
    c: &Clients,
    tasks: usize,
    per_task: usize,
    rounds: usize,
    budget: Duration,
) -> [Measured; 3] {
    let kinds = [Kind::Sdk, Kind::Raw, Kind::RawSdkDecode];
    let mut lat: [Vec<Duration>; 3] = Default::default();
    let mut busy = [Duration::ZERO; 3];
    let mut faults = [0u64; 3];
    let start = Instant::now();
    for group in 0..rounds {
        for k in 0..kinds.len() {
            let slot = (group + k) % kinds.len();
            let kind = kinds[slot];
            let f = minor_faults();
            let t = Instant::now();
            let handles: Vec<_> = (0..tasks)
                .map(|_| {
                    let c = c.clone();
                    tokio::spawn(async move {
                        let mut v = Vec::with_capacity(per_task);
                        for _ in 0..per_task {
                            let t = Instant::now();
                            c.call(kind).await;
                            v.push(t.elapsed());
                        }
                        v
                    })
                })
                .collect();
            for h in handles {
                lat[slot].extend(h.await.expect("task"));
            }
            busy[slot] += t.elapsed();
            faults[slot] += minor_faults()
                .zip(f)
                .map_or(0, |(b, a)| b.saturating_sub(a));
        }
        if start.elapsed() > budget {
            break;
        }
    }
    measured(lat, busy, faults)
}

/// Each kind's latencies, busy time and page faults, summed up per call.
fn measured(lat: [Vec<Duration>; 3], busy: [Duration; 3], faults: [u64; 3]) -> [Measured; 3] {
    let mut slot = 0;
    lat.map(|mut v| {
        let m = Measured {
            calls: v.len(),
            faults: faults[slot] as f64 / v.len().max(1) as f64,
            median: median(&mut v),
            busy: busy[slot],
        };
        slot += 1;
        m
    })
}

/// This thread's time on a CPU so far, which waiting for a CPU on a loaded
/// machine does not inflate; `None` where the clock is missing.
fn on_cpu() -> Option<Duration> {
    cpu_time::ThreadTime::try_now()
        .ok()
        .map(|t| t.as_duration())
}

/// Medians of one kind of decoding: wall-clock and on-CPU time.
struct Decoded {
    wall: Duration,
    cpu: Option<Duration>,
}

impl Decoded {
    fn of(mut wall: Vec<Duration>, mut cpu: Vec<Duration>) -> Self {
        Decoded {
            wall: median(&mut wall),
            cpu: (cpu.len() == wall.len() && !cpu.is_empty()).then(|| median(&mut cpu)),
        }
    }
}

/// Times `decode` on `body`: (wall-clock, on-CPU) of one call.
fn timed<R>(body: &[u8], decode: impl Fn(&[u8]) -> R) -> (Duration, Option<Duration>) {
    let cpu = on_cpu();
    let t = Instant::now();
    black_box(decode(black_box(body)));
    let wall = t.elapsed();
    (
        wall,
        on_cpu().zip(cpu).map(|(after, before)| after - before),
    )
}

/// Decoding alone, interleaved on the same bytes: (generated type, minimal struct).
fn decode(body: &[u8], iterations: usize, budget: Duration) -> (Decoded, Decoded) {
    let (mut sdk, mut sdk_cpu) = (Vec::new(), Vec::new());
    let (mut min, mut min_cpu) = (Vec::new(), Vec::new());
    let start = Instant::now();
    for i in 0..iterations {
        for which in [i % 2 == 0, i % 2 != 0] {
            if which {
                let (wall, cpu) = timed(body, decode_generated);
                sdk.push(wall);
                sdk_cpu.extend(cpu);
            } else {
                let (wall, cpu) = timed(body, |b| {
                    serde_json::from_slice::<Vec<MinimalStack>>(b).expect("minimal decode")
                });
                min.push(wall);
                min_cpu.extend(cpu);
            }
        }
        if start.elapsed() > budget {
            break;
        }
    }
    (Decoded::of(sdk, sdk_cpu), Decoded::of(min, min_cpu))
}

/// The line that tells decoding's cost apart from waits for a CPU.
fn print_on_cpu(sdk: &Decoded, min: &Decoded) {
    if let (Some(s), Some(m)) = (sdk.cpu, min.cpu) {
        println!(
            "decode alone, on-CPU time: sdk {:.3} ms, minimal {:.3} ms (sdk/minimal = {:.2})",
            ms(s),
            ms(m),
            s.as_secs_f64() / m.as_secs_f64()
        );
    }
}

// ---------------------------------------------------------------- pyportainer

#[derive(Debug, Deserialize)]
struct PyResult {
    concurrency: usize,
    calls: usize,
    seconds: f64,
    median_ms: f64,
    stacks: usize,
}

fn pyportainer(
    python: &PathBuf,
    driver: &PathBuf,
    url: &str,
    concurrency: usize,
    calls: usize,
) -> Result<PyResult, String> {
    let out = Command::new(python)
        .arg(driver)
        .args(["--url", url, "--api-key", API_KEY])
        .args(["--concurrency", &concurrency.to_string()])
        .args(["--calls", &calls.to_string()])
        .output()
        .map_err(|e| format!("running {}: {e}", python.display()))?;
    if !out.status.success() {
        return Err(format!(
            "pyportainer driver failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).map_err(|e| format!("driver output {line:?}: {e}"))
}

// ---------------------------------------------------------------- main

struct Opts {
    python: Option<PathBuf>,
    driver: Option<PathBuf>,
    quick: bool,
    decode_only: bool,
}

fn opts() -> Opts {
    let mut o = Opts {
        python: None,
        driver: None,
        quick: false,
        decode_only: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--python" => o.python = args.next().map(PathBuf::from),
            "--driver" => o.driver = args.next().map(PathBuf::from),
            "--quick" => o.quick = true,
            // Decoding alone, for a profiler: `perf record -g <bench binary> --decode-only`.
            "--decode-only" => o.decode_only = true,
            // `cargo bench` passes --bench; anything else is a filter we do not use.
            _ => {}
        }
    }
    o
}

fn main() {
    let o = opts();
    // Scale: the full run takes about a minute; --quick checks that it works.
    let scale = if o.quick { 10 } else { 1 };

    let body = stacks_body();
    let check = decode_generated(&body);
    assert_eq!(check.len(), STACKS);
    println!(
        "body: {STACKS} stacks, {} bytes ({} with Env null or [], {} with ResourceControl null, {} git)",
        body.len(),
        check
            .iter()
            .filter(|s| s.env.as_ref().is_none_or(Vec::is_empty))
            .count(),
        check
            .iter()
            .filter(|s| s.resource_control.is_none())
            .count(),
        check.iter().filter(|s| s.git_config.is_some()).count(),
    );
    drop(check);
    if o.decode_only {
        let (sdk, min) = decode(&body, 400 / scale, Duration::from_secs(30));
        println!(
            "decode: sdk {:.3} ms, minimal {:.3} ms",
            ms(sdk.wall),
            ms(min.wall)
        );
        print_on_cpu(&sdk, &min);
        breakdown::run(&body, 200 / scale);
        println!(
            "decode: sdk/minimal = {:.2}",
            sdk.wall.as_secs_f64() / min.wall.as_secs_f64()
        );
        return;
    }

    // The server has a runtime (one thread) of its own; the clients another.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("bench-server")
        .enable_all()
        .build()
        .expect("server runtime");
    let listener = server_rt
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    server_rt.spawn(serve(listener, Arc::new(response(&body))));
    let base = format!("http://{addr}");

    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let clients = Clients {
        sdk: portainer_sdk::Client::builder(&base)
            .api_key(API_KEY)
            .build()
            .expect("sdk client"),
        raw: {
            // What an application does when it builds reqwest clients of its
            // own next to the SDK's rustls (see the README's TLS features).
            let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
            reqwest::Client::new()
        },
        raw_url: format!("{base}/api/stacks"),
    };

    client_rt.block_on(async {
        // Warm up: connections open, allocator and caches settled.
        for _ in 0..20 / scale.min(10) {
            assert_eq!(clients.call(Kind::Sdk).await, STACKS);
            assert_eq!(clients.call(Kind::Raw).await, STACKS);
            assert_eq!(clients.call(Kind::RawSdkDecode).await, STACKS);
        }
    });

    let [s1, r1, rd1] =
        client_rt.block_on(sequential(&clients, 400 / scale, Duration::from_secs(30)));
    println!(
        "concurrency 1: sdk median {:.3} ms, {:.0} calls/s ({} calls); raw median {:.3} ms, {:.0} calls/s ({} calls)",
        ms(s1.median),
        s1.rps(),
        s1.calls,
        ms(r1.median),
        r1.rps(),
        r1.calls
    );
    println!(
        "concurrency 1, raw transport with the sdk's decoding: median {:.3} ms ({:.2} of raw; sdk/this = {:.2})",
        ms(rd1.median),
        rd1.median.as_secs_f64() / r1.median.as_secs_f64(),
        s1.median.as_secs_f64() / rd1.median.as_secs_f64(),
    );
    println!(
        "concurrency 1, minor page faults per call: sdk {:.1}, raw {:.1}, raw transport with the sdk's decoding {:.1}",
        s1.faults, r1.faults, rd1.faults
    );

    let [s64, r64, rd64] = client_rt.block_on(concurrent(
        &clients,
        64,
        4,
        (6 / scale).max(1),
        Duration::from_secs(45),
    ));
    println!(
        "concurrency 64: sdk median {:.2} ms, {:.0} calls/s ({} calls); raw median {:.2} ms, {:.0} calls/s ({} calls)",
        ms(s64.median),
        s64.rps(),
        s64.calls,
        ms(r64.median),
        r64.rps(),
        r64.calls
    );
    println!(
        "concurrency 64, raw transport with the sdk's decoding: median {:.2} ms, {:.0} calls/s ({:.2} of raw's calls/s; sdk/this = {:.2})",
        ms(rd64.median),
        rd64.rps(),
        rd64.rps() / r64.rps(),
        s64.rps() / rd64.rps(),
    );
    println!(
        "concurrency 64, minor page faults per call: sdk {:.1}, raw {:.1}, raw transport with the sdk's decoding {:.1}",
        s64.faults, r64.faults, rd64.faults
    );

    let (dec_sdk, dec_min) = decode(&body, 300 / scale, Duration::from_secs(15));
    println!(
        "decode alone ({} bytes): sdk Vec<Stack> (generated) {:.3} ms ({:.0} MB/s), minimal struct {:.3} ms ({:.0} MB/s)",
        body.len(),
        ms(dec_sdk.wall),
        body.len() as f64 / dec_sdk.wall.as_secs_f64() / 1e6,
        ms(dec_min.wall),
        body.len() as f64 / dec_min.wall.as_secs_f64() / 1e6,
    );
    print_on_cpu(&dec_sdk, &dec_min);

    let sdk_best = s1.rps().max(s64.rps());
    let py = match (&o.python, &o.driver) {
        (Some(python), Some(driver)) => {
            let mut best: Option<f64> = None;
            for (conc, calls) in [(1, 60 / scale.min(6)), (64, 192 / scale.min(3))] {
                match pyportainer(python, driver, &base, conc, calls) {
                    Ok(r) => {
                        assert_eq!(r.stacks, STACKS, "pyportainer decoded the whole list");
                        let rps = r.calls as f64 / r.seconds;
                        println!(
                            "pyportainer concurrency {}: median {:.2} ms, {rps:.1} calls/s ({} calls)",
                            r.concurrency, r.median_ms, r.calls
                        );
                        best = Some(best.map_or(rps, |b: f64| b.max(rps)));
                    }
                    Err(e) => eprintln!("pyportainer: {e}"),
                }
            }
            best
        }
        _ => {
            eprintln!("pyportainer: skipped (no --python/--driver; `cargo xtask bench` sets them)");
            None
        }
    };

    drop(clients);
    client_rt.shutdown_timeout(Duration::from_secs(1));
    server_rt.shutdown_timeout(Duration::from_secs(1));

    let overhead = s1.median.as_secs_f64() / r1.median.as_secs_f64();
    let overhead64 = s64.median.as_secs_f64() / r64.median.as_secs_f64();
    let dec = dec_sdk.wall.as_secs_f64() / dec_min.wall.as_secs_f64();
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!(
        "goals: latency {} (<= 1.05; at concurrency 64 {overhead64:.2}), decode {} (<= 1.3), throughput {}",
        verdict(overhead <= 1.05),
        verdict(dec <= 1.3),
        match py {
            Some(p) => format!(
                "{} (>= 20; sdk best {sdk_best:.0}/s, pyportainer best {p:.1}/s)",
                verdict(sdk_best / p >= 20.0)
            ),
            None => "not measured".to_owned(),
        }
    );
    println!("overhead: sdk/raw latency = {overhead:.2}");
    println!("decode: sdk/minimal = {dec:.2}");
    match py {
        Some(p) => println!("throughput: sdk/pyportainer = {:.1}", sdk_best / p),
        None => println!("throughput: sdk/pyportainer = n/a"),
    }
}

/// Where decoding time goes: the generated model decoded several ways and
/// reference points, each timed interleaved with the minimal struct
/// (`--decode-only`).
mod breakdown {
    use super::*;
    use serde::de::IgnoredAny;
    use serde_json::Value;

    /// serde's derive over every key of the bench's stacks, with the same
    /// nesting as the generated model and unknown keys skipped: what a
    /// derive would cost without `extra` or the other case of each name.
    #[derive(Deserialize)]
    #[allow(dead_code, non_snake_case)]
    pub struct Derived {
        Id: Option<i64>,
        Name: Option<String>,
        Type: Option<i64>,
        EndpointId: Option<i64>,
        SwarmId: Option<String>,
        EntryPoint: Option<String>,
        Env: Option<Vec<DerivedPair>>,
        ResourceControl: Option<DerivedResourceControl>,
        Status: Option<i64>,
        ProjectPath: Option<String>,
        CreationDate: Option<i64>,
        CreatedBy: Option<String>,
        UpdateDate: Option<i64>,
        UpdatedBy: Option<String>,
        AdditionalFiles: Option<Vec<String>>,
        AutoUpdate: Option<DerivedAutoUpdate>,
        Option: Option<DerivedOption>,
        GitConfig: Option<DerivedGitConfig>,
        FromAppTemplate: Option<bool>,
        Namespace: Option<String>,
        IsComposeFormat: Option<bool>,
        Webhook: Option<String>,
        SupportRelativePath: Option<bool>,
        FilesystemPath: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct DerivedPair {
        name: Option<String>,
        value: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code, non_snake_case)]
    pub struct DerivedResourceControl {
        Id: Option<i64>,
        ResourceId: Option<String>,
        SubResourceIds: Option<Vec<String>>,
        Type: Option<i64>,
        UserAccesses: Option<Vec<DerivedAccess>>,
        TeamAccesses: Option<Vec<DerivedAccess>>,
        Public: Option<bool>,
        AdministratorsOnly: Option<bool>,
        System: Option<bool>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code, non_snake_case)]
    pub struct DerivedAccess {
        UserId: Option<i64>,
        TeamId: Option<i64>,
        AccessLevel: Option<i64>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code, non_snake_case)]
    pub struct DerivedAutoUpdate {
        Interval: Option<String>,
        Webhook: Option<String>,
        ForceUpdate: Option<bool>,
        ForcePullImage: Option<bool>,
        JobID: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code, non_snake_case)]
    pub struct DerivedOption {
        Prune: Option<bool>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code, non_snake_case)]
    pub struct DerivedGitConfig {
        URL: Option<String>,
        ReferenceName: Option<String>,
        ConfigFilePath: Option<String>,
        Authentication: Option<DerivedAuth>,
        ConfigHash: Option<String>,
        TLSSkipVerify: Option<bool>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code, non_snake_case)]
    pub struct DerivedAuth {
        Username: Option<String>,
        Password: Option<String>,
        GitCredentialID: Option<i64>,
    }

    /// `decode`'s time over the minimal struct's, interleaved, medians of
    /// on-CPU time (wall-clock where that clock is missing).
    fn ratio<R>(body: &[u8], n: usize, decode: impl Fn(&[u8]) -> R) -> f64 {
        let (mut a, mut a_cpu) = (Vec::new(), Vec::new());
        let (mut b, mut b_cpu) = (Vec::new(), Vec::new());
        for _ in 0..n {
            let (wall, cpu) = timed(body, &decode);
            a.push(wall);
            a_cpu.extend(cpu);
            let (wall, cpu) = timed(body, |x| {
                serde_json::from_slice::<Vec<MinimalStack>>(x).unwrap()
            });
            b.push(wall);
            b_cpu.extend(cpu);
        }
        let (a, b) = (Decoded::of(a, a_cpu), Decoded::of(b, b_cpu));
        match (a.cpu, b.cpu) {
            (Some(a), Some(b)) => a.as_secs_f64() / b.as_secs_f64(),
            _ => a.wall.as_secs_f64() / b.wall.as_secs_f64(),
        }
    }

    fn time<T: serde::de::DeserializeOwned>(body: &[u8], n: usize) -> f64 {
        ratio(body, n, |b| serde_json::from_slice::<Vec<T>>(b).unwrap())
    }

    pub fn run(body: &[u8], n: usize) {
        println!("breakdown, each /minimal (on-CPU time):");
        println!(
            "  generated, as the client    {:.2}",
            ratio(body, n, decode_generated)
        );
        println!(
            "  generated via from_slice    {:.2}",
            time::<Stack>(body, n)
        );
        println!(
            "  generated via from_str      {:.2}",
            ratio(body, n, |b| serde_json::from_str::<Vec<Stack>>(
                std::str::from_utf8(b).unwrap()
            )
            .unwrap())
        );
        println!(
            "  serde derive, same keys     {:.2}",
            time::<Derived>(body, n)
        );
        println!(
            "  serde_json::Value           {:.2}",
            time::<Value>(body, n)
        );
        println!(
            "  IgnoredAny                  {:.2}",
            time::<IgnoredAny>(body, n)
        );
    }
}

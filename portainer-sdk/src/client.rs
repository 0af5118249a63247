//! The client, its builder, and the request helpers the domain modules share.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use bytes::Bytes;
use reqwest::{Method, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;

use crate::error::{self, Cause};
use crate::retry::RetryPolicy;
use crate::tls::TlsOptions;
use crate::transport::{Auth, CallOpts, OpInfo, Transport};
use crate::version::ServerVersion;
use crate::{Error, Settings, Stacks};

/// Default time to open a TCP and TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default total time for one attempt of an ordinary call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default total time for calls that deploy (stack create, update, git redeploy):
/// pulling images on a real server takes minutes.
pub const DEFAULT_DEPLOY_TIMEOUT: Duration = Duration::from_secs(300);
/// Default maximum size of a response body: far above any stack list or
/// settings object, far below what would exhaust a small CI runner.
pub const DEFAULT_MAX_BODY_SIZE: usize = 64 * 1024 * 1024;
/// Default maximum number of requests one client has on the wire at once
/// (and so of connections it opens to the server); further calls wait.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 32;
/// Default number of redirects followed before giving up.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// The environment variable holding Portainer's URL, read by [`Client::from_env`].
pub const ENV_URL: &str = "PORTAINER_URL";
/// The environment variable holding the API key (access token).
pub const ENV_API_KEY: &str = "PORTAINER_API_KEY";
/// Set to `true`/`1`/`yes` to accept any certificate (Portainer's self-signed default).
pub const ENV_INSECURE: &str = "PORTAINER_INSECURE";
/// Path to a PEM file of extra CA certificates to trust.
pub const ENV_CA_FILE: &str = "PORTAINER_CA_FILE";

/// Configures and builds a [`Client`].
///
/// ```no_run
/// # fn main() -> Result<(), portainer_sdk::Error> {
/// use std::time::Duration;
/// let client = portainer_sdk::Client::builder("https://portainer.example.com:9443")
///     .api_key("ptr_xxxxxxxx")
///     .timeout(Duration::from_secs(20))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    url: String,
    auth: Auth,
    tls: TlsOptions,
    ca_files: Vec<PathBuf>,
    connect_timeout: Duration,
    timeout: Duration,
    deploy_timeout: Duration,
    retry: RetryPolicy,
    max_redirects: usize,
    max_body_size: usize,
    max_concurrent: usize,
    user_agent: String,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url", &self.url)
            .field("auth", &self.auth)
            .field("accept_invalid_certs", &self.tls.accept_invalid_certs)
            .field("extra_roots", &self.tls.root_pems.len())
            .field("ca_files", &self.ca_files)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("deploy_timeout", &self.deploy_timeout)
            .field("retry", &self.retry)
            .field("max_redirects", &self.max_redirects)
            .field("max_body_size", &self.max_body_size)
            .field("max_concurrent_requests", &self.max_concurrent)
            .finish()
    }
}

impl ClientBuilder {
    fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            auth: Auth::None,
            tls: TlsOptions::default(),
            ca_files: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            deploy_timeout: DEFAULT_DEPLOY_TIMEOUT,
            retry: RetryPolicy::default(),
            max_redirects: DEFAULT_MAX_REDIRECTS,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            max_concurrent: DEFAULT_MAX_CONCURRENT_REQUESTS,
            user_agent: concat!("portainer-sdk-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// A builder from the process environment: [`ENV_URL`] and [`ENV_API_KEY`]
    /// are required; [`ENV_INSECURE`] and [`ENV_CA_FILE`] are optional.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_fn(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`
    /// (handy in tests and for configuration systems that are not the process env).
    ///
    /// ```
    /// let vars = [("PORTAINER_URL", "https://p.example.com:9443")];
    /// let err = portainer_sdk::ClientBuilder::from_env_fn(|n| {
    ///     vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string())
    /// })
    /// .unwrap_err();
    /// assert!(err.to_string().contains("PORTAINER_API_KEY"));
    /// ```
    pub fn from_env_fn(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let url = get(ENV_URL).ok_or_else(|| {
            Error::Config(format!(
                "environment variable {ENV_URL} is not set (Portainer's address, e.g. https://portainer.example.com:9443)"
            ))
        })?;
        let key = get(ENV_API_KEY).ok_or_else(|| {
            Error::Config(format!(
                "environment variable {ENV_API_KEY} is not set (an access token from My account > Access tokens)"
            ))
        })?;
        let mut b = Self::new(url).api_key(key.trim());
        if let Some(v) = get(ENV_INSECURE) {
            let insecure = match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => {
                    return Err(Error::Config(format!(
                        "environment variable {ENV_INSECURE} must be true or false, not {v:?}"
                    )));
                }
            };
            b = b.danger_accept_invalid_certs(insecure);
        }
        if let Some(path) = get(ENV_CA_FILE) {
            b.ca_files.push(PathBuf::from(path));
        }
        Ok(b)
    }

    /// Authenticate with an access token, sent as `X-API-Key` on every request.
    /// A `&str`, a `String` or a [`SecretString`]; it is held as a
    /// `SecretString` (zeroed when dropped, never printed).
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.auth = Auth::ApiKey(key.into());
        self
    }

    /// Authenticate with a JWT, sent as `Authorization: Bearer`, held like
    /// [`api_key`](Self::api_key)'s token. See also [`Client::login`].
    pub fn jwt(mut self, token: impl Into<SecretString>) -> Self {
        self.auth = Auth::Jwt(token.into());
        self
    }

    /// Accept any server certificate. Portainer serves a self-signed one by
    /// default; prefer [`add_root_certificate`](Self::add_root_certificate)
    /// with that certificate, which keeps protection against impostors.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.tls.accept_invalid_certs = accept;
        self
    }

    /// Trust the CA certificate(s) in `pem` besides the system's roots.
    /// Parse errors are reported by [`build`](Self::build).
    pub fn add_root_certificate(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.tls.root_pems.push(pem.as_ref().to_vec());
        self
    }

    /// Time allowed to open a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Total time for one attempt of an ordinary call, body included
    /// (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// Total time for calls that deploy a stack (default [`DEFAULT_DEPLOY_TIMEOUT`]).
    pub fn deploy_timeout(mut self, d: Duration) -> Self {
        self.deploy_timeout = d;
        self
    }

    /// How failed requests are retried; [`RetryPolicy::none`] switches retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How many redirects to follow (default [`DEFAULT_MAX_REDIRECTS`]; 0 returns them as errors).
    pub fn max_redirects(mut self, n: usize) -> Self {
        self.max_redirects = n;
        self
    }

    /// The longest response body read (default [`DEFAULT_MAX_BODY_SIZE`]),
    /// by the SDK's methods and [`Client::raw`] alike; a longer success body
    /// fails with [`Error::ResponseTooLarge`] after reading at most this
    /// much, so a misbehaving server or proxy cannot exhaust memory. Error
    /// bodies are read up to 64 KiB and cut there.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// How many requests of this client (and its clones) may be on the wire
    /// at once (default [`DEFAULT_MAX_CONCURRENT_REQUESTS`]; 0 for no limit).
    /// Further calls wait for a turn, so a burst of calls reuses a bounded
    /// number of connections instead of opening one per call. The wait is not
    /// part of a call's timeout.
    pub fn max_concurrent_requests(mut self, n: usize) -> Self {
        self.max_concurrent = n;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Validates the configuration and builds the client. Sends nothing.
    pub fn build(self) -> Result<Client, Error> {
        let base = api_base_url(&self.url)?;
        let mut tls = self.tls;
        for path in &self.ca_files {
            let pem = std::fs::read(path).map_err(|e| {
                Error::Config(format!(
                    "cannot read the CA file {} (from {ENV_CA_FILE}): {e}",
                    path.display()
                ))
            })?;
            tls.root_pems.push(pem);
        }
        if let Auth::ApiKey(s) | Auth::Jwt(s) = &self.auth
            && reqwest::header::HeaderValue::from_str(s.expose_secret()).is_err()
        {
            let what = if matches!(self.auth, Auth::Jwt(_)) {
                "JWT"
            } else {
                "API key"
            };
            return Err(Error::Config(format!(
                "the {what} contains characters not allowed in an HTTP header"
            )));
        }
        let builder = reqwest::Client::builder()
            // Redirects are followed by the transport, which strips credentials
            // when a hop changes host, port or scheme.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent);
        let http = tls
            .apply(builder)?
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let transport = Arc::new(Transport {
            http,
            auth: RwLock::new(self.auth),
            retry: self.retry,
            timeout: self.timeout,
            deploy_timeout: self.deploy_timeout,
            max_redirects: self.max_redirects,
            max_body_size: self.max_body_size,
            permits: tokio::sync::Semaphore::new(match self.max_concurrent {
                0 => tokio::sync::Semaphore::MAX_PERMITS,
                n => n.min(tokio::sync::Semaphore::MAX_PERMITS),
            }),
        });
        Ok(Client {
            inner: Arc::new(Inner {
                raw: crate::raw::generated_client(&base, &transport, None, false),
                base,
                transport,
                version: OnceLock::new(),
            }),
        })
    }
}

/// Turns the address a user types into a browser into the API base URL:
/// `https://host:9443` and `https://host/prefix` (Portainer's `--base-url`)
/// get `/api` appended, unless the path already ends with it.
fn api_base_url(input: &str) -> Result<Url, Error> {
    let input = input.trim();
    if !input.contains("://") {
        return Err(Error::Config(format!(
            "Portainer URL {input:?} has no scheme; write e.g. https://{input}"
        )));
    }
    let mut url = Url::parse(input)
        .map_err(|e| Error::Config(format!("Portainer URL {input:?} is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "Portainer URL must use http or https, not {}",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config("Portainer URL has no host".into()));
    }
    // Credentials in the URL would end up in error messages and logs.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "Portainer URL must not contain a user name or password; use api_key() or login()"
                .into(),
        ));
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_owned();
    let path = if path.ends_with("/api") {
        path
    } else {
        format!("{path}/api")
    };
    url.set_path(&path);
    Ok(url)
}

/// A Portainer client. Cheap to clone: clones share connections and credentials.
///
/// ```no_run
/// # async fn run() -> Result<(), portainer_sdk::Error> {
/// let client = portainer_sdk::Client::from_env()?;
/// println!("Portainer {}", client.server_version().await?);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base: Url,
    pub(crate) transport: Arc<Transport>,
    pub(crate) raw: portainer_sdk_gen::Client,
    pub(crate) version: OnceLock<ServerVersion>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .field("auth", &self.inner.transport.auth_kind())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client for Portainer at `url`, the address as typed
    /// in a browser (`https://portainer.example.com:9443`, or with the path
    /// prefix of `--base-url`). `/api` is appended unless already there.
    pub fn builder(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(url)
    }

    /// A client configured from the environment as by
    /// [`ClientBuilder::from_env`]; the error names the missing variable.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The API base URL, ending in `/api`.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// Stack operations.
    pub fn stacks(&self) -> Stacks<'_> {
        Stacks { client: self }
    }

    /// Settings operations.
    pub fn settings(&self) -> Settings<'_> {
        Settings { client: self }
    }

    /// Logs in with a username and password (`POST /api/auth`); later requests
    /// carry the JWT as `Authorization: Bearer`, replacing any API key.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), portainer_sdk::Error> {
    /// let client = portainer_sdk::Client::builder("https://portainer.example.com:9443").build()?;
    /// client.login("admin", "correct horse battery staple").await?;
    /// # Ok(()) }
    /// ```
    pub async fn login(&self, username: &str, password: &str) -> Result<(), Error> {
        if username.is_empty() {
            return Err(Error::InvalidInput("login needs a username".into()));
        }
        let body = portainer_sdk_gen::types::AuthenticatePayload {
            username: username.into(),
            password: password.into(),
            api_key: None,
        };
        let anonymous = self.generated(None, true);
        let sent = anonymous.authenticate_user().body(&body).send();
        // A server that echoes the request in its error page would echo the password.
        let resp = self
            .value("AuthenticateUser", sent)
            .await
            .map_err(|e| error::scrub(e, password))?;
        let jwt = resp.jwt.unwrap_or_default().into_string();
        if jwt.is_empty() || reqwest::header::HeaderValue::from_str(&jwt).is_err() {
            return Err(Error::Api(crate::ApiError {
                status: 200,
                operation: Some("AuthenticateUser"),
                message: Some("the server returned an unusable JWT".into()),
                details: None,
                body_snippet: None,
            }));
        }
        self.inner.transport.set_auth(Auth::Jwt(jwt.into()));
        Ok(())
    }

    /// The server's version, from the public `GET /api/system/status`
    /// (falling back to `/api/status` on servers older than 2.10).
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let version = client.server_version().await?;
    /// println!("Portainer {version}");
    /// # Ok(()) }
    /// ```
    pub async fn server_version(&self) -> Result<ServerVersion, Error> {
        let anonymous = self.generated(None, true);
        let status = match self
            .value("SystemStatus", anonymous.system_status().send())
            .await
        {
            Err(Error::NotFound(_)) => {
                self.value("StatusInspect", anonymous.status_inspect().send())
                    .await?
            }
            other => other?,
        };
        let v = ServerVersion::parse(status.version.as_deref().unwrap_or_default());
        let _ = self.inner.version.set(v.clone());
        Ok(v)
    }

    /// The server version, asked once per client and remembered.
    pub(crate) async fn cached_version(&self) -> Result<ServerVersion, Error> {
        if let Some(v) = self.inner.version.get() {
            return Ok(v.clone());
        }
        self.server_version().await
    }

    /// A request builder for `base/segments...`, each segment percent-encoded.
    pub(crate) fn request(&self, method: Method, segments: &[&str]) -> reqwest::RequestBuilder {
        let mut url = self.inner.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        self.inner.transport.http.request(method, url)
    }

    /// Sends a request the spec has no operation for and returns status and
    /// body of a success, or the classified error.
    pub(crate) async fn send(
        &self,
        op: OpInfo,
        req: reqwest::RequestBuilder,
        opts: CallOpts,
    ) -> Result<(StatusCode, Bytes), Error> {
        let request = req
            .build()
            .map_err(|e| Error::InvalidInput(format!("cannot build the {} request: {e}", op.id)))?;
        let failed = |e| error::mark_outcome(crate::raw::body_error(e, Some(op.id)), op.method);
        let transport = &self.inner.transport;
        let resp = transport
            .exchange(request, op, opts)
            .await
            .map_err(failed)?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(failed)?;
        // Docker's answer to starting a started container; a success here.
        if status == StatusCode::NOT_MODIFIED {
            return Ok((status, body));
        }
        if status.is_redirection() {
            return Err(error::build(
                Some(op.id),
                Cause::Redirect(format!(
                    "HTTP {status} not followed (redirect limit reached, no usable Location, or a body that cannot be resent)"
                )),
            ));
        }
        if !status.is_success() {
            let cause = Cause::Status(status.as_u16(), &body);
            return Err(self.scrub(error::build(Some(op.id), cause)));
        }
        Ok((status, body))
    }

    /// Decodes a success body into `T`, or [`Error::Decode`] with the
    /// credential scrubbed from its body snippet.
    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        op: OpInfo,
        status: StatusCode,
        body: &[u8],
    ) -> Result<T, Error> {
        // As the generated operations decode: UTF-8 checked once, not per string.
        let cause = |source| Cause::Decode(status.as_u16(), body, source);
        portainer_sdk_gen::json_body::decode(body)
            .map_err(|source| self.scrub(error::build(Some(op.id), cause(source))))
    }

    pub(crate) fn scrub(&self, e: Error) -> Error {
        match self.inner.transport.credential() {
            Some(secret) => error::scrub(e, secret.expose_secret()),
            None => e,
        }
    }
}

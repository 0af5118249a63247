//! The way down to the generated client, and back up from its errors.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;

use crate::error::{self, Cause};
use crate::transport::{CallOpts, ERROR_BODY_LIMIT, OpInfo, Transport, read_prefix};
use crate::{Client, Error};

/// Sends the generated client's requests through the SDK's transport, so a
/// raw call gets the same credentials, TLS, timeouts, retries, redirect
/// handling and tracing as the SDK's own methods.
#[derive(Debug)]
pub(crate) struct RawExecutor {
    pub(crate) transport: Arc<Transport>,
    pub(crate) timeout: Option<Duration>,
}

impl portainer_sdk_gen::Executor for RawExecutor {
    fn execute<'a>(
        &'a self,
        request: reqwest::Request,
        operation: &'static portainer_sdk_gen::Operation,
    ) -> portainer_sdk_gen::ExecFuture<'a> {
        let op = OpInfo {
            id: operation.id,
            method: operation.method,
            path: operation.path,
        };
        let opts = CallOpts {
            timeout: self.timeout,
            anonymous: false,
        };
        Box::pin(async move {
            let resp = self.transport.send(request, op, opts).await?;
            let status = resp.status();
            if !(status.is_client_error() || status.is_server_error()) {
                return Ok(resp);
            }
            match self.transport.credential() {
                Some(secret) => scrubbed(resp, secret.expose_secret()).await,
                None => Ok(resp),
            }
        })
    }
}

/// An error response with the credential scrubbed from its body (some
/// proxies echo request headers in their error pages) and the body cut at
/// [`ERROR_BODY_LIMIT`], as the SDK's own methods do. The generated client
/// decodes Portainer's error JSON from it as usual.
async fn scrubbed(mut resp: reqwest::Response, secret: &str) -> reqwest::Result<reqwest::Response> {
    let status = resp.status();
    let version = resp.version();
    let headers = resp.headers().clone();
    let body = read_prefix(&mut resp, ERROR_BODY_LIMIT).await?;
    let body = error::scrub_bytes(body, secret);
    let mut out = http::Response::new(body);
    *out.status_mut() = status;
    *out.version_mut() = version;
    *out.headers_mut() = headers;
    // The length changed with the scrubbing.
    out.headers_mut().remove(reqwest::header::CONTENT_LENGTH);
    out.headers_mut().remove(reqwest::header::TRANSFER_ENCODING);
    Ok(reqwest::Response::from(out))
}

pub(crate) fn generated_client(
    base: &str,
    http: &reqwest::Client,
    transport: &Arc<Transport>,
    timeout: Option<Duration>,
) -> portainer_sdk_gen::Client {
    let executor = RawExecutor {
        transport: Arc::clone(transport),
        timeout,
    };
    portainer_sdk_gen::Client::new_with_client(
        base,
        http.clone(),
        portainer_sdk_gen::Hooks::new(Arc::new(executor)),
    )
}

impl Client {
    /// The generated client for every operation of the API, sending through
    /// this client's credentials, TLS settings, timeouts, retries and tracing.
    ///
    /// Its errors convert into [`Error`] with `?` (or, to keep the body of an
    /// undocumented status, [`Error::from_generated`]).
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// // GET /api/stacks, decoded into the generated types.
    /// let stacks = client.raw().stack_list(None).await?.into_inner();
    /// println!("{} stacks", stacks.len());
    /// # Ok(()) }
    /// ```
    pub fn raw(&self) -> &portainer_sdk_gen::Client {
        &self.inner.raw
    }

    /// Like [`raw`](Self::raw), with a different total timeout for every call
    /// made through the returned client.
    pub fn raw_with_timeout(&self, timeout: Duration) -> portainer_sdk_gen::Client {
        generated_client(
            self.inner.base.as_str(),
            &self.inner.http,
            &self.inner.transport,
            Some(timeout),
        )
    }
}

impl<E: serde::Serialize> From<portainer_sdk_gen::Error<E>> for Error {
    /// Classifies an error of the generated client like the SDK's own.
    /// An undocumented status keeps no body here; see [`Error::from_generated`].
    fn from(e: portainer_sdk_gen::Error<E>) -> Self {
        from_generated_sync(e, b"")
    }
}

fn from_generated_sync<E: serde::Serialize>(e: portainer_sdk_gen::Error<E>, body: &[u8]) -> Error {
    use portainer_sdk_gen::Error as G;
    match e {
        G::InvalidRequest(m) => Error::InvalidInput(m),
        G::Custom(m) => Error::InvalidInput(m),
        G::CommunicationError(e) | G::InvalidUpgrade(e) | G::ResponseBodyError(e) => {
            error::build(None, Cause::Transport(e))
        }
        G::ErrorResponse(rv) => {
            let status = rv.status().as_u16();
            let body = serde_json::to_vec(&rv.into_inner()).unwrap_or_default();
            error::build(
                None,
                Cause::Status {
                    status,
                    body: &body,
                },
            )
        }
        G::InvalidResponsePayload(bytes, source) => error::build(
            None,
            Cause::Decode {
                status: 0,
                body: &bytes,
                source,
            },
        ),
        G::UnexpectedResponse(resp) => {
            let status = resp.status().as_u16();
            if resp.status().is_redirection() {
                return error::build(None, Cause::Redirect(format!("HTTP {status} not followed")));
            }
            error::build(None, Cause::Status { status, body })
        }
    }
}

impl Error {
    /// Converts an error of the generated client, reading the body of an
    /// undocumented status so that its message and details are kept.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let status = match client.raw().system_status().await {
    ///     Ok(s) => s.into_inner(),
    ///     Err(e) => return Err(portainer_sdk::Error::from_generated(e).await),
    /// };
    /// # Ok(()) }
    /// ```
    pub async fn from_generated<E: serde::Serialize>(e: portainer_sdk_gen::Error<E>) -> Error {
        match e {
            portainer_sdk_gen::Error::UnexpectedResponse(resp)
                if !resp.status().is_redirection() =>
            {
                let status = resp.status().as_u16();
                match resp.bytes().await {
                    Ok(body) => error::build(
                        None,
                        Cause::Status {
                            status,
                            body: &body,
                        },
                    ),
                    Err(e) => error::build(None, Cause::Transport(e)),
                }
            }
            other => from_generated_sync(other, b""),
        }
    }
}

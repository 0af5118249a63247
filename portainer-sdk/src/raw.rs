//! The way down to the generated client, and back up from its errors.

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use portainer_sdk_gen::{Error as GenError, ResponseValue};

use crate::error::{self, Cause};
use crate::transport::{BodyTooLarge, CallOpts, OpInfo, Transport};
use crate::{Client, Error};

/// Sends the generated client's requests through the SDK's transport, so a
/// raw call gets the same credentials, TLS, timeouts, retries, redirect
/// handling, body limit and tracing as the SDK's own methods.
#[derive(Debug)]
struct RawExecutor {
    transport: Arc<Transport>,
    opts: CallOpts,
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
        Box::pin(async move {
            let resp = self.transport.exchange(request, op, self.opts).await?;
            // Outside an SDK method (a raw call) there is no one to tell.
            let _ = STATUS.try_with(|s| s.set(resp.status().as_u16()));
            Ok(resp)
        })
    }
}

/// A generated client with `timeout` (the default when `None`), sending
/// no credentials when `anonymous`.
pub(crate) fn generated_client(
    base: &reqwest::Url,
    transport: &Arc<Transport>,
    timeout: Option<Duration>,
    anonymous: bool,
) -> portainer_sdk_gen::Client {
    let executor = RawExecutor {
        transport: Arc::clone(transport),
        opts: CallOpts { timeout, anonymous },
    };
    // The generated client wants the base without a trailing slash.
    portainer_sdk_gen::Client::new_with_client(
        base.as_str().trim_end_matches('/'),
        transport.http.clone(),
        portainer_sdk_gen::Hooks::new(Arc::new(executor)),
    )
}

impl Client {
    /// The generated client for every operation of the API, sending through
    /// this client's credentials, TLS settings, timeouts, retries, body limit
    /// and tracing.
    ///
    /// Its errors convert into [`Error`] with `?` (or, to keep the body of an
    /// undocumented status, [`Error::from_generated`]).
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// // GET /api/stacks, decoded into the generated models.
    /// let stacks = client.raw().stack_list().send().await?.into_inner();
    /// println!("{} stacks", stacks.len());
    /// # Ok(()) }
    /// ```
    pub fn raw(&self) -> &portainer_sdk_gen::Client {
        &self.inner.raw
    }

    /// Like [`raw`](Self::raw), with a different total timeout for every call
    /// made through the returned client.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// use std::time::Duration;
    /// let slow = client.raw_with_timeout(Duration::from_secs(600));
    /// slow.stack_start().id(5).endpoint_id(1).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn raw_with_timeout(&self, timeout: Duration) -> portainer_sdk_gen::Client {
        self.generated(Some(timeout), false)
    }

    /// [`generated_client`] of this client.
    pub(crate) fn generated(
        &self,
        timeout: Option<Duration>,
        anonymous: bool,
    ) -> portainer_sdk_gen::Client {
        generated_client(&self.inner.base, &self.inner.transport, timeout, anonymous)
    }

    /// The generated client for `timeout` (the default when `None`).
    pub(crate) fn raw_for(&self, timeout: Option<Duration>) -> portainer_sdk_gen::Client {
        match timeout {
            Some(_) => self.generated(timeout, false),
            None => self.inner.raw.clone(),
        }
    }

    /// The value of a generated call, or its error as the SDK's, naming the
    /// operation (`op` is its method name, e.g. `stack_update`; errors carry
    /// the spec's operationId, `StackUpdate`) and the status of the response
    /// it came with, with the credential scrubbed out.
    pub(crate) async fn value<T, E: serde::Serialize>(
        &self,
        op: &'static str,
        call: impl Future<Output = Result<ResponseValue<T>, GenError<E>>>,
    ) -> Result<T, Error> {
        let (result, status) = with_status(call).await;
        self.finish(op, result, status).await
    }

    /// [`value`](Self::value) of a call already made, whose response had `status`.
    pub(crate) async fn finish<T, E: serde::Serialize>(
        &self,
        op: &'static str,
        result: Result<ResponseValue<T>, GenError<E>>,
        status: u16,
    ) -> Result<T, Error> {
        let op = portainer_sdk_gen::operation(op).map_or(op, |o| o.id);
        match result {
            Ok(v) => Ok(v.into_inner()),
            Err(e) => Err(self.scrub(from_generated(e, Some(op), status).await)),
        }
    }
}

tokio::task_local! {
    /// The status of the last response the executor handed over in this
    /// task, which the generated client's decode errors do not carry.
    static STATUS: Cell<u16>;
}

/// Runs a generated call, returning its result and the status of the
/// response it decoded (0 when none came).
pub(crate) async fn with_status<F: Future>(call: F) -> (F::Output, u16) {
    STATUS
        .scope(Cell::new(0), async {
            let out = call.await;
            (out, STATUS.with(Cell::get))
        })
        .await
}

impl<E: serde::Serialize> From<GenError<E>> for Error {
    /// Classifies an error of the generated client like the SDK's own.
    /// An undocumented status keeps no body here; see [`Error::from_generated`].
    fn from(e: GenError<E>) -> Self {
        from_generated_sync(e, None, 0)
    }
}

/// Reads the body of an undocumented status, so that its message is kept.
/// `status` is the response's, when known (0 otherwise).
async fn from_generated<E: serde::Serialize>(
    e: GenError<E>,
    op: Option<&'static str>,
    status: u16,
) -> Error {
    match e {
        GenError::UnexpectedResponse(resp) if !resp.status().is_redirection() => {
            let status = resp.status().as_u16();
            match resp.bytes().await {
                Ok(body) => error::build(op, Cause::Status(status, &body)),
                Err(e) => error::build(op, Cause::Transport(e)),
            }
        }
        other => from_generated_sync(other, op, status),
    }
}

fn from_generated_sync<E: serde::Serialize>(
    e: GenError<E>,
    op: Option<&'static str>,
    status: u16,
) -> Error {
    match e {
        GenError::InvalidRequest(m) | GenError::Custom(m) => Error::InvalidInput(match op {
            Some(op) => format!("{op}: {m}"),
            None => m,
        }),
        GenError::CommunicationError(e) | GenError::InvalidUpgrade(e) => transport(e, op),
        GenError::ResponseBodyError(e) => body_error(e, op),
        GenError::ErrorResponse(rv) => {
            let status = rv.status().as_u16();
            let body = serde_json::to_vec(&rv.into_inner()).unwrap_or_default();
            error::build(op, Cause::Status(status, &body))
        }
        // An error status whose body is not Portainer's JSON (a proxy's
        // page, Go's plain-text 404) is that status, with a snippet.
        GenError::InvalidResponsePayload(bytes, _) if status >= 400 => {
            error::build(op, Cause::Status(status, &bytes))
        }
        GenError::InvalidResponsePayload(bytes, source) => {
            error::build(op, Cause::Decode(status, &bytes, source))
        }
        GenError::UnexpectedResponse(resp) => {
            let status = resp.status().as_u16();
            if resp.status().is_redirection() {
                return error::build(op, Cause::Redirect(format!("HTTP {status} not followed")));
            }
            error::build(op, Cause::Status(status, b""))
        }
    }
}

/// A failure reading a body the transport buffered: over the limit, or a
/// transport failure.
pub(crate) fn body_error(e: reqwest::Error, op: Option<&'static str>) -> Error {
    match error::find_source::<BodyTooLarge>(&e) {
        Some(t) => error::build(op, Cause::TooLarge(t.status, t.limit)),
        None => transport(e, op),
    }
}

/// A transport failure, marked as of unknown outcome when the operation
/// may have changed something on the server.
fn transport(e: reqwest::Error, op: Option<&'static str>) -> Error {
    let err = error::build(op, Cause::Transport(e));
    match op.and_then(portainer_sdk_gen::operation) {
        Some(o) => error::mark_outcome(err, o.method),
        None => err,
    }
}

impl Error {
    /// Converts an error of the generated client, reading the body of an
    /// undocumented status so that its message and details are kept.
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let status = match client.raw().system_status().send().await {
    ///     Ok(s) => s.into_inner(),
    ///     Err(e) => return Err(portainer_sdk::Error::from_generated(e).await),
    /// };
    /// # Ok(()) }
    /// ```
    pub async fn from_generated<E: serde::Serialize>(e: GenError<E>) -> Error {
        from_generated(e, None, 0).await
    }
}

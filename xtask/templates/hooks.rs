/// One operation of the specification this crate was generated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The spec's `operationId`, e.g. `StackList`.
    pub id: &'static str,
    /// The method of [`Client`] that sends it, e.g. `stack_list`.
    pub name: &'static str,
    /// The HTTP method in upper case, e.g. `GET`.
    pub method: &'static str,
    /// The path template below `/api`, e.g. `/stacks/{id}`.
    pub path: &'static str,
    /// The spec's first tag, e.g. `stacks`.
    pub tag: &'static str,
    /// Whether the request body is `multipart/form-data`.
    pub multipart: bool,
}

/// Looks up an operation by its method name or by its `operationId`.
///
/// ```
/// let op = portainer_sdk_gen::operation("stack_list").expect("in every spec");
/// assert_eq!((op.id, op.method, op.path), ("StackList", "GET", "/stacks"));
/// assert_eq!(portainer_sdk_gen::operation("StackList"), Some(op));
/// ```
pub fn operation(name_or_id: &str) -> Option<&'static Operation> {
    match OPERATIONS.binary_search_by(|op| op.name.cmp(name_or_id)) {
        Ok(i) => Some(&OPERATIONS[i]),
        Err(_) => OPERATIONS.iter().find(|op| op.id == name_or_id),
    }
}

/// The future an [`Executor`] returns.
pub type ExecFuture<'a> = ::std::pin::Pin<
    Box<dyn ::std::future::Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>,
>;

/// Sends the requests that [`Client`] builds.
///
/// Every generated method, multipart ones included, hands its finished request
/// to the executor, so one implementation adds authentication, retries,
/// timeouts and tracing to every operation. Without one, requests go straight
/// to the `reqwest::Client` given to [`Client::new_with_client`].
pub trait Executor: Send + Sync + ::std::fmt::Debug {
    /// Sends `request`, built for `operation`, and returns the response.
    fn execute<'a>(
        &'a self,
        request: reqwest::Request,
        operation: &'static Operation,
    ) -> ExecFuture<'a>;
}

/// The state a [`Client`] carries beside its `reqwest::Client`: the optional [`Executor`].
#[derive(Clone, Debug, Default)]
pub struct Hooks {
    executor: Option<::std::sync::Arc<dyn Executor>>,
}

impl Hooks {
    /// Hooks that send every request through `executor`.
    pub fn new(executor: ::std::sync::Arc<dyn Executor>) -> Self {
        Self {
            executor: Some(executor),
        }
    }

    /// Hooks that send requests with the plain `reqwest::Client`.
    pub fn none() -> Self {
        Self::default()
    }
}

impl ClientHooks<Hooks> for Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match (&self.inner.executor, operation(info.operation_id)) {
            (Some(executor), Some(op)) => executor.execute(request, op).await,
            _ => self.client.execute(request).await,
        }
    }
}

impl Client {
    /// Sends an operation's request, with the `api-version` header of the
    /// spec, through the hooks and the executor: the steps every operation
    /// takes before it reads its response, written once rather than in each
    /// operation (PERFORMANCE.md has what that saved of the build).
    pub(crate) async fn run<E>(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> Result<reqwest::Response, Error<E>> {
        request.headers_mut().insert(
            ::reqwest::header::HeaderName::from_static("api-version"),
            ::reqwest::header::HeaderValue::from_static(Self::api_version()),
        );
        self.pre(&mut request, info).await?;
        let result = self.exec(request, info).await;
        self.post(&result, info).await?;
        Ok(result?)
    }
}

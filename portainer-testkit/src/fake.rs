//! The fake server a test starts, and its builder.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::docker::containers::{Progression, ServiceBehaviour};
use crate::environments::Environment;
use crate::faults::Fault;
use crate::requests::RecordedRequest;
use crate::server::{App, serve};
use crate::stacks::model::Stack;
use crate::state::{GitRepo, State, now};
use crate::users::{ApiKey, Role, StoredUser, User};
use crate::version::Version;

/// An in-process fake Portainer server on 127.0.0.1, with state: what is
/// created through it stays until deleted, each rule as the real handler
/// applies it.
///
/// It stops when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let fake = portainer_testkit::FakePortainer::start().await;
/// let client = fake.client();
/// assert_eq!(client.server_version().await.unwrap().to_string(), "2.44.0");
/// # }
/// ```
pub struct FakePortainer {
    app: App,
    addr: SocketAddr,
    admin_key: ApiKey,
    task: JoinHandle<()>,
}

impl fmt::Debug for FakePortainer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakePortainer")
            .field("url", &self.url())
            .field("version", &self.app.version())
            .field("admin_key", &self.admin_key)
            .finish_non_exhaustive()
    }
}

impl Drop for FakePortainer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakePortainer {
    /// A fake of the latest pinned release (EE 2.44.0) with one Docker
    /// standalone environment (id 1, `local`) and an administrator `admin`.
    ///
    /// # Panics
    ///
    /// When no port on 127.0.0.1 can be bound; [`FakePortainerBuilder::try_start`]
    /// returns the error instead.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// Configures a fake: version, environments, users, repositories.
    ///
    /// ```
    /// use portainer_testkit::{Environment, FakePortainer, Role, User, Version};
    /// let builder = FakePortainer::builder()
    ///     .version(Version::new(2, 19, 4))
    ///     .environment(Environment::docker_swarm(1, "swarm"))
    ///     .user(User::new("bob", Role::StandardUser).api_key("ptr_bob").environments([1]));
    /// # let _ = builder;
    /// ```
    pub fn builder() -> FakePortainerBuilder {
        FakePortainerBuilder::default()
    }

    /// The address to give a client, e.g. `http://127.0.0.1:41234` (the API
    /// is below `/api`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The administrator's access token.
    pub fn admin_key(&self) -> &str {
        self.admin_key.expose()
    }

    /// The emulated version.
    pub fn version(&self) -> Version {
        self.app.version()
    }

    /// A `portainer_sdk::Client` for this fake, authenticated with the
    /// administrator's key.
    ///
    /// # Panics
    ///
    /// If the SDK refuses the fake's own `http://127.0.0.1` address, which
    /// would be a bug.
    pub fn client(&self) -> portainer_sdk::Client {
        portainer_sdk::Client::builder(self.url())
            .api_key(self.admin_key().to_owned())
            .build()
            .expect("the SDK accepts the fake's loopback address")
    }

    /// The stacks the fake holds, by id.
    pub fn stacks(&self) -> Vec<Stack> {
        self.app
            .state()
            .stacks
            .values()
            .map(|s| s.snapshot())
            .collect()
    }

    /// The stack with this (normalized) name, if any.
    pub fn stack(&self, name: &str) -> Option<Stack> {
        self.app
            .state()
            .stacks
            .values()
            .find(|s| s.name == name)
            .map(|s| s.snapshot())
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.app.state().requests.clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.app.state().requests.clear();
    }

    /// Adds a fault; see [`Fault`].
    pub fn inject(&self, fault: Fault) {
        self.app.state().faults.push(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.app.state().faults.clear();
    }

    /// Makes `service` of stack `stack` exit with `exit_code` (writing
    /// `stderr`) once it has been seen running; applies to containers
    /// already deployed and to later deployments.
    pub fn fail_service(&self, stack: &str, service: &str, exit_code: i64, stderr: &str) {
        let mut state = self.app.state();
        let b = behaviour(&mut state, stack, service);
        b.exit_code = Some(exit_code);
        b.stderr = stderr.to_owned();
    }

    /// Makes `service` of `stack` stay unhealthy: its healthcheck never passes.
    pub fn unhealthy_service(&self, stack: &str, service: &str) {
        behaviour(&mut self.app.state(), stack, service).unhealthy = true;
    }

    /// What `service` of `stack` writes to stdout, for `/containers/{id}/logs`.
    pub fn service_logs(&self, stack: &str, service: &str, stdout: &str) {
        behaviour(&mut self.app.state(), stack, service).stdout = stdout.to_owned();
    }

    /// Makes every deployment of `stack` fail with `output` as the deployer's
    /// error (a 500 from create, update, start and redeploy).
    pub fn fail_deploy(&self, stack: &str, output: &str) {
        self.app
            .state()
            .deploy_failures
            .insert(stack.to_owned(), output.to_owned());
    }

    /// The names of the containers running for `stack`.
    pub fn containers(&self, stack: &str) -> Vec<String> {
        self.app
            .state()
            .containers
            .iter()
            .filter(|c| c.project == stack)
            .map(|c| c.name.clone())
            .collect()
    }
}

fn behaviour<'s>(state: &'s mut State, stack: &str, service: &str) -> &'s mut ServiceBehaviour {
    state
        .behaviours
        .entry((stack.to_owned(), service.to_owned()))
        .or_default()
}

/// Configuration of a [`FakePortainer`], from [`FakePortainer::builder`].
#[derive(Debug, Default)]
pub struct FakePortainerBuilder {
    version: Option<Version>,
    environments: Vec<Environment>,
    users: Vec<User>,
    admin_key: Option<ApiKey>,
    admin_password: Option<String>,
    repos: HashMap<String, GitRepo>,
    progression: Option<Progression>,
}

impl FakePortainerBuilder {
    /// The version to report and emulate (default [`Version::LATEST`]).
    pub fn version(mut self, version: Version) -> Self {
        self.version = Some(version);
        self
    }

    /// Adds an environment; without any, the fake has `Environment::docker_standalone(1, "local")`.
    pub fn environment(mut self, env: Environment) -> Self {
        self.environments.push(env);
        self
    }

    /// Adds a user; ids are given in order from 2 (1 is `admin`).
    pub fn user(mut self, user: User) -> Self {
        self.users.push(user);
        self
    }

    /// The administrator's access token (default: a random `ptr_...` key).
    pub fn admin_key(mut self, key: impl Into<String>) -> Self {
        self.admin_key = Some(ApiKey::new(key));
        self
    }

    /// The administrator's password for `POST /api/auth` (default
    /// `adminpassword`).
    pub fn admin_password(mut self, password: impl Into<String>) -> Self {
        self.admin_password = Some(password.into());
        self
    }

    /// A git repository that stacks can be created from and redeployed:
    /// `files` maps paths (e.g. `docker-compose.yml`) to contents; `commit`
    /// is what the stack records as its `ConfigHash`. Register a Kubernetes
    /// manifest URL with the file path `""`.
    pub fn git_repository<'a>(
        mut self,
        url: &str,
        commit: &str,
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        self.repos.insert(
            url.trim_end_matches('/').to_owned(),
            GitRepo {
                files: files
                    .into_iter()
                    .map(|(p, c)| (p.to_owned(), c.to_owned()))
                    .collect(),
                commit: commit.to_owned(),
            },
        );
        self
    }

    /// After how many polls (container list, inspect, task list) a new
    /// container is running, and its healthcheck passes (default 1 and 2:
    /// `created`, then `running` with health `starting`, then `healthy`).
    pub fn container_progression(mut self, running_after: u32, healthy_after: u32) -> Self {
        self.progression = Some(Progression {
            running_after,
            healthy_after,
        });
        self
    }

    /// Starts the fake on an ephemeral port of 127.0.0.1.
    ///
    /// # Panics
    ///
    /// When binding fails; see [`FakePortainerBuilder::try_start`].
    pub async fn start(self) -> FakePortainer {
        match self.try_start().await {
            Ok(f) => f,
            Err(e) => panic!("portainer-testkit: cannot listen on 127.0.0.1: {e}"),
        }
    }

    /// Starts the fake, or says why it could not listen.
    pub async fn try_start(self) -> std::io::Result<FakePortainer> {
        // Tests beside the fake build plain reqwest clients, which panic
        // without a process-wide rustls provider in this build.
        portainer_sdk::install_crypto_provider();
        let version = self.version.unwrap_or_default();
        let admin_key = self.admin_key.unwrap_or_else(ApiKey::random);
        let admin = User {
            username: "admin".into(),
            password: self
                .admin_password
                .unwrap_or_else(|| "adminpassword".into()),
            role: Role::Administrator,
            api_keys: vec![admin_key.clone()],
            environments: Vec::new(),
        };
        let users = std::iter::once(admin)
            .chain(self.users)
            .enumerate()
            .map(|(i, spec)| StoredUser {
                id: i as i64 + 1,
                spec,
            })
            .collect();
        let environments = if self.environments.is_empty() {
            vec![Environment::docker_standalone(1, "local")]
        } else {
            self.environments
        };
        let state = State {
            users,
            environments,
            stacks: BTreeMap::new(),
            next_rc_id: 1,
            settings: crate::settings::defaults(),
            containers: Vec::new(),
            behaviours: HashMap::new(),
            deploy_failures: HashMap::new(),
            progression: self.progression.unwrap_or_default(),
            git_repos: self.repos,
            sessions: HashMap::new(),
            faults: Vec::new(),
            requests: Vec::new(),
            clock: now,
        };
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let app = App::new(version, state);
        let task = tokio::spawn(serve(listener, app.clone()));
        Ok(FakePortainer {
            app,
            addr,
            admin_key,
            task,
        })
    }
}

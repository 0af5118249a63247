//! Creating stacks: `POST /stacks/create/{type}/{method}` (2.19 and later),
//! `POST /stacks?type=&method=` (before 2.19, and deprecated until 2.27)
//! (api/http/handler/stacks/stack_create.go, create_compose_stack.go,
//! create_swarm_stack.go, create_kubernetes_stack.go).

use serde_json::{Map, Value, json};

use crate::auth::check_environment_access;
use crate::environments::EnvironmentKind;
use crate::handler::Call;
use crate::payload::Payload;
use crate::stacks::model::{GitSource, Owner, StackKind, StackStatus, StoredStack};
use crate::stacks::names;
use crate::state::State;
use crate::wire::{HandlerError, HandlerResult, Reply};

const INVALID_TYPE: &str = "Invalid value for query parameter: type. Value must be one of: 1 (Swarm stack) or 2 (Compose stack)";
const INVALID_DOCKER_METHOD: &str =
    "Invalid value for query parameter: method. Value must be one of: string, repository or file";
const INVALID_KUBE_METHOD: &str =
    "Invalid value for query parameter: method. Value must be one of: string or repository";

/// `POST /stacks/create/{type}/{method}` (stack_create.go `stackCreate`).
pub(crate) fn create(state: &mut State, call: &Call, kind: &str, method: &str) -> HandlerResult {
    let endpoint_id = call
        .query
        .numeric("endpointId", false)
        .map_err(|e| HandlerError::bad_request("Invalid query parameter: endpointId", e))?;
    let kind = match kind {
        "swarm" => Some(StackKind::Swarm),
        "standalone" => Some(StackKind::Compose),
        "kubernetes" => Some(StackKind::Kubernetes),
        _ => None,
    };
    dispatch(state, call, endpoint_id, kind, method)
}

/// `POST /stacks?type=&method=&endpointId=`. Before 2.19 it is the create
/// handler itself (stack_create.go at 2.14.2: `type` numeric, then `method`,
/// then `endpointId`); from 2.19 a deprecated alias that checks `method`, then
/// `type` (1, 2 or 3), and forwards to `/stacks/create/{type}/{method}`
/// (stack_create.go `deprecatedStackCreateUrlParser`, whose errors repeat the
/// message as details: middlewares/deprecated.go writes `err.Error()`).
pub(crate) fn create_legacy(state: &mut State, call: &Call) -> HandlerResult {
    if call.version.at_least_pin("2.19.4") {
        let method = call.query.get("method").to_owned();
        if method.is_empty() {
            let msg = "Invalid query parameter: method. Valid values are: file or string";
            return Err(HandlerError::bad_request(msg, msg));
        }
        let kind = match call.query.numeric("type", false) {
            Ok(1) => "swarm",
            Ok(2) => "standalone",
            Ok(3) => "kubernetes",
            _ => {
                let msg = "Invalid query parameter: type";
                return Err(HandlerError::bad_request(msg, msg));
            }
        };
        return create(state, call, kind, &method);
    }
    let kind = call
        .query
        .numeric("type", false)
        .map_err(|e| HandlerError::bad_request("Invalid query parameter: type", e))?;
    let method = call
        .query
        .required("method")
        .map_err(|e| HandlerError::bad_request("Invalid query parameter: method", e))?
        .to_owned();
    let endpoint_id = call
        .query
        .numeric("endpointId", false)
        .map_err(|e| HandlerError::bad_request("Invalid query parameter: endpointId", e))?;
    let kind = match kind {
        1 => Some(StackKind::Swarm),
        2 => Some(StackKind::Compose),
        3 => Some(StackKind::Kubernetes),
        _ => None,
    };
    dispatch(state, call, endpoint_id, kind, &method)
}

fn dispatch(
    state: &mut State,
    call: &Call,
    endpoint_id: i64,
    kind: Option<StackKind>,
    method: &str,
) -> HandlerResult {
    let env_kind = state
        .environment(endpoint_id)
        .map(|e| e.kind)
        .ok_or_else(|| {
            HandlerError::object_not_found(
                "Unable to find an environment with the specified identifier inside the database",
            )
        })?;
    // AllowStackManagementForRegularUsers is true on every environment of the
    // fake (endpoint_create.go's default), so `userCanManageStacks` passes.
    check_environment_access(
        call.user,
        endpoint_id,
        "Permission denied to access environment",
    )?;
    let kind =
        kind.ok_or_else(|| HandlerError::bad_request(INVALID_TYPE, "Invalid query parameter"))?;
    let source = match (kind, method) {
        (StackKind::Kubernetes, "string") => Source::Content,
        (StackKind::Kubernetes, "repository") => Source::Git,
        (StackKind::Kubernetes, "url") => Source::Url,
        (StackKind::Kubernetes, _) => {
            return Err(HandlerError::bad_request(
                INVALID_KUBE_METHOD,
                "Invalid query parameter",
            ));
        }
        (_, "string") => Source::Content,
        (_, "repository") => Source::Git,
        (_, "file") => Source::File,
        _ => {
            return Err(HandlerError::bad_request(
                INVALID_DOCKER_METHOD,
                "Invalid query parameter",
            ));
        }
    };
    match kind {
        StackKind::Kubernetes => create_kubernetes(state, call, endpoint_id, env_kind, source),
        _ => create_docker(state, call, endpoint_id, env_kind, kind, source),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Content,
    File,
    Git,
    Url,
}

/// What a Docker create payload carries, once decoded and validated.
struct DockerPayload {
    name: String,
    swarm_id: String,
    content: Option<String>,
    env: Option<Vec<(String, String)>>,
    from_app_template: bool,
    git: Option<GitPayload>,
}

struct GitPayload {
    url: String,
    reference: String,
    auth: Option<(String, String)>,
    file: String,
    additional_files: Option<Vec<String>>,
    auto_update: Option<Map<String, Value>>,
    tls_skip_verify: bool,
}

fn invalid(e: String) -> HandlerError {
    HandlerError::bad_request("Invalid request payload", e)
}

fn decode_docker(
    call: &Call,
    kind: StackKind,
    source: Source,
) -> Result<DockerPayload, HandlerError> {
    let swarm = kind == StackKind::Swarm;
    match source {
        Source::File => {
            // create_compose_stack.go `decodeRequestForm`,
            // create_swarm_stack.go's form reading.
            let form = call.form.cloned().unwrap_or_default();
            let name = form.value("Name");
            if name.is_empty() {
                return Err(invalid("Invalid stack name".into()));
            }
            let swarm_id = form.value("SwarmID");
            if swarm && swarm_id.is_empty() {
                return Err(invalid("Invalid Swarm ID".into()));
            }
            let content = form.file("file").ok_or_else(|| {
                invalid(
                    "Invalid Compose file. Ensure that the Compose file is uploaded correctly"
                        .into(),
                )
            })?;
            let env_text = form.value("Env");
            let env = if env_text.is_empty() {
                None
            } else {
                let body = format!("{{\"Env\":{env_text}}}");
                Payload::decode(body.as_bytes(), "portainer.Pair")
                    .and_then(|p| p.pairs("Env"))
                    .map_err(|_| invalid("Invalid Env parameter".into()))?
            };
            Ok(DockerPayload {
                name,
                swarm_id,
                content: Some(String::from_utf8_lossy(content).into_owned()),
                env,
                from_app_template: false,
                git: None,
            })
        }
        Source::Content => {
            let go_type = if swarm {
                "stacks.swarmStackFromFileContentPayload"
            } else {
                "stacks.composeStackFromFileContentPayload"
            };
            let p = Payload::decode(call.body, go_type).map_err(invalid)?;
            let name = p.string("Name").map_err(invalid)?;
            let swarm_id = p.string("SwarmID").map_err(invalid)?;
            let content = p.string("StackFileContent").map_err(invalid)?;
            let env = p.pairs("Env").map_err(invalid)?;
            let from_app_template = p.boolean("FromAppTemplate").map_err(invalid)?;
            if name.is_empty() {
                return Err(invalid("Invalid stack name".into()));
            }
            if swarm && swarm_id.is_empty() {
                return Err(invalid("Invalid Swarm ID".into()));
            }
            if content.is_empty() {
                return Err(invalid("Invalid stack file content".into()));
            }
            Ok(DockerPayload {
                name,
                swarm_id,
                content: Some(content),
                env,
                from_app_template,
                git: None,
            })
        }
        Source::Git | Source::Url => {
            let go_type = if swarm {
                "stacks.swarmStackFromGitRepositoryPayload"
            } else {
                "stacks.composeStackFromGitRepositoryPayload"
            };
            let p = Payload::decode(call.body, go_type).map_err(invalid)?;
            let name = p.string("Name").map_err(invalid)?;
            let swarm_id = p.string("SwarmID").map_err(invalid)?;
            let url = p.string("RepositoryURL").map_err(invalid)?;
            let with_auth = p.boolean("RepositoryAuthentication").map_err(invalid)?;
            let username = p.string("RepositoryUsername").map_err(invalid)?;
            let password = p.string("RepositoryPassword").map_err(invalid)?;
            let auto_update = p
                .object("AutoUpdate", "portainer.AutoUpdateSettings")
                .map_err(invalid)?;
            let git = GitPayload {
                url: url.trim_end_matches('/').to_owned(),
                reference: p.string("RepositoryReferenceName").map_err(invalid)?,
                auth: with_auth.then(|| (username, password.clone())),
                file: p.string("ComposeFile").map_err(invalid)?,
                additional_files: p.strings("AdditionalFiles").map_err(invalid)?,
                auto_update: auto_update.clone(),
                tls_skip_verify: p.boolean("TLSSkipVerify").map_err(invalid)?,
            };
            if name.is_empty() {
                return Err(invalid("Invalid stack name".into()));
            }
            if swarm && swarm_id.is_empty() {
                return Err(invalid("Invalid Swarm ID".into()));
            }
            if url.is_empty() || !looks_like_repository_url(&url) {
                return Err(invalid(
                    "Invalid repository URL. Must correspond to a valid URL format".into(),
                ));
            }
            if with_auth && password.is_empty() {
                return Err(invalid(
                    "Invalid repository credentials. Password must be specified when authentication is enabled".into(),
                ));
            }
            validate_auto_update(auto_update.as_ref()).map_err(invalid)?;
            Ok(DockerPayload {
                name,
                swarm_id,
                content: None,
                env: p.pairs("Env").map_err(invalid)?,
                from_app_template: p.boolean("FromAppTemplate").map_err(invalid)?,
                git: Some(git),
            })
        }
    }
}

/// api/git/update/validate.go `ValidateAutoUpdateSettings`.
fn validate_auto_update(au: Option<&Map<String, Value>>) -> Result<(), String> {
    let Some(au) = au else { return Ok(()) };
    let get = |k: &str| {
        au.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .and_then(|(_, v)| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let (webhook, interval) = (get("Webhook"), get("Interval"));
    if webhook.is_empty() && interval.is_empty() {
        return Err("Webhook or Interval must be provided".into());
    }
    if !webhook.is_empty() && !is_uuid(&webhook) {
        return Err("invalid Webhook format".into());
    }
    if !interval.is_empty() && !crate::settings::is_go_duration(&interval) {
        return Err("invalid Interval format".into());
    }
    Ok(())
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// govalidator `IsURL`, approximated as for the settings.
fn looks_like_repository_url(s: &str) -> bool {
    crate::settings::looks_like_url(s)
}

fn create_docker(
    state: &mut State,
    call: &Call,
    endpoint_id: i64,
    env_kind: EnvironmentKind,
    kind: StackKind,
    source: Source,
) -> HandlerResult {
    let mut p = decode_docker(call, kind, source)?;
    p.name = names::normalize(&p.name);
    let swarm = kind == StackKind::Swarm;
    // checkUniqueStackNameInDocker asks the environment's Docker engine: a
    // Kubernetes environment has none, and a standalone engine cannot list
    // swarm services.
    if env_kind == EnvironmentKind::Kubernetes {
        return Err(HandlerError::internal(
            "Unable to check for name collision",
            "unable to reach a Docker engine on a Kubernetes environment",
        ));
    }
    if swarm && env_kind != EnvironmentKind::DockerSwarm {
        return Err(HandlerError::internal(
            "Unable to check for name collision",
            "Error response from daemon: This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.",
        ));
    }
    if swarm {
        if !names::unique_in_docker(state, endpoint_id, &p.name, 0, true) {
            return Err(names::exists_error(&p.name));
        }
    } else {
        names::ensure_compose_name_free(state, endpoint_id, &p.name)?;
    }
    let mut git = None;
    let mut entry_point = "docker-compose.yml".to_owned();
    let content = match (&p.content, &p.git) {
        (Some(c), _) => c.clone(),
        (None, Some(g)) => {
            // create_compose_stack.go: the webhook id must be unused.
            if let Some(webhook) = g
                .auto_update
                .as_ref()
                .and_then(|a| a.iter().find(|(k, _)| k.eq_ignore_ascii_case("Webhook")))
                .and_then(|(_, v)| v.as_str())
                .filter(|w| !w.is_empty())
                && state.stacks.values().any(|s| {
                    s.auto_update
                        .as_ref()
                        .and_then(|a| a.get("Webhook"))
                        .and_then(Value::as_str)
                        == Some(webhook)
                })
            {
                return Err(HandlerError::conflict(
                    format!("Webhook ID: {webhook} already exists"),
                    "A webhook ID already exists",
                ));
            }
            let file = if g.file.is_empty() {
                "docker-compose.yml".to_owned()
            } else {
                g.file.clone()
            };
            let (content, commit) = clone(state, &g.url, &file)?;
            entry_point = file.clone();
            git = Some(GitSource {
                url: g.url.clone(),
                reference_name: g.reference.clone(),
                config_file_path: file,
                config_hash: commit,
                username: g.auth.as_ref().map(|a| a.0.clone()),
                password: g.auth.as_ref().map(|a| a.1.clone()),
                tls_skip_verify: g.tls_skip_verify,
            });
            content
        }
        (None, None) => String::new(),
    };
    let now = (state.clock)();
    let id = state.stacks.keys().max().copied().unwrap_or(0) + 1;
    let auto_update = p
        .git
        .as_ref()
        .and_then(|g| g.auto_update.clone())
        .map(|mut a| {
            // The scheduler's job id, set when an interval is given
            // (stack_git_builder.go `SetAutoUpdate`).
            let has_interval = a
                .get("Interval")
                .and_then(Value::as_str)
                .is_some_and(|i| !i.is_empty());
            if has_interval {
                a.insert("JobID".into(), json!(id.to_string()));
            }
            a
        });
    let stack = StoredStack {
        id,
        name: p.name.clone(),
        kind,
        endpoint_id,
        swarm_id: if swarm {
            p.swarm_id.clone()
        } else {
            String::new()
        },
        entry_point,
        env: p.env.clone(),
        rc_id: state.next_rc_id,
        owner: if call.user.is_admin() {
            Owner::Administrators
        } else {
            Owner::User(call.user.id)
        },
        status: StackStatus::Active,
        creation_date: now,
        created_by: call.user.spec.username.clone(),
        created_by_user_id: call.user.id,
        update_date: 0,
        updated_by: String::new(),
        additional_files: p.git.as_ref().and_then(|g| g.additional_files.clone()),
        auto_update,
        prune: None,
        git,
        from_app_template: p.from_app_template,
        namespace: String::new(),
        is_compose_format: false,
        webhook: String::new(),
        file_content: content,
    };
    deploy(state, &stack, false)?;
    state.next_rc_id += 1;
    let json = stack.to_json(call.version);
    state.stacks.insert(id, stack);
    Ok(Reply::Json(json))
}

/// `docker compose up` / `docker stack deploy`; a failure is a 500 with the
/// deployer's error (api/exec/compose_stack.go wraps it as "failed to deploy a
/// stack: ...", swarm_stack.go passes docker's output).
pub(crate) fn deploy(
    state: &mut State,
    stack: &StoredStack,
    force: bool,
) -> Result<(), HandlerError> {
    state.deploy(stack, force).map_err(|out| {
        let msg = match stack.kind {
            StackKind::Compose => format!("failed to deploy a stack: {out}"),
            _ => out,
        };
        HandlerError::internal(msg.clone(), msg)
    })
}

/// `git clone` of a repository registered with
/// [`crate::FakePortainerBuilder::git_repository`]; stackutils/gitops.go
/// `DownloadGitRepository` wraps a failure as "unable to clone git repository".
pub(crate) fn clone(
    state: &State,
    url: &str,
    file: &str,
) -> Result<(String, String), HandlerError> {
    let repo = state.git_repos.get(url).ok_or_else(|| {
        let msg = "unable to clone git repository: repository not found";
        HandlerError::internal(msg, msg)
    })?;
    let content = repo.files.get(file).cloned().unwrap_or_default();
    Ok((content, repo.commit.clone()))
}

fn create_kubernetes(
    state: &mut State,
    call: &Call,
    endpoint_id: i64,
    env_kind: EnvironmentKind,
    source: Source,
) -> HandlerResult {
    if call.version.kubernetes_checks_environment_type() && env_kind != EnvironmentKind::Kubernetes
    {
        let msg = "Environment type does not match";
        return Err(HandlerError::bad_request(msg, msg));
    }
    let (go_type, content_field) = match source {
        Source::Content => (
            "stacks.kubernetesStringDeploymentPayload",
            "StackFileContent",
        ),
        Source::Git => ("stacks.kubernetesGitDeploymentPayload", "ManifestFile"),
        _ => (
            "stacks.kubernetesManifestURLDeploymentPayload",
            "ManifestURL",
        ),
    };
    let p = Payload::decode(call.body, go_type).map_err(invalid)?;
    let name = p.string("StackName").map_err(invalid)?;
    let namespace = p.string("Namespace").map_err(invalid)?;
    let compose_format = p.boolean("ComposeFormat").map_err(invalid)?;
    let field = p.string(content_field).map_err(invalid)?;
    let mut git = None;
    let content = match source {
        Source::Content => {
            if field.is_empty() {
                return Err(invalid("Invalid stack file content".into()));
            }
            field
        }
        Source::Git => {
            let url = p.string("RepositoryURL").map_err(invalid)?;
            let with_auth = p.boolean("RepositoryAuthentication").map_err(invalid)?;
            let password = p.string("RepositoryPassword").map_err(invalid)?;
            if url.is_empty() || !looks_like_repository_url(&url) {
                return Err(invalid(
                    "Invalid repository URL. Must correspond to a valid URL format".into(),
                ));
            }
            if with_auth && password.is_empty() {
                return Err(invalid(
                    "Invalid repository credentials. Password must be specified when authentication is enabled".into(),
                ));
            }
            if field.is_empty() {
                return Err(invalid("Invalid manifest file in repository".into()));
            }
            let url = url.trim_end_matches('/').to_owned();
            let (content, commit) = clone(state, &url, &field)?;
            git = Some(GitSource {
                url,
                reference_name: p.string("RepositoryReferenceName").map_err(invalid)?,
                config_file_path: field,
                config_hash: commit,
                username: with_auth.then(|| p.string("RepositoryUsername").unwrap_or_default()),
                password: with_auth.then_some(password),
                tls_skip_verify: p.boolean("TLSSkipVerify").map_err(invalid)?,
            });
            content
        }
        _ => {
            if field.is_empty() || !looks_like_repository_url(&field) {
                return Err(invalid("Invalid manifest URL".into()));
            }
            // k8s_url_builder.go: the manifest is downloaded; the fake serves
            // the URLs registered as git repositories (file "").
            state
                .git_repos
                .get(&field)
                .and_then(|r| r.files.get("").cloned())
                .ok_or_else(|| {
                    HandlerError::internal(
                        "Unable to retrieve manifest from URL",
                        "manifest URL not registered with the fake",
                    )
                })?
        }
    };
    if call.version.kubernetes_names_unique()
        && !names::unique_in_database(state, endpoint_id, &name, 0)
    {
        return Err(HandlerError::conflict(
            format!("A stack with the name '{name}' already exists"),
            "A stack already exists with this name",
        ));
    }
    let id = state.stacks.keys().max().copied().unwrap_or(0) + 1;
    let stack = StoredStack {
        id,
        name: name.clone(),
        kind: StackKind::Kubernetes,
        endpoint_id,
        swarm_id: String::new(),
        entry_point: git
            .as_ref()
            .map(|g| g.config_file_path.clone())
            .unwrap_or_else(|| "k8s-deployment.yml".into()),
        env: None,
        rc_id: state.next_rc_id,
        owner: if call.user.is_admin() {
            Owner::Administrators
        } else {
            Owner::User(call.user.id)
        },
        status: StackStatus::Active,
        creation_date: (state.clock)(),
        created_by: call.user.spec.username.clone(),
        created_by_user_id: call.user.id,
        update_date: 0,
        updated_by: String::new(),
        additional_files: None,
        auto_update: None,
        prune: None,
        git,
        from_app_template: false,
        namespace,
        is_compose_format: compose_format,
        webhook: String::new(),
        file_content: content,
    };
    deploy(state, &stack, false)?;
    state.next_rc_id += 1;
    state.stacks.insert(id, stack);
    // create_kubernetes_stack.go: the answer is kubectl's output, not the stack.
    Ok(Reply::Json(
        json!({ "Output": format!("stack {name} applied by portainer-testkit") }),
    ))
}

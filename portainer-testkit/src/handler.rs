//! One request through the fake: the bouncer, then the route's handler.

use std::collections::HashMap;

use axum::http::{HeaderMap, Method};

use crate::auth::Credentials;
use crate::routes::{Handler, Route};
use crate::stacks::Form;
use crate::state::State;
use crate::users::StoredUser;
use crate::version::Version;
use crate::wire::{HandlerResult, Query};
use crate::{docker, environments, settings, stacks, system};

/// What a handler gets: the caller (authenticated unless the route is
/// public), the query, the path variables and the body.
pub(crate) struct Call<'a> {
    pub version: Version,
    pub method: Method,
    pub user: &'a StoredUser,
    pub query: &'a Query,
    pub body: &'a [u8],
    pub form: Option<&'a Form>,
}

pub(crate) struct Incoming<'a> {
    pub method: Method,
    pub headers: &'a HeaderMap,
    pub query: &'a Query,
    pub params: &'a HashMap<String, String>,
    pub body: &'a [u8],
    pub form: Option<&'a Form>,
}

/// The user a request is served as, for public routes that have none.
fn anonymous() -> StoredUser {
    StoredUser {
        id: 0,
        spec: crate::users::User::new("", crate::users::Role::StandardUser),
    }
}

pub(crate) fn handle(
    state: &mut State,
    version: Version,
    instance_id: &str,
    route: &Route,
    req: Incoming,
) -> HandlerResult {
    let creds = Credentials::extract(req.headers, req.query);
    creds.csrf_check(version)?;
    let user = creds.authorize(state, version, route.access)?;
    let anon = anonymous();
    let call = Call {
        version,
        method: req.method.clone(),
        user: user.as_ref().unwrap_or(&anon),
        query: req.query,
        body: req.body,
        form: req.form,
    };
    let p = |name: &str| req.params.get(name).map(String::as_str).unwrap_or("");
    match route.handler {
        Handler::Status => system::status(version, instance_id, true),
        Handler::SystemStatus => system::status(version, instance_id, false),
        Handler::StatusVersion => system::status_version(),
        Handler::SystemVersion => system::version(version, state),
        Handler::Authenticate => crate::auth::authenticate(state, req.body),
        Handler::SettingsInspect => settings::inspect(state),
        Handler::SettingsUpdate => settings::update(state, req.body),
        Handler::SettingsPublic => settings::public(state),
        Handler::EndpointList => environments::list(state, call.user, req.query),
        Handler::EndpointInspect => environments::inspect(state, call.user, p("id")),
        Handler::StackList => stacks::read::list(state, &call),
        Handler::StackCreateLegacy => stacks::create::create_legacy(state, &call),
        Handler::StackCreate => stacks::create::create(state, &call, p("type"), p("method")),
        Handler::StackInspect => stacks::read::inspect(state, &call, p("id")),
        Handler::StackFile => stacks::read::file(state, &call, p("id")),
        Handler::StackUpdate => stacks::update::update(state, &call, p("id")),
        Handler::StackGitRedeploy => stacks::update::git_redeploy(state, &call, p("id")),
        Handler::StackStart => stacks::lifecycle::start(state, &call, p("id")),
        Handler::StackStop => stacks::lifecycle::stop(state, &call, p("id")),
        Handler::StackDelete => stacks::lifecycle::delete(state, &call, p("id")),
        Handler::DockerProxy => docker::proxy(state, &call, p("id"), p("rest")),
    }
}

/// The user behind a request's credentials, for the request log.
pub(crate) fn caller(
    state: &State,
    headers: &HeaderMap,
    query: &Query,
) -> (crate::Credential, Option<String>) {
    let creds = Credentials::extract(headers, query);
    (creds.kind(), creds.resolve(state).map(|u| u.spec.username))
}

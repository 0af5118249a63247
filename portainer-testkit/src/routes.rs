//! The routes the fake serves, per emulated version.

use crate::auth::Access;
use crate::version::Version;

/// What a route does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handler {
    Status,
    StatusVersion,
    SystemStatus,
    SystemVersion,
    Authenticate,
    SettingsInspect,
    SettingsUpdate,
    SettingsPublic,
    EndpointList,
    EndpointInspect,
    StackList,
    StackCreateLegacy,
    StackCreate,
    StackInspect,
    StackUpdate,
    StackDelete,
    StackFile,
    StackStart,
    StackStop,
    StackGitRedeploy,
    DockerProxy,
}

pub(crate) struct Route {
    pub method: &'static str,
    /// The axum path, below the server's root.
    pub template: &'static str,
    /// The spec paths (below `/api`) this route serves; empty for the Docker
    /// proxy, whose paths belong to the Docker Engine API.
    pub spec_paths: &'static [&'static str],
    pub access: Access,
    pub handler: Handler,
    /// The first pinned release whose spec has the route.
    pub since: &'static str,
    /// The first pinned release whose spec no longer has it.
    pub until: Option<&'static str>,
}

const CREATE_PATHS: &[&str] = &[
    "/stacks/create/standalone/string",
    "/stacks/create/standalone/file",
    "/stacks/create/standalone/repository",
    "/stacks/create/swarm/string",
    "/stacks/create/swarm/file",
    "/stacks/create/swarm/repository",
    "/stacks/create/kubernetes/string",
    "/stacks/create/kubernetes/repository",
    "/stacks/create/kubernetes/url",
];

macro_rules! route {
    ($m:literal, $t:literal, $access:ident, $h:ident, $since:literal) => {
        route!($m, $t, $access, $h, $since, None)
    };
    ($m:literal, $t:literal, $access:ident, $h:ident, $since:literal, $until:expr) => {
        Route {
            method: $m,
            template: concat!("/api", $t),
            spec_paths: &[$t],
            access: Access::$access,
            handler: Handler::$h,
            since: $since,
            until: $until,
        }
    };
}

/// Every route, with the pinned specs that have it. Each handler cites its
/// source in its module.
pub(crate) const ROUTES: &[Route] = &[
    route!("GET", "/status", Public, Status, "2.14.2"),
    route!(
        "GET",
        "/status/version",
        Authenticated,
        StatusVersion,
        "2.14.2",
        Some("2.27.1")
    ),
    route!("GET", "/system/status", Public, SystemStatus, "2.19.4"),
    route!(
        "GET",
        "/system/version",
        Authenticated,
        SystemVersion,
        "2.19.4"
    ),
    route!("POST", "/auth", Public, Authenticate, "2.14.2"),
    route!("GET", "/settings", Administrator, SettingsInspect, "2.14.2"),
    route!("PUT", "/settings", Administrator, SettingsUpdate, "2.14.2"),
    route!("GET", "/settings/public", Public, SettingsPublic, "2.14.2"),
    route!("GET", "/endpoints", Authenticated, EndpointList, "2.14.2"),
    route!(
        "GET",
        "/endpoints/{id}",
        Authenticated,
        EndpointInspect,
        "2.14.2"
    ),
    route!("GET", "/stacks", Authenticated, StackList, "2.14.2"),
    route!(
        "POST",
        "/stacks",
        Authenticated,
        StackCreateLegacy,
        "2.14.2",
        Some("2.27.1")
    ),
    Route {
        method: "POST",
        // stack_create.go routes `/stacks/create/{type}/{method}`; an unknown
        // type or method gets the handler's 400.
        template: "/api/stacks/create/{type}/{method}",
        spec_paths: CREATE_PATHS,
        access: Access::Authenticated,
        handler: Handler::StackCreate,
        since: "2.19.4",
        until: None,
    },
    route!("GET", "/stacks/{id}", Authenticated, StackInspect, "2.14.2"),
    route!("PUT", "/stacks/{id}", Authenticated, StackUpdate, "2.14.2"),
    route!(
        "DELETE",
        "/stacks/{id}",
        Authenticated,
        StackDelete,
        "2.14.2"
    ),
    route!(
        "GET",
        "/stacks/{id}/file",
        Authenticated,
        StackFile,
        "2.14.2"
    ),
    route!(
        "POST",
        "/stacks/{id}/start",
        Authenticated,
        StackStart,
        "2.14.2"
    ),
    route!(
        "POST",
        "/stacks/{id}/stop",
        Authenticated,
        StackStop,
        "2.14.2"
    ),
    route!(
        "PUT",
        "/stacks/{id}/git/redeploy",
        Authenticated,
        StackGitRedeploy,
        "2.14.2"
    ),
    Route {
        method: "*",
        // api/http/handler/handler.go sends `/api/endpoints/{id}/docker/...`
        // to the environment's Docker engine.
        template: "/api/endpoints/{id}/docker/{*rest}",
        spec_paths: &[],
        access: Access::Authenticated,
        handler: Handler::DockerProxy,
        since: "2.14.2",
        until: None,
    },
];

impl Route {
    pub fn served_by(&self, version: Version) -> bool {
        version.at_least_pin(self.since) && self.until.is_none_or(|u| !version.at_least_pin(u))
    }
}

/// A route of the fake, from [`served_routes`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServedRoute {
    /// `GET`, `POST`, ...; `*` for the Docker proxy.
    pub method: &'static str,
    /// The spec's path template below `/api`, e.g. `/stacks/{id}`.
    pub path: &'static str,
    /// Whether it is a path of the Docker Engine API behind
    /// `/api/endpoints/{id}/docker`, which Portainer's spec does not list.
    pub docker_proxy: bool,
}

/// The routes a fake of `version` serves, one per spec path.
///
/// ```
/// use portainer_testkit::{Version, served_routes};
/// let old = served_routes(Version::new(2, 14, 2));
/// assert!(old.iter().any(|r| r.method == "POST" && r.path == "/stacks"));
/// let new = served_routes(Version::new(2, 44, 0));
/// assert!(!new.iter().any(|r| r.method == "POST" && r.path == "/stacks"));
/// assert!(new.iter().any(|r| r.path == "/stacks/create/standalone/string"));
/// ```
pub fn served_routes(version: Version) -> Vec<ServedRoute> {
    let mut out = Vec::new();
    for r in ROUTES.iter().filter(|r| r.served_by(version)) {
        if r.spec_paths.is_empty() {
            out.push(ServedRoute {
                method: r.method,
                path: "/endpoints/{id}/docker/{rest}",
                docker_proxy: true,
            });
        }
        for p in r.spec_paths {
            out.push(ServedRoute {
                method: r.method,
                path: p,
                docker_proxy: false,
            });
        }
    }
    out
}

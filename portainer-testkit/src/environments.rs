//! Environments (Portainer's "endpoints"): what the fake has, and
//! `GET /api/endpoints` with its paging.

use serde_json::{Value, json};

use crate::state::State;
use crate::users::StoredUser;
use crate::wire::{HandlerError, HandlerResult, Query, Reply};

/// What an environment runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvironmentKind {
    /// A Docker engine, not in swarm mode.
    DockerStandalone,
    /// A Docker swarm manager: stacks are swarm stacks, the proxy serves
    /// services and tasks.
    DockerSwarm,
    /// A Kubernetes cluster.
    Kubernetes,
}

/// An environment of the fake, given to [`crate::FakePortainerBuilder::environment`].
///
/// ```
/// use portainer_testkit::Environment;
/// let swarm = Environment::docker_swarm(2, "prod-swarm");
/// assert_eq!(swarm.id(), 2);
/// assert!(swarm.swarm_id().is_some());
/// ```
#[derive(Debug, Clone)]
pub struct Environment {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) kind: EnvironmentKind,
    pub(crate) swarm_id: Option<String>,
}

impl Environment {
    /// A Docker standalone environment.
    pub fn docker_standalone(id: i64, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            kind: EnvironmentKind::DockerStandalone,
            swarm_id: None,
        }
    }

    /// A Docker swarm environment with a generated swarm cluster id.
    pub fn docker_swarm(id: i64, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            kind: EnvironmentKind::DockerSwarm,
            swarm_id: Some(format!("swarm{id:0>21}")),
        }
    }

    /// A Kubernetes environment.
    pub fn kubernetes(id: i64, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            kind: EnvironmentKind::Kubernetes,
            swarm_id: None,
        }
    }

    /// Sets the swarm cluster id that `GET /docker/swarm` reports.
    pub fn with_swarm_id(mut self, swarm_id: impl Into<String>) -> Self {
        self.swarm_id = Some(swarm_id.into());
        self
    }

    /// The environment's identifier.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// The environment's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What it runs.
    pub fn kind(&self) -> EnvironmentKind {
        self.kind
    }

    /// The swarm cluster id, for a swarm environment.
    pub fn swarm_id(&self) -> Option<&str> {
        self.swarm_id.as_deref()
    }

    pub(crate) fn is_docker(&self) -> bool {
        self.kind != EnvironmentKind::Kubernetes
    }

    /// The endpoint as `GET /api/endpoints` returns it, with the fields a
    /// client reads (api/portainer.go: `Endpoint`).
    pub(crate) fn to_json(&self, users: &[StoredUser]) -> Value {
        // api/portainer.go: DockerEnvironment = 1, KubernetesLocalEnvironment = 5.
        let (kind, url) = match self.kind {
            EnvironmentKind::Kubernetes => (5, "https://kubernetes.default.svc"),
            _ => (1, "unix:///var/run/docker.sock"),
        };
        let policies: serde_json::Map<String, Value> = users
            .iter()
            .filter(|u| !u.is_admin() && u.spec.environments.contains(&self.id))
            .map(|u| (u.id.to_string(), json!({"RoleId": 0})))
            .collect();
        let snapshots = match self.kind {
            EnvironmentKind::Kubernetes => json!([]),
            _ => json!([{
                "Time": 0,
                "DockerVersion": "24.0.7",
                "Swarm": self.kind == EnvironmentKind::DockerSwarm,
                "TotalCPU": 2,
                "TotalMemory": 4_000_000_000_i64,
                "RunningContainerCount": 0,
                "StoppedContainerCount": 0,
                "HealthyContainerCount": 0,
                "UnhealthyContainerCount": 0,
                "VolumeCount": 0,
                "ImageCount": 0,
                "ServiceCount": 0,
                "StackCount": 0,
                "DockerSnapshotRaw": {}
            }]),
        };
        json!({
            "Id": self.id,
            "Name": self.name,
            "Type": kind,
            "URL": url,
            "GroupId": 1,
            "PublicURL": "",
            "Gpus": [],
            "TLSConfig": {"TLS": false, "TLSSkipVerify": false},
            "AzureCredentials": {"ApplicationID": "", "TenantID": "", "AuthenticationKey": ""},
            "TagIds": [],
            "Status": 1,
            "Snapshots": snapshots,
            "UserAccessPolicies": policies,
            "TeamAccessPolicies": {},
            "EdgeKey": "",
            "EdgeCheckinInterval": 0,
            "Kubernetes": {"Snapshots": [], "Configuration": {}, "Flags": {}},
            "ComposeSyntaxMaxVersion": "",
            "SecuritySettings": {
                "allowBindMountsForRegularUsers": true,
                "allowPrivilegedModeForRegularUsers": true,
                "allowVolumeBrowserForRegularUsers": false,
                "allowHostNamespaceForRegularUsers": true,
                "allowDeviceMappingForRegularUsers": true,
                "allowStackManagementForRegularUsers": true,
                "allowContainerCapabilitiesForRegularUsers": true,
                "allowSysctlSettingForRegularUsers": true,
                "enableHostManagementFeatures": false
            },
            "LastCheckInDate": 0,
            "QueryDate": 0,
            "Heartbeat": false,
            "EdgeID": ""
        })
    }
}

/// The query parameters of `GET /endpoints` the fake applies; any other
/// parameter of the handler gets a 501 rather than being ignored.
const EMULATED_LIST_PARAMS: &[&str] = &[
    "start",
    "limit",
    "search",
    "types",
    "endpointIds",
    "name",
    "sort",
    "order",
    "excludeSnapshots",
];

/// The parameters `endpointList` and `parseQuery` read
/// (api/http/handler/endpoints/endpoint_list.go, filter.go).
const HANDLER_LIST_PARAMS: &[&str] = &[
    "status",
    "groupIds",
    "tagIds",
    "tagsPartialMatch",
    "excludeIds",
    "agentVersions",
    "edgeAsync",
    "edgeDeviceUntrusted",
    "edgeCheckInPassedSeconds",
    "edgeStackId",
    "edgeStackStatus",
    "provisioned",
    "edgeGroupIds",
    "excludeEdgeGroupIds",
    "updateInformation",
];

/// `GET /api/endpoints` (api/http/handler/endpoints/endpoint_list.go):
/// `start` is 1-based and an unreadable `start`/`limit` counts as 0 (the
/// handler drops the parse error); `limit` 0 means all; `X-Total-Count` is the
/// count after filtering and before paging, `X-Total-Available` the count
/// before filtering; a standard user sees only the environments it may use
/// (`security.FilterEndpoints`).
pub(crate) fn list(state: &State, user: &StoredUser, q: &Query) -> HandlerResult {
    for name in q.names() {
        if HANDLER_LIST_PARAMS.contains(&name) && !EMULATED_LIST_PARAMS.contains(&name) {
            return Err(crate::unimplemented::not_emulated(
                "EndpointList",
                &format!("the `{name}` query parameter"),
            ));
        }
    }
    let mut start = q.numeric("start", true).unwrap_or(0);
    if start != 0 {
        start -= 1;
    }
    let limit = q.numeric("limit", true).unwrap_or(0);
    let visible: Vec<&Environment> = state
        .environments
        .iter()
        .filter(|e| user.can_use_environment(e.id))
        .collect();
    let available = visible.len();
    // filter.go: `search` matches the lower-cased name; `types` and
    // `endpointIds` are repeated keys (`types=1&types=2`) or `types[]=`.
    let search = q.get("search").to_lowercase();
    let types = numbers(q, "types")?;
    let ids = numbers(q, "endpointIds")?;
    let name = q.get("name");
    let mut filtered: Vec<&Environment> = visible
        .into_iter()
        .filter(|e| search.is_empty() || e.name.to_lowercase().contains(&search))
        .filter(|e| types.is_empty() || types.contains(&(if e.is_docker() { 1 } else { 5 })))
        .filter(|e| ids.is_empty() || ids.contains(&e.id))
        .filter(|e| name.is_empty() || e.name == name)
        .collect();
    // sort.go: only `Name` among the sort keys is emulated; an empty key keeps
    // the database order (by id).
    match q.get("sort") {
        "" => {}
        "Name" => {
            filtered.sort_by(|a, b| natural_cmp(&a.name, &b.name));
            if q.get("order") == "desc" {
                filtered.reverse();
            }
        }
        other => {
            return Err(crate::unimplemented::not_emulated(
                "EndpointList",
                &format!("sorting by {other:?}"),
            ));
        }
    }
    let total = filtered.len();
    let page: Vec<Value> = paginate(&filtered, start, limit)
        .iter()
        .map(|e| e.to_json(&state.users))
        .collect();
    Ok(Reply::JsonWithHeaders(
        Value::Array(page),
        vec![
            ("X-Total-Count", total.to_string()),
            ("X-Total-Available", available.to_string()),
        ],
    ))
}

/// endpoint_list.go: `paginateEndpoints`.
fn paginate<T>(items: &[T], start: i64, limit: i64) -> &[T] {
    if limit == 0 {
        return items;
    }
    let count = items.len() as i64;
    let start = start.clamp(0, count);
    // A negative limit makes Go slice out of range (a panic); the fake
    // answers with nothing rather than imitating a crash.
    let end = (start + limit).clamp(start, count);
    &items[start as usize..end as usize]
}

/// filter.go: `getNumberArrayQueryParameter`, reading `name` and `name[]`.
fn numbers(q: &Query, name: &str) -> Result<Vec<i64>, HandlerError> {
    let bracket = format!("{name}[]");
    q.all(name)
        .into_iter()
        .chain(q.all(&bracket))
        .map(|v| {
            crate::wire::atoi(v)
                .map_err(|e| HandlerError::bad_request("Invalid query parameters", e))
        })
        .collect()
}

/// A natural order on names ("env2" before "env10"), as sort.go's
/// `sortorder.NaturalLess`.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, text)) if *d == digit => text.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(cb.iter()) {
        let ord = match (x.0, y.0) {
            (true, true) => {
                let (xa, ya) = (x.1.trim_start_matches('0'), y.1.trim_start_matches('0'));
                xa.len().cmp(&ya.len()).then_with(|| xa.cmp(ya))
            }
            _ => x.1.cmp(&y.1),
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
    ca.len().cmp(&cb.len())
}

/// `GET /api/endpoints/{id}` (api/http/handler/endpoints/endpoint_inspect.go).
pub(crate) fn inspect(state: &State, user: &StoredUser, raw_id: &str) -> HandlerResult {
    let id = crate::wire::atoi(raw_id).map_err(|e| {
        HandlerError::bad_request("Invalid environment identifier route variable", e)
    })?;
    let env = state.environment(id).ok_or_else(|| {
        HandlerError::object_not_found(
            "Unable to find an environment with the specified identifier inside the database",
        )
    })?;
    if !user.can_use_environment(id) {
        return Err(HandlerError::forbidden(
            "Permission denied to access environment",
            "Access denied to environment",
        ));
    }
    Ok(Reply::Json(env.to_json(&state.users)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec!["env10", "env2", "Env1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["Env1", "env2", "env10"]);
    }

    #[test]
    fn paging_clamps() {
        let items = [1, 2, 3];
        assert_eq!(paginate(&items, 1, 1), &[2]);
        assert_eq!(paginate(&items, 5, 1), &[] as &[i32]);
        assert_eq!(paginate(&items, 0, 0), &[1, 2, 3]);
        assert_eq!(paginate(&items, 2, -4), &[] as &[i32]);
    }
}

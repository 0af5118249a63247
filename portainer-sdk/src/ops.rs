//! The operations the SDK's own methods call, named by the spec's `operationId`
//! so that tracing shows the same names as the generated client.
//!
//! A test checks each one that the 2.44.0 spec has against the generated
//! `OPERATIONS` table; the few the spec lacks (legacy and Docker-proxy routes)
//! are marked.

use crate::transport::OpInfo;

macro_rules! ops {
    ($($name:ident = $id:literal $method:literal $path:literal;)*) => {
        $(pub(crate) const $name: OpInfo = OpInfo { id: $id, method: $method, path: $path };)*
        /// Every operation above, for the consistency test.
        #[allow(dead_code)]
        pub(crate) const ALL: &[OpInfo] = &[$($name),*];
    };
}

ops! {
    AUTHENTICATE = "AuthenticateUser" "POST" "/auth";
    SYSTEM_STATUS = "systemStatus" "GET" "/system/status";
    STACK_LIST = "StackList" "GET" "/stacks";
    STACK_INSPECT = "StackInspect" "GET" "/stacks/{id}";
    STACK_FILE = "StackFileInspect" "GET" "/stacks/{id}/file";
    STACK_UPDATE = "StackUpdate" "PUT" "/stacks/{id}";
    STACK_DELETE = "StackDelete" "DELETE" "/stacks/{id}";
    STACK_START = "StackStart" "POST" "/stacks/{id}/start";
    STACK_STOP = "StackStop" "POST" "/stacks/{id}/stop";
    STACK_GIT_REDEPLOY = "StackGitRedeploy" "PUT" "/stacks/{id}/git/redeploy";
    STACK_GIT_UPDATE = "StackUpdateGit" "POST" "/stacks/{id}/git";
    CREATE_STANDALONE_STRING = "StackCreateDockerStandaloneString" "POST" "/stacks/create/standalone/string";
    CREATE_STANDALONE_FILE = "StackCreateDockerStandaloneFile" "POST" "/stacks/create/standalone/file";
    CREATE_STANDALONE_GIT = "StackCreateDockerStandaloneRepository" "POST" "/stacks/create/standalone/repository";
    CREATE_SWARM_STRING = "StackCreateDockerSwarmString" "POST" "/stacks/create/swarm/string";
    CREATE_SWARM_FILE = "StackCreateDockerSwarmFile" "POST" "/stacks/create/swarm/file";
    CREATE_SWARM_GIT = "StackCreateDockerSwarmRepository" "POST" "/stacks/create/swarm/repository";
    CREATE_KUBE_STRING = "StackCreateKubernetesFile" "POST" "/stacks/create/kubernetes/string";
    CREATE_KUBE_GIT = "StackCreateKubernetesGit" "POST" "/stacks/create/kubernetes/repository";
    CREATE_KUBE_URL = "StackCreateKubernetesUrl" "POST" "/stacks/create/kubernetes/url";
    SETTINGS_INSPECT = "SettingsInspect" "GET" "/settings";
    SETTINGS_PUBLIC = "SettingsPublic" "GET" "/settings/public";
    SETTINGS_UPDATE = "SettingsUpdate" "PUT" "/settings";
    // Not in the 2.44.0 spec:
    // servers before 2.19 create every kind of stack here (`?type=&method=&endpointId=`);
    LEGACY_STACK_CREATE = "StackCreate" "POST" "/stacks";
    // servers before 2.10 (and 1.x) report their version here;
    LEGACY_STATUS = "StatusInspect" "GET" "/status";
    // the Docker Engine API behind Portainer's proxy.
    DOCKER_SWARM_INSPECT = "DockerSwarmInspect" "GET" "/endpoints/{id}/docker/swarm";
}

/// The operations above that the current spec does not describe.
#[allow(dead_code)]
pub(crate) const NOT_IN_SPEC: &[&str] = &["StackCreate", "StatusInspect", "DockerSwarmInspect"];

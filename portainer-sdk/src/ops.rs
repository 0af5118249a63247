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
    // Older servers (and 1.x) report their version here; still in the spec.
    LEGACY_STATUS = "StatusInspect" "GET" "/status";
    // Not in the 2.44.0 spec:
    // servers before 2.19 create every kind of stack here (`?type=&method=&endpointId=`);
    LEGACY_STACK_CREATE = "StackCreate" "POST" "/stacks";
    // the Docker Engine API behind Portainer's proxy.
    DOCKER_SWARM_INSPECT = "DockerSwarmInspect" "GET" "/endpoints/{id}/docker/swarm";
}

/// The operations above that the current spec does not describe.
#[allow(dead_code)]
pub(crate) const NOT_IN_SPEC: &[&str] = &["StackCreate", "DockerSwarmInspect"];

#[cfg(test)]
mod tests {
    use super::*;

    /// The SDK's operation names, methods and paths are the generated client's.
    #[test]
    fn ops_match_the_generated_operation_table() {
        for op in ALL {
            if NOT_IN_SPEC.contains(&op.id) {
                assert!(
                    portainer_sdk_gen::operation(op.id).is_none(),
                    "{} is in the spec now",
                    op.id
                );
                continue;
            }
            let generated = portainer_sdk_gen::operation(op.id)
                .unwrap_or_else(|| panic!("{} is not in the generated client", op.id));
            assert_eq!(generated.id, op.id);
            assert_eq!(
                (generated.method, generated.path),
                (op.method, op.path),
                "{}",
                op.id
            );
        }
    }

    /// The long deploy timeout covers every create route of the spec.
    #[test]
    fn every_generated_stack_create_counts_as_a_deploy() {
        let creates: Vec<_> = portainer_sdk_gen::OPERATIONS
            .iter()
            .filter(|o| o.id.starts_with("StackCreate"))
            .collect();
        assert!(creates.len() >= 9);
        assert!(creates.iter().all(|o| crate::transport::is_deploy(o.id)));
        assert!(crate::transport::is_deploy("StackGitRedeploy"));
        assert!(!crate::transport::is_deploy("StackList"));
    }
}

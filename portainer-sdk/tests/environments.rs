//! `client.environments()`: paging, filters, `find`, kinds, and `deploy`
//! choosing the stack type from the environment.

mod common;

use common::{client, mock_version, stack_json};
use mockito::Matcher;
use portainer_sdk::{EnvironmentKind, Error};
use serde_json::{Value, json};

/// An environment as `GET /api/endpoints` lists it (api/portainer.go `Endpoint`).
fn env(id: i64, name: &str, type_: i64, swarm: Option<bool>) -> Value {
    let snapshots = match swarm {
        Some(s) => json!([{"Time": 1718000000, "DockerVersion": "24.0.7", "Swarm": s,
                           "TotalCPU": 4, "RunningContainerCount": 3, "DockerSnapshotRaw": {}}]),
        None => json!([]),
    };
    json!({"Id": id, "Name": name, "Type": type_, "URL": "tcp://10.0.0.1:9001",
           "GroupId": 1, "TagIds": [], "Status": 1, "Snapshots": snapshots,
           "Kubernetes": {"Snapshots": null}, "EdgeKey": "", "UserTrusted": true})
}

fn page_query(start: i64) -> Matcher {
    Matcher::AllOf(vec![
        Matcher::UrlEncoded("start".into(), start.to_string()),
        Matcher::UrlEncoded("limit".into(), "100".into()),
        Matcher::UrlEncoded("name".into(), "edge-0250".into()),
    ])
}

#[tokio::test]
async fn find_reads_three_pages_and_matches_the_exact_name() {
    let mut server = mockito::Server::new_async().await;
    // A server before 2.14 ignores `name`: it pages through all 250, and
    // `start` is one past the offset (endpoint_list.go's `start--`).
    let envs: Vec<Value> = (1..=250)
        .map(|i| env(i, &format!("edge-{i:04}"), 4, Some(false)))
        .collect();
    let mut pages = Vec::new();
    for (n, start) in [1, 101, 201].into_iter().enumerate() {
        let body = Value::Array(envs[n * 100..(n * 100 + 100).min(250)].to_vec());
        pages.push(
            server
                .mock("GET", "/api/endpoints")
                .match_query(page_query(start))
                .match_header("x-api-key", common::KEY)
                .with_header("X-Total-Count", "250")
                .with_header("X-Total-Available", "250")
                .with_body(body.to_string())
                .expect(1)
                .create_async()
                .await,
        );
    }
    let c = client(&server);
    let found = c.environments().find("edge-0250").await.unwrap().unwrap();
    assert_eq!(found.id, Some(250));
    assert_eq!(
        EnvironmentKind::from(&found),
        EnvironmentKind::EdgeDockerStandalone
    );
    for p in pages {
        p.assert_async().await;
    }
}

#[tokio::test]
async fn find_is_none_when_absent_and_an_error_naming_duplicates() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/endpoints")
        .match_query(Matcher::UrlEncoded("name".into(), "prod".into()))
        .with_header("X-Total-Count", "3")
        // `search` semantics on an old server: substring matches come back too.
        .with_body(
            json!([
                env(3, "prod", 1, Some(false)),
                env(9, "prod", 2, Some(true)),
                env(12, "prod-eu", 1, Some(false))
            ])
            .to_string(),
        )
        .create_async()
        .await;
    server
        .mock("GET", "/api/endpoints")
        .match_query(Matcher::UrlEncoded("name".into(), "staging".into()))
        .with_header("X-Total-Count", "0")
        .with_body("[]")
        .create_async()
        .await;
    let c = client(&server);
    assert!(c.environments().find("staging").await.unwrap().is_none());
    let err = c.environments().find("prod").await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("ids 3, 9"), "{text}");
}

#[tokio::test]
async fn every_environment_type_of_the_spec_has_a_kind_and_unknown_ones_are_kept() {
    // The 2.44.0 spec's portainer.EndpointType: 0..=7, x-enum-varnames
    // `_`, DockerEnvironment, AgentOnDockerEnvironment, AzureEnvironment,
    // EdgeAgentOnDockerEnvironment, KubernetesLocalEnvironment,
    // AgentOnKubernetesEnvironment, EdgeAgentOnKubernetesEnvironment.
    let cases = [
        (
            env(1, "local", 1, Some(false)),
            EnvironmentKind::DockerStandalone,
        ),
        (env(2, "swarm", 1, Some(true)), EnvironmentKind::DockerSwarm),
        (
            env(3, "agent", 2, Some(false)),
            EnvironmentKind::DockerStandalone,
        ),
        (
            env(4, "agent-swarm", 2, Some(true)),
            EnvironmentKind::DockerSwarm,
        ),
        (env(5, "aci", 3, None), EnvironmentKind::Azure),
        (
            env(6, "edge", 4, Some(false)),
            EnvironmentKind::EdgeDockerStandalone,
        ),
        (
            env(7, "edge-swarm", 4, Some(true)),
            EnvironmentKind::EdgeDockerSwarm,
        ),
        (env(8, "k8s", 5, None), EnvironmentKind::Kubernetes),
        (env(9, "k8s-agent", 6, None), EnvironmentKind::Kubernetes),
        (
            env(10, "k8s-edge", 7, None),
            EnvironmentKind::EdgeKubernetes,
        ),
        (env(11, "zero", 0, None), EnvironmentKind::Unknown(0)),
        (
            env(12, "future", 9, Some(true)),
            EnvironmentKind::Unknown(9),
        ),
        // No snapshot yet: a Docker environment counts as standalone.
        (env(13, "fresh", 1, None), EnvironmentKind::DockerStandalone),
    ];
    let mut server = mockito::Server::new_async().await;
    let body: Vec<Value> = cases.iter().map(|(e, _)| e.clone()).collect();
    server
        .mock("GET", "/api/endpoints")
        .match_query(Matcher::Any)
        .with_header("X-Total-Count", &cases.len().to_string())
        .with_body(Value::Array(body).to_string())
        .create_async()
        .await;
    let listed = client(&server).environments().list().send().await.unwrap();
    let kinds: Vec<EnvironmentKind> = listed.iter().map(EnvironmentKind::from).collect();
    let expected: Vec<EnvironmentKind> = cases.iter().map(|(_, k)| *k).collect();
    assert_eq!(kinds, expected);
    assert!(kinds[6].is_edge() && kinds[6].is_swarm() && kinds[6].is_docker());
    assert!(kinds[9].is_kubernetes() && !kinds[9].is_docker());
}

#[tokio::test]
async fn list_sends_search_and_filters_kind_group_and_tag_itself() {
    let mut server = mockito::Server::new_async().await;
    let mut tagged = env(4, "prod-b", 1, Some(true));
    tagged["TagIds"] = json!([7, 8]);
    tagged["GroupId"] = json!(2);
    let mut other_group = env(5, "prod-c", 1, Some(true));
    other_group["TagIds"] = json!([7, 8]);
    let mut one_tag = env(6, "prod-d", 1, Some(true));
    one_tag["TagIds"] = json!([7]);
    one_tag["GroupId"] = json!(2);
    let m = server
        .mock("GET", "/api/endpoints")
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("search".into(), "prod".into()),
            Matcher::UrlEncoded("start".into(), "1".into()),
        ]))
        // No `types`, `groupIds` or `tagIds`: the handler reads `types[]`.
        .match_request(|r| {
            let q = r.path_and_query();
            !q.contains("types") && !q.contains("groupIds") && !q.contains("tagIds")
        })
        .with_header("X-Total-Count", "4")
        .with_body(json!([env(3, "prod-a", 5, None), tagged, other_group, one_tag]).to_string())
        .create_async()
        .await;
    let listed = client(&server)
        .environments()
        .list()
        .search("prod")
        .kind(EnvironmentKind::DockerSwarm)
        .group(2)
        .tag(7)
        .tag(8)
        .send()
        .await
        .unwrap();
    m.assert_async().await;
    let ids: Vec<Option<i64>> = listed.iter().map(|e| e.id).collect();
    assert_eq!(ids, [Some(4)]);
}

#[tokio::test]
async fn get_reads_one_environment() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/endpoints/7")
        .with_body(env(7, "k8s", 7, None).to_string())
        .create_async()
        .await;
    server
        .mock("GET", "/api/endpoints/8")
        .with_status(404)
        .with_body(r#"{"message":"Unable to find an environment with the specified identifier inside the database","details":"object not found inside the database"}"#)
        .create_async()
        .await;
    let c = client(&server);
    let e = c.environments().get(7).await.unwrap();
    assert_eq!(EnvironmentKind::from(&e), EnvironmentKind::EdgeKubernetes);
    let err = c.environments().get(8).await.unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert!(err.to_string().contains("EndpointInspect"), "{err}");
}

#[tokio::test]
async fn deploy_creates_a_swarm_stack_on_a_swarm_environment_by_itself() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.21.0").await;
    server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::Any)
        .with_body("[]")
        .create_async()
        .await;
    let inspect = server
        .mock("GET", "/api/endpoints/3")
        .with_body(env(3, "swarm", 2, Some(true)).to_string())
        .expect(1)
        .create_async()
        .await;
    server
        .mock("GET", "/api/endpoints/3/docker/swarm")
        .with_body(r#"{"ID":"jo7yyb3tf0ewfv7kdqlzmdz35","Version":{"Index":10},"Spec":{"Name":"default"}}"#)
        .create_async()
        .await;
    let mut stack: Value = serde_json::from_str(&stack_json(41, "web", 3, json!([]))).unwrap();
    stack["Type"] = json!(1);
    stack["SwarmId"] = json!("jo7yyb3tf0ewfv7kdqlzmdz35");
    let create = server
        .mock("POST", "/api/stacks/create/swarm/string")
        .match_query(Matcher::UrlEncoded("endpointId".into(), "3".into()))
        .match_body(Matcher::PartialJson(
            json!({"Name": "web", "SwarmID": "jo7yyb3tf0ewfv7kdqlzmdz35"}),
        ))
        .with_body(stack.to_string())
        .expect(1)
        .create_async()
        .await;
    let c = client(&server);
    let deployed = c
        .stacks()
        .deploy(3, "web")
        .content("services:\n  web:\n    image: nginx\n")
        .send()
        .await
        .unwrap();
    assert!(deployed.was_created());
    inspect.assert_async().await;
    create.assert_async().await;
}

#[tokio::test]
async fn swarm_stays_an_override_without_asking_the_environment() {
    let mut server = mockito::Server::new_async().await;
    mock_version(&mut server, "2.21.0").await;
    server
        .mock("GET", "/api/stacks")
        .match_query(Matcher::Any)
        .with_body("[]")
        .create_async()
        .await;
    let inspect = server
        .mock("GET", "/api/endpoints/3")
        .expect(0)
        .create_async()
        .await;
    let create = server
        .mock("POST", "/api/stacks/create/swarm/string")
        .match_query(Matcher::Any)
        .match_body(Matcher::PartialJson(json!({"SwarmID": "given"})))
        .with_body(stack_json(41, "web", 3, json!([])))
        .expect(1)
        .create_async()
        .await;
    client(&server)
        .stacks()
        .deploy(3, "web")
        .swarm()
        .swarm_id("given")
        .content("services: {}\n")
        .send()
        .await
        .unwrap();
    inspect.assert_async().await;
    create.assert_async().await;
}

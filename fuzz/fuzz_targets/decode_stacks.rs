//! Stack list and stack bodies (`GET /api/stacks`, `GET /api/stacks/{id}`)
//! through the generated types and the SDK's `Stack`: decoding never panics,
//! a decoded `Stack` serializes back to JSON that decodes to the same stack,
//! and `Stack::list_from_json` (the SDK's direct reader, serde where it gives
//! up) decodes a list exactly as serde does, also when the body is read in
//! pieces as it arrives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portainer_sdk::Stack;
use portainer_sdk_gen::types::Stack;

fn round_trip(stack: &Stack) {
    let value = serde_json::to_value(stack).expect("a decoded stack serializes");
    let again: Stack = serde_json::from_value(value.clone()).expect("a serialized stack decodes");
    assert_eq!(
        &again, stack,
        "the stack changed in a round trip through {value}"
    );
    assert!(value["Id"].is_i64(), "Id serialized as {}", value["Id"]);
}

/// JSON's whitespace: a form feed is ASCII whitespace, but not JSON's.
fn is_json_space(b: &u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<Vec<Stack>>(data);
    let _ = serde_json::from_slice::<Stack>(data);
    // The SDK decodes the list as `Option<Vec<_>>` (a `null` body is no stacks).
    let serde = serde_json::from_slice::<Option<Vec<Stack>>>(data).map(Option::unwrap_or_default);
    if let Ok(stacks) = &serde {
        stacks.iter().for_each(round_trip);
    }
    // A blank body is no stacks to the SDK and an error to serde.
    if !data.iter().all(is_json_space) {
        match (Stack::list_from_json(data), &serde) {
            (Ok(direct), Ok(serde)) => assert_eq!(&direct, serde, "the decoders disagree"),
            (Err(_), Err(_)) => {}
            (direct, serde) => panic!("the decoders disagree: {direct:?} against {serde:?}"),
        }
        // Read as it arrives, cut at a third and two thirds (mid-token, mid
        // character): the same list as read whole, or the same refusal.
        let whole = portainer_sdk::fuzz_stack_list_in_pieces(data, &[]);
        let cuts = [data.len() / 3, data.len() * 2 / 3];
        assert_eq!(
            portainer_sdk::fuzz_stack_list_in_pieces(data, &cuts),
            whole,
            "reading in pieces changed the list"
        );
        match (&whole, &serde) {
            (Some(read), Ok(serde)) => assert_eq!(read, serde, "the reader and serde disagree"),
            (Some(_), Err(e)) => panic!("the reader took what serde refuses: {e}"),
            (None, _) => {}
        }
    }
    if let Ok(stack) = serde_json::from_slice::<Stack>(data) {
        round_trip(&stack);
        let _ = format!("{stack:?}");
        if let Some(first) = stack.env.first() {
            assert!(stack.env_var(&first.name).is_some());
        }
    }
});

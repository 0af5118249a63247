//! Stack list and stack bodies (`GET /api/stacks`, `GET /api/stacks/{id}`)
//! through the generated model the SDK returns: decoding never panics, and a
//! decoded stack serializes to JSON that decodes to the same stack (nothing a
//! server sent is lost, unknown fields included).
#![no_main]

use libfuzzer_sys::fuzz_target;
use portainer_sdk::models::Stack;

fn round_trip(stack: &Stack) {
    let value = serde_json::to_value(stack).expect("a decoded stack serializes");
    let again: Stack = serde_json::from_value(value.clone()).expect("a serialized stack decodes");
    assert_eq!(
        &again, stack,
        "the stack changed in a round trip through {value}"
    );
    if stack.id.is_some() {
        assert!(value["Id"].is_i64(), "Id serialized as {}", value["Id"]);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(stacks) = serde_json::from_slice::<Vec<Stack>>(data) {
        stacks.iter().for_each(round_trip);
    }
    if let Ok(stack) = serde_json::from_slice::<Stack>(data) {
        round_trip(&stack);
        let _ = format!("{stack:?}");
    }
});

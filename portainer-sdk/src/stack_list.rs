//! Reading a stack list while its body is still arriving.
//!
//! A list of 1000 stacks is about 900 kB. On the benchmark's loopback server
//! it comes in about three chunks over 0.27 ms after the first (a consumer
//! busy between chunks found the rest there 0.07 ms after its last wait),
//! on a real network over much longer; reading the stacks of each chunk as
//! it arrives hides that time behind the decoding instead of adding it.
//!
//! Each stack is read by the same `go_json` code as a whole body is, and is
//! only kept once its closing brace has arrived. Reading a stack never looks
//! past that brace, so the list is the same however the body was cut. A
//! stack cut off by the end of what has arrived is read again from its start
//! later. Whatever the reader gives up on (`null`, escaped keys, invalid
//! JSON) is decoded from the complete body by
//! [`Stack::list_from_serde`], as if nothing had been read before.

use crate::go_json::{GiveUp, GoJson, Read, Reader};
use crate::stack::Stack;
use crate::transport::Progress;

/// Stacks read before the rest of the list is reserved from their density.
const SAMPLE_STACKS: usize = 8;

/// No more than this many stacks are reserved before they are read.
const MAX_RESERVED_STACKS: usize = 16_384;

/// What comes next in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Open,
    FirstStackOrClose,
    Stack,
    CommaOrClose,
    /// The list is closed; only whitespace may follow.
    End,
    /// Left to serde once the body is complete.
    GaveUp,
}

/// A stack list decoded from a body that may still be arriving.
#[derive(Debug)]
pub(crate) struct StackListReader {
    stacks: Vec<Stack>,
    /// How many bytes of the body have been read.
    done: usize,
    expect: Expect,
    /// No new attempt before the body is this long. A stack cut off at the
    /// end of what arrived is read again from its start, so waiting until
    /// the unread part has doubled keeps a huge stack that arrives in small
    /// chunks from being read over and over (the work stays linear).
    retry_at: usize,
    /// The body's announced length, to reserve the list once.
    announced: Option<usize>,
}

impl Default for StackListReader {
    fn default() -> Self {
        StackListReader {
            stacks: Vec::new(),
            done: 0,
            expect: Expect::Open,
            retry_at: 0,
            announced: None,
        }
    }
}

impl Progress for StackListReader {
    fn announced(&mut self, length: Option<u64>) {
        self.announced = length.and_then(|n| usize::try_from(n).ok());
    }

    fn received(&mut self, body: &[u8]) {
        if body.len() >= self.retry_at {
            self.advance(body, false);
        }
    }
}

impl StackListReader {
    /// The list in a complete body, decoded through serde where this reader
    /// gave up.
    pub(crate) fn finish(
        mut self,
        status: reqwest::StatusCode,
        body: &[u8],
    ) -> Result<Vec<Stack>, crate::Error> {
        match self.take(body) {
            Some(stacks) => Ok(stacks),
            None => Stack::list_from_serde(status, body),
        }
    }

    /// The list in a complete body, or `None` where serde must decode it.
    pub(crate) fn take(&mut self, body: &[u8]) -> Option<Vec<Stack>> {
        if self.announced.is_none() {
            self.announced = Some(body.len());
        }
        self.advance(body, true);
        let rest = body.get(self.done..)?;
        if self.expect != Expect::End || !rest.iter().all(|&b| crate::go_json::is_space(b)) {
            return None;
        }
        let mut stacks = std::mem::take(&mut self.stacks);
        // Reserved from an estimate: give back a big overshoot, not a small
        // one (see `reserve`).
        if stacks.capacity() / 2 > stacks.len() {
            stacks.shrink_to_fit();
        }
        Some(stacks)
    }

    /// Reads what can be read of `body` (everything received so far).
    fn advance(&mut self, body: &[u8], complete: bool) {
        if matches!(self.expect, Expect::End | Expect::GaveUp) {
            return;
        }
        let Some(unread) = body.get(self.done..) else {
            self.expect = Expect::GaveUp;
            return;
        };
        // The last character may be cut in two until the next chunk.
        let text = match std::str::from_utf8(unread) {
            Ok(text) => text,
            Err(e) if e.error_len().is_none() && !complete => {
                match unread.get(..e.valid_up_to()).map(std::str::from_utf8) {
                    Some(Ok(text)) => text,
                    _ => {
                        self.expect = Expect::GaveUp;
                        return;
                    }
                }
            }
            Err(_) => {
                self.expect = Expect::GaveUp;
                return;
            }
        };
        let mut r = Reader::new(text);
        let mut kept = 0;
        while self.expect != Expect::End && self.step(&mut r).is_ok() {
            kept = r.position();
        }
        self.done += kept;
        if self.expect != Expect::End {
            if complete {
                self.expect = Expect::GaveUp;
            } else {
                self.retry_at = body.len() + (body.len() - self.done);
            }
        }
    }

    /// Reads the next part of the list: a bracket, a comma or a stack.
    fn step(&mut self, r: &mut Reader<'_>) -> Read<()> {
        self.expect = match self.expect {
            Expect::Open => {
                r.eat(b'[')?;
                Expect::FirstStackOrClose
            }
            Expect::FirstStackOrClose if r.peek()? == b']' => {
                r.eat(b']')?;
                Expect::End
            }
            Expect::FirstStackOrClose | Expect::Stack => {
                self.reserve(r.position());
                self.stacks.push(Stack::read(r)?);
                Expect::CommaOrClose
            }
            Expect::CommaOrClose => match r.peek()? {
                b',' => {
                    r.eat(b',')?;
                    Expect::Stack
                }
                _ => {
                    r.eat(b']')?;
                    Expect::End
                }
            },
            Expect::End | Expect::GaveUp => return Err(GiveUp),
        };
        Ok(())
    }

    /// Reserves the list once, from the bytes the first stacks took.
    ///
    /// A list of 1000 stacks is over half a megabyte of `Stack`s, which
    /// glibc's allocator maps fresh from the kernel when its size is new to
    /// it. Grown by doubling, or guessed and shrunk to fit, it had a new size
    /// on every call and cost ~140 page faults each time, 10-25% of the
    /// decoding. One estimate kept as it is has the same size call after call.
    fn reserve(&mut self, read_in_this_step: usize) {
        // Once, before the first stack after the sample.
        if self.stacks.len() != SAMPLE_STACKS {
            return;
        }
        let Some(total) = self.announced else {
            return;
        };
        let read = self.done + read_in_this_step;
        let per_stack = (read / SAMPLE_STACKS).max(1);
        let left = total.saturating_sub(read) / per_stack;
        self.stacks
            .reserve_exact((left + left / 8 + 1).min(MAX_RESERVED_STACKS));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list read from `body` whole, and read cut at every place (or
    /// every `stride`th place), agree.
    fn same_however_cut(body: &str, stride: usize) -> Option<Vec<Stack>> {
        let bytes = body.as_bytes();
        let whole = StackListReader::default().take(bytes);
        for cut in (0..=bytes.len()).step_by(stride) {
            let mut r = StackListReader::default();
            r.received(&bytes[..cut]);
            assert_eq!(r.take(bytes), whole, "cut at {cut} of {body}");
        }
        // Three pieces, the middle one small.
        for cut in (0..bytes.len().saturating_sub(7)).step_by(stride) {
            let mut r = StackListReader::default();
            r.received(&bytes[..cut]);
            r.received(&bytes[..cut + 7]);
            assert_eq!(
                r.take(bytes),
                whole,
                "cut at {cut} and {} of {body}",
                cut + 7
            );
        }
        whole
    }

    #[test]
    fn a_list_is_the_same_however_its_body_is_cut() {
        let one = r#"{"Id":1,"Name":"wéb","Env":[{"name":"A","value":"a\"b"}],"ResourceControl":{"Id":2,"UserAccesses":[{"UserId":1,"AccessLevel":1}]},"X":[1.5,{"y":null}]}"#;
        let taken = [
            "[]".to_owned(),
            format!(" [ {one} ] "),
            format!("[{one},{one},{one}]\n"),
            format!(
                "[{}]",
                std::iter::repeat_n(r#"{"Id":7,"Name":"n","Env":null}"#, 20)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ];
        for body in &taken {
            let stacks = same_however_cut(body, 1);
            assert!(stacks.is_some(), "given up: {body}");
        }
        let given_up = [
            "null",
            // A form feed is ASCII whitespace but not JSON's.
            "[]\u{c}",
            "[{\"Id\":1}]\u{c}",
            "",
            "[",
            "[{\"Id\":1}",
            "[{\"Id\":1}]]",
            "[{\"Id\":1},]",
            "[{\"I\\u0064\":1}]",
            "{}",
        ];
        for body in given_up {
            assert_eq!(same_however_cut(body, 1), None, "{body}");
        }
    }

    #[test]
    fn genuine_bodies_read_in_pieces_agree_with_serde() {
        for name in crate::stack::tests::GENUINE_STACK_LISTS {
            let text = crate::stack::tests::genuine_response(name);
            let read = same_however_cut(&text, 3).expect("the reader takes genuine bodies");
            let serde: Vec<Stack> = serde_json::from_str(&text).unwrap();
            assert_eq!(read, serde, "{name}");
        }
    }

    #[test]
    fn invalid_utf8_and_a_cut_character_are_told_apart() {
        let body = "[{\"Id\":1,\"Name\":\"é\"}]".as_bytes();
        let cut = body.iter().position(|&b| b >= 0x80).unwrap() + 1;
        let mut r = StackListReader::default();
        r.received(&body[..cut]);
        assert_eq!(r.take(body).unwrap()[0].name, "é");
        let mut bad = body.to_vec();
        bad[cut] = b'x';
        assert_eq!(StackListReader::default().take(&bad), None);
    }

    #[test]
    fn a_stack_arriving_in_small_pieces_is_not_read_over_and_over() {
        let big = format!(
            r#"[{{"Id":1,"Env":[{}]}}]"#,
            std::iter::repeat_n(r#"{"name":"K","value":"v"}"#, 4000)
                .collect::<Vec<_>>()
                .join(",")
        );
        let mut r = StackListReader::default();
        let mut attempts = 0;
        for end in (0..big.len()).step_by(64) {
            let before = r.retry_at;
            r.received(&big.as_bytes()[..end]);
            attempts += usize::from(r.retry_at != before);
        }
        assert!(attempts < 20, "{attempts} attempts for {} bytes", big.len());
        assert_eq!(r.take(big.as_bytes()).unwrap()[0].env.len(), 4000);
    }

    #[test]
    fn the_list_is_reserved_once_from_the_announced_length() {
        let one = r#"{"Id":1,"Name":"stack"}"#;
        let body = format!("[{}]", vec![one; 100].join(","));
        let mut r = StackListReader::default();
        r.announced(Some(body.len() as u64));
        let stacks = r.take(body.as_bytes()).unwrap();
        assert_eq!(stacks.len(), 100);
        assert!(
            (100..=120).contains(&stacks.capacity()),
            "capacity {}",
            stacks.capacity()
        );
    }
}

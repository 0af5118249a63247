//! Reading a stack list while its body is still arriving.
//!
//! A list of 1000 stacks is about 900 kB. On the benchmark's loopback server
//! it comes in about three chunks over 0.27 ms after the first (a consumer
//! busy between chunks found the rest there 0.07 ms after its last wait),
//! on a real network over much longer; reading the stacks of each chunk as
//! it arrives hides that time behind the decoding instead of adding it.
//!
//! Stacks are read from the chunks hyper hands over, not from a copy of the
//! body: only a stack cut in two by a chunk's end is copied, with as much of
//! the next chunk as it takes to finish it. Copying the whole body cost a
//! 900 kB block per call, which glibc's allocator often hands back to the
//! kernel and faults in again (about 100 page faults a call, see
//! PERFORMANCE.md). The chunks are kept until the list is done, for serde.
//!
//! Each stack is read by the same `go_json` code as a whole body is, and is
//! only kept once its closing brace has arrived. Reading a stack never looks
//! past that brace, so the list is the same however the body was cut.
//! Whatever the reader gives up on (`null`, escaped keys, invalid JSON) is
//! decoded from the complete body by [`Stack::list_from_serde`], as if
//! nothing had been read before.

use bytes::Bytes;

use crate::go_json::{GiveUp, GoJson, Read, Reader, is_blank};
use crate::stack::Stack;
use crate::transport::Progress;

/// Stacks read before the rest of the list is reserved from their density.
const SAMPLE_STACKS: usize = 8;

/// No more than this many stacks are reserved before they are read.
const MAX_RESERVED_STACKS: usize = 16_384;

/// How much of a chunk is first copied to finish a stack cut at the end of
/// the one before (doubled while the stack is not finished); a few stacks.
const FIRST_WINDOW: usize = 8 * 1024;

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
    expect: Expect,
    /// Every chunk received, for serde if the reader gives up.
    chunks: Vec<Bytes>,
    /// The part of what has arrived that is not read yet (a stack cut off
    /// by the end of the last chunk), copied out of its chunks.
    pending: Vec<u8>,
    /// Bytes copied into `pending`, all chunks together: only tests read it,
    /// to hold the reader to copying cut stacks only.
    #[cfg(test)]
    copied: usize,
    /// How many bytes of the body have been read.
    done: usize,
    /// No new attempt before `pending` is this long. A stack cut off at the
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
            expect: Expect::Open,
            chunks: Vec::new(),
            pending: Vec::new(),
            #[cfg(test)]
            copied: 0,
            done: 0,
            retry_at: 0,
            announced: None,
        }
    }
}

impl Progress for StackListReader {
    fn announced(&mut self, length: Option<u64>) {
        self.announced = length.and_then(|n| usize::try_from(n).ok());
    }

    fn received(&mut self, chunk: Bytes) {
        self.chunks.push(chunk.clone());
        if matches!(self.expect, Expect::End | Expect::GaveUp) {
            self.read(&chunk, false);
            return;
        }
        let at = if self.pending.is_empty() {
            0
        } else {
            match self.finish_cut_stack(&chunk) {
                Some(at) => at,
                None => return,
            }
        };
        let rest = chunk.get(at..).unwrap_or_default();
        let used = self.read(rest, false);
        if let Some(tail) = rest.get(used..)
            && !tail.is_empty()
        {
            self.pending.extend_from_slice(tail);
            #[cfg(test)]
            {
                self.copied += tail.len();
            }
            self.retry_at = 2 * tail.len();
        }
    }
}

impl StackListReader {
    /// A whole body's list, decoded through serde where this reader gives up.
    pub(crate) fn decode_whole(
        status: reqwest::StatusCode,
        body: &[u8],
    ) -> Result<Vec<Stack>, crate::Error> {
        match StackListReader::default().take(body) {
            Some(stacks) => Ok(stacks),
            None => Stack::list_from_serde(status, body),
        }
    }

    /// The list in the chunks received, decoded through serde (from the
    /// chunks joined) where this reader gave up.
    pub(crate) fn finish(
        mut self,
        status: reqwest::StatusCode,
    ) -> Result<Vec<Stack>, crate::Error> {
        if let Some(stacks) = self.take_received() {
            return Ok(stacks);
        }
        let body = self.chunks.concat();
        Stack::list_from_serde(status, &body)
    }

    /// The list in a whole body given to a fresh reader, or `None` where
    /// serde must decode it.
    pub(crate) fn take(&mut self, body: &[u8]) -> Option<Vec<Stack>> {
        if self.announced.is_none() {
            self.announced = Some(body.len());
        }
        self.read(body, true);
        self.take_list()
    }

    /// The list in the chunks received, the body being complete, or `None`
    /// where serde must decode it.
    pub(crate) fn take_received(&mut self) -> Option<Vec<Stack>> {
        if !matches!(self.expect, Expect::End | Expect::GaveUp) {
            let pending = std::mem::take(&mut self.pending);
            self.read(&pending, true);
        }
        self.take_list()
    }

    fn take_list(&mut self) -> Option<Vec<Stack>> {
        if self.expect != Expect::End {
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

    /// Finishes the stack cut at the end of the last chunk in `pending`,
    /// copying as little of `chunk` as that takes. Returns where reading
    /// goes on in `chunk`, or `None` when all of it has been dealt with.
    fn finish_cut_stack(&mut self, chunk: &[u8]) -> Option<usize> {
        let mut appended = 0;
        let mut window = (2 * self.pending.len()).max(FIRST_WINDOW);
        loop {
            let end = chunk.len().min(appended + window);
            let more = chunk.get(appended..end).unwrap_or_default();
            self.pending.extend_from_slice(more);
            #[cfg(test)]
            {
                self.copied += more.len();
            }
            appended = end;
            let whole = appended == chunk.len();
            if whole && self.pending.len() < self.retry_at {
                return None;
            }
            let carried = self.pending.len() - appended;
            let pending = std::mem::take(&mut self.pending);
            let used = self.read(&pending, false);
            self.pending = pending;
            match self.expect {
                Expect::End => {
                    self.pending.clear();
                    self.read(chunk.get(appended..).unwrap_or_default(), false);
                    return None;
                }
                Expect::GaveUp => {
                    self.pending.clear();
                    return None;
                }
                _ => {}
            }
            if used >= carried {
                self.pending.clear();
                return Some(used - carried);
            }
            self.pending.drain(..used);
            if whole {
                self.retry_at = 2 * self.pending.len();
                return None;
            }
            window *= 2;
        }
    }

    /// Reads what can be read of `unread`, which starts where reading
    /// stopped, and returns how many bytes were read. `complete`: nothing
    /// follows. Once the list is closed, or given up, everything counts as
    /// read (and anything but whitespace after the list gives it up).
    fn read(&mut self, unread: &[u8], complete: bool) -> usize {
        match self.expect {
            Expect::GaveUp => return unread.len(),
            Expect::End => {
                if !is_blank(unread) {
                    self.expect = Expect::GaveUp;
                }
                return unread.len();
            }
            _ => {}
        }
        // The last character may be cut in two until the next chunk.
        let text = match std::str::from_utf8(unread) {
            Ok(text) => text,
            Err(e) if e.error_len().is_none() && !complete => {
                match unread.get(..e.valid_up_to()).map(std::str::from_utf8) {
                    Some(Ok(text)) => text,
                    _ => {
                        self.expect = Expect::GaveUp;
                        return unread.len();
                    }
                }
            }
            Err(_) => {
                self.expect = Expect::GaveUp;
                return unread.len();
            }
        };
        let mut r = Reader::new(text);
        let mut kept = 0;
        while self.expect != Expect::End && self.step(&mut r).is_ok() {
            kept = r.position();
        }
        self.done += kept;
        if self.expect == Expect::End {
            return kept + self.read(unread.get(kept..).unwrap_or_default(), complete);
        }
        if complete {
            self.expect = Expect::GaveUp;
            return unread.len();
        }
        kept
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

    /// `body` handed over in chunks that end at each of `ends`, then the rest.
    fn in_chunks(body: &[u8], ends: &[usize]) -> StackListReader {
        let mut r = StackListReader::default();
        let mut from = 0;
        for &end in ends.iter().chain([&body.len()]) {
            r.received(Bytes::copy_from_slice(&body[from..end]));
            from = end;
        }
        r
    }

    /// The list read from `body` whole, and read in two chunks cut at every
    /// place (or every `stride`th place), and in three, agree.
    fn same_however_cut(body: &str, stride: usize) -> Option<Vec<Stack>> {
        let bytes = body.as_bytes();
        let whole = StackListReader::default().take(bytes);
        for cut in (0..=bytes.len()).step_by(stride) {
            let mut r = in_chunks(bytes, &[cut]);
            assert_eq!(r.take_received(), whole, "cut at {cut} of {body}");
        }
        // Three pieces, the middle one small.
        for cut in (0..bytes.len().saturating_sub(7)).step_by(stride) {
            let mut r = in_chunks(bytes, &[cut, cut + 7]);
            assert_eq!(
                r.take_received(),
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
        assert_eq!(
            in_chunks(body, &[cut]).take_received().unwrap()[0].name,
            "é"
        );
        let mut bad = body.to_vec();
        bad[cut] = b'x';
        assert_eq!(StackListReader::default().take(&bad), None);
        assert_eq!(in_chunks(&bad, &[cut]).take_received(), None);
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
        for piece in big.as_bytes().chunks(64) {
            let before = r.retry_at;
            r.received(Bytes::copy_from_slice(piece));
            attempts += usize::from(r.retry_at != before);
        }
        assert!(attempts < 20, "{attempts} attempts for {} bytes", big.len());
        assert_eq!(r.take_received().unwrap()[0].env.len(), 4000);
    }

    #[test]
    fn only_a_stack_cut_by_a_chunk_end_is_copied() {
        let one = r#"{"Id":1,"Name":"stack","EntryPoint":"docker-compose.yml","Env":[{"name":"TAG","value":"1.2"}]}"#;
        let body = format!("[{}]", vec![one; 4000].join(","));
        let bytes = body.as_bytes();
        let ends: Vec<usize> = (1..8).map(|i| i * bytes.len() / 8 + 3).collect();
        let mut r = in_chunks(bytes, &ends);
        // Each cut copies the cut stack and the next chunk's first window, at most.
        assert!(
            r.copied <= ends.len() * (one.len() + 2 * FIRST_WINDOW),
            "{} bytes copied of {}",
            r.copied,
            bytes.len()
        );
        assert_eq!(r.take_received().unwrap().len(), 4000);
    }

    #[test]
    fn a_stack_longer_than_the_copy_window_is_finished_from_the_next_chunk() {
        let long = format!(r#"{{"Id":1,"Name":"{}"}}"#, "n".repeat(5 * FIRST_WINDOW));
        let body = format!("[{long},{long},{{\"Id\":2}}]");
        let bytes = body.as_bytes();
        let whole = StackListReader::default().take(bytes).unwrap();
        for cut in [10, FIRST_WINDOW, long.len() - 1, long.len() + 5] {
            assert_eq!(
                in_chunks(bytes, &[cut]).take_received().as_ref(),
                Some(&whole),
                "{cut}"
            );
        }
        assert_eq!(whole.len(), 3);
    }

    #[test]
    fn anything_but_whitespace_after_the_list_gives_it_up_in_any_chunk() {
        for body in ["[{\"Id\":1}]  x", "[{\"Id\":1}]\n[]"] {
            let bytes = body.as_bytes();
            for cut in 0..=bytes.len() {
                assert_eq!(
                    in_chunks(bytes, &[cut]).take_received(),
                    None,
                    "{body} cut at {cut}"
                );
            }
        }
        assert!(
            in_chunks(b"[] \n", &[2])
                .take_received()
                .unwrap()
                .is_empty()
        );
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
        let (first, second) = body.as_bytes().split_at(body.len() / 2);
        let mut r = StackListReader::default();
        r.announced(Some(body.len() as u64));
        r.received(Bytes::copy_from_slice(first));
        r.received(Bytes::copy_from_slice(second));
        let stacks = r.take_received().unwrap();
        assert_eq!(stacks.len(), 100);
        assert!(
            (100..=120).contains(&stacks.capacity()),
            "capacity {}",
            stacks.capacity()
        );
    }
}

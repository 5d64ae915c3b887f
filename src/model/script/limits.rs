//! The editor's limits: what a script may be and do, checked where each is reached.
/// Bytes a script may have (it must fit a shareable URL: `src` in EMBEDDING.md).
pub const MAX_SCRIPT_BYTES: usize = 4096;
/// Tasks a script may create (main included), loops unrolled.
pub const MAX_TASKS: usize = 10_001;
/// Indentation levels and nested calls (a function awaiting a function awaiting …).
pub const MAX_DEPTH: usize = 12;
/// Steps in all the tasks together.
pub const MAX_STEPS: usize = 100_000;
/// Longest single wait, in ms (the parameters' limit: far below `setTimeout`'s 2^31−1).
pub const MAX_WAIT_MS: u64 = 60_000;
/// Lines a program may print in all (loops unrolled).
pub const MAX_PRINTS: usize = 20_000;
/// Scenario time a whole program may take, in ms (planned before it runs).
pub const MAX_TOTAL_MS: u64 = 60_000;
/// `time.sleep` a whole program may do in all, in ms (it holds the page's thread).
pub const MAX_BLOCK_TOTAL_MS: u64 = 60_000;

//! Browser runtime: runs a scenario on real promises and timers.

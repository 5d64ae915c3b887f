#!/usr/bin/env bash
# Every test tier of Async Playground, cheapest first, then a summary table.
# Stops at the first failing tier (KEEP_GOING=1 runs them all); TIERS="unit e2e" runs a subset.
# Works without a terminal or stdin (CI=true … </dev/null).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$AP_ROOT"

ALL_TIERS="fmt purity clippy clippy-wasm unit browser build e2e"
TIERS=${TIERS:-$ALL_TIERS}
KEEP_GOING=${KEEP_GOING:-0}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

tier_fmt() { cargo fmt --check -- --color never; }
# src/model must stay pure: tested natively, never touching a browser crate (ARCHITECTURE.md).
tier_purity() {
  local hits
  hits=$(grep -rnE '\b(leptos|web_sys|js_sys|wasm_bindgen|wasm_bindgen_futures|gloo[a-z_]*)\b' src/model || true)
  if [ -n "$hits" ]; then echo "src/model uses a browser crate:"; echo "$hits"; return 1; fi
  echo "src/model is pure (no leptos/web_sys/js_sys/wasm_bindgen/gloo)"
}
tier_clippy() { cargo clippy --all-targets -- -D warnings; }
tier_clippy-wasm() { cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings; }
tier_unit() { cargo test; }
# wasm-bindgen-test in headless Chromium (runner from .cargo/config.toml, CHROMEDRIVER from env.sh).
# Only the suites that run in a browser (tests/*.rs with run_in_browser): the pure model's tests
# already ran natively in `unit`, with native-only dev-dependencies (insta, proptest).
tier_browser() {
  local f suites=()
  for f in tests/*.rs; do
    grep -q 'run_in_browser' "$f" && suites+=(--test "$(basename "$f" .rs)")
  done
  if [ ${#suites[@]} -eq 0 ]; then echo "no browser test suite (tests/*.rs with wasm_bindgen_test_configure!(run_in_browser))"; return 1; fi
  echo "browser suites: ${suites[*]}"
  cargo test --target wasm32-unknown-unknown "${suites[@]}"
}
tier_build() { trunk build --release; }
tier_e2e() { node e2e/run.mjs; }

declare -A result secs
order=()
failed=""
for t in $TIERS; do
  if ! declare -F "tier_$t" >/dev/null; then echo "unknown tier '$t' (tiers: $ALL_TIERS)"; exit 2; fi
  order+=("$t")
done

for t in "${order[@]}"; do
  if [ -n "$failed" ] && [ "$KEEP_GOING" != 1 ]; then result[$t]="skipped"; secs[$t]="-"; continue; fi
  printf '\n==================== tier: %s ====================\n' "$t"
  start=$(date +%s)
  "tier_$t"
  rc=$?
  secs[$t]=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then
    result[$t]="pass"
  else
    result[$t]="FAIL (exit $rc)"
    [ -n "$failed" ] || failed=$t
    printf '\n>>> tier "%s" FAILED (exit %s); see its output above.\n' "$t" "$rc"
  fi
done

printf '\n==================== summary ====================\n'
printf '%-12s %-16s %s\n' tier result seconds
for t in "${order[@]}"; do printf '%-12s %-16s %s\n' "$t" "${result[$t]}" "${secs[$t]}"; done
if [ -n "$failed" ]; then
  printf '\nFAILED: first failing tier: %s\n' "$failed"
  exit 1
fi
printf '\nall %d tiers passed\n' "${#order[@]}"

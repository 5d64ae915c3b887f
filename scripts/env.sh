# Sourced by the other scripts (and usable by hand: `. scripts/env.sh`): the tool paths and
# settings every step needs. Safe to source more than once.
AP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export AP_ROOT
# binaryen 132's wasm-opt from npm comes first: Debian's binaryen (108) breaks the app.
case ":$PATH:" in
  *":$AP_ROOT/e2e/node_modules/.bin:"*) ;;
  *) PATH="$AP_ROOT/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" ;;
esac
export PATH
# Trunk must never reach for the network (no internet here, and tools are pinned).
export TRUNK_SKIP_VERSION_CHECK=true
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
# Browser tests really wait on timers; the runner's default 20 s is too tight on a busy 2-core box.
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-180}
export TRUNK_VERSION=0.21.14
export WASM_BINDGEN_VERSION=0.2.130

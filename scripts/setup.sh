#!/usr/bin/env bash
# Installs whatever is missing to build, serve, test and bench Async Playground; idempotent, so a
# second run only checks versions (seconds). Needs: rustup's Rust, Node 20 + npm, and, only when
# Chromium is missing, apt-get (as root or with password-less sudo). Never needs stdin.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$AP_ROOT"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first (https://rustup.rs)"
command -v node >/dev/null && command -v npm >/dev/null || die "node/npm not found: install Node.js 20"

# Another process may already be installing a tool (e.g. started by hand in the background):
# wait for it rather than racing it into the same ~/.cargo/bin.
wait_for_install() {
  local what=$1 n=0
  while pgrep -f "cargo install $what" >/dev/null 2>&1; do
    [ $((n % 12)) -eq 0 ] && say "waiting for a running 'cargo install $what' to finish…"
    n=$((n + 1)); sleep 5
  done
}

# 1. Rust pieces
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for comp in clippy rustfmt; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$comp"; then
    say "adding rustup component $comp"
    rustup component add "$comp"
  fi
done

wait_for_install trunk
if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  # --locked: without it a dependency (lightningcss) fails to build (TOOLCHAIN.md).
  say "installing trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

wait_for_install wasm-bindgen-cli
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ] \
   || ! command -v wasm-bindgen-test-runner >/dev/null; then
  # Must equal the crate's pinned wasm-bindgen; --locked fails for this version (TOOLCHAIN.md).
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about two minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# 2. Node pieces: playwright-core, axe-core, binaryen (wasm-opt), pinned by e2e/package-lock.json.
if [ ! -f e2e/node_modules/.package-lock.json ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ] \
   || [ e2e/package.json -nt e2e/node_modules/.package-lock.json ]; then
  say "installing e2e/ node modules (npm ci)"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
# The Pyodide runtime (CPython 3.14 in wasm), pinned by pyodide/package-lock.json; the build copies
# the few files the Python worker loads into dist/pyodide/ (scripts/copy-python.sh).
if [ ! -f pyodide/node_modules/.package-lock.json ] || [ pyodide/package-lock.json -nt pyodide/node_modules/.package-lock.json ] \
   || [ pyodide/package.json -nt pyodide/node_modules/.package-lock.json ]; then
  say "installing pyodide/ node modules (npm ci)"
  (cd pyodide && npm ci --no-audit --no-fund --loglevel=error)
fi
[ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" = "132" ] || die "wasm-opt 132 not first on PATH ($(command -v wasm-opt || echo none))"

# 3. Chromium + chromedriver (Debian packages). Never `npx playwright install`: no download exists.
if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
  command -v apt-get >/dev/null || die "Chromium missing at $CHROMIUM and no apt-get: install chromium and chromium-driver"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "Chromium missing and not root: run 'apt-get install chromium chromium-driver' as root"
    sudo="sudo -n"
  fi
  say "installing chromium and chromium-driver (apt)"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver </dev/null
fi

say "ok: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), $("$CHROMIUM" --version 2>/dev/null | head -1)"

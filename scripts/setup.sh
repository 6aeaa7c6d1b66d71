#!/usr/bin/env bash
# Idempotent machine setup for Strikeline (see ../shared/TOOLCHAIN.md).
#
# Installs the system packages the build needs (protoc) and makes sure a Rust
# toolchain that can build the wasm runtime exists:
#   * if `rustup` already has a `wasm32v1-none` target (a normal developer
#     machine), nothing else is done and the stable toolchain builds the wasm;
#   * otherwise (machines without internet for rustup), Debian's `rustc-web`
#     with its library source is linked into rustup as `debian-web`, given a
#     working `rust-lld`, and the `wasm32v1-none` core/alloc libraries are built
#     once from that source.
# Prints the environment to use on stdout as `export` lines, so callers do
#   eval "$(scripts/setup.sh)"
set -euo pipefail

log() { echo "[setup] $*" >&2; }
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi

apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
}

# --- system tools -----------------------------------------------------------
command -v protoc >/dev/null || apt_install protobuf-compiler
command -v clang >/dev/null || true # not needed: ParityDB only, no RocksDB
command -v curl >/dev/null || apt_install curl

# --- wasm toolchain ---------------------------------------------------------
have_rustup_wasm() {
  rustup target list --installed --toolchain stable 2>/dev/null | grep -qx 'wasm32v1-none'
}

if have_rustup_wasm; then
  log "rustup stable has wasm32v1-none; using it"
  echo "unset WASM_BUILD_TOOLCHAIN"
  exit 0
fi

DEB_TC=debian-web
DEB_SYSROOT=/usr/lib/rustlib
WASM_LIB=$DEB_SYSROOT/wasm32v1-none/lib

apt_install rustc-web cargo-web rust-web-src

if ! rustup toolchain list | grep -q "^$DEB_TC"; then
  log "linking Debian rustc-web into rustup as $DEB_TC"
  rustup toolchain link "$DEB_TC" /usr >&2
fi

# Debian's rust-lld points at a missing lld; give the Debian sysroot rustup's.
HOST_LLD_DIR=$DEB_SYSROOT/x86_64-unknown-linux-gnu/bin
if ! [ -x "$HOST_LLD_DIR/rust-lld" ] || ! "$HOST_LLD_DIR/rust-lld" -flavor wasm --version >/dev/null 2>&1; then
  STABLE_LLD="$(rustc +stable --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
  [ -x "$STABLE_LLD" ] || { log "no rust-lld in rustup stable at $STABLE_LLD"; exit 1; }
  $SUDO mkdir -p "$HOST_LLD_DIR"
  $SUDO ln -sf "$STABLE_LLD" "$HOST_LLD_DIR/rust-lld"
  log "linked rust-lld -> $STABLE_LLD"
fi

# Build core/alloc/compiler_builtins for wasm32v1-none once, with Debian's rustc.
RUSTC_VER="$(rustc +$DEB_TC --version)"
STAMP=$WASM_LIB/.strikeline-stamp
if ! [ -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$RUSTC_VER" ]; then
  log "building the wasm32v1-none standard library with $RUSTC_VER (about a minute)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/src"
  cat >"$tmp/Cargo.toml" <<'TOML'
[package]
name = "wasm-std-bootstrap"
version = "0.0.0"
edition = "2021"
[lib]
crate-type = ["cdylib"]
path = "src/lib.rs"
[profile.release]
panic = "abort"
[workspace]
TOML
  cat >"$tmp/src/lib.rs" <<'RS'
#![no_std]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! { loop {} }
RS
  (cd "$tmp" && env -u CARGO_TARGET_DIR RUSTC_BOOTSTRAP=1 RUSTFLAGS="-C embed-bitcode=yes" \
    cargo +$DEB_TC build -q -Zbuild-std=core,alloc --target wasm32v1-none --release >&2)
  $SUDO mkdir -p "$WASM_LIB"
  $SUDO cp "$tmp"/target/wasm32v1-none/release/deps/lib{core,alloc,compiler_builtins}-*.rlib "$WASM_LIB/"
  echo "$RUSTC_VER" | $SUDO tee "$STAMP" >/dev/null
  log "wasm32v1-none standard library installed in $WASM_LIB"
fi

echo "export WASM_BUILD_TOOLCHAIN=$DEB_TC"

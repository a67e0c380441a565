#!/bin/sh
# Installs Canopy, the process supervisor, as one executable named `canopy`.
#
#   curl -fsSL https://github.com/canopy-sh/canopy/releases/latest/download/install.sh | sh
#   ./install.sh          (from a source checkout: builds the host binary with the checkout's Bun,
#                          unless CANOPY_VERSION or CANOPY_DOWNLOAD_URL asks for a download)
#
# Environment:
#   CANOPY_VERSION       release to install, e.g. 0.2.0 (default: the latest release)
#   CANOPY_DOWNLOAD_URL  base URL holding canopy-<os>-<arch> and SHA256SUMS (overrides CANOPY_VERSION)
#   Either one means download and verify the checksum, even from a checkout.
#   CANOPY_INSTALL_DIR   where `canopy` goes (default: ~/.local/bin, or /usr/local/bin as root)
#   CANOPY_OS            skip OS detection: linux or darwin
#   CANOPY_ARCH          skip CPU detection: x64 or arm64
#
# Nothing runs until the last line calls main, so a truncated download does nothing.

set -u

REPO_URL="https://github.com/canopy-sh/canopy"
TMP_DIR=""
TMP_BIN=""

say() {
  printf 'canopy: %s\n' "$*"
}

die() {
  printf 'canopy: error: %s\n' "$*" >&2
  exit 1
}

cleanup() {
  if [ -n "$TMP_BIN" ]; then rm -f "$TMP_BIN"; fi
  if [ -n "$TMP_DIR" ]; then rm -rf "$TMP_DIR"; fi
}

# Prints linux or darwin.
detect_os() {
  if [ -n "${CANOPY_OS:-}" ]; then
    os_raw=$CANOPY_OS
  else
    os_raw=$(uname -s 2>/dev/null) || die "cannot run uname -s to detect the OS; set CANOPY_OS"
  fi
  case $os_raw in
    Linux | linux) echo linux ;;
    Darwin | darwin) echo darwin ;;
    *) die "unsupported OS '$os_raw': Canopy ships for Linux and macOS (darwin)" ;;
  esac
}

# Prints x64 or arm64.
detect_arch() {
  if [ -n "${CANOPY_ARCH:-}" ]; then
    arch_raw=$CANOPY_ARCH
  else
    arch_raw=$(uname -m 2>/dev/null) || die "cannot run uname -m to detect the CPU; set CANOPY_ARCH"
    # An x64 shell under Rosetta on Apple silicon: install the native build.
    if [ "$arch_raw" = x86_64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null)" = 1 ]; then
      arch_raw=arm64
    fi
  fi
  case $arch_raw in
    x86_64 | amd64 | x64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) die "unsupported CPU architecture '$arch_raw': Canopy ships for x64 and arm64" ;;
  esac
}

# Prints the install directory.
install_dir() {
  if [ -n "${CANOPY_INSTALL_DIR:-}" ]; then
    echo "$CANOPY_INSTALL_DIR"
  elif [ "$(id -u 2>/dev/null)" = 0 ]; then
    echo /usr/local/bin
  elif [ -n "${HOME:-}" ]; then
    echo "$HOME/.local/bin"
  else
    die "HOME is not set; set CANOPY_INSTALL_DIR"
  fi
}

# Prints the setting that asks for a download (CANOPY_DOWNLOAD_URL or CANOPY_VERSION), or nothing.
download_setting() {
  if [ -n "${CANOPY_DOWNLOAD_URL:-}" ]; then
    echo CANOPY_DOWNLOAD_URL
  elif [ -n "${CANOPY_VERSION:-}" ]; then
    echo CANOPY_VERSION
  fi
}

# Prints the release base URL.
download_base() {
  if [ -n "${CANOPY_DOWNLOAD_URL:-}" ]; then
    echo "${CANOPY_DOWNLOAD_URL%/}"
  elif [ -n "${CANOPY_VERSION:-}" ]; then
    echo "$REPO_URL/releases/download/v${CANOPY_VERSION#v}"
  else
    echo "$REPO_URL/releases/latest/download"
  fi
}

# fetch URL FILE: downloads with curl, else wget.
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 -o "$2" "$1" || die "download failed: $1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" || die "download failed: $1"
  else
    die "need curl or wget to download $1"
  fi
}

# Prints the SHA-256 of a file in lower case.
sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sum_line=$(sha256sum "$1") || die "sha256sum failed on $1"
  elif command -v shasum >/dev/null 2>&1; then
    sum_line=$(shasum -a 256 "$1") || die "shasum failed on $1"
  elif command -v openssl >/dev/null 2>&1; then
    sum_line=$(openssl dgst -sha256 -r "$1") || die "openssl failed on $1"
  else
    die "need sha256sum, shasum or openssl to verify the download"
  fi
  echo "${sum_line%% *}" | tr 'ABCDEF' 'abcdef'
}

# expected_sum SUMS_FILE NAME: prints NAME's hash from a sha256sum-format list.
expected_sum() {
  awk -v name="$2" '$2 == name || $2 == "*" name { print $1; exit }' "$1" | tr 'ABCDEF' 'abcdef'
}

# Prints the directory of a source checkout this script was run from, or nothing.
# Under `curl | sh`, $0 is the shell's name, so it never points at an install.sh file.
source_checkout() {
  case $0 in
    install.sh | */install.sh) ;;
    *) return 0 ;;
  esac
  [ -f "$0" ] || return 0
  src_dir=$(cd "$(dirname "$0")" && pwd) || return 0
  if [ -f "$src_dir/package.json" ] && grep -q '"name"[[:space:]]*:[[:space:]]*"canopy"' "$src_dir/package.json"; then
    echo "$src_dir"
  fi
}

# build_from_checkout DIR: builds DIR/dist/canopy for this host with the checkout's own Bun.
build_from_checkout() {
  log="$TMP_DIR/build.log"
  if [ ! -x "$1/node_modules/.bin/bun" ]; then
    command -v npm >/dev/null 2>&1 || die "npm is needed to install the checkout's Bun (node_modules/.bin/bun is missing)"
    (cd "$1" && npm install --no-audit --no-fund) </dev/null >"$log" 2>&1 || {
      cat "$log" >&2
      die "npm install failed in $1"
    }
  fi
  (cd "$1" && ./node_modules/.bin/bun run build --target host) </dev/null >"$log" 2>&1 || {
    cat "$log" >&2
    die "build failed in $1"
  }
  [ -f "$1/dist/canopy" ] || die "the build did not produce $1/dist/canopy"
}

main() {
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP

  os=$(detect_os) || exit 1
  arch=$(detect_arch) || exit 1
  asset="canopy-$os-$arch"
  dir=$(install_dir) || exit 1
  checkout=$(source_checkout)
  setting=$(download_setting)

  mkdir -p "$dir" 2>/dev/null || die "cannot create $dir (set CANOPY_INSTALL_DIR to a writable directory)"
  [ -w "$dir" ] || die "cannot write to $dir (set CANOPY_INSTALL_DIR, or run as root)"
  target="$dir/canopy"
  TMP_DIR=$(mktemp -d 2>/dev/null || mktemp -d -t canopy) || die "cannot create a temporary directory"
  # The new binary is staged next to its destination so the final mv is an atomic rename.
  TMP_BIN=$(mktemp "$dir/.canopy.XXXXXX") || die "cannot create a temporary file in $dir"

  # An explicit download setting wins over the checkout: it asks for a verified release.
  if [ -n "$checkout" ] && [ -z "$setting" ]; then
    build_from_checkout "$checkout"
    cp "$checkout/dist/canopy" "$TMP_BIN" || die "cannot copy $checkout/dist/canopy to $dir"
    what="built $asset from the checkout at $checkout"
  else
    base=$(download_base)
    fetch "$base/SHA256SUMS" "$TMP_DIR/SHA256SUMS"
    want=$(expected_sum "$TMP_DIR/SHA256SUMS" "$asset")
    [ -n "$want" ] || die "SHA256SUMS at $base has no entry for $asset; refusing to install"
    case $want in
      *[!0-9a-f]*) die "SHA256SUMS has a malformed entry for $asset; refusing to install" ;;
    esac
    [ ${#want} -eq 64 ] || die "SHA256SUMS has a malformed entry for $asset; refusing to install"
    fetch "$base/$asset" "$TMP_BIN"
    got=$(sha256_of "$TMP_BIN") || exit 1
    [ "$got" = "$want" ] || die "checksum mismatch for $asset (expected $want, got $got); refusing to install"
    what="downloaded $asset from $base (sha256 verified)"
    if [ -n "$checkout" ]; then what="$what, not built from the checkout at $checkout: $setting is set"; fi
  fi

  chmod 755 "$TMP_BIN" || die "cannot chmod $TMP_BIN"
  old=""
  if [ -x "$target" ]; then old=$("$target" --version </dev/null 2>/dev/null | head -n 1); fi
  existed=0
  if [ -e "$target" ]; then existed=1; fi
  mv -f "$TMP_BIN" "$target" || die "cannot move the new binary to $target"
  TMP_BIN=""
  new=$("$target" --version </dev/null 2>/dev/null | head -n 1)

  if [ "$existed" = 1 ] && [ -n "$new" ] && [ "$old" = "$new" ]; then
    say "reinstalled $new at $target"
  elif [ "$existed" = 1 ]; then
    say "upgraded $target: ${old:-unknown version} -> ${new:-unknown version}"
  else
    say "installed ${new:-$asset} to $target"
  fi
  case ":${PATH:-}:" in
    *":$dir:"*)
      found=$(command -v canopy 2>/dev/null || true)
      if [ -n "$found" ] && [ "$found" != "$target" ]; then
        say "note: $found comes before $target on your PATH"
      fi
      ;;
    *) say "$dir is not on your PATH; add it with: export PATH=\"$dir:\$PATH\" (e.g. in ~/.profile)" ;;
  esac
  # The last line says which way the binary came: built here, or downloaded and verified.
  say "$what"
}

main "$@"

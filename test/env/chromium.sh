#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the Playwright suite (test/e2e) and
# bench/designer. Playwright's own browser download is never used: this machine reaches only
# package registries, so the browser comes from Debian's packages. Idempotent.
set -uo pipefail

BROWSER=/usr/bin/chromium

log() { printf '[chromium] %s\n' "$*"; }

if [ -x "$BROWSER" ]; then
  log "found: $("$BROWSER" --version 2>/dev/null | head -n 1)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  log "CANNOT INSTALL: $BROWSER is missing and installing Debian's chromium package needs root." >&2
  log "Run as root: apt-get update && apt-get install -y chromium" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "CANNOT INSTALL: $BROWSER is missing and this machine has no apt-get (not Debian?)." >&2
  exit 1
fi

log "installing Debian's chromium package (apt-get)"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }; then
  log "CANNOT INSTALL: apt-get install chromium failed (see above)." >&2
  exit 1
fi
if [ ! -x "$BROWSER" ]; then
  log "CANNOT INSTALL: the chromium package installed but $BROWSER is still missing." >&2
  exit 1
fi
log "installed: $("$BROWSER" --version 2>/dev/null | head -n 1)"

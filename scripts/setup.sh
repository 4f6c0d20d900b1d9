#!/usr/bin/env bash
# Set-up that `npm start` and `npm test` run first (as prestart/pretest), and .ci/run too, so that
# each of the two README commands works on a fresh machine:
#   - the npm packages (npm ci) when node_modules is missing;
#   - Debian packages: a Java runtime for DynamoDB Local (both), Chromium and CJK fonts for the
#     browser tests (test only). Installed with apt-get when running as root; otherwise the
#     script says exactly what to install and stops.
set -euo pipefail
purpose="${1:-test}"
cd "$(dirname "$0")/.."

need=()
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
if [ "$purpose" = test ]; then
  # CHROMIUM_PATH names another Chromium (the browser tests use it); otherwise it is found on PATH.
  [ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need[*]} (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need[@]}"
  else
    echo "setup: missing ${need[*]}: install them (Debian: sudo apt-get install ${need[*]}) and run again" >&2
    exit 1
  fi
fi

if [ ! -f node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

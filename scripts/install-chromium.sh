#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright (never a downloaded browser).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "orderflow: the browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "orderflow: installing Debian's chromium for the browser tests ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

#!/bin/sh
# The visualizer's tests drive Debian's chromium (never a downloaded browser). A fresh CI machine has
# none: install it from the distribution when it is missing. Runs as `npm test`'s pretest.
set -eu
CHROMIUM=${DAXSPEC_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  SUDO=
elif command -v sudo >/dev/null 2>&1; then
  SUDO=sudo
else
  echo "ensure-chromium: $CHROMIUM is missing and this user cannot install it; run: apt-get install -y chromium" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and there is no apt-get; install chromium and set DAXSPEC_CHROMIUM to its path" >&2
  exit 1
fi
echo "ensure-chromium: installing chromium (Debian package) for the browser tests" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
[ -x "$CHROMIUM" ] || { echo "ensure-chromium: installed, but $CHROMIUM is still missing" >&2; exit 1; }

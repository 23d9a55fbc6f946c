#!/usr/bin/env bash
# Installs what the database and browser tests need from Debian's packages:
# PostgreSQL (initdb, pg_ctl), Chromium, and a CJK font for screenshots.
# Only as root or with CI=true; otherwise it warns loudly and those tests skip.
# Under CI=true a missing piece that cannot be installed is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
case "${CI:-}" in 1|true|TRUE|True|yes) ci=true ;; esac

have_postgres() { .venv/bin/python -c 'import sys; from jiuye.testing.postgres import find_bindir; sys.exit(find_bindir() is None)'; }
have_chromium() { [ -x "${JIUYE_CHROMIUM:-/usr/bin/chromium}" ]; }
have_cjk_font() { command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; }

packages=()
have_postgres || packages+=(postgresql)
have_chromium || packages+=(chromium chromium-driver)
have_cjk_font || packages+=(fonts-noto-cjk)
[ ${#packages[@]} -eq 0 ] && exit 0

loud() {
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!!! $*" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
}

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif [ "$ci" = true ] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
elif [ "$ci" = true ]; then
  loud "CI=true 但缺少系统软件包且无法安装：${packages[*]}"
  exit 1
else
  loud "缺少系统软件包：${packages[*]}。PostgreSQL/浏览器测试将被跳过。
!!! Missing Debian packages: ${packages[*]}; PostgreSQL/browser tests will be SKIPPED.
!!! Install them: sudo apt-get install ${packages[*]}"
  exit 0
fi

echo "==> apt-get install ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null

#!/usr/bin/env bash
# The whole check behind `make test`: ruff (lint and format), the layer contracts
# (import-linter), mypy, pytest on SQLite (everything, browser tests included), then the
# database tests again on PostgreSQL.
# DATABASE_URL, when given, names the PostgreSQL database for the second run;
# otherwise a throwaway server is started and stopped around it.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PATH="$PWD/$BIN:$PATH"

ci=false
case "${CI:-}" in 1|true|TRUE|True|yes) ci=true ;; esac
failed=()

step() {
  local name=$1; shift
  echo
  echo "==> [$name] $*"
  "$@"
  local rc=$?
  # pytest exit 5: no test collected (a selection that is empty today)
  if [ "$rc" -ne 0 ] && ! { [ "$rc" -eq 5 ] && [ "$1" = pytest ]; }; then
    failed+=("$name (exit $rc)")
  fi
}

loud() {
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  echo "!!! $*"
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
}

# pytest-xdist: one worker per core (the CI machines have two); JIUYE_TEST_WORKERS=0 runs
# in one process (easier to debug).
workers=(-n "${JIUYE_TEST_WORKERS:-auto}")
[ "${JIUYE_TEST_WORKERS:-}" = 0 ] && workers=()

# What pytest collects: the test folders, plus doctests in the application code.
paths=(tests)
[ -d policies ] && paths+=(policies)
doctest_paths=(src/jiuye)

step ruff ruff check .
step "ruff format" ruff format --check .
step "import layers" lint-imports
step mypy env SECRET_KEY=typecheck-only mypy
step "pytest sqlite" env -u DATABASE_URL pytest "${workers[@]}" "${paths[@]}" "${doctest_paths[@]}" --doctest-modules "$@"

if [ -n "${DATABASE_URL:-}" ]; then
  step "pytest postgresql" pytest "${workers[@]}" "${paths[@]}" -m django_db "$@"
elif python -c 'import sys; from jiuye.testing.postgres import find_bindir; sys.exit(find_bindir() is None)'; then
  step "pytest postgresql" python -m jiuye.testing.postgres -- pytest "${workers[@]}" "${paths[@]}" -m django_db "$@"
elif [ "$ci" = true ]; then
  loud "CI=true：找不到 PostgreSQL（initdb），不能跳过 PostgreSQL 测试。"
  failed+=("postgresql missing")
else
  loud "找不到 PostgreSQL（initdb）：跳过 PostgreSQL 测试 / PostgreSQL not found: its tests are SKIPPED"
fi

echo
if [ ${#failed[@]} -ne 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "make test: all steps passed"

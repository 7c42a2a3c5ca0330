#!/usr/bin/env bash
# Runs the whole test suite (or the test files given as arguments) the way CI does:
# Node 22+ from .ci/node-env.sh, inside a private D-Bus session with an unlocked gnome-keyring,
# so keychain tests talk to a real Secret Service and never to the developer's own keyring.
#   bash test/run.sh                                   # every test/**/*.test.ts
#   bash test/run.sh test/unit/shared/token.test.ts    # some files
#   bash test/run.sh --test-name-pattern=cidr test/unit/shared/*.test.ts
#   KEYWARD_SKIP_BUILD=1 bash test/run.sh 'test/unit/**/*.test.ts'   # no renderer build first
#   bash test/run.sh --shuffle                         # files in a random order; prints the seed
#   bash test/run.sh --shuffle=1234 'test/unit/**/*.test.ts'          # that order again
#   CI=true bash test/run.sh                           # as CI: shuffled (KEYWARD_NO_SHUFFLE=1 to keep order)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source .ci/node-env.sh

# Re-exec once inside our own bus (.ci/keyring-session.sh: a private D-Bus session with an
# unlocked gnome-keyring). The marker variable is ours, so a developer's desktop session (which
# also has a DBUS_SESSION_BUS_ADDRESS) never leaks into the tests.
if [ -z "${KEYWARD_TEST_BUS:-}" ]; then
  if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    session_dir="$(mktemp -d "${TMPDIR:-/tmp}/keyward-test-session.XXXXXX")"
    mkdir -p "$session_dir/runtime" "$session_dir/data" "$session_dir/config" "$session_dir/cache"
    chmod 700 "$session_dir" "$session_dir/runtime"
    status=0
    # HOME stays real (npm's cache lives there); every XDG folder points at the throwaway session.
    KEYWARD_TEST_BUS=1 \
      XDG_RUNTIME_DIR="$session_dir/runtime" \
      XDG_DATA_HOME="$session_dir/data" \
      XDG_CONFIG_HOME="$session_dir/config" \
      XDG_CACHE_HOME="$session_dir/cache" \
      bash .ci/keyring-session.sh --password keyward-test-keyring -- bash "$0" "$@" || status=$?
    rm -rf "$session_dir"
    exit "$status"
  fi
  echo "test/run.sh: dbus-run-session or gnome-keyring-daemon missing; keychain tests will see no Secret Service" >&2
  export KEYWARD_TEST_BUS=0
fi

# End-to-end tests load the built renderer; unit-only runs may skip the build.
[ -n "${KEYWARD_SKIP_BUILD:-}" ] || npm run build:renderer --if-present
# KEYWARD_E2E_HOST=electron runs the end-to-end specs against the real app: it loads the built main
# process once, built here rather than by test files running side by side.
if [ -z "${KEYWARD_SKIP_BUILD:-}" ] && [ "${KEYWARD_E2E_HOST:-}" = electron ]; then npm run build:electron; fi

options=()
files=()
shuffle=''
shuffled=''
for arg in "$@"; do
  case "$arg" in
    --shuffle) shuffled=1 shuffle="$(node -e 'process.stdout.write(String(require("node:crypto").randomInt(2 ** 32)))')" ;;
    --shuffle=*) shuffled=1 shuffle="${arg#--shuffle=}" ;;
    -*) options+=("$arg") ;;
    *) files+=("$arg") ;;
  esac
done
# CI runs the files once in a random order (its seed printed first), so a file that only passes
# after another one fails there; KEYWARD_NO_SHUFFLE=1 keeps the sorted order.
if [ -z "$shuffled" ] && [ "${CI:-}" = true ] && [ -z "${KEYWARD_NO_SHUFFLE:-}" ]; then
  shuffled=1 shuffle="$(node -e 'process.stdout.write(String(require("node:crypto").randomInt(2 ** 32)))')"
fi
# Node expands the quoted glob itself (Node 22+), so the shell's globstar setting does not matter.
[ "${#files[@]}" -gt 0 ] || files=('test/**/*.test.ts')

# The spec reporter prints its summary and then, when something failed, the failures again. The
# summary is repeated after them so the output always ends with it (CI reads the last lines).
[ -t 1 ] && export FORCE_COLOR=1
output="$(mktemp "${TMPDIR:-/tmp}/keyward-test-output.XXXXXX")"
status=0
if [ -n "$shuffled" ]; then
  # --shuffle[=SEED]: `node --test` sorts the files it is given, so test/run-shuffled.ts runs them
  # through the runner's API in the seed's order (same reporter, concurrency and timeout) and
  # prints the seed first, to repeat the run.
  node test/run-shuffled.ts "$shuffle" "${options[@]}" "${files[@]}" | tee "$output" || status=$?
else
  node --test --test-reporter=spec --test-concurrency=2 --test-timeout=600000 "${options[@]}" "${files[@]}" | tee "$output" || status=$?
fi
if [ "$status" -ne 0 ]; then
  printf '\nSummary:\n'
  grep -aE 'ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [0-9.]+' "$output" || true
fi
rm -f "$output"
exit "$status"

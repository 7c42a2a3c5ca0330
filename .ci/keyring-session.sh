#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring: a real Secret
# Service for keytar on machines that have none (CI, containers, ssh), without ever touching the
# desktop's own keyring.
#   bash .ci/keyring-session.sh --password WORD [--keyring-dir DIR] -- COMMAND [ARG…]
# --keyring-dir DIR  the keyring files live in DIR/keyrings and are kept for the next run (the
#                    demo); without it gnome-keyring uses the caller's XDG_DATA_HOME (test/run.sh
#                    points that at a throwaway folder).
# The command runs with DBUS_SESSION_BUS_ADDRESS and GNOME_KEYRING_CONTROL of that session and
# KEYWARD_KEYCHAIN=1; its other environment is unchanged. The session, the bus and the daemon end
# with the command. Exits 69 with a sentence saying what to install when a tool is missing.
# Used by test/run.sh and by `npm run demo` (electron/launch.ts) when no keychain answers.
set -euo pipefail

usage='usage: bash .ci/keyring-session.sh --password WORD [--keyring-dir DIR] -- COMMAND [ARG…]'
password=''
keyring_dir=''
while [ "$#" -gt 0 ]; do
  case "$1" in
    --password) password="$2"; shift 2 ;;
    --keyring-dir) keyring_dir="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "$usage" >&2; exit 64 ;;
  esac
done
if [ "$#" -eq 0 ] || [ -z "$password" ]; then
  echo "$usage" >&2
  exit 64
fi

missing=()
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "keyring-session: ${missing[*]} not found. Install the packages dbus and gnome-keyring (Debian/Ubuntu: sudo apt-get install dbus gnome-keyring, or run bash .ci/setup)." >&2
  exit 69
fi

# The daemon's control socket goes into a private runtime folder, never into the desktop's own.
runtime="$(mktemp -d "${TMPDIR:-/tmp}/keyward-keyring.XXXXXX")"
chmod 700 "$runtime"
trap 'rm -rf "$runtime"' EXIT
if [ -n "$keyring_dir" ]; then
  mkdir -p "$keyring_dir"
  chmod 700 "$keyring_dir"
  keyring_dir="$(cd "$keyring_dir" && pwd)"
fi

status=0
KW_KEYRING_PASSWORD="$password" KW_KEYRING_DIR="$keyring_dir" KW_KEYRING_RUNTIME="$runtime" \
  dbus-run-session -- bash -c '
    set -euo pipefail
    password="$KW_KEYRING_PASSWORD"
    daemon_env=(XDG_RUNTIME_DIR="$KW_KEYRING_RUNTIME")
    [ -z "$KW_KEYRING_DIR" ] || daemon_env+=(XDG_DATA_HOME="$KW_KEYRING_DIR")
    unset KW_KEYRING_PASSWORD KW_KEYRING_DIR KW_KEYRING_RUNTIME
    # The daemon prints NAME=value lines (GNOME_KEYRING_CONTROL, ...); export them for libsecret.
    while IFS= read -r line; do
      case "$line" in *=*) export "$line" ;; esac
    done < <(printf %s "$password" | env "${daemon_env[@]}" gnome-keyring-daemon --unlock --components=secrets)
    unset password
    export KEYWARD_KEYCHAIN=1
    exec "$@"
  ' keyring-session "$@" || status=$?
exit "$status"

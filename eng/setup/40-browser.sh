# Sourced by eng/test.sh: installs Debian's chromium, the browser the console's tests drive with Playwright
# (Playwright's own browser download cannot run here; the tests launch this one by its path). Never exits; on
# failure it warns and returns, and the browser tests fail (CI) or skip with a reason.
#   PIPE_TEST_CHROMIUM   the browser's path
pipe_browser_setup() {
  local chromium=/usr/bin/chromium
  if [[ ! -x $chromium ]]; then
    echo "browser: installing chromium from Debian"
    local sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    { DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends chromium fonts-dejavu-core >/dev/null; } ||
      { echo "warning: browser: could not install chromium; the console's browser tests cannot run"; return 1; }
  fi
  export PIPE_TEST_CHROMIUM=$chromium
  echo "browser: $("$chromium" --version 2>/dev/null || echo "$chromium")"
}
pipe_browser_setup || echo "warning: browser: setup incomplete; the console's browser tests will skip (or fail with CI=true)"
unset -f pipe_browser_setup
return 0

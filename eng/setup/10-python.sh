# Sourced by eng/test.sh: Debian's Python with pandas, scikit-learn and matplotlib for the Python transforms of
# the seed examples (examples/housing, iris, diabetes, hyperparameter). PyPI is not needed: only apt.
# Exports PATH only when the first python3 on PATH is not Debian's (pyenv, a venv) and cannot import them:
# then a folder holding a python3 link to /usr/bin/python3 goes first, so transforms that run `python3` get
# the Debian packages. Idempotent; on failure it warns and returns (the tests then say what is missing).
pipebuild_python_modules="import pandas, sklearn, matplotlib"

pipebuild_setup_python() {
  local packages=(python3 python3-pandas python3-sklearn python3-matplotlib) missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    if ! command -v apt-get >/dev/null; then
      echo "warning: no apt-get to install ${missing[*]}; the Python example tests will skip (or fail in CI)" >&2
      return 0
    fi
    echo "installing ${missing[*]} (Debian packages) ..."
    local sudo=""
    [[ $(id -u) == 0 ]] || sudo="sudo"
    if ! { $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }; then
      echo "warning: apt-get install ${missing[*]} failed; the Python example tests will skip (or fail in CI)" >&2
      return 0
    fi
  fi
  if python3 -c "$pipebuild_python_modules" 2>/dev/null; then
    return 0
  fi
  if /usr/bin/python3 -c "$pipebuild_python_modules" 2>/dev/null; then
    local shim=${TMPDIR:-/tmp}/pipebuild-debian-python/bin
    mkdir -p "$shim" && ln -sfn /usr/bin/python3 "$shim/python3"
    echo "python3 on PATH ($(command -v python3)) lacks them: putting $shim (python3 -> /usr/bin/python3) first on PATH"
    export PATH="$shim:$PATH"
    return 0
  fi
  echo "warning: /usr/bin/python3 cannot '$pipebuild_python_modules'; the Python example tests will skip (or fail in CI)" >&2
}

pipebuild_setup_python || true
unset -f pipebuild_setup_python
unset pipebuild_python_modules

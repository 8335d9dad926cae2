# Sourced by eng/test.sh: a Docker Engine API for the docker executor's tests. Installs Podman (and runc, with
# eng/container-engine/runc-wrapper as its runtime because this sandbox refuses rlimits and cgroup controllers),
# serves the Docker API on a unix socket, exports DOCKER_HOST, and builds the test images when absent:
#   localhost/pipebuild-busybox:test   busybox-static and its applet links
#   localhost/pipebuild-python:test    minimal Debian with python3, pandas, scikit-learn, matplotlib
# Never exits: on failure it warns and returns, and the tests report the missing engine themselves.
# Test infrastructure only: the product talks to any Docker Engine API through DOCKER_HOST.

pipebuild_engine_socket_dir=/run/pipebuild-podman
pipebuild_engine_socket=$pipebuild_engine_socket_dir/podman.sock
pipebuild_engine_cache=/var/cache/pipebuild

pipebuild_engine_warn() { echo "warning: container engine setup: $*" >&2; }

pipebuild_engine_answers() {
  curl -fsS --max-time 5 --unix-socket "$pipebuild_engine_socket" http://d/_ping >/dev/null 2>&1
}

# METHOD PATH [JSON]: one Docker Engine API call on the service's socket; prints the response body.
pipebuild_engine_api() {
  curl -fsS --max-time 30 --unix-socket "$pipebuild_engine_socket" -X "$1" \
    ${3:+-H 'Content-Type: application/json' --data "$3"} "http://d/v1.41$2"
}

# A service left running for hours can answer /_ping yet fail every attach ("preparing container for attach:
# write child: broken pipe"), so this runs a throwaway container the way the docker executor does: create,
# attach, start, wait, read the output from the attach stream, remove.
pipebuild_engine_runs_containers() {
  local id work status=1
  id=$(pipebuild_engine_api POST "/containers/create?name=pipebuild-setup-check-$$" \
    '{"Image":"localhost/pipebuild-busybox:test","Cmd":["/bin/echo","pipebuild-engine-ok"],"AttachStdout":true,"AttachStderr":true,"HostConfig":{"NetworkMode":"none"}}' |
    jq -r .Id) && [[ -n $id && $id != null ]] || return 1
  work=$(mktemp -d) || return 1
  curl -sS -N --max-time 30 --unix-socket "$pipebuild_engine_socket" -X POST -D "$work/headers" -o "$work/out" \
    "http://d/v1.41/containers/$id/attach?stream=1&stdout=1&stderr=1" 2>"$work/err" &
  local attach=$! i
  # Start only once the attach is established (its response headers have arrived), as the executor does.
  for i in $(seq 1 50); do
    [[ -s $work/headers ]] && break
    sleep 0.1
  done
  if [[ -s $work/headers ]] && pipebuild_engine_api POST "/containers/$id/start" >/dev/null &&
    [[ $(pipebuild_engine_api POST "/containers/$id/wait" | jq -r .StatusCode) == 0 ]]; then
    wait "$attach"
    grep -aq pipebuild-engine-ok "$work/out" && status=0
  fi
  [[ $status -eq 0 ]] || echo "  the check container did not run: $(head -c 300 "$work/out" "$work/err" 2>/dev/null | tr -d '\0' | tr '\n' ' ')" >&2
  kill "$attach" 2>/dev/null
  wait "$attach" 2>/dev/null
  pipebuild_engine_api DELETE "/containers/$id?force=true" >/dev/null 2>&1
  rm -rf "$work"
  return $status
}

# Stops the service this script started (the pid in service.pid, or the process running exactly the command
# pipebuild_engine_start runs), so that the next start makes a new one.
pipebuild_engine_stop() {
  local command="podman system service --time=0 unix://$pipebuild_engine_socket" pid pids i
  pids=$( { cat "$pipebuild_engine_socket_dir/service.pid" 2>/dev/null; pgrep -fx "$command"; } | sort -u)
  for pid in $pids; do
    [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") == "$command " ]] || continue
    kill "$pid" 2>/dev/null
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
  done
  rm -f "$pipebuild_engine_socket" "$pipebuild_engine_socket_dir/service.pid"
}

pipebuild_engine_install() {
  local missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  [[ -x /bin/busybox ]] || missing+=(busybox-static)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v jq >/dev/null 2>&1 || missing+=(jq)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  # The "same results in the image as on the host" test runs Debian's python3 on the host too.
  /usr/bin/python3 -c 'import pandas, sklearn, matplotlib' >/dev/null 2>&1 ||
    missing+=(python3 python3-pandas python3-sklearn python3-matplotlib)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Other setup scripts may be installing at the same time: wait for dpkg's lock rather than fail.
  apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null || return 1
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/dev/null || return 1
}

pipebuild_engine_configure() {
  local repo=$1 wrapper=/usr/local/lib/pipebuild/runc-wrapper
  install -D -m 755 "$repo/eng/container-engine/runc-wrapper" "$wrapper" || return 1
  local conf
  conf=$(printf '[engine]\ncgroup_manager = "cgroupfs"\nruntime = "runc"\n[engine.runtimes]\nrunc = ["%s"]\n' "$wrapper")
  mkdir -p /etc/containers || return 1
  if [[ ! -f /etc/containers/containers.conf ]] || [[ "$(cat /etc/containers/containers.conf)" != "$conf" ]]; then
    printf '%s\n' "$conf" >/etc/containers/containers.conf || return 1
  fi
}

pipebuild_engine_start() {
  pipebuild_engine_answers && return 0
  mkdir -p "$pipebuild_engine_socket_dir" || return 1
  rm -f "$pipebuild_engine_socket"
  echo "starting podman system service on $pipebuild_engine_socket"
  # setsid: the service outlives this script and the test run, like a daemon.
  setsid nohup podman system service --time=0 "unix://$pipebuild_engine_socket" \
    >"$pipebuild_engine_socket_dir/service.log" 2>&1 </dev/null &
  echo $! >"$pipebuild_engine_socket_dir/service.pid"
  local i
  for i in $(seq 1 60); do
    pipebuild_engine_answers && return 0
    sleep 0.5
  done
  pipebuild_engine_warn "the service did not answer within 30 s; see $pipebuild_engine_socket_dir/service.log"
  return 1
}

pipebuild_engine_busybox_image() {
  local image=localhost/pipebuild-busybox:test
  podman image exists "$image" && return 0
  echo "building $image"
  local rootfs
  rootfs=$(mktemp -d) || return 1
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" && chmod 1777 "$rootfs/tmp" &&
    cp /bin/busybox "$rootfs/bin/busybox" || { rm -rf "$rootfs"; return 1; }
  local applet
  for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\n' >"$rootfs/etc/group"
  tar -C "$rootfs" -cf - . | podman import -q --change 'ENV=PATH=/bin' --change 'WORKDIR=/' - "$image" >/dev/null
  local status=$?
  rm -rf "$rootfs"
  return $status
}

pipebuild_engine_python_image() {
  local image=localhost/pipebuild-python:test
  podman image exists "$image" && return 0
  local packages=python3,python3-pandas,python3-sklearn,python3-matplotlib
  local suite mirror
  suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  mirror=${mirror:-http://deb.debian.org/debian}
  # The rootfs tarball is cached by suite and package list, so rebuilding the image (after podman's storage
  # was reset) takes seconds, not the minutes debootstrap needs.
  local tarball="$pipebuild_engine_cache/python-rootfs-$suite-${packages//,/-}.tar"
  mkdir -p "$pipebuild_engine_cache" || return 1
  if [[ ! -f $tarball ]]; then
    local rootfs="$pipebuild_engine_cache/python-rootfs.tmp"
    rm -rf "$rootfs"
    echo "building the Debian $suite rootfs for $image with debootstrap ($packages); this takes several minutes"
    debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" 2>&1 |
      grep --line-buffered -E '^I: (Retrieving|Validating|Extracting|Installing|Configuring|Unpacking|Base system)' |
      awk '{ n++; if (n % 25 == 0 || /Base system/) { print "  debootstrap: " $0; fflush() } }'
    if [[ ${PIPESTATUS[0]} -ne 0 || ! -x $rootfs/usr/bin/python3 ]]; then
      pipebuild_engine_warn "debootstrap failed; see $rootfs/debootstrap/debootstrap.log"
      return 1
    fi
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball" || return 1
    rm -rf "$rootfs"
  fi
  echo "importing $image from $tarball"
  podman import -q --change 'ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV=MPLBACKEND=Agg' --change 'WORKDIR=/' "$tarball" "$image" >/dev/null
}

pipebuild_engine_setup() {
  local repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd) || return 1
  pipebuild_engine_install || { pipebuild_engine_warn "cannot install podman, runc, busybox-static, debootstrap, jq, curl or python3-sklearn"; return 1; }
  pipebuild_engine_configure "$repo" || { pipebuild_engine_warn "cannot write /etc/containers/containers.conf"; return 1; }
  pipebuild_engine_start || return 1
  export DOCKER_HOST="unix://$pipebuild_engine_socket"
  echo "DOCKER_HOST=$DOCKER_HOST"
  pipebuild_engine_busybox_image || { pipebuild_engine_warn "cannot build localhost/pipebuild-busybox:test"; return 1; }
  if ! pipebuild_engine_runs_containers; then
    echo "the podman service answers but cannot run a container; restarting it"
    pipebuild_engine_stop
    pipebuild_engine_start && pipebuild_engine_runs_containers ||
      { pipebuild_engine_warn "the podman service on $pipebuild_engine_socket cannot run a container (create/attach/start/wait); see $pipebuild_engine_socket_dir/service.log"; return 1; }
  fi
  pipebuild_engine_python_image || { pipebuild_engine_warn "cannot build localhost/pipebuild-python:test"; return 1; }
}

pipebuild_engine_setup || true

# Sourced by eng/test.sh: installs s3rver (a real S3-compatible server, from npm) and starts it on a loopback
# port with a bucket for the tests, then exports where it is. Idempotent: a server already answering on the
# port is reused. Never exits; on failure it warns and returns, and the S3 tests fail (CI) or skip with a reason.
#   PIPE_TEST_S3_ENDPOINT   http://127.0.0.1:PORT        PIPE_TEST_S3_BUCKET      the tests' bucket
#   PIPE_TEST_S3_ACCESS_KEY / PIPE_TEST_S3_SECRET_KEY    s3rver's fixed key pair (S3RVER / S3RVER)
#   PIPE_TEST_S3RVER        the s3rver program, for tests that start (and kill) their own server
# Also installs Debian's awscli when `aws` is missing, for the S3 gateway's tests.
pipe_s3_setup() {
  local repo port bucket tools bin state version
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  port=${PIPE_S3RVER_PORT:-45680}
  bucket=${PIPE_TEST_S3_BUCKET:-pipebuild-tests}
  tools=$repo/artifacts/tools/s3rver
  bin=$tools/node_modules/.bin/s3rver
  state=${PIPE_S3RVER_STATE:-/tmp/pipebuild-s3rver-$port}

  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "s3: installing nodejs and npm from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm >/dev/null ||
      { echo "warning: s3: could not install nodejs/npm; the S3 tests cannot run"; return 1; }
  fi

  version=$(node -p "require('$tools/node_modules/s3rver/package.json').version" 2>/dev/null || true)
  if [[ $version != 3.7.1 ]]; then
    echo "s3: installing s3rver 3.7.1 into $tools"
    mkdir -p "$tools" &&
      npm install --prefix "$tools" --no-audit --no-fund --loglevel=error s3rver@3.7.1 >/dev/null ||
      { echo "warning: s3: npm install s3rver@3.7.1 failed; the S3 tests cannot run"; return 1; }
  fi

  # Any HTTP answer below 500 for the bucket means a server is up on the port (s3rver answers unsigned requests).
  local probe="require('http').get('http://127.0.0.1:$port/$bucket', r => process.exit(r.statusCode === 200 ? 0 : r.statusCode < 500 ? 2 : 1)).on('error', () => process.exit(1))"
  local status=0
  node -e "$probe" || status=$?
  if [[ $status == 1 ]]; then
    echo "s3: starting s3rver on 127.0.0.1:$port (data in $state/data, log $state/s3rver.log)"
    mkdir -p "$state/data"
    nohup "$bin" -d "$state/data" -a 127.0.0.1 -p "$port" --configure-bucket "$bucket" --silent >"$state/s3rver.log" 2>&1 </dev/null &
    echo $! >"$state/pid"
    disown || true
    local waited=0
    until node -e "$probe"; do
      if ((waited++ >= 60)); then
        echo "warning: s3: s3rver did not answer on port $port within 15 s; see $state/s3rver.log"
        return 1
      fi
      sleep 0.25
    done
  elif [[ $status == 2 ]]; then
    echo "warning: s3: a server on port $port has no bucket '$bucket'; set PIPE_S3RVER_PORT to a free port"
    return 1
  else
    echo "s3: reusing the s3rver on 127.0.0.1:$port"
  fi

  export PIPE_TEST_S3_ENDPOINT=http://127.0.0.1:$port
  export PIPE_TEST_S3_BUCKET=$bucket
  export PIPE_TEST_S3_ACCESS_KEY=S3RVER
  export PIPE_TEST_S3_SECRET_KEY=S3RVER
  export PIPE_TEST_S3RVER=$bin
}

pipe_s3_setup || echo "warning: s3: setup incomplete; tests that need S3 will skip (or fail with CI=true)"

# The S3 gateway's tests also drive it with the aws command line (tests/PipeBuild.S3Gateway.Tests/AwsCliTests.cs).
if ! command -v aws >/dev/null 2>&1; then
  echo "s3: installing awscli from Debian"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends awscli >/dev/null ||
    echo "warning: s3: could not install awscli; the S3 gateway's aws CLI test will skip (or fail with CI=true)"
fi
unset -f pipe_s3_setup
return 0

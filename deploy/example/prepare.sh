#!/usr/bin/env bash
# Called by `make run` with the build folder: creates deploy/example/.run/ (decision log,
# state, a random bearer token) and prints how to send the demo server a test alert.
set -euo pipefail
build=${1:-build}
here="$(cd "$(dirname "$0")" && pwd)"
run="$here/.run"
mkdir -p "$run"
chmod 700 "$run"
if [ ! -s "$run/token" ]; then
  (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$run/token")
fi
listen=$(sed -n 's/^listen: *\([^ #]*\).*/\1/p' "$here/remediator.yml")
addr="http://${listen:-127.0.0.1:9095}"
bin="$build/src/cli/remediator"
[ -x "$build/remediator" ] && bin="$build/remediator"
cat <<MSG

remediator: serving $here/remediator.yml on $addr (Ctrl-C stops it).
Decision log: $run/decision-log.jsonl   Demo playbook actions: $run/demo-actions.log

Send a test alert (in another terminal):

  curl -sS -H "Authorization: Bearer \$(cat $run/token)" -H 'Content-Type: application/json' \\
    --data @$here/test-alert.json $addr/webhook

Then: tail $run/decision-log.jsonl;  curl -s $addr/metrics | grep remediator_;
      $bin pause --addr $addr --token-file $run/token   (and resume)

MSG

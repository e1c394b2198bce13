#!/bin/sh
# Demo playbook: says which service it would restart. The service name arrives validated in
# REMEDIATOR_PARAM_SERVICE (never through a shell command line).
set -eu
msg="$(date -u +%Y-%m-%dT%H:%M:%SZ) restart-service: would run: systemctl --user restart ${REMEDIATOR_PARAM_SERVICE}.service"
echo "$msg"
if [ -n "${DEMO_LOG:-}" ]; then echo "$msg" >> "$DEMO_LOG"; fi

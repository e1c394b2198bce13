#!/bin/sh
# Demo playbook: says what it would clean on the mount point in REMEDIATOR_PARAM_MOUNTPOINT.
set -eu
msg="$(date -u +%Y-%m-%dT%H:%M:%SZ) disk-cleanup: would prune old journals and caches on ${REMEDIATOR_PARAM_MOUNTPOINT}"
echo "$msg"
df -h "${REMEDIATOR_PARAM_MOUNTPOINT}" 2>/dev/null | tail -n 1 || true
if [ -n "${DEMO_LOG:-}" ]; then echo "$msg" >> "$DEMO_LOG"; fi

#!/usr/bin/env bash
# The metrics API tests drive the real kubectl. Debian ships it as `kubernetes-client` (bookworm: 1.20, old but
# speaks discovery and get --raw the same way). A machine that already has a kubectl (e.g. the upstream `kubectl`
# package, which owns the same /usr/bin/kubectl) keeps it: installing both would conflict.
set -euo pipefail
if ! command -v kubectl >/dev/null 2>&1; then
  apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null
fi
kubectl version --client 2>/dev/null | head -n 1

#!/usr/bin/env bash
# bandit on website/: prints every finding, then fails when one is medium or high severity.
# bandit is installed on first use into .cache/venv-bandit.
#   bench/bandit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.cache/venv-bandit
if [ ! -x "$venv/bin/bandit" ]; then
  python3 -m venv --clear "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "bandit>=1.8,<2"
fi
"$venv/bin/bandit" --version | head -1
"$venv/bin/bandit" -r website -q || true
echo "== findings of medium or high severity (the gate):"
if "$venv/bin/bandit" -r website -q --severity-level medium --format custom \
     --msg-template "{relpath}:{line}: {test_id} [{severity}/{confidence}] {msg}"; then
  echo "none"
else
  exit 1
fi

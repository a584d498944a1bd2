#!/usr/bin/env bash
# The Action's install step: intent-reviewer from SOURCE (the action's own directory, never the
# checked-out pull request) into a new virtual environment VENV. With uv when it can be had (on
# PATH, else from PyPI with pip, about a second), else with pip alone. uv's download cache is
# UV_CACHE_DIR (action.yml keeps it between runs with actions/cache).
# usage: action_install.sh SOURCE VENV   (prints "installed with uv" or "installed with pip")
set -euo pipefail
src="$1"
venv="$2"
extras="[github,llm]"

uv_bin=""
if [ "${INTENT_REVIEWER_INSTALLER:-}" != pip ]; then  # pip: the fallback, for benchmarks/
  uv_bin="$(command -v uv || true)"
fi
if [ -z "$uv_bin" ] && [ "${INTENT_REVIEWER_INSTALLER:-}" != pip ]; then
  # --target touches no system package; PEP 668 runners refuse pip outside a venv without this
  if PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --disable-pip-version-check \
      --no-warn-script-location --target "$venv-uv" uv >/dev/null 2>&1; then
    uv_bin="$venv-uv/bin/uv"
  fi
fi
if [ -n "$uv_bin" ] \
    && "$uv_bin" venv --quiet --python "$(command -v python3)" "$venv" \
    && "$uv_bin" pip install --quiet --python "$venv/bin/python" "$src$extras"; then
  echo "installed with uv"
  exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$src$extras"
echo "installed with pip"

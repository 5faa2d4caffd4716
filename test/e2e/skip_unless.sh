#!/bin/sh
# Usage: skip_unless.sh PROGRAM [ARGS...]
# Runs PROGRAM ARGS..., or exits 77 (ctest SKIP_RETURN_CODE) when PROGRAM is not an executable
# file, e.g. the project venv's python before scripts/install-deps.sh has made it.
prog="$1"
if [ ! -x "$prog" ]; then
  echo "SKIP: $prog not found (run scripts/install-deps.sh)"
  exit 77
fi
exec "$@"

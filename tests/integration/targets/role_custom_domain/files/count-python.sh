#!/bin/sh
# Test helper: the Python interpreter of the per-host fleet runs, which logs each module process it starts.
# Called through a symbolic link named python-<host>; COUNT_LOG is the log file, COUNT_PYTHON the real interpreter.
# Each module run is `<interpreter> .../AnsiballZ_<module>.py`: one line "<host> AnsiballZ_<module>.py" per run.
host=${0##*/python-}
for arg in "$@"; do
  case $arg in
    *AnsiballZ_*) echo "$host ${arg##*/}" >> "$COUNT_LOG" ;;
  esac
done
exec "$COUNT_PYTHON" "$@"

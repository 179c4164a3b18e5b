#!/usr/bin/env bash
# expect.sh EXIT_CODE REGEX COMMAND...: runs COMMAND, passes when it exits with EXIT_CODE and
# its stdout+stderr match the extended regular expression REGEX (and, for errors, the
# message is one line).
set -u
want_code=$1; regex=$2; shift 2
out=$("$@" 2>&1); code=$?
if [ "$code" != "$want_code" ]; then
  echo "expected exit $want_code, got $code from: $*"; echo "$out"; exit 1
fi
if ! grep -Eq -- "$regex" <<<"$out"; then
  echo "output does not match /$regex/: $*"; echo "$out"; exit 1
fi
if [ "$want_code" != 0 ] && [ "$(grep -c . <<<"$out")" != 1 ]; then
  echo "an error must be one line, got:"; echo "$out"; exit 1
fi
echo "ok: $*"

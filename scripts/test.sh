#!/usr/bin/env bash
# The whole test suite: type check, lint (type-aware, module boundaries), then every node:test file.
# Run through `npm test` so that Node.js 24 from node_modules is first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[test] node $(node --version): tsc --noEmit"
tsc --noEmit -p tsconfig.json
echo "[test] eslint"
eslint --max-warnings 0 .
echo "[test] node --test"
exec node --test --test-concurrency=2 --test-timeout=300000 "src/**/*.test.ts" "test/**/*.test.ts"

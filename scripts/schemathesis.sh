#!/usr/bin/env bash
# Schemathesis against the project's own OpenAPI schema, on PostgreSQL, bounded in time.
#
# A fresh database (vanban_fuzz) is migrated and filled by `manage.py seed_demo`; the app is served on a
# loopback port; `schemathesis run` then sends generated requests (valid and invalid, NUL bytes allowed) as
# two demo users in turn, a drafter and a clerk, with their DRF tokens. It fails on any 5xx and on any
# response that does not match the schema. Called by .ci/run after the PostgreSQL suite.
#
# Knobs: FUZZ_DATABASE_URL, FUZZ_PORT, FUZZ_MAX_EXAMPLES (per operation), FUZZ_MAX_TIME (seconds per user),
# FUZZ_SEED (empty for a random seed).
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${FUZZ_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/vanban_fuzz}"
PORT="${FUZZ_PORT:-8765}"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-30}"
MAX_TIME="${FUZZ_MAX_TIME:-90}"
SEED="${FUZZ_SEED-20261124}"
REPORT_DIR="${FUZZ_REPORT_DIR:-schemathesis-report}"
PY=.venv/bin/python

echo "== schemathesis: fresh database ${DATABASE_URL##*/} =="
"$PY" - <<'PY'
import os
from urllib.parse import urlsplit

import psycopg

url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as connection:
    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.execute(f'CREATE DATABASE "{name}"')
PY
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_demo > /dev/null

# One token per role we fuzz as: a drafter (staff) and a clerk of the same organization.
read -r DRAFTER_TOKEN CLERK_TOKEN < <("$PY" manage.py shell --no-imports -v 0 -c '
from rest_framework.authtoken.models import Token
from organizations.models import Membership, Role
staff = Membership.objects.filter(role=Role.STAFF, is_active=True).order_by("id").first()
clerk = Membership.objects.filter(role=Role.CLERK, organization=staff.organization, is_active=True).first()
print(*(Token.objects.get_or_create(user=m.user)[0].key for m in (staff, clerk)))
')

LOG="$(mktemp)"
"$PY" manage.py runserver "127.0.0.1:${PORT}" --noreload --nothreading > "$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
    curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/api/schema/" -H "Authorization: Token ${DRAFTER_TOKEN}" 2>/dev/null && break
    sleep 0.5
done

status=0
for who in drafter clerk; do
    token="$DRAFTER_TOKEN"
    [ "$who" = clerk ] && token="$CLERK_TOKEN"
    echo "== schemathesis as the ${who}: ≤ ${MAX_EXAMPLES} examples per operation, ≤ ${MAX_TIME} s =="
    .venv/bin/schemathesis run "http://127.0.0.1:${PORT}/api/schema/" \
        --header "Authorization: Token ${token}" \
        --checks not_a_server_error,response_schema_conformance,content_type_conformance \
        --max-examples "$MAX_EXAMPLES" \
        --max-time "$MAX_TIME" \
        ${SEED:+--seed "$SEED"} \
        --generation-allow-x00 true \
        --generation-database none \
        --request-timeout 30 \
        --workers 1 \
        --no-color \
        --report junit,ndjson --report-dir "${REPORT_DIR}/${who}" \
        || status=$?
done
# 4xx such as TooManyFieldsSent are logged with a traceback too; only a 500 is worth showing
if grep -q "Internal Server Error" "$LOG"; then
    echo "== server errors =="
    grep -A40 "Internal Server Error" "$LOG" | head -200
    status=1
fi
exit "$status"

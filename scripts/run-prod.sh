#!/usr/bin/env bash
# make run-prod: the production settings on this machine, as they run in scale-out (docs/deploy.md):
# gunicorn with several workers + Celery worker + Celery beat, on PostgreSQL and Redis on loopback.
# Ctrl-C stops everything it started.
#
#   make run-prod                         # http://127.0.0.1:8280/
#   SCT_RUN_PROD_DEMO=1 make run-prod     # also load the demo data (users, contracts) first
#
# Variables (defaults for local use): SCT_PORT (8280), SCT_WORKERS (2 × cores), SCT_CELERY_CONCURRENCY (2),
# DATABASE_URL (postgres://postgres@127.0.0.1:5432/sct_prod_locale, created if missing),
# REDIS_URL / CELERY_BROKER_URL / CELERY_RESULT_BACKEND (redis://127.0.0.1:6379/2, /0, /1),
# SECRET_KEY (a random one kept in var/run-prod/secret_key), ALLOWED_HOSTS (127.0.0.1,localhost).
# Plain HTTP on loopback: SECURE_SSL_REDIRECT=0 (behind a TLS proxy in a real deployment).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${SCT_PORT:-8280}"
CORES="$(nproc 2>/dev/null || echo 2)"
WORKERS="${SCT_WORKERS:-$((2 * CORES))}"
RUN_DIR="${SCT_VAR_DIR:-var}/run-prod"
mkdir -p "$RUN_DIR" var/log

export DJANGO_SETTINGS_MODULE=sct_site.settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sct_prod_locale}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/2}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
export CELERY_RESULT_BACKEND="${CELERY_RESULT_BACKEND:-redis://127.0.0.1:6379/1}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
export SCT_SIMULATED_SPID=0
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s "$RUN_DIR/secret_key" ] || $BIN/python -c "import secrets; print(secrets.token_urlsafe(48))" >"$RUN_DIR/secret_key"
  SECRET_KEY="$(cat "$RUN_DIR/secret_key")"
  export SECRET_KEY
fi

# PostgreSQL and Redis must answer on loopback.
if ! $BIN/python - <<'PY'
import os, sys, urllib.parse
import psycopg, redis
try:
    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"], socket_connect_timeout=2).ping()
except Exception as exc:
    sys.exit(f"Redis non risponde ({os.environ['CELERY_BROKER_URL']}): {exc}")
url = os.environ["DATABASE_URL"]
nome = urllib.parse.urlparse(url).path.lstrip("/")
try:
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=3) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (nome,)).fetchone():
            conn.execute(f'CREATE DATABASE "{nome}"')
            print(f"Creato il database {nome}")
except Exception as exc:
    sys.exit(f"PostgreSQL non risponde ({url.split('@')[-1]}): {exc}")
PY
then
  exit 1
fi

$BIN/python manage.py migrate --noinput
$BIN/python manage.py collectstatic --noinput -v0
if [ "${SCT_RUN_PROD_DEMO:-0}" = 1 ]; then
  # load_demo refuses the production settings: the same database with the development settings.
  DJANGO_SETTINGS_MODULE=sct_site.settings.dev DEBUG=0 $BIN/python manage.py load_demo
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Arresto dei processi avviati…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

$BIN/celery -A sct_site worker --loglevel=INFO --concurrency="${SCT_CELERY_CONCURRENCY:-2}" >var/log/run-prod-celery.log 2>&1 &
pids+=($!)
echo "Worker Celery avviato (pid $!, log var/log/run-prod-celery.log)"
$BIN/celery -A sct_site beat --loglevel=INFO --schedule "$RUN_DIR/celerybeat-schedule" >var/log/run-prod-beat.log 2>&1 &
pids+=($!)
echo "Celery beat avviato (pid $!, log var/log/run-prod-beat.log)"
$BIN/gunicorn sct_site.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" --timeout 120 \
  --access-logfile var/log/run-prod-access.log --error-logfile var/log/run-prod-gunicorn.log &
pids+=($!)
echo "gunicorn avviato (pid $!, $WORKERS worker)"

for _ in $(seq 1 60); do
  if stato="$($BIN/python -c "import urllib.request, sys; r = urllib.request.urlopen('http://127.0.0.1:$PORT/health/', timeout=5); sys.stdout.write(r.read().decode())" 2>/dev/null)"; then
    echo "Salute: $stato"
    break
  fi
  sleep 1
done
echo "Sito (impostazioni di produzione): http://127.0.0.1:$PORT/  — Ctrl-C ferma tutto"
wait -n "${pids[@]}"

#!/usr/bin/env bash
# Serve the site with a real Celery worker (filesystem broker by default). Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-sct_site.settings.dev}"
mkdir -p var/celery/queue var/celery/control var/celery/results var/mail var/log

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Arresto dei processi avviati…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

$BIN/celery -A sct_site worker --loglevel=INFO --concurrency=2 --pool=prefork >var/log/celery.log 2>&1 &
pids+=($!)
echo "Worker Celery avviato (log: var/log/celery.log)"
$BIN/celery -A sct_site beat --loglevel=INFO --schedule var/celerybeat-schedule >var/log/celery-beat.log 2>&1 &
pids+=($!)
echo "Celery beat avviato: riepiloghi giornalieri delle notifiche (log: var/log/celery-beat.log)"

for extra in scripts/run-dev.d/*.sh; do
  [ -e "$extra" ] || continue
  # shellcheck source=/dev/null
  source "$extra"
done

echo "Sito: http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)"
$BIN/python manage.py runserver 127.0.0.1:8000 &
pids+=($!)
wait -n "${pids[@]}"

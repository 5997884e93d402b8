# Simulatore ANAC PCP (the default SCT_ANAC_BASE_URL, http://127.0.0.1:8765/pcp/), sourced by
# scripts/run-dev.sh: started in the background and stopped with the rest (pids+=).
# Not started when SCT_ANAC_BASE_URL points elsewhere (the real PCP endpoint), nor when a
# simulator already answers on the port. State: var/anac-simulatore.sqlite3 (CIGs never reused).
SCT_ANAC_SIM_PORT="${SCT_ANAC_SIM_PORT:-8765}"
_anac_url="${SCT_ANAC_BASE_URL:-http://127.0.0.1:${SCT_ANAC_SIM_PORT}/pcp/}"
if [[ "$_anac_url" != "http://127.0.0.1:${SCT_ANAC_SIM_PORT}/"* ]]; then
  echo "ANAC PCP: endpoint configurato $_anac_url (simulatore non avviato)"
elif $BIN/python - "$SCT_ANAC_SIM_PORT" <<'PY'
import socket, sys
with socket.socket() as s:
    sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
then
  echo "ANAC PCP: la porta ${SCT_ANAC_SIM_PORT} è già in uso, uso il simulatore che vi risponde"
else
  mkdir -p var/log
  $BIN/python -m anac.simulatore --port "$SCT_ANAC_SIM_PORT" --db var/anac-simulatore.sqlite3 --log-level INFO \
    >var/log/anac-simulatore.log 2>&1 &
  pids+=($!)
  echo "Simulatore ANAC PCP avviato: ${_anac_url} (log: var/log/anac-simulatore.log; guasti: POST /__sim__/guasti)"
fi
unset _anac_url

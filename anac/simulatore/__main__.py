"""``python -m anac.simulatore --port 8765 --db var/anac-simulatore.sqlite3``"""

import argparse
import logging
import signal
import sys
from pathlib import Path

from .core import ACCORDI_QUADRO, Simulatore
from .server import ServerSimulatore


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m anac.simulatore", description="Simulatore dei servizi PCP di ANAC")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", default="var/anac-simulatore.sqlite3", help="file SQLite dello stato")
    parser.add_argument("--token", default="simulatore-sct", help="token statico atteso in Authorization: Bearer")
    parser.add_argument("--accordi-quadro", default=",".join(ACCORDI_QUADRO),
                        help="CIG degli accordi quadro/convenzioni, separati da virgole")
    parser.add_argument("--wt-polls", type=int, default=1, help="risposte WT di esito-operazione prima dell'esito")
    parser.add_argument("--wt-secondi", type=float, default=0.0, help="secondi minimi prima dell'esito")
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)

    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    simulatore = Simulatore(
        args.db, token=args.token, wt_polls=args.wt_polls, wt_secondi=args.wt_secondi,
        accordi_quadro=[c.strip() for c in args.accordi_quadro.split(",") if c.strip()],
    )
    server = ServerSimulatore((args.host, args.port), simulatore)

    def _stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    print(f"Simulatore PCP in ascolto su http://{args.host}:{server.server_address[1]}/pcp/ (stato: {args.db})",
          flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        simulatore.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

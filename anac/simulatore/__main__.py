"""``python -m anac.simulatore --port 8765 --db var/anac-simulatore.sqlite3``

PDND mode: ``--pdnd --pdnd-chiave-pubblica client.pub.pem [--pdnd-client-id …] [--pdnd-purpose-id …]``."""

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
    parser.add_argument(
        "--accordi-quadro",
        default=",".join(ACCORDI_QUADRO),
        help="CIG degli accordi quadro/convenzioni, separati da virgole",
    )
    parser.add_argument("--wt-polls", type=int, default=1, help="risposte WT di esito-operazione prima dell'esito")
    parser.add_argument("--wt-secondi", type=float, default=0.0, help="secondi minimi prima dell'esito")
    parser.add_argument("--log-level", default="WARNING")
    pdnd = parser.add_argument_group("modalità PDND (il simulatore è anche il server di autorizzazione, POST /token)")
    pdnd.add_argument(
        "--pdnd", action="store_true", help="verifica voucher, tracking evidence, Digest e Agid-JWT-Signature"
    )
    pdnd.add_argument("--pdnd-chiave-pubblica", help="chiave pubblica registrata del client: PEM o JWKS")
    pdnd.add_argument("--pdnd-client-id", default="sct-negozio-elettronico")
    pdnd.add_argument("--pdnd-purpose-id", default="purpose-pcp-simulatore")
    pdnd.add_argument(
        "--pdnd-audience", default="https://pcp.simulatore.local/pcp", help="aud dei voucher e dei JWT ModI per il PCP"
    )
    pdnd.add_argument(
        "--pdnd-audience-token",
        default="https://auth.simulatore.local/client-assertion",
        help="aud atteso nella client assertion",
    )
    pdnd.add_argument(
        "--pdnd-chiave", help="chiave privata PEM del simulatore per firmare i voucher (default: generata)"
    )
    pdnd.add_argument("--pdnd-durata-voucher", type=int, default=600, help="validità del voucher in secondi")
    args = parser.parse_args(argv)
    if args.pdnd and not args.pdnd_chiave_pubblica:
        parser.error("--pdnd richiede --pdnd-chiave-pubblica")

    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    simulatore = Simulatore(
        args.db,
        token=args.token,
        wt_polls=args.wt_polls,
        wt_secondi=args.wt_secondi,
        accordi_quadro=[c.strip() for c in args.accordi_quadro.split(",") if c.strip()],
        pdnd={
            "chiave_pubblica_client": args.pdnd_chiave_pubblica,
            "client_id": args.pdnd_client_id,
            "purpose_id": args.pdnd_purpose_id,
            "audience_pcp": args.pdnd_audience,
            "audience_token": args.pdnd_audience_token,
            "chiave_privata": args.pdnd_chiave,
            "durata_voucher": args.pdnd_durata_voucher,
        }
        if args.pdnd
        else None,
    )
    server = ServerSimulatore((args.host, args.port), simulatore)

    def _stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    modalita = f", PDND: token su http://{args.host}:{server.server_address[1]}/token" if args.pdnd else ""
    print(
        f"Simulatore PCP in ascolto su http://{args.host}:{server.server_address[1]}/pcp/ (stato: {args.db}{modalita})",
        flush=True,
    )
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

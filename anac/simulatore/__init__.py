"""Simulator of ANAC's PCP e-services, bundled with the project and the default backend.

Run it as its own process (no Django)::

    python -m anac.simulatore --port 8765 --db var/anac-simulatore.sqlite3

Two modes of authentication: simple (default: the static token ``--token`` and an unsigned tracking
evidence) and PDND (``--pdnd --pdnd-chiave-pubblica client.pub.pem …``: it is also the PDND
authorization server, ``POST /token``, and checks voucher, signed tracking evidence, ``Digest`` and
``Agid-JWT-Signature``; see ``anac/simulatore/pdnd.py``).

It serves the same HTTP API as ``anac.client.ClientPCP`` uses (``/pcp/crea-appalto``,
``/pcp/esito-operazione``…), with ANAC's asynchronous semantics and rules, CIGs that are never
reused (its state is in its own SQLite file), and an admin API to inject faults:

- ``POST /__sim__/guasti``  ``{"servizio": "conferma-appalto", "tipo": "ko"|"esito_ko"|"timeout"|
  "errore_http"|"duplicato"|"cig_ripetuto", "codice": "ERR98", "messaggio": "…", "status": 503,
  "ritardo": 30, "volte": 1}`` (``volte: null`` = always; ``servizio: "*"`` = any service;
  ``cig_ripetuto``: recupera-cig answers with a CIG issued for another appalto, ``codice`` or the latest);
- ``POST /__sim__/config``  ``{"wt_polls": 2, "wt_secondi": 0, "accordi_quadro": [...],
  "rup": {"<cf ente>": ["<cf rup>"]}, "revoca_voucher": true}`` (PDND: the vouchers issued so far
  get 401 from now on);
- ``POST /__sim__/reset``  (faults and config back to defaults; ``{"dati": true}`` also forgets
  appalti and schede, never the CIGs already issued);
- ``GET /__sim__/stato``, ``GET /__sim__/richieste`` (the requests received, newest last).

See ``docs/architecture.md`` ("Integrazione ANAC PCP e simulatore") for the rules it enforces.
"""

from .core import Simulatore, cig_valido  # noqa: F401

"""Business rules of the comunicazioni, one module per concern; views and other apps import them from
here (``from comunicazioni.services import notifica``).

    destinatari   who may write to whom, the users of each party
    scrittura     a message or a reply written by a user (texts, attachments, deliveries)
    notifiche     ``notifica``: the automatic notifications (API of the receivers in ``ricevitori``)
    lettura       unread deliveries, threads, the inbox summary
    invio         e-mail of each delivery (queue, sending, retries), the user's preference
    riepiloghi    the daily digest
    chiarimenti   publishing the anonymised chiarimenti

Public API for the other features::

    from comunicazioni.services import notifica
    notifica(contratto, *, evento, oggetto, testo, utenti=(), enti=(), banditore=False,
             operatore=False, riferimento=None, tipo="comunicazione") -> [Messaggio]
"""

from ..permessi import Ruolo
from .chiarimenti import (
    OMISSIS,
    RE_TELEFONO,
    anonimizza,
    chiarimenti_pubblicati,
    proposta_pubblicazione,
    pubblica_chiarimento,
    ritira_chiarimento,
)
from .destinatari import MSG_DESTINATARIO, Destinatari, scelte_destinatario, utenti_della_parte
from .invio import (
    accoda_email,
    consegne_rimaste_in_coda,
    imposta_preferenza,
    invia_email_consegna,
    registra_invio_fallito,
    ritenta_email,
    url_messaggio,
)
from .lettura import conversazione, non_lette, riepilogo_per_contratto, segna_letti
from .notifiche import notifica
from .riepiloghi import consegne_riepilogo_fallite, invia_riepilogo, utenti_con_riepilogo
from .scrittura import MSG_CHIARIMENTO_SOLO_ENTE, MSG_NON_ABILITATO, MSG_NON_PUBBLICATO, invia_messaggio, rispondi

__all__ = [
    "MSG_CHIARIMENTO_SOLO_ENTE",
    "MSG_DESTINATARIO",
    "MSG_NON_ABILITATO",
    "MSG_NON_PUBBLICATO",
    "OMISSIS",
    "RE_TELEFONO",
    "Destinatari",
    "Ruolo",
    "accoda_email",
    "anonimizza",
    "chiarimenti_pubblicati",
    "consegne_riepilogo_fallite",
    "consegne_rimaste_in_coda",
    "conversazione",
    "imposta_preferenza",
    "invia_email_consegna",
    "invia_messaggio",
    "invia_riepilogo",
    "non_lette",
    "notifica",
    "proposta_pubblicazione",
    "pubblica_chiarimento",
    "registra_invio_fallito",
    "riepilogo_per_contratto",
    "rispondi",
    "ritenta_email",
    "ritira_chiarimento",
    "scelte_destinatario",
    "segna_letti",
    "url_messaggio",
    "utenti_con_riepilogo",
    "utenti_della_parte",
]

"""Helpers of the comunicazioni tests."""

from django.contrib.auth import get_user_model
from wagtail import hooks

from comunicazioni import permessi
from organizzazioni.models import Incarico
from organizzazioni.services import assegna_incarico

EMAIL = {
    "banditore": "rup.sct@regione.toscana.example",
    "banditore2": "rup.rtrt@regione.toscana.example",
    "aderente": "laura.bianchi@comune.firenze.example",
    "aderente2": "paola.neri@comune.prato.example",
    "oe": "referente.sct@tim.example",
    "oe2": "referente@connettivita.example",
    "editor": "editor@regione.toscana.example",
    "collega": "mario.collega@comune.firenze.example",
}

UTENTI_DEMO = ["aderente", "aderente2", "oe", "oe2", "banditore", "banditore2", "editor"]


def destinatari_email(outbox):
    return sorted(addr for m in outbox for addr in m.to)


def collega_firenze(demo):
    """A second user of the Comune di Firenze (to tell "the user who sent" from "the whole ente")."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username="collega", defaults={"first_name": "Mario", "last_name": "Collega", "email": EMAIL["collega"]}
    )
    assegna_incarico(user, demo.firenze, Incarico.Ruolo.RUP)
    return user


def lettori(messaggio, utenti):
    """Usernames of ``utenti`` who may read ``messaggio``."""
    return sorted(u.username for u in utenti if permessi.puo_leggere(u, messaggio))


def consegnatari(messaggio):
    return sorted(messaggio.consegne.values_list("utente__username", flat=True))


def aderenti_demo(demo):
    """Register the demo enti as aderenti of every contract (what the adesione feature will do)."""
    enti = [demo.firenze, demo.prato]
    return hooks.register_temporarily("sct_enti_aderenti", lambda contratto: enti)


def scelta(mittente, destinatario):
    return f"{mittente}>{destinatario}"

"""Context of the contract page's tabs, per role.

Each tab shows a user only what they may see: an anonymous visitor sees the public tabs and a
prompt to log in; an aderente sees its own ente's records; the banditore sees all records of the
contract; the aggiudicatario sees the approved ordinativi.
"""

from .adesioni import services as servizi_adesioni
from .adesioni.permessi import adesioni_visibili
from .ordinativi import services as servizi_ordinativi
from .ordinativi.permessi import ordinativi_visibili
from .permessi import e_aggiudicatario, e_banditore, enti_aderenti


def contesto_tabs(contratto, request):
    user = request.user
    banditore = e_banditore(user, contratto)
    enti = list(enti_aderenti(user)) if user.is_authenticated else []
    adesioni = list(adesioni_visibili(user, contratto).order_by("-anno", "-numero"))
    for adesione in adesioni:
        adesione.contratto = contratto  # its rounds come from the contract's requests, read once
    return {
        "ruolo": {
            "anonimo": not user.is_authenticated,
            "banditore": banditore,
            "aderente": bool(enti),
            "enti": enti,
            "aggiudicatario": e_aggiudicatario(user, contratto),
        },
        "round_adesione": contratto.richieste_per_round(),
        "documenti_allegati": list(contratto.documenti_allegati.select_related("documento")),
        "utenti_abilitati": list(contratto.utenti_abilitati.select_related("user")),
        "richieste_ordinativo": contratto.richieste_ordinativo(),
        "adesioni": adesioni,
        "puo_richiedere_adesione": bool(servizi_adesioni.enti_che_possono_richiedere(user, contratto)),
        "massimale": servizi_adesioni.massimale(contratto),
        "ordinativi": list(ordinativi_visibili(user, contratto).order_by("-anno", "-numero")),
        "puo_ordinare": bool(servizi_ordinativi.enti_che_possono_ordinare(user, contratto)),
    }

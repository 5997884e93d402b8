import ipaddress

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

OIDC_OBBLIGATORIE = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


@register(Tags.security)
def spid_simulato(app_configs, **kwargs):
    """The simulated SPID login must never run where DEBUG is off (production), except in the tests."""
    if (
        getattr(settings, "SCT_SIMULATED_SPID", False)
        and not settings.DEBUG
        and getattr(settings, "SCT_ENVIRONMENT", "") != "test"
    ):
        return [
            Error(
                "L'autenticazione SPID simulata (SCT_SIMULATED_SPID) è attiva con DEBUG disattivato.",
                hint="Disattiva SCT_SIMULATED_SPID: l'accesso simulato è solo per la demo (DEBUG attivo) e per i test.",
                id="identita.E001",
            )
        ]
    return []


@register(Tags.security)
def configurazione_oidc(app_configs, **kwargs):
    if not getattr(settings, "SCT_OIDC_ENABLED", False):
        return []
    mancanti = [nome for nome in OIDC_OBBLIGATORIE if not getattr(settings, nome, "")]
    if mancanti:
        return [
            Error(
                "SCT_OIDC_ENABLED è attivo ma mancano impostazioni del gateway SPID/CIE: " + ", ".join(mancanti) + ".",
                hint="Imposta le variabili d'ambiente corrispondenti (vedi README, 'SPID e CIE').",
                id="identita.E002",
            )
        ]
    return []


@register(Tags.security)
def configurazione_cns(app_configs, **kwargs):
    errori = []
    for voce in getattr(settings, "SCT_TRUSTED_PROXIES", []) or []:
        try:
            ipaddress.ip_network(str(voce).strip(), strict=False)
        except ValueError:
            errori.append(Error(f"SCT_TRUSTED_PROXIES contiene un indirizzo non valido: {voce!r}.", id="identita.E004"))
    if getattr(settings, "SCT_CNS_ENABLED", False) and not getattr(settings, "SCT_TRUSTED_PROXIES", []):
        errori.append(
            Error(
                "SCT_CNS_ENABLED è attivo ma SCT_TRUSTED_PROXIES è vuoto: nessun certificato CNS sarebbe accettato.",
                hint="Indica gli indirizzi (CIDR) del reverse proxy che verifica i certificati client.",
                id="identita.E003",
            )
        )
    return errori


@register(Tags.security, deploy=True)
def due_fattori_admin(app_configs, **kwargs):
    if getattr(settings, "SCT_ENVIRONMENT", "") == "production" and not getattr(settings, "SCT_ADMIN_2FA", False):
        return [
            Warning(
                "La verifica in due passaggi dell'area di amministrazione (SCT_ADMIN_2FA) è disattivata.",
                hint="Togli SCT_ADMIN_2FA=0: lo staff dell'admin deve usare SPID/CIE di livello 2, CNS o un codice TOTP.",
                id="identita.W010",
            )
        ]
    return []

"""Which addresses are our reverse proxies (``SCT_TRUSTED_PROXIES``), and the client's address."""

import ipaddress

from django.conf import settings


def reti_fidate():
    reti = []
    for voce in getattr(settings, "SCT_TRUSTED_PROXIES", []) or []:
        try:
            reti.append(ipaddress.ip_network(str(voce).strip(), strict=False))
        except ValueError:
            continue  # reported by the system check identita.E004
    return reti


def _fidato(indirizzo, reti):
    try:
        ip = ipaddress.ip_address(indirizzo.strip())
    except ValueError:
        return False
    return any(ip in rete for rete in reti)


def da_proxy_fidato(request) -> bool:
    return _fidato(request.META.get("REMOTE_ADDR", ""), reti_fidate())


def ip_cliente(request) -> str | None:
    """REMOTE_ADDR; behind a trusted proxy, the right-most address of X-Forwarded-For that is not
    one of our proxies (a client can prepend anything to that header, not append)."""
    remoto = request.META.get("REMOTE_ADDR") or None
    reti = reti_fidate()
    if not remoto or not reti or not _fidato(remoto, reti):
        return remoto
    catena = [v.strip() for v in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if v.strip()]
    for indirizzo in reversed(catena):
        if not _fidato(indirizzo, reti):
            try:
                return str(ipaddress.ip_address(indirizzo))
            except ValueError:
                return remoto
    return remoto

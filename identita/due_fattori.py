"""Two-factor authentication for the staff in the Wagtail admin (``SCT_ADMIN_2FA``).

A session counts as two-factor when it was opened with SPID or CIE of level 2 or more, or with CNS
(already two factors), or when the user entered a code of a confirmed TOTP device (django-otp) in
this session. Under the admin, a user with admin access and no second factor is sent to
``identita:due_fattori``: the first time it shows the QR code of a new device, then it asks for the
code. Who loses the device asks the editorial staff, who resets it with ``manage.py
azzera_due_fattori <utente>``.
"""

from __future__ import annotations

import base64
import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from audit.services import registra

from .services import autenticazione

NOME_DISPOSITIVO = "Applicazione di autenticazione"
CHIAVE_ATTIVAZIONE = "identita_totp_da_attivare"


def attiva() -> bool:
    return bool(getattr(settings, "SCT_ADMIN_2FA", False))


def e_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm("wagtailadmin.access_admin")


def dispositivo_verificato(request) -> Device | None:
    """The confirmed device of ``request.user`` that verified this session, if any."""
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return None
    device = Device.from_persistent_id(persistent_id)
    if device is None or device.user_id != request.user.pk or not device.confirmed:
        return None
    return device


def sessione_a_due_fattori(request) -> bool:
    auth = autenticazione(request)
    return bool(auth and auth.forte) or dispositivo_verificato(request) is not None


def dispositivo_confermato(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def dispositivo_da_attivare(request) -> TOTPDevice:
    """The new device shown as QR code, not saved until its first code is entered: its key waits in the
    session (a GET writes nothing, and an abandoned setup leaves nothing behind)."""
    chiave = request.session.get(CHIAVE_ATTIVAZIONE)
    if not chiave:
        chiave = request.session[CHIAVE_ATTIVAZIONE] = default_key()
    return TOTPDevice(user=request.user, name=NOME_DISPOSITIVO, key=chiave, confirmed=False)


def segreto_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps ask for it when typed by hand, in groups of four."""
    testo = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(testo[i : i + 4] for i in range(0, len(testo), 4))


class EsitoCodice:
    VALIDO = "valido"
    ERRATO = "errato"
    ATTESA = "attesa"


def verifica_codice(request, device: TOTPDevice, codice: str) -> tuple[str, int]:
    """Check ``codice`` against ``device``. A new device (not saved yet) is saved, confirmed, when its
    first code is right; for a confirmed one django-otp throttles repeated failures. On success the
    session is verified. Returns (esito, seconds to wait)."""

    if device.pk is None:
        if not _codice_valido_per_nuovo(device, codice):
            return EsitoCodice.ERRATO, 0
        device.confirmed = True
        device.save()
        request.session.pop(CHIAVE_ATTIVAZIONE, None)
        registra("identita.due_fattori.attivato", request.user, request=request, dati={"dispositivo": device.pk})
    else:
        consentito, dettagli = device.verify_is_allowed()
        if not consentito:
            return EsitoCodice.ATTESA, _secondi_di_attesa(dettagli)
        if not device.verify_token(codice):
            registra("identita.due_fattori.errato", request.user, request=request, dati={"dispositivo": device.pk})
            return EsitoCodice.ERRATO, 0
    otp_login(request, device)
    registra("identita.due_fattori.verificato", request.user, request=request, dati={"dispositivo": device.pk})
    return EsitoCodice.VALIDO, 0


def _codice_valido_per_nuovo(device, codice):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(codice), device.tolerance):
        return False
    device.last_t, device.drift = totp.t(), totp.drift
    return True


def _secondi_di_attesa(dettagli):
    fine = (dettagli or {}).get("locked_until")
    return max(1, int((fine - timezone.now()).total_seconds())) if fine else 1


class DueFattoriAdminMiddleware:
    """Under the admin prefix, staff without a second factor in the session go to the 2FA page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._esenti = None

    def __call__(self, request):
        if attiva() and request.path_info.startswith(getattr(settings, "SCT_ADMIN_PREFIX", "/admin/")):
            risposta = self._controlla(request)
            if risposta is not None:
                return risposta
        return self.get_response(request)

    def _controlla(self, request):
        if self._esenti is None:
            self._esenti = {reverse("wagtailadmin_login"), reverse("wagtailadmin_logout")}
        user = request.user
        if request.path_info in self._esenti or not e_staff(user) or sessione_a_due_fattori(request):
            return None
        return redirect(reverse("identita:due_fattori") + "?" + urlencode({"next": request.get_full_path()}))

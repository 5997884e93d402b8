"""CNS: client certificate verified by the reverse proxy, passed in a header, trusted proxies only."""

import datetime
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.test import override_settings

from audit.models import VoceAudit
from identita import cns

CF_ADERENTE = "BNCLRA75E45G999M"
PROXY = "10.0.0.5"
HEADER = "HTTP_X_SSL_CLIENT_CERT"
VERIFICA = "HTTP_X_SSL_CLIENT_VERIFY"


def _certificato(
    *,
    serial_number=f"TINIT-{CF_ADERENTE}",
    cn="BIANCHI LAURA",
    giorni=(-30, 365),
    eku=(ExtendedKeyUsageOID.CLIENT_AUTH,),
):
    ca_chiave = ec.generate_private_key(ec.SECP256R1())
    ca_nome = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CA CNS di prova"),
            x509.NameAttribute(NameOID.COMMON_NAME, "CA CNS di prova"),
        ]
    )
    chiave = ec.generate_private_key(ec.SECP256R1())
    attributi = [x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if serial_number:
        attributi.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    adesso = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributi))
        .issuer_name(ca_nome)
        .public_key(chiave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(adesso + datetime.timedelta(days=giorni[0]))
        .not_valid_after(adesso + datetime.timedelta(days=giorni[1]))
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    cert = builder.sign(ca_chiave, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture
def cns_attiva(demo):
    with override_settings(SCT_CNS_ENABLED=True, SCT_TRUSTED_PROXIES=["10.0.0.0/24", "fd00::/8"]):
        yield


def _intestazioni(pem, *, verifica="SUCCESS", da=PROXY, formato="nginx"):
    if formato == "nginx":  # $ssl_client_escaped_cert
        valore = quote(pem, safe="")
    elif formato == "apache":  # newlines folded into spaces
        valore = pem.replace("\n", " ")
    else:
        valore = pem
    return {HEADER: valore, VERIFICA: verifica, "REMOTE_ADDR": da}


@pytest.mark.parametrize("formato", ["nginx", "apache"])
def test_accesso_cns_livello_3(client, cns_attiva, formato):
    intestazioni = _intestazioni(_certificato(), formato=formato)
    pagina = client.get("/identita/cns/?next=/area-riservata/", **intestazioni)
    assert pagina.status_code == 200
    assert CF_ADERENTE in pagina.content.decode() and "BIANCHI LAURA" in pagina.content.decode()
    assert "_auth_user_id" not in client.session  # GET only shows whose card it is
    risposta = client.post("/identita/cns/", {"next": "/area-riservata/"}, **intestazioni)
    assert risposta.status_code == 302 and risposta["Location"] == "/area-riservata/"
    auth = client.get("/identita/").context["autenticazione"]
    assert (auth.fonte, auth.livello, auth.codice_fiscale, auth.forte) == ("cns", 3, CF_ADERENTE, True)


def test_cf_nel_common_name_delle_vecchie_cns(client, cns_attiva):
    pem = _certificato(serial_number=None, cn=f"{CF_ADERENTE}/7420023456789012.Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9=")
    assert client.post("/identita/cns/", **_intestazioni(pem)).status_code == 302
    assert client.get("/identita/").context["autenticazione"].codice_fiscale == CF_ADERENTE


def test_proxy_non_fidato_rifiutato(client, cns_attiva):
    risposta = client.post("/identita/cns/", **_intestazioni(_certificato(), da="203.0.113.7"))
    assert risposta.status_code == 403
    assert "non proviene dal proxy autorizzato" in risposta.content.decode()
    assert "_auth_user_id" not in client.session
    assert VoceAudit.objects.filter(azione="identita.accesso_rifiutato", dati__fonte="cns").exists()


def test_proxy_ipv6_fidato(client, cns_attiva):
    assert client.post("/identita/cns/", **_intestazioni(_certificato(), da="fd00::1")).status_code == 302


@pytest.mark.parametrize(
    ("intestazioni", "messaggio"),
    [
        ({VERIFICA: "FAILED:unable to get issuer certificate"}, "non è stato verificato dal proxy"),
        ({VERIFICA: ""}, "non è stato verificato dal proxy"),
        ({HEADER: ""}, "Nessun certificato CNS presentato"),
        ({HEADER: "(null)"}, "Nessun certificato CNS presentato"),
        ({HEADER: "questo non è un certificato"}, "non è leggibile"),
        ({HEADER: "-----BEGIN CERTIFICATE-----QUJD-----END CERTIFICATE-----"}, "non è leggibile"),
    ],
)
def test_certificato_mancante_o_non_verificato(client, cns_attiva, intestazioni, messaggio):
    risposta = client.post("/identita/cns/", **{**_intestazioni(_certificato()), **intestazioni})
    assert risposta.status_code == 403
    assert messaggio in risposta.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("kwargs", "messaggio"),
    [
        ({"giorni": (-400, -1)}, "scaduto o non ancora valido"),
        ({"giorni": (2, 300)}, "scaduto o non ancora valido"),
        ({"eku": (ExtendedKeyUsageOID.EMAIL_PROTECTION,)}, "non è un certificato di autenticazione"),
        ({"serial_number": "TINIT-BNCLRA75E45G999X"}, "non contiene un codice fiscale valido"),  # wrong check char
        ({"serial_number": None}, "non contiene un codice fiscale valido"),
    ],
)
def test_certificato_non_adatto(client, cns_attiva, kwargs, messaggio):
    risposta = client.post("/identita/cns/", **_intestazioni(_certificato(**kwargs)))
    assert risposta.status_code == 403
    assert messaggio in risposta.content.decode()


def test_titolare_sconosciuto(client, cns_attiva, django_user_model):
    utenti = django_user_model.objects.count()
    risposta = client.post("/identita/cns/", **_intestazioni(_certificato(serial_number="TINIT-RSSMRA80A01H501U")))
    assert risposta.status_code == 403
    assert (
        "Nessun utente del Negozio Elettronico è associato al codice fiscale RSSMRA80A01H501U"
        in risposta.content.decode()
    )
    assert django_user_model.objects.count() == utenti


def test_cns_spenta_404(client, demo):
    assert client.get("/identita/cns/", **_intestazioni(_certificato())).status_code == 404


def test_codice_fiscale_da_certificato_formati():
    for valore in (f"TINIT-{CF_ADERENTE}", f"IT:{CF_ADERENTE}", CF_ADERENTE):
        cert = x509.load_pem_x509_certificate(_certificato(serial_number=valore).encode())
        assert cns.codice_fiscale_da_certificato(cert) == CF_ADERENTE


def test_login_mostra_cns_quando_attiva(client, cns_attiva):
    assert 'data-fonte="cns"' in client.get("/account/accedi/").content.decode()
    with override_settings(SCT_CNS_ENABLED=False):
        assert 'data-fonte="cns"' not in client.get("/account/accedi/").content.decode()


def test_check_cns_senza_proxy_fidati():
    from identita.checks import configurazione_cns

    with override_settings(SCT_CNS_ENABLED=True, SCT_TRUSTED_PROXIES=[]):
        assert [e.id for e in configurazione_cns(None)] == ["identita.E003"]
    with override_settings(SCT_CNS_ENABLED=False, SCT_TRUSTED_PROXIES=["10.0.0.0/33"]):
        assert [e.id for e in configurazione_cns(None)] == ["identita.E004"]
    with override_settings(SCT_CNS_ENABLED=True, SCT_TRUSTED_PROXIES=["10.0.0.0/24"]):
        assert configurazione_cns(None) == []

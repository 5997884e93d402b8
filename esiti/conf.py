"""Settings of the esiti app, read with defaults (``settings.SCT_…`` overrides them).

Functions, not constants, so that ``override_settings`` in tests and per-environment settings
take effect without re-importing.
"""

from django.conf import settings


def per_pagina():
    """Esiti per page in the public list."""
    return int(getattr(settings, "SCT_ESITI_PER_PAGINA", 20))


def blocco_export():
    """Rows read per database round trip while streaming an export."""
    return int(getattr(settings, "SCT_ESITI_BLOCCO_EXPORT", 1000))


def voci_feed():
    return int(getattr(settings, "SCT_ESITI_VOCI_FEED", 50))


def configurazione_fts():
    """PostgreSQL text search configuration of the search vector (and of the queries)."""
    return getattr(settings, "SCT_ESITI_FTS_CONFIG", "italian")


def prefisso_ocid():
    """OCDS ocid prefix. ``ocds-`` plus six characters: register a real one with the Open Contracting
    Partnership before publishing officially (the default is a placeholder)."""
    return getattr(settings, "SCT_OCDS_PREFIX", "ocds-sctne1")


def editore_dati():
    return getattr(settings, "SCT_DATI_APERTI_EDITORE", "Regione Toscana – Negozio Elettronico START")


def identificativo_editore():
    """The editor's IPA code (or codice fiscale): ``dct:identifier`` of the publisher in the DCAT-AP_IT
    catalogue and prefix of the datasets' identifiers."""
    return getattr(settings, "SCT_DATI_APERTI_IDENTIFICATIVO", "r_toscan")


def contatto_dati():
    """``dcat:contactPoint`` of the datasets (required by DCAT-AP_IT): who answers questions on the data.
    Default: the Customer Support of the manual."""
    return getattr(settings, "SCT_DATI_APERTI_CONTATTO", "start.sa@pamercato.it")


LICENZA_NOME = "CC BY 4.0"
LICENZA_URL = "https://creativecommons.org/licenses/by/4.0/"

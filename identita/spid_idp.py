"""The SPID identity providers of the "Entra con SPID" button (AgID's spid-sp-access-button).

The list and the logos come from AgID's button (github.com/italia/spid-sp-access-button); a site can
replace the list with ``SCT_SPID_IDP`` (the same keys) when AgID's registry changes. The order is
random at every rendering, as AgID's button does, so that no provider is favoured.
"""

import random

from django.conf import settings

PROVIDER = (
    ("ArubaPEC S.p.A.", "https://loginspid.aruba.it", "spid-idp-arubaid.svg"),
    ("Etna Hitech S.C.p.A.", "https://id.eht.eu", "spid-idp-etnaid.svg"),
    ("InfoCamere S.C.p.A.", "https://loginspid.infocamere.it", "spid-idp-infocamereid.svg"),
    ("InfoCert S.p.A.", "https://identity.infocert.it", "spid-idp-infocertid.svg"),
    ("IN.TE.S.A. S.p.A.", "https://spid.intesa.it", "spid-idp-intesaid.svg"),
    ("Intesi Group S.p.A.", "https://spid.intesigroup.com", "spid-idp-intesigroupspid.svg"),
    ("Lepida S.p.A.", "https://id.lepida.it/idp/shibboleth", "spid-idp-lepidaid.svg"),
    ("Namirial", "https://idp.namirialtsp.com/idp", "spid-idp-namirialid.svg"),
    ("Poste Italiane SpA", "https://posteid.poste.it", "spid-idp-posteid.svg"),
    ("Sielte S.p.A.", "https://identity.sieltecloud.it", "spid-idp-sielteid.svg"),
    ("Register.it S.p.A.", "https://spid.register.it", "spid-idp-spiditalia.svg"),
    ("TeamSystem s.p.a.", "https://spid.teamsystem.com/idp", "spid-idp-teamsystemid.svg"),
    ("TI Trust Technologies srl", "https://login.id.tim.it/affwebservices/public/saml2sso", "spid-idp-timid.svg"),
)

COLLEGAMENTI_INFORMATIVI = (
    ("Maggiori informazioni", "https://www.spid.gov.it"),
    ("Non hai SPID?", "https://www.spid.gov.it/cos-e-spid/come-attivare-spid/"),
    ("Serve aiuto?", "https://www.spid.gov.it/serve-aiuto"),
)


def _configurati():
    voci = getattr(settings, "SCT_SPID_IDP", None)
    if voci:
        return [(v["organization_name"], v["entity_id"], v["logo"]) for v in voci]
    return list(PROVIDER)


def provider_spid():
    """``[{"nome", "entity_id", "logo"}]`` in a random order."""
    voci = [
        {"nome": nome, "entity_id": entity_id, "logo": f"identita/spid/{logo}"}
        for nome, entity_id, logo in _configurati()
    ]
    random.shuffle(voci)  # noqa: S311 - presentation order, not security
    return voci


def provider_noto(entity_id: str) -> bool:
    return any(entity_id == voce[1] for voce in _configurati())

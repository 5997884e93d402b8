"""The one answer to "which contracts does this user manage as banditore" (issue 16)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from contratti.models import ContrattoPage
from contratti.permessi import e_banditore
from organizzazioni.permessi import contratti_gestiti_ids

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "attesi"),
    [("banditore", ["sct"]), ("banditore2", ["secondo"]), ("editor", []), ("aderente", [])],
)
def test_contratti_gestiti_per_utente(demo, username, attesi):
    user = demo.user(username)
    ids = contratti_gestiti_ids(user)
    assert ids == sorted(getattr(demo, nome).pk for nome in attesi)
    # Contract by contract, the same answer as the permission every view asks.
    for contratto in ContrattoPage.objects.all():
        assert (contratto.pk in ids) == e_banditore(user, contratto)


def test_anonimo_non_gestisce_nulla(demo):
    assert contratti_gestiti_ids(AnonymousUser()) == []


def test_utente_disattivato_non_gestisce_nulla(demo):
    user = demo.user("banditore")
    user.is_active = False
    user.save()
    assert contratti_gestiti_ids(user) == []


def test_contratto_non_pubblicato_resta_gestito(demo):
    demo.sct.unpublish()
    assert contratti_gestiti_ids(demo.user("banditore")) == [demo.sct.pk]

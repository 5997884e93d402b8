from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import registra


class Command(BaseCommand):
    help = (
        "Azzera la verifica in due passaggi di un utente (dispositivo perso): al prossimo accesso all'admin "
        "gli sarà mostrato un nuovo codice QR."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"Utente «{username}» inesistente.") from exc
        eliminati, _ = TOTPDevice.objects.filter(user=user).delete()
        registra("identita.due_fattori.azzerato", user, dati={"dispositivi": eliminati})
        self.stdout.write(f"Dispositivi eliminati per {username}: {eliminati}.")

import logging

from django.apps import AppConfig


class DocumentiConfig(AppConfig):
    name = "documenti"
    verbose_name = "Documenti privati e firme"

    def ready(self):
        # pyHanko logs a full traceback (WARNING) for every certificate that chains to no trust root:
        # for us that is an ordinary outcome ("firma non attendibile"), recorded on the document.
        # An explicit level in settings.LOGGING wins.
        # Likewise a refused incremental update after a signature ("firma modificata").
        for nome in ("pyhanko.sign.validation.generic_cms", "pyhanko_certvalidator", "pyhanko.sign.diff_analysis"):
            logger = logging.getLogger(nome)
            if logger.level == logging.NOTSET:
                logger.setLevel(logging.ERROR)

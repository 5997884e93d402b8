from django.conf import settings


def sito(request):
    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "SIMULATED_SPID": settings.SCT_SIMULATED_SPID,
    }

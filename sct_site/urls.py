from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views

auth_patterns = [
    path("accedi/", auth_views.LoginView.as_view(template_name="account/login.html"), name="login"),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reimposta/",
        auth_views.PasswordResetView.as_view(
            template_name="account/password_reset.html",
            email_template_name="account/email/password_reset.txt",
            subject_template_name="account/email/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reimposta/inviata/",
        auth_views.PasswordResetDoneView.as_view(template_name="account/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reimposta/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="account/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "password/reimposta/completata/",
        auth_views.PasswordResetCompleteView.as_view(template_name="account/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documenti/", include(wagtaildocs_urls)),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include("home.urls")),  # /health/, /area-riservata/
    path("account/", include(auth_patterns)),
    path("documenti-privati/", include("documenti.urls")),
    path("anac/", include("anac.urls")),
    path("comunicazioni/", include("comunicazioni.urls")),
    path("esiti/", include("esiti.urls")),
    path("identita/", include("identita.urls")),
    path("audit/", include("audit.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

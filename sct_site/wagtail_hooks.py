"""The admin forms of every model use the site's amount and date fields (sct_site/forms.py)."""

from django.db import models
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.widgets import AdminDateInput

from .forms import DataAdminField, ImportoAdminField

register_form_field_override(models.DecimalField, override={"form_class": ImportoAdminField})
# Wagtail's own override of DateField sets its date widget: kept.
register_form_field_override(
    models.DateField, override={"form_class": DataAdminField, "widget": AdminDateInput}, exact_class=True
)

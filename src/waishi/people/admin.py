"""Read-only admin views: every write goes through the services (audited, permission-checked),
and numbers appear masked only."""

from django.contrib import admin

from waishi.people.models import Passport, Person


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "passport_name", "unit", "rank", "id_number_masked", "version"]
    list_filter = ["rank", "retired"]
    search_fields = ["name", "surname_pinyin"]
    list_select_related = ["unit"]
    exclude = ["id_number", "id_number_digest"]
    readonly_fields = ["id_number_masked"]


@admin.register(Passport)
class PassportAdmin(ReadOnlyAdmin):
    list_display = ["person", "kind", "number_masked", "expires_on", "custody"]
    list_filter = ["kind", "custody"]
    list_select_related = ["person"]
    exclude = ["number", "number_digest"]
    readonly_fields = ["number_masked"]

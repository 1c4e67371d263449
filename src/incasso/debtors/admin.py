from django.contrib import admin

from incasso.debtors.models import Address, BankAccount, ContactPoint, Debtor


class AddressInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Address
    extra = 0


class ContactPointInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ContactPoint
    extra = 0


class BankAccountInline(admin.TabularInline):  # type: ignore[type-arg]
    model = BankAccount
    extra = 0


@admin.register(Debtor)
class DebtorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "kind", "date_of_birth", "kvk_number"]
    search_fields = ["last_name", "organisation_name"]
    inlines = [AddressInline, ContactPointInline, BankAccountInline]

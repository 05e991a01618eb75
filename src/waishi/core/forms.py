"""Forms of the administration, token and audit pages. They clean input; services decide and write.

Labels reuse the models' verbose names where one exists, so both languages stay in one place.
"""

from django import forms
from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from waishi.core.models import Unit, User
from waishi.core.roles import Role

INDENT = "\u3000"  # an ideographic space: indents Chinese names evenly


def label_of(model, field: str):
    return capfirst(model._meta.get_field(field).verbose_name)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Indented by depth so a plain <select> reads as the unit tree.
        return f"{INDENT * obj.depth}{obj.name} ({obj.code})"


def add_service_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- units -------------------------------------------------------------------------------------


class UnitForm(forms.Form):
    """Create (with code and parent) or edit (with the fingerprint the form was rendered from)."""

    code = forms.CharField(label=label_of(Unit, "code"), max_length=32)
    parent = UnitChoiceField(queryset=Unit.objects.none(), label=label_of(Unit, "parent"))
    name = forms.CharField(label=label_of(Unit, "name"), max_length=100)
    name_en = forms.CharField(label=label_of(Unit, "name_en"), max_length=200, required=False)
    kind = forms.ChoiceField(label=label_of(Unit, "kind"), choices=Unit.Kind.choices)
    fingerprint = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, parents=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # a code is referenced by commands and audit events; a move has its own form
            del self.fields["code"], self.fields["parent"]
        else:
            del self.fields["fingerprint"]
            self.fields["parent"].queryset = parents

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if Unit.objects.filter(code=code).exists():
            raise ValidationError(_("A unit with this code already exists."))
        return code


class UnitMoveForm(forms.Form):
    parent = UnitChoiceField(
        queryset=Unit.objects.none(), label=_("New parent unit"), empty_label=None
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, unit: Unit, parents, **kwargs):
        super().__init__(*args, **kwargs)
        # The unit's own subtree is left out: a unit cannot go under itself.
        self.fields["parent"].queryset = parents.exclude(path__startswith=unit.path)


class FingerprintForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput)


# --- users -------------------------------------------------------------------------------------

ACTIVE_CHOICES = [("", _("Active and inactive")), ("yes", _("Active")), ("no", _("Inactive"))]


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = UnitChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("Unit"), empty_label=_("All units")
    )
    role = forms.ChoiceField(
        choices=[("", _("All roles")), *Role.choices], required=False, label=_("Role")
    )
    active = forms.ChoiceField(choices=ACTIVE_CHOICES, required=False, label=_("Status"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def filters(self) -> dict:
        """Selector arguments; an invalid part of the input is ignored, not fatal."""
        self.is_valid()
        data = self.cleaned_data
        active = {"yes": True, "no": False}.get(data.get("active") or "")
        return {
            "search": (data.get("q") or "").strip(),
            "unit": data.get("unit"),
            "role": data.get("role") or "",
            "active": active,
        }


class PasswordFields(forms.Form):
    """Two password inputs checked against each other and Django's password validators."""

    password1 = forms.CharField(
        label=_("Password"), required=False, strip=False, widget=forms.PasswordInput
    )
    password2 = forms.CharField(
        label=_("Password again"), required=False, strip=False, widget=forms.PasswordInput
    )
    password_required = True

    def user_for_validation(self) -> User:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if not self.password_required:
            return data
        first, second = data.get("password1"), data.get("password2")
        if not first:
            self.add_error("password1", _("Enter a password."))
        elif first != second:
            self.add_error("password2", _("The two passwords differ."))
        else:
            try:
                validate_password(first, self.user_for_validation())
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class UserForm(PasswordFields):
    """Create (username, password or "set later") or edit (name, unit, e-mail)."""

    PASSWORD_NOW, PASSWORD_LATER = "now", "later"

    username = forms.CharField(
        label=label_of(User, "username"),
        max_length=150,
        validators=User._meta.get_field("username").validators,
    )
    full_name = forms.CharField(label=label_of(User, "full_name"), max_length=64)
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=label_of(User, "unit"))
    email = forms.EmailField(label=label_of(User, "email"), required=False)
    password_choice = forms.ChoiceField(
        label=_("Initial password"),
        choices=[
            (PASSWORD_NOW, _("Set it now")),
            (PASSWORD_LATER, _("Set it later (the account cannot sign in until then)")),
        ],
        initial=PASSWORD_NOW,
        widget=forms.RadioSelect,
    )

    field_order = ["username", "full_name", "unit", "email", "password_choice"]

    def __init__(self, *args, units, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if editing:  # the username names the actor in audit events: it never changes
            for name in ("username", "password_choice", "password1", "password2"):
                del self.fields[name]

    @property
    def password_required(self):
        return "password_choice" in self.fields and (
            self.data.get("password_choice", self.PASSWORD_NOW) == self.PASSWORD_NOW
        )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This user name is taken."))
        return username

    def user_for_validation(self) -> User:
        data = self.cleaned_data
        return User(
            username=data.get("username", ""),
            full_name=data.get("full_name", ""),
            email=data.get("email", ""),
        )

    def password(self) -> str | None:
        return self.cleaned_data["password1"] if self.password_required else None


class SetPasswordForm(PasswordFields):
    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def user_for_validation(self) -> User:
        return self.user


# --- API tokens --------------------------------------------------------------------------------


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is it for?"),
        max_length=64,
        help_text=_("For example: the statistics spreadsheet of the district office."),
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(30, _("30 days")), (90, _("90 days")), (365, _("one year"))],
        initial=90,
    )


# --- the audit log -----------------------------------------------------------------------------


def object_type_choices():
    """The project's models, as the audit log names them (e.g. "people.person")."""
    models = [m for m in apps.get_models() if m.__module__.startswith("waishi.")]
    choices = sorted(
        (m._meta.label_lower, f"{m._meta.verbose_name} · {m._meta.label_lower}") for m in models
    )
    return [("", _("All object types")), *choices]


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    actor = forms.CharField(label=_("Actor (user name)"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=64,
        help_text=_('The beginning is enough: "unit." finds every change to units.'),
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False, choices=())
    unit = UnitChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Unit (with sub-units)"),
        empty_label=_("All units"),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["object_type"].choices = object_type_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        """Selector arguments from the valid fields; an invalid field filters nothing."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "actor": (data.get("actor") or "").strip(),
            "action": (data.get("action") or "").strip(),
            "object_type": data.get("object_type") or "",
            "unit": data.get("unit"),
        }

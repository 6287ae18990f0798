"""Personal data on request (RGPD articles 15, 17 and 20): what the portal holds about a
person, exported for them, and erased when they ask.

The shell knows every app, so it finds a person's data by reflection: every row of the
network's apps that points to their account, less the network's secrets and other people's
identities. Erasure anonymises the account, removes what only makes sense with a person behind
it (memberships, invitations, access requests, the login audit, the person's place as a
partner's correspondent for the network) and detaches the audit history
from the account; contributions that belong to the network's record (an action posted for a
partner, minutes) stay, without a name, and their free text is not scanned for it.
"""

import json

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import registered_models

from partners.emails import normalize_email
from partners.history import authored
from partners.models import AccessRequest, Invitation, Membership, Partner
from plenaries.models import ConvocationDelivery

NETWORK_APPS = ("partners", "plenaries", "workgroups")
# What replaces an erased address in the log of the convocations: the log keeps that the
# partner was reached by email, not at which address.
ERASED_ADDRESS = "adresse effacée"
ACCOUNT_FIELDS = ["email", "first_name", "last_name", "date_joined", "last_login"]
ERASED_DOMAIN = "efface.utopia.invalid"

# What an export never carries, even in a row the person made. A running election's tie-break
# seed is the network's secret until the results reveal it (commit then reveal): a copy before
# the count would tell its opener how a tie will be drawn. Other people's addresses (the people
# the member invited, the applicants whose access a staff member decided) and names are
# theirs, not the exported person's (RGPD article 15.4): the export says that the person
# invited someone, when and to which partner, not who.
SECRET_FIELDS = {"tie_seed"}
# Per model (history copies included): fields that name someone other than the person.
OTHER_PERSONS_FIELDS = {
    "partners.AccessRequest": {"full_name"},
    # An account's history row made by the person (a staff member editing someone's account).
    settings.AUTH_USER_MODEL: {"first_name", "last_name"},
}


def _user_relations():
    """(model, field) for every field of the network's apps that points to a user."""
    User = get_user_model()
    for label in NETWORK_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if (
                    getattr(field, "concrete", False)
                    and field.is_relation
                    and field.related_model is User
                    and (field.many_to_one or field.one_to_one or field.many_to_many)
                ):
                    yield model, field


def _withheld_fields(instance, *, user) -> set[str]:
    # A history row stands for the model it copies (django-simple-history's instance_type).
    model = getattr(instance, "instance_type", type(instance))
    withheld = set(SECRET_FIELDS)
    withheld.update(
        field.name for field in model._meta.concrete_fields if isinstance(field, models.EmailField)
    )
    about_the_person = model is type(user) and getattr(instance, "id", None) == user.pk
    if not about_the_person:
        withheld |= OTHER_PERSONS_FIELDS.get(model._meta.label, set())
    return withheld


def _row(instance, *, user) -> dict:
    """The row's fields, less the secrets and other people's identities; the person's own
    address and names are in the export's account section."""
    withheld = _withheld_fields(instance, user=user)
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in withheld:
            continue
        value = field.value_from_object(instance)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        data[field.name] = value
    return data


def personal_data_export(*, user) -> dict:
    """Everything the network's apps hold that points to this account, as plain data."""
    export = {
        "compte": {name: getattr(user, name) for name in ACCOUNT_FIELDS},
        "exporte_le": timezone.now(),
        "donnees": {},
        **(correspondent_data_export(email=user.email) if user.email else {}),
    }
    for model, field in _user_relations():
        rows = model._default_manager.filter(**{field.name: user})
        if field.many_to_many:
            rows = rows.distinct()
        key = f"{model._meta.verbose_name_plural} ({field.verbose_name})"
        found = [_row(row, user=user) for row in rows]
        if found:
            export["donnees"][str(key)] = found
    return export


def personal_data_json(*, user) -> str:
    return json.dumps(
        personal_data_export(user=user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )


def _written_as(queryset, field: str, email: str):
    """The rows of `queryset` whose `field` holds `email` in any case ("Marie@Exemple.FR" as
    typed into a login form or stored by an older path), and not a look-alike: a case-blind match
    in the database would take those too (PostgreSQL folds the dotless "ı" to "I"). The rows
    whose local part matches are read and compared in the address's one written form."""
    local = email.partition("@")[0]
    candidates = queryset.filter(**{f"{field}__istartswith": f"{local}@"})
    ids = [pk for pk, value in candidates.values_list("pk", field) if _written_form(value) == email]
    return queryset.filter(pk__in=ids)


def _written_form(value: str) -> str | None:
    try:
        return normalize_email(value)
    except ValidationError:
        return None


# --- Correspondents for the network: people who may have no account --------------------------


def _deliveries_to(email: str) -> list[ConvocationDelivery]:
    """The log rows of the convocations sent to `email` (one address a line)."""
    rows = ConvocationDelivery.objects.filter(addresses__contains=email).select_related(
        "partner", "convocation__plenary"
    )
    return [row for row in rows if email in row.address_list]


def correspondent_data_export(*, email: str) -> dict:
    """What the portal holds about the person at `email` as a partner's correspondent for the
    network (with or without an account): the partners they correspond for, with the name and
    postal address given, and the convocations sent to that address."""
    return {
        "correspondant_pour": [
            {
                "partenaire": partner.name,
                "nom": partner.correspondent_name,
                "adresse_electronique": partner.correspondent_email,
                "adresse_postale": partner.correspondent_address,
                "recoit_la_lettre_mensuelle": partner.correspondent_receives_digest,
            }
            for partner in Partner.objects.filter(correspondent_email=email).order_by("name")
        ],
        "convocations_recues": [
            {
                "pleniere": str(delivery.convocation.plenary),
                "envoi": delivery.convocation.get_kind_display(),
                "pour": delivery.partner.name,
                "le": delivery.recorded_at,
            }
            for delivery in _deliveries_to(email)
        ],
    }


def correspondent_data_json(*, email: str) -> str:
    return json.dumps(
        {"adresse": email, "exporte_le": timezone.now(), **correspondent_data_export(email=email)},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        indent=2,
    )


@transaction.atomic
def correspondent_erase(*, email: str, by) -> dict:
    """Erase the person at `email` as a correspondent: the partners they correspond for lose
    their correspondent (name, address, postal address; the audit history never kept them),
    and the log of the convocations keeps that the partner was reached, not at which
    address."""
    if not email:
        return {"correspondant": 0, "journal_convocations": 0}
    partners = 0
    for partner in Partner.objects.filter(correspondent_email=email):
        partner.correspondent_name = ""
        partner.correspondent_email = ""
        partner.correspondent_address = ""
        authored(partner, by=by).save()
        partners += 1
    deliveries = 0
    for delivery in _deliveries_to(email):
        delivery.addresses = "\n".join(
            ERASED_ADDRESS if address == email else address for address in delivery.address_list
        )
        delivery.save(update_fields=["addresses"])
        deliveries += 1
    return {"correspondant": partners, "journal_convocations": deliveries}


def _login_audit_erase(*, email: str) -> int:
    """django-axes' rows about this login name: each login and failure, with the IP address,
    the browser and the time. The login name is stored as typed."""
    if not email:
        return 0
    return sum(
        _written_as(model.objects.all(), "username", email).delete()[0]
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    )


def _history_models():
    for model in registered_models.values():
        yield getattr(model, model._meta.simple_history_manager_attribute).model


def _history_unlink(*, user) -> int:
    """Every audit-history row made by the person (history_user) or about them (a copy of a
    membership, a candidacy, an action they created) stops pointing at their account."""
    unlinked = 0
    for history_model in _history_models():
        for field in history_model._meta.concrete_fields:
            if field.is_relation and field.related_model is type(user):
                unlinked += history_model.objects.filter(**{field.name: user}).update(
                    **{field.name: None}
                )
    return unlinked


@transaction.atomic
def personal_data_erase(*, user, by) -> dict:
    """Anonymise the account and erase what is kept about the person elsewhere: memberships,
    invitations and access requests to their address, the login audit, and in the audit
    history their former names and addresses and every link to their account. Free text they
    wrote (an action's body, a message) is the partner's or the group's content and is not
    scanned for their name. Returns what was done, for the staff member's message."""
    email = user.email
    done = {
        # One by one, so that the history row of each names who erased it.
        "adhesions": sum(
            authored(membership, by=by).delete()[0]
            for membership in Membership.objects.filter(user=user)
        ),
        "invitations": _written_as(Invitation.objects.all(), "email", email).delete()[0]
        if email
        else 0,
        "demandes_acces": (
            _written_as(AccessRequest.objects.all(), "email", email).delete()[0] if email else 0
        ),
        "journal_connexions": _login_audit_erase(email=email),
        **correspondent_erase(email=email, by=by),
    }
    user.first_name = ""
    user.last_name = ""
    user.email = f"personne-{user.pk}@{ERASED_DOMAIN}"
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    authored(user, by=by).save()
    done["compte"] = 1
    # The audit trail kept copies of the account, of the invitations and of the access
    # requests: erasure reaches them too, leaving only the account's anonymised state. Rows the
    # person saved elsewhere keep pointing at the now anonymous account; their history copies
    # no longer do.
    User = type(user)
    User.history.filter(id=user.pk).exclude(
        history_id=User.history.filter(id=user.pk).latest().history_id
    ).delete()
    if email:
        Invitation.history.filter(email__iexact=email).delete()
        AccessRequest.history.filter(email__iexact=email).delete()
    done["historique"] = _history_unlink(user=user)
    return done

"""One error pattern for every form of the portal (after the GOV.UK and DSFR error summary).

base.html asks these tags about the page: any bound form of its context that was refused gives
"Erreur : " before the page's title and a summary at the top of the page, each error a link to
its field (a plain anchor to the field's id, so it works without JavaScript). The message next to
the field and its aria-describedby come from crispy-forms and Django's BoundField.
"""

from dataclasses import dataclass

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class SummaryError:
    target: str
    label: str
    message: str


def refused_forms(context) -> list[forms.BaseForm]:
    found, seen = [], set()
    for value in context.flatten().values():
        # type(), not isinstance(): isinstance() would evaluate the context's lazy objects
        # (the CSRF token, the user), and a page that touches its CSRF token is no longer
        # cached for the public.
        if issubclass(type(value), forms.BaseForm) and id(value) not in seen:
            seen.add(id(value))
            if value.is_bound and value.errors:
                found.append(value)
    return found


def _target(bound: forms.BoundField) -> str:
    if bound.field.widget.use_fieldset:
        # A group of inputs (checkboxes, radio buttons, date parts): its first one, as Django
        # numbers them from 0.
        return f"{bound.auto_id}_0"
    return bound.id_for_label or bound.auto_id


def _first_visible_field(form: forms.BaseForm) -> forms.BoundField | None:
    return next(iter(form.visible_fields()), None)


def summary_errors(form: forms.BaseForm) -> list[SummaryError]:
    errors = []
    first = _first_visible_field(form)
    for name, messages in form.errors.items():
        bound = form[name] if name in form.fields else None
        if bound is None or bound.is_hidden:
            # A message about the whole form (or a hidden field) points at its first field.
            target, label = (_target(first) if first else ""), ""
        else:
            target, label = _target(bound), str(bound.label or "")
        errors.extend(SummaryError(target, label, str(message)) for message in messages)
    return errors


@register.simple_tag(takes_context=True)
def page_has_errors(context) -> bool:
    return bool(refused_forms(context))


@register.inclusion_tag("_error_summary.html", takes_context=True)
def error_summary(context):
    errors = [error for form in refused_forms(context) for error in summary_errors(form)]
    return {"errors": errors, "count": len(errors)}


@register.filter
def details_open(form: forms.BaseForm, names: str) -> bool:
    """Whether a folded part of `form` (its comma-separated field names) holds an error, so
    that the page opens it rather than hiding the message."""
    return bool(form.is_bound and set(names.split(",")) & set(form.errors))

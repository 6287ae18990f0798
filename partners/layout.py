"""crispy-forms layout objects of the portal's long forms."""

from crispy_forms.layout import Fieldset


class Folded(Fieldset):
    """An optional part of a long form, folded under its heading (<details>). It is open when
    one of its fields was refused, so that no error is hidden, or already holds something, so
    that what the page says is in sight."""

    template = "%s/layout/folded.html"

    def render(self, form, context, *args, **kwargs):
        names = {name for name in self.fields if isinstance(name, str)}
        refused = form.is_bound and names & set(form.errors)
        self.is_open = bool(refused or any(form[name].value() for name in names))
        return super().render(form, context, *args, **kwargs)

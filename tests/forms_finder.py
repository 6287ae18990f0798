"""Find the POST forms of a page and the fields a person would fill in."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": [],
            }
        elif self._form is None:
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            name = attrs.get("name")
            if not name or kind in ("submit", "button", "reset", "image"):
                return
            self._form["fields"].append(
                {
                    "name": name,
                    "kind": kind,
                    "value": attrs.get("value", ""),
                    "checked": "checked" in attrs,
                    "hidden_honeypot": attrs.get("tabindex") == "-1",
                }
            )
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = {"name": attrs["name"], "kind": "textarea", "value": ""}
            self._form["fields"].append(self._textarea)
        elif tag == "select" and attrs.get("name"):
            self._select = {
                "name": attrs["name"],
                "kind": "select",
                "options": [],
                "multiple": "multiple" in attrs,
            }
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(html)
    return [form for form in parser.forms if form["method"] == "post"]


def fill(form: dict, text: str) -> dict:
    """Every free-text field gets `text`; choices keep a valid value; honeypots stay empty."""
    data: dict[str, list[str] | str] = {}
    for field in form["fields"]:
        name, kind = field["name"], field["kind"]
        if kind == "hidden":
            data[name] = field["value"]
        elif kind in ("checkbox", "radio"):
            if field.get("checked") or kind == "radio":
                data.setdefault(name, field["value"] or "on")
        elif kind == "select":
            options = [value for value in field["options"] if value]
            if options:
                data[name] = options[0]
        elif kind == "file":
            continue
        elif field.get("hidden_honeypot"):
            data[name] = ""
        else:
            data[name] = text
    return data

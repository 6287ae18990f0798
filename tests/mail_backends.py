"""A mail server that refuses some addresses, for the tests of what a refusal leaves behind."""

import smtplib

from django.core.mail.backends import locmem


class RefusingBackend(locmem.EmailBackend):
    """The test outbox, except that a message to an address in `refused` is refused as an SMTP
    server refuses it (the class attribute is set by the `refusing_mail_server` fixture)."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            refused = set(message.to) & self.refused
            if refused:
                raise smtplib.SMTPRecipientsRefused(
                    dict.fromkeys(refused, (550, b"Mailbox unavailable"))
                )
        return super().send_messages(messages)

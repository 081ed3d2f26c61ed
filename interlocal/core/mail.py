"""Development mail: each message written to a file under var/mail/ as a person reads it.

Django's file backend writes the encoded message, whose quoted-printable soft line breaks cut
long links (a registrant's confirmation link) in two. This writes the headers and the plain
body instead, so the link can be copied from the file.
"""

from typing import Any

from django.core.mail.backends.filebased import EmailBackend


class ReadableFileBackend(EmailBackend):
    def write_message(self, message: Any) -> None:
        text = (
            f"Subject: {message.subject}\nFrom: {message.from_email}\n"
            f"To: {', '.join(message.to)}\n\n{message.body}\n" + "-" * 79 + "\n"
        )
        self.stream.write(text.encode())  # type: ignore[arg-type]  # opened in binary mode

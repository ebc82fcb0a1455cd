"""A real SMTP server for the email tests: aiosmtpd on a free loopback port, in a thread.

server = SmtpServer()          # picks a free port on 127.0.0.1, not yet listening
server.start()                 # accept mail; server.messages holds what arrived
server.refuse.add("x@y.org")   # answer RCPT TO for that address with 550
server.stop()                  # nothing listens on the port any more
"""

from __future__ import annotations

import email
import socket
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.server.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.server.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        if self._controller is None:
            self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
            self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a received message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (text.get_content() if text else "", html.get_content() if html else "")

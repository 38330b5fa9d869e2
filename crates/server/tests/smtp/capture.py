"""A real SMTP server for the e-mail tests (aiosmtpd): listens on 127.0.0.1 at a free port,
prints the port on its first line of stdout, and writes every message it accepts to
DIR/<n>.eml exactly as received (the DATA bytes). A recipient whose local part starts with
`reject` is refused with a permanent 550, as a real server refuses an unknown mailbox.

Usage: python3 capture.py DIR
"""

import asyncio
import os
import socket
import sys

from aiosmtpd.controller import Controller


class Capture:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@", 1)[0].lower().startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.directory, "%d.eml" % self.count)
        tmp = path + ".part"
        with open(tmp, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.replace(tmp, path)  # the test sees a whole file or none
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    directory = sys.argv[1]
    port = free_port()
    controller = Controller(Capture(directory), hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    print(port, flush=True)
    try:
        # Runs until the test kills it (or its stdin closes).
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()

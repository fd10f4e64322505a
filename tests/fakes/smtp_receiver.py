"""An SMTP server on loopback for the mail tests (aiosmtpd).

Every accepted message is written to DIR/NNNN/ (the directory appears complete, by a
rename): raw.eml as received, envelope (MAIL FROM, then one RCPT per line), and what a
mail reader would show, decoded by Python's e-mail parser: subject, from, to, message_id,
date, structure (the content types), text and html (with "\n" line ends).

  --fail-first N   answer 451 to the first N messages (a transient failure)
  recipients starting with "reject" are refused at RCPT with 550 (a permanent one)

Prints "READY <port>" once listening; stops when its standard input closes, so it never
outlives the test that started it.
"""

import argparse
import asyncio
import email
import email.policy
import os
import sys

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, directory, fail_first):
        self.directory = directory
        self.fail_first = fail_first
        self.offered = 0
        self.stored = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.offered += 1
        if self.offered <= self.fail_first:
            return "451 4.3.0 Try again later"
        self.stored += 1
        final = os.path.join(self.directory, "%04d" % self.stored)
        temporary = final + ".tmp"
        os.makedirs(temporary)
        raw = envelope.original_content
        files = {"raw.eml": raw,
                 "envelope": "\n".join([envelope.mail_from] + envelope.rcpt_tos).encode()}
        message = email.message_from_bytes(raw, policy=email.policy.default)
        for name, header in (("subject", "Subject"), ("from", "From"), ("to", "To"),
                             ("message_id", "Message-ID"), ("date", "Date")):
            files[name] = str(message.get(header, "")).encode()
        files["structure"] = "\n".join(part.get_content_type()
                                       for part in message.walk()).encode()
        for name, kind in (("text", "plain"), ("html", "html")):
            part = message.get_body(preferencelist=(kind,))
            content = part.get_content() if part is not None else ""
            files[name] = content.replace("\r\n", "\n").encode()
        for name, content in files.items():
            with open(os.path.join(temporary, name), "wb") as out:
                out.write(content)
        os.rename(temporary, final)
        return "250 Message accepted"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    handler = Handler(args.dir, args.fail_first)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="receiver.test", decode_data=False),
        host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    print("READY %d" % port, flush=True)
    await loop.run_in_executor(None, sys.stdin.buffer.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())

"""A mail server for the local stack that keeps every message as a file.

    python deploy/local/mailsink.py --port 8025 --dir .stack/mail

The stack sends mail as production does, over SMTP (`EMAIL_URL=smtp://…`;
`check --deploy` refuses the console backend), and this answers: each
message is written to DIR as <time>-<n>.eml, so the smoke script can read
what the task worker sent. Never delivers anything anywhere. Standard
library only (asyncio); plain SMTP without TLS or authentication, on
127.0.0.1 only.
"""

import argparse
import asyncio
import itertools
import time
from pathlib import Path

counter = itertools.count(1)


async def session(reader, writer, folder):
    def reply(line):
        writer.write(line.encode() + b"\r\n")

    reply("220 localhost portal-mailsink")
    while line := await reader.readline():
        command = line.decode(errors="replace").strip().upper()
        if command.startswith("EHLO"):
            reply("250-localhost")
            reply("250-8BITMIME")
            reply("250 SMTPUTF8")
        elif command.startswith("DATA"):
            reply("354 end with <CRLF>.<CRLF>")
            await writer.drain()
            lines = []
            while (data := await reader.readline()) not in (b".\r\n", b".\n", b""):
                lines.append(data[1:] if data.startswith(b"..") else data)
            name = f"{time.time():.6f}-{next(counter)}.eml"
            (folder / name).write_bytes(b"".join(lines))
            reply("250 kept")
        elif command.startswith("QUIT"):
            reply("221 bye")
            await writer.drain()
            break
        else:  # HELO, MAIL, RCPT, RSET, NOOP: all fine
            reply("250 ok")
        await writer.drain()
    writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", required=True, type=Path)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    server = await asyncio.start_server(
        lambda reader, writer: session(reader, writer, args.dir),
        "127.0.0.1",
        args.port,
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())

"""An HTTP server on loopback for the webhook tests (Python's http.server).

Every POST is recorded to DIR/NNNN/ (the directory appears complete, by a rename): body as
received, headers (one "Name: value" per line, as sent), status (the answer given).

  --fail-first N   answer 500 to the first N requests, then 204
  --fail-always    answer 500 to every request

Prints "READY <port>" once listening; stops when its standard input closes, so it never
outlives the test that started it.
"""

import argparse
import http.server
import os
import sys
import threading


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-always", action="store_true")
    args = parser.parse_args()
    state = {"received": 0}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                state["received"] += 1
                n = state["received"]
            status = 500 if args.fail_always or n <= args.fail_first else 204
            final = os.path.join(args.dir, "%04d" % n)
            temporary = final + ".tmp"
            os.makedirs(temporary)
            headers = "".join("%s: %s\n" % (k, v) for k, v in self.headers.items())
            for name, data in (("body", body), ("headers", headers.encode()),
                               ("status", str(status).encode())):
                with open(os.path.join(temporary, name), "wb") as f:
                    f.write(data)
            os.rename(temporary, final)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *unused):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("READY %d" % server.server_address[1], flush=True)
    sys.stdin.read()  # returns when the test closes the pipe
    server.shutdown()


if __name__ == "__main__":
    main()

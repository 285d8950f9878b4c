"""A fake Graph API (Messenger's Send API) on 127.0.0.1 for the tests: no test touches the internet.

`POST /v21.0/me/messages?access_token=TOKEN` is answered as Meta does (`{"recipient_id", "message_id"}`), and each
message recorded with the person's id and text. `script[psid]` answers that person otherwise, once per entry:
"429" (rate limited), "613" (Meta's "calls exceeded" code), "500", "503", "window" (outside the 24-hour window),
"drop" (the connection closed without an answer). A wrong token gets Meta's 190."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = "EAAB-test-page-token"


@dataclass
class FakeGraphApi:
    script: dict[str, list[str]] = field(default_factory=dict)
    arrivals: list[tuple[str, str, str, str]] = field(default_factory=list)  # (psid, text, messaging_type, answer)

    def __post_init__(self):
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                if parts.path != "/v21.0/me/messages":
                    return self._answer(404, {"error": {"message": "Unknown path", "code": 803}})
                if parse_qs(parts.query).get("access_token") != [TOKEN]:
                    return self._answer(400, {"error": {"message": "Invalid OAuth access token.", "code": 190}})
                payload = json.loads(body)
                psid = str(payload["recipient"]["id"])
                with fake._lock:
                    scripted = fake.script.get(psid)
                    step = scripted.pop(0) if scripted else "ok"
                    fake.arrivals.append((psid, payload["message"]["text"], payload.get("messaging_type"), step))
                if step == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                answers = {
                    "ok": (200, {"recipient_id": psid, "message_id": f"m_{len(fake.arrivals)}"}),
                    "429": (429, {"error": {"message": "Too many requests", "code": 4}}),
                    "613": (400, {"error": {"message": "Calls to this api have exceeded the rate limit.",
                                            "code": 613}}),
                    "500": (500, {"error": {"message": "An unexpected error has occurred.", "code": 1}}),
                    "503": (503, {"error": {"message": "Service temporarily unavailable", "code": 2}}),
                    "window": (400, {"error": {"message": "This message is sent outside of allowed window.",
                                               "code": 10, "error_subcode": 2018278}}),
                }
                return self._answer(*answers[step])

            def _answer(self, status, answer):
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v21.0"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def delivered_to(self, psid: str) -> list[str]:
        return [text for who, text, _type, answer in self.arrivals if who == str(psid) and answer == "ok"]

"""A fake Telegram Bot API on 127.0.0.1, for the tests and bench/bench_broadcast.py: no test touches the internet.

It answers `sendMessage` as Telegram does (`{"ok": true, "result": {...}}`), records when each message arrived and
for which chat, and can be told to answer a chat otherwise, once per entry of `script[chat_id]`: "429:N"
(retry_after N), "403", "400", "500", "503", "drop" (close the connection without an answer), "slow:S" (answer after
S seconds), "migrate:N" (400: the group became the supergroup N). `getChatMember` answers "administrator" for the
users in `admins[chat_id]`, "member" for anyone else. With `enforce=True` it checks Telegram's limits on arrival, as
Telegram does, and answers 429 to a message over one (counted in `over_limit`). `latency` delays every answer (a far
server)."""

import collections
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456:TEST-token"


@dataclass
class Arrival:
    at: float  # time.monotonic()
    chat_id: str
    text: str
    answered: str  # "ok", or what the script said


@dataclass
class FakeBotApi:
    enforce: bool = False
    latency: float = 0.0
    per_second: int = 30
    chat_seconds: float = 1.0
    script: dict[str, list[str]] = field(default_factory=dict)
    arrivals: list[Arrival] = field(default_factory=list)
    over_limit: int = 0
    webhooks: list[dict] = field(default_factory=list)  # what setWebhook was given
    #: getChatMember: the administrators of each group (chat id -> user ids); anyone else is a "member". A chat
    #: id in `members_down` is answered 500.
    admins: dict[int, set[int]] = field(default_factory=dict)
    members_down: set[int] = field(default_factory=set)
    member_calls: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._recent: collections.deque[float] = collections.deque()
        self._last_by_chat: dict[str, float] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Telegram

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.endswith(f"/bot{TOKEN}/setWebhook"):
                    fake.webhooks.append(json.loads(body))
                    return self._answer(200, {"ok": True, "result": True, "description": "Webhook was set"})
                if self.path.endswith(f"/bot{TOKEN}/getChatMember"):
                    return self._answer(*fake._member(json.loads(body)))
                if not self.path.endswith(f"/bot{TOKEN}/sendMessage"):
                    return self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                payload = json.loads(body)
                status, answer = fake._handle(str(payload.get("chat_id")), payload.get("text", ""))
                if status == 0:  # drop the connection, no answer
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                return self._answer(status, answer)

            def _answer(self, status, answer):
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _member(self, payload: dict) -> tuple[int, dict]:
        chat_id, user_id = payload.get("chat_id"), payload.get("user_id")
        self.member_calls.append((chat_id, user_id))
        if chat_id in self.members_down:
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        status = "administrator" if user_id in self.admins.get(chat_id, set()) else "member"
        return 200, {"ok": True, "result": {"status": status, "user": {"id": user_id, "is_bot": False}}}

    def _handle(self, chat_id: str, text: str) -> tuple[int, dict]:
        if self.latency:
            time.sleep(self.latency)
        with self._lock:
            now = time.monotonic()
            scripted = self.script.get(chat_id)
            step = scripted.pop(0) if scripted else "ok"
            if step == "ok" and self.enforce:
                while self._recent and now - self._recent[0] >= 1.0:
                    self._recent.popleft()
                last = self._last_by_chat.get(chat_id)
                if len(self._recent) >= self.per_second or (last is not None and now - last < self.chat_seconds):
                    self.over_limit += 1
                    step = "429:1"
            self.arrivals.append(Arrival(now, chat_id, text, step))
            if step == "ok":
                self._recent.append(now)
                self._last_by_chat[chat_id] = now
        if step == "ok":
            return 200, {"ok": True, "result": {"message_id": len(self.arrivals), "chat": {"id": chat_id}}}
        kind, _, value = step.partition(":")
        if kind == "429":
            return 429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {value}",
                         "parameters": {"retry_after": int(value)}}
        if kind == "slow":
            time.sleep(float(value))
            return 200, {"ok": True, "result": {"message_id": 0}}
        if kind == "drop":
            return 0, {}
        if kind == "migrate":  # the group became the supergroup `value`
            return 400, {"ok": False, "error_code": 400, "parameters": {"migrate_to_chat_id": int(value)},
                         "description": "Bad Request: group chat was upgraded to a supergroup chat"}
        descriptions = {"403": "Forbidden: bot was blocked by the user", "400": "Bad Request: chat not found",
                        "500": "Internal Server Error", "503": "Service Unavailable"}
        return int(kind), {"ok": False, "error_code": int(kind), "description": descriptions.get(kind, "")}

    # ---- what arrived --------------------------------------------------------------------------------------------

    def delivered(self) -> list[Arrival]:
        return [a for a in self.arrivals if a.answered in ("ok",) or a.answered.startswith("slow")]

    def delivered_to(self, chat_id: str) -> list[Arrival]:
        return [a for a in self.delivered() if a.chat_id == str(chat_id)]

    def max_in_any_second(self) -> int:
        """The most messages delivered within any one second (a sliding window)."""
        times = sorted(a.at for a in self.delivered())
        best, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

    def min_gap_per_chat(self) -> float | None:
        """The shortest time between two messages delivered to one chat (None when no chat got two)."""
        by_chat: dict[str, list[float]] = collections.defaultdict(list)
        for a in self.delivered():
            by_chat[a.chat_id].append(a.at)
        gaps = [later - earlier for times in by_chat.values() for earlier, later in zip(times, times[1:], strict=False)]
        return min(gaps) if gaps else None

    def chats_delivered_twice(self) -> int:
        """Chats that got the same text more than once."""
        seen = collections.Counter((a.chat_id, a.text) for a in self.delivered())
        return sum(1 for count in seen.values() if count > 1)

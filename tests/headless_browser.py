"""A tiny headless-Chromium driver for tests: the DevTools protocol over a stdlib websocket.

    with Browser.start() as b:                 # None from start() if chromium is not installed
        b.open(Path("results/leaderboard.html"))
        b.evaluate("document.title")
        b.click_element("#board thead th:nth-child(2)")   # a real mouse click at its centre

Chromium runs as `chromium --headless --no-sandbox --disable-gpu --remote-debugging-port=0` with
a throw-away profile; the port is read from the profile's DevToolsActivePort file. Only what the
tests need: text frames, one page, Runtime.evaluate and Input.dispatchMouseEvent.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


class WebSocket:
    def __init__(self, url: str, timeout: float = 30.0) -> None:
        assert url.startswith("ws://")
        hostport, _, path = url[5:].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert b" 101 " in head.split(b"\r\n")[0], head

    def _read(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("websocket closed")
            buf += chunk
        return buf

    def send(self, text: str) -> None:
        data, mask = text.encode(), os.urandom(4)
        n = len(data)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def recv(self) -> str:
        parts = []
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            n = struct.unpack(">H", self._read(2))[0] if n == 126 else \
                struct.unpack(">Q", self._read(8))[0] if n == 127 else n
            payload = self._read(n)
            if b0 & 0x0F in (0x1, 0x0):
                parts.append(payload)
                if b0 & 0x80:
                    return b"".join(parts).decode()


class Browser:
    def __init__(self, proc: subprocess.Popen, profile: str, ws: WebSocket) -> None:
        self.proc, self.profile, self.ws, self._id = proc, profile, ws, 0

    @classmethod
    def start(cls, timeout: float = 60.0) -> Browser | None:
        exe = find_chromium()
        if exe is None:
            return None
        profile = tempfile.mkdtemp(prefix="decay-suite-chromium-")
        proc = subprocess.Popen([exe, "--headless", "--no-sandbox", "--disable-gpu",
                                 "--remote-debugging-port=0", f"--user-data-dir={profile}",
                                 "--window-size=1400,900", "about:blank"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file, deadline = Path(profile) / "DevToolsActivePort", time.time() + timeout
        while not port_file.is_file() or not port_file.read_text().strip():
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"{exe} did not start its DevTools server")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as resp:
            pages = [t for t in json.load(resp) if t["type"] == "page"]
        return cls(proc, profile, WebSocket(pages[0]["webSocketDebuggerUrl"]))

    def call(self, method: str, **params) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]

    def evaluate(self, expr: str):
        res = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expr}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def open(self, path: Path, timeout: float = 30.0) -> None:
        self.call("Page.navigate", url=path.resolve().as_uri())
        deadline = time.time() + timeout
        while self.evaluate("document.readyState") != "complete" or \
                self.evaluate("location.protocol") != "file:":
            assert time.time() < deadline, "page did not load"
            time.sleep(0.05)

    def click_element(self, selector: str) -> None:
        """A left click with the mouse at the centre of the element (scrolled into view)."""
        x, y = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
                             "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); "
                             "return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

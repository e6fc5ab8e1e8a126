"""nginx from Debian in front of app workers, with the repository's own proxy settings
(``deploy/nginx/yishi-proxy.conf``), on a free loopback port."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.plugins.services import free_port, wait_for_port

from .paths import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

CONF = """\
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{user}
events {{ worker_connections 512; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; "" ""; }}
    upstream yishi {{
        least_conn;
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        include {snippet};
    }}
}}
"""


class Proxy:
    """nginx balancing over the app workers on ``ports`` (as deploy/nginx/yishi.conf does)."""

    def __init__(self, ports: list[int], folder: Path) -> None:
        if not os.path.exists(NGINX):
            pytest.fail(f"{NGINX} is missing: run `make system-deps` (apt-get install nginx-light)")
        self.port = free_port()
        self.folder = folder
        self.ports = ports
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in self.ports
        )
        conf = CONF.format(
            dir=self.folder,
            # as root nginx's workers would run as nobody, who cannot use the test's folder
            user="user root;" if os.geteuid() == 0 else "",
            servers=servers,
            port=self.port,
            snippet=ROOT / "deploy" / "nginx" / "yishi-proxy.conf",
        )
        (self.folder / "nginx.conf").write_text(conf)
        self.proc = subprocess.Popen(
            [NGINX, "-p", str(self.folder), "-e", str(self.folder / "error.log")]
            + ["-c", "nginx.conf"],
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / "stderr.log", "ab"),  # noqa: SIM115  (kept by the process)
        )
        wait_for_port(self.port, timeout=15)

    def connections_to_workers(self) -> int:
        """Open TCP connections from this machine to the workers' ports (nginx's side of its
        upstream connections; a websocket through the proxy counts too)."""
        ports = {f"{port:04X}" for port in self.ports}
        count = 0
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    remote_port, state = fields[2].rsplit(":", 1)[1], fields[3]
                    count += remote_port in ports and state == "01"  # ESTABLISHED
        return count

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.proc = None

"""TLS in front of a real member, for tests: certificates and a stunnel terminator.

Hazelcast's community edition speaks plain TCP only (TLS on members is an Enterprise
feature), so the harness puts `stunnel <https://www.stunnel.org>`_ in front of a member: the
client speaks TLS to stunnel, and stunnel speaks plain TCP to the member::

    from hztrio.testing.tls import make_tls_files, run_stunnel

    files = make_tls_files(tmp_path)
    with run_stunnel(member.address, files, mutual=True) as terminator:
        async with hztrio.HazelcastClient(
            cluster_name=cluster.cluster_name,
            cluster_members=[terminator.address],
            ssl_enabled=True,
            ssl_cafile=str(files.ca_cert),
            ssl_certfile=str(files.client_cert),
            ssl_keyfile=str(files.client_key),
        ) as client:
            ...

- :func:`make_tls_files` writes a test CA, a server certificate for ``127.0.0.1`` and
  ``localhost``, one for another host name, a client certificate (with a plain and a
  password-protected key), and a second CA that signed none of them. It uses the ``openssl``
  command line (Debian's ``stunnel4`` package depends on it).
- :func:`run_stunnel` runs stunnel in server mode on a free loopback port, forwarding to the
  member, optionally asking for a client certificate signed by the test CA (``mutual``) or
  speaking one TLS version only (``protocol``). The process is stopped on exit, killed by
  the :mod:`atexit` handler of :mod:`hztrio.testing.member` if still running, and (on Linux,
  started from the main thread) dies with the Python process.
- :func:`find_stunnel` finds the ``stunnel`` binary and, when it is missing and we run as
  root on a machine with ``apt-get``, installs Debian's ``stunnel4`` package first.

A member reports its own address (``127.0.0.1:<member port>``) in the member list, not
stunnel's. A client of a one-member cluster never needs that address (it is connected to
that member already); for more members, give each member a terminator and make it advertise
the terminator's address (``<public-address>`` in the member's network config, or the
``hazelcast.local.publicAddress`` system property), see ``docs/security.md``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from hztrio.testing.member import (
    HOST,
    MemberError,
    _can_bind,
    _death_signal_prefix,
    _forget_process,
    _pick_port,
    _register_process,
)

__all__ = [
    "STUNNEL_INSTALL_COMMAND",
    "StunnelError",
    "TLSFiles",
    "TLSTerminator",
    "find_stunnel",
    "make_tls_files",
    "run_stunnel",
    "with_server_certificate",
]

STUNNEL_INSTALL_COMMAND = "apt-get install -y stunnel4"
"""What installs stunnel on Debian and Ubuntu (as root)."""

_OPENSSL_TIMEOUT = 60.0
_APT_TIMEOUT = 600.0
_START_TIMEOUT = 15.0
_POLL_INTERVAL = 0.02
_install_lock = threading.Lock()
_install_attempted = False


class StunnelError(MemberError):
    """stunnel or openssl could not be found, installed or started."""


# --------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TLSFiles:
    """PEM files for TLS tests (see :func:`make_tls_files`)."""

    directory: Path
    ca_cert: Path
    """The test CA's certificate: ``ssl_cafile`` of clients, stunnel's ``CAfile``."""
    server_cert: Path
    """Server certificate for ``127.0.0.1`` and ``localhost``, signed by the test CA."""
    server_key: Path
    wrong_host_cert: Path
    """Server certificate for ``wrong-host.invalid`` only, signed by the test CA."""
    wrong_host_key: Path
    client_cert: Path
    """Client certificate (``CN=hztrio test client``), signed by the test CA."""
    client_key: Path
    client_key_encrypted: Path
    """The client key again, encrypted with :attr:`client_key_password`."""
    client_key_password: str
    other_ca_cert: Path
    """A CA that signed none of these certificates (a wrong ``ssl_cafile``)."""


def _openssl() -> str:
    found = shutil.which("openssl")
    if found is None:
        raise StunnelError(
            "the 'openssl' command was not found; it is needed to make test certificates "
            f"(Debian: {STUNNEL_INSTALL_COMMAND} brings it along)"
        )
    return found


def _run_openssl(*args: str, cwd: Path) -> None:
    command = [_openssl(), *args]
    result = subprocess.run(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=_OPENSSL_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).decode("utf-8", "replace").strip()
        raise StunnelError(f"{' '.join(command)} failed ({result.returncode}):\n{output}")


def _new_ca(directory: Path, name: str, common_name: str) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    _run_openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.name, "-out", cert.name, "-days", "3650", "-subj", f"/CN={common_name}",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-addext", "subjectKeyIdentifier=hash",
        cwd=directory,
    )  # fmt: skip
    return cert, key


def _new_leaf(
    directory: Path,
    name: str,
    common_name: str,
    extensions: str,
    ca: tuple[Path, Path],
) -> tuple[Path, Path]:
    cert, key, csr = (directory / f"{name}.{ext}" for ext in ("pem", "key", "csr"))
    ext_file = directory / f"{name}.ext"
    ext_file.write_text(
        "basicConstraints=critical,CA:FALSE\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n" + extensions,
        encoding="ascii",
    )
    _run_openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.name, "-out", csr.name, "-subj", f"/CN={common_name}",
        cwd=directory,
    )  # fmt: skip
    _run_openssl(
        "x509", "-req", "-in", csr.name, "-CA", ca[0].name, "-CAkey", ca[1].name,
        "-set_serial", str(secrets.randbits(63)), "-days", "3650",
        "-extfile", ext_file.name, "-out", cert.name,
        cwd=directory,
    )  # fmt: skip
    csr.unlink()
    ext_file.unlink()
    return cert, key


def make_tls_files(directory: Path | str) -> TLSFiles:
    """Write a test CA and certificates signed by it into *directory* (created if needed).

    Keys are P-256 EC keys (quick to make); certificates are valid for ten years. Takes a
    fraction of a second. Raises :class:`StunnelError` if ``openssl`` is missing or fails.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ca = _new_ca(directory, "ca", "hztrio test CA")
    other_ca, _ = _new_ca(directory, "other-ca", "hztrio other CA")
    server = _new_leaf(
        directory,
        "server",
        "127.0.0.1",
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
        ca,
    )
    wrong_host = _new_leaf(
        directory,
        "wrong-host",
        "wrong-host.invalid",
        "subjectAltName=DNS:wrong-host.invalid\nextendedKeyUsage=serverAuth\n",
        ca,
    )
    client = _new_leaf(
        directory, "client", "hztrio test client", "extendedKeyUsage=clientAuth\n", ca
    )
    password = secrets.token_hex(8)
    encrypted = directory / "client-encrypted.key"
    _run_openssl(
        "pkey", "-in", client[1].name, "-aes256", "-passout", f"pass:{password}",
        "-out", encrypted.name,
        cwd=directory,
    )  # fmt: skip
    return TLSFiles(
        directory=directory,
        ca_cert=ca[0],
        server_cert=server[0],
        server_key=server[1],
        wrong_host_cert=wrong_host[0],
        wrong_host_key=wrong_host[1],
        client_cert=client[0],
        client_key=client[1],
        client_key_encrypted=encrypted,
        client_key_password=password,
        other_ca_cert=other_ca,
    )


def with_server_certificate(files: TLSFiles, name: str, subject_alt_name: str) -> TLSFiles:
    """*files* with another server certificate, signed by the same test CA, valid for
    *subject_alt_name* only (openssl's syntax: ``"DNS:localhost"``, ``"IP:127.0.0.1"``).

    It is written to *files*' directory as ``<name>.pem`` and ``<name>.key``; a terminator
    started with the returned files presents it. Raises :class:`StunnelError` if
    ``openssl`` fails.
    """
    cert, key = _new_leaf(
        files.directory,
        name,
        name,
        f"subjectAltName={subject_alt_name}\nextendedKeyUsage=serverAuth\n",
        (files.ca_cert, files.ca_cert.with_suffix(".key")),
    )
    return dataclasses.replace(files, server_cert=cert, server_key=key)


# --------------------------------------------------------------------------------------
# stunnel
# --------------------------------------------------------------------------------------


def _which_stunnel() -> str | None:
    return shutil.which("stunnel4") or shutil.which("stunnel")


def find_stunnel(*, install: bool = True) -> str | None:
    """The path of the stunnel binary, or None if it is not there and cannot be installed.

    With *install* (the default), when stunnel is missing, this process runs as root and
    ``apt-get`` exists, Debian's ``stunnel4`` package is installed first (``apt-get update``
    and again if the package is unknown); this is tried once per process. What apt printed
    is logged to stderr when it fails.
    """
    global _install_attempted
    found = _which_stunnel()
    if found is not None or not install:
        return found
    with _install_lock:
        found = _which_stunnel()
        if found is not None or _install_attempted:
            return found
        _install_attempted = True
        apt_get = shutil.which("apt-get")
        if apt_get is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
            return None
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install_command = [apt_get, "install", "-y", "-q", "stunnel4"]
        for command in (install_command, [apt_get, "update", "-q"], install_command):
            result = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                env=env,
                timeout=_APT_TIMEOUT,
                check=False,
            )
            if command is install_command and result.returncode == 0:
                break
            if command is not install_command and result.returncode != 0:
                break
        if result.returncode != 0:
            output = (result.stdout + result.stderr).decode("utf-8", "replace")
            print(f"hztrio.testing.tls: {' '.join(command)} failed:\n{output}", flush=True)
        return _which_stunnel()


class TLSTerminator:
    """A running stunnel: TLS on :attr:`address`, plain TCP to the member behind it."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
        self.process = process
        self.port = port
        self.log_path = log_path

    def __repr__(self) -> str:
        return f"TLSTerminator({self.address}, pid {self.process.pid})"

    @property
    def address(self) -> str:
        """``"127.0.0.1:<port>"``: what ``cluster_members`` lists to connect through it."""
        return f"{HOST}:{self.port}"

    def read_log(self) -> str:
        """What stunnel logged so far (handshake errors, refused certificates...)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """Stop stunnel (SIGTERM, then SIGKILL after two seconds); idempotent."""
        process = self.process
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5.0)
        if process.poll() is not None:
            _forget_process(process)


def _stunnel_config(
    *,
    port: int,
    targets: Sequence[str],
    cert: Path,
    key: Path,
    ca: Path | None,
    protocol: str | None,
    log_path: Path,
) -> str:
    lines = [
        "foreground = yes",
        "pid =",
        "debug = 5",
        "[hazelcast]",
        f"accept = {HOST}:{port}",
        *(f"connect = {target}" for target in targets),
        f"cert = {cert}",
        f"key = {key}",
    ]
    if ca is not None:
        lines += [f"CAfile = {ca}", "verify = 2"]
    if protocol is not None:
        lines += [f"sslVersionMin = {protocol}", f"sslVersionMax = {protocol}"]
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def run_stunnel(
    target: str | Sequence[str],
    files: TLSFiles,
    *,
    mutual: bool = False,
    protocol: str | None = None,
    wrong_host: bool = False,
    port: int | None = None,
    timeout: float = _START_TIMEOUT,
) -> Iterator[TLSTerminator]:
    """Run stunnel in server mode in front of the member at *target* (``"host:port"``).

    Args:
        target: Where stunnel forwards the plain bytes: the member's address, or several
            members' (stunnel then spreads connections over them and fails over; for
            ``smart_routing=False`` clients).
        files: Certificates from :func:`make_tls_files`.
        mutual: Ask every client for a certificate signed by the test CA and refuse the
            connection without one (``verify = 2``).
        protocol: Speak this TLS version only, in stunnel's spelling (``"TLSv1.2"``,
            ``"TLSv1.3"``).
        wrong_host: Present the ``wrong-host.invalid`` certificate instead of the one for
            ``127.0.0.1``.
        port: Port to accept on; a free loopback port by default.
        timeout: Seconds to wait for stunnel to listen.

    Blocking (it takes milliseconds); stunnel is stopped when the block ends. Raises
    :class:`StunnelError` if stunnel is missing (and cannot be installed) or does not start.
    """
    binary = find_stunnel()
    if binary is None:
        raise StunnelError(f"stunnel was not found; install it: {STUNNEL_INSTALL_COMMAND}")
    port = _pick_port() if port is None else port
    name = f"stunnel-{port}"
    log_path = files.directory / f"{name}.log"
    config_path = files.directory / f"{name}.conf"
    cert, key = (
        (files.wrong_host_cert, files.wrong_host_key)
        if wrong_host
        else (files.server_cert, files.server_key)
    )
    config_path.write_text(
        _stunnel_config(
            port=port,
            targets=[target] if isinstance(target, str) else list(target),
            cert=cert,
            key=key,
            ca=files.ca_cert if mutual else None,
            protocol=protocol,
            log_path=log_path,
        ),
        encoding="utf-8",
    )
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(
            [*_death_signal_prefix(), binary, str(config_path)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=files.directory,
            close_fds=True,
        )
    _register_process(process)
    terminator = TLSTerminator(process, port, log_path)
    try:
        deadline = time.monotonic() + timeout
        # listening once the port cannot be bound any more (no probe connection needed)
        while _can_bind(port):
            if process.poll() is not None:
                raise StunnelError(
                    f"stunnel exited with code {process.returncode} before listening on "
                    f"{terminator.address}:\n{terminator.read_log()}"
                )
            if time.monotonic() > deadline:
                raise StunnelError(
                    f"stunnel did not listen on {terminator.address} within {timeout} s:\n"
                    f"{terminator.read_log()}"
                )
            time.sleep(_POLL_INTERVAL)
        yield terminator
    finally:
        terminator.stop()

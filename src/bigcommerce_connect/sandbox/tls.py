"""Throwaway TLS material for ``--tls``: a CA and a certificate for 127.0.0.1 and localhost.

``trustme`` is an optional extra, imported only when TLS is requested.
"""

from __future__ import annotations

import os
import shutil
import ssl
import tempfile

import attrs


class TLSUnavailableError(RuntimeError):
    """TLS was requested but the optional ``trustme`` dependency is missing."""


@attrs.define
class TLSFiles:
    """Files of a throwaway CA and server certificate in a private temporary directory."""

    directory: str
    ca_file: str
    cert_chain_file: str
    key_file: str

    def server_context(self) -> ssl.SSLContext:
        """A server-side SSL context using the throwaway certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_chain_file, self.key_file)
        return context

    def cleanup(self) -> None:
        """Delete the files."""
        shutil.rmtree(self.directory, ignore_errors=True)


def make_tls() -> TLSFiles:
    """Create a CA and a leaf certificate for ``127.0.0.1`` and ``localhost``."""
    try:
        import trustme
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise TLSUnavailableError(
            "the sandbox's --tls mode needs trustme: pip install 'bigcommerce-connect[tls]'"
        ) from exc
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    directory = tempfile.mkdtemp(prefix="bc-sandbox-tls-")
    ca_file = os.path.join(directory, "ca.pem")
    chain_file = os.path.join(directory, "server-chain.pem")
    key_file = os.path.join(directory, "server-key.pem")
    ca.cert_pem.write_to_path(ca_file)
    leaf.private_key_pem.write_to_path(key_file)
    with open(chain_file, "wb") as out:
        for blob in leaf.cert_chain_pems:
            out.write(blob.bytes())
    return TLSFiles(directory, ca_file, chain_file, key_file)

"""A small X.509 factory (cryptography only): the demo CA of the demo database and the test PKIs.

Not used for production keys: real certificates come from licensed CAs (VGCA, Viettel, VNPT ...).
"""

import datetime as dt
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.UTC


@dataclass
class Issued:
    """A key pair and its certificate (and the chain up to, not including, the root)."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    chain: list = field(default_factory=list)

    @property
    def cert_pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def cert_der(self):
        return self.cert.public_bytes(serialization.Encoding.DER)

    def key_pem(self, password=None):
        enc = (serialization.BestAvailableEncryption(password) if password
               else serialization.NoEncryption())
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)

    def pkcs12(self, password: bytes, name: str = "signer"):
        return pkcs12.serialize_key_and_certificates(
            name.encode(), self.key, self.cert, self.chain or None,
            serialization.BestAvailableEncryption(password),
        )


def _name(common_name, org=None, country="VN"):
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def new_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def make_ca(common_name="Học bạ số Demo CA", org="Học bạ số Demo", days=3650, not_before=None, key=None):
    key = key or new_key()
    now = not_before or dt.datetime.now(UTC) - dt.timedelta(days=1)
    name = _name(common_name, org)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, cert, [])


def issue(ca: Issued, common_name, org=None, days=730, not_before=None, key=None, timestamping=False,
          email=None, serial=None):
    """Issue an end-entity signing certificate (digitalSignature + nonRepudiation) from ``ca``."""
    key = key or new_key()
    start = not_before or dt.datetime.now(UTC) - dt.timedelta(hours=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, org)).issuer_name(ca.cert.subject).public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=not timestamping,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     key_cert_sign=False, crl_sign=False, encipher_only=False,
                                     decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
    )
    if timestamping:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    cert = builder.sign(ca.key, hashes.SHA256())
    return Issued(key, cert, [ca.cert] if ca.chain == [] and ca.cert.issuer != ca.cert.subject else list(ca.chain))

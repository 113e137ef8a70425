# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds bad DICOM-Mails (issue 9, "Hostile input") with the email package's conventions and the stock gpg CLI.

Every mail is raw bytes with CRLF line ends, so that each defect is exactly the one intended. Mails that are
"signed by hospital" use the hospital site's secret key, exported from its GnupgHome into a scratch StockGpg home;
they are encrypted to the referrer's site key. Message-IDs start with "<h<NN>-<case>-" so that the receiver's
records (GET /dicom-mail/mails) can be matched to their case.
"""
import base64
import email.utils
import hashlib
import json
import os
import random
import subprocess
import tempfile

CRLF = b"\r\n"
SUBJECT = "DICOM-eMail"
DOMAIN = "hostile.test"


# ---------------------------------------------------------------------------------------------------- small pieces

def crc24(data):
    """RFC 4880 6.1 armor checksum."""
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def armor(binary, checksum=None):
    """ASCII armor for an OpenPGP message; `checksum` overrides the CRC-24 (to fake transmission damage)."""
    body = base64.b64encode(binary)
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    crc = crc24(binary) if checksum is None else checksum
    tail = b"=" + base64.b64encode(crc.to_bytes(3, "big"))
    return CRLF.join([b"-----BEGIN PGP MESSAGE-----", b""] + lines + [tail, b"-----END PGP MESSAGE-----", b""])


def b64_lines(data, width=76):
    body = base64.b64encode(data)
    return CRLF.join(body[i:i + width] for i in range(0, len(body), width)) + CRLF


def headers(pairs):
    """Header block (bytes) from (name, value) pairs; values may be bytes (kept raw, e.g. non-UTF-8)."""
    out = b""
    for name, value in pairs:
        if isinstance(value, str):
            value = value.encode("utf-8")
        out += name.encode() + b": " + value + CRLF
    return out


def set_headers(set_id, part, total):
    return [("X-TELEMEDICINE-SETID", set_id), ("X-TELEMEDICINE-SETPART", str(part)),
            ("X-TELEMEDICINE-SETTOTAL", str(total))]


class DicomFile:
    """One DICOM Part 10 file of the hostile study."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        import pydicom
        self.sop_uid = str(pydicom.dcmread(path, stop_before_pixels=True).SOPInstanceUID)
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        self.size = len(self.data)


def dicom_part(data, name="IM000001.dcm", content_type="application/dicom", body=None):
    """An application/dicom MIME part (bytes); `body` replaces the base64 body when given."""
    return headers([("Content-Type", '%s; name="%s"' % (content_type, name)),
                    ("Content-Transfer-Encoding", "base64"),
                    ("Content-Disposition", 'attachment; filename="%s"' % name)]) + CRLF + \
        (b64_lines(data) if body is None else body)


def manifest_part(set_id, part, total, instances):
    """instances: [(DicomFile or None, name, sha256, size, uid)]."""
    listed = [{"SOPInstanceUID": uid, "SHA256": sha, "Size": size, "Name": name}
              for (_, name, sha, size, uid) in instances]
    text = json.dumps({"SetId": set_id, "Part": part, "Total": total, "SetInstances": len(listed),
                       "SetBytes": sum(i["Size"] for i in listed), "Instances": listed}).encode()
    return headers([("Content-Type", 'application/json; name="manifest.json"'),
                    ("X-DICOMMAIL-MANIFEST", "1")]) + CRLF + text + CRLF


def entry(dicom, name="IM000001.dcm", sha=None, size=None):
    return (dicom, name, sha or dicom.sha256, dicom.size if size is None else size, dicom.sop_uid)


def multipart(top_headers, parts, boundary, close=True, subtype="mixed"):
    """A multipart entity: top header pairs, then the parts (bytes each)."""
    out = headers(list(top_headers) + [("Content-Type", 'multipart/%s; boundary="%s"' % (subtype, boundary))]) + CRLF
    for p in parts:
        out += b"--" + boundary.encode() + CRLF + p
        if not p.endswith(CRLF):
            out += CRLF
    if close:
        out += b"--" + boundary.encode() + b"--" + CRLF
    return out


def entity(set_id, part, total, dicoms, names=None, manifest=True, manifest_entries=None, inner_set=None,
           close=True):
    """The decrypted entity of a DICOM-Mail (docs/wire-format.md section 3)."""
    names = names or ["IM%06d.dcm" % (i + 1) for i in range(len(dicoms))]
    parts = [dicom_part(d.data, n) for d, n in zip(dicoms, names)]
    if manifest:
        entries = manifest_entries or [entry(d, n) for d, n in zip(dicoms, names)]
        parts.insert(0, manifest_part(set_id, part, total, entries))
    top = set_headers(*(inner_set or (set_id, part, total)))
    return multipart(top, parts, "inner-" + set_id, close=close)


def nested_entity(set_id, depth):
    """`depth` levels of multipart/mixed, each holding the next one."""
    out = b"Content-Type: text/plain" + CRLF + CRLF + b"bottom" + CRLF
    for level in range(depth):
        b = ("nest%d" % level).encode()
        top = b""
        if level == depth - 1:
            top = headers(set_headers(set_id, 1, 1))
        out = top + b'Content-Type: multipart/mixed; boundary="' + b + b'"' + CRLF + CRLF + \
            b"--" + b + CRLF + out + CRLF + b"--" + b + b"--" + CRLF
    return out


# ---------------------------------------------------------------------------------------------------- the builder

class HostileMailBuilder:
    """Wraps a StockGpg home holding hospital's secret key and some other keys.

    sign_key: hospital's site key (fingerprint); referrer_key: the recipient's site key.
    """

    def __init__(self, gpg, hospital_key, referrer_key, sender, recipient):
        self.gpg = gpg
        self.hospital_key = hospital_key
        self.referrer_key = referrer_key
        self.sender = sender
        self.recipient = recipient
        self.scratch = tempfile.mkdtemp(prefix="hm-", dir=gpg.home)

    # --------------------------------------------------------------------------------------- OpenPGP

    def openpgp(self, plaintext, recipients, signer=None, compress_level=None, compress_algo=None):
        """Binary OpenPGP message: plaintext (bytes, or an iterable of byte chunks streamed to gpg)."""
        args = ["gpg", "--homedir", self.gpg.home, "--batch", "--no-tty", "--yes", "--trust-model", "always",
                "--pinentry-mode", "loopback", "--passphrase", ""]
        if compress_algo:
            args += ["--compress-algo", compress_algo]
        if compress_level is not None:
            args += ["-z", str(compress_level)]
        for r in recipients:
            args += ["-r", r]
        if signer:
            args += ["-u", signer, "--sign"]
        args += ["--encrypt"]
        out_path = os.path.join(self.scratch, "out.pgp")
        args += ["--output", out_path]
        if isinstance(plaintext, (bytes, bytearray)):
            result = subprocess.run(args, input=bytes(plaintext), capture_output=True, timeout=300)
            err = result.stderr
            code = result.returncode
        else:
            with tempfile.TemporaryFile() as errors:
                process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors)
                for chunk in plaintext:
                    process.stdin.write(chunk)
                process.stdin.close()
                code = process.wait(timeout=600)
                errors.seek(0)
                err = errors.read()
        if code != 0:
            raise RuntimeError("gpg encrypt failed: %s" % err.decode(errors="replace"))
        with open(out_path, "rb") as f:
            data = f.read()
        os.remove(out_path)
        return data

    def sign_encrypt(self, plaintext, signer="hospital", recipients=None, **kwargs):
        signer = self.hospital_key if signer == "hospital" else signer
        return self.openpgp(plaintext, recipients or [self.referrer_key], signer=signer, **kwargs)

    # --------------------------------------------------------------------------------------- envelopes

    def outer_headers(self, message_id, set_values=None, sender=None, extra=()):
        pairs = [("From", sender or self.sender), ("To", self.recipient), ("Subject", SUBJECT),
                 ("Date", email.utils.formatdate(localtime=False)), ("Message-ID", message_id),
                 ("MIME-Version", "1.0")]
        if set_values:
            pairs += set_headers(*set_values)
        return pairs + list(extra)

    def envelope(self, message_id, armored, set_values=None, sender=None, first_part=None, close=True,
                 extra=()):
        """RFC 3156 multipart/encrypted around an armored payload (bytes)."""
        boundary = "outer-" + hashlib.sha1(message_id.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        control = first_part if first_part is not None else \
            b"Content-Type: application/pgp-encrypted" + CRLF + CRLF + b"Version: 1" + CRLF
        payload = b'Content-Type: application/octet-stream; name="encrypted.asc"' + CRLF + CRLF + armored
        top = headers(self.outer_headers(message_id, set_values, sender, extra))
        top += ('Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="%s"'
                % boundary).encode() + CRLF + CRLF
        body = b"--" + boundary.encode() + CRLF + control + b"--" + boundary.encode() + CRLF + payload
        if close:
            body += b"--" + boundary.encode() + b"--" + CRLF
        return top + body

    def dicom_mail(self, message_id, set_values, plaintext, signer="hospital", recipients=None, sender=None,
                   **kwargs):
        """A complete (possibly defective) DICOM-Mail around `plaintext`."""
        binary = self.sign_encrypt(plaintext, signer=signer, recipients=recipients, **kwargs)
        return self.envelope(message_id, armor(binary), set_values, sender=sender)

    def plain_mail(self, message_id, set_values, parts, sender=None, close=True):
        """A multipart/mixed mail in clear text (no OpenPGP at all)."""
        return multipart(self.outer_headers(message_id, set_values, sender), parts,
                         "plain-" + hashlib.sha1(message_id.encode()).hexdigest()[:12],
                         close=close)

    def fragments(self, whole, fragment_id, count, totals=None, message_id_prefix="", set_values=None):
        """Splits `whole` (a complete mail) into `count` RFC 2046 message/partial mails.

        Fragment 1 carries the enclosed mail's headers; each fragment also carries the SET headers of the enclosed
        mail (docs/wire-format.md section 4). `totals` gives the total= of each fragment (default: count everywhere).
        """
        head, _, body = whole.partition(CRLF + CRLF)
        chunk = -(-len(body) // count)
        pieces = [body[i * chunk:(i + 1) * chunk] for i in range(count)]
        pieces[0] = head + CRLF + CRLF + pieces[0]
        result = []
        for number, piece in enumerate(pieces, start=1):
            total = (totals or [count] * count)[number - 1]
            mid = "<%s%d@%s>" % (message_id_prefix, number, DOMAIN)
            top = headers(self.outer_headers(mid, set_values) +
                          [("Content-Type", 'message/partial; id="%s"; number=%d; total=%d'
                            % (fragment_id, number, total))])
            result.append(top + CRLF + piece)
        return result

    def mdn(self, message_id, original_message_id, set_id, part, sender, recipient, signer=None, signed_set=None):
        """An RFC 3798 acknowledgement claiming "displayed"; signed with `signer` (multipart/signed) if given.

        `signed_set` (set_id, part) puts X-TELEMEDICINE-SETID/SETPART into the report entity itself, inside the
        signature, as AcknowledgementBuilder does; the outer headers always carry `set_id` and `part`."""
        inner = [] if signed_set is None else [("X-TELEMEDICINE-SETID", signed_set[0]),
                                               ("X-TELEMEDICINE-SETPART", str(signed_set[1]))]
        report = multipart(inner, [
            b"Content-Type: text/plain; charset=utf-8" + CRLF + CRLF + b"All images are in the PACS." + CRLF,
            b"Content-Type: message/disposition-notification" + CRLF + CRLF +
            headers([("Reporting-UA", "referrer.test; Orthanc DICOM-Mail"),
                     ("Final-Recipient", "rfc822; " + sender),
                     ("Original-Message-ID", original_message_id),
                     ("Disposition", "automatic-action/MDN-sent-automatically; displayed")]),
        ], "report-" + hashlib.sha1(message_id.encode()).hexdigest()[:12],
            subtype="report; report-type=disposition-notification")
        top = [("From", sender), ("To", recipient), ("Subject", "DICOM-eMail acknowledgement"),
               ("Date", email.utils.formatdate(localtime=False)), ("Message-ID", message_id),
               ("MIME-Version", "1.0"), ("X-TELEMEDICINE-SETID", set_id), ("X-TELEMEDICINE-SETPART", str(part))]
        if signer is None:
            return headers(top) + report
        signature = self.gpg.run("--armor", "--detach-sign", "-u", signer, "--digest-algo", "SHA256",
                                 input=report, passphrase="").stdout
        boundary = "signed-" + hashlib.sha1(message_id.encode()).hexdigest()[:12]
        return headers(top) + ('Content-Type: multipart/signed; micalg=pgp-sha256; '
                               'protocol="application/pgp-signature"; boundary="%s"' % boundary).encode() + \
            CRLF + CRLF + b"--" + boundary.encode() + CRLF + report + CRLF + b"--" + boundary.encode() + CRLF + \
            b"Content-Type: application/pgp-signature" + CRLF + CRLF + signature.replace(b"\n", CRLF) + \
            b"--" + boundary.encode() + b"--" + CRLF


def bad_signature_entity(gpg, signer, plaintext):
    """RFC 3156 section 6.1 inner multipart/signed whose signed part was altered after signing: to be encrypted
    without a signature, so that the receiver's gpg reports BADSIG for `signer`'s key."""
    signature = gpg.run("--armor", "--detach-sign", "-u", signer, "--digest-algo", "SHA256", input=plaintext,
                        passphrase="").stdout.replace(b"\r\n", b"\n").replace(b"\n", CRLF)
    altered = plaintext.replace(b"IM000001.dcm", b"IM000009.dcm", 1)
    assert altered != plaintext
    return multipart([], [altered, b"Content-Type: application/pgp-signature" + CRLF + CRLF + signature],
                     "sig-" + hashlib.sha1(plaintext[:4096]).hexdigest()[:12],
                     subtype='signed; micalg=pgp-sha256; protocol="application/pgp-signature"')


def zero_entity(set_id, expanded_bytes):
    """Chunks of a DICOM-Mail entity whose single binary part is `expanded_bytes` zero bytes: bzip2 inside
    OpenPGP shrinks it to a few kilobytes."""
    top = headers(set_headers(set_id, 1, 1)) + b'Content-Type: multipart/mixed; boundary="bomb"' + CRLF + CRLF
    top += b"--bomb" + CRLF + headers([("Content-Type", 'application/dicom; name="IM000001.dcm"'),
                                       ("Content-Transfer-Encoding", "binary")]) + CRLF
    yield top
    block = bytes(1 << 20)
    sent = 0
    while sent < expanded_bytes:
        yield block
        sent += len(block)
    yield CRLF + b"--bomb--" + CRLF


def random_bytes(n, seed):
    return random.Random(seed).randbytes(n)

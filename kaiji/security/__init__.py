"""Security primitives: key ring, column encryption, Temporal payload codec, log redaction, passwords.

Submodules are imported explicitly (``from kaiji.security.fields import FieldCipher``)
so that, e.g., the logging setup can use the redactor without loading Temporal.
"""

"""The groups' private documents use the private storage of partners.storage; this module stays
because migration 0001 of workgroups imports it by this path."""

from partners.storage import PrivateDocumentStorage, private_storage

__all__ = ["PrivateDocumentStorage", "private_storage"]

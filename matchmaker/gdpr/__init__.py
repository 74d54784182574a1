"""Personal data under the GDPR: contacts and accounts exported, erased and expired, and
the copies of erased data outside the database rows found and removed."""
from .copies import purge_copies
from .erasure import (
    apply_retention,
    erase_contact,
    erase_user,
    inactive_contacts,
    mark_active,
)
from .export import FORMAT, export_organisation
from .traces import Traces

__all__ = ["FORMAT", "Traces", "apply_retention", "erase_contact", "erase_user",
           "export_organisation", "inactive_contacts", "mark_active", "purge_copies"]

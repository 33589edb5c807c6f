"""socle_export: read socle's `.socle` export files without socle (docs/export-integrations.md).

The record types are protoc-generated (socle_export.v1, from proto/socle/v1/export.proto by
tools/generate-export-modules.py); `Reader` (socle_export.read) opens a file, verifies every
signature and hash of docs/export-format.md and yields the records as these types. Needs
python3-protobuf (3.21 or later) and python3-nacl (PyNaCl), nothing else.
"""
from socle_export.read import RECORD_TYPES, Reader, Refused, read_file
from socle_export.v1.export_pb2 import (ACCESS_REQUEST, AUDIT_EXTRACT, PORTABILITY,
                                        PSEUDONYMISED_DATASET, TRAINING_MIRROR,
                                        AccessRequestRecord, ActivityNotice, AuditEntry,
                                        AuditRecord, CaseFile, CheckpointRecord, ConsistencyProof,
                                        DatasetNotice, DatasetRecord, Entry, ExportHeader,
                                        ExportKind, ExportTrailer, HistoryRecord, Identity,
                                        MirrorRecord, PortabilityNotice, PortabilityRecord,
                                        ReportContext, WithheldEntry)
from socle_export.v1.person_summary_pb2 import PersonSummary

__all__ = [
    "Reader", "Refused", "read_file", "RECORD_TYPES",
    "ExportKind", "ACCESS_REQUEST", "PORTABILITY", "PSEUDONYMISED_DATASET", "AUDIT_EXTRACT",
    "TRAINING_MIRROR",
    "ExportHeader", "ExportTrailer", "PortabilityNotice", "DatasetNotice",
    "AccessRequestRecord", "PortabilityRecord", "DatasetRecord", "AuditRecord", "MirrorRecord",
    "Identity", "Entry", "CaseFile", "WithheldEntry", "ActivityNotice", "HistoryRecord",
    "CheckpointRecord", "ReportContext", "AuditEntry", "ConsistencyProof", "PersonSummary",
]

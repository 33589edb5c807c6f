#!/usr/bin/env python3
"""Prints a `.socle` export file as JSON, read with the integrators' pure-Python reader
(integrations/python/socle_export: read.py, written from docs/export-format.md alone over
python3-protobuf and python3-nacl, with the protoc-generated record types; never socle's code
or bindings). The reader itself lives there, so that the tests and integrators share one.

    python_reader.py FILE [--key-file K] [--issuer HEX]

Prints one JSON object: the header's kind, record type and issuer key, the records in hex and
decoded (protobuf's JSON mapping). Exits 1 with "PROBLEM at byte N" on stderr for a refused file.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "integrations", "python"))
from google.protobuf import json_format  # noqa: E402

import socle_export  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--key-file")
    parser.add_argument("--issuer")
    args = parser.parse_args()
    secret = bytes.fromhex(open(args.key_file).read().strip()) if args.key_file else None
    issuer = bytes.fromhex(args.issuer) if args.issuer else None
    try:
        with open(args.file, "rb") as f:
            reader = socle_export.Reader(f, secret_key=secret, trusted_issuer=issuer, raw=True)
            raw = list(reader)
    except socle_export.Refused as e:
        print(str(e), file=sys.stderr)
        return 1
    header = reader.header
    decoded = []
    for data in raw:
        record = reader.record_class()
        record.ParseFromString(data)
        decoded.append(json_format.MessageToJson(record, preserving_proto_field_name=True,
                                                 indent=None))
    print(json.dumps({"kind": header.kind, "record_type": header.record_type,
                      "issuer_public_key": header.issuer_public_key.hex(),
                      "sealed": reader.sealed, "records": [r.hex() for r in raw],
                      "decoded": decoded}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

// The JSON Schema of a portability record (docs/schemas/portability-record.schema.json; a test
// checks the two are the same bytes).
#include "socle/access_request.hpp"

namespace socle {

absl::string_view PortabilityJsonSchema() {
  return R"json({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://socle.example/schemas/v1/portability-record.schema.json",
  "title": "socle.v1.PortabilityRecord",
  "description": "One record of a socle portability file (GDPR art. 20) in protobuf's JSON mapping with the proto field names (what socle export dump --json prints): the person's identity, or one entry they provided. Version 1.",
  "type": "object",
  "oneOf": [
    { "required": ["identity"] },
    { "required": ["entry"] }
  ],
  "properties": {
    "identity": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "person": { "type": "string" },
        "family_name": { "type": "string" },
        "given_names": { "type": "string" },
        "birth_date": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
        "birth_place": { "type": "string" },
        "address": { "type": "string" },
        "postcode": { "type": "string" },
        "commune": { "type": "string" },
        "phone": { "type": "string" },
        "email": { "type": "string" },
        "nir": { "type": "string" }
      }
    },
    "entry": {
      "type": "object",
      "additionalProperties": false,
      "required": ["id"],
      "properties": {
        "id": { "type": "string" },
        "person": { "type": "string" },
        "category": { "type": "string" },
        "kind": { "enum": ["FACT", "PROFESSIONAL_APPRECIATION", "THIRD_PARTY_INFORMATION", "WORKING_NOTE"] },
        "author": { "type": "string" },
        "created_at": { "type": "string", "format": "date-time" },
        "purpose": { "type": "string" },
        "provided_by_person": { "type": "boolean" },
        "title": { "type": "string" },
        "text": { "type": "string" },
        "fields": {
          "type": "array",
          "items": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "name": { "type": "string" },
              "value": { "type": "string" }
            }
          }
        },
        "released_by": { "type": "string" }
      }
    }
  },
  "additionalProperties": false
}
)json";
}

}  // namespace socle

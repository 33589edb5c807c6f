// The vendor's case file (socle/case_file.hpp) in the export files' messages (socle.v1.Identity,
// socle.v1.Entry), field for field.
#ifndef SOCLE_SRC_EXPORT_CASE_FILE_H_
#define SOCLE_SRC_EXPORT_CASE_FILE_H_

#include "socle/case_file.hpp"
#include "socle/v1/export.pb.h"

namespace socle::export_internal {

void ToProto(const PersonIdentity& identity, v1::Identity* out);
void ToProto(const CaseEntry& entry, v1::Entry* out);
PersonIdentity FromProto(const v1::Identity& identity);
CaseEntry FromProto(const v1::Entry& entry);

}  // namespace socle::export_internal

#endif  // SOCLE_SRC_EXPORT_CASE_FILE_H_

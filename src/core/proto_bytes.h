// Protobuf messages as bytes to hash or sign: serialized deterministically (map entries sorted),
// so the same message always gives the same bytes in one build.
#ifndef SOCLE_SRC_CORE_PROTO_BYTES_H_
#define SOCLE_SRC_CORE_PROTO_BYTES_H_

#include <string>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message_lite.h"

namespace socle::core {

inline std::string DeterministicBytes(const google::protobuf::MessageLite& m) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  return out;
}

}  // namespace socle::core

#endif  // SOCLE_SRC_CORE_PROTO_BYTES_H_

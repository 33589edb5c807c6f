// ExportRecordPrinter: records decoded through the header's own FileDescriptorSet, with
// protobuf's DynamicMessage, TextFormat and JSON mapping.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/v1/export.pb.h"

namespace socle {
namespace {

namespace pb = google::protobuf;

absl::StatusOr<std::string> Render(const pb::Message& message, ExportRecordPrinter::Format format) {
  std::string out;
  if (format == ExportRecordPrinter::Format::kText) {
    if (!pb::TextFormat::PrintToString(message, &out)) {
      return MakeError(ErrorCode::kInternal, "export printer: cannot print a message");
    }
    return out;
  }
  pb::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  const auto status = pb::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) {
    return MakeError(ErrorCode::kInternal, "export printer: cannot render a message as JSON");
  }
  return out;
}

class Printer : public ExportRecordPrinter {
 public:
  absl::Status Init(absl::string_view header_bytes) {
    if (!header_.ParseFromString(std::string(header_bytes))) {
      return MakeError(ErrorCode::kParse, "export printer: the header does not parse");
    }
    for (const pb::FileDescriptorProto& file : header_.descriptors().file()) {
      if (pool_.BuildFile(file) == nullptr) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "export printer: the header's descriptors do not build");
      }
    }
    record_ = pool_.FindMessageTypeByName(header_.record_type());
    if (record_ == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "export printer: the header's descriptors lack its record type");
    }
    prototype_ = factory_.GetPrototype(record_);
    header_.clear_descriptors();
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Header(Format format) const override {
    return Render(header_, format);
  }

  absl::StatusOr<std::string> Record(absl::string_view record, Format format) const override {
    std::unique_ptr<pb::Message> message(prototype_->New());
    if (!message->ParseFromArray(record.data(), static_cast<int>(record.size()))) {
      return MakeError(ErrorCode::kParse,
                       absl::StrCat("export printer: a record is not a ", record_->full_name()));
    }
    return Render(*message, format);
  }

 private:
  v1::ExportHeader header_;
  pb::DescriptorPool pool_;
  pb::DynamicMessageFactory factory_{&pool_};
  const pb::Descriptor* record_ = nullptr;
  const pb::Message* prototype_ = nullptr;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ExportRecordPrinter>> ExportRecordPrinter::Create(
    absl::string_view header) {
  auto printer = std::make_unique<Printer>();
  if (absl::Status status = printer->Init(header); !status.ok()) return status;
  return std::unique_ptr<ExportRecordPrinter>(std::move(printer));
}

}  // namespace socle

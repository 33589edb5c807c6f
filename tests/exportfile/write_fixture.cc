// Writes a `.socle` file for the Python tests (python_reader_test.py, cli_test.py), through the
// C++ writer: exportfile_fixture OUT KIND RECORDS EXPECTED [RECIPIENT_PUBLIC_HEX...]
// KIND is 1 to 5 (socle::ExportKind); EXPECTED receives each record's serialized bytes in hex,
// one per line; the issuer's public key is printed in hex on stdout.
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "crypto/crypto.h"
#include "socle/export_file.hpp"
#include "socle/init.hpp"
#include "test_util.h"

int main(int argc, char** argv) {
  using namespace socle;
  if (argc < 5) {
    std::cerr << "usage: exportfile_fixture OUT KIND RECORDS EXPECTED [RECIPIENT_HEX...]\n";
    return 2;
  }
  if (!Initialize().ok()) return 3;
  const auto kind = static_cast<ExportKind>(std::stoi(argv[2]));
  const uint64_t n = std::stoull(argv[3]);
  std::vector<ExportRecipient> recipients;
  for (int i = 5; i < argc; ++i) {
    auto key = ParsePublicKeyHex(argv[i]);
    if (!key.ok()) return 2;
    recipients.push_back({*key, "recipient " + std::to_string(i - 4)});
  }
  const ExportSigningKey issuer = ExportSigningKey::Generate();
  auto sink = FileSink(argv[1]);
  if (!sink.ok()) return 3;
  auto writer =
      ExportWriter::Create(std::move(*sink), issuer, exportfile_test::Options(kind, recipients));
  if (!writer.ok()) {
    std::cerr << writer.status() << "\n";
    return 3;
  }
  std::ofstream expected(argv[4]);
  for (uint64_t i = 0; i < n; ++i) {
    // Some records of 300 KB, so that a file of a few dozen records has several frames.
    const std::string record = exportfile_test::SampleRecord(kind, i, i % 10 == 9 ? 300000 : 0);
    expected << crypto::ToHex(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(record.data()),
                                                  record.size()))
             << "\n";
    if (!(*writer)->Add(record).ok()) return 3;
  }
  if (!(*writer)->Finish().ok()) return 3;
  std::cout << PublicKeyHex(issuer.public_key()) << "\n";
  return 0;
}

// A failed directory fsync after the key file's rename is reported, not ignored. fsync() is
// wrapped at link time (-Wl,--wrap=fsync, this executable only) to fail with EIO on directories
// while `fail_directory_fsync` is set.
#include <errno.h>
#include <sys/stat.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "test_util.h"
#include "storage/file_util.h"

namespace {
std::atomic<bool> fail_directory_fsync{false};
std::atomic<int> failed_fsyncs{0};
}  // namespace

extern "C" int __real_fsync(int fd);
extern "C" int __wrap_fsync(int fd) {
  struct stat st {};
  if (fail_directory_fsync.load() && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    failed_fsyncs.fetch_add(1);
    errno = EIO;
    return -1;
  }
  return __real_fsync(fd);
}

namespace socle {
namespace {

using vault_testing::CodeName;
using vault_testing::FastKdf;
using vault_testing::NewKeyFile;
using vault_testing::TempDir;
using vault_testing::TestPassphrase;

// Fails directory fsyncs for the scope's lifetime.
struct FailDirectoryFsync {
  FailDirectoryFsync() { fail_directory_fsync = true; }
  ~FailDirectoryFsync() { fail_directory_fsync = false; }
};

BOOST_AUTO_TEST_SUITE(directory_fsync)

BOOST_AUTO_TEST_CASE(a_failed_directory_fsync_is_reported) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  auto provider = NewKeyFile(path);
  absl::StatusOr<uint32_t> rotated;
  {
    FailDirectoryFsync failing;
    rotated = provider->Rotate();
  }
  BOOST_TEST(failed_fsyncs.load() > 0);
  BOOST_TEST(CodeName(rotated.status()) == "IO");
  BOOST_TEST(rotated.status().message().find("fsync its directory") != std::string::npos,
             rotated.status());
  // The rename did happen: the file holds version 2, and the provider follows the file.
  BOOST_TEST(*provider->CurrentVersion() == 2u);
  auto reopened = KeyFileProvider::Open(path, TestPassphrase(), FastKdf());
  BOOST_REQUIRE(reopened.ok());
  BOOST_TEST((*reopened)->versions() == (std::vector<uint32_t>{1, 2}));

  {
    FailDirectoryFsync failing;
    BOOST_TEST(CodeName(provider->RetireVersionsBefore(2)) == "IO");
    BOOST_TEST(CodeName(KeyFileProvider::Create(dir.File("new.key"), TestPassphrase(), FastKdf())
                            .status()) == "IO");
    BOOST_TEST(CodeName(storage::WriteFileAtomically(
                   dir.File("other"), "bytes", storage::WriteMode::kCreateNew)) == "IO");
  }
  BOOST_TEST(storage::WriteFileAtomically(dir.File("other"), "more bytes",
                                                 storage::WriteMode::kReplace)
                 .ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle

// storage::AtomicFileWriter and WriteFileAtomically (src/storage/file_util.h), and FileSink
// (socle/export_file.hpp), which streams through the writer: what is on disk after a writer is
// abandoned, committed, refused, or fails to write.
#include "storage/file_util.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "socle/error.hpp"
#include "socle/export_file.hpp"

namespace socle::storage {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "socle-storage-XXXXXX").string();
    BOOST_REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ignored);
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

  // The names in the directory, sorted.
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::string path_;
};

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  BOOST_REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

using Names = std::vector<std::string>;

std::string Code(const absl::Status& status) {
  return std::string(ErrorCodeName(ErrorCodeOf(status)));
}

// Files of this process may not grow beyond `bytes` while it lives: a longer write fails with
// EFBIG (SIGXFSZ ignored), as a full disk fails one with ENOSPC.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    BOOST_REQUIRE(getrlimit(RLIMIT_FSIZE, &saved_) == 0);
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    BOOST_REQUIRE(setrlimit(RLIMIT_FSIZE, &limit) == 0);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  sighandler_t old_handler_ = SIG_DFL;
};

BOOST_AUTO_TEST_SUITE(atomic_file_writer)

BOOST_AUTO_TEST_CASE(streams_then_commits_with_owner_only_permissions) {
  TempDir dir;
  const std::string path = dir.File("export.socle");
  auto writer = AtomicFileWriter::Create(path, WriteMode::kReplace);
  BOOST_REQUIRE_MESSAGE(writer.ok(), writer.status());
  BOOST_TEST(writer->path() == path);
  BOOST_REQUIRE(writer->Append("first ").ok());
  BOOST_REQUIRE(writer->Append("").ok());
  BOOST_REQUIRE(writer->Append(std::string(100000, 'x')).ok());
  // Until the commit, only the temporary file exists, beside the target.
  const Names before = dir.Names();
  BOOST_REQUIRE(before.size() == 1u);
  BOOST_TEST(absl::StartsWith(before[0], "export.socle.tmp."));
  BOOST_TEST(Mode(dir.File(before[0])) == 0600u);
  BOOST_REQUIRE_MESSAGE(writer->Commit().ok(), "commit");
  BOOST_TEST(dir.Names() == Names{"export.socle"});
  BOOST_TEST(Contents(path) == "first " + std::string(100000, 'x'));
  BOOST_TEST(Mode(path) == 0600u);
}

BOOST_AUTO_TEST_CASE(a_writer_destroyed_without_commit_leaves_nothing) {
  TempDir dir;
  {
    auto writer = AtomicFileWriter::Create(dir.File("new"), WriteMode::kCreateNew);
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE(writer->Append("half a file").ok());
    BOOST_TEST(dir.Names().size() == 1u);  // the temporary file
  }
  BOOST_TEST(dir.Names().empty());

  // An existing file is left as it was.
  BOOST_REQUIRE(WriteFileAtomically(dir.File("old"), "old bytes", WriteMode::kCreateNew).ok());
  {
    auto writer = AtomicFileWriter::Create(dir.File("old"), WriteMode::kReplace);
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE(writer->Append("new bytes").ok());
  }
  BOOST_TEST(dir.Names() == Names{"old"});
  BOOST_TEST(Contents(dir.File("old")) == "old bytes");
}

BOOST_AUTO_TEST_CASE(commit_replaces_the_file_whole) {
  TempDir dir;
  const std::string path = dir.File("key");
  BOOST_REQUIRE(WriteFileAtomically(path, "version 1", WriteMode::kCreateNew).ok());
  std::ifstream reader_of_the_old_file(path, std::ios::binary);
  auto writer = AtomicFileWriter::Create(path, WriteMode::kReplace);
  BOOST_REQUIRE(writer.ok());
  BOOST_REQUIRE(writer->Append("version 2, ").ok());
  BOOST_TEST(Contents(path) == "version 1");  // nothing of the new file shows before the commit
  BOOST_REQUIRE(writer->Append("longer").ok());
  BOOST_REQUIRE(writer->Commit().ok());
  BOOST_TEST(Contents(path) == "version 2, longer");
  BOOST_TEST(dir.Names() == Names{"key"});
  // A reader that opened the old file still reads it whole: rename() swapped the names.
  const std::string old_bytes((std::istreambuf_iterator<char>(reader_of_the_old_file)),
                              std::istreambuf_iterator<char>());
  BOOST_TEST(old_bytes == "version 1");
}

BOOST_AUTO_TEST_CASE(create_new_never_clobbers) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  BOOST_REQUIRE(WriteFileAtomically(path, "the first key", WriteMode::kCreateNew).ok());
  auto writer = AtomicFileWriter::Create(path, WriteMode::kCreateNew);
  BOOST_REQUIRE(writer.ok());
  BOOST_REQUIRE(writer->Append("a second key").ok());
  const absl::Status refused = writer->Commit();
  BOOST_TEST(Code(refused) == "ALREADY_EXISTS", refused);
  BOOST_TEST(Contents(path) == "the first key");
  BOOST_TEST(dir.Names() == Names{"master.key"});  // the temporary file went with the refusal
  BOOST_TEST(Code(WriteFileAtomically(path, "x", WriteMode::kCreateNew)) == "ALREADY_EXISTS");
  BOOST_TEST(dir.Names() == Names{"master.key"});
}

BOOST_AUTO_TEST_CASE(a_failing_write_is_reported_and_never_committed) {
  TempDir dir;
  const std::string path = dir.File("witness");
  BOOST_REQUIRE(WriteFileAtomically(path, "old note", WriteMode::kCreateNew).ok());
  const std::string secret_text = "Mme Lefèvre " + std::string(8192, 's');
  {
    auto writer = AtomicFileWriter::Create(path, WriteMode::kReplace);
    BOOST_REQUIRE(writer.ok());
    absl::Status written;
    {
      FileSizeLimit limit(1024);
      written = writer->Append(secret_text);
    }
    BOOST_TEST(Code(written) == "IO", written);
    BOOST_TEST(absl::StrContains(written.message(), "cannot write"), written);
    BOOST_TEST(absl::StrContains(written.message(), path), written);  // where
    BOOST_TEST(!absl::StrContains(written.message(), "Lefèvre"), written);
    // A torn file is never moved into place, even once writes would succeed again.
    BOOST_REQUIRE(writer->Append("more").ok());
    BOOST_TEST(Code(writer->Commit()) == "FAILED_PRECONDITION");
    BOOST_TEST(dir.Names() == Names{"witness"});
  }
  BOOST_TEST(Contents(path) == "old note");

  // The same through WriteFileAtomically.
  absl::Status whole;
  {
    FileSizeLimit limit(1024);
    whole = WriteFileAtomically(path, secret_text, WriteMode::kReplace);
  }
  BOOST_TEST(Code(whole) == "IO", whole);
  BOOST_TEST(Contents(path) == "old note");
  BOOST_TEST(dir.Names() == Names{"witness"});
}

BOOST_AUTO_TEST_CASE(a_directory_that_cannot_take_the_file_is_reported) {
  TempDir dir;
  auto missing = AtomicFileWriter::Create(dir.File("no/such/dir/file"), WriteMode::kReplace);
  BOOST_TEST(Code(missing.status()) == "IO", missing.status());
  BOOST_TEST(absl::StrContains(missing.status().message(), "cannot create a temporary file"));
  BOOST_TEST(dir.Names().empty());
  if (geteuid() != 0) {  // root writes into read-only directories
    BOOST_REQUIRE(chmod(dir.path().c_str(), 0500) == 0);
    BOOST_TEST(Code(WriteFileAtomically(dir.File("f"), "x", WriteMode::kReplace)) == "IO");
    BOOST_REQUIRE(chmod(dir.path().c_str(), 0700) == 0);
    BOOST_TEST(dir.Names().empty());
  }
}

BOOST_AUTO_TEST_CASE(a_finished_writer_refuses_more) {
  TempDir dir;
  auto writer = AtomicFileWriter::Create(dir.File("f"), WriteMode::kReplace);
  BOOST_REQUIRE(writer.ok());
  BOOST_REQUIRE(writer->Append("done").ok());
  BOOST_REQUIRE(writer->Commit().ok());
  BOOST_TEST(Code(writer->Append("late")) == "FAILED_PRECONDITION");
  BOOST_TEST(Code(writer->Commit()) == "FAILED_PRECONDITION");
  BOOST_TEST(Contents(dir.File("f")) == "done");
}

BOOST_AUTO_TEST_CASE(a_moved_writer_keeps_its_file) {
  TempDir dir;
  auto created = AtomicFileWriter::Create(dir.File("f"), WriteMode::kReplace);
  BOOST_REQUIRE(created.ok());
  AtomicFileWriter writer = std::move(*created);
  BOOST_REQUIRE(writer.Append("moved").ok());
  {
    AtomicFileWriter other = std::move(writer);  // `writer` is left with nothing to remove
    BOOST_REQUIRE(other.Commit().ok());
  }
  BOOST_TEST(Contents(dir.File("f")) == "moved");
  // Assigning over a writer abandons its own file.
  auto first = AtomicFileWriter::Create(dir.File("g"), WriteMode::kReplace);
  auto second = AtomicFileWriter::Create(dir.File("h"), WriteMode::kReplace);
  BOOST_REQUIRE(first.ok() && second.ok());
  BOOST_TEST(dir.Names().size() == 3u);
  *first = std::move(*second);
  BOOST_TEST(dir.Names().size() == 2u);
  BOOST_REQUIRE(first->Commit().ok());
  BOOST_TEST(dir.Names() == (Names{"f", "h"}));
}

BOOST_AUTO_TEST_SUITE_END()

// FileSink keeps its own messages ("export file: …") over the writer's.
BOOST_AUTO_TEST_SUITE(file_sink)

BOOST_AUTO_TEST_CASE(streams_into_place_on_close_and_leaves_nothing_when_abandoned) {
  TempDir dir;
  const std::string path = dir.File("out.socle");
  {
    auto sink = FileSink(path);
    BOOST_REQUIRE(sink.ok());
    BOOST_REQUIRE((*sink)->Write("abandoned").ok());
  }
  BOOST_TEST(dir.Names().empty());
  auto sink = FileSink(path);
  BOOST_REQUIRE(sink.ok());
  BOOST_REQUIRE((*sink)->Write("kept ").ok());
  BOOST_REQUIRE((*sink)->Write("bytes").ok());
  BOOST_REQUIRE((*sink)->Close().ok());
  BOOST_TEST(Contents(path) == "kept bytes");
  BOOST_TEST(Mode(path) == 0600u);
  BOOST_TEST(dir.Names() == Names{"out.socle"});
  const absl::Status late = (*sink)->Write("late");
  BOOST_TEST(Code(late) == "FAILED_PRECONDITION");
  BOOST_TEST(late.message() == "export file: sink closed");
  BOOST_TEST(Code((*sink)->Close()) == "FAILED_PRECONDITION");
}

BOOST_AUTO_TEST_CASE(errors_are_the_writer_s_said_of_an_export_file) {
  TempDir dir;
  BOOST_TEST(Code(FileSink("").status()) == "INVALID_ARGUMENT");
  const auto missing = FileSink(dir.File("no/dir/out.socle"));
  BOOST_TEST(Code(missing.status()) == "IO", missing.status());
  BOOST_TEST(absl::StartsWith(missing.status().message(), "export file: "), missing.status());

  auto sink = FileSink(dir.File("out.socle"));
  BOOST_REQUIRE(sink.ok());
  absl::Status written;
  {
    FileSizeLimit limit(512);
    written = (*sink)->Write(std::string(4096, 'r'));
  }
  BOOST_TEST(Code(written) == "IO", written);
  BOOST_TEST(absl::StartsWith(written.message(), "export file: cannot write"), written);
  BOOST_TEST(Code((*sink)->Close()) == "FAILED_PRECONDITION");
  BOOST_TEST(dir.Names().empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::storage

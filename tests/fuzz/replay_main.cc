// A plain driver for the libFuzzer targets: calls LLVMFuzzerTestOneInput once on every file its
// arguments name, so that the seed corpora and the regressions/ inputs are replayed in every
// build (dev with g++, asan), not only in the clang fuzz preset. A fuzzer aborts when one of its
// contracts breaks, and the sanitizers of the build stop it on any finding: either fails the test.
//
//   <fuzzer>_replay PATTERN...    each PATTERN a glob (expanded here, so files added after
//                                 configuring are replayed) or a directory (its files)
//
// Exit 0 when every input ran; 1 when no input was found at all (a seed set that vanished).
#include <dirent.h>
#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

bool IsDirectory(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void AddDirectory(const std::string& dir, std::vector<std::string>* files) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> found;
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    if (!IsDirectory(path)) found.push_back(path);
  }
  closedir(d);
  std::sort(found.begin(), found.end());
  files->insert(files->end(), found.begin(), found.end());
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    glob_t matches{};
    if (glob(argv[i], 0, nullptr, &matches) == 0) {
      for (size_t k = 0; k < matches.gl_pathc; ++k) {
        const std::string path = matches.gl_pathv[k];
        if (IsDirectory(path)) {
          AddDirectory(path, &files);
        } else {
          files.push_back(path);
        }
      }
    }
    globfree(&matches);
  }
  if (files.empty()) {
    std::fprintf(stderr, "%s: no input matched the patterns given\n", argv[0]);
    return 1;
  }
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0], path.c_str());
      return 1;
    }
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::fprintf(stderr, "replaying %s (%zu bytes)\n", path.c_str(), bytes.size());
    // A copy of exactly the input's size, so that the sanitizers see any read past its end.
    std::vector<uint8_t> data(bytes.begin(), bytes.end());
    static uint8_t empty = 0;  // libFuzzer never passes a null pointer either
    LLVMFuzzerTestOneInput(data.empty() ? &empty : data.data(), data.size());
  }
  std::printf("%zu inputs replayed\n", files.size());
  return 0;
}

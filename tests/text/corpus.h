// Reader of the labelled corpus in tests/text/corpus/ (format: corpus/README.md). Header-only,
// shared by the corpus test and benchmarks/redact_benchmark.cc.
#ifndef SOCLE_TESTS_TEXT_CORPUS_H_
#define SOCLE_TESTS_TEXT_CORPUS_H_

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace socle::text_test {

struct LabelledSpan {
  size_t begin = 0;
  size_t end = 0;
  std::string type;  // PERSONNE, NIR, TELEPHONE, … or PERSONNE-INCONNUE, ADRESSE-INCONNUE
};

struct Note {
  std::string id;
  std::string text;  // the note without its labels
  std::vector<LabelledSpan> spans;
};

struct CaseFile {
  std::string id;
  std::string known;  // the known identities, in the format of ParseKnownIdentities
  std::vector<Note> notes;
};

// Strips the [[TYPE:text]] labels of `labelled` into `note`. False (and *error) when a label is
// not closed or has no type.
inline bool StripLabels(const std::string& labelled, Note* note, std::string* error) {
  note->text.clear();
  note->spans.clear();
  size_t i = 0;
  while (i < labelled.size()) {
    const size_t open = labelled.find("[[", i);
    if (open == std::string::npos) {
      note->text.append(labelled, i, std::string::npos);
      break;
    }
    note->text.append(labelled, i, open - i);
    const size_t colon = labelled.find(':', open);
    const size_t close = labelled.find("]]", open);
    if (colon == std::string::npos || close == std::string::npos || colon > close) {
      *error = note->id + ": unterminated label";
      return false;
    }
    LabelledSpan span;
    span.type = labelled.substr(open + 2, colon - open - 2);
    span.begin = note->text.size();
    note->text.append(labelled, colon + 1, close - colon - 1);
    span.end = note->text.size();
    if (span.type.empty() || span.begin == span.end) {
      *error = note->id + ": empty label";
      return false;
    }
    note->spans.push_back(span);
    i = close + 2;
  }
  return true;
}

inline bool ParseCorpus(const std::string& content, std::vector<CaseFile>* files,
                        std::string* error) {
  std::istringstream in(content);
  std::string line;
  CaseFile* file = nullptr;
  Note* note = nullptr;
  std::string labelled;
  auto finish_note = [&]() -> bool {
    if (note == nullptr) return true;
    while (!labelled.empty() && labelled.back() == '\n') labelled.pop_back();
    const bool ok = StripLabels(labelled, note, error);
    labelled.clear();
    note = nullptr;
    return ok;
  };
  while (std::getline(in, line)) {
    if (line.rfind("@file ", 0) == 0) {
      if (!finish_note()) return false;
      files->emplace_back();
      file = &files->back();
      file->id = line.substr(6);
      continue;
    }
    if (line.rfind("@note ", 0) == 0) {
      if (!finish_note()) return false;
      if (file == nullptr) {
        *error = "a note outside any file";
        return false;
      }
      file->notes.emplace_back();
      note = &file->notes.back();
      note->id = line.substr(6);
      continue;
    }
    if (note != nullptr) {
      labelled += line;
      labelled += '\n';
    } else if (file != nullptr) {
      file->known += line;
      file->known += '\n';
    }
    // Lines before the first @file are comments.
  }
  return finish_note();
}

// Every *.txt of `dir`, in name order.
inline bool LoadCorpus(const std::string& dir, std::vector<CaseFile>* files, std::string* error) {
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".txt") paths.push_back(entry.path());
  }
  if (ec) {
    *error = "cannot list " + dir;
    return false;
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream content;
    content << f.rdbuf();
    if (!ParseCorpus(content.str(), files, error)) {
      *error = path.filename().string() + ": " + *error;
      return false;
    }
  }
  return true;
}

}  // namespace socle::text_test

#endif  // SOCLE_TESTS_TEXT_CORPUS_H_

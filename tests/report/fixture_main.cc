// Writes the fixture's report (tests/report/fixture.h) to a file, for the browser test
// (chromium_test.py): `report_fixture OUT.html [--hostile]`.
#include <cstring>
#include <fstream>
#include <iostream>

#include "report/fixture.h"
#include "socle/person_report.hpp"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::strcmp(argv[2], "--hostile") != 0)) {
    std::cerr << "usage: report_fixture OUT.html [--hostile]\n";
    return 2;
  }
  const bool hostile = argc == 3;
  auto html = socle::RenderPersonReport(
      socle::report_test::Serialise(socle::report_test::FixtureRecords(hostile)));
  if (!html.ok()) {
    std::cerr << html.status() << "\n";
    return 1;
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << *html;
  out.close();
  if (!out) {
    std::cerr << "report_fixture: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}

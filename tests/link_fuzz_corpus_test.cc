// Replays the kept libFuzzer corpus of the scanners (fixtures/link/fuzz/<scanner>/):
// no crash (run under ASan+UBSan in CI), and the scanners' invariants hold.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "link/css_scanner.h"
#include "link/html_scanner.h"
#include "link/js_scanner.h"
#include "link/json_scanner.h"
#include "link/scan_invariants.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::link;

namespace {

size_t replay(const std::string& folder, const std::function<ScanResult(std::string_view)>& scan) {
  fs::path dir = assetpipe::test::fixtures_dir() / "link/fuzz" / folder;
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string input = assetpipe::test::read(e.path());
    EXPECT_EQ(scan_invariant_violation(input, scan(input)), "") << e.path();
    ++n;
  }
  return n;
}

}  // namespace

TEST(LinkFuzzCorpus, Css) {
  EXPECT_GT(replay("css", [](auto s) { return scan_css(s); }), 10u);
}
TEST(LinkFuzzCorpus, Js) {
  EXPECT_GT(replay("js", [](auto s) { return scan_js(s); }), 10u);
}
TEST(LinkFuzzCorpus, Html) {
  EXPECT_GT(replay("html", [](auto s) { return scan_html(s); }), 10u);
}
TEST(LinkFuzzCorpus, Svg) {
  EXPECT_GT(replay("html", [](auto s) { return scan_svg(s); }), 10u);
}
TEST(LinkFuzzCorpus, Manifest) {
  EXPECT_GT(replay("json", [](auto s) { return scan_webmanifest(s); }), 10u);
}
TEST(LinkFuzzCorpus, ImportMap) {
  EXPECT_GT(replay("json", [](auto s) { return scan_import_map(s); }), 10u);
}

TEST(LinkFuzzCorpus, InvariantCheckCatchesABrokenResult) {
  // The check itself can fail: an offset past the input is reported.
  ScanResult bad;
  bad.refs.push_back(Reference{DecodedText::verbatim("abc", 10), RefKind::Resource, false});
  EXPECT_NE(scan_invariant_violation("short", bad), "");
  EXPECT_EQ(scan_invariant_violation("0123456789abcdef", bad), "");
}

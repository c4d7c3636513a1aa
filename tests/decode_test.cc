// verify/decode.h: .br and .gz decoded with a bound, corruption reported.
#include <gtest/gtest.h>

#include "support/test_support.h"
#include "verify/decode.h"

using namespace assetpipe;
using namespace assetpipe::test;

namespace {

std::string encoded_with(const std::string& tool, const std::string& text) {
  TempDir tmp;
  write(tmp / "f", text);
  auto r = run_program({"sh", "-c", tool + " -c \"$0\"", (tmp / "f").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

}  // namespace

TEST(Decode, RoundTripsWhatTheCommandLineToolsWrite) {
  std::string text(5000, 'a');
  for (size_t i = 0; i < text.size(); i += 7) text[i] = static_cast<char>('a' + i % 26);
  auto br = verify::brotli_decode(encoded_with("brotli", text), text.size());
  ASSERT_TRUE(br) << br.error();
  EXPECT_EQ(*br, text);
  auto gz = verify::gzip_decode(encoded_with("gzip", text), text.size());
  ASSERT_TRUE(gz) << gz.error();
  EXPECT_EQ(*gz, text);
}

TEST(Decode, CorruptTruncatedTrailingAndTooLong) {
  std::string text(5000, 'x');
  std::string br = encoded_with("brotli", text), gz = encoded_with("gzip", text);
  EXPECT_FALSE(verify::brotli_decode(br.substr(0, br.size() / 2), text.size()));
  EXPECT_FALSE(verify::gzip_decode(gz.substr(0, gz.size() / 2), text.size()));
  EXPECT_FALSE(verify::brotli_decode(br + "zz", text.size()));
  EXPECT_FALSE(verify::gzip_decode(gz + "zz", text.size()));
  EXPECT_FALSE(verify::brotli_decode("not brotli at all", 100));
  auto bounded = verify::gzip_decode(gz, 10);
  ASSERT_FALSE(bounded);
  EXPECT_NE(bounded.error().find("more bytes"), std::string::npos);
}

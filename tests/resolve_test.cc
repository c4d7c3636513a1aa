// The one resolver (link/resolve.h), shared by the link stage and verify.
#include <gtest/gtest.h>

#include "link/resolve.h"

using namespace assetpipe;
using namespace assetpipe::link;

namespace {

Reference reference(const std::string& url, RefKind kind = RefKind::Resource) {
  return Reference{DecodedText::verbatim(url, 0), kind, false};
}

}  // namespace

TEST(Resolve, RelativeRootRelativeAndFolderUrls) {
  auto r = resolve_reference(reference("../img/a.png?v=1#x"), std::string("css/"), "/");
  EXPECT_EQ(r.status, Resolution::Status::Resolved);
  EXPECT_EQ(r.path, "img/a.png");
  EXPECT_EQ(r.path_end, 12u);
  EXPECT_EQ(resolve_reference(reference("/static/a.js"), std::string("x/"), "/static/").path,
            "a.js");
  auto folder = resolve_reference(reference("docs/"), std::string(""), "/");
  EXPECT_TRUE(folder.folder_url);
  EXPECT_EQ(folder.path, "docs/index.html");
}

TEST(Resolve, ExternalAndInvalid) {
  for (std::string url : {"https://x.example/a.js", "data:,x", "#top", "//cdn/x.js"}) {
    EXPECT_EQ(resolve_reference(reference(url), std::string(""), "/").status,
              Resolution::Status::Ignored)
        << url;
  }
  EXPECT_EQ(resolve_reference(reference("a.js"), std::nullopt, "/").status,
            Resolution::Status::Ignored);
  auto out = resolve_reference(reference("/other/a.js"), std::string(""), "/static/");
  EXPECT_EQ(out.status, Resolution::Status::Invalid);
  EXPECT_FALSE(out.error.empty());
}

TEST(Resolve, BaseHrefAndMissingNavigation) {
  ScanResult scan =
      scan_file("index.html", FileKind::Html, "<base href=\"/app/\"><img src=\"x.png\">");
  ASSERT_EQ(scan.refs.size(), 1u);
  auto folder = reference_folder("index.html", scan, "/");
  ASSERT_TRUE(folder);
  EXPECT_EQ(resolve_reference(reference("x.png"), folder, "/").path, "app/x.png");
  ScanResult elsewhere =
      scan_file("index.html", FileKind::Html, "<base href=\"https://cdn.example/\">");
  EXPECT_EQ(reference_folder("index.html", elsewhere, "/"), std::nullopt);

  auto route = resolve_reference(reference("about", RefKind::Navigation), std::string(""), "/");
  EXPECT_FALSE(missing_is_reported(reference("about", RefKind::Navigation), route));
  auto page = resolve_reference(reference("about.html", RefKind::Navigation), std::string(""), "/");
  EXPECT_TRUE(missing_is_reported(reference("about.html", RefKind::Navigation), page));
  EXPECT_TRUE(missing_is_reported(reference("a.png"),
                                  resolve_reference(reference("a.png"), std::string(""), "/")));
}

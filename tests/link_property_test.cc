// Random reference graphs (fixed seeds): whatever the shape (chains, cycles,
// self-references, diamonds), every reference in the output resolves to an
// output file, and changing one image renames exactly the files that reach it.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "link/link.h"
#include "link/output_check.h"
#include "scan/classify.h"

using namespace assetpipe;

namespace {

struct RandomSite {
  std::map<std::string, std::string> files;
  std::map<std::string, std::set<std::string>> edges;  // logical -> logicals it references
};

RandomSite random_site(unsigned seed) {
  std::mt19937 rng(seed);
  RandomSite s;
  int css = 3 + static_cast<int>(rng() % 10), images = 1 + static_cast<int>(rng() % 5);
  auto css_name = [](int k) {
    return "css/" + std::string(k % 2 ? "sub/" : "") + "s" + std::to_string(k) + ".css";
  };
  auto img_name = [](int k) { return "img/i" + std::to_string(k) + ".png"; };
  for (int k = 0; k < images; ++k) s.files[img_name(k)] = "image " + std::to_string(k);
  for (int k = 0; k < css; ++k) {
    std::string self = css_name(k), body;
    std::string up = k % 2 ? "../../" : "../";
    for (int r = 0, n = static_cast<int>(rng() % 4); r < n;
         ++r) {  // @imports, any target, itself too
      int t = static_cast<int>(rng() % css);
      std::string target = css_name(t);
      body += "@import \"" + up + target + "\";\n";
      s.edges[self].insert(target);
    }
    for (int r = 0, n = static_cast<int>(rng() % 3); r < n; ++r) {
      std::string target = img_name(static_cast<int>(rng() % images));
      body += ".r" + std::to_string(r) + "{background:url(" +
              (rng() % 2 ? "/" + target : up + target) + ")}\n";
      s.edges[self].insert(target);
    }
    s.files[self] = body + "/* " + self + " */\n";
  }
  std::string html;
  for (int k = 0; k < css; k += 2) {
    html += "<link rel=stylesheet href=\"" + css_name(k) + "\">";
    s.edges["index.html"].insert(css_name(k));
  }
  s.files["index.html"] = html;
  return s;
}

std::map<std::string, Asset> link_all(const std::map<std::string, std::string>& files) {
  std::vector<Asset> assets;
  for (const auto& [logical, bytes] : files) {
    Asset a;
    a.logical = logical;
    a.kind = scan::classify(logical);
    a.entry = scan::is_entry(logical, {});
    a.bytes = bytes;
    assets.push_back(std::move(a));
  }
  Options o;
  Diagnostics d;
  link::link(assets, o, d);
  EXPECT_EQ(d.warning_count(), 0u);
  std::map<std::string, Asset> out;
  for (auto& a : assets) out[a.logical] = std::move(a);
  return out;
}

std::set<std::string> reaching(const RandomSite& s, const std::string& leaf) {
  std::set<std::string> found = {leaf};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [from, tos] : s.edges) {
      if (found.count(from)) continue;
      for (const auto& t : tos) {
        if (found.count(t)) {
          found.insert(from);
          grew = true;
          break;
        }
      }
    }
  }
  return found;
}

}  // namespace

TEST(LinkProperty, RandomGraphsResolveAndRenameExactlyWhatReachesAChange) {
  for (unsigned seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    RandomSite s = random_site(seed);
    auto before = link_all(s.files);
    std::map<std::string, std::string> tree;
    for (const auto& [logical, a] : before) tree[a.output] = a.bytes;
    auto check = link::testing::check_references(tree);
    EXPECT_GT(check.checked, 0u);
    EXPECT_TRUE(check.broken.empty()) << (check.broken.empty() ? "" : check.broken.front());
    auto again = link_all(s.files);
    for (const auto& [logical, a] : before) {
      EXPECT_EQ(again[logical].output, a.output) << "not deterministic";
      EXPECT_EQ(again[logical].bytes, a.bytes) << "not deterministic";
    }

    std::string leaf = "img/i0.png";
    s.files[leaf] += " changed";
    auto after = link_all(s.files);
    std::set<std::string> renamed;
    for (const auto& [logical, a] : before) {
      if (after[logical].output != a.output) renamed.insert(logical);
    }
    std::set<std::string> expected = reaching(s, leaf);
    expected.erase("index.html");  // an entry: new bytes, same name
    EXPECT_EQ(renamed, expected);
  }
}
